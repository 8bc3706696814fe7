"""analysis: fourth parties (who engages a subprocessor) and one LEI per party

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04 12:00:00

- ``subprocessor.of_party_id``: the party that engages the subprocessor; NULL for the vendor itself,
  another subprocessor's party for a fourth party. SQLite rebuilds the table (batch mode) to add the
  named foreign key, and re-creates whatever triggers were on it.
- ``uq_party_identifier_lei``: a partial unique index on ``party_identifier(value) WHERE scheme =
  'LEI'`` (SQLite >= 3.8 and PostgreSQL both have partial indexes): one LEI names one legal entity.
  A database that already holds the same LEI on two parties (possible before this version) keeps
  working: the index is not created there and a warning names the LEIs; the services refuse new
  duplicates either way (desktop/services/identifiers.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("vetta.migrations")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot add a named foreign key to a table: batch mode rebuilds the table; the triggers
        # another migration may have put on it go with the old table and are re-created as they were.
        triggers = [str(r[0]) for r in bind.execute(text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'subprocessor'")) if r[0]]
        with op.batch_alter_table("subprocessor") as batch:
            batch.add_column(sa.Column("of_party_id", sa.Integer(), nullable=True))
            batch.create_foreign_key("fk_subprocessor_of_party_id_party", "party", ["of_party_id"], ["id"],
                                     ondelete="RESTRICT")
            batch.create_index("ix_subprocessor_of_party_id", ["of_party_id"])
        for statement in triggers:
            op.execute(text(statement))
    else:
        op.add_column("subprocessor", sa.Column("of_party_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_subprocessor_of_party_id_party", "subprocessor", "party", ["of_party_id"], ["id"],
                              ondelete="RESTRICT")
        op.create_index("ix_subprocessor_of_party_id", "subprocessor", ["of_party_id"])
    duplicates = bind.execute(text(
        "SELECT value FROM party_identifier WHERE scheme = 'LEI' GROUP BY value HAVING count(*) > 1")).all()
    if duplicates:
        log.warning("the LEI(s) %s are recorded for more than one party; the one-LEI-per-party index is not "
                    "created until they are merged", ", ".join(sorted(str(r[0]) for r in duplicates)))
        return
    op.create_index("uq_party_identifier_lei", "party_identifier", ["value"], unique=True,
                    sqlite_where=text("scheme = 'LEI'"), postgresql_where=text("scheme = 'LEI'"))


def downgrade() -> None:
    bind = op.get_bind()
    op.execute(text("DROP INDEX IF EXISTS uq_party_identifier_lei"))
    triggers = [str(r[0]) for r in bind.execute(text(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'subprocessor'")) if r[0]] \
        if bind.dialect.name == "sqlite" else []
    op.drop_index("ix_subprocessor_of_party_id", table_name="subprocessor")
    with op.batch_alter_table("subprocessor") as batch:
        batch.drop_constraint("fk_subprocessor_of_party_id_party", type_="foreignkey")
        batch.drop_column("of_party_id")
    for statement in triggers:
        op.execute(text(statement))
