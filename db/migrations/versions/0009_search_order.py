"""search order: the register's searchable text in name order, for searches that match many vendors

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:00:00

SQLite only (PostgreSQL's pg_trgm indexes of 0003 answer the same searches). A table
``register_search_order``, one row per party (``party_id`` = party.id): its normalised name
(``name_key``) and, in ``other``, its aliases, identifiers and its vendor's tags as typed, each value
followed by char(31). The covering index ``ix_search_order_walk`` (name_key, party_id, other) lets the
register walk parties in name order and test each one's text with two LIKEs without reading any other
table, stopping at the page's LIMIT: a term that matches thousands of parties ("da", "speech") fills
the first page after a few hundred index entries, where the trigram index of 0003 would first collect
and sort every match.

Kept in sync by its own triggers (``search_order_*``) on the same tables and events as the trigram
index's, so rows written outside Vetta are found too. Derived data, not audited. Its name starts with
``register_search`` and its index with ``ix_search_``: autogenerate ignores them (db/migrate.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text
from sqlalchemy.engine import Connection

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_TABLE = "register_search_order"
SEP = "char(31)"


def _values(select_values: str) -> str:
    """Each value followed by the separator, so a search term (which never holds the separator) can
    only match inside one value."""
    return f"coalesce((SELECT group_concat(value || {SEP}, '') FROM ({select_values})), '')"


_ROWS = f"""INSERT INTO {ORDER_TABLE}(party_id, name_key, other)
    SELECT p.id, p.name_normalised,
        {_values("SELECT a.name AS value FROM party_alias a WHERE a.party_id = p.id")}
        || {_values("SELECT i.value AS value FROM party_identifier i WHERE i.party_id = p.id")}
        || {_values("SELECT t.tag AS value FROM vendor_tag t JOIN vendor v ON v.id = t.vendor_id "
                    "WHERE v.party_id = p.id")}
    FROM party p"""


def _refresh(party: str) -> str:
    """SQL statements that rewrite the row of the party whose id is the expression ``party``."""
    return f"DELETE FROM {ORDER_TABLE} WHERE party_id = {party}; {_ROWS} WHERE p.id = {party};"


def _tag_party(ref: str) -> str:
    return f"(SELECT party_id FROM vendor WHERE id = {ref}.vendor_id)"


# (trigger name, event, body): the events of the trigram index's triggers (0003)
SQLITE_TRIGGERS: tuple[tuple[str, str, str], ...] = (
    ("search_order_party_ai", "AFTER INSERT ON party", _refresh("new.id")),
    ("search_order_party_au", "AFTER UPDATE OF name_normalised ON party", _refresh("new.id")),
    ("search_order_party_ad", "AFTER DELETE ON party", f"DELETE FROM {ORDER_TABLE} WHERE party_id = old.id;"),
    ("search_order_alias_ai", "AFTER INSERT ON party_alias", _refresh("new.party_id")),
    ("search_order_alias_au", "AFTER UPDATE ON party_alias", _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_order_alias_ad", "AFTER DELETE ON party_alias", _refresh("old.party_id")),
    ("search_order_ident_ai", "AFTER INSERT ON party_identifier", _refresh("new.party_id")),
    ("search_order_ident_au", "AFTER UPDATE ON party_identifier",
     _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_order_ident_ad", "AFTER DELETE ON party_identifier", _refresh("old.party_id")),
    ("search_order_vendor_ai", "AFTER INSERT ON vendor", _refresh("new.party_id")),
    ("search_order_vendor_au", "AFTER UPDATE OF party_id ON vendor",
     _refresh("old.party_id") + _refresh("new.party_id")),
    ("search_order_vendor_ad", "AFTER DELETE ON vendor", _refresh("old.party_id")),
    ("search_order_tag_ai", "AFTER INSERT ON vendor_tag", _refresh(_tag_party("new"))),
    ("search_order_tag_au", "AFTER UPDATE ON vendor_tag", _refresh(_tag_party("old")) + _refresh(_tag_party("new"))),
    ("search_order_tag_ad", "AFTER DELETE ON vendor_tag", _refresh(_tag_party("old"))),
)


def create_sqlite_search_order(bind: Connection) -> None:
    """Create (or re-create) the table, its index and triggers, and fill it from the current data."""
    drop_sqlite_search_order(bind)
    bind.execute(text(f"CREATE TABLE {ORDER_TABLE} (party_id INTEGER PRIMARY KEY, name_key TEXT NOT NULL, "
                      "other TEXT NOT NULL)"))
    for name, event, body in SQLITE_TRIGGERS:
        bind.execute(text(f"CREATE TRIGGER {name} {event} BEGIN {body} END"))
    bind.execute(text(_ROWS))
    bind.execute(text(f"CREATE INDEX ix_search_order_walk ON {ORDER_TABLE} (name_key, party_id, other)"))


def drop_sqlite_search_order(bind: Connection) -> None:
    for name, _event, _body in SQLITE_TRIGGERS:
        bind.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    bind.execute(text("DROP INDEX IF EXISTS ix_search_order_walk"))
    bind.execute(text(f"DROP TABLE IF EXISTS {ORDER_TABLE}"))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        create_sqlite_search_order(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_sqlite_search_order(bind)
