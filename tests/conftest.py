"""Shared fixtures: an isolated data folder per test, real SQLite files, real PostgreSQL databases.

PostgreSQL: set ``VETTA_TEST_PG_URL`` to a server URL whose user may create databases
(`.ci/test` starts a throwaway server and sets it). Each test gets a database of its own,
dropped afterwards. Without a server the PostgreSQL variants are skipped, unless
``VETTA_TEST_REQUIRE_PG=1`` (set in CI), where they fail instead.

``engine``, ``sqlite_engine`` and ``demo_engine`` start from copies of template databases migrated (and
loaded with the demo data) once per test process: tests/support/db_templates.py.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from tests.support.db_templates import DISABLED as TEMPLATES_DISABLED
from tests.support.db_templates import Templates, load_demo_data

# The offscreen screen of every UI test is a common laptop's: 1366x768 at 100% (tests/ui/test_laptop_fit.py
# checks every window fits it). An explicit platform other than plain "offscreen" is kept as given.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).parent / 'support' / 'laptop-screen.json'}"
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.support.memory_keyring.MemoryKeyring")

# In CI the fuzzers replay the same examples every run (a failure is then reproducible, not luck);
# on a developer's machine they explore new ones.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

PG_ENV = "VETTA_TEST_PG_URL"
REQUIRE_PG = os.environ.get("VETTA_TEST_REQUIRE_PG") == "1"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes under its own data folder, never the user's."""
    path = tmp_path_factory.mktemp("vetta-data")
    monkeypatch.setenv("VETTA_DATA_DIR", str(path))
    monkeypatch.delenv("VETTA_DATABASE_URL", raising=False)
    monkeypatch.setenv("VETTA_USER", "tester")
    # Messages are asserted in English: never follow the machine's locale, and forget a language set
    # by an earlier test (the GUI and the CLI set it process-wide).
    from desktop.core import i18n

    monkeypatch.setenv("VETTA_LANGUAGE", "en")
    monkeypatch.setattr(i18n, "_current", None)
    return path


@pytest.fixture(autouse=True)
def _nobody_signed_in() -> Iterator[None]:
    """Who acts is process-wide once a window or command resolves it: forget it after each test."""
    yield
    import sys

    whoami = sys.modules.get("desktop.services.whoami")
    if whoami is not None:
        whoami.uninstall()


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _require_pg() -> str:
    url = pg_admin_url()
    if url is None:
        if REQUIRE_PG:
            pytest.fail(f"{PG_ENV} is not set but VETTA_TEST_REQUIRE_PG=1: PostgreSQL tests must run here")
        pytest.skip(f"no PostgreSQL server ({PG_ENV} not set)")
    return url


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """This test process's template databases (tests/support/db_templates.py): built on first use."""
    templates = Templates(tmp_path_factory.mktemp("db-templates"), pg_admin_url())
    try:
        yield templates
    finally:
        templates.close()


def _uses_templates(request: pytest.FixtureRequest) -> bool:
    """The test opens its database with the ``engine`` fixture: it may start as a copy of a template."""
    return not TEMPLATES_DISABLED and "engine" in request.fixturenames


@contextmanager
def _pg_database(templates: Templates | None = None, kind: str = "empty") -> Iterator[str]:
    """A new PostgreSQL database on the test server (empty, or a copy of a template); dropped afterwards."""
    admin_url = make_url(_require_pg()).set(drivername="postgresql+psycopg")
    name = f"vetta_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        if templates is not None:
            templates.create_pg(kind, name)
        else:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    with _pg_database() as url:
        yield url


@pytest.fixture
def _pg_migrated_url(db_templates: Templates) -> Iterator[str]:
    """A PostgreSQL database already at the head revision (a copy of the empty template); dropped afterwards."""
    _require_pg()
    with _pg_database(db_templates, "empty") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vetta.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against a real SQLite file and a real PostgreSQL database.

    When the test also uses ``engine`` (which brings the database to the head revision), the
    PostgreSQL database is created as a copy of the migrated template instead of empty."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vetta.sqlite3'}"
    if _uses_templates(request):
        return str(request.getfixturevalue("_pg_migrated_url"))
    return str(request.getfixturevalue("pg_url"))


def _open_from_template(url: str, request: pytest.FixtureRequest) -> Engine:
    """``open_database(url)``; a new SQLite file is first a copy of the migrated template, so the opening
    migrates nothing but does everything else it does (quick check, daily backup, daily refreshes)."""
    from desktop.services.database import open_database

    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is not None and not path.exists() and not TEMPLATES_DISABLED:
        templates: Templates = request.getfixturevalue("db_templates")
        templates.copy_sqlite("empty", path)
    return open_database(url)


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An upgraded, empty database (both backends)."""
    eng = _open_from_template(db_url, request)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    eng = _open_from_template(sqlite_url, request)
    try:
        yield eng
    finally:
        eng.dispose()


def _with_demo(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    if TEMPLATES_DISABLED:
        load_demo_data(engine)
        return engine
    templates: Templates = request.getfixturevalue("db_templates")
    templates.load_demo_copy(engine)
    return engine


@pytest.fixture
def demo_engine(engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """The demo data loaded into a fresh database (both backends).

    The opened database is replaced by a copy of the demo template (the same ``load_demo`` run once per
    test process on a database opened the same way), unless something already wrote to it."""
    return _with_demo(engine, request)


@pytest.fixture
def sqlite_demo_engine(sqlite_engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """The demo data in a fresh SQLite database only: for what only SQLite has (its search indexes)."""
    return _with_demo(sqlite_engine, request)
    templates: Templates = request.getfixturevalue("db_templates")
    templates.load_demo_copy(engine)
    return engine
