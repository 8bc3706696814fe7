"""Possible competitor matches, decided by people: a table with Confirm and Reject.

Used on the watchlist page of the settings (every party) and in the Ownership & people tab (the parties
of one vendor's web). Loading and deciding run off the GUI thread (desktop/ui/operations.py); a decision
is announced to every view, since it changes every analysis.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.services.backend import Backend
from desktop.services.competitors import MatchRow, decide, list_matches
from desktop.ui.operations import ChangeSet, Operation, UnitOfWork, run_operation, run_query


class PossibleMatchesPanel(QWidget):
    """``decided(match_id)`` after a decision was saved."""

    decided = Signal(str)
    loaded = Signal()  # the table shows the matches just loaded

    def __init__(self, backend: Backend, parent: QWidget | None = None, party_ids: set[int] | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.party_ids = party_ids
        self.rows: list[MatchRow] = []
        self.last_operation: Operation | None = None
        self.title = QLabel(self.tr("Possible matches: parties whose names look like a watchlist name. Confirm "
                                    "those that belong to the competitor, reject the others."), self)
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("Party"), self.tr("Looks like"), self.tr("Competitor"),
                                              self.tr("Similarity"), self.tr("Decision")])
        self.table.setAccessibleName(self.tr("Possible competitor matches"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.confirm_button = QPushButton(self.tr("Confirm match"), self)
        self.confirm_button.setToolTip(self.tr("The party belongs to this competitor's group in every analysis."))
        self.reject_button = QPushButton(self.tr("Reject match"), self)
        self.reject_button.setToolTip(self.tr("The party is not this competitor; it is not proposed again."))
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._selection_changed()

    # ------------------------------------------------------------------ loading

    def reload(self) -> Operation:
        """Load the matches off the GUI thread; the table fills when they arrive."""
        party_ids = self.party_ids

        def work(backend: Backend, _progress: Any, _cancelled: Any) -> list[MatchRow]:
            return list_matches(backend, party_ids=party_ids)

        self.last_operation = run_query(self, self.tr("Looking for possible matches…"), self._backend, work,
                                            on_success=self.show_rows, show_progress=False)
        return self.last_operation

    def show_rows(self, rows: list[MatchRow]) -> None:
        if not isValid(self.table):  # the window closed while the matches were loading
            return
        labels = {"pending": self.tr("to decide"), "confirmed": self.tr("confirmed"), "rejected": self.tr("rejected")}
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = [row.party, row.watch_name, row.competitor, f"{row.score:.0f}%", labels.get(row.status, row.status)]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c == 4 and row.decided_by:
                    item.setToolTip(self.tr("Decided by {name}").format(name=row.decided_by))
                self.table.setItem(r, c, item)
        self.setVisible(bool(self.rows) or self.party_ids is None)
        self._selection_changed()
        self.loaded.emit()

    def selected(self) -> MatchRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) and self.table.selectedItems() else None

    def select_match(self, match_id: str) -> bool:
        for r, row in enumerate(self.rows):
            if row.id == match_id:
                self.table.selectRow(r)
                return True
        return False

    @Slot()
    def _selection_changed(self) -> None:
        row = self.selected()
        self.confirm_button.setEnabled(row is not None and row.status != "confirmed")
        self.reject_button.setEnabled(row is not None and row.status != "rejected")

    # ------------------------------------------------------------------ deciding

    @Slot()
    def confirm_selected(self) -> Operation | None:
        return self._decide(True)

    @Slot()
    def reject_selected(self) -> Operation | None:
        return self._decide(False)

    def _decide(self, confirmed: bool) -> Operation | None:
        row = self.selected()
        if row is None:
            return None
        match_id = row.id

        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> MatchRow:
            return decide(uow.backend, match_id, confirmed)

        def done(_result: MatchRow) -> None:
            if not isValid(self.table):
                return
            self.decided.emit(match_id)
            self.reload()

        self.last_operation = run_operation(self, self.tr("Saving the decision…"), self._backend, work,
                                            on_success=done, changes=ChangeSet(vendors=True, assessments=True))
        return self.last_operation
