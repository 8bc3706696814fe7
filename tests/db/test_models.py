"""The data model on real SQLite files and real PostgreSQL databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from db.engine import read_session, unit_of_work
from db.errors import ConflictError
from db.models import (
    AuditEvent,
    Contract,
    Interest,
    Party,
    Vendor,
    search_key,
)
from db.repo import get_for_update


def _party(engine, name="Acme Data S.L.", kind="entity") -> int:
    with unit_of_work(engine, "alice") as s:
        p = Party(name=name, kind=kind)
        s.add(p)
        s.flush()
        return int(p.id)


def test_party_round_trip_and_search_key(engine):
    pid = _party(engine, "Ñandú Labelling GmbH")
    with Session(engine) as s:
        p = s.get(Party, pid)
        assert p.name == "Ñandú Labelling GmbH"
        assert p.name_normalised == "nandu labelling gmbh"
        assert p.created_at.tzinfo is not None and p.created_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"share_exact": 101.0},
        {"share_exact": -1.0},
        {"share_min": 60.0, "share_max": 40.0},
        {"start_date": date(2025, 1, 2), "end_date": date(2025, 1, 1)},
        {"interest_type": "friendship"},
    ],
)
def test_interest_check_constraints_refuse_bad_rows(engine, fields):
    a, b = _party(engine, "A Corp"), _party(engine, "B Corp")
    values = {"interested_party_id": a, "subject_id": b, "interest_type": "shareholding", **fields}
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as s:
            s.add(Interest(**values))
    with Session(engine) as s:
        assert s.exec(select(Interest)).all() == []


def test_self_interest_is_refused(engine):
    a = _party(engine, "A Corp")
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as s:
            s.add(Interest(interested_party_id=a, subject_id=a, interest_type="shareholding", share_exact=10))


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as s:
            s.add(Vendor(party_id=999_999))


def test_contract_currency_and_dates_checked(engine):
    pid = _party(engine)
    with unit_of_work(engine) as s:
        v = Vendor(party_id=pid)
        s.add(v)
        s.flush()
        vid = v.id
    with pytest.raises((IntegrityError, DataError)):
        with unit_of_work(engine) as s:
            s.add(Contract(vendor_id=vid, kind="MSA", currency="EURO"))  # too long: CHECK or VARCHAR(3)
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as s:
            s.add(Contract(vendor_id=vid, kind="LEASE"))


def test_optimistic_locking_refuses_a_stale_save(engine):
    """Two users open the same record; the later save gets a conflict, the first one is kept."""
    pid = _party(engine)
    with read_session(engine) as s:
        seen_by_first = s.get(Party, pid).version
    with read_session(engine) as s:
        seen_by_second = s.get(Party, pid).version
    with unit_of_work(engine, "first") as s:
        get_for_update(s, Party, pid, seen_by_first).notes = "edited by the first user"
    with pytest.raises(ConflictError, match="since you opened it"):
        with unit_of_work(engine, "second") as s:
            get_for_update(s, Party, pid, seen_by_second).notes = "edited by the second user"
    with read_session(engine) as s:
        p = s.get(Party, pid)
        assert p.notes == "edited by the first user"
        assert p.version == 2


def test_version_column_guards_interleaved_transactions(pg_url):
    """On a server, two open transactions: the version column refuses the stale UPDATE."""
    from desktop.services.database import open_database

    engine = open_database(pg_url)
    try:
        pid = _party(engine)
        first, second = Session(engine), Session(engine)
        try:
            a, b = first.get(Party, pid), second.get(Party, pid)
            a.notes = "first"
            first.commit()
            b.notes = "second"
            with pytest.raises(StaleDataError):
                second.commit()
        finally:
            first.close()
            second.close()
    finally:
        engine.dispose()


def test_transaction_is_all_or_nothing(engine):
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as s:
            s.add(Party(name="Kept only if everything works"))
            s.flush()
            s.add(Vendor(party_id=123_456))
    with Session(engine) as s:
        assert s.exec(select(Party)).all() == []
        assert s.exec(select(AuditEvent)).all() == []


def test_audit_trail_records_field_level_changes_in_a_hash_chain(engine):
    pid = _party(engine, "Chain Test Ltd")
    with unit_of_work(engine, "bob") as s:
        p = s.get(Party, pid)
        p.name = "Chain Test Limited"
    with unit_of_work(engine, "carol") as s:
        p = s.get(Party, pid)
        p.archived_at = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as s:
        events = s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [(e.actor, e.action, e.record_type) for e in events] == [
        ("alice", "create", "party"),
        ("bob", "update", "party"),
        ("carol", "archive", "party"),
    ]
    assert '"name":["Chain Test Ltd","Chain Test Limited"]' in events[1].changes_json
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    from db.audit import event_hash

    for e in events:
        assert e.hash == event_hash(
            prev_hash=e.prev_hash, seq=e.seq, occurred_at=e.occurred_at, actor=e.actor, action=e.action,
            record_type=e.record_type, record_id=e.record_id, vendor_id=e.vendor_id, changes_json=e.changes_json,
        )


def test_audit_event_knows_the_vendor(engine):
    pid = _party(engine, "Vendor Party")
    with unit_of_work(engine) as s:
        v = Vendor(party_id=pid)
        s.add(v)
        s.flush()
        vid = v.id
    with unit_of_work(engine) as s:
        s.get(Party, pid).website = "https://example.org"
    with Session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last.record_type == "party" and last.vendor_id == vid


def test_naive_datetimes_are_refused(engine):
    with pytest.raises(Exception, match="naive"):
        with unit_of_work(engine) as s:
            s.add(Party(name="X", archived_at=datetime(2026, 1, 1)))


def test_search_key():
    assert search_key("  ÁRBOL   Datos  S.L. ") == "arbol datos s.l."


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
