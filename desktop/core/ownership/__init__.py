"""Ownership and influence analysis over an in-memory graph (no database, no Qt)."""

from desktop.core.ownership.analysis import analyze_graph, fmt_pct, fmt_range
from desktop.core.ownership.model import (
    AffiliateInfo,
    CompetitorInfo,
    Graph,
    InterestInfo,
    PartyInfo,
    Thresholds,
)
from desktop.core.ownership.stakes import control_closure, effective_stakes, group_stake

__all__ = [
    "AffiliateInfo",
    "CompetitorInfo",
    "Graph",
    "InterestInfo",
    "PartyInfo",
    "Thresholds",
    "analyze_graph",
    "control_closure",
    "effective_stakes",
    "fmt_pct",
    "fmt_range",
    "group_stake",
]
