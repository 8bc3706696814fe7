"""Errors the database layer raises with a message fit to show a user as it is."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database problem explained in one sentence (bad URL, unreachable, locked, corrupt...)."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer Vetta than this one."""


class ConflictError(DatabaseError):
    """Someone else saved the same record since it was read (optimistic locking)."""


class ImmutableRecord(DatabaseError):
    """A decided assessment, its answers, its sign-off or the audit trail was asked to change.

    Database triggers (db/triggers.py) refuse such changes whatever the path (app, CLI, plain SQL);
    ``explain`` turns their error into this exception.
    """


class DamagedDatabase(DatabaseError):
    """The database file is corrupt or is not a database; ``backup`` names the latest backup, if any."""

    def __init__(self, message: str, path: object = None, backup: object = None, problem: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup
        self.problem = problem or message


IMMUTABLE_MARKER = "vetta:immutable:"


def immutable_message(exc: BaseException) -> str | None:
    """The sentence of a trigger refusal hidden in a driver exception, or None."""
    text = str(getattr(exc, "orig", None) or exc)
    at = text.find(IMMUTABLE_MARKER)
    if at < 0:
        return None
    sentence = text[at + len(IMMUTABLE_MARKER):].strip().splitlines()[0].strip()
    return sentence[0].upper() + sentence[1:] if sentence else "This record can no longer be changed."


def explain(exc: BaseException, url: object = None) -> DatabaseError:
    """Turn a driver exception into one sentence a user can act on."""
    if isinstance(exc, DatabaseError):
        return exc
    immutable = immutable_message(exc)
    if immutable is not None:
        return ImmutableRecord(immutable)
    where = ""
    render = getattr(url, "render_as_string", None)
    if callable(render):
        where = str(render(hide_password=True))
    backend = str(getattr(url, "drivername", "") or "")
    database = getattr(url, "database", None)
    if backend.startswith("sqlite") and database:
        where = str(database)
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
    lowered = message.lower()
    if "file is not a database" in lowered or "malformed" in lowered or "not a database" in lowered:
        return DatabaseError(f"The database file {where!r} is damaged or is not a Vetta database ({message}).")
    if "database is locked" in lowered:
        return DatabaseError(f"The database {where!r} is locked by another program; close it and try again.")
    if "unable to open database file" in lowered or "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"The database file {where!r} cannot be opened for writing ({message}).")
    if backend.startswith("postgresql"):
        if "password authentication failed" in lowered:
            return DatabaseError(f"The PostgreSQL server refused the user name or password for {where!r}.")
        if "does not exist" in lowered and "database" in lowered:
            return DatabaseError(f"The PostgreSQL database in {where!r} does not exist ({message}).")
        if "connection" in lowered or "could not" in lowered or "timeout" in lowered or "resolve" in lowered:
            return DatabaseError(f"Cannot reach the PostgreSQL server for {where!r} ({message}).")
    return DatabaseError(f"Database error on {where!r}: {message or type(exc).__name__}.")
