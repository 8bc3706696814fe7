"""Staleness by itself (issue 4): a material change marks the decided assessments it touches stale.

A ``before_flush`` listener on every ORM session looks at what the flush is about to write. When an
interest, contract, certification, commitment, subprocessor, data location or party row is added,
changed or deleted (the record types of ``assessments.MATERIAL_RECORDS``), it finds the vendors
affected:

* the vendor the row belongs to (contracts, certificates, commitments, data locations, subprocessors);
* for a party, or an interest in a party (its ``subject``): every vendor whose party is that party or
  lies DOWNSTREAM of it in the ownership web (what it owns or controls, directly or through a chain;
  a recursive query over ``interest``, on SQLite and PostgreSQL alike, safe with cycles), and every
  vendor that has one of those parties as a subprocessor.

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

import logging
from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col

from db.models import (
    DECIDED_STATUSES,
    Assessment,
    Certification,
    Commitment,
    Contract,
    DataLocation,
    Interest,
    Party,
    Subprocessor,
    Vendor,
)
from db.types import utcnow

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


def affected_vendors(conn: Connection, vendors: set[int], parties: set[int]) -> set[int]:
    """Vendor ids touched by changes to ``vendors`` themselves and to ``parties`` (see module doc)."""
    out = set(vendors)
    web = downstream_parties(conn, parties)
    if web:
        ids = sorted(web)
        out.update(r[0] for r in conn.execute(select(col(Vendor.id)).where(col(Vendor.party_id).in_(ids)))
                   if r[0] is not None)
        out.update(int(r[0]) for r in conn.execute(
            select(col(Subprocessor.vendor_id)).where(col(Subprocessor.party_id).in_(ids))))
    return out


def _before_flush(session: OrmSession, _flush_context: UOWTransaction, _instances: object) -> None:
    vendors: set[int] = set()
    parties: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if obj in session.dirty and not _changed(session, obj):
            continue
        if isinstance(obj, VENDOR_RECORDS):
            vendors.update(_values(obj, "vendor_id"))
        elif isinstance(obj, Interest):
            parties.update(_values(obj, "subject_id"))
        elif isinstance(obj, Party):
            if obj.id is not None:
                parties.add(obj.id)
    if not vendors and not parties:
        return
    with session.no_autoflush:
        conn = session.connection()
        affected = affected_vendors(conn, vendors, parties)
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
