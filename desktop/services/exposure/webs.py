"""The part of the database the analysis of some vendors reads (``load_webs``) and each vendor's own small web
cut out of it (``WebIndex.subgraph``): everything upstream of the vendor, the other entities its people hold
roles in and everything upstream of those, and the watchlist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from db.models import (
    Competitor,
    CompetitorAffiliate,
    CompetitorMatch,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
)
from desktop.core.ownership import Graph
from desktop.core.ownership.model import InterestInfo

CHUNK = 400  # ids per IN (...) list


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
