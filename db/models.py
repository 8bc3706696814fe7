"""The whole Vetta data model (SQLModel).

Conventions
- Every table has an integer surrogate key ``id``.
- Records users edit carry ``version`` (optimistic locking through SQLAlchemy's
  ``version_id_col``: a stale save raises ``StaleDataError``), ``created_at`` / ``updated_at``
  in UTC, and ``archived_at`` where users expect to recover what they removed.
- Enumerations are stored as short strings guarded by CHECK constraints, so plain SQL cannot put
  a value the application does not know.
- Shares are percentages 0..100 (exact, or a min/max range); dates that bound a period are
  checked to be in order.
- Secrets never appear here: a signing identity keeps only its certificate and a reference to
  the OS keyring entry that holds the private key.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow

# Deterministic constraint names, so Alembic migrations can refer to them on both engines.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# --------------------------------------------------------------------------- enumerations


class PartyKind(StrEnum):
    ENTITY = "entity"
    PERSON = "person"


class IdentifierScheme(StrEnum):
    LEI = "LEI"
    VAT = "VAT"
    REGISTRY = "REGISTRY"  # company registry number; ``issuer`` names the registry
    DUNS = "DUNS"
    OTHER = "OTHER"


class CriticalityTier(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class VendorStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    OFFBOARDED = "offboarded"


class InterestType(StrEnum):
    SHAREHOLDING = "shareholding"
    VOTING_RIGHTS = "voting_rights"
    BOARD_MEMBER = "board_member"
    BOARD_CHAIR = "board_chair"
    APPOINTMENT_OF_BOARD = "appointment_of_board"
    SENIOR_MANAGING_OFFICIAL = "senior_managing_official"
    OTHER_INFLUENCE_OR_CONTROL = "other_influence_or_control"
    RIGHTS_BY_CONTRACT = "rights_by_contract"
    SETTLOR_TRUSTEE_BENEFICIARY = "trust_role"
    NOMINEE = "nominee"
    UNKNOWN = "unknown"


class DirectOrIndirect(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    UNKNOWN = "unknown"


class ContractKind(StrEnum):
    MSA = "MSA"
    DPA = "DPA"
    SOW = "SOW"
    NDA = "NDA"
    OTHER = "OTHER"


class CommitmentKind(StrEnum):
    LOGICAL_SEGREGATION = "logical_segregation"
    STAFF_SEGREGATION = "staff_segregation"
    INFORMATION_BARRIER = "information_barrier"
    ENCRYPTION_AT_REST = "encryption_at_rest"
    ENCRYPTION_IN_TRANSIT = "encryption_in_transit"
    DATA_RESIDENCY = "data_residency"
    NO_TRAINING_ON_CUSTOMER_DATA = "no_training_on_customer_data"
    ACCESS_LOGGING = "access_logging"
    NON_PREFERENCE = "non_preference"
    OTHER = "other"


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"


DECIDED_STATUSES = (
    AssessmentStatus.APPROVED,
    AssessmentStatus.APPROVED_WITH_CONDITIONS,
    AssessmentStatus.REJECTED,
)


class Rating(StrEnum):
    NEUTRAL = "neutral"
    CONDITIONALLY_NEUTRAL = "conditionally_neutral"
    NOT_NEUTRAL = "not_neutral"


class AnswerSource(StrEnum):
    RULE = "rule"
    PREPARER = "preparer"
    VENDOR = "vendor"


class IdentitySource(StrEnum):
    GENERATED = "generated"
    PKCS12 = "pkcs12"


class MatchStatus(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


def _in(column: str, enum: type[StrEnum], nullable: bool = False) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    expr = f"{column} IN ({values})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=f"{column}_valid")


def _share_checks(prefix: str = "share") -> list[CheckConstraint]:
    return [
        CheckConstraint(
            f"{prefix}_exact IS NULL OR ({prefix}_exact >= 0 AND {prefix}_exact <= 100)",
            name=f"{prefix}_exact_range",
        ),
        CheckConstraint(
            f"{prefix}_min IS NULL OR ({prefix}_min >= 0 AND {prefix}_min <= 100)", name=f"{prefix}_min_range"
        ),
        CheckConstraint(
            f"{prefix}_max IS NULL OR ({prefix}_max >= 0 AND {prefix}_max <= 100)", name=f"{prefix}_max_range"
        ),
        CheckConstraint(
            f"{prefix}_min IS NULL OR {prefix}_max IS NULL OR {prefix}_min <= {prefix}_max",
            name=f"{prefix}_min_le_max",
        ),
    ]


def _date_order(start: str, end: str) -> CheckConstraint:
    return CheckConstraint(f"{start} IS NULL OR {end} IS NULL OR {start} <= {end}", name=f"{start}_le_{end}")


# --------------------------------------------------------------------------- mixins


class Timestamped(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


class Versioned(Timestamped):
    """Optimistic locking: SQLAlchemy bumps ``version`` on every UPDATE and refuses a stale one."""

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy directive
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Archivable(SQLModel):
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- organisation

# Months between reviews by vendor tier, unless the organisation sets its own (one set of defaults:
# the column defaults below, desktop.services.settings and desktop.services.reviews read it).
DEFAULT_REVIEW_MONTHS: dict[str, int] = {"critical": 6, "high": 12, "medium": 24, "low": 36}


class Organisation(Versioned, table=True):
    """Our own organisation: one row. Thresholds and review intervals live here."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("beneficial_ownership_threshold >= 10 AND beneficial_ownership_threshold <= 100",
                        name="bo_threshold_range"),
        CheckConstraint("significant_influence_threshold > 0 AND significant_influence_threshold <= 100",
                        name="influence_threshold_range"),
        CheckConstraint("control_threshold >= 50 AND control_threshold <= 100", name="control_threshold_range"),
        CheckConstraint("people_lookback_months >= 0", name="lookback_nonneg"),
        CheckConstraint(
            "review_months_critical > 0 AND review_months_high > 0 AND review_months_medium > 0 "
            "AND review_months_low > 0",
            name="review_months_positive",
        ),
        CheckConstraint("language IN ('', 'en', 'es')", name="language_valid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=300)
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_mime: str | None = Field(default=None, max_length=100)
    language: str = Field(default="", max_length=5)  # '' follows the system
    beneficial_ownership_threshold: float = Field(default=25.0)
    significant_influence_threshold: float = Field(default=20.0)
    control_threshold: float = Field(default=50.0)
    people_lookback_months: int = Field(default=24)
    review_months_critical: int = Field(default=DEFAULT_REVIEW_MONTHS["critical"])
    review_months_high: int = Field(default=DEFAULT_REVIEW_MONTHS["high"])
    review_months_medium: int = Field(default=DEFAULT_REVIEW_MONTHS["medium"])
    review_months_low: int = Field(default=DEFAULT_REVIEW_MONTHS["low"])
    timestamp_url: str | None = Field(default=None, max_length=500)
    evidence_max_bytes: int = Field(default=50 * 1024 * 1024)
    backup_keep: int = Field(default=10)


# --------------------------------------------------------------------------- parties


class Party(Versioned, Archivable, table=True):
    """An entity (company, fund, trust, state body) or a natural person."""

    __tablename__ = "party"
    __table_args__ = (
        _in("kind", PartyKind),
        Index("ix_party_name_lower", "name_normalised"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default=PartyKind.ENTITY.value, max_length=10)
    name: str = Field(max_length=300, min_length=1)
    name_normalised: str = Field(default="", max_length=300)  # for matching and case-free search
    entity_type: str | None = Field(default=None, max_length=50)  # BODS entityType, e.g. registeredEntity
    jurisdiction: str | None = Field(default=None, max_length=10)  # ISO 3166-1/2 code
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    nationality: str | None = Field(default=None, max_length=2)  # persons
    birth_date: date | None = None
    website: str | None = Field(default=None, max_length=500)
    is_listed: bool = Field(default=False)  # publicly listed: ownership disclosure may be exempt
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    bods_statement_id: str | None = Field(default=None, max_length=200, index=True)
    bods_record_id: str | None = Field(default=None, max_length=200, index=True)


class PartyIdentifier(Timestamped, table=True):
    __tablename__ = "party_identifier"
    __table_args__ = (
        _in("scheme", IdentifierScheme),
        UniqueConstraint("party_id", "scheme", "value", name="uq_party_identifier"),
        Index("ix_party_identifier_value", "scheme", "value"),
        # One LEI names one legal entity: the same LEI on two parties is refused (migration 0005).
        Index("uq_party_identifier_lei", "value", unique=True, sqlite_where=text("scheme = 'LEI'"),
              postgresql_where=text("scheme = 'LEI'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False))
    scheme: str = Field(max_length=10)
    value: str = Field(max_length=100, min_length=1)
    issuer: str | None = Field(default=None, max_length=200)  # registry name or BODS scheme code


class PartyAlias(Timestamped, table=True):
    __tablename__ = "party_alias"
    __table_args__ = (UniqueConstraint("party_id", "name", name="uq_party_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False))
    name: str = Field(max_length=300, min_length=1)
    kind: str = Field(default="alias", max_length=20)  # alias | former | transliteration | trading


# --------------------------------------------------------------------------- vendors


class Vendor(Versioned, Archivable, table=True):
    """A party we buy from, with procurement data."""

    __tablename__ = "vendor"
    __table_args__ = (
        _in("tier", CriticalityTier),
        _in("status", VendorStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False, unique=True)
    )
    services: str = Field(default="", max_length=1000)
    tier: str = Field(default=CriticalityTier.MEDIUM.value, max_length=10)
    status: str = Field(default=VendorStatus.PROSPECT.value, max_length=12)
    internal_owner: str = Field(default="", max_length=200)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    next_review_due: date | None = Field(default=None, index=True)


class VendorTag(SQLModel, table=True):
    __tablename__ = "vendor_tag"

    vendor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True)
    )
    tag: str = Field(primary_key=True, max_length=60, min_length=1)


# --------------------------------------------------------------------------- competitors


class Competitor(Versioned, Archivable, table=True):
    """A competitor on our watchlist. ``party_id`` links it to the party it is, when known."""

    __tablename__ = "competitor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, min_length=1, unique=True)
    lei: str | None = Field(default=None, max_length=20)
    party_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True)
    )
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class CompetitorAffiliate(Timestamped, table=True):
    """An affiliate listed with a competitor (subsidiary, investment arm, sister company)."""

    __tablename__ = "competitor_affiliate"
    __table_args__ = (UniqueConstraint("competitor_id", "name", name="uq_competitor_affiliate"),)

    id: int | None = Field(default=None, primary_key=True)
    competitor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitor.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = Field(max_length=300, min_length=1)
    lei: str | None = Field(default=None, max_length=20)
    party_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="SET NULL"), nullable=True)
    )


class CompetitorMatch(Timestamped, table=True):
    """A user's decision on a possible (fuzzy) match between a watchlist name and a party."""

    __tablename__ = "competitor_match"
    __table_args__ = (
        _in("status", MatchStatus),
        UniqueConstraint("competitor_id", "party_id", "watch_name", name="uq_competitor_match"),
    )

    id: int | None = Field(default=None, primary_key=True)
    competitor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("competitor.id", ondelete="CASCADE"), nullable=False)
    )
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False))
    watch_name: str = Field(max_length=300)  # the competitor or affiliate name that matched
    status: str = Field(max_length=10)
    decided_by: str = Field(default="", max_length=200)


# --------------------------------------------------------------------------- evidence


class EvidenceBlob(SQLModel, table=True):
    """File bytes, kept apart from their metadata so lists never load content."""

    __tablename__ = "evidence_blob"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, min_length=64, unique=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class EvidenceFile(Versioned, Archivable, table=True):
    __tablename__ = "evidence_file"
    __table_args__ = (CheckConstraint("size >= 0", name="size_nonneg"),)

    id: int | None = Field(default=None, primary_key=True)
    blob_id: int = Field(
        sa_column=Column(Integer, ForeignKey("evidence_blob.id", ondelete="RESTRICT"), nullable=False)
    )
    filename: str = Field(max_length=255, min_length=1)
    mime_type: str = Field(default="application/octet-stream", max_length=150)
    size: int
    sha256: str = Field(max_length=64, min_length=64, index=True)
    description: str = Field(default="", max_length=1000)
    uploaded_by: str = Field(default="", max_length=200)


class EvidenceLink(Timestamped, table=True):
    """Links a file to any record (vendor, interest, contract, answer, ...)."""

    __tablename__ = "evidence_link"
    __table_args__ = (
        UniqueConstraint("evidence_id", "record_type", "record_id", name="uq_evidence_link"),
        Index("ix_evidence_link_record", "record_type", "record_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(
        sa_column=Column(Integer, ForeignKey("evidence_file.id", ondelete="CASCADE"), nullable=False)
    )
    record_type: str = Field(max_length=40)
    record_id: int


# --------------------------------------------------------------------------- ownership and influence


class Interest(Versioned, Archivable, table=True):
    """An interest that ``interested_party`` holds in ``subject`` (BODS relationship)."""

    __tablename__ = "interest"
    __table_args__ = (
        _in("interest_type", InterestType),
        _in("direct_or_indirect", DirectOrIndirect),
        *_share_checks("share"),
        _date_order("start_date", "end_date"),
        CheckConstraint("interested_party_id <> subject_id", name="no_self_interest"),
        Index("ix_interest_subject", "subject_id"),
        Index("ix_interest_interested", "interested_party_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False))
    interested_party_id: int = Field(
        sa_column=Column(Integer, ForeignKey("party.id", ondelete="CASCADE"), nullable=False)
    )
    interest_type: str = Field(max_length=40)
    direct_or_indirect: str = Field(default=DirectOrIndirect.DIRECT.value, max_length=10)
    share_exact: float | None = None
    share_min: float | None = None
    share_max: float | None = None
    share_min_exclusive: bool = Field(default=False)
    share_max_exclusive: bool = Field(default=False)
    beneficial_ownership_or_control: bool = Field(default=False)
    role_title: str = Field(default="", max_length=200)  # e.g. "Chief Executive Officer"
    start_date: date | None = None
    end_date: date | None = None
    details: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(default="", max_length=500)  # e.g. "Company registry filing 2025-06-13"
    evidence_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("evidence_file.id", ondelete="SET NULL"), nullable=True),
    )
    bods_statement_id: str | None = Field(default=None, max_length=200, index=True)
    bods_record_id: str | None = Field(default=None, max_length=200)


# --------------------------------------------------------------------------- contracts and guarantees


class Contract(Versioned, Archivable, table=True):
    __tablename__ = "contract"
    __table_args__ = (
        _in("kind", ContractKind),
        _date_order("start_date", "end_date"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_nonneg"),
        CheckConstraint("notice_days IS NULL OR notice_days >= 0", name="notice_nonneg"),
        CheckConstraint("renewal_months IS NULL OR renewal_months > 0", name="renewal_positive"),
        CheckConstraint("breach_notice_hours IS NULL OR breach_notice_hours >= 0", name="breach_hours_nonneg"),
        CheckConstraint("currency IS NULL OR length(currency) = 3", name="currency_iso"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=5)
    title: str = Field(default="", max_length=300)
    reference: str = Field(default="", max_length=100)
    signed_date: date | None = None
    start_date: date | None = None
    end_date: date | None = Field(default=None, index=True)
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2), nullable=True))
    currency: str | None = Field(default=None, max_length=3)
    auto_renew: bool = Field(default=False)
    renewal_months: int | None = None
    notice_days: int | None = None
    change_of_control_termination: bool = Field(default=False)
    ownership_change_notice: bool = Field(default=False)
    audit_rights: bool = Field(default=False)
    exclusivity: bool = Field(default=False)
    data_use_restriction: bool = Field(default=False)
    deletion_on_termination: bool = Field(default=False)
    breach_notice_hours: int | None = None
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Certification(Versioned, Archivable, table=True):
    """A security or AI-management certification or attestation report (SOC 2, ISO/IEC 27001...)."""

    __tablename__ = "certification"
    __table_args__ = (_date_order("valid_from", "valid_until"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False))
    standard: str = Field(max_length=100, min_length=1)  # e.g. "SOC 2 Type II", "ISO/IEC 27001:2022"
    issuer: str = Field(default="", max_length=200)
    scope: str = Field(default="", max_length=1000)
    reference: str = Field(default="", max_length=100)
    valid_from: date | None = None
    valid_until: date | None = Field(default=None, index=True)


class Commitment(Versioned, Archivable, table=True):
    """A data-security guarantee the vendor gives (segregation, encryption, no training...)."""

    __tablename__ = "commitment"
    __table_args__ = (_in("kind", CommitmentKind), _date_order("valid_from", "valid_until"))

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=40)
    details: str = Field(default="", max_length=2000)
    contract_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), nullable=True)
    )
    valid_from: date | None = None
    valid_until: date | None = None


class DataLocation(Timestamped, table=True):
    __tablename__ = "data_location"
    __table_args__ = (UniqueConstraint("vendor_id", "country", "purpose", name="uq_data_location"),)

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False))
    country: str = Field(max_length=2, min_length=2)
    purpose: str = Field(default="storage", max_length=20)  # storage | processing | support


class Subprocessor(Versioned, Archivable, table=True):
    __tablename__ = "subprocessor"
    __table_args__ = (
        _date_order("start_date", "end_date"),
        UniqueConstraint("vendor_id", "party_id", name="uq_subprocessor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False))
    party_id: int = Field(sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=False))
    # Who engages this subprocessor: None for the vendor itself; another subprocessor's party for a
    # fourth party (a subprocessor of a subprocessor), followed to any depth by the analysis.
    of_party_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("party.id", ondelete="RESTRICT"), nullable=True, index=True)
    )
    service: str = Field(default="", max_length=500)
    accesses_customer_data: bool = Field(default=True)
    start_date: date | None = None
    end_date: date | None = None


# --------------------------------------------------------------------------- checklists


class ChecklistTemplate(Timestamped, Archivable, table=True):
    """One version of a checklist template. Editing a template makes a new row (new version)."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, min_length=1)  # the template id in the YAML
    version: int = Field(default=1)
    title_en: str = Field(max_length=300)
    title_es: str = Field(max_length=300)
    source_yaml: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    created_by: str = Field(default="", max_length=200)


class ChecklistQuestion(SQLModel, table=True):
    """A question of one template version; the full definition is kept as JSON."""

    __tablename__ = "checklist_question"
    __table_args__ = (
        UniqueConstraint("template_id", "key", name="uq_question_key"),
        CheckConstraint("weight >= 0", name="weight_nonneg"),
        CheckConstraint("severity IN ('blocker', 'major', 'minor', 'info')", name="severity_valid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(
        sa_column=Column(Integer, ForeignKey("checklist_template.id", ondelete="CASCADE"), nullable=False)
    )
    key: str = Field(max_length=100)
    section_key: str = Field(max_length=100)
    position: int
    answer_type: str = Field(max_length=20)
    weight: float = Field(default=1.0)
    severity: str = Field(max_length=10)
    required: bool = Field(default=True)
    evidence_required: bool = Field(default=False)
    vendor_facing: bool = Field(default=False)
    definition_json: str = Field(sa_column=Column(Text, nullable=False))


# --------------------------------------------------------------------------- assessments


class Assessment(Versioned, table=True):
    """One assessment of a vendor. Re-opening a decided one creates the next ``series_version``."""

    __tablename__ = "assessment"
    __table_args__ = (
        _in("status", AssessmentStatus),
        _in("rating", Rating, nullable=True),
        UniqueConstraint("vendor_id", "series_version", name="uq_assessment_series"),
        Index("ix_assessment_vendor_status", "vendor_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="RESTRICT"), nullable=False))
    template_id: int = Field(
        sa_column=Column(Integer, ForeignKey("checklist_template.id", ondelete="RESTRICT"), nullable=False)
    )
    series_version: int = Field(default=1)
    previous_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("assessment.id", ondelete="RESTRICT"), nullable=True)
    )
    status: str = Field(default=AssessmentStatus.DRAFT.value, max_length=30)
    preparer: str = Field(default="", max_length=200)
    approver: str | None = Field(default=None, max_length=200)
    rating: str | None = Field(default=None, max_length=30)
    score: float | None = None
    as_of: date | None = None
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_review_due: date | None = None
    stale_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # set when a material change lands
    findings_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    facts_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Answer(Versioned, table=True):
    __tablename__ = "answer"
    __table_args__ = (
        _in("source", AnswerSource, nullable=True),
        UniqueConstraint("assessment_id", "question_key", name="uq_answer_question"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False)
    )
    question_key: str = Field(max_length=100)
    value_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # None: unanswered
    source: str | None = Field(default=None, max_length=10)
    suggested_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    suggestion_explanation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    justification: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_by: str = Field(default="", max_length=200)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    changed_since_previous: bool = Field(default=False)


class SigningIdentity(Timestamped, Archivable, table=True):
    """A signing certificate. The private key lives only in the OS keyring (service/username below)."""

    __tablename__ = "signing_identity"
    __table_args__ = (_in("source", IdentitySource),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, min_length=1, unique=True)
    email: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=300)
    certificate_der: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    fingerprint_sha256: str = Field(max_length=64, unique=True)
    subject: str = Field(default="", max_length=500)
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)
    not_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    source: str = Field(max_length=10)
    keyring_service: str = Field(max_length=200)
    keyring_username: str = Field(max_length=200)
    # Who may sign with it: the profile name (SQLite) or database login (PostgreSQL) that created it.
    owner: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    # The issuing CA chain of an imported certificate (PEM, signer's issuer first), sent with signatures.
    chain_pem: str = Field(default="", sa_column=Column(Text, nullable=False, default="", server_default=""))


class SignOff(Timestamped, table=True):
    """The decision on an assessment and the signed report it produced."""

    __tablename__ = "signoff"
    __table_args__ = (
        CheckConstraint(
            "decision IN ('approved', 'approved_with_conditions', 'rejected')", name="decision_valid"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("assessment.id", ondelete="RESTRICT"), nullable=False, unique=True)
    )
    decision: str = Field(max_length=30)
    conditions_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    preparer: str = Field(default="", max_length=200)
    approver: str = Field(max_length=200)
    identity_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("signing_identity.id", ondelete="RESTRICT"), nullable=True),
    )
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    report_lang: str = Field(default="en", max_length=5)  # the language of record of the signed report
    # why the approver decided so (required to approve a vendor rated not / conditionally neutral); signed
    # into the report. Conditions are JSON [{text, owner, due, question}] (plain strings before 0004).
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default="", server_default=""))
    report_sha256: str | None = Field(default=None, max_length=64)
    report_pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class TrustRoot(Timestamped, Archivable, table=True):
    """A certificate the organisation trusts to vouch for signers (a company CA, a partner's signer)."""

    __tablename__ = "trust_root"

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(default="", max_length=500)
    fingerprint_sha256: str = Field(max_length=64, unique=True)
    certificate_der: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    not_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    added_by: str = Field(default="", max_length=200)


class AssessmentParticipant(SQLModel, table=True):
    """Who took part in preparing an assessment (prepared, answered, submitted): none of them may approve it.

    On PostgreSQL in team mode, database triggers fill it with the login (``session_user``) of every
    writer, whatever the client; no application role may write it (see db/roles.py). The ORM never
    writes it, so the audit hook never sees it.
    """

    __tablename__ = "assessment_participant"
    __table_args__ = (UniqueConstraint("assessment_id", "login", "part", name="uq_assessment_participant"),)
    AUDITED: ClassVar[bool] = False

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    login: str = Field(max_length=200)
    part: str = Field(max_length=20)  # prepared | answered | submitted
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- derived: competitor exposure


class VendorExposure(SQLModel, table=True):
    """The competitor exposure of a vendor, as the ownership analysis finds it (derived data).

    One row per vendor, written by ``desktop.services.exposure`` in the same transaction as any change
    that may alter it (interests, parties, identifiers, aliases, the watchlist, match decisions), so
    the register can filter and sort on it in SQL. Not audited: it is recomputed from audited rows.
    ``severity``: 0 none, 1 competitor-linked people only, 2 a competitor stake or board seat,
    3 a competitor controls the vendor. Percentages are 0..100 (the analysis' min/max range).
    """

    __tablename__ = "vendor_exposure"
    __table_args__ = (
        CheckConstraint("severity IN (0, 1, 2, 3)", name="severity_valid"),
        Index("ix_vendor_exposure_rank", "severity", "stake"),
        Index("ix_vendor_exposure_as_of", "as_of"),  # the daily check for dated changes reads min(as_of)
    )
    AUDITED: ClassVar[bool] = False

    vendor_id: int = Field(
        sa_column=Column(Integer, ForeignKey("vendor.id", ondelete="CASCADE"), primary_key=True)
    )
    severity: int = Field(default=0)
    stake: float = Field(default=0.0)  # the highest of economic_max and voting_max, for sorting
    competitor: str | None = Field(default=None, max_length=300)  # the group with the highest exposure
    economic_min: float = Field(default=0.0)
    economic_max: float = Field(default=0.0)
    voting_min: float = Field(default=0.0)
    voting_max: float = Field(default=0.0)
    controlled: bool = Field(default=False)
    controlled_via: str | None = Field(default=None, max_length=300)  # who brings control (person or entity)
    board_seats: int = Field(default=0)
    linked_people: int = Field(default=0)
    linked_names: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # one per line
    as_of: date | None = None  # the date the analysis was run for
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --------------------------------------------------------------------------- audit trail


class AuditEvent(SQLModel, table=True):
    """One change, hash-chained to the previous event (see db/audit.py)."""

    __tablename__ = "audit_event"
    # Replaying the trail record by record (db/replay.py) walks this index (migration 0006).
    __table_args__ = (Index("ix_audit_event_record", "record_type", "record_id", "seq"),)
    AUDITED: ClassVar[bool] = False

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=20)  # create | update | archive | restore | delete | decision | signature
    record_type: str = Field(max_length=40)
    record_id: int | None = None
    vendor_id: int | None = Field(default=None, index=True)  # the vendor the change belongs to, if any
    changes_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Organisation,
    Party,
    PartyIdentifier,
    PartyAlias,
    Vendor,
    VendorTag,
    Competitor,
    CompetitorAffiliate,
    CompetitorMatch,
    EvidenceBlob,
    EvidenceFile,
    EvidenceLink,
    Interest,
    Contract,
    Certification,
    Commitment,
    DataLocation,
    Subprocessor,
    ChecklistTemplate,
    ChecklistQuestion,
    Assessment,
    Answer,
    SigningIdentity,
    SignOff,
    TrustRoot,
    AssessmentParticipant,
    VendorExposure,
    AuditEvent,
)


def search_key(text_value: str) -> str:
    """Case- and accent-free form of a name, used for SQL search and sorting."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text_value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _set_party_search_key(_mapper: Any, _connection: Any, target: Party) -> None:
    target.name_normalised = search_key(target.name or "")


from sqlalchemy import event as _event  # noqa: E402

_event.listen(Party, "before_insert", _set_party_search_key)
_event.listen(Party, "before_update", _set_party_search_key)
