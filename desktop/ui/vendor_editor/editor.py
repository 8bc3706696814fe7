"""The vendor editor window: one vendor's Profile, Contracts, Security & data guarantees, Evidence,
Assessments and History tabs (plus tabs plugged in by other features), with Save and Revert.

Every form the editor shows comes through one path, ``_show(detail, edits)``: opening the vendor,
Revert, both answers to a conflict and the end of a save. Editing safety: every invalid field shows its
reason beside it; closing with unsaved changes asks first (``confirm_discard``); when another user
saved the vendor since it was opened, the conflict dialog shows both versions field by field and the
user chooses (``resolve_conflict``). Both callbacks can be replaced, which is how tests drive them
without modal dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from db.errors import ConflictError, DatabaseError
from desktop.core.errors import UserError, ValidationError
from desktop.services import vendors as svc
from desktop.services.backend import Backend
from desktop.services.vendors import VendorDetail, VendorForm
from desktop.ui.history import HistoryView
from desktop.ui.operations import ChangeSet, announce, show_error, signals
from desktop.ui.vendor_editor.common import ERROR_STYLE
from desktop.ui.vendor_editor.conflict import CANCEL, DISCARD_MINE, default_resolve_conflict, reapplied
from desktop.ui.vendor_editor.evidence import EvidenceTab
from desktop.ui.vendor_editor.profile_form import ProfileTab
from desktop.ui.vendor_editor.records import ChildListTab, GuaranteesTab

if TYPE_CHECKING:
    from desktop.ui.assessments_tab import AssessmentsTab

TabFactory = Callable[[Backend, int], QWidget]


def default_confirm_discard(parent: QWidget, title: str) -> str:
    """Ask whether to save unsaved changes before closing: 'save', 'discard' or 'cancel'."""
    answer = QMessageBox.question(
        parent, parent.tr("Unsaved changes"),
        parent.tr("{name} has unsaved changes. Save them before closing?").format(name=title),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save)
    return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
        answer, "cancel")


class VendorEditor(QWidget):
    """All about one vendor. ``vendor_id=None`` starts a new vendor (other tabs appear once saved)."""

    saved = Signal(int)
    title_changed = Signal(str)
    open_assessment = Signal(int)  # the Assessments tab asks the window to show this assessment

    def __init__(self, backend: Backend, vendor_id: int | None, extra_tabs: list[tuple[TabFactory, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.vendor_id = vendor_id
        self.detail: VendorDetail | None = None
        self._extra_tabs = list(extra_tabs or [])
        self.resolve_conflict: Callable[[QWidget, VendorForm, VendorForm, str], str] = default_resolve_conflict
        self.confirm_discard: Callable[[QWidget, str], str] = default_confirm_discard
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.profile = ProfileTab(self)
        self.tabs.addTab(self.profile, self.tr("Profile"))
        self.contracts: ChildListTab | None = None
        self.guarantees: GuaranteesTab | None = None
        self.evidence: EvidenceTab | None = None
        self.assessments: AssessmentsTab | None = None
        self.history: HistoryView | None = None
        self.banner = QLabel(self)
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setToolTip(self.tr("Save the profile (Ctrl+S)"))
        self.revert_button = QPushButton(self.tr("&Revert"), self)
        self.save_button.clicked.connect(self._save_clicked)
        self.revert_button.clicked.connect(self.revert)
        bar = QHBoxLayout()
        bar.addWidget(self.banner, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(bar)
        self._pending: ChangeSet | None = None
        self.profile.edited.connect(self._update_buttons)
        signals().changed.connect(self._on_changed)
        if vendor_id is not None:
            self._show(svc.get_vendor(backend, vendor_id))
        else:
            self.profile.load(VendorForm())
        self._update_buttons()

    # --- loading
    def _show(self, detail: VendorDetail, edits: VendorForm | None = None) -> None:
        """The one way a vendor reaches the form: ``detail`` becomes the saved version (its version
        numbers are what the next save expects) and the form shows it, or ``edits`` over it. The other
        tabs are built the first time (a new vendor gets them once saved)."""
        first = self.detail is None
        self.detail = detail
        self.vendor_id = detail.id
        self.profile.load(detail.form, edits)
        if first:
            self._build_tabs(detail.id)
        self._update_buttons()

    def _build_tabs(self, vendor_id: int) -> None:
        for factory, title in self._extra_tabs:
            try:
                self.tabs.addTab(factory(self.backend, vendor_id), title)
            except Exception as exc:  # a plugged-in tab must not break the editor
                show_error(self, exc)
        self.contracts = ChildListTab(self.backend, vendor_id, "contract", self.tr("Contracts"), self)
        self.tabs.addTab(self.contracts, self.tr("Contracts"))
        self.guarantees = GuaranteesTab(self.backend, vendor_id, self)
        self.tabs.addTab(self.guarantees, self.tr("Security && data guarantees"))
        self.evidence = EvidenceTab(self.backend, vendor_id, self)
        self.tabs.addTab(self.evidence, self.tr("Evidence"))
        from desktop.ui.assessments_tab import AssessmentsTab  # the checklist backend loads on first use

        self.assessments = AssessmentsTab(self.backend, vendor_id, self)
        self.assessments.open_assessment.connect(self.open_assessment)
        self.tabs.addTab(self.assessments, self.tr("Assessments"))
        self.history = HistoryView(self.backend, vendor_id, self)
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.currentChanged.connect(self._tab_shown)

    @Slot(int)
    def _tab_shown(self, index: int) -> None:
        if self.history is not None and self.tabs.widget(index) is self.history:
            # row heights depend on the column widths, known only once the table is laid out
            QTimer.singleShot(0, self.history.table.resizeRowsToContents)

    def title(self) -> str:
        name = self.detail.form.name if self.detail else self.tr("New vendor")
        return name + (" *" if self.is_dirty() else "")

    def is_dirty(self) -> bool:
        return self.profile.is_dirty()

    @Slot()
    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty and self.detail is not None)
        self.title_changed.emit(self.title())

    @Slot(object)
    def _on_changed(self, changes: ChangeSet) -> None:
        if self.vendor_id is None or not (changes.touches_vendor(self.vendor_id) or changes.evidence
                                          or changes.assessments):
            return
        if not self.isVisible():
            self._pending = changes  # refreshed when shown again
            return
        self._refresh(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        pending = self._pending
        if pending is not None:
            self._pending = None
            self._refresh(pending)
        super().showEvent(event)

    def _refresh(self, changes: ChangeSet) -> None:
        if self.history is not None:
            self.history.reload()
        if changes.evidence and self.evidence is not None:
            self.evidence.reload()
        if (changes.assessments or changes.touches_vendor(self.vendor_id or 0)) and self.assessments is not None:
            self.assessments.reload()

    # --- saving
    @Slot()
    def revert(self) -> None:
        if self.detail is not None:
            self._show(self.detail)
            self.banner.clear()

    @Slot()
    def _save_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        """Save the profile; True when saved (or nothing to save)."""
        if not self.is_dirty():
            return True
        errors = self.profile.validate()
        if errors:
            self.banner.setText(self.tr("Correct the fields marked in red before saving."))
            return False
        form = self.profile.form()
        try:
            if self.detail is None:
                detail = svc.create_vendor(self.backend, form)
            else:
                detail = svc.update_vendor(self.backend, self.detail.id, form, self.detail.version,
                                           self.detail.party_version)
        except ConflictError as exc:
            return self._conflict(form, str(exc))
        except ValidationError as exc:
            if exc.field and exc.field in self.profile.reasons:
                self.profile.reasons[exc.field].setText(str(exc))
            self.banner.setText(str(exc))
            return False
        except (UserError, DatabaseError) as exc:
            self.banner.setText(str(exc))
            return False
        self.banner.clear()
        self._show(detail)
        self.saved.emit(detail.id)
        announce(ChangeSet(vendors=True, vendor_id=detail.id))
        return True

    def _conflict(self, mine: VendorForm, message: str) -> bool:
        assert self.detail is not None
        theirs = svc.get_vendor(self.backend, self.detail.id)
        choice = self.resolve_conflict(self, mine, theirs.form, message)
        if choice == CANCEL:
            self.banner.setText(self.tr("Not saved: someone else changed this vendor. Save again to decide."))
            return False
        if choice == DISCARD_MINE:
            self._show(theirs)
            self.banner.setText(self.tr("Your changes were discarded; this is the saved version."))
        else:
            self._show(theirs, edits=reapplied(theirs.form, mine, self.profile.loaded()))
            self.banner.setText(self.tr("The saved version is loaded with your changes re-applied; "
                                        "review them and save."))
        return False

    def maybe_close(self) -> bool:
        """Ask about unsaved changes; True when the editor may close."""
        if not self.is_dirty():
            return True
        answer = self.confirm_discard(self, self.title().rstrip(" *"))
        if answer == "save":
            return self.save()
        return answer == "discard"
