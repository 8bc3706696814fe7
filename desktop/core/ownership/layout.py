"""Layered layout of an ownership web (Qt-free, shared by the tab and the PDF report).

Layer 0 is the subject (drawn at the bottom); a holder sits one layer above the nearest entity it
holds (breadth-first distance from the subject). Within a layer nodes are ordered by the mean
position of what they hold (barycentre), which keeps edges short and mostly uncrossed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodePos:
    id: int
    layer: int
    order: int
    x: float
    y: float


def layered_layout(subject: int, edges: Iterable[tuple[int, int]], x_gap: float = 220.0,
                   y_gap: float = 120.0) -> dict[int, NodePos]:
    """Positions for every node reachable upwards from ``subject`` along ``edges`` (holder, held).
    The subject is at the bottom (largest y); x is centred on 0."""
    edge_list = list(edges)
    holders: dict[int, list[int]] = {}
    held: dict[int, list[int]] = {}
    for h, s in edge_list:
        holders.setdefault(s, []).append(h)
        held.setdefault(h, []).append(s)
    layer = {subject: 0}
    queue = deque([subject])
    while queue:
        node = queue.popleft()
        for h in sorted(holders.get(node, ())):
            if h not in layer:
                layer[h] = layer[node] + 1
                queue.append(h)
    top = max(layer.values())
    by_layer: dict[int, list[int]] = {}
    for node, lyr in layer.items():
        by_layer.setdefault(lyr, []).append(node)
    slot: dict[int, float] = {subject: 0.0}
    result: dict[int, NodePos] = {}
    for lyr in range(top + 1):
        nodes = by_layer.get(lyr, [])
        keys: dict[int, tuple[float, int]] = {}
        for n in nodes:
            below = [slot[s] for s in held.get(n, ()) if s in slot and layer[s] < lyr]
            keys[n] = (sum(below) / len(below) if below else 0.0, n)
        nodes.sort(key=keys.__getitem__)
        width = len(nodes)
        for k, node in enumerate(nodes):
            x = (k - (width - 1) / 2.0) * x_gap
            slot[node] = x
            result[node] = NodePos(node, lyr, k, x, (top - lyr) * y_gap)
    return result


@dataclass(frozen=True)
class WebLayout:
    """Where to draw a web: ``nodes`` by party id, and for each edge (holder, held) the points it
    passes through between its two ends (one per layer it crosses; empty for neighbouring layers)."""

    nodes: dict[int, NodePos]
    routes: dict[tuple[int, int], list[tuple[float, float]]]
    top: int  # the highest layer


def web_layout(subject: int, edges: Iterable[tuple[int, int]], node_width: float = 200.0,
               bend_width: float = 30.0, gap: float = 40.0, y_gap: float = 140.0) -> WebLayout:
    """A layered drawing of the web above ``subject``: every holder sits above everything it holds
    (longest path; an edge that closes a cycle is ignored for this), edges spanning several layers
    pass through a bend point on each layer between (so they go around the boxes, not through them),
    and each layer is ordered and placed by the mean position of what it holds (barycentre), pushed
    apart just enough that boxes (``node_width``) and bends (``bend_width``) keep ``gap`` between them.
    The subject is at the bottom (largest y), at x = 0."""
    edge_list = list(dict.fromkeys(edges))
    holders: dict[int, list[int]] = {}
    for h, s in edge_list:
        holders.setdefault(s, []).append(h)
    # The nodes upstream of the subject, with the edges that close cycles left out (depth-first
    # along "is held by"; an edge back to a node on the current path closes a cycle).
    order: list[int] = []  # post-order: a node after every holder reachable from it
    back: set[tuple[int, int]] = set()
    state: dict[int, int] = {subject: 1}  # 1: on the path, 2: done
    stack: list[tuple[int, list[int]]] = [(subject, sorted(holders.get(subject, ())))]
    while stack:
        node, todo = stack[-1]
        if todo:
            h = todo.pop(0)
            seen = state.get(h)
            if seen is None:
                state[h] = 1
                stack.append((h, sorted(holders.get(h, ()))))
            elif seen == 1:
                back.add((h, node))
            continue
        state[node] = 2
        order.append(node)
        stack.pop()
    nodes = set(state)
    kept = [(h, s) for h, s in edge_list if h in nodes and s in nodes and (h, s) not in back and h != s]
    layer: dict[int, int] = {n: 0 for n in nodes}
    for node in reversed(order):  # held before holders: the subject first
        for h in holders.get(node, ()):
            if (h, node) not in back and h in nodes:
                layer[h] = max(layer[h], layer[node] + 1)
    top = max(layer.values())
    # Elements of each layer: real nodes (int) and bends (("bend", edge index, layer)).
    below: dict[Any, list[Any]] = {}  # element -> the elements one layer down it connects to
    by_layer: dict[int, list[Any]] = {lyr: [] for lyr in range(top + 1)}
    for n in nodes:
        by_layer[layer[n]].append(n)
    chains: dict[tuple[int, int], list[Any]] = {}
    for k, (h, s) in enumerate(kept):
        lo, hi = layer[s], layer[h]
        chain: list[Any] = [h] + [("bend", k, lyr) for lyr in range(hi - 1, lo, -1)] + [s]
        for bend in chain[1:-1]:
            by_layer[bend[2]].append(bend)
        for upper, lower in zip(chain, chain[1:], strict=False):
            below.setdefault(upper, []).append(lower)
        chains[(h, s)] = chain
    above: dict[Any, list[Any]] = {}
    for upper, lowers in below.items():
        for lower in lowers:
            above.setdefault(lower, []).append(upper)
    rank: dict[Any, float] = {subject: 0.0}

    def sort_layer(lyr: int, neighbours: dict[Any, list[Any]]) -> None:
        elements = by_layer[lyr]
        keys: dict[Any, tuple[float, int, str]] = {}
        for k, e in enumerate(elements):
            near = [rank[n] for n in neighbours.get(e, ()) if n in rank]
            keys[e] = (sum(near) / len(near) if near else rank.get(e, float(k)), 1 if isinstance(e, tuple) else 0,
                       str(e))
        elements.sort(key=keys.__getitem__)
        for k, e in enumerate(elements):
            rank[e] = k - (len(elements) - 1) / 2.0

    # Order each layer by the mean rank of its neighbours, sweeping up and down a few times
    # (fewer crossings), then place it by the mean x of what it holds.
    for lyr in range(1, top + 1):
        sort_layer(lyr, below)
    for _sweep in range(3):
        for lyr in range(top - 1, 0, -1):
            sort_layer(lyr, above)
        for lyr in range(1, top + 1):
            sort_layer(lyr, below)

    def width(e: Any) -> float:
        return bend_width if isinstance(e, tuple) else node_width

    x: dict[Any, float] = {subject: 0.0}
    placed: dict[int, NodePos] = {subject: NodePos(subject, 0, 0, 0.0, top * y_gap)}
    for lyr in range(1, top + 1):
        elements = by_layer[lyr]
        wanted: dict[Any, float] = {}
        for e in elements:
            under = [x[b] for b in below.get(e, ()) if b in x]
            wanted[e] = sum(under) / len(under) if under else 0.0
        xs = [wanted[e] for e in elements]
        for i in range(1, len(xs)):
            xs[i] = max(xs[i], xs[i - 1] + (width(elements[i - 1]) + width(elements[i])) / 2 + gap)
        shift = sum(wanted[e] - xi for e, xi in zip(elements, xs, strict=True)) / len(xs) if xs else 0.0
        real = 0
        for e, xi in zip(elements, xs, strict=True):
            x[e] = xi + shift
            if not isinstance(e, tuple):
                placed[e] = NodePos(e, lyr, real, x[e], (top - lyr) * y_gap)
                real += 1
    routes = {edge: [(x[b], (top - b[2]) * y_gap) for b in chain[1:-1]] for edge, chain in chains.items()}
    for edge in back:
        routes.setdefault(edge, [])
    return WebLayout(placed, routes, top)
