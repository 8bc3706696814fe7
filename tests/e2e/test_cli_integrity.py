"""Issue 12 through the real `vetta` program: each attack of the red-team pass is refused or detected, exit non-zero.

The attacker uses their own ``sqlite3`` client on the database file (no Vetta code), as they would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from db.audit import event_hash
from desktop.services.database import open_database
from desktop.services.identities import import_p12
from desktop.services.signoff import approve
from tests.db.test_identities import make_p12
from tests.e2e.conftest import ROOT
from tests.support.db_templates import DISABLED as TEMPLATES_DISABLED
from tests.support.db_templates import Templates, isolated_env, quiesce_sqlite
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment

Run = Callable[..., CompletedProcess[str]]
P12_ENV = {"VETTA_P12_PASSPHRASE": "pass phrase"}


def _build_signed_db(folder: Path) -> tuple[Path, int, Path]:
    """A database with a decided assessment whose signed report is stored; the signer's PKCS#12 file."""
    path = folder / "vetta.sqlite3"
    engine = open_database(str(path))
    built = make_assessment(engine, preparer="Paula Preparer")
    p12 = folder / "olga.p12"
    make_p12(p12, "pass phrase")
    import_p12(engine, p12, "Olga Officer", "pass phrase", actor="Olga Officer")
    approve(engine, built.assessment_id, identity="Olga Officer", approver="Olga Officer", p12=p12,
            p12_passphrase="pass phrase", ownership=CANNED_OWNERSHIP)
    engine.dispose()
    return path, built.assessment_id, p12


@pytest.fixture(scope="session")
def _signed_db_template(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], tuple[Path, int, Path]]:
    """``signed_db``'s database, built once per test process (per day: the dates are today's)."""
    built: dict[date, tuple[Path, int, Path]] = {}

    def get() -> tuple[Path, int, Path]:
        day = date.today()
        if day not in built:
            folder = tmp_path_factory.mktemp("signed-db")
            with isolated_env(folder / "data"):
                built[day] = _build_signed_db(folder)
            quiesce_sqlite(built[day][0])
        return built[day]

    return get


@pytest.fixture
def signed_db(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, int, Path]:
    """A database with a decided assessment whose signed report is stored; the signer's PKCS#12 file.

    Each test gets its own copy (file mode kept: 0600) of one built once per test process: every test
    here attacks the database it is given. ``VETTA_TEST_NO_TEMPLATES=1``: built per test."""
    if TEMPLATES_DISABLED:
        return _build_signed_db(tmp_path)
    source, aid, p12 = request.getfixturevalue("_signed_db_template")()
    shutil.copy(source, tmp_path / "vetta.sqlite3")
    shutil.copy(p12, tmp_path / "olga.p12")
    return tmp_path / "vetta.sqlite3", aid, tmp_path / "olga.p12"


def _verify(vetta: Run, db: Path, *extra: str) -> tuple[int, dict]:
    r = vetta("--db", str(db), "audit", "verify", "--json", *extra)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout) if r.stdout.strip() else {}


def _attacker(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


def _guard_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                               "AND name LIKE 'vetta_%'")]


def _behind_the_guards(db: Path, *statements: tuple[str, tuple]) -> None:
    """Drop every guard, run the statements, put the guards back word for word."""
    with _attacker(db) as conn:
        guards = _guard_names(conn)
        conn.execute("BEGIN")
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        for sql, params in statements:
            conn.execute(sql, params)
        for _name, sql in guards:
            conn.execute(sql)
        conn.execute("COMMIT")


def test_intact_database_verifies_with_its_anchor(vetta: Run, signed_db) -> None:
    db, aid, _p12 = signed_db
    code, data = _verify(vetta, db)
    assert code == 0 and data["ok"] and data["report_anchors"]["checked"] == 1 and data["data"]["ok"]
    r = vetta("--db", str(db), "audit", "verify")
    assert r.returncode == 0
    assert "Signed reports: 1 anchored in the trail; every anchor matches." in r.stdout
    assert "The data matches the trail" in r.stdout


@pytest.mark.parametrize("table", ["assessment", "answer", "signoff", "audit_event"])
def test_insert_or_replace_is_refused_on_every_guarded_table(vetta: Run, signed_db, table: str) -> None:
    db, aid, _p12 = signed_db
    with _attacker(db) as conn, pytest.raises(sqlite3.IntegrityError, match="vetta:immutable"):
        where = {"assessment": f"id = {aid}", "answer": f"assessment_id = {aid}",
                 "signoff": f"assessment_id = {aid}", "audit_event": "seq = 1"}[table]
        conn.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE {where} LIMIT 1")
    assert _verify(vetta, db)[0] == 0  # nothing changed


def test_do_nothing_trigger_with_a_guards_name_fails_verify_and_check(vetta: Run, signed_db) -> None:
    db, _aid, _p12 = signed_db
    with _attacker(db) as conn:
        conn.execute("DROP TRIGGER vetta_signoff_no_update")
        conn.execute("CREATE TRIGGER vetta_signoff_no_update BEFORE UPDATE ON signoff BEGIN SELECT 1; END")
    code, data = _verify(vetta, db)
    assert code == 1 and data["missing_guards"] == ["vetta_signoff_no_update"]
    r = vetta("--db", str(db), "audit", "verify")
    assert r.returncode == 1 and "no longer have their shipped definition (vetta_signoff_no_update)" in r.stdout
    r = vetta("--db", str(db), "db", "check")
    assert r.returncode == 1
    assert "Problem: protection trigger vetta_signoff_no_update was removed, switched off or altered" in r.stdout


def test_edited_event_with_every_hash_recomputed_is_detected(vetta: Run, signed_db) -> None:
    db, aid, _p12 = signed_db
    with _attacker(db) as conn:
        rows = conn.execute("SELECT seq, occurred_at, actor, action, record_type, record_id, vendor_id, "
                            "changes_json, prev_hash FROM audit_event ORDER BY seq").fetchall()
    from datetime import UTC, datetime

    def instant(value: str) -> datetime:  # how Vetta reads the stored time back
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    statements = []
    prev = rows[0][8]
    for seq, at, actor, action, rtype, rid, vid, changes, _prev in rows:
        if seq == 2:
            actor = "mallory"  # the edit
        digest = event_hash(prev_hash=prev, seq=seq, occurred_at=instant(at), actor=actor,
                            action=action, record_type=rtype, record_id=rid, vendor_id=vid, changes_json=changes)
        statements.append(("UPDATE audit_event SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                           (actor, prev, digest, seq)))
        prev = digest
    _behind_the_guards(db, *statements)
    code, data = _verify(vetta, db)
    assert code == 1 and data["intact"] and data["missing_guards"] == []  # chain and guards look fine
    assert [p["kind"] for p in data["report_anchors"]["problems"]] == ["rewritten"]
    r = vetta("--db", str(db), "audit", "verify")
    assert r.returncode == 1 and f"Anchor problem (rewritten): The signed report of assessment #{aid}" in r.stdout


def test_truncated_tail_of_the_chain_is_detected(vetta: Run, signed_db) -> None:
    db, _aid, _p12 = signed_db
    with _attacker(db) as conn:
        head = conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0]
    _behind_the_guards(db, ("DELETE FROM audit_event WHERE seq >= ?", (head - 2,)))
    code, data = _verify(vetta, db)
    assert code == 1 and data["intact"]
    assert [p["kind"] for p in data["report_anchors"]["problems"]] == ["truncated"]


@pytest.mark.parametrize("attack", ["stake", "evidence", "fingerprint", "report"])
def test_plain_sql_changes_of_business_data_are_detected(vetta: Run, signed_db, attack: str) -> None:
    db, aid, _p12 = signed_db
    with _attacker(db) as conn:
        if attack == "stake":
            target = conn.execute("SELECT id FROM interest WHERE share_exact = 49").fetchone()[0]
            conn.execute("UPDATE interest SET share_exact = 0.01 WHERE id = ?", (target,))
            expected = ("interest", target, "share_exact")
        elif attack == "evidence":
            target = conn.execute("SELECT min(id) FROM evidence_blob").fetchone()[0]
            conn.execute("UPDATE evidence_blob SET data = ? WHERE id = ?", (b"forged", target))
            expected = ("evidence_blob", target, "data")
        elif attack == "fingerprint":
            target = conn.execute("SELECT id FROM signing_identity").fetchone()[0]
            conn.execute("UPDATE signing_identity SET fingerprint_sha256 = ? WHERE id = ?", ("0" * 64, target))
            expected = ("signing_identity", target, "fingerprint_sha256")
    if attack == "report":
        with _attacker(db) as conn:
            target, pdf = conn.execute("SELECT id, report_pdf FROM signoff").fetchone()
        forged = pdf.replace(b"Northwind", b"Southwind")
        _behind_the_guards(db, ("UPDATE signoff SET report_pdf = ?, report_sha256 = ? WHERE id = ?",
                                (forged, hashlib.sha256(forged).hexdigest(), target)))
        expected = ("signoff", target, "report_pdf")
    code, data = _verify(vetta, db)
    assert code == 1
    assert list(expected) in [[p["table"], p["id"], p["field"]] for p in data["data"]["problems"]]
    r = vetta("--db", str(db), "audit", "verify")
    assert r.returncode == 1 and f"{expected[0]} #{expected[1]} {expected[2]}" in r.stdout
    if attack == "stake":
        assert "the audit trail says 49, the database holds 0.01." in r.stdout


def test_anchor_file_through_the_cli(vetta: Run, signed_db, tmp_path: Path) -> None:
    db, _aid, p12 = signed_db
    anchor = tmp_path / "anchor.json"
    r = vetta("--db", str(db), "audit", "anchor", "-o", str(anchor), "--identity", "Olga Officer", "--p12", str(p12),
              env=P12_ENV)  # as the test's profile ("tester"), not Olga: her identity is not theirs
    assert r.returncode == 2 and "belongs to Olga Officer, not to tester" in r.stderr and not anchor.exists()
    r = vetta("--db", str(db), "--user", "Olga Officer", "audit", "anchor", "-o", str(anchor), "--identity",
              "Olga Officer", "--p12", str(p12), env=P12_ENV)
    assert r.returncode == 0, r.stderr
    assert "Anchored the audit trail at event #" in r.stdout and anchor.is_file()
    r = vetta("--db", str(db), "audit", "verify", "--anchor", str(anchor))
    assert r.returncode == 0 and "matches the audit trail" in r.stdout
    document = json.loads(anchor.read_text())
    document["anchor"]["hash"] = "f" * 64
    anchor.write_text(json.dumps(document))
    r = vetta("--db", str(db), "audit", "verify", "--anchor", str(anchor))
    assert r.returncode == 1 and "Anchor file problem (forged)" in r.stdout
    anchor.write_text("{not json")
    r = vetta("--db", str(db), "audit", "verify", "--anchor", str(anchor))
    assert r.returncode == 2 and r.stderr.startswith("vetta: error: ") and "not valid JSON" in r.stderr
    r = vetta("--db", str(db), "audit", "anchor", "-o", str(tmp_path / "x.json"), "--identity", "Nobody")
    assert r.returncode == 2 and "no signing identity named 'Nobody'" in r.stderr


# --------------------------------------------------------------------------- hostile files and paths


def test_output_never_overwrites_the_database_or_another_database(vetta: Run, signed_db, tmp_path: Path) -> None:
    db, aid, _p12 = signed_db
    before = db.read_bytes()
    link = tmp_path / "innocent.pdf"
    link.symlink_to(db)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    other_bytes = other.read_bytes()
    for target in (db, link):
        r = vetta("--db", str(db), "report", str(aid), "-o", str(target))
        assert r.returncode == 2 and "is the database Vetta is using; nothing was written" in r.stderr
    r = vetta("--db", str(db), "export", "vendors", "-o", str(other))
    assert r.returncode == 2 and "is an SQLite database, and Vetta never writes over a database" in r.stderr
    r = vetta("--db", str(db), "db", "backup", "-o", str(db))
    assert r.returncode == 2
    assert db.read_bytes() == before and other.read_bytes() == other_bytes
    log = Path(os.environ["VETTA_DATA_DIR"]) / "logs" / "vetta.log"
    r = vetta("--db", str(db), "report", str(aid), "-o", str(log))
    assert r.returncode == 2 and "Vetta's log file" in r.stderr
    r = vetta("--db", str(db), "report", str(aid), "-o", str(tmp_path / "fine.pdf"))
    assert r.returncode == 0 and (tmp_path / "fine.pdf").read_bytes().startswith(b"%PDF")


def test_a_reader_that_goes_away_ends_quietly(signed_db) -> None:
    db, _aid, _p12 = signed_db
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head` that has already exited
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db), "audit", "log", "--limit", "500"],
                            stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, timeout=120)
    os.close(write_end)
    assert result.returncode == 141 and result.stderr == ""


def test_files_are_private_and_leftovers_are_cleaned(vetta: Run, tmp_path: Path) -> None:
    data = Path(os.environ["VETTA_DATA_DIR"])
    backups = data / "backups"
    backups.mkdir(parents=True)
    (backups / "vetta-20260101T000000000000Z-daily.sqlite3.part").write_bytes(b"half a backup")
    (data / "vetta.sqlite3.restoring").write_bytes(b"half a restore")
    r = vetta("demo")
    assert r.returncode == 0, r.stderr
    assert not list(backups.glob("*.part")) and not (data / "vetta.sqlite3.restoring").exists()
    r = vetta("db", "backup")
    assert r.returncode == 0, r.stderr
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700 and mode(backups) == 0o700 and mode(data / "logs") == 0o700
    files = [data / "vetta.sqlite3", *backups.glob("*.sqlite3"), *(data / "logs").glob("vetta.log*")]
    assert len(files) >= 3 and all(mode(f) == 0o600 for f in files), {str(f): oct(mode(f)) for f in files}
    for suffix in ("-wal", "-shm"):
        extra = data / f"vetta.sqlite3{suffix}"
        assert not extra.exists() or mode(extra) == 0o600


def test_an_older_world_readable_database_is_made_private(vetta: Run, tmp_path: Path,
                                                         request: pytest.FixtureRequest) -> None:
    db = tmp_path / "old.sqlite3"  # the demo database (a copy of it: `vetta demo` runs for real in the test above)
    if TEMPLATES_DISABLED:
        assert vetta("--db", str(db), "demo").returncode == 0
    else:
        templates: Templates = request.getfixturevalue("db_templates")
        templates.copy_sqlite("demo", db)
    os.chmod(db, 0o644)
    assert vetta("--db", str(db), "vendors", "list").returncode == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [
    ("import", "vendors"), ("import", "bods"), ("checklist", "validate"), ("checklist", "import"),
    ("assessment", "import-answers", "DRAFT"), ("assessment", "attach", "DRAFT", "Q001"), ("identity", "import"),
    ("verify",), ("audit", "verify", "--anchor"),
])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_fifos_and_devices_are_refused_at_once(vetta: Run, signed_db, tmp_path: Path, command, special) -> None:
    db, _aid, _p12 = signed_db
    if "DRAFT" in command:  # a file for an assessment still being prepared
        from desktop.services import assessments, checklists
        from tests.db.test_assessments_support import canned_analyze
        from tests.support.records import make_vendor

        engine = open_database(str(db))
        info = checklists.import_template(engine, checklists.default_template_path())
        draft = assessments.create_assessment(engine, make_vendor(engine, "Clearlabel Cooperativa S.Coop."),
                                              info.id, analyze_fn=canned_analyze)
        engine.dispose()
        command = tuple(str(draft.id) if part == "DRAFT" else "DAT-01" if part == "Q001" else part
                        for part in command)
    if special == "fifo":
        target = tmp_path / "pipe.csv"
        os.mkfifo(target)
    else:
        target = Path(special)
    extra = ("--name", "X") if command[0] == "identity" else ()
    r = vetta("--db", str(db), *command, str(target), *extra, env=P12_ENV, timeout=60)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert ("named pipe" if special == "fifo" else "device") in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1


def test_deeply_nested_yaml_and_json_are_one_sentence(vetta: Run, signed_db, tmp_path: Path) -> None:
    db, _aid, _p12 = signed_db
    deep = tmp_path / "deep.yaml"
    deep.write_text("".join("  " * i + "k:\n" for i in range(1000)) + "  " * 1000 + "v\n")
    r = vetta("--db", str(db), "checklist", "validate", str(deep))
    assert r.returncode == 2 and "levels deep" in r.stderr and "Traceback" not in r.stderr
    flow = tmp_path / "flow.yaml"
    flow.write_text("[" * 5000 + "]" * 5000)
    r = vetta("--db", str(db), "checklist", "import", str(flow))
    assert r.returncode == 2 and "levels deep" in r.stderr
    bods = tmp_path / "deep.json"
    bods.write_text("[" * 200_000 + "]" * 200_000)
    r = vetta("--db", str(db), "import", "bods", str(bods))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "internal error" not in r.stderr
