"""The assessment wizard, driven through its widgets with qtbot on real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget

from desktop.core import i18n
from desktop.services import assessments as A
from desktop.ui.wizard import AssessmentWizard
from tests.db.test_assessments_support import canned_analyze, default_template, passing_value


def _wizard(qtbot, engine, assessment_id, **kw):
    w = AssessmentWizard(engine, assessment_id, analyze_fn=canned_analyze, **kw)
    qtbot.addWidget(w)
    w.show()
    return w


def _settle(qtbot, w) -> None:
    """Wait until the wizard's saves (operations off the GUI thread) have all finished."""
    if w.busy:
        with qtbot.waitSignal(w.idle, timeout=20_000):
            pass


def _wizard_of(widget) -> AssessmentWizard:
    while not isinstance(widget, AssessmentWizard):
        widget = widget.parentWidget()
    return widget


def _choose(qtbot, editor, value) -> None:
    """Answer through the editor's own widget, as a user would, and wait for the save."""
    widget = editor.input
    if isinstance(widget, QComboBox):
        index = widget.findData(value)
        assert index >= 0, (editor.key, value)
        widget.setCurrentIndex(index)
        widget.activated.emit(index)
    elif isinstance(widget, QListWidget):
        for i in range(widget.count()):
            item = widget.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in value:
                item.setCheckState(Qt.CheckState.Checked)
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(str(value))
        widget.editingFinished.emit()
    _settle(qtbot, _wizard_of(editor))


def _texts(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def _click(qtbot, widget: QListWidget, row: int) -> None:
    widget.scrollToItem(widget.item(row))
    rect = widget.visualItemRect(widget.item(row))
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_progress_side_panel_and_submit_tell_the_same_story(qtbot, demo_engine, tmp_path: Path, monkeypatch):
    """The progress text, the section list and the blocking list read one measure, and evidence counts."""
    s = A.create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    r = w.view.readiness
    unanswered = [q for q in w.view.questions if q.required and q.value is None]
    # 47 required answers, 31 given by the rules; 4 of those say a control exists and need its file
    assert w.progress.text() == "31 of 51 done · left: 16 answers, 4 evidence files"
    assert (w.progress.value(), w.progress.maximum()) == (r.done, r.total) == (31, 51)
    answers = [t for t in _texts(w.blockers) if t.startswith("Answer ")]
    assert answers == [f"Answer {q.key}: {q.text_en}" for q in unanswered]
    assert [t.split(":")[0] for t in _texts(w.blockers) if not t.startswith("Answer ")] == [
        f"Attach evidence to {q.key}" for q in w.view.questions if q.evidence_needed and not q.evidence]
    assert w.missing_label.text() == "Before submitting (20 items):"
    own_left = sum(1 for b in r.blockers if b.section == "ownership")
    assert w.sections.item(0).text() == f"Ownership and control — {own_left} left"
    assert not w.submit_button.isEnabled()
    assert w.submit() is False and A.get_assessment(demo_engine, s.id).summary.status == "draft"
    refused = [b.question for b in w.view.readiness.blockers]
    with pytest.raises(A.IncompleteAssessment) as info:
        A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    assert [m["question"] for m in info.value.missing] == refused  # the panel lists what submit refuses

    # a click on an item goes to its question, on its page, with the cursor in the answer
    last = w.view.readiness.blockers[-1]
    assert w.current_section() != last.section
    _click(qtbot, w.blockers, w.blockers.count() - 1)
    target = w.editors[last.question]
    assert w.current_section() == last.section and w.focusWidget() is target.input
    assert not target.visibleRegion().isEmpty()

    # answering everything: what is left is the evidence of the answers that claim a control
    t = default_template()
    for q in unanswered:
        _choose(qtbot, w.editors[q.key], passing_value(t.question(q.key)))
    r = w.view.readiness
    assert w.progress.text() == f"{r.done} of {r.total} done · left: 6 evidence files"
    assert _texts(w.blockers)[0] == ("Attach evidence to DAT-01: Is our data logically segregated from other "
                                     "customers' data (separate tenants, projects, storage or keys)?")
    assert "Evidence (required): none yet" in w.editors["SEC-01"].status.text()
    # "No" to a question that declares evidence: nothing to prove any more, one requirement less
    monkeypatch.setattr(w, "ask_justification", lambda editor, value: "The SOC 2 report lapsed.")
    _choose(qtbot, w.editors["SEC-01"], "no")
    assert "SEC-01" not in " ".join(_texts(w.blockers)) and w.view.readiness.total == r.total - 1
    assert "Evidence" not in w.editors["SEC-01"].status.text()
    assert w.progress.text() == f"{r.done} of {r.total - 1} done · left: 5 evidence files"
    # ... and the finding it makes is a statement, not the question
    finding = next(t for t in _texts(w.findings) if " SEC-01: " in t)
    assert finding.startswith("[blocker] SEC-01: ") and w.view.question("SEC-01").text_en not in finding

    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    monkeypatch.setattr(w, "choose_evidence_file", lambda: evidence)
    for key in ("DAT-01", "DAT-03", "SEC-04", "CON-01", "EXT-02"):
        qtbot.mouseClick(w.editors[key].attach_button, Qt.MouseButton.LeftButton)
        _settle(qtbot, w)
    total = w.view.readiness.total
    assert w.progress.text() == f"{total} of {total} done · ready to submit"
    assert w.missing_label.text() == "Ready to submit: everything required is answered and documented."
    assert w.blockers.isHidden() and w.submit_button.isEnabled()
    assert w.sections.item(0).text() == "Ownership and control ✓"
    with qtbot.waitSignal(w.submitted):
        qtbot.mouseClick(w.submit_button, Qt.MouseButton.LeftButton)
    assert A.get_assessment(demo_engine, s.id).summary.status == "in_review"


def test_answers_autosave_and_survive_closing(qtbot, demo_engine):
    s = A.create_assessment(demo_engine, "Kestrel Red-Teaming Ltd", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    assert w.pages.count() == 8 and w.sections.count() == 8
    assert w.progress.value() == sum(1 for q in w.view.questions if q.required and q.value is not None)
    before = w.progress.value()
    _choose(qtbot, w.editors["OWN-06"], "no")
    _choose(qtbot, w.editors["SEC-05"], "48")
    _choose(qtbot, w.editors["DAT-09"], ["dedicated_staff", "customer_keys"])
    _choose(qtbot, w.editors["EXT-05"], "2025-02-01")
    assert w.progress.value() == before + 2  # OWN-06 and SEC-05 are required; the others are optional
    w.next_page()
    assert w.current_section() == "governance"
    w.close()
    # a fresh wizard (e.g. after a crash) shows what was saved
    again = _wizard(qtbot, demo_engine, s.id)
    assert again.editors["OWN-06"].input.currentData() == "no"
    assert again.editors["SEC-05"].input.text() == "48"
    assert again.editors["EXT-05"].input.text() == "2025-02-01"
    assert again.editors["DAT-09"].current_value() == ["dedicated_staff", "customer_keys"]
    view = A.get_assessment(demo_engine, s.id)
    assert view.question("SEC-05").value == 48 and view.question("OWN-06").source == "preparer"


def test_invalid_value_shows_an_error_and_saves_nothing(qtbot, demo_engine):
    s = A.create_assessment(demo_engine, "Kestrel Red-Teaming Ltd", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    _choose(qtbot, w.editors["SEC-05"], "three days")
    assert "not a number" in w.editors["SEC-05"].error.text() and not w.editors["SEC-05"].error.isHidden()
    assert A.get_assessment(demo_engine, s.id).question("SEC-05").value is None


def test_rule_answers_are_prefilled_and_override_needs_justification(qtbot, demo_engine, monkeypatch):
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    own = w.editors["OWN-01"]
    assert own.input.currentData() == "yes"
    assert "49%" in own.suggestion.text() and own.suggestion.isVisibleTo(w)
    assert w.view.result.rating == "not_neutral" and "Not neutral" in w.rating_label.text()
    asked = []
    monkeypatch.setattr(w, "ask_justification", lambda editor, value: asked.append(value) or None)
    _choose(qtbot, own, "no")  # cancelled: back to the saved answer
    assert asked == ["no"] and own.input.currentData() == "yes"
    assert A.get_assessment(demo_engine, s.id).question("OWN-01").value == "yes"
    monkeypatch.setattr(w, "ask_justification", lambda editor, value: "Stake sold, see registry filing.")
    _choose(qtbot, own, "no")
    saved = A.get_assessment(demo_engine, s.id).question("OWN-01")
    assert (saved.value, saved.source, saved.justification) == ("no", "preparer", "Stake sold, see registry filing.")
    assert "Justification" in own.status.text()
    assert "GOV-02" in [w.findings.item(i).text().split(":")[0].split()[-1] for i in range(w.findings.count())]


def test_the_findings_panel_states_what_is_wrong(qtbot, demo_engine):
    """Each line is the finding's statement (never the question); its tooltip gives the why and the path."""
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    A.answer_question(demo_engine, s.id, "GOV-04", "no", justification="No written policy yet.")
    w = _wizard(qtbot, demo_engine, s.id)
    items = {w.findings.item(i).text().split(":")[0].split()[-1]: w.findings.item(i)
             for i in range(w.findings.count()) if w.findings.item(i).text().startswith("[")}
    own, gov = items["OWN-01"], items["GOV-04"]
    view = A.get_assessment(demo_engine, s.id)
    assert own.text().startswith("[blocker] OWN-01: ") and view.question("OWN-01").explanation_en in own.text()
    assert view.question("OWN-01").text_en not in own.text()
    assert gov.text() == ("[major] GOV-04: The vendor has no conflict-of-interest policy that makes directors and "
                          "staff declare ties with its customers' competitors.")
    assert "Why: No written policy yet." in gov.toolTip()
    assert "Does the vendor have a conflict-of-interest policy" in gov.toolTip()


def test_submission_blocked_until_required_answers_and_evidence(qtbot, demo_engine, tmp_path: Path, monkeypatch):
    s = A.create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    assert not w.submit_button.isEnabled()
    assert w.submit() is False and "Answer OWN-06: " in " ".join(_texts(w.blockers))
    assert A.get_assessment(demo_engine, s.id).summary.status == "draft"
    t = default_template()
    for key, editor in w.editors.items():
        if editor.state.value is None and editor.state.required:
            _choose(qtbot, editor, passing_value(t.question(key)))
    assert w.submit() is False
    assert _texts(w.blockers)[0].startswith("Attach evidence to DAT-01: ")
    assert w.current_section() == w._section_of(w.view.missing[0]["question"])
    assert not w.submit_button.isEnabled()
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    monkeypatch.setattr(w, "choose_evidence_file", lambda: evidence)
    for editor in w.editors.values():
        if editor.state.evidence_required:
            qtbot.mouseClick(editor.attach_button, Qt.MouseButton.LeftButton)
            _settle(qtbot, w)
    assert w.view.missing == [] and w.submit_button.isEnabled()
    assert "evidence.pdf" in w.editors["SEC-01"].status.text()
    assert w.view.result.rating == "neutral"
    with qtbot.waitSignal(w.submitted):
        qtbot.mouseClick(w.submit_button, Qt.MouseButton.LeftButton)
    assert A.get_assessment(demo_engine, s.id).summary.status == "in_review"
    assert not w.editors["OWN-06"].input.isEnabled() and w.banner.isVisibleTo(w)
    assert not w.submit_button.isEnabled()


def test_wizard_in_spanish(qtbot, demo_engine):
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id, lang="es")
    assert w.sections.item(0).text().startswith("Propiedad y control")
    assert "No neutral" in w.rating_label.text()
    assert "¿Posee un competidor" in w.editors["OWN-01"].title.text()
    assert w.editors["OWN-01"].input.currentText() == "Sí"
    score = w.view.result.score
    assert score is not None
    assert w.rating_label.text().endswith(f": {i18n.format_number(score, 'es')}")  # 63,2 (not Python's 63.2)
    assert score == int(score) or f"{score:g}" not in w.rating_label.text()
    assert w.progress.text().startswith(f"{w.view.readiness.done} de {w.view.readiness.total} hechos · faltan: ")
    assert _texts(w.blockers)[0].startswith("Responda OWN-06: ")


def test_template_chooser_shows_the_title_in_the_interface_language(demo_engine):
    from desktop.services.checklists import list_templates
    from desktop.ui.assessments_tab import template_title

    template = list_templates(demo_engine)[0]
    assert template.title_es and template.title_es != template.title_en
    assert template_title(template, "es") == template.title_es
    assert template_title(template, "en") == template.title_en


def test_seed_case_vendor_through_the_wizard_is_not_neutral(qtbot, demo_engine, tmp_path: Path, monkeypatch):
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    t = default_template()
    for key, editor in w.editors.items():
        if editor.state.value is None and editor.state.required:
            _choose(qtbot, editor, passing_value(t.question(key)))
    evidence = tmp_path / "soc2.pdf"
    evidence.write_bytes(b"%PDF-1.4 report")
    monkeypatch.setattr(w, "choose_evidence_file", lambda: evidence)
    for editor in w.editors.values():
        if editor.state.evidence_required:
            qtbot.mouseClick(editor.attach_button, Qt.MouseButton.LeftButton)
            _settle(qtbot, w)
    with qtbot.waitSignal(w.submitted):
        assert w.submit() is True
    done = A.get_assessment(demo_engine, s.id)
    assert done.summary.status == "in_review" and done.summary.rating == "not_neutral"
    assert {"OWN-01", "GOV-02"} <= {f.code for f in done.findings}
    assert "Not neutral" in w.rating_label.text()


def test_reassessment_banner_and_changed_marks(qtbot, demo_engine):
    from db.engine import unit_of_work
    from db.models import Assessment
    from db.types import utcnow

    s = A.create_assessment(demo_engine, "Veridata Annotations Ltd", analyze_fn=canned_analyze)
    with unit_of_work(demo_engine, "approver") as session:
        a = session.get(Assessment, s.id)
        a.status, a.approver, a.decided_at = "approved", "approver", utcnow()
        session.add(a)
    decided = _wizard(qtbot, demo_engine, s.id)
    assert "can no longer be changed" in decided.banner.text() and not decided.editors["OWN-06"].input.isEnabled()
    new = A.reopen_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, new.id)
    assert "Re-assessment" in w.banner.text() and w.editors["OWN-06"].input.isEnabled()


def test_closing_waits_for_the_answers_still_being_saved(qtbot, demo_engine):
    """Answers given just before the window closes are saved (they run one after another off the GUI
    thread): nothing the user typed is lost."""
    s = A.create_assessment(demo_engine, "Kestrel Red-Teaming Ltd", analyze_fn=canned_analyze)
    w = _wizard(qtbot, demo_engine, s.id)
    w.editors["SEC-05"].input.setText("48")
    w.editors["SEC-05"].input.editingFinished.emit()
    w.editors["EXT-05"].input.setText("2025-02-01")
    w.editors["EXT-05"].input.editingFinished.emit()
    combo = w.editors["OWN-06"].input
    combo.setCurrentIndex(combo.findData("no"))
    combo.activated.emit(combo.currentIndex())
    assert w.busy  # three saves queued or running
    w.close()
    assert not w.busy
    view = A.get_assessment(demo_engine, s.id)
    assert (view.question("SEC-05").value, view.question("EXT-05").value, view.question("OWN-06").value) == \
        (48, "2025-02-01", "no")
