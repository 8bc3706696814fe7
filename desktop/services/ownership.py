"""Ownership analysis services: load the graph, resolve the subject, analyse, change feed, edit interests.

``analysis()`` returns the typed result (desktop.core.ownership.results.Analysis); ``analyze()`` its
JSON form, the contract of `vetta analyze --json`, the checklist facts and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import (
    Competitor,
    CompetitorAffiliate,
    CompetitorMatch,
    Interest,
    InterestType,
    Organisation,
    Party,
    PartyAlias,
    PartyIdentifier,
    Subprocessor,
    Vendor,
)
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.dates import add_months
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.core.i18n import tr
from desktop.core.ownership import (
    AffiliateInfo,
    Analysis,
    CompetitorInfo,
    Graph,
    InterestInfo,
    PartyInfo,
    SubprocessorInfo,
    Thresholds,
    analyze_graph,
)
from desktop.core.ownership.edges import GraphEdge, role_line, web_edges
from desktop.core.ownership.holdings import build_web
from desktop.core.ownership.model import OWNERSHIP_TYPES, ROLE_TYPES, validate_interest_fields
from desktop.core.ownership.stakes import control_closure, upstream
from desktop.core.ownership.text import fmt_range, type_label
from desktop.services.resolve import resolve_party, resolve_party_id

__all__ = ["analysis", "analyze", "change_feed", "load_graph", "load_thresholds", "resolve_party",
           "resolve_party_id"]


def interest_info(i: Interest) -> InterestInfo:
    assert i.id is not None
    return InterestInfo(
        id=i.id, holder=i.interested_party_id, subject=i.subject_id, type=i.interest_type,
        share_exact=i.share_exact, share_min=i.share_min, share_max=i.share_max,
        start=i.start_date, end=i.end_date, role_title=i.role_title or "", details=i.details or "",
        direct_or_indirect=i.direct_or_indirect,
    )


def load_graph(session: Session) -> Graph:
    """Every non-archived party and interest, the watchlist and the match decisions."""
    graph = Graph()
    for pid, name, kind, listed in session.exec(select(col(Party.id), col(Party.name), col(Party.kind),
                                                       col(Party.is_listed)).where(col(Party.archived_at).is_(None))):
        assert pid is not None
        graph.parties[int(pid)] = PartyInfo(int(pid), name, kind, bool(listed))
    for i in session.exec(select(Interest).where(col(Interest.archived_at).is_(None))):
        if i.subject_id in graph.parties and i.interested_party_id in graph.parties:
            graph.interests.append(interest_info(i))
    for pid, scheme, value in session.exec(
        select(col(PartyIdentifier.party_id), col(PartyIdentifier.scheme), col(PartyIdentifier.value))
    ):
        graph.identifiers.setdefault(int(pid), []).append((scheme, value))
    for pid, alias in session.exec(select(col(PartyAlias.party_id), col(PartyAlias.name))):
        graph.aliases.setdefault(int(pid), []).append(alias)
    affiliates: dict[int, list[AffiliateInfo]] = {}
    for a in session.exec(select(CompetitorAffiliate)):
        affiliates.setdefault(a.competitor_id, []).append(AffiliateInfo(a.name, a.lei, a.party_id))
    for c in session.exec(select(Competitor).where(col(Competitor.archived_at).is_(None)).order_by(col(Competitor.name))):
        assert c.id is not None
        graph.competitors.append(CompetitorInfo(c.id, c.name, c.lei, c.party_id, tuple(affiliates.get(c.id, ()))))
    for m in session.exec(select(CompetitorMatch)):
        graph.decisions[(m.competitor_id, m.party_id)] = m.status
    vendor_party = dict(session.exec(select(col(Vendor.id), col(Vendor.party_id))).all())
    for sub in session.exec(select(Subprocessor).where(col(Subprocessor.archived_at).is_(None))):
        engaged_by = sub.of_party_id if sub.of_party_id is not None else vendor_party.get(sub.vendor_id)
        if engaged_by is not None and sub.party_id in graph.parties:
            graph.subprocessors.setdefault(int(engaged_by), []).append(
                SubprocessorInfo(sub.party_id, sub.service or "", sub.start_date, sub.end_date))
    return graph


def load_thresholds(session: Session) -> Thresholds:
    org = session.exec(select(Organisation)).first()
    if org is None:
        return Thresholds()
    return Thresholds(org.beneficial_ownership_threshold, org.significant_influence_threshold,
                      org.control_threshold, org.people_lookback_months)


def analysis(engine: Engine, subject: int | str, as_of: date | None = None, lang: str = "en") -> Analysis:
    """The ownership and influence analysis of ``subject`` (an id, name, alias or identifier) as of
    ``as_of`` (default today). ``lang`` ('en' or 'es') is the language of the messages; the codes and
    figures are the same in both."""
    as_of = as_of or date.today()
    with read_session(engine) as session:
        party_id = resolve_party_id(session, subject)
        graph = load_graph(session)
        thresholds = load_thresholds(session)
    return analyze_graph(graph, party_id, as_of, thresholds, lang=lang)


def analyze(engine: Engine, subject: int | str, as_of: date | None = None, lang: str = "en") -> dict[str, Any]:
    """``analysis()`` as JSON-ready data (docs/ownership.md)."""
    return analysis(engine, subject, as_of, lang).to_dict()


def _controllers(graph: Graph, subject_id: int, day: date, threshold: float) -> set[int]:
    web, _ = build_web([i for i in graph.interests if i.active_on(day)], threshold)
    votes: dict[int, list[tuple[int, float]]] = {}
    held_by: dict[int, list[int]] = {}
    for (h, s), (lo, _hi) in web.votes.items():
        held_by.setdefault(s, []).append(h)
        if lo > 0:
            votes.setdefault(h, []).append((s, lo))
    for h, subs in web.board_control.items():
        for s in subs:
            held_by.setdefault(s, []).append(h)
    return {p for p in upstream(subject_id, held_by) - {subject_id}
            if subject_id in control_closure([p], votes, web.board_control, threshold)}


def change_feed(engine: Engine, subject: int | str, start: date, end: date) -> list[dict[str, Any]]:
    """Ownership, control and people events in the subject's web between ``start`` and ``end``
    (inclusive), oldest first: interests that started or ended, and changes of who controls it."""
    if end < start:
        raise UserError(tr("The change period is reversed: {start} is after {end}.",
                           start=start.isoformat(), end=end.isoformat()))
    with read_session(engine) as session:
        sid = resolve_party_id(session, subject)
        graph = load_graph(session)
        thresholds = load_thresholds(session)
    name = {pid: p.name for pid, p in graph.parties.items()}
    # the web: everything upstream of the subject at any time in the period (all interests)
    held_by: dict[int, list[int]] = {}
    for i in graph.interests:
        if i.type in OWNERSHIP_TYPES or i.type == "appointment_of_board":
            held_by.setdefault(i.subject, []).append(i.holder)
    web = {p for p in upstream(sid, held_by) if graph.parties[p].kind == "entity"}
    events: list[dict[str, Any]] = []
    days: set[date] = set()
    for i in graph.interests:
        if i.subject not in web:
            continue
        kind = "ownership" if i.type in OWNERSHIP_TYPES or i.type == "appointment_of_board" else (
            "people" if i.type in ROLE_TYPES else "")
        if not kind:
            continue
        label = i.role_title or i.type.replace("_", " ")
        share = f" ({fmt_range(i.share_range)})" if kind == "ownership" else ""
        for when, verb in ((i.start, "started"), (i.end, "ended")):
            if when is None or not (start <= when <= end):
                continue
            target = name[i.subject].rstrip(".")
            if kind == "people":
                msg = f"{name[i.holder]} {'became' if verb == 'started' else 'stopped being'} {label} at {target}."
            else:
                msg = f"{name[i.holder]} {'acquired' if verb == 'started' else 'gave up'} {label}{share} in {target}."
            events.append({"date": when.isoformat(), "kind": kind, "message": msg,
                           "parties": [name[i.holder], name[i.subject]], "interest_id": i.id})
            days.add(when if verb == "started" else when + timedelta(days=1))
    for day in sorted(d for d in days if start < d <= end):
        before = _controllers(graph, sid, day - timedelta(days=1), thresholds.control)
        after = _controllers(graph, sid, day, thresholds.control)
        for p in sorted(after - before, key=lambda x: name[x]):
            events.append({"date": day.isoformat(), "kind": "control",
                           "message": f"{name[p]} gained control of {name[sid].rstrip('.')}.", "parties": [name[p], name[sid]]})
        for p in sorted(before - after, key=lambda x: name[x]):
            events.append({"date": day.isoformat(), "kind": "control",
                           "message": f"{name[p]} lost control of {name[sid].rstrip('.')}.", "parties": [name[p], name[sid]]})
    order = {"ownership": 0, "control": 1, "people": 2}
    events.sort(key=lambda e: (e["date"], order[e["kind"]], e["message"]))
    return events


# --------------------------------------------------------------------------- editing interests (the tab)


@dataclass(frozen=True)
class InterestRow:
    id: int
    version: int
    holder_id: int
    holder: str
    subject_id: int
    subject: str
    type: str
    share_exact: float | None
    share_min: float | None
    share_max: float | None
    role_title: str
    start: date | None
    end: date | None
    details: str
    source: str

    @property
    def share_text(self) -> str:
        if self.share_exact is not None:
            return fmt_range((self.share_exact, self.share_exact))
        if self.share_min is None and self.share_max is None:
            return ""
        return fmt_range((self.share_min or 0.0, 100.0 if self.share_max is None else self.share_max))


@dataclass
class InterestInput:
    holder_id: int | None
    subject_id: int | None
    type: str
    share_exact: float | None = None
    share_min: float | None = None
    share_max: float | None = None
    role_title: str = ""
    start: date | None = None
    end: date | None = None
    details: str = ""
    source: str = ""
    id: int | None = None  # None: a new interest
    version: int | None = None  # the version the form loaded (optimistic locking)


def vendor_party_id(engine: Engine, vendor_id: int) -> int:
    with read_session(engine) as session:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound(tr("No vendor has the id {vendor_id}.", vendor_id=vendor_id))
        return int(vendor.party_id)


def party_choices(engine: Engine) -> list[tuple[int, str, str]]:
    """(id, name, kind) of every party that is not archived, by name."""
    with read_session(engine) as session:
        rows = session.exec(select(Party).where(col(Party.archived_at).is_(None)).order_by(col(Party.name_normalised)))
        return [(int(p.id), p.name, p.kind) for p in rows if p.id is not None]


def web_interest_ids(engine: Engine, party_id: int) -> list[int]:
    """Ids of the non-archived interests in the web of ``party_id`` (everything upstream, all dates)."""
    with read_session(engine) as session:
        held_by: dict[int, list[tuple[int, int]]] = {}
        for i in session.exec(select(Interest).where(col(Interest.archived_at).is_(None))):
            assert i.id is not None
            held_by.setdefault(i.subject_id, []).append((i.id, i.interested_party_id))
    seen = {party_id}
    stack = [party_id]
    ids: list[int] = []
    while stack:
        node = stack.pop()
        for iid, holder in held_by.get(node, ()):
            ids.append(iid)
            if holder not in seen:
                seen.add(holder)
                stack.append(holder)
    return sorted(ids)


def graph_edges(engine: Engine, party_id: int, nodes: set[int], as_of: date, lookback_months: int = 24,
                lang: str = "en") -> list[GraphEdge]:
    """The edges of the ownership graph of ``party_id`` between ``nodes`` (the analysis' parties) on
    ``as_of``: stakes, and people's roles with their dates (ended ones back to the look-back window)."""
    ids = web_interest_ids(engine, party_id)
    if not ids:
        return []
    with read_session(engine) as session:
        interests = [interest_info(i) for i in session.exec(select(Interest).where(col(Interest.id).in_(ids)))]
    return web_edges(interests, nodes, as_of, add_months(as_of, -lookback_months), lang)


@dataclass(frozen=True)
class PartyCard:
    """A party as the graph opens it: a vendor's id (the editor opens), or what is known of the party."""

    id: int
    name: str
    kind: str  # entity | person
    vendor_id: int | None
    jurisdiction: str
    identifiers: list[str]
    aliases: list[str]
    holds: list[str]  # its interests in other parties, in words
    held_by: list[str]  # other parties' interests in it


def party_card(engine: Engine, party_id: int, lang: str = "en") -> PartyCard:
    """What the ownership graph shows when a party is opened (double-click)."""
    with read_session(engine) as session:
        party = session.get(Party, party_id)
        if party is None:
            raise NotFound(tr("No party has the id {pid}.", pid=party_id))
        vendor_id = session.exec(select(col(Vendor.id)).where(col(Vendor.party_id) == party_id)).first()
        identifiers = [f"{scheme} {value}" for scheme, value in session.exec(
            select(col(PartyIdentifier.scheme), col(PartyIdentifier.value))
            .where(col(PartyIdentifier.party_id) == party_id).order_by(col(PartyIdentifier.scheme)))]
        aliases = list(session.exec(select(col(PartyAlias.name)).where(col(PartyAlias.party_id) == party_id)
                                    .order_by(col(PartyAlias.name))))
        interests = list(session.exec(select(Interest).where(
            col(Interest.archived_at).is_(None),
            (col(Interest.subject_id) == party_id) | (col(Interest.interested_party_id) == party_id))))
        other_ids = {i.subject_id for i in interests} | {i.interested_party_id for i in interests}
        names = {int(pid or 0): name for pid, name in session.exec(select(col(Party.id), col(Party.name))
                                                                   .where(col(Party.id).in_(other_ids)))}
        today = date.today()
        holds: list[str] = []
        held_by: list[str] = []
        for i in sorted(interests, key=lambda x: (x.start_date or date.min, x.id or 0)):
            info = interest_info(i)
            what = fmt_range(info.share_range, lang) if i.interest_type in OWNERSHIP_TYPES and info.share_known \
                else ""
            line = role_line(info, today, lang) if i.interest_type not in OWNERSHIP_TYPES else tr(
                "{kind} {share}", lang, kind=type_label(i.interest_type, lang), share=what).strip()
            if i.interested_party_id == party_id:
                holds.append(tr("{what} in {party}", lang, what=line, party=names.get(i.subject_id, "?")))
            else:
                held_by.append(tr("{party}: {what}", lang, party=names.get(i.interested_party_id, "?"), what=line))
        return PartyCard(party_id, party.name, party.kind, int(vendor_id) if vendor_id is not None else None,
                         party.jurisdiction or party.country or "", identifiers, aliases, holds, held_by)


def interest_rows(engine: Engine, ids: list[int]) -> dict[int, InterestRow]:
    if not ids:
        return {}
    with read_session(engine) as session:
        interests = list(session.exec(select(Interest).where(col(Interest.id).in_(ids))))
        pids = {i.subject_id for i in interests} | {i.interested_party_id for i in interests}
        names = {int(p.id): p.name for p in session.exec(select(Party).where(col(Party.id).in_(pids)))
                 if p.id is not None}
        out: dict[int, InterestRow] = {}
        for i in interests:
            assert i.id is not None
            out[i.id] = InterestRow(i.id, i.version, i.interested_party_id, names.get(i.interested_party_id, "?"),
                                    i.subject_id, names.get(i.subject_id, "?"), i.interest_type, i.share_exact,
                                    i.share_min, i.share_max, i.role_title, i.start_date, i.end_date, i.details,
                                    i.source)
        return out


def check_interest(data: InterestInput) -> None:
    """Refuse (``ValidationError``, the field named) an interest that cannot be saved."""
    problems = validate_interest_fields(data.share_exact, data.share_min, data.share_max, data.start, data.end,
                                        data.holder_id, data.subject_id)
    if data.type not in {t.value for t in InterestType}:
        problems["type"] = "Choose a type of interest."
    if problems:
        field, reason = next(iter(problems.items()))
        raise ValidationError(reason, field=field)


def save_interest(engine: Engine, data: InterestInput, actor: str | None = None) -> int:
    """Create or update an interest after validation; a stale form is refused (ConflictError)."""
    check_interest(data)
    with unit_of_work(engine, actor) as session:
        return save_interest_in(session, data)


def save_interest_in(session: Session, data: InterestInput) -> int:
    """``save_interest`` inside the caller's unit of work."""
    check_interest(data)
    assert data.holder_id is not None and data.subject_id is not None
    for pid in (data.holder_id, data.subject_id):
        if session.get(Party, pid) is None:
            raise NotFound(tr("No party has the id {pid}.", pid=pid))
    if data.id is None:
        row = Interest(subject_id=data.subject_id, interested_party_id=data.holder_id, interest_type=data.type)
    else:
        row = get_for_update(session, Interest, data.id, data.version)
    row.subject_id, row.interested_party_id, row.interest_type = data.subject_id, data.holder_id, data.type
    row.share_exact, row.share_min, row.share_max = data.share_exact, data.share_min, data.share_max
    row.role_title, row.start_date, row.end_date = data.role_title, data.start, data.end
    row.details, row.source = data.details, data.source
    row.beneficial_ownership_or_control = data.type in OWNERSHIP_TYPES
    session.add(row)
    session.flush()
    assert row.id is not None
    return int(row.id)


def archive_interest(engine: Engine, interest_id: int, expected_version: int | None = None,
                     actor: str | None = None) -> None:
    with unit_of_work(engine, actor) as session:
        row = get_for_update(session, Interest, interest_id, expected_version)
        row.archived_at = utcnow()
        session.add(row)
