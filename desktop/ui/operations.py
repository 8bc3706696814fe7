"""Every user action as one operation off the GUI thread, in the style of Anki's CollectionOp.

``run_operation(parent, label, backend, work, on_success=...)`` runs ``work(uow, progress, cancelled)``
on the global QThreadPool inside ONE unit of work (``uow``, desktop.services.backend.UnitOfWork: pass
``uow.backend`` to services, which join it), while a cancellable progress dialog shows. The unit of
work commits when ``work`` returns; back on the GUI thread the runner calls ``on_success(result)`` and
emits the app-wide ``signals().changed(ChangeSet)`` with what the unit of work actually wrote (plus
any ``changes=`` declared), so every view showing that kind of data refreshes and nobody emits by hand.

``run_query(parent, label, backend, work, ...)`` is the same for reading: ``work(backend, progress,
cancelled)`` runs without a transaction and may not write.

A ``UserError`` or ``DatabaseError`` from the worker is shown as its one-sentence message.
``install_write_guard`` makes any unit of work started on the GUI thread (or inside a query) an error.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.services import backend as _backend
from desktop.services.backend import Backend, ChangeSet, UnitOfWork

__all__ = ["Backend", "ChangeSet", "Operation", "UnitOfWork", "announce", "error_text", "install_write_guard",
           "run_operation", "run_query", "show_error", "signals", "write"]

log = logging.getLogger("vetta.ui")

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[UnitOfWork, Progress, Cancelled], Any]
Query = Callable[[Backend, Progress, Cancelled], Any]

_reading = threading.local()  # .active: this worker thread runs a query (no writes allowed)


class WriteOnGuiThread(RuntimeError):
    """A unit of work was started on the GUI thread or inside a query: a programming error."""


def install_write_guard(*, strict: bool = False) -> None:
    """Refuse writes outside operations: a unit of work started on the GUI thread (it would freeze the
    window and bypass the change broadcast) or inside a read-only query. ``strict`` raises (tests);
    otherwise the write goes ahead and the log records the programming error."""

    def guard() -> None:
        app = QCoreApplication.instance()
        caller = _ui_caller() if app is not None and QThread.currentThread() is app.thread() else None
        in_query = getattr(_reading, "active", False)
        if caller is None and not in_query:
            return
        where = f"on the GUI thread by {caller}" if caller else "inside a read-only query"
        if strict:
            raise WriteOnGuiThread(f"a write started {where}; run it with run_operation")
        log.error("a write started %s; it should run as an operation", where, stack_info=True)

    _backend.install_write_guard(guard)


def _ui_caller() -> str | None:
    """Where window code is on the call stack ("module.function"), or None (a script or test calling
    services directly on the main thread is not the window writing on its GUI thread)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("desktop.ui.") and module != __name__:
            return f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def uninstall_write_guard() -> None:
    _backend.install_write_guard(None)


class AppSignals(QObject):
    """App-wide signals (one instance, see ``signals()``)."""

    changed = Signal(object)  # ChangeSet


_signals: AppSignals | None = None


def signals() -> AppSignals:
    global _signals
    if _signals is None:
        _signals = AppSignals()
    return _signals


def announce(changes: ChangeSet) -> None:
    """Tell every view that ``changes`` happened (call on the GUI thread)."""
    signals().changed.emit(changes)


def error_text(exc: BaseException) -> str:
    """What the user reads for ``exc``: its one sentence, or for an unexpected error a plain sentence (the
    details go to the log)."""
    if isinstance(exc, UserError | DatabaseError):
        return str(exc)
    log.error("unexpected error in an operation", exc_info=exc)
    return QCoreApplication.translate("Operation", "Something unexpected went wrong; the details are in the log file.")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A user-facing error as one sentence in a message box (unexpected ones are logged with details)."""
    text = error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, "Vetta", text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class _Relay(QObject):
    progressed = Signal(int, int)
    finished = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, backend: Backend, work: Work | Query, relay: _Relay, cancel: threading.Event,
                 writes: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._backend, self._work, self._relay, self._cancel = backend, work, relay, cancel
        self._writes = writes

    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            self._relay.progressed.emit(done, total)

        changes = ChangeSet()
        try:
            if self._writes:
                with _backend.open_unit_of_work(self._backend) as uow:
                    result = self._work(uow, progress, self._cancel.is_set)  # type: ignore[arg-type]
                    changes = uow.changes
            else:
                _reading.active = True
                try:
                    result = self._work(self._backend, progress, self._cancel.is_set)  # type: ignore[arg-type]
                finally:
                    _reading.active = False
        except BaseException as exc:  # delivered to the GUI thread
            self._deliver(None, exc, changes)
            return
        self._deliver(result, None, changes)

    def _deliver(self, result: Any, exc: BaseException | None, changes: ChangeSet) -> None:
        try:
            self._relay.finished.emit((result, changes), exc)
        except RuntimeError:  # the application is closing: nobody is waiting for the result
            log.debug("operation finished after its receiver was deleted")


class Operation(QObject):
    """One running operation; keeps itself alive until it finishes."""

    done = Signal(object, object)  # result, exception (after the handlers ran)
    _running: set[Operation] = set()

    def __init__(self, parent: QWidget | None, label: str, backend: Backend, work: Work | Query, *,
                 on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 changes: ChangeSet | None = None, show_progress: bool = True, writes: bool = True) -> None:
        super().__init__(None)
        self._parent = parent
        self._on_success, self._on_failure, self._changes = on_success, on_failure, changes
        self.cancel_flag = threading.Event()
        self._relay = _Relay()
        self._relay.progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self._relay.finished.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, parent)
            self.dialog.setWindowTitle("Vetta")  # i18n: ignore
            self.dialog.setMinimumDuration(400)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self.changes = ChangeSet()  # what the operation wrote and announced, once finished
        self._job = _Job(backend, work, self._relay, self.cancel_flag, writes)

    def start(self) -> Operation:
        Operation._running.add(self)
        QThreadPool.globalInstance().start(self._job)
        return self

    @Slot()
    def cancel(self) -> None:
        self.cancel_flag.set()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total))

    @Slot(object, object)
    def _finish(self, outcome: tuple[Any, ChangeSet], exc: BaseException | None) -> None:
        result, written = outcome
        changes = written | self._changes if self._changes is not None else written
        self.changes = changes if exc is None else ChangeSet()
        Operation._running.discard(self)
        if self.dialog is not None and shiboken6.isValid(self.dialog):  # gone with a closed parent window
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None
        if self._parent is not None and not shiboken6.isValid(self._parent):
            # the window that asked was closed meanwhile: nobody to report to (its handlers would touch
            # deleted widgets); what changed is still announced to the other views
            log.debug("operation finished after its window was closed")
            if exc is None and not changes.empty:
                announce(changes)
        elif exc is not None:
            if self._on_failure is not None:
                self._on_failure(exc)
            else:
                show_error(self._parent, exc)
        else:
            if not changes.empty:
                announce(changes)
            if self._on_success is not None:
                self._on_success(result)
        self.done.emit(result, exc)
        self.deleteLater()


def run_operation(parent: QWidget | None, label: str, backend: Backend, work: Work, **kwargs: Any) -> Operation:
    """Start ``work(uow, progress, cancelled)`` off the GUI thread in one unit of work; see the module
    docstring."""
    return Operation(parent, label, backend, work, writes=True, **kwargs).start()


def write(parent: QWidget, backend: Backend, call: Callable[[Backend], Any], *,
          on_success: Callable[[Any], None] | None = None,
          on_failure: Callable[[BaseException], None] | None = None, label: str = "",
          changes: ChangeSet | None = None) -> Operation:
    """A form's quick save as an operation: ``call(backend)`` in one unit of work off the GUI thread (a
    progress dialog only when ``label`` names a longer task)."""
    return run_operation(parent, label, backend, lambda uow, _progress, _cancelled: call(uow.backend),
                         on_success=on_success, on_failure=on_failure, changes=changes, show_progress=bool(label))


def run_query(parent: QWidget | None, label: str, backend: Backend, work: Query, **kwargs: Any) -> Operation:
    """Start ``work(backend, progress, cancelled)`` off the GUI thread, reading only."""
    return Operation(parent, label, backend, work, writes=False, **kwargs).start()
