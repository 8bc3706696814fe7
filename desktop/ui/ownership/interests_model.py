"""The interests of a vendor's ownership web: a table model over ids with a row cache."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from desktop.core.i18n import N_
from desktop.services.backend import Backend
from desktop.services.ownership import InterestRow, interest_rows, web_interest_ids

_Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("InterestTableModel", text)


class InterestTableModel(QAbstractTableModel):
    COLUMNS = (N_("Holder"), N_("Type"), N_("Share"), N_("Role"), N_("Start"), N_("End"), N_("Subject"))

    def __init__(self, backend: Backend, party_id: int, parent: Any = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._party_id = party_id
        self._ids: list[int] = []
        self._rows: dict[int, InterestRow] = {}
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._ids = web_interest_ids(self._backend, self._party_id)
        self._rows = interest_rows(self._backend, self._ids)
        self._ids.sort(key=lambda i: (self._rows[i].subject, self._rows[i].holder, self._rows[i].type, i))
        self.endResetModel()

    def row_at(self, row: int) -> InterestRow | None:
        if 0 <= row < len(self._ids):
            return self._rows.get(self._ids[row])
        return None

    def row_of(self, interest_id: int) -> int:
        return self._ids.index(interest_id) if interest_id in self._ids else -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return _t(self.COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.row_at(index.row())
        if r is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        col = index.column()
        if col == 0:
            return r.holder
        if col == 1:
            return _t(r.type.replace("_", " "))
        if col == 2:
            if r.share_text or r.type not in ("shareholding", "voting_rights"):
                return r.share_text or ""
            return QCoreApplication.translate("InterestTableModel", "not recorded")
        if col == 3:
            return r.role_title
        if col == 4:
            return r.start.isoformat() if r.start else ""
        if col == 5:
            return r.end.isoformat() if r.end else ""
        if col == 6:
            return r.subject
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
