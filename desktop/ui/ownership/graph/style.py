"""How the ownership graph looks: box width and padding, zoom limits, the colours (each also said by a word
and a shape) and the outline of a party box for each kind of party."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainterPath, QPolygonF

NODE_W = 200.0
PAD = 8.0
PARTY_ROLE = 1  # QGraphicsItem data key holding the party id
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
READABLE_ZOOM = 0.6  # smaller, the names cannot be read
MAX_IMAGE_SIDE = 12000.0  # pixels: an exported PNG stays a few tens of megabytes in memory at most

# Colours (each also said by a word and a shape)
INK = QColor("#1b2a41")
VENDOR_FILL, VENDOR_LINE = QColor("#d9e8fb"), QColor("#1f4e8c")
COMPETITOR_FILL, COMPETITOR_LINE = QColor("#f8d7da"), QColor("#b02a37")
LINKED_FILL = QColor("#fdf0f0")
PLAIN_FILL, PLAIN_LINE = QColor("#ffffff"), QColor("#5a6b85")
STAKE_LINE = QColor("#44546a")
ROLE_LINE = QColor("#6a3d9a")
ENDED_LINE = QColor("#8a8a8a")


def node_shape(kind: str, rect: QRectF) -> QPainterPath:
    """The outline of a party box: 'competitor' cut corners, 'person' rounded ends, else a rectangle."""
    path = QPainterPath()
    if kind == "competitor":
        c = min(14.0, rect.height() / 3)
        path.addPolygon(QPolygonF([
            QPointF(rect.left() + c, rect.top()), QPointF(rect.right() - c, rect.top()),
            QPointF(rect.right(), rect.top() + c), QPointF(rect.right(), rect.bottom() - c),
            QPointF(rect.right() - c, rect.bottom()), QPointF(rect.left() + c, rect.bottom()),
            QPointF(rect.left(), rect.bottom() - c), QPointF(rect.left(), rect.top() + c)]))
        path.closeSubpath()
    elif kind == "person":
        radius = min(rect.height() / 2, 22.0)
        path.addRoundedRect(rect, radius, radius)
    else:
        path.addRect(rect)
    return path
