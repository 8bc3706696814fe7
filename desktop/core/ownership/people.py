"""People: who holds a role where, who is linked to a competitor, and who moved between the vendor's
side and a competitor (exchange of managerial personnel).

A natural person is *competitor-linked* on a date when, on that date, they hold a role at a member of a
competitor group: board member or chair, senior managing official, or owner of at least the
beneficial-ownership threshold. Their stakes and control then count toward that competitor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from desktop.core.i18n import tr
from desktop.core.ownership.model import BOARD_TYPES, ROLE_TYPES, InterestInfo, PartyInfo
from desktop.core.ownership.results import PeopleTie
from desktop.core.ownership.text import role_clause, role_label

_ROLE_RANK = {"senior_managing_official": 0, "board_chair": 1, "board_member": 2, "shareholding": 3}


class RoleIndex:
    """Roles (board, management) and significant person owners, per entity, in the order of the interests."""

    def __init__(self, started: Iterable[InterestInfo], parties: Mapping[int, PartyInfo], owner_threshold: float):
        self.roles_in: dict[int, list[tuple[int, InterestInfo]]] = {}
        self.owners_in: dict[int, list[tuple[int, InterestInfo]]] = {}
        for k, i in enumerate(started):
            kind = i.type
            if kind == "shareholding":
                low = i.share_exact if i.share_exact is not None else (i.share_min or 0.0)
                if low >= owner_threshold:
                    holder = parties.get(i.holder)
                    if holder is not None and holder.kind == "person":
                        self.owners_in.setdefault(i.subject, []).append((k, i))
            elif kind in ROLE_TYPES:
                self.roles_in.setdefault(i.subject, []).append((k, i))

    def at(self, entities: set[int]) -> list[InterestInfo]:
        """Roles at ``entities`` in the order of the interests, then significant person owners."""
        out: list[InterestInfo] = []
        for index in (self.roles_in, self.owners_in):
            found = [pair for e in entities for pair in index.get(e, ())] \
                if len(entities) < len(index) else [pair for e, lst in index.items() if e in entities for pair in lst]
            found.sort(key=lambda pair: pair[0])
            out.extend(i for _k, i in found)
        return out


def linked_people(index: RoleIndex, members: set[int], parties: Mapping[int, PartyInfo],
                  as_of: date) -> dict[int, list[InterestInfo]]:
    """Persons with a role at a group member on ``as_of`` -> those roles (most senior first)."""
    out: dict[int, list[InterestInfo]] = {}
    for i in index.at(members):
        holder = parties.get(i.holder)
        if holder is not None and holder.kind == "person" and i.active_on(as_of):
            out.setdefault(i.holder, []).append(i)
    for roles in out.values():
        roles.sort(key=lambda r: _ROLE_RANK.get(r.type, 9))
    return out


def board_seats(active: Iterable[InterestInfo], subject: int, members: set[int],
                linked: Mapping[int, list[InterestInfo]]) -> tuple[int, list[tuple[InterestInfo, InterestInfo]]]:
    """Seats on the subject's board held by group members or by people linked to the group; the second
    value pairs each linked person's seat with the role that links them."""
    seats = 0
    people: list[tuple[InterestInfo, InterestInfo]] = []
    for i in active:
        if i.subject != subject or i.type not in BOARD_TYPES:
            continue
        if i.holder in members:
            seats += 1
        elif i.holder in linked:
            seats += 1
            people.append((i, linked[i.holder][0]))
    return seats, people


def gap_days(a: InterestInfo, b: InterestInfo) -> int:
    """Days between two periods (0 when they overlap); open ends run forever."""
    a_start, a_end = a.start or date.min, a.end or date.max
    b_start, b_end = b.start or date.min, b.end or date.max
    if a_end < b_start:
        return (b_start - a_end).days
    if b_end < a_start:
        return (a_start - b_end).days
    return 0


@dataclass
class Tie:
    tie: PeopleTie
    holder: int
    others: int  # further role pairs of the same person with this group


def people_ties(index: RoleIndex, vendor_side: set[int], members: set[int], parties: Mapping[int, PartyInfo],
                as_of: date, lookback_start: date, group: str, lang: str) -> list[Tie]:
    """Role pairs of one person at the vendor's side and at a group member, at the same time or with the
    gap between them inside the look-back window, both started by the date and neither ended before
    the window. Sorted by person, then the most senior vendor-side role and the smallest gap."""
    name = {pid: p.name for pid, p in parties.items()}
    member_roles = [i for i in index.at(members) if parties.get(i.holder) and parties[i.holder].kind == "person"]
    if not member_roles:
        return []
    window = (as_of - lookback_start).days
    found: list[tuple[int, int, InterestInfo, InterestInfo]] = []
    for vr in index.at(vendor_side):
        holder = parties.get(vr.holder)
        if holder is None or holder.kind != "person":
            continue
        for cr in member_roles:
            if cr.holder != vr.holder:
                continue
            gap = gap_days(vr, cr)
            if gap > window:
                continue
            if min(vr.end or date.max, cr.end or date.max) < lookback_start:  # both roles recent
                continue
            found.append((_ROLE_RANK.get(vr.type, 9), gap, vr, cr))
    found.sort(key=lambda t: (name[t[2].holder], t[0], t[1], role_label(t[2]), role_label(t[3])))
    per_person: dict[int, int] = {}
    for _rank, _gap, vr, _cr in found:
        per_person[vr.holder] = per_person.get(vr.holder, 0) + 1
    out: list[Tie] = []
    for _rank, gap, vr, cr in found:
        vendor_side_text = role_clause(vr, name[vr.subject], as_of, lang, person=name[vr.holder])
        competitor_side_text = role_clause(cr, name[cr.subject], as_of, lang)
        message = tr("{vendor_side} and {competitor_side} ({group} group): exchange of managerial personnel.",
                     lang, vendor_side=vendor_side_text, competitor_side=competitor_side_text, group=group)
        tie = PeopleTie(person=name[vr.holder], vendor_role=role_label(vr), competitor=group,
                        competitor_role=role_label(cr), gap_days=gap, message=message,
                        vendor_entity=name[vr.subject], competitor_entity=name[cr.subject],
                        vendor_role_start=vr.start, vendor_role_end=vr.end,
                        competitor_role_start=cr.start, competitor_role_end=cr.end)
        out.append(Tie(tie, vr.holder, per_person[vr.holder] - 1))
    return out
