"""The wiring of the assessment features into the main window: the vendor editor's Assessments tab
opens the wizard, Approve & sign opens the sign-off dialog, reports are exported off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.services import assessments as A
from desktop.ui.assessments_tab import AssessmentsTab
from desktop.ui.main_window import MainWindow
from desktop.ui.report import SignOffDialog
from desktop.ui.wizard import AssessmentWizard
from tests.db.test_assessments import complete


def _window(qtbot, engine, settings) -> MainWindow:
    window = MainWindow(engine, "test", None, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _vendor(engine, name: str) -> int:
    from db.engine import read_session
    from desktop.services.assessments import resolve_vendor

    with read_session(engine) as s:
        return int(resolve_vendor(s, name).id)


def test_new_assessment_from_the_tab_opens_the_wizard(qtbot, qtmodeltester, demo_engine, settings, monkeypatch):
    monkeypatch.setenv("VETTA_USER", "Marta Gil")
    window = _window(qtbot, demo_engine, settings)
    editor = window.open_vendor(_vendor(demo_engine, "Scalewise Data Inc."))
    tab = editor.assessments
    assert isinstance(tab, AssessmentsTab) and tab.model.rowCount() == 0
    assert tab.new_button.isEnabled() and not tab.approve_button.isEnabled()
    asked = []
    tab.choose_template = lambda parent, templates: asked.append(templates) or templates[0]
    with qtbot.waitSignal(tab.open_assessment, timeout=30000) as opened:
        qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assessment_id = opened.args[0]
    assert asked and asked[0][0].key == "ai-data-vendor-neutrality"
    wizard = window.workspace.currentWidget()
    assert isinstance(wizard, AssessmentWizard) and wizard.assessment_id == assessment_id
    assert "Scalewise" in window.workspace.tabText(window.workspace.currentIndex())
    summary = A.get_assessment(demo_engine, assessment_id).summary
    # who acts: VETTA_USER on SQLite; on PostgreSQL the database login, whatever the environment says
    expected = "Marta Gil" if demo_engine.dialect.name == "sqlite" else demo_engine.url.username
    assert summary.preparer == expected and summary.status == "draft"
    # the tab lists it; only one open assessment per vendor
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 1 and tab.model.index(0, 1).data() == "Draft"
    assert not tab.new_button.isEnabled()
    # Open again does not duplicate the workspace tab; closing the wizard tab needs no prompt
    count = window.workspace.count()
    window.workspace.setCurrentWidget(editor)
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert window.workspace.count() == count and window.workspace.currentWidget() is wizard
    assert window.current_vendor_id() == editor.vendor_id
    assert window.close_tab(window.workspace.indexOf(wizard)) is True


def test_approve_and_sign_opens_the_signoff_dialog_for_the_submitted_one(qtbot, demo_engine, settings):
    vendor_id = _vendor(demo_engine, "Clearlabel Cooperativa S.Coop.")
    s = A.create_assessment(demo_engine, vendor_id, preparer="Paula Preparer")
    complete(demo_engine, s.id)
    A.submit_assessment(demo_engine, s.id)
    window = _window(qtbot, demo_engine, settings)
    editor = window.open_vendor(vendor_id)
    tab = editor.assessments
    assert tab is not None
    tab.table.selectRow(0)
    assert tab.model.index(0, 1).data() == "In review" and tab.model.index(0, 2).data() == "Neutral"
    assert tab.approve_button.isEnabled() and not tab.reassess_button.isEnabled()
    qtbot.mouseClick(tab.approve_button, Qt.MouseButton.LeftButton)
    dialog = tab.last_dialog
    assert isinstance(dialog, SignOffDialog) and dialog.assessment_id == s.id and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=30000)
    dialog.close()
    # the Assessment menu finds the same one from the editor in front
    menu_dialog = window.approve_current()
    assert isinstance(menu_dialog, SignOffDialog) and menu_dialog.assessment_id == s.id
    qtbot.waitUntil(lambda: not menu_dialog.busy(), timeout=30000)
    menu_dialog.close()


def test_export_report_writes_a_draft_pdf_off_the_gui_thread(qtbot, sqlite_engine, settings, tmp_path: Path):
    from desktop.services.demo import load_demo

    load_demo(sqlite_engine, "tester")
    vendor_id = _vendor(sqlite_engine, "Clearlabel Cooperativa S.Coop.")
    s = A.create_assessment(sqlite_engine, vendor_id)
    window = _window(qtbot, sqlite_engine, settings)
    tab = window.open_vendor(vendor_id).assessments
    assert tab is not None
    tab.table.selectRow(0)
    target = tmp_path / "report.pdf"
    operation = tab.export_to(s.id, target, "en")
    with qtbot.waitSignal(operation.done, timeout=60000) as finished:
        pass
    assert finished.args[1] is None and target.exists()
    text = PdfReader(str(target)).pages[0].extract_text()
    assert "Clearlabel" in text


def test_assessment_menu_without_a_vendor_explains(qtbot, sqlite_engine, settings):
    window = _window(qtbot, sqlite_engine, settings)
    assert window.new_assessment() is None
    assert "vendor" in window.last_dialog.text().lower()


@pytest.mark.parametrize("name", ["broken.json"])
def test_bods_import_error_is_one_clear_sentence(qtbot, sqlite_engine, settings, tmp_path: Path, name, monkeypatch):
    from desktop.ui import operations

    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc: shown.append(str(exc)))
    window = _window(qtbot, sqlite_engine, settings)
    bad = tmp_path / name
    bad.write_text("{ not json", encoding="utf-8")
    operation = window.import_bods(bad)
    with qtbot.waitSignal(operation.done, timeout=30000) as finished:
        pass
    assert finished.args[1] is not None
    assert shown and name in shown[0] and "Traceback" not in shown[0]


def test_backup_now_writes_a_backup(qtbot, settings, tmp_path: Path):
    from desktop.services.database import open_database

    url = str(tmp_path / "vetta.sqlite3")
    engine = open_database(url, daily_backup=False)
    try:
        window = MainWindow(engine, "vetta.sqlite3", url, settings)
        qtbot.addWidget(window)
        path = window.backup_now()
        assert path is not None and path.exists() and path.stat().st_size > 0
    finally:
        engine.dispose()


def test_about_names_the_database_and_the_licences(qtbot, sqlite_engine, settings):
    window = _window(qtbot, sqlite_engine, settings)
    text = window.about_text()
    assert "DejaVu" in text and "Beneficial Ownership Data Standard" in text and "test" in text


def test_stale_flag_changes_on_demand_and_reassess(qtbot, qtmodeltester, sqlite_engine, settings):
    from db.engine import unit_of_work
    from db.models import Commitment
    from desktop.services.demo import load_demo
    from tests.db.test_assessments import _decide

    load_demo(sqlite_engine, "tester")
    vendor_id = _vendor(sqlite_engine, "Veridata Annotations Ltd")
    s = A.create_assessment(sqlite_engine, vendor_id, preparer="Paula Preparer")
    _decide(sqlite_engine, s.id, "approved")
    with unit_of_work(sqlite_engine, "security") as session:
        session.add(Commitment(vendor_id=vendor_id, kind="access_logging", details="12 months"))
    # The material change marked the decided assessment stale by itself, in the same transaction.
    assert A.get_assessment(sqlite_engine, s.id).summary.stale_since is not None
    window = _window(qtbot, sqlite_engine, settings)
    tab = window.open_vendor(vendor_id).assessments
    assert tab is not None
    qtmodeltester.check(tab.model)
    tab.table.selectRow(0)
    assert tab.model.index(0, 7).data() == "STALE" and tab.model.index(0, 6).data() not in (None, "—")
    assert tab.changes_button.isEnabled() and tab.reassess_button.isEnabled() and tab.new_button.isEnabled()
    text = tab.show_changes()
    assert "commitment" in text
    tab.last_dialog.close()
    with qtbot.waitSignal(tab.open_assessment, timeout=30000) as opened:
        qtbot.mouseClick(tab.reassess_button, Qt.MouseButton.LeftButton)
    again = A.get_assessment(sqlite_engine, opened.args[0]).summary
    assert again.series_version == 2 and again.previous_id == s.id and again.status == "draft"
    assert isinstance(window.workspace.currentWidget(), AssessmentWizard)
    assert tab.model.rowCount() == 2 and tab.model.index(0, 0).data().startswith("v2")


def test_questionnaire_round_trip_from_the_assessment_menu(qtbot, demo_engine, settings, tmp_path: Path,
                                                           monkeypatch):
    """Send the questionnaire, import the vendor's filled workbook; a wrong workbook changes nothing."""
    from desktop.ui import operations, questionnaire
    from tests.db.test_questionnaire import _fill, _snapshot

    vendor_id = _vendor(demo_engine, "Lumen RLHF Partners LLC")
    s = A.create_assessment(demo_engine, vendor_id)
    window = _window(qtbot, demo_engine, settings)
    window.open_vendor(vendor_id)
    assert window.current_assessment_id(status="draft") == s.id
    assert window.send_questionnaire_action in window.assessment_menu.actions()
    wizard = window.open_assessment(s.id)

    path = tmp_path / "lumen questionnaire.xlsx"
    monkeypatch.setattr(questionnaire.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.send_questionnaire_action.trigger()
    with qtbot.waitSignal(window.last_operation.done, timeout=60000) as sent:
        pass
    assert sent.args[1] is None and path.exists()
    assert "questions written to" in window.statusBar().currentMessage()

    A.answer_question(demo_engine, s.id, "GOV-03", "yes")  # a colleague answered this one already
    _fill(path, {"GOV-03": "no", "SEC-05": 24, "OWN-06": "no"})
    monkeypatch.setattr(questionnaire.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.import_answers_action.trigger()
    with qtbot.waitSignal(window.last_operation.done, timeout=60000) as imported:
        pass
    assert imported.args[1] is None
    summary = window.last_dialog.text()
    assert "2 vendor answers imported" in summary
    assert "GOV-03: kept Yes; the vendor says No" in summary  # in words, not JSON
    assert A.get_assessment(demo_engine, s.id).question("GOV-03").value == "yes"
    view = A.get_assessment(demo_engine, s.id)
    assert (view.question("SEC-05").value, view.question("SEC-05").source) == (24, "vendor")
    assert wizard.view.question("SEC-05").value == 24  # the open wizard shows the imported answer

    # A workbook of another kind is refused whole, with its name in the one sentence shown.
    shown: list[str] = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc: shown.append(str(exc)))
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    before = _snapshot(demo_engine, s.id)
    with qtbot.waitSignal(window.import_answers(s.id, bad).done, timeout=60000) as refused:
        pass
    assert refused.args[1] is not None and shown and "notes.xlsx" in shown[0]
    assert _snapshot(demo_engine, s.id) == before


def test_questionnaire_values_are_shown_in_words_in_the_interface_language():
    from desktop.core import i18n
    from desktop.ui.questionnaire import display_value

    assert [display_value(v) for v in ('"yes"', '"na"', "24", '["a", "b"]', "null")] == \
        ["Yes", "Not applicable", "24", "a, b", ""]
    i18n.set_language("es")
    assert display_value('"yes"') == "Sí" and display_value('"partial"') == "Parcialmente"
