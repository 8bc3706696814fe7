"""What is left before an assessment can be submitted: the one measure of progress.

The wizard's progress bar, its section list, its "before submitting" panel, ``vetta assessment show``
and the submission itself all read :func:`readiness`, so they can never disagree.

A submission needs, in template order:

1. an answer to every **required** question;
2. an evidence file for every answer that **needs evidence** (:func:`evidence_needed`): the question
   declares ``evidence_required: true`` AND the answer claims the check is met or partly met (its
   outcome is *pass* or *partial*: "Yes", "Partially", a choice the check accepts, a number or date
   inside the threshold, any text). An answer that says the control is missing ("No", a failing
   choice or threshold) is a finding by itself and has nothing to prove; "Not applicable" needs no file
   either; an unanswered question asks for its answer first.
3. the assessment being a **draft** (in review or decided, nothing can be submitted).

Progress counts the requirements known now: one per required question plus one per answer that
needs evidence; done = those met. Answering "Yes" to a question that needs evidence therefore adds
one requirement (the file) — which is exactly what the user has to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.core.checklist.schema import Question, Template
from desktop.core.checklist.scoring import outcome
from desktop.core.i18n import current_language, ntr, tr

CLAIMS = frozenset({"pass", "partial"})  # outcomes that claim the check is (partly) met


def evidence_needed(question: Question, value: Any) -> bool:
    """Whether ``value`` as the answer to ``question`` needs an evidence file (see the module docstring)."""
    return question.evidence_required and outcome(question, value) in CLAIMS


@dataclass(frozen=True)
class Blocker:
    """One thing that stops submission: a question to answer, an answer to document, or the status."""

    reason: str  # answer | evidence | status
    question: str = ""  # question id (empty for the status)
    section: str = ""
    text_en: str = ""  # the question's text (the status blocker: the status)
    text_es: str = ""

    def label(self, lang: str | None = None) -> str:
        """What to do, in words, e.g. "Answer OWN-06: Does a competitor …" (default: current language)."""
        text = self.text_es if (lang or current_language()) == "es" else self.text_en
        if self.reason == "answer":
            return tr("Answer {id}: {question}", lang, id=self.question, question=text)
        if self.reason == "evidence":
            return tr("Attach evidence to {id}: {question}", lang, id=self.question, question=text)
        return tr("Only a draft can be submitted; this assessment is {status}.", lang,
                  status=tr(self.text_en.replace("_", " "), lang))

    def to_dict(self) -> dict[str, str]:
        """The form ``assessment show --json`` and ``IncompleteAssessment.missing`` carry."""
        return {"question": self.question, "reason": self.reason, "text_en": self.text_en, "text_es": self.text_es}


@dataclass(frozen=True)
class Readiness:
    required: int  # required questions
    answered: int  # of them, answered
    evidence: int  # answers that need evidence now
    documented: int  # of them, with a file
    blockers: tuple[Blocker, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return self.required + self.evidence

    @property
    def done(self) -> int:
        return self.answered + self.documented

    @property
    def ready(self) -> bool:
        return not self.blockers

    def left(self, reason: str) -> list[Blocker]:
        return [b for b in self.blockers if b.reason == reason]

    def progress_text(self, lang: str | None = None) -> str:
        """One line for the progress bar, e.g. "45 of 49 done · left: 2 answers, 2 evidence files"."""
        done = tr("{done} of {total} done", lang, done=self.done, total=self.total)
        answers, files = len(self.left("answer")), len(self.left("evidence"))
        if not answers and not files:
            if self.left("status"):
                return done
            return tr("{done} · ready to submit", lang, done=done)
        parts = []
        if answers:
            parts.append(ntr("{n} answer", "{n} answers", answers, lang))
        if files:
            parts.append(ntr("{n} evidence file", "{n} evidence files", files, lang))
        return tr("{done} · left: {items}", lang, done=done, items=", ".join(parts))

    def sentence(self, assessment_id: int, lang: str | None = None) -> str:
        """Why submission is refused, in one sentence (empty when ready)."""
        answers = [b.question for b in self.left("answer")]
        evidence = [b.question for b in self.left("evidence")]
        status = self.left("status")
        if status and not answers and not evidence:
            return status[0].label(lang)
        unanswered = ntr("{n} required question is unanswered ({ids})", "{n} required questions are unanswered ({ids})",
                         len(answers), lang, ids=", ".join(answers))
        undocumented = ntr("{n} answer needs evidence ({ids})", "{n} answers need evidence ({ids})", len(evidence),
                           lang, ids=", ".join(evidence))
        if answers and evidence:
            return tr("Assessment #{id} cannot be submitted yet: {unanswered} and {undocumented}.", lang,
                      id=assessment_id, unanswered=unanswered, undocumented=undocumented)
        if answers or evidence:
            return tr("Assessment #{id} cannot be submitted yet: {problem}.", lang, id=assessment_id,
                      problem=unanswered if answers else undocumented)
        return ""


def readiness(template: Template, values: Mapping[str, Any], evidence: Mapping[str, int],
              status: str = "draft") -> Readiness:
    """What is left before submission. ``values``: question id -> stored answer; ``evidence``:
    question id -> number of files attached; ``status``: the assessment's status."""
    blockers: list[Blocker] = []
    required = answered = needed = documented = 0
    for section, q in template.questions():
        value = values.get(q.id)
        if q.required:
            required += 1
            if outcome(q, value) == "unanswered":
                blockers.append(Blocker("answer", q.id, section.id, q.text.en, q.text.es))
                continue
            answered += 1
        if evidence_needed(q, value):
            needed += 1
            if evidence.get(q.id, 0) > 0:
                documented += 1
            else:
                blockers.append(Blocker("evidence", q.id, section.id, q.text.en, q.text.es))
    if status != "draft":
        blockers.append(Blocker("status", text_en=status, text_es=status))
    return Readiness(required, answered, needed, documented, tuple(blockers))
