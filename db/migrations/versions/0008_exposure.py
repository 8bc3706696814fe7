"""exposure: the competitor exposure of every vendor, stored for the register

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:00:00

- ``vendor_exposure``: one row per vendor with the highest competitor stake (economic and votes),
  whether a competitor controls it and through whom, board seats and competitor-linked people, as
  the ownership analysis finds them. Derived data, not audited: ``desktop.services.exposure`` writes it
  in the same transaction as every change that may alter it. The migration only creates the table
  (the schema layer does not know the analysis): the application fills it when it first opens the
  database (``ensure_exposure``, called by ``open_database``), which computes the vendors without a row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vendor_exposure",
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("stake", sa.Float(), nullable=False),
        sa.Column("competitor", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("economic_min", sa.Float(), nullable=False),
        sa.Column("economic_max", sa.Float(), nullable=False),
        sa.Column("voting_min", sa.Float(), nullable=False),
        sa.Column("voting_max", sa.Float(), nullable=False),
        sa.Column("controlled", sa.Boolean(), nullable=False),
        sa.Column("controlled_via", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("board_seats", sa.Integer(), nullable=False),
        sa.Column("linked_people", sa.Integer(), nullable=False),
        sa.Column("linked_names", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("computed_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("severity IN (0, 1, 2, 3)", name=op.f("ck_vendor_exposure_severity_valid")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"], name=op.f("fk_vendor_exposure_vendor_id_vendor"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vendor_id", name=op.f("pk_vendor_exposure")),
    )
    op.create_index("ix_vendor_exposure_rank", "vendor_exposure", ["severity", "stake"], unique=False)
    op.create_index("ix_vendor_exposure_as_of", "vendor_exposure", ["as_of"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_vendor_exposure_as_of", table_name="vendor_exposure")
    op.drop_index("ix_vendor_exposure_rank", table_name="vendor_exposure")
    op.drop_table("vendor_exposure")
