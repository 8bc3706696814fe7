"""What a vendor's competitor exposure is: the severity levels (stored as integers so SQL sorts them) and their
labels, the register's filters, ``Exposure`` itself, ``exposure_of`` (an ownership analysis' result as an
exposure) and ``row_exposure`` (a stored row as one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop.core.i18n import NP_, ptr
from desktop.core.ownership import Analysis
from desktop.core.ownership.model import Range

# Severity levels (stored as integers so SQL sorts them).
NONE, PEOPLE, STAKE, CONTROL = 0, 1, 2, 3
LEVELS = ("none", "people", "stake", "control")
LEVEL_LABELS = {"none": NP_("exposure level", "none"), "people": NP_("exposure level", "linked people"),
                "stake": NP_("exposure level", "stake"), "control": NP_("exposure level", "control")}
# The register's filter: code -> the severities it keeps.
FILTERS: dict[str, tuple[int, ...]] = {
    "any": (PEOPLE, STAKE, CONTROL), "control": (CONTROL,), "stake": (STAKE, CONTROL), "people": (PEOPLE,),
    "none": (NONE,),
}


def level_label(level: str, lang: str | None = None) -> str:
    return ptr("exposure level", LEVEL_LABELS[level], lang) if level in LEVEL_LABELS else level


@dataclass(frozen=True)
class Exposure:
    """A vendor's competitor exposure (the group with the highest exposure; people of every group)."""

    severity: int = NONE
    competitor: str | None = None
    economic: Range = (0.0, 0.0)
    voting: Range = (0.0, 0.0)
    controlled: bool = False
    controlled_via: str | None = None
    board_seats: int = 0
    linked_names: tuple[str, ...] = ()
    as_of: date | None = None

    @property
    def level(self) -> str:
        return LEVELS[self.severity]

    @property
    def stake(self) -> float:
        return max(self.economic[1], self.voting[1])

    @property
    def linked_people(self) -> int:
        return len(self.linked_names)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "severity": self.severity, "competitor": self.competitor,
                "economic": list(self.economic), "voting": list(self.voting), "controlled": self.controlled,
                "controlled_via": self.controlled_via, "board_seats": self.board_seats,
                "linked_people": self.linked_people, "linked_names": list(self.linked_names),
                "as_of": self.as_of.isoformat() if self.as_of else None}


NO_EXPOSURE = Exposure()


def exposure_of(analysis: Analysis) -> Exposure:
    """The exposure the analysis found: its most exposed competitor group (control first, then the
    larger stake) and every competitor-linked person (in the web, or tied to the vendor's side)."""
    groups = [g for g in analysis.competitor_groups
              if g.economic[1] > 0 or g.voting[1] > 0 or g.controls or g.board_seats]
    top = max(groups, key=lambda g: (g.controls, max(g.economic[1], g.voting[1]), g.economic[1], g.voting[1],
                                     g.board_seats), default=None)
    people = {p.name for p in analysis.parties if p.kind == "person" and p.competitor_linked}
    people.update(t.person for t in analysis.people_ties)
    linked = tuple(sorted(people))
    if top is None:
        if not linked:
            return Exposure(as_of=analysis.as_of)
        names = sorted({t.competitor for t in analysis.people_ties} | {
            link.competitor for p in analysis.parties if p.kind == "person" for link in p.competitor_links})
        return Exposure(PEOPLE, names[0] if names else None, linked_names=linked, as_of=analysis.as_of)
    via: str | None = None
    if top.controls:
        controllers = [p for p in analysis.parties if p.controls and p.competitor_linked
                       and any(link.competitor == top.competitor for link in p.competitor_links)]
        controllers.sort(key=lambda p: (p.kind != "person", not p.competitor, -p.voting[1], p.name))
        if controllers and controllers[0].name != top.competitor:
            via = controllers[0].name
    return Exposure(CONTROL if top.controls else STAKE, top.competitor, top.economic, top.voting, top.controls,
                    via, top.board_seats, linked, analysis.as_of)


def row_exposure(row: Any) -> Exposure:
    """An ``Exposure`` from a stored row (or a row of the register's query with the same column names);
    NO_EXPOSURE when the vendor has none stored yet."""
    severity = getattr(row, "severity", None)
    if severity is None:
        return NO_EXPOSURE
    names = getattr(row, "linked_names", "") or ""
    return Exposure(int(severity), row.competitor, (float(row.economic_min), float(row.economic_max)),
                    (float(row.voting_min), float(row.voting_max)), bool(row.controlled), row.controlled_via,
                    int(row.board_seats or 0), tuple(n for n in names.split("\n") if n), row.as_of)


def dumps(e: Exposure) -> str:
    return json.dumps(e.to_dict(), sort_keys=True)
