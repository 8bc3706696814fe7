"""The first thing a user sees: a window that paints before the database layer loads.

Opening Vetta imports SQLAlchemy, Alembic and the models, opens (and may upgrade or check) the database,
then builds the main window. All of that happens after this light window has painted, so the user sees
at once that Vetta is opening the register. It imports nothing but PySide6 and the translation module;
``desktop.cli.main`` shows it before it imports ``desktop.ui.app``.

``VETTA_STARTUP_PROBE`` (tests and benchmarks only) prints where start-up is on standard error:
``vetta-startup: first-paint SECONDS database-layer=loaded|not-loaded``, ``vetta-startup: database-open``
and ``vetta-startup: window-shown SECONDS`` (seconds since ``VETTA_STARTUP_T0``, a ``time.time()``
taken by whoever started the process); with the value ``quit`` the application ends once the main
window has painted.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.core.i18n import tr

PROBE_ENV = "VETTA_STARTUP_PROBE"
T0_ENV = "VETTA_STARTUP_T0"


def probe(event: str, *, timed: bool = False, extra: str = "") -> None:
    """One start-up milestone on standard error, when ``VETTA_STARTUP_PROBE`` asks for them."""
    if not os.environ.get(PROBE_ENV):
        return
    parts = ["vetta-startup:", event]
    if timed:
        try:
            parts.append(f"{time.time() - float(os.environ.get(T0_ENV, '0')):.4f}")
        except ValueError:
            parts.append("?")
    if extra:
        parts.append(extra)
    print(" ".join(parts), file=sys.stderr, flush=True)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def install_qt_logging() -> None:
    """Qt's own messages go to the log file too, from before the application object exists.

    A platform plugin that cannot load (a missing X11 library, no display) makes Qt abort the process
    right after its last message: that message, and a Python traceback of where it happened
    (faulthandler), are what the log keeps. The handler that was installed before (pytest-qt's, in
    tests) still gets every message.
    """
    import faulthandler

    from desktop.logs import log_file, setup_logging  # light: no database layer

    setup_logging()
    qt_log = logging.getLogger("vetta.qt")
    previous: list[object] = []
    first_warning: list[str] = []

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        level = _QT_LEVELS.get(kind, logging.WARNING)
        if level >= logging.INFO:
            qt_log.log(level, "%s", message)
        if kind == QtMsgType.QtWarningMsg and not first_warning and message.strip():
            first_warning.append(message.strip().splitlines()[0])
        if kind == QtMsgType.QtFatalMsg:
            cause = first_warning[0] if first_warning else message.strip().splitlines()[0]
            print(f"vetta: the window cannot open: {cause} (details in {log_file()})", file=sys.stderr)
        if previous and callable(previous[0]):
            previous[0](kind, context, message)
        elif kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtFatalMsg:
            print(message, file=sys.stderr)

    previous.append(qInstallMessageHandler(handler))
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        global _fault_log
        _fault_log = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for faulthandler
        faulthandler.enable(file=_fault_log)
    except OSError:
        pass


_fault_log: object = None


class _FirstPaint(QObject):
    """Calls back once, when ``widget`` has painted for the first time."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)
        return False


class StartupWindow(QWidget):
    """"Opening the register…": the window's size and place, a busy bar, nothing that needs the database."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("startup")
        self.setWindowTitle("Vetta")  # i18n: ignore
        self.resize(1200, 760)  # the main window's first size: it takes this one's place
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.message = QLabel(tr("Opening the register…"), self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.message.setFont(font)
        layout.addWidget(self.message)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # busy, no percentage: how long the database takes is not known
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(360)
        layout.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        _FirstPaint(self, lambda: probe("first-paint", timed=True, extra="database-layer=" + (
            "loaded" if "sqlalchemy" in sys.modules else "not-loaded")))

    def hand_over(self, window: QWidget) -> None:
        """Put ``window`` where this one is, show it and close this one."""
        if not window.isVisible():
            window.move(self.pos())
        window.show()
        self.close()


def show_startup(argv: list[str] | None = None) -> tuple[QApplication, StartupWindow]:
    """The application object and the start-up window, shown and painted."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        argv if argv is not None else sys.argv[:1])
    window = StartupWindow()
    window.show()
    # paint now, before the heavy imports block the event loop: deliver the window's expose and layout
    # events, then paint synchronously (posted update requests would wait for the event loop)
    app.processEvents()
    window.repaint()
    app.processEvents()
    return app, window


def watch_main_window(window: QWidget) -> None:
    """Report (and with ``VETTA_STARTUP_PROBE=quit`` end on) the main window's first paint."""
    if not os.environ.get(PROBE_ENV):
        return

    def shown() -> None:
        probe("window-shown", timed=True)
        if os.environ.get(PROBE_ENV) == "quit":
            QApplication.quit()

    _FirstPaint(window, shown)


def launch(db_url: str | None, actor: str | None, early_check: object) -> int:
    """Open the window as ``vetta`` does: logging, the start-up window, then the application."""
    if QApplication.instance() is None:
        install_qt_logging()
    _app, startup = show_startup()
    from desktop.ui.app import run  # the heavy part: the database layer and the main window

    return run(db_url=db_url, actor=actor, early_check=early_check, startup=startup)  # type: ignore[arg-type]
