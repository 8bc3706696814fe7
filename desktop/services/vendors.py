"""Vendors and their parties: create, read, change (optimistic locking), archive; child records.

A vendor's profile spans two rows (``party`` and ``vendor``); a save checks the versions of both
the user's form was loaded with, so nothing another user saved meanwhile is overwritten silently
(``db.errors.ConflictError``). Identifiers are validated with python-stdnum.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from stdnum import lei as stdnum_lei
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError as StdnumError

from db.engine import read_session, unit_of_work
from db.models import (
    AuditEvent,
    Certification,
    Commitment,
    CommitmentKind,
    Contract,
    ContractKind,
    CriticalityTier,
    DataLocation,
    EvidenceFile,
    EvidenceLink,
    IdentifierScheme,
    Party,
    PartyIdentifier,
    Subprocessor,
    Vendor,
    VendorStatus,
    VendorTag,
    search_key,
)
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import N_, tr
from desktop.services.evidence import add_evidence, link, read_file, store_bytes

PROFILE_FIELDS = ("name", "country", "website", "services", "tier", "status", "internal_owner", "tags", "notes",
                  "lei", "vat", "next_review_due")


@dataclass
class VendorForm:
    """What the Profile tab edits."""

    name: str = ""
    country: str = ""
    website: str = ""
    services: str = ""
    tier: str = CriticalityTier.MEDIUM.value
    status: str = VendorStatus.PROSPECT.value
    internal_owner: str = ""
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    lei: str = ""
    vat: str = ""
    next_review_due: date | None = None

    def differences(self, other: VendorForm) -> list[tuple[str, Any, Any]]:
        """(field, mine, theirs) for every field that differs."""
        return [(f.name, getattr(self, f.name), getattr(other, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(other, f.name)]


# What the user calls each field of VendorForm (the Profile tab's labels), e.g. in the conflict dialog.
FORM_LABELS: dict[str, str] = {
    "name": N_("Legal name"), "country": N_("Country"), "website": N_("Website"), "services": N_("Services"),
    "tier": N_("Criticality tier"), "status": N_("Status"), "internal_owner": N_("Internal owner"),
    "tags": N_("Tags"), "notes": N_("Notes"), "lei": N_("LEI"), "vat": N_("EU VAT number"),
    "next_review_due": N_("Next review due"),
}


@dataclass(frozen=True)
class VendorDetail:
    id: int
    party_id: int
    version: int
    party_version: int
    form: VendorForm
    archived: bool


# --------------------------------------------------------------------------- validation


def validate_lei(value: str) -> str | None:
    """None when ``value`` is empty or a valid LEI, else the reason."""
    if not value.strip():
        return None
    compact = value.replace(" ", "").strip()
    if len(compact) != 20:
        return tr("An LEI has 20 characters; this one has {count}.", count=len(compact))
    try:
        stdnum_lei.validate(value)
    except StdnumError as exc:
        return tr("Not a valid LEI: {problem} (20 characters, ISO 17442).", problem=str(exc).rstrip('.').lower())
    return None


def validate_vat(value: str) -> str | None:
    """None when ``value`` is empty or a valid EU VAT number (with its country prefix), else the reason."""
    if not value.strip():
        return None
    try:
        stdnum_vat.validate(value)
    except StdnumError as exc:
        return tr("Not a valid EU VAT number: {problem} (start with the country code, e.g. DE).",
                  problem=str(exc).rstrip('.').lower())
    return None


def validate_country(value: str) -> str | None:
    if value and (len(value) != 2 or not value.isalpha()):
        return tr("Use the two-letter ISO country code, e.g. ES or DE.")
    return None


def validate_form(form: VendorForm) -> dict[str, str]:
    """Field -> reason for every invalid field (empty when the form can be saved)."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = tr("The legal name is required.")
    elif len(form.name) > 300:
        errors["name"] = tr("The legal name is longer than 300 characters.")
    for name, check in (("lei", validate_lei(form.lei)), ("vat", validate_vat(form.vat)),
                        ("country", validate_country(form.country))):
        if check:
            errors[name] = check
    if form.tier not in {t.value for t in CriticalityTier}:
        errors["tier"] = tr("Unknown criticality tier {tier}.", tier=repr(form.tier))
    if form.status not in {s.value for s in VendorStatus}:
        errors["status"] = tr("Unknown status {status}.", status=repr(form.status))
    for tag in form.tags:
        if len(tag) > 60:
            errors["tags"] = tr("The tag {tag}... is longer than 60 characters.", tag=repr(tag[:20]))
    if len(form.services) > 1000:
        errors["services"] = tr("The services text is longer than 1000 characters.")
    return errors


def _require_valid(form: VendorForm) -> None:
    errors = validate_form(form)
    if errors:
        name, reason = next(iter(errors.items()))
        raise ValidationError(tr("The vendor cannot be saved: {name}: {reason}", name=name, reason=reason), field=name)


def _clean_tags(tags: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for t in tags:
        t = t.strip()
        if t:
            seen.setdefault(t, None)
    return list(seen)


# --------------------------------------------------------------------------- vendor profile


def _identifier(session: Session, party_id: int, scheme: IdentifierScheme) -> PartyIdentifier | None:
    return session.exec(select(PartyIdentifier).where(
        PartyIdentifier.party_id == party_id, PartyIdentifier.scheme == scheme.value)).first()


def _detail(session: Session, vendor: Vendor) -> VendorDetail:
    party = session.get(Party, vendor.party_id)
    assert party is not None and vendor.id is not None and party.id is not None
    lei = _identifier(session, party.id, IdentifierScheme.LEI)
    vat = _identifier(session, party.id, IdentifierScheme.VAT)
    tags = sorted(session.exec(select(VendorTag.tag).where(VendorTag.vendor_id == vendor.id)).all())
    form = VendorForm(
        name=party.name, country=party.country or "", website=party.website or "", services=vendor.services,
        tier=vendor.tier, status=vendor.status, internal_owner=vendor.internal_owner, tags=list(tags),
        notes=vendor.notes, lei=lei.value if lei else "", vat=vat.value if vat else "",
        next_review_due=vendor.next_review_due)
    return VendorDetail(vendor.id, party.id, vendor.version, party.version, form, vendor.archived_at is not None)


def get_vendor(engine: Engine, vendor_id: int) -> VendorDetail:
    with read_session(engine) as session:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound(tr("There is no vendor #{vendor_id}.", vendor_id=vendor_id))
        return _detail(session, vendor)


def _set_identifier(session: Session, party_id: int, scheme: IdentifierScheme, value: str) -> None:
    current = _identifier(session, party_id, scheme)
    value = value.strip().upper().replace(" ", "")
    if value and scheme is IdentifierScheme.LEI:  # one LEI names one legal entity
        from desktop.services.identifiers import require_lei_free

        require_lei_free(session, value, party_id, tr("this vendor"))
    if not value:
        if current is not None:
            session.delete(current)
    elif current is None:
        session.add(PartyIdentifier(party_id=party_id, scheme=scheme.value, value=value))
    elif current.value != value:
        current.value = value
        session.add(current)


def _apply(session: Session, vendor: Vendor, party: Party, form: VendorForm) -> None:
    party.name = form.name.strip()
    party.country = form.country.strip().upper() or None
    party.website = form.website.strip() or None
    vendor.services = form.services.strip()
    vendor.tier = form.tier
    vendor.status = form.status
    vendor.internal_owner = form.internal_owner.strip()
    vendor.notes = form.notes
    vendor.next_review_due = form.next_review_due
    session.add(party)
    session.add(vendor)
    session.flush()
    assert party.id is not None and vendor.id is not None
    _set_identifier(session, party.id, IdentifierScheme.LEI, form.lei)
    _set_identifier(session, party.id, IdentifierScheme.VAT, form.vat)
    wanted = set(_clean_tags(form.tags))
    have = {t.tag: t for t in session.exec(select(VendorTag).where(VendorTag.vendor_id == vendor.id)).all()}
    for tag, row in have.items():
        if tag not in wanted:
            session.delete(row)
    for tag in wanted - set(have):
        session.add(VendorTag(vendor_id=vendor.id, tag=tag))
    session.flush()


def create_vendor_in(session: Session, form: VendorForm) -> Vendor:
    """Create a vendor (and its party) inside the caller's unit of work."""
    _require_valid(form)
    existing = session.exec(select(Party).join(Vendor, col(Vendor.party_id) == col(Party.id)).where(
        Party.name_normalised == search_key(form.name))).first()
    if existing is not None:
        raise ValidationError(tr("A vendor named {name} is already in the register.",
                                 name=repr(existing.name)), field="name")
    party = Party(name=form.name.strip())
    session.add(party)
    session.flush()
    assert party.id is not None
    vendor = Vendor(party_id=party.id)
    _apply(session, vendor, party, form)
    return vendor


def make_vendor_of(session: Session, party: Party, form: VendorForm) -> Vendor:
    """Make an existing party (e.g. imported from BODS) a vendor, inside the caller's unit of work: its
    name is kept, empty details are filled from the form, identifiers it lacks are added."""
    _require_valid(form)
    assert party.id is not None
    party.country = party.country or form.country.strip().upper() or None
    party.website = party.website or form.website.strip() or None
    vendor = Vendor(party_id=party.id, services=form.services.strip(), tier=form.tier, status=form.status,
                    internal_owner=form.internal_owner.strip(), notes=form.notes, next_review_due=form.next_review_due)
    session.add(party)
    session.add(vendor)
    session.flush()
    assert vendor.id is not None
    for scheme, value in ((IdentifierScheme.LEI, form.lei), (IdentifierScheme.VAT, form.vat)):
        if value.strip() and _identifier(session, party.id, scheme) is None:
            _set_identifier(session, party.id, scheme, value)
    for tag in _clean_tags(form.tags):
        session.add(VendorTag(vendor_id=vendor.id, tag=tag))
    session.flush()
    return vendor


def create_vendor(engine: Engine, form: VendorForm, actor: str | None = None) -> VendorDetail:
    """One user action: add a vendor to the register."""
    with unit_of_work(engine, actor) as session:
        vendor = create_vendor_in(session, form)
        return _detail(session, vendor)


def update_vendor(engine: Engine, vendor_id: int, form: VendorForm, expected_version: int,
                  expected_party_version: int | None = None, actor: str | None = None) -> VendorDetail:
    """Save the profile; ``ConflictError`` when someone saved the vendor since the form was loaded."""
    _require_valid(form)
    with unit_of_work(engine, actor) as session:
        vendor = get_for_update(session, Vendor, vendor_id, expected_version)
        party = get_for_update(session, Party, vendor.party_id, expected_party_version)
        clash = session.exec(select(Party).join(Vendor, col(Vendor.party_id) == col(Party.id)).where(
            Party.name_normalised == search_key(form.name), col(Party.id) != party.id)).first()
        if clash is not None:
            raise ValidationError(tr("Another vendor is already named {name}.", name=repr(clash.name)), field="name")
        _apply(session, vendor, party, form)
        # The version bump must show even if only tags or identifiers changed.
        vendor.updated_at = utcnow()
        session.add(vendor)
        session.flush()
        return _detail(session, vendor)


def set_archived(engine: Engine, vendor_id: int, archived: bool, expected_version: int | None = None,
                 actor: str | None = None) -> VendorDetail:
    """Archive (hide from the register) or restore a vendor."""
    with unit_of_work(engine, actor) as session:
        vendor = get_for_update(session, Vendor, vendor_id, expected_version)
        vendor.archived_at = utcnow() if archived else None
        session.add(vendor)
        session.flush()
        return _detail(session, vendor)


# --------------------------------------------------------------------------- child records


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


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    changes_json: str


def vendor_history(engine: Engine, vendor_id: int, limit: int = 2000) -> list[HistoryEntry]:
    """The audit events of this vendor, newest first."""
    with read_session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.vendor_id == vendor_id)
                            .order_by(col(AuditEvent.seq).desc()).limit(limit)).all()
        return [HistoryEntry(r.occurred_at, r.actor, r.action, r.record_type, r.record_id, r.changes_json)
                for r in rows]


def party_names(engine: Engine, prefix: str = "", limit: int = 50) -> list[str]:
    """Party names for completion (subprocessor pickers)."""
    with read_session(engine) as session:
        stmt = select(Party.name).where(col(Party.archived_at).is_(None))
        if prefix:
            stmt = stmt.where(col(Party.name_normalised).like(f"{search_key(prefix)}%"))
        return list(session.exec(stmt.order_by(col(Party.name_normalised)).limit(limit)).all())


# --------------------------------------------------------------------------- evidence of a vendor


def attach_evidence(engine: Engine, path: Path, record_type: str, record_id: int,
                    actor: str | None = None) -> int:
    """Store the file at ``path`` and link it to the record; returns the evidence id."""
    return add_evidence(engine, path, record_type=record_type, record_id=record_id, actor=actor).id


def replace_evidence(engine: Engine, old_id: int, path: Path, record_type: str, record_id: int,
                     actor: str | None = None) -> int:
    """Store ``path`` as the new version of evidence ``old_id``: linked where the old one was; old archived."""
    data = read_file(path)
    with unit_of_work(engine, actor) as session:
        old = session.get(EvidenceFile, old_id)
        if old is None:
            raise NotFound(tr("There is no evidence file #{old_id}.", old_id=old_id))
        new = store_bytes(session, data, path.name, actor=session.info["actor"], description=old.description)
        assert new.id is not None
        links = session.exec(select(EvidenceLink).where(EvidenceLink.evidence_id == old_id)).all()
        targets = {(lk.record_type, lk.record_id) for lk in links} | {(record_type, record_id)}
        for rtype, rid in sorted(targets):
            link(session, new.id, rtype, rid)
        old.archived_at = utcnow()
        session.add(old)
        return new.id


def remove_evidence(engine: Engine, evidence_id: int, actor: str | None = None) -> None:
    """Archive an evidence file (it stays in the database for the audit trail)."""
    with unit_of_work(engine, actor) as session:
        old = session.get(EvidenceFile, evidence_id)
        if old is None:
            raise NotFound(tr("There is no evidence file #{evidence_id}.", evidence_id=evidence_id))
        old.archived_at = utcnow()
        session.add(old)


def vendor_evidence(engine: Engine, vendor_id: int) -> list[dict[str, Any]]:
    """Evidence linked to the vendor or to any of its contracts, certifications, commitments, subprocessors."""
    with read_session(engine) as session:
        targets: list[tuple[str, int]] = [("vendor", vendor_id)]
        for kind in ("contract", "certification", "commitment", "subprocessor"):
            model = CHILD_KINDS[kind][0]
            ids = session.exec(select(model.id).where(model.vendor_id == vendor_id)).all()
            targets.extend((kind, int(i)) for i in ids)
        out: dict[int, dict[str, Any]] = {}
        for rtype, rid in targets:
            rows = session.exec(
                select(EvidenceFile).join(EvidenceLink, col(EvidenceLink.evidence_id) == col(EvidenceFile.id))
                .where(EvidenceLink.record_type == rtype, EvidenceLink.record_id == rid,
                       col(EvidenceFile.archived_at).is_(None))).all()
            for f in rows:
                entry = out.setdefault(f.id or 0, {
                    "id": f.id, "filename": f.filename, "size": f.size, "mime_type": f.mime_type,
                    "sha256": f.sha256, "uploaded_by": f.uploaded_by, "created_at": f.created_at,
                    "linked_to": []})
                entry["linked_to"].append(f"{rtype} #{rid}" if rtype != "vendor" else "vendor")
        result = sorted(out.values(), key=lambda e: e["created_at"])
        for e in result:
            e["linked_to"] = ", ".join(e["linked_to"])
        return result
