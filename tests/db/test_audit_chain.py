"""The hash chain of the audit trail: intact after real work, and every kind of tampering is caught."""

from __future__ import annotations

import pytest

from db.audit import ChainReport, verify_chain
from db.engine import unit_of_work
from db.models import Vendor
from tests.support import tamper as t
from tests.support.records import decide, make_assessment, make_vendor

INSERT = ("INSERT INTO audit_event (seq, occurred_at, actor, action, record_type, record_id, vendor_id, "
          "changes_json, prev_hash, hash) VALUES (:seq, :at, 'mallory', 'update', 'vendor', 1, 1, "
          "'{\"notes\":[\"\",\"forged\"]}', :prev, :hash)")


@pytest.fixture
def trail(engine):
    """A trail of 20+ events: vendors, edits, an assessment and its decision."""
    for i in range(8):
        vid = make_vendor(engine, f"Vendor {i}")
    with unit_of_work(engine, "editor") as s:
        v = s.get(Vendor, vid)
        assert v is not None
        v.notes = "checked the registry"
        v.tier = "high"
    decide(engine, make_assessment(engine, vid))
    report = _verify(engine)
    assert report.intact and report.events >= 20
    return engine


def _verify(engine, batch: int = 7) -> ChainReport:
    with engine.connect() as conn:
        return verify_chain(conn, batch=batch)


def _problem(engine):
    report = _verify(engine)
    assert not report.intact and report.first_problem is not None
    return report.first_problem


def test_empty_trail_is_intact(engine):
    report = _verify(engine)
    assert report.intact and report.events == 0 and report.first_problem is None


def test_intact_trail_reports_its_head(trail):
    report = _verify(trail, batch=3)
    last = t.event(trail, report.events)
    assert report.head_seq == report.events and report.head_hash == last["hash"]
    assert report.to_dict()["first_problem"] is None


def test_edited_event_is_found(trail):
    t.tamper(trail, "UPDATE audit_event SET changes_json = '{\"notes\":[\"\",\"nothing to see\"]}' WHERE seq = 8")
    p = _problem(trail)
    assert (p.seq, p.kind) == (8, "edited") and "changed after it was written" in p.message


def test_edited_actor_is_found(trail):
    t.tamper(trail, "UPDATE audit_event SET actor = 'someone else' WHERE seq = 3")
    assert (_problem(trail).seq, _problem(trail).kind) == (3, "edited")


def test_edited_and_rehashed_event_is_found(trail):
    row = t.event(trail, 6)
    row["actor"] = "mallory"
    t.tamper(trail, "UPDATE audit_event SET actor = 'mallory', hash = :h WHERE seq = 6", h=t.rehash(row))
    p = _problem(trail)
    assert (p.seq, p.kind) == (6, "edited") and "new hash" in p.message


def test_deleted_event_is_found(trail):
    t.tamper(trail, "DELETE FROM audit_event WHERE seq = 10")
    p = _problem(trail)
    assert (p.seq, p.kind) == (10, "deleted") and "#10 was deleted" in p.message


def test_deleted_range_is_found(trail):
    t.tamper(trail, "DELETE FROM audit_event WHERE seq BETWEEN 4 AND 7")
    p = _problem(trail)
    assert (p.seq, p.kind) == (4, "deleted") and "#4 to #7" in p.message


def test_deleted_and_renumbered_is_found(trail):
    t.tamper(trail, "DELETE FROM audit_event WHERE seq = 9", *t.shift_seqs(trail, 10, -1))
    p = _problem(trail)
    assert (p.seq, p.kind) == (9, "deleted") and "renumbered" in p.message


def test_deleted_first_event_is_found(trail):
    t.tamper(trail, "DELETE FROM audit_event WHERE seq = 1")
    p = _problem(trail)
    assert (p.seq, p.kind) == (1, "deleted")


def test_inserted_event_with_a_valid_hash_is_found(trail):
    prev = t.event(trail, 4)
    t.tamper(trail, *t.shift_seqs(trail, 5, 1))
    forged = {**prev, "seq": 5, "actor": "mallory", "action": "update",
              "changes_json": '{"notes":["","forged"]}', "record_type": "vendor", "record_id": 1, "vendor_id": 1}
    digest = t.rehash(forged, prev_hash=prev["hash"])
    t.tamper(trail, INSERT, seq=5, at=prev["occurred_at"], prev=prev["hash"], hash=digest)
    p = _problem(trail)
    assert (p.seq, p.kind) == (5, "inserted")


def test_inserted_event_with_a_made_up_hash_is_found(trail):
    prev = t.event(trail, 11)
    t.tamper(trail, *t.shift_seqs(trail, 12, 1))
    t.tamper(trail, INSERT, seq=12, at=prev["occurred_at"], prev="f" * 64, hash="e" * 64)
    p = _problem(trail)
    assert (p.seq, p.kind) == (12, "inserted")


def test_reordered_events_are_found(trail):
    t.tamper(trail, "UPDATE audit_event SET seq = -1 WHERE seq = 7",
             "UPDATE audit_event SET seq = 7 WHERE seq = 8",
             "UPDATE audit_event SET seq = 8 WHERE seq = -1")
    p = _problem(trail)
    assert (p.seq, p.kind) == (7, "reordered") and "out of order" in p.message


def test_duplicate_number_is_found(trail):
    if trail.dialect.name == "sqlite":
        pytest.skip("SQLite cannot drop the UNIQUE(seq) constraint in place; PostgreSQL shows the case")
    prev = t.event(trail, 3)
    t.tamper(trail, "ALTER TABLE audit_event DROP CONSTRAINT uq_audit_event_seq")
    t.tamper(trail, INSERT, seq=3, at=prev["occurred_at"], prev=prev["prev_hash"], hash="d" * 64)
    p = _problem(trail)
    assert p.kind == "inserted" and p.seq == 3


def test_forged_event_appended_at_the_end_is_found(trail):
    head = _verify(trail)
    last = t.event(trail, head.head_seq)
    t.tamper(trail, INSERT, seq=head.head_seq + 1, at=last["occurred_at"], prev="a" * 64, hash="b" * 64)
    p = _problem(trail)
    assert (p.seq, p.kind) == (head.head_seq + 1, "inserted")


def test_fast_hash_agrees_with_event_hash(trail):
    from db.audit import _fast_hash, _stream

    with trail.connect() as conn:
        rows = list(_stream(conn, 5))
    assert rows and all(_fast_hash(r) == r.recompute() == r.hash for r in rows)
