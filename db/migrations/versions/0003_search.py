"""search: an index for the register's substring search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 01:30:00

SQLite: an FTS5 table ``register_search`` with the ``trigram`` tokenizer (SQLite >= 3.34), one row
per party (rowid = party.id) holding its normalised name, aliases, identifiers and its vendor's tags,
kept in sync by triggers on party, party_alias, party_identifier, vendor and vendor_tag. FTS5 answers
``LIKE '%text%'`` from the trigram index with SQLite's own LIKE semantics.

PostgreSQL: the pg_trgm extension and GIN trigram indexes on the same columns (``LIKE``/``ILIKE``
use them). ``CREATE EXTENSION`` needs a role allowed to create it (superuser, or a trusted
extension on PostgreSQL >= 13 for a database owner); when it cannot be created the migration logs
a warning and search keeps working as a plain scan.

Virtual tables, triggers and these indexes are invisible to autogenerate: db/migrations/env.py
(``include_object``) ignores them. A later migration that rebuilds party, party_alias,
party_identifier, vendor or vendor_tag in SQLite batch mode must re-create the triggers
(``create_sqlite_search``) and rebuild the index.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("vetta.migrations")

SEARCH_TABLE = "register_search"
SEP = "char(31)"  # unit separator between several aliases / identifiers / tags of one party


_ROWS = f"""INSERT INTO {SEARCH_TABLE}(rowid, name, aliases, identifiers, tags)
    SELECT p.id, p.name_normalised,
        (SELECT group_concat(a.name, {SEP}) FROM party_alias a WHERE a.party_id = p.id),
        (SELECT group_concat(i.value, {SEP}) FROM party_identifier i WHERE i.party_id = p.id),
        (SELECT group_concat(t.tag, {SEP}) FROM vendor_tag t JOIN vendor v ON v.id = t.vendor_id
         WHERE v.party_id = p.id)
    FROM party p"""


def _refresh(party: str) -> str:
    """SQL statements that rewrite the index row of the party whose id is the expression ``party``."""
    return f"DELETE FROM {SEARCH_TABLE} WHERE rowid = {party}; {_ROWS} WHERE p.id = {party};"


def _tag_party(ref: str) -> str:
    return f"(SELECT party_id FROM vendor WHERE id = {ref}.vendor_id)"


# (trigger name, event, body)
SQLITE_TRIGGERS: tuple[tuple[str, str, str], ...] = (
    ("search_party_ai", "AFTER INSERT ON party", _refresh("new.id")),
    ("search_party_au", "AFTER UPDATE OF name_normalised ON party", _refresh("new.id")),
    ("search_party_ad", "AFTER DELETE ON party", f"DELETE FROM {SEARCH_TABLE} WHERE rowid = old.id;"),
    ("search_alias_ai", "AFTER INSERT ON party_alias", _refresh("new.party_id")),
    ("search_alias_au", "AFTER UPDATE ON party_alias", _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_alias_ad", "AFTER DELETE ON party_alias", _refresh("old.party_id")),
    ("search_ident_ai", "AFTER INSERT ON party_identifier", _refresh("new.party_id")),
    ("search_ident_au", "AFTER UPDATE ON party_identifier", _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_ident_ad", "AFTER DELETE ON party_identifier", _refresh("old.party_id")),
    ("search_vendor_ai", "AFTER INSERT ON vendor", _refresh("new.party_id")),
    ("search_vendor_au", "AFTER UPDATE OF party_id ON vendor", _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_vendor_ad", "AFTER DELETE ON vendor", _refresh("old.party_id")),
    ("search_tag_ai", "AFTER INSERT ON vendor_tag", _refresh(_tag_party("new"))),
    ("search_tag_au", "AFTER UPDATE ON vendor_tag", _refresh(_tag_party("old")) + _refresh(_tag_party("new"))),
    ("search_tag_ad", "AFTER DELETE ON vendor_tag", _refresh(_tag_party("old"))),
)

# Helps the triggers gather a party's identifiers (ignored by autogenerate: see env.py).
SQLITE_INDEXES = ("CREATE INDEX IF NOT EXISTS ix_search_party_identifier_party ON party_identifier (party_id)",)

PG_INDEXES = (
    ("ix_search_party_name_trgm", "party", "name_normalised"),
    ("ix_search_party_alias_trgm", "party_alias", "name"),
    ("ix_search_party_identifier_trgm", "party_identifier", "value"),
    ("ix_search_vendor_tag_trgm", "vendor_tag", "tag"),
)


def trigram_supported() -> bool:
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def create_sqlite_search(bind: Connection) -> None:
    """Create (or re-create) the FTS5 table, its triggers and fill it from the current data."""
    drop_sqlite_search(bind)
    bind.execute(text(f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
                      "name, aliases, identifiers, tags, tokenize = 'trigram')"))
    for statement in SQLITE_INDEXES:
        bind.execute(text(statement))
    for name, event, body in SQLITE_TRIGGERS:
        bind.execute(text(f"CREATE TRIGGER {name} {event} BEGIN {body} END"))
    bind.execute(text(_ROWS))


def drop_sqlite_search(bind: Connection) -> None:
    for name, _event, _body in SQLITE_TRIGGERS:
        bind.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    bind.execute(text(f"DROP TABLE IF EXISTS {SEARCH_TABLE}"))


def _pg_trgm_available(bind: Connection) -> bool:
    if bind.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    try:
        with bind.begin_nested():
            bind.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except Exception as exc:  # noqa: BLE001 - any refusal means: no trigram index, plain search
        log.warning("pg_trgm is not available (%s); the register search will scan instead of using an index. "
                    "Ask the database administrator to run CREATE EXTENSION pg_trgm, then `vetta db upgrade`.",
                    str(exc).splitlines()[0])
        return False


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if trigram_supported():
            create_sqlite_search(bind)
        else:  # pragma: no cover - Python ships SQLite >= 3.34 on every supported platform
            log.warning("SQLite %s has no trigram tokenizer; the register search will scan.", sqlite3.sqlite_version)
    elif bind.dialect.name == "postgresql" and _pg_trgm_available(bind):
        for name, table, column in PG_INDEXES:
            bind.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_sqlite_search(bind)
        bind.execute(text("DROP INDEX IF EXISTS ix_search_party_identifier_party"))
    elif bind.dialect.name == "postgresql":
        for name, _table, _column in PG_INDEXES:
            bind.execute(text(f"DROP INDEX IF EXISTS {name}"))
