"""Team mode on PostgreSQL: set a database up for a team, add logins with roles, list them.

The SQL (roles, grants, guards) is in db/roles.py; docs/team.md is the DBA's guide. ``init`` is run
by a DBA (a superuser) once per database, and again after each `vetta db upgrade` (which does it by
itself when the database is in team mode).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.engine import Engine

from db import roles
from db.errors import DatabaseError, explain
from desktop.core.errors import UserError
from desktop.core.i18n import tr

ROLES = tuple(roles.ROLE_OF)  # viewer, preparer, approver, admin


@dataclass(frozen=True)
class TeamMember:
    login: str
    roles: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _require_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise UserError(tr("Team mode needs a shared PostgreSQL database; an SQLite file belongs to one person "
                           "(open a PostgreSQL database with --db postgresql://...)."))


def is_team(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    try:
        with engine.connect() as conn:
            return roles.team_mode(conn)
    except Exception as exc:
        raise explain(exc, engine.url) from exc


def init(engine: Engine) -> list[str]:
    """Create the roles and set this database up for team mode (idempotent). Returns the group roles."""
    _require_postgresql(engine)
    from desktop.services.checklists import ensure_default

    ensure_default(engine)  # templates are the administrators' to change: the default one goes in now
    try:
        with engine.begin() as conn:
            if not roles.may_migrate(conn):
                raise UserError(tr("Only a database administrator (a PostgreSQL superuser) can set up team mode; "
                                   "connect as one, e.g. --db postgresql://postgres@host/database."))
            roles.apply(conn)
    except (UserError, DatabaseError):
        raise
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return [roles.OWNER, *roles.GROUP_ROLES]


def reapply_if_team(engine: Engine) -> bool:
    """After a schema upgrade: grants and guards for new tables (a no-op outside team mode)."""
    if engine.dialect.name != "postgresql":
        return False
    try:
        with engine.begin() as conn:
            if not roles.team_mode(conn):
                return False
            roles.apply(conn)
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return True


def check_login(login: str) -> str:
    value = login.strip()
    if not roles.LOGIN_RE.match(value) or value.startswith(("vetta_", "pg_")):
        raise UserError(tr("The login {login} is not usable: use lower-case letters, digits and _ . @ - (starting "
                           "with a letter, at most 63 characters, not vetta_ or pg_).", login=repr(login)))
    return value


def add(engine: Engine, login: str, role: str, *, password: str | None = None) -> TeamMember:
    """Create ``login`` if needed and grant it ``role`` (viewer, preparer, approver or admin).

    Run by a member of vetta_admin (or a superuser). A password, when given, is stored by the server
    (SCRAM); people can change theirs with psql's \\password.
    """
    _require_postgresql(engine)
    login = check_login(login)
    if role not in roles.ROLE_OF:
        raise UserError(tr("The role {role} is not one of viewer, preparer, approver, admin.", role=repr(role)))
    if not is_team(engine):
        raise UserError(tr("This database is not in team mode yet: a database administrator runs `vetta team init` "
                           "first."))
    try:
        with engine.begin() as conn:
            roles.add_login(conn, login, role, password)
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return next((m for m in members(engine) if m.login == login), TeamMember(login, [role]))


def members(engine: Engine) -> list[TeamMember]:
    """Every login with a Vetta role (viewer, preparer, approver, admin), by login."""
    _require_postgresql(engine)
    names = {v: k for k, v in roles.ROLE_OF.items()}
    try:
        with engine.connect() as conn:
            rows = roles.logins(conn)
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return [TeamMember(login, [names[g] for g in groups]) for login, groups in rows]
