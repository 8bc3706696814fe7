"""Reading assessments: the helpers that load rows and build the plain views of ``model`` (live rating,
findings and readiness from the saved answers), and the read actions (``get_assessment``, ``live_findings``,
``findings_of_record``, ``list_assessments``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    ChecklistTemplate,
    EvidenceFile,
    EvidenceLink,
    Party,
    Vendor,
)
from desktop.core.checklist import Question, Template, score
from desktop.core.checklist.readiness import Readiness, evidence_needed, readiness
from desktop.core.checklist.rules import Suggestion
from desktop.core.checklist.scoring import outcome
from desktop.core.errors import NotFound, UserError
from desktop.core.findings import Finding, assessment_findings, load_findings
from desktop.core.i18n import tr
from desktop.services import checklists
from desktop.services.assessments.model import DECIDED, OPEN, AssessmentSummary, AssessmentView, QuestionState
from desktop.services.evidence import EvidenceInfo
from desktop.services.facts import AnalyzeFn
from desktop.services.reviews import assessment_next_review


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
