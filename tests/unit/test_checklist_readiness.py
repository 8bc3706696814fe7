"""What is left before submission (desktop.core.checklist.readiness): the one measure of progress."""

from __future__ import annotations

import pytest

from desktop.core.checklist.readiness import Blocker, evidence_needed, readiness
from tests.db.test_assessments_support import default_template, passing_value

TEMPLATE = default_template()
EVIDENCE_QUESTIONS = ("DAT-01", "DAT-03", "SEC-01", "SEC-04", "CON-01", "EXT-02")


def _passing_everything() -> dict[str, object]:
    return {q.id: passing_value(q) for _s, q in TEMPLATE.questions()}


@pytest.mark.parametrize(("answer", "needed"), [("yes", True), ("partial", True), ("no", False), ("na", False),
                                                (None, False)])
def test_evidence_is_asked_only_when_the_answer_claims_the_control(answer, needed) -> None:
    q = TEMPLATE.question("SEC-01")
    assert q is not None and q.evidence_required
    assert evidence_needed(q, answer) is needed


def test_a_question_that_declares_no_evidence_never_needs_it() -> None:
    q = TEMPLATE.question("OWN-06")
    assert q is not None and not q.evidence_required
    assert not any(evidence_needed(q, v) for v in ("yes", "partial", "no", "na"))


def test_the_default_template_declares_evidence_on_six_questions() -> None:
    assert tuple(q.id for _s, q in TEMPLATE.questions() if q.evidence_required) == EVIDENCE_QUESTIONS


def test_nothing_answered_lists_every_required_question_and_no_evidence() -> None:
    r = readiness(TEMPLATE, {}, {})
    required = [q.id for _s, q in TEMPLATE.questions() if q.required]
    assert [b.question for b in r.blockers] == required and {b.reason for b in r.blockers} == {"answer"}
    assert (r.done, r.total) == (0, len(required)) and not r.ready
    assert r.progress_text("en") == f"0 of {len(required)} done · left: {len(required)} answers"
    assert r.blockers[0].label("en") == f"Answer {required[0]}: {TEMPLATE.question(required[0]).text.en}"


def test_answers_that_claim_a_control_add_their_evidence_to_what_is_left() -> None:
    values = _passing_everything()
    r = readiness(TEMPLATE, values, {})
    required = sum(1 for _s, q in TEMPLATE.questions() if q.required)
    assert [b.question for b in r.blockers] == list(EVIDENCE_QUESTIONS)
    assert {b.reason for b in r.blockers} == {"evidence"}
    assert (r.done, r.total) == (required, required + 6)
    assert r.progress_text("en") == f"{required} of {required + 6} done · left: 6 evidence files"
    assert r.blockers[0].label("en").startswith("Attach evidence to DAT-01: Is our data logically segregated")
    # a "No" has nothing to prove: the requirement goes away, it is not counted as done
    values["SEC-01"] = "no"
    fewer = readiness(TEMPLATE, values, {})
    assert "SEC-01" not in [b.question for b in fewer.blockers] and fewer.total == required + 5
    # files attached: everything is done
    done = readiness(TEMPLATE, values, {k: 1 for k in EVIDENCE_QUESTIONS})
    assert done.ready and done.done == done.total == required + 5
    assert done.progress_text("en") == f"{required + 5} of {required + 5} done · ready to submit"
    assert done.sentence(7) == ""


def test_only_a_draft_can_be_submitted() -> None:
    values = _passing_everything()
    r = readiness(TEMPLATE, values, {k: 1 for k in EVIDENCE_QUESTIONS}, status="in_review")
    assert not r.ready and r.blockers == (Blocker("status", text_en="in_review", text_es="in_review"),)
    assert r.blockers[0].label("en") == "Only a draft can be submitted; this assessment is in review."
    assert r.sentence(3, "en") == "Only a draft can be submitted; this assessment is in review."


def test_the_refusal_sentence_names_what_is_left() -> None:
    values = _passing_everything()
    del values["OWN-06"]
    r = readiness(TEMPLATE, values, {k: 1 for k in EVIDENCE_QUESTIONS[1:]})
    assert r.sentence(4, "en") == ("Assessment #4 cannot be submitted yet: 1 required question is unanswered "
                                   "(OWN-06) and 1 answer needs evidence (DAT-01).")


def test_progress_in_spanish() -> None:
    r = readiness(TEMPLATE, _passing_everything(), {})
    required = sum(1 for _s, q in TEMPLATE.questions() if q.required)
    assert r.progress_text("es") == f"{required} de {required + 6} hechos · faltan: 6 archivos de evidencia"
    assert r.blockers[0].label("es").startswith("Adjunte evidencia a DAT-01: ¿Están nuestros datos")
