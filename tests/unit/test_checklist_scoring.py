"""Scoring: deterministic, weighted, any failed blocker decides the outcome."""

from __future__ import annotations

from desktop.core.checklist import load_template_text, outcome, score

TEMPLATE = """\
id: s
version: 1
title: {en: S, es: S}
sections:
  - id: a
    title: {en: A, es: A}
    questions:
      - {id: B1, text: {en: b, es: b}, guidance: {en: g, es: g}, answer_type: yes_no_partial_na,
         severity: blocker, weight: 4, fail_if: [yes]}
      - {id: M1, text: {en: m, es: m}, guidance: {en: g, es: g}, answer_type: yes_no_partial_na,
         severity: major, weight: 2, pass_if: [yes],
         condition: {en: "Add the clause.", es: "Añadir la cláusula."}}
      - {id: N1, text: {en: n, es: n}, guidance: {en: g, es: g}, answer_type: number, severity: major,
         weight: 1, fail_if: {gt: 72}}
      - {id: I1, text: {en: i, es: i}, guidance: {en: g, es: g}, answer_type: yes_no_partial_na,
         severity: minor, weight: 1}
      - {id: T1, text: {en: t, es: t}, guidance: {en: g, es: g}, answer_type: text, severity: info,
         weight: 0, required: false}
"""
T = load_template_text(TEMPLATE)


def test_all_passing_is_neutral_with_full_score():
    r = score(T, {"B1": "no", "M1": "yes", "N1": 24, "I1": "yes"})
    assert (r.rating, r.score, r.provisional, r.shortfalls, r.conditions) == ("neutral", 100.0, False, [], [])


def test_failed_blocker_decides_whatever_the_score():
    r = score(T, {"B1": "yes", "M1": "yes", "N1": 24, "I1": "yes"})
    assert r.rating == "not_neutral" and r.score == 50.0
    first = r.shortfalls[0]
    assert (first.question, first.severity, first.effective, first.outcome, first.answer) == (
        "B1", "blocker", "blocker", "fail", "yes")
    assert r.rating_label("es") == "No neutral" and r.rating_label("en") == "Not neutral"


def test_failed_major_gives_conditions():
    r = score(T, {"B1": "no", "M1": "no", "N1": 96, "I1": "yes"})
    assert r.rating == "conditionally_neutral"
    assert [c["question"] for c in r.conditions] == ["M1", "N1"]
    assert r.conditions[0]["es"] == "Añadir la cláusula." and r.conditions[1]["en"].startswith("Remedy before")
    assert r.score == round(100 * (4 + 1) / 8, 1)


def test_partial_blocker_is_a_condition_and_minor_failure_only_a_finding():
    r = score(T, {"B1": "no", "M1": "partial", "N1": 10, "I1": "no"})
    assert r.rating == "neutral"  # partial major counts as a minor
    assert {(f.question, f.effective) for f in r.shortfalls} == {("M1", "minor"), ("I1", "minor")}
    assert r.score == round(100 * (4 + 1 + 1) / 8, 1)
    assert outcome(T.question("M1"), "partial") == "partial"


def test_not_applicable_and_unanswered_do_not_count():
    r = score(T, {"B1": "no", "M1": "na"})
    assert r.score == 100.0 and r.provisional and r.required_unanswered == ["N1", "I1"]
    assert r.answered == 2 and r.total == 5
    assert score(T, {}).score is None


def test_scoring_is_deterministic():
    answers = {"B1": "yes", "M1": "no", "N1": 100, "I1": "no"}
    assert score(T, answers).to_dict() == score(T, dict(reversed(list(answers.items())))).to_dict()
