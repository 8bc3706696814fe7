"""Scoring: a documented, deterministic method (see docs/checklist.md).

1. Each answered question has an outcome: ``pass``, ``partial``, ``fail`` or ``na`` (not
   applicable); unanswered questions have ``unanswered`` and do not count yet.
   - yes/no/partial/na and choice questions fail when the answer is listed in ``fail_if`` (or,
     with ``pass_if``, when no chosen value is listed); yes/no questions without either fail on
     ``no``; ``partial`` is a partial answer; ``na`` is not applicable.
   - number and date questions fail when the ``fail_if`` threshold holds (or ``pass_if`` does
     not); text questions never fail.
2. Score = 100 × Σ(weight × credit) / Σ(weight) over answered, applicable questions, with credit
   1 for pass, 0.5 for partial, 0 for fail. Rounded to one decimal.
3. Rating: any failed ``blocker`` → Not neutral. Otherwise any failed ``major`` or partially
   met ``blocker`` → Conditionally neutral, with one condition per such question. Otherwise
   Neutral. A failed or partial ``minor`` / ``info`` is listed as a finding but does not change
   the rating. The rating is ``provisional`` while required questions are unanswered.

``score`` reports each failed or partly met question as a :class:`~desktop.core.findings.Shortfall`;
``desktop.core.findings`` turns them into findings with statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.core.checklist.schema import Question, Template, Threshold
from desktop.core.findings import Shortfall
from desktop.core.i18n import N_, tr

CREDIT = {"pass": 1.0, "partial": 0.5, "fail": 0.0}
SEVERITY_ORDER = {"blocker": 0, "major": 1, "minor": 2, "info": 3}
RATINGS = ("neutral", "conditionally_neutral", "not_neutral")
_RATING_NAMES = {"neutral": N_("Neutral"), "conditionally_neutral": N_("Conditionally neutral"),
                 "not_neutral": N_("Not neutral")}


def rating_label(rating: str | None, lang: str = "en") -> str:
    """The rating in words ('—' when there is none yet; an unknown code as it is)."""
    if not rating:
        return "—"
    name = _RATING_NAMES.get(rating)
    return tr(name, lang) if name else rating


def _threshold_value(question: Question, value: Any) -> float | date | None:
    if question.answer_type == "number" and isinstance(value, int | float):
        return float(value)
    if question.answer_type == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def outcome(question: Question, value: Any) -> str:
    """pass | partial | fail | na | unanswered (see the module docstring)."""
    if value is None or value == [] or value == "":
        return "unanswered"
    if question.answer_type == "yes_no_partial_na" and value == "na":
        return "na"
    if question.answer_type in ("yes_no_partial_na", "single_choice", "multiple_choice"):
        chosen = value if isinstance(value, list) else [value]
        if question.fail_if is not None and isinstance(question.fail_if, list):
            if any(v in question.fail_if for v in chosen):
                return "fail"
        elif question.pass_if is not None and isinstance(question.pass_if, list):
            if not any(v in question.pass_if for v in chosen):
                return "partial" if "partial" in chosen else "fail"
        elif question.answer_type == "yes_no_partial_na" and value == "no":
            return "fail"
        if "partial" in chosen and question.answer_type == "yes_no_partial_na":
            return "partial"
        return "pass"
    if question.answer_type in ("number", "date"):
        number = _threshold_value(question, value)
        if number is None:
            return "pass"
        if isinstance(question.fail_if, Threshold) and question.fail_if.holds(number):
            return "fail"
        if isinstance(question.pass_if, Threshold) and not question.pass_if.holds(number):
            return "fail"
        return "pass"
    return "pass"


@dataclass(frozen=True)
class ScoreResult:
    rating: str
    score: float | None
    provisional: bool
    answered: int
    total: int
    required_unanswered: list[str]
    shortfalls: list[Shortfall] = field(default_factory=list)
    conditions: list[dict[str, str]] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)

    def rating_label(self, lang: str = "en") -> str:
        return rating_label(self.rating, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rating": self.rating, "score": self.score, "provisional": self.provisional,
            "answered": self.answered, "total": self.total,
            "required_unanswered": list(self.required_unanswered), "conditions": list(self.conditions),
        }


def score(template: Template, answers: dict[str, Any]) -> ScoreResult:
    """Score ``answers`` (question id -> stored value) against ``template``. Pure and deterministic."""
    weighted = 0.0
    total_weight = 0.0
    shortfalls: list[Shortfall] = []
    conditions: list[dict[str, str]] = []
    outcomes: dict[str, str] = {}
    missing: list[str] = []
    answered = 0
    blocker_failed = False
    major_failed = False
    for section, question in template.questions():
        result = outcome(question, answers.get(question.id))
        outcomes[question.id] = result
        if result == "unanswered":
            if question.required:
                missing.append(question.id)
            continue
        answered += 1
        if result == "na":
            continue
        weighted += question.weight * CREDIT[result]
        total_weight += question.weight
        if result in ("fail", "partial"):
            effective = question.severity
            if result == "partial" and effective == "blocker":
                effective = "major"
            elif result == "partial" and effective == "major":
                effective = "minor"
            shortfalls.append(Shortfall(question.id, section.id, question.severity, effective, result,
                                        answers.get(question.id)))
            if effective == "blocker":
                blocker_failed = True
            elif effective == "major":
                major_failed = True
                cond = question.condition
                conditions.append({
                    "question": question.id,
                    "en": cond.en if cond else tr("Remedy before approval: {question}", "en",
                                                  question=question.text.en),
                    "es": cond.es if cond else tr("Remedy before approval: {question}", "es",
                                                  question=question.text.es),
                })
    shortfalls.sort(key=lambda f: (SEVERITY_ORDER[f.effective], f.outcome != "fail"))
    rating = "not_neutral" if blocker_failed else "conditionally_neutral" if major_failed else "neutral"
    value = round(100.0 * weighted / total_weight, 1) if total_weight > 0 else None
    return ScoreResult(rating=rating, score=value, provisional=bool(missing), answered=answered,
                       total=len(outcomes), required_unanswered=missing, shortfalls=shortfalls,
                       conditions=conditions, outcomes=outcomes)
