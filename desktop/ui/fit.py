"""Windows that fit the screen they open on (a 1366x768 laptop at 100% scaling is the smallest we design for).

``fit_size(widget, width, height)`` gives a window its preferred size, shrunk to what the screen leaves
once a title bar and a desktop panel are drawn (``CHROME``); tests/ui/test_laptop_fit.py holds every
window, tab and dialog to it.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

CHROME = 72  # a title bar (about 32 px) and a desktop panel or task bar (about 40 px)
FRAME = 8  # the window's own frame, at most (known only once shown)


def fit_size(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` x ``height``, or less when its screen is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    available = screen.availableGeometry()
    widget.resize(min(width, available.width() - 2 * FRAME), min(height, available.height() - CHROME - FRAME))
