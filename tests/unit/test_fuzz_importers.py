"""Fuzz every importer with hypothesis (bounded, no deadlines), on SQLite and PostgreSQL where it writes.

Property, for every importer: the outcome is either a success, or a ``UserError`` whose message names
the file, with the row count of every table (audit trail included) unchanged. Any other exception
(a traceback for the user, a database error) fails the test.

``EXAMPLES`` gives the examples per test and backend; docs/reliability.md quotes the totals.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from desktop.core.checklist import load_template_text
from desktop.core.errors import UserError
from desktop.services import assessments as A
from desktop.services import checklists, identities
from desktop.services.bods import import_bods
from desktop.services.evidence import add_evidence
from desktop.services.questionnaire import export_questionnaire, import_answers
from desktop.services.register_io import import_vendors
from tests.db.test_assessments_support import canned_analyze
from tests.support.hostile import db_counts
from tests.support.records import make_vendor

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_TEXT = (ROOT / "resources" / "checklists" / "ai-data-vendor-neutrality.yaml").read_text(encoding="utf-8")
BODS_TEXT = (ROOT / "tests" / "fixtures" / "bods" / "indirect-ownership.json").read_text(encoding="utf-8")
EXAMPLES = {"vendor_csv": 60, "vendor_xlsx": 25, "bods": 60, "template_text": 200, "template_import": 30,
            "questionnaire": 25, "p12": 60, "evidence": 40}


def db(key: str) -> settings:
    return settings(max_examples=EXAMPLES[key], deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\x00", "\x1b[31m", "\u202e", "é", "日本",
                     "'", '"', ",", ";", "\n", "\r\n", "\t", "a" * 600, "\ufeff", "\udcff".encode("utf-8",
                     "surrogatepass").decode("utf-8", "replace")]),
)


def outcome(engine, path: Path, call) -> bool:
    """Run ``call``: True on success; on UserError check the message and that nothing was written."""
    before = db_counts(engine)
    try:
        call()
    except UserError as exc:
        message = str(exc)
        assert path.name in message, message
        assert "Traceback" not in message
        assert db_counts(engine) == before
        return False
    return True


# --------------------------------------------------------------------------- vendor CSV / XLSX


def vendors_xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Country"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

csv_bytes = st.one_of(
    st.binary(max_size=600),
    st.lists(st.lists(nasty_text, min_size=1, max_size=6), max_size=8).map(
        lambda rows: "\n".join(",".join(r) for r in [["Name", "Country", "Notes"], *rows]).encode("utf-8")),
    st.tuples(st.lists(nasty_text, min_size=1, max_size=5), st.sampled_from(["utf-8", "utf-16", "cp1252",
                                                                              "utf-8-sig"])).map(
        lambda t: ("Name;País\n" + "\n".join(f"{v};ES" for v in t[0])).encode(t[1], errors="replace")),
)


@db("vendor_csv")
@given(data=csv_bytes)
def test_fuzz_vendor_csv(engine, tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("csv") / "vendors.csv"
    path.write_bytes(data)
    outcome(engine, path, lambda: import_vendors(engine, path))


cell = st.one_of(nasty_text, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(), st.dates())


@db("vendor_xlsx")
@given(rows=st.lists(st.lists(cell, max_size=5), max_size=6), header=st.lists(cell, min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.integers(min_value=0, max_value=4000)))
def test_fuzz_vendor_xlsx(engine, tmp_path_factory, rows, header, cut) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    try:
        ws.append(["Name", *header])
        for r in rows:
            ws.append(r)
    except Exception:  # openpyxl refuses some values itself (illegal characters): not our importer
        return
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue() if cut is None else buf.getvalue()[:cut]
    path = tmp_path_factory.mktemp("xlsx") / "vendors.xlsx"
    path.write_bytes(data)
    outcome(engine, path, lambda: import_vendors(engine, path))


# --------------------------------------------------------------------------- BODS JSON

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
                           max_leaves=20)


@st.composite
def bods_files(draw) -> bytes:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind == 1:
        return json.dumps(draw(json_values)).encode("utf-8")
    statements = json.loads(BODS_TEXT)  # a valid file with one field replaced
    st_index = draw(st.integers(0, len(statements) - 1))
    statement = statements[st_index]
    target = statement
    path_keys = draw(st.lists(st.sampled_from(["recordDetails", "name", "interests", "statementId", "recordId",
                                                "subject", "interestedParty", "share", "exact", "startDate",
                                                "publicationDetails", "declarationSubject"]), max_size=3))
    for key in path_keys[:-1]:
        nxt = target.get(key) if isinstance(target, dict) else None
        if isinstance(nxt, list) and nxt:
            nxt = nxt[0]
        if not isinstance(nxt, dict):
            break
        target = nxt
    if isinstance(target, dict):
        target[path_keys[-1] if path_keys else "statementId"] = draw(json_values)
    return json.dumps(statements).encode("utf-8")


@db("bods")
@given(data=bods_files())
def test_fuzz_bods(engine, tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("bods") / "owners.json"
    path.write_bytes(data)
    outcome(engine, path, lambda: import_bods(engine, path))


# --------------------------------------------------------------------------- checklist YAML

yaml_tokens = st.sampled_from(["!!python/object/apply:os.system ['x']", "&a", "*a", "<<: *a", "!!binary AAAA",
                               "{", "}", "[", "]", ":", "- ", "\t", "%YAML 1.1\n", "---", "...", "? ", "|", ">",
                               "\"\\0\"", "\x00", "\ufeff", "!tag", "!!set {a}", "~", "null", "1e400"])


@st.composite
def template_texts(draw) -> str:
    lines = TEMPLATE_TEXT.splitlines()
    n = draw(st.integers(0, 3))
    for _ in range(n):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.integers(0, 2))
        if action == 0:
            del lines[i]
        elif action == 1:
            lines[i] = lines[i] + " " + draw(st.one_of(yaml_tokens, nasty_text))
        else:
            lines.insert(i, draw(st.one_of(yaml_tokens, nasty_text)))
    if draw(st.booleans()):
        return draw(st.lists(st.one_of(yaml_tokens, nasty_text), max_size=12).map("\n".join))
    return "\n".join(lines)


@settings(max_examples=EXAMPLES["template_text"], deadline=None, database=None)
@given(text=template_texts())
def test_fuzz_template_text(text: str) -> None:
    try:
        load_template_text(text, "fuzz.yaml")
    except UserError as exc:
        assert str(exc).startswith("fuzz.yaml"), str(exc)


@db("template_import")
@given(text=template_texts())
def test_fuzz_template_import(engine, tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("yaml") / "fuzz.yaml"
    try:
        path.write_text(text.replace("version: 2", "version: 77", 1), encoding="utf-8", errors="surrogatepass")
    except UnicodeEncodeError:
        return
    outcome(engine, path, lambda: checklists.import_template(engine, path))


# --------------------------------------------------------------------------- questionnaire XLSX


@pytest.fixture
def questionnaire(demo_engine, tmp_path: Path):
    s = A.create_assessment(demo_engine, "Lumen RLHF Partners LLC", analyze_fn=canned_analyze)
    path = tmp_path / "lumen.xlsx"
    export_questionnaire(demo_engine, s.id, path)
    return demo_engine, s.id, path.read_bytes()


@db("questionnaire")
@given(answers=st.lists(st.tuples(st.integers(2, 40), cell, cell), max_size=6),
       cut=st.one_of(st.none(), st.integers(min_value=0, max_value=20000)))
def test_fuzz_questionnaire(questionnaire, tmp_path_factory, answers, cut) -> None:
    engine, aid, good = questionnaire
    wb = load_workbook(io.BytesIO(good))
    ws = wb["Questions"]
    try:
        for row, answer, comment in answers:
            ws.cell(row=row, column=8, value=answer)
            ws.cell(row=row, column=9, value=comment)
    except Exception:  # openpyxl refuses illegal characters itself
        return
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue() if cut is None else buf.getvalue()[:cut]
    path = tmp_path_factory.mktemp("q") / "answers.xlsx"
    path.write_bytes(data)
    outcome(engine, path, lambda: import_answers(engine, aid, path))


# --------------------------------------------------------------------------- PKCS#12


_SIGNERS = itertools.count()


@pytest.fixture(scope="module")
def p12_bytes(tmp_path_factory) -> bytes:
    from tests.db.test_identities import make_p12

    path = tmp_path_factory.mktemp("p12") / "good.p12"
    make_p12(path, "fuzz")
    return path.read_bytes()


@db("p12")
@given(flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(1, 255)), min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.integers(0, 4000)), random=st.one_of(st.none(), st.binary(max_size=300)),
       passphrase=st.one_of(st.none(), st.just("fuzz"), nasty_text))
def test_fuzz_p12(engine, tmp_path_factory, p12_bytes, flips, cut, random, passphrase) -> None:
    data = bytearray(p12_bytes if random is None else random)
    for pos, xor in flips:
        if data and random is None:
            data[pos % len(data)] ^= xor
    if cut is not None:
        data = data[:cut]
    path = tmp_path_factory.mktemp("p12") / "key.p12"
    path.write_bytes(bytes(data))
    name = f"Fuzz signer {next(_SIGNERS)}"  # a fresh name per example: replays must not collide
    before = db_counts(engine)
    try:
        identities.import_p12(engine, path, name, passphrase)
    except UserError as exc:
        # a flip that leaves the key intact re-imports the same certificate: refused as a duplicate
        assert path.name in str(exc) or "already registered" in str(exc), str(exc)
        assert db_counts(engine) == before


def test_a_nul_in_the_p12_passphrase_is_a_clear_refusal(p12_bytes, tmp_path) -> None:
    # Found by the fuzzer above: OpenSSL cannot take a NUL, and cryptography panicked (PanicException is
    # a BaseException, so it escaped every handler as an internal error).
    from desktop.report.signing import material_from_p12

    for passphrase in ("\x00", "fu\x00zz"):
        with pytest.raises(UserError, match="NUL"):
            material_from_p12(p12_bytes, passphrase, source="key.p12")


# --------------------------------------------------------------------------- evidence files on disk


@db("evidence")
@given(name=st.lists(st.one_of(st.sampled_from(["\\", "..", ".", "\n", "\r", "\t", "\u202e", "\x1b", "\x7f",
                                                "CON", " ", "é", "%2e"]), st.text(max_size=10)),
                     min_size=1, max_size=8).map("".join),
       data=st.binary(max_size=200))
def test_fuzz_evidence_files(engine, tmp_path_factory, name: str, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("ev")
    path = folder / name.replace("/", "_").replace("\x00", "_")
    try:
        path.write_bytes(data)
    except (OSError, ValueError, UnicodeEncodeError):
        return  # the file system itself refuses the name
    if not path.is_file() or path.parent != folder:
        return
    vendor_id = make_vendor(engine, f"Evidence vendor {folder.name}")
    before = db_counts(engine)
    try:
        info = add_evidence(engine, path, record_type="vendor", record_id=vendor_id)
    except UserError as exc:
        assert "not usable" in str(exc)
        assert db_counts(engine) == before
        return
    assert "/" not in info.filename and "\\" not in info.filename and info.filename.isprintable()
    assert info.size == len(data)



def test_zip_of_nothing_is_not_a_workbook(engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(path, "w"):
        pass
    assert not outcome(engine, path, lambda: import_vendors(engine, path))
