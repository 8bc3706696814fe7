"""People and companies: the list (search, New…, Edit…) and the party form.

Everything the form edits is a ``PartyForm`` of desktop.services.parties; saving runs off the GUI thread
(desktop/ui/operations.py) and is announced to every view. When the register may already have the party
(same or similar name), the user is asked whether this is another one before a second party is made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.services.backend import Backend
from desktop.services.parties import (
    SCHEMES,
    IdentifierValue,
    PartyDetail,
    PartyForm,
    PartyRow,
    PossibleDuplicate,
    create_party,
    get_party,
    list_parties,
    update_party,
    validate_party_form,
)
from desktop.ui.operations import (
    ChangeSet,
    Operation,
    UnitOfWork,
    run_operation,
    run_query,
    show_error,
    signals,
)

ERROR_STYLE = "color: #b00020;"


class PartyDialog(QDialog):
    """New or edit one party. ``saved(PartyDetail)`` once it is in the database."""

    saved = Signal(object)

    def __init__(self, backend: Backend, party_id: int | None = None, parent: QWidget | None = None, *,
                 kind: str = "person", name: str = "") -> None:
        super().__init__(parent)
        self._backend = backend
        self.party_id = party_id
        self.version: int | None = None
        self.detail: PartyDetail | None = None
        self.last_operation: Operation | None = None
        self.setWindowTitle(self.tr("New person or company") if party_id is None else self.tr("Edit party"))

        self.name = QLineEdit(name, self)
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Person"), "person")
        self.kind.addItem(self.tr("Company or other entity"), "entity")
        self.jurisdiction = QLineEdit(self)
        self.jurisdiction.setPlaceholderText(self.tr("e.g. ES, or US-DE for Delaware"))
        self.country = QLineEdit(self)
        self.country.setPlaceholderText(self.tr("two letters, e.g. ES"))
        self.nationality = QLineEdit(self)
        self.nationality.setPlaceholderText(self.tr("two letters, e.g. ES"))
        self.birth_date = QLineEdit(self)
        self.birth_date.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.website = QLineEdit(self)
        self.identifiers = QTableWidget(0, 3, self)
        self.identifiers.setHorizontalHeaderLabels([self.tr("Kind"), self.tr("Number"), self.tr("Issued by")])
        self.identifiers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.identifiers.verticalHeader().setVisible(False)
        self.identifiers.setMinimumHeight(90)
        self.identifiers.setMaximumHeight(140)
        add_id = QPushButton(self.tr("Add identifier"), self)
        add_id.clicked.connect(self._add_identifier_clicked)
        remove_id = QPushButton(self.tr("Remove identifier"), self)
        remove_id.clicked.connect(self._remove_identifier_clicked)
        id_buttons = QHBoxLayout()
        id_buttons.addWidget(add_id)
        id_buttons.addWidget(remove_id)
        id_buttons.addStretch(1)
        id_box = QVBoxLayout()
        id_box.addWidget(self.identifiers)
        id_box.addLayout(id_buttons)
        self.aliases = QPlainTextEdit(self)
        self.aliases.setPlaceholderText(self.tr("One per line: former, trading or transliterated names"))
        self.aliases.setMaximumHeight(80)
        self.notes = QPlainTextEdit(self)
        self.notes.setMaximumHeight(70)
        self.roles = QLabel(self)
        self.roles.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels: dict[str, QLabel] = {}
        rows: list[tuple[str, str, Any]] = [
            ("name", self.tr("Name"), self.name), ("kind", self.tr("Kind"), self.kind),
            ("nationality", self.tr("Nationality"), self.nationality),
            ("birth_date", self.tr("Date of birth"), self.birth_date),
            ("jurisdiction", self.tr("Jurisdiction"), self.jurisdiction), ("country", self.tr("Country"), self.country),
            ("website", self.tr("Website"), self.website), ("identifiers", self.tr("Identifiers"), id_box),
            ("aliases", self.tr("Other names"), self.aliases), ("notes", self.tr("Notes"), self.notes)]
        for key, text, widget in rows:
            label = QLabel(text, self)
            self.labels[key] = label
            if isinstance(widget, QWidget):
                widget.setAccessibleName(text)
            form.addRow(label, widget)
        form.addRow(self.roles)
        body = QWidget(self)
        body.setLayout(form)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(620, 600)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        if party_id is not None:
            self.load(get_party(backend, party_id))
        self._kind_changed()

    # ------------------------------------------------------------------ form <-> widgets

    def load(self, detail: PartyDetail) -> None:
        self.detail = detail
        self.party_id, self.version = detail.id, detail.version
        f = detail.form
        self.name.setText(f.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(f.kind)))
        self.jurisdiction.setText(f.jurisdiction)
        self.country.setText(f.country)
        self.nationality.setText(f.nationality)
        self.birth_date.setText(f.birth_date.isoformat() if f.birth_date else "")
        self.website.setText(f.website)
        self.identifiers.setRowCount(0)
        for ident in f.identifiers:
            self.add_identifier(ident.scheme, ident.value, ident.issuer)
        self.aliases.setPlainText("\n".join(f.aliases))
        self.notes.setPlainText(f.notes)
        roles = [self.tr("{role} at {entity}").format(role=r.title or self.tr(r.type.replace("_", " ")),
                                                       entity=r.entity) for r in detail.roles]
        self.roles.setText(self.tr("Roles: {roles}").format(roles="; ".join(roles)) if roles else "")
        if detail.vendor_id is not None:
            self.kind.setEnabled(False)
            self.kind.setToolTip(self.tr("A vendor stays a company or other entity."))

    def add_identifier(self, scheme: str = "LEI", value: str = "", issuer: str = "") -> int:
        row = self.identifiers.rowCount()
        self.identifiers.insertRow(row)
        combo = QComboBox(self.identifiers)
        for s in SCHEMES:
            combo.addItem(s, s)
        combo.setCurrentIndex(max(0, combo.findData(scheme)))
        combo.setAccessibleName(self.tr("Kind of identifier"))
        self.identifiers.setCellWidget(row, 0, combo)
        self.identifiers.setItem(row, 1, QTableWidgetItem(value))
        self.identifiers.setItem(row, 2, QTableWidgetItem(issuer))
        return row

    @Slot()
    def _add_identifier_clicked(self) -> None:
        row = self.add_identifier()
        self.identifiers.setCurrentCell(row, 1)

    @Slot()
    def _remove_identifier_clicked(self) -> None:
        row = self.identifiers.currentRow()
        if row >= 0:
            self.identifiers.removeRow(row)

    @Slot()
    def _kind_changed(self) -> None:
        person = self.kind.currentData() == "person"
        for key, widget in (("nationality", self.nationality), ("birth_date", self.birth_date)):
            self.labels[key].setVisible(person)
            widget.setVisible(person)
        self.labels["jurisdiction"].setVisible(not person)
        self.jurisdiction.setVisible(not person)

    def form(self) -> tuple[PartyForm | None, str]:
        """The form as typed, or the first problem in one sentence (shown under the form)."""
        born: date | None = None
        text = self.birth_date.text().strip()
        person = self.kind.currentData() == "person"
        if text and person:
            try:
                born = date.fromisoformat(text)
            except ValueError:
                return None, self.tr("Date of birth: use the form YYYY-MM-DD.")
        idents = []
        for row in range(self.identifiers.rowCount()):
            combo = self.identifiers.cellWidget(row, 0)
            value, issuer = self.identifiers.item(row, 1), self.identifiers.item(row, 2)
            scheme = str(combo.currentData()) if isinstance(combo, QComboBox) else "OTHER"
            value_text = value.text().strip() if value else ""
            if value_text:
                idents.append(IdentifierValue(scheme, value_text, issuer.text().strip() if issuer else ""))
        form = PartyForm(name=self.name.text(), kind=str(self.kind.currentData()),
                         jurisdiction="" if person else self.jurisdiction.text(), country=self.country.text(),
                         nationality=self.nationality.text() if person else "", birth_date=born,
                         website=self.website.text(), notes=self.notes.toPlainText(), identifiers=idents,
                         aliases=[a for a in self.aliases.toPlainText().splitlines() if a.strip()])
        problems = validate_party_form(form)
        if problems:
            key, reason = next(iter(problems.items()))
            label = self.labels.get(key)
            return None, f"{label.text()}: {reason}" if label is not None and key != "identifiers" else reason
        return form, ""

    # ------------------------------------------------------------------ saving

    @Slot()
    def save(self, distinct: bool = False) -> Operation | None:
        form, problem = self.form()
        if form is None:
            self.error.setText(problem)
            return None
        self.error.clear()
        self.save_button.setEnabled(False)
        party_id, version = self.party_id, self.version

        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> PartyDetail:
            if party_id is None:
                return create_party(uow.backend, form, distinct=distinct)
            return update_party(uow.backend, party_id, form, version)

        self.last_operation = run_operation(self, self.tr("Saving…"), self._backend, work, on_success=self._saved,
                                            on_failure=self._failed, show_progress=False)
        return self.last_operation

    def _saved(self, detail: PartyDetail) -> None:
        self.save_button.setEnabled(True)
        self.detail = detail
        self.party_id, self.version = detail.id, detail.version
        self.saved.emit(detail)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, PossibleDuplicate):
            self.ask_distinct(str(exc))
            return
        if isinstance(exc, UserError | DatabaseError):  # one sentence, shown under the form
            self.error.setText(str(exc))
        else:
            show_error(self, exc)

    def ask_distinct(self, message: str) -> QMessageBox:
        """The register may have this party already: say so, and let the user record it as another one."""
        self.error.setText(message)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Already in the register?"), message,
                          QMessageBox.StandardButton.NoButton, self)
        self.distinct_button = box.addButton(self.tr("Record as a distinct party"),
                                             QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.save(distinct=True))
        self.distinct_box = box
        box.open()
        return box


class PartiesDialog(QDialog):
    """People and companies: search the register's parties, create and edit them."""

    def __init__(self, backend: Backend, parent: QWidget | None = None, *, can_edit: bool = True) -> None:
        super().__init__(parent)
        self._backend = backend
        self.can_edit = can_edit  # a reader (team mode) looks, and the database refuses writes anyway
        self.rows: list[PartyRow] = []
        self.editor: PartyDialog | None = None
        self.load_operation: Operation | None = None
        self.setWindowTitle(self.tr("People and companies"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search names, other names and identifiers"))
        self.search.setAccessibleName(self.tr("Search people and companies"))
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Everyone"), None)
        self.kind.addItem(self.tr("People"), "person")
        self.kind.addItem(self.tr("Companies and other entities"), "entity")
        self.kind.setAccessibleName(self.tr("Show"))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("Where"),
                                              self.tr("Identifiers"), self.tr("Other names")])
        self.table.setAccessibleName(self.tr("People and companies"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # short texts; the list holds at most a few thousand rows
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._edit_clicked)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.new_button = QPushButton(self.tr("New…"), self)
        self.new_button.clicked.connect(self._new_clicked)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self._edit_clicked)
        if not can_edit:
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(self.tr("Your role does not allow changes to the register."))
            self.edit_button.setText(self.tr("Open…"))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.resize(900, 560)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.reload)
        self.search.textChanged.connect(self._typing.start)
        self.kind.currentIndexChanged.connect(self.reload)
        signals().changed.connect(self._changed)
        self.reload()

    @Slot(object)
    def _changed(self, changes: ChangeSet) -> None:
        if changes.vendors:
            self.reload()

    @Slot()
    def reload(self) -> Operation:
        """Load the parties matching the search off the GUI thread."""
        text, kind = self.search.text(), self.kind.currentData()

        def work(backend: Backend, _progress: Any, _cancelled: Any) -> list[PartyRow]:
            return list_parties(backend, text, kind)

        self.load_operation = run_query(self, "", self._backend, work, on_success=self._show_rows,
                                            show_progress=False)
        return self.load_operation

    def _show_rows(self, rows: list[PartyRow]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        kinds = {"person": self.tr("Person"), "entity": self.tr("Entity")}
        for r, row in enumerate(rows):
            kind = self.tr("Vendor") if row.vendor_id else kinds.get(row.kind, row.kind)
            for c, text in enumerate((row.name, kind, row.jurisdiction or row.country, row.identifiers, row.aliases)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c in (0, 3, 4):
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.empty.setText("" if rows else (
            self.tr("Nobody matches this search.") if self.search.text().strip() else
            self.tr("No people or companies yet: New… records one.")))
        self.empty.setVisible(not rows)

    def names(self) -> list[str]:
        return [row.name for row in self.rows]

    def select(self, party_id: int) -> bool:
        for r, row in enumerate(self.rows):
            if row.id == party_id:
                self.table.selectRow(r)
                return True
        return False

    def open_editor(self, party_id: int | None) -> PartyDialog:
        self.editor = PartyDialog(self._backend, party_id, self)
        if not self.can_edit:
            self.editor.save_button.setEnabled(False)
        self.editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor.open()
        return self.editor

    @Slot()
    def _new_clicked(self) -> None:
        self.open_editor(None)

    @Slot()
    def _edit_clicked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.open_editor(self.rows[row].id)
