"""Report languages and the words for the codes a report shows (decisions, severities, tiers...).

The words are English source text marked with ``N_`` and translated with ``desktop.core.i18n.tr``
from the one catalogue (resources/translations/es.yaml), like every other visible string. There is
one label function per kind of code; an unknown code is shown as it is, never as a key.
"""

from __future__ import annotations

from desktop.core.checklist.scoring import rating_label
from desktop.core.i18n import N_, tr

LANGUAGES = ("en", "es")
LANGUAGE_NAMES = {"en": N_("English"), "es": N_("Spanish")}

_DECISIONS = {"approved": N_("Approved"), "approved_with_conditions": N_("Approved with conditions"),
              "rejected": N_("Rejected"), "": N_("Pending decision")}
_STATUSES = {"draft": N_("draft"), "in_review": N_("in review"), "approved": N_("approved"),
             "approved_with_conditions": N_("approved with conditions"), "rejected": N_("rejected")}
_SEVERITIES = {"blocker": N_("blocker"), "major": N_("major"), "minor": N_("minor"), "info": N_("info")}
_TIERS = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low")}
_VENDOR_STATUSES = {"prospect": N_("prospect"), "active": N_("active"), "suspended": N_("suspended"),
                    "offboarded": N_("offboarded")}
_CLAUSES = {
    "change_of_control_termination": N_("termination on change of control"),
    "ownership_change_notice": N_("notice of ownership change"), "audit_rights": N_("audit rights"),
    "exclusivity": N_("exclusivity"), "data_use_restriction": N_("data-use restriction"),
    "deletion_on_termination": N_("deletion on termination"),
}
_COMMITMENTS = {
    "logical_segregation": N_("logical segregation"), "staff_segregation": N_("staff segregation"),
    "information_barrier": N_("information barrier"), "encryption_at_rest": N_("encryption at rest"),
    "encryption_in_transit": N_("encryption in transit"), "data_residency": N_("data residency"),
    "no_training_on_customer_data": N_("no training on customer data"), "access_logging": N_("access logging"),
    "non_preference": N_("non-preference"), "other": N_("other"),
}
_SOURCES = {"rule": N_("rule"), "preparer": N_("preparer"), "vendor": N_("vendor")}
_PURPOSES = {"storage": N_("storage"), "processing": N_("processing"), "support": N_("support")}
_KINDS = {"person": N_("person"), "entity": N_("entity")}


# The one home of these enumerations' labels, by the name the audit trail's sentences use for the field
# (desktop/services/history reads them from here).
ENUM_LABELS: dict[str, dict[str, str]] = {
    "tier": _TIERS, "vendor.status": _VENDOR_STATUSES, "assessment.status": _STATUSES, "severity": _SEVERITIES,
    "answer.source": _SOURCES, "purpose": _PURPOSES, "party.kind": _KINDS, "commitment.kind": _COMMITMENTS,
}

def _label(table: dict[str, str], code: str | None, lang: str) -> str:
    if code is None:
        return "—"
    english = table.get(code)
    return tr(english, lang) if english is not None else code.replace("_", " ")


def decision_label(decision: str | None, lang: str) -> str:
    return _label(_DECISIONS, decision or "", lang)


def status_label(status: str | None, lang: str) -> str:
    return _label(_STATUSES, status, lang)


def severity_label(severity: str | None, lang: str) -> str:
    return _label(_SEVERITIES, severity, lang)


def tier_label(tier: str | None, lang: str) -> str:
    return _label(_TIERS, tier, lang) if tier else "—"


def vendor_status_label(status: str | None, lang: str) -> str:
    return _label(_VENDOR_STATUSES, status, lang) if status else "—"


def clause_label(clause: str, lang: str) -> str:
    return _label(_CLAUSES, clause, lang)


def commitment_label(kind: str, lang: str) -> str:
    return _label(_COMMITMENTS, kind, lang)


def source_label(source: str | None, lang: str) -> str:
    return _label(_SOURCES, source, lang) if source else "—"


def purpose_label(purpose: str | None, lang: str) -> str:
    return _label(_PURPOSES, purpose, lang) if purpose else ""


def kind_label(kind: str | None, lang: str) -> str:
    return _label(_KINDS, kind, lang) if kind else "—"


def language_name(code: str, lang: str) -> str:
    return _label(LANGUAGE_NAMES, code, lang)


def check_lang(lang: str) -> str:
    from desktop.core.errors import UserError

    if lang not in LANGUAGES:
        raise UserError(tr("The report language {lang} is not supported; use 'en' or 'es'.", lang=repr(lang)))
    return lang


__all__ = [
    "LANGUAGES", "check_lang", "clause_label", "commitment_label", "decision_label", "kind_label",
    "language_name", "purpose_label", "rating_label", "severity_label", "source_label", "status_label",
    "tier_label", "vendor_status_label",
]
