"""Importing a BODS file from the window: one party per real entity, asked when uncertain.

``import_bods_file`` first runs the import as a dry run off the GUI thread. When some party of the file
may or may not be a party already in the register, ``BodsMatchDialog`` asks the user, row by row, which
one it is (or that it is a new party); the import then runs with those decisions. Nothing is written
before the user has decided.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.backend import Backend
from desktop.services.bods import ImportSummary, PartyMatch, import_bods
from desktop.ui.operations import ChangeSet, Operation, UnitOfWork, run_operation


class BodsMatchDialog(QDialog):
    """For each uncertain party of the file: the register's party it is, or a new party."""

    def __init__(self, path: Path, uncertain: list[PartyMatch], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Parties already in the register?"))
        intro = QLabel(self.tr("Some parties of {file} look like parties already in the register. Vetta will not "
                               "guess: say for each one which party it is, or that it is a new one.")
                       .format(file=path.name), self)
        intro.setWordWrap(True)
        self.table = QTableWidget(len(uncertain), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("In the file"), self.tr("Why it is uncertain"),
                                              self.tr("It is")])
        self.table.setAccessibleName(self.tr("Uncertain parties"))
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.choices: dict[str, QComboBox] = {}
        for r, match in enumerate(uncertain):
            self.table.setItem(r, 0, QTableWidgetItem(match.name))
            reason = QTableWidgetItem(match.reason)
            reason.setToolTip(match.reason)
            self.table.setItem(r, 1, reason)
            combo = QComboBox(self.table)
            for party_id, name in match.candidates:
                combo.addItem(self.tr("{name} (party #{id}) in the register").format(name=name, id=party_id), party_id)
            combo.addItem(self.tr("A new party"), None)
            combo.setAccessibleName(self.tr("Which party {name} is").format(name=match.name))
            self.table.setCellWidget(r, 2, combo)
            self.choices[match.record_id] = combo
        for c in (0, 2):
            self.table.resizeColumnToContents(c)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 320)

    def decisions(self) -> dict[str, int | None]:
        return {record: combo.currentData() for record, combo in self.choices.items()}


def import_bods_file(parent: QWidget, backend: Backend, path: Path, on_imported: Callable[[str], None]) -> Operation:
    """Check ``path`` (a dry run, off the GUI thread), ask about uncertain parties, then import it."""
    state: dict[str, Any] = {"parent": parent}

    def run(decisions: dict[str, int | None]) -> Operation:
        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> str:
            return import_bods(uow.backend, path, decisions=decisions).message

        operation = run_operation(parent, parent.tr("Importing ownership data…"), backend, work,
                                  on_success=on_imported, changes=ChangeSet(vendors=True, assessments=True))
        state["operation"] = operation
        return operation

    def checked(summary: ImportSummary) -> None:
        if not summary.uncertain:
            run({})
            return
        dialog = BodsMatchDialog(path, summary.uncertain, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: run(dialog.decisions()))
        state["dialog"] = dialog
        setattr(parent, "last_dialog", dialog)  # noqa: B010 - the window keeps its last dialog for tests
        dialog.open()

    def dry(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> ImportSummary:
        return import_bods(uow.backend, path, dry_run=True)  # imported in a savepoint, then rolled back

    return run_operation(parent, parent.tr("Checking the ownership data…"), backend, dry, on_success=checked)
