"""Reading and verifying the audit trail (the trail itself is written by db/audit.py on every flush)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.audit import ChainReport, verify_chain
from db.engine import read_session
from db.errors import explain
from db.models import AuditEvent
from desktop.core.errors import NotFound, UserError
from desktop.core.i18n import N_, tr

# What an audit event did, in English; translated where it is shown (action_label).
ACTION_LABELS: dict[str, str] = {
    "create": N_("created"), "update": N_("changed"), "archive": N_("archived"), "restore": N_("restored"),
    "delete": N_("deleted"), "decision": N_("decided"), "status": N_("status changed"), "signature": N_("signed"),
}


def action_label(action: str, lang: str | None = None) -> str:
    """An audit action in words, in ``lang`` (default: the current language); unknown actions as they are."""
    return tr(ACTION_LABELS[action], lang) if action in ACTION_LABELS else action


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditEntry:
    """One audit event, ready to show."""

    id: int
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    vendor_id: int | None
    changes: tuple[FieldChange, ...]

    @property
    def record(self) -> str:
        return f"{self.record_type.replace('_', ' ')} #{self.record_id}" if self.record_id else self.record_type

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "occurred_at": self.occurred_at.isoformat(), "actor": self.actor,
            "action": self.action, "record_type": self.record_type, "record_id": self.record_id,
            "vendor_id": self.vendor_id,
            "changes": {c.field: {"before": c.before, "after": c.after} for c in self.changes},
        }


def _entry(e: AuditEvent) -> AuditEntry:
    assert e.id is not None
    try:
        raw = json.loads(e.changes_json)
    except ValueError:
        raw = {}
    changes = tuple(
        FieldChange(str(k), v[0] if isinstance(v, list) and len(v) == 2 else None,
                    v[1] if isinstance(v, list) and len(v) == 2 else v)
        for k, v in sorted(raw.items())
    ) if isinstance(raw, dict) else ()
    return AuditEntry(e.id, e.seq, e.occurred_at, e.actor, e.action, e.record_type, e.record_id, e.vendor_id,
                      changes)


def verify_audit_trail(engine: Engine) -> ChainReport:
    """Walk the whole hash chain; the report says intact or names the first problem."""
    try:
        with engine.connect() as conn:
            return verify_chain(conn)
    except Exception as exc:
        raise explain(exc, engine.url) from exc


def missing_guards(engine: Engine) -> list[str]:
    """Names of the immutability triggers that should be there but are not (someone removed them)."""
    from db import triggers

    try:
        with engine.connect() as conn:
            return sorted(triggers.missing(conn))
    except Exception as exc:
        raise explain(exc, engine.url) from exc


def resolve_vendor(engine: Engine, name_or_id: str) -> int:
    """A vendor named by its number, name, alias or identifier (desktop.services.resolve)."""
    from desktop.services.resolve import resolve_vendor as shared

    with read_session(engine) as session:
        try:
            vendor = shared(session, name_or_id)
        except NotFound as exc:
            raise NotFound(tr("There is no vendor {text}; `vetta vendors list` shows them.",
                              text=repr(name_or_id.strip()))) from exc
        assert vendor.id is not None
        return int(vendor.id)


def event_ids(engine: Engine, vendor_id: int | None = None, limit: int | None = None) -> list[int]:
    """Ids of the audit events (of one vendor, or all), newest first."""
    stmt = select(col(AuditEvent.id)).order_by(col(AuditEvent.seq).desc())
    if vendor_id is not None:
        stmt = stmt.where(col(AuditEvent.vendor_id) == vendor_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with read_session(engine) as session:
        return [int(i) for i in session.exec(stmt).all() if i is not None]


def events_by_id(engine: Engine, ids: list[int]) -> dict[int, AuditEntry]:
    """The events with these ids (one query), keyed by id."""
    if not ids:
        return {}
    with read_session(engine) as session:
        rows = session.exec(select(AuditEvent).where(col(AuditEvent.id).in_(ids))).all()
        return {entry.id: entry for entry in map(_entry, rows)}


def audit_log(engine: Engine, vendor: str | None = None, limit: int | None = 50) -> list[AuditEntry]:
    """The trail, newest first, optionally of one vendor (name or id)."""
    if limit is not None and limit < 1:
        raise UserError(tr("The limit must be a positive number, not {limit}.", limit=limit))
    vendor_id = resolve_vendor(engine, vendor) if vendor else None
    ids = event_ids(engine, vendor_id, limit)
    found = events_by_id(engine, ids)
    return [found[i] for i in ids if i in found]


def describe_value(value: Any) -> str:
    """A short, readable rendering of a before/after value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "sha256" in value:
        return f"file {str(value['sha256'])[:12]}… ({value.get('size', '?')} bytes)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"
