"""The audit trail: every change recorded in the same transaction, hash-chained.

A session event (``after_flush``) turns every inserted, updated and deleted row of an audited
table into an ``audit_event`` row carrying the actor, the time, the record, the field-level
before/after values, the hash of the previous event and its own hash. Because it hooks the
session rather than the services, no code path that goes through the ORM can forget it; code
that bypasses the ORM is caught by the hash chain and, for decided assessments, by triggers.

Events are serialised per database: PostgreSQL takes a transaction-level advisory lock before
reading the chain's head, SQLite already holds the write lock (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col, select

from db.models import (
    DECIDED_STATUSES,
    Assessment,
    AuditEvent,
    EvidenceBlob,
    EvidenceLink,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
    Vendor,
)
from db.types import utcnow

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 0x7E77A  # any constant: one advisory lock for the whole chain
_NOT_AUDITED: tuple[type, ...] = (AuditEvent, EvidenceBlob)
_IGNORED_FIELDS = frozenset({"updated_at", "version", "created_at"})


def to_jsonable(value: Any) -> Any:
    """A JSON-safe, deterministic rendering of a column value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return str(value)


def canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | None,
    vendor_id: int | None,
    changes_json: str,
) -> str:
    """The hash of one event: SHA-256 over the previous hash and the event's canonical JSON."""
    body = canonical(
        {
            "seq": seq,
            "occurred_at": occurred_at.isoformat(),
            "actor": actor,
            "action": action,
            "record_type": record_type,
            "record_id": record_id,
            "vendor_id": vendor_id,
            "changes": json.loads(changes_json),
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _changes_for(obj: Any, kind: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        if key in _IGNORED_FIELDS:
            continue
        if kind == "create":
            value = getattr(obj, key)
            if value is not None and value != "":
                changes[key] = [None, to_jsonable(value)]
        elif kind == "delete":
            changes[key] = [to_jsonable(getattr(obj, key)), None]
        else:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if to_jsonable(before) == to_jsonable(after):
                continue
            changes[key] = [to_jsonable(before), to_jsonable(after)]
    return changes


def _action(obj: Any, kind: str, changes: dict[str, list[Any]]) -> str:
    if kind != "update":
        return kind
    if "archived_at" in changes:
        before, after = changes["archived_at"]
        if before is None and after is not None:
            return "archive"
        if before is not None and after is None:
            return "restore"
    if isinstance(obj, Assessment) and "status" in changes:
        if changes["status"][1] in {s.value for s in DECIDED_STATUSES}:
            return "decision"
        return "status"
    return "update"


def _vendor_of(session: OrmSession, obj: Any) -> int | None:
    conn = session.connection()

    def vendor_for_party(party_id: int | None) -> int | None:
        if party_id is None:
            return None
        row = conn.execute(select(col(Vendor.id)).where(col(Vendor.party_id) == party_id)).first()
        return int(row[0]) if row and row[0] is not None else None

    if isinstance(obj, Vendor):
        return obj.id
    if isinstance(obj, Party):
        return vendor_for_party(obj.id)
    if isinstance(obj, PartyIdentifier | PartyAlias):
        return vendor_for_party(obj.party_id)
    if isinstance(obj, Interest):
        return vendor_for_party(obj.subject_id)
    if isinstance(obj, EvidenceLink):
        return obj.record_id if obj.record_type == "vendor" else None
    vendor_id = getattr(obj, "vendor_id", None)
    if isinstance(vendor_id, int):
        return vendor_id
    assessment_id = getattr(obj, "assessment_id", None)
    if isinstance(assessment_id, int):
        row = conn.execute(
            select(col(Assessment.vendor_id)).where(col(Assessment.id) == assessment_id)
        ).first()
        return int(row[0]) if row else None
    return None


def _lock_chain(session: OrmSession) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _head(session: OrmSession) -> tuple[int, str]:
    row = session.connection().execute(
        select(col(AuditEvent.seq), col(AuditEvent.hash)).order_by(col(AuditEvent.seq).desc()).limit(1)
    ).first()
    if row is None:
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


def _after_flush(session: OrmSession, _flush_context: UOWTransaction) -> None:
    pending: list[tuple[Any, str]] = []
    pending += [(o, "create") for o in session.new]
    pending += [(o, "update") for o in session.dirty if session.is_modified(o, include_collections=False)]
    pending += [(o, "delete") for o in session.deleted]
    pending = [(o, k) for o, k in pending if hasattr(o, "__table__") and not isinstance(o, _NOT_AUDITED)]
    if not pending:
        return
    actor = str(session.info.get("actor") or "unknown")
    _lock_chain(session)
    seq, prev_hash = _head(session)
    rows: list[dict[str, Any]] = []
    # Deterministic order inside one flush: by table, then id.
    pending.sort(key=lambda item: (item[0].__tablename__, inspect(item[0]).identity or (0,)))
    for obj, kind in pending:
        changes = _changes_for(obj, kind)
        if kind == "update" and not changes:
            continue
        seq += 1
        occurred_at = utcnow()
        record_id = inspect(obj).identity[0] if inspect(obj).identity else getattr(obj, "id", None)
        changes_json = canonical(changes)
        action = _action(obj, kind, changes)
        vendor_id = _vendor_of(session, obj)
        record_type = str(obj.__tablename__)
        digest = event_hash(
            prev_hash=prev_hash,
            seq=seq,
            occurred_at=occurred_at,
            actor=actor,
            action=action,
            record_type=record_type,
            record_id=record_id if isinstance(record_id, int) else None,
            vendor_id=vendor_id,
            changes_json=changes_json,
        )
        rows.append(
            {
                "seq": seq,
                "occurred_at": occurred_at,
                "actor": actor,
                "action": action,
                "record_type": record_type,
                "record_id": record_id if isinstance(record_id, int) else None,
                "vendor_id": vendor_id,
                "changes_json": changes_json,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def install() -> None:
    """Hook the audit trail into every ORM session (idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)


install()
