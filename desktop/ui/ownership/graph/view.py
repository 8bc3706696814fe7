"""The ownership graph's view: it draws an analysis result and lets the reader zoom, fit and export it.

What the drawing shows is described in the package (desktop/ui/ownership/graph/__init__.py); the
layout and the edges in words come from the Qt-free core (desktop.core.ownership.layout and .edges).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QGraphicsView,
    QWidget,
)

from desktop.core import i18n
from desktop.core.ownership.edges import OWNERSHIP, GraphEdge
from desktop.core.ownership.layout import web_layout
from desktop.core.ownership.text import fmt_range
from desktop.ui.ownership.graph.style import (
    COMPETITOR_FILL,
    COMPETITOR_LINE,
    ENDED_LINE,
    INK,
    LINKED_FILL,
    MAX_IMAGE_SIDE,
    MAX_ZOOM,
    MIN_ZOOM,
    NODE_W,
    PAD,
    PARTY_ROLE,
    PLAIN_FILL,
    PLAIN_LINE,
    READABLE_ZOOM,
    ROLE_LINE,
    STAKE_LINE,
    VENDOR_FILL,
    VENDOR_LINE,
    ZOOM_STEP,
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


class OwnershipGraphView(QGraphicsView):
    """Draws an analysis result; double-clicking a party emits ``partyActivated(party_id)``."""

    partyActivated = Signal(int)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAccessibleName(self.tr("Ownership graph"))
        self.node_items: dict[int, QGraphicsPathItem] = {}
        self.name_items: dict[int, QGraphicsTextItem] = {}
        self.kind_items: dict[int, QGraphicsTextItem] = {}
        self.edges: list[DrawnEdge] = []
        self.names: dict[int, str] = {}
        self.subject_id = 0
        self._user_zoomed = False

    # ------------------------------------------------------------------ drawing

    def node_kind(self, pid: int, subject: int, row: dict[str, Any] | None) -> tuple[str, str]:
        """(shape, words) of a party: what it is, said in words."""
        if pid == subject:
            return "vendor", self.tr("Vendor")
        person = bool(row and row.get("kind") == "person")
        if row and row.get("competitor"):
            group = row.get("competitor_group") or ""
            return "competitor", self.tr("Competitor: {0}").format(group) if group else self.tr("Competitor")
        if row and row.get("competitor_linked"):
            groups = sorted({str(link["competitor"]) for link in row.get("competitor_links") or []})
            words = self.tr("Competitor-linked person") if person else self.tr("Competitor-linked company")
            if groups:
                words += " (" + ", ".join(groups) + ")"
            return "linked-person" if person else "linked-company", words
        return ("person", self.tr("Person")) if person else ("company", self.tr("Company"))

    def _text(self, text: str, width: float | None, size: float, bold: bool = False,
              colour: QColor = INK) -> QGraphicsTextItem:
        item = QGraphicsTextItem(text)
        font = QFont(self.font())
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

    def _tooltip(self, pid: int, row: dict[str, Any] | None, words: str) -> str:
        tip = f"{self.names[pid]}\n{words}"
        if row:
            lang = i18n.current_language()
            tip += "\n" + self.tr("economic {0}, votes {1}").format(
                fmt_range((row["economic"][0], row["economic"][1]), lang),
                fmt_range((row["voting"][0], row["voting"][1]), lang))
            if row["competitor_group"]:
                tip += "\n" + self.tr("competitor group: {0}").format(row["competitor_group"])
            for link in row.get("competitor_links") or []:
                if link.get("start"):
                    since = i18n.format_date(date.fromisoformat(link["start"]), i18n.current_language())
                    tip += "\n" + self.tr("linked to {0}: {1} at {2} since {3}").format(
                        link["competitor"], link["role"], link["entity"], since)
        return tip + "\n" + self.tr("Double-click to open.")

    def show_result(self, result: dict[str, Any], edges: list[GraphEdge]) -> None:
        """Draw ``result`` (the analysis as JSON) with ``edges`` (desktop.core.ownership.edges.web_edges)."""
        scene = self.scene()
        scene.clear()
        self.node_items, self.name_items, self.kind_items, self.edges = {}, {}, {}, []
        subject = self.subject_id = int(result["subject"]["id"])
        info = {int(p["id"]): p for p in result["parties"]}
        self.names = {subject: result["subject"]["name"], **{pid: p["name"] for pid, p in info.items()}}
        edges = [e for e in edges if e.holder in self.names and e.held in self.names]
        # the boxes first: their height (full name, wrapped) sets the distance between layers
        boxes: dict[int, tuple[str, str, QGraphicsTextItem, QGraphicsTextItem]] = {}
        tallest = 0.0
        for pid in self.names:
            shape, words = self.node_kind(pid, subject, info.get(pid))
            caption = self._text(words, NODE_W - 2 * PAD, 7.5, colour=QColor("#3d3d3d"))
            name = self._text(self.names[pid], NODE_W - 2 * PAD, 9.5, bold=True)
            boxes[pid] = (shape, words, caption, name)
            tallest = max(tallest, caption.boundingRect().height() + name.boundingRect().height() + 2 * PAD)
        label_room = max((len(e.lines) for e in edges), default=1) * 16.0 + 70.0
        layout = web_layout(subject, [(e.holder, e.held) for e in edges], node_width=NODE_W, gap=36.0,
                            y_gap=tallest + label_room)
        heights: dict[int, float] = {}
        for pid, pos in layout.nodes.items():
            shape, words, caption, name = boxes[pid]
            h = max(tallest, 44.0)
            heights[pid] = h
            rect = QRectF(pos.x - NODE_W / 2, pos.y - h / 2, NODE_W, h)
            row = info.get(pid)
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
            item.setToolTip(self._tooltip(pid, row, words))
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
            self.node_items[pid] = item
            self.name_items[pid] = name
            self.kind_items[pid] = caption
        self._draw_edges(edges, layout.routes, layout.nodes, heights, info)
        graph_rect = scene.itemsBoundingRect()
        self._draw_legend(graph_rect)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-24, -24, 24, 24))
        if not self._user_zoomed:
            self.fit(readable=True)

    def _draw_edges(self, edges: list[GraphEdge], routes: dict[tuple[int, int], list[tuple[float, float]]],
                    nodes: dict[int, Any], heights: dict[int, float], info: dict[int, dict[str, Any]]) -> None:
        """Every edge gets its own point on each box: the edges on one side of a box are spread along
        it in the order of where they come from, so none share a point."""
        placed = [e for e in edges if e.holder in nodes and e.held in nodes]
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
        scene = self.scene()
        taken = [item.sceneBoundingRect() for item in self.node_items.values()]  # labels keep off boxes and labels
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
            tip = e.tooltip(self.names)
            line.setToolTip(tip)
            scene.addItem(line)
            arrow = self._arrow(b, path.angleAtPercent(1.0), colour)
            arrow.setParentItem(line)
            label = self._text(e.label, None, 7.5, colour=colour.darker(130))
            label.setToolTip(tip)
            label.setZValue(3)
            br = label.boundingRect()
            label.setPos(self._label_place(path, br, taken))
            taken.append(label.mapRectToScene(br).adjusted(-3, -2, 3, 2))
            backing = QGraphicsRectItem(br, label)
            backing.setPen(QPen(Qt.PenStyle.NoPen))
            backing.setBrush(QBrush(QColor(255, 255, 255, 225)))
            backing.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
            scene.addItem(label)
            self.edges.append(DrawnEdge(e, line, label, a, b))

    @staticmethod
    def _label_place(path: QPainterPath, size: QRectF, taken: list[QRectF]) -> QPointF:
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

    @staticmethod
    def _arrow(tip: QPointF, angle: float, colour: QColor) -> QGraphicsPathItem:
        from math import cos, radians, sin

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

    def _draw_legend(self, graph: QRectF) -> None:
        """Below the graph, in the drawing (so exports carry it): each shape, line and word once."""
        scene = self.scene()
        entries: list[tuple[str, str]] = [
            ("vendor", self.tr("Vendor")), ("competitor", self.tr("Competitor")),
            ("company", self.tr("Company")), ("person", self.tr("Person")),
            ("linked-person", self.tr("Competitor-linked person")),
            ("stake", self.tr("Stake (shares / votes)")), ("role", self.tr("Role, with its dates")),
            ("ended", self.tr("Ended role")),
        ]
        title = self._text(self.tr("Legend"), None, 8.0, bold=True)
        x, y = graph.left(), graph.bottom() + 30.0
        title.setPos(x, y)
        scene.addItem(title)
        x += title.boundingRect().width() + 12
        limit = max(graph.width(), 760.0) + graph.left()
        for key, words in entries:
            text = self._text(words, None, 8.0)
            w = 46.0 + text.boundingRect().width() + 18
            if x + w > limit:
                x, y = graph.left() + title.boundingRect().width() + 12, y + 30.0
            sample = QRectF(x, y + 2, 40, 18)
            if key in ("stake", "role", "ended"):
                colour = {"stake": STAKE_LINE, "role": ROLE_LINE, "ended": ENDED_LINE}[key]
                pen = QPen(colour, 1.6)
                pen.setStyle({"stake": Qt.PenStyle.SolidLine, "role": Qt.PenStyle.DashLine,
                              "ended": Qt.PenStyle.DotLine}[key])
                path = QPainterPath(QPointF(sample.left(), sample.center().y()))
                path.lineTo(QPointF(sample.right() - 4, sample.center().y()))
                item = QGraphicsPathItem(path)
                item.setPen(pen)
                scene.addItem(item)
                arrow = self._arrow(QPointF(sample.right(), sample.center().y()), 0.0, colour)
                scene.addItem(arrow)
            else:
                fill, line, style = {
                    "vendor": (VENDOR_FILL, VENDOR_LINE, Qt.PenStyle.SolidLine),
                    "competitor": (COMPETITOR_FILL, COMPETITOR_LINE, Qt.PenStyle.SolidLine),
                    "company": (PLAIN_FILL, PLAIN_LINE, Qt.PenStyle.SolidLine),
                    "person": (PLAIN_FILL, PLAIN_LINE, Qt.PenStyle.SolidLine),
                    "linked-person": (LINKED_FILL, COMPETITOR_LINE, Qt.PenStyle.DashLine)}[key]
                shape = "person" if key in ("person", "linked-person") else key
                item = QGraphicsPathItem(node_shape(shape, sample))
                pen = QPen(line, 1.6)
                pen.setStyle(style)
                item.setPen(pen)
                item.setBrush(QBrush(fill))
                scene.addItem(item)
                if key == "vendor":
                    inner = QGraphicsRectItem(sample.adjusted(3, 3, -3, -3), item)
                    inner.setPen(QPen(line, 0.8))
            text.setPos(x + 46.0, y + 1)
            scene.addItem(text)
            x += w

    # ------------------------------------------------------------------ zoom and export

    def zoom_level(self) -> float:
        return float(self.transform().m11())

    def zoom_by(self, factor: float) -> None:
        level = self.zoom_level()
        factor = max(MIN_ZOOM / level, min(MAX_ZOOM / level, factor))
        self.scale(factor, factor)
        self._user_zoomed = True

    @Slot()
    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    @Slot()
    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    @Slot()
    def fit(self, readable: bool = False) -> None:
        """The whole graph in the window (never enlarged beyond its natural size). ``readable``: not
        below READABLE_ZOOM either, centred on the vendor (how a graph is first shown; Fit shows all)."""
        self.resetTransform()
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom_level() > 1.0:
            self.resetTransform()
        elif readable and self.zoom_level() < READABLE_ZOOM:
            self.resetTransform()
            self.scale(READABLE_ZOOM, READABLE_ZOOM)
            vendor = self.node_items.get(self.subject_id)
            if vendor is not None:
                self.centerOn(vendor.sceneBoundingRect().center())
        self._user_zoomed = False

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit(readable=True)

    def render_image(self, scale: float = 2.0) -> QImage:
        """The whole drawing as an image, ``scale`` pixels per unit, on white."""
        rect = self.scene().sceneRect()
        scale = min(scale, MAX_IMAGE_SIDE / max(rect.width(), rect.height(), 1.0))  # a huge web: still an image
        size = QSize(max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale)))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.scene().render(painter, QRectF(0, 0, size.width(), size.height()), rect)
        painter.end()
        return image

    def export(self, path: Path) -> Path:
        """Write the drawing to ``path``: SVG when it ends in .svg, else PNG (.png added if missing).
        Raises OSError with the reason when the file cannot be written."""
        path = Path(path)
        if path.suffix.lower() not in (".svg", ".png"):
            path = path.with_name(path.name + ".png")
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgGenerator

            rect = self.scene().sceneRect()
            target = path.with_name(path.name + ".part")
            generator = QSvgGenerator()
            generator.setFileName(str(target))
            generator.setSize(QSize(int(rect.width()), int(rect.height())))
            generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
            generator.setTitle(self.tr("Ownership of {0}").format(self.names.get(self.subject_id, "")))
            painter = QPainter()
            if not painter.begin(generator):
                raise OSError(self.tr("cannot write to this folder"))
            self.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
            painter.end()
            if not target.is_file():
                raise OSError(self.tr("cannot write to this folder"))
            target.replace(path)
        else:
            if not self.render_image().save(str(path)):  # the format follows the .png suffix
                raise OSError(self.tr("cannot write to this folder"))
        return path

    # ------------------------------------------------------------------ interaction

    def party_at(self, view_pos: Any) -> int | None:
        for item in self.items(view_pos):
            value = item.data(PARTY_ROLE)
            if value is not None:
                return int(value)
        return None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pid = self.party_at(event.position().toPoint())
        if pid is not None:
            self.partyActivated.emit(pid)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

