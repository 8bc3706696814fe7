"""Small pieces the vendor editor's tabs share: the red reason label and how a stored value reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #b00020;"
NOTE_STYLE = "color: #555;"  # a neutral note, e.g. "Saved."


def reason_label(parent: QWidget) -> QLabel:
    """The red sentence beside a field (or under a dialog) saying what is wrong with it."""
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def show_value(value: Any) -> str:
    """A stored value as the user reads it in a cell or a field: lists comma-separated, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
