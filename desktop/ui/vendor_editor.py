"""The vendor editor: Profile, Contracts, Security & data guarantees, Evidence, History (+ plugged-in tabs).

Editing safety: every invalid field shows its reason beside it; closing with unsaved changes asks
first (``confirm_discard``); when another user saved the vendor since it was opened, the conflict
dialog shows both versions field by field and the user chooses (``resolve_conflict``).
Both callbacks can be replaced, which is how tests drive them without modal dialogs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QShowEvent
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
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import ConflictError, DatabaseError
from desktop.core.errors import UserError, ValidationError
from desktop.services import vendors as svc
from desktop.services.backend import Backend
from desktop.services.evidence import evidence_bytes
from desktop.services.vendors import CHILD_KINDS, FieldSpec, VendorDetail, VendorForm
from desktop.ui.history import HistoryView
from desktop.ui.operations import ChangeSet, UnitOfWork, announce, run_operation, show_error, signals
from desktop.ui.table_model import DictTableModel

if TYPE_CHECKING:
    from desktop.ui.assessments_tab import AssessmentsTab

TabFactory = Callable[[Backend, int], QWidget]

ERROR_STYLE = "color: #b00020;"

# Conflict choices
KEEP_THEIRS_REAPPLY = "reapply"
DISCARD_MINE = "discard"
CANCEL = "cancel"


def _reason_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


# --------------------------------------------------------------------------- Profile


class ProfileTab(QWidget):
    """The vendor's profile form, validated as the user types."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = VendorForm()
        self.name = QLineEdit(self)
        self.lei = QLineEdit(self)
        self.lei.setPlaceholderText(self.tr("e.g. 5493001KJTIIGC8Y1R12"))
        self.vat = QLineEdit(self)
        self.vat.setPlaceholderText(self.tr("country code + number, e.g. ESA58818501"))
        self.country = QLineEdit(self)
        self.country.setMaxLength(2)
        self.country.setPlaceholderText("ES")  # i18n: ignore
        self.website = QLineEdit(self)
        self.services = QLineEdit(self)
        self.tier = QComboBox(self)
        for value, label in (("critical", self.tr("Critical")), ("high", self.tr("High")),
                             ("medium", self.tr("Medium")), ("low", self.tr("Low"))):
            self.tier.addItem(label, value)
        self.status = QComboBox(self)
        for value, label in (("prospect", self.tr("Prospect")), ("active", self.tr("Active")),
                             ("suspended", self.tr("Suspended")), ("offboarded", self.tr("Offboarded"))):
            self.status.addItem(label, value)
        self.internal_owner = QLineEdit(self)
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText(self.tr("comma-separated, e.g. speech, EU-only"))
        self.next_review_due = QLineEdit(self)
        self.next_review_due.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)

        self.reasons: dict[str, QLabel] = {}
        form = QFormLayout(self)
        rows: list[tuple[str, str, QWidget]] = [
            ("name", self.tr("Legal name"), self.name),
            ("lei", self.tr("LEI"), self.lei),
            ("vat", self.tr("EU VAT number"), self.vat),
            ("country", self.tr("Country"), self.country),
            ("website", self.tr("Website"), self.website),
            ("services", self.tr("Services"), self.services),
            ("tier", self.tr("Criticality tier"), self.tier),
            ("status", self.tr("Status"), self.status),
            ("internal_owner", self.tr("Internal owner"), self.internal_owner),
            ("tags", self.tr("Tags"), self.tags),
            ("next_review_due", self.tr("Next review due"), self.next_review_due),
            ("notes", self.tr("Notes"), self.notes),
        ]
        for key, label, widget in rows:
            widget.setAccessibleName(label)
            widget.setObjectName(f"profile-{key}")
            reason = _reason_label(self)
            reason.setObjectName(f"reason-{key}")
            reason.setAccessibleName(self.tr("Problem with {field}").format(field=label))
            self.reasons[key] = reason
            holder = QWidget(self)
            box = QHBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget, 3)
            box.addWidget(reason, 2)
            form.addRow(label, holder)
        for line in (self.name, self.lei, self.vat, self.country, self.website, self.services, self.internal_owner,
                     self.tags, self.next_review_due):
            line.textChanged.connect(self._changed)
        self.notes.textChanged.connect(self._changed)
        self.tier.currentIndexChanged.connect(self._changed)
        self.status.currentIndexChanged.connect(self._changed)

    def load(self, form: VendorForm) -> None:
        self._loaded = replace(form, tags=list(form.tags))
        blockers = [w.blockSignals(True) for w in self._widgets()]
        self.name.setText(form.name)
        self.lei.setText(form.lei)
        self.vat.setText(form.vat)
        self.country.setText(form.country)
        self.website.setText(form.website)
        self.services.setText(form.services)
        self.tier.setCurrentIndex(max(0, self.tier.findData(form.tier)))
        self.status.setCurrentIndex(max(0, self.status.findData(form.status)))
        self.internal_owner.setText(form.internal_owner)
        self.tags.setText(", ".join(form.tags))
        self.next_review_due.setText(form.next_review_due.isoformat() if form.next_review_due else "")
        self.notes.setPlainText(form.notes)
        for w, _b in zip(self._widgets(), blockers, strict=True):
            w.blockSignals(False)
        self.validate()

    def _widgets(self) -> list[QWidget]:
        return [self.name, self.lei, self.vat, self.country, self.website, self.services, self.tier, self.status,
                self.internal_owner, self.tags, self.next_review_due, self.notes]

    def loaded(self) -> VendorForm:
        return self._loaded

    def _date(self) -> tuple[date | None, str | None]:
        text = self.next_review_due.text().strip()
        if not text:
            return None, None
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None, self.tr("Write the date as YYYY-MM-DD.")

    def form(self) -> VendorForm:
        due, _err = self._date()
        return VendorForm(
            name=self.name.text().strip(), country=self.country.text().strip().upper(),
            website=self.website.text().strip(), services=self.services.text().strip(),
            tier=str(self.tier.currentData()), status=str(self.status.currentData()),
            internal_owner=self.internal_owner.text().strip(),
            tags=sorted({t.strip() for t in self.tags.text().split(",") if t.strip()}),
            notes=self.notes.toPlainText(), lei=self.lei.text().strip().upper().replace(" ", ""),
            vat=self.vat.text().strip().upper().replace(" ", ""),
            next_review_due=due if due is not None else (self._loaded.next_review_due if _err else None))

    def validate(self) -> dict[str, str]:
        """Show the reason beside every invalid field; returns field -> reason."""
        errors = svc.validate_form(self.form())  # already in the interface language
        _due, date_error = self._date()
        if date_error:
            errors["next_review_due"] = date_error
        for key, label in self.reasons.items():
            label.setText(errors.get(key, ""))
        return errors

    def is_dirty(self) -> bool:
        return self.form() != self._loaded or bool(self._date()[1])

    @Slot()
    def _changed(self) -> None:
        self.validate()
        self.edited.emit()


# --------------------------------------------------------------------------- conflict dialog


class ConflictDialog(QDialog):
    """Both versions of the vendor side by side; the user decides, nothing is overwritten silently."""

    def __init__(self, mine: VendorForm, theirs: VendorForm, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Someone else changed this vendor"))
        self.choice = CANCEL
        layout = QVBoxLayout(self)
        intro = QLabel(message + "\n" + self.tr(
            "Compare your changes with the saved version, then choose. Nothing has been saved yet."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3, self)
        self.table.setAccessibleName(self.tr("Differences between your version and the saved one"))
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Yours"), self.tr("Saved")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        for name, yours, saved in mine.differences(theirs):
            row = self.table.rowCount()
            self.table.insertRow(row)
            label = self.tr(svc.FORM_LABELS.get(name, name.replace("_", " ")))
            if name in ("tier", "status"):  # choices, shown translated as in the Profile tab
                yours, saved = (self.tr(str(v).replace("_", " ")) for v in (yours, saved))
            for c, value in enumerate((label, _show(yours), _show(saved))):
                self.table.setItem(row, c, QTableWidgetItem(value))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        self.reapply = buttons.addButton(self.tr("Keep theirs and re-apply mine"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard = buttons.addButton(self.tr("Discard mine"), QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.reapply.clicked.connect(lambda: self._choose(KEEP_THEIRS_REAPPLY))
        self.discard.clicked.connect(lambda: self._choose(DISCARD_MINE))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 360)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def default_resolve_conflict(parent: QWidget, mine: VendorForm, theirs: VendorForm, message: str) -> str:
    dialog = ConflictDialog(mine, theirs, message, parent)
    dialog.exec()
    return dialog.choice


def default_confirm_discard(parent: QWidget, title: str) -> str:
    """'save', 'discard' or 'cancel'."""
    answer = QMessageBox.question(
        parent, parent.tr("Unsaved changes"),
        parent.tr("{name} has unsaved changes. Save them before closing?").format(name=title),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save)
    return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
        answer, "cancel")


# --------------------------------------------------------------------------- child records


class ChildDialog(QDialog):
    """Add or edit one contract, certification, commitment, data location or subprocessor."""

    def __init__(self, kind: str, values: dict[str, Any] | None, parties: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.record = values or {}
        self.setWindowTitle(self.tr("Edit {kind}").format(kind=self.tr(kind.replace("_", " "))) if values
                            else self.tr("New {kind}").format(kind=self.tr(kind.replace("_", " "))))
        self.inputs: dict[str, QWidget] = {}
        self.reason = _reason_label(self)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

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
        line.setText(_show(value))
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
    return _show(value).replace("\n", " ")


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
        self.dialog.accepted.connect(self._save_dialog)
        self.dialog.open()

    @Slot()
    def _save_dialog(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        record = dialog.record
        try:
            svc.save_child(self.backend, self.kind, self.vendor_id, dialog.values(), record.get("id"),
                           record.get("version"))
        except ValidationError as exc:
            dialog.show_error(str(exc), exc.field)
            dialog.open()  # keep what the user typed
            return
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return
        self.dialog = None
        dialog.deleteLater()
        self.reload()
        announce(ChangeSet(vendors=True, vendor_id=self.vendor_id))

    @Slot()
    def remove_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            svc.remove_child(self.backend, self.kind, int(record["id"]))
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return
        self.reload()
        announce(ChangeSet(vendors=True, vendor_id=self.vendor_id))

    @Slot()
    def attach_evidence(self) -> None:
        record = self.selected()
        if record is None:
            show_error(self, UserError(self.tr("Select the record to attach the evidence to first.")))
            return
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Attach evidence"))
        if path:
            attach_file(self, self.backend, Path(path), self.kind, int(record["id"]), self.vendor_id)


def attach_file(parent: QWidget, backend: Backend, path: Path, record_type: str, record_id: int,
                vendor_id: int, on_done: Callable[[Any], None] | None = None) -> Any:
    """Store a file as evidence off the GUI thread; returns the operation."""

    def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> int:
        return svc.attach_evidence(uow.backend, path, record_type, record_id)

    return run_operation(parent, parent.tr("Storing {name}…").format(name=path.name), backend, work,
                         on_success=on_done, changes=ChangeSet(evidence=True, vendors=True, vendor_id=vendor_id))


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


# --------------------------------------------------------------------------- evidence


class EvidenceTab(QWidget):
    """Files backing this vendor's records: drop files here or pick them; open, export, replace."""

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend, self.vendor_id = backend, vendor_id
        self.setAcceptDrops(True)
        self.model = DictTableModel([
            ("filename", self.tr("File")), ("size", self.tr("Size (bytes)")), ("linked_to", self.tr("Linked to")),
            ("uploaded_by", self.tr("Added by")), ("created_at", self.tr("Added")), ("sha256", "SHA-256"),
        ], self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Evidence files"))
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self.open_selected)
        hint = QLabel(self.tr("Drop files here to attach them to this vendor, or use Add."), self)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("Add…"), self.pick), (self.tr("Open"), self.open_selected),
                           (self.tr("Export…"), self.export_selected), (self.tr("Replace…"), self.replace_selected),
                           (self.tr("Remove"), self.remove_selected)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.last_operation: Any = None
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(svc.vendor_evidence(self.backend, self.vendor_id))

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            self.last_operation = attach_file(self, self.backend, path, "vendor", self.vendor_id, self.vendor_id,
                                              on_done=lambda _r: self.reload())

    # drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.drop_mime(event.mimeData())
        event.acceptProposedAction()

    def drop_mime(self, mime: QMimeData) -> None:
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        self.add_paths([p for p in paths if p.name])

    @Slot()
    def pick(self) -> None:
        names, _f = QFileDialog.getOpenFileNames(self, self.tr("Add evidence"))
        self.add_paths([Path(n) for n in names])

    def _export_to(self, record: dict[str, Any], target: Path) -> None:
        _info, data = evidence_bytes(self.backend, int(record["id"]))
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise UserError(self.tr("The file {path} cannot be written: {strerror}.").format(
                path=repr(str(target)), strerror=exc.strerror)) from exc

    @Slot()
    def open_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="vetta-evidence-"))
        target = folder / str(record["filename"])
        try:
            self._export_to(record, target)
        except UserError as exc:
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    @Slot()
    def export_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        name, _f = QFileDialog.getSaveFileName(self, self.tr("Export evidence"), str(record["filename"]))
        if name:
            try:
                self._export_to(record, Path(name))
            except UserError as exc:
                show_error(self, exc)

    @Slot()
    def replace_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Replace {name} with").format(name=record["filename"]))
        if name:
            self.replace_with(int(record["id"]), Path(name))

    def replace_with(self, evidence_id: int, path: Path) -> None:
        vendor_id = self.vendor_id

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> int:
            return svc.replace_evidence(uow.backend, evidence_id, path, "vendor", vendor_id)

        self.last_operation = run_operation(
            self, self.tr("Storing {name}…").format(name=path.name), self.backend, work,
            on_success=lambda _r: self.reload(),
            changes=ChangeSet(evidence=True, vendors=True, vendor_id=self.vendor_id))

    @Slot()
    def remove_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        svc.remove_evidence(self.backend, int(record["id"]))
        self.reload()
        announce(ChangeSet(evidence=True, vendors=True, vendor_id=self.vendor_id))


# --------------------------------------------------------------------------- the editor


class VendorEditor(QWidget):
    """All about one vendor. ``vendor_id=None`` starts a new vendor (other tabs appear once saved)."""

    saved = Signal(int)
    title_changed = Signal(str)
    open_assessment = Signal(int)  # the Assessments tab asks the window to show this assessment

    def __init__(self, backend: Backend, vendor_id: int | None, extra_tabs: list[tuple[TabFactory, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.vendor_id = vendor_id
        self.detail: VendorDetail | None = None
        self._extra_tabs = list(extra_tabs or [])
        self.resolve_conflict: Callable[[QWidget, VendorForm, VendorForm, str], str] = default_resolve_conflict
        self.confirm_discard: Callable[[QWidget, str], str] = default_confirm_discard
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.profile = ProfileTab(self)
        self.tabs.addTab(self.profile, self.tr("Profile"))
        self.contracts: ChildListTab | None = None
        self.guarantees: GuaranteesTab | None = None
        self.evidence: EvidenceTab | None = None
        self.assessments: AssessmentsTab | None = None
        self.history: HistoryView | None = None
        self.banner = QLabel(self)
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setToolTip(self.tr("Save the profile (Ctrl+S)"))
        self.revert_button = QPushButton(self.tr("&Revert"), self)
        self.save_button.clicked.connect(self._save_clicked)
        self.revert_button.clicked.connect(self.revert)
        bar = QHBoxLayout()
        bar.addWidget(self.banner, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(bar)
        self._pending: ChangeSet | None = None
        self.profile.edited.connect(self._update_buttons)
        signals().changed.connect(self._on_changed)
        if vendor_id is not None:
            self._load(svc.get_vendor(backend, vendor_id))
        else:
            self.profile.load(VendorForm())
        self._update_buttons()

    # --- loading
    def _load(self, detail: VendorDetail) -> None:
        first = self.detail is None
        self.detail = detail
        self.vendor_id = detail.id
        self.profile.load(detail.form)
        if first:
            self._build_tabs(detail.id)
        self.title_changed.emit(self.title())

    def _build_tabs(self, vendor_id: int) -> None:
        for factory, title in self._extra_tabs:
            try:
                self.tabs.addTab(factory(self.backend, vendor_id), title)
            except Exception as exc:  # a plugged-in tab must not break the editor
                show_error(self, exc)
        self.contracts = ChildListTab(self.backend, vendor_id, "contract", self.tr("Contracts"), self)
        self.tabs.addTab(self.contracts, self.tr("Contracts"))
        self.guarantees = GuaranteesTab(self.backend, vendor_id, self)
        self.tabs.addTab(self.guarantees, self.tr("Security && data guarantees"))
        self.evidence = EvidenceTab(self.backend, vendor_id, self)
        self.tabs.addTab(self.evidence, self.tr("Evidence"))
        from desktop.ui.assessments_tab import AssessmentsTab  # the checklist backend loads on first use

        self.assessments = AssessmentsTab(self.backend, vendor_id, self)
        self.assessments.open_assessment.connect(self.open_assessment)
        self.tabs.addTab(self.assessments, self.tr("Assessments"))
        self.history = HistoryView(self.backend, vendor_id, self)
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.currentChanged.connect(self._tab_shown)

    @Slot(int)
    def _tab_shown(self, index: int) -> None:
        if self.history is not None and self.tabs.widget(index) is self.history:
            # row heights depend on the column widths, known only once the table is laid out
            QTimer.singleShot(0, self.history.table.resizeRowsToContents)

    def title(self) -> str:
        name = self.detail.form.name if self.detail else self.tr("New vendor")
        return name + (" *" if self.is_dirty() else "")

    def is_dirty(self) -> bool:
        return self.profile.is_dirty()

    @Slot()
    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty and self.detail is not None)
        self.title_changed.emit(self.title())

    @Slot(object)
    def _on_changed(self, changes: ChangeSet) -> None:
        if self.vendor_id is None or not (changes.touches_vendor(self.vendor_id) or changes.evidence
                                          or changes.assessments):
            return
        if not self.isVisible():
            self._pending = changes  # refreshed when shown again
            return
        self._refresh(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        pending = self._pending
        if pending is not None:
            self._pending = None
            self._refresh(pending)
        super().showEvent(event)

    def _refresh(self, changes: ChangeSet) -> None:
        if self.history is not None:
            self.history.reload()
        if changes.evidence and self.evidence is not None:
            self.evidence.reload()
        if (changes.assessments or changes.touches_vendor(self.vendor_id or 0)) and self.assessments is not None:
            self.assessments.reload()

    # --- saving
    @Slot()
    def revert(self) -> None:
        if self.detail is not None:
            self.profile.load(self.detail.form)
            self.banner.clear()
            self._update_buttons()

    @Slot()
    def _save_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        """Save the profile; True when saved (or nothing to save)."""
        if not self.is_dirty():
            return True
        errors = self.profile.validate()
        if errors:
            self.banner.setText(self.tr("Correct the fields marked in red before saving."))
            return False
        form = self.profile.form()
        try:
            if self.detail is None:
                detail = svc.create_vendor(self.backend, form)
            else:
                detail = svc.update_vendor(self.backend, self.detail.id, form, self.detail.version,
                                           self.detail.party_version)
        except ConflictError as exc:
            return self._conflict(form, str(exc))
        except ValidationError as exc:
            if exc.field and exc.field in self.profile.reasons:
                self.profile.reasons[exc.field].setText(str(exc))
            self.banner.setText(str(exc))
            return False
        except (UserError, DatabaseError) as exc:
            self.banner.setText(str(exc))
            return False
        self.banner.clear()
        self._load(detail)
        self._update_buttons()
        self.saved.emit(detail.id)
        announce(ChangeSet(vendors=True, vendor_id=detail.id))
        return True

    def _conflict(self, mine: VendorForm, message: str) -> bool:
        assert self.detail is not None
        theirs = svc.get_vendor(self.backend, self.detail.id)
        choice = self.resolve_conflict(self, mine, theirs.form, message)
        if choice == CANCEL:
            self.banner.setText(self.tr("Not saved: someone else changed this vendor. Save again to decide."))
            return False
        original = self.profile.loaded()
        self.detail = theirs
        if choice == DISCARD_MINE:
            self.profile.load(theirs.form)
            self.banner.setText(self.tr("Your changes were discarded; this is the saved version."))
        else:
            merged = replace(theirs.form, tags=list(theirs.form.tags))
            for f in fields(mine):
                if getattr(mine, f.name) != getattr(original, f.name):
                    setattr(merged, f.name, getattr(mine, f.name))
            self.profile.load(theirs.form)
            self._fill(merged)
            self.banner.setText(self.tr("The saved version is loaded with your changes re-applied; "
                                        "review them and save."))
        self._update_buttons()
        return False

    def _fill(self, form: VendorForm) -> None:
        p = self.profile
        p.name.setText(form.name)
        p.lei.setText(form.lei)
        p.vat.setText(form.vat)
        p.country.setText(form.country)
        p.website.setText(form.website)
        p.services.setText(form.services)
        p.tier.setCurrentIndex(max(0, p.tier.findData(form.tier)))
        p.status.setCurrentIndex(max(0, p.status.findData(form.status)))
        p.internal_owner.setText(form.internal_owner)
        p.tags.setText(", ".join(form.tags))
        p.next_review_due.setText(form.next_review_due.isoformat() if form.next_review_due else "")
        if p.notes.toPlainText() != form.notes:
            p.notes.setPlainText(form.notes)

    def maybe_close(self) -> bool:
        """Ask about unsaved changes; True when the editor may close."""
        if not self.is_dirty():
            return True
        answer = self.confirm_discard(self, self.title().rstrip(" *"))
        if answer == "save":
            return self.save()
        return answer == "discard"
