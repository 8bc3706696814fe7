"""Reading and verifying the audit trail (the trail itself is written by db/audit.py on every flush).

``verify_integrity`` is ``vetta audit verify``: the hash chain (db.audit), the guards' definitions
(db.triggers.check), the audit anchors embedded in every stored signed report, the rows of every
audited table against the replayed trail and stored bytes against their hashes (db.replay), and,
when given, an anchor file written by ``vetta audit anchor`` (desktop.services.anchors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from db import triggers
from db.audit import ChainReport, verify_chain
from db.engine import read_session
from db.errors import explain
from db.models import AuditEvent, SigningIdentity, SignOff
from db.replay import ReplayReport, replay
from db.triggers import GuardReport
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
    """Names of the protection triggers that are not in force: removed, switched off, or altered."""
    return list(guard_report(engine).not_in_force)


def guard_report(engine: Engine) -> GuardReport:
    """Every guard's definition compared with the shipped one (db.triggers.check)."""
    try:
        with engine.connect() as conn:
            return triggers.check(conn)
    except Exception as exc:
        raise explain(exc, engine.url) from exc


# --------------------------------------------------------------------------- anchors and the whole check


@dataclass(frozen=True)
class AnchorProblem:
    """An anchor (in a stored signed report, or a checkpoint file) the trail no longer agrees with."""

    source: str  # "the signed report of assessment #12", "the anchor file 'x.json'"
    seq: int
    kind: str  # truncated | rewritten | unsigned | unreadable
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass
class AnchorReport:
    """The anchors of the stored signed reports, checked against the trail."""

    checked: int = 0  # signed reports whose anchor was compared
    unanchored: int = 0  # signed before Vetta anchored reports (no ``audit_anchor`` in their record)
    problems: list[AnchorProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "unanchored": self.unanchored,
                "problems": [p.to_dict() for p in self.problems]}


def anchor_problem(source: str, anchor: tuple[int, str], heads: dict[int, str], head_seq: int) -> AnchorProblem | None:
    """Whether the trail still holds event ``anchor`` = (seq, hash); ``heads`` maps seq -> hash of the trail."""
    seq, digest = anchor
    if seq == 0:
        return None
    found = heads.get(seq)
    if found is None:
        return AnchorProblem(source, seq, "truncated", (
            f"{source} was signed when the audit trail ended at event #{seq}, but the trail now "
            + (f"ends at event #{head_seq}" if head_seq < seq else f"has no event #{seq}")
            + ": events were deleted."))
    if found != digest:
        return AnchorProblem(source, seq, "rewritten", (
            f"{source} was signed when event #{seq} had the hash {digest[:16]}…, but it now has "
            f"{found[:16]}…: the audit trail up to event #{seq} was rewritten."))
    return None


def _anchor_of(record: dict[str, Any] | None) -> tuple[int, str] | None | str:
    """The (seq, hash) a report's record embeds; None when it has none; "bad" when it is malformed."""
    if not isinstance(record, dict):
        return None
    inner = record.get("record")
    if not isinstance(inner, dict) or "audit_anchor" not in inner:
        return None
    anchor = inner["audit_anchor"]
    if not isinstance(anchor, dict):
        return "bad"
    seq, digest = anchor.get("seq"), anchor.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(digest, str) \
            or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return "bad"
    return seq, digest


def event_hashes(conn: Connection, seqs: set[int]) -> dict[int, str]:
    """seq -> hash of these events (those that exist)."""
    found: dict[int, str] = {}
    wanted = sorted(s for s in seqs if s > 0)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for seq, digest in conn.execute(select(col(AuditEvent.seq), col(AuditEvent.hash))
                                        .where(col(AuditEvent.seq).in_(chunk))):
            found.setdefault(int(seq), str(digest))
    return found


def check_report_anchors(conn: Connection, head_seq: int) -> AnchorReport:
    """Every stored signed report: its signature still holds and its anchor is still in the trail."""
    from desktop.report.render import read_record
    from desktop.report.verify import verify_pdf

    report = AnchorReport()
    anchors: list[tuple[str, tuple[int, str]]] = []
    fingerprints = {int(i or 0): str(f) for i, f in conn.execute(
        select(col(SigningIdentity.id), col(SigningIdentity.fingerprint_sha256)))}
    rows = conn.execution_options(stream_results=True, yield_per=8).execute(  # reports are large: a few at a time
        select(col(SignOff.assessment_id), col(SignOff.identity_id), col(SignOff.report_pdf))
        .where(col(SignOff.report_pdf).is_not(None)).order_by(col(SignOff.assessment_id)))
    for assessment_id, identity_id, pdf in rows:
        source = f"The signed report of assessment #{assessment_id}"
        data = bytes(pdf or b"")
        anchor = _anchor_of(read_record(data))
        if anchor is None:
            report.unanchored += 1
            continue
        if anchor == "bad":
            report.problems.append(AnchorProblem(source, 0, "unreadable",
                                                 f"{source} carries an audit anchor that is not a sequence number "
                                                 "and a hash: its record was altered."))
            continue
        assert isinstance(anchor, tuple)
        try:
            verdict = verify_pdf(data, source)
        except UserError as exc:
            report.problems.append(AnchorProblem(source, anchor[0], "unsigned", str(exc)))
            continue
        expected = fingerprints.get(identity_id) if identity_id is not None else None
        if not (verdict.intact and verdict.valid):
            report.problems.append(AnchorProblem(source, anchor[0], "unsigned", (
                f"{source} no longer carries a valid signature over the whole file "
                f"({verdict.problem or 'the signature does not check out'}), so its audit anchor proves nothing.")))
            continue
        if expected is not None and verdict.fingerprint != expected:
            report.problems.append(AnchorProblem(source, anchor[0], "unsigned", (
                f"{source} is signed by the certificate {verdict.fingerprint[:16]}…, not by the signing identity "
                f"recorded with its sign-off ({expected[:16]}…).")))
            continue
        report.checked += 1
        anchors.append((source, anchor))
    heads = event_hashes(conn, {a[0] for _s, a in anchors})
    for source, anchor in anchors:
        problem = anchor_problem(source, anchor, heads, head_seq)
        if problem is not None:
            report.problems.append(problem)
    return report


@dataclass
class IntegrityReport:
    """``vetta audit verify``: the chain, the guards, the anchors, and the rows against the trail."""

    chain: ChainReport
    guards: GuardReport
    anchors: AnchorReport
    data: ReplayReport
    anchor_file: Any = None  # desktop.services.anchors.AnchorCheck when a file was given

    @property
    def ok(self) -> bool:
        file_ok = self.anchor_file is None or self.anchor_file.ok
        return self.chain.intact and self.guards.ok and self.anchors.ok and self.data.ok and file_ok

    def to_dict(self) -> dict[str, Any]:
        chain = self.chain.to_dict()
        return {
            "ok": self.ok, "intact": chain["intact"], "events": chain["events"],
            "first_problem": chain["first_problem"], "head_seq": chain["head_seq"], "head_hash": chain["head_hash"],
            "missing_guards": list(self.guards.not_in_force), "foreign_triggers": list(self.guards.foreign),
            "report_anchors": self.anchors.to_dict(), "data": self.data.to_dict(),
            "anchor_file": self.anchor_file.to_dict() if self.anchor_file is not None else None,
        }


def verify_integrity(engine: Engine, anchor_file: Path | None = None) -> IntegrityReport:
    """Everything ``vetta audit verify`` checks, on one consistent snapshot of the database.

    ``anchor_file`` (a ``vetta audit anchor`` checkpoint) is read and its signature checked first:
    an unreadable file is a ``UserError`` before any work.
    """
    from desktop.services import anchors

    loaded = anchors.read_anchor_file(anchor_file) if anchor_file is not None else None
    try:
        with engine.connect() as raw:
            conn = raw.execution_options(isolation_level="REPEATABLE READ") \
                if engine.dialect.name == "postgresql" else raw
            chain = verify_chain(conn)
            guards = triggers.check(conn)
            report_anchors = check_report_anchors(conn, chain.head_seq)
            data = replay(conn)
            checked = anchors.check_loaded(conn, loaded, chain.head_seq) if loaded is not None else None
    except UserError:
        raise
    except Exception as exc:
        raise explain(exc, engine.url) from exc
    return IntegrityReport(chain, guards, report_anchors, data, checked)


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


def event_ids(engine: Engine, vendor_id: int | None = None, limit: int | None = None,
              kind: str | None = None) -> list[int]:
    """Ids of the audit events (of one vendor, or all; of one kind of change, or all), newest first."""
    stmt = select(col(AuditEvent.id)).order_by(col(AuditEvent.seq).desc())
    if vendor_id is not None:
        stmt = stmt.where(col(AuditEvent.vendor_id) == vendor_id)
    if kind:
        from desktop.services.history import kind_clause

        stmt = stmt.where(kind_clause(kind))
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


def audit_log(engine: Engine, vendor: str | None = None, limit: int | None = 50,
              kind: str | None = None) -> list[AuditEntry]:
    """The trail, newest first, optionally of one vendor (name or id) and one kind of change
    (desktop.services.history.KINDS)."""
    from desktop.services.history import KINDS

    if limit is not None and limit < 1:
        raise UserError(tr("The limit must be a positive number, not {limit}.", limit=limit))
    if kind and kind not in KINDS:
        raise UserError(tr("There is no kind of change {kind}; choose one of {kinds}.", kind=repr(kind),
                           kinds=", ".join(KINDS)))
    vendor_id = resolve_vendor(engine, vendor) if vendor else None
    ids = event_ids(engine, vendor_id, limit, kind)
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
