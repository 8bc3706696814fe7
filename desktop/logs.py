"""Logging to a rotating file in the user data folder. Secrets are never logged.

On POSIX the log folder is 0700 and every log file 0600 (rotated ones too): errors can quote what
users typed.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

from db.location import data_dir

_configured = False


def log_file() -> Path:
    return data_dir() / "logs" / "vetta.log"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created readable by their owner only."""

    def _open(self) -> Any:
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in self.mode else os.O_TRUNC)
        fd = os.open(self.baseFilename, flags, 0o600)
        if os.name == "posix":
            try:
                os.fchmod(fd, 0o600)  # a file from an older Vetta may be 0644
            except OSError:
                pass
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def setup_logging(verbose: bool = False) -> None:
    global _configured
    if _configured:
        return
    root = logging.getLogger("vetta")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        path = log_file()
        for folder in (path.parent.parent, path.parent):  # the data folder, then logs/
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if os.name == "posix" and folder.stat().st_uid == os.getuid():
                os.chmod(folder, 0o700)
        handler: logging.Handler = _PrivateRotatingFileHandler(
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
