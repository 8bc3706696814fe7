"""The template shortcut of the test fixtures (tests/support/db_templates.py) changes nothing a test sees.

``engine`` and ``demo_engine`` start from copies of databases built once per test process. Each test
here builds the same database the slow way (``open_database`` on a new database, then ``load_demo``)
and compares everything: the schema with its triggers, functions, indexes and sequences, the file's
settings (SQLite), and every row of every table. Only the moments differ (the templates were built
earlier in the run): timestamps, and the audit hashes that cover them, are compared by type only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from desktop.services.database import open_database
from desktop.services.demo import load_demo
from tests.support.db_templates import DISABLED, Templates
from tests.support.records import make_vendor

pytestmark = pytest.mark.skipif(DISABLED, reason="VETTA_TEST_NO_TEMPLATES=1: no templates to compare")

_MOMENT_COLUMNS = {("audit_event", "hash"), ("audit_event", "prev_hash")}


def _schema(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # Alembic's batch mode writes a table's constraints in a different order from one new database
            # to the next (it iterates over sets): the lines of a CREATE TABLE are compared as a set.
            rows = [(kind, name, table, sorted((sql or "").split("\n")))
                    for kind, name, table, sql in conn.execute(text(
                        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))]
            settings = [conn.execute(text(f"PRAGMA {p}")).scalar() for p in
                        ("journal_mode", "user_version", "application_id", "page_size", "auto_vacuum", "encoding")]
            return [*rows, tuple(settings)]
        queries = [
            "SELECT table_name, column_name, data_type, column_default, is_nullable, ordinal_position"
            " FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 6",
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
            " ORDER BY 1, 2",
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
            " ORDER BY 1",
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1",
            "SELECT extname FROM pg_extension ORDER BY 1",
        ]
        return [tuple(row) for q in queries for row in conn.execute(text(q))]


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def _value(table: str, column: str, value: Any) -> Any:
    if (table, column) in _MOMENT_COLUMNS:
        return "<hash>" if value else value
    if isinstance(value, datetime):
        return "<moment>"  # when the database was built
    if isinstance(value, str):
        return _MOMENT.sub("<moment>", value)  # SQLite's timestamps, and those inside changes_json
    return value


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            out[table] = sorted((tuple(_value(table, c, v) for c, v in zip(columns, row, strict=True))
                                 for row in result), key=repr)
    return out


@pytest.fixture
def slow_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, new database of the same backend, for the slow way."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'slow' / 'vetta.sqlite3'}"
    else:
        yield str(request.getfixturevalue("pg_url"))


def _compare(fast: Engine, slow: Engine) -> None:
    assert _schema(fast) == _schema(slow)
    fast_rows, slow_rows = _rows(fast), _rows(slow)
    assert fast_rows.keys() == slow_rows.keys()
    for table in fast_rows:
        assert fast_rows[table] == slow_rows[table], table


def test_the_engine_fixture_equals_a_database_opened_the_slow_way(engine: Engine, slow_url: str) -> None:
    slow = open_database(slow_url)
    try:
        _compare(engine, slow)
    finally:
        slow.dispose()


def test_the_demo_fixture_equals_the_demo_loaded_the_slow_way(demo_engine: Engine, slow_url: str) -> None:
    slow = open_database(slow_url)
    try:
        load_demo(slow, "tester")
        _compare(demo_engine, slow)
        assert _rows(demo_engine)["vendor"], "the demo data is there"
    finally:
        slow.dispose()


def test_a_database_written_to_first_gets_the_demo_loaded_on_top(engine: Engine, db_templates: Templates,
                                                                   slow_url: str) -> None:
    """The copy replaces only a database nobody wrote to yet; otherwise load_demo runs, as before."""
    make_vendor(engine, "Written First Ltd")
    db_templates.load_demo_copy(engine)
    slow = open_database(slow_url)
    try:
        make_vendor(slow, "Written First Ltd")
        load_demo(slow, "tester")
        _compare(engine, slow)
    finally:
        slow.dispose()
