"""Benchmark: verifying the audit hash chain, against simply reading every event."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from db.audit import GENESIS_HASH, canonical, event_hash, verify_chain
from db.models import AuditEvent
from desktop.services.database import open_database
from tests.bench.common import Result, median_time


def _fill(engine, n: int) -> None:
    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch = []
    with engine.begin() as conn:
        for seq in range(1, n + 1):
            at = start + timedelta(seconds=seq)
            changes = canonical({"notes": ["", f"note {seq}"], "tier": ["medium", "high"]})
            fields = dict(occurred_at=at, actor="bench", action="update", record_type="vendor",
                          record_id=seq % 500 + 1, vendor_id=seq % 500 + 1, changes_json=changes)
            digest = event_hash(prev_hash=prev, seq=seq, **fields)
            batch.append({**fields, "seq": seq, "prev_hash": prev, "hash": digest})
            prev = digest
            if len(batch) == 10_000:
                conn.execute(insert(AuditEvent), batch)
                batch = []
        if batch:
            conn.execute(insert(AuditEvent), batch)


def run(smoke: bool) -> list[Result]:
    n = 300 if smoke else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(str(Path(tmp) / "bench.sqlite3"), daily_backup=False)
        try:
            _fill(engine, n)

            def verify() -> None:
                with engine.connect() as conn:
                    assert verify_chain(conn).intact

            def read_all() -> None:
                with engine.connect() as conn:
                    for _ in conn.execute(text("SELECT * FROM audit_event ORDER BY seq")):
                        pass

            repeat = 3 if smoke else 1
            verify_s = median_time(verify, repeat=repeat, warmup=0)
            read_s = median_time(read_all, repeat=repeat, warmup=0)
        finally:
            engine.dispose()
    return [Result(name=f"verify audit chain, {n:,} events (SQLite)", median_s=verify_s,
                   baseline_name=f"read {n:,} events without checking", baseline_median_s=read_s,
                   target="linear in events, constant memory")]
