"""Logging to a rotating file in the user data folder. Secrets are never logged."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from db.location import data_dir

_configured = False


def log_file() -> Path:
    return data_dir() / "logs" / "vetta.log"


def setup_logging(verbose: bool = False) -> None:
    global _configured
    if _configured:
        return
    root = logging.getLogger("vetta")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        pass  # an unwritable data folder must not stop the program; errors still reach the screen
    if verbose:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(console)
    _configured = True
