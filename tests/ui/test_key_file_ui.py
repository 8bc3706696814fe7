"""No keyring, no dead end in the window (issue 15.2): with keyring's 'fail' backend, an approver creates a signing
identity in Settings (the key goes to a passphrase-protected file), approves an assessment through the
sign-off dialog giving the passphrase, and the signed report verifies."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy.engine import Engine

from db.location import data_dir
from desktop.services import identities
from desktop.services.reports import report_pdf
from desktop.services.signoff import signed_report
from desktop.services.verification import verify_data
from desktop.ui.identities import IdentitiesPage
from desktop.ui.report import SignOffDialog
from tests.ui.ops import finish
from tests.unit.test_report_builder import make_assessment

PASSPHRASE = "Cabo de Gata 1987 azul"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_identity_in_a_key_file_then_sign_with_its_passphrase(qtbot, sqlite_engine: Engine, no_keyring: None,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    built = make_assessment(sqlite_engine)
    monkeypatch.setenv("VETTA_USER", "Alba Aprobadora")
    page = IdentitiesPage(sqlite_engine)
    qtbot.addWidget(page)
    page.show()
    assert page.create_button.isEnabled()  # no dead end: creating is offered without a keyring
    assert page.keyring_note.text().startswith("No OS keyring is available on this computer, so Vetta can keep "
                                               "your private key in a file")
    page.name.setText("Alba Aprobadora")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    dialog = page.key_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.first, "short")
    assert dialog.problem.text() == "This passphrase is too short or too simple."
    assert not dialog.ok_button.isEnabled()
    assert "at least 12 characters, not all the same" in " ".join(
        label.text() for label in dialog.findChildren(QLabel))  # the minimum strength is stated
    dialog.first.clear()
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE[:-1])
    assert dialog.problem.text() == "The two passphrases differ." and not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.second, PASSPHRASE[-1])
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    finish(qtbot, page.last_operation)
    assert page.reason.text() == "", page.reason.text()
    assert "Its key is in the file " in page.result.text()
    assert page.table.item(0, 5).text() == "in a passphrase-protected file on this computer"
    info = identities.list_identities(sqlite_engine)[0]
    assert info.key_store == "file" and info.owner == "Alba Aprobadora"

    signoff = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(signoff)
    signoff.show()
    qtbot.waitUntil(lambda: signoff.preview.page_count() > 0 and not signoff.busy(), timeout=20000)
    assert "type its passphrase to sign" in signoff.keyring_note.text()
    assert not signoff.sign_button.isEnabled()  # the passphrase is asked for
    qtbot.keyClicks(signoff.passphrase, "a wrong passphrase!")
    qtbot.mouseClick(signoff.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not signoff.busy(), timeout=20000)
    assert "passphrase is wrong" in signoff.message.text()
    assert signed_report(sqlite_engine, built.assessment_id) is None
    assert signoff.passphrase.text() == "" and not signoff.sign_button.isEnabled()
    qtbot.keyClicks(signoff.passphrase, PASSPHRASE)
    qtbot.mouseClick(signoff.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: signoff.result_data is not None, timeout=30000)
    assert signoff.passphrase.text() == ""
    verdict = verify_data(sqlite_engine, report_pdf(sqlite_engine, built.assessment_id).pdf)
    assert verdict.intact and verdict.trusted and verdict.known_identity
    assert verdict.fingerprint == info.fingerprint_sha256

    for path in (p for p in data_dir().rglob("*") if p.is_file()):  # database, logs, backups, the key file
        data = path.read_bytes()
        assert PASSPHRASE.encode() not in data and PASSPHRASE.encode("utf-16-le") not in data, path
    assert Path(sqlite_engine.url.database or "").read_bytes().find(PASSPHRASE.encode()) == -1
    assert PASSPHRASE not in caplog.text


def test_import_without_keyring_offers_the_key_file(qtbot, sqlite_engine: Engine, no_keyring: None,
                                                   tmp_path: Path) -> None:
    from tests.db.test_identities import make_p12

    source = tmp_path / "olga.p12"
    make_p12(source, "issued pass")
    page = IdentitiesPage(sqlite_engine)
    qtbot.addWidget(page)
    page._import_with(source, "Olga Officer", "issued pass", 0)  # the offer refused: the certificate only
    finish(qtbot, page.last_operation)
    assert page.result.text() == "Identity Olga Officer imported. Sign with the PKCS#12 file and its passphrase."
    finish(qtbot, page.import_file(source, "Olga Two", "issued pass", key_passphrase=PASSPHRASE), ok=False)  # same cert
    assert "already registered" in page.reason.text()


def test_a_keyring_that_refuses_also_leads_to_the_key_file(qtbot, sqlite_engine: Engine) -> None:
    """A keyring that is there but raises NoKeyringError when asked to store (locked, broken)."""
    from tests.support.refusing_keyring import RefusingKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(RefusingKeyring())
    try:
        page = IdentitiesPage(sqlite_engine)
        qtbot.addWidget(page)
        page.show()
        page.name.setText("Alba Aprobadora")
        qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
        finish(qtbot, page.last_operation, ok=False)
        dialog = page.key_dialog  # the keyring refused: the key file is offered
        assert dialog is not None and dialog.isVisible() and page.reason.text() == ""
        assert identities.list_identities(sqlite_engine) == []
        dialog.first.setText(PASSPHRASE)
        dialog.second.setText(PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        finish(qtbot, page.last_operation)
        assert [i.key_store for i in identities.list_identities(sqlite_engine)] == ["file"]
    finally:
        keyring.set_keyring(previous)
