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
