"""reliability: triggers that make decisions, sign-offs and the audit trail immutable

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 00:30:00

Triggers are invisible to autogenerate; the SQL is versioned in db/triggers.py (V1).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from db import triggers

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    for statement in triggers.create_sql(bind.dialect.name, version=1):
        op.execute(text(statement))


def downgrade() -> None:
    bind = op.get_bind()
    for statement in triggers.drop_sql(bind.dialect.name, version=1):
        op.execute(text(statement))
