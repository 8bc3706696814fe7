"""The ownership and influence analysis of one subject, as of a date (pure, no I/O).

``analyze_graph(graph, subject_id, as_of, thresholds)`` returns the JSON-ready dict documented in
docs/ownership.md: stakes of every party, competitor groups, people ties and findings.
"""

from __future__ import annotations

import gc
import re
from calendar import monthrange
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.core.competitors import Match, WatchName, match_parties
from desktop.core.ownership.model import (
    BOARD_TYPES,
    OWNERSHIP_TYPES,
    ROLE_TYPES,
    Graph,
    InterestInfo,
    Range,
    Thresholds,
)
from desktop.core.ownership.stakes import control_closure, effective_stakes, group_stake, reaches_control

DEFAULT_THRESHOLDS = Thresholds()
SEVERITY_ORDER = {"blocker": 0, "major": 1, "minor": 2, "info": 3}
_MAJORITY = re.compile(r"\b(majority|mayor[ií]a)\b", re.IGNORECASE)

# User-visible text, keyed by language. Fragments (lower-case keys) are pieces of the findings.
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "COMPETITOR_CONTROL": "{group} controls {subject}: {path} = {econ} economic, {votes} votes "
                              "(control means more than {threshold} of the votes or the right to appoint "
                              "a board majority).",
        "COMPETITOR_ECONOMIC_STAKE": "{group} holds {econ} of {subject} economically: {path} = {econ} economic, "
                                     "{votes} votes.",
        "COMPETITOR_VOTING_STAKE": "{group} holds {votes} of the votes in {subject}: {path} = {econ} economic, "
                                   "{votes} votes.",
        "COMPETITOR_BOARD_SEAT": "{person} sits on the board of {subject} ({role}) and belongs to the {group} "
                                 "group ({group_role}).",
        "PEOPLE_TIE_COMPETITOR": "{person} {was} {vendor_role} at {vendor_entity} and {when} {competitor_role} at "
                                 "{competitor_entity} ({group} group){gap}: exchange of managerial personnel.",
        "UNKNOWN_SHARE": "The share of {holder} in {subject} ({type}) is not recorded; it is counted as 0-100%.",
        "POSSIBLE_COMPETITOR_MATCH": "{party} looks like {watch} on the competitor watchlist ({score:.0f}% similar); "
                                     "confirm or reject the match.",
        "BENEFICIAL_OWNER": "{party} holds {econ} economic and {votes} votes in {subject} "
                            "(beneficial ownership threshold {threshold}){note}.",
        "RECENT_OWNERSHIP_CHANGE": "{holder} {verb} a {type} interest of {share} in {entity} on {day}, "
                                   "within the last {months} months.",
        "is": "is",
        "was": "was",
        "gap_one": ", {days} day apart",
        "gap_many": ", {days} days apart",
        "gap_none": ", at the same time",
        "more_one": " ({others} more role pair listed in the people ties)",
        "more_many": " ({others} more role pairs listed in the people ties)",
        "acquired": "acquired",
        "gave_up": "gave up",
        "note_range": " (possibly: the share is only known as a range)",
        "note_entity": "; it is an entity, so look through it to the natural persons behind it",
        "role_at": "{role} at {entity}",
        "owner_of": "owner of {share}",
    },
    "es": {
        "COMPETITOR_CONTROL": "{group} controla {subject}: {path} = {econ} de participación económica, {votes} de "
                              "los votos (hay control con más del {threshold} de los votos o con el derecho a "
                              "nombrar a la mayoría del consejo).",
        "COMPETITOR_ECONOMIC_STAKE": "{group} tiene una participación económica del {econ} en {subject}: "
                                     "{path} = {econ} de participación económica, {votes} de los votos.",
        "COMPETITOR_VOTING_STAKE": "{group} tiene el {votes} de los derechos de voto en {subject}: "
                                   "{path} = {econ} de participación económica, {votes} de los votos.",
        "COMPETITOR_BOARD_SEAT": "{person} forma parte del consejo de {subject} ({role}) y pertenece al grupo "
                                 "{group} ({group_role}).",
        "PEOPLE_TIE_COMPETITOR": "{person} {was} {vendor_role} en {vendor_entity} y {when} {competitor_role} en "
                                 "{competitor_entity} (grupo {group}){gap}: intercambio de personal directivo.",
        "UNKNOWN_SHARE": "No consta el porcentaje de {holder} en {subject} ({type}); se computa como 0-100%.",
        "POSSIBLE_COMPETITOR_MATCH": "{party} se parece a {watch}, de la lista de vigilancia de competidores "
                                     "(similitud del {score:.0f}%); confirme o rechace la coincidencia.",
        "BENEFICIAL_OWNER": "{party} tiene un {econ} de participación económica y un {votes} de los votos en {subject} "
                            "(umbral de titularidad real: {threshold}){note}.",
        "RECENT_OWNERSHIP_CHANGE": "{holder} {verb} un vínculo de tipo «{type}» del {share} en {entity} el {day}, "
                                   "dentro de los últimos {months} meses.",
        "is": "es",
        "was": "fue",
        "gap_one": ", con {days} día de diferencia",
        "gap_many": ", con {days} días de diferencia",
        "gap_none": ", al mismo tiempo",
        "more_one": " (hay {others} par de cargos más en la lista de vínculos personales)",
        "more_many": " (hay {others} pares de cargos más en la lista de vínculos personales)",
        "acquired": "adquirió",
        "gave_up": "dejó",
        "note_range": " (posiblemente: el porcentaje solo se conoce como un intervalo)",
        "note_entity": "; es una entidad, así que hay que identificar a las personas físicas que hay detrás",
        "role_at": "{role} en {entity}",
        "owner_of": "propietario del {share}",
    },
}

# Interest types as shown in findings (the data keeps the type code).
TYPE_LABELS: dict[str, dict[str, str]] = {
    "en": {},
    "es": {
        "shareholding": "participación accionarial", "voting_rights": "derechos de voto",
        "board_member": "miembro del consejo", "board_chair": "presidencia del consejo",
        "appointment_of_board": "nombramiento del consejo", "senior_managing_official": "alto directivo",
        "other_influence_or_control": "otra influencia o control", "rights_by_contract": "derechos por contrato",
        "trust_role": "función en un fideicomiso", "nominee": "testaferro (nominee)", "unknown": "desconocido",
    },
}


_DECIMAL_POINT = re.compile(r"(\d)\.(\d+)(?=%|-\d)")  # 19.8% -> 19,8% (only in percentages and ranges)


def localized(key: str, lang: str = "en", **kwargs: Any) -> str:
    """The message ``key`` in ``lang`` (English when missing) with the placeholders filled."""
    table = MESSAGES.get(lang) or MESSAGES["en"]
    if lang == "es":
        kwargs = {k: _DECIMAL_POINT.sub(r"\1,\2", v) if isinstance(v, str) else v for k, v in kwargs.items()}
    return (table.get(key) or MESSAGES["en"][key]).format(**kwargs)


def type_label(kind: str, lang: str = "en") -> str:
    """An interest type for a reader: 'voting_rights' -> 'voting rights' / 'derechos de voto'."""
    return TYPE_LABELS.get(lang, {}).get(kind) or kind.replace("_", " ")


def fmt_pct(value: float) -> str:
    rounded = round(value, 2)
    text = f"{rounded:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_range(rng: Range) -> str:
    lo, hi = rng
    if abs(hi - lo) < 1e-9:
        return fmt_pct(lo)
    return f"{fmt_pct(lo)[:-1]}-{fmt_pct(hi)}"


def add_months(day: date, months: int) -> date:
    idx = day.month - 1 + months
    year = day.year + idx // 12
    month = idx % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _r(lo: float, hi: float) -> list[float]:
    return [round(100.0 if lo > 100.0 else lo, 6), round(100.0 if hi > 100.0 else hi, 6)]


@dataclass
class _Web:
    """Share maps of the active interests (percent ranges per holder/subject pair)."""

    econ: dict[tuple[int, int], Range]
    votes: dict[tuple[int, int], Range]
    unknown: list[InterestInfo]
    board_control: dict[int, set[int]]

    def holdings(self, which: str) -> tuple[dict[int, list[tuple[int, float, float]]], dict[int, list[int]]]:
        pairs = self.econ if which == "econ" else self.votes
        holdings: dict[int, list[tuple[int, float, float]]] = {}
        held_by: dict[int, list[int]] = {}
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


def build_web(interests: Iterable[InterestInfo], control_threshold: float) -> tuple[_Web, list[InterestInfo]]:
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
                target[pair] = (min(100.0, 0.0 + lo), min(100.0, 0.0 + hi))
            else:
                target[pair] = (min(100.0, old[0] + lo), min(100.0, old[1] + hi))
        elif i.type == "appointment_of_board":
            lo = i.share_range[0] if i.share_known else 0.0
            if lo > control_threshold or _MAJORITY.search(i.details or "") or _MAJORITY.search(i.role_title or ""):
                board.setdefault(i.holder, set()).add(i.subject)
    # Votes equal shares where votes are not recorded separately for the pair.
    for pair, rng in econ.items():
        votes.setdefault(pair, rng)
    return _Web(econ, votes, unknown, board), summaries


class _PathTree:
    """Up to ``limit`` simple paths from each upstream party to the subject, shortest first, found by
    one breadth-first walk from the subject (paths longer than ``max_depth`` parties are not
    extended). Every path extends a shorter one by one holder, so a path is stored as its last
    holder and a pointer to the path it extends, and its JSON is built once from its parent's JSON:
    the work is proportional to the paths reported, not to their length times the web."""

    def __init__(self, subject: int, held_by: dict[int, list[int]], limit: int, max_depth: int = 12) -> None:
        self.node: list[int] = [subject]
        self.parent: list[int] = [-1]
        self.length: list[int] = [1]
        self.found: dict[int, list[int]] = {}
        if limit <= 0:
            return
        found = self.found
        node_of, parent_of, length_of = self.node, self.parent, self.length
        queue: deque[tuple[int, list[int]]] = deque([(0, [subject])])
        while queue:
            pid, path = queue.popleft()
            size = len(path)
            if size > max_depth:
                continue
            for holder in held_by.get(path[-1], ()):
                if holder in path:
                    continue
                bucket = found.get(holder)
                if bucket is None:
                    bucket = found[holder] = []
                elif len(bucket) >= limit:
                    continue
                new_id = len(node_of)
                node_of.append(holder)
                parent_of.append(pid)
                length_of.append(size + 1)
                bucket.append(new_id)
                queue.append((new_id, [*path, holder]))

    def nodes(self, pid: int) -> list[int]:
        """The parties of path ``pid`` from the holder to the subject."""
        out: list[int] = []
        while pid >= 0:
            out.append(self.node[pid])
            pid = self.parent[pid]
        return out

    def json(self, head: Callable[[int], dict[str, Any]],
             hop: Callable[[int, int], dict[str, Any]]) -> dict[int, list[list[dict[str, Any]]]]:
        """The JSON of every path, per holder: ``head(party)`` then ``hop(holder, held)`` per hop.
        Paths share the (read-only) hop dicts of the hops they have in common."""
        node_of, parent_of = self.node, self.parent
        tails: list[list[dict[str, Any]]] = [[]] * len(node_of)  # the hops of each path
        for pid in range(1, len(node_of)):
            parent = parent_of[pid]
            tails[pid] = [hop(node_of[pid], node_of[parent]), *tails[parent]]
        return {holder: [[head(holder), *tails[pid]] for pid in ids] for holder, ids in self.found.items()}


def _paths(subject: int, web: _Web, limit: int, max_depth: int = 12) -> _PathTree:
    """Up to ``limit`` simple paths from each upstream party to the subject, shortest first."""
    held_by: dict[int, list[int]] = {}
    for h, s in web.votes.keys() | web.econ.keys():
        held_by.setdefault(s, []).append(h)
    for lst in held_by.values():
        lst.sort()
    return _PathTree(subject, held_by, limit, max_depth)


_ROLE_OR_OWNERSHIP = ROLE_TYPES | OWNERSHIP_TYPES
_ROLE_RANK = {"senior_managing_official": 0, "board_chair": 1, "board_member": 2, "shareholding": 3}


def _role_label(i: InterestInfo) -> str:
    if i.role_title:
        return i.role_title
    if i.type == "shareholding":
        return f"owner of {fmt_range(i.share_range)}"
    return i.type.replace("_", " ")


def _role_text(i: InterestInfo, lang: str) -> str:
    """``_role_label`` in the reader's language (for messages; the data keeps the English label)."""
    if i.role_title:
        return i.role_title
    if i.type == "shareholding":
        return localized("owner_of", lang, share=fmt_range(i.share_range))
    return type_label(i.type, lang)


def _gap_days(a: InterestInfo, b: InterestInfo) -> int:
    """Days between two periods (0 when they overlap); open ends run forever."""
    big = date.max
    small = date.min
    a_start, a_end = a.start or small, a.end or big
    b_start, b_end = b.start or small, b.end or big
    if a_end < b_start:
        return (b_start - a_end).days
    if b_end < a_start:
        return (a_start - b_end).days
    return 0


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the analysis builds a great many small containers and no
    reference cycles, and the collector's repeated scans of the heap would cost about a fifth of
    its time on large webs. Reference counting still frees everything at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze_graph(graph: Graph, subject_id: int, as_of: date, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                  lang: str = "en", max_paths: int = 5) -> dict[str, Any]:
    """The analysis of ``subject_id`` as of ``as_of`` (see the module docstring)."""
    with _gc_paused():
        return _analyze(graph, subject_id, as_of, thresholds, lang, max_paths)


def _analyze(graph: Graph, subject_id: int, as_of: date, thresholds: Thresholds, lang: str,
             max_paths: int) -> dict[str, Any]:
    parties = graph.parties
    subject = parties[subject_id]
    name = {pid: p.name for pid, p in parties.items()}
    # One pass over the interests: active on the day (the web) and started by it (roles, history).
    active: list[InterestInfo] = []
    role_interests: list[InterestInfo] = []
    for i in graph.interests:
        if i.start is None or i.start <= as_of:
            if i.type in _ROLE_OR_OWNERSHIP:
                role_interests.append(i)
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

    direct_holders = {i.holder for i in active if i.subject == subject_id}
    web_nodes = (set(econ_vals) | set(vote_vals) | direct_holders | {s.holder for s in summaries
                                                                      if s.subject == subject_id})
    web_nodes.discard(subject_id)
    web_nodes &= set(parties)

    votes_lo: dict[int, list[tuple[int, float]]] = {}
    for (h, held), (lo, _hi) in web.votes.items():
        if lo > 0:
            votes_lo.setdefault(h, []).append((held, lo))
    # A party alone controls something only if it holds more than the threshold of some entity's votes
    # or a board-majority right itself: only such parties can control the subject, and only their
    # control closure is walked.
    limit = thresholds.control + 1e-12
    able = {h for h, held in votes_lo.items() if any(share > limit and e != h for e, share in held)}
    able |= {h for h, held in web.board_control.items() if held - {h}}
    controllers: set[int] = set()
    for pid in web_nodes & able:
        if reaches_control(pid, subject_id, votes_lo, web.board_control, thresholds.control):
            controllers.add(pid)

    # ---- competitor groups
    chain_entities = {pid for pid in web_nodes if parties[pid].kind == "entity"} | {subject_id}
    chain_people = {i.holder for i in role_interests if i.subject in chain_entities
                    and parties.get(i.holder) and parties[i.holder].kind == "person"}
    candidate_entities = set(chain_entities)
    candidate_entities |= {i.subject for i in role_interests if i.holder in chain_people}
    watch: list[WatchName] = []
    for c in graph.competitors:
        watch.append(WatchName(c.id, c.name, c.name, c.lei, c.party_id))
        for a in c.affiliates:
            watch.append(WatchName(c.id, c.name, a.name, a.lei, a.party_id))
    matches: dict[int, list[Match]] = match_parties(
        {pid: name[pid] for pid in candidate_entities if pid in parties and parties[pid].kind == "entity"},
        watch, graph.identifiers, graph.aliases, graph.decisions)
    all_votes_lo: dict[int, list[tuple[int, float]]] = votes_lo
    groups: list[dict[str, Any]] = []
    member_group: dict[int, str] = {}
    group_members: dict[int, set[int]] = {}
    for c in graph.competitors:
        seeds = {w.party_id for w in watch if w.competitor_id == c.id and w.party_id is not None}
        seeds |= {pid for pid, ms in matches.items() for m in ms if m.competitor_id == c.id and m.certain}
        seeds &= set(parties)
        members = seeds | control_closure(seeds, all_votes_lo, web.board_control, thresholds.control)
        group_members[c.id] = members
        for m in members:
            member_group.setdefault(m, c.name)

    # ---- paths
    tree = _paths(subject_id, web, max_paths)

    hop_cache: dict[tuple[int, int], dict[str, Any]] = {}

    def hop(holder: int, held: int) -> dict[str, Any]:
        got = hop_cache.get((holder, held))
        if got is None:
            e = web.econ.get((holder, held), (0.0, 0.0))
            v = web.votes.get((holder, held), (0.0, 0.0))
            got = hop_cache[(holder, held)] = {"name": name[held], "share": _r(*e), "voting": _r(*v)}
        return got

    def head(pid: int) -> dict[str, Any]:
        return {"name": name[pid], "share": None, "voting": None}

    paths_json = tree.json(head, hop)

    def path_text(path: list[int]) -> str:
        parts = [name[path[0]]]
        for a, b in zip(path, path[1:], strict=False):
            parts.append(f"{name[b]} {fmt_range(web.econ.get((a, b), web.votes.get((a, b), (0.0, 0.0))))}")
        return " -> ".join(parts)

    party_rows: list[dict[str, Any]] = []
    none = (0.0, 0.0)
    for pid in web_nodes:
        p = parties[pid]
        e_lo, e_hi = econ_vals.get(pid, none)
        v_lo, v_hi = vote_vals.get(pid, none)
        party_rows.append({
            "id": pid, "name": p.name, "kind": p.kind,
            "economic": _r(min(e_lo * 100, 100.0), min(e_hi * 100, 100.0)),
            "voting": _r(min(v_lo * 100, 100.0), min(v_hi * 100, 100.0)),
            "controls": pid in controllers, "competitor": pid in member_group,
            "competitor_group": member_group.get(pid),
            "paths": paths_json.get(pid, []),
        })
    party_rows.sort(key=lambda r: (-r["economic"][1], -r["voting"][1], r["name"]))

    findings: list[dict[str, Any]] = []
    day = as_of.isoformat()

    def finding(severity: str, code: str, message: str, who: list[str], threshold: float | None) -> None:
        findings.append({"severity": severity, "code": code, "message": message, "parties": who,
                         "threshold": threshold, "as_of": day})

    # people in a role at a group member (for board seats and ties)
    # (position in role_interests, interest) per entity: roles (board, management) and person owners
    # at or above the beneficial-ownership threshold
    roles_in: dict[int, list[tuple[int, InterestInfo]]] = {}
    owners_in: dict[int, list[tuple[int, InterestInfo]]] = {}
    for k, i in enumerate(role_interests):
        if i.type in ROLE_TYPES:
            roles_in.setdefault(i.subject, []).append((k, i))
        elif i.type == "shareholding" and parties.get(i.holder) and parties[i.holder].kind == "person" \
                and i.share_range[0] >= thresholds.beneficial_ownership:
            owners_in.setdefault(i.subject, []).append((k, i))

    def roles_at(entities: set[int]) -> list[InterestInfo]:
        """Roles at ``entities`` in the order of the interests, then significant person owners."""
        out: list[InterestInfo] = []
        for index in (roles_in, owners_in):
            found = [pair for e in entities for pair in index.get(e, ())] \
                if len(entities) < len(index) else [pair for e, lst in index.items() if e in entities for pair in lst]
            found.sort(key=lambda pair: pair[0])
            out.extend(i for _k, i in found)
        return out

    lookback_start = add_months(as_of, -thresholds.people_lookback_months)
    subject_board = [i for i in active if i.subject == subject_id and i.type in BOARD_TYPES]
    people_ties: list[dict[str, Any]] = []
    for c in graph.competitors:
        members = group_members[c.id]
        if not members:
            continue
        seats = 0
        seat_people: list[tuple[InterestInfo, InterestInfo]] = []
        member_roles = [i for i in roles_at(members) if parties.get(i.holder) and parties[i.holder].kind == "person"]
        for i in subject_board:
            if i.holder in members:
                seats += 1
                continue
            linked = [r for r in member_roles if r.holder == i.holder and r.active_on(as_of)]
            if linked:
                seats += 1
                seat_people.append((i, linked[0]))
        # people ties
        vendor_side = chain_entities - members
        ties: list[tuple[int, int, InterestInfo, InterestInfo]] = []
        for vr in roles_at(vendor_side):
            if parties.get(vr.holder) is None or parties[vr.holder].kind != "person":
                continue
            for cr in member_roles:
                if cr.holder != vr.holder:
                    continue
                gap = _gap_days(vr, cr)
                if gap > (as_of - lookback_start).days:
                    continue
                if min(vr.end or date.max, cr.end or date.max) < lookback_start:  # both roles recent
                    continue
                ties.append((_ROLE_RANK.get(vr.type, 9), gap, vr, cr))
        ties.sort(key=lambda t: (name[t[2].holder], t[0], t[1], _role_label(t[2]), _role_label(t[3])))
        reported: set[int] = set()
        for _rank, gap, vr, cr in ties:
            gap_text = localized("gap_one" if gap == 1 else "gap_many", lang, days=gap) if gap \
                else localized("gap_none", lang)
            message = localized("PEOPLE_TIE_COMPETITOR", lang, person=name[vr.holder],
                         was=localized("is" if vr.active_on(as_of) else "was", lang), vendor_role=_role_text(vr, lang),
                         vendor_entity=name[vr.subject], when=localized("is" if cr.active_on(as_of) else "was", lang),
                         competitor_role=_role_text(cr, lang), competitor_entity=name[cr.subject], group=c.name,
                         gap=gap_text)
            people_ties.append({"person": name[vr.holder], "vendor_role": _role_label(vr),
                                "competitor": c.name, "competitor_role": _role_label(cr),
                                "gap_days": gap, "message": message,
                                "vendor_entity": name[vr.subject], "competitor_entity": name[cr.subject]})
            if vr.holder not in reported:  # one finding per person: the most senior role, smallest gap
                reported.add(vr.holder)
                others = len([t for t in ties if t[2].holder == vr.holder]) - 1
                extra = localized("more_one" if others == 1 else "more_many", lang, others=others) if others else ""
                finding("major", "PEOPLE_TIE_COMPETITOR", message + extra, [name[vr.holder], c.name],
                        float(thresholds.people_lookback_months))
        e_lo, e_hi = group_stake(frozenset(members), subject_id, econ_hold, econ_by)
        v_lo, v_hi = (e_lo, e_hi) if same_votes else group_stake(frozenset(members), subject_id, vote_hold, vote_by)
        econ_r, vote_r = (e_lo * 100, e_hi * 100), (v_lo * 100, v_hi * 100)
        controls = subject_id in members or subject_id in control_closure(
            members, votes_lo, web.board_control, thresholds.control)
        if not (econ_r[1] > 0 or vote_r[1] > 0 or controls or seats or subject_id in members):
            continue
        in_web = sorted(members & (web_nodes | {subject_id}), key=lambda m: name[m])
        groups.append({"competitor": c.name, "economic": _r(*econ_r), "voting": _r(*vote_r), "controls": controls,
                       "board_seats": seats, "members": [name[m] for m in in_web]})
        # the explaining path: from the competitor itself if it is in the web, else any member
        starts = [m for m in members if tree.found.get(m)]
        starts.sort(key=lambda m: (m != c.party_id, tree.length[tree.found[m][0]], name[m]))
        ptxt = path_text(tree.nodes(tree.found[starts[0]][0])) if starts else name[subject_id]
        kw = {"group": c.name, "subject": subject.name, "path": ptxt, "econ": fmt_range(econ_r),
              "votes": fmt_range(vote_r)}
        who = [c.name, *[name[m] for m in in_web if name[m] != c.name]]
        if controls:
            finding("blocker", "COMPETITOR_CONTROL",
                    localized("COMPETITOR_CONTROL", lang, threshold=fmt_pct(thresholds.control), **kw),
                    who, float(thresholds.control))
        else:
            if econ_r[1] > 0:
                sev = "major" if econ_r[1] >= thresholds.significant_influence else "minor"
                finding(sev, "COMPETITOR_ECONOMIC_STAKE", localized("COMPETITOR_ECONOMIC_STAKE", lang, **kw), who,
                        float(thresholds.significant_influence))
            if vote_r[1] > 0:
                sev = "major" if vote_r[1] >= thresholds.significant_influence else "minor"
                finding(sev, "COMPETITOR_VOTING_STAKE", localized("COMPETITOR_VOTING_STAKE", lang, **kw), who,
                        float(thresholds.significant_influence))
        for seat, link in seat_people:
            finding("major", "COMPETITOR_BOARD_SEAT",
                    localized("COMPETITOR_BOARD_SEAT", lang, person=name[seat.holder], subject=subject.name,
                       role=_role_text(seat, lang), group=c.name,
                       group_role=localized("role_at", lang, role=_role_text(link, lang), entity=name[link.subject])),
                    [name[seat.holder], c.name], None)

    # ---- unknown shares, possible matches, beneficial owners, recent changes
    for i in web.unknown:
        if i.subject in chain_entities and i.holder in parties:
            finding("minor", "UNKNOWN_SHARE",
                    localized("UNKNOWN_SHARE", lang, holder=name[i.holder], subject=name[i.subject],
                       type=type_label(i.type, lang)), [name[i.holder], name[i.subject]], None)
    for pid, found in sorted(matches.items()):
        for match in found:
            if match.method == "possible" and pid in (web_nodes | {subject_id}):
                finding("info", "POSSIBLE_COMPETITOR_MATCH",
                        localized("POSSIBLE_COMPETITOR_MATCH", lang, party=name[pid], watch=match.watch_name,
                           score=match.score), [name[pid], match.competitor], None)
    for row in party_rows:
        e, v = row["economic"], row["voting"]
        if max(e[1], v[1]) >= thresholds.beneficial_ownership:
            note = ""
            if max(e[0], v[0]) < thresholds.beneficial_ownership:
                note = localized("note_range", lang)
            elif row["kind"] == "entity":
                note = localized("note_entity", lang)
            finding("info", "BENEFICIAL_OWNER",
                    localized("BENEFICIAL_OWNER", lang, party=row["name"], econ=fmt_range((e[0], e[1])),
                       votes=fmt_range((v[0], v[1])), subject=subject.name,
                       threshold=fmt_pct(thresholds.beneficial_ownership), note=note),
                    [row["name"]], float(thresholds.beneficial_ownership))
    for i in graph.interests:
        if i.type not in OWNERSHIP_TYPES or i.subject not in chain_entities or i.holder not in parties:
            continue
        for verb, when in ((localized("acquired", lang), i.start), (localized("gave_up", lang), i.end)):
            if when is not None and lookback_start < when <= as_of:
                finding("minor", "RECENT_OWNERSHIP_CHANGE",
                        localized("RECENT_OWNERSHIP_CHANGE", lang, holder=name[i.holder], verb=verb,
                           type=type_label(i.type, lang), share=fmt_range(i.share_range), entity=name[i.subject],
                           day=when.isoformat(), months=thresholds.people_lookback_months),
                        [name[i.holder], name[i.subject]], float(thresholds.people_lookback_months))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f["severity"]], f["code"], f["message"]))
    groups.sort(key=lambda g: (-g["economic"][1], g["competitor"]))
    return {
        "subject": {"id": subject.id, "name": subject.name},
        "as_of": day,
        "thresholds": thresholds.to_dict(),
        "parties": party_rows,
        "competitor_groups": groups,
        "people_ties": people_ties,
        "findings": findings,
    }
