"""The stored competitor exposure (table vendor_exposure), on SQLite and PostgreSQL: what the demo shows,
that it equals the ownership analysis of the whole database, and that it follows every change that can
alter it in the same transaction (an interest up a holding chain, the watchlist, a fuzzy-match decision)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import read_session, unit_of_work
from db.models import Interest, Party, Vendor, VendorExposure
from desktop.services.competitors import add_competitor, decide, list_matches
from desktop.services.exposure import (
    CONTROL,
    NONE,
    STAKE,
    Exposure,
    ensure_exposure,
    exposure_details,
    exposure_of,
    exposure_text,
    stored,
)
from desktop.services.ownership import InterestInput, analysis, interest_rows, save_interest

SCALEWISE = "Scalewise Data Inc."


def exposures(engine: Engine) -> dict[str, Exposure]:
    with read_session(engine) as s:
        names = {int(v): n for v, n in s.connection().execute(
            select(col(Vendor.id), col(Party.name)).join(Party, col(Party.id) == col(Vendor.party_id)))}
        return {names[v]: e for v, e in stored(s.connection(), sorted(names)).items()}


def analysed(engine: Engine) -> dict[str, Exposure]:
    """What the analysis of the whole database says, vendor by vendor (the reference)."""
    with read_session(engine) as s:
        names = [n for (n,) in s.connection().execute(
            select(col(Party.name)).join(Vendor, col(Vendor.party_id) == col(Party.id)))]
    return {n: exposure_of(analysis(engine, n)) for n in names}


def interest_id(engine: Engine, holder: str, subject: str) -> int:
    with read_session(engine) as s:
        ids = {n: i for i, n in s.connection().execute(select(col(Party.id), col(Party.name)))}
        return int(s.connection().execute(select(col(Interest.id)).where(
            col(Interest.interested_party_id) == ids[holder], col(Interest.subject_id) == ids[subject],
            col(Interest.archived_at).is_(None))).scalar_one())


def test_demo_scalewise_is_controlled_by_contoso_through_alex_marlow(demo_engine: Engine) -> None:
    e = exposures(demo_engine)[SCALEWISE]
    assert (e.severity, e.competitor, e.economic, e.voting) == (CONTROL, "Contoso Platforms Inc.", (82.0, 82.0),
                                                                  (65.0, 65.0))
    assert e.controlled and e.controlled_via == "Alex Marlow" and e.linked_names == ("Alex Marlow",)
    assert e.board_seats == 1 and e.as_of == date.today()
    assert exposure_text(e, "en") == "Controlled by Contoso Platforms Inc. through Alex Marlow"
    assert exposure_text(e, "es") == "Controlada por Contoso Platforms Inc. a través de Alex Marlow"
    details = exposure_details(e, "en")
    assert "Contoso Platforms Inc. group: 82% of the economic interest, 65% of the votes." in details
    assert "Competitor-linked people: Alex Marlow." in details
    meridian = exposures(demo_engine)["Meridian Synthetic Data Corp."]
    assert exposure_text(meridian, "en") == "Northwind Intelligence Corp.: 12% econ., 12% votes"
    assert exposure_text(meridian, "es") == "Northwind Intelligence Corp.: 12% econ., 12% votos"
    assert exposure_text(exposures(demo_engine)["Tessera Labeling GmbH"]) == ""


def test_every_stored_exposure_equals_the_analysis_of_the_whole_database(demo_engine: Engine) -> None:
    assert exposures(demo_engine) == analysed(demo_engine)


def test_an_interest_edit_up_the_chain_updates_the_vendor_below(demo_engine: Engine) -> None:
    """Alex Marlow's 60% of Scalewise Founders Holding (two levels above Scalewise) becomes 40%: he no
    longer controls the holding, so Contoso's group no longer controls Scalewise; the stake remains."""
    iid = interest_id(demo_engine, "Alex Marlow", "Scalewise Founders Holding LLC")
    row = interest_rows(demo_engine, [iid])[iid]
    save_interest(demo_engine, InterestInput(row.holder_id, row.subject_id, row.type, share_exact=40.0,
                                             start=row.start, end=row.end, id=iid, version=row.version), "tester")
    e = exposures(demo_engine)[SCALEWISE]
    assert (e.severity, e.controlled, e.controlled_via) == (STAKE, False, None)
    assert e.economic == (62.2, 62.2) and e.voting == (26.0, 26.0)
    assert exposure_text(e) == "Contoso Platforms Inc.: 62.2% econ., 26% votes"
    assert exposures(demo_engine) == analysed(demo_engine)


def test_ending_the_persons_competitor_role_removes_the_link(demo_engine: Engine) -> None:
    iid = interest_id(demo_engine, "Alex Marlow", "Contoso Platforms Inc.")
    row = interest_rows(demo_engine, [iid])[iid]
    save_interest(demo_engine, InterestInput(row.holder_id, row.subject_id, row.type, role_title=row.role_title,
                                             start=row.start, end=date(2025, 7, 1), id=iid, version=row.version),
                  "tester")
    e = exposures(demo_engine)[SCALEWISE]
    assert e.severity == STAKE and e.economic == (49.0, 49.0) and e.voting == (0.0, 0.0)
    assert exposures(demo_engine) == analysed(demo_engine)


def test_a_watchlist_change_updates_the_vendors_it_reaches(demo_engine: Engine) -> None:
    assert exposures(demo_engine)["Polyglot Corpus S.A."].severity == NONE
    add_competitor(demo_engine, "Azur Capital Partners SAS", actor="tester")
    polyglot = exposures(demo_engine)["Polyglot Corpus S.A."]
    assert polyglot.severity >= STAKE and polyglot.competitor == "Azur Capital Partners SAS"
    assert exposures(demo_engine) == analysed(demo_engine)
    # an affiliate added to an existing competitor
    add_competitor(demo_engine, "Fabrikam AI Ltd", affiliates=["Atlas Holdings Europa S.A."], actor="tester")
    assert exposures(demo_engine)["Atlas Speech Collection S.L."].competitor == "Fabrikam AI Ltd"
    assert exposures(demo_engine) == analysed(demo_engine)


def test_confirming_and_rejecting_a_fuzzy_match_updates_the_vendor(demo_engine: Engine) -> None:
    kestrel = "Kestrel Red-Teaming Ltd"
    assert exposures(demo_engine)[kestrel].severity == NONE
    [match] = list_matches(demo_engine, status="pending")
    decide(demo_engine, match.id, confirmed=True, actor="tester")
    e = exposures(demo_engine)[kestrel]
    assert (e.severity, e.competitor, e.economic) == (STAKE, "Fabrikam AI Ltd", (15.0, 15.0))
    assert exposure_text(e) == "Fabrikam AI Ltd: 15% econ., 15% votes"
    decide(demo_engine, match.id, confirmed=False, actor="tester")
    assert exposures(demo_engine)[kestrel].severity == NONE
    assert exposures(demo_engine) == analysed(demo_engine)


def test_a_failed_change_leaves_the_exposure_as_it_was(demo_engine: Engine) -> None:
    before = exposures(demo_engine)
    iid = interest_id(demo_engine, "Alex Marlow", "Scalewise Founders Holding LLC")
    with pytest.raises(RuntimeError), unit_of_work(demo_engine, "tester") as s:
        row = s.get(Interest, iid)
        assert row is not None
        row.share_exact = 10.0
        s.add(row)
        s.flush()
        raise RuntimeError("the user's action failed half-way")
    assert exposures(demo_engine) == before


def test_a_database_without_exposure_rows_gets_them_on_opening(demo_engine: Engine) -> None:
    """Migration 0008 creates the table empty: the first opening computes every vendor."""
    before = exposures(demo_engine)
    with demo_engine.begin() as conn:
        conn.execute(delete(VendorExposure))
    assert exposures(demo_engine) == {}
    assert ensure_exposure(demo_engine) == len(before)
    assert exposures(demo_engine) == before
    assert ensure_exposure(demo_engine) == 0  # nothing to do the second time


def test_a_new_day_recomputes_vendors_whose_interests_start_or_end(demo_engine: Engine) -> None:
    """Stored as of yesterday, with Alex Marlow's Contoso role ending yesterday: today's opening notices."""
    iid = interest_id(demo_engine, "Alex Marlow", "Contoso Platforms Inc.")
    yesterday = date.fromordinal(date.today().toordinal() - 1)
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE interest SET end_date = :d WHERE id = :i"), {"d": yesterday, "i": iid})
        conn.execute(text("UPDATE vendor_exposure SET as_of = :d"), {"d": yesterday})
    assert exposures(demo_engine)[SCALEWISE].severity == CONTROL  # what was stored
    ensure_exposure(demo_engine)
    assert exposures(demo_engine)[SCALEWISE].severity == STAKE
    assert exposures(demo_engine) == analysed(demo_engine)


def test_the_register_sorts_and_filters_by_exposure_in_sql(demo_engine: Engine) -> None:
    from desktop.services.register import RegisterQuery, count_vendors, register_rows

    worst_first = register_rows(demo_engine, RegisterQuery(sort="exposure", descending=True))
    assert [(r.name, r.exposure.level) for r in worst_first[:3]] == [
        (SCALEWISE, "control"), ("Meridian Synthetic Data Corp.", "stake"), ("Atlas Speech Collection S.L.", "none")]
    assert [r.name for r in register_rows(demo_engine, RegisterQuery(exposure="control"))] == [SCALEWISE]
    assert [r.name for r in register_rows(demo_engine, RegisterQuery(exposure="any"))] == [
        "Meridian Synthetic Data Corp.", SCALEWISE]
    assert [r.name for r in register_rows(demo_engine, RegisterQuery(exposure="stake"))] == [
        "Meridian Synthetic Data Corp.", SCALEWISE]
    assert register_rows(demo_engine, RegisterQuery(exposure="people")) == []
    assert count_vendors(demo_engine, RegisterQuery(exposure="none")) == 7
    # a vendor nobody computed yet (no row) counts as none and sorts first, not lost
    with demo_engine.begin() as conn:
        conn.execute(delete(VendorExposure).where(col(VendorExposure.severity) == 0))
    assert count_vendors(demo_engine, RegisterQuery(exposure="none")) == 7
    assert len(register_rows(demo_engine, RegisterQuery(sort="exposure"))) == 9


@pytest.mark.parametrize("term, reason", [
    ("contoso", "via Contoso Ventures LLC (shareholder)"),
    ("CONTOSO ventures", "via Contoso Ventures LLC (shareholder)"),
    ("marlow", "via Alex Marlow (Director)"),
])
def test_search_finds_vendors_through_related_parties_with_the_reason(demo_engine: Engine, term: str,
                                                                      reason: str) -> None:
    from desktop.services.register import RegisterQuery, register_rows, vendor_ids, vendor_rows

    rows = register_rows(demo_engine, RegisterQuery(search=term))
    assert [(r.name, r.match_reason) for r in rows] == [(SCALEWISE, reason)]
    spanish = vendor_rows(demo_engine, vendor_ids(demo_engine, RegisterQuery(search=term)), search=term, lang="es")
    assert [r.match_reason for r in spanish.values()] == [
        reason.replace("via", "a través de").replace("shareholder", "accionista")]


def test_search_by_own_name_gives_no_reason_and_the_competitor_group_reaches_below(demo_engine: Engine) -> None:
    from desktop.services.register import RegisterQuery, register_rows

    [row] = register_rows(demo_engine, RegisterQuery(search="scalewise data"))
    assert row.name == SCALEWISE and row.match_reason == ""
    # Contoso Platforms Inc. holds Scalewise only through Contoso Ventures: found through its stored exposure
    rows = register_rows(demo_engine, RegisterQuery(search="Contoso Platforms"))
    assert [(r.name, r.match_reason) for r in rows] == [(SCALEWISE, "via Contoso Platforms Inc. (competitor group)")]
    # the demo's own Contoso parties are not vendors: nothing else is listed
    assert [r.name for r in register_rows(demo_engine, RegisterQuery(search="northwind"))] == [
        "Meridian Synthetic Data Corp."]
