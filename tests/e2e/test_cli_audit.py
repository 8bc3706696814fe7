"""`vetta audit verify|log` through the real program."""

from __future__ import annotations

import json
import sqlite3

import pytest


@pytest.fixture
def demo_db(vetta, tmp_path):
    path = tmp_path / "audit.sqlite3"
    result = vetta("--db", str(path), "demo")
    assert result.returncode == 0, result.stderr
    return path


def test_verify_intact_trail(vetta, demo_db):
    result = vetta("--db", str(demo_db), "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "The audit trail is intact" in result.stdout
    data = json.loads(vetta("--db", str(demo_db), "audit", "verify", "--json").stdout)
    assert data["intact"] is True and data["events"] > 50 and data["first_problem"] is None
    assert data["missing_guards"] == []


def test_verify_reports_tampering_with_exit_1(vetta, demo_db):
    with sqlite3.connect(demo_db) as conn:  # the attacker: drop the guard, rewrite history
        conn.execute("DROP TRIGGER vetta_audit_no_update")
        conn.execute("UPDATE audit_event SET actor = 'mallory' WHERE seq = 12")
    result = vetta("--db", str(demo_db), "audit", "verify")
    assert result.returncode == 1
    assert "tampered with (edited at event #12)" in result.stdout
    result = vetta("--db", str(demo_db), "audit", "verify", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    problem = data["first_problem"]
    assert problem["seq"] == 12 and problem["kind"] == "edited" and problem["message"]
    assert data["missing_guards"] == ["vetta_audit_no_update"]


def test_removed_guard_alone_fails_verify(vetta, demo_db):
    with sqlite3.connect(demo_db) as conn:
        conn.execute("DROP TRIGGER vetta_assessment_no_update")
    result = vetta("--db", str(demo_db), "audit", "verify")
    assert result.returncode == 1
    assert "The audit trail is intact" in result.stdout and "vetta_assessment_no_update" in result.stdout


def test_plain_sql_cannot_rewrite_the_trail(demo_db):
    with sqlite3.connect(demo_db) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_event WHERE seq = 3")


def test_log_of_one_vendor(vetta, demo_db):
    result = vetta("--db", str(demo_db), "audit", "log", "--vendor", "scalewise data inc.", "--json",
                   "--limit", "500")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert events and all(e["vendor_id"] == events[0]["vendor_id"] for e in events)
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)
    assert any(e["action"] == "create" and e["record_type"] == "vendor" for e in events)
    assert events[0]["summary"] == "tester added Jordan Reyes's role as Interim Chief Executive Officer at " \
        "Scalewise Data Inc. (from 13 Jun 2025)."
    assert set(events[0]) == {"seq", "occurred_at", "actor", "action", "record_type", "record_id", "vendor_id",
                              "changes", "summary"}
    text = vetta("--db", str(demo_db), "audit", "log", "--limit", "2", "--vendor", "Scalewise Data Inc.")
    assert text.returncode == 0 and text.stdout.count("\n#") + text.stdout.startswith("#") == 2
    first, second = text.stdout.splitlines()
    assert first.endswith(" UTC  tester added Jordan Reyes's role as Interim Chief Executive Officer at "
                          "Scalewise Data Inc. (from 13 Jun 2025).")
    assert second.endswith(" UTC  tester added Alex Marlow's role as Director at Scalewise Data Inc. (from 1 Aug 2016).")


def test_log_of_one_kind_of_change(vetta, demo_db):
    result = vetta("--db", str(demo_db), "audit", "log", "--kind", "contracts", "--vendor", "Scalewise",
                   "--limit", "500")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 8 and all("of Scalewise Data Inc." in line for line in lines)
    assert lines[-1].endswith(" UTC  tester added the certificate “SOC 2 Type II” of Scalewise Data Inc. "
                              "(valid until " + lines[-1].rsplit("valid until ", 1)[1])
    settings = json.loads(vetta("--db", str(demo_db), "audit", "log", "--kind", "settings", "--json").stdout)
    assert [e["summary"] for e in settings] == ["tester created the settings of Nimbus Analytics S.L."]
    spanish = vetta("--db", str(demo_db), "audit", "log", "--kind", "settings", env={"VETTA_LANGUAGE": "es"})
    assert spanish.stdout.rstrip().endswith(" UTC  tester creó la configuración de Nimbus Analytics S.L.")
    bad = vetta("--db", str(demo_db), "audit", "log", "--kind", "gossip")
    assert bad.returncode == 2 and "invalid choice: 'gossip'" in bad.stderr and "Traceback" not in bad.stderr


def test_log_bad_arguments_are_one_sentence(vetta, demo_db):
    result = vetta("--db", str(demo_db), "audit", "log", "--vendor", "Nobody Ltd")
    assert result.returncode == 2
    assert result.stderr.strip() == "vetta: error: There is no vendor 'Nobody Ltd'; `vetta vendors list` shows them."
    result = vetta("--db", str(demo_db), "audit", "log", "--limit", "0")
    assert result.returncode == 2 and "positive" in result.stderr and "Traceback" not in result.stderr
    result = vetta("--db", str(demo_db), "audit", "frobnicate")
    assert result.returncode == 2 and "Traceback" not in result.stderr
