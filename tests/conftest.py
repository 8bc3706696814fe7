"""Shared fixtures: an isolated data folder per test, real SQLite files, real PostgreSQL databases.

PostgreSQL: set ``VETTA_TEST_PG_URL`` to a server URL whose user may create databases
(`.ci/test` starts a throwaway server and sets it). Each test gets a database of its own,
dropped afterwards. Without a server the PostgreSQL variants are skipped, unless
``VETTA_TEST_REQUIRE_PG=1`` (set in CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    admin_url = make_url(_require_pg()).set(drivername="postgresql+psycopg")
    name = f"vetta_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vetta.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against a real SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vetta.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An upgraded, empty database (both backends)."""
    from desktop.services.database import open_database

    eng = open_database(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    from desktop.services.database import open_database

    eng = open_database(sqlite_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """The demo data loaded into a fresh database (both backends)."""
    from desktop.services.demo import load_demo

    load_demo(engine, "tester")
    return engine
