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

from PySide6.QtCore import QEventLoop, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from db.errors import ConflictError
from desktop.core.errors import ValidationError
from desktop.services import vendors as svc
from desktop.services.backend import Backend
from desktop.services.vendors import VendorDetail, VendorForm
from desktop.ui.history import HistoryView
from desktop.ui.operations import (
    Cancelled,
    ChangeSet,
    Operation,
    Progress,
    UnitOfWork,
    error_text,
    run_operation,
    show_error,
    signals,
)
from desktop.ui.vendor_editor.common import ERROR_STYLE, NOTE_STYLE
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
        self.saving = False  # a save operation is running
        self.last_operation: Operation | None = None
        self._noted = False  # the banner holds a note ("Saved."), not a problem
        self.profile.edited.connect(self._edited)
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
        self.save_button.setEnabled(dirty and not self.saving)
        self.revert_button.setEnabled(dirty and self.detail is not None and not self.saving)
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
    def _say(self, text: str, *, problem: bool = True) -> None:
        """The line beside Save: a problem in red, or how the save went."""
        self.banner.setStyleSheet(ERROR_STYLE if problem else NOTE_STYLE)
        self.banner.setText(text)
        self._noted = not problem

    @Slot()
    def _edited(self) -> None:
        if self._noted and not self.saving:  # "Saved." no longer describes the form
            self.banner.clear()
            self._noted = False
        self._update_buttons()

    @Slot()
    def revert(self) -> None:
        if self.detail is not None and not self.saving:
            self._show(self.detail)
            self.banner.clear()

    @Slot()
    def _save_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        """Start saving the profile as an operation off the GUI thread (``last_operation``, whose
        ``done`` signal tells when it finished). True when the save started, is already running or
        there is nothing to save; False when the form has errors (each shown beside its field) and
        nothing was started. A conflict or a refusal is shown when the operation finishes."""
        if self.saving:
            return True
        if not self.is_dirty():
            return True
        errors = self.profile.validate()
        if errors:
            self._say(self.tr("Correct the fields marked in red before saving."))
            return False
        form = self.profile.form()
        known = self.detail

        def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> VendorDetail:
            if known is None:
                return svc.create_vendor(uow.backend, form)
            return svc.update_vendor(uow.backend, known.id, form, known.version, known.party_version)

        self.saving = True
        self._say(self.tr("Saving…"), problem=False)
        self._update_buttons()
        self.last_operation = run_operation(
            self, self.tr("Saving…"), self.backend, work, show_progress=False,
            on_success=lambda detail: self._saved(form, detail),
            on_failure=lambda exc: self._not_saved(form, exc))
        return True

    def _saved(self, form: VendorForm, detail: VendorDetail) -> None:
        self.saving = False
        typed = self.profile.form()  # the user may have typed on while the save ran: keep that
        self._show(detail, edits=typed if typed != form else None)
        self._say(self.tr("Saved."), problem=False)
        self.saved.emit(detail.id)

    def _not_saved(self, mine: VendorForm, exc: BaseException) -> None:
        self.saving = False
        self._update_buttons()
        if isinstance(exc, ConflictError):
            self._conflict(mine, str(exc))
            return
        if isinstance(exc, ValidationError) and exc.field and exc.field in self.profile.reasons:
            self.profile.reasons[exc.field].setText(str(exc))
        self._say(error_text(exc))

    def _conflict(self, mine: VendorForm, message: str) -> None:
        """Someone saved the vendor since it was loaded: show both versions and do what the user chose."""
        assert self.detail is not None
        theirs = svc.get_vendor(self.backend, self.detail.id)
        choice = self.resolve_conflict(self, mine, theirs.form, message)
        if choice == CANCEL:
            self._say(self.tr("Not saved: someone else changed this vendor. Save again to decide."))
        elif choice == DISCARD_MINE:
            self._show(theirs)
            self._say(self.tr("Your changes were discarded; this is the saved version."))
        else:
            self._show(theirs, edits=reapplied(theirs.form, mine, self.profile.loaded()))
            self._say(self.tr("The saved version is loaded with your changes re-applied; review them and save."))

    def maybe_close(self) -> bool:
        """Ask about unsaved changes; True when the editor may close. "Save" saves and waits for it (the
        window stays responsive meanwhile) and closes only when the vendor was saved."""
        if self.saving:  # a save already runs: closing waits for its outcome
            return self._wait_for_save() and not self.is_dirty()
        if not self.is_dirty():
            return True
        answer = self.confirm_discard(self, self.title().rstrip(" *"))
        if answer == "save":
            return self.save() and self._wait_for_save() and not self.is_dirty()
        return answer == "discard"

    def _wait_for_save(self) -> bool:
        """Wait for the running save (if any) in a local event loop; True when it stored the vendor."""
        operation = self.last_operation
        if not self.saving or operation is None:
            return True
        outcome: list[BaseException | None] = []
        loop = QEventLoop()

        def finished(_result: object, exc: BaseException | None) -> None:
            outcome.append(exc)
            loop.quit()

        operation.done.connect(finished)
        loop.exec()
        return bool(outcome) and outcome[0] is None
