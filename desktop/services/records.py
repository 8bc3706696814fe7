"""Recording a vendor's ownership, contracts, certificates and subprocessors by name, for teams that script
their register (`vetta interests add`, `vetta contracts add`, `vetta certificates add`,
`vetta subprocessors add`).

Parties and vendors are named as everywhere else (desktop.services.resolve: id, name, other name,
identifier; an ambiguous name asks for the id), never created here: a missing party is recorded first
with `vetta parties add`, so one real entity stays one party. Each function is one user action, one
unit of work, recorded in the audit trail; the checks are the vendor editor's (desktop.services.vendors,
desktop.services.ownership).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from db.engine import read_session, unit_of_work
from db.models import PartyKind
from desktop.core.errors import ValidationError
from desktop.core.i18n import tr
from desktop.services.ownership import InterestInput, check_interest, save_interest_in
from desktop.services.resolve import resolve_party, resolve_vendor
from desktop.services.vendors import save_child


@dataclass(frozen=True)
class InterestAdded:
    id: int
    holder_id: int
    holder: str
    subject_id: int
    subject: str
    type: str


@dataclass(frozen=True)
class RecordAdded:
    """A contract, certification or subprocessor as saved, with its vendor."""

    kind: str
    id: int
    vendor_id: int
    vendor: str
    values: dict[str, Any]


def add_interest(engine: Engine, holder: int | str, subject: int | str, data: InterestInput,
                 actor: str | None = None) -> InterestAdded:
    """Record that ``holder`` (a person or entity) holds an interest in ``subject`` (an entity).

    ``data`` gives the type, share, role and dates; its party ids are filled from the names here.
    """
    with unit_of_work(engine, actor) as session:
        holder_party = resolve_party(session, holder)
        subject_party = resolve_party(session, subject)
        assert holder_party.id is not None and subject_party.id is not None
        if subject_party.kind == PartyKind.PERSON.value:
            raise ValidationError(tr("{name} is a person; interests are held in companies and other entities.",
                                     name=repr(subject_party.name)), field="subject")
        data.holder_id, data.subject_id = int(holder_party.id), int(subject_party.id)
        check_interest(data)
        new_id = save_interest_in(session, data)
        return InterestAdded(new_id, data.holder_id, holder_party.name, data.subject_id, subject_party.name,
                             data.type)


def _vendor(engine: Engine, ref: int | str) -> tuple[int, str]:
    with read_session(engine) as session:
        vendor = resolve_vendor(session, ref)
        assert vendor.id is not None
        party = resolve_party(session, vendor.party_id)
        return int(vendor.id), party.name


def _add(engine: Engine, kind: str, vendor: int | str, values: dict[str, Any], actor: str | None) -> RecordAdded:
    vendor_id, vendor_name = _vendor(engine, vendor)
    saved = save_child(engine, kind, vendor_id, values, actor=actor)
    return RecordAdded(kind, int(saved["id"]), vendor_id, vendor_name, saved)


def add_contract(engine: Engine, vendor: int | str, values: dict[str, Any], actor: str | None = None) -> RecordAdded:
    """A contract with ``vendor``: the fields of desktop.services.vendors.CHILD_KINDS['contract']."""
    return _add(engine, "contract", vendor, values, actor)


def add_certificate(engine: Engine, vendor: int | str, values: dict[str, Any],
                    actor: str | None = None) -> RecordAdded:
    """A certification of ``vendor`` (SOC 2, ISO/IEC 27001...): standard, issuer, scope, validity."""
    return _add(engine, "certification", vendor, values, actor)


def add_subprocessor(engine: Engine, vendor: int | str, party: int | str, *, engaged_by: int | str | None = None,
                     service: str = "", accesses_customer_data: bool = True, start: date | None = None,
                     end: date | None = None, actor: str | None = None) -> RecordAdded:
    """``party`` (already in the register) is a subprocessor of ``vendor``, or of ``engaged_by`` (one of the
    vendor's subprocessors: a fourth party)."""
    with read_session(engine) as session:
        sub = resolve_party(session, party)
        engager = resolve_party(session, engaged_by) if engaged_by not in (None, "") else None
        sub_id, sub_name = int(sub.id or 0), sub.name
        engager_name = engager.name if engager is not None else ""
    values = {"party_name": sub_name, "party_id": sub_id, "of_party_name": engager_name, "service": service,
              "accesses_customer_data": accesses_customer_data, "start_date": start, "end_date": end}
    return _add(engine, "subprocessor", vendor, values, actor)
