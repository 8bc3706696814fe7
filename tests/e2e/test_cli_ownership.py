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
