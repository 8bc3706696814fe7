"""Commands of this area are registered here (see desktop/cli/main.py)."""

from __future__ import annotations

from typing import Any


def register(subparsers: Any) -> None:
    """No commands yet."""
