"""`vetta parties ...` and the scripted register (`interests|contracts|certificates|subprocessors add`), run as
the real program: what a script sees, exit codes, and an untouched database after bad input."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from db.models import ALL_TABLES
from tests.support import zygote

ROOT = Path(__file__).resolve().parents[2]

Vetta = Callable[..., subprocess.CompletedProcess[str]]
LEI_A = "5493001KJTIIGC8Y1R12"


def _counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "vetta.sqlite3") as conn:
        return {t.__tablename__: conn.execute(f"SELECT count(*) FROM {t.__tablename__}").fetchone()[0]  # type: ignore[attr-defined]
                for t in ALL_TABLES}


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_register_scripted_from_the_command_line(vetta: Vetta, _isolated_data_dir: Path) -> None:
    _ok(vetta("vendors", "add", "Scalewise Data Inc.", "--lei", "529900T8BM49AURSDO55"))
    out = _ok(vetta("parties", "add", "Contoso Platforms Inc.", "--jurisdiction", "US-DE", "--lei", LEI_A))
    assert out.startswith("Added party #2 Contoso Platforms Inc. (entity).")
    _ok(vetta("competitors", "add", "Contoso Platforms Inc.", "--lei", LEI_A))
    added = json.loads(_ok(vetta("parties", "add", "Alexandr Wang", "--kind", "person", "--nationality", "us",
                                 "--alias", "Alex Wang", "--json")))
    assert (added["kind"], added["nationality"], added["aliases"]) == ("person", "US", ["Alex Wang"])
    out = _ok(vetta("interests", "add", "Alex Wang", "Contoso Platforms Inc.", "--type", "senior_managing_official",
                    "--role", "Chief AI Officer", "--start", "2025-06-13"))
    assert "Alexandr Wang (#3) holds senior managing official in Contoso Platforms Inc. (#2)" in out
    _ok(vetta("interests", "add", "Alexandr Wang", "Scalewise", "--type", "board_member", "--role", "Director"))
    _ok(vetta("interests", "add", "Contoso Platforms Inc.", "Scalewise", "--type", "shareholding", "--share", "49"))
    _ok(vetta("parties", "add", "Cloudy Hosting SA", "--vat", "ESA58818501"))
    out = _ok(vetta("subprocessors", "add", "Scalewise", "ESA58818501", "--service", "hosting"))
    assert out == "Recorded subprocessor #1 for vendor #1 Scalewise Data Inc.\n"
    contract = json.loads(_ok(vetta("contracts", "add", "Scalewise", "--kind", "DPA", "--currency", "eur",
                                    "--clause", "audit_rights", "--end", "2027-01-31", "--json")))
    assert (contract["currency"], contract["audit_rights"], contract["end_date"]) == ("EUR", True, "2027-01-31")
    _ok(vetta("certificates", "add", "Scalewise", "--standard", "ISO/IEC 27001:2022", "--valid-until", "2027-03-01"))

    listed = json.loads(_ok(vetta("parties", "list", "--search", "wang", "--json")))
    assert [(p["id"], p["name"], p["aliases"]) for p in listed] == [(3, "Alexandr Wang", "Alex Wang")]
    shown = _ok(vetta("parties", "show", "Alexandr Wang"))
    assert "role: Chief AI Officer at Contoso Platforms Inc. (#2) from 2025-06-13" in shown
    assert "role: Director at Scalewise Data Inc. (#1)" in shown
    analysis = json.loads(_ok(vetta("analyze", "Scalewise", "--json")))
    codes = {f["code"] for f in analysis["findings"]}
    assert {"COMPETITOR_ECONOMIC_STAKE", "COMPETITOR_BOARD_SEAT"} <= codes, codes
    assert [s["name"] for s in analysis["subprocessors"]] == ["Cloudy Hosting SA"]

    edited = json.loads(_ok(vetta("parties", "edit", "3", "--country", "US", "--remove-alias", "Alex Wang",
                                  "--json")))
    assert (edited["country"], edited["aliases"], edited["version"]) == ("US", [], 2)
    log = json.loads(_ok(vetta("audit", "log", "--json")))
    assert any(e["record_type"] == "party" and e["actor"] == "tester" for e in log)


@pytest.fixture(scope="module")
def small_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database the bad-input cases start from, written once per module by the real program: a company
    with an LEI, a vendor, and two persons called 'Twin'. Each case gets a copy as its default database."""
    data_dir = tmp_path_factory.mktemp("small-register")
    env = {**os.environ, "VETTA_DATA_DIR": str(data_dir), "VETTA_USER": "tester", "VETTA_LANGUAGE": "en",
           "PYTHONPATH": str(ROOT)}
    env.pop("VETTA_DATABASE_URL", None)
    for args in (("parties", "add", "Contoso Platforms Inc.", "--lei", LEI_A), ("vendors", "add", "Scalewise Data Inc."),
                 ("parties", "add", "Twin", "--kind", "person", "--birth-date", "1970-01-01"),
                 ("parties", "add", "Twin", "--kind", "person", "--birth-date", "1980-01-01", "--distinct")):
        _ok(zygote.run("desktop", list(args), env=env, cwd=ROOT, timeout=120))
    database = data_dir / "vetta.sqlite3"
    with sqlite3.connect(database) as conn:  # the whole database in the one file: no write-ahead log to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@pytest.mark.parametrize(("args", "sentence"), [
    (("parties", "add", "Foo Ltd", "--lei", "123"), "LEI '123' is not valid: An LEI has 20 characters"),
    (("parties", "add", "Foo Ltd", "--vat", "ES1"), "VAT 'ES1' is not valid"),
    (("parties", "add", "Foo Ltd", "--registry", "B1"), "--registry 'B1': write it as REGISTRY:NUMBER"),
    (("parties", "add", "Foo Ltd", "--birth-date", "yesterday"), "--birth-date 'yesterday' is not a date"),
    (("parties", "add", "Contoso Platforms Inc."), "already in the register as party #1"),
    (("parties", "add", "Other Co", "--lei", LEI_A), f"The LEI {LEI_A} given for 'Other Co' is already recorded"),
    (("parties", "add", "Ann", "--kind", "robot"), "invalid choice: 'robot'"),
    (("parties", "show", "Nobody"), "No party or vendor is called 'Nobody'."),
    (("parties", "edit", "Contoso Platforms Inc.", "--jurisdiction", "Delaware"), "Jurisdiction: Use an ISO"),
    (("interests", "add", "Nobody", "Contoso Platforms Inc.", "--type", "shareholding"), "No party or vendor"),
    (("interests", "add", "Contoso Platforms Inc.", "Scalewise", "--type", "shareholding", "--share", "120"),
     "--share '120' is not a percentage from 0 to 100"),
    (("interests", "add", "Contoso Platforms Inc.", "Scalewise", "--type", "shareholding", "--start", "2025-02-30"),
     "--start '2025-02-30' is not a date"),
    (("interests", "add", "Twin", "Scalewise", "--type", "board_member"),
     "The name 'Twin' matches several parties (ids 3, 4); give the id instead."),
    (("contracts", "add", "Scalewise", "--kind", "MSA", "--currency", "EURO"), "Currency: use the three-letter"),
    (("contracts", "add", "Scalewise", "--kind", "MSA", "--notice-days", "soon"), "--notice-days 'soon' is not a whole"),
    (("contracts", "add", "Nobody", "--kind", "MSA"), "No vendor is called 'Nobody'"),
    (("certificates", "add", "Scalewise", "--standard", "SOC 2", "--valid-from", "2026-01-01", "--valid-until",
      "2025-01-01"), "--valid-until: The end date 2025-01-01 is before the start date 2026-01-01."),
    (("interests", "add", "Contoso Platforms Inc.", "Scalewise", "--type", "shareholding", "--share", "10",
      "--share-min", "5"), "--share: Give either an exact share or a range, not both."),
    (("interests", "add", "Contoso Platforms Inc.", "Scalewise", "--type", "board_member", "--start", "2025-02-01",
      "--end", "2025-01-01"), "--end: The end date must not be before the start date."),
    (("subprocessors", "add", "Scalewise", "Unknown Hosting"), "No party or vendor is called 'Unknown Hosting'"),
    (("subprocessors", "add", "Scalewise", "Contoso Platforms Inc.", "--of", "Twin"), "matches several parties"),
])
def test_bad_input_is_one_sentence_exit_2_and_nothing_written(vetta: Vetta, _isolated_data_dir: Path,
                                                             small_register: Path,
                                                             args: tuple[str, ...], sentence: str) -> None:
    shutil.copy(small_register, _isolated_data_dir / "vetta.sqlite3")
    before = _counts(_isolated_data_dir)
    result = vetta(*args)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("vetta: error: ")]
    assert len(errors) == 1 and sentence in errors[0], result.stderr  # one sentence (argparse adds its usage)
    assert "Traceback" not in result.stderr
    assert _counts(_isolated_data_dir) == before
