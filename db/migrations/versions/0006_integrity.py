"""integrity: guards that hold against REPLACE and re-inserts (V2), an index to replay the audit trail

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:00:00

- Replaces the V1 guards of migration 0002 by the V2 guards of db/triggers.py: on SQLite, INSERT
  guards so INSERT OR REPLACE, REPLACE, UPDATE OR REPLACE and upserts can no longer replace a decided
  assessment, its answers, a sign-off or an audit event; on both engines, a new audit event must
  follow the chain's head; on PostgreSQL the guard functions look for tables only in Vetta's own
  schema (never in a session's temporary tables).
- ``ix_audit_event_record`` (record_type, record_id, seq): ``vetta audit verify`` replays each
  table's events record by record and compares them with the rows (db/replay.py).

Triggers are invisible to autogenerate; the SQL is versioned in db/triggers.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from db import triggers

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return "main"
    return str(bind.execute(text("SELECT current_schema()")).scalar_one())


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in triggers.drop_sql(dialect, version=1):
        op.execute(text(statement))
    for statement in triggers.create_sql(dialect, version=2, schema=_schema()):
        op.execute(text(statement))
    op.create_index("ix_audit_event_record", "audit_event", ["record_type", "record_id", "seq"])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_audit_event_record", table_name="audit_event")
    for statement in triggers.drop_sql(dialect, version=2):
        op.execute(text(statement))
    for statement in triggers.create_sql(dialect, version=1):
        op.execute(text(statement))
