"""Work around a PySide6 reference-count bug in ``SignalInstance.emit``.

PySide6 6.12.0 returns ``True`` from ``emit()`` without taking a reference, so every emit made from
Python drops one reference to ``True``; after enough emits the interpreter aborts ("bool_dealloc:
deallocating True or False"). ``emit(signal, *args)`` emits and gives the reference back, only when
the installed PySide6 shows the bug (checked once at import).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_leaks() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    leaked = sys.getrefcount(True) < before - 4
    if leaked:
        for _ in range(8):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    probe.deleteLater()
    return leaked


EMIT_LEAKS = _emit_leaks()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, safe from the PySide6 reference-count bug."""
    result = signal.emit(*args)
    if EMIT_LEAKS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
