"""Competitor matching: normalised names, LEI, fuzzy possible matches and user decisions."""

from __future__ import annotations

from desktop.core.competitors import WatchName, match_parties, normalise_name, valid_lei


def test_normalise_removes_case_accents_punctuation_and_legal_forms() -> None:
    assert normalise_name("Contoso Platforms, Inc.") == "contoso platforms"
    assert normalise_name("CONTOSO PLATFORMS INC") == "contoso platforms"
    assert normalise_name("Clearlabel Cooperativa S.Coop.") == "clearlabel cooperativa"
    assert normalise_name("Atlas Speech Collection S.L.") == "atlas speech collection"
    assert normalise_name("Société Générale S.A.") == "societe generale"
    assert normalise_name("Fabrikam Labs GmbH & Co. KG") == "fabrikam labs"
    assert normalise_name("Northwind Ventures LP") == "northwind ventures"
    assert normalise_name("Ltd") == "ltd"  # never empties a name


def test_lei_check() -> None:
    assert valid_lei("9845L9R346P3YD25TS23")
    assert not valid_lei("9845L9R346P3YD25TS24")
    assert not valid_lei(None)


WATCH = [
    WatchName(1, "Contoso Platforms Inc.", "Contoso Platforms Inc.", "9845L9R346P3YD25TS23", None),
    WatchName(1, "Contoso Platforms Inc.", "Contoso Ventures LLC", None, 50),
]


def test_exact_matches() -> None:
    parties = {10: "CONTOSO PLATFORMS, INC", 11: "Other Co", 12: "Renamed Corp", 50: "CV Investment"}
    found = match_parties(parties, WATCH, identifiers={12: [("LEI", "9845L9R346P3YD25TS23")]})
    assert found[10][0].method == "name"
    assert found[12][0].method == "identifier"
    assert found[50][0].method == "link"
    assert 11 not in found


def test_invalid_lei_never_matches() -> None:
    watch = [WatchName(2, "Bad", "Bad", "9845L9R346P3YD25TS24")]
    assert match_parties({1: "X"}, watch, identifiers={1: [("LEI", "9845L9R346P3YD25TS24")]}) == {}


def test_fuzzy_is_only_possible_until_decided() -> None:
    parties = {20: "Contosso Platforms Incorporated"}
    found = match_parties(parties, WATCH)
    assert found[20][0].method == "possible" and not found[20][0].certain
    confirmed = match_parties(parties, WATCH, decisions={(1, 20): "confirmed"})
    assert confirmed[20][0].method == "confirmed" and confirmed[20][0].certain
    assert match_parties(parties, WATCH, decisions={(1, 20): "rejected"}) == {}


def test_aliases_match() -> None:
    found = match_parties({30: "Project X"}, WATCH, aliases={30: ["Contoso Ventures, L.L.C."]})
    assert found[30][0].watch_name == "Contoso Ventures LLC"
