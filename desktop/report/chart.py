"""The ownership chart: a layered layout (vendor at the bottom, owners above) drawn with reportlab.

``layered_layout`` is plain Python with no drawing, so the app's chart can share it.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.report.model import ChartEdge, ChartNode


@dataclass(frozen=True)
class Placed:
    layer: int  # 0 = the subject (vendor); owners are one layer above what they own
    x: float  # position in the layer, 0..1 (centre of the slot)


def layered_layout(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]], subject: str, *, sweeps: int = 4
) -> dict[str, Placed]:
    """Place ``nodes`` in layers. ``edges`` are (owner, owned) pairs.

    A node's layer is its shortest holding distance above ``subject`` (cycles are fine); nodes not
    connected to the subject go on the top layer. Within a layer, nodes are ordered by the mean
    position of what they own (barycentre sweeps), which keeps crossings low.
    """
    node_list = list(dict.fromkeys(nodes))
    if subject not in node_list:
        node_list.insert(0, subject)
    owners: dict[str, list[str]] = defaultdict(list)
    owned: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        if a == b:
            continue
        owners[b].append(a)
        owned[a].append(b)
    layer: dict[str, int] = {subject: 0}
    queue = deque([subject])
    while queue:
        cur = queue.popleft()
        for parent in owners[cur]:
            if parent not in layer:
                layer[parent] = layer[cur] + 1
                queue.append(parent)
    # Parties reached only as something owned (e.g. a sister company): place below nothing, above subject.
    top = max(layer.values(), default=0)
    for n in node_list:
        if n not in layer:
            children = [layer[c] for c in owned[n] if c in layer]
            layer[n] = (max(children) + 1) if children else top + 1
    layers: dict[int, list[str]] = defaultdict(list)
    for n in node_list:
        layers[layer[n]].append(n)
    pos: dict[str, float] = {}

    def assign(level: int) -> None:
        members = layers[level]
        for i, n in enumerate(members):
            pos[n] = (i + 0.5) / len(members)

    for level in sorted(layers):
        assign(level)
    for sweep in range(sweeps):
        order = sorted(layers)[1:] if sweep % 2 == 0 else sorted(layers, reverse=True)[1:]
        for level in order:
            def bary(n: str, level: int = level) -> float:
                nbrs = [pos[c] for c in (owned[n] + owners[n]) if c in pos and layer[c] != level]
                return sum(nbrs) / len(nbrs) if nbrs else pos[n]

            layers[level].sort(key=bary)
            assign(level)
    return {n: Placed(layer[n], pos[n]) for n in node_list}


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def ownership_drawing(
    nodes: Sequence[ChartNode], edges: Sequence[ChartEdge], subject: str, width: float,
    *, font: str = "DejaVuSans", bold: str = "DejaVuSans-Bold", max_height: float | None = None,
) -> Drawing:
    """A reportlab Drawing of the ownership web: boxes per party, arrows owner → owned, share labels.

    With ``max_height``, a deep web (a long holding chain) is drawn with closer layers and smaller
    boxes so the drawing always fits on a page.
    """
    placed = layered_layout([n.key for n in nodes], [(e.owner, e.owned) for e in edges], subject)
    by_key = {n.key: n for n in nodes}
    n_layers = max((p.layer for p in placed.values()), default=0) + 1
    per_layer: dict[int, int] = defaultdict(int)
    for p in placed.values():
        per_layer[p.layer] += 1
    widest = max(per_layer.values(), default=1)
    box_h = 24.0
    gap_y = 38.0
    scale = 1.0
    if max_height is not None and n_layers * (box_h + gap_y) + 16 > max_height:
        scale = max(0.05, (max_height - 16) / (n_layers * (box_h + gap_y)))
        box_h, gap_y = box_h * scale, gap_y * scale
    height = n_layers * box_h + (n_layers - 1) * gap_y + 16
    d = Drawing(width, height)
    d.initialFontName = font  # the drawing's starting font: never reportlab's default (Helvetica, not embedded)
    font_size = 7.0 if widest <= 6 else max(4.5, 7.0 - (widest - 6) * 0.35)
    font_size = max(2.5, min(font_size, box_h * 0.45))

    def box_w(level: int) -> float:
        slots = per_layer[level]
        return min(150.0, width / slots - 6)

    def centre(key: str) -> tuple[float, float]:
        p = placed[key]
        return p.x * width, 8 + p.layer * (box_h + gap_y) + box_h / 2

    red_fill = colors.HexColor("#FBE3E1")
    red_line = colors.HexColor("#B3261E")
    grey_line = colors.HexColor("#5F6B7A")
    for e in edges:
        if e.owner not in placed or e.owned not in placed or e.owner == e.owned:
            continue
        (x1, y1), (x2, y2) = centre(e.owner), centre(e.owned)
        sy = y1 - box_h / 2 if y1 > y2 else y1 + box_h / 2
        ey = y2 + box_h / 2 if y1 > y2 else y2 - box_h / 2
        hot = by_key.get(e.owner, ChartNode(e.owner, e.owner)).competitor
        stroke = red_line if hot else grey_line
        d.add(Line(x1, sy, x2, ey, strokeColor=stroke, strokeWidth=0.8))
        ang = math.atan2(ey - sy, x2 - x1)
        ah = max(1.5, 5.0 * scale)
        d.add(Polygon([x2, ey,
                       x2 - ah * math.cos(ang - 0.4), ey - ah * math.sin(ang - 0.4),
                       x2 - ah * math.cos(ang + 0.4), ey - ah * math.sin(ang + 0.4)],
                      fillColor=stroke, strokeColor=stroke, strokeWidth=0.3))
        if e.label:
            # nearer the owner, where edges fan out, so labels of edges converging on one party do not collide
            mx, my = x1 + (x2 - x1) * 0.3, sy + (ey - sy) * 0.3
            lw = stringWidth(e.label, font, font_size) + 4
            d.add(Rect(mx - lw / 2, my - font_size / 2 - 1.5, lw, font_size + 3, fillColor=colors.white,
                       strokeColor=None))
            d.add(String(mx, my - font_size / 2 + 0.5, e.label, fontName=font, fontSize=font_size,
                         fillColor=stroke, textAnchor="middle"))
    for key, p in placed.items():
        node = by_key.get(key, ChartNode(key, key))
        x, y = centre(key)
        w = box_w(p.layer)
        is_subject = key == subject
        fill = red_fill if node.competitor else (colors.HexColor("#E3EEF9") if is_subject else colors.white)
        stroke = red_line if node.competitor else (colors.HexColor("#1F4E79") if is_subject else grey_line)
        radius = box_h / 2 if node.kind == "person" else 3
        d.add(Rect(x - w / 2, y - box_h / 2, w, box_h, rx=radius, ry=radius, fillColor=fill,
                   strokeColor=stroke, strokeWidth=1.2 if (is_subject or node.competitor) else 0.7))
        fnt = bold if is_subject else font
        d.add(String(x, y - font_size / 2 + 1, _fit(node.label, fnt, font_size, w - 6), fontName=fnt,
                     fontSize=font_size, fillColor=colors.HexColor("#1B1B1B"), textAnchor="middle"))
    return d
