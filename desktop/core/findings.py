"""One finding model for the wizard panel, the report, ``assessment show --json`` and assessment.json.

A :class:`Finding` says in plain words, in English and Spanish, what is wrong: its ``statement`` is
never the question text and never a bare severity. Two kinds exist side by side:

- **checklist findings** (``source="checklist"``, ``code`` = the question id): one per question whose
  answer fails or is only partly met. The statement is the rule's explanation when a rule gave the
  answer (it quotes the ownership findings); otherwise the question's ``finding`` statement from the
  template; otherwise one composed from the answer given. The preparer's justification or the
  vendor's comment is the ``why``. Ownership findings the rule rests on are ``related``, and lend
  the finding its competitor, parties and paths.
- **ownership findings** (``source="ownership"``, ``code`` = the analysis code such as
  COMPETITOR_ECONOMIC_STAKE): the ownership analysis' own findings, linked to the first question
  whose rules read them.

Statements exist in both languages when the finding is made, so a report renders in either.
Everything here is plain data (no database, no Qt); :meth:`Finding.to_dict` / :meth:`Finding.from_dict`
are the stored form, and ``from_dict`` also reads the older stored shapes.

One concern: the finding model and how findings are made; kept together because checklist and ownership
findings link to each other (related findings, linked questions) through the same classes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from desktop.core.findings_text import LANGS, competitor_of, party_paths, readable_paths, tie_move
from desktop.core.i18n import N_, tr

SEVERITIES = ("blocker", "major", "minor", "info")
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
# Fact paths a rule may read instead of naming a finding code, and the findings they stand for.
FACT_CODES: dict[str, tuple[str, ...]] = {
    "ownership.competitor_max_economic": ("COMPETITOR_ECONOMIC_STAKE", "COMPETITOR_CONTROL"),
    "ownership.competitor_max_voting": ("COMPETITOR_VOTING_STAKE", "COMPETITOR_CONTROL"),
    "ownership.competitor_controls": ("COMPETITOR_CONTROL",),
    "ownership.competitor_board_seats": ("COMPETITOR_BOARD_SEAT",),
    "ownership.unknown_share": ("UNKNOWN_SHARE",),
    "ownership.recent_change": ("RECENT_OWNERSHIP_CHANGE",),
    "people.competitor_ties": ("PEOPLE_TIE_COMPETITOR",),
}


@dataclass(frozen=True)
class Text:
    """A text in English and Spanish."""

    en: str
    es: str

    def get(self, lang: str) -> str:
        return self.es if lang == "es" and self.es else self.en

    @classmethod
    def same(cls, text: str) -> Text:
        """Free text someone typed in one language: shown as typed in both."""
        return cls(text, text)

    @classmethod
    def translated(cls, english: str, **values: Any) -> Text:
        """``english`` through the catalogue, in both languages (``english`` must be marked where defined)."""
        return cls(*(tr(english, lang, **values) for lang in LANGS))

    @classmethod
    def parse(cls, value: Any) -> Text | None:
        if isinstance(value, Text):
            return value
        if isinstance(value, Mapping):
            en = str(value.get("en") or "")
            es = str(value.get("es") or "")
            return cls(en or es, es or en) if (en or es) else None
        if isinstance(value, str) and value:
            return cls.same(value)
        return None

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "es": self.es}


@dataclass(frozen=True)
class QuestionRef:
    id: str
    text: Text


@dataclass(frozen=True)
class Condition:
    """What must happen for an approval to hold: who sees to it and by when (ISO date)."""

    text: Text
    owner: str = ""
    due: str = ""
    question: str = ""

    @classmethod
    def parse(cls, value: Any) -> Condition | None:
        """From the stored form: a plain string (older sign-offs) or ``{text, owner, due, question}``."""
        if isinstance(value, Condition):
            return value
        if isinstance(value, str):
            return cls(Text.same(value)) if value.strip() else None
        if isinstance(value, Mapping):
            text = Text.parse(value.get("text")) or Text.parse({k: value.get(k) for k in LANGS})
            if text is None:
                return None
            return cls(text, str(value.get("owner") or ""), str(value.get("due") or ""),
                       str(value.get("question") or ""))
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text.to_dict(), "owner": self.owner or None, "due": self.due or None,
                "question": self.question or None}


@dataclass(frozen=True)
class Answered:
    """Who gave an answer and when: ``source`` is rule, preparer or vendor."""

    source: str
    by: str = ""
    at: str = ""  # ISO 8601


@dataclass(frozen=True)
class Finding:
    severity: str  # blocker | major | minor | info (for a checklist finding: what it weighs in the rating)
    code: str  # question id (checklist) or analysis code (ownership)
    statement: Text
    source: str = "checklist"  # checklist | ownership
    outcome: str = ""  # fail | partial (checklist findings)
    why: Text | None = None
    question: QuestionRef | None = None
    answer: Any = None
    answer_label: Text | None = None
    answered: Answered | None = None
    condition: Condition | None = None
    parties: tuple[str, ...] = ()
    competitor: str | None = None
    paths: tuple[Text, ...] = ()
    references: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # codes of the ownership findings a checklist finding rests on
    threshold: float | None = None
    as_of: str = ""

    def message(self, lang: str) -> str:
        return self.statement.get(lang)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The stored and JSON form; with ``lang``, also ``message`` (the statement in that language)."""
        data: dict[str, Any] = {
            "severity": self.severity, "code": self.code, "source": self.source, "outcome": self.outcome or None,
            "statement": self.statement.to_dict(), "why": self.why.to_dict() if self.why else None,
            "question": {"id": self.question.id, "text": self.question.text.to_dict()} if self.question else None,
            "answer": self.answer, "answer_label": self.answer_label.to_dict() if self.answer_label else None,
            "answered": ({"source": self.answered.source, "by": self.answered.by or None,
                          "at": self.answered.at or None} if self.answered else None),
            "condition": self.condition.to_dict() if self.condition else None,
            "parties": list(self.parties), "competitor": self.competitor,
            "paths": [p.to_dict() for p in self.paths], "references": list(self.references),
            "related": list(self.related), "threshold": self.threshold, "as_of": self.as_of or None,
        }
        if lang is not None:
            data["message"] = self.message(lang)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Read a stored finding, including the shapes stored before this model existed."""
        severity = str(data.get("severity") or "info")
        severity = {"high": "major", "medium": "minor", "low": "minor"}.get(severity, severity)
        if severity not in SEVERITY_ORDER:
            severity = "info"
        question = _question_ref(data)
        statement = (Text.parse(data.get("statement")) or Text.parse(data.get("message"))
                     or Text.parse(data.get("explanation")) or _composed(data, question))
        paths = tuple(t for t in (Text.parse(p) for p in data.get("paths") or []) if t is not None)
        answered = data.get("answered")
        threshold = data.get("threshold")
        return cls(
            severity=severity, code=str(data.get("code") or (question.id if question else "") or ""),
            statement=statement, source=str(data.get("source") or "checklist"),
            outcome=str(data.get("outcome") or ""), why=Text.parse(data.get("why")), question=question,
            answer=data.get("answer"), answer_label=Text.parse(data.get("answer_label")),
            answered=(Answered(str(answered.get("source") or ""), str(answered.get("by") or ""),
                               str(answered.get("at") or "")) if isinstance(answered, Mapping) else None),
            condition=Condition.parse(data.get("condition")),
            parties=tuple(str(p) for p in data.get("parties") or []),
            competitor=str(data["competitor"]) if isinstance(data.get("competitor"), str) else None,
            paths=paths, references=tuple(str(r) for r in data.get("references") or []),
            related=tuple(str(r) for r in data.get("related") or []),
            threshold=float(threshold) if isinstance(threshold, int | float) else None,
            as_of=str(data.get("as_of") or ""),
        )


def _question_ref(data: Mapping[str, Any]) -> QuestionRef | None:
    q = data.get("question")
    if isinstance(q, Mapping) and q.get("id"):
        return QuestionRef(str(q["id"]), Text.parse(q.get("text")) or Text.same(str(q["id"])))
    if isinstance(q, str) and q:  # the older stored shape: question id, text_en, text_es
        text = Text.parse({"en": data.get("text_en"), "es": data.get("text_es")}) or Text.same(q)
        return QuestionRef(q, text)
    return None


def _composed(data: Mapping[str, Any], question: QuestionRef | None) -> Text:
    """A statement when none was stored: the answer given and the question, never the question alone."""
    answer = data.get("answer")
    if question is None:
        code = str(data.get("code") or "?")
        return Text.translated(N_("Finding {code} (no description was recorded)."), code=code)
    shown = ", ".join(map(str, answer)) if isinstance(answer, list) else ("—" if answer is None else str(answer))
    return Text(*(tr("Answered “{answer}” to “{question}”, which does not meet this check.", lang,
                     answer=shown, question=question.text.get(lang)) for lang in LANGS))


def load_findings(raw: str | None) -> list[Finding]:
    """Findings from their stored JSON (any stored shape); damaged JSON reads as none."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    out: list[Finding] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping):
            out.append(Finding.from_dict(item))
        elif isinstance(item, str) and item:
            out.append(Finding.from_dict({"severity": "info", "message": item}))
    return sort_findings(out)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; failed before partly met; checklist before ownership; stable otherwise."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.outcome == "partial",
                                           f.source != "checklist"))


# --------------------------------------------------------------------------- ownership findings


def ownership_findings(analysis_en: Mapping[str, Any] | None,
                       analysis_es: Mapping[str, Any] | None = None) -> list[Finding]:
    """The analysis' findings, with statements from the English and Spanish runs of the analysis.

    ``analysis_es`` may be None (then the English text stands for both). The two runs list the same
    findings in the same order; a finding missing from the Spanish run keeps its English text.
    """
    if not analysis_en:
        return []
    spanish = list((analysis_es or {}).get("findings") or [])
    out: list[Finding] = []
    for index, raw in enumerate(analysis_en.get("findings") or []):
        if not isinstance(raw, Mapping):
            continue
        twin = spanish[index] if index < len(spanish) and isinstance(spanish[index], Mapping) else None
        if twin is not None and twin.get("code") != raw.get("code"):
            twin = None
        en_message = str(raw.get("message") or "")
        es_message = str(twin.get("message") or "") if twin else ""
        parties = tuple(str(p) for p in raw.get("parties") or [])
        competitor = raw.get("competitor") if isinstance(raw.get("competitor"), str) else None
        competitor = competitor or competitor_of(analysis_en, parties)
        paths = _finding_paths(raw, twin, analysis_en, analysis_es, parties)
        threshold = raw.get("threshold")
        base = Finding.from_dict({"severity": raw.get("severity"), "code": raw.get("code"),
                                  "statement": {"en": en_message, "es": es_message or en_message}})
        out.append(replace(base, source="ownership", parties=parties, competitor=competitor, paths=paths,
                           threshold=float(threshold) if isinstance(threshold, int | float) else None,
                           as_of=str(raw.get("as_of") or analysis_en.get("as_of") or "")))
    return out


def _finding_paths(raw: Mapping[str, Any], twin: Mapping[str, Any] | None, analysis_en: Mapping[str, Any],
                   analysis_es: Mapping[str, Any] | None, parties: Sequence[str]) -> tuple[Text, ...]:
    """The finding's own ``paths`` when the analysis gives them; else the chains or moves of its parties."""
    en = readable_paths(raw.get("paths"), "en")
    es = readable_paths((twin or {}).get("paths"), "es") or readable_paths(raw.get("paths"), "es")
    if not en:
        code = str(raw.get("code") or "")
        if code.startswith("PEOPLE_TIE") or code == "COMPETITOR_BOARD_SEAT":
            ties = [t for t in analysis_en.get("people_ties") or []
                    if isinstance(t, Mapping) and str(t.get("person")) in parties]
            en = [tie_move(t, "en") for t in ties[:3]]
            es = [tie_move(t, "es") for t in ties[:3]]
        elif code.startswith("COMPETITOR") or code == "BENEFICIAL_OWNER":
            en = party_paths(analysis_en, parties, "en")[:3]
            es = party_paths(analysis_es or analysis_en, parties, "es")[:3]
    return tuple(Text(e, es[i] if i < len(es) else e) for i, e in enumerate(en))


def rule_codes(question: Any) -> tuple[str, ...]:
    """The ownership finding codes a question's auto-rules read, named or through a fact."""
    codes: list[str] = []

    def walk(cond: Any) -> None:
        if isinstance(cond, Mapping):
            if isinstance(cond.get("finding_present"), str):
                codes.append(cond["finding_present"])
            if isinstance(cond.get("fact"), str):
                codes.extend(FACT_CODES.get(cond["fact"], ()))
            for key in ("all", "any"):
                for sub in cond.get(key) or []:
                    walk(sub)
            if "not" in cond:
                walk(cond["not"])

    for rule in getattr(question, "auto", ()):
        walk(rule.when)
    return tuple(dict.fromkeys(codes))


def link_questions(findings: Sequence[Finding], template: Any) -> list[Finding]:
    """Give each ownership finding the first question (template order) whose rules read its code."""
    first: dict[str, QuestionRef] = {}
    for _section, q in template.questions():
        for code in rule_codes(q):
            first.setdefault(code, QuestionRef(q.id, Text(q.text.en, q.text.es)))
    return [replace(f, question=first.get(f.code)) if f.source == "ownership" and f.question is None else f
            for f in findings]


# --------------------------------------------------------------------------- checklist findings


class AnswerLike(Protocol):
    """What a checklist finding needs to know about an answer (``QuestionState`` has it all)."""

    @property
    def value(self) -> Any: ...
    @property
    def source(self) -> str | None: ...
    @property
    def explanation_en(self) -> str: ...
    @property
    def explanation_es(self) -> str: ...
    @property
    def justification(self) -> str: ...
    @property
    def answered_by(self) -> str: ...
    @property
    def answered_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Shortfall:
    """A question whose answer fails or is partly met (from scoring)."""

    question: str
    section: str
    severity: str  # the question's severity
    effective: str  # what it weighs in the rating: a partly met blocker counts as major, major as minor
    outcome: str  # fail | partial
    answer: Any = None


VENDOR_COMMENT_PREFIX = "Vendor comment: "


def _why(answer: AnswerLike) -> Text | None:
    text = (answer.justification or "").strip()
    if not text:
        return None
    if answer.source == "vendor" and text.startswith(VENDOR_COMMENT_PREFIX):
        return Text.translated(N_("Vendor comment: {comment}"), comment=text[len(VENDOR_COMMENT_PREFIX):])
    return Text.same(text)


def _label(question: Any, value: Any) -> Text:
    def one(lang: str) -> str:
        if isinstance(value, list):
            return ", ".join(question.option_label(str(v), lang) for v in value)
        if value is None:
            return "—"
        if isinstance(value, float) and value.is_integer():
            value_text = str(int(value))
        else:
            value_text = str(value)
        return str(question.option_label(value_text, lang))

    return Text(one("en"), one("es"))


def statement_for(question: Any, answer: AnswerLike, label: Text) -> Text:
    """The rule's explanation for a rule answer, else the template's statement, else a composed one."""
    if answer.source == "rule" and (answer.explanation_en or answer.explanation_es):
        return Text(answer.explanation_en or answer.explanation_es, answer.explanation_es or answer.explanation_en)
    template = getattr(question, "finding", None)
    if template is not None:
        return Text(*(_fill(template.get(lang), label.get(lang)) for lang in LANGS))
    return Text(*(tr("Answered “{answer}” to “{question}”, which does not meet this check.", lang,
                     answer=label.get(lang), question=question.text.get(lang)) for lang in LANGS))


def _fill(text: str, answer: str) -> str:
    return text.replace("{answer}", answer)


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


def checklist_findings(template: Any, shortfalls: Sequence[Shortfall], answers: Mapping[str, AnswerLike],
                       conditions: Sequence[Mapping[str, str]] = (),
                       ownership: Sequence[Finding] = ()) -> list[Finding]:
    """One finding per shortfall; ``ownership`` findings the answering rule read become ``related``."""
    by_code: dict[str, list[Finding]] = {}
    for f in sort_findings(ownership):
        by_code.setdefault(f.code, []).append(f)
    suggested = {c.get("question"): c for c in conditions}
    out: list[Finding] = []
    for short in shortfalls:
        q = template.question(short.question)
        answer = answers.get(short.question)
        if q is None or answer is None:
            continue
        label = _label(q, answer.value)
        related: list[Finding] = []
        if answer.source == "rule":
            for code in rule_codes(q):
                related += by_code.get(code, [])
        cond = suggested.get(q.id)
        paths: list[Text] = []
        parties: list[str] = []
        for r in related:
            paths += [p for p in r.paths if p not in paths]
            parties += [p for p in r.parties if p not in parties]
        out.append(Finding(
            severity=short.effective, code=q.id, statement=statement_for(q, answer, label), source="checklist",
            outcome=short.outcome, why=_why(answer), question=QuestionRef(q.id, Text(q.text.en, q.text.es)),
            answer=answer.value, answer_label=label,
            answered=Answered(answer.source or "", answer.answered_by or "", _iso(answer.answered_at)),
            condition=Condition(Text(cond["en"], cond["es"]), question=q.id) if cond else None,
            parties=tuple(parties), competitor=next((r.competitor for r in related if r.competitor), None),
            paths=tuple(paths[:3]), references=tuple(q.references),
            related=tuple(dict.fromkeys(r.code for r in related)),
        ))
    return out


def assessment_findings(template: Any, shortfalls: Sequence[Shortfall], answers: Mapping[str, AnswerLike],
                        conditions: Sequence[Mapping[str, str]] = (),
                        ownership: Sequence[Finding] = ()) -> list[Finding]:
    """Checklist and ownership findings together, most severe first (what every view shows)."""
    linked = link_questions(ownership, template)
    return sort_findings([*checklist_findings(template, shortfalls, answers, conditions, linked), *linked])


def headline(finding: Finding, everything: Sequence[Finding], lang: str) -> str:
    """One line for page 1: the most severe ownership finding it rests on (it names the competitor
    and the path), else its own statement."""
    related = [f for f in everything if f.source == "ownership" and f.code in finding.related]
    if related:
        return sort_findings(related)[0].message(lang)
    return finding.message(lang)
