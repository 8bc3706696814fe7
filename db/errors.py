"""Errors the database layer raises with a message fit to show a user as it is."""

from __future__ import annotations

from db.messages import tr


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


class NotPermitted(DatabaseError):
    """The database refused an action to this login: its role does not allow it (team mode on PostgreSQL).

    Raised for the team guards' refusals (``vetta:refused:``, db/roles.py) and for PostgreSQL's
    "permission denied" (SQLSTATE 42501).
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
    if not sentence:
        return tr("This record can no longer be changed.")
    # The trigger wrote the English sentence (db/triggers.py marks each one); translate it as a whole.
    return tr(sentence[0].upper() + sentence[1:])


REFUSED_MARKER = "vetta:refused:"


def refused_message(exc: BaseException) -> str | None:
    """The sentence of a team guard's refusal, or of PostgreSQL's "permission denied", or None."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig)
    diag = getattr(orig, "diag", None)
    at = text.find(REFUSED_MARKER)
    if at >= 0:
        sentence = text[at + len(REFUSED_MARKER):].strip().splitlines()[0].strip()
        login = str(getattr(diag, "message_detail", "") or "")
        if login and login in sentence:  # the guard named the login: translate the template, then fill it
            return tr(sentence.replace(login, "{login}"), login=login)
        return tr(sentence)
    if str(getattr(orig, "sqlstate", "") or getattr(diag, "sqlstate", "") or "") == "42501" \
            or "permission denied" in text.lower():
        what = text.strip().splitlines()[0].strip() if text.strip() else ""
        return tr("Your database login is not allowed to do this ({what}); ask your Vetta administrator for a "
                  "role that allows it.", what=what)
    return None


def explain(exc: BaseException, url: object = None) -> DatabaseError:
    """Turn a driver exception into one sentence a user can act on."""
    if isinstance(exc, DatabaseError):
        return exc
    immutable = immutable_message(exc)
    if immutable is not None:
        return ImmutableRecord(immutable)
    refused = refused_message(exc)
    if refused is not None:
        return NotPermitted(refused)
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
        return DamagedDatabase(tr("The database file {where} is damaged or is not a Vetta database ({message}).",
                                  where=repr(where), message=message))
    if "database is locked" in lowered:
        return DatabaseError(tr("The database {where} is locked by another program; close it and try again.",
                                where=repr(where)))
    if "unable to open database file" in lowered or "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(tr("The database file {where} cannot be opened for writing ({message}).",
                                where=repr(where), message=message))
    if backend.startswith("postgresql"):
        if "password authentication failed" in lowered:
            return DatabaseError(tr("The PostgreSQL server refused the user name or password for {where}.",
                                    where=repr(where)))
        if "does not exist" in lowered and "database" in lowered:
            return DatabaseError(tr("The PostgreSQL database in {where} does not exist ({message}).",
                                    where=repr(where), message=message))
        if "connection" in lowered or "could not" in lowered or "timeout" in lowered or "resolve" in lowered:
            return DatabaseError(tr("Cannot reach the PostgreSQL server for {where} ({message}).",
                                    where=repr(where), message=message))
    return DatabaseError(tr("Database error on {where}: {message}.", where=repr(where),
                            message=message or type(exc).__name__))
