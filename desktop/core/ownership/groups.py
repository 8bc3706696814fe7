"""Competitor groups: who belongs to each competitor on the watchlist, and what the group holds.

A group's *members* are the parties matched to the competitor or its listed affiliates (by link, LEI,
normalised name or a user-confirmed fuzzy match) and every entity they control. Its *linked people*
hold a role at a member on the date (see people.py). The group's *influence* is the members, the linked
people and everything they control together; its stake in the subject is computed with the influence
treated as one node, so nothing is counted twice (paths start at one of them and never pass another).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from desktop.core.competitors import Match, WatchName, match_parties
from desktop.core.ownership.holdings import Holdings, Shares, control_path
from desktop.core.ownership.model import CompetitorInfo, Graph, InterestInfo, PartyInfo, Range, Thresholds
from desktop.core.ownership.people import RoleIndex, board_seats, linked_people
from desktop.core.ownership.stakes import control_closure, group_breakdown

MAX_GROUP_PATHS = 20  # paths listed per group finding; the rest are summed in one line


@dataclass
class Group:
    info: CompetitorInfo
    members: set[int]  # matched parties and what they control
    linked: dict[int, list[InterestInfo]]  # linked person -> their roles at members (most senior first)
    influence: frozenset[int]  # members, linked people and what they control together
    econ: Range = (0.0, 0.0)  # percent
    votes: Range = (0.0, 0.0)
    econ_parts: dict[int, tuple[float, float]] = field(default_factory=dict)  # starting party -> fraction
    vote_parts: dict[int, tuple[float, float]] = field(default_factory=dict)
    econ_values: dict[int, tuple[float, float]] = field(default_factory=dict)  # non-member -> stake
    vote_values: dict[int, tuple[float, float]] = field(default_factory=dict)
    controls: bool = False  # the group controls the subject (members, linked people or both)
    members_control: bool = False  # the members alone control it
    seats: int = 0
    seat_people: list[tuple[InterestInfo, InterestInfo]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def has_exposure(self) -> bool:
        return self.econ[1] > 0 or self.votes[1] > 0 or self.controls or self.seats > 0


def watch_names(competitors: list[CompetitorInfo]) -> list[WatchName]:
    watch: list[WatchName] = []
    for c in competitors:
        watch.append(WatchName(c.id, c.name, c.name, c.lei, c.party_id))
        for a in c.affiliates:
            watch.append(WatchName(c.id, c.name, a.name, a.lei, a.party_id))
    return watch


def chain_entities(holdings: Holdings, parties: Mapping[int, PartyInfo]) -> set[int]:
    """The subject and every entity in its web."""
    out = {pid for pid in holdings.nodes if parties[pid].kind == "entity"}
    out.add(holdings.subject)
    return out


def build_groups(graph: Graph, holdings: Holdings, index: RoleIndex, chain: set[int], thresholds: Thresholds,
                 as_of: date) -> tuple[list[Group], dict[int, list[Match]]]:
    """Every competitor's group as seen from the subject, and the watchlist matches of the web's entities."""
    parties = graph.parties
    subject = holdings.subject
    chain_people = {i.holder for i in holdings.started if i.subject in chain
                    and parties.get(i.holder) and parties[i.holder].kind == "person"}
    candidates = set(chain)
    candidates.update(i.subject for i in holdings.started if i.holder in chain_people)
    watch = watch_names(graph.competitors)
    matches = match_parties({pid: parties[pid].name for pid in candidates
                             if pid in parties and parties[pid].kind == "entity"},
                            watch, graph.identifiers, graph.aliases, graph.decisions)
    votes, board = holdings.votes_lo, holdings.web.board_control
    groups: list[Group] = []
    for c in graph.competitors:
        seeds = {w.party_id for w in watch if w.competitor_id == c.id and w.party_id is not None}
        seeds.update(pid for pid, ms in matches.items() for m in ms if m.competitor_id == c.id and m.certain)
        seeds.intersection_update(parties)
        members = seeds | control_closure(seeds, votes, board, thresholds.control)
        linked = linked_people(index, members, parties, as_of) if members else {}
        influence = frozenset(members | set(linked) | control_closure(members | set(linked), votes, board,
                                                                        thresholds.control))
        group = Group(c, members, linked, influence)
        if members:
            _measure(group, holdings, thresholds)
            group.seats, group.seat_people = board_seats(holdings.active, subject, members, linked)
        groups.append(group)
    return groups, matches


def _measure(group: Group, holdings: Holdings, thresholds: Thresholds) -> None:
    subject = holdings.subject
    (e_lo, e_hi), group.econ_parts, group.econ_values = group_breakdown(group.influence, subject,
                                                                        holdings.econ_hold)
    if holdings.same_votes:
        (v_lo, v_hi), group.vote_parts, group.vote_values = (e_lo, e_hi), group.econ_parts, group.econ_values
    else:
        (v_lo, v_hi), group.vote_parts, group.vote_values = group_breakdown(group.influence, subject,
                                                                            holdings.vote_hold)
    group.econ, group.votes = (e_lo * 100, e_hi * 100), (v_lo * 100, v_hi * 100)
    votes, board = holdings.votes_lo, holdings.web.board_control
    group.members_control = subject in group.members or subject in control_closure(
        group.members, votes, board, thresholds.control)
    group.controls = group.members_control or subject in group.influence


def member_chain(group: Group, node: int, holdings: Holdings, thresholds: Thresholds) -> list[int]:
    """How ``node`` belongs to the group: the parties from the competitor's own party (or from the
    linked person who controls it) down to ``node``, each controlled by the one before; just
    ``node`` when it is the start, a linked person or a member matched on the watchlist."""
    if node in group.linked:
        return [node]
    votes, board, limit = holdings.votes_lo, holdings.web.board_control, thresholds.control
    start = group.info.party_id
    if node in group.members:
        if start is None or node == start:
            return [node]
        return control_path([start], node, votes, board, limit) or [node]
    path = control_path(group.members | set(group.linked), node, votes, board, limit)
    if not path:
        return [node]
    head = path[0]
    if head in group.members and start is not None and head != start:
        prefix = control_path([start], head, votes, board, limit) or [head]
        return prefix[:-1] + path
    return path


def stake_paths(group: Group, holdings: Holdings, which: str) -> Iterator[tuple[list[int], Range]]:
    """Simple paths from each party of the group's influence to the subject that never pass another one,
    with the product of the shares along each (fractions), starting with the largest contributor. A web
    with cross-holdings adds more through its cycles than the simple paths carry (findings.group_paths
    reports the difference)."""
    subject = holdings.subject
    shares: Shares = holdings.econ_hold if which == "econ" else holdings.vote_hold
    values = group.econ_values if which == "econ" else group.vote_values
    parts = group.econ_parts if which == "econ" else group.vote_parts
    influence = group.influence
    for start, _part in sorted(parts.items(), key=lambda kv: (-kv[1][1], kv[0])):
        stack: list[tuple[int, list[int], float, float]] = [(start, [start], 1.0, 1.0)]
        while stack:
            node, path, lo, hi = stack.pop()
            for held, s_lo, s_hi in shares.get(node, ()):  # the caller sorts the paths it keeps
                if held == subject:
                    yield [*path, held], (lo * s_lo, hi * s_hi)
                    continue
                if held in influence or held in path or values.get(held, (0.0, 0.0))[1] <= 0:
                    continue
                stack.append((held, [*path, held], lo * s_lo, hi * s_hi))
