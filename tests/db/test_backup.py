"""Backups: rotation by the organisation's setting, a restore checked before it replaces anything,
and a damaged database file explained with an offer to restore the latest backup."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from db import backup as backups
from db.engine import read_session, unit_of_work
from db.errors import DamagedDatabase, DatabaseError
from db.models import Organisation, Party, Vendor
from desktop.services import database, recovery
from desktop.services.demo import load_demo


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _vendor_names(engine) -> set[str]:
    with read_session(engine) as s:
        return set(s.exec(select(Party.name).join(Vendor, Vendor.party_id == Party.id)).all())


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "vetta.sqlite3"
    engine = database.open_database(str(path))
    load_demo(engine, "tester")
    names = _vendor_names(engine)
    engine.dispose()
    assert len(names) == 9
    backups.backup_before(path, "manual")  # the daily backup was taken before the data went in
    return path, names


def test_backup_keep_comes_from_the_organisation(tmp_path):
    path = tmp_path / "vetta.sqlite3"
    engine = database.open_database(str(path))
    with unit_of_work(engine) as s:
        s.add(Organisation(name="Us", backup_keep=3))
    engine.dispose()
    assert backups.configured_keep(path) == 3
    for _ in range(5):
        backups.backup_before(path, "manual")
    assert len(backups.list_backups(path)) == 3


def test_default_keep_without_organisation(tmp_path):
    path = tmp_path / "vetta.sqlite3"
    database.open_database(str(path)).dispose()
    assert backups.configured_keep(path) == backups.DEFAULT_KEEP


def test_daily_backup_once_per_day(demo_file):
    path, _ = demo_file
    daily = [p for p in backups.list_backups(path) if p.name.endswith("-daily.sqlite3")]
    assert len(daily) == 1
    database.open_database(str(path)).dispose()
    assert len([p for p in backups.list_backups(path) if p.name.endswith("-daily.sqlite3")]) == 1


def test_manual_backup_and_restore_bring_data_back(demo_file):
    path, names = demo_file
    saved = database.backup_database(str(path))
    engine = database.open_database(str(path))
    with unit_of_work(engine) as s:
        v = s.exec(select(Vendor)).first()
        assert v is not None
        v.notes = "after the backup"
    engine.dispose()
    safety = database.restore_database(saved, str(path))
    assert safety is not None and safety.exists()
    engine = database.open_database(str(path))
    with read_session(engine) as s:
        assert all(v.notes != "after the backup" for v in s.exec(select(Vendor)).all())
    assert _vendor_names(engine) == names
    engine.dispose()


@pytest.mark.parametrize("kind", ["missing", "random", "not_vetta", "newer", "itself", "empty_sqlite"])
def test_restore_refuses_what_is_not_a_usable_backup_and_changes_nothing(demo_file, tmp_path, kind):
    path, _ = demo_file
    candidate = tmp_path / f"{kind}.sqlite3"
    if kind == "random":
        candidate.write_bytes(random.Random(7).randbytes(8192))
    elif kind == "not_vetta":
        with sqlite3.connect(candidate) as conn:
            conn.execute("CREATE TABLE notes (x)")
    elif kind == "empty_sqlite":
        sqlite3.connect(candidate).close()
    elif kind == "newer":
        backups.backup_to(path, candidate)
        with sqlite3.connect(candidate) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    elif kind == "itself":
        candidate = path
    before = _digest(path)
    with pytest.raises(DatabaseError) as info:
        database.restore_database(candidate, str(path))
    message = str(info.value)
    assert str(candidate) in message or repr(str(candidate)) in message
    expected = {"missing": "does not exist", "random": "not a readable SQLite database",
                "not_vetta": "not a Vetta database", "empty_sqlite": "not a Vetta database",
                "newer": "newer version of Vetta", "itself": "the database itself"}[kind]
    assert expected in message
    assert _digest(path) == before
    assert not list(path.parent.glob("*.restoring"))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(20261126)
    start, end = len(data) // 4, 3 * len(data) // 4
    data[start:end] = rng.randbytes(end - start)
    path.write_bytes(bytes(data))


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(3).randbytes(path.stat().st_size))


@pytest.mark.parametrize("damage", [_truncate, _scribble, _garbage], ids=["truncated", "scribbled", "garbage"])
def test_damaged_file_is_explained_and_latest_backup_restores_it(demo_file, damage):
    path, names = demo_file
    latest = backups.list_backups(path)[0]
    damage(path)
    with pytest.raises(DamagedDatabase) as info:
        database.open_database(str(path))
    message = str(info.value)
    assert str(path) in message and str(latest) in message
    assert f"vetta --db {path} db restore {latest}" in message
    assert "Traceback" not in message
    offer = recovery.restore_offer(info.value, str(path))
    assert offer is not None and offer.backup == latest
    used, safety = recovery.restore_latest(str(path))
    assert used == latest and safety is not None and safety.name.endswith(".bad")
    engine = database.open_database(str(path))
    assert _vendor_names(engine) == names
    engine.dispose()


def test_damaged_file_without_backups_says_so(tmp_path):
    path = tmp_path / "lonely.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DamagedDatabase, match="There is no backup of it"):
        database.open_database(str(path))
    with pytest.raises(DatabaseError, match="There is no backup"):
        recovery.restore_latest(str(path))


def test_backup_of_a_damaged_database_names_the_database(demo_file):
    path, _ = demo_file
    _scribble(path)
    with pytest.raises(DatabaseError) as info:
        database.backup_database(str(path))
    assert str(path) in str(info.value) and ".part" not in str(info.value)
