"""The real `vetta` program: identity, assessment approve, report, verify."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from pypdf import PdfReader

from desktop.services.database import open_database
from tests.db.test_identities import make_p12
from tests.unit.test_report_builder import make_assessment

Run = Callable[..., CompletedProcess[str]]
DUE = (date.today() + timedelta(days=90)).isoformat()


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, int, int]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = open_database(url)
    first = make_assessment(engine, preparer="Paula Preparer")
    second = make_assessment(engine, vendor_name="Clearlabel Cooperativa S.Coop.")
    engine.dispose()
    return url, first.assessment_id, second.assessment_id


def test_identity_new_and_list(vetta: Run, db: tuple[str, int, int]) -> None:
    url = db[0]
    r = vetta("--db", url, "identity", "new", "Alice Approver", "--email", "alice@example.com",
              "--organisation", "Northwind")
    assert r.returncode == 0, r.stderr
    assert "fingerprint" in r.stdout and "keyring" in r.stdout
    r = vetta("--db", url, "identity", "list", "--json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    assert [x["name"] for x in rows] == ["Alice Approver"] and rows[0]["source"] == "generated"
    assert "Northwind" in rows[0]["subject"]
    r = vetta("--db", url, "identity", "new", "Alice Approver")
    assert r.returncode == 2 and "already exists" in r.stderr and "Traceback" not in r.stderr


def test_no_keyring_is_no_dead_end(vetta: Run, db: tuple[str, int, int]) -> None:
    """Without a keyring the key goes to a passphrase-protected key file (issue 15.2; was a dead end before);
    with no passphrase to be had, nothing is created (tests/e2e/test_cli_key_file.py signs with it)."""
    r = vetta("--db", db[0], "identity", "new", "Bob", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert r.returncode == 2
    assert "No usable OS keyring here: the private key goes into a passphrase-protected key file (PKCS#12)" \
        in r.stderr
    assert json.loads(vetta("--db", db[0], "identity", "list", "--json").stdout) == []


def test_approve_report_and_verify_through_the_pkcs12_route(vetta: Run, db: tuple[str, int, int],
                                                            tmp_path: Path) -> None:
    url, aid, other = db
    p12 = tmp_path / "olga.p12"
    make_p12(p12, "pass phrase")
    env = {"VETTA_P12_PASSPHRASE": "pass phrase"}
    r = vetta("--db", url, "--user", "Olga Officer", "identity", "import", str(p12), "--name", "Olga Officer", env=env)
    assert r.returncode == 0, r.stderr
    # no passphrase and no terminal: a clear error, nothing decided
    r = vetta("--db", url, "--user", "Olga Officer", "assessment", "approve", str(aid), "--identity", "Olga Officer",
              "--p12", str(p12))
    assert r.returncode == 2 and "passphrase" in r.stderr
    r = vetta("--db", url, "--user", "Paula Preparer", "assessment", "approve", str(aid), "--identity",
              "Olga Officer", "--p12", str(p12), env=env)
    assert r.returncode == 2 and "cannot also approve" in r.stderr
    r = vetta("--db", url, "--user", "Olga Officer", "assessment", "approve", str(aid), "--identity", "Olga Officer",
              "--p12", str(p12), "--decision", "approved-with-conditions", env=env)
    assert r.returncode == 2 and "condition" in r.stderr
    r = vetta("--db", url, "--user", "Olga Officer", "assessment", "approve", str(aid), "--identity", "Olga Officer",
              "--p12", str(p12), "--decision", "approved-with-conditions", "--condition", "Divest in 6 months.",
              "--owner", "Legal", "--due", DUE, "--condition", "Quarterly audit.", "--owner", "Internal audit",
              "--due", DUE, "--lang", "es", env=env)
    assert r.returncode == 0, r.stderr
    assert "approved with conditions" in r.stdout and "SHA-256" in r.stdout
    assert "condition 2: Quarterly audit. (owner: Internal audit; due: " + DUE + ")" in r.stdout
    assert "Signed report stored in Spanish" in r.stdout
    out = tmp_path / "signed.pdf"
    r = vetta("--db", url, "report", str(aid), "-o", str(out))
    assert r.returncode == 0 and "signed report" in r.stdout and "(Spanish)" in r.stdout
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Aprobada con condiciones" in text and "Quarterly audit." in text and "BORRADOR" not in text
    assert "responsable: Internal audit" in text
    r = vetta("--db", url, "verify", str(out), "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    verdict = json.loads(r.stdout)
    assert verdict["intact"] and verdict["valid"] and verdict["known_identity"] and verdict["matches_record"]
    assert verdict["assessment_id"] == aid and verdict["signer"].startswith("Olga Officer") and verdict["signed_at"]
    r = vetta("--db", url, "verify", str(out))
    assert r.returncode == 0 and r.stdout.startswith("VALID")
    # an auditor without the database can still check the file itself: intact, but the signer is nobody they
    # trust (exit 4) until they are given the signer's certificate
    r = vetta("--db", "postgresql://nobody@127.0.0.1:1/none", "verify", str(out), "--json")
    assert r.returncode == 4 and "Checking the file alone" in r.stderr
    alone = json.loads(r.stdout)
    assert alone["intact"] and alone["valid"] and not alone["known_identity"] and not alone["matches_record"]
    assert alone["status"] == "untrusted" and not alone["trusted"]
    assert "Traceback" not in r.stderr and "self-signed" not in r.stderr  # the validator's log stays in the log
    cert = tmp_path / "olga.pem"
    r = vetta("--db", url, "identity", "export", "Olga Officer", "-o", str(cert))
    assert r.returncode == 0 and "not its key" in r.stdout
    assert cert.read_text().startswith("-----BEGIN CERTIFICATE-----") and "PRIVATE" not in cert.read_text()
    r = vetta("--db", "postgresql://nobody@127.0.0.1:1/none", "verify", str(out), "--trust", str(cert))
    assert r.returncode == 0 and r.stdout.startswith("VALID AND TRUSTED"), r.stdout
    # one byte changed: not intact, exit 1
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x20
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(data))
    r = vetta("--db", url, "verify", str(bad), "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["intact"] is False
    # deciding twice is refused
    r = vetta("--db", url, "--user", "Olga Officer", "assessment", "approve", str(aid), "--identity", "Olga Officer",
              "--p12", str(p12), env=env)
    assert r.returncode == 2 and "not in review" in r.stderr
    # the other assessment is not decided: its report is a draft on every page
    draft = tmp_path / "draft.pdf"
    r = vetta("--db", url, "report", str(other), "-o", str(draft), "--lang", "es")
    assert r.returncode == 0 and "DRAFT" in r.stdout
    pages = PdfReader(io.BytesIO(draft.read_bytes())).pages
    assert all("BORRADOR" in (p.extract_text() or "") for p in pages)
    r = vetta("--db", url, "verify", str(draft))
    assert r.returncode == 1 and "no digital signature" in r.stdout


def test_bad_input(vetta: Run, db: tuple[str, int, int], tmp_path: Path) -> None:
    url = db[0]
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello, not a pdf")
    r = vetta("--db", url, "verify", str(junk))
    assert r.returncode == 2 and "is not a PDF" in r.stderr and "Traceback" not in r.stderr
    r = vetta("--db", url, "verify", str(tmp_path / "missing.pdf"))
    assert r.returncode == 2 and "missing.pdf' does not exist." in r.stderr  # the shared reader (issue 12)
    r = vetta("--db", url, "report", "999", "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "no assessment 999" in r.stderr
    r = vetta("--db", url, "assessment", "approve", "1", "--identity", "Nobody")
    assert r.returncode == 2 and "no signing identity named 'Nobody'" in r.stderr
    r = vetta("--db", url, "assessment", "approve", "1")
    assert r.returncode == 2 and "--identity" in r.stderr
    r = vetta("--db", url, "report", "1", "-o", str(tmp_path / "no-such-dir" / "x.pdf"))
    assert r.returncode == 2 and "cannot be written" in r.stderr


def test_rationale_conditions_and_the_language_of_record(vetta: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'truth.sqlite3'}"
    engine = open_database(url)
    aid = make_assessment(engine, rating="not_neutral").assessment_id
    engine.dispose()
    keys = tmp_path / "keyring"  # the processes share a keyring, as on a desktop
    keys.mkdir()
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring", "VETTA_TEST_KEYRING_DIR": str(keys)}

    def run(*args: str) -> CompletedProcess[str]:
        return vetta(*args, env=env)

    assert run("--db", url, "--user", "Alba Aprobadora", "identity", "new", "Alba Aprobadora").returncode == 0
    approve = ["--db", url, "--user", "Alba Aprobadora", "assessment", "approve", str(aid), "--identity",
               "Alba Aprobadora"]
    r = run(*approve)
    assert r.returncode == 2 and "is rated Not neutral: approving it needs your rationale (--rationale TEXT)" in r.stderr
    r = run(*approve, "--owner", "Legal", "--condition", "Divest.")
    assert r.returncode == 2 and "--owner must follow the --condition it belongs to" in r.stderr
    r = run(*approve, "--decision", "approved-with-conditions", "--condition", "Divest.", "--rationale", "Why.")
    assert r.returncode == 2 and "needs an owner and a due date" in r.stderr
    r = run(*approve, "--decision", "approved-with-conditions", "--condition", "Divest.", "--owner", "Legal",
              "--due", "31/12/2027", "--rationale", "Why.")
    assert r.returncode == 2 and "is not a date; write it as YYYY-MM-DD" in r.stderr
    r = run(*approve, "--decision", "approved-with-conditions", "--condition", "Divest.", "--owner", "Legal",
              "--due", DUE, "--rationale", "The stake has no votes; divestment is agreed.", "--lang", "en", "--json")
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["rationale"] == "The stake has no votes; divestment is agreed." and result["language"] == "en"
    assert len(result["fingerprint"]) == 64
    # the signed report exists in English only: asking for Spanish is refused, and nothing is written
    out = tmp_path / "es.pdf"
    r = run("--db", url, "report", str(aid), "-o", str(out), "--lang", "es")
    assert r.returncode == 2 and not out.exists()
    assert "was signed in English; its signed report exists only in that language" in r.stderr
    assert "Leave out --lang, or use --lang en" in r.stderr
    r = run("--db", url, "report", str(aid), "-o", str(out), "--lang", "en")
    assert r.returncode == 0 and "signed report" in r.stdout
    page1 = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text() or ""
    assert "The stake has no votes; divestment is agreed." in page1 and result["fingerprint"] in page1
