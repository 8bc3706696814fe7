"""Schema migrations (Alembic, shipped in the package) and database health checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from db.backup import backup_before
from db.engine import sqlite_path
from db.errors import DatabaseError, SchemaTooNew, explain
from db.messages import tr

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Start-up speed: opening a database that is already up to date must not import Alembic (and
# through it Mako and Pygments) nor scan the migration scripts with it. The revision ids are read
# from the version files' ``revision = "..."`` / ``down_revision = "..."`` lines once per process
# (tests/db/test_migrations.py checks they agree with Alembic's ScriptDirectory); Alembic itself
# is imported only to apply a migration.
_REVISION_LINE = re.compile(r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|\'([^\']*)\'|None)', re.M)


# Schema objects that migrations create by hand and the models do not describe: the search index
# of migration 0003 (FTS5 table ``register_search`` and its shadow tables on SQLite, ``ix_search_*``
# indexes). Autogenerate and the models-vs-migrations test must not report them.
SEARCH_OBJECT_PREFIXES = ("register_search", "ix_search_")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's ``include_object`` hook: leave out the hand-made search objects."""
    return not (reflected and name is not None and name.startswith(SEARCH_OBJECT_PREFIXES))


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def revision_map() -> dict[str, str | None]:
    """Every shipped revision id -> the revision it revises (None for the first), read once."""
    return _revision_map(MIGRATIONS_DIR)


@cache
def _revision_map(migrations_dir: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for path in sorted((migrations_dir / "versions").glob("*.py")):
        values: dict[str, str | None] = {}
        for match in _REVISION_LINE.finditer(path.read_text(encoding="utf-8")):
            values.setdefault(match.group(1), match.group(2) if match.group(2) is not None else match.group(3))
        if "revision" in values and values["revision"]:
            found[str(values["revision"])] = values.get("down_revision")
    return found


def known_revisions() -> frozenset[str]:
    return frozenset(revision_map())


def head_revision() -> str:
    revisions = revision_map()
    revised = {down for down in revisions.values() if down is not None}
    heads = [rev for rev in revisions if rev not in revised]
    if len(heads) != 1:  # pragma: no cover - a packaging mistake, caught by the migration tests
        raise RuntimeError(f"the migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in ``alembic_version`` (None for a new, empty database)."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    if not rows:
        return None
    if len(rows) > 1:  # several heads: not something Vetta writes; let the check name it
        raise DatabaseError(tr("The database records {count} schema versions at once; run `vetta db check`.",
                               count=len(rows)))
    return str(rows[0][0])


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool([t for t in inspect(conn).get_table_names() if t != "alembic_version"])


def ensure_known(engine: Engine) -> str | None:
    """Return the current revision; refuse a database written by a newer Vetta."""
    current = current_revision(engine)
    if current is None:
        return None
    if current not in known_revisions():
        raise SchemaTooNew(tr(
            "This database was created by a newer version of Vetta (schema {revision}); "
            "install the newer Vetta to open it.", revision=current,
        ))
    return current


def upgrade(engine: Engine, *, backup: bool = True) -> bool:
    """Bring the schema to the newest revision. Returns True when something was applied.

    An SQLite database that already holds data is backed up (online backup API) first.
    """
    current = ensure_known(engine)
    head = head_revision()
    if current == head:
        return False
    path = sqlite_path(engine.url)
    if backup and path is not None and path.exists() and _has_user_tables(engine):
        backup_before(path, reason=f"before-upgrade-{current or 'none'}")
    from alembic import command

    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    except DatabaseError:
        raise
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return True


@dataclass
class CheckReport:
    ok: bool
    url: str
    backend: str
    revision: str | None
    head: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def check(engine: Engine) -> CheckReport:
    """Integrity and schema check, with row counts of the main tables."""
    from db.models import ALL_TABLES

    problems: list[str] = []
    revision = ensure_known(engine)
    head = head_revision()
    if revision != head:
        problems.append(f"schema is at {revision or 'no revision'}, expected {head}: run `vetta db upgrade`")
    counts: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).fetchall()]
                if rows != ["ok"]:
                    problems.extend(f"integrity: {r}" for r in rows[:20])
                fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                problems.extend(f"foreign key: table {r[0]} row {r[1]} -> {r[2]}" for r in fk[:20])
            if revision == head:
                from db import triggers

                guards = triggers.check(conn)
                problems.extend(f"protection trigger {name} was removed, switched off or altered"
                                for name in guards.not_in_force)
                problems.extend(f"trigger {name} on a protected table is not Vetta's: it could drop or change "
                                "writes" for name in guards.foreign)
                for table in ALL_TABLES:
                    name = str(table.__tablename__)
                    counts[name] = int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return CheckReport(
        ok=not problems,
        url=engine.url.render_as_string(hide_password=True),
        backend=engine.dialect.name,
        revision=revision,
        head=head,
        problems=problems,
        counts=counts,
    )
