"""When another user saved the vendor since it was opened: both versions side by side, the user chooses.

The editor asks through a replaceable callback (``VendorEditor.resolve_conflict``, by default
``default_resolve_conflict``), which answers one of ``KEEP_THEIRS_REAPPLY``, ``DISCARD_MINE`` or
``CANCEL``; ``reapplied`` computes the form "keep theirs and re-apply mine" shows. Nothing is
overwritten silently.
"""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import vendors as svc
from desktop.services.vendors import VendorForm
from desktop.ui.vendor_editor.common import show_value

# Conflict choices
KEEP_THEIRS_REAPPLY = "reapply"
DISCARD_MINE = "discard"
CANCEL = "cancel"


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
            for c, value in enumerate((label, show_value(yours), show_value(saved))):
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


def default_resolve_conflict(parent: QWidget, mine: VendorForm, theirs: VendorForm, message: str) -> str:
    """Ask the user with a ``ConflictDialog``; one of the three choices (``CANCEL`` when closed)."""
    dialog = ConflictDialog(mine, theirs, message, parent)
    dialog.exec()
    return dialog.choice


def reapplied(theirs: VendorForm, mine: VendorForm, original: VendorForm) -> VendorForm:
    """The saved version (``theirs``) with every field the user changed (``mine`` differs from the
    ``original`` they loaded) set to the user's value."""
    merged = replace(theirs, tags=list(theirs.tags))
    for f in fields(mine):
        if getattr(mine, f.name) != getattr(original, f.name):
            setattr(merged, f.name, getattr(mine, f.name))
    return merged
