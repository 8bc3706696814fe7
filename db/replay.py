"""Does the data still match its audit trail? Replay every event and compare with the rows.

The trail records, for every audited row, its values when created and every field-level change
after that (``db/audit.py``). Replaying a table's events in order gives what each of its rows must
hold now; ``replay`` compares that with the current rows and reports every difference as
(table, id, field): a row changed, inserted or deleted outside Vetta (plain SQL, a hex editor, a
restored half of a file). Values derived from bytes are checked against the bytes too: evidence
files against their SHA-256 and size, stored signed reports against ``report_sha256``, signing
identities' fingerprints against their certificates.

Cost: one pass over each audited table and one over its events, merged record by record along
the index ``ix_audit_event_record`` (record_type, record_id, seq), so memory holds one record at a
time whatever the size of the database. ``docs/benchmarks.md`` gives the figure for 100,000 vendors.

What this cannot show: a change made outside Vetta *together with* a forged event that records it.
The hash chain shows a forged event unless every later hash was recomputed, and the anchors in
signed reports and in ``vetta audit anchor`` files show such a rewrite (desktop/services/audit.py).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel, col

from db.audit import _IGNORED_FIELDS, _NOT_AUDITED, to_jsonable
from db.models import (
    ALL_TABLES,
    AuditEvent,
    EvidenceBlob,
    EvidenceFile,
    SigningIdentity,
    SignOff,
)

_MISSING: Any = object()  # a field the trail never gave a value (created empty)

#: How many problems are kept with their details; the rest are only counted.
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class RowProblem:
    """One row that does not match the trail (or one value that does not match its bytes)."""

    table: str
    record_id: int | None
    field: str | None  # None: the whole row
    kind: str  # changed | inserted | deleted | bytes
    expected: Any = None  # what the trail (or the bytes) says
    found: Any = None  # what the database holds
    key: tuple[Any, ...] = ()  # the whole primary key, for tables keyed by several columns

    @property
    def place(self) -> str:
        number = ", ".join(map(str, self.key)) if len(self.key) > 1 else self.record_id
        where = f"{self.table} #{number}" if number is not None else self.table
        return f"{where} {self.field}" if self.field else where

    @property
    def message(self) -> str:
        if self.kind == "inserted":
            return f"{self.place} is not in the audit trail: it was added outside Vetta."
        if self.kind == "deleted":
            return f"{self.place} was deleted outside Vetta: the audit trail says it exists."
        if self.kind == "bytes":
            return (f"{self.place} does not match the bytes it describes: expected {_show(self.expected)}, "
                    f"found {_show(self.found)}.")
        return (f"{self.place} was changed outside Vetta: the audit trail says {_show(self.expected)}, "
                f"the database holds {_show(self.found)}.")

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.record_id, "key": list(self.key), "field": self.field,
                "kind": self.kind,
                "expected": _plain(self.expected), "found": _plain(self.found), "message": self.message}


@dataclass
class ReplayReport:
    """The outcome of comparing every audited row with its trail."""

    tables: int = 0
    rows: int = 0
    events: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "tables": self.tables, "rows": self.rows, "events": self.events,
                "problem_count": self.problem_count, "problems": [p.to_dict() for p in self.problems]}


def _plain(value: Any) -> Any:
    if value is _MISSING:
        return None
    return to_jsonable(value)


def _show(value: Any) -> str:
    if value is _MISSING or value is None:
        return "nothing"
    shown = to_jsonable(value)
    if isinstance(shown, float):
        return f"{shown:g}"
    if isinstance(shown, dict) and "sha256" in shown:
        return f"a file of {shown.get('size')} bytes with SHA-256 {str(shown['sha256'])[:16]}…"
    text = json.dumps(shown, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def audited_models() -> list[type[SQLModel]]:
    """The tables whose rows the trail must explain.

    ``assessment_participant`` is left out: team mode's database triggers fill it with the writer's
    login (db/roles.py), outside the session that writes audit events; it only ever narrows who may
    approve, and the answers, submissions and preparers it summarises are themselves in the trail.
    ``vendor_exposure`` is left out too: derived data, recomputed from audited rows (desktop/services/exposure.py).
    """
    return [m for m in ALL_TABLES if m not in _NOT_AUDITED and getattr(m, "AUDITED", True)]


# --------------------------------------------------------------------------- comparing one value


def _as_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def same(found: Any, recorded: Any, default: Any = None) -> bool:
    """Whether the database value ``found`` is the value the trail recorded.

    ``recorded`` is the JSON form the trail keeps (``db.audit.to_jsonable``); ``_MISSING`` means the
    trail never gave the field a value (it records a new row's empty fields by leaving them out),
    so the row may hold nothing, an empty text, or the column's default (a column added later).
    """
    if recorded is _MISSING:
        return found is None or found == "" or (default is not None and found == default)
    kind = type(found)
    if kind is str or kind is int or kind is bool or found is None:
        if found == recorded:
            return True
    elif isinstance(found, float):
        if isinstance(recorded, int | float) and not isinstance(recorded, bool) and found == recorded:
            return True
    elif to_jsonable(found) == recorded:
        return True
    if isinstance(found, datetime):
        instant = _as_instant(recorded)
        return instant is not None and _as_instant(found) == instant
    if isinstance(found, date) and isinstance(recorded, str):
        try:
            return date.fromisoformat(recorded[:10]) == found and len(recorded) == 10
        except ValueError:
            return False
    if isinstance(found, Decimal) and isinstance(recorded, str | int | float) and not isinstance(recorded, bool):
        try:
            return Decimal(str(recorded)) == found
        except (InvalidOperation, ValueError):
            return False
    return False


# --------------------------------------------------------------------------- one table


@dataclass(frozen=True)
class _TableInfo:
    name: str
    table: Table
    key: tuple[str, ...]  # primary key columns; the trail's record_id is the first
    fields: tuple[str, ...]  # the columns compared
    defaults: dict[str, Any]


def _info(model: type[SQLModel]) -> _TableInfo:
    table: Table = model.__table__  # type: ignore[attr-defined]
    key = tuple(c.name for c in table.primary_key.columns)
    fields = tuple(c.name for c in table.columns if c.name not in _IGNORED_FIELDS)
    defaults: dict[str, Any] = {}
    for name in fields:
        spec = model.model_fields.get(name)
        value = getattr(spec, "default", None) if spec is not None else None
        if value is not PydanticUndefined and value is not None and not callable(value):
            defaults[name] = value
    return _TableInfo(str(table.name), table, key, fields, defaults)


def _stream(connection: Connection, statement: Any, batch: int) -> Iterator[Any]:
    result = connection.execution_options(yield_per=batch, stream_results=True).execute(statement)
    try:
        yield from result
    finally:
        result.close()


State = dict[str, Any] | None  # None: deleted


def _fold(events: Iterable[Any], info: _TableInfo) -> tuple[dict[tuple[Any, ...], State], int]:
    """What each row of one record id must hold, after its events in order."""
    states: dict[tuple[Any, ...], State] = {}
    count = 0
    for record_id, action, changes_json in events:
        count += 1
        try:
            changes = json.loads(changes_json)
        except ValueError:
            changes = {}
        if not isinstance(changes, dict):
            changes = {}
        if len(info.key) == 1:
            key: tuple[Any, ...] = (record_id,)
        else:
            key = tuple(_side(changes.get(k), after=action != "delete") for k in info.key)
            if any(part is None for part in key):
                continue  # a composite key the event does not spell out: nothing to compare
        if action == "delete":
            states[key] = None
        elif action == "create":
            states[key] = {name: _side(pair, after=True) for name, pair in changes.items()}
        else:
            state = states.get(key)
            if state is None:
                state = {}
                states[key] = state
            for name, pair in changes.items():
                state[name] = _side(pair, after=True)
    return states, count


def _side(pair: Any, *, after: bool) -> Any:
    if isinstance(pair, list) and len(pair) == 2:
        return pair[1] if after else pair[0]
    return pair


def _compare(info: _TableInfo, record_id: Any, states: dict[tuple[Any, ...], State],
             rows: dict[tuple[Any, ...], Any], report: ReplayReport) -> None:
    for key, state in states.items():
        row = rows.pop(key, None)
        if state is None:
            if row is not None:
                report.add(RowProblem(info.name, record_id, None, "inserted", key=key))
            continue
        if row is None:
            report.add(RowProblem(info.name, record_id, None, "deleted", key=key))
            continue
        mapping = row._mapping
        for name in info.fields:
            found = mapping[name]
            recorded = state.get(name, _MISSING)
            if not same(found, recorded, info.defaults.get(name)):
                report.add(RowProblem(info.name, record_id, name, "changed", recorded, found, key=key))
    for key in rows:
        report.add(RowProblem(info.name, record_id, None, "inserted", key=key))


def _replay_keyed_by_several(connection: Connection, info: _TableInfo, report: ReplayReport, batch: int) -> None:
    """A table whose primary key has several columns (``vendor_tag``): its events carry no record id.

    They are folded in order of the trail, keyed by the key columns the events spell out; such
    tables are small rows (a vendor's tags), so their state is held in memory.
    """
    events_stmt = (
        select(col(AuditEvent.record_id), col(AuditEvent.action), col(AuditEvent.changes_json))
        .where(col(AuditEvent.record_type) == info.name).order_by(col(AuditEvent.seq))
    )
    states, count = _fold(_stream(connection, events_stmt, batch), info)
    report.events += count
    key_index = [info.fields.index(k) for k in info.key]
    rows_stmt = select(*[info.table.c[name] for name in info.fields])
    rows = {tuple(r[i] for i in key_index): r for r in _stream(connection, rows_stmt, batch)}
    report.rows += len(rows)
    for key, state in states.items():
        row = rows.pop(key, None)
        if state is None and row is not None:
            report.add(RowProblem(info.name, key[0], None, "inserted", key=key))
        elif state is not None and row is None:
            report.add(RowProblem(info.name, key[0], None, "deleted", key=key))
        elif state is not None and row is not None:
            for name in info.fields:
                recorded = state.get(name, _MISSING)
                if not same(row._mapping[name], recorded, info.defaults.get(name)):
                    report.add(RowProblem(info.name, key[0], name, "changed", recorded, row._mapping[name], key=key))
    for key in rows:
        report.add(RowProblem(info.name, key[0], None, "inserted", key=key))


def _replay_table(connection: Connection, info: _TableInfo, report: ReplayReport, batch: int) -> None:
    if len(info.key) > 1:
        _replay_keyed_by_several(connection, info, report, batch)
        return
    rows_stmt = select(*[info.table.c[name] for name in info.fields]).order_by(
        *[info.table.c[k] for k in info.key])
    events_stmt = (
        select(col(AuditEvent.record_id), col(AuditEvent.action), col(AuditEvent.changes_json))
        .where(col(AuditEvent.record_type) == info.name)
        .where(col(AuditEvent.record_id).is_not(None))
        .order_by(col(AuditEvent.record_id), col(AuditEvent.seq))
    )
    key_index = [info.fields.index(k) for k in info.key]
    row_groups = itertools.groupby(_stream(connection, rows_stmt, batch), key=lambda r: r[key_index[0]])
    event_groups = itertools.groupby(_stream(connection, events_stmt, batch), key=lambda e: e[0])
    row_group = next(row_groups, None)
    event_group = next(event_groups, None)
    while row_group is not None or event_group is not None:
        row_id: Any = row_group[0] if row_group is not None else None
        event_id: Any = event_group[0] if event_group is not None else None
        if event_group is not None and (row_group is None or event_id <= row_id):
            states, count = _fold(event_group[1], info)
            report.events += count
            rows: dict[tuple[Any, ...], Any] = {}
            if row_group is not None and row_id == event_id:
                rows = {tuple(r[i] for i in key_index): r for r in row_group[1]}
                report.rows += len(rows)
                row_group = next(row_groups, None)
            _compare(info, event_id, states, rows, report)
            event_group = next(event_groups, None)
        else:
            assert row_group is not None
            for row in row_group[1]:  # rows the trail never saw
                report.rows += 1
                report.add(RowProblem(info.name, row_id, None, "inserted", key=tuple(row[i] for i in key_index)))
            row_group = next(row_groups, None)


# --------------------------------------------------------------------------- values derived from bytes


def _check_bytes(connection: Connection, report: ReplayReport, batch: int) -> None:
    actual: dict[int, tuple[str | None, int | None]] = {}
    blobs = select(col(EvidenceBlob.id), col(EvidenceBlob.sha256), col(EvidenceBlob.data)).order_by(
        col(EvidenceBlob.id))
    for blob_id, recorded, data in _stream(connection, blobs, max(1, batch // 50)):
        content = bytes(data)
        digest = hashlib.sha256(content).hexdigest()
        actual[int(blob_id)] = (digest, len(content))
        if digest != recorded:
            report.add(RowProblem("evidence_blob", int(blob_id), "data", "bytes", recorded, digest))
    files = select(col(EvidenceFile.id), col(EvidenceFile.blob_id), col(EvidenceFile.sha256),
                   col(EvidenceFile.size)).order_by(col(EvidenceFile.id))
    for file_id, blob_id, recorded, size in _stream(connection, files, batch):
        found, length = actual.get(int(blob_id), (None, None))
        if found != recorded:
            report.add(RowProblem("evidence_file", int(file_id), "sha256", "bytes", recorded, found))
        if length != size:
            report.add(RowProblem("evidence_file", int(file_id), "size", "bytes", size, length))
    reports = select(col(SignOff.id), col(SignOff.report_sha256), col(SignOff.report_pdf)).where(
        col(SignOff.report_pdf).is_not(None)).order_by(col(SignOff.id))
    for signoff_id, recorded, pdf in _stream(connection, reports, 16):
        digest = hashlib.sha256(bytes(pdf)).hexdigest()
        if digest != recorded:
            report.add(RowProblem("signoff", int(signoff_id), "report_pdf", "bytes", recorded, digest))
    identities = select(col(SigningIdentity.id), col(SigningIdentity.fingerprint_sha256),
                        col(SigningIdentity.certificate_der)).order_by(col(SigningIdentity.id))
    for identity_id, recorded, der in _stream(connection, identities, batch):
        digest = hashlib.sha256(bytes(der)).hexdigest()
        if digest != recorded:
            report.add(RowProblem("signing_identity", int(identity_id), "fingerprint_sha256", "bytes", digest,
                                  recorded))


def replay(connection: Connection, *, limit: int = DEFAULT_LIMIT, batch: int = 5000) -> ReplayReport:
    """Compare every row of every audited table with its replayed trail, and stored bytes with their hashes."""
    report = ReplayReport(limit=limit)
    for model in audited_models():
        info = _info(model)
        report.tables += 1
        _replay_table(connection, info, report, batch)
    _check_bytes(connection, report, batch)
    return report
