"""Benchmarks: verifying the audit hash chain (1,000,000 events), and the whole `vetta audit verify`
(chain, guards, anchors, every audited row replayed against the trail) on the 100,000-vendor database."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from db.audit import GENESIS_HASH, canonical, event_hash, verify_chain
from db.models import AuditEvent
from db.replay import replay
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
                   target="linear in events, constant memory")] + run_integrity(smoke)


# --------------------------------------------------------------------------- the whole `audit verify`, 100,000 vendors


def _populate_with_trail(engine, n: int) -> int:
    """The register benchmark's 100,000-vendor database, with the audit trail Vetta would have written.

    Rows are inserted in bulk (``bench_register._populate``), then read back and recorded as the
    create events the ORM hook writes (fields left empty are not recorded), in the order a user would
    have made them, hash-chained; then every tenth vendor changes tier (row and update event).
    Returns the number of events.
    """
    from sqlalchemy import select, update

    from db.audit import _IGNORED_FIELDS, to_jsonable
    from db.models import (
        Certification,
        Competitor,
        Interest,
        Organisation,
        Party,
        PartyIdentifier,
        Vendor,
        VendorTag,
    )
    from tests.bench.bench_register import _populate

    _populate(engine, n)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    state = {"seq": 0, "prev": GENESIS_HASH, "batch": []}

    def record(conn, action: str, record_type: str, record_id, vendor_id, changes: dict) -> None:
        state["seq"] += 1
        seq = state["seq"]
        fields = dict(occurred_at=start + timedelta(milliseconds=seq), actor="bench", action=action,
                      record_type=record_type, record_id=record_id, vendor_id=vendor_id,
                      changes_json=canonical(changes))
        digest = event_hash(prev_hash=state["prev"], seq=seq, **fields)
        state["batch"].append({**fields, "seq": seq, "prev_hash": state["prev"], "hash": digest})
        state["prev"] = digest
        if len(state["batch"]) >= 10_000:
            conn.execute(insert(AuditEvent), state["batch"])
            state["batch"] = []

    def created(row) -> dict:
        return {k: [None, to_jsonable(v)] for k, v in row._mapping.items()
                if k not in _IGNORED_FIELDS and v is not None and v != ""}

    with engine.begin() as conn:
        org = conn.execute(select(Organisation.__table__)).one()
        record(conn, "create", "organisation", org.id, None, created(org))
        tags = {r.vendor_id: r for r in conn.execute(select(VendorTag.__table__))}
        idents = {r.party_id: r for r in conn.execute(select(PartyIdentifier.__table__))}
        certs = {r.vendor_id: r for r in conn.execute(select(Certification.__table__))}
        vendors = {r.party_id: r for r in conn.execute(select(Vendor.__table__))}
        for party in conn.execute(select(Party.__table__).order_by(Party.__table__.c.id)).all():
            vendor = vendors.get(party.id)
            record(conn, "create", "party", party.id, None, created(party))
            if vendor is None:  # the watchlist's competitor and the holdings (bench_register._populate)
                continue
            record(conn, "create", "vendor", vendor.id, vendor.id, created(vendor))
            if vendor.id in tags:
                record(conn, "create", "vendor_tag", None, vendor.id, created(tags[vendor.id]))
            if party.id in idents:
                record(conn, "create", "party_identifier", idents[party.id].id, vendor.id, created(idents[party.id]))
            if vendor.id in certs:
                record(conn, "create", "certification", certs[vendor.id].id, vendor.id, created(certs[vendor.id]))
        for competitor in conn.execute(select(Competitor.__table__)).all():
            record(conn, "create", "competitor", competitor.id, None, created(competitor))
        for interest in conn.execute(select(Interest.__table__).order_by(Interest.__table__.c.id)).all():
            held = vendors.get(interest.subject_id)
            record(conn, "create", "interest", interest.id, held.id if held else None, created(interest))
        for vendor in sorted(vendors.values(), key=lambda v: v.id):
            if vendor.id % 10 == 0:
                new_tier = "critical" if vendor.tier != "critical" else "low"
                conn.execute(update(Vendor.__table__).where(Vendor.__table__.c.id == vendor.id)
                             .values(tier=new_tier))
                record(conn, "update", "vendor", vendor.id, vendor.id, {"tier": [vendor.tier, new_tier]})
        if state["batch"]:
            conn.execute(insert(AuditEvent), state["batch"])
    return int(state["seq"])


def run_integrity(smoke: bool) -> list[Result]:
    import resource

    from desktop.services.audit import verify_integrity

    n = 300 if smoke else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(str(Path(tmp) / "bench.sqlite3"), daily_backup=False)
        try:
            events = _populate_with_trail(engine, n)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

            def verify_all() -> None:
                report = verify_integrity(engine)
                assert report.ok, report.to_dict()["data"]["problems"][:3]

            def chain_only() -> None:
                with engine.connect() as conn:
                    assert verify_chain(conn).intact

            def replay_only() -> None:
                with engine.connect() as conn:
                    assert replay(conn).ok

            def read_all() -> None:
                from db.replay import audited_models

                with engine.connect() as conn:
                    for _ in conn.execute(text("SELECT * FROM audit_event ORDER BY seq")):
                        pass
                    for model in audited_models():
                        for _ in conn.execute(text(f'SELECT * FROM "{model.__tablename__}"')):
                            pass

            repeat = 3
            full_s = median_time(verify_all, repeat=repeat, warmup=0 if smoke else 1)
            cpu_start = time.process_time()
            verify_all()
            cpu_s = time.process_time() - cpu_start
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            chain_s = median_time(chain_only, repeat=repeat, warmup=0)
            replay_s = median_time(replay_only, repeat=repeat, warmup=0)
            read_s = median_time(read_all, repeat=repeat, warmup=0)
        finally:
            engine.dispose()
    size = f"{n:,} vendors, {events:,} events"
    grew = max(0.0, (rss_after - rss_before) / 1024)
    return [
        Result(f"vetta audit verify: chain, guards, anchors, data replayed ({size}, SQLite)", full_s,
               "read every event and every audited row without checking", read_s,
               "fast on the 100k-vendor database; memory flat",
               note=f"CPU time {cpu_s:.2f} s; chain alone {chain_s:.2f} s, replay of the data alone {replay_s:.2f} s; "
                    f"peak memory grew {grew:.0f} MB during the check"),
    ]
