"""The register's table model: ids from SQL, rows fetched in pages and cached."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from sqlalchemy.engine import Engine

from desktop.services.register import RegisterQuery, VendorRow, vendor_ids, vendor_rows

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("country", "Country"),
    ("services", "Services"),
    ("tier", "Tier"),
    ("status", "Status"),
    ("next_review_due", "Next review due"),
)
PAGE = 200

AnyIndex = QModelIndex | QPersistentModelIndex


class VendorTableModel(QAbstractTableModel):
    """A model over vendor ids. Filtering and sorting run in SQL; rows are cached by page."""

    def __init__(self, engine: Engine, parent: Any = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._query = RegisterQuery()
        self._ids: list[int] = []
        self._cache: dict[int, VendorRow] = {}
        self.reload()

    # --- data access
    def set_query(self, query: RegisterQuery) -> None:
        self._query = query
        self.reload()

    def query(self) -> RegisterQuery:
        return self._query

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = vendor_ids(self._engine, self._query)
        self._cache.clear()
        self.endResetModel()

    def vendor_id(self, row: int) -> int:
        return self._ids[row]

    def _row(self, row: int) -> VendorRow | None:
        vid = self._ids[row]
        cached = self._cache.get(vid)
        if cached is None:
            start = (row // PAGE) * PAGE
            page_ids = self._ids[start : start + PAGE]
            self._cache.update(vendor_rows(self._engine, page_ids))
            cached = self._cache.get(vid)
        return cached

    # --- Qt model interface
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return self.tr(COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        row = self._row(index.row())
        if row is None:
            return None
        value = getattr(row, COLUMNS[index.column()][0])
        return "" if value is None else str(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        self.layoutAboutToBeChanged.emit()
        q = self._query
        self._query = RegisterQuery(search=q.search, status=q.status, tier=q.tier, include_archived=q.include_archived,
                                    sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        self._ids = vendor_ids(self._engine, self._query)
        self.layoutChanged.emit()
