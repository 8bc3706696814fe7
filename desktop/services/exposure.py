"""Competitor exposure of every vendor, stored for the register (table ``vendor_exposure``).

The register filters and sorts 100,000 vendors in SQL, so the exposure the ownership analysis finds
(the highest competitor stake, economic and in votes, whether a competitor controls the vendor and
through whom, board seats, competitor-linked people) is stored, one row per vendor. It is derived
data: nothing here is a second analysis, every row is ``exposure_of(analyze_graph(...))``.

Kept current in the same transaction as the change
    A ``before_flush`` listener on every ORM session notes what a flush writes: interests (holder and
    subject, before and after), parties, identifiers, aliases, match decisions, vendors, and the
    watchlist (competitors, affiliates). A ``before_commit`` listener then finds every vendor whose
    exposure may change and recomputes those, in the same transaction, before it commits:

    * ``D1``: the changed parties and everything DOWNSTREAM of them (what they own, control or hold a
      role in, through chains: a change up a holding chain reaches every vendor below it);
    * the people holding a role or stake in ``D1`` (they may have just become competitor-linked) and
      everything downstream of the other entities they hold interests in (``D2``);
    * for a watchlist change, the changed parties are every party the watchlist matches, before and
      after the change (``watchlist_parties``);

    and the vendors whose party is in ``D1`` or ``D2`` (recursive queries over ``interest``, on SQLite
    and PostgreSQL alike, safe with cycles).

Each vendor is analysed over its own small web (``subgraph``): everything upstream of it, the other
entities its people hold roles in and everything upstream of those, and the watchlist. That is all
the analysis reads for the vendor's competitor groups; ``tests/db/test_exposure.py`` checks the result
equals the analysis of the whole database.

Existing databases: migration 0008 only creates the table; ``ensure_exposure`` (called by
``open_database`` after migrating, and by the services that read the column) computes every vendor
without a row. Vendors no watchlist party can reach get an empty row in one statement; only the rest
are analysed.

Dates: the stored exposure is the analysis as of the day it was computed (``as_of``). An interest
that starts or ends on a later day changes no row; ``ensure_exposure`` recomputes, once a day, the
vendors downstream of interests whose start or end date has passed since.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, event, func, insert, literal, or_, select
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
from db.types import utcnow
from desktop.core.competitors import match_parties
from desktop.core.i18n import NP_, ntr, ptr, tr
from desktop.core.ownership import Analysis, Graph, analyze_graph
from desktop.core.ownership.groups import watch_names
from desktop.core.ownership.model import InterestInfo, Range, Thresholds
from desktop.core.ownership.text import fmt_range

log = logging.getLogger("vetta.exposure")

# Severity levels (stored as integers so SQL sorts them).
NONE, PEOPLE, STAKE, CONTROL = 0, 1, 2, 3
LEVELS = ("none", "people", "stake", "control")
LEVEL_LABELS = {"none": NP_("exposure level", "none"), "people": NP_("exposure level", "linked people"),
                "stake": NP_("exposure level", "stake"), "control": NP_("exposure level", "control")}
# The register's filter: code -> the severities it keeps.
FILTERS: dict[str, tuple[int, ...]] = {
    "any": (PEOPLE, STAKE, CONTROL), "control": (CONTROL,), "stake": (STAKE, CONTROL), "people": (PEOPLE,),
    "none": (NONE,),
}
CHUNK = 400  # ids per IN (...) list


def level_label(level: str, lang: str | None = None) -> str:
    return ptr("exposure level", LEVEL_LABELS[level], lang) if level in LEVEL_LABELS else level


@dataclass(frozen=True)
class Exposure:
    """A vendor's competitor exposure (the group with the highest exposure; people of every group)."""

    severity: int = NONE
    competitor: str | None = None
    economic: Range = (0.0, 0.0)
    voting: Range = (0.0, 0.0)
    controlled: bool = False
    controlled_via: str | None = None
    board_seats: int = 0
    linked_names: tuple[str, ...] = ()
    as_of: date | None = None

    @property
    def level(self) -> str:
        return LEVELS[self.severity]

    @property
    def stake(self) -> float:
        return max(self.economic[1], self.voting[1])

    @property
    def linked_people(self) -> int:
        return len(self.linked_names)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "severity": self.severity, "competitor": self.competitor,
                "economic": list(self.economic), "voting": list(self.voting), "controlled": self.controlled,
                "controlled_via": self.controlled_via, "board_seats": self.board_seats,
                "linked_people": self.linked_people, "linked_names": list(self.linked_names),
                "as_of": self.as_of.isoformat() if self.as_of else None}


NO_EXPOSURE = Exposure()


def exposure_of(analysis: Analysis) -> Exposure:
    """The exposure the analysis found: its most exposed competitor group (control first, then the
    larger stake) and every competitor-linked person (in the web, or tied to the vendor's side)."""
    groups = [g for g in analysis.competitor_groups
              if g.economic[1] > 0 or g.voting[1] > 0 or g.controls or g.board_seats]
    top = max(groups, key=lambda g: (g.controls, max(g.economic[1], g.voting[1]), g.economic[1], g.voting[1],
                                     g.board_seats), default=None)
    people = {p.name for p in analysis.parties if p.kind == "person" and p.competitor_linked}
    people.update(t.person for t in analysis.people_ties)
    linked = tuple(sorted(people))
    if top is None:
        if not linked:
            return Exposure(as_of=analysis.as_of)
        names = sorted({t.competitor for t in analysis.people_ties} | {
            link.competitor for p in analysis.parties if p.kind == "person" for link in p.competitor_links})
        return Exposure(PEOPLE, names[0] if names else None, linked_names=linked, as_of=analysis.as_of)
    via: str | None = None
    if top.controls:
        controllers = [p for p in analysis.parties if p.controls and p.competitor_linked
                       and any(link.competitor == top.competitor for link in p.competitor_links)]
        controllers.sort(key=lambda p: (p.kind != "person", not p.competitor, -p.voting[1], p.name))
        if controllers and controllers[0].name != top.competitor:
            via = controllers[0].name
    return Exposure(CONTROL if top.controls else STAKE, top.competitor, top.economic, top.voting, top.controls,
                    via, top.board_seats, linked, analysis.as_of)


# --------------------------------------------------------------------------- in words


def exposure_text(e: Exposure, lang: str | None = None) -> str:
    """The register cell: 'Controlled by Contoso through Alex Marlow', 'Contoso: 49% econ., 0% votes'."""
    if e.severity == CONTROL:
        if e.controlled_via:
            return tr("Controlled by {competitor} through {via}", lang, competitor=e.competitor or "",
                      via=e.controlled_via)
        return tr("Controlled by {competitor}", lang, competitor=e.competitor or "")
    if e.severity == STAKE:
        if e.stake <= 0:
            return ntr("{competitor}: {count} board seat", "{competitor}: {count} board seats", e.board_seats, lang,
                       competitor=e.competitor or "", count=e.board_seats)
        return tr("{competitor}: {economic} econ., {voting} votes", lang, competitor=e.competitor or "",
                  economic=fmt_range(e.economic, lang or "en"), voting=fmt_range(e.voting, lang or "en"))
    if e.severity == PEOPLE:
        return ntr("{competitor}: {count} linked person", "{competitor}: {count} linked people", e.linked_people,
                   lang, competitor=e.competitor or "", count=e.linked_people)
    return ""


def exposure_details(e: Exposure, lang: str | None = None) -> str:
    """Every figure in sentences (the cell's tooltip)."""
    if e.severity == NONE:
        return tr("No competitor on the watchlist holds a stake in this vendor, controls it or is linked to its people.",
                  lang)
    lines = []
    if e.severity >= STAKE:
        lines.append(tr("{competitor} group: {economic} of the economic interest, {voting} of the votes.", lang,
                        competitor=e.competitor or "", economic=fmt_range(e.economic, lang or "en"),
                        voting=fmt_range(e.voting, lang or "en")))
    if e.controlled:
        lines.append(tr("The group controls the vendor through {via}.", lang, via=e.controlled_via)
                     if e.controlled_via else tr("The group controls the vendor.", lang))
    if e.board_seats:
        lines.append(ntr("{count} seat on the vendor's board.", "{count} seats on the vendor's board.", e.board_seats,
                         lang, count=e.board_seats))
    if e.linked_names:
        lines.append(tr("Competitor-linked people: {names}.", lang, names=", ".join(e.linked_names)))
    if e.as_of:
        from desktop.core.i18n import format_date

        lines.append(tr("As the ownership analysis finds it on {day}.", lang, day=format_date(e.as_of, lang)))
    return "\n".join(lines)


def exposure_tooltip(e: Exposure, lang: str | None = None) -> str:
    """The level in a word, then every figure."""
    return tr("Competitor exposure: {level}", lang, level=level_label(e.level, lang)) + "\n" + exposure_details(e, lang)


# --------------------------------------------------------------------------- the vendor's web


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    items = sorted(set(ids))
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _upstream(conn: Connection, parties: Iterable[int]) -> set[int]:
    from desktop.services.staleness import upstream_parties

    out: set[int] = set()
    for chunk in _chunks(parties):
        out |= upstream_parties(conn, chunk)
    return out


def _downstream(conn: Connection, parties: Iterable[int]) -> set[int]:
    from desktop.services.staleness import downstream_parties

    out: set[int] = set()
    for chunk in _chunks(parties):
        out |= downstream_parties(conn, chunk)
    return out


def _interest_info(row: Any) -> InterestInfo:
    return InterestInfo(id=int(row.id), holder=int(row.interested_party_id), subject=int(row.subject_id),
                        type=row.interest_type, share_exact=row.share_exact, share_min=row.share_min,
                        share_max=row.share_max, start=row.start_date, end=row.end_date,
                        role_title=row.role_title or "", details=row.details or "",
                        direct_or_indirect=row.direct_or_indirect)


_INTEREST_COLUMNS = (col(Interest.id), col(Interest.interested_party_id), col(Interest.subject_id),
                     col(Interest.interest_type), col(Interest.share_exact), col(Interest.share_min),
                     col(Interest.share_max), col(Interest.start_date), col(Interest.end_date),
                     col(Interest.role_title), col(Interest.details), col(Interest.direct_or_indirect))


def _watchlist(session: Session, graph: Graph) -> None:
    """The watchlist and the match decisions, into ``graph`` (as ``ownership.load_graph`` reads them)."""
    from desktop.core.ownership import AffiliateInfo, CompetitorInfo

    affiliates: dict[int, list[AffiliateInfo]] = {}
    for a in session.execute(select(CompetitorAffiliate)).scalars():
        affiliates.setdefault(a.competitor_id, []).append(AffiliateInfo(a.name, a.lei, a.party_id))
    for c in session.execute(select(Competitor).where(col(Competitor.archived_at).is_(None))
                             .order_by(col(Competitor.name))).scalars():
        assert c.id is not None
        graph.competitors.append(CompetitorInfo(c.id, c.name, c.lei, c.party_id, tuple(affiliates.get(c.id, ()))))
    for m in session.execute(select(CompetitorMatch)).scalars():
        graph.decisions[(m.competitor_id, m.party_id)] = m.status


def load_webs(session: Session, vendor_parties: Iterable[int]) -> Graph:
    """The part of the database the analysis of these vendors reads (see ``subgraph``), as one graph."""
    from desktop.core.ownership import PartyInfo

    conn = session.connection()
    graph = Graph()
    _watchlist(session, graph)
    up1 = _upstream(conn, vendor_parties)
    interests: dict[int, InterestInfo] = {}
    for chunk in _chunks(up1):
        for row in conn.execute(select(*_INTEREST_COLUMNS).where(
                col(Interest.archived_at).is_(None),
                or_(col(Interest.interested_party_id).in_(chunk), col(Interest.subject_id).in_(chunk)))):
            interests[int(row.id)] = _interest_info(row)
    others = {i.subject for i in interests.values() if i.subject not in up1}
    up2 = _upstream(conn, others) - up1 if others else set()
    for chunk in _chunks(up2):
        for row in conn.execute(select(*_INTEREST_COLUMNS).where(
                col(Interest.archived_at).is_(None), col(Interest.subject_id).in_(chunk))):
            interests[int(row.id)] = _interest_info(row)
    nodes = up1 | up2 | others
    nodes.update(c.party_id for c in graph.competitors if c.party_id is not None)
    nodes.update(a.party_id for c in graph.competitors for a in c.affiliates if a.party_id is not None)
    for chunk in _chunks(nodes):
        for pid, name, kind, listed in conn.execute(select(
                col(Party.id), col(Party.name), col(Party.kind), col(Party.is_listed)).where(
                col(Party.id).in_(chunk), col(Party.archived_at).is_(None))):
            graph.parties[int(pid or 0)] = PartyInfo(int(pid or 0), name, kind, bool(listed))
        for pid, scheme, value in conn.execute(select(
                col(PartyIdentifier.party_id), col(PartyIdentifier.scheme), col(PartyIdentifier.value)).where(
                col(PartyIdentifier.party_id).in_(chunk))):
            graph.identifiers.setdefault(int(pid), []).append((scheme, value))
        for pid, alias in conn.execute(select(col(PartyAlias.party_id), col(PartyAlias.name)).where(
                col(PartyAlias.party_id).in_(chunk))):
            graph.aliases.setdefault(int(pid), []).append(alias)
    graph.interests = [i for _id, i in sorted(interests.items())
                       if i.holder in graph.parties and i.subject in graph.parties]
    return graph


class WebIndex:
    """Interests of a graph by subject and by holder, to cut one vendor's web out of it."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_subject: dict[int, list[InterestInfo]] = {}
        self.by_holder: dict[int, list[InterestInfo]] = {}
        for i in graph.interests:
            self.by_subject.setdefault(i.subject, []).append(i)
            self.by_holder.setdefault(i.holder, []).append(i)

    def upstream(self, start: Iterable[int]) -> set[int]:
        seen = set(start)
        stack = list(seen)
        while stack:
            for i in self.by_subject.get(stack.pop(), ()):
                if i.holder not in seen:
                    seen.add(i.holder)
                    stack.append(i.holder)
        return seen

    def subgraph(self, party: int) -> Graph:
        """What the analysis of ``party`` reads: everything upstream of it; the other entities the people
        of that web hold interests in, and everything upstream of those (are they competitor group
        members?); the watchlist. Subprocessors are left out: the register's exposure is the vendor's own."""
        g = self.graph
        up = self.upstream([party])
        people = [p for p in up if p in g.parties and g.parties[p].kind == "person"]
        others = {i.subject for p in people for i in self.by_holder.get(p, ()) if i.subject not in up}
        nodes = up | (self.upstream(others) if others else set())
        nodes.update(c.party_id for c in g.competitors if c.party_id is not None)
        nodes.update(a.party_id for c in g.competitors for a in c.affiliates if a.party_id is not None)
        parties = {p: g.parties[p] for p in nodes if p in g.parties}
        interests = sorted((i for p in parties for i in self.by_subject.get(p, ()) if i.holder in parties),
                           key=lambda i: i.id)
        return Graph(parties=parties, interests=interests,
                     identifiers={p: v for p, v in g.identifiers.items() if p in parties},
                     aliases={p: v for p, v in g.aliases.items() if p in parties},
                     competitors=g.competitors,
                     decisions={k: v for k, v in g.decisions.items() if k[1] in parties})


def _thresholds(session: Session) -> Thresholds:
    from desktop.services.ownership import load_thresholds

    return load_thresholds(session)


def compute(session: Session, vendor_ids: Iterable[int], today: date | None = None) -> dict[int, Exposure]:
    """The exposure of these vendors as of ``today`` (default: today), read through ``session``."""
    day = today or date.today()
    conn = session.connection()
    party_of: dict[int, int] = {}
    for chunk in _chunks(vendor_ids):
        party_of.update((int(v or 0), int(p)) for v, p in conn.execute(
            select(col(Vendor.id), col(Vendor.party_id)).where(col(Vendor.id).in_(chunk))))
    if not party_of:
        return {}
    graph = load_webs(session, party_of.values())
    thresholds = _thresholds(session)
    index = WebIndex(graph)
    out: dict[int, Exposure] = {}
    for vendor_id, party in party_of.items():
        if party not in graph.parties:  # an archived party: nothing to analyse
            out[vendor_id] = Exposure(as_of=day)
            continue
        sub = index.subgraph(party)
        if not sub.competitors:
            out[vendor_id] = Exposure(as_of=day)
            continue
        out[vendor_id] = exposure_of(analyze_graph(sub, party, day, thresholds, lang="en", max_paths=1))
    return out


def _row(vendor_id: int, e: Exposure) -> dict[str, Any]:
    return {"vendor_id": vendor_id, "severity": e.severity, "stake": e.stake, "competitor": e.competitor,
            "economic_min": e.economic[0], "economic_max": e.economic[1], "voting_min": e.voting[0],
            "voting_max": e.voting[1], "controlled": e.controlled, "controlled_via": e.controlled_via,
            "board_seats": e.board_seats, "linked_people": e.linked_people,
            "linked_names": "\n".join(e.linked_names), "as_of": e.as_of, "computed_at": utcnow()}


def store(conn: Connection, exposures: dict[int, Exposure]) -> None:
    """Replace the stored rows of these vendors."""
    for chunk in _chunks(exposures):
        conn.execute(delete(VendorExposure).where(col(VendorExposure.vendor_id).in_(chunk)))
        conn.execute(insert(VendorExposure), [_row(v, exposures[v]) for v in chunk])


def recompute(session: Session, vendor_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute and store these vendors' exposure inside the caller's transaction; how many."""
    exposures = compute(session, vendor_ids, today)
    store(session.connection(), exposures)
    return len(exposures)


def row_exposure(row: Any) -> Exposure:
    """An ``Exposure`` from a stored row (or a row of the register's query with the same column names);
    NO_EXPOSURE when the vendor has none stored yet."""
    severity = getattr(row, "severity", None)
    if severity is None:
        return NO_EXPOSURE
    names = getattr(row, "linked_names", "") or ""
    return Exposure(int(severity), row.competitor, (float(row.economic_min), float(row.economic_max)),
                    (float(row.voting_min), float(row.voting_max)), bool(row.controlled), row.controlled_via,
                    int(row.board_seats or 0), tuple(n for n in names.split("\n") if n), row.as_of)


# --------------------------------------------------------------------------- which vendors a change reaches


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


# --------------------------------------------------------------------------- the session hooks

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


# --------------------------------------------------------------------------- databases without exposure


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


def stored(conn: Connection, vendor_ids: Sequence[int]) -> dict[int, Exposure]:
    """The stored exposure of these vendors."""
    out: dict[int, Exposure] = {}
    for chunk in _chunks(vendor_ids):
        for row in conn.execute(select(VendorExposure).where(col(VendorExposure.vendor_id).in_(chunk))):
            out[int(row.vendor_id)] = row_exposure(row)
    return out


def dumps(e: Exposure) -> str:
    return json.dumps(e.to_dict(), sort_keys=True)
