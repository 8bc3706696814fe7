"""Subprocessors at any depth: the vendor's own, theirs (fourth parties), and so on, with a cycle guard.

``subprocessor_chain`` walks ``Graph.subprocessors`` breadth-first from the subject, following only
engagements in force on the date; every subprocessor is reached once, by its shortest chain, so a
cycle (A subcontracts B, B subcontracts A) ends the walk instead of looping.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

from desktop.core.ownership.model import Graph, SubprocessorInfo


@dataclass(frozen=True)
class Reached:
    party: int
    depth: int
    path: tuple[int, ...]  # from the subject to the subprocessor
    link: SubprocessorInfo


def subprocessor_chain(graph: Graph, subject: int, as_of: date) -> list[Reached]:
    """Every subprocessor reachable from ``subject`` on ``as_of``, nearest first."""
    if not graph.subprocessors:
        return []
    seen = {subject}
    out: list[Reached] = []
    queue: deque[tuple[int, tuple[int, ...]]] = deque([(subject, (subject,))])
    while queue:
        party, path = queue.popleft()
        links = sorted(graph.subprocessors.get(party, ()), key=lambda s: (graph.parties[s.party].name
                                                                         if s.party in graph.parties else "", s.party))
        for link in links:
            if link.party in seen or link.party not in graph.parties or not link.active_on(as_of):
                continue
            seen.add(link.party)
            reached = Reached(link.party, len(path), (*path, link.party), link)
            out.append(reached)
            queue.append((link.party, reached.path))
    return out
