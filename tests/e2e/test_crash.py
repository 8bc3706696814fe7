"""Crash safety: SIGKILL a writing process at random moments, then check nothing was lost or half-applied.

The harness is generic: a ``Scenario`` names the command to start, how many kills it takes, and the
check to run after each kill given the lines the process printed after each commit. Scenarios:

- the test-only writer ``tests.support.crash_driver`` (many small units of work shaped like an
  import and like autosave);
- the REAL vendor importer (``import_vendors``) run again and again by the driver, one CSV file
  per transaction: after each kill every batch is in the database whole or not at all;
- the REAL ``vetta import vendors`` program on a 300-row CSV, killed while it runs;
- the REAL answer autosave (``answer_question``) driven one question after the other.

Kill points are seeded: the harness reads a random number of "committed" lines (blocking reads) and
then gives the process a random extra moment (``Popen.wait(timeout=...)``, drawn from the seed)
before SIGKILL, so the kill lands before, inside or during the commit of a transaction.
No assertion depends on timing: whatever moment the kill lands at, the checks must hold.

Each writer is a real process of its own, started like ``python -m ...`` by forking the pre-loaded
test zygote (tests/support/zygote.py: no second of imports per kill; ``VETTA_TEST_REAL_PROCESSES=1``
uses plain subprocesses). Every scenario runs on an SQLite file and on a PostgreSQL database of the test server (a killed
client there must leave no committed change lost and no transaction half applied either).

Environment: ``VETTA_CRASH_SEED`` (default 20261126) and ``VETTA_CRASH_SCALE`` (default 1.0,
multiplies the kill counts).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import create_engine

from db.audit import verify_chain
from db.engine import unit_of_work
from desktop.services.database import open_database
from tests.support import zygote
from tests.support.crash_driver import (
    ANSWER_ACTOR,
    AUTOSAVE_ANSWERS,
    IMPORT_ACTOR,
    IMPORT_ROWS,
    setup_answer_assessment,
    write_vendor_csv,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("VETTA_CRASH_SEED", "20261126"))
SCALE = float(os.environ.get("VETTA_CRASH_SCALE", "1.0"))
MAX_LINES_BEFORE_KILL = 15


class Conn(Protocol):
    """What the checks need of a connection: sqlite3's, or a PostgreSQL one adapted below."""

    def execute(self, sql: str, params: tuple[Any, ...] = ..., /) -> Any: ...


@dataclass(frozen=True)
class Target:
    """The database a scenario runs against: its URL (for the processes) and a folder for files."""

    url: str
    folder: Path

    @property
    def sqlite_file(self) -> Path | None:
        return Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None


class _PgConn:
    """A psycopg connection that takes the checks' ``?`` placeholders."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def execute(self, sql: str, params: tuple[Any, ...] = (), /) -> Any:
        if not params:
            return self._conn.execute(sql)  # no placeholders: a literal % (LIKE 'crash-%') stays as it is
        return self._conn.execute(sql.replace("%", "%%").replace("?", "%s"), params)

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class Scenario:
    name: str
    kills: int
    setup: Callable[[Target], None]
    command: Callable[[Target, int], list[str]]  # (database, run seed) -> argv
    check: Callable[[Conn, list[str]], None]  # after each kill: every committed line so far
    max_lines: int = MAX_LINES_BEFORE_KILL  # committed lines read before the kill: 0..max_lines
    max_delay: float = 0.0  # then an extra moment, 0..max_delay seconds, before the kill
    handshake: bool = True  # the process prints "started" first (the driver does; the real CLI does not)
    on_exit: Callable[[Target, int, str], list[str]] | None = None  # committed lines of a run that ended by itself


def _driver(scenario: str) -> Callable[[Target, int], list[str]]:
    return lambda t, seed: [sys.executable, "-m", "tests.support.crash_driver", t.url, scenario, str(seed),
                            str(t.folder)]


# --------------------------------------------------------------------------- checks


def check_integrity(conn: Conn) -> None:
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def check_vendors(conn: Conn, committed: list[str]) -> None:
    printed = {int(line.split()[2]): line.split()[3] for line in committed}
    rows = conn.execute("SELECT v.id, p.name, v.notes, (SELECT count(*) FROM vendor_tag t WHERE t.vendor_id = v.id)"
                        " FROM vendor v JOIN party p ON p.id = v.party_id WHERE p.name LIKE 'crash-%'").fetchall()
    in_db = {r[0]: r for r in rows}
    missing = set(printed) - set(in_db)
    assert not missing, f"committed vendors lost: {sorted(missing)[:10]}"
    for vid, name in printed.items():
        assert in_db[vid][1] == name
    for _vid, name, notes, tags in rows:  # whole units of work, never a part of one
        assert notes == name and tags == 3, (name, notes, tags)
    orphans = conn.execute("SELECT count(*) FROM party p WHERE p.name LIKE 'crash-%' AND NOT EXISTS "
                           "(SELECT 1 FROM vendor v WHERE v.party_id = p.id)").fetchone()[0]
    assert orphans == 0
    audited = conn.execute("SELECT count(*) FROM audit_event WHERE record_type = 'vendor' AND action = 'create' "
                           "AND actor = 'crash-driver'").fetchone()[0]
    assert audited == len(rows)  # the audit events landed with their changes, in the same transaction


def check_autosave(conn: Conn, committed: list[str]) -> None:
    last_printed = max((int(line.split()[2]) for line in committed), default=0)
    facts = conn.execute("SELECT facts_json FROM assessment WHERE preparer = 'crash-driver'").fetchone()[0]
    counter = int(json.loads(facts).get("counter", 0))
    assert counter >= last_printed, "a committed autosave was lost"
    values = [json.loads(v) for (v,) in conn.execute(
        "SELECT value_json FROM answer a JOIN assessment s ON s.id = a.assessment_id "
        "WHERE s.preparer = 'crash-driver' AND a.value_json IS NOT NULL")]
    numbers = [v for v in values if isinstance(v, int)]
    # The answer written with the counter is there, and nothing newer than the counter: all or nothing.
    if counter:
        assert counter in numbers
    assert all(n <= counter for n in numbers)
    saves = conn.execute("SELECT count(*) FROM audit_event WHERE record_type = 'assessment' AND action = 'update' "
                         "AND actor = 'crash-driver'").fetchone()[0]
    assert saves == counter


def _import_batches(conn: Conn, pattern: str) -> dict[str, int]:
    batches: dict[str, int] = {}
    for (name,) in conn.execute("SELECT p.name FROM vendor v JOIN party p ON p.id = v.party_id "
                                "WHERE p.name LIKE ?", (pattern,)):
        prefix = name.rsplit("-", 1)[0]
        batches[prefix] = batches.get(prefix, 0) + 1
    return batches


def check_import(conn: Conn, committed: list[str]) -> None:
    batches = _import_batches(conn, "imp-%")
    for line in committed:  # "committed import PREFIX ROWS"
        _c, _k, prefix, rows = line.split()
        assert batches.get(prefix) == int(rows) == IMPORT_ROWS, f"committed import {prefix} lost or partial"
    partial = {p: n for p, n in batches.items() if n != IMPORT_ROWS}
    assert not partial, f"half-applied imports: {partial}"
    tags = conn.execute("SELECT count(*) FROM vendor_tag t JOIN vendor v ON v.id = t.vendor_id JOIN party p "
                        "ON p.id = v.party_id WHERE p.name LIKE 'imp-%'").fetchone()[0]
    assert tags == 2 * sum(batches.values())  # every vendor with both of its tags
    audited = conn.execute("SELECT count(*) FROM audit_event WHERE record_type = 'vendor' AND action = 'create' "
                           "AND actor = ?", (IMPORT_ACTOR,)).fetchone()[0]
    assert audited == sum(batches.values())


# Enough rows for the import to take seconds (about 3 s on the 2-core test machine), so the seeded kills
# land while the program starts, checks the rows, writes them and commits, and now and then after it finished.
CLI_ROWS = 300


def check_cli_import(conn: Conn, committed: list[str]) -> None:
    batches = _import_batches(conn, "cli-%")
    for line in committed:  # "committed cli PREFIX ROWS": the program said "Imported ..." and exited 0
        _c, _k, prefix, rows = line.split()
        assert batches.get(prefix) == int(rows), f"committed import {prefix} lost or partial"
    partial = {p: n for p, n in batches.items() if n != CLI_ROWS}
    assert not partial, f"half-applied imports: {partial}"
    # SQLite: the name given with --user; PostgreSQL: the login (--user is refused there)
    try:
        actor = str(conn.execute("SELECT session_user").fetchone()[0])
    except Exception:  # noqa: BLE001 - SQLite has no logins
        actor = "crash-cli"
    audited = conn.execute("SELECT count(*) FROM audit_event WHERE record_type = 'vendor' AND action = 'create' "
                           "AND actor = ?", (actor,)).fetchone()[0]
    assert audited == sum(batches.values())


def check_answers(conn: Conn, committed: list[str]) -> None:
    printed: dict[str, tuple[int, str]] = {}
    for line in committed:  # "committed answer N QID VALUE"
        _c, _k, n, qid, value = line.split()
        printed[qid] = (int(n), value)
    last = max((n for n, _v in printed.values()), default=0)
    rows = conn.execute("SELECT a.question_key, a.value_json, a.justification, a.source FROM answer a "
                        "JOIN assessment s ON s.id = a.assessment_id WHERE s.preparer = ?", (ANSWER_ACTOR,)).fetchall()
    saved = {qid: (int(j.split()[1]), json.loads(v), src) for qid, v, j, src in rows if j.startswith("autosave ")}
    for qid, (n, value) in printed.items():
        assert qid in saved, f"committed answer {n} to {qid} lost"
        m, stored, source = saved[qid]
        # the committed save is there, or a later one (a save committed just before a kill, unprinted)
        assert m >= n, f"committed answer {n} to {qid} lost: the database has save {m}"
        if m == n:
            assert stored == value, (qid, n, value, stored)
        assert source == "preparer"
    # nothing from the future: at most the one save in flight when the process died
    assert all(m <= last + 1 for m, _v, _s in saved.values())
    newest = max((m for m, _v, _s in saved.values()), default=0)
    events = conn.execute("SELECT count(*) FROM audit_event WHERE record_type = 'answer' AND action = 'update' "
                          "AND actor = ?", (ANSWER_ACTOR,)).fetchone()[0]
    assert events == newest  # one audit event per save, in the same transaction as the save


def check_chain(target: Target) -> None:
    engine = create_engine(target.url)
    try:
        with engine.connect() as conn:
            report = verify_chain(conn)
            assert report.intact, report.first_problem
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- setups


def setup_empty(target: Target) -> None:
    open_database(target.url).dispose()


def setup_assessment(target: Target) -> None:
    from db.models import Answer, Assessment, ChecklistTemplate
    from tests.support.records import make_vendor

    engine = open_database(target.url)
    try:
        vendor_id = make_vendor(engine, "Autosave Vendor")
        with unit_of_work(engine, "setup") as s:
            template = ChecklistTemplate(key="crash", title_en="T", title_es="T", source_yaml="x", sha256="0" * 64)
            s.add(template)
            s.flush()
            assessment = Assessment(vendor_id=vendor_id, template_id=template.id, preparer="crash-driver")
            s.add(assessment)
            s.flush()
            for i in range(AUTOSAVE_ANSWERS):
                s.add(Answer(assessment_id=assessment.id, question_key=f"q{i}"))
    finally:
        engine.dispose()


def _cli_import(target: Target, seed: int) -> list[str]:
    csv = target.folder / f"cli-{seed}.csv"
    write_vendor_csv(csv, f"cli-{seed}", CLI_ROWS)
    who = ["--user", "crash-cli"] if target.url.startswith("sqlite") or "://" not in target.url else []
    return [sys.executable, "-m", "desktop", "--db", target.url, *who, "import", "vendors", str(csv)]


def _cli_finished(target: Target, seed: int, stdout: str) -> list[str]:
    assert f"Imported {CLI_ROWS} vendor(s)" in stdout, stdout
    return [f"committed cli cli-{seed} {CLI_ROWS}"]


def _n(kills: int) -> int:
    return max(1, round(kills * SCALE))


SCENARIOS = [
    Scenario("bulk vendor writes", _n(20), setup_empty, _driver("vendors"), check_vendors, max_lines=4),
    Scenario("answer autosave (driver)", _n(10), setup_assessment, _driver("autosave"), check_autosave, max_lines=4),
    # a batch of IMPORT_ROWS takes a few tenths of a second: the extra moment spans two or three of them
    Scenario("vendor import (import_vendors)", _n(30), setup_empty, _driver("import"), check_import,
             max_lines=1, max_delay=0.8),
    Scenario(f"vetta import vendors ({CLI_ROWS} rows)", _n(6), setup_empty, _cli_import, check_cli_import,
             max_lines=0, max_delay=4.0, handshake=False, on_exit=_cli_finished),
    Scenario("answer autosave (answer_question)", _n(35), lambda t: setup_answer_assessment(t.url) and None,
             _driver("answer"), check_answers, max_lines=3, max_delay=0.3),
]


# --------------------------------------------------------------------------- harness


def _connect(target: Target) -> Any:
    return sqlite3.connect(target.sqlite_file) if target.sqlite_file else _PgConn(target.url)


def run_scenario(scenario: Scenario, target: Target, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    scenario.setup(target)
    committed: list[str] = []
    survived = 0
    mid_run = 0
    finished = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for kill in range(scenario.kills):
        argv = scenario.command(target, seed * 1000 + kill)
        assert argv[:2] == [sys.executable, "-m"], argv
        # a real process of its own, forked from the pre-loaded test zygote (tests/support/zygote.py)
        proc = zygote.popen(argv[2], argv[3:], env=env, cwd=ROOT)
        assert proc.stdout is not None
        try:
            wanted = rng.randint(0, scenario.max_lines)
            delay = rng.uniform(0, scenario.max_delay)
            if scenario.handshake:
                started = proc.stdout.readline()
                assert started == "started\n", (started, proc.stderr.read() if proc.stderr else "")
            seen = 0
            while seen < wanted:
                line = proc.stdout.readline()
                assert line.startswith("committed "), (line, proc.stderr.read() if proc.stderr else "")
                committed.append(line.strip())
                seen += 1
            if delay:
                try:  # a seeded extra moment so the kill also lands inside a transaction
                    proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    pass
            proc.send_signal(signal.SIGKILL)
            rest, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=60)
        if proc.returncode == 0 and scenario.on_exit is not None:
            committed.extend(scenario.on_exit(target, seed * 1000 + kill, rest))  # finished before the kill
            finished += 1
        else:
            assert proc.returncode == -signal.SIGKILL, f"the writer ended by itself: {err}"
        committed.extend(line for line in rest.splitlines() if line.startswith("committed "))
        mid_run += bool(wanted)
        conn = _connect(target)
        try:
            if target.sqlite_file:
                check_integrity(conn)  # PostgreSQL: the server's own business (WAL); constraints hold there
            scenario.check(conn, committed)
        finally:
            conn.close()
        survived += 1
    check_chain(target)
    return {"kills": scenario.kills - finished, "survived": survived - finished, "commits": len(committed),
            "after_writes": mid_run, "finished_first": finished}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_sigkill_at_random_moments_loses_nothing_committed(scenario, tmp_path, record_property):
    target = Target(f"sqlite:///{tmp_path / 'crash.sqlite3'}", tmp_path)
    figures = run_scenario(scenario, target, SEED + SCENARIOS.index(scenario))
    _assert_figures(scenario, figures, record_property)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_sigkill_on_postgresql_loses_nothing_committed(scenario, pg_url, tmp_path, record_property):
    """The same kills against a real PostgreSQL server: the server aborts what the dead client left open."""
    figures = run_scenario(scenario, Target(pg_url, tmp_path), SEED + 100 + SCENARIOS.index(scenario))
    _assert_figures(scenario, figures, record_property)


def _assert_figures(scenario: Scenario, figures: dict[str, int], record_property: Any) -> None:
    record_property("crash_figures", figures)
    print(f"\ncrash harness: {scenario.name}: {figures}")
    assert figures["survived"] == figures["kills"]
    assert figures["kills"] >= scenario.kills // 2  # most runs were killed, not finished
    if scenario.max_lines:
        assert figures["commits"] > 0  # the kills did land among real work


def test_total_kills_meet_the_issue():
    assert sum(s.kills for s in SCENARIOS) >= 100 * min(SCALE, 1.0)
    real = [s for s in SCENARIOS if "driver" not in s.name and s.name != "bulk vendor writes"]
    assert sum(s.kills for s in real) >= 70 * min(SCALE, 1.0)  # most kills hit the real importer and autosave
