"""Settings: the signing identities page (in-memory keyring from tests/conftest.py)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt

from desktop.services.identities import list_identities
from desktop.ui.settings_dialog import SettingsDialog
from tests.ui.ops import finish


def test_identities_page_creates_an_identity(qtbot, engine):
    dialog = SettingsDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.identities
    assert dialog.tabs.indexOf(page) >= 0 and page.table.rowCount() == 0
    page.name.setText("Ana García")  # QTest cannot type non-ASCII keys
    qtbot.keyClicks(page.email, "ana@example.org")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    finish(qtbot, page.last_operation)
    assert page.reason.text() == ""
    assert [i.name for i in list_identities(engine)] == ["Ana García"]
    assert page.identity_names() == ["Ana García"] and "created" in page.result.text()
    # the same name twice: one sentence, nothing added
    page.name.setText("Ana García")  # QTest cannot type non-ASCII keys
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    finish(qtbot, page.last_operation, ok=False)
    assert page.reason.text() and len(list_identities(engine)) == 1


def test_import_of_a_wrong_file_is_refused_with_a_sentence(qtbot, sqlite_engine, tmp_path):
    dialog = SettingsDialog(sqlite_engine)
    qtbot.addWidget(dialog)
    bad = tmp_path / "not.p12"
    bad.write_bytes(b"garbage")
    finish(qtbot, dialog.identities.import_file(bad, "Someone", "secret"), ok=False)
    assert "not.p12" in dialog.identities.reason.text() and "secret" not in dialog.identities.reason.text()
    assert list_identities(sqlite_engine) == []


def test_saving_a_language_rebuilds_the_main_window_in_it(qtbot, qapp, sqlite_engine, settings):
    from desktop.ui import translator
    from desktop.ui.main_window import MainWindow

    translator.install(qapp, "en")
    window = MainWindow(sqlite_engine, "test", None, settings)
    window.show()  # not given to qtbot: the window deletes itself once its Spanish replacement shows
    assert window.file_menu.title() == "&File"
    dialog = SettingsDialog(sqlite_engine, window)  # the window owns it: it goes when the window is replaced
    dialog.org_name.setText("Acme")
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    try:
        finish(qtbot, dialog.save())
        qtbot.waitUntil(lambda: window.replacement is not None)
        spanish = window.replacement
        qtbot.addWidget(spanish)
        assert spanish.isVisible() and spanish.file_menu.title() == "&Archivo"
    finally:
        translator.install(qapp, "en")
        if shiboken6.isValid(window):
            window.close()
            window.deleteLater()
