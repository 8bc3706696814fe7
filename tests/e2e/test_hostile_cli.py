"""Hostile input through the real `vetta` program: one case per importer, exit 2, one sentence, nothing written.

Also: exports to CSV and XLSX neutralise cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.database import open_database
from tests.support.hostile import BILLION_LAUGHS, db_counts, sparse_file, xlsx_bomb
from tests.unit.test_fuzz_importers import vendors_xlsx_bytes


@pytest.fixture
def cli(vetta, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"

    def run(*args: str, ok: bool = True, env: dict[str, str] | None = None):
        r = vetta("--db", url, "--user", "mallory", *args, env=env)
        if ok:
            assert r.returncode == 0, r.stderr
        return r

    run("demo")
    return run, url


def counts(url: str) -> dict[str, int]:
    engine = open_database(url)
    try:
        return db_counts(engine)
    finally:
        engine.dispose()


def refused(cli, *args: str, needles: tuple[str, ...], env: dict[str, str] | None = None) -> str:
    run, url = cli
    before = counts(url)
    r = run(*args, ok=False, env=env)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.startswith("vetta: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr
    for needle in needles:
        assert needle in r.stderr, (needle, r.stderr)
    assert counts(url) == before
    return r.stderr


def test_vendor_import_of_a_zip_bomb(cli, tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", vendors_xlsx_bytes([["Acme", "ES"]]))
    refused(cli, "import", "vendors", str(bomb), needles=("bomb.xlsx", "zip bomb"))


def test_vendor_import_with_a_nul_cell(cli, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"Name,Country\nGood Vendor,ES\nEvil\x00Vendor,ES\n")
    run, url = cli
    before = counts(url)
    r = run("import", "vendors", str(path), ok=False)
    # rows rejected: the program lists every rejection (row, column, reason), exits 1, writes nothing
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "rejected row 3, column 'Name': the value contains the control character U+0000" in r.stdout
    assert "nothing was imported" in r.stdout
    assert counts(url) == before


def test_bods_import_nested_too_deeply(cli, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    refused(cli, "import", "bods", str(path), needles=("deep.json", "nested too deeply"))


def test_checklist_yaml_with_a_python_tag(cli, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    refused(cli, "checklist", "import", str(path), needles=("evil.yaml", "line 1", "not valid YAML"))
    refused(cli, "checklist", "validate", str(path), needles=("evil.yaml", "line 1"))
    assert not marker.exists()
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    refused(cli, "checklist", "import", str(laughs), needles=("laughs.yaml", "line 2", "aliases"))


def _draft(cli) -> str:
    run, _url = cli
    return run("assessment", "new", "Lumen RLHF Partners LLC").stdout.strip()


def test_questionnaire_zip_bomb(cli, tmp_path: Path) -> None:
    run, _url = cli
    aid = _draft(cli)
    good = tmp_path / "q.xlsx"
    run("assessment", "export-questionnaire", aid, "-o", str(good))
    bomb = xlsx_bomb(tmp_path / "answers.xlsx", good.read_bytes(), sheet="xl/worksheets/sheet2.xml")
    refused(cli, "assessment", "import-answers", aid, str(bomb), needles=("answers.xlsx", "zip bomb"))


def test_p12_garbage_and_huge(cli, tmp_path: Path) -> None:
    env = {"VETTA_P12_PASSPHRASE": "secret"}
    garbage = tmp_path / "garbage.p12"
    garbage.write_bytes(b"\x30\x82" + bytes(range(256)) * 4)
    refused(cli, "identity", "import", str(garbage), "--name", "Mallory", env=env,
            needles=("garbage.p12", "cannot be opened"))
    huge = sparse_file(tmp_path / "huge.p12", 2 * 1024 ** 3, b"\x30\x82")
    refused(cli, "identity", "import", str(huge), "--name", "Mallory", env=env, needles=("huge.p12", "too large"))


def test_evidence_huge_and_hostile_name(cli, tmp_path: Path) -> None:
    aid = _draft(cli)
    huge = sparse_file(tmp_path / "scan.pdf", 6 * 1024 ** 3, b"%PDF-1.7\n")
    refused(cli, "assessment", "attach", aid, "DAT-01", str(huge), needles=("scan.pdf", "limit for evidence files"))
    bad = tmp_path / "\x1b\x7f. "
    bad.write_bytes(b"x")
    refused(cli, "assessment", "attach", aid, "DAT-01", str(bad), needles=("not usable",))


FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_neutralises_formulas(cli, tmp_path: Path, suffix: str) -> None:
    run, _url = cli
    source = tmp_path / "formulas.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Country", "Services", "Internal owner"])
        for i, formula in enumerate(FORMULAS):
            w.writerow([f"{formula} {i}", "ES", formula, formula])
    assert "Imported 4 vendor(s)" in run("import", "vendors", str(source)).stdout
    out = tmp_path / f"register{suffix}"
    run("export", "vendors", "-o", str(out))
    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    else:
        wb = load_workbook(out)
        ws = wb.worksheets[0]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)  # no formula cell at all
    header = rows[0]
    body = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    exported = [r for r in body if any(str(r["Name"]).lstrip("'").startswith(f) for f in FORMULAS)]
    assert len(exported) == 4
    for r in exported:
        for column in ("Name", "Services", "Internal owner"):
            value = str(r[column])
            assert value.startswith("'") and value[1] in "=+-@", (column, value)
    # the stored names themselves are unchanged: neutralising is for the exported file only
    from sqlalchemy import create_engine, text

    engine = create_engine(_url)
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM party")).scalars())
    engine.dispose()
    assert {f"{f} {i}" for i, f in enumerate(FORMULAS)} <= names
