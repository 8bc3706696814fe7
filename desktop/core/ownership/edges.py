"""The edges of the ownership graph in words: stakes between holders and held, people's roles with their dates.

Qt-free: the graph widget (desktop/ui/ownership/graph/) draws what ``web_edges`` returns. One edge per
holder and held entity and kind: the shareholding and votes of a holder in one line ("49% / votes 0%"),
the roles of a person at one entity one per line ("Chief AI Officer, since 13 Jun 2025"). Roles that
ended inside the people look-back window stay in the graph, marked ended: a chief executive who left
for a competitor last year is what the reader must see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from desktop.core.i18n import tr
from desktop.core.ownership.model import OWNERSHIP_TYPES, InterestInfo
from desktop.core.ownership.text import day_text, fmt_range, type_label

OWNERSHIP = "ownership"
ROLE = "role"


@dataclass
class GraphEdge:
    """One line of the graph from ``holder`` to ``held``."""

    holder: int
    held: int
    kind: str  # ownership | role
    lines: list[str] = field(default_factory=list)  # the label, one line per stake or role
    ended: bool = False  # every role on it has ended (drawn fainter)
    interest_ids: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "\n".join(self.lines)

    def tooltip(self, names: Mapping[int, str], lang: str = "en") -> str:
        """The edge in words with both parties: 'Alex Marlow → Scalewise Data Inc.:' and its lines."""
        head = tr("{holder} → {held}:", lang, holder=names.get(self.holder, "?"), held=names.get(self.held, "?"))
        return "\n".join([head, *self.lines])


def role_period(i: InterestInfo, as_of: date, lang: str = "en") -> str:
    """A role's dates in words: 'since 13 Jun 2025', '1 Aug 2016 – 12 Jun 2025 (ended)', 'until 1 Jan 2027'."""
    if i.end is not None and i.end < as_of:
        if i.start is not None:
            return tr("{start} – {end} (ended)", lang, start=day_text(i.start, lang), end=day_text(i.end, lang))
        return tr("until {end} (ended)", lang, end=day_text(i.end, lang))
    if i.start is not None and i.end is not None:
        return tr("{start} – {end}", lang, start=day_text(i.start, lang), end=day_text(i.end, lang))
    if i.start is not None:
        return tr("since {start}", lang, start=day_text(i.start, lang))
    if i.end is not None:
        return tr("until {end}", lang, end=day_text(i.end, lang))
    return tr("dates not recorded", lang)


def role_line(i: InterestInfo, as_of: date, lang: str = "en") -> str:
    """'Chief AI Officer, since 13 Jun 2025'; a role without a title is named by its type."""
    role = i.role_title or type_label(i.type, lang)
    return tr("{role}, {period}", lang, role=role, period=role_period(i, as_of, lang))


def web_edges(interests: Iterable[InterestInfo], nodes: set[int], as_of: date, lookback_start: date,
              lang: str = "en") -> list[GraphEdge]:
    """The edges between ``nodes`` on ``as_of``: stakes (shareholding, votes) active that day, and
    every other interest (roles, influence, board appointment) active that day or ended since
    ``lookback_start``. Sorted by holder, held and kind, so the drawing is the same every time."""
    stakes: dict[tuple[int, int], dict[str, tuple[float, float]]] = {}
    stake_ids: dict[tuple[int, int], list[int]] = {}
    roles: dict[tuple[int, int], list[InterestInfo]] = {}
    for i in interests:
        if i.holder not in nodes or i.subject not in nodes or i.holder == i.subject:
            continue
        pair = (i.holder, i.subject)
        if i.type in OWNERSHIP_TYPES:
            if not i.active_on(as_of):
                continue
            lo, hi = i.share_range
            entry = stakes.setdefault(pair, {})
            old = entry.get(i.type, (0.0, 0.0))
            entry[i.type] = (old[0] + lo, min(100.0, old[1] + hi))
            stake_ids.setdefault(pair, []).append(i.id)
        elif i.started_by(as_of) and (i.end is None or i.end >= lookback_start):
            roles.setdefault(pair, []).append(i)
    edges: list[GraphEdge] = []
    for pair, kinds in stakes.items():
        share, votes = kinds.get("shareholding"), kinds.get("voting_rights")
        if share is not None and (votes is None or votes == share):
            line = fmt_range(share, lang)
        elif share is not None and votes is not None:
            line = tr("{share} / votes {votes}", lang, share=fmt_range(share, lang), votes=fmt_range(votes, lang))
        else:
            assert votes is not None
            line = tr("votes {votes}", lang, votes=fmt_range(votes, lang))
        edges.append(GraphEdge(pair[0], pair[1], OWNERSHIP, [line], interest_ids=sorted(stake_ids[pair])))
    for pair, found in roles.items():
        found.sort(key=lambda r: (r.end is not None and r.end < as_of, r.start or date.min, r.id))
        ended = all(r.end is not None and r.end < as_of for r in found)
        edges.append(GraphEdge(pair[0], pair[1], ROLE, [role_line(r, as_of, lang) for r in found], ended,
                               sorted(r.id for r in found)))
    edges.sort(key=lambda e: (e.holder, e.held, e.kind))
    return edges
