"""What the assessment services return (``AssessmentSummary``, ``QuestionState``, ``AssessmentView``), the
status sets they test (``DECIDED``, ``OPEN``), the records whose change makes a decision stale
(``MATERIAL_RECORDS``) and the refusal of an incomplete submission (``IncompleteAssessment``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from db.models import DECIDED_STATUSES, AssessmentStatus
from desktop.core.checklist.readiness import Readiness
from desktop.core.checklist.scoring import ScoreResult
from desktop.core.errors import NotFound, UserError
from desktop.core.findings import Finding
from desktop.core.i18n import tr
from desktop.services.evidence import EvidenceInfo

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
