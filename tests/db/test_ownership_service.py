"""analyze() and change_feed() on the demo data, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Interest, Party, Vendor
from desktop.core.errors import NotFound, UserError
from desktop.services.competitors import add_competitor, decide_match, list_competitors
from desktop.services.ownership import analyze, change_feed

AS_OF = date(2026, 1, 15)


def party(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["parties"] if p["name"] == name)


def codes(result: dict[str, Any]) -> list[str]:
    return [f["code"] for f in result["findings"]]


def test_scalewise_seed_case(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "Scalewise Data Inc.", AS_OF)
    assert r["subject"]["name"] == "Scalewise Data Inc." and r["as_of"] == "2026-01-15"
    assert r["thresholds"] == {"beneficial_ownership": 25.0, "significant_influence": 20.0, "control": 50.0,
                               "people_lookback_months": 24}
    [group] = r["competitor_groups"]
    assert group["competitor"] == "Contoso Platforms Inc."
    # Alex Marlow (Contoso's Chief AI Officer) controls the founders' holding: it counts toward Contoso
    assert group["economic"] == [82.0, 82.0] and group["voting"] == [65.0, 65.0]
    assert group["controls"] is True
    assert set(group["members"]) == {"Contoso Platforms Inc.", "Contoso Ventures LLC", "Alex Marlow",
                                     "Scalewise Founders Holding LLC"}
    stake = next(f for f in r["findings"] if f["code"] == "COMPETITOR_ECONOMIC_STAKE")
    assert stake["severity"] == "major" and stake["threshold"] == 20.0 and stake["as_of"] == "2026-01-15"
    assert stake["competitor"] == "Contoso Platforms Inc."
    assert stake["paths"] == [
        "Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. (49%) = 49%",
        "Alex Marlow (Chief AI Officer at Contoso Platforms Inc.) -> Scalewise Founders Holding LLC (60%, "
        "controlled) -> Scalewise Data Inc. (33%) = 33%"]
    blocker = next(f for f in r["findings"] if f["code"] == "COMPETITOR_LINKED_PERSON_CONTROL")
    assert blocker["severity"] == "blocker" and blocker["parties"][0] == "Alex Marlow"
    assert "Chief AI Officer at Contoso Platforms Inc." in blocker["message"]
    assert "Alex Marlow -> Scalewise Founders Holding LLC (60% of votes) -> Scalewise Data Inc. (65% of votes)" \
        in blocker["message"]
    assert "COMPETITOR_CONTROL" not in codes(r)
    tie = next(f for f in r["findings"] if f["code"] == "PEOPLE_TIE_COMPETITOR")
    assert tie["severity"] == "major" and "Alex Marlow" in tie["parties"]
    first = r["people_ties"][0]
    assert first["person"] == "Alex Marlow" and first["gap_days"] == 1
    assert first["vendor_role"] == "Chief Executive Officer" and first["competitor_role"] == "Chief AI Officer"
    assert (first["vendor_role_end"], first["competitor_role_start"]) == ("2025-06-12", "2025-06-13")
    assert "until 12 Jun 2025" in first["message"] and "since 13 Jun 2025" in first["message"]
    contoso = party(r, "Contoso Platforms Inc.")
    assert contoso["economic"] == [49.0, 49.0] and contoso["competitor"] and not contoso["controls"]
    assert contoso["paths"][0] == [
        {"name": "Contoso Platforms Inc.", "share": None, "voting": None},
        {"name": "Contoso Ventures LLC", "share": [100.0, 100.0], "voting": [100.0, 100.0]},
        {"name": "Scalewise Data Inc.", "share": [49.0, 49.0], "voting": [0.0, 0.0]},
    ]
    marlow = party(r, "Alex Marlow")
    assert marlow["kind"] == "person" and marlow["economic"] == pytest.approx([19.8, 19.8])
    assert marlow["controls"]  # 60% of the founders' holding, which has 65% of the votes
    assert marlow["competitor_linked"] is True and not marlow["competitor"]
    assert marlow["competitor_links"] == [{"competitor": "Contoso Platforms Inc.", "role": "Chief AI Officer",
                                           "entity": "Contoso Platforms Inc.", "start": "2025-06-13", "end": None}]
    assert not party(r, "Priya Natarajan")["competitor_linked"]
    # no finding for the 0% voting interest that came with the deal
    assert not any("0%" in f["message"] for f in r["findings"] if f["code"] == "RECENT_OWNERSHIP_CHANGE")


def test_before_the_deal_there_is_no_competitor(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "Scalewise Data Inc.", date(2025, 1, 1))
    assert r["competitor_groups"] == []
    assert not any(c.startswith("COMPETITOR") for c in codes(r))


def test_clean_vendor_has_no_competitor_findings(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "clearlabel cooperativa s.coop.", AS_OF)  # case-insensitive name
    assert r["competitor_groups"] == [] and r["people_ties"] == []
    assert not any(c.startswith("COMPETITOR") or c.startswith("PEOPLE") for c in codes(r))


def test_subprocessor_controlled_by_competitor_affiliate(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "Quillstream Transcription Ltd", AS_OF)
    [group] = r["competitor_groups"]
    assert group["competitor"] == "Fabrikam AI Ltd" and group["controls"]
    assert group["economic"] == [60.0, 60.0] and group["voting"] == [60.0, 60.0]
    control = next(f for f in r["findings"] if f["code"] == "COMPETITOR_CONTROL")
    assert control["severity"] == "blocker" and control["threshold"] == 50.0


def test_atlas_cycle_exact(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "Atlas Speech Collection S.L.", AS_OF)
    # H = 0.8 + 0.8 * 0.1 * H  =>  H = 0.8 / 0.92; the family holds 90% of H
    assert party(r, "Atlas Holdings Europa S.A.")["economic"][0] == pytest.approx(80 / 0.92, abs=1e-4)
    assert party(r, "Elena Martín Robles")["economic"][0] == pytest.approx(72 / 0.92, abs=1e-4)


def test_lumen_ranges_without_unknown_share(demo_engine: Engine) -> None:
    r = analyze(demo_engine, "Lumen RLHF Partners LLC", AS_OF)
    assert party(r, "Harbor Point Opportunities Fund")["economic"] == [25.0, 50.0]
    assert party(r, "Dana Whitfield")["economic"] == [50.0, 75.0]
    assert "UNKNOWN_SHARE" not in codes(r)


def test_missing_share_raises_unknown_share(demo_engine: Engine) -> None:
    with unit_of_work(demo_engine, "tester") as s:
        lumen = s.exec(select(Party).where(Party.name == "Lumen RLHF Partners LLC")).one()
        fund = s.exec(select(Party).where(Party.name == "Harbor Point Opportunities Fund")).one()
        assert lumen.id and fund.id
        s.add(Interest(subject_id=fund.id, interested_party_id=lumen.id, interest_type="shareholding",
                       start_date=date(2020, 1, 1)))
    r = analyze(demo_engine, "Lumen RLHF Partners LLC", AS_OF)
    unknown = [f for f in r["findings"] if f["code"] == "UNKNOWN_SHARE"]
    assert len(unknown) == 1 and unknown[0]["severity"] == "minor"
    assert all(0 <= p["economic"][0] <= p["economic"][1] <= 100 for p in r["parties"])


def test_subject_resolution(demo_engine: Engine) -> None:
    with read_session(demo_engine) as s:
        pid = s.exec(select(Party.id).where(Party.name == "Scalewise Data Inc.")).one()
    assert analyze(demo_engine, pid, AS_OF)["subject"]["name"] == "Scalewise Data Inc."
    with pytest.raises(NotFound, match="No party or vendor is called 'Nobody'"):
        analyze(demo_engine, "Nobody")
    with pytest.raises(NotFound):
        analyze(demo_engine, 999_999)


def test_change_feed(demo_engine: Engine) -> None:
    events = change_feed(demo_engine, "Scalewise Data Inc.", date(2025, 6, 1), date(2025, 6, 30))
    kinds = {(e["date"], e["kind"]) for e in events}
    assert ("2025-06-13", "ownership") in kinds and ("2025-06-12", "people") in kinds
    assert any("Contoso Ventures LLC acquired shareholding (49%)" in e["message"] for e in events)
    quiet = change_feed(demo_engine, "Scalewise Data Inc.", date(2024, 1, 1), date(2024, 12, 31))
    assert quiet == []
    feed = change_feed(demo_engine, "Quillstream Transcription Ltd", date(2024, 1, 1), date(2024, 12, 31))
    assert any(e["kind"] == "control" and "Fabrikam AI Ltd gained control" in e["message"] for e in feed)
    with pytest.raises(UserError):
        change_feed(demo_engine, "Scalewise Data Inc.", date(2025, 1, 2), date(2025, 1, 1))


def test_watchlist_and_possible_match_decisions(demo_engine: Engine) -> None:
    with unit_of_work(demo_engine, "tester") as s:
        meridian = s.exec(select(Party).where(Party.name == "Meridian Synthetic Data Corp.")).one()
        lookalike = Party(name="Fabrikamm AI Limited")
        s.add(lookalike)
        s.flush()
        assert meridian.id and lookalike.id
        s.add(Interest(subject_id=meridian.id, interested_party_id=lookalike.id, interest_type="shareholding",
                       share_exact=5, start_date=date(2025, 1, 1)))
        lookalike_id = lookalike.id
    r = analyze(demo_engine, "Meridian Synthetic Data Corp.", AS_OF)
    possible = [f for f in r["findings"] if f["code"] == "POSSIBLE_COMPETITOR_MATCH"]
    assert len(possible) == 1 and possible[0]["severity"] == "info"
    assert not party(r, "Fabrikamm AI Limited")["competitor"]
    decide_match(demo_engine, "Fabrikam AI Ltd", lookalike_id, "Fabrikam AI Ltd", confirmed=True)
    r = analyze(demo_engine, "Meridian Synthetic Data Corp.", AS_OF)
    assert party(r, "Fabrikamm AI Limited")["competitor_group"] == "Fabrikam AI Ltd"
    assert "POSSIBLE_COMPETITOR_MATCH" not in codes(r)
    decide_match(demo_engine, "Fabrikam AI Ltd", lookalike_id, "Fabrikam AI Ltd", confirmed=False)
    r = analyze(demo_engine, "Meridian Synthetic Data Corp.", AS_OF)
    assert "POSSIBLE_COMPETITOR_MATCH" not in codes(r) and not party(r, "Fabrikamm AI Limited")["competitor"]


def test_add_competitor(engine: Engine) -> None:
    row = add_competitor(engine, "Acme Models Inc.", "9845L9R346P3YD25TS23", ["Acme Labs"])
    assert row.lei == "9845L9R346P3YD25TS23" and row.affiliates == ["Acme Labs"]
    add_competitor(engine, "Acme Models Inc.", affiliates=["Acme Capital"])
    [listed] = list_competitors(engine)
    assert listed.affiliates == ["Acme Capital", "Acme Labs"]
    with pytest.raises(UserError, match="not a valid LEI"):
        add_competitor(engine, "Bad LEI Corp", "9845L9R346P3YD25TS24")
    assert len(list_competitors(engine)) == 1


def test_a_fourth_party_recorded_in_the_subprocessor_form_is_followed(demo_engine: Engine) -> None:
    from desktop.core.errors import ValidationError
    from desktop.services import vendors as svc

    with read_session(demo_engine) as s:
        tessera = s.exec(select(Party.id).where(Party.name == "Tessera Labeling GmbH")).one()
        vid = s.exec(select(Vendor.id).where(Vendor.party_id == tessera)).one()
    row = svc.save_child(demo_engine, "subprocessor", vid, {
        "party_name": "Fabrikam Labs GmbH", "of_party_name": "quillstream transcription ltd",
        "service": "Speech model fine-tuning", "accesses_customer_data": True})
    assert row["of_party_name"] == "Quillstream Transcription Ltd" and row["of_party_id"] is not None
    r = analyze(demo_engine, "Tessera Labeling GmbH", AS_OF)
    fourth = next(s for s in r["subprocessors"] if s["name"] == "Fabrikam Labs GmbH")
    assert fourth["depth"] == 2 and fourth["engaged_by"] == "Quillstream Transcription Ltd"
    assert fourth["competitor_controlled"] and fourth["competitor"] == "Fabrikam AI Ltd"
    with pytest.raises(ValidationError, match="is not a subprocessor of this vendor"):
        svc.save_child(demo_engine, "subprocessor", vid, {"party_name": "Other Ltd", "of_party_name": "Nobody Ltd"})
    with pytest.raises(ValidationError, match="cannot engage itself"):
        svc.save_child(demo_engine, "subprocessor", vid, {"party_name": "Quillstream Transcription Ltd",
                                                          "of_party_name": "Quillstream Transcription Ltd"})
