"""Open a signed report and see the verdict: intact, valid, signer, known identity, on record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import Engine

from desktop.core.errors import UserError
from desktop.services.reports import verify_file


class VerifyDialog(QDialog):
    def __init__(self, engine: Engine | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify a signed report"))
        self.resize(620, 320)
        self._engine = engine
        self.verdict_label = QLabel(self.tr("Open a PDF report to check its signature."), self)
        self.verdict_label.setWordWrap(True)
        font = self.verdict_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.verdict_label.setFont(font)
        self.details: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("file", self.tr("File")), ("signer", self.tr("Signer")), ("signed_at", self.tr("Signed at")),
                           ("assessment", self.tr("Assessment")), ("known", self.tr("Signer known here")),
                           ("record", self.tr("Matches the recorded decision")), ("sha256", self.tr("SHA-256"))):
            value = QLabel("—", self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.details[key] = value
            form.addRow(label, value)
        self.open_button = QPushButton(self.tr("Open PDF…"), self)
        self.open_button.clicked.connect(self._choose)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict_label)
        layout.addLayout(form)
        layout.addWidget(self.open_button)
        layout.addWidget(buttons)
        self.ok: bool | None = None

    @Slot()
    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a signed report"), "", self.tr("PDF files (*.pdf)"))
        if path:
            self.verify_path(Path(path))

    def verify_path(self, path: Path) -> bool | None:
        """Check ``path`` and show the verdict; returns True (valid), False (not valid) or None (unreadable)."""
        self.details["file"].setText(str(path))
        try:
            v = verify_file(self._engine, path)
        except UserError as exc:
            self.ok = None
            self.verdict_label.setText(str(exc))
            self.verdict_label.setStyleSheet("color: #B3261E;")
            for key in ("signer", "signed_at", "assessment", "known", "record", "sha256"):
                self.details[key].setText("—")
            return None
        self.ok = v.intact and v.valid
        if self.ok:
            self.verdict_label.setText(self.tr("Valid: the file is intact and the signature is valid."))
            self.verdict_label.setStyleSheet("color: #1E7B34;")
        else:
            self.verdict_label.setText(self.tr("Not valid: %1").replace("%1", v.problem))
            self.verdict_label.setStyleSheet("color: #B3261E;")
        yes, no = self.tr("yes"), self.tr("no")
        self.details["signer"].setText(v.signer or "—")
        self.details["signed_at"].setText(v.signed_at or "—")
        self.details["assessment"].setText(str(v.assessment_id) if v.assessment_id is not None else "—")
        self.details["known"].setText(yes if v.known_identity else no)
        self.details["record"].setText(yes if v.matches_record else no)
        self.details["sha256"].setText(v.sha256)
        return self.ok
