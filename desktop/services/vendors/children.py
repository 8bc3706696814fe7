"""A vendor's child records (contracts, certifications, guarantees, data locations, subprocessors): the fields
of each kind (``CHILD_KINDS``), their conversion and checks, and list / save / remove; party names for the
subprocessor pickers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import (
    Certification,
    Commitment,
    CommitmentKind,
    Contract,
    ContractKind,
    DataLocation,
    Party,
    Subprocessor,
    Vendor,
    search_key,
)
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import tr
from desktop.services.vendors.form import validate_country


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text | longtext | date | int | decimal | bool | choice | party
    choices: tuple[str, ...] = ()
    required: bool = False


_DATE_RANGE = ("valid_from", "valid_until")
CHILD_KINDS: dict[str, tuple[Any, tuple[FieldSpec, ...]]] = {
    "contract": (Contract, (
        FieldSpec("kind", "Kind", "choice", tuple(k.value for k in ContractKind), True),
        FieldSpec("title", "Title", "text"),
        FieldSpec("reference", "Reference", "text"),
        FieldSpec("signed_date", "Signed on", "date"),
        FieldSpec("start_date", "Starts", "date"),
        FieldSpec("end_date", "Ends", "date"),
        FieldSpec("value", "Value", "decimal"),
        FieldSpec("currency", "Currency (ISO)", "text"),
        FieldSpec("auto_renew", "Renews automatically", "bool"),
        FieldSpec("renewal_months", "Renewal period (months)", "int"),
        FieldSpec("notice_days", "Notice period (days)", "int"),
        FieldSpec("change_of_control_termination", "Termination on change of control", "bool"),
        FieldSpec("ownership_change_notice", "Notice of ownership changes", "bool"),
        FieldSpec("audit_rights", "Audit rights", "bool"),
        FieldSpec("exclusivity", "Exclusivity", "bool"),
        FieldSpec("data_use_restriction", "Data use restricted to our purposes", "bool"),
        FieldSpec("deletion_on_termination", "Data deleted on termination", "bool"),
        FieldSpec("breach_notice_hours", "Breach notice (hours)", "int"),
        FieldSpec("notes", "Notes", "longtext"),
    )),
    "certification": (Certification, (
        FieldSpec("standard", "Standard", "text", required=True),
        FieldSpec("issuer", "Issuer / auditor", "text"),
        FieldSpec("scope", "Scope", "longtext"),
        FieldSpec("reference", "Reference", "text"),
        FieldSpec("valid_from", "Valid from", "date"),
        FieldSpec("valid_until", "Valid until", "date"),
    )),
    "commitment": (Commitment, (
        FieldSpec("kind", "Guarantee", "choice", tuple(k.value for k in CommitmentKind), True),
        FieldSpec("details", "Details", "longtext"),
        FieldSpec("valid_from", "Valid from", "date"),
        FieldSpec("valid_until", "Valid until", "date"),
    )),
    "data_location": (DataLocation, (
        FieldSpec("country", "Country (ISO)", "text", required=True),
        FieldSpec("purpose", "Purpose", "choice", ("storage", "processing", "support"), True),
    )),
    "subprocessor": (Subprocessor, (
        FieldSpec("party_name", "Subprocessor (party)", "party", required=True),
        # a fourth party: engaged by one of the vendor's subprocessors (empty: by the vendor itself)
        FieldSpec("of_party_name", "Engaged by (empty: the vendor itself)", "party"),
        FieldSpec("service", "Service", "text"),
        FieldSpec("accesses_customer_data", "Accesses our data", "bool"),
        FieldSpec("start_date", "Starts", "date"),
        FieldSpec("end_date", "Ends", "date"),
    )),
}


def _convert(spec: FieldSpec, raw: Any) -> Any:
    if spec.kind == "bool":
        return bool(raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.required:
            raise ValidationError(tr("{label} is required.", label=tr(spec.label)), field=spec.name)
        return None if spec.kind in ("date", "int", "decimal") else ""
    if spec.kind == "date":
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise ValidationError(tr("{label}: {raw} is not a date (YYYY-MM-DD).",
                                     label=tr(spec.label), raw=repr(raw)), field=spec.name) from exc
    if spec.kind == "int":
        try:
            value = int(str(raw).strip())
        except ValueError as exc:
            raise ValidationError(tr("{label}: {raw} is not a whole number.", label=tr(spec.label), raw=repr(raw)), field=spec.name) from exc
        if value < 0:
            raise ValidationError(tr("{label} cannot be negative.", label=tr(spec.label)), field=spec.name)
        return value
    if spec.kind == "decimal":
        try:
            dec = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation as exc:
            raise ValidationError(tr("{label}: {raw} is not a number.", label=tr(spec.label), raw=repr(raw)), field=spec.name) from exc
        if dec < 0:
            raise ValidationError(tr("{label} cannot be negative.", label=tr(spec.label)), field=spec.name)
        return dec
    if spec.kind == "choice" and str(raw) not in spec.choices:
        raise ValidationError(tr("{label}: {raw} is not one of {choices}.",
                                 label=tr(spec.label), raw=repr(raw), choices=', '.join(spec.choices)), field=spec.name)
    return str(raw).strip()


def _check_child(kind: str, values: dict[str, Any]) -> None:
    for start, end in (("start_date", "end_date"), _DATE_RANGE):
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None and a > b:
            raise ValidationError(tr("The end date {b} is before the start date {a}.", b=b, a=a), field=end)
    if kind == "contract":
        cur = values.get("currency")
        if cur and (len(cur) != 3 or not cur.isalpha()):
            raise ValidationError(tr("Currency: use the three-letter ISO code, e.g. EUR."), field="currency")
        values["currency"] = cur.upper() if cur else None
        if values.get("renewal_months") == 0:
            raise ValidationError(tr("The renewal period must be at least one month."), field="renewal_months")
    if kind == "data_location":
        reason = validate_country(values.get("country") or "")
        if reason:
            raise ValidationError(tr("Country: {reason}", reason=reason), field="country")
        values["country"] = values["country"].upper()


def _party_for(session: Session, name: str) -> int:
    """The party ``name`` names (name, other name or identifier, through the shared resolver), created as a
    new entity when none does; several is refused with their ids, so no second party is made for one."""
    from desktop.services.resolve import candidates

    found = candidates(session, name)
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in sorted(found, key=lambda p: int(p.id or 0)))
        raise ValidationError(tr("The name {text} matches several parties (ids {ids}); give the id instead.",
                                 text=repr(name.strip()), ids=ids), field="party_name")
    party = found[0] if found else None
    if party is None:
        party = Party(name=name.strip())
        session.add(party)
        session.flush()
    assert party.id is not None
    return party.id


_PARTY_COLUMNS = {"party_name": "party_id", "of_party_name": "of_party_id"}


def _engaging_party(session: Session, vendor_id: int, name: str, party_id: int | None) -> int | None:
    """The subprocessor of this vendor that engages a fourth party (None: the vendor engages it)."""
    if not name.strip():
        return None
    key = search_key(name)
    found = session.exec(select(col(Party.id)).join(Subprocessor, col(Subprocessor.party_id) == col(Party.id)).where(
        Subprocessor.vendor_id == vendor_id, col(Subprocessor.archived_at).is_(None),
        Party.name_normalised == key)).first()
    if found is None:
        raise ValidationError(tr("{name} is not a subprocessor of this vendor: record it first, then the "
                                 "subprocessors it engages.", name=repr(name.strip())), field="of_party_name")
    if found == party_id:
        raise ValidationError(tr("A subprocessor cannot engage itself."), field="of_party_name")
    return int(found)


def _row_dict(session: Session, kind: str, obj: Any) -> dict[str, Any]:
    _model, specs = CHILD_KINDS[kind]
    out: dict[str, Any] = {"id": obj.id, "version": getattr(obj, "version", None)}
    for spec in specs:
        if spec.kind == "party":
            column = _PARTY_COLUMNS[spec.name]
            party_id = getattr(obj, column)
            party = session.get(Party, party_id) if party_id is not None else None
            out[spec.name] = party.name if party else ""
            out[column] = party_id
        else:
            out[spec.name] = getattr(obj, spec.name)
    return out


def list_children(engine: Engine, kind: str, vendor_id: int) -> list[dict[str, Any]]:
    """The vendor's records of ``kind`` (contract, certification, commitment, data_location, subprocessor)."""
    model, _specs = CHILD_KINDS[kind]
    with read_session(engine) as session:
        stmt = select(model).where(model.vendor_id == vendor_id)
        if hasattr(model, "archived_at"):
            stmt = stmt.where(model.archived_at.is_(None))
        rows = session.exec(stmt.order_by(model.id)).all()
        return [_row_dict(session, kind, r) for r in rows]


def save_child(engine: Engine, kind: str, vendor_id: int, values: dict[str, Any], record_id: int | None = None,
               expected_version: int | None = None, actor: str | None = None) -> dict[str, Any]:
    """Create (``record_id`` None) or change one child record; returns it as saved."""
    if kind not in CHILD_KINDS:
        raise ValidationError(tr("Unknown record kind {kind}.", kind=repr(kind)))
    model, specs = CHILD_KINDS[kind]
    clean = {spec.name: _convert(spec, values.get(spec.name)) for spec in specs}
    _check_child(kind, clean)
    try:
        with unit_of_work(engine, actor) as session:
            if session.get(Vendor, vendor_id) is None:
                raise NotFound(tr("There is no vendor #{vendor_id}.", vendor_id=vendor_id))
            if "party_name" in clean:
                given = values.get("party_id")  # a party the caller resolved already (by id)
                name = clean.pop("party_name")
                clean["party_id"] = int(given) if given is not None else _party_for(session, name)
                if session.get(Party, clean["party_id"]) is None:
                    raise NotFound(tr("No party has the id {pid}.", pid=clean["party_id"]))
            if "of_party_name" in clean:
                clean["of_party_id"] = _engaging_party(session, vendor_id, clean.pop("of_party_name"),
                                                       clean.get("party_id"))
            if record_id is None:
                obj = model(vendor_id=vendor_id, **clean)
            else:
                obj = get_for_update(session, model, record_id, expected_version)
                if obj.vendor_id != vendor_id:
                    raise NotFound(tr("The {kind} #{record_id} does not belong to vendor #{vendor_id}.",
                                      kind=tr(kind.replace('_', ' ')), record_id=record_id, vendor_id=vendor_id))
                for key, value in clean.items():
                    setattr(obj, key, value)
            session.add(obj)
            session.flush()
            return _row_dict(session, kind, obj)
    except IntegrityError as exc:
        raise ValidationError(tr("The {kind} cannot be saved: it duplicates an existing one or breaks a "
                                 "rule of the register.", kind=tr(kind.replace('_', ' ')))) from exc


def remove_child(engine: Engine, kind: str, record_id: int, actor: str | None = None) -> None:
    """Archive a child record (data locations, which have no archive, are deleted)."""
    model, _specs = CHILD_KINDS[kind]
    with unit_of_work(engine, actor) as session:
        obj = session.get(model, record_id)
        if obj is None:
            raise NotFound(tr("There is no {kind} #{record_id}.",
                              kind=tr(kind.replace('_', ' ')), record_id=record_id))
        if hasattr(obj, "archived_at"):
            obj.archived_at = utcnow()
            session.add(obj)
        else:
            session.delete(obj)


def party_names(engine: Engine, prefix: str = "", limit: int = 50) -> list[str]:
    """Party names for completion (subprocessor pickers)."""
    with read_session(engine) as session:
        stmt = select(Party.name).where(col(Party.archived_at).is_(None))
        if prefix:
            stmt = stmt.where(col(Party.name_normalised).like(f"{search_key(prefix)}%"))
        return list(session.exec(stmt.order_by(col(Party.name_normalised)).limit(limit)).all())
