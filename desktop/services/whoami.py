"""Who am I: the person acting, for the audit trail, sign-offs and separation of duties.

- On PostgreSQL it is the database login (``session_user``), authenticated by the server: nothing
  the program says can change it, and ``--user`` is refused. In team mode (``vetta team init``) the
  login's Vetta roles say what it may do.
- On SQLite it is the profile name the user set in the welcome flow or in Settings (or with
  ``vetta settings set profile-name NAME``); ``--user NAME`` or ``VETTA_USER`` name someone for one
  command (scripts, tests). Never the operating system's login name by surprise: without a name,
  changes are refused with a sentence saying how to set one.

The profile name lives in ``profile.json`` in the user data folder (mode 0600): it belongs to the
person using this computer account, whichever database file they open.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from db import roles
from db.engine import set_actor_provider
from db.errors import explain
from db.location import data_dir
from desktop.core.errors import UserError
from desktop.core.i18n import N_, tr

PROFILE_FILE = "profile.json"
ENV_USER = "VETTA_USER"
MAX_NAME = 200
log = logging.getLogger("vetta.whoami")

VIEWER, PREPARER, APPROVER, ADMIN = "viewer", "preparer", "approver", "admin"
ALL_ROLES = frozenset({VIEWER, PREPARER, APPROVER, ADMIN})
_GROUP_TO_ROLE = {roles.VIEWER: VIEWER, roles.PREPARER: PREPARER, roles.APPROVER: APPROVER, roles.ADMIN: ADMIN}
# Each role and the roles it includes (as granted in db/roles.py).
_INCLUDES = {PREPARER: {VIEWER}, APPROVER: {PREPARER, VIEWER}, ADMIN: {VIEWER}}


@dataclass(frozen=True)
class Who:
    """The acting user and what they may do."""

    name: str  # '' when nobody is known yet (SQLite without a profile name)
    backend: str  # sqlite | postgresql
    source: str  # login | option | environment | profile | none
    team: bool = False  # PostgreSQL in team mode: roles restrict what this login may do
    roles: frozenset[str] = field(default_factory=lambda: ALL_ROLES)

    @property
    def known(self) -> bool:
        return bool(self.name)

    def can(self, role: str) -> bool:
        """May this user act as ``role`` (viewer, preparer, approver, admin)?"""
        return role in self.roles

    @property
    def can_edit(self) -> bool:
        return self.can(PREPARER) or self.can(ADMIN)

    def role_label(self) -> str:
        """The roles in words for the status bar (translated), e.g. "approver"."""
        if not self.team:
            return ""
        shown = [r for r in (ADMIN, APPROVER, PREPARER, VIEWER) if r in self.roles]
        # show the strongest roles only: an approver is also a preparer and a viewer
        strongest = [r for r in shown if not any(r in _INCLUDES.get(o, set()) for o in shown)]
        return ", ".join(role_name(r) for r in strongest) or tr("no Vetta role")

    def require(self) -> str:
        """The name, or a ``UserError`` saying how to set one."""
        if not self.name:
            raise UserError(tr(NO_PROFILE))
        return self.name


ROLE_NAMES = {VIEWER: N_("viewer"), PREPARER: N_("preparer"), APPROVER: N_("approver"), ADMIN: N_("admin")}


def role_name(role: str) -> str:
    """A role's name in the interface language."""
    return tr(ROLE_NAMES.get(role, role))


NO_PROFILE = N_("Vetta does not know who you are yet, and every change is recorded with a name: set yours once "
              "with `vetta settings set profile-name \"Your Name\"` (or in Settings in the app), or give --user NAME.")


def _profile_path() -> Path:
    return data_dir() / PROFILE_FILE


def check_name(name: str) -> str:
    """A usable person's name: trimmed, not empty, at most 200 characters, no control characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError(tr("Your name cannot be empty: it is recorded with every change you make."))
    if len(cleaned) > MAX_NAME:
        raise UserError(tr("Your name is longer than 200 characters; shorten it."))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name.replace("\n", " ").replace("\t", " ")):
        raise UserError(tr("Your name contains control characters; type it again."))
    return cleaned


def profile_name() -> str:
    """The profile name set on this computer account ('' when none)."""
    path = _profile_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ""
    except (OSError, ValueError) as exc:
        log.warning("the profile file %s cannot be read: %s", path, exc)
        return ""
    name = data.get("name") if isinstance(data, dict) else None
    return name.strip() if isinstance(name, str) else ""


def set_profile_name(name: str) -> str:
    """Remember ``name`` as this computer account's profile name (written atomically, mode 0600)."""
    cleaned = check_name(name)
    path = _profile_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"name": cleaned}, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(tr("Your name cannot be saved in {path}: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    return cleaned


def resolve(engine: Engine, requested: str | None = None, *, use_environment: bool = True) -> Who:
    """Who acts on ``engine``: see the module docstring. ``requested`` is ``--user`` (refused on PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        try:
            with engine.connect() as conn:
                login = roles.session_login(conn)
                team = roles.team_mode(conn)
                groups = roles.member_roles(conn) if team else frozenset()
        except Exception as exc:
            raise explain(exc, engine.url) from exc
        if requested is not None and requested.strip() != login:
            raise UserError(tr(
                "On a PostgreSQL database you act as your database login ({login}); --user cannot change that. "
                "Connect as another login instead (postgresql://LOGIN@host/database).", login=login))
        granted = frozenset(_GROUP_TO_ROLE[g] for g in groups)
        if team:
            expanded = set(granted)
            for r in granted:
                expanded |= _INCLUDES.get(r, set())
            return Who(login, "postgresql", "login", True, frozenset(expanded))
        return Who(login, "postgresql", "login")
    if requested is not None:
        return Who(check_name(requested), engine.dialect.name, "option")
    env = os.environ.get(ENV_USER, "").strip() if use_environment else ""
    if env:
        return Who(check_name(env), engine.dialect.name, "environment")
    profile = profile_name()
    if profile:
        return Who(profile, engine.dialect.name, "profile")
    return Who("", engine.dialect.name, "none")


_installed: dict[str, Who] = {}
_primary: list[Who] = []


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def install(who: Who, engine: Engine | None = None) -> None:
    """Make ``who`` the actor of every unit of work (on ``engine``) that names none.

    The first installed is also the default for code that does not say which database (a window per
    database can each install its own). Refuses, with a sentence, when nobody is known.
    """
    if engine is not None:
        _installed[_key(engine)] = who
    if engine is None or not _primary:
        _primary[:] = [who]

    def provider(on: Engine | None) -> str:
        found = _installed.get(_key(on)) if on is not None else None
        return (found or _primary[0]).require()

    set_actor_provider(provider)


def uninstall() -> None:
    _installed.clear()
    _primary.clear()
    set_actor_provider(None)


def early_provider(url: str | None, requested: str | None) -> Callable[[Engine | None], str]:
    """Who acts while a database is being opened (before ``resolve`` can ask the server)."""
    login = guess_login(url)
    if login is not None:
        return lambda _engine: login

    def local(_engine: Engine | None) -> str:
        if requested is not None:
            return check_name(requested)
        name = os.environ.get(ENV_USER, "").strip() or profile_name()
        if not name:
            raise UserError(tr(NO_PROFILE))
        return name

    return local


def guess_login(url: str | None) -> str | None:
    """The login a PostgreSQL URL will connect as, when it says (used before the database is open)."""
    from sqlalchemy.engine import make_url

    from db.engine import resolve_url

    try:
        parsed = make_url(resolve_url(url))
    except Exception:  # noqa: BLE001 - a bad URL is reported when the database is opened
        return None
    if parsed.get_backend_name() != "postgresql":
        return None
    return parsed.username or os.environ.get("PGUSER") or None
