"""A vendor's profile: read, create (a new party, or an existing one made a vendor), change with optimistic
locking on both rows (``party`` and ``vendor``), archive or restore; and its audit events, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import AuditEvent, IdentifierScheme, Party, PartyIdentifier, Vendor, VendorTag, search_key
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import tr
from desktop.services.vendors.form import VendorDetail, VendorForm, _clean_tags, _require_valid


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
