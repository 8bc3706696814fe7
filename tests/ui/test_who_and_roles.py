"""Who am I in the window: the profile name asked once (never the computer account's login), "Signed in
as ..." in the status bar, and what a team role cannot do disabled (PostgreSQL, real logins)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from db.engine import default_actor
from desktop.services import settings as settings_svc
from desktop.services import whoami
from desktop.services.identities import new_identity
from desktop.ui import app as app_module
from desktop.ui.main_window import MainWindow
from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.welcome import ProfileNameDialog, WelcomeDialog
from tests.db.test_team import Team, team_db  # noqa: F401 - the PostgreSQL team fixture
from tests.support import forge
from tests.ui.ops import finish


def _status(window: MainWindow) -> str:
    label = window.findChild(QLabel, "vetta-signed-in")
    assert label is not None
    return label.text()


def test_the_welcome_flow_asks_your_name_and_never_takes_the_os_login(qtbot, sqlite_engine, monkeypatch) -> None:
    monkeypatch.delenv("VETTA_USER")
    w = WelcomeDialog(sqlite_engine, apply_language=False)
    qtbot.addWidget(w)
    w.show()
    assert w.profile_name.isVisible() and w.profile_name.text() == ""
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == 0 and "cannot be empty" in w.error.text()
    w.profile_name.setText("  Ana   García ")  # (QTest cannot type accented letters)
    qtbot.mouseClick(w.next_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentIndex() == 1
    assert whoami.profile_name() == "Ana García" and w.identity_name.text() == "Ana García"
    qtbot.keyClicks(w.org_name, "Acme Procurement SA")
    finish(qtbot, w.finish(with_identity=False))
    from desktop.services.audit import audit_log

    assert {e.actor for e in audit_log(sqlite_engine, limit=None)} == {"Ana García"}
    path = whoami._profile_path()
    assert json.loads(path.read_text()) == {"name": "Ana García"} and (path.stat().st_mode & 0o777) == 0o600


def test_an_unnamed_user_is_asked_once_or_nothing_opens(qtbot, sqlite_engine, monkeypatch) -> None:
    monkeypatch.delenv("VETTA_USER")
    assert app_module.ensure_user(sqlite_engine, ask=lambda: None) is False
    with pytest.raises(Exception, match="does not know who you are"):
        default_actor(sqlite_engine)
    assert app_module.ensure_user(sqlite_engine, ask=lambda: "Luis Ortega") is True
    assert whoami.profile_name() == "Luis Ortega" and default_actor(sqlite_engine) == "Luis Ortega"
    dialog = ProfileNameDialog()
    qtbot.addWidget(dialog)
    dialog._accept_clicked()
    assert "cannot be empty" in dialog.error.text() and not dialog.result()
    qtbot.keyClicks(dialog.field, "Luis  Ortega")
    dialog._accept_clicked()
    assert dialog.result() and dialog.name() == "Luis Ortega"


def test_the_window_shows_who_is_signed_in(qtbot, sqlite_engine, settings) -> None:
    window = MainWindow(sqlite_engine, "test.sqlite3", settings=settings)
    qtbot.addWidget(window)
    assert _status(window) == "Signed in as tester"
    assert window.approve_action.isEnabled() and window.new_vendor_action.isEnabled()


def test_settings_you_time_stamping_server_and_trust_roots(qtbot, sqlite_engine, tmp_path: Path) -> None:
    dialog = SettingsDialog(sqlite_engine)
    qtbot.addWidget(dialog)
    page = dialog.signatures
    assert "computer clock" in page.tsa_note.text()
    finish(qtbot, page.save_timestamp_url("ftp://tsa.example"), ok=False)
    assert "http://" in page.reason.text()
    finish(qtbot, page.save_timestamp_url("https://tsa.example/rfc3161"))
    assert settings_svc.get_settings(sqlite_engine).timestamp_url == "https://tsa.example/rfc3161"
    assert "timestamped by https://tsa.example/rfc3161" in page.tsa_note.text()
    assert page.save_name("Marta Ibáñez") and whoami.profile_name() == "Marta Ibáñez"
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    finish(qtbot, page.add_file(junk), ok=False)
    assert "holds no X.509 certificate" in page.reason.text()
    ca, _p12 = forge.ca_and_p12("x", "Olga Officer")
    pem = tmp_path / "ca.pem"
    pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    finish(qtbot, page.add_file(pem))
    assert page.roots.rowCount() == 1
    assert "Northwind Root CA" in page.roots.item(0, 0).text()
    page.roots.selectRow(0)
    finish(qtbot, page.remove_selected())
    assert page.roots.rowCount() == 0
    # identities: whose each one is, its fingerprint, and the certificate exported for outsiders
    info = new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    dialog.identities.reload()
    row = [dialog.identities.table.item(0, c).text() for c in range(7)]
    assert row[0] == "Alice Approver" and row[1] == "Alice Approver" and row[6].startswith(
        info.fingerprint_sha256[:2].upper() + ":")
    out = tmp_path / "alice.pem"
    assert dialog.identities.export_certificate("Alice Approver", out)
    assert out.read_text().startswith("-----BEGIN CERTIFICATE-----") and "alice.pem" in dialog.identities.result.text()


@pytest.mark.postgres
def test_team_roles_in_the_window(qtbot, team_db: Team, settings) -> None:  # noqa: F811
    t = team_db
    windows = {}
    for who in ("viewer", "paula", "alba", "ada"):
        window = MainWindow(t.engine(who), f"{who}@team", settings=settings)
        qtbot.addWidget(window)
        windows[who] = window
    assert _status(windows["viewer"]) == f"Signed in as {t.login('viewer')} (viewer)"
    assert _status(windows["alba"]) == f"Signed in as {t.login('alba')} (approver)"
    assert _status(windows["ada"]) == f"Signed in as {t.login('ada')} (admin)"
    viewer = windows["viewer"]
    assert not viewer.new_vendor_action.isEnabled() and not viewer.approve_action.isEnabled()
    assert not viewer.new_assessment_action.isEnabled() and "role does not allow" in viewer.approve_action.toolTip()
    assert windows["paula"].new_vendor_action.isEnabled() and not windows["paula"].approve_action.isEnabled()
    assert windows["alba"].approve_action.isEnabled()
    assert not windows["ada"].new_vendor_action.isEnabled() and windows["ada"].settings_action.isEnabled()
    # a reader's vendor tab is read-only
    vendor_id = viewer.model.vendor_id(0)
    editor = viewer.open_vendor(vendor_id)
    edits = editor.findChildren(QLineEdit)
    assert edits and all(e.isReadOnly() for e in edits)
    assert not editor.save_button.isEnabled()
    # settings: only the administrator changes the organisation's and the signatures' settings
    mine = SettingsDialog(t.engine("viewer"))
    qtbot.addWidget(mine)
    assert mine.org_name.isReadOnly() and not mine.signatures.save_url_button.isEnabled()
    assert not mine.identities.create_button.isEnabled()
    theirs = SettingsDialog(t.engine("ada"))
    qtbot.addWidget(theirs)
    assert not theirs.org_name.isReadOnly() and theirs.signatures.save_url_button.isEnabled()
    assert theirs.signatures.profile_name.isReadOnly() and t.login("ada") in theirs.signatures.you_note.text()
