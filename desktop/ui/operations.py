"""Long work off the GUI thread, in the style of Anki's CollectionOp.

``run_operation(parent, label, work, on_success=..., changes=ChangeSet(vendors=True))`` runs
``work(engine, progress, cancelled)`` on the global QThreadPool while a cancellable progress dialog
shows; back on the GUI thread it calls ``on_success(result)`` and emits the app-wide
``signals().changed(ChangeSet)`` so every widget showing that kind of data refreshes. A
``UserError`` or ``DatabaseError`` from the worker is shown as its one-sentence message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from sqlalchemy.engine import Engine

from db.errors import DatabaseError
from desktop.core.errors import UserError

log = logging.getLogger("vetta.ui")

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Engine, Progress, Cancelled], Any]


@dataclass(frozen=True)
class ChangeSet:
    """What an operation changed, so views know whether to refresh."""

    vendors: bool = False
    assessments: bool = False
    evidence: bool = False
    settings: bool = False
    vendor_id: int | None = None  # the one vendor changed, when only one

    def touches_vendor(self, vendor_id: int) -> bool:
        return self.vendors and (self.vendor_id is None or self.vendor_id == vendor_id)


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
    def __init__(self, engine: Engine, work: Work, relay: _Relay, cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._engine, self._work, self._relay, self._cancel = engine, work, relay, cancel

    def run(self) -> None:
        try:
            result = self._work(self._engine, lambda done, total: self._relay.progressed.emit(done, total),
                                self._cancel.is_set)
        except BaseException as exc:  # delivered to the GUI thread
            self._deliver(None, exc)
            return
        self._deliver(result, None)

    def _deliver(self, result: Any, exc: BaseException | None) -> None:
        try:
            self._relay.finished.emit(result, exc)
        except RuntimeError:  # the application is closing: nobody is waiting for the result
            log.debug("operation finished after its receiver was deleted")


class Operation(QObject):
    """One running operation; keeps itself alive until it finishes."""

    done = Signal(object, object)  # result, exception (after the handlers ran)
    _running: set[Operation] = set()

    def __init__(self, parent: QWidget | None, label: str, engine: Engine, work: Work, *,
                 on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 changes: ChangeSet | None = None, show_progress: bool = True) -> None:
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
        self._job = _Job(engine, work, self._relay, self.cancel_flag)

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
    def _finish(self, result: Any, exc: BaseException | None) -> None:
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
            if exc is None and self._changes is not None:
                announce(self._changes)
        elif exc is not None:
            if self._on_failure is not None:
                self._on_failure(exc)
            else:
                show_error(self._parent, exc)
        else:
            if self._changes is not None:
                announce(self._changes)
            if self._on_success is not None:
                self._on_success(result)
        self.done.emit(result, exc)
        self.deleteLater()


def run_operation(parent: QWidget | None, label: str, engine: Engine, work: Work, **kwargs: Any) -> Operation:
    """Start ``work(engine, progress, cancelled)`` off the GUI thread; see the module docstring."""
    return Operation(parent, label, engine, work, **kwargs).start()
