"""analyze_graph on in-memory graphs (no database, no Qt): the seed case, control, ranges, ties."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.ownership import AffiliateInfo, CompetitorInfo, Graph, InterestInfo, PartyInfo, Thresholds
from desktop.core.ownership import analyze_graph as analyse

D = date(2020, 1, 1)


def seed_graph() -> Graph:
    g = Graph()
    for pid, name, kind in [(1, "Contoso Platforms Inc.", "entity"), (2, "Contoso Ventures LLC", "entity"),
                            (3, "Scalewise Data Inc.", "entity"), (4, "Founders LLC", "entity"),
                            (5, "Alex Marlow", "person"), (6, "Ridgeline LP", "entity")]:
        g.parties[pid] = PartyInfo(pid, name, kind)
    rows = [
        (1, 2, "shareholding", 100, D, None, ""), (2, 3, "shareholding", 49, date(2025, 6, 13), None, ""),
        (2, 3, "voting_rights", 0, date(2025, 6, 13), None, ""), (4, 3, "shareholding", 33, D, None, ""),
        (4, 3, "voting_rights", 65, D, None, ""), (6, 3, "shareholding", 18, D, None, ""),
        (6, 3, "voting_rights", 35, D, None, ""), (5, 4, "shareholding", 60, D, None, ""),
        (5, 3, "senior_managing_official", None, D, date(2025, 6, 12), "Chief Executive Officer"),
        (5, 1, "senior_managing_official", None, date(2025, 6, 13), None, "Chief AI Officer"),
    ]
    for n, (h, s, t, share, start, end, role) in enumerate(rows):
        g.interests.append(InterestInfo(n, h, s, t, share_exact=share, start=start, end=end, role_title=role))
    g.competitors.append(CompetitorInfo(1, "Contoso Platforms Inc.", None, 1,
                                        (AffiliateInfo("Contoso Ventures LLC"),)))
    return g


def test_seed_case_without_database() -> None:
    r = analyse(seed_graph(), 3, date(2026, 1, 15))
    [group] = r["competitor_groups"]
    assert group["economic"] == [49.0, 49.0] and group["voting"] == [0.0, 0.0] and not group["controls"]
    codes = {f["code"]: f for f in r["findings"]}
    assert codes["COMPETITOR_ECONOMIC_STAKE"]["severity"] == "major"
    assert "-> Contoso Ventures LLC 100% -> Scalewise Data Inc. 49% = 49% economic, 0% votes" in \
        codes["COMPETITOR_ECONOMIC_STAKE"]["message"]
    assert r["people_ties"][0]["gap_days"] == 1
    assert "COMPETITOR_CONTROL" not in codes
    # the affiliate is matched by its normalised name, not only by link
    ventures = next(p for p in r["parties"] if p["name"] == "Contoso Ventures LLC")
    assert ventures["competitor_group"] == "Contoso Platforms Inc."


def test_lookback_window_limits_people_ties() -> None:
    def roles(r: dict) -> set[tuple[str, int]]:
        return {(t["vendor_role"], t["gap_days"]) for t in r["people_ties"]}

    assert roles(analyse(seed_graph(), 3, date(2026, 1, 15))) == {("Chief Executive Officer", 1),
                                                                   ("owner of 60%", 0)}
    # a gap of 1 day is outside a 0-month window; owning 60% of the founders' holding is concurrent
    assert roles(analyse(seed_graph(), 3, date(2026, 1, 15), Thresholds(people_lookback_months=0))) == {
        ("owner of 60%", 0)}
    # the CEO role ended more than 24 months before: no longer a tie
    assert roles(analyse(seed_graph(), 3, date(2027, 7, 1))) == {("owner of 60%", 0)}


def test_board_majority_right_is_control() -> None:
    g = seed_graph()
    g.interests.append(InterestInfo(99, 2, 3, "appointment_of_board", details="May appoint a majority of the board",
                                    start=D))
    r = analyse(g, 3, date(2026, 1, 15))
    assert r["competitor_groups"][0]["controls"]
    assert any(f["code"] == "COMPETITOR_CONTROL" and f["severity"] == "blocker" for f in r["findings"])


def test_small_stake_is_minor_and_thresholds_are_reported() -> None:
    g = seed_graph()
    g.interests[1] = InterestInfo(1, 2, 3, "shareholding", share_exact=5, start=date(2025, 6, 13))
    r = analyse(g, 3, date(2026, 1, 15), Thresholds(significant_influence=10))
    stake = next(f for f in r["findings"] if f["code"] == "COMPETITOR_ECONOMIC_STAKE")
    assert stake["severity"] == "minor" and stake["threshold"] == 10.0
    assert r["thresholds"]["significant_influence"] == 10.0


def test_ranges_and_unknown_share() -> None:
    g = Graph()
    for pid in range(1, 4):
        g.parties[pid] = PartyInfo(pid, f"P{pid}")
    g.interests += [InterestInfo(1, 1, 3, "shareholding", share_min=25, share_max=50, start=D),
                    InterestInfo(2, 2, 3, "shareholding", start=D)]
    r = analyse(g, 3, date(2026, 1, 1))
    by = {p["name"]: p for p in r["parties"]}
    assert by["P1"]["economic"] == [25.0, 50.0] and by["P2"]["economic"] == [0.0, 100.0]
    unknown = [f for f in r["findings"] if f["code"] == "UNKNOWN_SHARE"]
    assert len(unknown) == 1 and unknown[0]["parties"] == ["P2", "P3"]


def test_interests_outside_their_dates_are_ignored() -> None:
    r = analyse(seed_graph(), 3, date(2025, 6, 1))
    assert r["competitor_groups"] == []
    assert not any(p["name"] == "Contoso Platforms Inc." for p in r["parties"])


@pytest.mark.parametrize("as_of", [date(2016, 1, 1)])
def test_empty_web(as_of: date) -> None:
    r = analyse(seed_graph(), 3, as_of)
    assert r["parties"] == [] and r["findings"] == []
