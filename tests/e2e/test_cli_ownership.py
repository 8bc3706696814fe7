"""The ownership commands through the real `vetta` program."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bods"
Vetta = Callable[..., CompletedProcess[str]]


@pytest.fixture
def demo_db(vetta: Vetta, tmp_path: Path) -> str:
    db = str(tmp_path / "demo.sqlite3")
    assert vetta("--db", db, "demo").returncode == 0
    return db


def test_analyze_json_seed_case(vetta: Vetta, demo_db: str) -> None:
    res = vetta("--db", demo_db, "analyze", "Scalewise Data Inc.", "--as-of", "2026-01-15", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["subject"]["name"] == "Scalewise Data Inc." and data["as_of"] == "2026-01-15"
    assert data["competitor_groups"][0]["economic"] == [82.0, 82.0]
    assert {f["code"] for f in data["findings"]} >= {"COMPETITOR_ECONOMIC_STAKE", "PEOPLE_TIE_COMPETITOR",
                                                     "COMPETITOR_LINKED_PERSON_CONTROL"}
    by_id = vetta("--db", demo_db, "analyze", str(data["subject"]["id"]), "--as-of", "2026-01-15", "--json")
    assert json.loads(by_id.stdout) == data


def test_analyze_text(vetta: Vetta, demo_db: str) -> None:
    res = vetta("--db", demo_db, "analyze", "Quillstream Transcription Ltd")
    assert res.returncode == 0
    assert "[blocker] COMPETITOR_CONTROL" in res.stdout and "Fabrikam AI Ltd" in res.stdout


def test_analyze_errors(vetta: Vetta, demo_db: str) -> None:
    res = vetta("--db", demo_db, "analyze", "Nobody Ltd")
    assert res.returncode == 2 and "No party or vendor is called 'Nobody Ltd'" in res.stderr
    assert "Traceback" not in res.stderr
    res = vetta("--db", demo_db, "analyze", "Scalewise Data Inc.", "--as-of", "15/01/2026")
    assert res.returncode == 2 and "YYYY-MM-DD" in res.stderr


def test_competitors_add_and_list(vetta: Vetta, tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    res = vetta("--db", db, "competitors", "add", "Acme Models Inc.", "--lei", "9845L9R346P3YD25TS23",
                "--affiliate", "Acme Labs", "--affiliate", "Acme Capital")
    assert res.returncode == 0, res.stderr
    listed = json.loads(vetta("--db", db, "competitors", "list", "--json").stdout)
    assert listed[0]["name"] == "Acme Models Inc." and listed[0]["affiliates"] == ["Acme Capital", "Acme Labs"]
    bad = vetta("--db", db, "competitors", "add", "Bad Corp", "--lei", "12345")
    assert bad.returncode == 2 and "not a valid LEI" in bad.stderr


def test_import_export_bods(vetta: Vetta, demo_db: str, tmp_path: Path) -> None:
    res = vetta("--db", demo_db, "import", "bods", str(FIXTURES / "tecido.json"), "--vendor", "Tecido Ltd")
    assert res.returncode == 0, res.stderr
    assert "Tecido Ltd is a vendor" in res.stdout
    again = vetta("--db", demo_db, "import", "bods", str(FIXTURES / "tecido.json"))
    assert "0 new parties" in again.stdout and "0 new interests" in again.stdout
    out = tmp_path / "export.json"
    res = vetta("--db", demo_db, "export", "bods", "Scalewise Data Inc.", "-o", str(out))
    assert res.returncode == 0, res.stderr
    fresh = str(tmp_path / "fresh.sqlite3")
    assert vetta("--db", fresh, "import", "bods", str(out)).returncode == 0
    a = json.loads(vetta("--db", demo_db, "analyze", "Scalewise Data Inc.", "--as-of", "2026-01-15",
                         "--json").stdout)
    b = json.loads(vetta("--db", fresh, "analyze", "Scalewise Data Inc.", "--as-of", "2026-01-15",
                         "--json").stdout)
    assert [(p["name"], p["economic"], p["voting"]) for p in a["parties"]] == \
        [(p["name"], p["economic"], p["voting"]) for p in b["parties"]]


def test_import_refuses_invalid_file(vetta: Vetta, tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite3")
    bad = tmp_path / "bad.json"
    bad.write_text('[{"statementId": "short"}]', encoding="utf-8")
    res = vetta("--db", db, "import", "bods", str(bad))
    assert res.returncode == 2 and "bad.json" in res.stderr and "statement 0" in res.stderr
    missing = vetta("--db", db, "import", "bods", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "cannot be read" in missing.stderr


# ---------------------------------------------------------------- issue 14, "Done when", through the real program

def analysis_of(vetta: Vetta, db: str, subject: str) -> dict:
    res = vetta("--db", db, "analyze", subject, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_demo_shows_alex_marlow_competitor_linked_with_a_blocker_naming_his_control(vetta: Vetta, demo_db: str) -> None:
    data = analysis_of(vetta, demo_db, "Scalewise Data Inc.")
    marlow = next(p for p in data["parties"] if p["name"] == "Alex Marlow")
    assert marlow["competitor_linked"] is True and marlow["controls"] is True
    assert marlow["competitor_links"][0]["role"] == "Chief AI Officer"
    assert marlow["competitor_links"][0]["competitor"] == "Contoso Platforms Inc."
    [blocker] = [f for f in data["findings"] if f["code"] == "COMPETITOR_LINKED_PERSON_CONTROL"]
    assert blocker["severity"] == "blocker" and blocker["competitor"] == "Contoso Platforms Inc."
    assert blocker["message"].startswith("Alex Marlow controls Scalewise Data Inc. and has been Chief AI Officer at "
                                         "Contoso Platforms Inc. since 13 Jun 2025")
    assert blocker["paths"] == ["Alex Marlow -> Scalewise Founders Holding LLC (60% of votes) -> Scalewise Data Inc. "
                                "(65% of votes)"]
    assert data["competitor_groups"][0]["controls"] is True
    tie = data["people_ties"][0]
    assert tie["vendor_role_end"] == "2025-06-12" and tie["competitor_role_start"] == "2025-06-13"
    # an alias and the LEI name the same vendor
    assert analysis_of(vetta, demo_db, "Scalewise") == data
    assert analysis_of(vetta, demo_db, "9845643DXTLVVPKFBF31") == data
    text = vetta("--db", demo_db, "analyze", "Scalewise")
    assert "[blocker] COMPETITOR_LINKED_PERSON_CONTROL: Alex Marlow controls Scalewise Data Inc." in text.stdout


def test_bods_onto_an_existing_vendor_yields_one_vendor(vetta: Vetta, demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "scalewise.json"
    assert vetta("--db", demo_db, "export", "bods", "Scalewise", "-o", str(out)).returncode == 0
    dry = vetta("--db", demo_db, "import", "bods", str(out), "--vendor", "Scalewise Data Inc.", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Would import" in dry.stdout and "0 new parties, 8 already in the register" in dry.stdout
    assert "'Scalewise Data Inc.' (record vetta-party-" in dry.stdout and "found by the same identifier" in dry.stdout
    done = vetta("--db", demo_db, "import", "bods", str(out), "--vendor", "Scalewise Data Inc.")
    assert done.returncode == 0 and "0 new parties" in done.stdout
    listed = json.loads(vetta("--db", demo_db, "vendors", "list", "--search", "scalewise", "--json").stdout)
    assert [v["name"] for v in listed] == ["Scalewise Data Inc."]


def test_uncertain_bods_party_is_reported_and_decided_from_the_cli(vetta: Vetta, demo_db: str, tmp_path: Path) -> None:
    source = json.loads((FIXTURES / "joint-ownership.json").read_text(encoding="utf-8"))
    subject = next(st for st in source if st["recordType"] == "entity" and st["recordDetails"]["name"] == "CHRINON LTD")
    subject["recordDetails"]["name"] = "Scalewise Data LLC"  # the demo vendor, by another legal form
    record = subject["recordId"]
    path = tmp_path / "uncertain.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    res = vetta("--db", demo_db, "import", "bods", str(path))
    assert res.returncode == 2 and "was not imported" in res.stderr and "'Scalewise Data Inc.'" in res.stderr
    assert f"--same {record}=PARTY_ID or --new {record}" in res.stderr
    vendor_id = analysis_of(vetta, demo_db, "Scalewise")["subject"]["id"]
    ok = vetta("--db", demo_db, "import", "bods", str(path), "--same", f"{record}={vendor_id}")
    assert ok.returncode == 0, ok.stderr
    assert "found by your choice" in ok.stdout


def test_a_fuzzy_match_is_confirmed_from_the_cli_and_changes_the_analysis(vetta: Vetta, demo_db: str) -> None:
    before = analysis_of(vetta, demo_db, "Kestrel Red-Teaming Ltd")
    assert "POSSIBLE_COMPETITOR_MATCH" in {f["code"] for f in before["findings"]}
    assert before["competitor_groups"] == []
    [match] = json.loads(vetta("--db", demo_db, "competitors", "matches", "--json").stdout)
    assert (match["party"], match["watch_name"], match["status"]) == ("Fabrikam AI Labs Ltd", "Fabrikam Labs GmbH",
                                                                      "pending")
    res = vetta("--db", demo_db, "--user", "Marta Gil", "competitors", "confirm", match["id"])
    assert res.returncode == 0 and "is part of the Fabrikam AI Ltd group in every analysis" in res.stdout
    after = analysis_of(vetta, demo_db, "Kestrel Red-Teaming Ltd")
    assert after["competitor_groups"][0]["competitor"] == "Fabrikam AI Ltd"
    assert "POSSIBLE_COMPETITOR_MATCH" not in {f["code"] for f in after["findings"]}
    log = json.loads(vetta("--db", demo_db, "audit", "log", "--json").stdout)
    assert any(e.get("record_type") == "competitor_match" and e.get("actor") == "Marta Gil" for e in log)
    listed = vetta("--db", demo_db, "competitors", "matches")
    assert "confirmed" in listed.stdout and "decided by Marta Gil" in listed.stdout
    bad = vetta("--db", demo_db, "competitors", "reject", "nonsense")
    assert bad.returncode == 2 and "is not a match id" in bad.stderr and "Traceback" not in bad.stderr


def test_a_competitor_controlled_fourth_party_is_found(vetta: Vetta, demo_db: str) -> None:
    data = analysis_of(vetta, demo_db, "Polyglot Corpus S.A.")
    subs = {s["name"]: s for s in data["subprocessors"]}
    fourth = subs["Northwind Language Labs Ltd"]
    assert fourth["depth"] == 2 and fourth["engaged_by"] == "Lexitrans Translation Services S.L."
    assert fourth["competitor_controlled"] is True and fourth["competitor"] == "Northwind Intelligence Corp."
    assert not subs["Lexitrans Translation Services S.L."]["competitor_linked"]
    [finding] = [f for f in data["findings"] if f["code"] == "SUBPROCESSOR_COMPETITOR_CONTROL"]
    assert finding["severity"] == "blocker" and finding["paths"][0] == (
        "Polyglot Corpus S.A. -> Lexitrans Translation Services S.L. -> Northwind Language Labs Ltd")
    assert "Northwind Intelligence Corp. -> Northwind Ventures LP (100%) -> Northwind Language Labs Ltd (70%)" \
        in finding["paths"]


def test_bods_with_an_invalid_lei_is_refused(vetta: Vetta, tmp_path: Path) -> None:
    source = json.loads((FIXTURES / "plc-entity-statement.json").read_text(encoding="utf-8"))
    source[0]["recordDetails"]["identifiers"][1]["id"] = "PY6ZZQWO2IZFZC3IOL09"
    path = tmp_path / "bad-lei.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    res = vetta("--db", str(tmp_path / "x.sqlite3"), "import", "bods", str(path))
    assert res.returncode == 2 and "bad-lei.json" in res.stderr and "not a valid LEI" in res.stderr
