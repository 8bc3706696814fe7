"""SQLite backups through the online backup API: consistent even while the app is writing.

Backups, the copy being written (``.part``) and a restore in progress (``.restoring``) are private
to the user on POSIX (0600, the ``backups`` folder 0700): they hold the whole due-diligence record.
A copy in progress holds an advisory lock (``flock``) on its file, so ``clean_leftovers`` (run when
the database is opened) removes only what an interrupted run left behind, never a copy another
process is writing.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from db.errors import DamagedDatabase, DatabaseError
from db.messages import tr

DEFAULT_KEEP = 10
# Tables any Vetta database has had since schema 0001; a restore source must have them all.
CORE_TABLES = frozenset({"organisation", "party", "vendor", "assessment", "answer", "signoff", "audit_event"})
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PART_SUFFIX = ".part"
RESTORING_SUFFIX = ".restoring"


def backup_dir(db_file: Path) -> Path:
    """Backups live beside the database, in ``backups/``."""
    return db_file.parent / "backups"


def private_dir(folder: Path) -> None:
    """Create ``folder`` (and its parents) if needed; the folder itself is made 0700 on POSIX."""
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(folder, PRIVATE_DIR)


def make_private(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Take away group and other access to ``path`` (POSIX; only a file or folder we own; never fails)."""
    if os.name != "posix":
        return
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, (info.st_mode & 0o777 & ~0o077) | (mode & 0o700))
    except OSError:
        pass


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive advisory lock on ``fd``; False when another process holds one (only if not ``wait``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: an open file cannot be removed anyway
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def remove_if_abandoned(path: Path) -> bool:
    """Remove the temporary file ``path`` unless a running copy holds its lock; True when removed."""
    if path.is_symlink():  # Vetta never makes one: whoever did, it is not a copy in progress
        try:
            path.unlink()
        except OSError:
            return False
        return True
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not _lock(fd, wait=False):
            return False
        try:
            path.unlink()
        except OSError:
            return False
        return True
    finally:
        os.close(fd)


@contextmanager
def private_temporary(path: Path) -> Iterator[Path]:
    """Create ``path`` empty, 0600, and hold its lock while the caller writes it (removed on failure)."""
    if path.exists() or path.is_symlink():
        remove_if_abandoned(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    except FileExistsError as exc:
        raise DatabaseError(tr("The file {file} is being written by another Vetta right now; try again when it "
                               "has finished.", file=repr(str(path)))) from exc
    try:
        _lock(fd, wait=True)
        yield path
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def clean_leftovers(db_file: Path) -> list[Path]:
    """Remove what interrupted backups and restores left behind (``.part``, ``.restoring``); returns them."""
    candidates = [db_file.with_name(db_file.name + RESTORING_SUFFIX)]
    folder = backup_dir(db_file)
    if folder.is_dir():
        candidates += sorted(folder.glob(f"*{PART_SUFFIX}"))
    return [p for p in candidates if (p.exists() or p.is_symlink()) and remove_if_abandoned(p)]


def backup_to(db_file: Path, dest: Path) -> Path:
    """Copy ``db_file`` to ``dest`` with SQLite's online backup API and check the copy."""
    if not db_file.exists():
        raise DatabaseError(tr("The database file {file} does not exist.", file=repr(str(db_file))))
    tmp = dest.with_name(dest.name + PART_SUFFIX)
    try:
        if dest.parent == backup_dir(db_file):
            private_dir(dest.parent)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
        with private_temporary(tmp):
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
            try:
                verify_sqlite_file(tmp)
            except DatabaseError as exc:
                raise DamagedDatabase(tr(
                    "The database file {file} is damaged, so no backup was written ({problem}).",
                    file=repr(str(db_file)), problem=str(exc),
                )) from exc
            tmp.replace(dest)
    except DatabaseError:
        tmp.unlink(missing_ok=True)
        raise
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(tr("Backing up {file} failed: {problem}.", file=repr(str(db_file)),
                               problem=str(exc))) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(tr("The backup {file} cannot be written: {strerror}.", file=repr(str(dest)),
                               strerror=exc.strerror)) from exc
    return dest


def configured_keep(db_file: Path) -> int:
    """How many automatic backups to keep: ``organisation.backup_keep`` (at least 1), else DEFAULT_KEEP."""
    try:
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT backup_keep FROM organisation ORDER BY id LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return DEFAULT_KEEP
    if row is None or not isinstance(row[0], int):
        return DEFAULT_KEEP
    return max(1, row[0])


def backup_before(db_file: Path, reason: str, keep: int | None = None) -> Path:
    """An automatic, rotating backup (daily, before migrations, before a restore).

    ``keep`` defaults to the organisation's ``backup_keep`` setting.
    """
    if keep is None:
        keep = configured_keep(db_file)
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


def daily_backup(db_file: Path, keep: int | None = None) -> Path | None:
    """Take today's backup unless one exists already."""
    today = datetime.now(UTC).strftime("%Y%m%d")
    if any(p.name.startswith(f"{db_file.stem}-{today}") for p in list_backups(db_file)):
        return None
    if not db_file.exists():
        return None
    return backup_before(db_file, "daily", keep)


def verify_sqlite_file(path: Path, known_revisions: Collection[str] | None = None) -> str | None:
    """Raise DatabaseError unless ``path`` is a sound SQLite database with a Vetta schema.

    Without ``known_revisions`` an empty database passes (a fresh one being backed up). With it,
    the file must be a Vetta database (its core tables and one schema revision) whose revision is
    one of ``known_revisions``: what a restore requires. Returns the schema revision, if any.
    """
    revisions: list[str] = []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise DamagedDatabase(tr("The file {file} is damaged: {problem}.", file=repr(str(path)),
                                          problem=rows[0]))
            tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" in tables:
                revisions = [str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DamagedDatabase(tr("The file {file} is not a readable SQLite database ({problem}).",
                                 file=repr(str(path)), problem=str(exc))) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise DamagedDatabase(tr("The file {file} is not a readable SQLite database ({problem}).",
                                 file=repr(str(path)), problem=str(exc))) from exc
    if tables and "alembic_version" not in tables:
        raise DatabaseError(tr("The file {file} is an SQLite database but not a Vetta database.",
                               file=repr(str(path))))
    if known_revisions is None:
        return revisions[0] if revisions else None
    if not tables or not CORE_TABLES <= tables:
        raise DatabaseError(tr("The file {file} is an SQLite database but not a Vetta database.",
                               file=repr(str(path))))
    if len(revisions) != 1:
        raise DatabaseError(tr("The file {file} has no single schema version, so it is not a usable Vetta database.",
                               file=repr(str(path))))
    if revisions[0] not in known_revisions:
        raise DatabaseError(tr("The file {file} was written by a newer version of Vetta (schema {revision}); "
                               "install the newer Vetta to use it.", file=repr(str(path)), revision=revisions[0]))
    return revisions[0]


def restore(backup_file: Path, db_file: Path, known_revisions: Collection[str] | None = None) -> Path | None:
    """Replace ``db_file`` by ``backup_file`` after checking the backup; the current file is backed up first.

    With ``known_revisions`` the backup must be a Vetta database at one of those schema revisions.
    Returns the safety backup of the replaced database (None if there was none).
    """
    if not backup_file.is_file():
        raise DatabaseError(tr("The backup file {file} does not exist.", file=repr(str(backup_file))))
    if backup_file.resolve() == db_file.resolve():
        raise DatabaseError(tr("The file {file} is the database itself, not a backup of it.",
                               file=repr(str(backup_file))))
    verify_sqlite_file(backup_file, known_revisions)
    safety: Path | None = None
    tmp = db_file.with_name(db_file.name + RESTORING_SUFFIX)
    try:
        with private_temporary(tmp):  # 0600, locked while written, removed if anything below fails
            # Copy and re-check the copy BEFORE touching anything: a file whose pages pass the integrity
            # check can still carry a schema SQLite refuses to load (a mutated CREATE statement), and that
            # must be refused without leaving a safety backup or a half-written file behind.
            src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
            try:
                out = sqlite3.connect(tmp)
                try:
                    src.backup(out)
                    out.execute("PRAGMA journal_mode = DELETE")
                    for table in sorted(CORE_TABLES):
                        out.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchall()
                finally:
                    out.close()
            finally:
                src.close()
            if db_file.exists():
                try:
                    safety = backup_before(db_file, "before-restore", keep=10_000)
                except DatabaseError:
                    # A damaged current database is exactly when people restore: keep a raw copy instead,
                    # named outside the backup pattern (never offered for restore, never rotated away).
                    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
                    safety = backup_dir(db_file) / f"{db_file.stem}-{stamp}-damaged.sqlite3.bad"
                    private_dir(safety.parent)
                    _write_private(safety, db_file.read_bytes())
                    wal = Path(str(db_file) + "-wal")
                    if wal.exists():
                        _write_private(Path(str(safety) + "-wal"), wal.read_bytes())
            for suffix in ("-wal", "-shm"):
                Path(str(db_file) + suffix).unlink(missing_ok=True)
            tmp.replace(db_file)
    except (sqlite3.Error, UnicodeDecodeError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(tr("Restoring {file} failed: {problem}.", file=repr(str(backup_file)),
                               problem=str(exc))) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(tr("Restoring {file} over {database} failed: {strerror}.", file=repr(str(backup_file)),
                               database=repr(str(db_file)), strerror=exc.strerror)) from exc
    return safety


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    make_private(path)
