"""The ownership graph: layered layout (computed in the Qt-free core), vendor at the bottom."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from desktop.core.ownership.layout import layered_layout
from desktop.core.ownership.text import fmt_range

NODE_W, NODE_H = 190.0, 46.0
PARTY_ROLE = 1  # QGraphicsItem data key holding the party id


class OwnershipGraphView(QGraphicsView):
    """Draws an analysis result; double-clicking a party emits ``partyActivated(party_id)``."""

    partyActivated = Signal(int)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setAccessibleName(self.tr("Ownership graph"))
        self.node_items: dict[int, QGraphicsItem] = {}

    def show_result(self, result: dict[str, Any], edges: list[tuple[int, int, str]]) -> None:
        """``edges``: (holder id, held id, label) of the active interests in the web."""
        scene = self.scene()
        scene.clear()
        self.node_items = {}
        subject = int(result["subject"]["id"])
        names = {subject: result["subject"]["name"]}
        info = {int(p["id"]): p for p in result["parties"]}
        names.update({pid: p["name"] for pid, p in info.items()})
        edges = [e for e in edges if e[0] in names and e[1] in names]
        pos = layered_layout(subject, [(h, s) for h, s, _ in edges], x_gap=NODE_W + 40, y_gap=NODE_H + 70)
        pen = QPen(QColor("#555555"), 1.4)
        for holder, held, label in edges:
            if holder not in pos or held not in pos:
                continue
            a = QPointF(pos[holder].x, pos[holder].y + NODE_H / 2)
            b = QPointF(pos[held].x, pos[held].y - NODE_H / 2)
            scene.addLine(a.x(), a.y(), b.x(), b.y(), pen)
            text = scene.addSimpleText(label)
            mid = (a + b) / 2
            text.setPos(mid.x() + 4, mid.y() - 8)
            text.setBrush(QBrush(QColor("#1f3b70")))
        for pid, p in pos.items():
            row = info.get(pid)
            competitor = bool(row and row["competitor"])
            linked = bool(row and row.get("competitor_linked")) and not competitor  # e.g. a competitor's officer
            fill = QColor("#f8d7da") if competitor else QColor("#fdecea") if linked else (
                QColor("#d9e8fb") if pid == subject else QColor("#ffffff"))
            border = QColor("#b02a37") if competitor or linked else QColor("#3b5b92")
            pen = QPen(border, 2.0 if competitor or linked or pid == subject else 1.0)
            if linked:
                pen.setStyle(Qt.PenStyle.DashLine)
            rect = scene.addRect(QRectF(p.x - NODE_W / 2, p.y - NODE_H / 2, NODE_W, NODE_H), pen, QBrush(fill))
            rect.setData(PARTY_ROLE, pid)
            tip = names[pid]
            if row:
                tip += "\n" + self.tr("economic {0}, votes {1}").format(
                    fmt_range((row["economic"][0], row["economic"][1])),
                    fmt_range((row["voting"][0], row["voting"][1])))
                if row["competitor_group"]:
                    tip += "\n" + self.tr("competitor group: {0}").format(row["competitor_group"])
                for link in row.get("competitor_links") or []:
                    if link.get("start"):
                        tip += "\n" + self.tr("linked to {0}: {1} at {2} since {3}").format(
                            link["competitor"], link["role"], link["entity"], link["start"])
            rect.setToolTip(tip)
            label = names[pid] if len(names[pid]) <= 26 else names[pid][:25] + "…"
            text = scene.addSimpleText(label)
            text.setData(PARTY_ROLE, pid)
            br = text.boundingRect()
            text.setPos(p.x - br.width() / 2, p.y - br.height() / 2)
            self.node_items[pid] = rect
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))

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
