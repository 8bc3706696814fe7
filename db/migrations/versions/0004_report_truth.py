"""report truth: the approver's rationale on each sign-off

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 14:00:00

``signoff.rationale`` holds why the approver decided as they did (required to approve a vendor
rated not neutral or conditionally neutral); it is signed into the report and recorded in the audit
trail with the sign-off. Conditions keep living in ``signoff.conditions_json``, now as objects
``{text, owner, due, question}`` (older rows hold plain strings; readers accept both), so they need
no column.

A plain ``ADD COLUMN`` (not Alembic's batch mode, which would recreate the table and drop its
immutability triggers on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("signoff", sa.Column("rationale", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text("ALTER TABLE signoff DROP COLUMN rationale"))
    else:
        op.drop_column("signoff", "rationale")
