"""Fuzz: the backup checker and the restore never crash on hostile files and never write on refusal."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import backup as backups
from db import migrate
from db.errors import DatabaseError
from desktop.services import database

EXAMPLES = 150
SQLITE_HEADER = b"SQLite format 3\x00"
KNOWN = set(migrate.known_revisions())  # every shipped schema revision

_template: dict[str, bytes] = {}


def vetta_file_bytes() -> bytes:
    """A real, small Vetta database (made once)."""
    if "db" not in _template:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.sqlite3"
            database.open_database(str(path), daily_backup=False).dispose()
            _template["db"] = path.read_bytes()
    return _template["db"]


hostile_bytes = st.one_of(
    st.binary(max_size=4096),
    st.binary(max_size=4096).map(lambda b: SQLITE_HEADER + b),
    st.tuples(st.integers(0, 2**16), st.binary(min_size=1, max_size=64)).map(
        lambda t: (t[0], t[1])
    ).map(lambda t: ("mutate", t)),
)


def _materialise(sample: object) -> bytes:
    if isinstance(sample, bytes):
        return sample
    _, (offset, patch) = sample  # type: ignore[misc]
    data = bytearray(vetta_file_bytes())
    offset %= len(data)
    data[offset:offset + len(patch)] = patch
    return bytes(data)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=hostile_bytes)
def test_verify_never_crashes(sample):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "candidate.sqlite3"
        path.write_bytes(_materialise(sample))
        try:
            backups.verify_sqlite_file(path, KNOWN)
        except DatabaseError as exc:
            assert str(path) in str(exc)


@settings(max_examples=EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=hostile_bytes)
def test_restore_of_hostile_file_refuses_and_changes_nothing(sample):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "vetta.sqlite3"
        db.write_bytes(vetta_file_bytes())
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        candidate = Path(tmp) / "hostile.sqlite3"
        candidate.write_bytes(_materialise(sample))
        try:
            database.restore_database(candidate, str(db))
        except DatabaseError:
            assert hashlib.sha256(db.read_bytes()).hexdigest() == before
            assert not (Path(tmp) / "backups").exists() or not list((Path(tmp) / "backups").iterdir())
        else:  # accepted only if it really is a sound Vetta database
            backups.verify_sqlite_file(db, KNOWN)
