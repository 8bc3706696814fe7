"""The first-run welcome flow and the application start (restore offer on a damaged file)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from db import backup as backups
from desktop.services import database
from desktop.services.demo import load_demo
from desktop.services.first_run import is_first_run
from desktop.services.identities import list_identities
from desktop.services.register import RegisterQuery, count_vendors
from desktop.services.settings import get_settings, list_competitors
from desktop.ui import app as app_module
from desktop.ui.recovery import RestoreDialog
from desktop.ui.welcome import WelcomeDialog
from tests.ui.ops import finish


def _welcome(qtbot, engine) -> WelcomeDialog:
    dialog = WelcomeDialog(engine, apply_language=False)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_setup_creates_the_organisation_a_competitor_and_an_identity(qtbot, engine):
    assert is_first_run(engine)
    w = _welcome(qtbot, engine)
    w.language.setCurrentIndex(w.language.findData("es"))
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == 1
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)  # the name is required
    assert w.pages.currentIndex() == 1 and w.error.text()
    qtbot.keyClicks(w.org_name, "Acme Procurement SA")
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == 2 and w.competitors.rowCount() >= 3  # empty rows ready to fill
    w.set_competitor(0, "Contoso Platforms Inc.", "Contoso Ventures LLC; Contoso Labs")
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == 3 and w.finish_button.isVisible()
    w.identity_name.setText("Ana García")
    w.identity_email.setText("ana@example.org")
    with qtbot.waitSignal(w.completed) as done:
        qtbot.mouseClick(w.finish_button, Qt.MouseButton.LeftButton)
    assert done.args == ["setup"]
    s = get_settings(engine)
    assert (s.name, s.language) == ("Acme Procurement SA", "es") and not is_first_run(engine)
    comps = list_competitors(engine)
    assert [(c.name, c.affiliates) for c in comps] == [("Contoso Platforms Inc.",
                                                        ["Contoso Labs", "Contoso Ventures LLC"])]
    assert [(i.name, i.organisation) for i in list_identities(engine)] == [("Ana García", "Acme Procurement SA")]


def test_skipping_the_identity_and_a_bad_logo(qtbot, sqlite_engine, tmp_path):
    w = _welcome(qtbot, sqlite_engine)
    w.next_page()
    w.org_name.setText("Acme")
    w.logo.setText(str(tmp_path / "missing.png"))
    w.next_page()
    w.next_page()
    finish(qtbot, w.finish(with_identity=False), ok=False)
    assert w.pages.currentIndex() == 1 and "missing.png" in w.error.text()
    assert is_first_run(sqlite_engine)  # nothing marked done
    w.logo.clear()
    with qtbot.waitSignal(w.completed):
        qtbot.mouseClick(w.skip_button, Qt.MouseButton.LeftButton)
    assert not is_first_run(sqlite_engine) and list_identities(sqlite_engine) == []


def test_demo_route_loads_nine_vendors(qtbot, engine):
    w = _welcome(qtbot, engine)
    with qtbot.waitSignal(w.completed, timeout=60000) as done:
        qtbot.mouseClick(w.demo_button, Qt.MouseButton.LeftButton)
    assert done.args == ["demo"] and w.outcome == "demo"
    assert count_vendors(engine, RegisterQuery()) == 9
    assert not is_first_run(engine)


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "vetta.sqlite3"
    engine = database.open_database(str(path))
    load_demo(engine, "tester")
    engine.dispose()
    backups.backup_before(path, "manual")
    data = bytearray(path.read_bytes())
    data[len(data) // 4: len(data) // 2] = b"\xff" * (len(data) // 2 - len(data) // 4)
    path.write_bytes(bytes(data))
    return path


def test_start_on_a_damaged_file_offers_the_restore(qtbot, damaged):
    offered = []

    def decide(error, url):  # what the user does in the modal restore dialog: Restore
        dialog = RestoreDialog(None, app_module.recovery_offer(error, url), url)
        qtbot.addWidget(dialog)
        offered.append(dialog.message.text())
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.restored_from is not None

    engine = app_module.open_with_recovery(str(damaged), decide)
    assert engine is not None and offered and "backup" in offered[0]
    try:
        assert count_vendors(engine, RegisterQuery()) == 9
    finally:
        engine.dispose()


def test_start_on_a_damaged_file_and_quit_opens_nothing(qtbot, damaged):
    before = damaged.read_bytes()
    engine = app_module.open_with_recovery(str(damaged), lambda error, url: False)
    assert engine is None and damaged.read_bytes() == before


def test_excepthook_logs_and_shows_one_sentence(qtbot, caplog):
    import sys

    shown = []
    old = sys.excepthook
    try:
        app_module.install_excepthook(shown.append)
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old
    assert shown and "log file" in shown[0] and "boom" not in shown[0]
    assert "boom in a slot" in caplog.text and "Traceback" in caplog.text


def test_run_on_a_damaged_file_declined_exits_non_zero(qtbot, qapp, damaged, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own; put it back after
    seen = []
    code = app_module.run(str(damaged), offer=lambda error, url: seen.append(str(error)) or False)
    assert code == 3 and seen and "damaged" in seen[0]
