"""Assessments: create, answer (autosave), attach evidence, submit, re-open, staleness.

Lifecycle: draft -> in_review (here) -> approved / approved_with_conditions / rejected (the
decision is taken by the sign-off service). A decided assessment is read-only; re-opening it
creates the next version of the series, pre-filled with the previous answers.

Every function is one user action and one unit of work; results are plain dataclasses.

The package, by concern: ``model`` (the returned dataclasses and status sets), ``reading`` (loading and the
read actions), ``answers`` (create, answer, attach evidence), ``lifecycle`` (submit, return to draft,
re-open) and ``review`` (review dates and staleness). Importers use this package; the names below are its
public API.
"""

from desktop.services.assessments.answers import (
    answer_question,
    attach_evidence,
    attach_evidence_bytes,
    create_assessment,
)
from desktop.services.assessments.lifecycle import reopen_assessment, return_to_draft, submit_assessment
from desktop.services.assessments.model import (
    DECIDED,
    MATERIAL_RECORDS,
    OPEN,
    AssessmentSummary,
    AssessmentView,
    IncompleteAssessment,
    QuestionState,
)
from desktop.services.assessments.reading import (
    findings_of_record,
    get_assessment,
    list_assessments,
    live_findings,
    missing_items,
    readiness_of,
    resolve_vendor,
)
from desktop.services.assessments.review import next_review_due, refresh_staleness, staleness

__all__ = [
    "DECIDED", "MATERIAL_RECORDS", "OPEN", "AssessmentSummary", "AssessmentView", "IncompleteAssessment",
    "QuestionState", "answer_question", "attach_evidence", "attach_evidence_bytes", "create_assessment",
    "findings_of_record", "get_assessment", "list_assessments", "live_findings", "missing_items",
    "next_review_due", "readiness_of", "refresh_staleness", "reopen_assessment", "resolve_vendor",
    "return_to_draft", "staleness", "submit_assessment",
]
