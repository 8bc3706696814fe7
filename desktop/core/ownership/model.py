"""Plain in-memory inputs of the ownership analysis (no database, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

OWNERSHIP_TYPES = frozenset({"shareholding", "voting_rights"})
ROLE_TYPES = frozenset({"board_member", "board_chair", "senior_managing_official"})
BOARD_TYPES = frozenset({"board_member", "board_chair"})

Range = tuple[float, float]


@dataclass(frozen=True)
class PartyInfo:
    id: int
    name: str
    kind: str = "entity"  # entity | person
    is_listed: bool = False  # publicly listed: its owners need not be identified further


@dataclass(frozen=True)
class InterestInfo:
    """One interest of ``holder`` in ``subject``; shares in percent (None where not given)."""

    id: int
    holder: int
    subject: int
    type: str
    share_exact: float | None = None
    share_min: float | None = None
    share_max: float | None = None
    start: date | None = None
    end: date | None = None
    role_title: str = ""
    details: str = ""
    direct_or_indirect: str = "direct"

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def started_by(self, day: date) -> bool:
        return self.start is None or self.start <= day

    @property
    def share_known(self) -> bool:
        return self.share_exact is not None or self.share_min is not None or self.share_max is not None

    @property
    def share_range(self) -> Range:
        """The share as [min, max] percent: exact -> [x, x]; one bound -> open to 0/100; none -> [0, 100]."""
        if self.share_exact is not None:
            return (float(self.share_exact), float(self.share_exact))
        lo = 0.0 if self.share_min is None else float(self.share_min)
        hi = 100.0 if self.share_max is None else float(self.share_max)
        return (lo, hi)


@dataclass(frozen=True)
class AffiliateInfo:
    name: str
    lei: str | None = None
    party_id: int | None = None


@dataclass(frozen=True)
class CompetitorInfo:
    id: int
    name: str
    lei: str | None = None
    party_id: int | None = None
    affiliates: tuple[AffiliateInfo, ...] = ()


@dataclass(frozen=True)
class SubprocessorInfo:
    """``party`` works as a subprocessor for the party that engages it (the key in
    ``Graph.subprocessors``), between ``start`` and ``end``."""

    party: int
    service: str = ""
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Thresholds:
    beneficial_ownership: float = 25.0
    significant_influence: float = 20.0
    control: float = 50.0
    people_lookback_months: int = 24

    def to_dict(self) -> dict[str, float | int]:
        return {
            "beneficial_ownership": float(self.beneficial_ownership),
            "significant_influence": float(self.significant_influence),
            "control": float(self.control),
            "people_lookback_months": int(self.people_lookback_months),
        }


@dataclass
class Graph:
    """Everything the analysis reads: parties, interests, the watchlist and match decisions."""

    parties: dict[int, PartyInfo] = field(default_factory=dict)
    interests: list[InterestInfo] = field(default_factory=list)
    identifiers: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # party -> [(scheme, value)]
    aliases: dict[int, list[str]] = field(default_factory=dict)
    competitors: list[CompetitorInfo] = field(default_factory=list)
    # (competitor_id, party_id) -> "confirmed" | "rejected"
    decisions: dict[tuple[int, int], str] = field(default_factory=dict)
    # engaging party -> its subprocessors (a vendor's own, and a subprocessor's own: fourth parties)
    subprocessors: dict[int, list[SubprocessorInfo]] = field(default_factory=dict)


def validate_interest_fields(share_exact: float | None, share_min: float | None, share_max: float | None,
                             start: date | None, end: date | None, holder: int | None,
                             subject: int | None) -> dict[str, str]:
    """Problems of an interest being edited, keyed by field: shares 0-100, min <= max, dates in order."""
    problems: dict[str, str] = {}
    for key, value in (("share_exact", share_exact), ("share_min", share_min), ("share_max", share_max)):
        if value is not None and not (0.0 <= value <= 100.0):
            problems[key] = "A share is a percentage from 0 to 100."
    if share_exact is not None and (share_min is not None or share_max is not None):
        problems["share_exact"] = "Give either an exact share or a range, not both."
    if share_min is not None and share_max is not None and share_min > share_max and "share_min" not in problems:
        problems["share_max"] = "The maximum share must not be below the minimum."
    if start is not None and end is not None and end < start:
        problems["end"] = "The end date must not be before the start date."
    if holder is None:
        problems["holder"] = "Choose who holds the interest."
    if subject is None:
        problems["subject"] = "Choose the entity the interest is in."
    if holder is not None and holder == subject:
        problems["holder"] = "A party cannot hold an interest in itself."
    return problems
