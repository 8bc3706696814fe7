"""Settings page "You and signatures": who you are, the time-stamping server, the trust roots.

- Your name (SQLite): the profile name every change is recorded under; on PostgreSQL the database
  login and its Vetta roles are shown instead (set by the server, not editable here).
- Time-stamping server: an RFC 3161 address; signatures are then timestamped (PAdES-B-T/B-LT), and
  without one the report says the time is the signer's clock.
- Trust roots: certificates (a company CA, a partner's signer) `vetta verify` and the app trust.
Each part saves on its own button, through desktop.services (one unit of work each).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import UserError
from desktop.services import settings as svc
from desktop.services import whoami
from desktop.services.backend import Backend
from desktop.services.whoami import Who
from desktop.ui.operations import Operation, error_text, write

ERROR_STYLE = "color: #b00020;"


class SignaturesPage(QWidget):
    changed = Signal()

    def __init__(self, backend: Backend, who: Who, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.who = who
        admin = who.can(whoami.ADMIN)

        you = QGroupBox(self.tr("You"), self)
        yform = QFormLayout(you)
        self.profile_name = QLineEdit(you)
        self.profile_name.setAccessibleName(self.tr("Your name"))
        self.save_name_button = QPushButton(self.tr("Save your name"), you)
        self.save_name_button.clicked.connect(self._save_name_clicked)
        if who.backend == "postgresql":
            self.profile_name.setText(who.name)
            self.profile_name.setReadOnly(True)
            self.save_name_button.setVisible(False)
            note = (self.tr("You are signed in to the database as {login} ({roles}); the server decides who you "
                            "are.").format(login=who.name, roles=who.role_label() or self.tr("no team roles"))
                    if who.team else
                    self.tr("You are signed in to the database as {login}; the server decides who you are.")
                    .format(login=who.name))
        else:
            self.profile_name.setText(whoami.profile_name() or who.name)
            note = self.tr("Every change you make is recorded under this name, and reports name you with it.")
        row = QHBoxLayout()
        row.addWidget(self.profile_name, 1)
        row.addWidget(self.save_name_button)
        yform.addRow(self.tr("Your name"), row)
        self.you_note = QLabel(note, you)
        self.you_note.setWordWrap(True)
        yform.addRow(self.you_note)

        tsa = QGroupBox(self.tr("Time-stamping server"), self)
        tform = QFormLayout(tsa)
        self.timestamp_url = QLineEdit(svc.get_settings(backend).timestamp_url, tsa)
        self.timestamp_url.setAccessibleName(self.tr("Time-stamping server address"))
        self.timestamp_url.setPlaceholderText("https://freetsa.org/tsr")  # i18n: ignore - an address
        self.save_url_button = QPushButton(self.tr("Save server"), tsa)
        self.save_url_button.clicked.connect(self._save_url_clicked)
        trow = QHBoxLayout()
        trow.addWidget(self.timestamp_url, 1)
        trow.addWidget(self.save_url_button)
        tform.addRow(self.tr("Address (RFC 3161)"), trow)
        self.tsa_note = QLabel(tsa)
        self.tsa_note.setWordWrap(True)
        tform.addRow(self.tsa_note)

        trust = QGroupBox(self.tr("Trust roots"), self)
        tl = QVBoxLayout(trust)
        intro = QLabel(self.tr("Signatures by certificates issued by these (your company's certificate authority, "
                               "or a partner's own certificate) are trusted when a report is verified."), trust)
        intro.setWordWrap(True)
        self.roots = QTableWidget(0, 3, trust)
        self.roots.setHorizontalHeaderLabels([self.tr("Certificate"), self.tr("Valid until"),
                                              self.tr("SHA-256 fingerprint")])
        self.roots.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.roots.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.roots.verticalHeader().setVisible(False)
        self.roots.horizontalHeader().setStretchLastSection(True)
        self.roots.setAccessibleName(self.tr("Trust roots"))
        self.add_root_button = QPushButton(self.tr("Add certificate…"), trust)
        self.add_root_button.clicked.connect(self._add_clicked)
        self.remove_root_button = QPushButton(self.tr("Remove"), trust)
        self.remove_root_button.clicked.connect(self.remove_selected)
        brow = QHBoxLayout()
        brow.addWidget(self.add_root_button)
        brow.addWidget(self.remove_root_button)
        brow.addStretch(1)
        tl.addWidget(intro)
        tl.addWidget(self.roots, 1)
        tl.addLayout(brow)

        self.reason = QLabel(self)
        self.reason.setStyleSheet(ERROR_STYLE)
        self.reason.setWordWrap(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(you)
        layout.addWidget(tsa)
        layout.addWidget(trust, 1)
        layout.addWidget(self.reason)
        layout.addWidget(self.result)
        for widget in (self.timestamp_url, self.save_url_button, self.add_root_button, self.remove_root_button):
            widget.setEnabled(admin)
        if not admin:
            self.tsa_note.setToolTip(self.tr("Only an administrator changes these settings."))
        self._show_tsa_note()
        self.reload()

    def _show_tsa_note(self) -> None:
        url = svc.get_settings(self.backend).timestamp_url
        self.tsa_note.setText(
            self.tr("Signatures are timestamped by {url}; the time on reports is certified by it.").format(url=url)
            if url else self.tr("No server: reports say the signing time is the signer's computer clock, which nobody "
                                "certifies."))

    @Slot()
    def reload(self) -> None:
        rows = svc.list_trust_roots(self.backend)
        self.roots.setRowCount(len(rows))
        for r, info in enumerate(rows):
            for c, value in enumerate((info.subject, info.not_after[:10], info.fingerprint_sha256)):
                item = QTableWidgetItem(value)
                item.setData(256, info.fingerprint_sha256)  # Qt.UserRole
                self.roots.setItem(r, c, item)
        self.roots.resizeColumnsToContents()

    def _ok(self, text: str) -> None:
        self.reason.clear()
        self.result.setText(text)
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.result.clear()
        self.reason.setText(error_text(exc))

    @Slot()
    def _save_name_clicked(self) -> None:
        self.save_name(self.profile_name.text())

    def save_name(self, name: str) -> bool:
        try:
            saved = whoami.set_profile_name(name)
        except UserError as exc:
            self._failed(exc)
            return False
        self.profile_name.setText(saved)
        whoami.install(whoami.resolve(self.backend), self.backend)
        self._ok(self.tr("Your changes are now recorded as {name}.").format(name=saved))
        return True

    @Slot()
    def _save_url_clicked(self) -> None:
        self.save_timestamp_url(self.timestamp_url.text())

    def save_timestamp_url(self, url: str) -> Operation:
        def saved(settings: Any) -> None:
            self.timestamp_url.setText(settings.timestamp_url)
            self._show_tsa_note()
            self._ok(self.tr("Saved."))

        self.last_operation = write(self, self.backend, lambda b: svc.set_timestamp_url(b, url), on_success=saved,
                                    on_failure=self._failed)
        return self.last_operation

    @Slot()
    def _add_clicked(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("Trust a certificate"), "",
                                               self.tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"))
        if path:
            self.add_file(Path(path))

    def add_file(self, path: Path) -> Operation:
        def added(roots: list[Any]) -> None:
            self.reload()
            self._ok(self.tr("Trusted: {names}.").format(names="; ".join(a.subject for a in roots)))

        self.last_operation = write(self, self.backend, lambda b: svc.add_trust_roots(b, path), on_success=added,
                                    on_failure=self._failed)
        return self.last_operation

    @Slot()
    def remove_selected(self) -> Operation | None:
        item = self.roots.item(self.roots.currentRow(), 0) if self.roots.currentRow() >= 0 else None
        if item is None:
            self._failed(UserError(self.tr("Select the certificate to remove first.")))
            return None
        fingerprint = str(item.data(256))

        def removed(root: Any) -> None:
            self.reload()
            self._ok(self.tr("No longer trusted: {name}.").format(name=root.subject))

        self.last_operation = write(self, self.backend, lambda b: svc.remove_trust_root(b, fingerprint),
                                    on_success=removed, on_failure=self._failed)
        return self.last_operation
