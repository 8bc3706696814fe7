"""The attacker with SQL access: switch off the append-only triggers, then change audit events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from db.audit import event_hash


def disable_audit_guard(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER IF EXISTS vetta_audit_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS vetta_audit_no_delete"))
        conn.execute(text("DROP TRIGGER IF EXISTS vetta_audit_no_insert"))
    else:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))


def tamper(engine: Engine, *statements: str, **params: Any) -> None:
    with engine.begin() as conn:
        disable_audit_guard(conn)
        for sql in statements:
            conn.execute(text(sql), params)


def event(engine: Engine, seq: int) -> dict[str, Any]:
    from sqlmodel import Session, select

    from db.models import AuditEvent

    with Session(engine) as s:
        e = s.exec(select(AuditEvent).where(AuditEvent.seq == seq)).one()
        return e.model_dump()


def rehash(row: dict[str, Any], *, seq: int | None = None, prev_hash: str | None = None) -> str:
    return event_hash(prev_hash=prev_hash if prev_hash is not None else row["prev_hash"],
                      seq=seq if seq is not None else row["seq"], occurred_at=row["occurred_at"],
                      actor=row["actor"], action=row["action"], record_type=row["record_type"],
                      record_id=row["record_id"], vendor_id=row["vendor_id"], changes_json=row["changes_json"])


def shift_seqs(engine: Engine, from_seq: int, by: int) -> list[str]:
    """Statements renumbering events from ``from_seq`` on by ``by`` (two steps: seq is unique)."""
    return [f"UPDATE audit_event SET seq = -(seq + {by}) WHERE seq >= {from_seq}",
            "UPDATE audit_event SET seq = -seq WHERE seq < 0"]


# --------------------------------------------------------------------------- the attacker with the whole file (issue 12)

GUARDED = ("assessment", "answer", "signoff", "audit_event")


def drop_guards(conn: Connection) -> None:
    """Switch every guard off: drop them (SQLite) or disable the tables' user triggers (PostgreSQL)."""
    from db import triggers

    if conn.dialect.name == "sqlite":
        for statement in triggers.drop_sql("sqlite"):
            conn.execute(text(statement))
    else:
        for table in GUARDED:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def restore_guards(conn: Connection) -> None:
    """Put the guards back exactly as shipped, so `missing_guards` has nothing to say."""
    from db import triggers

    if conn.dialect.name == "sqlite":
        triggers.create(conn)
    else:
        for table in GUARDED:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def behind_the_guards(engine: Engine, *statements: str, **params: Any) -> None:
    """Drop the guards, run ``statements``, restore the guards: one transaction, nothing left to see."""
    with engine.begin() as conn:
        drop_guards(conn)
        for sql in statements:
            conn.execute(text(sql), params)
        restore_guards(conn)


def rewrite_history(engine: Engine, seq: int, **changes: Any) -> None:
    """Edit event ``seq`` (its fields set to ``changes``) and recompute every hash from there to the head.

    The chain is then valid again: only an anchor kept elsewhere can show the rewrite.
    """
    from sqlmodel import Session, col, select

    from db.models import AuditEvent

    with Session(engine) as s:
        rows = [e.model_dump() for e in s.exec(select(AuditEvent).where(col(AuditEvent.seq) >= seq)
                                                .order_by(col(AuditEvent.seq)))]
    prev = rows[0]["prev_hash"]
    statements = []
    params: dict[str, Any] = {}
    for i, row in enumerate(rows):
        if i == 0:
            row.update(changes)
        row["prev_hash"] = prev
        row["hash"] = rehash(row)
        prev = row["hash"]
        params.update({f"p{i}": row["prev_hash"], f"h{i}": row["hash"], f"s{i}": row["seq"]})
        sets = ", ".join(f"{k} = :c{i}_{k}" for k in (changes if i == 0 else {}))
        params.update({f"c{i}_{k}": v for k, v in (changes.items() if i == 0 else ())})
        statements.append(f"UPDATE audit_event SET {sets + ', ' if sets else ''}prev_hash = :p{i}, hash = :h{i} "
                          f"WHERE seq = :s{i}")
    behind_the_guards(engine, *statements, **params)


def truncate_tail(engine: Engine, from_seq: int) -> None:
    """Delete the events from ``from_seq`` on (the chain that is left is still valid)."""
    behind_the_guards(engine, "DELETE FROM audit_event WHERE seq >= :s", s=from_seq)


def do_nothing_guard(engine: Engine) -> str:
    """Replace one guard by a look-alike that refuses nothing; returns its name."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER vetta_audit_no_update"))
            conn.execute(text("CREATE TRIGGER vetta_audit_no_update BEFORE UPDATE ON audit_event FOR EACH ROW "
                              "BEGIN SELECT 1; END"))
            return "vetta_audit_no_update"
        conn.execute(text("CREATE OR REPLACE FUNCTION vetta_audit_append_only() RETURNS trigger LANGUAGE plpgsql "
                          "AS $$ BEGIN RETURN NEW; END $$"))
        return "vetta_audit_append_only"
