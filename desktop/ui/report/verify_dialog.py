"""Open a signed report and see the verdict: valid and trusted, valid but not trusted, or not valid;
signer, time and where it comes from, known identity, on record. *Trust a certificate…* adds a
certificate (the signer's exported one, a company CA) for this check, like `vetta verify --trust`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import UserError
from desktop.services.backend import Backend
from desktop.services.verification import read_trust_files, verify_path


class VerifyDialog(QDialog):
    def __init__(self, backend: Backend | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify a signed report"))
        self.resize(620, 320)
        self._backend = backend
        self.verdict_label = QLabel(self.tr("Open a PDF report to check its signature."), self)
        self.verdict_label.setWordWrap(True)
        font = self.verdict_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.details: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("file", self.tr("File")), ("signer", self.tr("Signer")), ("signed_at", self.tr("Signed at")),
                           ("certified", self.tr("Certified, no changes allowed")),
                           ("assessment", self.tr("Assessment")), ("known", self.tr("Signer known here")),
                           ("record", self.tr("Matches the recorded decision")), ("sha256", self.tr("SHA-256"))):
            value = QLabel("—", self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details[key] = value
            form.addRow(label, value)
        self.open_button = QPushButton(self.tr("Open PDF…"), self)
        self.open_button.clicked.connect(self._choose)
        self.trust_button = QPushButton(self.tr("Trust a certificate…"), self)
        self.trust_button.setToolTip(self.tr("The signer's certificate or your company's certificate authority, for "
                                             "this check only"))
        self.trust_button.clicked.connect(self._choose_trust)
        self.trusted: list[bytes] = []
        self._last: Path | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict_label)
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.trust_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.ok: bool | None = None
        self.status = ""  # trusted | untrusted | invalid

    @Slot()
    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a signed report"), "", self.tr("PDF files (*.pdf)"))
        if path:
            self.verify_path(Path(path))

    @Slot()
    def _choose_trust(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Trust a certificate"), "",
                                              self.tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"))
        if path:
            self.trust_file(Path(path))

    def trust_file(self, path: Path) -> bool:
        """Trust the certificates in ``path`` for the checks of this dialog (and check the last file again)."""
        try:
            self.trusted += read_trust_files([path])
        except UserError as exc:
            self.verdict_label.setText(str(exc))
            self.verdict_label.setStyleSheet("color: #B3261E;")
            return False
        if self._last is not None:
            self.verify_path(self._last)
        return True

    def verify_path(self, path: Path) -> bool | None:
        """Check ``path`` and show the verdict; True (valid and trusted), False (not valid, or not trusted:
        ``status`` says which) or None (unreadable)."""
        self._last = path
        self.details["file"].setText(str(path))
        try:
            v = verify_path(self._backend, path, trust=self.trusted)
        except UserError as exc:
            self.ok = None
            self.status = ""
            self.verdict_label.setText(str(exc))
            self.verdict_label.setStyleSheet("color: #B3261E;")
            for key in ("signer", "signed_at", "certified", "assessment", "known", "record", "sha256"):
                self.details[key].setText("—")
            return None
        self.status = v.status
        self.ok = v.status == "trusted"
        if v.status == "trusted":
            self.verdict_label.setText(self.tr("Valid and trusted: the file is intact, certified by its signature, and "
                                               "the signer is trusted ({by}).").format(by=v.trusted_by))
            self.verdict_label.setStyleSheet("color: #1E7B34;")
        elif v.status == "untrusted":
            self.verdict_label.setText(self.tr(
                "Valid but not trusted: the file is intact and validly signed, but nothing you trust vouches for the "
                "signer's certificate. Anyone can make a certificate with any name: ask for the signer's certificate "
                "and use Trust a certificate…"))
            self.verdict_label.setStyleSheet("color: #8A5300;")
        else:
            problem = v.problem or (v.record_problems[0] if v.record_problems else "")
            self.verdict_label.setText(self.tr("Not valid: %1").replace("%1", problem))
            self.verdict_label.setStyleSheet("color: #B3261E;")
        yes, no = self.tr("yes"), self.tr("no")
        self.details["signer"].setText(v.signer or "—")
        when = v.signed_at or "—"
        if v.signed_at:
            when += " " + (self.tr("(time-stamped by {authority})").format(authority=v.time_authority or "?")
                           if v.time_source == "timestamp" else self.tr("(the signer's own clock, not certified)"))
        self.details["signed_at"].setText(when)
        self.details["certified"].setText(yes if v.certified else no)
        self.details["assessment"].setText(str(v.assessment_id) if v.assessment_id is not None else "—")
        self.details["known"].setText(yes if v.known_identity else no)
        self.details["record"].setText(yes if v.matches_record else no)
        self.details["sha256"].setText(v.sha256)
        return self.ok
