"""The History tab: the audit trail of one vendor (or of everything), newest first, one sentence per change.

``HistoryView(backend, vendor_id)`` is a self-contained widget; the vendor editor embeds it as its
History tab and calls ``reload()`` after a save. Rows come from SQL by id and are cached by page; the
sentences come from desktop.services.history (the same as `vetta audit log`), in the interface language,
with the recorded fields in the tooltip for auditors. A filter shows one kind of change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import i18n
from desktop.core.i18n import N_
from desktop.services.audit import AuditEntry, action_label, describe_value, event_ids, events_by_id
from desktop.services.backend import Backend
from desktop.services.history import KINDS, Told, kind_label, tell

PAGE = 200
AnyIndex = QModelIndex | QPersistentModelIndex

# Marked here, translated when shown (headerData): the language may change while the module stays loaded.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", N_("Time (UTC)")),
    ("kind", N_("Kind of change")),
    ("summary", N_("What happened")),
)


def recorded_text(entry: AuditEntry) -> str:
    """The event as the trail records it (record, action, fields before and after): the tooltip, for auditors."""
    lines = [f"#{entry.seq} · {entry.actor} · {action_label(entry.action)} · {entry.record}"]
    lines += [f"{c.field}: {describe_value(c.before)} → {describe_value(c.after)}"
              for c in entry.changes if c.field != "id"]
    return "\n".join(lines)


class HistoryModel(QAbstractTableModel):
    """Audit events over ids (newest first); the rows of a page are fetched in one query."""

    def __init__(self, backend: Backend, vendor_id: int | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._vendor_id = vendor_id
        self._kind: str | None = None
        self._ids: list[int] = []
        self._cache: dict[int, AuditEntry] = {}
        self._told: dict[int, Told] = {}
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = event_ids(self._backend, self._vendor_id, kind=self._kind)
        self._cache.clear()
        self._told.clear()
        self.endResetModel()

    def set_kind(self, kind: str | None) -> None:
        """Only one kind of change (a key of desktop.services.history.KINDS), or all (None)."""
        self._kind = kind or None
        self.reload()

    def set_vendor(self, vendor_id: int | None) -> None:
        self._vendor_id = vendor_id
        self.reload()

    def entry(self, row: int) -> AuditEntry | None:
        if not 0 <= row < len(self._ids):
            return None
        event_id = self._ids[row]
        if event_id not in self._cache:
            start = (row // PAGE) * PAGE
            page = events_by_id(self._backend, self._ids[start:start + PAGE])
            self._cache.update(page)
            self._told.update(tell(self._backend, list(page.values()), i18n.current_language()))
        return self._cache.get(event_id)

    def told(self, row: int) -> Told | None:
        entry = self.entry(row)
        return self._told.get(entry.id) if entry is not None else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("HistoryModel", COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(COLUMNS):
            return None
        entry = self.entry(index.row())
        if entry is None:
            return None
        key = COLUMNS[index.column()][0]
        told = self._told.get(entry.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            return recorded_text(entry)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "time":
                return f"{entry.occurred_at:%Y-%m-%d %H:%M:%S}"
            if key == "kind":
                return kind_label(told.kind) if told is not None and told.kind else ""
            return told.summary if told is not None else ""
        if role == Qt.ItemDataRole.UserRole:
            return entry.seq
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class HistoryView(QWidget):
    """The audit trail of ``vendor_id`` (None: of the whole database), with a Refresh button."""

    def __init__(self, backend: Backend, vendor_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(backend, vendor_id, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)  # sentences wrap
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Kind of change"))
        self.kind.addItem(self.tr("All changes"), "")
        for key in KINDS:
            self.kind.addItem(kind_label(key), key)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("Show"), self))
        top.addWidget(self.kind)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._update_summary()

    @Slot()
    def reload(self) -> None:
        self.model.reload()
        self._update_summary()

    def set_vendor(self, vendor_id: int | None) -> None:
        self.model.set_vendor(vendor_id)
        self._update_summary()

    def set_kind(self, kind: str | None) -> None:
        """Show one kind of change (a key of desktop.services.history.KINDS), or all (None)."""
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind or "")))

    @Slot(int)
    def _kind_chosen(self, _index: int) -> None:
        self.model.set_kind(self.kind.currentData() or None)
        self._update_summary()

    def _update_summary(self) -> None:
        self.summary.setText(self.tr("%n change recorded; every change is kept with who made it and when.",
                                     "%n changes recorded; every change is kept with who made it and when.",
                                     self.model.rowCount()))
        self.table.resizeRowsToContents()
