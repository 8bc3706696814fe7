"""Two separate processes editing the same vendor: the later save gets a conflict, nothing is lost.

The interleaving is driven through the children's stdin/stdout (blocking reads, no sleeps).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from db.audit import verify_chain
from db.engine import read_session
from db.models import AuditEvent, Vendor
from tests.support.records import make_vendor

ROOT = Path(__file__).resolve().parents[2]


class Editor:
    def __init__(self, url: str, vendor_id: int, actor: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.concurrent_editor", url, str(vendor_id), actor],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def send(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer and not answer.startswith("error"), (answer, self.proc.stderr.read() if not answer else "")
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


@pytest.fixture
def editors(engine, db_url):
    vendor_id = make_vendor(engine, "Shared Vendor Ltd")
    alice, bob = Editor(db_url, vendor_id, "alice"), Editor(db_url, vendor_id, "bob")
    try:
        yield engine, vendor_id, alice, bob
    finally:
        alice.close()
        bob.close()


def _outcome(engine, vendor_id):
    with read_session(engine) as s:
        vendor = s.get(Vendor, vendor_id)
        assert vendor is not None
        updates = s.exec(select(AuditEvent).where(AuditEvent.record_type == "vendor",
                                                  AuditEvent.record_id == vendor_id,
                                                  AuditEvent.action == "update")).all()
        vendor = vendor.model_copy()
        updates = [u.model_copy() for u in updates]
    with engine.connect() as conn:
        assert verify_chain(conn).intact
    return vendor, updates


def test_two_forms_the_later_save_gets_a_conflict(editors):
    engine, vendor_id, alice, bob = editors
    assert alice.send("load") == "loaded 1"
    assert bob.send("load") == "loaded 1"
    assert alice.send("set Alice checked the registry") == "saved 2"
    answer = bob.send("set Bob thinks otherwise")
    assert answer.startswith("conflict Someone else saved this vendor since you opened it")
    vendor, updates = _outcome(engine, vendor_id)
    assert vendor.notes == "Alice checked the registry" and vendor.version == 2
    assert len(updates) == 1 and updates[0].actor == "alice"
    assert json.loads(updates[0].changes_json)["notes"] == ["", "Alice checked the registry"]
    # Bob reloads and saves on top of Alice's version: nothing is lost.
    assert bob.send("load") == "loaded 2"
    assert bob.send("set Bob agrees after reading Alice's note") == "saved 3"


def test_two_saves_racing_inside_their_transactions(editors):
    """Both processes have read version 1 inside their units of work; the version column catches the
    second UPDATE. (SQLite takes the write lock at BEGIN, so there writers queue instead of racing.)"""
    engine, vendor_id, alice, bob = editors
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE: the form case above covers it")
    assert alice.send("load") == "loaded 1" and bob.send("load") == "loaded 1"
    assert alice.send("begin") == "ready"
    assert bob.send("begin") == "ready"
    assert alice.send("set first") == "saved 2"
    answer = bob.send("set second")
    assert answer.startswith("conflict Someone else saved this record at the same moment")
    vendor, updates = _outcome(engine, vendor_id)
    assert vendor.notes == "first" and vendor.version == 2
    assert len(updates) == 1 and updates[0].actor == "alice"
