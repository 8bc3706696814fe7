"""Template databases: migrate (and load the demo data) once per test process, copy per test.

Opening a new database runs every Alembic migration (about a second on a busy machine), and
``load_demo`` costs about as much again; a thousand tests pay it on both backends. Instead each test
process (each pytest-xdist worker) builds, on first use:

- ``empty``: a database after ``open_database`` on a new file / new PostgreSQL database, i.e. at the
  head revision with nothing in it;
- ``demo``: the same database after ``load_demo(engine, "tester")``, as ``demo_engine`` did per test.

A test then gets a byte copy of the template: SQLite with ``shutil.copy`` (file mode kept) or the
online backup API (onto a database an engine has open), PostgreSQL with
``CREATE DATABASE x TEMPLATE tpl``. The templates are built through the same public calls the tests
used to make (``open_database``, ``load_demo``) under a data folder of their own, so they never touch
the user's folder, and ``tests/unit/test_db_templates.py`` checks that a copy equals a database
built the slow way (schema, journal mode, rows).

The demo data is dated relative to today: the demo templates are rebuilt when the date changes
during a run. SQLite templates live in the worker's own temporary folder (pytest's basetemp is per
worker), PostgreSQL templates have a random name and are dropped at the end of the session, so
workers never share a template (``CREATE DATABASE ... TEMPLATE`` needs nobody else connected to it).

A module may add a template of its own on top of one of these (``Templates.register``): e.g. the "year
of work" of tests/db/test_replay.py is done once per test process and backend on a copy of ``demo``, then
copied per test (``Templates.overwrite``), instead of being redone by each of its tests.

``VETTA_TEST_NO_TEMPLATES=1`` switches the shortcut off: every test then migrates and loads its own
database, as before.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine, make_url

DISABLED = os.environ.get("VETTA_TEST_NO_TEMPLATES") == "1"
DEMO_ACTOR = "tester"  # who loads the demo data in demo_engine (the autouse VETTA_USER)

Recipe = Callable[[Engine, Path], None]  # what a derived template does to an opened copy of its base; a folder of its own


def load_demo_data(engine: Engine) -> None:
    """What ``demo_engine`` does to an opened, empty database (the template's recipe)."""
    from desktop.services.demo import load_demo

    load_demo(engine, DEMO_ACTOR)


@contextmanager
def isolated_env(folder: Path) -> Iterator[None]:
    """The environment a test has (tests/conftest.py's autouse fixture), with a data folder of its own."""
    from desktop.core import i18n

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VETTA_DATA_DIR", str(folder))
        mp.delenv("VETTA_DATABASE_URL", raising=False)
        mp.setenv("VETTA_USER", DEMO_ACTOR)
        mp.setenv("VETTA_LANGUAGE", "en")
        mp.setattr(i18n, "_current", None)
        yield


def quiesce_sqlite(path: Path) -> None:
    """Fold the write-ahead log into the file so a plain file copy is the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        leftover = path.with_name(path.name + suffix)
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()
    assert not path.with_name(path.name + "-wal").exists(), f"{path}: the WAL was not checkpointed"


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds."""
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        if not tables:
            return {}
        union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        return {str(t): int(n) for t, n in conn.execute(text(union))}


class Templates:
    """The test process's template databases, built lazily (see the module docstring)."""

    def __init__(self, folder: Path, pg_admin_url: str | None) -> None:
        self.folder = folder
        self._pg_admin = make_url(pg_admin_url).set(drivername="postgresql+psycopg") if pg_admin_url else None
        self._sqlite: dict[str, tuple[date | None, Path]] = {}
        self._pg: dict[str, tuple[date | None, str]] = {}
        self._serial = 0
        self._admin_engine: Engine | None = None
        self._counts: dict[str, dict[str, int]] = {}
        self._recipes: dict[str, tuple[str, Recipe]] = {}

    def register(self, kind: str, base: str, recipe: Recipe) -> None:
        """A template ``kind``: a copy of template ``base``, opened with ``open_database``, then ``recipe(engine, folder)``.

        Built on first use like the others; rebuilt when the date changes (its base may be the demo data)."""
        known = self._recipes.get(kind)
        assert known is None or known == (base, recipe), f"template {kind!r} registered twice differently"
        self._recipes[kind] = (base, recipe)

    # --------------------------------------------------------------------------- building

    def _next(self, stem: str) -> Path:
        self._serial += 1
        return self.folder / f"{stem}-{self._serial}"

    def _day(self, kind: str) -> date | None:
        return date.today() if kind == "demo" or kind in self._recipes else None

    def _finish(self, kind: str, engine: Engine, work: Path) -> None:
        if kind in self._recipes:
            files = work / "files"
            files.mkdir(parents=True, exist_ok=True)
            self._recipes[kind][1](engine, files)
        elif kind == "demo":
            load_demo_data(engine)
        else:
            self._counts[engine.dialect.name] = row_counts(engine)

    def sqlite_template(self, kind: str) -> Path:
        day = self._day(kind)
        known = self._sqlite.get(kind)
        if known is not None and known[0] == day:
            return known[1]
        from desktop.services.database import open_database

        work = self._next(f"sqlite-{kind}")
        work.mkdir(parents=True)
        path = work / "template.sqlite3"
        if kind in self._recipes:
            shutil.copy(self.sqlite_template(self._recipes[kind][0]), path)
        with isolated_env(work / "data"):
            engine = open_database(f"sqlite:///{path}")
            try:
                self._finish(kind, engine, work)
            finally:
                engine.dispose()
        quiesce_sqlite(path)
        self._sqlite[kind] = (day, path)
        return path

    def pg_template(self, kind: str) -> str:
        day = self._day(kind)
        known = self._pg.get(kind)
        if known is not None and known[0] == day:
            return known[1]
        from desktop.services.database import open_database

        admin = self._require_pg_admin()
        name = f"vetta_tpl_{kind.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
        base = f' TEMPLATE "{self.pg_template(self._recipes[kind][0])}"' if kind in self._recipes else ""
        self._execute(f'CREATE DATABASE "{name}"{base}')
        self._pg[kind] = (day, name)  # dropped at the end even if building it fails
        if known is not None:
            self._execute(f'DROP DATABASE IF EXISTS "{known[1]}" WITH (FORCE)')
        work = self._next(f"pg-{kind}")
        with isolated_env(work / "data"):
            engine = open_database(admin.set(database=name).render_as_string(hide_password=False))
            try:
                self._finish(kind, engine, work)
            finally:
                engine.dispose()
        return name

    # --------------------------------------------------------------------------- copying

    def copy_sqlite(self, kind: str, dest: Path) -> None:
        """A new database file ``dest``: a copy of the template (mode kept: 0600 like a new one)."""
        assert not dest.exists(), dest
        shutil.copy(self.sqlite_template(kind), dest)

    def overwrite_sqlite(self, kind: str, engine: Engine) -> None:
        """Replace the content of the SQLite database behind ``engine`` by the template's (online backup)."""
        engine.dispose()  # no connection of the engine's pool holds the file meanwhile
        assert engine.url.database
        source = sqlite3.connect(self.sqlite_template(kind))
        target = sqlite3.connect(engine.url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    def overwrite(self, kind: str, engine: Engine) -> None:
        """Replace the database behind ``engine`` (either backend) by a copy of template ``kind``."""
        if engine.dialect.name == "sqlite":
            self.overwrite_sqlite(kind, engine)
        else:
            self.overwrite_pg(kind, engine)

    def load_demo_copy(self, engine: Engine) -> None:
        """What ``load_demo_data(engine)`` does, by copying the demo template over the database.

        Only a database still exactly as the ``engine`` fixture opened it (the same row count in every
        table as the opened empty template) is replaced; anything else gets the demo data loaded."""
        backend = engine.dialect.name
        if row_counts(engine) != self._empty_counts(backend):
            load_demo_data(engine)
        elif backend == "sqlite":
            self.overwrite_sqlite("demo", engine)
        else:
            self.overwrite_pg("demo", engine)

    def _empty_counts(self, backend: str) -> dict[str, int]:
        if backend not in self._counts:  # measured while building the empty template
            if backend == "sqlite":
                self.sqlite_template("empty")
            else:
                self.pg_template("empty")
        return self._counts[backend]

    def create_pg(self, kind: str, name: str) -> None:
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_template(kind)}"')

    def overwrite_pg(self, kind: str, engine: Engine) -> None:
        """Replace the PostgreSQL database behind ``engine`` by a copy of the template, under the same name."""
        engine.dispose()
        name = engine.url.database
        assert name
        template = self.pg_template(kind)
        self._execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    # --------------------------------------------------------------------------- PostgreSQL plumbing

    def _require_pg_admin(self) -> URL:
        if self._pg_admin is None:  # pragma: no cover - the fixtures skip first
            raise RuntimeError("no PostgreSQL server for the templates")
        return self._pg_admin

    def _execute(self, statement: str) -> None:
        if self._admin_engine is None:
            self._admin_engine = create_engine(self._require_pg_admin(), isolation_level="AUTOCOMMIT")
        with self._admin_engine.connect() as conn:
            conn.execute(text(statement))

    def close(self) -> None:
        try:
            for _day, name in self._pg.values():
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            self._pg.clear()
            if self._admin_engine is not None:
                self._admin_engine.dispose()
                self._admin_engine = None
