"""Ownership and influence analysis over an in-memory graph (no database, no Qt)."""

from desktop.core.ownership.analysis import analyze_graph
from desktop.core.ownership.model import (
    AffiliateInfo,
    CompetitorInfo,
    Graph,
    InterestInfo,
    PartyInfo,
    SubprocessorInfo,
    Thresholds,
)
from desktop.core.ownership.results import (
    Analysis,
    CompetitorLink,
    Finding,
    GroupResult,
    Hop,
    PartyResult,
    PeopleTie,
    SubprocessorResult,
)
from desktop.core.ownership.stakes import control_closure, effective_stakes, group_stake
from desktop.core.ownership.text import fmt_pct, fmt_range

__all__ = [
    "AffiliateInfo",
    "Analysis",
    "CompetitorInfo",
    "CompetitorLink",
    "Finding",
    "Graph",
    "GroupResult",
    "Hop",
    "InterestInfo",
    "PartyInfo",
    "PartyResult",
    "PeopleTie",
    "SubprocessorInfo",
    "SubprocessorResult",
    "Thresholds",
    "analyze_graph",
    "control_closure",
    "effective_stakes",
    "fmt_pct",
    "fmt_range",
    "group_stake",
]
