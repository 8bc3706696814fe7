"""What opens when a party of the ownership graph that is not a vendor is double-clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.services.ownership import PartyCard


class PartyCardDialog(QDialog):
    """A party's name, kind, identifiers, other names and interests, read-only and non-modal."""

    def __init__(self, card: PartyCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setWindowTitle(card.name)
        kind = self.tr("Person") if card.kind == "person" else self.tr("Company or other entity")
        parts = [f"<h3>{_esc(card.name)}</h3>", f"<p>{_esc(kind)}"
                 + (f" · {_esc(card.jurisdiction)}" if card.jurisdiction else "") + "</p>"]
        for title, lines in ((self.tr("Identifiers"), card.identifiers), (self.tr("Other names"), card.aliases),
                             (self.tr("Holds"), card.holds), (self.tr("Held by"), card.held_by)):
            if lines:
                items = "".join(f"<li>{_esc(line)}</li>" for line in lines)
                parts.append(f"<p><b>{_esc(title)}</b></p><ul>{items}</ul>")
        self.text = QLabel("".join(parts), self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
