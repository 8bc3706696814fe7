"""The dialog shown when the database file is damaged: what happened, and restoring the latest backup."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.services import recovery


class RestoreDialog(QDialog):
    """Message + "Restore latest backup" / "Quit". Accepted once the restore succeeded."""

    def __init__(self, parent: QWidget | None, offer: recovery.RestoreOffer, url: str | None) -> None:
        super().__init__(parent)
        self.offer = offer
        self.url = url
        self.restored_from: str | None = None
        self.setWindowTitle(self.tr("Vetta: the database cannot be opened"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        if offer.backup is not None:
            when = f"{offer.taken_at:%Y-%m-%d %H:%M} UTC" if offer.taken_at else str(offer.backup.name)
            text = self.tr("{problem}\n\nThe latest backup is from {when}. Restore it? The damaged file is kept "
                           "aside, so nothing is thrown away.").format(problem=offer.problem, when=when)
        else:
            text = self.tr("{problem}\n\nThere is no backup to restore.").format(problem=offer.problem)
        self.message.setText(text)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton(self.tr("Restore latest backup"), self)
        self.restore_button.setEnabled(offer.backup is not None)
        self.restore_button.setDefault(offer.backup is not None)
        self.quit_button = QPushButton(self.tr("Quit"), self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._restore)
        self.quit_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @Slot()
    def _restore(self) -> None:
        try:
            used, _safety = recovery.restore_latest(self.url)
        except DatabaseError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.restored_from = str(used)
        self.accept()


def offer_restore(parent: QWidget | None, error: DatabaseError, url: str | None) -> bool:
    """Explain ``error``; for a damaged SQLite file offer to restore the latest backup.

    Returns True when a backup was restored (the caller opens the database again), False otherwise.
    """
    offer = recovery.restore_offer(error, url)
    if offer is None:
        QMessageBox.critical(parent, "Vetta", str(error))  # i18n: ignore
        return False
    dialog = RestoreDialog(parent, offer, url)
    return dialog.exec() == QDialog.DialogCode.Accepted
