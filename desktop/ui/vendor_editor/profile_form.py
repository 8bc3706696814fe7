"""The Profile tab: the vendor's own fields, validated as the user types.

``ProfileTab.load(form)`` is the only way a form reaches the widgets: it records ``form`` as the saved
version (what "unsaved changes" compares against) and shows it, or shows ``edits`` over it (the
conflict flow's "keep theirs and re-apply mine", or edits typed while a save was running).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop.services import vendors as svc
from desktop.services.vendors import VendorForm
from desktop.ui.vendor_editor.common import reason_label


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
            reason = reason_label(self)
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

    def load(self, form: VendorForm, edits: VendorForm | None = None) -> None:
        """Take ``form`` as the saved version and show it, or ``edits`` (unsaved changes over it)."""
        self._loaded = replace(form, tags=list(form.tags))
        shown = edits if edits is not None else form
        blockers = [w.blockSignals(True) for w in self._widgets()]
        self.name.setText(shown.name)
        self.lei.setText(shown.lei)
        self.vat.setText(shown.vat)
        self.country.setText(shown.country)
        self.website.setText(shown.website)
        self.services.setText(shown.services)
        self.tier.setCurrentIndex(max(0, self.tier.findData(shown.tier)))
        self.status.setCurrentIndex(max(0, self.status.findData(shown.status)))
        self.internal_owner.setText(shown.internal_owner)
        self.tags.setText(", ".join(shown.tags))
        self.next_review_due.setText(shown.next_review_due.isoformat() if shown.next_review_due else "")
        if self.notes.toPlainText() != shown.notes:  # keeps the cursor where the user was typing
            self.notes.setPlainText(shown.notes)
        for w, _b in zip(self._widgets(), blockers, strict=True):
            w.blockSignals(False)
        self.validate()

    def _widgets(self) -> list[QWidget]:
        return [self.name, self.lei, self.vat, self.country, self.website, self.services, self.tier, self.status,
                self.internal_owner, self.tags, self.next_review_due, self.notes]

    def loaded(self) -> VendorForm:
        """The saved version the form was loaded from."""
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
        """What the widgets hold now, cleaned as it would be saved."""
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
