"""BODS 0.4 import and export on SQLite and PostgreSQL: every official example, refusals, round trip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from desktop.core import bods
from desktop.core.errors import UserError
from desktop.services.bods import export_bods, export_statements_for, import_bods
from desktop.services.database import open_database
from desktop.services.ownership import analyze

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bods"
EXAMPLES = sorted(p.name for p in FIXTURES.glob("*.json"))
TABLES = ("party", "party_identifier", "interest", "vendor", "audit_event")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def stakes(result: dict[str, Any]) -> dict[str, tuple[list[float], list[float], bool]]:
    return {p["name"]: (p["economic"], p["voting"], p["controls"]) for p in result["parties"]}


def test_all_examples_are_fixtures() -> None:
    assert len(EXAMPLES) == 19


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_official_example_imports_once(sqlite_engine: Engine, name: str) -> None:
    first = import_bods(sqlite_engine, FIXTURES / name)
    assert first.statements == len(json.loads((FIXTURES / name).read_text(encoding="utf-8")))
    assert first.parties_created >= 1
    before = counts(sqlite_engine)
    again = import_bods(sqlite_engine, FIXTURES / name)
    assert (again.parties_created, again.parties_updated, again.interests_created, again.interests_ended) == (0,) * 4
    assert counts(sqlite_engine) == before  # importing the same file twice changes nothing


@pytest.mark.parametrize(("name", "subject", "as_of", "expected"), [
    ("indirect-ownership.json", "Company A", None, {"Person 1": [30.0, 30.0], "Company B": [60.0, 60.0]}),
    ("multiple-indirect-ownership.json", "Company B", None, {"Person 1": [60.0, 60.0]}),
    ("mixed-direct-and-indirect-ownership.json", "Company A", None, {"Person 1": [100.0, 100.0]}),
    ("joint-ownership.json", "CHRINON LTD", None, {"Natalie Coleman": [50.0, 50.0], "Roberto Lopez": [50.0, 50.0]}),
    ("bods-package-fi-soe.json", "Gasgrid Finland Oy", None,
     {"Valtiovarainministerio": [100.0, 100.0], "Suomen Kaasuverkko Oy": [76.5, 76.5]}),
    ("full-pep-declaration.json", "Platinum Emerald and Plutonim Mining Limited", None,
     {"Michael Hubbard": [25.0, 50.0]}),
    ("bods-package-entity-owning-entity.json", "JENEX LIMITED", None, {"MVJ LIMITED": [75.0, 100.0]}),
    ("tecido.json", "Tecido Ltd", "2020-01-01", {"Maria Esteves": [100.0, 100.0]}),
    ("tecido.json", "Tecido Ltd", "2022-01-01", {"Maria Esteves": [40.0, 40.0], "Shear Trust": [60.0, 60.0]}),
    ("tecido.json", "Tecido Ltd", "2024-01-01", {"Shear Trust": [80.0, 80.0]}),
    ("fermcat.json", "Fermcat Ltd", "2020-01-01", {"Patrick O'Donohue": [50.0, 50.0],
                                                    "Riyadh Byrne-Amin": [50.0, 50.0]}),
    ("fermcat.json", "Fermcat Ltd", "2024-01-01", {"Patrick O'Donohue": [100.0, 100.0]}),
])
def test_examples_give_the_ownership_they_describe(sqlite_engine: Engine, name: str, subject: str,
                                                   as_of: str | None, expected: dict[str, list[float]]) -> None:
    import_bods(sqlite_engine, FIXTURES / name)
    result = analyze(sqlite_engine, subject, date.fromisoformat(as_of) if as_of else None)
    got = {p["name"]: p["economic"] for p in result["parties"]}
    for who, rng in expected.items():
        assert got[who] == rng, who
    if as_of == "2024-01-01":
        assert set(got) == set(expected)  # ended interests no longer count


def test_listed_company_placeholder(sqlite_engine: Engine) -> None:
    import_bods(sqlite_engine, FIXTURES / "listed-company-exempt-from-disclosure.json")
    with sqlite_engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM party"))]
    assert any(n.startswith("Undisclosed interested party") for n in names)


def test_invalid_file_is_refused_whole(engine: Engine, tmp_path: Path) -> None:
    statements = json.loads((FIXTURES / "tecido.json").read_text(encoding="utf-8"))
    statements[4]["recordDetails"]["interests"][0]["share"]["exact"] = 150
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(statements), encoding="utf-8")
    before = counts(engine)
    with pytest.raises(UserError) as info:
        import_bods(engine, bad)
    message = str(info.value)
    assert "bad.json" in message and "statement 4" in message
    assert "$[4].recordDetails.interests[0].share.exact" in message and "150" in message
    assert counts(engine) == before


def test_dangling_reference_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    statements = json.loads((FIXTURES / "joint-ownership.json").read_text(encoding="utf-8"))
    statements = [s for s in statements if s["recordId"] != "f040df24d9ec"]  # drop one person
    bad = tmp_path / "dangling.json"
    bad.write_text(json.dumps(statements), encoding="utf-8")
    before = counts(engine)
    with pytest.raises(UserError, match="neither in the file nor in the database"):
        import_bods(engine, bad)
    assert counts(engine) == before


@pytest.mark.parametrize(("content", "reason"), [
    (b"\xff\xfe[\x00]\x00", "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"{\"a\": 1}", "statement 0 at \\$\\[0\\]: .statementId. is a required property"),
    (b"42", "must hold a JSON array"),
    (b"[{\"statementId\": 1", "not valid JSON"),
    (b"", "empty"),
])
def test_hostile_files_give_one_clear_error(sqlite_engine: Engine, tmp_path: Path, content: bytes,
                                           reason: str) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(UserError, match=reason) as info:
        import_bods(sqlite_engine, path)
    assert "hostile.json" in str(info.value)


def test_too_large_file(sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bods, "MAX_BYTES", 10)
    path = tmp_path / "big.json"
    path.write_text("[" + " " * 100 + "]", encoding="utf-8")
    with pytest.raises(UserError, match="too large"):
        import_bods(sqlite_engine, path)


def test_json_lines_and_vendor_flag(sqlite_engine: Engine, tmp_path: Path) -> None:
    statements = json.loads((FIXTURES / "joint-ownership.json").read_text(encoding="utf-8"))
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in statements) + "\n", encoding="utf-8")
    summary = import_bods(sqlite_engine, path, vendor="chrinon ltd")
    assert summary.vendor == "CHRINON LTD"
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vendor")).scalar_one() == 1


def test_export_validates_and_reimport_gives_the_same_analysis(demo_engine: Engine, tmp_path: Path,
                                                               sqlite_url: str) -> None:
    out = tmp_path / "scalewise.json"
    count = export_bods(demo_engine, "Scalewise Data Inc.", out)
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert len(statements) == count
    bods.validate(statements, str(out))  # raises if invalid
    fresh = open_database(str(tmp_path / "fresh.sqlite3"))
    try:
        import_bods(fresh, out)
        for day in (date(2025, 1, 1), date(2026, 1, 15)):
            assert stakes(analyze(fresh, "Scalewise Data Inc.", day)) == \
                stakes(analyze(demo_engine, "Scalewise Data Inc.", day))
    finally:
        fresh.dispose()


def test_export_of_cycle_and_ranges_round_trips(demo_engine: Engine, tmp_path: Path) -> None:
    for name in ("Atlas Speech Collection S.L.", "Lumen RLHF Partners LLC"):
        statements = export_statements_for(demo_engine, name)
        bods.validate(statements, "export")
        path = tmp_path / "web.json"
        path.write_text(json.dumps(statements), encoding="utf-8")
        fresh = open_database(str(tmp_path / f"{name[:5]}.sqlite3"))
        try:
            import_bods(fresh, path)
            assert stakes(analyze(fresh, name)) == stakes(analyze(demo_engine, name))
        finally:
            fresh.dispose()
