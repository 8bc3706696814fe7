"""The SQLite file's integrity check (``PRAGMA quick_check``), started early in a thread.

Reading a whole large file takes a fraction of a second (a third of a second for 100,000 vendors).
SQLite works without Python's interpreter lock meanwhile, so the program starts it before importing
SQLAlchemy and its models and the two overlap. Only the plain standard library is used here.

The check only ever *saves* work: when it cannot say "ok" for certain (not an SQLite file path, the
file cannot be opened, the check reports damage), ``passed()`` is False and the caller runs its
usual check, which explains the problem to the user.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from db.location import plain_sqlite_file


class QuickCheck:
    def __init__(self, url: str | None) -> None:
        self._path = plain_sqlite_file(url)
        self._ok = False
        self._thread: threading.Thread | None = None
        if self._path is not None and self._path.is_file() and self._path.stat().st_size > 0:
            self._thread = threading.Thread(target=self._run, args=(self._path,), name="vetta-quick-check",
                                            daemon=True)
            self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
            try:
                rows = conn.execute("PRAGMA quick_check").fetchall()
            finally:
                conn.close()
        except Exception:  # any doubt: the caller's own check runs and explains it
            return
        self._ok = [str(r[0]) for r in rows] == ["ok"]

    def passed(self) -> bool:
        """Wait for the check; True when the file was found sound."""
        if self._thread is not None:
            self._thread.join()
        return self._ok
