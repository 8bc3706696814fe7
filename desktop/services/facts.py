"""Facts about a vendor, derived from the database, for the checklist's auto-rules.

``build_facts(engine, vendor_id, as_of)`` returns a nested, JSON-able dict whose paths are listed
in ``desktop.core.checklist.facts.FACT_PATHS``: active contract clauses, certifications valid on
the date, commitments, data locations, subprocessors (and their own links to competitors) and
figures from the ownership analysis. A fact that cannot be known is ``None``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session
from db.models import (
    Certification,
    Commitment,
    CommitmentKind,
    Contract,
    DataLocation,
    Party,
    Subprocessor,
    Vendor,
)
from desktop.core.errors import NotFound
from desktop.core.i18n import tr

log = logging.getLogger(__name__)

AnalyzeFn = Callable[[Engine, int, date | None], dict[str, Any]]

EEA = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
})
COMPETITOR_CODES = frozenset({
    "COMPETITOR_CONTROL", "COMPETITOR_ECONOMIC_STAKE", "COMPETITOR_VOTING_STAKE", "COMPETITOR_BOARD_SEAT",
    "PEOPLE_TIE_COMPETITOR",
})


def _in_force(start: date | None, end: date | None, as_of: date) -> bool:
    return (start is None or start <= as_of) and (end is None or end >= as_of)


def _standard(name: str) -> str | None:
    text = name.casefold().replace(" ", "")
    if "soc2" in text and ("typeii" in text or "type2" in text):
        return "soc2_type2"
    if "42001" in text:
        return "iso42001"
    if "27001" in text:
        return "iso27001"
    return None


def default_analyze() -> AnalyzeFn | None:
    """The ownership analysis (``desktop.services.ownership.analyze``)."""
    from desktop.services.ownership import analyze

    fn: AnalyzeFn = analyze
    return fn


def _range_max(value: Any) -> float:
    if isinstance(value, list | tuple) and value:
        numbers = [float(v) for v in value if isinstance(v, int | float)]
        return max(numbers) if numbers else 0.0
    if isinstance(value, int | float):
        return float(value)
    return 0.0


def ownership_facts(analysis: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``ownership`` and ``people`` facts from one ownership analysis (None: not analysed)."""
    if analysis is None:
        return ({"analysed": False, "competitor_max_economic": None, "competitor_max_voting": None,
                 "competitor_controls": None, "competitor_board_seats": None, "competitors": None,
                 "findings": None, "finding_messages": None, "unknown_share": None, "recent_change": None},
                {"competitor_ties": None, "tie_messages": None})
    groups = list(analysis.get("competitor_groups") or [])
    parties = [p for p in analysis.get("parties") or [] if p.get("competitor")]
    economic = max([_range_max(g.get("economic")) for g in groups] + [_range_max(p.get("economic")) for p in parties]
                   + [0.0])
    voting = max([_range_max(g.get("voting")) for g in groups] + [_range_max(p.get("voting")) for p in parties]
                 + [0.0])
    controls = any(bool(g.get("controls")) for g in groups) or any(bool(p.get("controls")) for p in parties)
    seats = sum(int(g.get("board_seats") or 0) for g in groups)
    findings = list(analysis.get("findings") or [])
    codes = sorted({str(f.get("code")) for f in findings if f.get("code")})
    names = sorted({str(g.get("competitor")) for g in groups if g.get("competitor")}
                   | {str(p.get("competitor_group")) for p in parties if p.get("competitor_group")})
    messages = [str(f.get("message")) for f in findings if f.get("code") in COMPETITOR_CODES and f.get("message")]
    ties = list(analysis.get("people_ties") or [])
    return ({"analysed": True, "competitor_max_economic": round(economic, 4), "competitor_max_voting": round(voting, 4),
             "competitor_controls": controls, "competitor_board_seats": seats, "competitors": names,
             "findings": codes, "finding_messages": messages, "unknown_share": "UNKNOWN_SHARE" in codes,
             "recent_change": "RECENT_OWNERSHIP_CHANGE" in codes},
            {"competitor_ties": len(ties), "tie_messages": [str(t.get("message") or t.get("person")) for t in ties]})


def competitor_linked(analysis: dict[str, Any]) -> list[str]:
    """Competitors linked to a party (owners, control, board seats or people) per its analysis."""
    names = {str(g.get("competitor")) for g in analysis.get("competitor_groups") or [] if g.get("competitor")}
    names |= {str(p.get("competitor_group") or p.get("name")) for p in analysis.get("parties") or []
              if p.get("competitor")}
    names |= {str(t.get("competitor")) for t in analysis.get("people_ties") or [] if t.get("competitor")}
    if not names and any(f.get("code") in COMPETITOR_CODES for f in analysis.get("findings") or []):
        names.add("a competitor")
    return sorted(names)


def build_facts(engine: Engine, vendor_id: int, as_of: date | None = None,
                analyze_fn: AnalyzeFn | None = None) -> dict[str, Any]:
    """All facts about ``vendor_id`` on ``as_of`` (today by default). See FACT_PATHS."""
    as_of = as_of or date.today()
    fn = analyze_fn if analyze_fn is not None else default_analyze()
    with read_session(engine) as session:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound(tr("There is no vendor #{vendor_id}.", vendor_id=vendor_id))
        party = session.get(Party, vendor.party_id)
        assert party is not None
        contracts = [c for c in session.exec(select(Contract).where(
            Contract.vendor_id == vendor_id, col(Contract.archived_at).is_(None))).all()
            if _in_force(c.start_date, c.end_date, as_of)]
        certs = [c for c in session.exec(select(Certification).where(
            Certification.vendor_id == vendor_id, col(Certification.archived_at).is_(None))).all()
            if _in_force(c.valid_from, c.valid_until, as_of)]
        commitments = [c for c in session.exec(select(Commitment).where(
            Commitment.vendor_id == vendor_id, col(Commitment.archived_at).is_(None))).all()
            if _in_force(c.valid_from, c.valid_until, as_of)]
        locations = session.exec(select(DataLocation).where(DataLocation.vendor_id == vendor_id)).all()
        subs = [(s, session.get(Party, s.party_id)) for s in session.exec(select(Subprocessor).where(
            Subprocessor.vendor_id == vendor_id, col(Subprocessor.archived_at).is_(None),
            or_(col(Subprocessor.end_date).is_(None), col(Subprocessor.end_date) >= as_of))).all()
            if s.start_date is None or s.start_date <= as_of]
        vendor_party_id = vendor.party_id
        sub_rows = [(s.party_id, p.name if p else f"party #{s.party_id}") for s, p in subs]
        facts: dict[str, Any] = {
            "as_of": as_of.isoformat(),
            "vendor": {"name": party.name, "tier": vendor.tier, "country": party.country},
        }

        hours = [c.breach_notice_hours for c in contracts if c.breach_notice_hours is not None]
        facts["contracts"] = {
            "active_count": len(contracts),
            **{name: any(bool(getattr(c, name)) for c in contracts) for name in (
                "change_of_control_termination", "ownership_change_notice", "audit_rights", "exclusivity",
                "data_use_restriction", "deletion_on_termination")},
            "min_breach_notice_hours": min(hours) if hours else None,
        }

        cert_facts: dict[str, Any] = {"valid": sorted({c.standard for c in certs})}
        for key in ("soc2_type2", "iso27001", "iso42001"):
            matching = [c for c in certs if _standard(c.standard) == key]
            cert_facts[f"{key}_valid"] = bool(matching)
            ends = [c.valid_until for c in matching if c.valid_until is not None]
            cert_facts[f"{key}_days_to_expiry"] = (max(ends) - as_of).days if ends else None
        security = [c for c in certs if _standard(c.standard) in ("soc2_type2", "iso27001")]
        cert_facts["security_valid"] = bool(security)
        sec_ends = [c.valid_until for c in security if c.valid_until is not None]
        cert_facts["security_days_to_expiry"] = (max(sec_ends) - as_of).days if sec_ends else None
        facts["certs"] = cert_facts

        kinds = sorted({c.kind for c in commitments})
        facts["commitments"] = {"kinds": kinds, **{k.value: k.value in kinds for k in CommitmentKind
                                                   if k is not CommitmentKind.OTHER}}

        countries = sorted({loc.country.upper() for loc in locations})
        outside = [c for c in countries if c not in EEA]
        facts["data"] = {"countries": countries, "location_count": len(locations),
                         "outside_eea": bool(outside) if countries else None, "outside_eea_countries": outside}

    analysis: dict[str, Any] | None = None
    if fn is not None:
        analysis = fn(engine, vendor_party_id, as_of)
    own, people = ownership_facts(analysis)
    if analyze_fn is None and (own.get("finding_messages") or people.get("tie_messages")):
        # The messages quoted by rule explanations, in Spanish too (render() picks "<path>_es"); only
        # when there is something to quote, so a vendor without competitor links costs one analysis.
        from desktop.services.ownership import analyze

        own_es, people_es = ownership_facts(analyze(engine, vendor_party_id, as_of, lang="es"))
        own["finding_messages_es"] = own_es["finding_messages"]
        people["tie_messages_es"] = people_es["tie_messages"]
    facts["ownership"] = own
    facts["people"] = people

    linked: list[str] = []
    analysed = fn is not None
    for sub_party_id, name in sub_rows:
        if fn is None:
            continue
        competitors = competitor_linked(fn(engine, sub_party_id, as_of))
        if competitors:
            linked.append(f"{name} ({', '.join(competitors)})")
    facts["subprocessors"] = {
        "count": len(sub_rows),
        "names": sorted(name for _pid, name in sub_rows),
        "analysed": analysed,
        "competitor_linked": bool(linked) if analysed else None,
        "competitor_linked_names": linked if analysed else None,
    }
    return facts
