"""Keeping the stored exposure current: which vendors a change reaches (``affected_vendors``,
``watchlist_parties``), the session hooks that recompute them in the same transaction (``install``, run when
this module is imported), and ``ensure_exposure`` for databases with vendors without a row or with interests
that started or ended since their rows were computed. The package docstring explains the reach.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, event, func, insert, literal, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, col

from db.engine import unit_of_work
from db.models import (
    Competitor,
    CompetitorAffiliate,
    CompetitorMatch,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
    Vendor,
    VendorExposure,
)
from desktop.core.competitors import match_parties
from desktop.core.ownership import Graph
from desktop.core.ownership.groups import watch_names
from desktop.services.exposure.levels import Exposure
from desktop.services.exposure.store import _row, recompute
from desktop.services.exposure.webs import _chunks, _downstream, _watchlist

log = logging.getLogger("vetta.exposure")


def watchlist_parties(session: Session) -> set[int]:
    """Every party the watchlist names: linked parties, and parties matched by LEI, name or a confirmed
    fuzzy match (one pass of the matcher over every entity)."""
    graph = Graph()
    _watchlist(session, graph)
    if not graph.competitors:
        return set()
    out = {c.party_id for c in graph.competitors if c.party_id is not None}
    out.update(a.party_id for c in graph.competitors for a in c.affiliates if a.party_id is not None)
    out.update(pid for (_cid, pid), status in graph.decisions.items() if status == "confirmed")
    conn = session.connection()
    names = {int(pid or 0): str(name) for pid, name in conn.execute(
        select(col(Party.id), col(Party.name)).where(col(Party.kind) == "entity", col(Party.archived_at).is_(None)))}
    identifiers: dict[int, list[tuple[str, str]]] = {}
    for pid, scheme, value in conn.execute(select(col(PartyIdentifier.party_id), col(PartyIdentifier.scheme),
                                                  col(PartyIdentifier.value)).where(col(PartyIdentifier.scheme) == "LEI")):
        identifiers.setdefault(int(pid), []).append((scheme, value))
    aliases: dict[int, list[str]] = {}
    for pid, alias in conn.execute(select(col(PartyAlias.party_id), col(PartyAlias.name))):
        aliases.setdefault(int(pid), []).append(alias)
    matches = match_parties(names, watch_names(graph.competitors), identifiers, aliases, graph.decisions)
    out.update(pid for pid, found in matches.items() if any(m.certain for m in found))
    return out


def affected_vendors(conn: Connection, parties: Iterable[int]) -> set[int]:
    """Vendors whose exposure a change to ``parties`` may alter (see the module docstring)."""
    d1 = _downstream(conn, parties)
    if not d1:
        return set()
    people: set[int] = set()
    for chunk in _chunks(d1):
        people.update(int(r[0]) for r in conn.execute(
            select(col(Interest.interested_party_id)).join(Party, col(Party.id) == col(Interest.interested_party_id))
            .where(col(Interest.subject_id).in_(chunk), col(Party.kind) == "person").distinct()))
    people.update(int(r[0] or 0) for chunk in _chunks(d1) for r in conn.execute(
        select(col(Party.id)).where(col(Party.id).in_(chunk), col(Party.kind) == "person")))
    others: set[int] = set()
    for chunk in _chunks(people):
        others.update(int(r[0]) for r in conn.execute(
            select(col(Interest.subject_id)).where(col(Interest.interested_party_id).in_(chunk)).distinct()))
    web = d1 | (_downstream(conn, others - d1) if others - d1 else set())
    vendors: set[int] = set()
    for chunk in _chunks(web):
        vendors.update(int(r[0] or 0) for r in conn.execute(select(col(Vendor.id)).where(col(Vendor.party_id).in_(chunk))))
    return vendors


_PARTIES = "vetta_exposure_parties"
_VENDORS = "vetta_exposure_vendors"
_WATCH = "vetta_exposure_watch"


def _ids(obj: object, name: str) -> set[int]:
    from desktop.services.staleness import _values

    return _values(obj, name)


def _before_flush(session: OrmSession, _flush_context: UOWTransaction, _instances: object) -> None:
    from desktop.services.staleness import _changed

    parties: set[int] = set()
    vendors: list[Vendor] = []
    watch = False
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if obj in session.dirty and not _changed(session, obj):
            continue
        if isinstance(obj, Interest):
            parties |= _ids(obj, "subject_id") | _ids(obj, "interested_party_id")
        elif isinstance(obj, Party):
            if obj.id is not None:
                parties.add(obj.id)
        elif isinstance(obj, PartyIdentifier | PartyAlias | CompetitorMatch):
            parties |= _ids(obj, "party_id")
        elif isinstance(obj, Vendor):
            vendors.append(obj)
        elif isinstance(obj, Competitor | CompetitorAffiliate):
            parties |= _ids(obj, "party_id")
            watch = True
    if not parties and not vendors and not watch:
        return
    if watch and not session.info.get(_WATCH):
        # who the watchlist named before this transaction changed it (they may lose their exposure)
        with session.no_autoflush:
            parties |= watchlist_parties(session)  # type: ignore[arg-type]
        session.info[_WATCH] = True
    session.info.setdefault(_PARTIES, set()).update(parties)
    session.info.setdefault(_VENDORS, []).extend(vendors)


def _before_commit(session: OrmSession) -> None:
    session.flush()  # what is still pending goes through _before_flush first
    if not (session.info.get(_PARTIES) or session.info.get(_VENDORS) or session.info.get(_WATCH)):
        return
    parties: set[int] = session.info.pop(_PARTIES, set())
    vendors: list[Vendor] = session.info.pop(_VENDORS, [])
    watch = bool(session.info.pop(_WATCH, False))
    with session.no_autoflush:
        if watch:
            parties |= watchlist_parties(session)  # type: ignore[arg-type]
        conn = session.connection()
        ids = affected_vendors(conn, parties) if parties else set()
        ids.update(int(v.id) for v in vendors if v.id is not None and v not in session.deleted)
        if ids:
            count = recompute(session, ids)  # type: ignore[arg-type]
            log.debug("competitor exposure recomputed for %d vendor(s)", count)


def _forget(session: OrmSession, *_args: object) -> None:
    for key in (_PARTIES, _VENDORS, _WATCH):
        session.info.pop(key, None)


def install() -> None:
    """Hook the exposure upkeep into every ORM session (idempotent)."""
    for name, fn in (("before_flush", _before_flush), ("before_commit", _before_commit),
                     ("after_rollback", _forget), ("after_soft_rollback", _forget)):
        if not event.contains(OrmSession, name, fn):
            event.listen(OrmSession, name, fn)


install()


def missing_vendors(conn: Connection) -> list[int]:
    """Vendors without a stored exposure."""
    stmt = select(col(Vendor.id)).where(~select(col(VendorExposure.vendor_id))
                                        .where(col(VendorExposure.vendor_id) == col(Vendor.id)).exists())
    return [int(r[0] or 0) for r in conn.execute(stmt)]


def ensure_exposure(engine: Engine, today: date | None = None) -> int:
    """Compute the exposure of every vendor without a stored one, and of vendors whose web has an
    interest that started or ended since their row was computed; returns how many rows were written.

    Vendors no watchlist party can reach get an empty row in one statement. Never fails the opening of
    a database (a viewer in team mode cannot write: the register then shows what is stored)."""
    day = today or date.today()
    try:
        with engine.connect() as conn:
            # rows exist only for vendors (foreign key): equal counts mean none is missing (two index counts)
            vendors = conn.execute(select(func.count()).select_from(Vendor)).scalar_one()
            rows = conn.execute(select(func.count()).select_from(VendorExposure)).scalar_one()
            missing = missing_vendors(conn) if vendors != rows else []
            oldest = conn.execute(select(func.min(VendorExposure.as_of))).scalar()
        if not missing and (oldest is None or oldest >= day):
            return 0
        with unit_of_work(engine, "vetta") as session:
            conn = session.connection()
            reach = affected_vendors(conn, watchlist_parties(session)) if missing else set()
            todo = set(missing) & reach
            if oldest is not None and oldest < day:
                todo |= _dated_changes(conn, oldest, day)
            written = recompute(session, todo, day) if todo else 0
            empty = len(set(missing) - todo)
            if empty:  # every other vendor without a row: an empty one, in one statement
                none = Exposure(as_of=day)
                values = {k: v for k, v in _row(0, none).items() if k != "vendor_id"}
                table = VendorExposure.__table__  # type: ignore[attr-defined]
                source = select(col(Vendor.id), *(literal(v, type_=table.c[k].type).label(k) for k, v in values.items()))\
                    .where(~select(col(VendorExposure.vendor_id)).where(
                        col(VendorExposure.vendor_id) == col(Vendor.id)).exists())
                conn.execute(insert(VendorExposure).from_select(["vendor_id", *values], source))
            conn.execute(VendorExposure.__table__.update().where(  # type: ignore[attr-defined]
                col(VendorExposure.as_of) < day).values(as_of=day))
            return written + empty
    except Exception:  # noqa: BLE001 - the register still opens; the next opening tries again
        log.exception("computing the competitor exposure failed")
        return 0


def _dated_changes(conn: Connection, since: date, day: date) -> set[int]:
    """Vendors downstream of interests that started (or ended the day before) after ``since``, up to ``day``."""
    parties: set[int] = set()
    for holder, subject in conn.execute(select(col(Interest.interested_party_id), col(Interest.subject_id)).where(
            col(Interest.archived_at).is_(None),
            or_(and_(col(Interest.start_date) > since, col(Interest.start_date) <= day),
                and_(col(Interest.end_date) >= since, col(Interest.end_date) < day)))):
        parties.update((int(holder), int(subject)))
    return affected_vendors(conn, parties) if parties else set()
