"""AssessmentWizard: one page per checklist section, progress, live rating, autosave.

Every change is saved at once through ``desktop.services.assessments`` as one operation (one unit of
work, off the GUI thread; desktop/ui/operations.py), so closing the window or a crash loses nothing;
opening the wizard again shows what was saved. Saves run one after another in the order the user made
them (each needs the version the previous one wrote); ``idle`` is emitted when none is left.
Answers suggested by auto-rules are pre-filled with their explanation; changing one asks for a
justification. Evidence is attached per question through a file picker. The progress bar, the
section list, the "before submitting" list and the Submit button all read one measure,
``AssessmentView.readiness`` (desktop.core.checklist.readiness), the same the service refuses with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import i18n
from desktop.core.findings import Finding
from desktop.core.i18n import ntr
from desktop.services import assessments
from desktop.services.assessments import AssessmentView, QuestionState
from desktop.services.backend import Backend
from desktop.services.findings import ownership_findings_for
from desktop.ui.operations import Operation, UnitOfWork, error_text, run_operation
from desktop.ui.wizard.question import JustificationDialog, QuestionEditor, escape_html

_RATING_COLOURS = {"neutral": "#1b7f3b", "conditionally_neutral": "#a86400", "not_neutral": "#b3261e"}
__all__ = ["AssessmentWizard", "JustificationDialog", "QuestionEditor"]


class AssessmentWizard(QWidget):
    """The guided assessment: embed it anywhere (``AssessmentWizard(backend, assessment_id)``)."""

    saved = Signal(str)  # question key, after every successful save
    submitted = Signal(int)
    idle = Signal()  # every save asked for has finished (successfully or not)

    def __init__(self, backend: Backend, assessment_id: int, parent: QWidget | None = None, *, lang: str | None = None,
                 actor: str | None = None, analyze_fn: Any = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.assessment_id = assessment_id
        self.lang = lang = lang or i18n.current_language()
        self.actor = actor
        self.analyze_fn = analyze_fn
        # the ownership analysis' findings, once: they name the competitor and path of the rules' answers
        self.ownership: list[Finding] = ownership_findings_for(backend, assessment_id, analyze_fn)
        self.view: AssessmentView = assessments.get_assessment(backend, assessment_id, ownership=self.ownership)
        self.editors: dict[str, QuestionEditor] = {}
        # saves waiting their turn: (question key or "", the write, what to do when it fails)
        self._queue: list[tuple[str, Callable[[], Callable[[Backend], Any]], Callable[[BaseException], None]]] = []
        self.last_operation: Operation | None = None
        self._running = False
        self._scrolls: list[QScrollArea] = []
        s = self.view.summary
        self.setWindowTitle(self.tr("Assessment #{0} — {1}").format(s.id, s.vendor_name))

        outer = QVBoxLayout(self)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        outer.addWidget(self.header)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Progress"))
        outer.addWidget(self.progress)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #eef; padding: 4px;")
        self.banner.hide()
        outer.addWidget(self.banner)

        splitter = QSplitter(self)
        self.sections = QListWidget(splitter)
        self.sections.setAccessibleName(self.tr("Sections"))
        _wrapping(self.sections)
        self.pages = QStackedWidget(splitter)
        for section in self.view.sections:
            QListWidgetItem(section["title_es" if lang == "es" else "title_en"], self.sections)
            page = QWidget()
            page_layout = QVBoxLayout(page)
            for state in self.view.section_questions(section["id"]):
                editor = QuestionEditor(state, lang, page)
                editor.changed.connect(self._answer_changed)
                editor.attach_requested.connect(self._attach_requested)
                self.editors[state.key] = editor
                page_layout.addWidget(editor)
            page_layout.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.pages.addWidget(scroll)
            self._scrolls.append(scroll)
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)

        panel = QWidget(splitter)
        panel_layout = QVBoxLayout(panel)
        self.rating_label = QLabel(panel)
        self.rating_label.setWordWrap(True)
        self.rating_label.setTextFormat(Qt.TextFormat.RichText)
        panel_layout.addWidget(self.rating_label)
        # what blocks submission: the same list submit refuses with; a click goes to the question
        self.missing_label = QLabel(panel)
        self.missing_label.setWordWrap(True)
        panel_layout.addWidget(self.missing_label)
        self.blockers = QListWidget(panel)
        self.blockers.setAccessibleName(self.tr("Before submitting"))
        _wrapping(self.blockers)
        self.blockers.setToolTip(self.tr("Click an item to go to its question."))
        self.blockers.itemClicked.connect(self._go_to_item)
        self.blockers.itemActivated.connect(self._go_to_item)
        panel_layout.addWidget(self.blockers, 1)
        panel_layout.addWidget(QLabel(self.tr("Findings and conditions"), panel))
        self.findings = QListWidget(panel)
        self.findings.setAccessibleName(self.tr("Findings"))
        _wrapping(self.findings)
        self.findings.itemActivated.connect(self._go_to_item)
        panel_layout.addWidget(self.findings, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 620, 320])
        outer.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self.previous_page)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.next_button.clicked.connect(self.next_page)
        self.submit_button = QPushButton(self.tr("Submit for review"), self)
        self.submit_button.clicked.connect(self._submit_clicked)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        outer.addLayout(buttons)

        self.sections.setCurrentRow(0)
        self._refresh_panel()

    # -- navigation

    @Slot()
    def next_page(self) -> None:
        self.sections.setCurrentRow(min(self.sections.currentRow() + 1, self.sections.count() - 1))

    @Slot()
    def previous_page(self) -> None:
        self.sections.setCurrentRow(max(self.sections.currentRow() - 1, 0))

    def current_section(self) -> str:
        return self.view.sections[self.pages.currentIndex()]["id"]

    def show_section(self, section_id: str) -> None:
        ids = [s["id"] for s in self.view.sections]
        self.sections.setCurrentRow(ids.index(section_id))

    def go_to_question(self, key: str) -> None:
        """Show the question's page, scroll to it and put the cursor in its answer."""
        editor = self.editors.get(key)
        if editor is None:
            return
        self.show_section(editor.state.section)
        self._scrolls[self.pages.currentIndex()].ensureWidgetVisible(editor)
        editor.input.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(QListWidgetItem)
    def _go_to_item(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key:
            self.go_to_question(str(key))

    # -- hooks a test or an embedding window may replace

    def ask_justification(self, editor: QuestionEditor, value: Any) -> str | None:
        """Ask why the user overrides the rule's suggestion; None cancels the change."""
        dialog = JustificationDialog(editor.label_for(editor.state.suggested), editor.state.explanation(self.lang),
                                     editor.label_for(value), self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.justification() or None
        finally:
            dialog.deleteLater()

    def choose_evidence_file(self) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("Attach evidence"))
        return Path(name) if name else None

    # -- saving

    @Slot(str, object)
    def _answer_changed(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        state = editor.state
        justification = ""
        normalised = value if value not in ("", []) else None
        if state.suggested is not None and normalised is not None and not self._same(state, normalised):
            reason = self.ask_justification(editor, normalised)
            if reason is None:
                editor.show_state(state)  # cancelled: back to the saved answer
                return
            justification = reason
        aid, actor = self.assessment_id, self.actor

        def save() -> Callable[[Backend], Any]:
            version = editor.state.answer_version  # what the previous save wrote, read when its turn comes
            return lambda backend: assessments.answer_question(
                backend, aid, key, normalised, justification=justification, expected_version=version, actor=actor)

        def failed(exc: BaseException) -> None:
            editor.show_state(editor.state)
            editor.show_error(error_text(exc))

        self._enqueue(key, save, failed)

    @staticmethod
    def _same(state: QuestionState, value: Any) -> bool:
        if state.answer_type == "number":
            try:
                return float(str(value).replace(",", ".")) == float(state.suggested)
            except (TypeError, ValueError):
                return False
        return bool(value == state.suggested)

    @Slot(str)
    def _attach_requested(self, key: str) -> None:
        path = self.choose_evidence_file()
        if path is None:
            return
        editor = self.editors[key]
        aid, actor = self.assessment_id, self.actor

        def save() -> Callable[[Backend], Any]:
            return lambda backend: assessments.attach_evidence(backend, aid, key, path, actor=actor)

        self._enqueue(key, save, lambda exc: editor.show_error(error_text(exc)))

    def maybe_close(self) -> bool:
        """Closing never loses an answer: saves still running or waiting their turn are waited for (the
        window stays responsive meanwhile). Always True: every answer is saved as it is given."""
        if self.busy:
            loop = QEventLoop()
            self.idle.connect(loop.quit)
            loop.exec()
            self.idle.disconnect(loop.quit)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.maybe_close()
        event.accept()

    @property
    def busy(self) -> bool:
        """A save is running or waiting its turn."""
        return self._running or bool(self._queue)

    def _enqueue(self, key: str, save: Callable[[], Callable[[Backend], Any]],
                 failed: Callable[[BaseException], None]) -> None:
        self._queue.append((key, save, failed))
        self._next()

    def _next(self) -> None:
        if self._running:
            return
        if not self._queue:
            self.idle.emit()
            return
        key, save, failed = self._queue.pop(0)
        write = save()
        aid, ownership = self.assessment_id, self.ownership

        def work(uow: UnitOfWork, _progress: Any, _cancelled: Any) -> AssessmentView:
            write(uow.backend)
            return assessments.get_assessment(uow.backend, aid, ownership=ownership)  # what it now holds

        def done(view: AssessmentView) -> None:
            self._running = False
            self._show(view)
            if key:
                self.saved.emit(key)
            else:
                self.submitted.emit(self.assessment_id)
            self._next()

        def fail(exc: BaseException) -> None:
            self._running = False
            failed(exc)
            self._next()

        self._running = True
        self.last_operation = run_operation(self, "", self.backend, work, on_success=done, on_failure=fail,
                                            show_progress=False)

    def reload(self) -> None:
        """Show what the database holds now (e.g. after the vendor's answers were imported)."""
        self._reload()

    def _reload(self) -> None:
        self._show(assessments.get_assessment(self.backend, self.assessment_id, ownership=self.ownership))

    def _show(self, view: AssessmentView) -> None:
        self.view = view
        for state in self.view.questions:
            editor = self.editors.get(state.key)
            if editor is not None and editor.state != state:
                editor.show_state(state)
        self._refresh_panel()

    # -- panel, progress, submission

    def _refresh_panel(self) -> None:
        view = self.view
        s = view.summary
        result = view.result
        lang = self.lang
        self.header.setText(self.tr("{0} — {1}, version {2} · status: {3}").format(
            s.vendor_name, view.title_es if lang == "es" else view.title_en, s.series_version,
            self.tr(s.status.replace("_", " "))))
        ready = view.readiness  # the one measure: progress, sections, this list and submit agree
        self.progress.setMaximum(max(ready.total, 1))
        self.progress.setValue(ready.done)
        self.progress.setFormat(ready.progress_text(lang))
        left_by_section: dict[str, int] = {}
        for b in ready.blockers:
            left_by_section[b.section] = left_by_section.get(b.section, 0) + 1
        for row, section in enumerate(view.sections):
            title = section["title_es" if lang == "es" else "title_en"]
            left = left_by_section.get(section["id"], 0)
            self.sections.item(row).setText(
                ntr("{title} — {n} left", "{title} — {n} left", left, lang, title=title) if left
                else f"{title} ✓")
        colour = _RATING_COLOURS[result.rating]
        provisional = self.tr(" (provisional)") if result.provisional else ""
        score = "—" if result.score is None else i18n.format_number(result.score, lang)
        self.rating_label.setText(
            f"<span style='font-size: large; color: {colour};'><b>{escape_html(result.rating_label(lang))}</b></span>"
            f"{escape_html(provisional)}<br>" + escape_html(self.tr("Score: {0}").format(score)))
        self.blockers.clear()
        for b in ready.blockers:
            item = QListWidgetItem(b.label(lang), self.blockers)
            item.setData(Qt.ItemDataRole.UserRole, b.question)
        if ready.ready:
            self.missing_label.setText(self.tr("Ready to submit: everything required is answered and documented."))
        else:
            self.missing_label.setText(ntr("Before submitting ({n} item):", "Before submitting ({n} items):",
                                           len(ready.blockers), lang))
        self.blockers.setVisible(not ready.ready)
        self.findings.clear()
        # an ownership finding a checklist finding rests on is already said by it (its statement quotes it)
        said = {code for f in view.findings if f.source == "checklist" for code in f.related}
        for f in view.findings:
            if f.source == "ownership" and f.code in said:
                continue
            partly = self.tr(" (partly met)") if f.outcome == "partial" else ""
            item = QListWidgetItem(f"[{self.tr(f.severity)}{partly}] {f.code}: {f.message(lang)}", self.findings)
            item.setToolTip(self._finding_details(f))
            item.setData(Qt.ItemDataRole.UserRole, f.question.id if f.question is not None else "")
        for c in result.conditions:
            QListWidgetItem(self.tr("Condition {0}: {1}").format(c["question"], c[lang]), self.findings)
        editable = s.status == "draft"
        self.submit_button.setEnabled(ready.ready)
        for editor in self.editors.values():
            editor.set_read_only(not editable)
        if not editable:
            self.banner.setText(self.tr("This assessment is {0}; it can no longer be changed.").format(
                self.tr(s.status.replace("_", " "))))
            self.banner.show()
        elif s.previous_id is not None:
            self.banner.setText(self.tr("Re-assessment: questions marked “changed” differ from version {0}.")
                                .format(s.series_version - 1))
            self.banner.show()
        else:
            self.banner.hide()

    @Slot()
    def _submit_clicked(self) -> None:
        self.submit()

    def submit(self) -> bool:
        """Submit for review (as an operation; ``submitted`` follows). False, and the missing items shown,
        when something required is missing."""
        if not self.busy:
            self._reload()
        first = next((b for b in self.view.readiness.blockers if b.question), None)
        if first is not None:
            self.go_to_question(first.question)
            return False
        if not self.view.readiness.ready:
            return False
        aid, actor, analyze_fn = self.assessment_id, self.actor, self.analyze_fn

        def save() -> Callable[[Backend], Any]:
            return lambda backend: assessments.submit_assessment(backend, aid, actor=actor, analyze_fn=analyze_fn)

        def failed(exc: BaseException) -> None:
            self._reload()
            if not isinstance(exc, assessments.IncompleteAssessment):  # that one shows in the list
                self.missing_label.setText(error_text(exc))

        self.submit_button.setEnabled(False)
        self._enqueue("", save, failed)
        return True

    def _finding_details(self, f: Finding) -> str:
        """The finding's question, why, competitor and path, for its tooltip."""
        lang = self.lang
        lines = [f.question.text.get(lang)] if f.question is not None else []
        if f.why is not None:
            lines.append(self.tr("Why: {0}").format(f.why.get(lang)))
        if f.competitor:
            lines.append(self.tr("Competitor: {0}").format(f.competitor))
        lines += [self.tr("Path: {0}").format(p.get(lang)) for p in f.paths]
        return "\n".join(lines)

    def _section_of(self, key: str) -> str:
        return next(q.section for q in self.view.questions if q.key == key)


def _wrapping(view: QListWidget) -> None:
    """Long items wrap instead of scrolling sideways; items are told apart by spacing and shading."""
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListWidget.ResizeMode.Adjust)
    view.setAlternatingRowColors(True)
    view.setSpacing(2)
