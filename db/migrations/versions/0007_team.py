"""team: identities belong to a user, imported chains, trust roots, assessment participants

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00

- ``signing_identity.owner``: the user (profile name on SQLite, database login on PostgreSQL) who
  may sign with it. Existing identities are given to the person they name (``owner = name``).
- ``signing_identity.chain_pem``: the CA certificates of an imported PKCS#12 file, sent with every
  signature so a verifier can build the path to the company CA.
- ``trust_root``: certificates the organisation trusts (a company CA), used by `vetta verify`.
- ``assessment_participant``: who prepared, answered and submitted each assessment; on PostgreSQL in
  team mode it is filled by database triggers with the writer's login (db/roles.py), and nobody in
  it may approve.

The team-mode roles, grants and guard triggers are not part of the schema: `vetta team init` (run
by a DBA) installs them, see db/roles.py and docs/team.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signing_identity", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("chain_pem", sa.Text(), nullable=False, server_default=""))
    op.execute(sa.text("UPDATE signing_identity SET owner = name WHERE owner = ''"))

    op.create_table(
        "trust_root",
        sa.Column("created_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("fingerprint_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("certificate_der", sa.LargeBinary(), nullable=False),
        sa.Column("not_after", db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_root")),
        sa.UniqueConstraint("fingerprint_sha256", name=op.f("uq_trust_root_fingerprint_sha256")),
    )
    op.create_table(
        "assessment_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("part", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("recorded_at", db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"],
                                name=op.f("fk_assessment_participant_assessment_id_assessment"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_participant")),
        sa.UniqueConstraint("assessment_id", "login", "part", name="uq_assessment_participant"),
    )
    with op.batch_alter_table("assessment_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_participant_assessment_id"), ["assessment_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_participant_assessment_id"))
    op.drop_table("assessment_participant")
    op.drop_table("trust_root")
    with op.batch_alter_table("signing_identity", schema=None) as batch_op:
        batch_op.drop_column("chain_pem")
        batch_op.drop_column("owner")
