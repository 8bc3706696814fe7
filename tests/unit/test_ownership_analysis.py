"""analyze_graph on in-memory graphs (no database, no Qt): the seed case, competitor-linked people,
control, ranges, people ties with their dates, findings hygiene, paths, subprocessors at any depth."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.ownership import (
    AffiliateInfo,
    Analysis,
    CompetitorInfo,
    Graph,
    InterestInfo,
    PartyInfo,
    SubprocessorInfo,
    Thresholds,
)
from desktop.core.ownership import analyze_graph as analyse

D = date(2020, 1, 1)
AS_OF = date(2026, 1, 15)


def seed_graph() -> Graph:
    g = Graph()
    for pid, name, kind in [(1, "Contoso Platforms Inc.", "entity"), (2, "Contoso Ventures LLC", "entity"),
                            (3, "Scalewise Data Inc.", "entity"), (4, "Founders LLC", "entity"),
                            (5, "Alex Marlow", "person"), (6, "Ridgeline LP", "entity")]:
        g.parties[pid] = PartyInfo(pid, name, kind, is_listed=pid == 1)
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


def by_code(r: Analysis) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in r.findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_seed_case_without_database() -> None:
    r = analyse(seed_graph(), 3, AS_OF)
    [group] = r.competitor_groups
    # Alex Marlow is Contoso's Chief AI Officer and controls the founders' holding (60%), which has 65% of
    # the votes: his control counts toward Contoso, so the group controls the vendor
    assert group.controls and group.voting == (65.0, 65.0)
    assert group.economic == (82.0, 82.0)  # 49% through Ventures + the 33% of the holding he controls
    assert set(group.members) == {"Contoso Platforms Inc.", "Contoso Ventures LLC", "Alex Marlow", "Founders LLC"}
    codes = by_code(r)
    [blocker] = codes["COMPETITOR_LINKED_PERSON_CONTROL"]
    assert blocker.severity == "blocker" and blocker.competitor == "Contoso Platforms Inc."
    assert blocker.message.startswith("Alex Marlow controls Scalewise Data Inc. and has been Chief AI Officer at "
                                      "Contoso Platforms Inc. since 13 Jun 2025")
    assert blocker.paths == ["Alex Marlow -> Founders LLC (60% of votes) -> Scalewise Data Inc. (65% of votes)"]
    assert "COMPETITOR_CONTROL" not in codes  # the members alone do not control it: one blocker, not two
    stake = codes["COMPETITOR_ECONOMIC_STAKE"][0]
    assert stake.severity == "major" and stake.competitor == "Contoso Platforms Inc."
    assert stake.paths == [
        "Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. (49%) = 49%",
        "Alex Marlow (Chief AI Officer at Contoso Platforms Inc.) -> Founders LLC (60%, controlled) -> "
        "Scalewise Data Inc. (33%) = 33%",
    ]
    marlow = r.party("Alex Marlow")
    assert marlow.competitor_linked and not marlow.competitor and marlow.controls
    [link] = marlow.competitor_links
    assert (link.competitor, link.role, link.entity, link.start, link.end) == (
        "Contoso Platforms Inc.", "Chief AI Officer", "Contoso Platforms Inc.", date(2025, 6, 13), None)
    # the affiliate is matched by its normalised name, not only by link
    ventures = r.party("Contoso Ventures LLC")
    assert ventures.competitor_group == "Contoso Platforms Inc." and ventures.competitor_linked
    assert not r.party("Ridgeline LP").competitor_linked


def test_without_the_person_only_the_stake_remains() -> None:
    g = seed_graph()
    g.interests = [i for i in g.interests if not (i.holder == 5 and i.subject == 1)]  # no role at Contoso
    r = analyse(g, 3, AS_OF)
    [group] = r.competitor_groups
    assert group.economic == (49.0, 49.0) and group.voting == (0.0, 0.0) and not group.controls
    stake = by_code(r)["COMPETITOR_ECONOMIC_STAKE"][0]
    assert stake.message == ("Contoso Platforms Inc. holds 49% of Scalewise Data Inc.'s economic interest "
                             "through Contoso Ventures LLC (0% of votes).")
    assert not r.party("Alex Marlow").competitor_linked


def test_before_the_role_began_the_person_is_not_linked() -> None:
    r = analyse(seed_graph(), 3, date(2025, 6, 12))
    assert not r.party("Alex Marlow").competitor_linked and r.party("Alex Marlow").competitor_links == []
    assert "COMPETITOR_LINKED_PERSON_CONTROL" not in r.finding_codes()
    assert r.competitor_groups == []  # Contoso's stake starts on 13 June 2025 too


def test_people_ties_state_both_dates_in_words() -> None:
    r = analyse(seed_graph(), 3, AS_OF)
    tie = next(t for t in r.people_ties if t.vendor_role == "Chief Executive Officer")
    assert tie.message == ("Alex Marlow was Chief Executive Officer at Scalewise Data Inc. until 12 Jun 2025 and "
                           "has been Chief AI Officer at Contoso Platforms Inc. since 13 Jun 2025 (Contoso "
                           "Platforms Inc. group): exchange of managerial personnel.")
    assert (tie.vendor_role_start, tie.vendor_role_end) == (D, date(2025, 6, 12))
    assert (tie.competitor_role_start, tie.competitor_role_end) == (date(2025, 6, 13), None)
    assert tie.gap_days == 1 and "day apart" not in tie.message
    es = analyse(seed_graph(), 3, AS_OF, lang="es")
    tie_es = next(t for t in es.people_ties if t.vendor_role == "Chief Executive Officer")
    assert tie_es.message.startswith("Alex Marlow fue Chief Executive Officer en Scalewise Data Inc. hasta el "
                                     "12 jun 2025 y es Chief AI Officer en Contoso Platforms Inc. desde el "
                                     "13 jun 2025")
    data = r.to_dict()["people_ties"][0]
    assert data["vendor_role_end"] == "2025-06-12" and data["competitor_role_start"] == "2025-06-13"


def test_lookback_window_limits_people_ties() -> None:
    def roles(r: Analysis) -> set[tuple[str, int]]:
        return {(t.vendor_role, t.gap_days) for t in r.people_ties}

    assert roles(analyse(seed_graph(), 3, AS_OF)) == {("Chief Executive Officer", 1), ("owner of 60%", 0)}
    # a gap of 1 day is outside a 0-month window; owning 60% of the founders' holding is concurrent
    assert roles(analyse(seed_graph(), 3, AS_OF, Thresholds(people_lookback_months=0))) == {("owner of 60%", 0)}
    # the CEO role ended more than 24 months before: no longer a tie
    assert roles(analyse(seed_graph(), 3, date(2027, 7, 1))) == {("owner of 60%", 0)}


def test_board_majority_right_is_control() -> None:
    g = seed_graph()
    g.interests.append(InterestInfo(99, 2, 3, "appointment_of_board", details="May appoint a majority of the board",
                                    start=D))
    r = analyse(g, 3, AS_OF)
    assert r.competitor_groups[0].controls
    [control] = by_code(r)["COMPETITOR_CONTROL"]
    assert control.severity == "blocker"
    assert control.paths == ["Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. (right to "
                             "appoint a board majority)"]


def test_small_stake_is_minor_and_thresholds_are_reported() -> None:
    g = seed_graph()
    g.interests = [i for i in g.interests if not (i.holder == 5 and i.subject == 1)]
    g.interests[1] = InterestInfo(1, 2, 3, "shareholding", share_exact=5, start=date(2025, 6, 13))
    r = analyse(g, 3, AS_OF, Thresholds(significant_influence=10))
    stake = by_code(r)["COMPETITOR_ECONOMIC_STAKE"][0]
    assert stake.severity == "minor" and stake.threshold == 10.0
    assert r.thresholds.significant_influence == 10.0


def test_no_finding_for_a_zero_interest() -> None:
    r = analyse(seed_graph(), 3, AS_OF)
    recent = [f.message for f in r.findings if f.code == "RECENT_OWNERSHIP_CHANGE"]
    assert recent == ["Contoso Ventures LLC acquired a shareholding interest of 49% in Scalewise Data Inc. on "
                      "13 Jun 2025, within the last 24 months."]
    assert not any("0%" in f.message and f.code == "RECENT_OWNERSHIP_CHANGE" for f in r.findings)


def test_group_finding_lists_every_path_that_sums_to_its_figure() -> None:
    g = Graph()
    g.parties = {pid: PartyInfo(pid, n) for pid, n in [(1, "Rival Corp"), (2, "Rival Fund A"), (3, "Rival Fund B"),
                                                        (4, "Midco"), (9, "Vendor")]}
    g.interests = [InterestInfo(1, 1, 2, "shareholding", share_exact=100, start=D),
                   InterestInfo(2, 1, 3, "shareholding", share_exact=100, start=D),
                   InterestInfo(3, 2, 9, "shareholding", share_exact=10, start=D),
                   InterestInfo(4, 3, 4, "shareholding", share_exact=40, start=D),
                   InterestInfo(5, 4, 9, "shareholding", share_exact=30, start=D),
                   InterestInfo(6, 2, 4, "shareholding", share_exact=5, start=D)]
    g.competitors.append(CompetitorInfo(1, "Rival Corp", party_id=1))
    r = analyse(g, 9, AS_OF)
    [group] = r.competitor_groups
    assert group.economic == (23.5, 23.5)  # 10 + 40% x 30 + 5% x 30
    stake = by_code(r)["COMPETITOR_ECONOMIC_STAKE"][0]
    assert stake.paths == [
        "Rival Corp -> Rival Fund B (100%) -> Midco (40%) -> Vendor (30%) = 12%",
        "Rival Corp -> Rival Fund A (100%) -> Vendor (10%) = 10%",
        "Rival Corp -> Rival Fund A (100%) -> Midco (5%) -> Vendor (30%) = 1.5%",
    ]
    assert "Rival Fund B (12%)" in stake.message and "Rival Fund A (11.5%)" in stake.message


def test_long_paths_are_summarised_never_dropped() -> None:
    g = Graph()
    g.parties = {0: PartyInfo(0, "Vendor"), 100: PartyInfo(100, "Rival Corp")}
    chain = list(range(1, 21))  # 20 holding companies between the rival and the vendor
    for pid in chain:
        g.parties[pid] = PartyInfo(pid, f"Holdco {pid}")
    links = [(100, 20), *[(pid, pid - 1) for pid in reversed(chain)]]
    g.interests = [InterestInfo(n, h, s, "shareholding", share_exact=100 if s else 49, start=D)
                   for n, (h, s) in enumerate(links)]
    g.competitors.append(CompetitorInfo(1, "Rival Corp", party_id=100))
    r = analyse(g, 0, AS_OF)
    rival = r.party("Rival Corp")
    assert len(rival.paths[0]) == 22  # the whole path is kept in the data
    # the group contains the holding companies it controls: the path starts at the last of them
    stake = by_code(r)["COMPETITOR_ECONOMIC_STAKE"][0]
    assert stake.paths == ["Rival Corp -> 20 holding companies -> Vendor (49%) = 49%"]
    owner = next(f for f in r.findings if f.code == "BENEFICIAL_OWNER" and f.parties == ["Rival Corp"])
    assert owner.paths == ["Rival Corp -> 20 holding companies -> Vendor (49%)"]


def test_ranges_and_unknown_share() -> None:
    g = Graph()
    for pid in range(1, 4):
        g.parties[pid] = PartyInfo(pid, f"P{pid}")
    g.interests += [InterestInfo(1, 1, 3, "shareholding", share_min=25, share_max=50, start=D),
                    InterestInfo(2, 2, 3, "shareholding", start=D)]
    r = analyse(g, 3, date(2026, 1, 1))
    assert r.party("P1").economic == (25.0, 50.0) and r.party("P2").economic == (0.0, 100.0)
    unknown = [f for f in r.findings if f.code == "UNKNOWN_SHARE"]
    assert len(unknown) == 1 and unknown[0].parties == ["P2", "P3"]


def test_owners_not_identified_unless_recorded_or_listed() -> None:
    r = analyse(seed_graph(), 3, AS_OF)
    assert [f.parties for f in r.findings if f.code == "OWNER_NOT_IDENTIFIED"] == [["Ridgeline LP"]]
    g = seed_graph()
    g.parties[6] = PartyInfo(6, "Ridgeline LP", "entity", is_listed=True)
    assert "OWNER_NOT_IDENTIFIED" not in analyse(g, 3, AS_OF).finding_codes()


def test_interests_outside_their_dates_are_ignored() -> None:
    r = analyse(seed_graph(), 3, date(2025, 6, 1))
    assert r.competitor_groups == []
    assert not any(p.name == "Contoso Platforms Inc." for p in r.parties)


@pytest.mark.parametrize("as_of", [date(2016, 1, 1)])
def test_empty_web(as_of: date) -> None:
    r = analyse(seed_graph(), 3, as_of)
    assert r.parties == [] and r.findings == []


def fourth_party_graph() -> Graph:
    g = Graph()
    names = {10: "Vendor", 11: "Sub One", 12: "Sub Two", 13: "Sub Three", 20: "Rival Corp", 21: "Rival Labs"}
    g.parties = {pid: PartyInfo(pid, n) for pid, n in names.items()}
    g.interests = [InterestInfo(1, 20, 21, "shareholding", share_exact=100, start=D),
                   InterestInfo(2, 21, 13, "shareholding", share_exact=70, start=D)]
    g.competitors.append(CompetitorInfo(1, "Rival Corp", party_id=20))
    g.subprocessors = {10: [SubprocessorInfo(11, "hosting")], 11: [SubprocessorInfo(12, "labelling")],
                       12: [SubprocessorInfo(13, "transcription"), SubprocessorInfo(10, "loops back")],
                       13: [SubprocessorInfo(11, "cycle")]}
    return g


def test_subprocessors_at_any_depth_with_a_cycle_guard() -> None:
    r = analyse(fourth_party_graph(), 10, AS_OF)
    assert [(s.name, s.depth) for s in r.subprocessors] == [("Sub One", 1), ("Sub Two", 2), ("Sub Three", 3)]
    deep = r.subprocessors[-1]
    assert deep.path == ["Vendor", "Sub One", "Sub Two", "Sub Three"] and deep.engaged_by == "Sub Two"
    assert deep.competitor_controlled and deep.competitor == "Rival Corp" and deep.economic == (70.0, 70.0)
    [finding] = [f for f in r.findings if f.code == "SUBPROCESSOR_COMPETITOR_CONTROL"]
    assert finding.severity == "blocker" and finding.competitor == "Rival Corp"
    assert finding.message.startswith("Vendor -> Sub One -> Sub Two -> Sub Three: the subprocessor Sub Three is "
                                      "controlled by Rival Corp")
    assert finding.paths[0] == "Vendor -> Sub One -> Sub Two -> Sub Three"
    assert "Rival Corp -> Rival Labs (100%) -> Sub Three (70%)" in finding.paths
    data = r.to_dict()["subprocessors"]
    assert data[2]["competitor_controlled"] is True and data[2]["path_text"] == "Vendor -> Sub One -> Sub Two -> Sub Three"


def test_ended_subprocessor_engagements_are_not_followed() -> None:
    g = fourth_party_graph()
    g.subprocessors[11] = [SubprocessorInfo(12, "labelling", end=date(2025, 1, 1))]
    r = analyse(g, 10, AS_OF)
    assert [s.name for s in r.subprocessors] == ["Sub One"]
    assert "SUBPROCESSOR_COMPETITOR_CONTROL" not in r.finding_codes()


def test_json_keeps_every_key_and_adds_the_new_ones() -> None:
    data = analyse(seed_graph(), 3, AS_OF).to_dict()
    assert set(data) == {"subject", "as_of", "thresholds", "parties", "competitor_groups", "people_ties",
                         "findings", "subprocessors"}
    assert set(data["parties"][0]) == {"id", "name", "kind", "economic", "voting", "controls", "competitor",
                                       "competitor_group", "paths", "competitor_linked", "competitor_links"}
    assert set(data["findings"][0]) == {"severity", "code", "message", "parties", "threshold", "as_of",
                                        "competitor", "paths"}
    assert set(data["people_ties"][0]) >= {"person", "vendor_role", "competitor", "competitor_role", "gap_days",
                                           "message", "vendor_entity", "competitor_entity", "vendor_role_start",
                                           "vendor_role_end", "competitor_role_start", "competitor_role_end"}
    contoso = next(p for p in data["parties"] if p["name"] == "Contoso Platforms Inc.")
    assert contoso["paths"][0] == [
        {"name": "Contoso Platforms Inc.", "share": None, "voting": None},
        {"name": "Contoso Ventures LLC", "share": [100.0, 100.0], "voting": [100.0, 100.0]},
        {"name": "Scalewise Data Inc.", "share": [49.0, 49.0], "voting": [0.0, 0.0]},
    ]
