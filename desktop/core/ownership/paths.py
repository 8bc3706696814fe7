"""The explaining paths of every party: up to a few simple ownership paths from it to the subject.

``PathTree`` finds them in one breadth-first walk; ``PathBook`` turns them into typed paths (on demand,
per party) and into their JSON (once, for all parties, each hop's dict shared by the paths through it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from desktop.core.ownership.model import Range
from desktop.core.ownership.results import Hop, Path

HeldBy = Mapping[int, list[int]]


def rounded(rng: Range) -> Range:
    """A percent range capped at 100 and rounded to 6 decimals (as the JSON carries it)."""
    lo, hi = rng
    return (round(100.0 if lo > 100.0 else lo, 6), round(100.0 if hi > 100.0 else hi, 6))


class PathTree:
    """Up to ``limit`` simple paths from each upstream party to the subject, shortest first, found by
    one breadth-first walk from the subject. Every path extends a shorter one by one holder, so a path
    is stored as its last holder and a pointer to the path it extends: the work is proportional to the
    paths reported. No path is cut short, however long (the JSON keeps it whole; text summarises it).
    ``held_by`` should list the holders in id order, so the paths do not depend on the order of the
    interests."""

    def __init__(self, subject: int, held_by: HeldBy, limit: int) -> None:
        self.node: list[int] = [subject]
        self.parent: list[int] = [-1]
        self.length: list[int] = [1]
        self.found: dict[int, list[int]] = {}
        if limit <= 0:
            return
        found = self.found
        node_of, parent_of, length_of = self.node, self.parent, self.length
        if limit == 1:  # one path per party: the breadth-first tree itself (a party seen is never revisited)
            order: deque[int] = deque([0])
            while order:
                pid = order.popleft()
                size = length_of[pid] + 1
                for holder in held_by.get(node_of[pid], ()):
                    if holder in found or holder == subject:
                        continue
                    new_id = len(node_of)
                    node_of.append(holder)
                    parent_of.append(pid)
                    length_of.append(size)
                    found[holder] = [new_id]
                    order.append(new_id)
            return
        queue: deque[tuple[int, list[int]]] = deque([(0, [subject])])
        while queue:
            pid, path = queue.popleft()
            size = len(path)
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

    def first(self, party: int) -> list[int] | None:
        """The shortest path of ``party`` (from it to the subject), if it has one."""
        ids = self.found.get(party)
        return self.nodes(ids[0]) if ids else None




class PathBook:
    """The paths of a ``PathTree`` as hops: the economic and voting share along each step."""

    def __init__(self, tree: PathTree, econ: Mapping[tuple[int, int], Range], votes: Mapping[tuple[int, int], Range],
                 name: Mapping[int, str]) -> None:
        self.tree, self.econ, self.votes, self.name = tree, econ, votes, name
        self._json: dict[int, list[list[dict[str, Any]]]] | None = None

    def _shares(self, holder: int, held: int) -> tuple[Range, Range]:
        none = (0.0, 0.0)
        return rounded(self.econ.get((holder, held), none)), rounded(self.votes.get((holder, held), none))

    def paths(self, party: int) -> list[Path]:
        """The typed paths of ``party`` (from it to the subject), shortest first."""
        out: list[Path] = []
        node_of, parent_of, name = self.tree.node, self.tree.parent, self.name
        for pid in self.tree.found.get(party, ()):
            hops = [Hop(name[party])]
            while parent_of[pid] >= 0:
                parent = parent_of[pid]
                share, voting = self._shares(node_of[pid], node_of[parent])
                hops.append(Hop(name[node_of[parent]], share, voting))
                pid = parent
            out.append(tuple(hops))
        return out

    def json(self) -> dict[int, list[list[dict[str, Any]]]]:
        """Every party's paths as JSON. Every path extends a shorter one by one holder, so its list is
        built from its parent's: the work is proportional to the paths reported."""
        if self._json is not None:
            return self._json
        node_of, parent_of, name = self.tree.node, self.tree.parent, self.name
        cache: dict[tuple[int, int], dict[str, Any]] = {}
        tails: list[list[dict[str, Any]]] = [[]] * len(node_of)  # the hops of each path
        for pid in range(1, len(node_of)):
            holder, held = node_of[pid], node_of[parent_of[pid]]
            got = cache.get((holder, held))
            if got is None:
                share, voting = self._shares(holder, held)
                got = cache[(holder, held)] = {"name": name[held], "share": [share[0], share[1]],
                                               "voting": [voting[0], voting[1]]}
            tails[pid] = [got, *tails[parent_of[pid]]]
        self._json = {holder: [[{"name": name[holder], "share": None, "voting": None}, *tails[pid]] for pid in ids]
                      for holder, ids in self.tree.found.items()}
        return self._json
