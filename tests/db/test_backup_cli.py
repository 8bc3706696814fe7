"""`vetta` on a damaged database file: one sentence naming the latest backup and the restore command."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _vetta(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_cli_offers_the_restore_and_the_restore_works(tmp_path):
    db = tmp_path / "team.sqlite3"
    assert _vetta("--db", str(db), "demo").returncode == 0
    done = _vetta("--db", str(db), "db", "backup")
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip().removeprefix("Backup written to "))
    data = bytearray(db.read_bytes())
    data[len(data) // 3: len(data) // 3 + 20000] = os.urandom(20000)
    db.write_bytes(bytes(data))

    result = _vetta("--db", str(db), "vendors", "list")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    command = f"vetta --db {db} db restore {backup}"
    assert str(db) in result.stderr and command in result.stderr

    restored = _vetta(*shlex.split(command)[1:])
    assert restored.returncode == 0, restored.stderr
    assert "kept as" in restored.stdout and ".bad" in restored.stdout
    listing = _vetta("--db", str(db), "vendors", "list")
    assert listing.returncode == 0 and "Scalewise Data Inc." in listing.stdout
    check = _vetta("--db", str(db), "db", "check")
    assert check.returncode == 0, check.stdout


def test_cli_restore_refuses_a_newer_database(tmp_path):
    import sqlite3

    db = tmp_path / "a.sqlite3"
    other = tmp_path / "b.sqlite3"
    assert _vetta("--db", str(db), "demo").returncode == 0
    assert _vetta("--db", str(other), "db", "upgrade").returncode == 0
    with sqlite3.connect(other) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = db.read_bytes()
    result = _vetta("--db", str(db), "db", "restore", str(other))
    assert result.returncode == 3 and "newer version of Vetta" in result.stderr
    assert db.read_bytes() == before
