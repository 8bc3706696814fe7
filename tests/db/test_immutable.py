"""Immutable decisions: triggers refuse changes to decided assessments, answers, sign-offs, audit events."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlmodel import select

from db import triggers
from db.engine import read_session, unit_of_work
from db.errors import ImmutableRecord, explain
from db.models import Answer, Assessment, AuditEvent, SignOff
from db.types import utcnow
from tests.support.records import decide, make_assessment, make_vendor

REFUSED = (sa_exc.IntegrityError, sa_exc.InternalError, sa_exc.DatabaseError)


@pytest.fixture
def decided(engine):
    vendor_id = make_vendor(engine)
    assessment_id = make_assessment(engine, vendor_id)
    decide(engine, assessment_id)
    return engine, assessment_id


def _raw_refused(engine, sql, **params):
    with pytest.raises(REFUSED) as info:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    error = explain(info.value)
    assert isinstance(error, ImmutableRecord)
    assert "vetta:" not in str(error) and str(error).endswith(".")
    return str(error)


def test_every_trigger_is_installed_at_head(engine):
    with engine.connect() as conn:
        assert triggers.missing(conn) == frozenset()


def test_decision_transition_is_allowed_and_recorded(decided):
    engine, aid = decided
    with read_session(engine) as s:
        a = s.get(Assessment, aid)
        assert a is not None and a.status == "approved" and a.rating == "neutral"
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.record_type == "assessment"))]
        assert "decision" in actions


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE assessment SET rating = 'not_neutral' WHERE id = :id",
        "UPDATE assessment SET status = 'draft' WHERE id = :id",
        "UPDATE assessment SET findings_json = '[\"x\"]' WHERE id = :id",
        "UPDATE assessment SET next_review_due = NULL WHERE id = :id",
    ],
)
def test_plain_sql_cannot_update_a_decided_assessment(decided, sql):
    engine, aid = decided
    message = _raw_refused(engine, sql, id=aid)
    assert "decided" in message
    with read_session(engine) as s:
        a = s.get(Assessment, aid)
        assert a is not None and a.status == "approved" and a.rating == "neutral"


def test_plain_sql_cannot_delete_a_decided_assessment(decided):
    engine, aid = decided
    _raw_refused(engine, "DELETE FROM answer WHERE assessment_id = :id", id=aid)
    _raw_refused(engine, "DELETE FROM signoff WHERE assessment_id = :id", id=aid)
    _raw_refused(engine, "DELETE FROM assessment WHERE id = :id", id=aid)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessment")).scalar_one() == 1


def test_answers_of_a_decided_assessment_are_frozen(decided):
    engine, aid = decided
    _raw_refused(engine, "UPDATE answer SET value_json = '\"no\"' WHERE assessment_id = :id", id=aid)
    _raw_refused(engine, "INSERT INTO answer (assessment_id, question_key, value_json, suggestion_explanation, "
                         "justification, answered_by, changed_since_previous, version, created_at, updated_at) "
                         "VALUES (:id, 'q9', '1', '', '', '', false, 1, '2026-01-01', '2026-01-01')", id=aid)
    with read_session(engine) as s:
        values = sorted(a.value_json or "" for a in s.exec(select(Answer).where(Answer.assessment_id == aid)))
        assert values == ['"yes"', '"yes"']


def test_signoff_cannot_change_except_filling_the_report_once(decided):
    engine, aid = decided
    _raw_refused(engine, "UPDATE signoff SET approver = 'mallory' WHERE assessment_id = :id", id=aid)
    _raw_refused(engine, "UPDATE signoff SET decision = 'rejected' WHERE assessment_id = :id", id=aid)
    _raw_refused(engine, "UPDATE signoff SET rationale = 'never mind' WHERE assessment_id = :id", id=aid)
    with unit_of_work(engine, "approver") as s:  # the signing step fills the report in once
        so = s.exec(select(SignOff).where(SignOff.assessment_id == aid)).one()
        so.report_sha256 = "a" * 64
        so.report_pdf = b"%PDF-1.7 signed"
    _raw_refused(engine, "UPDATE signoff SET report_sha256 = :h WHERE assessment_id = :id", h="b" * 64, id=aid)


def test_every_signoff_column_is_frozen_but_the_report_slots(engine):
    """A column added to ``signoff`` by a later migration (the rationale of 0004) must be guarded too: the
    SQLite guard names its columns, so a new one would otherwise be editable after the decision."""
    frozen = set(triggers._SIGNOFF_FROZEN_V2)
    columns = set(SignOff.__table__.columns.keys())
    assert columns - frozen == {"report_sha256", "report_pdf", "updated_at"}, columns - frozen
    assessment_frozen = set(triggers._ASSESSMENT_FROZEN)
    assert set(Assessment.__table__.columns.keys()) - assessment_frozen == {"stale_since", "updated_at", "version"}


def test_staleness_can_still_be_marked(decided):
    engine, aid = decided
    with unit_of_work(engine, "system") as s:
        a = s.get(Assessment, aid)
        assert a is not None
        a.stale_since = utcnow()
    with read_session(engine) as s:
        a = s.get(Assessment, aid)
        assert a is not None and a.stale_since is not None and a.version == 3


def test_orm_path_is_refused_with_one_sentence(decided):
    engine, aid = decided
    with pytest.raises(ImmutableRecord, match="decided and can no longer be changed"):
        with unit_of_work(engine, "mallory") as s:
            a = s.get(Assessment, aid)
            assert a is not None
            a.rating = "not_neutral"
    with pytest.raises(ImmutableRecord, match="answers of a decided assessment"):
        with unit_of_work(engine, "mallory") as s:
            ans = s.exec(select(Answer).where(Answer.assessment_id == aid)).first()
            assert ans is not None
            ans.justification = "changed later"
    with pytest.raises(ImmutableRecord):
        with unit_of_work(engine, "mallory") as s:
            s.delete(s.exec(select(SignOff).where(SignOff.assessment_id == aid)).one())
    with read_session(engine) as s:  # nothing of it was written, not even audit events
        assert s.exec(select(AuditEvent).where(AuditEvent.actor == "mallory")).all() == []


def test_service_guard_refuses_before_trying(decided):
    engine, aid = decided
    with unit_of_work(engine) as s:
        with pytest.raises(ImmutableRecord, match=rf"Assessment #{aid} has been decided \(approved\)"):
            triggers.guard_assessment_editable(s, aid)


def test_undecided_assessment_stays_editable(engine):
    aid = make_assessment(engine, make_vendor(engine))
    with unit_of_work(engine) as s:
        triggers.guard_assessment_editable(s, aid)
        ans = s.exec(select(Answer).where(Answer.assessment_id == aid)).first()
        assert ans is not None
        ans.value_json = '"no"'
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM answer WHERE assessment_id = :id"), {"id": aid})
        conn.execute(text("DELETE FROM assessment WHERE id = :id"), {"id": aid})


def test_audit_trail_is_append_only(engine):
    make_vendor(engine)
    _raw_refused(engine, "UPDATE audit_event SET actor = 'mallory'")
    _raw_refused(engine, "DELETE FROM audit_event")
    if engine.dialect.name == "postgresql":
        _raw_refused(engine, "TRUNCATE audit_event")


def test_downgrade_removes_and_upgrade_restores_triggers(engine):
    from alembic import command

    from db.migrate import alembic_config

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with engine.connect() as conn:
        assert triggers.installed(conn) == frozenset()
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        assert triggers.missing(conn) == frozenset()
