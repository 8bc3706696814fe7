"""The Assessment menu's commands: open an assessment's wizard in a workspace tab, start one for the
current vendor, approve and sign, send the vendor questionnaire and import its answers, preview and
export the report, verify a signed PDF.

``AssessmentCommands(window, backend, language)`` works on the vendor the window has in front
(``window.current_vendor_id()``); the window offers its public methods under the same names as before
(``open_assessment``, ``current_assessment_id``, ``new_assessment``, ...). Writes run as operations
(desktop.ui.operations) in the dialogs and helpers these commands open.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QFileDialog

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.services.backend import Backend
from desktop.ui.operations import ChangeSet, Operation, announce, show_error

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class AssessmentCommands(QObject):
    """What the Assessment menu does, for the vendor in front of ``window``."""

    def __init__(self, window: MainWindow, backend: Backend, language: str) -> None:
        super().__init__(window)
        self._window = window
        self._backend = backend
        self._language = language

    def assessment_tabs(self) -> list[Any]:
        from desktop.ui.wizard import AssessmentWizard

        return [w for i in range(self._window.workspace.count())
                if isinstance(w := self._window.workspace.widget(i), AssessmentWizard)]

    def open_assessment(self, assessment_id: int) -> Any:
        """Show the wizard of ``assessment_id`` in a workspace tab (read only unless a draft)."""
        from desktop.ui.wizard import AssessmentWizard

        for wizard in self.assessment_tabs():
            if wizard.assessment_id == assessment_id:
                self._window.workspace.setCurrentWidget(wizard)
                return wizard
        try:
            wizard = AssessmentWizard(self._backend, assessment_id, self._window, lang=self._language)
        except (UserError, DatabaseError) as exc:
            show_error(self._window, exc)
            return None
        s = wizard.view.summary
        index = self._window.workspace.addTab(wizard, self.tr("Assessment #{id} — {vendor}").format(
            id=assessment_id, vendor=s.vendor_name))
        wizard.submitted.connect(lambda _i, v=s.vendor_id: announce(ChangeSet(vendors=True, assessments=True,
                                                                              vendor_id=v)))
        self._window.workspace.setCurrentIndex(index)
        return wizard

    def _vendor_assessments(self) -> list[Any]:
        from desktop.services.assessments import list_assessments

        vendor_id = self._window.current_vendor_id()
        if vendor_id is None:
            return []
        return sorted(list_assessments(self._backend, vendor_id), key=lambda a: a.series_version)

    def current_assessment_id(self, status: str | None = None) -> int | None:
        """The assessment in front, else the latest one (with ``status``) of the current vendor."""
        from desktop.services.assessments import get_assessment

        current: Any = self._window.workspace.currentWidget()
        front = [int(w.assessment_id) for w in self.assessment_tabs() if w is current]
        if front and (status is None or get_assessment(self._backend, front[0]).summary.status == status):
            return front[0]
        rows = [a for a in self._vendor_assessments() if status is None or a.status == status]
        return rows[-1].id if rows else None

    @Slot()
    def new_assessment_clicked(self) -> None:
        self.new_assessment()

    def new_assessment(self, template_id: int | None = None) -> Operation | None:
        vendor_id = self._window.current_vendor_id()
        if vendor_id is None:
            self._window.tell(self.tr("Select or open a vendor first."))
            return None
        editor = self._window.open_vendor(vendor_id)
        if editor.assessments is None:
            return None
        editor.tabs.setCurrentWidget(editor.assessments)
        return editor.assessments.new_assessment(template_id)

    @Slot()
    def open_wizard_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._window.tell(self.tr("This vendor has no assessment yet: choose New assessment."))
            return
        self.open_assessment(assessment_id)

    @Slot()
    def approve_clicked(self) -> None:
        self.approve_current()

    def approve_current(self) -> Any:
        assessment_id = self.current_assessment_id("in_review")
        if assessment_id is None:
            self._window.tell(self.tr("There is no submitted assessment to approve here: submit the assessment "
                                      "from its wizard first."))
            return None
        from desktop.ui.report import SignOffDialog

        dialog = SignOffDialog(self._backend, assessment_id, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: announce(ChangeSet(vendors=True, assessments=True)))
        self._window.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def export_report_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._window.tell(self.tr("Select a vendor with an assessment first."))
            return
        name, _f = QFileDialog.getSaveFileName(self._window, self.tr("Export report"),
                                               f"assessment-{assessment_id}.pdf", self.tr("PDF (*.pdf)"))
        if name:
            from desktop.ui.assessments_tab import export_report

            path = Path(name)
            self._window.last_operation = export_report(
                self._window, self._backend, assessment_id,
                path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    @Slot()
    def send_questionnaire_clicked(self) -> None:
        from desktop.ui import questionnaire

        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._window.tell(self.tr("Select a vendor with an assessment first."))
            return
        path = questionnaire.ask_export_path(self._window, assessment_id)
        if path is not None:
            self.send_questionnaire(assessment_id, path)

    def send_questionnaire(self, assessment_id: int, path: Path) -> Operation:
        from desktop.ui import questionnaire

        self._window.last_operation = questionnaire.export_to(self._window, self._backend, assessment_id, path)
        return self._window.last_operation

    @Slot()
    def import_answers_clicked(self) -> None:
        from desktop.ui import questionnaire

        assessment_id = self.current_assessment_id(status="draft")
        if assessment_id is None:
            self._window.tell(self.tr("Vendor answers go into a draft assessment: select a vendor with one first."))
            return
        path = questionnaire.ask_import_path(self._window)
        if path is not None:
            self.import_answers(assessment_id, path)

    def import_answers(self, assessment_id: int, path: Path) -> Operation:
        from desktop.ui import questionnaire

        operation = questionnaire.import_from(self._window, self._backend, assessment_id, path, owner=self._window)

        def reload_wizards(_result: Any, exc: BaseException | None) -> None:
            for wizard in self.assessment_tabs():
                if exc is None and int(wizard.assessment_id) == assessment_id:
                    wizard.reload()

        operation.done.connect(reload_wizards)
        self._window.last_operation = operation
        return operation

    @Slot()
    def preview_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._window.tell(self.tr("Select a vendor with an assessment first."))
            return
        from desktop.ui.assessments_tab import preview_report

        self._window.last_operation = preview_report(self._window, self._backend, assessment_id, self._window)

    @Slot()
    def open_verify(self) -> Any:
        from desktop.ui.report import VerifyDialog

        dialog = VerifyDialog(self._backend, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._window.last_dialog = dialog
        dialog.open()
        return dialog
