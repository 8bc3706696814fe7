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
    "COMPETITOR_CONTROL", "COMPETITOR_LINKED_PERSON_CONTROL", "COMPETITOR_ECONOMIC_STAKE", "COMPETITOR_VOTING_STAKE",
    "COMPETITOR_BOARD_SEAT", "PEOPLE_TIE_COMPETITOR", "SUBPROCESSOR_COMPETITOR_CONTROL",
    "SUBPROCESSOR_COMPETITOR_STAKE", "SUBPROCESSOR_COMPETITOR_PEOPLE",
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


def _names(findings: list[dict[str, Any]], code: str) -> list[str]:
    """The first party named by each finding of ``code`` (the party the finding is about)."""
    return sorted({str(f["parties"][0]) for f in findings if f.get("code") == code and f.get("parties")})


def ownership_facts(analysis: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``ownership`` and ``people`` facts from one ownership analysis (None: not analysed)."""
    if analysis is None:
        return ({"analysed": False, "competitor_max_economic": None, "competitor_max_voting": None,
                 "competitor_controls": None, "competitor_board_seats": None, "competitors": None,
                 "findings": None, "finding_messages": None, "unknown_share": None, "recent_change": None,
                 "unidentified_owners": None, "owners_identified": None},
                {"competitor_ties": None, "tie_messages": None, "competitor_linked": None,
                 "competitor_linked_names": None, "tied_board_members": None})
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
    unidentified = _names(findings, "OWNER_NOT_IDENTIFIED")
    linked = [p for p in analysis.get("parties") or [] if p.get("kind") == "person" and p.get("competitor_linked")]
    linked_names = []
    for p in sorted(linked, key=lambda row: str(row.get("name"))):
        roles = [f"{link.get('role')} at {link.get('entity')}" for link in p.get("competitor_links") or []]
        linked_names.append(f"{p.get('name')} ({'; '.join(roles)})" if roles else str(p.get("name")))
    tied = {str(t.get("person")) for t in ties if t.get("person")}
    tied_on_board = [n for n in _names(findings, "COMPETITOR_BOARD_SEAT") if n in tied]
    return ({"analysed": True, "competitor_max_economic": round(economic, 4), "competitor_max_voting": round(voting, 4),
             "competitor_controls": controls, "competitor_board_seats": seats, "competitors": names,
             "findings": codes, "finding_messages": messages, "unknown_share": "UNKNOWN_SHARE" in codes,
             "recent_change": "RECENT_OWNERSHIP_CHANGE" in codes, "unidentified_owners": unidentified,
             "owners_identified": "UNKNOWN_SHARE" not in codes and not unidentified},
            {"competitor_ties": len(ties), "tie_messages": [str(t.get("message") or t.get("person")) for t in ties],
             "competitor_linked": len(linked), "competitor_linked_names": linked_names,
             "tied_board_members": len(tied_on_board)})


def competitor_linked(analysis: dict[str, Any]) -> list[str]:
    """Competitors linked to a party (owners, control, board seats or people) per its analysis."""
    names = {str(g.get("competitor")) for g in analysis.get("competitor_groups") or [] if g.get("competitor")}
    names |= {str(p.get("competitor_group") or p.get("name")) for p in analysis.get("parties") or []
              if p.get("competitor")}
    names |= {str(t.get("competitor")) for t in analysis.get("people_ties") or [] if t.get("competitor")}
    if not names and any(f.get("code") in COMPETITOR_CODES for f in analysis.get("findings") or []):
        names.add("a competitor")
    return sorted(names)


def _subprocessor_facts(engine: Engine, analysis: dict[str, Any] | None, sub_rows: list[tuple[int, str]],
                        as_of: date, fn: AnalyzeFn | None) -> dict[str, Any]:
    """The vendor's subprocessors (``count``, ``names``: its own, in force) and what the analysis found at
    any depth. An analysis without a ``subprocessors`` section (an older shape) is completed by analysing
    each direct subprocessor."""
    facts: dict[str, Any] = {"count": len(sub_rows), "names": sorted(name for _pid, name in sub_rows),
                             "analysed": fn is not None, "competitor_linked": None, "competitor_linked_names": None,
                             "fourth_parties": None}
    if fn is None:
        return facts
    linked: list[str] = []
    if analysis is not None and "subprocessors" in analysis:
        subs = list(analysis.get("subprocessors") or [])
        for sub in subs:
            if sub.get("competitor_linked"):
                who = ", ".join(sub.get("competitors") or [sub.get("competitor") or "a competitor"])
                path = str(sub.get("path_text") or sub.get("name"))
                linked.append(f"{path} ({who})")
        facts["fourth_parties"] = [str(s.get("path_text") or s.get("name")) for s in subs
                                   if int(s.get("depth") or 1) > 1]
    else:
        for sub_party_id, name in sub_rows:
            competitors = competitor_linked(fn(engine, sub_party_id, as_of))
            if competitors:
                linked.append(f"{name} ({', '.join(competitors)})")
        facts["fourth_parties"] = []
    facts["competitor_linked"] = bool(linked)
    facts["competitor_linked_names"] = linked
    return facts


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
            col(Subprocessor.of_party_id).is_(None),
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

    facts["subprocessors"] = _subprocessor_facts(engine, analysis, sub_rows, as_of, fn)
    return facts
