"""Run report work (render, sign) off the GUI thread with QThreadPool, reporting back by signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    """Calls ``fn()`` in a pool thread; emits ``done(result)`` or ``failed(message)``."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()

    def run(self) -> None:
        from desktop.core.errors import UserError

        try:
            result = self.fn()
        except UserError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # shown to the user; details in the log
            import logging

            logging.getLogger("vetta.ui").exception("report job failed")
            self.signals.failed.emit(f"Something unexpected went wrong ({type(exc).__name__}); see the log file.")
        else:
            self.signals.done.emit(result)


def start(fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> Job:
    job = Job(fn)
    job.signals.done.connect(on_done)
    job.signals.failed.connect(on_failed)
    QThreadPool.globalInstance().start(job)
    return job
