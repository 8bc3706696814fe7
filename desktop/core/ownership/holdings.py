"""Stakes and control: who holds how much of the subject, economically and in votes, and who controls it.

``compute_holdings`` filters the interests by date once, aggregates them into share maps
(``build_web``), solves every party's effective stake (``stakes.effective_stakes``: multiply and sum
along every chain, exact with cycles), narrows them by declared indirect figures, finds the parties
that control the subject and the explaining paths of every party (``PathTree``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.core.ownership.model import OWNERSHIP_TYPES, ROLE_TYPES, Graph, InterestInfo, Range, Thresholds
from desktop.core.ownership.paths import PathTree
from desktop.core.ownership.stakes import control_walk, effective_stakes, reaches_control

_MAJORITY = re.compile(r"\b(majority|mayor[ií]a)\b", re.IGNORECASE)
ROLE_OR_OWNERSHIP = ROLE_TYPES | OWNERSHIP_TYPES
_RUNNING = ROLE_TYPES | {"trust_role", "other_influence_or_control", "appointment_of_board", "nominee"}

Shares = dict[int, list[tuple[int, float, float]]]  # holder -> [(held, lo fraction, hi fraction)]
HeldBy = dict[int, list[int]]  # held -> [holders]
Votes = Mapping[int, Sequence[tuple[int, float]]]  # holder -> [(held, lower bound of the votes in percent)]


@dataclass
class Web:
    """Share maps of the active interests (percent ranges per holder/subject pair)."""

    econ: dict[tuple[int, int], Range]
    votes: dict[tuple[int, int], Range]
    unknown: list[InterestInfo]
    board_control: dict[int, set[int]]

    def holdings(self, which: str) -> tuple[Shares, HeldBy]:
        pairs = self.econ if which == "econ" else self.votes
        holdings: Shares = {}
        held_by: HeldBy = {}
        for (h, s), (lo, hi) in pairs.items():
            row = holdings.get(h)
            if row is None:
                holdings[h] = [(s, lo / 100.0, hi / 100.0)]
            else:
                row.append((s, lo / 100.0, hi / 100.0))
            back = held_by.get(s)
            if back is None:
                held_by[s] = [h]
            else:
                back.append(h)
        return holdings, held_by


def _reaches(start: int, target: int, adjacency: dict[int, list[int]]) -> bool:
    """Whether ``start`` reaches ``target`` through at least one intermediate entity."""
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in adjacency.get(node, ()):
            if nxt == target:
                if node != start:
                    return True
                continue
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def build_web(interests: Iterable[InterestInfo], control_threshold: float) -> tuple[Web, list[InterestInfo]]:
    """Aggregate active interests into share maps. Indirect ownership interests whose chain is known
    through direct interests are set aside as *declared summaries* (returned second) so the chain is
    not counted twice; the analysis uses them to narrow the computed range."""
    interests = list(interests)
    direct_adj: dict[int, list[int]] = {}
    if any(i.direct_or_indirect == "indirect" for i in interests):  # only then is the chain needed
        for i in interests:
            if i.type in OWNERSHIP_TYPES and i.direct_or_indirect != "indirect":
                direct_adj.setdefault(i.holder, []).append(i.subject)
    econ: dict[tuple[int, int], Range] = {}
    votes: dict[tuple[int, int], Range] = {}
    summaries: list[InterestInfo] = []
    unknown: list[InterestInfo] = []
    board: dict[int, set[int]] = {}
    for i in interests:
        kind = i.type
        if kind == "shareholding" or kind == "voting_rights":
            if i.direct_or_indirect == "indirect" and _reaches(i.holder, i.subject, direct_adj):
                summaries.append(i)
                continue
            exact = i.share_exact
            if exact is not None:  # InterestInfo.share_range, inlined: this loop runs per interest
                lo = hi = float(exact)
            else:
                if i.share_min is None and i.share_max is None:
                    unknown.append(i)
                lo = 0.0 if i.share_min is None else float(i.share_min)
                hi = 100.0 if i.share_max is None else float(i.share_max)
            target = econ if kind == "shareholding" else votes
            pair = (i.holder, i.subject)
            old = target.get(pair)
            if old is None:
                target[pair] = (lo if lo < 100.0 else 100.0, hi if hi < 100.0 else 100.0)
            else:
                target[pair] = (min(100.0, old[0] + lo), min(100.0, old[1] + hi))
        elif kind == "appointment_of_board":
            lo = i.share_range[0] if i.share_known else 0.0
            if lo > control_threshold or _MAJORITY.search(i.details or "") or _MAJORITY.search(i.role_title or ""):
                board.setdefault(i.holder, set()).add(i.subject)
    # Votes equal shares where votes are not recorded separately for the pair.
    for pair, rng in econ.items():
        votes.setdefault(pair, rng)
    return Web(econ, votes, unknown, board), summaries


@dataclass
class Holdings:
    """Everything the rest of the analysis needs about stakes and control as of the date."""

    subject: int
    active: list[InterestInfo]  # interests in force on the date
    started: list[InterestInfo]  # role and ownership interests started by the date (ended ones too)
    web: Web
    summaries: list[InterestInfo]  # declared indirect interests whose chain is recorded
    econ_hold: Shares
    econ_by: HeldBy
    vote_hold: Shares
    vote_by: HeldBy
    same_votes: bool  # votes follow shares everywhere
    econ: dict[int, tuple[float, float]]  # party -> stake in the subject (fractions)
    votes: dict[int, tuple[float, float]]
    nodes: set[int]  # the parties listed: every holder with a chain into the subject, direct role holders
    votes_lo: dict[int, list[tuple[int, float]]]  # holder -> [(held, lower bound of the votes, percent)]
    controllers: set[int]  # parties that control the subject
    tree: PathTree
    _run_by: set[int] | None = None  # entities someone runs (see has_holders), built on first use

    def has_holders(self, entity: int) -> bool:
        """Whether anyone is recorded as owning ``entity`` (shares or votes) or, failing owners, as running
        it (board, management, trust roles, other control): the natural persons behind an entity without
        owners of record are its senior managing officials, as anti-money-laundering rules have it."""
        if self.econ_by.get(entity) or self.vote_by.get(entity):
            return True
        if self._run_by is None:
            self._run_by = {i.subject for i in self.active if i.type in _RUNNING}
        return entity in self._run_by


def compute_holdings(graph: Graph, subject_id: int, as_of: date, thresholds: Thresholds,
                     max_paths: int) -> Holdings:
    parties = graph.parties
    active: list[InterestInfo] = []
    started: list[InterestInfo] = []
    for i in graph.interests:  # one pass: active on the day (the web) and started by it (roles, history)
        if i.start is None or i.start <= as_of:
            if i.type in ROLE_OR_OWNERSHIP:
                started.append(i)
            if i.end is None or as_of <= i.end:
                active.append(i)
    web, summaries = build_web(active, thresholds.control)
    econ_hold, econ_by = web.holdings("econ")
    same_votes = web.votes == web.econ  # votes follow shares everywhere: one solve serves both
    vote_hold, vote_by = (econ_hold, econ_by) if same_votes else web.holdings("votes")
    econ_vals = effective_stakes(subject_id, econ_hold, econ_by)
    vote_vals = dict(econ_vals) if same_votes else effective_stakes(subject_id, vote_hold, vote_by)
    for summary in summaries:  # a declared indirect figure narrows the computed range
        if summary.subject != subject_id:
            continue
        vals = econ_vals if summary.type == "shareholding" else vote_vals
        lo, hi = vals.get(summary.holder, (0.0, 0.0))
        dlo, dhi = (v / 100.0 for v in summary.share_range)
        nlo, nhi = max(lo, dlo), min(hi, dhi)
        vals[summary.holder] = (nlo, nhi) if nlo <= nhi + 1e-12 else (dlo, dhi)
        if summary.type == "shareholding" and not any(
                x.holder == summary.holder and x.type == "voting_rights" for x in summaries):
            vlo, vhi = vote_vals.get(summary.holder, (0.0, 0.0))
            nlo, nhi = max(vlo, dlo), min(vhi, dhi)
            vote_vals[summary.holder] = (nlo, nhi) if nlo <= nhi + 1e-12 else (dlo, dhi)

    nodes = set(econ_vals)
    nodes.update(vote_vals)
    nodes.update(i.holder for i in active if i.subject == subject_id)
    nodes.update(s.holder for s in summaries if s.subject == subject_id)
    nodes.discard(subject_id)
    nodes.intersection_update(parties)

    # A party alone controls something only if it holds more than the threshold of some entity's votes
    # or a board-majority right itself: only such parties can control the subject, and only their
    # control closure is walked.
    limit = thresholds.control + 1e-12
    votes_lo: dict[int, list[tuple[int, float]]] = {}
    able: set[int] = set()
    for (h, held), (lo, _hi) in web.votes.items():
        if lo > 0:
            row = votes_lo.get(h)
            if row is None:
                votes_lo[h] = [(held, lo)]
            else:
                row.append((held, lo))
            if lo > limit and held != h:
                able.add(h)
    able.update(h for h, held in web.board_control.items() if held - {h})
    controllers = {pid for pid in nodes & able
                   if reaches_control(pid, subject_id, votes_lo, web.board_control, thresholds.control)}

    if same_votes:  # the pairs with shares are the pairs with votes: the held-by lists serve the paths
        held_by = econ_by
        for lst in held_by.values():
            lst.sort()
    else:
        held_by = {}
        for h, s in web.votes.keys() | web.econ.keys():
            back = held_by.get(s)
            if back is None:
                held_by[s] = [h]
            else:
                back.append(h)
        for lst in held_by.values():
            lst.sort()
    tree = PathTree(subject_id, held_by, max_paths)
    return Holdings(subject_id, active, started, web, summaries, econ_hold, econ_by, vote_hold, vote_by,
                    same_votes, econ_vals, vote_vals, nodes, votes_lo, controllers, tree)


def control_path(seeds: Iterable[int], target: int, votes: Votes, board_control: Mapping[int, Iterable[int]],
                 threshold: float) -> list[int] | None:
    """How ``seeds`` acting together come to control ``target``: the parties from a seed to the target,
    each controlled by the one before it (the largest contributor where several votes add up), or
    None when they do not control it (``stakes.control_walk``, the walk of ``control_closure``)."""
    seed_set = set(seeds) - {target}
    parent = control_walk(seed_set, votes, board_control, threshold, stop_at=target)
    if target not in parent:
        return None
    path = [target]
    while path[-1] not in seed_set:
        path.append(parent[path[-1]])
    path.reverse()
    return path
