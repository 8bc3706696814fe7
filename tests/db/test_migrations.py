"""Migrations: one head, models and migrations agree, upgrade works on both engines."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from db import migrate
from db.backup import list_backups
from db.engine import make_engine
from db.errors import SchemaTooNew


def test_exactly_one_head():
    assert len(migrate.script_directory().get_heads()) == 1


def test_upgrade_from_nothing_and_models_agree_with_migrations(db_url):
    engine = make_engine(db_url)
    try:
        assert migrate.upgrade(engine) is True
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                    "include_object": migrate.include_object}),
                                    SQLModel.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        assert migrate.upgrade(engine) is False  # idempotent
    finally:
        engine.dispose()


def test_upgrade_step_by_step_from_first_revision(db_url):
    revisions = list(reversed([r.revision for r in migrate.script_directory().walk_revisions()]))
    engine = make_engine(db_url)
    try:
        from alembic import command

        for rev in revisions:
            with engine.begin() as conn:
                command.upgrade(migrate.alembic_config(conn), rev)
            assert migrate.current_revision(engine) == rev
        with engine.connect() as conn:
            assert "vendor" in inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_newer_schema_is_refused(db_url):
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
        with pytest.raises(SchemaTooNew, match="newer version of Vetta"):
            migrate.upgrade(engine)
    finally:
        engine.dispose()


def test_sqlite_with_data_is_backed_up_before_upgrade(tmp_path, monkeypatch):
    """A pending migration on a database holding data: the online backup comes first."""
    path = tmp_path / "old.sqlite3"
    engine = make_engine(str(path))
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO party (kind, name, name_normalised, is_listed, notes, version, "
                              "created_at, updated_at) VALUES ('entity', 'Kept', 'kept', 0, '', 1, "
                              "'2026-01-01', '2026-01-01')"))
        # A newer Vetta: the shipped migrations plus one more revision.
        newer = tmp_path / "migrations"
        shutil.copytree(migrate.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
        head = migrate.head_revision()
        (newer / "versions" / "9999_test.py").write_text(
            "import sqlalchemy as sa\nfrom alembic import op\n"
            f"revision = '9999'\ndown_revision = {head!r}\nbranch_labels = None\ndepends_on = None\n"
            "def upgrade():\n    op.create_table('probe', sa.Column('id', sa.Integer, primary_key=True))\n"
            "def downgrade():\n    op.drop_table('probe')\n"
        )
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)
        assert list_backups(path) == []
        assert migrate.upgrade(engine) is True
        assert migrate.current_revision(engine) == "9999"
        backups = list_backups(path)
        assert len(backups) == 1 and head in backups[0].name
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("SELECT name FROM party").fetchall() == [("Kept",)]
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
    finally:
        engine.dispose()
