"""The audit trail in words: one sentence per event, in the reader's language.

"Ana García changed Contoso Ventures LLC's shareholding in Scalewise Data Inc. from 12% to 49% (effective
13 Jun 2025)." Used by the History view (desktop/ui/history.py) and by ``vetta audit log``.

How a sentence is made (``describe``):

* the record is named as it was right after the event: its events are replayed from the trail up to
  that one (an event carries only the fields it changed; the holder and subject of a changed share
  come from the record's earlier events);
* ids become names as they are now (party, vendor, competitor, file, template), or, for a row that is
  gone, the name the trail last recorded for it;
* every field has a label (``FIELD_LABELS``, translated through the gettext catalogue); values are
  formatted for the reader: percentages, dates in words, enumerations translated, yes/no, files by
  size, long JSON summarised ("4 findings"), long texts shortened.

``KINDS`` groups the events by kind of change for the filter of the view and ``vetta audit log --kind``
(``kind_clause`` is its SQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import (
    Assessment,
    AuditEvent,
    ChecklistQuestion,
    ChecklistTemplate,
    Competitor,
    Contract,
    EvidenceFile,
    Interest,
    Party,
    SigningIdentity,
    Vendor,
)
from desktop.core.i18n import N_, format_date, format_number, ntr, tr
from desktop.core.ownership.model import ROLE_TYPES
from desktop.core.ownership.text import fmt_pct
from desktop.services.audit import AuditEntry

# --------------------------------------------------------------------------- kinds of change

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


# --------------------------------------------------------------------------- field labels and values

# The label of every audited field in a sentence ("Ana changed the tier of ..."); a field another table
# uses for something else is named by (table, field) in TABLE_FIELD_LABELS.
FIELD_LABELS: dict[str, str] = {
    "id": N_("the number"), "accesses_customer_data": N_("access to our data"), "added_by": N_("who added it"),
    "answer_type": N_("the type of answer"), "answered_at": N_("the time of the answer"),
    "answered_by": N_("who answered"), "approver": N_("the approver"), "archived_at": N_("the archiving time"),
    "as_of": N_("the analysis date"), "assessment_id": N_("the assessment"), "audit_rights": N_("the audit rights"),
    "auto_renew": N_("the automatic renewal"), "backup_keep": N_("the number of backups kept"),
    "beneficial_ownership_or_control": N_("the beneficial ownership or control"),
    "beneficial_ownership_threshold": N_("the beneficial ownership threshold"), "birth_date": N_("the date of birth"),
    "blob_id": N_("the stored content"), "bods_record_id": N_("the BODS record"),
    "bods_statement_id": N_("the BODS statement"), "breach_notice_hours": N_("the breach notice (hours)"),
    "certificate_der": N_("the certificate"), "chain_pem": N_("the issuing certificates"),
    "change_of_control_termination": N_("the termination on change of control"),
    "changed_since_previous": N_("the change since the previous assessment"), "competitor_id": N_("the competitor"),
    "conditions_json": N_("the conditions"), "contract_id": N_("the contract"),
    "control_threshold": N_("the control threshold"), "country": N_("the country"),
    "created_by": N_("who created it"), "currency": N_("the currency"),
    "data_use_restriction": N_("the restriction of data use"), "decided_at": N_("the time of the decision"),
    "decided_by": N_("who decided"), "decision": N_("the decision"), "definition_json": N_("the definition"),
    "deletion_on_termination": N_("the deletion on termination"), "description": N_("the description"),
    "details": N_("the details"), "direct_or_indirect": N_("direct or indirect"), "email": N_("the e-mail"),
    "end_date": N_("the end date"), "entity_type": N_("the type of entity"), "evidence_id": N_("the evidence file"),
    "evidence_max_bytes": N_("the largest evidence file"), "evidence_required": N_("whether evidence is required"),
    "exclusivity": N_("the exclusivity"), "facts_json": N_("the facts"), "filename": N_("the file name"),
    "findings_json": N_("the findings"), "fingerprint_sha256": N_("the fingerprint"),
    "identity_id": N_("the signing identity"), "interest_type": N_("the type"),
    "interested_party_id": N_("the holder"), "internal_owner": N_("the internal owner"),
    "is_listed": N_("the listing"), "issuer": N_("the issuer"), "jurisdiction": N_("the jurisdiction"),
    "justification": N_("the justification"), "key": N_("the key"), "keyring_service": N_("the keyring service"),
    "keyring_username": N_("the keyring entry"), "kind": N_("the kind"), "language": N_("the language"),
    "lei": N_("the LEI"), "logo": N_("the logo"), "logo_mime": N_("the logo's format"),
    "mime_type": N_("the file type"), "name": N_("the name"), "name_normalised": N_("the search name"),
    "nationality": N_("the nationality"), "next_review_due": N_("the next review date"),
    "not_after": N_("the expiry"), "not_before": N_("the start of validity"), "notes": N_("the notes"),
    "notice_days": N_("the notice period (days)"), "of_party_id": N_("who engages it"),
    "organisation": N_("the organisation"), "owner": N_("the owner"),
    "ownership_change_notice": N_("the notice of ownership changes"), "party_id": N_("the party"),
    "people_lookback_months": N_("the people look-back (months)"), "position": N_("the position"),
    "preparer": N_("the preparer"), "previous_id": N_("the previous assessment"), "purpose": N_("the purpose"),
    "question_key": N_("the question"), "rating": N_("the rating"), "rationale": N_("the rationale"),
    "record_id": N_("the record"), "record_type": N_("the kind of record"), "reference": N_("the reference"),
    "renewal_months": N_("the renewal period (months)"), "report_lang": N_("the language of the report"),
    "report_pdf": N_("the signed report"), "report_sha256": N_("the report's fingerprint"),
    "required": N_("whether it is required"), "review_months_critical": N_("the review interval of critical vendors"),
    "review_months_high": N_("the review interval of high-tier vendors"),
    "review_months_low": N_("the review interval of low-tier vendors"),
    "review_months_medium": N_("the review interval of medium-tier vendors"), "role_title": N_("the role title"),
    "scheme": N_("the scheme"), "scope": N_("the scope"), "score": N_("the score"),
    "section_key": N_("the section"), "series_version": N_("the version in the series"),
    "service": N_("the service"), "services": N_("the services"), "severity": N_("the severity"),
    "sha256": N_("the fingerprint"), "share_exact": N_("the share"), "share_max": N_("the maximum share"),
    "share_max_exclusive": N_("whether the maximum is excluded"), "share_min": N_("the minimum share"),
    "share_min_exclusive": N_("whether the minimum is excluded"), "signed_date": N_("the signing date"),
    "significant_influence_threshold": N_("the significant influence threshold"), "size": N_("the size"),
    "source": N_("the source"), "source_yaml": N_("the template text"), "stale_since": N_("the staleness"),
    "standard": N_("the standard"), "start_date": N_("the start date"), "status": N_("the status"),
    "subject": N_("the subject"), "subject_id": N_("the entity held"), "submitted_at": N_("the submission time"),
    "suggested_json": N_("the suggested answer"), "suggestion_explanation": N_("the explanation of the suggestion"),
    "tag": N_("the tag"), "template_id": N_("the checklist template"), "tier": N_("the criticality tier"),
    "timestamp_url": N_("the timestamp service"), "title": N_("the title"), "title_en": N_("the English title"),
    "title_es": N_("the Spanish title"), "uploaded_by": N_("who uploaded it"), "valid_from": N_("the start of validity"),
    "valid_until": N_("the expiry"), "value": N_("the value"), "value_json": N_("the answer"),
    "vendor_facing": N_("whether the vendor answers it"), "vendor_id": N_("the vendor"),
    "watch_name": N_("the watchlist name"), "website": N_("the website"), "weight": N_("the weight"),
}
TABLE_FIELD_LABELS: dict[tuple[str, str], str] = {
    ("party_identifier", "value"): N_("the identifier"), ("contract", "value"): N_("the contract value"),
    ("interest", "source"): N_("the source of the information"), ("answer", "source"): N_("who gave the answer"),
    ("signing_identity", "source"): N_("the origin of the key"), ("signing_identity", "subject"):
        N_("the certificate's subject"), ("trust_root", "subject"): N_("the certificate's subject"),
    ("party", "kind"): N_("the kind of party"), ("contract", "kind"): N_("the kind of contract"),
    ("commitment", "kind"): N_("the guarantee"), ("party_alias", "kind"): N_("the kind of name"),
}

# Values of enumerated fields, marked for translation (the data keeps the code).
ENUM_VALUES: dict[str, dict[str, str]] = {
    "tier": {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "vendor.status": {"prospect": N_("prospect"), "active": N_("active"), "suspended": N_("suspended"),
                      "offboarded": N_("offboarded")},
    "assessment.status": {"draft": N_("draft"), "in_review": N_("in review"), "approved": N_("approved"),
                          "approved_with_conditions": N_("approved with conditions"), "rejected": N_("rejected")},
    "competitor_match.status": {"confirmed": N_("confirmed"), "rejected": N_("rejected")},
    "decision": {"approved": N_("approved"), "approved_with_conditions": N_("approved with conditions"),
                 "rejected": N_("rejected")},
    "rating": {"neutral": N_("neutral"), "conditionally_neutral": N_("conditionally neutral"),
               "not_neutral": N_("not neutral")},
    "party.kind": {"entity": N_("entity"), "person": N_("person")},
    "party_alias.kind": {"alias": N_("other name"), "former": N_("former name"),
                         "transliteration": N_("transliteration"), "trading": N_("trading name")},
    "direct_or_indirect": {"direct": N_("direct"), "indirect": N_("indirect"), "unknown": N_("unknown")},
    "answer.source": {"rule": N_("rule"), "preparer": N_("preparer"), "vendor": N_("vendor")},
    "purpose": {"storage": N_("storage"), "processing": N_("processing"), "support": N_("support")},
    "language": {"": N_("same as the system"), "en": N_("English"), "es": N_("Spanish")},
    "severity": {"blocker": N_("blocker"), "major": N_("major"), "minor": N_("minor"), "info": N_("info")},
    "interest_type": {"shareholding": N_("shareholding"), "voting_rights": N_("voting rights"),
                      "board_member": N_("board member"), "board_chair": N_("board chair"),
                      "appointment_of_board": N_("appointment of board"),
                      "senior_managing_official": N_("senior managing official"),
                      "other_influence_or_control": N_("other influence or control"),
                      "rights_by_contract": N_("rights by contract"), "trust_role": N_("trust role"),
                      "nominee": N_("nominee"), "unknown": N_("unknown")},
    "commitment.kind": {"logical_segregation": N_("logical segregation"), "staff_segregation": N_("staff segregation"),
                        "information_barrier": N_("information barrier"), "encryption_at_rest": N_("encryption at rest"),
                        "encryption_in_transit": N_("encryption in transit"), "data_residency": N_("data residency"),
                        "no_training_on_customer_data": N_("no training on customer data"),
                        "access_logging": N_("access logging"), "non_preference": N_("non preference"),
                        "other": N_("other")},
    "contract.kind": {"MSA": N_("MSA"), "DPA": N_("DPA"), "SOW": N_("SOW"), "NDA": N_("NDA"), "OTHER": N_("OTHER")},
}
PERCENT_FIELDS = frozenset({"share_exact", "share_min", "share_max", "beneficial_ownership_threshold",
                            "significant_influence_threshold", "control_threshold"})
DATE_FIELDS = frozenset({"start_date", "end_date", "signed_date", "valid_from", "valid_until", "next_review_due",
                         "birth_date", "as_of"})
TIME_FIELDS = frozenset({"archived_at", "submitted_at", "decided_at", "stale_since", "answered_at", "not_before",
                         "not_after"})
# Fields no reader needs in a sentence (kept in the trail and its JSON): shown only when nothing else changed.
QUIET_FIELDS = frozenset({"id", "name_normalised", "answered_at", "answered_by", "changed_since_previous",
                          "suggestion_explanation", "beneficial_ownership_or_control", "bods_record_id",
                          "bods_statement_id", "share_min_exclusive", "share_max_exclusive", "keyring_service",
                          "keyring_username", "report_sha256", "sha256", "blob_id"})
LONG_TEXT = 80


def field_label(table: str, name: str, lang: str | None = None) -> str:
    """The label of a field in a sentence ('the tier' / 'el nivel de criticidad'); unknown ones as they are."""
    label = TABLE_FIELD_LABELS.get((table, name)) or FIELD_LABELS.get(name)
    return tr(label, lang) if label else name.replace("_", " ")


def _quoted(text: str, lang: str | None) -> str:
    text = " ".join(str(text).split())
    if len(text) > LONG_TEXT:
        text = text[:LONG_TEXT - 1].rstrip() + "…"
    return tr("“{text}”", lang, text=text)


def _count(raw: Any) -> int:
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return 0
    return len(data) if isinstance(data, list | dict) else 0


# --------------------------------------------------------------------------- the describer


@dataclass
class _Names:
    """Names of records by table and id: as they are now, else as the trail last recorded them."""

    session: Session
    cache: dict[tuple[str, int], str] = field(default_factory=dict)
    questions: dict[tuple[Any, str], Any] = field(default_factory=dict)

    def _from_trail(self, table: str, rid: int, fields: tuple[str, ...]) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for changes in self.session.exec(select(col(AuditEvent.changes_json)).where(
                col(AuditEvent.record_type) == table, col(AuditEvent.record_id) == rid).order_by(col(AuditEvent.seq))):
            for key, pair in _parse(changes).items():
                if key in fields and isinstance(pair, list) and len(pair) == 2:
                    state[key] = pair[1] if pair[1] is not None else pair[0]
        return state

    def party(self, pid: Any) -> str:
        if not isinstance(pid, int):
            return "?"
        key = ("party", pid)
        if key not in self.cache:
            row = self.session.get(Party, pid)
            name = row.name if row is not None else self._from_trail("party", pid, ("name",)).get("name")
            self.cache[key] = str(name) if name else f"#{pid}"
        return self.cache[key]

    def vendor(self, vid: Any) -> str:
        if not isinstance(vid, int):
            return "?"
        key = ("vendor", vid)
        if key not in self.cache:
            row = self.session.get(Vendor, vid)
            party = row.party_id if row is not None else self._from_trail("vendor", vid, ("party_id",)).get("party_id")
            self.cache[key] = self.party(party) if party is not None else f"#{vid}"
        return self.cache[key]

    def simple(self, table: str, model: Any, rid: Any, attr: str) -> str:
        if not isinstance(rid, int):
            return "?"
        key = (table, rid)
        if key not in self.cache:
            row = self.session.get(model, rid)
            value = getattr(row, attr) if row is not None else self._from_trail(table, rid, (attr,)).get(attr)
            self.cache[key] = str(value) if value else f"#{rid}"
        return self.cache[key]

    def question(self, assessment_id: Any, question_key: str) -> Any:
        """The checklist question of an assessment's template (for option labels), or None."""
        key = (assessment_id, question_key)
        if key not in self.questions:
            self.questions[key] = self._load_question(assessment_id, question_key)
        return self.questions[key]

    def _load_question(self, assessment_id: Any, question_key: str) -> Any:
        from desktop.core.checklist.schema import Question

        assessment = self.session.get(Assessment, assessment_id) if isinstance(assessment_id, int) else None
        if assessment is None:
            return None
        row = self.session.exec(select(ChecklistQuestion).where(
            col(ChecklistQuestion.template_id) == assessment.template_id,
            col(ChecklistQuestion.key) == question_key)).first()
        try:
            return Question.model_validate_json(row.definition_json) if row is not None else None
        except ValueError:
            return None


def _parse(changes_json: str) -> dict[str, Any]:
    try:
        raw = json.loads(changes_json)
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}


class Describer:
    """Sentences for audit entries, in ``lang``; one instance per batch (it caches names)."""

    def __init__(self, session: Session, lang: str) -> None:
        self.lang = lang
        self.names = _Names(session)
        self.states: dict[int, dict[str, Any]] = {}  # event id -> the record after the event

    # ------------------------------------------------------------------ record states

    def load_states(self, entries: Iterable[AuditEntry]) -> None:
        """The state of each entry's record right after it (one query per record type)."""
        wanted: dict[str, set[int]] = {}
        upto = 0
        for e in entries:
            if e.record_id is not None:
                wanted.setdefault(e.record_type, set()).add(e.record_id)
            upto = max(upto, e.seq)
        ids_by_seq: dict[tuple[str, int, int], dict[str, Any]] = {}
        for table, ids in wanted.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                rows = self.names.session.exec(select(
                    col(AuditEvent.record_id), col(AuditEvent.seq), col(AuditEvent.action),
                    col(AuditEvent.changes_json)).where(
                    col(AuditEvent.record_type) == table, col(AuditEvent.record_id).in_(ordered[start:start + 500]),
                    col(AuditEvent.seq) <= upto).order_by(col(AuditEvent.record_id), col(AuditEvent.seq)))
                state: dict[str, Any] = {}
                current: int | None = None
                for rid, seq, action, changes in rows:
                    if rid != current:
                        state, current = {}, rid
                    for key, pair in _parse(changes).items():
                        if not (isinstance(pair, list) and len(pair) == 2):
                            continue
                        if action == "delete":  # the row is gone: keep what it held, to name it
                            state.setdefault(key, pair[0])
                        else:
                            state[key] = pair[1]
                    ids_by_seq[(table, int(rid or 0), int(seq))] = dict(state)
        for e in entries:
            if e.record_id is not None:
                self.states[e.id] = ids_by_seq.get((e.record_type, e.record_id, e.seq), {})
            else:
                self.states[e.id] = {c.field: (c.after if c.after is not None else c.before) for c in e.changes}

    # ------------------------------------------------------------------ values

    def value(self, table: str, name: str, value: Any, state: dict[str, Any]) -> str:
        """A field's value for a reader."""
        lang = self.lang
        if value is None or value == "":
            return tr("(empty)", lang)
        if isinstance(value, dict) and "sha256" in value:
            return tr("a file of {size}", lang, size=_size(value.get("size"), lang))
        if isinstance(value, bool):
            return tr("yes", lang) if value else tr("no", lang)
        if name in PERCENT_FIELDS and isinstance(value, int | float):
            return fmt_pct(float(value), lang)
        if name in DATE_FIELDS and isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value[:10]), lang)
            except ValueError:
                return value
        if name in TIME_FIELDS and isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return tr("{day} at {time} UTC", lang, day=format_date(moment.date(), lang), time=f"{moment:%H:%M}")
        enum = ENUM_VALUES.get(f"{table}.{name}") or ENUM_VALUES.get(name)
        if enum is not None and isinstance(value, str):
            return tr(enum[value], lang) if value in enum else value
        if name in ("interested_party_id", "subject_id", "party_id", "of_party_id"):
            return self.names.party(value)
        if name == "vendor_id":
            return self.names.vendor(value)
        if name == "competitor_id":
            return self.names.simple("competitor", Competitor, value, "name")
        if name == "contract_id":
            return self.names.simple("contract", Contract, value, "title")
        if name == "evidence_id":
            return self.names.simple("evidence_file", EvidenceFile, value, "filename")
        if name == "identity_id":
            return self.names.simple("signing_identity", SigningIdentity, value, "name")
        if name == "template_id":
            title = "title_es" if lang == "es" else "title_en"
            return self.names.simple("checklist_template", ChecklistTemplate, value, title)
        if name in ("assessment_id", "previous_id") and isinstance(value, int):
            return tr("assessment #{number}", lang, number=value)
        if name == "findings_json":
            return ntr("{n} finding", "{n} findings", _count(value), lang)
        if name == "facts_json":
            return ntr("{n} fact", "{n} facts", _count(value), lang)
        if name == "conditions_json":
            return ntr("{n} condition", "{n} conditions", _count(value), lang)
        if name in ("value_json", "suggested_json"):
            return self.answer_value(value, state)
        if name in ("definition_json", "source_yaml", "chain_pem", "suggestion_explanation"):
            return tr("a new text", lang)
        if name in ("size", "evidence_max_bytes") and isinstance(value, int):
            return _size(value, lang)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value, lang)
        if isinstance(value, str):
            return _quoted(value, lang) if name in ("notes", "details", "justification", "rationale",
                                                    "description", "services", "scope", "service") else value
        return _quoted(json.dumps(value, ensure_ascii=False), lang)

    def answer_value(self, raw: Any, state: dict[str, Any]) -> str:
        """An answer as the reader chose it: “No”, “ISO/IEC 27001”, “24”."""
        try:
            value = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            value = raw
        question = self.names.question(state.get("assessment_id"), str(state.get("question_key", "")))
        values = value if isinstance(value, list) else [value]
        words = []
        for v in values:
            if question is not None and isinstance(v, str):
                words.append(question.option_label(v, self.lang))
            elif isinstance(v, str):
                from desktop.core.checklist.schema import yes_no_label

                words.append(yes_no_label(v, self.lang))
            elif isinstance(v, int | float) and not isinstance(v, bool):
                words.append(format_number(v, self.lang))
            else:
                words.append(str(v))
        return _quoted(", ".join(words), self.lang)

    # ------------------------------------------------------------------ naming records

    def thing(self, table: str, rid: int | None, s: dict[str, Any]) -> str:
        """The record as a noun phrase: "Contoso Ventures LLC's shareholding in Scalewise Data Inc."."""
        lang, n = self.lang, self.names
        if table == "interest":
            holder, subject = n.party(s.get("interested_party_id")), n.party(s.get("subject_id"))
            kind = str(s.get("interest_type", ""))
            if kind == "shareholding":
                return tr("{holder}'s shareholding in {subject}", lang, holder=holder, subject=subject)
            if kind == "voting_rights":
                return tr("{holder}'s voting rights in {subject}", lang, holder=holder, subject=subject)
            if kind in ROLE_TYPES:
                role = s.get("role_title") or tr(ENUM_VALUES["interest_type"][kind], lang)
                return tr("{holder}'s role as {role} at {subject}", lang, holder=holder, role=role, subject=subject)
            label = ENUM_VALUES["interest_type"].get(kind)
            return tr("{holder}'s interest in {subject} ({type})", lang, holder=holder, subject=subject,
                      type=tr(label, lang) if label else kind)
        if table == "party":
            name = s.get("name") or n.party(rid)
            return tr("the person {name}", lang, name=name) if s.get("kind") == "person" else \
                tr("the company {name}", lang, name=name)
        if table == "vendor":
            return tr("the vendor {name}", lang, name=n.party(s.get("party_id")))
        if table == "party_alias":
            return tr("the other name “{alias}” of {party}", lang, alias=s.get("name", ""),
                      party=n.party(s.get("party_id")))
        if table == "party_identifier":
            return tr("the identifier {scheme} {value} of {party}", lang, scheme=s.get("scheme", ""),
                      value=s.get("value", ""), party=n.party(s.get("party_id")))
        if table == "contract":
            kind = self.value("contract", "kind", s.get("kind"), s)
            if kind[1:2].islower():  # "Contrato marco de servicios (MSA)" inside a sentence
                kind = kind[:1].lower() + kind[1:]
            if s.get("title"):
                return tr("the {kind} “{title}” of {vendor}", lang, kind=kind, title=s["title"],
                          vendor=n.vendor(s.get("vendor_id")))
            return tr("the {kind} of {vendor}", lang, kind=kind, vendor=n.vendor(s.get("vendor_id")))
        if table == "certification":
            return tr("the certificate “{standard}” of {vendor}", lang, standard=s.get("standard", ""),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "commitment":
            return tr("the guarantee “{kind}” of {vendor}", lang, kind=self.value("commitment", "kind",
                                                                                 s.get("kind"), s),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "data_location":
            return tr("the data location {country} ({purpose}) of {vendor}", lang, country=s.get("country", ""),
                      purpose=self.value("data_location", "purpose", s.get("purpose", "storage"), s),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "subprocessor":
            return tr("the subprocessor {party} of {vendor}", lang, party=n.party(s.get("party_id")),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "competitor":
            return tr("the competitor {name}", lang, name=s.get("name") or f"#{rid}")
        if table == "competitor_affiliate":
            return tr("the affiliate {name} of the competitor {competitor}", lang, name=s.get("name", ""),
                      competitor=self.value("competitor_affiliate", "competitor_id", s.get("competitor_id"), s))
        if table == "evidence_file":
            return tr("the file “{name}”", lang, name=s.get("filename") or f"#{rid}")
        if table == "evidence_link":
            target = s.get("record_type", "")
            return tr("the link of the file “{name}” to {record}", lang,
                      name=n.simple("evidence_file", EvidenceFile, s.get("evidence_id"), "filename"),
                      record=tr("{kind} #{number}", lang, kind=tr(str(target).replace("_", " "), lang),
                                number=s.get("record_id", "?")))
        if table == "assessment":
            return tr("assessment #{number}", lang, number=rid)
        if table == "answer":
            return tr("the answer to {question} in assessment #{number}", lang, question=s.get("question_key", "?"),
                      number=s.get("assessment_id", "?"))
        if table == "signoff":
            return tr("the sign-off of assessment #{number}", lang, number=s.get("assessment_id", "?"))
        if table == "signing_identity":
            return tr("the signing identity {name}", lang, name=s.get("name") or f"#{rid}")
        if table == "trust_root":
            return tr("the trusted certificate {name}", lang, name=s.get("subject") or f"#{rid}")
        if table == "checklist_template":
            title = s.get("title_es" if lang == "es" else "title_en") or s.get("key", "")
            return tr("the checklist template “{title}” (version {version})", lang, title=title,
                      version=s.get("version", 1))
        if table == "checklist_question":
            return tr("the question {key} of a checklist template", lang, key=s.get("key", "?"))
        if table == "vendor_tag":
            return tr("the tag “{tag}” of {vendor}", lang, tag=s.get("tag", ""), vendor=n.vendor(s.get("vendor_id")))
        if table == "organisation":
            return tr("the settings", lang)
        kind_words = tr(table.replace("_", " "), lang)
        return tr("{kind} #{number}", lang, kind=kind_words, number=rid) if rid is not None else kind_words

    # ------------------------------------------------------------------ sentences

    def kind(self, e: AuditEntry) -> str:
        """The kind of change (a key of KINDS), as ``kind_clause`` files it."""
        s = self.states.get(e.id, {})
        if e.record_type == "interest":
            return "people" if s.get("interest_type") in ROLE_TYPES else "ownership"
        if e.record_type == "party":
            return "people" if s.get("kind") == "person" else "vendor"
        return next((k for k, tables in _TABLES_OF_KIND.items() if e.record_type in tables), "")

    def describe(self, e: AuditEntry) -> str:
        text = self._describe(e)
        if text.endswith(".."):  # "... S.Coop.." after a name ending in a full stop
            text = text[:-1]
        if self.lang == "es":  # the sentence puts "de" / "a" before a phrase that starts with "el"
            text = text.replace(" de el ", " del ").replace(" a el ", " al ")
        return text

    def _describe(self, e: AuditEntry) -> str:
        s = self.states.get(e.id, {})
        lang, actor, table = self.lang, e.actor, e.record_type
        thing = self.thing(table, e.record_id, s)
        changes = [c for c in e.changes if c.field not in ("id",)]
        if e.action == "create":
            return self._created(e, s, thing)
        if e.action == "archive":
            return tr("{actor} archived {thing}.", lang, actor=actor, thing=thing)
        if e.action == "restore":
            return tr("{actor} restored {thing}.", lang, actor=actor, thing=thing)
        if e.action == "delete":
            if table == "vendor_tag":
                return tr("{actor} removed the tag “{tag}” from {vendor}.", lang, actor=actor, tag=s.get("tag", ""),
                          vendor=self.names.vendor(s.get("vendor_id")))
            return tr("{actor} deleted {thing}.", lang, actor=actor, thing=thing)
        if table == "assessment" and any(c.field == "status" for c in changes):
            status = str(s.get("status", ""))
            number = e.record_id
            sentence = {
                "in_review": N_("{actor} submitted assessment #{number} for approval."),
                "draft": N_("{actor} reopened assessment #{number}."),
                "approved": N_("{actor} approved assessment #{number}."),
                "approved_with_conditions": N_("{actor} approved assessment #{number} with conditions."),
                "rejected": N_("{actor} rejected assessment #{number}."),
            }.get(status)
            if sentence:
                return tr(sentence, lang, actor=actor, number=number)
        if table == "answer" and any(c.field == "value_json" for c in changes):
            return self._answered(e, s)
        shown = [c for c in changes if c.field not in QUIET_FIELDS] or changes
        if table == "interest" and shown and all(c.field in PERCENT_FIELDS for c in shown) and len(shown) == 1:
            c = shown[0]
            before, after = self.value(table, c.field, c.before, s), self.value(table, c.field, c.after, s)
            if s.get("start_date"):
                return tr("{actor} changed {thing} from {before} to {after} (effective {day}).", lang, actor=actor,
                          thing=thing, before=before, after=after,
                          day=self.value(table, "start_date", s["start_date"], s))
            return tr("{actor} changed {thing} from {before} to {after}.", lang, actor=actor, thing=thing,
                      before=before, after=after)
        if table == "organisation":
            parts = "; ".join(self._change(table, c.field, c.before, c.after, s) for c in shown)
            return tr("{actor} changed the settings: {changes}.", lang, actor=actor, changes=parts)
        if len(shown) == 1:
            c = shown[0]
            label = field_label(table, c.field, lang)
            before, after = self.value(table, c.field, c.before, s), self.value(table, c.field, c.after, s)
            if c.before is None or c.before == "":
                return tr("{actor} set {field} of {thing} to {after}.", lang, actor=actor, field=label, thing=thing,
                          after=after)
            if c.after is None or c.after == "":
                return tr("{actor} cleared {field} of {thing} (it was {before}).", lang, actor=actor, field=label,
                          thing=thing, before=before)
            return tr("{actor} changed {field} of {thing} from {before} to {after}.", lang, actor=actor, field=label,
                      thing=thing, before=before, after=after)
        if not shown:
            return tr("{actor} saved {thing} without changes.", lang, actor=actor, thing=thing)
        parts = "; ".join(self._change(table, c.field, c.before, c.after, s) for c in shown)
        return tr("{actor} changed {thing}: {changes}.", lang, actor=actor, thing=thing, changes=parts)

    def _change(self, table: str, name: str, before: Any, after: Any, s: dict[str, Any]) -> str:
        lang = self.lang
        label = field_label(table, name, lang)
        if before is None or before == "":
            return tr("{field} set to {after}", lang, field=label, after=self.value(table, name, after, s))
        if after is None or after == "":
            return tr("{field} cleared (it was {before})", lang, field=label, before=self.value(table, name, before, s))
        return tr("{field} from {before} to {after}", lang, field=label, before=self.value(table, name, before, s),
                  after=self.value(table, name, after, s))

    def _created(self, e: AuditEntry, s: dict[str, Any], thing: str) -> str:
        lang, actor, table = self.lang, e.actor, e.record_type
        if table == "assessment":
            return tr("{actor} started assessment #{number} of {vendor}.", lang, actor=actor, number=e.record_id,
                      vendor=self.names.vendor(s.get("vendor_id")))
        if table == "answer":
            question, number = s.get("question_key", "?"), s.get("assessment_id", "?")
            if s.get("value_json") is not None:
                return self._answered(e, s)
            if s.get("suggested_json") is not None:
                return tr("{actor} added {question} to assessment #{number}; the rules suggest {value}.", lang,
                          actor=actor, question=question, number=number,
                          value=self.answer_value(s["suggested_json"], s))
            return tr("{actor} added {question} to assessment #{number}, not answered yet.", lang, actor=actor,
                      question=question, number=number)
        if table == "signoff":
            decision = self.value(table, "decision", s.get("decision"), s)
            conditions = _count(s.get("conditions_json", "[]"))
            if conditions:
                return tr("{actor} signed the decision on assessment #{number}: {decision}, {conditions}.", lang,
                          actor=actor, number=s.get("assessment_id", "?"), decision=decision,
                          conditions=ntr("{n} condition", "{n} conditions", conditions, lang))
            return tr("{actor} signed the decision on assessment #{number}: {decision}.", lang, actor=actor,
                      number=s.get("assessment_id", "?"), decision=decision)
        if table == "vendor_tag":
            return tr("{actor} tagged {vendor} “{tag}”.", lang, actor=actor, vendor=self.names.vendor(s.get("vendor_id")),
                      tag=s.get("tag", ""))
        if table == "competitor_match":
            party, watch = self.names.party(s.get("party_id")), s.get("watch_name", "")
            if s.get("status") == "confirmed":
                return tr("{actor} confirmed that {party} is the competitor {watch}.", lang, actor=actor, party=party,
                          watch=watch)
            return tr("{actor} decided that {party} is not the competitor {watch}.", lang, actor=actor, party=party,
                      watch=watch)
        if table == "organisation":
            return tr("{actor} created the settings of {name}.", lang, actor=actor, name=s.get("name", ""))
        details: list[str] = []
        if table == "interest":
            if s.get("interest_type") in ("shareholding", "voting_rights"):
                if s.get("share_exact") is not None:
                    details.append(self.value(table, "share_exact", s["share_exact"], s))
                elif s.get("share_min") is not None or s.get("share_max") is not None:
                    high = s.get("share_max")
                    details.append(tr("{low} to {high}", lang, low=fmt_pct(float(s.get("share_min") or 0.0), lang),
                                      high=fmt_pct(100.0 if high is None else float(high), lang)))
            if s.get("start_date"):
                details.append(tr("from {day}", lang, day=self.value(table, "start_date", s["start_date"], s)))
            if s.get("end_date"):
                details.append(tr("until {day}", lang, day=self.value(table, "end_date", s["end_date"], s)))
        elif table == "contract":
            if s.get("reference"):
                details.append(str(s["reference"]))
            for key, word in (("start_date", N_("from {day}")), ("end_date", N_("until {day}"))):
                if s.get(key):
                    details.append(tr(word, lang, day=self.value(table, key, s[key], s)))
        elif table == "certification":
            if s.get("valid_until"):
                details.append(tr("valid until {day}", lang, day=self.value(table, "valid_until", s["valid_until"], s)))
        if details:
            return tr("{actor} added {thing} ({details}).", lang, actor=actor, thing=thing, details=", ".join(details))
        return tr("{actor} added {thing}.", lang, actor=actor, thing=thing)

    def _answered(self, e: AuditEntry, s: dict[str, Any]) -> str:
        lang, actor = self.lang, e.actor
        question = s.get("question_key", "?")
        change = next((c for c in e.changes if c.field == "value_json"), None)
        before = change.before if change is not None else None
        after = change.after if change is not None else s.get("value_json")
        if after is None:
            text = tr("{actor} withdrew the answer to {question}.", lang, actor=actor, question=question)
        elif before is None and s.get("source") == "rule" and e.action == "create":
            text = tr("The rules answered {question} {value} when {actor} started assessment #{number}.", lang,
                      question=question, value=self.answer_value(after, s), actor=actor,
                      number=s.get("assessment_id", "?"))
        elif before is None and s.get("source") == "vendor":
            text = tr("{actor} recorded the vendor's answer to {question}: {value}.", lang, actor=actor,
                      question=question, value=self.answer_value(after, s))
        elif before is None:
            text = tr("{actor} answered {question} {value}.", lang, actor=actor, question=question,
                      value=self.answer_value(after, s))
        else:
            text = tr("{actor} changed the answer to {question} from {before} to {after}.", lang, actor=actor,
                      question=question, before=self.answer_value(before, s), after=self.answer_value(after, s))
        justification = next((c.after for c in e.changes if c.field == "justification"), None)
        if justification:
            text += " " + tr("Justification: {text}.", lang, text=_quoted(str(justification), lang))
        return text


def _size(value: Any, lang: str) -> str:
    if not isinstance(value, int):
        return "?"
    if value < 1024:
        return ntr("{n} byte", "{n} bytes", value, lang)
    if value < 1024 * 1024:
        return tr("{size} KB", lang, size=format_number(round(value / 1024), lang))
    return tr("{size} MB", lang, size=format_number(round(value / (1024 * 1024), 1), lang))


@dataclass(frozen=True)
class Told:
    """An audit event as a reader sees it."""

    summary: str
    kind: str  # a key of KINDS ('' for none)


def tell(engine: Engine, entries: list[AuditEntry], lang: str = "en") -> dict[int, Told]:
    """Event id -> its sentence and kind of change, in ``lang`` (one read transaction for the batch)."""
    if not entries:
        return {}
    with read_session(engine) as session:
        describer = Describer(session, lang)
        describer.load_states(entries)
        return {e.id: Told(describer.describe(e), describer.kind(e)) for e in entries}


def describe_entries(engine: Engine, entries: list[AuditEntry], lang: str = "en") -> dict[int, str]:
    """Event id -> the sentence a reader sees, in ``lang``."""
    return {event_id: told.summary for event_id, told in tell(engine, entries, lang).items()}
