"""SQLite backups through the online backup API: consistent even while the app is writing."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from db.errors import DatabaseError

DEFAULT_KEEP = 10
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def backup_dir(db_file: Path) -> Path:
    """Backups live beside the database, in ``backups/``."""
    return db_file.parent / "backups"


def backup_to(db_file: Path, dest: Path) -> Path:
    """Copy ``db_file`` to ``dest`` with SQLite's online backup API and check the copy."""
    if not db_file.exists():
        raise DatabaseError(f"The database file {str(db_file)!r} does not exist.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    try:
        src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            finally:
                out.close()
        finally:
            src.close()
        verify_sqlite_file(tmp)
        tmp.replace(dest)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"Backing up {str(db_file)!r} failed: {exc}.") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"The backup {str(dest)!r} cannot be written: {exc.strerror}.") from exc
    return dest


def backup_before(db_file: Path, reason: str, keep: int = DEFAULT_KEEP) -> Path:
    """An automatic, rotating backup (daily, before migrations, before a restore)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{db_file.stem}-{stamp}-{_SAFE.sub('_', reason)}.sqlite3"
    dest = backup_to(db_file, backup_dir(db_file) / name)
    rotate(db_file, keep)
    return dest


def list_backups(db_file: Path) -> list[Path]:
    """Newest first."""
    folder = backup_dir(db_file)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_file.stem}-*.sqlite3"), key=lambda p: p.name, reverse=True)


def rotate(db_file: Path, keep: int) -> None:
    for old in list_backups(db_file)[max(keep, 1):]:
        old.unlink(missing_ok=True)


def daily_backup(db_file: Path, keep: int = DEFAULT_KEEP) -> Path | None:
    """Take today's backup unless one exists already."""
    today = datetime.now(UTC).strftime("%Y%m%d")
    if any(p.name.startswith(f"{db_file.stem}-{today}") for p in list_backups(db_file)):
        return None
    if not db_file.exists():
        return None
    return backup_before(db_file, "daily", keep)


def verify_sqlite_file(path: Path) -> None:
    """Raise DatabaseError unless ``path`` is a sound SQLite database with a Vetta schema."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise DatabaseError(f"The file {str(path)!r} is damaged: {rows[0]}.")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"The file {str(path)!r} is not a readable SQLite database ({exc}).") from exc
    if tables and "alembic_version" not in tables:
        raise DatabaseError(f"The file {str(path)!r} is an SQLite database but not a Vetta database.")


def restore(backup_file: Path, db_file: Path) -> Path | None:
    """Replace ``db_file`` by ``backup_file`` after checking the backup; the current file is backed up first.

    Returns the safety backup of the replaced database (None if there was none).
    """
    if not backup_file.is_file():
        raise DatabaseError(f"The backup file {str(backup_file)!r} does not exist.")
    verify_sqlite_file(backup_file)
    safety: Path | None = None
    if db_file.exists():
        try:
            safety = backup_before(db_file, "before-restore", keep=10_000)
        except DatabaseError:
            # A damaged current database is exactly when people restore: keep a raw copy instead.
            safety = backup_dir(db_file) / f"{db_file.stem}-damaged-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.sqlite3"
            safety.parent.mkdir(parents=True, exist_ok=True)
            safety.write_bytes(db_file.read_bytes())
    tmp = db_file.with_name(db_file.name + ".restoring")
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
    finally:
        src.close()
    for suffix in ("-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    tmp.replace(db_file)
    return safety
