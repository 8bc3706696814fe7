"""Engine creation and the unit of work.

The default database is an SQLite file in the user data directory; any SQLAlchemy URL can be
given instead (``--db URL`` or ``VETTA_DATABASE_URL``), PostgreSQL through psycopg 3 being the
supported shared database. One user action is one unit of work is one transaction:
``with unit_of_work(engine, actor) as session: ...`` commits at the end or rolls back everything.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, create_engine

from db import audit as _audit  # noqa: F401  (installs the audit-trail hook on every session)
from db.audit import CHANGED_KEY
from db.errors import (
    ConflictError,
    DatabaseError,
    ImmutableRecord,
    NotPermitted,
    immutable_message,
    refused_message,
)
from db.location import APP_NAME as APP_NAME  # re-exported: the names' old home
from db.location import ENV_DATA_DIR as ENV_DATA_DIR
from db.location import ENV_URL as ENV_URL
from db.location import data_dir as data_dir
from db.location import default_url as default_url
from db.location import resolve_url as resolve_url
from db.messages import tr

SQLITE_BUSY_TIMEOUT_MS = 10_000


def parse_url(url: str) -> URL:
    """Parse and normalise a database URL; a plain file path is taken as an SQLite file."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise DatabaseError(tr("The database address {url} contains control characters; check it and try again.",
                               url=repr(url)))
    if "://" not in url:
        try:
            url = f"sqlite:///{Path(url).expanduser().resolve()}"
        except (OSError, ValueError, RuntimeError) as exc:
            raise DatabaseError(tr("The database file name {url} is not usable ({problem}).", url=repr(url),
                                   problem=str(exc))) from exc
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise DatabaseError(tr("The database address {url} is not a valid database URL.", url=repr(url))) from exc
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(tr(
            "The database address {url} is not supported: use an SQLite file or a postgresql:// URL.",
            url=repr(parsed.render_as_string(hide_password=True)),
        ))
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for memory databases and other engines."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _private_folder(folder: Path) -> None:
    """Create the database's folder; Vetta's own data folder is made 0700 (POSIX), other folders are left be."""
    from db.backup import PRIVATE_DIR, make_private

    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    try:
        if folder.resolve() == data_dir().resolve():
            make_private(folder, PRIVATE_DIR)
    except OSError:
        pass


def _private_database(path: Path) -> None:
    """The SQLite file is the user's alone (0600, POSIX): created so before SQLite opens it, tightened if older.

    SQLite gives its ``-wal``, ``-shm`` and journal files the mode of the database file.
    """
    from db.backup import PRIVATE_FILE, make_private

    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)  # an empty file is an empty SQLite database
    except FileExistsError:
        pass
    except OSError:
        return  # SQLite explains an unusable place in its own words
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        make_private(file)


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Python's sqlite3 opens transactions lazily; we take them ourselves (BEGIN IMMEDIATE below)
    # so a writer never fails half-way on a lock upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Units of work take the write lock up front (no failed lock upgrade half-way); plain reads
    # stay deferred so they never block a writer.
    if conn.get_execution_options().get("vetta_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str | None = None, *, create_dir: bool = True, echo: bool = False) -> Engine:
    """Create the engine for ``url`` (resolved as ``resolve_url`` does)."""
    parsed = parse_url(resolve_url(url))
    path = sqlite_path(parsed)
    kwargs: dict[str, Any] = {"echo": echo}
    if path is not None:
        if create_dir:
            try:
                _private_folder(path.parent)
            except OSError as exc:
                raise DatabaseError(tr(
                    "The folder {folder} for the database cannot be created: {strerror}.",
                    folder=repr(str(path.parent)), strerror=exc.strerror,
                )) from exc
            _private_database(path)
        # A small pool: opening an SQLite connection re-reads the schema (about a millisecond), which
        # a search keystroke would pay two or three times. Pooled connections are used by one thread
        # at a time; ``engine.dispose()`` closes them before a file is restored or removed.
        kwargs["poolclass"] = QueuePool
        kwargs["pool_size"] = 4
        kwargs["max_overflow"] = 16
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(tr("No driver is installed for {backend} databases.",
                               backend=repr(parsed.get_backend_name()))) from exc
    except (ArgumentError, ValueError, TypeError) as exc:
        raise DatabaseError(tr(
            "The database address {url} is not valid ({problem}).",
            url=repr(parsed.render_as_string(hide_password=True)), problem=str(exc).splitlines()[0],
        )) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


WriteGuard = Callable[[], None]
_write_guard: WriteGuard | None = None
# The unit of work open in this thread (or task), per connection pool: a service called inside another
# unit of work on the same database joins it instead of opening a second transaction (see unit_of_work).
_ambient: ContextVar[tuple[Any, Session] | None] = ContextVar("vetta_unit_of_work", default=None)


def set_write_guard(guard: WriteGuard | None) -> None:
    """Install a check run whenever a unit of work starts (outermost only).

    The window installs one that refuses to write on its GUI thread: every write belongs in an
    operation running off that thread (desktop/ui/operations.py). ``None`` removes it.
    """
    global _write_guard
    _write_guard = guard


def _joined(engine: Engine) -> Session | None:
    current = _ambient.get()
    if current is not None and current[0] is engine.pool:
        return current[1]
    return None


def changed_records(session: Session) -> set[tuple[str, int | None]]:
    """What ``session`` wrote so far: ``(table name, vendor id or None)`` for every row it created,
    changed or deleted (recorded at each flush by db.audit)."""
    recorded: set[tuple[str, int | None]] = session.info.setdefault(CHANGED_KEY, set())
    return recorded


@contextmanager
def unit_of_work(engine: Engine, actor: str | None = None) -> Iterator[Session]:
    """One user action: a session whose work commits together at the end, or not at all.

    ``actor`` names who acts; the audit trail records it with every change.

    Called while another unit of work on the same database is open in this thread (an operation
    that calls several services), it joins it: its work runs in a savepoint of the same transaction,
    so a failure inside rolls back only its own part, and everything commits once, when the outer
    unit of work ends.
    """
    outer = _joined(engine)
    if outer is not None:
        yield from _nested(outer, actor)
        return
    if _write_guard is not None:
        _write_guard()
    session = Session(engine.execution_options(vetta_write=True), expire_on_commit=False)
    session.info["actor"] = actor or default_actor(engine)
    session.info[CHANGED_KEY] = set()
    token = _ambient.set((engine.pool, session))
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        refused = immutable_message(exc) if isinstance(exc, DBAPIError) else None
        if refused is not None:  # a trigger refused to change a decided record: one sentence
            raise ImmutableRecord(refused) from exc
        denied = refused_message(exc) if isinstance(exc, DBAPIError) else None
        if denied is not None:  # team mode: this login's role does not allow it
            raise NotPermitted(denied) from exc
        if isinstance(exc, StaleDataError):  # the version column caught a save racing ours
            raise ConflictError(tr(
                "Someone else saved this record at the same moment; nothing of yours was written. "
                "Reload it and make your change again."
            )) from exc
        raise
    finally:
        _ambient.reset(token)
        session.close()


def _nested(session: Session, actor: str | None) -> Iterator[Session]:
    outer_actor = session.info.get("actor")
    savepoint = session.begin_nested()
    changed = changed_records(session)
    written_before = set(changed)
    if actor and actor != outer_actor:
        session.info["actor"] = actor
    try:
        yield session
        session.flush()  # ids and the audit trail, as a commit would give them
        savepoint.commit()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        changed.intersection_update(written_before)  # what was rolled back was not written
        raise
    finally:
        session.info["actor"] = outer_actor


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only session (deferred transaction, rolled back at the end).

    Inside a unit of work on the same database (in this thread) it is that unit's session, so what
    the action wrote so far is visible to what it reads next.
    """
    outer = _joined(engine)
    if outer is not None:
        yield outer
        return
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


ActorProvider = Callable[[Engine | None], str]
_actor_provider: ActorProvider | None = None


def set_actor_provider(provider: ActorProvider | None) -> None:
    """Install who acts when a unit of work is not told: the application's "who am I" resolution.

    The command line and the window install one (desktop.services.whoami): the database login on
    PostgreSQL, the profile name on SQLite; it may raise an error asking the user to say who they are.
    """
    global _actor_provider
    _actor_provider = provider


def default_actor(engine: Engine | None = None) -> str:
    """The person acting (on ``engine``) when nobody said otherwise: the installed provider, else ``VETTA_USER``.

    Never the operating system's login name: on a shared computer that is nobody's name.
    """
    if _actor_provider is not None:
        return _actor_provider(engine)
    return os.environ.get("VETTA_USER") or "unknown"
