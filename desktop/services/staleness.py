"""Staleness by what was recorded: a material change marks the decided assessments it touches stale.

A ``before_flush`` listener on every ORM session looks at what the flush is about to write. When an
interest, contract, certification, commitment, subprocessor, data location, party (or its identifiers
and aliases) or a decision on a possible competitor match is added, changed or deleted, it finds the
vendors affected:

* the vendor the row belongs to (contracts, certificates, commitments, data locations, subprocessors);
* for a party, or an interest in a party (its ``subject``): every vendor whose party is that party or
  lies DOWNSTREAM of it in the ownership web (what it owns or controls, directly or through a chain;
  a recursive query over ``interest``, on SQLite and PostgreSQL alike, safe with cycles), and every
  vendor whose subprocessors, at any depth, include one of those parties.

The *recording* time decides, not the date the change takes effect: an interest recorded today that
started a year ago (a competitor gained control up the chain before the approval, and we learn it
now) makes the assessment stale. ``recorded_changes`` lists what was recorded after a decision, with
both dates; ``assessments.staleness`` shows it.

Their decided assessments whose ``stale_since`` is empty get ``stale_since = now``, in the same flush
(so in the same transaction, and recorded by the audit trail like any other change). The database
triggers that freeze decisions let exactly this column change. ``assessments.staleness`` lists what
changed since the decision.

Time-based staleness (a certificate that expires after the decision) changes no row, so no flush sees
it: ``refresh_expired_certificates`` marks those, and the app and the CLI call it when they open a
database at most once a day (``maybe_refresh_daily``), as does ``vetta assessment stale``.

Importing this module registers the listener (desktop/services/__init__.py does it, so any use of
the services has it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, event, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col

from db.models import (
    DECIDED_STATUSES,
    Assessment,
    AuditEvent,
    Certification,
    Commitment,
    CompetitorMatch,
    Contract,
    DataLocation,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
    Subprocessor,
    Vendor,
)
from db.types import utcnow
from desktop.core.i18n import N_

log = logging.getLogger("vetta.staleness")

VENDOR_RECORDS = (Contract, Certification, Commitment, DataLocation, Subprocessor)
# Columns whose change alone is bookkeeping, not a material change.
BOOKKEEPING = frozenset({"updated_at", "version", "created_at"})


def _changed(session: OrmSession, obj: object) -> bool:
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in BOOKKEEPING:
            continue
        if state.attrs[attr.key].history.has_changes():
            return True
    return False


def _values(obj: object, name: str) -> set[int]:
    """The current and (for an update) previous integer values of ``obj.name``."""
    from sqlalchemy import inspect as sa_inspect

    out: set[int] = set()
    value = getattr(obj, name, None)
    if isinstance(value, int):
        out.add(value)
    history = sa_inspect(obj).attrs[name].history
    out.update(v for v in history.deleted or () if isinstance(v, int))
    return out


def downstream_parties(conn: Connection, parties: Iterable[int]) -> set[int]:
    """``parties`` and every party they own or influence, directly or through chains (cycles are fine)."""
    start = sorted(set(parties))
    if not start:
        return set()
    web = select(col(Party.id).label("party_id")).where(col(Party.id).in_(start)).cte("web", recursive=True)
    web = web.union(
        select(col(Interest.subject_id).label("party_id"))
        .join(web, col(Interest.interested_party_id) == web.c.party_id)
    )
    return {int(r[0]) for r in conn.execute(select(web.c.party_id))}


def subprocessor_users(conn: Connection, parties: set[int]) -> tuple[set[int], set[int]]:
    """Vendors whose subprocessors, at any depth, include one of ``parties``, and every party on the way
    (the engaging parties). A subprocessor row is engaged by its ``of_party_id``, or by its vendor."""
    vendors: set[int] = set()
    seen = set(parties)
    frontier = set(parties)
    while frontier:
        rows = conn.execute(
            select(col(Subprocessor.vendor_id), col(Subprocessor.of_party_id), col(Vendor.party_id))
            .join(Vendor, col(Vendor.id) == col(Subprocessor.vendor_id))
            .where(col(Subprocessor.party_id).in_(sorted(frontier)))).all()
        frontier = set()
        for vendor_id, of_party, vendor_party in rows:
            engaged_by = of_party if of_party is not None else vendor_party
            if of_party is None:
                vendors.add(int(vendor_id))
            if engaged_by is not None and engaged_by not in seen:
                seen.add(int(engaged_by))
                frontier.add(int(engaged_by))
    engagers = seen - set(parties)
    if engagers:
        vendors.update(int(r[0]) for r in conn.execute(
            select(col(Vendor.id)).where(col(Vendor.party_id).in_(sorted(engagers)))) if r[0] is not None)
    return vendors, engagers


def affected_vendors(conn: Connection, vendors: set[int], parties: set[int]) -> set[int]:
    """Vendor ids touched by changes to ``vendors`` themselves and to ``parties`` (see module doc)."""
    out = set(vendors)
    web = downstream_parties(conn, parties)
    if web:
        ids = sorted(web)
        out.update(r[0] for r in conn.execute(select(col(Vendor.id)).where(col(Vendor.party_id).in_(ids)))
                   if r[0] is not None)
        out.update(subprocessor_users(conn, web)[0])
    return out


def _before_flush(session: OrmSession, _flush_context: UOWTransaction, _instances: object) -> None:
    vendors: set[int] = set()
    parties: set[int] = set()
    engagers: set[int] = set()  # parties whose subprocessors changed
    engaged_by_vendor: set[int] = set()  # vendors whose subprocessors changed
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if obj in session.dirty and not _changed(session, obj):
            continue
        if isinstance(obj, VENDOR_RECORDS):
            vendors.update(_values(obj, "vendor_id"))
            if isinstance(obj, Subprocessor):  # who uses the engaging party as a subprocessor is touched too
                engagers.update(_values(obj, "of_party_id"))
                engaged_by_vendor.update(_values(obj, "vendor_id"))
        elif isinstance(obj, Interest):
            parties.update(_values(obj, "subject_id"))
        elif isinstance(obj, Party):
            if obj.id is not None:
                parties.add(obj.id)
        elif isinstance(obj, PartyIdentifier | PartyAlias | CompetitorMatch):
            parties.update(_values(obj, "party_id"))
    if not vendors and not parties:
        return
    with session.no_autoflush:
        conn = session.connection()
        affected = affected_vendors(conn, vendors, parties)
        if engaged_by_vendor:
            engagers.update(int(r[0]) for r in conn.execute(
                select(col(Vendor.party_id)).where(col(Vendor.id).in_(sorted(engaged_by_vendor)))))
        if engagers:
            affected.update(subprocessor_users(conn, engagers)[0])
        if not affected:
            return
        rows = conn.execute(
            select(col(Assessment.id)).where(
                col(Assessment.vendor_id).in_(sorted(affected)),
                col(Assessment.status).in_([s.value for s in DECIDED_STATUSES]),
                col(Assessment.stale_since).is_(None),
            )
        ).all()
        now = utcnow()
        for (assessment_id,) in rows:
            assessment = session.get(Assessment, assessment_id)
            if assessment is not None and assessment.stale_since is None:
                assessment.stale_since = now
                log.info("assessment #%s marked stale by a material change", assessment_id)


# --------------------------------------------------------------------------- what was recorded after a decision

WEB_RECORDS = ("interest", "party", "party_identifier", "party_alias", "competitor_match", "subprocessor")


def upstream_parties(conn: Connection, parties: Iterable[int]) -> set[int]:
    """``parties`` and everything that holds an interest in them, directly or through chains (any date,
    archived interests included: archiving one is a change too)."""
    start = sorted(set(parties))
    if not start:
        return set()
    web = select(col(Party.id).label("party_id")).where(col(Party.id).in_(start)).cte("up", recursive=True)
    web = web.union(
        select(col(Interest.interested_party_id).label("party_id"))
        .join(web, col(Interest.subject_id) == web.c.party_id)
    )
    return {int(r[0]) for r in conn.execute(select(web.c.party_id))}


def _subprocessor_chain(conn: Connection, vendor_id: int, party_id: int) -> set[int]:
    """The parties engaged as subprocessors by the vendor's party, at any depth (any date)."""
    rows = conn.execute(select(col(Subprocessor.party_id), col(Subprocessor.of_party_id), col(Vendor.party_id))
                        .join(Vendor, col(Vendor.id) == col(Subprocessor.vendor_id))).all()
    engages: dict[int, set[int]] = {}
    for sub, of_party, vendor_party in rows:
        engaged_by = of_party if of_party is not None else vendor_party
        engages.setdefault(int(engaged_by), set()).add(int(sub))
    seen: set[int] = set()
    stack = [party_id]
    while stack:
        for sub in engages.get(stack.pop(), ()):
            if sub not in seen and sub != party_id:
                seen.add(sub)
                stack.append(sub)
    return seen


def vendor_web(conn: Connection, vendor_id: int, party_id: int) -> set[int]:
    """Every party whose records can change the vendor's assessment: its ownership web and its
    subprocessors at any depth with their own webs."""
    return upstream_parties(conn, {party_id} | _subprocessor_chain(conn, vendor_id, party_id))


def _party_of(event: Any) -> int | None:
    """The party an identifier, alias or match event is about (from its recorded fields)."""
    try:
        changes = json.loads(event.changes_json or "{}")
    except ValueError:
        return None
    before, after = (changes.get("party_id") or [None, None])[:2]
    value = after if after is not None else before
    return int(value) if isinstance(value, int) else None


def recorded_changes(session: Any, vendor_id: int, party_id: int, since: datetime,
                     lang: str | None = None) -> list[dict[str, Any]]:
    """Material records of the vendor's web (ownership, people, identifiers, match decisions,
    subprocessors at any depth) recorded after ``since``, whatever date they take effect, oldest first.
    Each entry says both: ``recorded`` (when it was written) and ``effective`` (the date it applies from)."""
    from desktop.core.i18n import format_date, tr
    from desktop.core.ownership.text import fmt_range, type_label

    conn = session.connection()
    web = vendor_web(conn, vendor_id, party_id)
    own = ("contract", "certification", "commitment", "data_location", "subprocessor", "interest", "party")
    events = session.scalars(select(AuditEvent).where(
        col(AuditEvent.occurred_at) > since,
        or_(col(AuditEvent.record_type).in_(WEB_RECORDS),
            and_(col(AuditEvent.vendor_id) == vendor_id, col(AuditEvent.record_type).in_(own))))
        .order_by(col(AuditEvent.seq))).all()
    if not events:
        return []
    names = {int(pid): name for pid, name in conn.execute(select(col(Party.id), col(Party.name))
                                                         .where(col(Party.id).in_(sorted(web))))}
    out: list[dict[str, Any]] = []
    for e in events:
        effective: date | None = None
        message = ""
        if e.record_type == "interest":
            i = session.get(Interest, e.record_id)
            if i is None or i.subject_id not in web:
                continue
            effective = i.end_date if (i.end_date is not None and e.action == "update"
                                       and "end_date" in (e.changes_json or "")) else i.start_date
            if i.share_exact is not None:
                share = f" ({fmt_range((i.share_exact, i.share_exact), lang or 'en')})"
            elif i.share_min is not None or i.share_max is not None:
                share = f" ({fmt_range((i.share_min or 0.0, 100.0 if i.share_max is None else i.share_max), lang or 'en')})"
            else:
                share = ""
            what = tr("{holder}'s {type} interest in {subject}{share}", lang,
                      holder=names.get(i.interested_party_id, f"#{i.interested_party_id}"),
                      type=i.role_title or type_label(i.interest_type, lang or "en"),
                      subject=names.get(i.subject_id, f"#{i.subject_id}"), share=share)
        elif e.record_type in _VENDOR_RECORD_TYPES and e.vendor_id == vendor_id:
            effective, what = _vendor_record(session, e, names, lang)
        elif e.record_type == "subprocessor":
            sub = session.get(Subprocessor, e.record_id)
            if sub is None:
                continue
            owner = session.get(Vendor, sub.vendor_id)
            engaged_by = sub.of_party_id if sub.of_party_id is not None else (owner.party_id if owner else None)
            if engaged_by not in web:
                continue
            effective = sub.start_date
            what = tr("{party} as a subprocessor of {engager}", lang,
                      party=names.get(sub.party_id, f"#{sub.party_id}"), engager=names.get(engaged_by or 0, ""))
        elif e.record_type == "party":
            if e.record_id not in web:
                continue
            what = tr("the details of {party}", lang, party=names.get(int(e.record_id or 0), ""))
        else:
            pid = _party_of(e)
            if pid is None or pid not in web:
                continue
            label = {"party_identifier": tr("an identifier of {party}", lang, party=names.get(pid, "")),
                     "party_alias": tr("another name of {party}", lang, party=names.get(pid, "")),
                     "competitor_match": tr("the competitor match of {party}", lang, party=names.get(pid, ""))}
            what = label[e.record_type]
        recorded = format_date(e.occurred_at.date(), lang)
        if effective is not None:
            message = tr("{what}: {action} by {actor} on {recorded}, effective {effective}.", lang, what=what,
                         action=tr(_ACTIONS.get(e.action, e.action), lang), actor=e.actor, recorded=recorded,
                         effective=format_date(effective, lang))
        else:
            message = tr("{what}: {action} by {actor} on {recorded}.", lang, what=what,
                         action=tr(_ACTIONS.get(e.action, e.action), lang), actor=e.actor, recorded=recorded)
        fields = sorted(json.loads(e.changes_json or "{}"))
        out.append({"kind": "record", "when": e.occurred_at.isoformat(), "record_type": e.record_type,
                    "record_id": e.record_id, "action": e.action, "actor": e.actor, "fields": fields,
                    "message": message, "recorded": e.occurred_at.isoformat(),
                    "effective": effective.isoformat() if effective else None, "event_id": e.id})
    return out


_VENDOR_RECORD_TYPES = {"contract": Contract, "certification": Certification, "commitment": Commitment,
                        "data_location": DataLocation, "subprocessor": Subprocessor}


def _vendor_record(session: Any, event: Any, names: dict[int, str], lang: str | None) -> tuple[date | None, str]:
    """The effective date and a description of one of the vendor's own records (deleted ones from the
    values the audit trail kept)."""
    from desktop.core.i18n import tr

    row = session.get(_VENDOR_RECORD_TYPES[event.record_type], event.record_id)
    values: dict[str, Any] = {}
    if row is None:
        try:
            values = {k: v[0] for k, v in json.loads(event.changes_json or "{}").items() if isinstance(v, list)}
        except ValueError:
            values = {}

    def get(name: str) -> Any:
        return getattr(row, name, None) if row is not None else values.get(name)

    def day(name: str) -> date | None:
        value = get(name)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    kind = event.record_type
    if kind == "contract":
        return day("start_date"), tr("the contract {title}", lang, title=repr(get("title") or get("kind") or ""))
    if kind == "certification":
        return day("valid_from"), tr("the certification {standard}", lang, standard=repr(get("standard") or ""))
    if kind == "commitment":
        return day("valid_from"), tr("the commitment {kind}", lang, kind=repr(str(get("kind") or "").replace("_", " ")))
    if kind == "data_location":
        return None, tr("the data location {country}", lang, country=repr(get("country") or ""))
    party = get("party_id")
    return day("start_date"), tr("{party} as a subprocessor", lang,
                                 party=names.get(int(party), f"#{party}") if isinstance(party, int) else "")


_ACTIONS = {"create": N_("recorded"), "update": N_("changed"), "delete": N_("deleted"), "archive": N_("archived"),
            "restore": N_("restored")}


def refresh_expired_certificates(engine: object, *, today: date | None = None, actor: str | None = None) -> list[int]:
    """Mark stale the decided assessments of vendors whose certificate expired since the decision.

    Returns the ids of the assessments marked. Cheap: one query finds the candidate vendors.
    """
    from sqlalchemy.engine import Engine

    from desktop.services.assessments import refresh_staleness

    assert isinstance(engine, Engine)
    day = today or date.today()
    with engine.connect() as conn:
        vendor_ids = sorted({int(r[0]) for r in conn.execute(
            select(col(Assessment.vendor_id)).join(Certification, col(Certification.vendor_id) == col(Assessment.vendor_id))
            .where(col(Assessment.status).in_([s.value for s in DECIDED_STATUSES]),
                   col(Assessment.stale_since).is_(None), col(Assessment.decided_at).is_not(None),
                   col(Certification.archived_at).is_(None), col(Certification.valid_until) < day))})
    marked: list[int] = []
    for vendor_id in vendor_ids:
        marked.extend(refresh_staleness(engine, vendor_id, actor=actor or "vetta", today=day))
    return marked


def maybe_refresh_daily(engine: object, *, today: date | None = None) -> list[int]:
    """Run ``refresh_expired_certificates`` at most once a day per database (a marker file in the
    user data folder remembers the day); never fails the opening of a database."""
    import hashlib

    from sqlalchemy.engine import Engine

    from db.engine import data_dir

    assert isinstance(engine, Engine)
    day = today or date.today()
    key = hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    marker = data_dir() / "staleness" / f"{key}.day"
    try:
        if marker.exists() and marker.read_text(encoding="ascii").strip() == day.isoformat():
            return []
        marked = refresh_expired_certificates(engine, today=day)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(day.isoformat(), encoding="ascii")
        return marked
    except Exception:  # noqa: BLE001 - a failed refresh must not stop the program; it runs again tomorrow
        log.exception("daily staleness refresh failed")
        return []


def install() -> None:
    if not event.contains(OrmSession, "before_flush", _before_flush):
        event.listen(OrmSession, "before_flush", _before_flush)


install()
