"""The words for fields and values in a sentence of the trail: the label of every audited field
(``FIELD_LABELS``, ``TABLE_FIELD_LABELS``), the translated values of enumerated fields (``ENUM_VALUES``), which
fields are percentages, dates or times, which are too quiet to mention, and the small formatters (quoted and
shortened texts, counts of JSON lists, file sizes).
"""

from __future__ import annotations

import json
from typing import Any

from desktop.core.i18n import N_, format_number, ntr, tr
from desktop.core.ownership.text import TYPE_LABELS
from desktop.report.i18n import ENUM_LABELS

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
    **ENUM_LABELS,  # tier, statuses, severity, source, purpose, kind of party and of guarantee
    "competitor_match.status": {"confirmed": N_("confirmed"), "rejected": N_("rejected")},
    "decision": {"approved": N_("approved"), "approved_with_conditions": N_("approved with conditions"),
                 "rejected": N_("rejected")},
    "rating": {"neutral": N_("neutral"), "conditionally_neutral": N_("conditionally neutral"),
               "not_neutral": N_("not neutral")},
    "party_alias.kind": {"alias": N_("other name"), "former": N_("former name"),
                         "transliteration": N_("transliteration"), "trading": N_("trading name")},
    "direct_or_indirect": {"direct": N_("direct"), "indirect": N_("indirect"), "unknown": N_("unknown")},
    "language": {"": N_("same as the system"), "en": N_("English"), "es": N_("Spanish")},
    "interest_type": TYPE_LABELS,
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


def _size(value: Any, lang: str) -> str:
    if not isinstance(value, int):
        return "?"
    if value < 1024:
        return ntr("{n} byte", "{n} bytes", value, lang)
    if value < 1024 * 1024:
        return tr("{size} KB", lang, size=format_number(round(value / 1024), lang))
    return tr("{size} MB", lang, size=format_number(round(value / (1024 * 1024), 1), lang))
