"""Import vendors from CSV or XLSX: column-mapping preview, dry run listing every rejected row, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.core.i18n import N_
from desktop.core.tabular import read_table
from desktop.services.backend import Backend
from desktop.services.register_io import IMPORT_FIELDS, ImportPlan, auto_mapping, import_vendors, plan_import
from desktop.ui.operations import Operation, UnitOfWork, run_operation, run_query

FIELD_LABELS = {
    "name": N_("Legal name"), "country": N_("Country"), "website": N_("Website"), "services": N_("Services"),
    "tier": N_("Tier"), "status": N_("Status"), "internal_owner": N_("Internal owner"), "tags": N_("Tags"),
    "notes": N_("Notes"), "lei": N_("LEI"), "vat": N_("EU VAT number"), "next_review_due": N_("Next review due"),
}


class ImportDialog(QDialog):
    def __init__(self, backend: Backend, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend, self.path = backend, path
        self.plan: ImportPlan | None = None
        self.operation: Operation | None = None
        self.setWindowTitle(self.tr("Import vendors from {name}").format(name=path.name))
        table = read_table(path)  # UserError is reported by the caller
        self.headers = table.headers
        mapping = auto_mapping(table.headers)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("1. Check which vendor field each column of the file fills."), self))
        self.mapping_table = QTableWidget(len(table.headers), 3, self)
        self.mapping_table.setAccessibleName(self.tr("Column mapping"))
        self.mapping_table.setHorizontalHeaderLabels([self.tr("Column in the file"), self.tr("Vendor field"),
                                                      self.tr("First values")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().setVisible(False)
        self.combos: dict[str, QComboBox] = {}
        for i, header in enumerate(table.headers):
            self.mapping_table.setItem(i, 0, QTableWidgetItem(header))
            combo = QComboBox(self)
            combo.addItem(self.tr("(ignore)"), "")
            for fld in IMPORT_FIELDS:
                combo.addItem(self.tr(FIELD_LABELS[fld]), fld)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(header, ""))))
            combo.setAccessibleName(self.tr("Field for column {name}").format(name=header))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[header] = combo
            self.mapping_table.setCellWidget(i, 1, combo)
            sample = ", ".join(r[i] for r in table.rows[:3] if r[i])
            self.mapping_table.setItem(i, 2, QTableWidgetItem(sample))
        layout.addWidget(self.mapping_table)
        self.summary = QLabel(self.tr("2. Run the check: it lists every row that would be rejected and why."), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rejections = QTableWidget(0, 3, self)
        self.rejections.setAccessibleName(self.tr("Rows that would be rejected"))
        self.rejections.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Column"), self.tr("Reason")])
        self.rejections.horizontalHeader().setStretchLastSection(True)
        self.rejections.verticalHeader().setVisible(False)
        layout.addWidget(self.rejections)
        buttons = QDialogButtonBox(self)
        self.check_button = QPushButton(self.tr("Check (dry run)"), self)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setEnabled(False)
        buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.check_button.clicked.connect(self._check_clicked)
        self.import_button.clicked.connect(self._import_clicked)
        layout.addWidget(buttons)
        self.resize(820, 600)

    @Slot()
    def _check_clicked(self) -> None:
        self.run_dry_run()

    @Slot()
    def _import_clicked(self) -> None:
        self.run_import()

    def mapping(self) -> dict[str, str]:
        return {header: str(combo.currentData()) or "ignore" for header, combo in self.combos.items()}

    def set_field(self, header: str, fld: str) -> None:
        combo = self.combos[header]
        combo.setCurrentIndex(combo.findData(fld))

    @Slot()
    def _mapping_changed(self) -> None:
        self.import_button.setEnabled(False)
        self.plan = None

    def run_dry_run(self) -> Operation:
        mapping, path = self.mapping(), self.path

        def work(backend: Backend, progress: Any, cancelled: Any) -> ImportPlan:
            return plan_import(backend, path, mapping, progress, cancelled)

        self.check_button.setEnabled(False)
        self.operation = run_query(self, self.tr("Checking {name}…").format(name=path.name), self.backend, work,
                                       on_success=self._show_plan, on_failure=self._failed)
        return self.operation

    def _failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.summary.setText(str(exc) if isinstance(exc, UserError | DatabaseError)
                             else self.tr("The check failed unexpectedly; the details are in the log file."))

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.check_button.setEnabled(True)
        self.rejections.setRowCount(0)
        for r in plan.rejections:
            row = self.rejections.rowCount()
            self.rejections.insertRow(row)
            for c, value in enumerate((str(r.row), r.column, r.reason)):
                self.rejections.setItem(row, c, QTableWidgetItem(value))
        bad_rows = len({r.row for r in plan.rejections})
        if bad_rows:
            self.summary.setText(self.tr("{valid} and {rejected} (listed below). Correct the file and check "
                                         "again: the import is all or nothing.").format(
                valid=self.tr("%n row is valid", "%n rows are valid", plan.accepted),
                rejected=self.tr("%n row would be rejected", "%n rows would be rejected", bad_rows)))
        else:
            self.summary.setText(self.tr("{ok} row is valid. 3. Press Import to add it.",
                                         "All {ok} rows are valid. 3. Press Import to add them in one step.",
                                         plan.accepted).format(ok=plan.accepted))
        if plan.notes:  # rows that are, or may be, parties already in the register (issue 14)
            self.summary.setText("\n".join([self.summary.text(), *plan.notes]))
        self.import_button.setEnabled(bad_rows == 0 and plan.accepted > 0)

    def run_import(self) -> Operation:
        mapping, path = self.mapping(), self.path

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> ImportPlan:
            return import_vendors(uow.backend, path, mapping, progress=progress, cancelled=cancelled)

        self.import_button.setEnabled(False)
        self.operation = run_operation(self, self.tr("Importing {name}…").format(name=path.name), self.backend, work,
                                       on_success=self._imported, on_failure=self._failed)
        return self.operation

    def _imported(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.summary.setText(self.tr("Imported {n} vendor.", "Imported {n} vendors.", plan.imported).format(
            n=plan.imported))
        self.accept()
