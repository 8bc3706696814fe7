"""The ownership part of the report model: the chart from the recorded interests, and the stakes,
competitor groups, people ties (with both sides' dates) and subprocessor links from the analysis.

The analysis dict is read defensively: keys added later (``competitor_linked``, role dates,
``subprocessors``) are shown when present and never required.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from db.models import Competitor, CompetitorAffiliate, Interest, Party
from desktop.core.findings_text import readable_paths, role_span, share_range
from desktop.core.i18n import tr
from desktop.report import model as m

OWNERSHIP_TYPES = ("shareholding", "voting_rights")
CONTROL_TYPES = ("appointment_of_board", "other_influence_or_control", "rights_by_contract", "nominee")
MAX_CHART_PARTIES = 400


def _pair(v: Any) -> tuple[float, float] | None:
    if isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, int | float) for x in v):
        return float(v[0]), float(v[1])
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v), float(v)
    return None


def _share_label(i: Interest, lang: str) -> str:
    if i.share_exact is not None:
        return share_range(i.share_exact, lang)
    if i.share_min is not None or i.share_max is not None:
        return share_range([i.share_min or 0, i.share_max if i.share_max is not None else 100], lang)
    return "?"


def _competitor_parties(session: Session) -> dict[int, str]:
    out: dict[int, str] = {}
    for comp in session.exec(select(Competitor).where(col(Competitor.archived_at).is_(None))).all():
        if comp.party_id is not None:
            out[comp.party_id] = comp.name
        for aff in session.exec(select(CompetitorAffiliate).where(col(CompetitorAffiliate.competitor_id) == comp.id)):
            if aff.party_id is not None:
                out[aff.party_id] = comp.name
    return out


def _chart(session: Session, vendor_party_id: int, analysis: Mapping[str, Any] | None, as_of: date,
           lang: str) -> tuple[list[m.ChartNode], list[m.ChartEdge]]:
    """The web of holdings above the vendor, straight from the interest table."""
    competitor_parties = _competitor_parties(session)
    seen: set[int] = {vendor_party_id}
    frontier = [vendor_party_id]
    pair_labels: dict[tuple[int, int], dict[str, str]] = {}
    while frontier and len(seen) < MAX_CHART_PARTIES:
        rows = session.exec(select(Interest).where(col(Interest.subject_id).in_(frontier))
                            .where(col(Interest.archived_at).is_(None))).all()
        frontier = []
        for i in rows:
            if (i.end_date is not None and i.end_date < as_of) or (i.start_date is not None and i.start_date > as_of):
                continue
            if i.interest_type not in OWNERSHIP_TYPES + CONTROL_TYPES:
                continue
            labels = pair_labels.setdefault((i.interested_party_id, i.subject_id), {})
            if i.interest_type == "shareholding":
                labels["eco"] = _share_label(i, lang)
            elif i.interest_type == "voting_rights":
                labels["vote"] = _share_label(i, lang)
            else:
                labels["ctl"] = tr("controls", lang)
            if i.interested_party_id not in seen:
                seen.add(i.interested_party_id)
                frontier.append(i.interested_party_id)
    parties = {p.id: p for p in session.exec(select(Party).where(col(Party.id).in_(seen))).all()}
    flagged = {str(p.get("name", "")) for p in (analysis or {}).get("parties") or []
               if isinstance(p, Mapping) and (p.get("competitor") or p.get("competitor_linked"))}
    nodes = [m.ChartNode(key=str(pid), label=p.name, kind=p.kind,
                         competitor=pid in competitor_parties or p.name in flagged)
             for pid, p in parties.items() if pid is not None]
    edges = []
    for (owner, owned), labels in pair_labels.items():
        eco, vote = labels.get("eco", ""), labels.get("vote", "")
        if eco and vote:
            label = tr("{economic} / {votes} v", lang, economic=eco, votes=vote)
        else:
            label = eco or vote or labels.get("ctl", "")
        edges.append(m.ChartEdge(owner=str(owner), owned=str(owned), label=label))
    return nodes, edges


def _links(party: Mapping[str, Any], lang: str) -> str:
    """How a person is linked to a competitor: "Chief AI Officer at Contoso since 13 Jun 2025"."""
    texts = []
    for link in party.get("competitor_links") or []:
        if isinstance(link, Mapping):
            role = str(link.get("role") or link.get("interest_type") or "").replace("_", " ")
            entity = str(link.get("entity") or link.get("competitor") or link.get("group") or "")
            text = tr("{role} at {entity}", lang, role=role, entity=entity) if role and entity else (role or entity)
            span = role_span(link.get("start") or link.get("start_date"), link.get("end") or link.get("end_date"), lang)
            texts.append(f"{text} {span}".strip())
        elif isinstance(link, str):
            texts.append(link)
    return "; ".join(t for t in texts if t)


def _tie(t: Mapping[str, Any]) -> m.PeopleTie:
    def s(key: str) -> str:
        value = t.get(key)
        return "" if value is None else str(value)

    return m.PeopleTie(person=s("person"), competitor=s("competitor"), vendor_role=s("vendor_role"),
                       vendor_entity=s("vendor_entity"), vendor_start=s("vendor_role_start"),
                       vendor_end=s("vendor_role_end"), competitor_role=s("competitor_role"),
                       competitor_entity=s("competitor_entity") or s("competitor"),
                       competitor_start=s("competitor_role_start"), competitor_end=s("competitor_role_end"),
                       message=s("message") or s("description"))


def _subprocessor_links(raw: Any, lang: str) -> list[m.SubprocessorLink]:
    if isinstance(raw, Mapping):
        items = raw.get("items") or raw.get("chain") or raw.get("subprocessors") or []
    else:
        items = raw
    out: list[m.SubprocessorLink] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        competitor = item.get("competitor") or item.get("competitor_group")
        if not competitor and not item.get("competitor_linked"):
            continue
        path = item.get("path")
        path_text = (" → ".join(map(str, path)) if isinstance(path, list) and all(isinstance(x, str) for x in path)
                     else "; ".join(readable_paths(item.get("paths") or ([path] if path else []), lang)))
        out.append(m.SubprocessorLink(name=str(item.get("name") or item.get("party") or "?"),
                                      competitor=str(competitor or ""), path=path_text,
                                      message=str(item.get("message") or "")))
    return out


def ownership_model(session: Session, vendor_party: Party, analysis: Mapping[str, Any] | None, as_of: date,
                    lang: str) -> m.Ownership:
    assert vendor_party.id is not None
    nodes, edges = _chart(session, vendor_party.id, analysis, as_of, lang)
    result = m.Ownership(available=analysis is not None, subject=str(vendor_party.id), nodes=nodes, edges=edges)
    if analysis is None:
        return result
    for p in analysis.get("parties") or []:
        if not isinstance(p, Mapping):
            continue
        flag = p.get("competitor")
        group = p.get("competitor_group")
        competitor = group if isinstance(group, str) and group else flag if isinstance(flag, str) else ""
        if not competitor and flag is True:
            competitor = tr("Yes", lang)
        result.parties.append(m.OwnershipParty(
            name=str(p.get("name", "")), kind=str(p.get("kind", "entity")), economic=_pair(p.get("economic")),
            voting=_pair(p.get("voting")), controls=bool(p.get("controls")), competitor=competitor,
            competitor_linked=bool(p.get("competitor_linked")), links=_links(p, lang)))
    for g in analysis.get("competitor_groups") or []:
        if isinstance(g, Mapping):
            members = g.get("members") or g.get("parties") or []
            name = str(g.get("name") or g.get("competitor") or "")
            result.competitor_groups.append(f"{name}: {', '.join(map(str, members))}" if members else name)
        else:
            result.competitor_groups.append(str(g))
    result.people_ties = [_tie(t) for t in analysis.get("people_ties") or [] if isinstance(t, Mapping)]
    result.subprocessors = _subprocessor_links(analysis.get("subprocessors"), lang)
    return result
