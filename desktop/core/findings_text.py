"""Readable ownership paths and people-tie moves, in English and Spanish, from an analysis dict.

The ownership analysis (``analyze --json``) describes each party's holding chains as lists of hops
``{name, share, voting}`` and each people tie with the roles on both sides. These helpers turn
them into the short texts a reader needs next to a finding: "Contoso Platforms Inc. -> Contoso
Ventures LLC (100%) -> Scalewise Data Inc. (49%, 0% of the votes)", or "Alex Marlow: Chief
Executive Officer at Scalewise Data Inc. until 12 Jun 2025 → Chief AI Officer at Contoso
Platforms Inc. since 13 Jun 2025". Long chains are summarised, never dropped. Every key is read
defensively: an analysis without it still yields text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from desktop.core.i18n import format_date, tr
from desktop.core.ownership.text import fmt_pct, fmt_range
from desktop.core.ownership.text import path_text as join_path

LANGS = ("en", "es")


def percent(value: float, lang: str) -> str:
    """49 -> '49%', 19.8 -> '19.8%' / '19,8%': the analysis' own style (``ownership.text.fmt_pct``)."""
    return fmt_pct(float(value), lang)


def share_range(value: Any, lang: str) -> str:
    """A share given as a number or a [low, high] pair; '' when unknown."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return percent(value, lang)
    if isinstance(value, list | tuple) and len(value) == 2 and all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in value):
        return fmt_range((float(value[0]), float(value[1])), lang)
    return ""


def _hop_label(hop: Mapping[str, Any], lang: str) -> str:
    name = str(hop.get("name") or "?")
    share = share_range(hop.get("share"), lang)
    votes = share_range(hop.get("voting"), lang)
    if share and votes and votes != share:
        return tr("{name} ({share}, {votes} of the votes)", lang, name=name, share=share, votes=votes)
    if share or votes:
        return tr("{name} ({share})", lang, name=name, share=share or votes)
    return name


def path_text(hops: Sequence[Any], lang: str) -> str:
    """One holding chain as text, owner first, written and summarised as the analysis writes its paths
    (``desktop.core.ownership.text.path_text``): one style of path in the whole report."""
    nodes = [h for h in hops if isinstance(h, Mapping)]
    if not nodes:
        return ""
    return join_path([_hop_label(h, lang) for h in nodes], lang)


def readable_paths(raw: Any, lang: str) -> list[str]:
    """Paths given as text already (the analysis' ``paths``) or as lists of hops."""
    out: list[str] = []
    for item in raw if isinstance(raw, list | tuple) else []:
        if isinstance(item, str):
            text = item
        elif isinstance(item, list | tuple):
            text = path_text(item, lang)
        elif isinstance(item, Mapping):
            text = str(item.get("text") or item.get(lang) or item.get("en") or "")
        else:
            text = ""
        if text and text not in out:
            out.append(text)
    return out


def _date(value: Any, lang: str) -> str:
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, str) and value:
        try:
            return format_date(date.fromisoformat(value[:10]), lang)
        except ValueError:
            return value
    return ""


def role_span(start: Any, end: Any, lang: str) -> str:
    """'from 1 Jan 2020 to 12 Jun 2025', 'since …', 'until …' or '' (dates are ISO strings)."""
    first, last = _date(start, lang), _date(end, lang)
    if first and last:
        return tr("from {start} to {end}", lang, start=first, end=last)
    if first:
        return tr("since {start}", lang, start=first)
    if last:
        return tr("until {end}", lang, end=last)
    return ""


def _role(role: Any, entity: Any, start: Any, end: Any, lang: str) -> str:
    text = tr("{role} at {entity}", lang, role=str(role or "?"), entity=str(entity or "?"))
    span = role_span(start, end, lang)
    return f"{text} {span}" if span else text


def tie_move(tie: Mapping[str, Any], lang: str) -> str:
    """A people tie as the move it describes, with each side's dates when the analysis gives them."""
    vendor_side = _role(tie.get("vendor_role"), tie.get("vendor_entity"), tie.get("vendor_role_start"),
                        tie.get("vendor_role_end"), lang)
    competitor_side = _role(tie.get("competitor_role"), tie.get("competitor_entity") or tie.get("competitor"),
                            tie.get("competitor_role_start"), tie.get("competitor_role_end"), lang)
    return f"{tie.get('person') or '?'}: {vendor_side} → {competitor_side}"


def party_paths(analysis: Mapping[str, Any] | None, names: Sequence[str], lang: str) -> list[str]:
    """The holding chains of the first of ``names`` the analysis has chains for."""
    if not analysis:
        return []
    parties = {str(p.get("name")): p for p in analysis.get("parties") or [] if isinstance(p, Mapping)}
    for name in names:
        party = parties.get(name)
        if party is not None:
            paths = readable_paths(party.get("paths"), lang)
            if paths:
                return paths
    return []


def competitor_of(analysis: Mapping[str, Any] | None, names: Sequence[str]) -> str | None:
    """The competitor group one of ``names`` belongs to (or is linked to), per the analysis."""
    if not analysis:
        return None
    for party in analysis.get("parties") or []:
        if not isinstance(party, Mapping) or str(party.get("name")) not in names:
            continue
        group = party.get("competitor_group")
        if isinstance(group, str) and group:
            return group
        if isinstance(party.get("competitor"), str) and party.get("competitor"):
            return str(party["competitor"])
        for link in party.get("competitor_links") or []:
            if isinstance(link, Mapping) and (link.get("competitor") or link.get("group")):
                return str(link.get("competitor") or link.get("group"))
    for group in analysis.get("competitor_groups") or []:
        if isinstance(group, Mapping):
            members = [str(m) for m in group.get("members") or []]
            name = str(group.get("competitor") or group.get("name") or "")
            if name and (name in names or any(m in names for m in members)):
                return name
    return None
