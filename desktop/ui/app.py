"""Start the Qt application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from db.errors import DatabaseError
from desktop import __version__
from desktop.services.database import open_database
from desktop.ui.main_window import MainWindow


def run(db_url: str | None = None, actor: str | None = None, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Vetta")
    app.setOrganizationName("Vetta")
    app.setApplicationVersion(__version__)
    try:
        engine = open_database(db_url)
    except DatabaseError as exc:
        QMessageBox.critical(None, "Vetta", str(exc))
        return 3
    window = MainWindow(engine, engine.url.render_as_string(hide_password=True), db_url)
    window.show()
    code = app.exec()
    engine.dispose()
    return int(code)
