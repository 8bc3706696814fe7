"""Guards that hold against the file's owner (issue 12, deliverable 1), written as an attacker would try.

SQLite's REPLACE conflict resolution deletes the row in its way without firing DELETE triggers: every
statement that can use it (INSERT OR REPLACE, REPLACE, UPDATE OR REPLACE, upserts) is tried on every
guarded table. A guard is only counted when its whole definition is the shipped one.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Engine

from db import triggers
from db.errors import ImmutableRecord, explain
from db.migrate import check as db_check
from tests.support import tamper as t
from tests.support.records import decide, make_assessment, make_vendor

REFUSED = (sa_exc.IntegrityError, sa_exc.InternalError, sa_exc.DatabaseError)


@pytest.fixture
def decided(engine: Engine) -> tuple[Engine, int]:
    aid = make_assessment(engine, make_vendor(engine))
    decide(engine, aid)
    return engine, aid


def _row(engine: Engine, sql: str, **params: object) -> tuple[object, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(sql), params).one())


def _refused(engine: Engine, sql: str, **params: object) -> str:
    with pytest.raises(REFUSED) as info, engine.begin() as conn:
        conn.execute(text(sql), params)
    error = explain(info.value)
    assert isinstance(error, ImmutableRecord), str(info.value)
    assert "vetta:" not in str(error) and str(error).endswith(".")
    return str(error)


def _copy_columns(engine: Engine, table: str) -> str:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]
        else:
            names = [r[0] for r in conn.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                "AND table_schema = current_schema() ORDER BY ordinal_position"), {"t": table})]
    return ", ".join(names)


# --------------------------------------------------------------------------- SQLite: REPLACE in all its forms


def _sqlite_engine(request: pytest.FixtureRequest, decided: tuple[Engine, int]) -> tuple[Engine, int]:
    engine, aid = decided
    if engine.dialect.name != "sqlite":
        pytest.skip("REPLACE conflict resolution is SQLite's")
    return engine, aid


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE INTO", "REPLACE INTO"])
def test_replace_cannot_rewrite_a_decided_assessment(request, decided, verb):
    engine, aid = _sqlite_engine(request, decided)
    cols = _copy_columns(engine, "assessment")
    forged = cols.replace("rating", "'not_neutral'")
    message = _refused(engine, f"{verb} assessment ({cols}) SELECT {forged} FROM assessment WHERE id = :id", id=aid)
    assert "cannot be replaced" in message
    # the same (vendor, series version) under a new id would delete the decided row just as well
    forged = cols.replace("id,", "9999,", 1).replace("rating", "'not_neutral'")
    _refused(engine, f"{verb} assessment ({cols}) SELECT {forged} FROM assessment WHERE id = :id", id=aid)
    assert _row(engine, "SELECT rating, status FROM assessment WHERE id = :id", id=aid) == ("neutral", "approved")


def test_replace_cannot_rewrite_an_answer_a_signoff_or_an_audit_event(request, decided):
    engine, aid = _sqlite_engine(request, decided)
    for table, change, where in [
        ("answer", ("value_json", "'\"no\"'"), "assessment_id = :id"),
        ("signoff", ("approver", "'mallory'"), "assessment_id = :id"),
        ("audit_event", ("actor", "'mallory'"), "seq = 3"),
    ]:
        cols = _copy_columns(engine, table)
        forged = cols.replace(change[0], change[1])
        for verb in ("INSERT OR REPLACE INTO", "REPLACE INTO"):
            _refused(engine, f"{verb} {table} ({cols}) SELECT {forged} FROM {table} WHERE {where} LIMIT 1", id=aid)
    assert _row(engine, "SELECT approver FROM signoff WHERE assessment_id = :id", id=aid) == ("approver",)
    assert _row(engine, "SELECT count(*) FROM answer WHERE value_json = '\"no\"'") == (0,)
    assert _row(engine, "SELECT count(*) FROM audit_event WHERE actor = 'mallory'") == (0,)


def test_a_second_signoff_cannot_replace_the_first(request, decided):
    engine, aid = _sqlite_engine(request, decided)
    cols = _copy_columns(engine, "signoff")
    forged = cols.replace("id,", "777,", 1).replace("decision", "'rejected'")
    _refused(engine, f"INSERT OR REPLACE INTO signoff ({cols}) SELECT {forged} FROM signoff WHERE assessment_id = :id",
             id=aid)
    assert _row(engine, "SELECT id, decision FROM signoff WHERE assessment_id = :id", id=aid)[1] == "approved"


def test_update_or_replace_cannot_take_a_decided_key(request, decided):
    engine, aid = _sqlite_engine(request, decided)
    draft = make_assessment(engine, make_vendor(engine, "Other Ltd"))
    decided_answer = _row(engine, "SELECT min(id) FROM answer WHERE assessment_id = :id", id=aid)[0]
    _refused(engine, "UPDATE OR REPLACE answer SET id = :taken WHERE assessment_id = :draft",
             taken=decided_answer, draft=draft)
    _refused(engine, "UPDATE OR REPLACE assessment SET vendor_id = (SELECT vendor_id FROM assessment WHERE id = :id), "
                     "series_version = 1 WHERE id = :draft", id=aid, draft=draft)
    _refused(engine, "UPDATE OR REPLACE assessment SET id = :id WHERE id = :draft", id=aid, draft=draft)
    assert _row(engine, "SELECT count(*) FROM answer WHERE assessment_id = :id", id=aid) == (2,)
    assert _row(engine, "SELECT status FROM assessment WHERE id = :id", id=aid) == ("approved",)


def test_plain_sqlite3_client_is_refused_too(request, decided, tmp_path):
    """The attacker's own sqlite3, not SQLAlchemy: the file itself refuses."""
    engine, aid = _sqlite_engine(request, decided)
    path = engine.url.database
    assert path
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.IntegrityError, match="cannot be replaced"):
        conn.execute("INSERT OR REPLACE INTO assessment SELECT * FROM assessment WHERE id = ?", (aid,))


# --------------------------------------------------------------------------- both engines


def test_upsert_cannot_rewrite_a_decided_assessment(decided):
    engine, aid = decided
    cols = _copy_columns(engine, "assessment")
    _refused(engine, f"INSERT INTO assessment ({cols}) SELECT {cols} FROM assessment WHERE id = :id "
                     "ON CONFLICT (id) DO UPDATE SET rating = 'not_neutral'", id=aid)
    cols = _copy_columns(engine, "signoff")
    _refused(engine, f"INSERT INTO signoff ({cols}) SELECT {cols} FROM signoff WHERE assessment_id = :id "
                     "ON CONFLICT (assessment_id) DO UPDATE SET approver = 'mallory'", id=aid)
    assert _row(engine, "SELECT rating FROM assessment WHERE id = :id", id=aid) == ("neutral",)


@pytest.mark.parametrize("where", ["middle", "fork", "gap"])
def test_audit_events_can_only_be_appended_after_the_head(engine, where):
    make_vendor(engine)
    head_seq, head_hash = _row(engine, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    second = _row(engine, "SELECT hash FROM audit_event WHERE seq = 1")[0]
    seq, prev = {"middle": (2, second), "fork": (int(head_seq) + 1, second), "gap": (int(head_seq) + 5, head_hash)}[where]
    message = _refused(engine, "INSERT INTO audit_event (seq, occurred_at, actor, action, record_type, record_id, "
                               "vendor_id, changes_json, prev_hash, hash) VALUES (:seq, '2026-01-01', 'mallory', "
                               "'update', 'vendor', 1, 1, '{}', :prev, :h)", seq=seq, prev=prev, h="f" * 64)
    assert "append-only" in message


def test_temporary_table_cannot_blind_the_answer_guard(decided):
    """PostgreSQL searches a session's temporary tables first: V1's guard looked there for ``assessment``."""
    engine, aid = decided
    with pytest.raises(REFUSED), engine.begin() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE assessment (id integer, status text)"))
        conn.execute(text("UPDATE answer SET value_json = '\"no\"' WHERE assessment_id = :id"), {"id": aid})
    assert _row(engine, "SELECT count(*) FROM answer WHERE value_json = '\"no\"'") == (0,)


# --------------------------------------------------------------------------- are the guards the shipped ones?


def test_every_guard_is_in_force_at_head(engine):
    with engine.connect() as conn:
        report = triggers.check(conn)
    assert report.ok and report.not_in_force == () and report.foreign == ()
    assert db_check(engine).ok


def test_do_nothing_trigger_under_a_guards_name_is_found(engine):
    make_vendor(engine)
    name = t.do_nothing_guard(engine)
    with engine.connect() as conn:
        report = triggers.check(conn)
    assert name in report.altered and name not in report.missing
    result = db_check(engine)
    assert not result.ok and any(name in p and "altered" in p for p in result.problems)
    # and it really does nothing: the attack it enables goes through
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 1"))


def test_switched_off_dropped_and_retimed_guards_are_found(engine):
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER vetta_signoff_no_insert"))
            conn.execute(text("DROP TRIGGER vetta_answer_no_update"))  # re-created to fire AFTER: too late
            conn.execute(text("CREATE TRIGGER vetta_answer_no_update AFTER UPDATE ON answer FOR EACH ROW "
                              "BEGIN SELECT RAISE(ABORT, 'x'); END"))
            expect_missing, expect_altered = "vetta_signoff_no_insert", "vetta_answer_no_update"
        else:
            conn.execute(text("ALTER TABLE signoff DISABLE TRIGGER vetta_signoff_immutable"))
            conn.execute(text("DROP TRIGGER vetta_answer_immutable ON answer"))  # back with a WHEN that never holds
            conn.execute(text("CREATE TRIGGER vetta_answer_immutable BEFORE INSERT OR UPDATE OR DELETE ON answer "
                              "FOR EACH ROW WHEN (false) EXECUTE FUNCTION vetta_answer_immutable()"))
            expect_missing, expect_altered = "vetta_signoff_immutable", "vetta_answer_immutable"
    with engine.connect() as conn:
        report = triggers.check(conn)
    assert expect_missing in report.missing and expect_altered in report.altered


def test_guard_functions_that_look_elsewhere_are_found(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("guard functions are PostgreSQL's")
    with engine.begin() as conn:  # same body, but searching temporary tables first again
        conn.execute(text("ALTER FUNCTION vetta_answer_immutable() RESET search_path"))
    with engine.connect() as conn:
        assert "vetta_answer_immutable" in triggers.check(conn).altered


def test_foreign_trigger_that_swallows_audit_events_is_found(engine):
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("CREATE TRIGGER zz_quiet BEFORE INSERT ON audit_event BEGIN SELECT RAISE(IGNORE); END"))
        else:
            conn.execute(text("CREATE FUNCTION zz_quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; "
                              "END $$"))
            conn.execute(text("CREATE TRIGGER zz_quiet BEFORE INSERT ON audit_event FOR EACH ROW "
                              "EXECUTE FUNCTION zz_quiet()"))
    with engine.connect() as conn:
        report = triggers.check(conn)
    assert report.foreign == ("zz_quiet (audit_event)",) and not report.ok
    assert any("zz_quiet" in p for p in db_check(engine).problems)


def test_guards_restored_exactly_are_accepted_again(engine):
    """Layout is not definition: the shipped SQL re-typed with other spacing is the same guard."""
    with engine.begin() as conn:
        t.drop_guards(conn)
        t.restore_guards(conn)
    with engine.connect() as conn:
        assert triggers.check(conn).ok
    if engine.dialect.name == "sqlite":
        statement = next(s for s in triggers.create_sql("sqlite") if "vetta_audit_no_insert" in s)
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER vetta_audit_no_insert"))
            conn.execute(text("\n\n   ".join(statement.split(" "))))
        with engine.connect() as conn:
            assert triggers.check(conn).ok


def test_migration_0006_downgrades_to_v1_and_back(engine):
    from alembic import command

    from db.migrate import alembic_config

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    with engine.connect() as conn:
        names = triggers.installed(conn)
        v1 = triggers.SQLITE_TRIGGERS_V1 if conn.dialect.name == "sqlite" else triggers.PG_TRIGGERS_V1
        assert names == frozenset(v1)
        assert triggers.check(conn).not_in_force  # V1 is not today's guard
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        assert triggers.check(conn).ok


# --------------------------------------------------------------------------- fuzz: any change of a guard is seen

_STATEMENTS = triggers.create_sql("sqlite")


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, len(_STATEMENTS) - 1), data=st.data())
def test_fuzz_any_change_to_a_guard_definition_is_reported(sqlite_engine, index, data):
    """A guard's SQL with one token replaced, dropped or duplicated: accepted by SQLite or not, never by check()."""
    statement = _STATEMENTS[index]
    name = statement.split()[2]
    tokens = statement.split()
    at = data.draw(st.integers(4, len(tokens) - 1))  # keep "CREATE TRIGGER name" so the name stays
    how = data.draw(st.sampled_from(["drop", "duplicate", "replace"]))
    if how == "drop":
        mutated = tokens[:at] + tokens[at + 1:]
    elif how == "duplicate":
        mutated = tokens[:at + 1] + tokens[at:]
    else:
        word = data.draw(st.sampled_from(["1", "0", "NULL", "NOT", "OLD.id", "NEW.id", "'x'", "AFTER", "IGNORE"]))
        if word == tokens[at]:
            return
        mutated = tokens[:at] + [word] + tokens[at + 1:]
    sql = " ".join(mutated)
    if triggers.normalise_sql(sql) == triggers.normalise_sql(statement):
        return  # the same words: the same guard
    with sqlite_engine.connect() as conn:
        trans = conn.begin()
        try:
            conn.execute(text(f"DROP TRIGGER {name}"))
            try:
                conn.execute(text(sql))
            except sa_exc.DatabaseError:
                pass  # not valid SQL: the guard is simply gone
            report = triggers.check(conn)
            assert name in report.not_in_force
        finally:
            trans.rollback()


_BODIES = sorted(triggers._pg_function_bodies_v2().items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, len(_BODIES) - 1), data=st.data())
def test_fuzz_any_change_to_a_guard_function_is_reported(pg_url, index, data):
    """PostgreSQL: a guard function's body with one token replaced, dropped or duplicated is never accepted."""
    engine = _pg_engine(pg_url)
    name, body = _BODIES[index]
    tokens = body.split()
    at = data.draw(st.integers(1, len(tokens) - 2))  # keep BEGIN ... END so most mutants still compile
    how = data.draw(st.sampled_from(["drop", "duplicate", "replace"]))
    if how == "drop":
        mutated = tokens[:at] + tokens[at + 1:]
    elif how == "duplicate":
        mutated = tokens[:at + 1] + tokens[at:]
    else:
        word = data.draw(st.sampled_from(["NULL", "NOT", "OLD", "NEW", "true", "false", "'x'", "RETURN NEW;"]))
        if word == tokens[at]:
            return
        mutated = tokens[:at] + [word] + tokens[at + 1:]
    if triggers.normalise_sql(" ".join(mutated)) == triggers.normalise_sql(body):
        return
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            try:
                with conn.begin_nested():
                    conn.execute(text(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                                      f"SET search_path = public, pg_temp AS $$ {' '.join(mutated)} $$"))
            except sa_exc.DatabaseError:
                return  # PostgreSQL refused the mutant: the shipped function is still in place
            report = triggers.check(conn)
            users = [g.trigger for g in triggers.PG_GUARDS_V2 if g.function == name]
            assert set(users) <= set(report.altered), (name, " ".join(mutated))
        finally:
            trans.rollback()


_PG_ENGINES: dict[str, Engine] = {}


def _pg_engine(url: str) -> Engine:
    """One migrated database for all examples (each example rolls its change back)."""
    if url not in _PG_ENGINES:
        from desktop.services.database import open_database

        for old in _PG_ENGINES.values():
            old.dispose()
        _PG_ENGINES.clear()
        _PG_ENGINES[url] = open_database(url)
    return _PG_ENGINES[url]
