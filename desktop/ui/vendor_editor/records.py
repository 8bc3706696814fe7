"""The vendor's own records: contracts, certifications, commitments, data locations and subprocessors.

``ChildListTab`` lists one kind with Add / Edit / Remove (and Attach evidence… where evidence applies);
``ChildDialog`` is the form for one record, built from the service's field specs (``CHILD_KINDS``);
``GuaranteesTab`` stacks the four guarantee lists in a splitter.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import UserError, ValidationError
from desktop.services import vendors as svc
from desktop.services.backend import Backend
from desktop.services.vendors import CHILD_KINDS, FieldSpec
from desktop.ui.operations import (
    Cancelled,
    Operation,
    Progress,
    UnitOfWork,
    error_text,
    run_operation,
    show_error,
)
from desktop.ui.table_model import DictTableModel
from desktop.ui.vendor_editor.common import reason_label, show_value
from desktop.ui.vendor_editor.evidence import attach_file


class ChildDialog(QDialog):
    """Add or edit one contract, certification, commitment, data location or subprocessor.

    Save (``accept``) does not close the dialog: it emits ``submitted``, the list tab stores the record
    as an operation and calls ``finish()`` once it is stored, or ``show_error`` when it is refused, so
    what the user typed stays in front of them.
    """

    submitted = Signal()

    def __init__(self, kind: str, values: dict[str, Any] | None, parties: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.record = values or {}
        self.setWindowTitle(self.tr("Edit {kind}").format(kind=self.tr(kind.replace("_", " "))) if values
                            else self.tr("New {kind}").format(kind=self.tr(kind.replace("_", " "))))
        self.inputs: dict[str, QWidget] = {}
        self.reason = reason_label(self)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        for spec in CHILD_KINDS[kind][1]:
            widget = self._input(spec, self.record.get(spec.name), parties)
            widget.setAccessibleName(self.tr(spec.label))
            widget.setObjectName(f"field-{spec.name}")
            self.inputs[spec.name] = widget
            form.addRow(self.tr(spec.label) + (" *" if spec.required else ""), widget)
        layout.addLayout(form)
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.busy = False  # the record is being stored

    def accept(self) -> None:
        """Save: ask the list tab to store the record (the dialog stays open until it is stored)."""
        if self.busy:
            return
        self.set_busy(True)
        self.reason.clear()
        self.submitted.emit()

    def reject(self) -> None:
        if not self.busy:  # a save under way finishes first (it closes the dialog, or shows why not)
            super().reject()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def finish(self) -> None:
        """The record is stored: close."""
        self.set_busy(False)
        super().accept()

    def _input(self, spec: FieldSpec, value: Any, parties: list[str]) -> QWidget:
        if spec.kind == "bool":
            box = QCheckBox(self)
            box.setChecked(bool(value) if value is not None else spec.name == "accesses_customer_data")
            return box
        if spec.kind == "choice":
            combo = QComboBox(self)
            for choice in spec.choices:
                combo.addItem(self.tr(choice.replace("_", " ")), choice)
            if value is not None:
                combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if spec.kind == "party":
            combo = QComboBox(self)
            combo.setEditable(True)
            combo.addItems(parties)
            combo.setCurrentText(str(value or ""))
            return combo
        if spec.kind == "longtext":
            text = QPlainTextEdit(self)
            text.setPlainText(str(value or ""))
            text.setTabChangesFocus(True)
            text.setMaximumHeight(80)
            return text
        line = QLineEdit(self)
        if spec.kind == "date":
            line.setPlaceholderText(self.tr("YYYY-MM-DD"))
        line.setText(show_value(value))
        return line

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentText() if widget.isEditable() else widget.currentData()
            elif isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                out[name] = widget.text()
        return out

    def set_value(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setCurrentText(str(value))
            else:
                widget.setCurrentIndex(widget.findData(value))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value))

    def show_error(self, message: str, field: str | None) -> None:
        """The record was refused: say why under the form and put the cursor in the field at fault."""
        self.set_busy(False)
        self.reason.setText(message)
        if field and field in self.inputs:
            self.inputs[field].setFocus()


def _reminder(record: dict[str, Any], today: date) -> str:
    """'ends in 20 days; give notice by ...' for contracts and certifications."""
    tr = QCoreApplication.translate
    end = record.get("end_date") or record.get("valid_until")
    if not end:
        return ""
    days = (end - today).days
    if days < 0:
        return tr("VendorEditor", "ended {n} day ago", "ended {n} days ago", -days).format(n=-days)
    text = tr("VendorEditor", "ends in {n} day", "ends in {n} days", days).format(n=days)
    notice = record.get("notice_days")
    if notice:
        by = date.fromordinal(end.toordinal() - int(notice))
        if by < today:
            text += "; " + tr("VendorEditor", "give notice by {date} (passed)").format(date=by.isoformat())
        else:
            text += "; " + tr("VendorEditor", "give notice by {date}").format(date=by.isoformat())
    return text


def _cell_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else ""
    if key in ("kind", "purpose") and isinstance(value, str):
        return QCoreApplication.translate("VendorEditor", value.replace("_", " "))
    return show_value(value).replace("\n", " ")


class ChildListTab(QWidget):
    """A list of one kind of child record with Add / Edit / Remove (and evidence for contracts)."""

    def __init__(self, backend: Backend, vendor_id: int, kind: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend, self.vendor_id, self.kind = backend, vendor_id, kind
        specs = CHILD_KINDS[kind][1]
        shown = [s for s in specs if s.name != "notes"][:8 if kind != "contract" else 6]
        columns = [(s.name, self.tr(s.label)) for s in shown]
        if kind in ("contract", "certification"):
            columns.append(("reminder", self.tr("Reminder")))
        if kind == "contract":
            columns.append(("clauses", self.tr("Protective clauses")))
        self.model = DictTableModel(columns, self, formatter=_cell_text)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(title)
        # long cells (the contract's protective clauses, reminders) wrap in their column instead of
        # pushing the last columns out of sight
        self.view.setWordWrap(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().sectionResized.connect(self._fit_rows)
        self.view.setMinimumHeight(60)
        self.view.doubleClicked.connect(self.edit_selected)
        self.empty = QLabel(self.tr("Nothing recorded yet: choose Add… to record the first one."), self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #555; padding: 6px;")
        self.dialog: ChildDialog | None = None
        self.last_operation: Operation | None = None  # the latest save or removal this list started
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(title, self)
        inner = QVBoxLayout(box)
        inner.addWidget(self.view, 1)
        inner.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        if kind in ("contract", "certification", "commitment"):
            self.attach_button = QPushButton(self.tr("Attach evidence…"), self)
            self.attach_button.clicked.connect(self.attach_evidence)
            buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        layout.addWidget(box)
        self.reload()

    def reload(self) -> None:
        rows = svc.list_children(self.backend, self.kind, self.vendor_id)
        today = date.today()
        clause_names = [s for s in CHILD_KINDS["contract"][1] if s.kind == "bool" and s.name != "auto_renew"]
        for r in rows:
            r["reminder"] = _reminder(r, today)
            if self.kind == "contract":
                r["clauses"] = ", ".join(self.tr(s.label) for s in clause_names if r.get(s.name))
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.view.resizeColumnsToContents()
        last = self.model.columnCount() - 1
        for column in range(last):  # the last column stretches over what is left
            self.view.setColumnWidth(column, min(max(self.view.columnWidth(column), 80), 220))
        self._fit_rows()

    @Slot()
    def _fit_rows(self, *_args: int) -> None:
        self.view.resizeRowsToContents()

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    @Slot()
    def add(self) -> None:
        self._open(None)

    @Slot()
    def edit_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self._open(record)

    def _open(self, record: dict[str, Any] | None) -> None:
        parties = svc.party_names(self.backend) if self.kind == "subprocessor" else []
        self.dialog = ChildDialog(self.kind, record, parties, self)
        self.dialog.submitted.connect(self._save_dialog)
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    @Slot()
    def _save_dialog(self) -> None:
        """Store the dialog's record as an operation; the dialog closes once it is stored."""
        dialog = self.dialog
        if dialog is None:
            return
        kind, vendor_id, values = self.kind, self.vendor_id, dialog.values()
        record_id, version = dialog.record.get("id"), dialog.record.get("version")

        def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> dict[str, Any]:
            return svc.save_child(uow.backend, kind, vendor_id, values, record_id, version)

        def stored(_record: dict[str, Any]) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.finish()
            self.reload()

        def refused(exc: BaseException) -> None:
            dialog.show_error(error_text(exc), exc.field if isinstance(exc, ValidationError) else None)

        self.last_operation = run_operation(self, self.tr("Saving…"), self.backend, work, show_progress=False,
                                            on_success=stored, on_failure=refused)

    @Slot()
    def remove_selected(self) -> None:
        """Remove the selected record as an operation; the list reloads once it is gone."""
        record = self.selected()
        if record is None:
            return
        kind, record_id = self.kind, int(record["id"])

        def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> None:
            svc.remove_child(uow.backend, kind, record_id)

        self.last_operation = run_operation(self, self.tr("Removing…"), self.backend, work, show_progress=False,
                                            on_success=lambda _r: self.reload())

    @Slot()
    def attach_evidence(self) -> None:
        record = self.selected()
        if record is None:
            show_error(self, UserError(self.tr("Select the record to attach the evidence to first.")))
            return
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Attach evidence"))
        if path:
            attach_file(self, self.backend, Path(path), self.kind, int(record["id"]), self.vendor_id)


class GuaranteesTab(QWidget):
    """Security & data guarantees: certifications, commitments, data locations, subprocessors."""

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        # four lists in a splitter: each gets the room its rows need, the user can drag the handles,
        # and the tab never forces the window taller than a laptop screen
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.certifications = ChildListTab(backend, vendor_id, "certification", self.tr("Certifications"))
        self.commitments = ChildListTab(backend, vendor_id, "commitment", self.tr("Commitments"))
        self.locations = ChildListTab(backend, vendor_id, "data_location", self.tr("Data locations"))
        self.subprocessors = ChildListTab(backend, vendor_id, "subprocessor", self.tr("Subprocessors"))
        for w in (self.certifications, self.commitments, self.locations, self.subprocessors):
            self.splitter.addWidget(w)
        scroll = QScrollArea(self)  # below the splitter's minimum (a very small window) it scrolls
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.splitter)
        layout.addWidget(scroll)
        self._share_space()

    def _share_space(self) -> None:
        """Stretch each list by its number of rows (an empty one keeps just its message and buttons)."""
        lists = (self.certifications, self.commitments, self.locations, self.subprocessors)
        for index, w in enumerate(lists):
            self.splitter.setStretchFactor(index, max(w.model.rowCount(), 0) + 1)
        self.splitter.setSizes([120 + 30 * w.model.rowCount() for w in lists])

    def reload(self) -> None:
        for w in (self.certifications, self.commitments, self.locations, self.subprocessors):
            w.reload()
        self._share_space()
