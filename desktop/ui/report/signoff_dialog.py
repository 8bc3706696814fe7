"""The sign-off dialog: what is about to be signed (decision, conditions with owner and due date, the
approver's rationale, preview), the identity, the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import i18n
from desktop.core.errors import UserError
from desktop.services.assessments import get_assessment
from desktop.services.backend import Backend, current_actor
from desktop.services.identities import keyring_available, list_identities
from desktop.services.reports import build_report_model, render_draft
from desktop.services.signoff import NEEDS_RATIONALE, approve, signed_report
from desktop.ui.fit import fit_size
from desktop.ui.operations import error_text, run_operation, run_query
from desktop.ui.report.preview import ReportPreview


class ConditionsEditor(QWidget):
    """Conditions of an approval: what, who sees to it, by when (one row each)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Condition"), self.tr("Owner"), self.tr("Due date")])
        self.table.setAccessibleName(self.tr("Conditions"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(2, 110)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton(self.tr("Add condition"), self)
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self._remove_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add(self, text: str = "", owner: str = "", question: str = "") -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, question)
        item.setToolTip(text)
        self.table.setItem(row, 0, item)
        self.table.setItem(row, 1, QTableWidgetItem(owner))
        due = QDateEdit(QDate.currentDate().addDays(90), self.table)
        due.setCalendarPopup(True)
        due.setDisplayFormat("yyyy-MM-dd")
        due.setMinimumDate(QDate.currentDate())
        due.setAccessibleName(self.tr("Due date"))
        due.dateChanged.connect(self._date_changed)
        self.table.setCellWidget(row, 2, due)
        self.changed.emit()
        return row

    def set_owner(self, row: int, owner: str) -> None:
        item = self.table.item(row, 1)
        if item is not None:
            item.setText(owner)

    def set_due(self, row: int, due: QDate) -> None:
        widget = self.table.cellWidget(row, 2)
        if isinstance(widget, QDateEdit):
            widget.setDate(due)

    def rows(self) -> list[dict[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            text, owner = self.table.item(row, 0), self.table.item(row, 1)
            due = self.table.cellWidget(row, 2)
            out.append({"text": text.text().strip() if text else "", "owner": owner.text().strip() if owner else "",
                        "due": due.date().toString("yyyy-MM-dd") if isinstance(due, QDateEdit) else "",
                        "question": str(text.data(Qt.ItemDataRole.UserRole) or "") if text else ""})
        return [r for r in out if r["text"] or r["owner"]]

    def complete(self) -> bool:
        rows = self.rows()
        return bool(rows) and all(r["text"] and r["owner"] and r["due"] for r in rows)

    @Slot()
    def _add_clicked(self) -> None:
        self.table.setCurrentCell(self.add(), 0)

    @Slot()
    def _remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    @Slot(QTableWidgetItem)
    def _item_changed(self, _item: QTableWidgetItem) -> None:
        self.changed.emit()

    @Slot(QDate)
    def _date_changed(self, _date: QDate) -> None:
        self.changed.emit()


class SignOffDialog(QDialog):
    def __init__(self, backend: Backend, assessment_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign off assessment %1").replace("%1", str(assessment_id)))
        fit_size(self, 1100, 760)
        self._backend = backend
        self.assessment_id = assessment_id
        self.result_data: dict[str, Any] | None = None

        self.decision = QComboBox(self)
        for code, label in (("approved", self.tr("Approve")),
                            ("approved_with_conditions", self.tr("Approve with conditions")),
                            ("rejected", self.tr("Reject"))):
            self.decision.addItem(label, code)
        self.decision.currentIndexChanged.connect(self._update_state)
        self.conditions = ConditionsEditor(self)
        self.conditions.changed.connect(self._update_state)
        self.rationale = QPlainTextEdit(self)
        self.rationale.setAccessibleName(self.tr("Rationale"))
        self.rationale.setPlaceholderText(self.tr("Why you decide so; it is signed into the report"))
        self.rationale.setMaximumHeight(90)
        self.rationale.textChanged.connect(self._update_state)
        self.rationale_hint = QLabel(self)
        self.rationale_hint.setWordWrap(True)
        # who signs is who is signed in (desktop.services.whoami), with one of their own identities
        self.approver = QLineEdit(current_actor(backend), self)
        self.approver.setReadOnly(True)
        self.approver.setAccessibleName(self.tr("Approver"))
        self.identity = QComboBox(self)
        self.identity.setAccessibleName(self.tr("Signing identity"))
        self.identities = {info.name: info for info in list_identities(backend, owner=self.approver.text())}
        for info in self.identities.values():
            self.identity.addItem(f"{info.name} ({info.fingerprint_sha256[:12]}…)", info.name)
        self.lang = QComboBox(self)
        self.lang.addItem("English", "en")  # i18n: ignore - language names are shown in their own language
        self.lang.addItem("Español", "es")  # i18n: ignore
        self.lang.setCurrentIndex(max(0, self.lang.findData(i18n.current_language())))
        self.p12_path = QLineEdit(self)
        self.p12_path.setPlaceholderText(self.tr("Only when the key is not in this computer's keyring"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        p12_row = QHBoxLayout()
        p12_row.addWidget(self.p12_path)
        p12_row.addWidget(browse)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("PKCS#12 passphrase"))

        self.keyring_note = QLabel(self)
        self.keyring_note.setWordWrap(True)
        self._keyring = keyring_available()
        self.identity.currentIndexChanged.connect(self._identity_changed)
        self.passphrase.textChanged.connect(self._update_state)
        self.p12_path.textChanged.connect(self._update_state)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("Decision"), self.decision)
        form.addRow(self.tr("Conditions"), self.conditions)
        form.addRow(self.tr("Rationale"), self.rationale)
        form.addRow("", self.rationale_hint)
        form.addRow(self.tr("Approver"), self.approver)
        form.addRow(self.tr("Sign as"), self.identity)
        form.addRow(self.tr("Report language"), self.lang)
        form.addRow(self.tr("PKCS#12 file"), p12_row)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        self.sign_button = QPushButton(self.tr("Sign and record decision"), self)
        self.sign_button.clicked.connect(self.sign)
        self.refresh_button = QPushButton(self.tr("Refresh preview"), self)
        self.refresh_button.clicked.connect(self.refresh_preview)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        intro = QLabel(self.tr("You are about to record the decision on this assessment and sign its report. "
                               "The preview on the right is exactly the content that will be signed."), left)
        intro.setWordWrap(True)
        left_layout.addWidget(intro)
        self.rating = ""
        self._suggested = False
        self.summary = QLabel(self._summary_text(), left)
        self.summary.setWordWrap(True)
        left_layout.addWidget(self.summary)
        left_layout.addLayout(form)
        left_layout.addWidget(self.keyring_note)
        left_layout.addWidget(self.message)
        left_layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(close)
        left_layout.addLayout(buttons)
        self.preview = ReportPreview(None, self)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setSizes([560, 540])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.progress: QProgressDialog | None = None
        self._shown_once = False
        self._identity_changed()

    # ---------------------------------------------------------------- helpers

    def _summary_text(self) -> str:
        try:
            model = build_report_model(self._backend, self.assessment_id, "en", use_analysis=False)
        except UserError as exc:
            return str(exc)
        self.rating = model.rating
        return (self.tr("<b>%1</b> — assessment %2 v%3, status %4, rating %5, prepared by %6")
                .replace("%1", model.vendor.name).replace("%2", str(model.assessment_id))
                .replace("%3", str(model.assessment_version)).replace("%4", self.tr(model.status.replace("_", " ")))
                .replace("%5", self.tr((model.rating or "—").replace("_", " "))).replace("%6", model.signoff.preparer or "—"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.refresh_preview)

    def conditions_list(self) -> list[dict[str, str]]:
        return self.conditions.rows()

    def needs_rationale(self) -> bool:
        return self.rating in NEEDS_RATIONALE and self.decision.currentData() != "rejected"

    def _suggest_conditions(self) -> None:
        """Start the table with the conditions the checklist suggests (once; the approver edits them)."""
        if self._suggested:
            return
        self._suggested = True
        lang = str(self.lang.currentData())
        try:
            suggested = get_assessment(self._backend, self.assessment_id).result.conditions
        except UserError:
            return
        for c in suggested:
            self.conditions.add(c.get(lang) or c.get("en", ""), question=c.get("question", ""))

    def key_in_file(self) -> bool:
        """The chosen identity's key is in a passphrase-protected key file (signing asks its passphrase)."""
        info = self.identities.get(str(self.identity.currentData()))
        return info is not None and info.key_store == "file"

    @Slot()
    def _identity_changed(self) -> None:
        info = self.identities.get(str(self.identity.currentData()))
        if info is not None and info.key_store == "file":
            self.passphrase.setPlaceholderText(self.tr("The passphrase of your key file"))
            self.keyring_note.setText(
                self.tr("The key of {name} is in a passphrase-protected file on this computer: type its passphrase "
                        "to sign.").format(name=info.name) if info.key_file_present else
                self.tr("The key file of {name} is not on this computer: sign on the computer where it was created, "
                        "or choose its PKCS#12 file.").format(name=info.name))
        else:
            self.passphrase.setPlaceholderText(self.tr("Only with a PKCS#12 file"))
            self.keyring_note.setText("" if self._keyring else self.tr(
                "No usable OS keyring is available on this computer: sign with your PKCS#12 file and its passphrase."))
        self._update_state()

    def busy(self) -> bool:
        return self.progress is not None

    def _begin(self, label: str) -> None:
        self.progress = QProgressDialog(label, "", 0, 0, self)
        self.progress.setCancelButton(None)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.sign_button.setEnabled(False)
        self.refresh_button.setEnabled(False)

    def _end(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self.refresh_button.setEnabled(True)
        self._update_state()

    @Slot()
    def _update_state(self) -> None:
        needs_conditions = self.decision.currentData() == "approved_with_conditions"
        if needs_conditions:
            self._suggest_conditions()
        self.conditions.setEnabled(needs_conditions)
        needs_rationale = self.needs_rationale()
        has_rationale = bool(self.rationale.toPlainText().strip())
        if needs_rationale and not has_rationale:
            self.rationale_hint.setText(self.tr("A rationale is required: the vendor is rated %1.").replace(
                "%1", self.tr(self.rating.replace("_", " "))))
        else:
            self.rationale_hint.setText("")
        needs_passphrase = self.key_in_file() and not self.passphrase.text()
        ok = (self.identity.count() > 0 and (not needs_conditions or self.conditions.complete())
              and (not needs_rationale or has_rationale) and not needs_passphrase)
        self.sign_button.setEnabled(ok and self.result_data is None and not self.busy())
        if self.identity.count() == 0:
            self.message.setText(self.tr("You have no signing identity yet: create yours in Settings, Signing "
                                         "identities (or with vetta identity new)."))

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("PKCS#12 file"), "", self.tr("PKCS#12 (*.p12 *.pfx)"))
        if path:
            self.p12_path.setText(path)

    # ---------------------------------------------------------------- actions

    @Slot()
    def refresh_preview(self) -> None:
        """Render the draft off the GUI thread and show it."""
        if self.busy():
            return
        aid, lang, backend = self.assessment_id, str(self.lang.currentData()), self._backend
        self._begin(self.tr("Preparing the report…"))
        # the one operation runner (desktop/ui/operations.py); this dialog shows its own progress
        run_query(self, "", backend, lambda _e, _p, _c: render_draft(backend, aid, lang).pdf,
                      on_success=self._preview_ready, on_failure=lambda exc: self._failed(error_text(exc)),
                      show_progress=False)

    @Slot(object)
    def _preview_ready(self, pdf: object) -> None:
        self._end()
        assert isinstance(pdf, bytes)
        self.preview.set_pdf(pdf)

    @Slot()
    def sign(self) -> None:
        aid, backend = self.assessment_id, self._backend
        p12 = Path(self.p12_path.text()) if self.p12_path.text().strip() else None
        decision = str(self.decision.currentData())
        conditions = self.conditions_list() if decision == "approved_with_conditions" else []
        kwargs: dict[str, Any] = dict(identity=str(self.identity.currentData()), approver=self.approver.text(),
                                      decision=decision, conditions=conditions,
                                      rationale=self.rationale.toPlainText(), lang=str(self.lang.currentData()),
                                      p12=p12,
                                      p12_passphrase=self.passphrase.text() or None)
        self.passphrase.clear()  # never kept in the widget longer than needed
        self.message.setText("")
        self._begin(self.tr("Signing the report…"))
        run_operation(self, "", backend, lambda uow, _p, _c: approve(uow.backend, aid, **kwargs), on_success=self._signed,
                      on_failure=lambda exc: self._failed(error_text(exc)), show_progress=False)

    @Slot(object)
    def _signed(self, result: object) -> None:
        assert isinstance(result, dict)
        self.result_data = result
        self._end()
        self.message.setStyleSheet("color: #1E7B34;")
        self.message.setText(self.tr("Signed. Decision: %1. Report SHA-256: %2")
                             .replace("%1", self.tr(str(result["decision"]).replace("_", " ")))
                             .replace("%2", str(result["report_sha256"])))
        pdf = signed_report(self._backend, self.assessment_id)
        if pdf is not None:
            self.preview.set_pdf(pdf)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._end()
        self.message.setStyleSheet("color: #B3261E;")
        self.message.setText(message)
