"""Plain dataclasses describing everything a report shows (no database, no Qt).

``desktop.services.reports`` builds a :class:`ReportModel` from the database, in one language; the
renderer (``render.py`` and its section builders) turns it into a PDF. Codes (decision, rating,
severity, tier) stay codes and are put into words when rendered. Findings are the one finding model
of ``desktop.core.findings`` (statements in both languages).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.core.findings import Condition, Finding


@dataclass
class VendorProfile:
    name: str
    country: str = ""
    jurisdiction: str = ""
    identifiers: list[str] = field(default_factory=list)
    services: str = ""
    tier: str = ""
    status: str = ""
    internal_owner: str = ""
    website: str = ""
    data_locations: list[str] = field(default_factory=list)  # already in words ("PH (processing)")
    tags: list[str] = field(default_factory=list)


@dataclass
class OwnershipParty:
    name: str
    kind: str  # entity | person
    economic: tuple[float, float] | None  # effective stake range in %
    voting: tuple[float, float] | None
    controls: bool = False
    competitor: str = ""  # competitor group name when the party belongs to one
    competitor_linked: bool = False  # a person linked to a competitor (a role there), per the analysis
    links: str = ""  # how: "Chief AI Officer at Contoso Platforms Inc. since 13 Jun 2025"


@dataclass
class ChartNode:
    key: str
    label: str
    kind: str = "entity"
    competitor: bool = False


@dataclass
class ChartEdge:
    owner: str  # node key
    owned: str  # node key
    label: str = ""  # e.g. "49% / 0%"


@dataclass
class PeopleTie:
    """A person who moved between the vendor's side and a competitor, with both sides' dates."""

    person: str
    competitor: str
    vendor_role: str
    vendor_entity: str
    vendor_start: str  # ISO dates, '' when not recorded
    vendor_end: str
    competitor_role: str
    competitor_entity: str
    competitor_start: str
    competitor_end: str
    message: str  # the analysis' own sentence


@dataclass
class SubprocessorLink:
    """A subprocessor (at any depth) the analysis found linked to a competitor."""

    name: str
    competitor: str
    path: str
    message: str


@dataclass
class Ownership:
    available: bool
    subject: str = ""  # node key of the vendor
    nodes: list[ChartNode] = field(default_factory=list)
    edges: list[ChartEdge] = field(default_factory=list)
    parties: list[OwnershipParty] = field(default_factory=list)
    competitor_groups: list[str] = field(default_factory=list)
    people_ties: list[PeopleTie] = field(default_factory=list)
    subprocessors: list[SubprocessorLink] = field(default_factory=list)


@dataclass
class ContractInfo:
    kind: str
    title: str
    reference: str
    period: str
    clauses: list[str]  # clause codes present
    missing: list[str]  # clause codes absent
    extra: list[str] = field(default_factory=list)  # already-formatted facts (breach notice, renewal)


@dataclass
class CertificationInfo:
    standard: str
    issuer: str
    scope: str
    valid_from: str
    valid_until: str
    days_left: int | None  # None: open-ended; negative: expired


@dataclass
class CommitmentInfo:
    kind: str
    details: str
    valid_until: str
    days_left: int | None


@dataclass
class SubprocessorInfo:
    name: str
    service: str
    country: str
    accesses_customer_data: bool


@dataclass
class AnswerInfo:
    key: str
    text: str
    answer: str  # the answer in words (option labels translated), '' when unanswered
    source: str  # rule | preparer | vendor | ''
    given_by: str  # honest attribution in words: "Ownership rule, 4 Dec 2026", "Vendor questionnaire, ..."
    justification: str  # the rule's explanation for a rule answer; the justification or vendor comment
    severity: str
    outcome: str  # pass | partial | fail | na | unanswered ('' when unknown)
    evidence: list[str]  # evidence references ("E3 contract.pdf")
    references: list[str] = field(default_factory=list)  # framework references of the question


@dataclass
class SectionInfo:
    key: str
    title: str
    answers: list[AnswerInfo]


@dataclass
class EvidenceInfo:
    ref: str  # "E<id>"
    filename: str
    size: int
    sha256: str
    description: str = ""


@dataclass
class ChangeInfo:
    question: str
    before: str
    after: str


@dataclass
class SignOffInfo:
    preparer: str
    approver: str
    decision: str  # '' while pending
    conditions: list[Condition]
    submitted_at: str
    decided_at: str
    signer: str = ""  # identity name about to sign
    rationale: str = ""  # the approver's reasons, signed into the report
    fingerprint: str = ""  # SHA-256 of the signer's certificate (hex), on page 1 and the sign-off page
    language: str = ""  # the language of record of a signed report
    time_source: str = ""  # "timestamp" (RFC 3161 server) or "clock" (the signer's computer); '' for drafts
    timestamp_server: str = ""


@dataclass
class ReportModel:
    lang: str
    organisation: str
    logo: bytes | None
    vendor: VendorProfile
    assessment_id: int
    assessment_version: int
    template_key: str
    template_title: str
    template_version: int
    status: str
    decision: str  # '' while pending
    rating: str
    score: float | None
    as_of: str
    submitted_at: str
    decided_at: str
    next_review_due: str
    generated_at: str
    findings: list[Finding]  # of record (live in a draft), most severe first
    ownership: Ownership
    contracts: list[ContractInfo]
    certifications: list[CertificationInfo]
    commitments: list[CommitmentInfo]
    subprocessors: list[SubprocessorInfo]
    sections: list[SectionInfo]
    evidence: list[EvidenceInfo]
    previous_assessment: str  # '' when first
    changes: list[ChangeInfo]
    thresholds: dict[str, float]
    review_months: dict[str, int]
    signoff: SignOffInfo
    expiry_warning_days: int = 90  # certificates closer to their end than this say "expires in N days"
    record: dict[str, Any] = field(default_factory=dict)  # the machine-readable record (attached as JSON)

    @property
    def conditions(self) -> list[Condition]:
        return self.signoff.conditions

    def checklist_findings(self, *severities: str) -> list[Finding]:
        return [f for f in self.findings if f.source == "checklist" and (not severities or f.severity in severities)]

    def ownership_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.source == "ownership"]

    def to_json_dict(self) -> dict[str, Any]:
        """Everything the report shows, plus the record, as JSON-compatible data."""
        data = asdict(self)
        data.pop("logo", None)
        data["findings"] = [f.to_dict(self.lang) for f in self.findings]
        data["signoff"]["conditions"] = [c.to_dict() for c in self.signoff.conditions]
        return data
