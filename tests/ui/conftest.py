"""UI test fixtures: QSettings kept in the test's own folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _qsettings_in_tmp(tmp_path: Path) -> Path:
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(folder / "system"))
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "vetta-test.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def _english_translator(qapp):
    """Installed at start-up by the application (desktop/ui/app.py), as here: Qt's plural forms
    (``self.tr(singular, plural, n)``) need it in English too."""
    from desktop.ui import translator

    translator.install(qapp, "en")


@pytest.fixture(autouse=True)
def _no_write_on_gui_thread(qapp):
    """Every write the window starts must run as an operation, off the GUI thread (issue 16): a unit of
    work started on the GUI thread from window code, or inside a read-only query, raises here."""
    from desktop.ui.operations import install_write_guard, uninstall_write_guard

    install_write_guard(strict=True)
    yield
    uninstall_write_guard()
