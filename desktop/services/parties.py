"""People and companies that are not (or not only) vendors: create, read, change, list.

A party is an entity (company, fund, trust, state body) or a natural person. Vendors are parties
too; their procurement data lives in desktop.services.vendors. Here a user records the people and
companies around the vendors (owners, directors, subprocessors) by hand instead of through a BODS file.

One party per real entity: before a party is created the register is searched with the same matcher
the importers use (desktop.services.identifiers.match_incoming): a party with the same identifier is
refused, as is one with the same name or a recorded other name unless the user says it is another
entity (``distinct``). Identifiers are checked with python-stdnum (LEI ISO 17442, EU VAT numbers); one
LEI names one party.

Each action is one unit of work (the audit trail records it); results are plain dataclasses.

One concern: recording parties by hand; kept together because the checks, the duplicate refusal and the
writes apply the same one-party-per-entity rules.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import (
    IdentifierScheme,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
    PartyKind,
    Vendor,
    search_key,
)
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import N_, tr
from desktop.core.ownership.model import ROLE_TYPES
from desktop.services.identifiers import Incoming, match_incoming, normalise_identifier, require_lei_free
from desktop.services.resolve import resolve_party
from desktop.services.vendors import validate_country, validate_lei, validate_vat

SCHEMES = tuple(s.value for s in IdentifierScheme)
MAX_ALIASES = 50
MAX_IDENTIFIERS = 20
_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_DUNS = re.compile(r"^\d{9}$")

# What the user calls each field of PartyForm (the party dialog's labels, the CLI's messages).
FORM_LABELS: dict[str, str] = {
    "name": N_("Name"), "kind": N_("Kind"), "jurisdiction": N_("Jurisdiction"), "country": N_("Country"),
    "nationality": N_("Nationality"), "birth_date": N_("Date of birth"), "website": N_("Website"),
    "identifiers": N_("Identifiers"), "aliases": N_("Other names"), "notes": N_("Notes"),
}


class PossibleDuplicate(ValidationError):
    """The register may already have this party (same or similar name); the user may say it is another one."""


@dataclass(frozen=True)
class IdentifierValue:
    scheme: str  # LEI | VAT | REGISTRY | DUNS | OTHER
    value: str
    issuer: str = ""  # the registry's name for REGISTRY

    def text(self) -> str:
        return f"{self.scheme} {self.value}" + (f" ({self.issuer})" if self.issuer else "")


@dataclass
class PartyForm:
    """What the party dialog and `vetta parties add|edit` edit."""

    name: str = ""
    kind: str = PartyKind.ENTITY.value
    jurisdiction: str = ""  # ISO 3166-1 alpha-2, or 3166-2 (US-DE) for a state's register
    country: str = ""
    nationality: str = ""  # people
    birth_date: date | None = None  # people
    website: str = ""
    notes: str = ""
    identifiers: list[IdentifierValue] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoleInfo:
    """A role a person holds (board member, officer...) in an entity, from the ownership records."""

    interest_id: int
    type: str
    title: str
    entity_id: int
    entity: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class PartyDetail:
    id: int
    version: int
    form: PartyForm
    vendor_id: int | None
    archived: bool
    roles: tuple[RoleInfo, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "version": self.version, "vendor_id": self.vendor_id, "archived": self.archived,
                **asdict(self.form)}
        data["birth_date"] = self.form.birth_date.isoformat() if self.form.birth_date else None
        data["roles"] = [{**asdict(r), "start": r.start.isoformat() if r.start else None,
                          "end": r.end.isoformat() if r.end else None} for r in self.roles]
        return data


@dataclass(frozen=True)
class PartyRow:
    id: int
    version: int
    name: str
    kind: str
    jurisdiction: str
    country: str
    identifiers: str  # "LEI 5299..., VAT ESB..."
    aliases: str
    vendor_id: int | None


# --------------------------------------------------------------------------- validation


def identifier_problem(ident: IdentifierValue) -> str | None:
    """None when the identifier can be recorded, else the reason (python-stdnum for LEI and EU VAT)."""
    if ident.scheme not in SCHEMES:
        return tr("{scheme} is not a kind of identifier Vetta knows (LEI, VAT, REGISTRY, DUNS, OTHER).",
                  scheme=repr(ident.scheme))
    value = ident.value.strip()
    if not value:
        return tr("The {scheme} identifier is empty.", scheme=ident.scheme)
    if len(value) > 100:
        return tr("The {scheme} identifier is longer than 100 characters.", scheme=ident.scheme)
    if ident.scheme == "LEI":
        return validate_lei(value)
    if ident.scheme == "VAT":
        return validate_vat(value)
    if ident.scheme == "DUNS" and not _DUNS.match(value.replace("-", "").replace(" ", "")):
        return tr("A D-U-N-S number has 9 digits; {value} has not.", value=repr(value))
    if ident.scheme == "REGISTRY" and not ident.issuer.strip():
        return tr("A registry number needs the registry that issued it, e.g. ES-RMC:B12345678.")
    return None


def _stored(ident: IdentifierValue) -> IdentifierValue:
    scheme = ident.scheme
    value = normalise_identifier(scheme, ident.value)
    if scheme in ("VAT", "DUNS"):
        value = value.upper().replace(" ", "").replace("-", "")
    return IdentifierValue(scheme, value, ident.issuer.strip())


def validate_party_form(form: PartyForm) -> dict[str, str]:
    """Field -> reason for every invalid field (empty when the form can be saved)."""
    errors: dict[str, str] = {}
    name = form.name.strip()
    if not name:
        errors["name"] = tr("The name is required.")
    elif len(name) > 300:
        errors["name"] = tr("The name is longer than 300 characters.")
    if form.kind not in {k.value for k in PartyKind}:
        errors["kind"] = tr("The kind must be person or entity, not {kind}.", kind=repr(form.kind))
    jurisdiction = form.jurisdiction.strip().upper()
    if jurisdiction and not _JURISDICTION.match(jurisdiction):
        errors["jurisdiction"] = tr("Use an ISO country code (ES) or a country and region code (US-DE).")
    for key in ("country", "nationality"):
        reason = validate_country(getattr(form, key).strip())
        if reason:
            errors[key] = reason
    if form.kind == PartyKind.ENTITY.value and (form.nationality.strip() or form.birth_date):
        errors["nationality" if form.nationality.strip() else "birth_date"] = tr(
            "Only a person has a nationality and a date of birth.")
    if form.birth_date is not None and form.birth_date > date.today():
        errors["birth_date"] = tr("The date of birth is in the future.")
    if len(form.website) > 500:
        errors["website"] = tr("The website address is longer than 500 characters.")
    if len(form.identifiers) > MAX_IDENTIFIERS:
        errors["identifiers"] = tr("A party has at most {limit} identifiers.", limit=MAX_IDENTIFIERS)
    seen: set[tuple[str, str]] = set()
    for ident in form.identifiers:
        reason = identifier_problem(ident)
        if reason:
            errors.setdefault("identifiers", tr("{scheme} {value} is not valid: {reason}", scheme=ident.scheme,
                                                value=repr(ident.value.strip()), reason=reason))
            continue
        pair = (_stored(ident).scheme, _stored(ident).value)
        if pair in seen:
            errors.setdefault("identifiers", tr("The {scheme} {value} is given twice.", scheme=pair[0],
                                                value=pair[1]))
        seen.add(pair)
    if sum(1 for i in form.identifiers if i.scheme == "LEI") > 1:
        errors.setdefault("identifiers", tr("A legal entity has one LEI; two were given."))
    if form.kind == PartyKind.PERSON.value and any(i.scheme == "LEI" for i in form.identifiers):
        errors.setdefault("identifiers", tr("An LEI names a legal entity, not a person."))
    if len(form.aliases) > MAX_ALIASES:
        errors["aliases"] = tr("A party has at most {limit} other names.", limit=MAX_ALIASES)
    for alias in form.aliases:
        if len(alias.strip()) > 300:
            errors.setdefault("aliases", tr("The other name {alias}... is longer than 300 characters.",
                                            alias=repr(alias.strip()[:20])))
    return errors


def _require_valid(form: PartyForm) -> None:
    errors = validate_party_form(form)
    if errors:
        key, reason = next(iter(errors.items()))
        if key == "identifiers":  # the reason names the identifier already
            raise ValidationError(reason, field=key)
        raise ValidationError(tr("{label}: {reason}", label=tr(FORM_LABELS.get(key, key)), reason=reason), field=key)


def _clean_aliases(form: PartyForm) -> list[str]:
    own = search_key(form.name)
    seen: dict[str, str] = {}
    for alias in form.aliases:
        alias = " ".join(alias.split())
        if alias and search_key(alias) != own:
            seen.setdefault(search_key(alias), alias)
    return list(seen.values())


def _kind_word(kind: str) -> str:
    return tr("a person") if kind == PartyKind.PERSON.value else tr("a company or other entity")


# --------------------------------------------------------------------------- reading


def _vendor_id(session: Session, party_id: int) -> int | None:
    vid = session.exec(select(col(Vendor.id)).where(Vendor.party_id == party_id)).first()
    return int(vid) if vid is not None else None


def _detail(session: Session, party: Party) -> PartyDetail:
    assert party.id is not None
    idents = session.exec(select(PartyIdentifier).where(PartyIdentifier.party_id == party.id)
                          .order_by(col(PartyIdentifier.scheme), col(PartyIdentifier.value))).all()
    aliases = session.exec(select(col(PartyAlias.name)).where(PartyAlias.party_id == party.id)
                           .order_by(col(PartyAlias.name))).all()
    form = PartyForm(name=party.name, kind=party.kind, jurisdiction=party.jurisdiction or "",
                     country=party.country or "", nationality=party.nationality or "", birth_date=party.birth_date,
                     website=party.website or "", notes=party.notes or "",
                     identifiers=[IdentifierValue(i.scheme, i.value, i.issuer or "") for i in idents],
                     aliases=list(aliases))
    roles: list[RoleInfo] = []
    rows = session.exec(select(Interest, Party).join(Party, col(Party.id) == col(Interest.subject_id)).where(
        Interest.interested_party_id == party.id, col(Interest.archived_at).is_(None),
        col(Interest.interest_type).in_(sorted(ROLE_TYPES))).order_by(col(Interest.start_date))).all()
    for interest, entity in rows:
        assert interest.id is not None and entity.id is not None
        roles.append(RoleInfo(interest.id, interest.interest_type, interest.role_title, entity.id, entity.name,
                              interest.start_date, interest.end_date))
    return PartyDetail(party.id, party.version, form, _vendor_id(session, party.id), party.archived_at is not None,
                       tuple(roles))


def get_party(engine: Engine, party: int | str) -> PartyDetail:
    """One party by id, name, other name or identifier (an ambiguous name asks for the id)."""
    with read_session(engine) as session:
        return _detail(session, resolve_party(session, party))


def list_parties(engine: Engine, search: str = "", kind: str | None = None, *, include_vendors: bool = True,
                 limit: int = 2000) -> list[PartyRow]:
    """Parties that are not archived, by name; ``search`` matches a part of the name, an other name or
    an identifier (case, accents and spaces do not matter)."""
    with read_session(engine) as session:
        stmt = select(Party).where(col(Party.archived_at).is_(None))
        if kind:
            stmt = stmt.where(Party.kind == kind)
        text = search.strip()
        if text:
            like = f"%{search_key(text)}%"
            compact = "".join(text.split()).upper()
            alias_ids = [pid for pid, alias in session.exec(select(col(PartyAlias.party_id), col(PartyAlias.name)))
                         if search_key(text) in search_key(alias)]
            ident_ids = session.exec(select(col(PartyIdentifier.party_id)).where(
                func.upper(func.replace(col(PartyIdentifier.value), " ", "")).like(f"%{compact}%"))).all()
            stmt = stmt.where(or_(col(Party.name_normalised).like(like),
                                  col(Party.id).in_(sorted(set(alias_ids) | set(ident_ids)))))
        parties = list(session.exec(stmt.order_by(col(Party.name_normalised), col(Party.id)).limit(limit)))
        ids = [int(p.id) for p in parties if p.id is not None]
        idents: dict[int, list[str]] = {}
        aliases: dict[int, list[str]] = {}
        vendors: dict[int, int] = {}
        if ids:
            for i in session.exec(select(PartyIdentifier).where(col(PartyIdentifier.party_id).in_(ids))
                                  .order_by(col(PartyIdentifier.scheme))):
                idents.setdefault(i.party_id, []).append(f"{i.scheme} {i.value}")
            for a in session.exec(select(PartyAlias).where(col(PartyAlias.party_id).in_(ids))
                                  .order_by(col(PartyAlias.name))):
                aliases.setdefault(a.party_id, []).append(a.name)
            for vid, pid in session.exec(select(col(Vendor.id), col(Vendor.party_id)).where(
                    col(Vendor.party_id).in_(ids))):
                vendors[int(pid)] = int(vid or 0)
        rows = [PartyRow(int(p.id or 0), p.version, p.name, p.kind, p.jurisdiction or "", p.country or "",
                         ", ".join(idents.get(int(p.id or 0), [])), ", ".join(aliases.get(int(p.id or 0), [])),
                         vendors.get(int(p.id or 0))) for p in parties]
        if not include_vendors:
            rows = [r for r in rows if r.vendor_id is None]
        return rows


# --------------------------------------------------------------------------- writing


def _refuse_duplicate(session: Session, form: PartyForm, distinct: bool) -> None:
    """Refuse a party the register already has (same identifier; same name or other name unless
    ``distinct``), with the id of the one it has."""
    incoming = Incoming(form.kind, form.name.strip(),
                        [(i.scheme, i.value, i.issuer or None) for i in (_stored(x) for x in form.identifiers)],
                        form.birth_date, form.nationality.strip().upper() or None)
    for ident in form.identifiers:
        if ident.scheme == "LEI":
            require_lei_free(session, ident.value, None, repr(form.name.strip()))
    found = match_incoming(session, incoming)
    if found.how == "identifier" and found.party is not None:
        raise ValidationError(tr("{name} is already in the register as party #{id} (same identifier); edit that "
                                 "party instead of creating another.", name=repr(found.party.name),
                                 id=found.party.id), field="identifiers")
    if distinct or found.how == "new":
        return
    if found.party is not None:
        raise PossibleDuplicate(tr("{name} is already in the register as party #{id}, {kind}; edit that party, or, "
                                 "if this is another one with the same name, record it as a distinct party.", name=repr(found.party.name), id=found.party.id,
                                 kind=_kind_word(found.party.kind)), field="name")
    raise PossibleDuplicate(tr("{name} may already be in the register: {reason}; check, and if it is another one, "
                             "record it as a distinct party.", name=repr(form.name.strip()),
                             reason=found.reason), field="name")


def _refuse_identifier_elsewhere(session: Session, party_id: int, idents: list[IdentifierValue]) -> None:
    for ident in idents:
        if ident.scheme == "LEI":
            require_lei_free(session, ident.value, party_id, tr("party #{id}", id=party_id))
            continue
        if ident.scheme == "OTHER":
            continue
        stmt = select(PartyIdentifier).where(PartyIdentifier.scheme == ident.scheme,
                                             PartyIdentifier.value == ident.value,
                                             col(PartyIdentifier.party_id) != party_id)
        for row in session.exec(stmt):
            if ident.scheme == "REGISTRY" and (row.issuer or "") != ident.issuer:
                continue
            other = session.get(Party, row.party_id)
            raise ValidationError(tr("The {scheme} {value} is already recorded for {name} (party #{id}); one "
                                     "identifier names one party.", scheme=ident.scheme, value=ident.value,
                                     name=repr(other.name if other else "?"), id=row.party_id), field="identifiers")


def _apply(session: Session, party: Party, form: PartyForm) -> None:
    party.name = form.name.strip()
    party.kind = form.kind
    party.jurisdiction = form.jurisdiction.strip().upper() or None
    party.country = form.country.strip().upper() or None
    person = form.kind == PartyKind.PERSON.value
    party.nationality = (form.nationality.strip().upper() or None) if person else None
    party.birth_date = form.birth_date if person else None
    party.website = form.website.strip() or None
    party.notes = form.notes
    session.add(party)
    session.flush()
    assert party.id is not None
    wanted = [_stored(i) for i in form.identifiers]
    _refuse_identifier_elsewhere(session, party.id, wanted)
    have = {(r.scheme, r.value): r for r in session.exec(select(PartyIdentifier).where(
        PartyIdentifier.party_id == party.id))}
    keys = {(i.scheme, i.value) for i in wanted}
    for key, old in have.items():
        if key not in keys:
            session.delete(old)
    session.flush()
    for ident in wanted:
        found = have.get((ident.scheme, ident.value))
        if found is None:
            session.add(PartyIdentifier(party_id=party.id, scheme=ident.scheme, value=ident.value,
                                        issuer=ident.issuer or None))
        elif (found.issuer or "") != ident.issuer:
            found.issuer = ident.issuer or None
            session.add(found)
    aliases = _clean_aliases(form)
    current = {a.name: a for a in session.exec(select(PartyAlias).where(PartyAlias.party_id == party.id))}
    for name, alias_row in current.items():
        if name not in aliases:
            session.delete(alias_row)
    for name in aliases:
        if name not in current:
            session.add(PartyAlias(party_id=party.id, name=name))
    session.flush()


def _integrity(exc: IntegrityError) -> ValidationError:
    return ValidationError(tr("The party cannot be saved: it repeats an identifier or other name another party "
                              "already has."), field="identifiers")


def create_party_in(session: Session, form: PartyForm, *, distinct: bool = False) -> Party:
    """Create a party inside the caller's unit of work (after the duplicate check)."""
    _require_valid(form)
    _refuse_duplicate(session, form, distinct)
    party = Party(name=form.name.strip(), kind=form.kind)
    _apply(session, party, form)
    return party


def create_party(engine: Engine, form: PartyForm, *, distinct: bool = False, actor: str | None = None) -> PartyDetail:
    """One user action: record a person or a company. ``distinct``: the user says it is not the party of
    the same name already in the register."""
    _require_valid(form)
    try:
        with unit_of_work(engine, actor) as session:
            party = create_party_in(session, form, distinct=distinct)
            return _detail(session, party)
    except IntegrityError as exc:
        raise _integrity(exc) from exc


def update_party(engine: Engine, party_id: int, form: PartyForm, expected_version: int | None = None,
                 actor: str | None = None) -> PartyDetail:
    """Save a party's details; ``ConflictError`` when someone saved it since the form was loaded."""
    _require_valid(form)
    try:
        with unit_of_work(engine, actor) as session:
            party = get_for_update(session, Party, party_id, expected_version)
            if party.archived_at is not None:
                raise NotFound(tr("No party has the id {pid}.", pid=party_id))
            vendor_id = _vendor_id(session, party_id)
            if form.kind != party.kind:
                if vendor_id is not None:
                    raise ValidationError(tr("{name} is a vendor; a vendor stays a company or other entity.",
                                             name=repr(party.name)), field="kind")
                held = session.exec(select(col(Interest.id)).where(Interest.subject_id == party_id,
                                                                   col(Interest.archived_at).is_(None))).first()
                if held is not None and form.kind == PartyKind.PERSON.value:
                    raise ValidationError(tr("Others hold interests in {name}, so it is an entity, not a person.",
                                             name=repr(party.name)), field="kind")
            if vendor_id is not None:
                clash = session.exec(select(Party).join(Vendor, col(Vendor.party_id) == col(Party.id)).where(
                    Party.name_normalised == search_key(form.name), col(Party.id) != party_id)).first()
                if clash is not None:
                    raise ValidationError(tr("Another vendor is already named {name}.", name=repr(clash.name)),
                                          field="name")
            party.updated_at = utcnow()  # the version moves (once) even when only identifiers or other names change
            _apply(session, party, form)
            return _detail(session, party)
    except IntegrityError as exc:
        raise _integrity(exc) from exc


def parse_identifier(scheme: str, text: str) -> IdentifierValue:
    """An identifier as typed: ``REGISTRY`` takes ``ISSUER:NUMBER`` (ES-RMC:B12345678)."""
    scheme = scheme.strip().upper()
    text = text.strip()
    if scheme == "REGISTRY":
        issuer, sep, number = text.partition(":")
        if not sep:
            return IdentifierValue(scheme, text, "")
        return IdentifierValue(scheme, number.strip(), issuer.strip())
    return IdentifierValue(scheme, text)
