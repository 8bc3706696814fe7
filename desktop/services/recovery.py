"""When the database file is damaged: explain it, name the latest backup, restore it.

The CLI prints the offer as part of its error sentence; the GUI shows it in a dialog
(desktop/ui/recovery.py) with a "Restore latest backup" button that calls ``restore_latest``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from db import backup as backups
from db import migrate
from db.engine import default_url, make_engine, parse_url, resolve_url, sqlite_path
from db.errors import DamagedDatabase, DatabaseError, SchemaTooNew, explain
from desktop.core.i18n import tr

_DAMAGE_MARKERS = ("damaged", "not a database", "malformed", "not a readable sqlite", "disk image")


@dataclass(frozen=True)
class RestoreOffer:
    """What to tell the user about a damaged database, and what can be restored."""

    database: Path
    problem: str  # the sentence explaining what is wrong
    backup: Path | None  # the latest backup, None when there is none
    taken_at: datetime | None
    command: str | None  # the exact `vetta db restore ...` command

    @property
    def message(self) -> str:
        if self.backup is None:
            return tr("{problem} There is no backup of it in {folder}.", problem=self.problem,
                      folder=repr(str(backups.backup_dir(self.database))))
        if self.taken_at is None:
            return tr("{problem} The latest backup is {backup}; restore it with: {command}", problem=self.problem,
                      backup=repr(str(self.backup)), command=self.command)
        return tr("{problem} The latest backup is {backup} from {time} UTC; restore it with: {command}",
                  problem=self.problem, backup=repr(str(self.backup)), time=f"{self.taken_at:%Y-%m-%d %H:%M}",
                  command=self.command)


def _sqlite_file(url: str | None) -> Path | None:
    try:
        return sqlite_path(parse_url(resolve_url(url)))
    except DatabaseError:
        return None


def backup_time(path: Path) -> datetime | None:
    """The time in a backup's name (``vetta-20261126T001500123456Z-daily.sqlite3``)."""
    for part in path.stem.split("-"):
        try:
            return datetime.strptime(part, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def restore_command(backup: Path, url: str | None) -> str:
    parts = ["vetta"]
    database = _sqlite_file(url)
    default = _sqlite_file(default_url())
    if database is not None and (default is None or database.resolve() != default.resolve()):
        parts += ["--db", str(database)]
    parts += ["db", "restore", str(backup)]
    return shlex.join(parts)


def is_damage(error: BaseException) -> bool:
    if isinstance(error, DamagedDatabase):
        return True
    if isinstance(error, SchemaTooNew):
        return False
    lowered = str(error).lower()
    return any(marker in lowered for marker in _DAMAGE_MARKERS)


def restore_offer(error: BaseException, url: str | None) -> RestoreOffer | None:
    """The offer for ``error`` on the database at ``url``; None unless it is a damaged SQLite file."""
    path = _sqlite_file(url)
    if path is None or not is_damage(error):
        return None
    problem = str(getattr(error, "problem", None) or error)
    found = backups.list_backups(path)
    latest = found[0] if found else None
    return RestoreOffer(
        database=path, problem=problem, backup=latest, taken_at=backup_time(latest) if latest else None,
        command=restore_command(latest, url) if latest else None,
    )


def with_restore_hint(error: DatabaseError, url: str | None) -> DatabaseError:
    """``error`` itself, or a DamagedDatabase whose sentence names the latest backup and the command."""
    offer = restore_offer(error, url)
    if offer is None:
        return error
    return DamagedDatabase(offer.message, path=offer.database, backup=offer.backup, problem=offer.problem)


def probe(url: str | None) -> None:
    """Raise DatabaseError when the SQLite file at ``url`` is damaged (PRAGMA quick_check)."""
    path = _sqlite_file(url)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    engine = make_engine(str(path), create_dir=False)
    try:
        with engine.connect() as conn:
            rows = [str(r[0]) for r in conn.execute(text("PRAGMA quick_check")).fetchall()]
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    finally:
        engine.dispose()
    if rows != ["ok"]:
        raise DamagedDatabase(tr("The database file {file} is damaged ({problem}).", file=repr(str(path)),
                                 problem=rows[0]))


def restore_latest(url: str | None) -> tuple[Path, Path | None]:
    """Restore the newest backup that passes the checks; returns (backup used, safety copy of the old file)."""
    path = _sqlite_file(url)
    if path is None:
        raise DatabaseError(tr("Only an SQLite database file can be restored from a backup here."))
    known = {rev.revision for rev in migrate.script_directory().walk_revisions()}
    last_error: DatabaseError | None = None
    for candidate in backups.list_backups(path):
        try:
            backups.verify_sqlite_file(candidate, known)
        except DatabaseError as exc:
            last_error = exc
            continue
        return candidate, backups.restore(candidate, path, known)
    if last_error is not None:
        raise DatabaseError(tr("No usable backup of {file} was found; the newest problem: {problem}",
                               file=repr(str(path)), problem=str(last_error)))
    raise DatabaseError(tr("There is no backup of {file} in {folder}.", file=repr(str(path)),
                           folder=repr(str(backups.backup_dir(path)))))
