"""The typed result of the ownership analysis and its JSON form (``Analysis.to_dict``).

The JSON is the contract of ``vetta analyze --json``, of the facts the checklist rules read and of
the report; docs/ownership.md documents every key. Keys are only ever added, never renamed.
Percentages are floats from 0 to 100 and every figure is a ``(min, max)`` pair (equal when exact).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, Protocol

from desktop.core.ownership.model import Range, Thresholds

SEVERITY_ORDER = {"blocker": 0, "major": 1, "minor": 2, "info": 3}


def _pair(rng: Range | None) -> list[float] | None:
    return None if rng is None else [rng[0], rng[1]]


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


class Hop(NamedTuple):
    """One party of an ownership path, with the economic and voting share the previous party holds in
    it (``None`` for the first party of the path). A named tuple: webs have tens of thousands of hops."""

    name: str
    share: Range | None = None
    voting: Range | None = None

    def to_dict(self) -> dict[str, Any]:
        share, voting = self.share, self.voting
        return {"name": self.name, "share": None if share is None else [share[0], share[1]],
                "voting": None if voting is None else [voting[0], voting[1]]}


Path = tuple[Hop, ...]  # from a holder to the subject


@dataclass(frozen=True, slots=True)
class CompetitorLink:
    """Why a party counts toward a competitor group: a person's role at a group member (with its
    dates), or an entity's membership of the group."""

    competitor: str
    role: str
    entity: str
    start: date | None = None
    end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"competitor": self.competitor, "role": self.role, "entity": self.entity,
                "start": _day(self.start), "end": _day(self.end)}


class PathSource(Protocol):
    """Where a party's paths come from (``paths.PathBook``): built on demand, and as JSON all at once."""

    def paths(self, party: int) -> list[Path]: ...

    def json(self) -> dict[int, list[list[dict[str, Any]]]]: ...


@dataclass(slots=True)
class PartyResult:
    id: int
    name: str
    kind: str  # entity | person
    economic: Range
    voting: Range
    controls: bool
    competitor: bool  # a member of a competitor group (matched on the watchlist or controlled by one)
    competitor_group: str | None
    competitor_linked: bool = False  # counts toward a competitor: a member, or a person with a role at one
    competitor_links: list[CompetitorLink] = field(default_factory=list)
    source: PathSource | None = field(default=None, repr=False, compare=False)
    _paths: list[Path] | None = field(default=None, repr=False, compare=False)

    @property
    def paths(self) -> list[Path]:
        """Up to a few simple paths from this party to the subject, shortest first (built on first use)."""
        if self._paths is None:
            self._paths = self.source.paths(self.id) if self.source is not None else []
        return self._paths

    def to_dict(self) -> dict[str, Any]:
        if self.source is not None and self._paths is None:
            paths = self.source.json().get(self.id, [])
        else:
            paths = [[hop.to_dict() for hop in path] for path in self.paths]
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "economic": list(self.economic), "voting": list(self.voting),
                "controls": self.controls, "competitor": self.competitor,
                "competitor_group": self.competitor_group, "paths": paths,
                "competitor_linked": self.competitor_linked,
                "competitor_links": [link.to_dict() for link in self.competitor_links] if self.competitor_links
                else []}


@dataclass(slots=True)
class GroupResult:
    competitor: str
    economic: Range
    voting: Range
    controls: bool
    board_seats: int
    members: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"competitor": self.competitor, "economic": list(self.economic), "voting": list(self.voting),
                "controls": self.controls, "board_seats": self.board_seats, "members": list(self.members)}


@dataclass(slots=True)
class PeopleTie:
    """A person with a role at the vendor's side and one at a competitor group, close in time."""

    person: str
    vendor_role: str
    competitor: str
    competitor_role: str
    gap_days: int
    message: str
    vendor_entity: str
    competitor_entity: str
    vendor_role_start: date | None = None
    vendor_role_end: date | None = None
    competitor_role_start: date | None = None
    competitor_role_end: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "vendor_role": self.vendor_role, "competitor": self.competitor,
                "competitor_role": self.competitor_role, "gap_days": self.gap_days, "message": self.message,
                "vendor_entity": self.vendor_entity, "competitor_entity": self.competitor_entity,
                "vendor_role_start": _day(self.vendor_role_start), "vendor_role_end": _day(self.vendor_role_end),
                "competitor_role_start": _day(self.competitor_role_start),
                "competitor_role_end": _day(self.competitor_role_end)}


@dataclass(slots=True)
class Finding:
    severity: str  # blocker | major | minor | info
    code: str
    message: str  # the plain-language statement, in the analysis' language
    parties: list[str]
    threshold: float | None  # percent, or months for people ties and recent changes
    as_of: date
    competitor: str | None = None  # the competitor group concerned
    paths: list[str] = field(default_factory=list)  # the paths that explain the figure, in words

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "parties": list(self.parties), "threshold": self.threshold, "as_of": self.as_of.isoformat(),
                "competitor": self.competitor, "paths": list(self.paths)}


@dataclass(slots=True)
class SubprocessorResult:
    """A subprocessor of the subject at any depth (a subprocessor's subprocessors are fourth parties)."""

    id: int
    name: str
    depth: int  # 1: the vendor's own subprocessor; 2: a subprocessor of that one; ...
    path: list[str]  # party names from the subject to the subprocessor
    engaged_by: str  # the party that engages it
    service: str
    competitor_owned: bool  # a competitor group holds a stake (economic or votes)
    competitor_controlled: bool
    competitor: str | None  # the group with the highest stake (or the controlling one)
    economic: Range  # that group's stake
    voting: Range
    competitor_staffed: bool = False  # a person linked to a competitor holds a role there
    competitors: list[str] = field(default_factory=list)  # every group linked to it

    @property
    def competitor_linked(self) -> bool:
        return self.competitor_owned or self.competitor_controlled or self.competitor_staffed

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "depth": self.depth, "path": list(self.path),
                "path_text": " -> ".join(self.path), "engaged_by": self.engaged_by, "service": self.service,
                "competitor_owned": self.competitor_owned, "competitor_controlled": self.competitor_controlled,
                "competitor_staffed": self.competitor_staffed, "competitor_linked": self.competitor_linked,
                "competitor": self.competitor, "competitors": list(self.competitors),
                "economic": list(self.economic), "voting": list(self.voting)}


@dataclass(slots=True)
class Analysis:
    """The ownership and influence analysis of one subject as of a date."""

    subject_id: int
    subject_name: str
    as_of: date
    thresholds: Thresholds
    parties: list[PartyResult] = field(default_factory=list)
    competitor_groups: list[GroupResult] = field(default_factory=list)
    people_ties: list[PeopleTie] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    subprocessors: list[SubprocessorResult] = field(default_factory=list)

    def finding_codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def party(self, name: str) -> PartyResult:
        return next(p for p in self.parties if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form (docs/ownership.md). Hops common to several paths share one (read-only) dict."""
        return {
            "subject": {"id": self.subject_id, "name": self.subject_name},
            "as_of": self.as_of.isoformat(),
            "thresholds": self.thresholds.to_dict(),
            "parties": [p.to_dict() for p in self.parties],
            "competitor_groups": [g.to_dict() for g in self.competitor_groups],
            "people_ties": [t.to_dict() for t in self.people_ties],
            "findings": [f.to_dict() for f in self.findings],
            "subprocessors": [s.to_dict() for s in self.subprocessors],
        }
