"""Plain dataclasses describing everything a report shows (no database, no Qt).

``desktop.services.reports`` builds a :class:`ReportModel` from the database; ``render`` turns it
into a PDF. Codes (decision, rating, severity, answer source) stay codes here and are translated
when rendered, so the same model renders in English and Spanish.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    severity: str  # blocker | major | minor | info (or high/medium/low from ownership analysis)
    message: str
    code: str = ""


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
    data_locations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class OwnershipParty:
    name: str
    kind: str  # entity | person
    economic: tuple[float, float] | None  # effective stake range in %
    voting: tuple[float, float] | None
    controls: bool = False
    competitor: str = ""  # competitor group name when the party belongs to one


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
class Ownership:
    available: bool
    subject: str = ""  # node key of the vendor
    nodes: list[ChartNode] = field(default_factory=list)
    edges: list[ChartEdge] = field(default_factory=list)
    parties: list[OwnershipParty] = field(default_factory=list)
    competitor_groups: list[str] = field(default_factory=list)
    people_ties: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


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
    answer: str  # raw value as text (yes/no/partial/na or free text), '' when unanswered
    source: str  # rule | preparer | vendor | ''
    answered_by: str
    justification: str
    severity: str
    evidence: list[str]  # evidence references ("E3 contract.pdf")


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
    conditions: list[str]
    submitted_at: str
    decided_at: str
    signer: str = ""  # identity name about to sign
    fingerprint: str = ""  # SHA-256 of the signer's certificate (hex), printed on the sign-off page
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
    blockers: list[Finding]
    conditions: list[str]
    key_findings: list[Finding]
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
    record: dict[str, Any] = field(default_factory=dict)  # the machine-readable record (attached as JSON)

    def to_json_dict(self) -> dict[str, Any]:
        """Everything the report shows, plus the record, as JSON-compatible data."""
        data = asdict(self)
        data.pop("logo", None)
        return data
