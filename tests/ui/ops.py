"""Waiting for the window's operations (desktop/ui/operations.py) in tests, without sleeping."""

from __future__ import annotations

from typing import Any


def finish(qtbot: Any, operation: Any, *, ok: bool = True) -> Any:
    """Wait until ``operation`` (an Operation a widget started) has finished and its handlers ran;
    return its result. ``ok`` asserts that it succeeded. (Its ``done`` signal is delivered through the
    event loop, so it cannot be missed between starting the operation and waiting here.)"""
    assert operation is not None, "no operation was started"
    with qtbot.waitSignal(operation.done, timeout=30_000) as blocker:
        pass
    result, exc = blocker.args
    if ok:
        assert exc is None, exc
    return result
