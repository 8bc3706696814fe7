"""Texts the application translates through a variable, marked here so that extraction finds them.

``self.tr(kind.replace("_", " "))`` or ``tr(spec.label)`` cannot be extracted: the text is not a literal
where it is translated. Each group below lists the English of such values, so that ``pybabel extract``
puts them in the template and their Spanish stays in the catalogue. ``tests/unit/test_translations.py``
computes the same values from the enums, tables and field specifications and fails when one is missing
here. Once values get a label function that marks each of them where it is defined, drop their group.

Nothing imports this module at run time.
"""

from __future__ import annotations

from desktop.core.i18n import N_

# Record kinds: the child records of a vendor (desktop.services.vendors.CHILD_KINDS) and every table
# (database errors name the record kind: db/repo.py translates the table name, underscores as spaces).
RECORD_KINDS = (
    N_("answer"), N_("assessment"), N_("audit event"), N_("certification"), N_("checklist question"),
    N_("checklist template"), N_("commitment"), N_("competitor"), N_("competitor affiliate"),
    N_("competitor match"), N_("contract"), N_("data location"), N_("evidence blob"), N_("evidence file"),
    N_("evidence link"), N_("interest"), N_("organisation"), N_("party"), N_("party alias"),
    N_("party identifier"), N_("signing identity"), N_("signoff"), N_("subprocessor"), N_("vendor"),
    N_("vendor tag"), N_("trust root"), N_("assessment participant"), N_("vendor exposure"),
)

# Field labels of the child records (FieldSpec.label in desktop.services.vendors).
FIELD_LABELS = (
    N_("Kind"), N_("Title"), N_("Reference"), N_("Signed on"), N_("Starts"), N_("Ends"), N_("Value"),
    N_("Currency (ISO)"), N_("Renews automatically"), N_("Renewal period (months)"), N_("Notice period (days)"),
    N_("Termination on change of control"), N_("Notice of ownership changes"), N_("Audit rights"),
    N_("Exclusivity"), N_("Data use restricted to our purposes"), N_("Data deleted on termination"),
    N_("Breach notice (hours)"), N_("Notes"), N_("Standard"), N_("Issuer / auditor"), N_("Scope"),
    N_("Valid from"), N_("Valid until"), N_("Guarantee"), N_("Details"), N_("Country (ISO)"), N_("Purpose"),
    N_("Subprocessor (party)"), N_("Engaged by (empty: the vendor itself)"), N_("Service"), N_("Accesses our data"),
)

# Choices of those fields: contract kinds (db.models.ContractKind), guarantees (CommitmentKind, shown with
# spaces), purposes of a data location.
CHOICES = (
    N_("MSA"), N_("DPA"), N_("SOW"), N_("NDA"), N_("OTHER"),
    N_("logical segregation"), N_("staff segregation"), N_("information barrier"), N_("encryption at rest"),
    N_("encryption in transit"), N_("data residency"), N_("no training on customer data"), N_("access logging"),
    N_("non preference"), N_("other"),
    N_("storage"), N_("processing"), N_("support"),
)

# Interest types of the ownership web (db.models.InterestType, shown with spaces).
INTEREST_TYPES = (
    N_("shareholding"), N_("voting rights"), N_("board member"), N_("board chair"), N_("appointment of board"),
    N_("senior managing official"), N_("other influence or control"), N_("rights by contract"),
    N_("trust role"), N_("nominee"), N_("unknown"),
)

# Assessment statuses, ratings and decisions (db.models.AssessmentStatus, Rating; shown with spaces) and
# the severities of findings.
ASSESSMENT_WORDS = (
    N_("draft"), N_("in review"), N_("approved"), N_("approved with conditions"), N_("rejected"),
    N_("neutral"), N_("conditionally neutral"), N_("not neutral"),
    N_("approve"), N_("approve with conditions"), N_("reject"),
    N_("blocker"), N_("major"), N_("minor"), N_("info"),
)
