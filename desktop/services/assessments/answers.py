"""Drafting an assessment: start one with the rules' suggested answers (``create_assessment``), answer a
question (autosave, ``answer_question``) and attach evidence to an answer.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Answer, AnswerSource, Assessment
from db.repo import get_for_update
from db.types import utcnow
from desktop.core.checklist import parse_value, suggest
from desktop.core.checklist.rules import Suggestion
from desktop.core.errors import NotFound, UserError
from desktop.core.i18n import current_language, tr
from desktop.services import checklists
from desktop.services.assessments.model import AssessmentSummary, QuestionState
from desktop.services.assessments.reading import (
    _dumps,
    _evidence,
    _explanation_json,
    _explanations,
    _load,
    _loads,
    _next_series,
    _open_for_vendor,
    _require_draft,
    _state,
    _summary,
    _vendor_name,
    resolve_vendor,
)
from desktop.services.evidence import EvidenceInfo, link, read_file, store_bytes
from desktop.services.facts import AnalyzeFn, build_facts


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
