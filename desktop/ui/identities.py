"""Settings page "Signing identities": the identities approvers sign with; create one or import a PKCS#12 file,
export a certificate for outsiders. Each identity belongs to the user who registers it (the table says whose).

Private keys go to the OS keyring (desktop.services.identities); where there is none, the page offers to
keep the key in a passphrase-protected key file in the data folder (``KeyFilePassphraseDialog``: the
offer in one sentence, the passphrase twice, its minimum strength). Passphrases are passed straight to
the service and never logged or kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.core.i18n import tr
from desktop.services import identities as svc
from desktop.services.backend import Backend
from desktop.services.settings import get_settings
from desktop.services.whoami import Who
from desktop.ui.operations import Operation, error_text, write

ERROR_STYLE = "color: #b00020;"


class KeyFilePassphraseDialog(QDialog):
    """Offer to keep a private key in a key file: one sentence of why, the passphrase twice, the rule."""

    def __init__(self, parent: QWidget | None = None, *, importing: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keep the key in a protected file"))
        offer = QLabel(tr(svc.KEY_FILE_OFFER), self)
        offer.setWordWrap(True)
        rule = QLabel(tr(svc.PASSPHRASE_RULE), self)
        rule.setWordWrap(True)
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(self.tr("Key file passphrase"))
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(self.tr("Key file passphrase, again"))
        form = QFormLayout()
        form.addRow(self.tr("Passphrase"), self.first)
        form.addRow(self.tr("Again"), self.second)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Keep the key in the file"))
        if importing:
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Register the certificate only"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(offer)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self._check()

    @Slot()
    def _check(self) -> None:
        first, second = self.first.text(), self.second.text()
        problem = svc.passphrase_problem(first) if first else ""
        if problem == tr(svc.PASSPHRASE_RULE):  # the rule is shown above: say which way it is broken
            problem = self.tr("This passphrase is too short or too simple.")
        if not problem and second and second != first:
            problem = self.tr("The two passphrases differ.")
        self.problem.setText(problem or "")
        self.ok_button.setEnabled(bool(first) and first == second and not problem)

    def passphrase(self) -> str:
        return self.first.text()

    def done(self, result: int) -> None:  # the passphrase leaves the widgets with the dialog
        if result != QDialog.DialogCode.Accepted:
            self.first.clear()
        self.second.clear()
        super().done(result)


class IdentitiesPage(QWidget):
    changed = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None, *, who: Who | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.who = who
        self.keyring_ok = svc.keyring_available()
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Owned by"), self.tr("Email"),
                                              self.tr("Organisation"), self.tr("Valid until"), self.tr("Key"),
                                              self.tr("SHA-256 fingerprint")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Signing identities"))
        self.keyring_note = QLabel(self)
        self.keyring_note.setWordWrap(True)
        if not self.keyring_ok:
            self.keyring_note.setText(tr(svc.KEY_FILE_OFFER))
        else:
            self.keyring_note.setText(self.tr("Private keys are kept in this computer's keyring; the database only "
                                              "holds the certificates."))

        box = QGroupBox(self.tr("New identity"), self)
        form = QFormLayout(box)
        self.name = QLineEdit(box)
        self.name.setAccessibleName(self.tr("Identity name"))
        self.name.setPlaceholderText(self.tr("The person who signs, e.g. Ana García"))
        self.email = QLineEdit(box)
        self.email.setAccessibleName(self.tr("Identity email"))
        self.organisation = QLineEdit(get_settings(backend).name, box)
        self.organisation.setAccessibleName(self.tr("Identity organisation"))
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Email"), self.email)
        form.addRow(self.tr("Organisation"), self.organisation)
        self.create_button = QPushButton(self.tr("Create identity"), box)
        self.key_dialog: KeyFilePassphraseDialog | None = None
        self.create_button.clicked.connect(self._create_clicked)
        self.import_button = QPushButton(self.tr("Import PKCS#12…"), box)
        self.import_button.clicked.connect(self._import_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.export_button = QPushButton(self.tr("Export certificate…"), self)
        self.export_button.setToolTip(self.tr("Write the selected identity's certificate (never its key) for "
                                              "auditors outside the company"))
        self.export_button.setProperty("vetta_read_only_safe", True)
        self.export_button.clicked.connect(self._export_clicked)
        if who is not None and not who.can("approver"):  # team mode: only approvers register identities
            for button in (self.create_button, self.import_button):
                button.setEnabled(False)
                button.setToolTip(self.tr("Only approvers sign, so only they register signing identities."))
        self.reason = QLabel(self)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.reason.setWordWrap(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(box)
        layout.addWidget(self.reason)
        layout.addWidget(self.result)
        self.reload()

    @Slot()
    def reload(self) -> None:
        rows = svc.list_identities(self.backend)
        self.table.setRowCount(len(rows))
        for r, info in enumerate(rows):
            if info.key_store == "file":
                key = (self.tr("in a passphrase-protected file on this computer") if info.key_file_present
                       else self.tr("in a key file on another computer"))
            else:
                key = (self.tr("in this computer's keyring") if info.key_in_keyring or info.source == "generated"
                       else self.tr("PKCS#12 file needed to sign"))
            fingerprint = ":".join(info.fingerprint_sha256[i:i + 2] for i in range(0, 64, 2)).upper()
            for c, text in enumerate((info.name, info.owner, info.email, info.organisation, info.not_after[:10], key,
                                      fingerprint)):
                item = QTableWidgetItem(text)
                if c == 5 and info.key_file:
                    item.setToolTip(info.key_file)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def identity_names(self) -> list[str]:
        return [item.text() for r in range(self.table.rowCount()) if (item := self.table.item(r, 0)) is not None]

    @Slot()
    def _create_clicked(self) -> None:
        if svc.keyring_available():
            self.create_identity()
        else:
            self.offer_key_file()

    def offer_key_file(self) -> KeyFilePassphraseDialog:
        """No (working) keyring: offer the key file; creating follows the dialog's OK."""
        self.keyring_note.setText(tr(svc.KEY_FILE_OFFER))
        self.key_dialog = KeyFilePassphraseDialog(self)
        self.key_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.key_dialog.accepted.connect(self._key_file_chosen)
        self.key_dialog.open()
        return self.key_dialog

    @Slot()
    def _key_file_chosen(self) -> None:
        dialog = self.key_dialog
        if dialog is not None:
            self.create_identity(key_passphrase=dialog.passphrase())
            dialog.first.clear()

    def create_identity(self, key_passphrase: str | None = None) -> Operation:
        """Create a signing identity (a new key pair: an operation with a progress dialog)."""
        name, email, organisation = self.name.text(), self.email.text().strip(), self.organisation.text().strip()

        def created(info: Any) -> None:
            self.reason.clear()
            self.result.setText(self.tr("Identity {name} created; certificate fingerprint {fp}.").format(
                name=info.name, fp=info.fingerprint_sha256[:23]) + (" " + self.tr(
                    "Its key is in the file {path}, protected by your passphrase; signing asks for it.").format(
                    path=info.key_file) if info.key_store == "file" else ""))
            self.name.clear()
            self.email.clear()
            self.reload()
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.reason.clear()
            if isinstance(exc, svc.KeyringUnavailable):  # a keyring that is there but refuses: no dead end either
                self.offer_key_file()
            else:
                self.reason.setText(error_text(exc))

        self.last_operation = write(
            self, self.backend, lambda b: svc.new_identity(b, name, email=email, organisation=organisation,
                                                           key_passphrase=key_passphrase),
            on_success=created, on_failure=failed, label=self.tr("Creating the signing identity…"))
        return self.last_operation

    @Slot()
    def _export_clicked(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            self.reason.setText(self.tr("Select the identity whose certificate you want to export."))
            return
        path, _f = QFileDialog.getSaveFileName(self, self.tr("Export certificate"), f"{item.text()}.pem",
                                               self.tr("PEM certificates (*.pem)"))
        if path:
            self.export_certificate(item.text(), Path(path))

    def export_certificate(self, name: str, path: Path) -> bool:
        try:
            info = svc.export_certificate(self.backend, name, path)
        except (UserError, DatabaseError) as exc:
            self.reason.setText(str(exc))
            return False
        self.reason.clear()
        self.result.setText(self.tr("Certificate of {name} written to {path} (not its key). An auditor checks a "
                                    "report with it: vetta verify REPORT.pdf --trust {file}").format(
            name=info.name, path=str(path), file=path.name))
        return True

    @Slot()
    def _import_clicked(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Import a PKCS#12 file"), "",
                                               self.tr("PKCS#12 files (*.p12 *.pfx);;All files (*)"))
        if not path:
            return
        name, ok = QInputDialog.getText(self, self.tr("Identity name"), self.tr("Name of this signing identity:"),
                                        QLineEdit.EchoMode.Normal, self.name.text() or Path(path).stem)
        if not ok:
            return
        passphrase, ok = QInputDialog.getText(self, self.tr("Passphrase"),
                                              self.tr("Passphrase of {file}:").format(file=Path(path).name),
                                              QLineEdit.EchoMode.Password)
        if not ok:
            return
        if svc.keyring_available():
            self.import_file(Path(path), name, passphrase)
            return
        # no keyring: offer a key file; refusing it registers the certificate only (sign with the own file)
        self.key_dialog = KeyFilePassphraseDialog(self, importing=True)
        self.key_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.key_dialog.finished.connect(
            lambda result: self._import_with(Path(path), name, passphrase, result))
        self.key_dialog.open()

    def _import_with(self, path: Path, name: str, passphrase: str, result: int) -> None:
        dialog = self.key_dialog
        key_passphrase = dialog.passphrase() if dialog is not None and result == QDialog.DialogCode.Accepted else None
        self.import_file(path, name, passphrase, key_passphrase=key_passphrase or None)
        if dialog is not None:
            dialog.first.clear()

    def import_file(self, path: Path, name: str, passphrase: str | None,
                    key_passphrase: str | None = None) -> Operation:
        def imported(info: Any) -> None:
            self.reason.clear()
            if info.key_store == "file":
                where = self.tr("Its key is in the file {path}, protected by your passphrase; signing asks for it."
                                ).format(path=info.key_file)
            elif info.key_in_keyring:
                where = ""
            else:
                where = self.tr("Sign with the PKCS#12 file and its passphrase.")
            self.result.setText(" ".join(t for t in (self.tr("Identity {name} imported.").format(name=info.name),
                                                     where) if t))
            self.reload()
            self.changed.emit()

        self.last_operation = write(
            self, self.backend, lambda b: svc.import_p12(b, path, name, passphrase or None,
                                                         key_passphrase=key_passphrase),
            on_success=imported, on_failure=lambda exc: self.reason.setText(error_text(exc)))
        return self.last_operation
