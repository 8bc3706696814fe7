"""The ownership graph's view: it draws an analysis result and lets the reader zoom, fit and export it.

The view says in words what each party is (the box captions, tooltips and legend words, translated
with the view's ``self.tr``), lays the boxes out with the Qt-free core (desktop.core.ownership.layout)
and hands the drawing to graph/items.py (boxes, edges) and graph/legend.py. What the drawing shows
is described in the package (desktop/ui/ownership/graph/__init__.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QGraphicsTextItem, QGraphicsView, QWidget

from desktop.core import i18n
from desktop.core.ownership.edges import GraphEdge
from desktop.core.ownership.layout import web_layout
from desktop.core.ownership.text import fmt_range
from desktop.ui.ownership.graph.items import DrawnEdge, add_party_box, draw_edges, text_item
from desktop.ui.ownership.graph.legend import draw_legend
from desktop.ui.ownership.graph.style import (
    INK,
    MAX_IMAGE_SIDE,
    MAX_ZOOM,
    MIN_ZOOM,
    NODE_W,
    PAD,
    PARTY_ROLE,
    READABLE_ZOOM,
    ZOOM_STEP,
)


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
        return text_item(self.font(), text, width, size, bold, colour)

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
            item = add_party_box(scene, pid, shape, rect, caption, name, self._tooltip(pid, info.get(pid), words))
            self.node_items[pid] = item
            self.name_items[pid] = name
            self.kind_items[pid] = caption
        taken = [item.sceneBoundingRect() for item in self.node_items.values()]  # labels keep off boxes and labels
        self.edges = draw_edges(scene, self.font(), edges, layout.routes, layout.nodes, heights, info, self.names,
                                taken)
        graph_rect = scene.itemsBoundingRect()
        self._draw_legend(graph_rect)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-24, -24, 24, 24))
        if not self._user_zoomed:
            self.fit(readable=True)

    def _draw_legend(self, graph: QRectF) -> None:
        """Below the graph, in the drawing (so exports carry it): each shape, line and word once."""
        entries: list[tuple[str, str]] = [
            ("vendor", self.tr("Vendor")), ("competitor", self.tr("Competitor")),
            ("company", self.tr("Company")), ("person", self.tr("Person")),
            ("linked-person", self.tr("Competitor-linked person")),
            ("stake", self.tr("Stake (shares / votes)")), ("role", self.tr("Role, with its dates")),
            ("ended", self.tr("Ended role")),
        ]
        draw_legend(self.scene(), self.font(), graph, self.tr("Legend"), entries)

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

