"""The vendor's profile form (``VendorForm``, what the Profile tab edits), its labels, the detail the services
return (``VendorDetail``) and the checks of a form and of identifiers (LEI, EU VAT number, country code, with
python-stdnum).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from stdnum import lei as stdnum_lei
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError as StdnumError

from db.models import CriticalityTier, VendorStatus
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_, tr


@dataclass
class VendorForm:
    """What the Profile tab edits."""

    name: str = ""
    country: str = ""
    website: str = ""
    services: str = ""
    tier: str = CriticalityTier.MEDIUM.value
    status: str = VendorStatus.PROSPECT.value
    internal_owner: str = ""
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    lei: str = ""
    vat: str = ""
    next_review_due: date | None = None

    def differences(self, other: VendorForm) -> list[tuple[str, Any, Any]]:
        """(field, mine, theirs) for every field that differs."""
        return [(f.name, getattr(self, f.name), getattr(other, f.name)) for f in fields(self)
                if getattr(self, f.name) != getattr(other, f.name)]


# What the user calls each field of VendorForm (the Profile tab's labels), e.g. in the conflict dialog.
FORM_LABELS: dict[str, str] = {
    "name": N_("Legal name"), "country": N_("Country"), "website": N_("Website"), "services": N_("Services"),
    "tier": N_("Criticality tier"), "status": N_("Status"), "internal_owner": N_("Internal owner"),
    "tags": N_("Tags"), "notes": N_("Notes"), "lei": N_("LEI"), "vat": N_("EU VAT number"),
    "next_review_due": N_("Next review due"),
}


@dataclass(frozen=True)
class VendorDetail:
    id: int
    party_id: int
    version: int
    party_version: int
    form: VendorForm
    archived: bool


def validate_lei(value: str) -> str | None:
    """None when ``value`` is empty or a valid LEI, else the reason."""
    if not value.strip():
        return None
    compact = value.replace(" ", "").strip()
    if len(compact) != 20:
        return tr("An LEI has 20 characters; this one has {count}.", count=len(compact))
    try:
        stdnum_lei.validate(value)
    except StdnumError as exc:
        return tr("Not a valid LEI: {problem} (20 characters, ISO 17442).", problem=str(exc).rstrip('.').lower())
    return None


def validate_vat(value: str) -> str | None:
    """None when ``value`` is empty or a valid EU VAT number (with its country prefix), else the reason."""
    if not value.strip():
        return None
    try:
        stdnum_vat.validate(value)
    except StdnumError as exc:
        return tr("Not a valid EU VAT number: {problem} (start with the country code, e.g. DE).",
                  problem=str(exc).rstrip('.').lower())
    return None


def validate_country(value: str) -> str | None:
    if value and (len(value) != 2 or not value.isalpha()):
        return tr("Use the two-letter ISO country code, e.g. ES or DE.")
    return None


def validate_form(form: VendorForm) -> dict[str, str]:
    """Field -> reason for every invalid field (empty when the form can be saved)."""
    errors: dict[str, str] = {}
    if not form.name.strip():
        errors["name"] = tr("The legal name is required.")
    elif len(form.name) > 300:
        errors["name"] = tr("The legal name is longer than 300 characters.")
    for name, check in (("lei", validate_lei(form.lei)), ("vat", validate_vat(form.vat)),
                        ("country", validate_country(form.country))):
        if check:
            errors[name] = check
    if form.tier not in {t.value for t in CriticalityTier}:
        errors["tier"] = tr("Unknown criticality tier {tier}.", tier=repr(form.tier))
    if form.status not in {s.value for s in VendorStatus}:
        errors["status"] = tr("Unknown status {status}.", status=repr(form.status))
    for tag in form.tags:
        if len(tag) > 60:
            errors["tags"] = tr("The tag {tag}... is longer than 60 characters.", tag=repr(tag[:20]))
    if len(form.services) > 1000:
        errors["services"] = tr("The services text is longer than 1000 characters.")
    return errors


def _require_valid(form: VendorForm) -> None:
    errors = validate_form(form)
    if errors:
        name, reason = next(iter(errors.items()))
        raise ValidationError(tr("The vendor cannot be saved: {name}: {reason}", name=name, reason=reason), field=name)


def _clean_tags(tags: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for t in tags:
        t = t.strip()
        if t:
            seen.setdefault(t, None)
    return list(seen)
