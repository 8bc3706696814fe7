"""The vendor editor's Assessments tab: every assessment of one vendor and what can be done with it.

Actions: New assessment (template picker; the preparer is the current user), Open (the wizard; read
only once submitted or decided), Re-assess (a decided assessment re-opened as a new version),
Approve & sign… (in review only), Export report… and Preview. Opening an assessment emits
``open_assessment(id)``; the main window shows the wizard in a workspace tab.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.services import assessments as svc
from desktop.services.backend import Backend, current_actor
from desktop.services.checklists import TemplateInfo, list_templates
from desktop.ui.fit import fit_size
from desktop.ui.labels import rating_labels
from desktop.ui.operations import (
    ChangeSet,
    Operation,
    UnitOfWork,
    announce,
    run_operation,
    run_query,
    show_error,
)

Index = QModelIndex | QPersistentModelIndex
DECIDED = ("approved", "approved_with_conditions", "rejected")


def _when(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:%Y-%m-%d}"


class AssessmentsModel(QAbstractTableModel):
    """The assessments of one vendor, newest version first."""

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._vendor_id = vendor_id
        self._rows: list[svc.AssessmentSummary] = []
        # "Next review" in this narrow table: a shorter Spanish (the second argument is the gettext context)
        self._headers = [self.tr("Version"), self.tr("Status"), self.tr("Rating"), self.tr("Preparer"),
                         self.tr("Approver"), self.tr("Decided"), self.tr("Next review", "AssessmentsModel"),
                         self.tr("Stale")]
        self._status = {"draft": self.tr("Draft"), "in_review": self.tr("In review"),
                        "approved": self.tr("Approved"), "approved_with_conditions": self.tr("Approved with conditions"),
                        "rejected": self.tr("Rejected")}
        self._rating = rating_labels()
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        rows = svc.list_assessments(self._backend, self._vendor_id)
        self._rows = sorted(rows, key=lambda r: r.series_version, reverse=True)
        self.endResetModel()

    def summary(self, row: int) -> svc.AssessmentSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            stale = self.tr("STALE") if r.stale_since is not None else ""
            values = [f"v{r.series_version} (#{r.id})", self._status.get(r.status, r.status),
                      self._rating.get(r.rating or "", "—"), r.preparer, r.approver or "—",
                      _when(r.decided_at), _when(r.next_review_due), stale]
            return values[column]
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.ForegroundRole and column == 7 and r.stale_since is not None:
            return QColor("#b00020")
        if role == Qt.ItemDataRole.ToolTipRole and column == 7 and r.stale_since is not None:
            return self.tr("The vendor changed materially after this decision; choose Show changes.")
        return None


def template_title(template: TemplateInfo, language: str | None = None) -> str:
    """The template's title in the interface language (English when it has no translation)."""
    if (language or _language()) == "es" and template.title_es:
        return template.title_es
    return template.title_en


def default_choose_template(parent: QWidget, templates: list[TemplateInfo]) -> TemplateInfo | None:
    if len(templates) == 1:
        return templates[0]
    labels = [f"{template_title(t)} (v{t.version})" for t in templates]
    label, ok = QInputDialog.getItem(parent, parent.tr("New assessment"), parent.tr("Checklist template"),
                                     labels, 0, False)
    return templates[labels.index(label)] if ok and label in labels else None


class AssessmentsTab(QWidget):
    open_assessment = Signal(int)

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.vendor_id = vendor_id
        self.choose_template: Callable[[QWidget, list[TemplateInfo]], TemplateInfo | None] = default_choose_template
        self.last_operation: Operation | None = None
        self.last_dialog: QDialog | None = None
        self.model = AssessmentsModel(backend, vendor_id, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Assessments of this vendor"))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)

        self.new_button = QPushButton(self.tr("&New assessment…"), self)
        self.open_button = QPushButton(self.tr("&Open"), self)
        self.reassess_button = QPushButton(self.tr("Re-&assess"), self)
        self.approve_button = QPushButton(self.tr("Approve && &sign…"), self)
        self.export_button = QPushButton(self.tr("&Export report…"), self)
        self.preview_button = QPushButton(self.tr("&Preview"), self)
        self.changes_button = QPushButton(self.tr("Show &changes"), self)
        self.changes_button.setToolTip(self.tr("What changed at the vendor since the decision"))
        self.new_button.clicked.connect(self._new_clicked)
        self.open_button.clicked.connect(self.open_selected)
        self.reassess_button.clicked.connect(self.reassess_selected)
        self.approve_button.clicked.connect(self.approve_selected)
        self.export_button.clicked.connect(self._export_clicked)
        self.preview_button.clicked.connect(self.preview_selected)
        self.changes_button.clicked.connect(self.show_changes)
        bar = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.reassess_button, self.approve_button,
                  self.export_button, self.preview_button, self.changes_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.hint)
        self.reload()

    # ------------------------------------------------------------------ state
    @Slot()
    def reload(self) -> None:
        selected = self.selected()
        self.model.reload()
        for column, width in enumerate((90, 150, 150, 110, 110, 90, 90)):
            self.table.setColumnWidth(column, width)
        if selected is not None:
            self.select(selected.id)
        elif self.model.rowCount():
            self.table.selectRow(0)
        if not self.model.rowCount():
            self.hint.setText(self.tr("No assessment yet. Choose New assessment to start the guided checklist."))
        else:
            self.hint.setText(self.tr("Double-click an assessment to open it. Submitted and decided assessments "
                                      "open read-only."))
        self._update_buttons()

    def select(self, assessment_id: int) -> None:
        for row in range(self.model.rowCount()):
            if self.model.summary(row).id == assessment_id:
                self.table.selectRow(row)
                return

    def selected(self) -> svc.AssessmentSummary | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= self.model.rowCount():
            return None
        return self.model.summary(rows[0].row())

    def _update_buttons(self) -> None:
        s = self.selected()
        open_one = any(self.model.summary(r).status in ("draft", "in_review") for r in range(self.model.rowCount()))
        self.new_button.setEnabled(not open_one)
        self.new_button.setToolTip(self.tr("Finish or decide the open assessment first") if open_one else "")
        self.open_button.setEnabled(s is not None)
        self.reassess_button.setEnabled(s is not None and s.status in DECIDED and not open_one)
        self.approve_button.setEnabled(s is not None and s.status == "in_review")
        self.export_button.setEnabled(s is not None)
        self.preview_button.setEnabled(s is not None)
        self.changes_button.setEnabled(s is not None and s.stale_since is not None)

    # ------------------------------------------------------------------ actions
    @Slot()
    def _new_clicked(self) -> None:
        self.new_assessment()

    def new_assessment(self, template_id: int | None = None) -> Operation | None:
        """Create a draft (preparer: the current user) off the GUI thread, then open it. Without a
        template, the templates are listed first (an operation too: a database without the shipped
        template stores it then), and the user chooses one."""
        if template_id is None:
            def listed(templates: list[Any]) -> None:
                chosen = self.choose_template(self, templates)
                if chosen is not None:
                    self.new_assessment(chosen.id)

            self.last_operation = run_operation(
                self, self.tr("Preparing the assessment…"), self.backend,
                lambda uow, _progress, _cancelled: list_templates(uow.backend), on_success=listed,
                show_progress=False)
            return self.last_operation
        vendor_id, preparer, tid = self.vendor_id, current_actor(self.backend), template_id

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> int:
            return svc.create_assessment(uow.backend, vendor_id, tid, preparer=preparer, actor=preparer).id

        self.last_operation = run_operation(self, self.tr("Preparing the assessment…"), self.backend, work,
                                            on_success=self._created, changes=ChangeSet(vendors=True, assessments=True,
                                                                                        vendor_id=vendor_id))
        return self.last_operation

    def _created(self, assessment_id: int) -> None:
        self.reload()
        self.select(assessment_id)
        self.open_assessment.emit(assessment_id)

    @Slot()
    def open_selected(self) -> None:
        s = self.selected()
        if s is not None:
            self.open_assessment.emit(s.id)

    @Slot()
    def reassess_selected(self) -> Operation | None:
        s = self.selected()
        if s is None:
            return None
        previous, actor = s.id, current_actor(self.backend)

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> int:
            return svc.reopen_assessment(uow.backend, previous, preparer=actor, actor=actor).id

        self.last_operation = run_operation(self, self.tr("Starting the re-assessment…"), self.backend, work,
                                            on_success=self._created,
                                            changes=ChangeSet(vendors=True, assessments=True, vendor_id=self.vendor_id))
        return self.last_operation

    @Slot()
    def approve_selected(self) -> QDialog | None:
        s = self.selected()
        if s is None or s.status != "in_review":
            return None
        return self.sign_off(s.id)

    def sign_off(self, assessment_id: int) -> QDialog:
        from desktop.ui.report import SignOffDialog

        dialog = SignOffDialog(self.backend, assessment_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: announce(ChangeSet(vendors=True, assessments=True,
                                                              vendor_id=self.vendor_id)))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _export_clicked(self) -> None:
        s = self.selected()
        if s is None:
            return
        name, _f = QFileDialog.getSaveFileName(
            self, self.tr("Export report"), f"assessment-{s.id}-v{s.series_version}.pdf", self.tr("PDF (*.pdf)"))
        if name:
            path = Path(name)
            self.export_to(s.id, path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def export_to(self, assessment_id: int, path: Path, lang: str | None = None) -> Operation:
        return export_report(self, self.backend, assessment_id, path, lang)

    @Slot()
    def preview_selected(self) -> Operation | None:
        s = self.selected()
        if s is None:
            return None
        return preview_report(self, self.backend, s.id, self)

    @Slot()
    def show_changes(self) -> str:
        s = self.selected()
        if s is None:
            return ""
        try:
            changes = svc.staleness(self.backend, s.id)
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return ""
        lines = [f"• {c.get('when', '')[:10]}  {c.get('message', '')}" for c in changes]
        text = "\n".join(lines) if lines else self.tr("No material change since the decision.")
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Changes since the decision"),
                          self.tr("Changes at the vendor since assessment #{id} was decided:").format(id=s.id),
                          QMessageBox.StandardButton.Close, self)
        box.setDetailedText(text)
        box.setInformativeText(text if len(lines) <= 12 else "\n".join(lines[:12]) + "\n…")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = box
        box.open()
        return text


# --------------------------------------------------------------------------- shared with the main window


def _language() -> str:
    from desktop.core import i18n

    return i18n.current_language()


def export_report(parent: QWidget, backend: Backend, assessment_id: int, path: Path,
                  lang: str | None = None) -> Operation:
    """Write the report (signed if decided, else a draft) off the GUI thread with a progress dialog."""
    from desktop.services.reports import write_report

    language = lang or _language()

    def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> bool:
        return write_report(uow.backend, assessment_id, path, language).signed

    def done(signed: bool) -> None:
        text = (parent.tr("Signed report written to {file}") if signed
                else parent.tr("Draft report written to {file}")).format(file=str(path))
        window = parent.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(text, 8000)

    return run_operation(parent, parent.tr("Writing the report…"), backend, work, on_success=done)


def preview_report(parent: QWidget, backend: Backend, assessment_id: int, owner: Any) -> Operation:
    """Render the report off the GUI thread and show it in a preview window (kept on ``owner.last_dialog``)."""
    from desktop.services.reports import report_pdf

    language = _language()

    def work(eng: Backend, progress: Any, cancelled: Any) -> bytes:
        return report_pdf(eng, assessment_id, language).pdf

    def show(pdf: bytes) -> None:
        from desktop.ui.report import ReportPreview

        dialog = QDialog(parent)
        dialog.setWindowTitle(parent.tr("Report preview — assessment #{id}").format(id=assessment_id))
        fit_size(dialog, 900, 760)
        preview = ReportPreview(pdf, dialog)
        layout = QVBoxLayout(dialog)
        layout.addWidget(preview)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        owner.last_dialog = dialog
        dialog.open()

    return run_query(parent, parent.tr("Rendering the report…"), backend, work, on_success=show)
