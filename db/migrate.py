"""Schema migrations (Alembic, shipped in the package) and database health checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from db.backup import backup_before
from db.engine import sqlite_path
from db.errors import DatabaseError, SchemaTooNew, explain

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        raise explain(exc, engine.url) from exc


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool([t for t in inspect(conn).get_table_names() if t != "alembic_version"])


def ensure_known(engine: Engine) -> str | None:
    """Return the current revision; refuse a database written by a newer Vetta."""
    current = current_revision(engine)
    if current is None:
        return None
    known = {rev.revision for rev in script_directory().walk_revisions()}
    if current not in known:
        raise SchemaTooNew(
            f"This database was created by a newer version of Vetta (schema {current}); "
            "install the newer Vetta to open it."
        )
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
