"""The wizard's progress is exactly what submission refuses (both backends)."""

from __future__ import annotations

import pytest

from desktop.services import assessments as A
from tests.db.test_assessments_support import canned_analyze, default_template, passing_value


def _refusal(engine, assessment_id):
    with pytest.raises(A.IncompleteAssessment) as info:
        A.submit_assessment(engine, assessment_id, analyze_fn=canned_analyze)
    return info.value


def test_progress_equals_what_submit_refuses(demo_engine) -> None:
    s = A.create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.", analyze_fn=canned_analyze)
    t = default_template()
    view = A.get_assessment(demo_engine, s.id)
    r = view.readiness
    refused = _refusal(demo_engine, s.id)
    assert [m["question"] for m in refused.missing] == [b.question for b in r.blockers]
    assert str(refused) == r.sentence(s.id) and r.done + len(r.blockers) == r.total
    # answers the rules gave that claim a control already ask for their file
    assert [b.question for b in r.blockers if b.reason == "evidence"] == [
        q.key for q in view.questions if q.evidence_needed and q.value is not None]

    for q in view.questions:
        if q.value is None:
            A.answer_question(demo_engine, s.id, q.key, passing_value(t.question(q.key)))
    view = A.get_assessment(demo_engine, s.id)
    refused = _refusal(demo_engine, s.id)
    assert [m["question"] for m in refused.missing] == [b.question for b in view.readiness.blockers] == [
        "DAT-01", "DAT-03", "SEC-01", "SEC-04", "CON-01", "EXT-02"]
    assert str(refused) == (f"Assessment #{s.id} cannot be submitted yet: 6 answers need evidence (DAT-01, DAT-03, "
                            "SEC-01, SEC-04, CON-01, EXT-02).")
    total = view.readiness.total

    # "No" says the control is missing: a finding, nothing to prove
    A.answer_question(demo_engine, s.id, "SEC-01", "no", justification="The SOC 2 report lapsed.")
    view = A.get_assessment(demo_engine, s.id)
    assert not view.question("SEC-01").evidence_needed and view.readiness.total == total - 1
    assert "SEC-01" not in [m["question"] for m in _refusal(demo_engine, s.id).missing]
    assert "SEC-01" in {f.code for f in view.findings}

    for key in ("DAT-01", "DAT-03", "SEC-04", "CON-01"):
        A.attach_evidence_bytes(demo_engine, s.id, key, f"evidence for {key}".encode(), f"{key}.pdf")
    view = A.get_assessment(demo_engine, s.id)
    assert [b.question for b in view.readiness.blockers] == ["EXT-02"]
    assert [m["question"] for m in _refusal(demo_engine, s.id).missing] == ["EXT-02"]
    A.attach_evidence_bytes(demo_engine, s.id, "EXT-02", b"exit plan", "exit-plan.pdf")
    view = A.get_assessment(demo_engine, s.id)
    assert view.readiness.ready and view.readiness.done == view.readiness.total and view.missing == []
    assert A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze).status == "in_review"
    after = A.get_assessment(demo_engine, s.id).readiness
    assert not after.ready and [b.reason for b in after.blockers] == ["status"]
