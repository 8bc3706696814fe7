"""The ownership and influence analysis of one subject, as of a date (pure, no I/O).

``analyze_graph(graph, subject_id, as_of, thresholds, lang)`` returns an ``Analysis`` (results.py);
``Analysis.to_dict()`` is the JSON documented in docs/ownership.md. The work is split by concern:

- holdings.py — stakes and control (multiply and sum, exact with cycles; who controls; paths),
- groups.py — competitor groups (watchlist matches, controlled entities, competitor-linked people),
- people.py — roles, competitor-linked people, people ties,
- findings.py — every finding in words, with the paths that explain it,
- subprocessors.py — subprocessors at any depth.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from desktop.core.dates import add_months
from desktop.core.ownership.findings import (
    Context,
    general_findings,
    group_findings,
    subprocessor_findings,
    tie_findings,
)
from desktop.core.ownership.groups import Group, build_groups, chain_entities, member_chain
from desktop.core.ownership.holdings import Holdings, build_web, compute_holdings
from desktop.core.ownership.model import Graph, Range, Thresholds
from desktop.core.ownership.paths import PathBook, rounded
from desktop.core.ownership.people import RoleIndex, people_ties
from desktop.core.ownership.results import (
    SEVERITY_ORDER,
    Analysis,
    CompetitorLink,
    Finding,
    GroupResult,
    PartyResult,
    SubprocessorResult,
)
from desktop.core.ownership.subprocessors import subprocessor_chain
from desktop.core.ownership.text import fmt_pct, fmt_range, role_label

__all__ = ["DEFAULT_THRESHOLDS", "analyze_graph", "build_web", "fmt_pct", "fmt_range"]

DEFAULT_THRESHOLDS = Thresholds()


def _r(lo: float, hi: float) -> Range:
    """A fraction range as percent, capped at 100 and rounded for the JSON."""
    lo, hi = lo * 100, hi * 100
    return (round(100.0 if lo > 100.0 else lo, 6), round(100.0 if hi > 100.0 else hi, 6))




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
                  lang: str = "en", max_paths: int = 5) -> Analysis:
    """The analysis of ``subject_id`` as of ``as_of`` (see the module docstring); messages in ``lang``."""
    with _gc_paused():
        return _analyze(graph, subject_id, as_of, thresholds, lang, max_paths, follow_subprocessors=True)


def _links(groups: list[Group], holdings: Holdings, thresholds: Thresholds,
           name: dict[int, str]) -> dict[int, list[CompetitorLink]]:
    """Why each party counts toward a competitor (see results.CompetitorLink)."""
    out: dict[int, list[CompetitorLink]] = {}
    listed = holdings.nodes
    for g in groups:
        for person, roles in g.linked.items():
            if person in listed:
                out.setdefault(person, []).extend(
                    CompetitorLink(g.name, role_label(r), name[r.subject], r.start, r.end) for r in roles)
        for pid in g.influence:
            if pid not in listed or pid in g.linked:
                continue
            chain = member_chain(g, pid, holdings, thresholds)
            if pid in g.members:
                role, via = ("group member", name[pid]) if len(chain) == 1 else ("controlled by the group",
                                                                               name[chain[-2]])
            else:
                role, via = "controlled by a competitor-linked person", name[chain[0]]
            out.setdefault(pid, []).append(CompetitorLink(g.name, role, via))
    return out


def _party_rows(holdings: Holdings, groups: list[Group], thresholds: Thresholds, graph: Graph,
                name: dict[int, str]) -> list[PartyResult]:
    member_group: dict[int, str] = {}
    for g in groups:
        for m in g.members:
            member_group.setdefault(m, g.name)
    links = _links(groups, holdings, thresholds, name) if groups else {}
    book = PathBook(holdings.tree, holdings.web.econ, holdings.web.votes, name)
    econ, votes, controllers = holdings.econ, holdings.votes, holdings.controllers
    none = (0.0, 0.0)
    parties = graph.parties
    rows: list[PartyResult] = []
    for pid in holdings.nodes:
        e, v = econ.get(pid, none), votes.get(pid, none)
        economic = _r(*e)
        group = member_group.get(pid)
        link = links.get(pid)
        party = parties[pid]
        rows.append(PartyResult(pid, party.name, party.kind, economic, economic if v == e else _r(*v),
                                pid in controllers, group is not None, group, link is not None, link or [], book))
    rows.sort(key=lambda r: (-r.economic[1], -r.voting[1], r.name))
    return rows


def _analyze(graph: Graph, subject_id: int, as_of: date, thresholds: Thresholds, lang: str, max_paths: int,
             follow_subprocessors: bool) -> Analysis:
    parties = graph.parties
    name = {pid: p.name for pid, p in parties.items()}
    holdings = compute_holdings(graph, subject_id, as_of, thresholds, max_paths)
    index = RoleIndex(holdings.started, parties, thresholds.beneficial_ownership)
    chain = chain_entities(holdings, parties)
    groups, matches = build_groups(graph, holdings, index, chain, thresholds, as_of)
    rows = _party_rows(holdings, groups, thresholds, graph, name)
    ctx = Context(graph, holdings, thresholds, as_of, lang, name)
    result = Analysis(subject_id, name[subject_id], as_of, thresholds, rows)
    lookback_start = add_months(as_of, -thresholds.people_lookback_months)
    findings: list[Finding] = []
    for g in groups:
        if not g.members:
            continue
        ties = people_ties(index, chain - g.members, g.members, parties, as_of, lookback_start, g.name, lang)
        result.people_ties.extend(t.tie for t in ties)
        findings.extend(tie_findings(ctx, ties))
        if not g.has_exposure and subject_id not in g.members:
            continue
        members = sorted({name[m] for m in g.influence if m in holdings.nodes})
        result.competitor_groups.append(GroupResult(g.name, rounded(g.econ), rounded(g.votes), g.controls, g.seats,
                                                    members))
        findings.extend(group_findings(ctx, g))
    findings.extend(general_findings(ctx, rows, chain, matches, lookback_start))
    if follow_subprocessors:
        result.subprocessors, sub_findings = _subprocessors(graph, subject_id, as_of, thresholds, lang)
        findings.extend(subprocessor_findings(ctx, result.subprocessors, lambda pid, code: sub_findings[pid].get(
            code, [])))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.code, f.message))
    result.findings = findings
    result.competitor_groups.sort(key=lambda g: (-g.economic[1], g.competitor))
    return result


def _subprocessors(graph: Graph, subject_id: int, as_of: date, thresholds: Thresholds, lang: str
                   ) -> tuple[list[SubprocessorResult], dict[int, dict[str, list[str]]]]:
    """Each subprocessor at any depth, with the competitor exposure of its own ownership web (each one
    analysed like a vendor, one path per party), and the paths of its competitor findings by code."""
    out: list[SubprocessorResult] = []
    paths: dict[int, dict[str, list[str]]] = {}
    for reached in subprocessor_chain(graph, subject_id, as_of):
        sub = _analyze(graph, reached.party, as_of, thresholds, lang, 1, follow_subprocessors=False)
        exposed = [g for g in sub.competitor_groups if g.economic[1] > 0 or g.voting[1] > 0 or g.controls]
        top = max(exposed, key=lambda g: (g.controls, g.economic[1], g.voting[1]), default=None)
        staffed = sorted({t.competitor for t in sub.people_ties} | {g.competitor for g in sub.competitor_groups
                                                                     if g.board_seats})
        names = sorted({g.competitor for g in exposed} | set(staffed))
        out.append(SubprocessorResult(
            id=reached.party, name=graph.parties[reached.party].name, depth=reached.depth,
            path=[graph.parties[p].name for p in reached.path], engaged_by=graph.parties[reached.path[-2]].name,
            service=reached.link.service, competitor_owned=top is not None and max(top.economic[1],
                                                                                   top.voting[1]) > 0,
            competitor_controlled=top is not None and top.controls, competitor=top.competitor if top else None,
            economic=top.economic if top else (0.0, 0.0), voting=top.voting if top else (0.0, 0.0),
            competitor_staffed=bool(staffed), competitors=names))
        by_code: dict[str, list[str]] = {}
        for f in sub.findings:
            if top is not None and f.competitor == top.competitor:
                by_code.setdefault(f.code, []).extend(f.paths)
        paths[reached.party] = by_code
    return out, paths
