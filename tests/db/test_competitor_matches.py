"""Possible (fuzzy) watchlist matches decided by people, on SQLite and PostgreSQL: listed with their ids,
confirmed or rejected, recorded in the audit trail, changing every analysis, never proposed again once
rejected; and a decided assessment becomes stale when a decision changes its analysis."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session
from db.models import Assessment, AuditEvent
from desktop.core.errors import NotFound, UserError
from desktop.services.competitors import decide, list_matches
from desktop.services.ownership import analyze

KESTREL = "Kestrel Red-Teaming Ltd"


def codes(result: dict) -> list[str]:
    return [f["code"] for f in result["findings"]]


def test_the_demo_lookalike_is_a_pending_possible_match(demo_engine: Engine) -> None:
    [match] = list_matches(demo_engine)
    assert (match.party, match.watch_name, match.competitor, match.status) == (
        "Fabrikam AI Labs Ltd", "Fabrikam Labs GmbH", "Fabrikam AI Ltd", "pending")
    assert match.id == f"{match.party_id}-{match.competitor_id}" and 88 <= match.score < 100
    r = analyze(demo_engine, KESTREL)
    assert "POSSIBLE_COMPETITOR_MATCH" in codes(r) and r["competitor_groups"] == []


def test_confirming_makes_the_party_part_of_the_group_in_every_analysis(demo_engine: Engine) -> None:
    [match] = list_matches(demo_engine, status="pending")
    decided = decide(demo_engine, match.id, confirmed=True, actor="Marta Gil")
    assert decided.status == "confirmed" and decided.decided_by == "Marta Gil"
    r = analyze(demo_engine, KESTREL)
    [group] = r["competitor_groups"]
    assert group["competitor"] == "Fabrikam AI Ltd" and group["economic"] == [15.0, 15.0]
    stake = next(f for f in r["findings"] if f["code"] == "COMPETITOR_ECONOMIC_STAKE")
    assert stake["message"] == ("Fabrikam AI Ltd holds 15% of Kestrel Red-Teaming Ltd's economic interest through "
                                "Fabrikam AI Labs Ltd (15% of votes).")
    assert "POSSIBLE_COMPETITOR_MATCH" not in codes(r)
    with read_session(demo_engine) as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.record_type == "competitor_match")).all()
        assert event.actor == "Marta Gil" and event.action == "create"
        assert json.loads(event.changes_json)["status"] == [None, "confirmed"]
    assert list_matches(demo_engine, status="pending") == []


def test_rejecting_is_never_proposed_again_and_can_be_reversed(demo_engine: Engine) -> None:
    [match] = list_matches(demo_engine)
    decide(demo_engine, match.id, confirmed=False, actor="Marta Gil")
    r = analyze(demo_engine, KESTREL)
    assert "POSSIBLE_COMPETITOR_MATCH" not in codes(r) and r["competitor_groups"] == []
    assert [m.status for m in list_matches(demo_engine)] == ["rejected"]
    decide(demo_engine, match.id, confirmed=True, actor="Luis Ortega")  # a second look
    assert analyze(demo_engine, KESTREL)["competitor_groups"][0]["competitor"] == "Fabrikam AI Ltd"
    with read_session(demo_engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.record_type == "competitor_match")
                        .order_by(AuditEvent.seq)).all()
        assert [(e.actor, json.loads(e.changes_json)["status"][1]) for e in events] == [
            ("Marta Gil", "rejected"), ("Luis Ortega", "confirmed")]


def test_bad_ids_are_one_clear_sentence(demo_engine: Engine) -> None:
    with pytest.raises(UserError, match="'abc' is not a match id"):
        decide(demo_engine, "abc", confirmed=True)
    with pytest.raises(NotFound, match="There is no possible match '1-1'"):
        decide(demo_engine, "1-1", confirmed=True)  # Contoso is an exact match of itself, not a possible one


def test_a_decision_marks_the_assessments_it_changes_stale(demo_engine: Engine) -> None:
    from tests.db.test_staleness_hook import approve_demo_assessment

    assessment_id = approve_demo_assessment(demo_engine, KESTREL)
    [match] = list_matches(demo_engine)
    decide(demo_engine, match.id, confirmed=True, actor="Marta Gil")
    with read_session(demo_engine) as s:
        assessment = s.get(Assessment, assessment_id)
        assert assessment is not None and assessment.stale_since is not None
    from desktop.services.assessments import staleness

    [change] = [c for c in staleness(demo_engine, assessment_id) if c["record_type"] == "competitor_match"]
    assert change["message"].startswith("the competitor match of Fabrikam AI Labs Ltd: recorded by Marta Gil on")
    assert change["recorded"][:10] == datetime.now(UTC).date().isoformat() and change["effective"] is None
