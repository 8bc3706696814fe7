"""Opening, upgrading, checking, backing up and restoring the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy.engine import Engine

from db import backup as backups
from db import migrate
from db.engine import make_engine, parse_url, resolve_url, sqlite_path
from db.errors import DatabaseError, explain
from db.filecheck import QuickCheck as QuickCheck  # re-exported: the window's start-up check
from db.location import data_dir as data_dir  # re-exported for the About box
from desktop.core.i18n import tr

log = logging.getLogger("vetta.database")


def open_database(url: str | None = None, *, upgrade: bool = True, daily_backup: bool = True,
                  checked: Callable[[], None] | None = None) -> Engine:
    """Open the database at ``url`` and bring its schema up to date (backing it up first).

    Raises DatabaseError with a user-facing sentence on any problem; for a damaged SQLite file, a
    ``DamagedDatabase`` whose sentence names the latest backup and the command that restores it
    (see desktop/services/recovery.py). An SQLite file is checked (PRAGMA quick_check) first;
    ``checked`` replaces that check when the caller already made it (the window's start-up overlaps
    it with loading the program: ``db.filecheck.QuickCheck`` and ``desktop.ui.app``).
    """
    from desktop.services import recovery

    try:
        (checked or (lambda: recovery.probe(url)))()
    except DatabaseError as exc:
        _reraise_with_hint(exc, url)
    engine = make_engine(url)
    path = sqlite_path(engine.url)
    if path is not None:
        for leftover in backups.clean_leftovers(path):  # what an interrupted backup or restore left behind
            log.info("removed %s, left by an interrupted backup or restore", leftover)
    try:
        if upgrade:
            _upgrade(engine)
        else:
            migrate.ensure_known(engine)
        if daily_backup and path is not None and path.exists():
            backups.daily_backup(path)
        if upgrade:
            from desktop.services.staleness import maybe_refresh_daily

            maybe_refresh_daily(engine)  # certificates that expired since a decision (once a day)
            from desktop.services.exposure import ensure_exposure

            ensure_exposure(engine)  # vendors without a stored competitor exposure (migration 0008), dated changes
    except DatabaseError as exc:
        engine.dispose()
        _reraise_with_hint(exc, url)
    except Exception as exc:
        engine.dispose()
        _reraise_with_hint(explain(exc, engine.url), url, cause=exc)
    return engine


def _upgrade(engine: Engine) -> None:
    """Migrate; on a team database only its administrator can, and the grants then cover new tables."""
    if engine.dialect.name != "postgresql" or migrate.ensure_known(engine) == migrate.head_revision():
        migrate.upgrade(engine)
        return
    from db import roles

    with engine.connect() as conn:
        team, allowed = roles.team_mode(conn), roles.may_migrate(conn)
    if team and not allowed:
        raise DatabaseError(tr("This database needs a schema upgrade for this version of Vetta, which only its "
                               "administrator can apply: ask them to run `vetta db upgrade` (as the database's "
                               "owner), or use the Vetta version the database was last upgraded with."))
    migrate.upgrade(engine)
    if team:
        from desktop.services.team import reapply_if_team

        reapply_if_team(engine)


def _reraise_with_hint(error: DatabaseError, url: str | None, cause: BaseException | None = None) -> NoReturn:
    """Raise ``error``, or its version naming the latest backup when the SQLite file is damaged."""
    from desktop.services import recovery

    hinted = recovery.with_restore_hint(error, url)
    if hinted is error:
        if cause is not None:
            raise error from cause
        raise error
    raise hinted from error


@dataclass
class CheckResult:
    ok: bool
    url: str
    backend: str
    revision: str | None
    head: str
    problems: list[str]
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_database(url: str | None = None) -> CheckResult:
    engine = make_engine(url, create_dir=False)
    try:
        path = sqlite_path(engine.url)
        if path is not None and not path.exists():
            raise DatabaseError(tr("The database file {file} does not exist.", file=repr(str(path))))
        report = migrate.check(engine)
    finally:
        engine.dispose()
    return CheckResult(**asdict(report))


def upgrade_database(url: str | None = None) -> tuple[str | None, str]:
    """Apply pending migrations; returns (revision before, revision after)."""
    engine = make_engine(url)
    try:
        before = migrate.ensure_known(engine)
        _upgrade(engine)
        return before, migrate.head_revision()
    finally:
        engine.dispose()


def _require_sqlite_file(url: str | None) -> Path:
    parsed = parse_url(resolve_url(url))
    path = sqlite_path(parsed)
    if path is None:
        raise DatabaseError(tr(
            "Backups and restores here are for SQLite files; back up a PostgreSQL server with pg_dump."
        ))
    return path


def backup_database(url: str | None = None, output: Path | None = None) -> Path:
    path = _require_sqlite_file(url)
    if output is None:
        return backups.backup_before(path, "manual")
    return backups.backup_to(path, output)


def restore_database(backup_file: Path, url: str | None = None) -> Path | None:
    """Replace the database with ``backup_file`` (checked first); returns the safety copy."""
    path = _require_sqlite_file(url)
    known = set(migrate.known_revisions())
    return backups.restore(backup_file, path, known)


@dataclass(frozen=True)
class DatabaseName:
    """How the window names a database: a short ``name`` for the title and status bar, the full
    ``location`` (never a password) for its tooltip and the About box."""

    name: str
    location: str


def database_name(url: Any, lang: str | None = None) -> DatabaseName:
    """A friendly name for a database URL (``sqlalchemy`` URL or text): "vetta.sqlite3 in
    ~/.local/share/Vetta" for an SQLite file, "vetta on db.example.com" for PostgreSQL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url) if isinstance(url, str) else url
    location = parsed.render_as_string(hide_password=True)
    path = sqlite_path(parsed)
    if path is not None:
        folder = path.parent
        try:
            shown = "~/" + folder.relative_to(Path.home()).as_posix()
        except ValueError:
            shown = str(folder)
        shown = shown.rstrip("/") if shown != "~/" else "~"
        return DatabaseName(tr("{file} in {folder}", lang, file=path.name, folder=shown), str(path))
    if parsed.get_backend_name() == "sqlite":
        return DatabaseName(tr("a database in memory", lang), location)
    host = parsed.host or "localhost"
    if parsed.port and parsed.port != 5432:
        host = f"{host}:{parsed.port}"
    return DatabaseName(tr("{database} on {host}", lang, database=parsed.database or "?", host=host), location)
