"""`vetta verify` as a script sees it: exit 0 valid and trusted, 4 valid but not trusted, 1 not valid, 2 bad input."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from desktop.services.database import open_database
from desktop.services.identities import certificate_der, new_identity
from desktop.services.signoff import approve, signed_report
from tests.support import forge
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


def test_exit_codes(vetta, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vetta.sqlite3'}"
    engine = open_database(url)
    try:
        built = make_assessment(engine)
        new_identity(engine, "Alice Approver", actor="Alice Approver")
        approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
                ownership=CANNED_OWNERSHIP)
        pdf = signed_report(engine, built.assessment_id)
        cert = certificate_der(engine, "Alice Approver")
    finally:
        engine.dispose()
    assert pdf is not None
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf)
    pem = tmp_path / "alice.pem"
    r = vetta("--db", url, "identity", "export", "Alice Approver", "-o", str(pem))
    assert r.returncode == 0, r.stderr

    # with the database: the signer is one of its identities and the file is the one recorded
    r = vetta("--db", url, "verify", str(report))
    assert r.returncode == 0 and r.stdout.startswith("VALID AND TRUSTED"), r.stdout + r.stderr
    assert "file is the one recorded with the decision: yes" in r.stdout
    assert "signer's own clock" in r.stdout and "certified (no changes allowed): yes" in r.stdout
    # an auditor elsewhere: no database here (none is created to verify), then with the exported certificate
    r = vetta("verify", str(report))
    assert r.returncode == 4 and r.stdout.startswith("VALID BUT NOT TRUSTED") and "--trust" in r.stdout
    r = vetta("verify", str(report), "--trust", str(pem), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["status"] == "trusted"

    # the approver's exact name on a self-made certificate, page 1 changed: not valid, whatever is trusted
    key, lookalike = forge.lookalike_of(cert)
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(forge.sign_again(forge.change_page_one(pdf), forge.material(key, lookalike),
                                        name="Alice Approver"))
    fake_pem = tmp_path / "lookalike.pem"
    fake_pem.write_bytes(lookalike.public_bytes(serialization.Encoding.PEM))
    for args in ((), ("--trust", str(pem)), ("--trust", str(fake_pem))):
        r = vetta("verify", str(forged), *args)
        assert r.returncode == 1 and r.stdout.startswith("NOT VALID") and "changed after it was signed" in r.stdout
    r = vetta("--db", url, "verify", str(forged))
    assert r.returncode == 1

    # bad input: a --trust file that holds no certificate, a folder given as the report
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    r = vetta("verify", str(report), "--trust", str(junk))
    assert r.returncode == 2 and "holds no X.509 certificate" in r.stderr
    r = vetta("verify", str(tmp_path))
    assert r.returncode == 2 and "is a folder, not a file" in r.stderr


def test_no_database_is_created_to_verify(vetta, tmp_path: Path, _isolated_data_dir: Path) -> None:
    r = vetta("verify", str(tmp_path / "missing.pdf"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    assert not (_isolated_data_dir / "vetta.sqlite3").exists()


def test_who_am_i_on_sqlite_from_the_command_line(vetta, tmp_path: Path) -> None:
    db = str(tmp_path / "mine.sqlite3")
    anonymous = {"VETTA_USER": ""}
    r = vetta("--db", db, "vendors", "add", "Nameless Vendor", env=anonymous)
    assert r.returncode == 2 and "does not know who you are" in r.stderr and "profile-name" in r.stderr
    r = vetta("--db", db, "whoami", env=anonymous)
    assert r.returncode == 0 and "Nobody yet" in r.stdout
    r = vetta("--db", db, "settings", "set", "profile-name", "Ana García", env=anonymous)
    assert r.returncode == 0 and "'Ana García'" in r.stdout
    assert vetta("--db", db, "whoami", env=anonymous).stdout.strip() == "Ana García (profile name)"
    assert vetta("--db", db, "vendors", "add", "Named Vendor", env=anonymous).returncode == 0
    log = json.loads(vetta("--db", db, "audit", "log", "--json", env=anonymous).stdout)
    assert {e["actor"] for e in log if e["record_type"] == "vendor"} == {"Ana García"}
    assert vetta("--db", db, "--user", "Luis", "whoami", env=anonymous).stdout.strip() == "Luis (--user)"
    r = vetta("--db", db, "settings", "set", "timestamp-url", "ftp://x", env=anonymous)
    assert r.returncode == 2 and "http://" in r.stderr
    r = vetta("--db", db, "settings", "set", "timestamp-url", "https://tsa.example/tsr", env=anonymous)
    assert r.returncode == 0 and "timestamped by https://tsa.example/tsr" in r.stdout
    assert "Time-stamping server: https://tsa.example/tsr" in vetta("--db", db, "settings", "show").stdout
