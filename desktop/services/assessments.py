"""Assessments: create, answer (autosave), attach evidence, submit, re-open, staleness.

Lifecycle: draft -> in_review (here) -> approved / approved_with_conditions / rejected (the
decision is taken by the sign-off service). A decided assessment is read-only; re-opening it
creates the next version of the series, pre-filled with the previous answers.

Every function is one user action and one unit of work; results are plain dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import (
    DECIDED_STATUSES,
    Answer,
    AnswerSource,
    Assessment,
    AssessmentStatus,
    Certification,
    ChecklistTemplate,
    EvidenceFile,
    EvidenceLink,
    Party,
    Vendor,
)
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.checklist import Question, Template, parse_value, score, suggest
from desktop.core.checklist.facts import lookup
from desktop.core.checklist.readiness import Readiness, evidence_needed, readiness
from desktop.core.checklist.rules import Suggestion, condition_facts
from desktop.core.checklist.scoring import ScoreResult, outcome
from desktop.core.errors import NotFound, UserError
from desktop.core.findings import Finding, assessment_findings, load_findings
from desktop.core.i18n import current_language, tr
from desktop.services import checklists
from desktop.services.evidence import EvidenceInfo, link, read_file, store_bytes
from desktop.services.facts import AnalyzeFn, build_facts
from desktop.services.reviews import assessment_next_review

DECIDED = frozenset(s.value for s in DECIDED_STATUSES)
OPEN = frozenset({AssessmentStatus.DRAFT.value, AssessmentStatus.IN_REVIEW.value})
MATERIAL_RECORDS = ("interest", "contract", "certification", "commitment", "subprocessor", "party",
                    "data_location")


class IncompleteAssessment(UserError):
    """Submission refused; ``missing`` lists what is needed, one dict per question."""

    def __init__(self, message: str, missing: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    vendor_id: int
    vendor_name: str
    template_id: int
    template_key: str
    template_version: int
    series_version: int
    previous_id: int | None
    status: str
    preparer: str
    approver: str | None
    rating: str | None
    score: float | None
    as_of: date | None
    submitted_at: datetime | None
    decided_at: datetime | None
    stale_since: datetime | None
    version: int
    next_review_due: date | None = None  # the review this decision scheduled (desktop.services.reviews)


@dataclass(frozen=True)
class QuestionState:
    key: str
    section: str
    position: int
    text_en: str
    text_es: str
    guidance_en: str
    guidance_es: str
    answer_type: str
    allowed_values: list[str] | None
    options: list[dict[str, str]]
    required: bool
    evidence_required: bool
    vendor_facing: bool
    severity: str
    weight: float
    references: list[str]
    value: Any
    source: str | None
    suggested: Any
    explanation_en: str
    explanation_es: str
    justification: str
    answered_by: str
    answered_at: datetime | None
    answer_id: int
    answer_version: int
    evidence: list[EvidenceInfo]
    changed_since_previous: bool
    outcome: str
    evidence_needed: bool = False  # this answer needs a file now (core.checklist.readiness.evidence_needed)

    def text(self, lang: str = "en") -> str:
        return self.text_es if lang == "es" else self.text_en

    def guidance(self, lang: str = "en") -> str:
        return self.guidance_es if lang == "es" else self.guidance_en

    def explanation(self, lang: str = "en") -> str:
        return self.explanation_es if lang == "es" else self.explanation_en

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = [{"id": e.id, "filename": e.filename, "sha256": e.sha256, "size": e.size}
                            for e in self.evidence]
        return data


@dataclass(frozen=True)
class AssessmentView:
    summary: AssessmentSummary
    title_en: str
    title_es: str
    sections: list[dict[str, str]]
    questions: list[QuestionState]
    result: ScoreResult
    missing: list[dict[str, str]] = field(default_factory=list)  # readiness' answer and evidence blockers
    findings: list[Finding] = field(default_factory=list)  # live, most severe first
    readiness: Readiness = field(default_factory=lambda: Readiness(0, 0, 0, 0))  # what is left before submission

    def section_questions(self, section: str) -> list[QuestionState]:
        return [q for q in self.questions if q.section == section]

    def question(self, key: str) -> QuestionState:
        for q in self.questions:
            if q.key == key:
                return q
        raise NotFound(tr("Assessment #{id} has no question {key}.", id=self.summary.id, key=repr(key)))


# --------------------------------------------------------------------------- helpers


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _explanations(raw: str) -> tuple[str, str]:
    """Stored explanations are JSON ``{"en", "es"}``; plain text is shown in both languages."""
    if not raw:
        return "", ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw, raw
    if isinstance(data, dict):
        return str(data.get("en", "")), str(data.get("es", data.get("en", "")))
    return raw, raw


def _explanation_json(s: Suggestion) -> str:
    return json.dumps({"en": s.explanation_en, "es": s.explanation_es}, ensure_ascii=False)


def resolve_vendor(session: Session, ref: int | str) -> Vendor:
    """A vendor by number, name, alias or identifier (desktop.services.resolve: one resolver for every command)."""
    from desktop.services.resolve import resolve_vendor as shared

    return shared(session, ref)


def _vendor_name(session: Session, vendor_id: int) -> str:
    vendor = session.get(Vendor, vendor_id)
    party = session.get(Party, vendor.party_id) if vendor else None
    return party.name if party else f"vendor #{vendor_id}"


def _load(session: Session, assessment_id: int) -> Assessment:
    a = session.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(tr("There is no assessment #{assessment_id}.", assessment_id=assessment_id))
    return a


def _require_draft(a: Assessment) -> None:
    if a.status in DECIDED:
        raise UserError(
            tr("Assessment #{id} was decided ({status}) and can no longer be changed; re-open it to start a "
               "new version.", id=a.id, status=tr(a.status.replace('_', ' '))))
    if a.status != AssessmentStatus.DRAFT.value:
        raise UserError(tr("Assessment #{id} is in review and can no longer be changed; return it to draft "
                           "first.", id=a.id))


def _summary(session: Session, a: Assessment) -> AssessmentSummary:
    assert a.id is not None
    t = session.get(ChecklistTemplate, a.template_id)
    assert t is not None
    return AssessmentSummary(
        id=a.id, vendor_id=a.vendor_id, vendor_name=_vendor_name(session, a.vendor_id), template_id=a.template_id,
        template_key=t.key, template_version=t.version, series_version=a.series_version, previous_id=a.previous_id,
        status=a.status, preparer=a.preparer, approver=a.approver, rating=a.rating, score=a.score, as_of=a.as_of,
        submitted_at=a.submitted_at, decided_at=a.decided_at, stale_since=a.stale_since, version=a.version,
        next_review_due=assessment_next_review(a.status, a.next_review_due))


def _answers(session: Session, assessment_id: int) -> dict[str, Answer]:
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
    return {r.question_key: r for r in rows}


def _evidence(session: Session, answer_ids: list[int]) -> dict[int, list[EvidenceInfo]]:
    out: dict[int, list[EvidenceInfo]] = {i: [] for i in answer_ids}
    if not answer_ids:
        return out
    rows = session.exec(
        select(EvidenceLink.record_id, EvidenceFile)
        .join(EvidenceFile, col(EvidenceFile.id) == col(EvidenceLink.evidence_id))
        .where(EvidenceLink.record_type == "answer", col(EvidenceLink.record_id).in_(answer_ids),
               col(EvidenceFile.archived_at).is_(None))
        .order_by(col(EvidenceFile.created_at), col(EvidenceFile.id))).all()
    for record_id, f in rows:
        assert f.id is not None
        out[record_id].append(EvidenceInfo(f.id, f.filename, f.mime_type, f.size, f.sha256, f.description,
                                           f.uploaded_by, f.created_at, f.version))
    return out


def _state(section: str, position: int, q: Question, ans: Answer, evidence: list[EvidenceInfo]) -> QuestionState:
    assert ans.id is not None
    value = _loads(ans.value_json)
    en, es = _explanations(ans.suggestion_explanation)
    return QuestionState(
        key=q.id, section=section, position=position, text_en=q.text.en, text_es=q.text.es,
        guidance_en=q.guidance.en, guidance_es=q.guidance.es, answer_type=q.answer_type,
        allowed_values=q.allowed_values(),
        options=[{"value": v, "label_en": q.option_label(v, "en"), "label_es": q.option_label(v, "es")}
                 for v in (q.allowed_values() or [])],
        required=q.required, evidence_required=q.evidence_required, vendor_facing=q.vendor_facing,
        severity=q.severity, weight=q.weight, references=list(q.references), value=value, source=ans.source,
        suggested=_loads(ans.suggested_json), explanation_en=en, explanation_es=es, justification=ans.justification,
        answered_by=ans.answered_by, answered_at=ans.answered_at, answer_id=ans.id, answer_version=ans.version,
        evidence=evidence, changed_since_previous=ans.changed_since_previous, outcome=outcome(q, value),
        evidence_needed=evidence_needed(q, value))


def readiness_of(template: Template, states: list[QuestionState], status: str) -> Readiness:
    """What is left before submission (desktop.core.checklist.readiness: the one measure the wizard's
    progress, its panel, ``assessment show`` and ``submit_assessment`` all use)."""
    return readiness(template, {s.key: s.value for s in states}, {s.key: len(s.evidence) for s in states}, status)


def missing_items(template: Template, states: list[QuestionState]) -> list[dict[str, str]]:
    """The answers and evidence that stop submission, in template order (``Blocker.to_dict``)."""
    return [b.to_dict() for b in readiness_of(template, states, "draft").blockers]


def _view(session: Session, a: Assessment, ownership: Sequence[Finding] = ()) -> AssessmentView:
    """The assessment with its live rating and findings; ``ownership`` findings are linked in when given."""
    assert a.id is not None
    template = checklists.template_model(session, a.template_id)
    answers = _answers(session, a.id)
    ev = _evidence(session, [r.id for r in answers.values() if r.id is not None])
    states: list[QuestionState] = []
    position = 0
    for section, q in template.questions():
        position += 1
        ans = answers.get(q.id)
        if ans is None:  # a question without its row (should not happen); show it unanswered
            continue
        assert ans.id is not None
        states.append(_state(section.id, position, q, ans, ev.get(ans.id, [])))
    values = {s.key: s.value for s in states}
    result = score(template, values)
    findings = assessment_findings(template, result.shortfalls, {s.key: s for s in states}, result.conditions,
                                   ownership)
    ready = readiness_of(template, states, a.status)
    return AssessmentView(
        summary=_summary(session, a), title_en=template.title.en, title_es=template.title.es,
        sections=[{"id": s.id, "title_en": s.title.en, "title_es": s.title.es} for s in template.sections],
        questions=states, result=result, missing=[b.to_dict() for b in ready.blockers if b.reason != "status"],
        findings=findings, readiness=ready)


def _open_for_vendor(session: Session, vendor_id: int) -> Assessment | None:
    return session.exec(select(Assessment).where(Assessment.vendor_id == vendor_id,
                                                 col(Assessment.status).in_(sorted(OPEN)))).first()


def _next_series(session: Session, vendor_id: int) -> int:
    current = session.exec(select(func.max(col(Assessment.series_version)))
                           .where(col(Assessment.vendor_id) == vendor_id)).one()
    return int(current or 0) + 1


# --------------------------------------------------------------------------- actions


def create_assessment(engine: Engine, vendor: int | str, template: str | int | None = None, *,
                      preparer: str | None = None, actor: str | None = None, as_of: date | None = None,
                      analyze_fn: AnalyzeFn | None = None) -> AssessmentSummary:
    """Start a new draft for ``vendor`` (id or name), answers pre-filled by the template's rules."""
    with read_session(engine) as session:
        vendor_id = resolve_vendor(session, vendor).id
    assert vendor_id is not None
    as_of = as_of or date.today()
    facts = build_facts(engine, vendor_id, as_of, analyze_fn)
    with unit_of_work(engine, actor) as session:
        row = checklists.resolve_template(session, template)
        assert row.id is not None
        model = checklists.template_model(session, row.id)
        existing = _open_for_vendor(session, vendor_id)
        if existing is not None:
            raise UserError(
                tr("{vendor_name} already has assessment #{id} ({status}); continue that one instead of "
                   "starting another.",
                   vendor_name=_vendor_name(session, vendor_id), id=existing.id, status=tr(existing.status.replace('_', ' '))))
        a = Assessment(vendor_id=vendor_id, template_id=row.id, series_version=_next_series(session, vendor_id),
                       preparer=preparer or session.info["actor"], as_of=as_of,
                       facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str))
        session.add(a)
        session.flush()
        assert a.id is not None
        for _section, q in model.questions():
            ans = Answer(assessment_id=a.id, question_key=q.id)
            s = suggest(q, facts)
            if s is not None:
                _apply_suggestion(ans, s, session.info["actor"])
            session.add(ans)
        session.flush()
        return _summary(session, a)


def _apply_suggestion(ans: Answer, s: Suggestion, actor: str) -> None:
    ans.suggested_json = _dumps(s.value)
    ans.suggestion_explanation = _explanation_json(s)
    ans.value_json = _dumps(s.value)
    ans.source = AnswerSource.RULE.value
    ans.justification = ""
    ans.answered_by = actor
    ans.answered_at = utcnow()


def get_assessment(engine: Engine, assessment_id: int, *, ownership: Sequence[Finding] = ()) -> AssessmentView:
    """Everything about an assessment, with the live rating and findings computed from the saved answers.

    ``ownership``: the ownership analysis' findings (``services.findings.ownership_findings_for``), to
    list them too and to name the competitor and path of the answers the rules gave from them.
    """
    with read_session(engine) as session:
        return _view(session, _load(session, assessment_id), ownership)


def live_findings(engine: Engine, assessment_id: int, analyze_fn: AnalyzeFn | None = None) -> list[Finding]:
    """The findings as the assessment stands now, with the ownership analysis run for it."""
    from desktop.services.findings import ownership_findings_for

    ownership = ownership_findings_for(engine, assessment_id, analyze_fn)
    return get_assessment(engine, assessment_id, ownership=ownership).findings


def findings_of_record(engine: Engine, assessment_id: int, analyze_fn: AnalyzeFn | None = None) -> list[Finding]:
    """The findings stored at submission; live ones while the assessment is a draft."""
    with read_session(engine) as session:
        a = _load(session, assessment_id)
        status, raw = a.status, a.findings_json
    if status == AssessmentStatus.DRAFT.value:
        return live_findings(engine, assessment_id, analyze_fn)
    return load_findings(raw)


def list_assessments(engine: Engine, vendor_id: int | None = None) -> list[AssessmentSummary]:
    with read_session(engine) as session:
        query = select(Assessment).order_by(col(Assessment.vendor_id), col(Assessment.series_version))
        if vendor_id is not None:
            query = query.where(Assessment.vendor_id == vendor_id)
        return [_summary(session, a) for a in session.exec(query).all()]


def answer_question(engine: Engine, assessment_id: int, question_key: str, value: Any, *,
                    justification: str = "", source: str = AnswerSource.PREPARER.value,
                    expected_version: int | None = None, actor: str | None = None) -> QuestionState:
    """Save one answer at once (autosave). ``value`` may be user text or a typed value; None clears.

    Overriding a rule's suggestion needs a justification. ``expected_version`` is the answer
    version the caller loaded; a stale one is refused (someone else saved in between).
    """
    if source not in {s.value for s in AnswerSource}:
        raise UserError(tr("{source} is not an answer source.", source=repr(source)))
    with unit_of_work(engine, actor) as session:
        a = _load(session, assessment_id)
        _require_draft(a)
        model = checklists.template_model(session, a.template_id)
        q = model.question(question_key)
        if q is None:
            raise NotFound(tr("Assessment #{assessment_id} has no question {question_key}; see `vetta "
                              "assessment show` for the question ids.",
                              assessment_id=assessment_id, question_key=repr(question_key)))
        parsed = parse_value(q, value)
        row = session.exec(select(Answer).where(Answer.assessment_id == assessment_id,
                                                Answer.question_key == question_key)).first()
        if row is None or row.id is None:
            raise NotFound(tr("Assessment #{assessment_id} has no answer row for {question_key}.",
                              assessment_id=assessment_id, question_key=repr(question_key)))
        ans = get_for_update(session, Answer, row.id, expected_version)
        suggested = _loads(ans.suggested_json)
        reason = justification.strip()
        if suggested is not None and parsed != suggested and parsed is not None:
            if not reason and not (source == ans.source and _loads(ans.value_json) == parsed and ans.justification):
                en, es = _explanations(ans.suggestion_explanation)
                raise UserError(
                    tr("Question {id}: the rule suggests {suggested} ({explanation}); give a justification to "
                       "answer {answer} instead.", id=q.id, suggested=_fmt(suggested),
                       explanation=es if current_language() == "es" else en, answer=_fmt(parsed)))
            reason = reason or ans.justification
        new_source: str | None
        if parsed is not None and suggested is not None and parsed == suggested and not reason:
            new_source = AnswerSource.RULE.value if source == AnswerSource.PREPARER.value else source
        else:
            new_source = source if parsed is not None else None
        ans.value_json = _dumps(parsed)
        ans.source = new_source
        ans.justification = reason if parsed is not None else ""
        ans.answered_by = session.info["actor"] if parsed is not None else ""
        ans.answered_at = utcnow() if parsed is not None else None
        session.add(ans)
        session.flush()
        section = next(s.id for s, qq in model.questions() if qq.id == q.id)
        position = [qq.id for _s, qq in model.questions()].index(q.id) + 1
        assert ans.id is not None
        return _state(section, position, q, ans, _evidence(session, [ans.id])[ans.id])


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return {"na": "not applicable"}.get(str(value), str(value))


def attach_evidence(engine: Engine, assessment_id: int, question_key: str, path: Path, *,
                    actor: str | None = None, description: str = "") -> EvidenceInfo:
    """Store the file at ``path`` as evidence of one answer (all or nothing)."""
    data = read_file(path)
    return attach_evidence_bytes(engine, assessment_id, question_key, data, path.name, actor=actor,
                                 description=description)


def attach_evidence_bytes(engine: Engine, assessment_id: int, question_key: str, data: bytes, filename: str, *,
                          actor: str | None = None, description: str = "") -> EvidenceInfo:
    with unit_of_work(engine, actor) as session:
        a = _load(session, assessment_id)
        _require_draft(a)
        ans = session.exec(select(Answer).where(Answer.assessment_id == assessment_id,
                                                Answer.question_key == question_key)).first()
        if ans is None or ans.id is None:
            raise NotFound(tr("Assessment #{assessment_id} has no question {question_key}.",
                              assessment_id=assessment_id, question_key=repr(question_key)))
        f = store_bytes(session, data, filename, actor=session.info["actor"], description=description)
        assert f.id is not None
        link(session, f.id, "answer", ans.id)
        return EvidenceInfo(f.id, f.filename, f.mime_type, f.size, f.sha256, f.description, f.uploaded_by,
                            f.created_at, f.version)


def submit_assessment(engine: Engine, assessment_id: int, *, actor: str | None = None,
                      analyze_fn: AnalyzeFn | None = None) -> AssessmentSummary:
    """draft -> in_review, when required answers and evidence are present; stores rating and findings."""
    from desktop.services.findings import ownership_findings_for

    with read_session(engine) as session:
        a = _load(session, assessment_id)
        _require_draft(a)
        vendor_id, as_of = a.vendor_id, a.as_of
    facts = build_facts(engine, vendor_id, as_of, analyze_fn)
    ownership = ownership_findings_for(engine, assessment_id, analyze_fn)
    with unit_of_work(engine, actor) as session:
        a = _load(session, assessment_id)
        _require_draft(a)
        view = _view(session, a, ownership)
        if not view.readiness.ready:  # the same measure the wizard shows
            raise IncompleteAssessment(view.readiness.sentence(assessment_id), view.missing)
        a.rating = view.result.rating
        a.score = view.result.score
        # the findings of record, with their statements in both languages (see desktop.core.findings)
        a.findings_json = json.dumps([f.to_dict() for f in view.findings], ensure_ascii=False, sort_keys=True,
                                     default=str)
        a.facts_json = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)
        a.status = AssessmentStatus.IN_REVIEW.value
        a.submitted_at = utcnow()
        session.add(a)
        session.flush()
        return _summary(session, a)


def return_to_draft(engine: Engine, assessment_id: int, reason: str, *, actor: str | None = None) -> AssessmentSummary:
    """in_review -> draft (e.g. the approver sends it back); the reason goes to the audit trail."""
    if not reason.strip():
        raise UserError(tr("Give the reason for returning the assessment to draft."))
    with unit_of_work(engine, actor) as session:
        a = _load(session, assessment_id)
        if a.status != AssessmentStatus.IN_REVIEW.value:
            raise UserError(tr("Assessment #{assessment_id} is {status}, not in review.",
                               assessment_id=assessment_id, status=tr(a.status.replace('_', ' '))))
        a.status = AssessmentStatus.DRAFT.value
        a.submitted_at = None
        session.add(a)
        session.flush()
        return _summary(session, a)


def reopen_assessment(engine: Engine, assessment_id: int, *, preparer: str | None = None,
                      actor: str | None = None, as_of: date | None = None,
                      analyze_fn: AnalyzeFn | None = None) -> AssessmentSummary:
    """Start the next version of a decided assessment, pre-filled with its answers.

    Answers the rules gave are re-derived from today's facts; answers people gave are kept.
    ``changed_since_previous`` marks every question whose facts or suggestion changed.
    """
    with read_session(engine) as session:
        prev = _load(session, assessment_id)
        if prev.status not in DECIDED:
            raise UserError(tr("Assessment #{assessment_id} is {status}; only a decided assessment can be "
                               "re-opened.",
                               assessment_id=assessment_id, status=tr(prev.status.replace('_', ' '))))
        vendor_id = prev.vendor_id
    as_of = as_of or date.today()
    facts = build_facts(engine, vendor_id, as_of, analyze_fn)
    with unit_of_work(engine, actor) as session:
        prev = _load(session, assessment_id)
        existing = _open_for_vendor(session, vendor_id)
        if existing is not None:
            raise UserError(tr("{vendor_name} already has assessment #{id} ({status}); continue that one.",
                               vendor_name=_vendor_name(session, vendor_id), id=existing.id, status=tr(existing.status.replace('_', ' '))))
        prev_row = session.get(ChecklistTemplate, prev.template_id)
        assert prev_row is not None
        row = checklists.latest_row(session, prev_row.key) or prev_row
        assert row.id is not None
        model = checklists.template_model(session, row.id)
        prev_facts = json.loads(prev.facts_json or "{}")
        prev_answers = _answers(session, assessment_id)
        prev_evidence = _evidence(session, [r.id for r in prev_answers.values() if r.id is not None])
        a = Assessment(vendor_id=vendor_id, template_id=row.id, series_version=_next_series(session, vendor_id),
                       previous_id=prev.id, preparer=preparer or session.info["actor"], as_of=as_of,
                       facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str))
        session.add(a)
        session.flush()
        assert a.id is not None
        links: list[tuple[int, Answer]] = []
        for _section, q in model.questions():
            ans = Answer(assessment_id=a.id, question_key=q.id)
            s = suggest(q, facts)
            old = prev_answers.get(q.id)
            paths: set[str] = set()
            for rule in q.auto:
                paths |= condition_facts(rule.when)
                if rule.answer_fact:
                    paths.add(rule.answer_fact)
            facts_changed = any(lookup(prev_facts, p) != lookup(facts, p) for p in paths)
            new_suggested = s.value if s else None
            if old is None:
                if s is not None:
                    _apply_suggestion(ans, s, session.info["actor"])
                ans.changed_since_previous = True
            else:
                if s is not None:
                    ans.suggested_json = _dumps(s.value)
                    ans.suggestion_explanation = _explanation_json(s)
                if old.source == AnswerSource.RULE.value or old.value_json is None:
                    if s is not None:
                        _apply_suggestion(ans, s, session.info["actor"])
                else:
                    ans.value_json = old.value_json
                    ans.source = old.source
                    ans.justification = old.justification
                    ans.answered_by = old.answered_by
                    ans.answered_at = old.answered_at
                ans.changed_since_previous = facts_changed or new_suggested != _loads(old.suggested_json)
                if old.id is not None:
                    links += [(e.id, ans) for e in prev_evidence.get(old.id, [])]
            session.add(ans)
        session.flush()
        for evidence_id, ans in links:
            assert ans.id is not None
            link(session, evidence_id, "answer", ans.id)
        return _summary(session, a)


# --------------------------------------------------------------------------- review dates and staleness


def next_review_due(engine_or_session: Engine | Session, vendor_id: int, decided_on: date) -> date:
    """The review an approval on ``decided_on`` would schedule (desktop.services.reviews.schedule)."""
    from desktop.services.reviews import next_review_due as scheduled

    due = scheduled(engine_or_session, vendor_id, decided_on)
    assert due is not None  # an approval always schedules one
    return due


def staleness(engine: Engine, assessment_id: int, today: date | None = None,
              lang: str | None = None) -> list[dict[str, Any]]:
    """Material changes to the vendor since the assessment was decided (empty if not decided): everything
    RECORDED after the decision, whatever date it takes effect (desktop.services.staleness), certificates
    that expired since, and ownership events that took effect since. Each entry has ``recorded`` and
    ``effective`` dates; its ``message`` says both."""
    from desktop.services.staleness import recorded_changes

    today = today or date.today()
    with read_session(engine) as session:
        a = _load(session, assessment_id)
        if a.status not in DECIDED or a.decided_at is None:
            return []
        decided_at = a.decided_at
        vendor = session.get(Vendor, a.vendor_id)
        assert vendor is not None
        party_id = vendor.party_id
        changes = recorded_changes(session, a.vendor_id, party_id, decided_at, lang)
        expired = session.exec(select(Certification).where(
            Certification.vendor_id == a.vendor_id, col(Certification.archived_at).is_(None),
            col(Certification.valid_until) >= decided_at.date(), col(Certification.valid_until) < today)).all()
        for c in expired:
            changes.append({"kind": "certificate_expired", "when": str(c.valid_until), "record_type": "certification",
                            "record_id": c.id, "action": "expired", "actor": "",
                            "fields": ["valid_until"], "message": f"{c.standard} expired on {c.valid_until}",
                            "recorded": None, "effective": str(c.valid_until)})
    from desktop.services.ownership import change_feed

    seen = {c["record_id"] for c in changes if c.get("record_type") == "interest"}
    for item in change_feed(engine, party_id, decided_at.date(), today):
        if item.get("interest_id") in seen:
            continue  # already listed as recorded after the decision
        entry = dict(item)
        entry["kind"] = f"ownership_chain_{item.get('kind', 'ownership')}"
        entry.setdefault("recorded", None)
        entry.setdefault("effective", item.get("date"))
        changes.append(entry)
    return changes


def refresh_staleness(engine: Engine, vendor_id: int, *, actor: str | None = None,
                      today: date | None = None) -> list[int]:
    """Mark the vendor's latest decided assessment stale when material changes happened; its id(s)."""
    with read_session(engine) as session:
        latest = session.exec(select(Assessment).where(
            Assessment.vendor_id == vendor_id, col(Assessment.status).in_(sorted(DECIDED)))
            .order_by(col(Assessment.series_version).desc())).first()
        if latest is None or latest.id is None or latest.stale_since is not None:
            return []
        latest_id = latest.id
    changes = staleness(engine, latest_id, today)
    if not changes:
        return []
    with unit_of_work(engine, actor or "vetta") as session:
        a = _load(session, latest_id)
        a.stale_since = utcnow()
        session.add(a)
    return [latest_id]
