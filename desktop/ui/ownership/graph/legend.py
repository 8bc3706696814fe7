"""The legend drawn under the ownership graph, in the scene itself so that a PNG or SVG export carries it:
each box shape (vendor, competitor, company, person, competitor-linked) and each line (stake, role, ended
role) once, with the words the view gives."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene

from desktop.ui.ownership.graph.items import arrow_item, text_item
from desktop.ui.ownership.graph.style import (
    COMPETITOR_FILL,
    COMPETITOR_LINE,
    ENDED_LINE,
    LINKED_FILL,
    PLAIN_FILL,
    PLAIN_LINE,
    ROLE_LINE,
    STAKE_LINE,
    VENDOR_FILL,
    VENDOR_LINE,
    node_shape,
)


def draw_legend(scene: QGraphicsScene, font: QFont, graph: QRectF, title_words: str,
                entries: list[tuple[str, str]]) -> None:
    """Add the legend to ``scene`` below ``graph`` (the drawn graph's rectangle): ``title_words``, then
    each ``(key, words)`` of ``entries`` (keys: vendor, competitor, company, person, linked-person,
    stake, role, ended) as a sample and its words, in rows no wider than the graph (760 at least)."""
    title = text_item(font, title_words, None, 8.0, bold=True)
    x, y = graph.left(), graph.bottom() + 30.0
    title.setPos(x, y)
    scene.addItem(title)
    x += title.boundingRect().width() + 12
    limit = max(graph.width(), 760.0) + graph.left()
    for key, words in entries:
        text = text_item(font, words, None, 8.0)
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
            arrow = arrow_item(QPointF(sample.right(), sample.center().y()), 0.0, colour)
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
