"""Every window, tab and dialog fits a 1366x768 laptop screen at 100% scaling (issue 15.5).

The UI tests' offscreen screen is 1366x768 (tests/support/laptop-screen.json, set in tests/conftest.py).
The offscreen platform draws a 2 px frame; a real desktop also takes a title bar and a panel, so a
window must leave ``CHROME`` pixels of the screen's height free. Each check shows the window at the
top left of the screen, as a window manager would place it, and asserts that its frame and its
default, OK and Save buttons (mapped to global coordinates) lie inside what is left of the screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QDialogButtonBox, QWidget

from db.engine import read_session
from desktop.services.assessments import resolve_vendor
from desktop.ui.fit import CHROME  # a title bar and a desktop panel
from desktop.ui.main_window import MainWindow


def _usable(widget: QWidget) -> QRect:
    screen = widget.screen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768), "the tests' screen is not the laptop's"
    return screen.adjusted(0, 0, 0, -CHROME)


def _buttons(widget: QWidget) -> list[QAbstractButton]:
    """The buttons that end a dialog: a button box's, and any default button."""
    out: list[QAbstractButton] = []
    for box in widget.findChildren(QDialogButtonBox):
        out += [b for b in box.buttons() if b.isVisibleTo(widget)]
    out += [b for b in widget.findChildren(QAbstractButton)
            if b.isVisibleTo(widget) and getattr(b, "isDefault", lambda: False)() and b not in out]
    return out


def assert_fits(widget: QWidget, name: str, buttons: Iterable[QAbstractButton] = ()) -> None:
    QApplication.processEvents()
    usable = _usable(widget)
    if widget.isWindow():
        widget.move(usable.topLeft())
        QApplication.processEvents()
    window = widget.window()
    frame = window.frameGeometry()
    assert frame.width() <= usable.width() and frame.height() <= usable.height(), (
        f"{name}: {frame.width()}x{frame.height()} px does not fit {usable.width()}x{usable.height()}")
    for b in list(buttons) or _buttons(window):
        assert b.isVisibleTo(window), f"{name}: {b.text()!r} is hidden"
        rect = QRect(b.mapToGlobal(QPoint(0, 0)), b.size())
        assert usable.contains(rect), f"{name}: the button {b.text()!r} at {rect.getRect()} is off the screen"


def _vendor(engine, name: str) -> int:
    with read_session(engine) as s:
        return int(resolve_vendor(s, name).id)


@pytest.fixture
def window(qtbot, sqlite_engine, tmp_path: Path) -> MainWindow:
    from desktop.services.demo import load_demo

    load_demo(sqlite_engine, "tester")
    w = MainWindow(sqlite_engine, "demo", None, QSettings(str(tmp_path / "fit.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture(params=["en", "es"])
def language(request, qapp):
    """Spanish labels are longer: every check runs in both languages."""
    from desktop.ui import translator

    translator.install(qapp, request.param)
    yield request.param
    translator.install(qapp, "en")


def test_the_main_window_its_tabs_and_the_vendor_editor_fit(qtbot, language, window: MainWindow) -> None:
    assert_fits(window, "main window (default size)", [])
    usable = _usable(window)
    window.resize(usable.width() - 10, usable.height() - 10)
    for i in range(window.workspace.count()):
        window.workspace.setCurrentIndex(i)
        assert_fits(window, f"main window, {window.workspace.tabText(i)}", [])
    editor = window.open_vendor(_vendor(window._backend, "Scalewise Data Inc."))
    window.resize(usable.width() - 10, usable.height() - 10)
    for i in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(i)
        assert_fits(window, f"vendor editor, {editor.tabs.tabText(i)}", [editor.save_button, editor.revert_button])
    # the contracts table shows its protective clauses, wrapped in their column
    assert editor.contracts is not None
    editor.tabs.setCurrentWidget(editor.contracts)
    QApplication.processEvents()
    view = editor.contracts.view
    clauses = editor.contracts.model.columnCount() - 1
    assert view.model().headerData(clauses, Qt.Orientation.Horizontal) == (
        "Cláusulas de protección" if language == "es" else "Protective clauses")
    assert view.columnViewportPosition(clauses) + 200 <= view.viewport().width()
    assert "Audit rights" in view.model().index(0, clauses).data() or language == "es"
    # the guarantees: every recorded row in sight, an empty list says so in words
    assert editor.guarantees is not None
    editor.tabs.setCurrentWidget(editor.guarantees)
    QApplication.processEvents()
    g = editor.guarantees
    for part in (g.certifications, g.commitments, g.locations):
        rows = part.model.rowCount()
        assert rows >= 2 and part.view.isVisible() and not part.empty.isVisible()
        shown = part.view.rowViewportPosition(rows - 1) + part.view.rowHeight(rows - 1)
        assert 0 < shown <= part.view.viewport().height(), f"{part.kind}: not every row is in sight"
    assert g.subprocessors.model.rowCount() == 0 and not g.subprocessors.view.isVisible()
    assert g.subprocessors.empty.isVisible() and g.subprocessors.empty.text() == (
        "Todavía no hay nada registrado: elija Añadir… para registrar el primero." if language == "es"
        else "Nothing recorded yet: choose Add… to record the first one.")


def test_the_wizard_fits(qtbot, window: MainWindow) -> None:
    from desktop.services import assessments as A
    from tests.db.test_assessments_support import canned_analyze

    s = A.create_assessment(window._backend, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    wizard = window.open_assessment(s.id)
    usable = _usable(window)
    window.resize(usable.width() - 10, usable.height() - 10)
    assert_fits(window, "assessment wizard", [wizard.submit_button, wizard.next_button])


def test_the_override_justification_dialog_fits(qtbot, sqlite_engine) -> None:
    from desktop.services import assessments as A
    from desktop.services.demo import load_demo
    from desktop.ui.wizard.wizard import AssessmentWizard, JustificationDialog
    from tests.db.test_assessments_support import canned_analyze

    load_demo(sqlite_engine, "tester")
    s = A.create_assessment(sqlite_engine, "Scalewise Data Inc.", analyze_fn=canned_analyze)
    wizard = AssessmentWizard(sqlite_engine, s.id, analyze_fn=canned_analyze)
    qtbot.addWidget(wizard)
    editor = wizard.editors["OWN-01"]
    dialog = JustificationDialog(editor.label_for(editor.state.suggested), editor.state.explanation("en"),
                                 editor.label_for("no"), wizard)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Contoso" in dialog.question.text() and dialog.question.wordWrap()
    assert_fits(dialog, "override justification")


def _show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_settings_dialog_every_page_fits(qtbot, language, window: MainWindow) -> None:
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = _show(qtbot, SettingsDialog(window._backend, window))
    QApplication.processEvents()
    bar = dialog.tabs.tabBar()
    assert bar.tabRect(bar.count() - 1).right() <= bar.width(), "a page's tab is scrolled out of sight"
    for i in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(i)
        assert_fits(dialog, f"settings, {dialog.tabs.tabText(i)}")


def test_vendor_record_dialogs_fit(qtbot, window: MainWindow) -> None:
    from desktop.services.vendors import VendorForm
    from desktop.ui.vendor_editor import CHILD_KINDS, ChildDialog, ConflictDialog

    for kind in CHILD_KINDS:
        assert_fits(_show(qtbot, ChildDialog(kind, None, ["Quillstream Ltd"], window)), f"{kind} form")
    long = "Someone else saved this vendor while you were editing it. " * 6
    conflict = ConflictDialog(VendorForm(name="Scalewise Data Inc.", notes="x " * 400),
                              VendorForm(name="Scalewise Data Incorporated"), long, window)
    assert_fits(_show(qtbot, conflict), "conflict")


def test_import_dialogs_fit(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from desktop.services.bods import PartyMatch
    from desktop.ui.import_dialog import ImportDialog
    from desktop.ui.ownership.bods_import import BodsMatchDialog

    path = tmp_path / "vendors.csv"
    rows = "".join(f"Vendor {i} with a long legal name for the column,ES,high\n" for i in range(60))
    path.write_text("Supplier,Nation,Tier\n" + rows, encoding="utf-8")
    assert_fits(_show(qtbot, ImportDialog(window._backend, path, window)), "vendor import")
    uncertain = [PartyMatch(f"rec-{i}", f"Contoso Ventures Holding Number {i} LLC", "uncertain",
                            reason="The same name as a party already in the register, with another identifier.",
                            candidates=((1, "Contoso Ventures LLC"), (2, "Contoso Platforms Inc.")))
                 for i in range(12)]
    assert_fits(_show(qtbot, BodsMatchDialog(tmp_path / "ownership.json", uncertain, window)), "BODS matches")


def test_report_dialogs_fit(qtbot, sqlite_engine) -> None:
    from desktop.services.identities import new_identity
    from desktop.ui.report import SignOffDialog
    from desktop.ui.report.verify_dialog import VerifyDialog
    from tests.unit.test_report_builder import make_assessment

    built = make_assessment(sqlite_engine)
    new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    verify = _show(qtbot, VerifyDialog(sqlite_engine))
    assert_fits(verify, "verify a signed report")
    dialog = _show(qtbot, SignOffDialog(sqlite_engine, built.assessment_id))
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0 and not dialog.busy(), timeout=20000)
    assert_fits(dialog, "sign-off", [dialog.sign_button])
    dialog.close()
    from desktop.ui.assessments_tab import preview_report

    class Owner:
        last_dialog: QWidget | None = None

    owner = Owner()
    operation = preview_report(verify, sqlite_engine, built.assessment_id, owner)
    qtbot.waitUntil(lambda: owner.last_dialog is not None, timeout=20000)
    assert operation is not None and owner.last_dialog is not None
    assert_fits(owner.last_dialog, "report preview")


def test_first_run_dialogs_fit(qtbot, sqlite_engine) -> None:
    from desktop.ui.welcome import ProfileNameDialog, WelcomeDialog

    welcome = _show(qtbot, WelcomeDialog(sqlite_engine, apply_language=False))
    for page in range(welcome.pages.count()):
        welcome.pages.setCurrentIndex(page)
        assert_fits(welcome, f"welcome, page {page + 1}")
    assert_fits(_show(qtbot, ProfileNameDialog()), "who are you")


def test_restore_dialog_fits(qtbot, tmp_path: Path) -> None:
    from db import backup as backups
    from db.errors import DamagedDatabase
    from desktop.services import database
    from desktop.ui.recovery import RestoreDialog, recovery

    path = tmp_path / "vetta.sqlite3"
    database.open_database(str(path)).dispose()
    backups.backup_before(path, "manual")
    data = bytearray(path.read_bytes())
    data[len(data) // 4: len(data) // 2] = b"\xff" * (len(data) // 2 - len(data) // 4)
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabase) as info:
        database.open_database(str(path))
    offer = recovery.restore_offer(info.value, str(path))
    assert offer is not None
    assert_fits(_show(qtbot, RestoreDialog(None, offer, str(path))), "restore a backup")


def test_people_companies_and_key_file_dialogs_fit(qtbot, language, window: MainWindow) -> None:
    """The dialogs added with issue 15.8 and 15.2: the People and companies list, the party form (a person
    and a company), and the key-file passphrase offer (creating and importing)."""
    from desktop.ui.identities import KeyFilePassphraseDialog
    from desktop.ui.parties import PartiesDialog

    parties = _show(qtbot, PartiesDialog(window._backend, window))
    qtbot.waitUntil(lambda: bool(parties.rows))
    assert_fits(parties, "people and companies", [parties.new_button, parties.edit_button])
    form = parties.open_editor(None)
    qtbot.addWidget(form)
    for kind in ("entity", "person"):
        form.kind.setCurrentIndex(form.kind.findData(kind))
        assert_fits(form, f"party form ({kind})", [form.save_button])
    for importing in (False, True):
        assert_fits(_show(qtbot, KeyFilePassphraseDialog(window, importing=importing)),
                    f"key file passphrase ({'import' if importing else 'new'})")
