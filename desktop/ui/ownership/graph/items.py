"""The items of the ownership graph's scene: party boxes, edges (stakes, people's roles, ended roles) with
their arrowheads and labels, and the points where each edge attaches to a box.

No words are made here: the view (graph/view.py) says what each party is and passes the words in; the
edges carry their own (desktop.core.ownership.edges). Every function adds items to a scene or returns
one; none keeps state.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, radians, sin
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QTextOption
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsTextItem,
)

from desktop.core.ownership.edges import OWNERSHIP, GraphEdge
from desktop.ui.ownership.graph.style import (
    COMPETITOR_FILL,
    COMPETITOR_LINE,
    ENDED_LINE,
    INK,
    LINKED_FILL,
    NODE_W,
    PAD,
    PARTY_ROLE,
    PLAIN_FILL,
    PLAIN_LINE,
    ROLE_LINE,
    STAKE_LINE,
    VENDOR_FILL,
    VENDOR_LINE,
    node_shape,
)


@dataclass
class DrawnEdge:
    """One drawn edge: the data, its line, its label, and where it leaves and enters the boxes."""

    edge: GraphEdge
    line: QGraphicsPathItem
    label: QGraphicsTextItem
    start: QPointF  # on the holder's box
    end: QPointF  # on the held box


def text_item(base: QFont, text: str, width: float | None, size: float, bold: bool = False,
              colour: QColor = INK) -> QGraphicsTextItem:
    """A text in ``base``'s family at ``size`` points; with a ``width`` it wraps (never cut) and is centred."""
    item = QGraphicsTextItem(text)
    font = QFont(base)
    font.setPointSizeF(size)
    font.setBold(bold)
    item.setFont(font)
    item.setDefaultTextColor(colour)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    if width is not None:
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        item.document().setDefaultTextOption(option)
        item.setTextWidth(width)
    item.document().setDocumentMargin(1.0)
    return item


def arrow_item(tip: QPointF, angle: float, colour: QColor) -> QGraphicsPathItem:
    """A filled arrowhead pointing at ``tip`` along ``angle`` (degrees, Qt's counter-clockwise)."""
    back = radians(angle + 180.0)
    size, spread = 9.0, radians(22.0)
    p1 = QPointF(tip.x() + size * cos(back - spread), tip.y() - size * sin(back - spread))
    p2 = QPointF(tip.x() + size * cos(back + spread), tip.y() - size * sin(back + spread))
    path = QPainterPath(tip)
    path.lineTo(p1)
    path.lineTo(p2)
    path.closeSubpath()
    item = QGraphicsPathItem(path)
    item.setPen(QPen(colour, 1.0))
    item.setBrush(QBrush(colour))
    return item


def add_party_box(scene: QGraphicsScene, pid: int, shape: str, rect: QRectF, caption: QGraphicsTextItem,
                  name: QGraphicsTextItem, tooltip: str) -> QGraphicsPathItem:
    """Add the box of party ``pid`` to ``scene``: its outline for ``shape`` (vendor, competitor, company,
    person, linked-company, linked-person), the vendor's second border, ``caption`` (what it is) above
    ``name``, centred in ``rect``. Every part carries the party id (double-click) and ``tooltip``."""
    h = rect.height()
    fill, line, width, style = PLAIN_FILL, PLAIN_LINE, 1.2, Qt.PenStyle.SolidLine
    if shape == "vendor":
        fill, line, width = VENDOR_FILL, VENDOR_LINE, 2.2
    elif shape == "competitor":
        fill, line, width = COMPETITOR_FILL, COMPETITOR_LINE, 2.2
    elif shape.startswith("linked"):
        fill, line, width, style = LINKED_FILL, COMPETITOR_LINE, 2.2, Qt.PenStyle.DashLine
    item = QGraphicsPathItem(node_shape("person" if shape == "linked-person" else shape, rect))
    pen = QPen(line, width)
    pen.setStyle(style)
    item.setPen(pen)
    item.setBrush(QBrush(fill))
    item.setData(PARTY_ROLE, pid)
    item.setToolTip(tooltip)
    item.setZValue(2)
    scene.addItem(item)
    if shape == "vendor":  # a second border: the vendor stands out without colour
        inner = QGraphicsRectItem(rect.adjusted(4, 4, -4, -4), item)
        inner.setPen(QPen(line, 1.0))
        inner.setData(PARTY_ROLE, pid)
    ch, nh = caption.boundingRect().height(), name.boundingRect().height()
    top = rect.top() + (h - ch - nh) / 2
    caption.setParentItem(item)
    caption.setPos(rect.left() + PAD, top)
    name.setParentItem(item)
    name.setPos(rect.left() + PAD, top + ch)
    for part in (caption, name):
        part.setData(PARTY_ROLE, pid)
        part.setToolTip(item.toolTip())
    return item


def edge_anchors(placed: list[GraphEdge], routes: dict[tuple[int, int], list[tuple[float, float]]],
                 nodes: dict[int, Any], heights: dict[int, float]) -> dict[tuple[int, str], QPointF]:
    """Where edge ``k`` of ``placed`` leaves its holder's box ``(k, "start")`` and enters the held box
    ``(k, "end")``. Every edge gets its own point on each box: the edges on one side of a box are spread
    along it in the order of where they come from, so none share a point."""
    sides: dict[tuple[int, str], list[tuple[float, int, str]]] = {}
    for k, e in enumerate(placed):
        route = routes.get((e.holder, e.held), [])
        h, s = nodes[e.holder], nodes[e.held]
        # the holder's side toward the first point after it, the held side toward the last one
        first = route[0] if route else (s.x, s.y)
        last = route[-1] if route else (h.x, h.y)
        h_side = "top" if first[1] < h.y else "bottom"
        s_side = "top" if last[1] < s.y else "bottom"
        offset = 0.0 if e.kind == OWNERSHIP else 0.5  # a stake and a role between two parties: side by side
        sides.setdefault((e.holder, h_side), []).append((first[0] + offset, k, "start"))
        sides.setdefault((e.held, s_side), []).append((last[0] + offset, k, "end"))
    points: dict[tuple[int, str], QPointF] = {}
    for (pid, side), ends in sides.items():
        ends.sort()
        pos, h = nodes[pid], heights[pid]
        usable = NODE_W - 40.0
        for j, (_x, k, which) in enumerate(ends):
            x = pos.x - usable / 2 + usable * (j + 1) / (len(ends) + 1)
            y = pos.y - h / 2 if side == "top" else pos.y + h / 2
            points[(k, which)] = QPointF(x, y)
    return points


def label_place(path: QPainterPath, size: QRectF, taken: list[QRectF]) -> QPointF:
    """Where a label sits on its edge: the point nearest the middle where it covers no box and no
    other label (else where it covers least)."""
    best: tuple[float, QPointF] | None = None
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85):
        at = path.pointAtPercent(t)
        corner = QPointF(at.x() - size.width() / 2, at.y() - size.height() / 2)
        rect = QRectF(corner, size.size())
        overlap = 0.0
        for other in taken:
            if rect.intersects(other):
                cut = rect.intersected(other)
                overlap += cut.width() * cut.height()
        if overlap == 0.0:
            return corner
        if best is None or overlap < best[0]:
            best = (overlap, corner)
    assert best is not None
    return best[1]


def draw_edges(scene: QGraphicsScene, font: QFont, edges: list[GraphEdge],
               routes: dict[tuple[int, int], list[tuple[float, float]]], nodes: dict[int, Any],
               heights: dict[int, float], info: dict[int, dict[str, Any]], names: dict[int, str],
               taken: list[QRectF]) -> list[DrawnEdge]:
    """Add to ``scene`` each of ``edges`` whose ends are both laid out in ``nodes``: a curve through its
    bends (``routes``) from its own anchor on the holder's box to its own anchor on the held box, an
    arrowhead, and its words on a white backing where they cover no box and no other label (``taken``:
    the boxes' scene rectangles; the labels are added to it). Stakes solid, roles dashed, ended roles
    dotted; red when the holder is a competitor or competitor-linked (``info``, the analysis' parties)."""
    placed = [e for e in edges if e.holder in nodes and e.held in nodes]
    points = edge_anchors(placed, routes, nodes, heights)
    drawn: list[DrawnEdge] = []
    for k, e in enumerate(placed):
        a, b = points[(k, "start")], points[(k, "end")]
        bends = [QPointF(x, y) for x, y in routes.get((e.holder, e.held), [])]
        path = QPainterPath(a)
        stops = [a, *bends, b]
        for p, q in zip(stops, stops[1:], strict=False):
            bend = (q.y() - p.y()) / 2
            path.cubicTo(QPointF(p.x(), p.y() + bend), QPointF(q.x(), q.y() - bend), q)
        holder = info.get(e.holder) or {}
        linked = bool(holder.get("competitor") or holder.get("competitor_linked"))
        if e.kind == OWNERSHIP:
            colour, style, width = (COMPETITOR_LINE if linked else STAKE_LINE), Qt.PenStyle.SolidLine, 1.6
        elif e.ended:
            colour, style, width = ENDED_LINE, Qt.PenStyle.DotLine, 1.6
        else:
            colour, style, width = (COMPETITOR_LINE if linked else ROLE_LINE), Qt.PenStyle.DashLine, 1.6
        pen = QPen(colour, width)
        pen.setStyle(style)
        line = QGraphicsPathItem(path)
        line.setPen(pen)
        line.setZValue(1)
        tip = e.tooltip(names)
        line.setToolTip(tip)
        scene.addItem(line)
        arrow = arrow_item(b, path.angleAtPercent(1.0), colour)
        arrow.setParentItem(line)
        label = text_item(font, e.label, None, 7.5, colour=colour.darker(130))
        label.setToolTip(tip)
        label.setZValue(3)
        br = label.boundingRect()
        label.setPos(label_place(path, br, taken))
        taken.append(label.mapRectToScene(br).adjusted(-3, -2, 3, 2))
        backing = QGraphicsRectItem(br, label)
        backing.setPen(QPen(Qt.PenStyle.NoPen))
        backing.setBrush(QBrush(QColor(255, 255, 255, 225)))
        backing.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        scene.addItem(label)
        drawn.append(DrawnEdge(e, line, label, a, b))
    return drawn
