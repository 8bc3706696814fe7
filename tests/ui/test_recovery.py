"""The restore offer in the GUI: a damaged database file, a dialog, the latest backup restored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from db import backup as backups
from db.errors import DamagedDatabase, DatabaseError
from desktop.services import database
from desktop.services.demo import load_demo
from desktop.ui import recovery as ui_recovery
from desktop.ui.recovery import RestoreDialog, offer_restore


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
    with pytest.raises(DamagedDatabase) as info:
        database.open_database(str(path))
    return path, info.value


def test_restore_button_restores_and_the_database_opens(qtbot, damaged, monkeypatch):
    path, error = damaged
    shown: list[RestoreDialog] = []

    def fake_exec(dialog: RestoreDialog) -> int:  # what the user does in the modal dialog
        shown.append(dialog)
        assert "damaged" in dialog.message.text() and dialog.restore_button.isEnabled()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RestoreDialog, "exec", fake_exec)
    assert offer_restore(None, error, str(path)) is True
    assert shown[0].restored_from is not None
    shown[0].deleteLater()
    engine = database.open_database(str(path))
    from desktop.services.register import RegisterQuery, vendor_ids

    assert len(vendor_ids(engine, RegisterQuery())) == 9
    engine.dispose()


def test_quit_leaves_everything_as_it_was(qtbot, damaged):
    path, error = damaged
    before = path.read_bytes()
    offer = ui_recovery.recovery.restore_offer(error, str(path))
    assert offer is not None
    dialog = RestoreDialog(None, offer, str(path))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert path.read_bytes() == before


def test_no_backup_disables_restore(qtbot, tmp_path):
    path = tmp_path / "lonely.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(DamagedDatabase) as info:
        database.open_database(str(path))
    offer = ui_recovery.recovery.restore_offer(info.value, str(path))
    assert offer is not None
    dialog = RestoreDialog(None, offer, str(path))
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled() and "no backup" in dialog.message.text()


def test_other_errors_get_a_plain_message(qtbot, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: seen.append(text))
    assert offer_restore(None, DatabaseError("The PostgreSQL server is unreachable."), "postgresql://x/y") is False
    assert seen == ["The PostgreSQL server is unreachable."]
