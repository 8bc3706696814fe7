"""Moving an assessment along its lifecycle: submit (draft -> in_review, storing rating and findings), return
to draft, and re-open a decided one as the next version of its series.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.engine import Engine

from db.engine import read_session, unit_of_work
from db.models import Answer, AnswerSource, Assessment, AssessmentStatus, ChecklistTemplate
from db.types import utcnow
from desktop.core.checklist import suggest
from desktop.core.checklist.facts import lookup
from desktop.core.checklist.rules import condition_facts
from desktop.core.errors import UserError
from desktop.core.i18n import tr
from desktop.services import checklists
from desktop.services.assessments.answers import _apply_suggestion
from desktop.services.assessments.model import DECIDED, AssessmentSummary, IncompleteAssessment
from desktop.services.assessments.reading import (
    _answers,
    _dumps,
    _evidence,
    _explanation_json,
    _load,
    _loads,
    _next_series,
    _open_for_vendor,
    _require_draft,
    _summary,
    _vendor_name,
    _view,
)
from desktop.services.evidence import link
from desktop.services.facts import AnalyzeFn, build_facts


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
