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
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring as _encode_string  # what json.dumps uses for str
from typing import Any

from sqlalchemy import event, func, insert, inspect, text
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
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


def audit_anchor(connection: Connection) -> dict[str, Any]:
    """The chain's head as a signed report embeds it: ``{"seq": N, "hash": "..."}`` (seq 0: empty trail).

    Called inside the transaction that decides, after its events are flushed, so the head is the
    decision itself; the report's signature then vouches for every event up to it.
    """
    row = connection.execute(
        select(col(AuditEvent.seq), col(AuditEvent.hash)).order_by(col(AuditEvent.seq).desc()).limit(1)
    ).first()
    if row is None:
        return {"seq": 0, "hash": GENESIS_HASH}
    return {"seq": int(row[0]), "hash": str(row[1])}


CHANGED_KEY = "vetta_changed"  # session.info key: the (table, vendor id) pairs a unit of work wrote


def _after_flush(session: OrmSession, _flush_context: UOWTransaction) -> None:
    pending: list[tuple[Any, str]] = []
    pending += [(o, "create") for o in session.new]
    pending += [(o, "update") for o in session.dirty if session.is_modified(o, include_collections=False)]
    pending += [(o, "delete") for o in session.deleted]
    # a unit of work remembers what it wrote (db.engine.changed_records); unaudited rows without a vendor
    changed: set[tuple[str, int | None]] = session.info.get(CHANGED_KEY, set())
    changed.update((str(getattr(o, "__tablename__", "")), None) for o, _kind in pending
                   if hasattr(o, "__table__") and isinstance(o, _NOT_AUDITED))
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
        changed.add((record_type, vendor_id))
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


# --------------------------------------------------------------------------- chain verification

#: How many events ahead the verifier looks to tell a reordering from an insertion or a deletion.
LOOKAHEAD = 64


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold."""

    seq: int
    kind: str  # edited | deleted | inserted | reordered
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the whole audit trail."""

    intact: bool
    events: int
    first_problem: ChainProblem | None = None
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    def to_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events": self.events,
            "first_problem": self.first_problem.to_dict() if self.first_problem else None,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
        }


@dataclass(frozen=True)
class _Row:
    id: int
    seq: int
    prev_hash: str
    hash: str
    fields: dict[str, Any]

    def recompute(self, seq: int | None = None, prev_hash: str | None = None) -> str:
        return event_hash(
            prev_hash=self.prev_hash if prev_hash is None else prev_hash,
            seq=self.seq if seq is None else seq,
            **self.fields,
        )


def _stream(connection: Connection, batch: int) -> Generator[_Row, None, None]:
    stmt = sa_select(
        col(AuditEvent.id), col(AuditEvent.seq), col(AuditEvent.occurred_at), col(AuditEvent.actor),
        col(AuditEvent.action), col(AuditEvent.record_type), col(AuditEvent.record_id),
        col(AuditEvent.vendor_id), col(AuditEvent.changes_json), col(AuditEvent.prev_hash),
        col(AuditEvent.hash),
    ).order_by(col(AuditEvent.seq), col(AuditEvent.id))
    result = connection.execution_options(yield_per=batch, stream_results=True).execute(stmt)
    try:
        for r in result:
            yield _Row(
                id=int(r.id), seq=int(r.seq), prev_hash=str(r.prev_hash), hash=str(r.hash),
                fields={
                    "occurred_at": r.occurred_at, "actor": r.actor, "action": r.action,
                    "record_type": r.record_type, "record_id": r.record_id, "vendor_id": r.vendor_id,
                    "changes_json": str(r.changes_json),
                },
            )
    finally:
        result.close()


def _dump(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``, without building an encoder for the usual str, int and None."""
    if value is None:
        return "null"
    if type(value) is str:
        return _encode_string(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _fast_hash(row: _Row) -> str:
    """``event_hash`` without re-parsing ``changes_json`` (valid when it is canonical, as written)."""
    f = row.fields
    dump = _dump
    body = (
        f'{{"action":{dump(f["action"])},"actor":{dump(f["actor"])},"changes":{f["changes_json"]},'
        f'"occurred_at":{dump(f["occurred_at"].isoformat())},"record_id":{dump(f["record_id"])},'
        f'"record_type":{dump(f["record_type"])},"seq":{row.seq},"vendor_id":{dump(f["vendor_id"])}}}'
    )
    return hashlib.sha256((row.prev_hash + body).encode("utf-8")).hexdigest()


def _content_ok(row: _Row) -> bool:
    try:
        if _fast_hash(row) == row.hash:
            return True
        return row.recompute() == row.hash  # the slow, exact path decides every mismatch
    except (TypeError, ValueError, AttributeError):
        return False


def _original_seq(row: _Row) -> int | None:
    """The sequence number this event was written with, when only its number was changed."""
    for candidate in range(max(1, row.seq - LOOKAHEAD), row.seq + LOOKAHEAD + 1):
        if candidate == row.seq:
            continue
        try:
            if row.recompute(seq=candidate) == row.hash:
                return candidate
        except (TypeError, ValueError, AttributeError):
            return None
    return None


def verify_chain(connection: Connection, *, batch: int = 2000) -> ChainReport:
    """Walk the audit trail in ``seq`` order and check every link of the hash chain.

    Returns the first problem found, classified as:

    - ``edited``: an event's content no longer matches its hash (changed after it was written),
      or an event was rewritten with a fresh hash (the next event still remembers the old one);
    - ``deleted``: events are missing (a gap in the numbering, or the next event points to a
      predecessor that is no longer there);
    - ``inserted``: an event that was never part of the chain sits in it (a duplicated number,
      or two events claiming the same predecessor);
    - ``reordered``: events were moved (an event's predecessor comes after it).

    Streams the events (``yield_per``) with a small look-ahead window, so memory stays flat for
    millions of events. What a hash chain alone cannot show: events removed from the very end,
    or events appended at the end by someone who recomputes hashes; compare ``head_seq`` and
    ``head_hash`` with a copy kept elsewhere (a signed report, a backup) for those.
    """
    rows = _stream(connection, batch)
    window: deque[_Row] = deque()

    def fill() -> None:
        while len(window) < LOOKAHEAD + 1:
            nxt = next(rows, None)
            if nxt is None:
                return
            window.append(nxt)

    prev: _Row | None = None
    count = 0
    fill()
    while window:
        row = window.popleft()
        fill()
        count += 1
        problem = _check(prev, row, window)
        if problem is not None:
            rows.close()
            return ChainReport(intact=False, events=_count_all(connection), first_problem=problem,
                               head_seq=prev.seq if prev else 0, head_hash=prev.hash if prev else GENESIS_HASH)
        prev = row
    return ChainReport(intact=True, events=count, head_seq=prev.seq if prev else 0,
                       head_hash=prev.hash if prev else GENESIS_HASH)


def _count_all(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _check(prev: _Row | None, row: _Row, ahead: deque[_Row]) -> ChainProblem | None:
    expected_seq = prev.seq + 1 if prev else 1
    expected_prev = prev.hash if prev else GENESIS_HASH
    content_ok = _content_ok(row)
    linked = row.prev_hash == expected_prev
    if content_ok and linked and row.seq == expected_seq:
        return None
    nxt = ahead[0] if ahead else None
    if prev is not None and row.seq == prev.seq:
        return ChainProblem(row.seq, "inserted",
                            f"Event #{row.seq} appears twice: an event was inserted into the audit trail.")
    if prev is not None and row.prev_hash == prev.prev_hash and row.prev_hash != prev.hash:
        return ChainProblem(prev.seq, "inserted",
                            f"Event #{prev.seq} was inserted into the audit trail: it and the event after it "
                            "both claim the same predecessor.")
    if not linked:
        for later in ahead:
            if later.hash == row.prev_hash:
                return ChainProblem(row.seq, "reordered",
                                    f"Event #{row.seq} is out of order: it was written after event "
                                    f"#{later.seq}, which now comes later.")
    if not linked and nxt is not None and nxt.prev_hash == expected_prev:
        return ChainProblem(row.seq, "inserted",
                            f"Event #{row.seq} was inserted into the audit trail: the event after it follows "
                            f"event #{expected_seq - 1} directly.")
    if row.seq > expected_seq:
        first, last = expected_seq, row.seq - 1
        span = f"#{first}" if first == last else f"#{first} to #{last}"
        return ChainProblem(first, "deleted", f"Event {span} was deleted from the audit trail.")
    if not content_ok:
        original = _original_seq(row)
        if original is not None and original > row.seq:
            return ChainProblem(row.seq, "deleted",
                                f"Events before #{row.seq} were deleted and the later ones renumbered "
                                f"(this event was written as #{original}).")
        if original is not None and original < row.seq:
            return ChainProblem(row.seq, "inserted",
                                f"Events were inserted before #{row.seq} and the later ones renumbered "
                                f"(this event was written as #{original}).")
        if not linked:
            return ChainProblem(row.seq, "inserted",
                                f"Event #{row.seq} does not belong to the audit trail: neither its content "
                                f"nor its link to event #{expected_seq - 1} check out.")
        return ChainProblem(row.seq, "edited",
                            f"Event #{row.seq} was changed after it was written: its content no longer "
                            "matches its hash.")
    # Content fine, numbering fine, but the link to the predecessor is broken.
    if prev is None:
        return ChainProblem(row.seq, "deleted",
                            f"The audit trail does not start at its beginning: events before #{row.seq} "
                            "were deleted.")
    return ChainProblem(prev.seq, "edited",
                        f"Event #{prev.seq} was rewritten with a new hash (event #{row.seq} recorded a "
                        f"different one), or an event between #{prev.seq} and #{row.seq} was deleted.")
