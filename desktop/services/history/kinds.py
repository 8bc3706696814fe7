"""The kinds of change the History view and ``vetta audit log --kind`` filter on (``KINDS``), and the SQL
condition on ``audit_event`` of each (``kind_clause``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import col, select

from db.models import AuditEvent, Interest, Party
from desktop.core.i18n import N_, tr
from desktop.core.ownership.model import ROLE_TYPES

KINDS: dict[str, str] = {
    "ownership": N_("Ownership"),
    "people": N_("People"),
    "contracts": N_("Contracts and guarantees"),
    "assessments": N_("Assessments and decisions"),
    "vendor": N_("Vendor details"),
    "settings": N_("Settings"),
}

_TABLES_OF_KIND: dict[str, tuple[str, ...]] = {
    "ownership": ("competitor", "competitor_affiliate", "competitor_match"),
    "people": (),
    "contracts": ("contract", "certification", "commitment", "data_location", "subprocessor"),
    "assessments": ("assessment", "answer", "signoff"),
    "vendor": ("vendor", "vendor_tag", "party_alias", "party_identifier", "evidence_file", "evidence_link"),
    "settings": ("organisation", "signing_identity", "trust_root", "checklist_template", "checklist_question"),
}


def kind_label(kind: str, lang: str | None = None) -> str:
    return tr(KINDS[kind], lang) if kind in KINDS else kind


def kind_clause(kind: str) -> ColumnElement[bool]:
    """The SQL condition on ``audit_event`` for one kind of change. Interests are ownership or, for
    board seats and management roles, people; a party is people when it is a person, else vendor
    details (a company's name, identifiers and other names)."""
    if kind not in KINDS:
        raise ValueError(kind)
    record_type, record_id = col(AuditEvent.record_type), col(AuditEvent.record_id)
    roles = select(col(Interest.id)).where(col(Interest.interest_type).in_(sorted(ROLE_TYPES)))
    persons = select(col(Party.id)).where(col(Party.kind) == "person")
    tables = _TABLES_OF_KIND[kind]
    clause: ColumnElement[bool] = record_type.in_(tables) if tables else false()
    if kind == "ownership":
        clause = or_(clause, and_(record_type == "interest", record_id.not_in(roles)))
    elif kind == "people":
        clause = or_(and_(record_type == "interest", record_id.in_(roles)),
                     and_(record_type == "party", record_id.in_(persons)))
    elif kind == "vendor":
        clause = or_(clause, and_(record_type == "party", record_id.not_in(persons)))
    return clause
