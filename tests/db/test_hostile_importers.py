"""Hostile input for every importer, on SQLite and PostgreSQL: a clear error naming the file and place, nothing written.

Importers: vendor CSV/XLSX (``import_vendors``), BODS JSON (``import_bods``), checklist YAML
(``import_template``), questionnaire XLSX (``import_answers``), PKCS#12 (``import_p12``) and evidence
files (``add_evidence``, ``attach_evidence``). Every case compares the row count of every table (audit
trail included) before and after.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.core.errors import UserError
from desktop.services import assessments as A
from desktop.services import checklists, identities
from desktop.services.bods import import_bods
from desktop.services.evidence import add_evidence, evidence_for
from desktop.services.questionnaire import export_questionnaire, import_answers
from desktop.services.register_io import import_vendors
from tests.db.test_assessments_support import canned_analyze
from tests.support.hostile import BILLION_LAUGHS, corrupt_xlsx, db_counts, sparse_file, xlsx_bomb
from tests.support.records import make_vendor

ROOT = Path(__file__).resolve().parents[2]
BODS = ROOT / "tests" / "fixtures" / "bods" / "indirect-ownership.json"
TEMPLATE = ROOT / "resources" / "checklists" / "ai-data-vendor-neutrality.yaml"
GB = 1024 ** 3


def refused(engine, call, *needles: str) -> str:
    """``call()`` raises a UserError naming every needle, and nothing is written."""
    before = db_counts(engine)
    with pytest.raises(UserError) as info:
        call()
    message = str(info.value)
    for needle in needles:
        assert needle in message, (needle, message)
    assert "Traceback" not in message and "\n" not in message.strip()
    assert db_counts(engine) == before
    return message


def vendors_xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Country"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- vendor CSV / XLSX


@pytest.mark.parametrize(("label", "data", "needle"), [
    ("nul.csv", b"Name,Country\nAc\x00me,ES\n", "row 2, column 'Name': the value contains the control character U+0000"),
    ("escape.csv", b"Name,Country\nAcme\x1b[31m,ES\n", "U+001B"),
    ("utf16-no-bom.csv", "Name,Country\nAcmé,ES\n".encode("utf-16-le"), "no column mapped to the vendor name"),
    ("binary.csv", bytes(range(256)) * 40, ""),
    ("empty.csv", b"", "is empty"),
    ("only-bom.csv", b"\xef\xbb\xbf", "is empty"),
    ("dup-header.csv", b"Name,name\nA,B\n", "twice in its header"),
    ("text-as.xlsx", b"Name\nAcme\n", "not a readable XLSX"),
    ("truncated.xlsx", vendors_xlsx([["Acme", "ES"]])[:700], "not a readable XLSX"),
])
def test_vendor_files_refused(engine, tmp_path: Path, label: str, data: bytes, needle: str) -> None:
    path = tmp_path / label
    path.write_bytes(data)
    refused(engine, lambda: import_vendors(engine, path), str(path), needle)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "latin-1", "utf-8-sig"])
def test_vendor_csv_in_other_encodings_imports_the_right_names(engine, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes("Razón social;País\nÁguila Datos S.L.;ES\nMüller GmbH;DE\n".encode(encoding))
    plan = import_vendors(engine, path)
    assert plan.imported == 2
    assert "Águila Datos S.L." in {p["name"] for p in plan.preview}


def test_invalid_utf8_never_crashes(engine, tmp_path: Path) -> None:
    path = tmp_path / "bad-utf8.csv"
    path.write_bytes(b"Name,Country\n\xff\xfe\x81\x8d\x8f\x90\x9d Data,ES\n\xc3\x28 Labs,ES\n")
    before = db_counts(engine)
    try:
        plan = import_vendors(engine, path)
    except UserError as exc:
        assert str(path) in str(exc)
        assert db_counts(engine) == before
    else:  # decoded as a Windows code page: both rows, whole
        assert plan.imported == 2


def test_huge_vendor_file_is_refused_before_reading(engine, tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "huge.csv", 3 * GB, b"Name,Country\n")
    refused(engine, lambda: import_vendors(engine, path), str(path), "over the 200 MB limit")


def test_vendor_xlsx_zip_bomb_is_refused(engine, tmp_path: Path) -> None:
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", vendors_xlsx([["Acme", "ES"]]))
    assert bomb.stat().st_size < 2 * 1024 * 1024  # a tiny file that expands to 300 MB
    refused(engine, lambda: import_vendors(engine, bomb), str(bomb), "possible zip bomb")


def test_vendor_xlsx_with_a_damaged_sheet(engine, tmp_path: Path) -> None:
    path = corrupt_xlsx(tmp_path / "damaged.xlsx", vendors_xlsx([[f"Vendor {i}", "ES"] for i in range(300)]))
    refused(engine, lambda: import_vendors(engine, path), str(path), "XLSX")


def test_one_bad_row_among_thousands_writes_nothing(engine, tmp_path: Path) -> None:
    lines = ["Name,Country"] + [f"Vendor {i},ES" for i in range(2500)] + ["Broken\x00Vendor,ES"]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    refused(engine, lambda: import_vendors(engine, path), "Nothing was imported", "row 2502")


# --------------------------------------------------------------------------- BODS JSON


def _bods_variant(tmp_path: Path, name: str, edit) -> Path:
    statements = json.loads(BODS.read_text(encoding="utf-8"))
    edit(statements)
    path = tmp_path / name
    path.write_text(json.dumps(statements), encoding="utf-8")
    return path


@pytest.mark.parametrize(("label", "data", "needle"), [
    ("deep.json", b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    ("deep-object.json", b'[{"statementId": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001 + b"]", "nested too deeply"),
    ("utf16.json", json.dumps([{"a": 1}]).encode("utf-16"), "not UTF-8"),
    ("latin1.json", '[{"statementId": "Müller"}]'.encode("latin-1"), "not UTF-8"),
    ("truncated.json", b'[{"statementId": "abc', "not valid JSON: line 1"),
    ("object.json", b'{"statements": []}', "BODS"),
    ("empty.json", b"   ", "is empty"),
    ("nan.json", b"[NaN]", "BODS"),
])
def test_bods_files_refused(engine, tmp_path: Path, label: str, data: bytes, needle: str) -> None:
    path = tmp_path / label
    path.write_bytes(data)
    refused(engine, lambda: import_bods(engine, path), str(path), needle)


def test_bods_with_nul_in_a_name_is_refused(engine, tmp_path: Path) -> None:
    def edit(statements):
        for st in statements:
            if st.get("recordType") == "entity":
                st["recordDetails"]["name"] = "Evil\u0000Corp"
                break

    path = _bods_variant(tmp_path, "nul.json", edit)
    refused(engine, lambda: import_bods(engine, path), str(path), "U+0000")


@pytest.mark.parametrize("depth", [900, 5000])
def test_bods_deep_nesting_inside_a_valid_statement(engine, tmp_path: Path, depth: int) -> None:
    path = _bods_variant(tmp_path, "deep-annotation.json", lambda st: st[0].__setitem__("extra", "DEEP"))
    path.write_text(path.read_text(encoding="utf-8").replace('"DEEP"', "[" * depth + "1" + "]" * depth, 1),
                    encoding="utf-8")
    refused(engine, lambda: import_bods(engine, path), str(path), "nested too deeply")


def test_huge_bods_file_is_refused_before_reading(engine, tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "huge.json", 3 * GB, b"[")
    refused(engine, lambda: import_bods(engine, path), str(path), "too large")


# --------------------------------------------------------------------------- checklist YAML


@pytest.mark.parametrize(("label", "text", "needle"), [
    ("os-system.yaml", "!!python/object/apply:os.system ['touch PWNED']\n", "line 1: this is not valid YAML"),
    ("python-name.yaml", "id: !!python/name:os.system\nversion: 1\n", "could not determine a constructor"),
    ("laughs.yaml", BILLION_LAUGHS, "aliases"),
    ("list.yaml", "- 1\n- 2\n", "must be a mapping"),
    ("tab.yaml", "id: x\n\tversion: 1\n", "not valid YAML"),
])
def test_templates_refused(engine, tmp_path: Path, label: str, text: str, needle: str) -> None:
    path = tmp_path / label
    path.write_text(text, encoding="utf-8")
    refused(engine, lambda: checklists.import_template(engine, path), label, needle)
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_template_in_a_wrong_encoding(engine, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.yaml"
    path.write_bytes((TEMPLATE.read_text(encoding="utf-8").replace("version: 2", "version: 9", 1)
                      + "# ñandú\n").encode(encoding, errors="replace"))
    refused(engine, lambda: checklists.import_template(engine, path), path.name, "not UTF-8")


@pytest.mark.parametrize(("old", "new"), [
    ("id: ai-data-vendor-neutrality", 'id: "ai-data\\0vendor"'),
    ('en: "AI data vendor neutrality"', 'en: "AI data\\0vendor neutrality"'),
    ('en: "AI data vendor neutrality"', 'en: "AI data\\x1b[31mvendor"'),
])
def test_template_with_nul_or_control_escape_is_refused(engine, tmp_path: Path, old: str, new: str) -> None:
    text = TEMPLATE.read_text(encoding="utf-8").replace("version: 2", "version: 8", 1)
    path = tmp_path / "nul.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    refused(engine, lambda: checklists.import_template(engine, path), "nul.yaml")


def test_huge_template_is_refused_before_reading(engine, tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "huge.yaml", 3 * GB, b"id: x\n")
    refused(engine, lambda: checklists.import_template(engine, path), "huge.yaml", "byte limit")


# --------------------------------------------------------------------------- questionnaire XLSX


@pytest.fixture
def questionnaire(demo_engine, tmp_path: Path):
    s = A.create_assessment(demo_engine, "Lumen RLHF Partners LLC", analyze_fn=canned_analyze)
    path = tmp_path / "lumen.xlsx"
    export_questionnaire(demo_engine, s.id, path)
    return demo_engine, s.id, path


def test_questionnaire_nasty_workbooks(questionnaire, tmp_path: Path) -> None:
    engine, aid, good = questionnaire
    data = good.read_bytes()
    bomb = xlsx_bomb(tmp_path / "bomb.xlsx", data, sheet="xl/worksheets/sheet2.xml")
    refused(engine, lambda: import_answers(engine, aid, bomb), "bomb.xlsx", "zip bomb")
    damaged = corrupt_xlsx(tmp_path / "damaged.xlsx", data, sheet="xl/worksheets/sheet2.xml")
    refused(engine, lambda: import_answers(engine, aid, damaged), "damaged.xlsx")
    huge = sparse_file(tmp_path / "huge.xlsx", 3 * GB, data[:4])
    refused(engine, lambda: import_answers(engine, aid, huge), "huge.xlsx", "limit")
    utf16 = tmp_path / "utf16.xlsx"
    utf16.write_bytes("Question ID\tAnswer\nOWN-06\tno\n".encode("utf-16"))
    refused(engine, lambda: import_answers(engine, aid, utf16), "utf16.xlsx", "not an Excel workbook")


def test_questionnaire_with_control_characters_in_cells(questionnaire, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    engine, aid, good = questionnaire
    wb = load_workbook(good)
    ws = wb["Questions"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == "OWN-06":
            ws.cell(row=row, column=8, value="no")
            ws.cell(row=row, column=9, value="_x0000_ NUL written the way Excel escapes it")
    path = tmp_path / "escaped.xlsx"
    wb.save(path)
    before = db_counts(engine)
    try:
        result = import_answers(engine, aid, path)
    except UserError as exc:
        assert "escaped.xlsx" in str(exc)
        assert db_counts(engine) == before
    else:
        assert result.applied == ["OWN-06"]
        state = {q.key: q for q in A.get_assessment(engine, aid).questions}["OWN-06"]
        assert "\x00" not in (state.justification or "")


# --------------------------------------------------------------------------- PKCS#12


@pytest.mark.parametrize(("label", "data", "needle"), [
    ("random.p12", os.urandom(2048), "cannot be opened"),
    ("empty.p12", b"", "cannot be opened"),
    ("pem.p12", b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", "cannot be opened"),
    ("asn1.p12", b"\x30\x82\xff\xff" + b"\x00" * 64, "cannot be opened"),
])
def test_p12_files_refused(engine, tmp_path: Path, label: str, data: bytes, needle: str) -> None:
    path = tmp_path / label
    path.write_bytes(data)
    refused(engine, lambda: identities.import_p12(engine, path, "Olga Officer", "secret"), str(path), needle)


def test_p12_wrong_passphrase_huge_and_folder(engine, tmp_path: Path) -> None:
    from tests.db.test_identities import make_p12

    good = tmp_path / "olga.p12"
    make_p12(good, "right passphrase")
    refused(engine, lambda: identities.import_p12(engine, good, "Olga", "wrong"), str(good), "passphrase is wrong")
    refused(engine, lambda: identities.import_p12(engine, good, "Olga", None), str(good), "cannot be opened")
    huge = sparse_file(tmp_path / "huge.p12", 3 * GB, good.read_bytes())
    refused(engine, lambda: identities.import_p12(engine, huge, "Olga", "right passphrase"), str(huge), "too large")
    refused(engine, lambda: identities.import_p12(engine, tmp_path, "Olga", "x"), str(tmp_path))
    truncated = tmp_path / "truncated.p12"
    truncated.write_bytes(good.read_bytes()[:200])
    refused(engine, lambda: identities.import_p12(engine, truncated, "Olga", "right passphrase"), str(truncated))


# --------------------------------------------------------------------------- evidence files


def test_huge_evidence_is_refused_before_reading(engine, tmp_path: Path) -> None:
    vendor_id = make_vendor(engine)
    huge = sparse_file(tmp_path / "scan.pdf", 8 * GB, b"%PDF-1.7\n")
    refused(engine, lambda: add_evidence(engine, huge, record_type="vendor", record_id=vendor_id),
            str(huge), "limit for evidence files")
    just_over = sparse_file(tmp_path / "big.pdf", 50 * 1024 * 1024 + 1, b"%PDF-1.7\n")
    refused(engine, lambda: add_evidence(engine, just_over, record_type="vendor", record_id=vendor_id),
            "big.pdf", "limit for evidence files")


@pytest.mark.parametrize("name", [
    "report\nwith newline.pdf", "tab\there.pdf", "bell\x07.pdf", "..\u202eevil.pdf", "\x1b[31mred.pdf",
    "back\\slash\\..\\..\\etc.pdf", "..", "...", " . ",
])
def test_evidence_file_names_with_separators_and_control_characters(engine, tmp_path: Path, name: str) -> None:
    vendor_id = make_vendor(engine)
    path = tmp_path / name
    try:
        path.write_bytes(b"evidence")
    except OSError:
        pytest.skip("the file system refuses this name")
    before = db_counts(engine)
    try:
        info = add_evidence(engine, path, record_type="vendor", record_id=vendor_id)
    except UserError as exc:
        assert "not usable" in str(exc) or "folder" in str(exc)
        assert db_counts(engine) == before
        return
    assert "/" not in info.filename and "\\" not in info.filename and not info.filename.startswith(".")
    assert all(ch.isprintable() for ch in info.filename)
    assert [e.filename for e in evidence_for(engine, "vendor", vendor_id)] == [info.filename]


def test_evidence_attached_to_an_answer_with_a_hostile_name(demo_engine, tmp_path: Path) -> None:
    s = A.create_assessment(demo_engine, "Lumen RLHF Partners LLC", analyze_fn=canned_analyze)
    folder = tmp_path / "sub"
    folder.mkdir()
    path = folder / "\x7f\x1b. \u202e"
    path.write_bytes(b"x")
    before = db_counts(demo_engine)
    with pytest.raises(UserError, match="not usable"):
        A.attach_evidence(demo_engine, s.id, "DAT-01", path)
    assert db_counts(demo_engine) == before
    shutil.rmtree(folder)
