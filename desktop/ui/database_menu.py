"""The window's database commands and its About box: open another database (in a new window), the
recent databases of File > Open recent (kept in QSettings), back up the database now, the user guide,
and About Vetta (the version, where the database, data folder and log file are).

``DatabaseMenu(window, db_url, db_location, settings)`` holds them for one window; the window offers
``open_database``, ``choose_database``, ``recent_databases``, ``backup_now``, ``about_text`` and
``open_guide`` under the same names as before.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from db.errors import DatabaseError
from desktop import __version__
from desktop.core.errors import UserError
from desktop.services.backend import backend_url
from desktop.ui.operations import show_error

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

MAX_RECENT = 8


def user_guide_path() -> Path:
    return Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


class DatabaseMenu(QObject):
    """Which database ``window`` shows, the others it can open, its backup and its About box."""

    def __init__(self, window: MainWindow, db_url: str, db_location: str, settings: QSettings) -> None:
        super().__init__(window)
        self._window = window
        self._db_url = db_url
        self._db_location = db_location  # never a password
        self._settings = settings
        self._windows: list[MainWindow] = []  # the windows of other databases opened from this one

    def recent_databases(self) -> list[str]:
        value = self._settings.value("recent_databases", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def remember_database(self) -> None:
        recent = [u for u in self.recent_databases() if u != self._db_url]
        self._settings.setValue("recent_databases", ([self._db_url] + recent)[:MAX_RECENT])
        self._settings.sync()

    @Slot()
    def fill_recent(self) -> None:
        self._window.recent_menu.clear()
        for url in self.recent_databases():
            action = self._window.recent_menu.addAction(url)
            action.triggered.connect(lambda _checked=False, u=url: self.open_database(u))
        if not self._window.recent_menu.actions():
            self._window.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    @Slot()
    def choose_database(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self._window, self.tr("Open database"), "",
                                               self.tr("Vetta databases (*.sqlite3 *.db);;All files (*)"))
        if name:
            self.open_database(name)

    def open_database(self, url: str) -> MainWindow | None:
        """Open another database in a new window."""
        from desktop.services.backend import open_backend
        from desktop.ui.main_window import MainWindow

        try:
            backend = open_backend(url)
        except DatabaseError as exc:
            show_error(self._window, exc)
            return None
        window = MainWindow(backend, backend_url(backend), url, self._settings)
        self._windows.append(window)
        window.show()
        return window

    @Slot()
    def open_guide(self) -> None:
        guide = user_guide_path()
        if not guide.exists() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(guide))):
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("User guide"),
                              self.tr("The user guide is the file {path}").format(path=str(guide)),
                              QMessageBox.StandardButton.Ok, self._window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def about_text(self) -> str:
        from desktop.logs import log_file
        from desktop.services.database import data_dir

        return self.tr(
            "<h3>Vetta {version}</h3><p>Due diligence of data vendors' neutrality: ownership, people, "
            "data protection, contracts and signed assessments.</p>"
            "<p><b>Database:</b> {db}<br><b>Data folder:</b> {data}<br><b>Log file:</b> {log}</p>"
            "<p>Reports use the DejaVu fonts (Bitstream Vera / DejaVu licence, free to use and embed; "
            "see resources/fonts/LICENSE-DejaVu.txt). Ownership imports follow the Beneficial Ownership Data Standard "
            "0.4; its schema is shipped under its own licence (resources/bods/LICENSE).</p>").format(
            version=__version__, db=html.escape(self._db_location), data=str(data_dir()), log=str(log_file()))

    @Slot()
    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("About Vetta"), self.about_text(),
                          QMessageBox.StandardButton.Ok, self._window)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._window.last_dialog = box
        box.open()

    @Slot()
    def backup_now(self) -> Path | None:
        from desktop.services.database import backup_database

        try:
            path = backup_database(self._db_url)
        except (UserError, DatabaseError) as exc:
            show_error(self._window, exc)
            return None
        self._window.statusBar().showMessage(self.tr("Backed up to {file}").format(file=str(path)), 10000)
        return path
