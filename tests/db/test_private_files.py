"""Files Vetta writes are the user's alone, leftovers of interrupted copies are cleaned, `-o` never hits a database.

Issue 12, deliverable 5. POSIX modes: the data folder and backups folder 0700; the database (and its
journals), backups, copies in progress and logs 0600.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from db import backup as backups
from db.engine import make_engine
from desktop.cli.main import refuse_protected_output
from desktop.core.errors import UserError
from desktop.services.database import open_database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_private(_isolated_data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = _isolated_data_dir / "fresh"
    monkeypatch.setenv("VETTA_DATA_DIR", str(data))
    previous = os.umask(0o022)  # the usual umask: files would be world-readable
    try:
        engine = open_database(None)
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    finally:
        os.umask(previous)
    assert mode(data) == 0o700 and mode(data / "vetta.sqlite3") == 0o600
    backup = backups.backup_before(data / "vetta.sqlite3", "manual")
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700


def test_an_older_database_is_tightened_but_a_folder_elsewhere_is_left_be(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    db = shared / "team.sqlite3"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    make_engine(str(db)).dispose()
    assert mode(db) == 0o600 and mode(shared) == 0o755  # not Vetta's data folder: not ours to close


def test_the_log_and_its_rotations_are_private(_isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import logs

    monkeypatch.setattr(logs, "_configured", False)
    root = logging.getLogger("vetta")
    handlers = list(root.handlers)
    try:
        logs.setup_logging()
        handler = next(h for h in root.handlers if h not in handlers)
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        logging.getLogger("vetta.test").info("a line")
        handler.doRollover()
        logging.getLogger("vetta.test").info("after rotation")
        folder = _isolated_data_dir / "logs"
        files = sorted(folder.glob("vetta.log*"))
        assert [f.name for f in files] == ["vetta.log", "vetta.log.1"]
        assert mode(folder) == 0o700 and all(mode(f) == 0o600 for f in files)
    finally:
        for h in root.handlers[:]:
            if h not in handlers:
                root.removeHandler(h)
                h.close()


def test_leftovers_are_removed_but_a_copy_in_progress_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "vetta.sqlite3"
    open_database(str(db)).dispose()
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    abandoned = folder / "vetta-20260101T000000000000Z-daily.sqlite3.part"
    abandoned.write_bytes(b"half")
    restoring = tmp_path / "vetta.sqlite3.restoring"
    restoring.write_bytes(b"half")
    busy = folder / "vetta-20260102T000000000000Z-manual.sqlite3.part"
    with backups.private_temporary(busy):  # another backup writing right now holds its lock
        assert mode(busy) == 0o600
        removed = backups.clean_leftovers(db)
        assert sorted(removed) == sorted([abandoned, restoring]) and busy.exists()
    assert not abandoned.exists() and not restoring.exists()
    open_database(str(db)).dispose()  # opening the database cleans up too
    assert not list(folder.glob("*.part"))


def test_opening_the_database_cleans_what_an_interrupted_restore_left(tmp_path: Path) -> None:
    db = tmp_path / "vetta.sqlite3"
    open_database(str(db)).dispose()
    (tmp_path / "vetta.sqlite3.restoring").write_bytes(b"SQLite format 3\x00 half")
    open_database(str(db)).dispose()
    assert not (tmp_path / "vetta.sqlite3.restoring").exists()


def test_a_backup_over_a_stale_part_file_works(tmp_path: Path) -> None:
    db = tmp_path / "vetta.sqlite3"
    open_database(str(db)).dispose()
    dest = tmp_path / "copy.sqlite3"
    Path(f"{dest}.part").write_bytes(b"left by a crash")
    backups.backup_to(db, dest)
    assert backups.verify_sqlite_file(dest) and not Path(f"{dest}.part").exists()


# --------------------------------------------------------------------------- -o


def test_output_onto_the_database_by_any_name_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "vetta.sqlite3"
    open_database(str(db)).dispose()
    hard = tmp_path / "hard.pdf"
    os.link(db, hard)
    soft = tmp_path / "soft.pdf"
    soft.symlink_to(db)
    for target in (db, hard, soft, tmp_path / "." / "vetta.sqlite3"):
        with pytest.raises(UserError, match="is the database Vetta is using; nothing was written"):
            refuse_protected_output(target, str(db))
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"")
    with pytest.raises(UserError, match="a journal of the database"):
        refuse_protected_output(wal, str(db))


def test_output_onto_any_sqlite_database_is_refused_and_other_files_are_fine(tmp_path: Path) -> None:
    other = tmp_path / "somebody-elses.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(UserError, match="is an SQLite database, and Vetta never writes over a database"):
        refuse_protected_output(other, None)
    plain = tmp_path / "old-report.pdf"
    plain.write_bytes(b"%PDF-1.7 an older export")
    refuse_protected_output(plain, None)  # overwriting an ordinary file stays the user's choice
    refuse_protected_output(tmp_path / "new.pdf", None)


def test_a_link_planted_as_a_part_file_is_removed_not_followed(tmp_path: Path) -> None:
    db = tmp_path / "vetta.sqlite3"
    open_database(str(db)).dispose()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    folder = backups.backup_dir(db)
    folder.mkdir(exist_ok=True)
    planted = folder / f"{db.stem}-20260101T000000000000Z-manual.sqlite3.part"
    planted.symlink_to(victim)
    assert backups.clean_leftovers(db) == [planted]
    assert not planted.is_symlink() and victim.read_text() == "keep me"
