"""The `vetta` command end to end: version, demo, db upgrade/check/backup/restore, errors."""

from __future__ import annotations

import json
import sqlite3

import pytest


def test_version_and_help(vetta):
    r = vetta("--version")
    assert r.returncode == 0 and r.stdout.startswith("vetta ")
    r = vetta("--help")
    assert r.returncode == 0
    for command in ("demo", "db", "vendors"):
        assert command in r.stdout


def test_demo_then_check(vetta, db_url):
    r = vetta("--db", db_url, "demo")
    assert r.returncode == 0, r.stderr
    assert "9 vendors" in r.stdout
    r = vetta("--db", db_url, "demo")
    assert r.returncode == 0 and "already" in r.stdout
    r = vetta("--db", db_url, "db", "check", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True
    assert report["counts"]["vendor"] == 9
    assert report["counts"]["audit_event"] > 9
    r = vetta("--db", db_url, "vendors", "list", "--search", "cooperativa", "--json")
    assert [v["name"] for v in json.loads(r.stdout)] == ["Clearlabel Cooperativa S.Coop."]


def test_database_url_from_environment(vetta, sqlite_url, tmp_path):
    r = vetta("demo", env={"VETTA_DATABASE_URL": sqlite_url})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "vetta.sqlite3").exists()


def test_default_database_lives_in_the_data_folder(vetta, _isolated_data_dir):
    assert vetta("demo").returncode == 0
    assert (_isolated_data_dir / "vetta.sqlite3").exists()


def test_upgrade_reports_up_to_date(vetta, sqlite_url):
    r = vetta("--db", sqlite_url, "db", "upgrade")
    assert r.returncode == 0 and "Upgraded" in r.stdout
    r = vetta("--db", sqlite_url, "db", "upgrade")
    assert r.returncode == 0 and "up to date" in r.stdout


def test_backup_and_restore_round_trip(vetta, sqlite_url, tmp_path):
    db_file = tmp_path / "vetta.sqlite3"
    assert vetta("--db", sqlite_url, "demo").returncode == 0
    backup = tmp_path / "copy.sqlite3"
    r = vetta("--db", sqlite_url, "db", "backup", "-o", str(backup))
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db_file) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM vendor_tag")
    r = vetta("--db", sqlite_url, "db", "restore", str(backup))
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM vendor_tag").fetchone()[0] > 0


def test_restore_refuses_a_bad_file_and_changes_nothing(vetta, sqlite_url, tmp_path):
    assert vetta("--db", sqlite_url, "demo").returncode == 0
    before = (tmp_path / "vetta.sqlite3").read_bytes()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    r = vetta("--db", sqlite_url, "db", "restore", str(junk))
    assert r.returncode != 0
    assert "junk.sqlite3" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "vetta.sqlite3").read_bytes() == before


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("foo://bar", "not supported"),
        ("postgresql://nobody@127.0.0.1:1/vetta", "Cannot reach the PostgreSQL server"),
        ("://nothing", "not a valid database URL"),
        ("/no/such/dir/vetta.sqlite3", "does not exist"),
    ],
)
def test_bad_database_urls_give_one_sentence(vetta, url, fragment):
    r = vetta("--db", url, "db", "check")
    assert r.returncode == 3
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_corrupt_file_is_explained(vetta, tmp_path):
    bad = tmp_path / "broken.sqlite3"
    bad.write_bytes(b"\x00garbage" * 500)
    r = vetta("--db", str(bad), "db", "check")
    assert r.returncode == 3
    assert "broken.sqlite3" in r.stderr and "damaged" in r.stderr
    assert "Traceback" not in r.stderr


def test_unwritable_directory_is_explained(vetta, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("x")
    r = vetta("--db", f"sqlite:///{locked / 'file' / 'sub' / 'vetta.sqlite3'}", "demo")
    assert r.returncode == 3
    assert "cannot be created" in r.stderr and "Traceback" not in r.stderr


def test_usage_errors_exit_2(vetta):
    r = vetta("db", "frobnicate")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = vetta("db", "restore")
    assert r.returncode == 2


def test_newer_database_is_refused(vetta, sqlite_url, tmp_path):
    assert vetta("--db", sqlite_url, "db", "upgrade").returncode == 0
    with sqlite3.connect(tmp_path / "vetta.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zzzz_future'")
    r = vetta("--db", sqlite_url, "vendors", "list")
    assert r.returncode == 3 and "newer version of Vetta" in r.stderr


def test_errors_follow_vetta_language_but_not_the_locale(vetta, sqlite_url):
    r = vetta("--db", sqlite_url, "vendors", "show", "999", env={"VETTA_LANGUAGE": "es"})
    assert r.returncode == 2
    assert r.stderr.strip() == "vetta: error: No existe el proveedor n.º 999."
    # A Spanish computer does not change what scripts read: only VETTA_LANGUAGE does.
    r = vetta("--db", sqlite_url, "vendors", "show", "999", env={"VETTA_LANGUAGE": "", "LC_ALL": "es_ES.UTF-8"})
    assert r.returncode == 2
    assert r.stderr.strip() == "vetta: error: There is no vendor #999."


def test_database_errors_follow_vetta_language(vetta, tmp_path):
    bad = tmp_path / "broken.sqlite3"
    bad.write_bytes(b"\x00garbage" * 500)
    r = vetta("--db", str(bad), "vendors", "list", env={"VETTA_LANGUAGE": "es"})
    assert r.returncode == 3
    assert r.stderr.startswith(f"vetta: error: El archivo de base de datos {str(bad)!r} está dañado")
    assert "No hay ninguna copia de seguridad en" in r.stderr and "Traceback" not in r.stderr
    r = vetta("--db", "foo://bar", "db", "check", env={"VETTA_LANGUAGE": "es"})
    assert r.returncode == 3
    assert r.stderr.strip() == ("vetta: error: La dirección de la base de datos 'foo://bar' no es compatible: "
                                "use un archivo SQLite o una URL postgresql://.")
