"""Start the Qt application: icon, language, the database (with the restore offer), first run, main window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from db.errors import DatabaseError
from desktop import __version__
from desktop.core.errors import UserError
from desktop.services.backend import Backend, backend_name, close_backend
from desktop.services.database import QuickCheck
from desktop.ui.startup import StartupWindow, install_qt_logging, probe, watch_main_window

log = logging.getLogger("vetta.ui")
ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"

# (error, url) -> True when a backup was restored and the database should be opened again.
OfferRestore = Callable[[DatabaseError, str | None], bool]
Notify = Callable[[str], None]


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        path = ICONS / f"vetta-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    return icon


def recovery_offer(error: DatabaseError, url: str | None) -> object:
    """The restore offer for ``error`` (None unless a damaged SQLite file): what the dialog shows."""
    from desktop.services import recovery

    return recovery.restore_offer(error, url)


def _default_offer(error: DatabaseError, url: str | None) -> bool:
    from desktop.ui.recovery import offer_restore

    return offer_restore(None, error, url)


def _default_notify(text: str) -> None:
    QMessageBox.critical(None, "Vetta", text)  # i18n: ignore


def open_with_recovery(url: str | None, offer: OfferRestore | None = None,
                       checked: Callable[[], None] | None = None) -> Backend | None:
    """Open the database; on a damaged file offer the latest backup. None when it cannot be opened.

    ``offer`` explains the problem to the user (for a damaged SQLite file: the restore dialog) and
    returns True once a backup was restored; it is injected in tests. ``checked``: the file check,
    already started in the background (see ``run``).
    """
    from desktop.services.backend import open_backend

    offer = offer or _default_offer
    try:
        return open_backend(url, checked=checked)
    except DatabaseError as exc:
        log.warning("the database could not be opened: %s", exc)
        if not offer(exc, url):
            return None
    try:
        return open_backend(url)
    except DatabaseError as exc:  # restored but still unusable: say so once
        log.warning("the restored database could not be opened: %s", exc)
        _default_notify(str(exc))
        return None


def _after_check(check: QuickCheck, url: str | None) -> Callable[[], None]:
    """What ``open_database`` runs as its file check: nothing more when the early check passed."""

    def checked() -> None:
        if not check.passed():
            from desktop.services.recovery import probe

            probe(url)  # unsure or damaged: the usual check, which explains the problem

    return checked


def install_excepthook(notify: Notify | None = None) -> None:
    """Unexpected exceptions (e.g. in a slot) go to the log file with the traceback; the user sees one sentence."""
    show = notify or _show_unexpected

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if issubclass(kind, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        try:
            show(QCoreApplication.translate(
                "App", "Something unexpected went wrong; your saved work is safe. The details are in the log "
                       "file: {path}").format(path=str(_log_path())))
        except Exception:  # never let the hook itself fail
            log.exception("could not show the error message")

    sys.excepthook = hook


def _log_path() -> Path:
    from desktop.logs import log_file

    return log_file()


def _show_unexpected(text: str) -> None:
    if QApplication.instance() is None:
        print(text, file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, "Vetta", text, QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def install_language(app: QCoreApplication, backend: Backend) -> str:
    """Install the translator for the organisation's language setting (system language when unset)."""
    from desktop.services.settings import get_settings
    from desktop.ui.translator import install

    try:
        preference = get_settings(backend).language
    except DatabaseError:
        preference = ""
    return install(app, preference)


def ensure_user(backend: Backend, requested: str | None = None, ask: Callable[[], str | None] | None = None) -> bool:
    """Know who acts before the window opens: the login (PostgreSQL), else --user, VETTA_USER or the
    profile name; on SQLite without one, ask for it once (``ask`` returns the name, or None to quit).

    Never the operating system's login by surprise. Returns False when nobody could be named.
    """
    from desktop.services import whoami
    from desktop.ui.roles import who_for

    try:
        who = who_for(backend, requested)
    except (DatabaseError, UserError) as exc:  # --user refused on PostgreSQL, the server gone
        _default_notify(str(exc))
        return False
    if who.known:
        return True
    name = (ask or _ask_profile_name)()
    if not name:
        return False
    whoami.set_profile_name(name)
    return who_for(backend).known


def _ask_profile_name() -> str | None:
    from desktop.ui.welcome import ProfileNameDialog

    dialog = ProfileNameDialog()
    dialog.setWindowIcon(app_icon())
    return dialog.name() if dialog.exec() == QDialog.DialogCode.Accepted else None


def build_window(backend: Backend, db_url: str | None) -> QWidget:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(backend, backend_name(backend).name, db_url)
    window.setWindowIcon(app_icon())
    return window




def run(db_url: str | None = None, actor: str | None = None, argv: list[str] | None = None, *,
        offer: OfferRestore | None = None, early_check: QuickCheck | None = None,
        startup: StartupWindow | None = None) -> int:
    """The application, from the database to the main window; ``startup`` (desktop.ui.startup) is the
    window already painted while the heavy modules loaded, which the main window replaces."""
    from desktop.logs import setup_logging

    existing = QApplication.instance()
    if existing is None:
        install_qt_logging()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Vetta")
    app.setOrganizationName("Vetta")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    setup_logging()
    install_excepthook()
    from desktop.ui.operations import install_write_guard

    install_write_guard()  # a write started on the GUI thread is logged as the programming error it is
    # Start-up: the database file's check reads the whole file; it runs in a thread (started by the
    # command line before SQLAlchemy loads) while the main window's modules load here.
    check = early_check or QuickCheck(db_url)
    import desktop.ui.main_window  # noqa: F401

    backend = open_with_recovery(db_url, offer, checked=_after_check(check, db_url))
    if backend is None:
        if startup is not None:
            startup.close()
        print("vetta: the database could not be opened; see the message shown.", file=sys.stderr)
        return 3
    probe("database-open")
    install_language(app, backend)
    from desktop.services.first_run import is_first_run

    outcome = None
    if is_first_run(backend):
        from desktop.ui.welcome import WelcomeDialog

        welcome = WelcomeDialog(backend)
        welcome.setWindowIcon(app_icon())
        if welcome.exec() != QDialog.DialogCode.Accepted:
            close_backend(backend)
            if startup is not None:
                startup.close()
            return 0  # nothing set up yet: the welcome flow comes back next time
        outcome = welcome.outcome
        install_language(app, backend)
    if not ensure_user(backend, actor):
        close_backend(backend)
        if startup is not None:
            startup.close()
        return 0  # nobody said who they are: nothing may be recorded
    window = build_window(backend, db_url)
    if outcome == "demo":
        window.workspace.setCurrentIndex(0)  # type: ignore[attr-defined]  # land on the dashboard
    watch_main_window(window)
    if startup is not None:
        startup.hand_over(window)
    else:
        window.show()
    code = app.exec()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()  # a save still running when the window closed completes
    close_backend(backend)
    return int(code)
