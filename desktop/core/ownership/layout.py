"""Layered layout of an ownership web (Qt-free, shared by the tab and the PDF report).

Layer 0 is the subject (drawn at the bottom); a holder sits one layer above the nearest entity it
holds (breadth-first distance from the subject). Within a layer nodes are ordered by the mean
position of what they hold (barycentre), which keeps edges short and mostly uncrossed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


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
