"""Database triggers that make decisions and the audit trail immutable, on SQLite and PostgreSQL.

What they refuse, whatever the path (the app, the CLI, plain SQL):

- a decided assessment (status approved / approved_with_conditions / rejected): any UPDATE that
  changes a column other than ``stale_since``, ``updated_at`` and ``version`` (marking a decision
  stale keeps working), and any DELETE. The decision itself (an undecided assessment becoming
  decided in one UPDATE, with decided_at, approver, rating...) is allowed;
- answers of a decided assessment: INSERT, UPDATE and DELETE;
- sign-offs: DELETE, and any UPDATE except filling ``report_sha256`` / ``report_pdf`` once (from
  empty) while the signed report is produced (``updated_at`` may move with it);
- audit events: UPDATE and DELETE (and TRUNCATE on PostgreSQL): the trail is append-only;
- (V2) anything that would *replace* such a row: on SQLite ``INSERT OR REPLACE``, ``REPLACE``,
  ``UPDATE OR REPLACE`` and upserts delete the row in their way without firing any DELETE trigger,
  so an INSERT that would take the key of a decided assessment, its answers, a sign-off or an audit
  event is refused, ids of assessments and answers cannot change, and a new audit event must carry
  the next number and the head's hash (both engines).

Every refusal carries ``vetta:immutable:`` followed by a sentence; ``db.errors.explain`` turns it
into ``ImmutableRecord``. Someone with the power to drop triggers can still change rows: ``check``
compares every guard's whole definition with the shipped one (a do-nothing trigger under a guard's
name is reported), the hash chain (``db.audit.verify_chain``) shows edited events, the anchors in
signed reports show a rewritten or truncated chain, and ``db.replay`` shows rows that no longer
match the trail.

The SQL here is versioned: ``V1`` is used by migration 0002, ``V2`` by migration 0006; never edit a
version in place: a change is a new version and a new migration. Note for later SQLite migrations:
Alembic's batch mode recreates a table and DROPS ITS TRIGGERS; re-create them
(``create(connection)``) afterwards. A migration that adds a column to ``assessment`` or
``signoff`` must also add it to the frozen columns of a new SQLite version (PostgreSQL's guards
compare whole rows). ``tests/db/test_immutable.py`` and ``tests/db/test_guards.py`` check every
guard is in force at head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from db.errors import IMMUTABLE_MARKER, ImmutableRecord
from db.messages import N_, tr
from db.models import DECIDED_STATUSES, Assessment

DECIDED_SQL = ", ".join(f"'{s.value}'" for s in DECIDED_STATUSES)

# Columns of ``assessment`` at schema 0002, except the three that may change after a decision.
_ASSESSMENT_FROZEN = (
    "id", "vendor_id", "template_id", "series_version", "previous_id", "status", "preparer", "approver",
    "rating", "score", "as_of", "submitted_at", "decided_at", "next_review_due", "findings_json",
    "facts_json", "created_at",
)
_SIGNOFF_FROZEN = (
    "id", "assessment_id", "decision", "conditions_json", "preparer", "approver", "identity_id",
    "decided_at", "report_lang", "created_at",
)
# V2 also freezes what later schemas added to ``signoff``: the approver's rationale (0004).
_SIGNOFF_FROZEN_V2 = (*_SIGNOFF_FROZEN, "rationale")


def _refusal(sentence: str) -> str:
    """The trigger's message: the marker, then the sentence starting in lower case.

    ``db.errors.immutable_message`` finds the marker, capitalises the sentence again and translates
    it, so each sentence is marked with ``N_`` below (its Spanish is in the catalogue).
    """
    return f"{IMMUTABLE_MARKER} {sentence[0].lower()}{sentence[1:]}"


MSG_ASSESSMENT_UPDATE = _refusal(N_(
    "This assessment has been decided and can no longer be changed; re-open it as a new version instead."))
MSG_ASSESSMENT_DELETE = _refusal(N_("A decided assessment cannot be deleted."))
MSG_ANSWER = _refusal(N_(
    "The answers of a decided assessment can no longer be changed; re-open the assessment as a new version instead."))
MSG_SIGNOFF = _refusal(N_("A sign-off cannot be changed or deleted once it is recorded."))
MSG_AUDIT = _refusal(N_("The audit trail is append-only: its events cannot be changed or deleted."))

def _q(message: str) -> str:
    return "'" + message.replace("'", "''") + "'"


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _sqlite_v1() -> list[str]:
    decided = f"status IN ({DECIDED_SQL})"
    answer_decided = "EXISTS (SELECT 1 FROM assessment WHERE id = {ref}.assessment_id AND " + decided + ")"
    return [
        f"""CREATE TRIGGER vetta_assessment_no_update BEFORE UPDATE ON assessment FOR EACH ROW
        WHEN OLD.{decided} AND ({_changed(_ASSESSMENT_FROZEN)})
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ASSESSMENT_UPDATE)}); END""",
        f"""CREATE TRIGGER vetta_assessment_no_delete BEFORE DELETE ON assessment FOR EACH ROW
        WHEN OLD.{decided}
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ASSESSMENT_DELETE)}); END""",
        f"""CREATE TRIGGER vetta_answer_no_insert BEFORE INSERT ON answer FOR EACH ROW
        WHEN {answer_decided.format(ref='NEW')}
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ANSWER)}); END""",
        f"""CREATE TRIGGER vetta_answer_no_update BEFORE UPDATE ON answer FOR EACH ROW
        WHEN {answer_decided.format(ref='OLD')} OR {answer_decided.format(ref='NEW')}
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ANSWER)}); END""",
        f"""CREATE TRIGGER vetta_answer_no_delete BEFORE DELETE ON answer FOR EACH ROW
        WHEN {answer_decided.format(ref='OLD')}
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ANSWER)}); END""",
        f"""CREATE TRIGGER vetta_signoff_no_update BEFORE UPDATE ON signoff FOR EACH ROW
        WHEN {_changed(_SIGNOFF_FROZEN)}
          OR (OLD.report_sha256 IS NOT NULL AND NEW.report_sha256 IS NOT OLD.report_sha256)
          OR (OLD.report_pdf IS NOT NULL AND NEW.report_pdf IS NOT OLD.report_pdf)
        BEGIN SELECT RAISE(ABORT, {_q(MSG_SIGNOFF)}); END""",
        f"""CREATE TRIGGER vetta_signoff_no_delete BEFORE DELETE ON signoff FOR EACH ROW
        BEGIN SELECT RAISE(ABORT, {_q(MSG_SIGNOFF)}); END""",
        f"""CREATE TRIGGER vetta_audit_no_update BEFORE UPDATE ON audit_event FOR EACH ROW
        BEGIN SELECT RAISE(ABORT, {_q(MSG_AUDIT)}); END""",
        f"""CREATE TRIGGER vetta_audit_no_delete BEFORE DELETE ON audit_event FOR EACH ROW
        BEGIN SELECT RAISE(ABORT, {_q(MSG_AUDIT)}); END""",
    ]


def _pg_v1() -> list[str]:
    def raise_(message: str) -> str:
        return f"RAISE EXCEPTION USING MESSAGE = {_q(message)}, ERRCODE = 'P0001';"

    return [
        f"""CREATE OR REPLACE FUNCTION vetta_assessment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD.status IN ({DECIDED_SQL}) THEN {raise_(MSG_ASSESSMENT_DELETE)} END IF;
            RETURN OLD;
          END IF;
          IF OLD.status IN ({DECIDED_SQL})
             AND (to_jsonb(NEW) - ARRAY['stale_since', 'updated_at', 'version'])
                 IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['stale_since', 'updated_at', 'version']) THEN
            {raise_(MSG_ASSESSMENT_UPDATE)}
          END IF;
          RETURN NEW;
        END $$""",
        """CREATE TRIGGER vetta_assessment_immutable BEFORE UPDATE OR DELETE ON assessment
        FOR EACH ROW EXECUTE FUNCTION vetta_assessment_immutable()""",
        f"""CREATE OR REPLACE FUNCTION vetta_answer_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF EXISTS (SELECT 1 FROM assessment WHERE id = OLD.assessment_id AND status IN ({DECIDED_SQL})) THEN
              {raise_(MSG_ANSWER)}
            END IF;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF EXISTS (SELECT 1 FROM assessment WHERE id = NEW.assessment_id AND status IN ({DECIDED_SQL})) THEN
              {raise_(MSG_ANSWER)}
            END IF;
            RETURN NEW;
          END IF;
          RETURN OLD;
        END $$""",
        """CREATE TRIGGER vetta_answer_immutable BEFORE INSERT OR UPDATE OR DELETE ON answer
        FOR EACH ROW EXECUTE FUNCTION vetta_answer_immutable()""",
        f"""CREATE OR REPLACE FUNCTION vetta_signoff_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE'
             OR (to_jsonb(NEW) - ARRAY['updated_at', 'report_sha256', 'report_pdf'])
                IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['updated_at', 'report_sha256', 'report_pdf'])
             OR (OLD.report_sha256 IS NOT NULL AND NEW.report_sha256 IS DISTINCT FROM OLD.report_sha256)
             OR (OLD.report_pdf IS NOT NULL AND NEW.report_pdf IS DISTINCT FROM OLD.report_pdf) THEN
            {raise_(MSG_SIGNOFF)}
          END IF;
          RETURN NEW;
        END $$""",
        """CREATE TRIGGER vetta_signoff_immutable BEFORE UPDATE OR DELETE ON signoff
        FOR EACH ROW EXECUTE FUNCTION vetta_signoff_immutable()""",
        f"""CREATE OR REPLACE FUNCTION vetta_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          {raise_(MSG_AUDIT)}
        END $$""",
        """CREATE TRIGGER vetta_audit_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION vetta_audit_append_only()""",
        """CREATE TRIGGER vetta_audit_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION vetta_audit_append_only()""",
    ]


# --------------------------------------------------------------------------- V2 (migration 0006)

MSG_REPLACE = _refusal(N_(
    "A decided assessment, its answers, its sign-off and the audit trail cannot be replaced, written again or "
    "renumbered."))
MSG_SIGNOFF_AGAIN = _refusal(N_(
    "An assessment has one sign-off, recorded once; it cannot be replaced or written again."))
MSG_AUDIT_APPEND = _refusal(N_(
    "The audit trail is append-only: a new event must follow the last one (next number, its hash); "
    "an event cannot replace or go before another."))

GENESIS_HASH = "0" * 64

#: The tables the guards protect; a trigger on them that is not a guard is reported (it could drop writes).
GUARDED_TABLES = ("assessment", "answer", "signoff", "audit_event")


def _sqlite_v2() -> list[str]:
    """V1, plus what ``INSERT OR REPLACE``, ``REPLACE``, ``UPDATE OR REPLACE`` and upserts need.

    SQLite's REPLACE conflict resolution deletes the row in the way WITHOUT firing DELETE triggers, so
    every guarded table refuses, before the insert, a new row that would take the place (primary key or
    unique key) of a protected one; ids cannot be changed (an UPDATE OR REPLACE to a taken id would
    delete its owner the same way); audit events can only be appended after the head, linked to it.
    """
    decided = f"status IN ({DECIDED_SQL})"
    answer_decided = "EXISTS (SELECT 1 FROM assessment WHERE id = {ref}.assessment_id AND " + decided + ")"
    v1 = {statement.split()[2]: statement for statement in _sqlite_v1()}
    return [
        v1["vetta_assessment_no_update"],
        v1["vetta_assessment_no_delete"],
        f"""CREATE TRIGGER vetta_assessment_no_insert BEFORE INSERT ON assessment FOR EACH ROW
        WHEN EXISTS (SELECT 1 FROM assessment WHERE (id = NEW.id
                     OR (vendor_id = NEW.vendor_id AND series_version = NEW.series_version)) AND {decided})
        BEGIN SELECT RAISE(ABORT, {_q(MSG_REPLACE)}); END""",
        f"""CREATE TRIGGER vetta_assessment_no_replace BEFORE UPDATE ON assessment FOR EACH ROW
        WHEN NEW.id IS NOT OLD.id
          OR EXISTS (SELECT 1 FROM assessment WHERE id IS NOT OLD.id AND vendor_id = NEW.vendor_id
                     AND series_version = NEW.series_version AND {decided})
        BEGIN SELECT RAISE(ABORT, {_q(MSG_REPLACE)}); END""",
        f"""CREATE TRIGGER vetta_answer_no_insert BEFORE INSERT ON answer FOR EACH ROW
        WHEN {answer_decided.format(ref='NEW')}
          OR EXISTS (SELECT 1 FROM answer AS taken JOIN assessment ON assessment.id = taken.assessment_id
                     WHERE taken.id = NEW.id AND assessment.{decided})
        BEGIN SELECT RAISE(ABORT, {_q(MSG_ANSWER)}); END""",
        v1["vetta_answer_no_update"],
        f"""CREATE TRIGGER vetta_answer_no_renumber BEFORE UPDATE ON answer FOR EACH ROW
        WHEN NEW.id IS NOT OLD.id
        BEGIN SELECT RAISE(ABORT, {_q(MSG_REPLACE)}); END""",
        v1["vetta_answer_no_delete"],
        f"""CREATE TRIGGER vetta_signoff_no_insert BEFORE INSERT ON signoff FOR EACH ROW
        WHEN EXISTS (SELECT 1 FROM signoff WHERE id = NEW.id OR assessment_id = NEW.assessment_id)
        BEGIN SELECT RAISE(ABORT, {_q(MSG_SIGNOFF_AGAIN)}); END""",
        f"""CREATE TRIGGER vetta_signoff_no_update BEFORE UPDATE ON signoff FOR EACH ROW
        WHEN {_changed(_SIGNOFF_FROZEN_V2)}
          OR (OLD.report_sha256 IS NOT NULL AND NEW.report_sha256 IS NOT OLD.report_sha256)
          OR (OLD.report_pdf IS NOT NULL AND NEW.report_pdf IS NOT OLD.report_pdf)
        BEGIN SELECT RAISE(ABORT, {_q(MSG_SIGNOFF)}); END""",
        v1["vetta_signoff_no_delete"],
        f"""CREATE TRIGGER vetta_audit_no_insert BEFORE INSERT ON audit_event FOR EACH ROW
        WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id OR seq = NEW.seq)
          OR NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_event)
          OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1),
                                           '{GENESIS_HASH}')
        BEGIN SELECT RAISE(ABORT, {_q(MSG_AUDIT_APPEND)}); END""",
        v1["vetta_audit_no_update"],
        v1["vetta_audit_no_delete"],
    ]


@dataclass(frozen=True)
class PgGuard:
    """One PostgreSQL guard: a trigger, its table, its kind (``pg_trigger.tgtype``) and its function."""

    trigger: str
    table: str
    tgtype: int
    function: str


# pg_trigger.tgtype bits (PostgreSQL's trigger.h)
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE = 1, 2, 4, 8, 16, 32

PG_GUARDS_V2 = (
    PgGuard("vetta_assessment_immutable", "assessment", _ROW | _BEFORE | _UPDATE | _DELETE,
            "vetta_assessment_immutable"),
    PgGuard("vetta_answer_immutable", "answer", _ROW | _BEFORE | _INSERT | _UPDATE | _DELETE, "vetta_answer_immutable"),
    PgGuard("vetta_signoff_immutable", "signoff", _ROW | _BEFORE | _UPDATE | _DELETE, "vetta_signoff_immutable"),
    PgGuard("vetta_audit_append_only", "audit_event", _ROW | _BEFORE | _UPDATE | _DELETE, "vetta_audit_append_only"),
    PgGuard("vetta_audit_no_truncate", "audit_event", _BEFORE | _TRUNCATE, "vetta_audit_append_only"),
    PgGuard("vetta_audit_append", "audit_event", _ROW | _BEFORE | _INSERT, "vetta_audit_append"),
)
_PG_EVENTS = {_INSERT: "INSERT", _UPDATE: "UPDATE", _DELETE: "DELETE", _TRUNCATE: "TRUNCATE"}


def _pg_function_bodies_v2() -> dict[str, str]:
    """The body (``pg_proc.prosrc``) of each V2 guard function.

    The same logic as V1, plus the append rule for audit events. Each function is created with
    ``SET search_path = <schema>, pg_temp``: without it a session could create a TEMPORARY table named
    ``assessment`` (temporary tables come first in the default search path) and the answer guard
    would look there and find nothing decided.
    """
    def raise_(message: str) -> str:
        return f"RAISE EXCEPTION USING MESSAGE = {_q(message)}, ERRCODE = 'P0001';"

    return {
        "vetta_assessment_immutable": f"""
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD.status IN ({DECIDED_SQL}) THEN {raise_(MSG_ASSESSMENT_DELETE)} END IF;
            RETURN OLD;
          END IF;
          IF OLD.status IN ({DECIDED_SQL})
             AND (to_jsonb(NEW) - ARRAY['stale_since', 'updated_at', 'version'])
                 IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['stale_since', 'updated_at', 'version']) THEN
            {raise_(MSG_ASSESSMENT_UPDATE)}
          END IF;
          RETURN NEW;
        END """,
        "vetta_answer_immutable": f"""
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            IF EXISTS (SELECT 1 FROM assessment WHERE id = OLD.assessment_id AND status IN ({DECIDED_SQL})) THEN
              {raise_(MSG_ANSWER)}
            END IF;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            IF EXISTS (SELECT 1 FROM assessment WHERE id = NEW.assessment_id AND status IN ({DECIDED_SQL})) THEN
              {raise_(MSG_ANSWER)}
            END IF;
            RETURN NEW;
          END IF;
          RETURN OLD;
        END """,
        "vetta_signoff_immutable": f"""
        BEGIN
          IF TG_OP = 'DELETE'
             OR (to_jsonb(NEW) - ARRAY['updated_at', 'report_sha256', 'report_pdf'])
                IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['updated_at', 'report_sha256', 'report_pdf'])
             OR (OLD.report_sha256 IS NOT NULL AND NEW.report_sha256 IS DISTINCT FROM OLD.report_sha256)
             OR (OLD.report_pdf IS NOT NULL AND NEW.report_pdf IS DISTINCT FROM OLD.report_pdf) THEN
            {raise_(MSG_SIGNOFF)}
          END IF;
          RETURN NEW;
        END """,
        "vetta_audit_append_only": f"""
        BEGIN
          {raise_(MSG_AUDIT)}
        END """,
        "vetta_audit_append": f"""
        BEGIN
          IF EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id OR seq = NEW.seq)
             OR NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_event)
             OR NEW.prev_hash IS DISTINCT FROM COALESCE(
                  (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1), '{GENESIS_HASH}') THEN
            {raise_(MSG_AUDIT_APPEND)}
          END IF;
          RETURN NEW;
        END """,
    }


def _pg_search_path(schema: str) -> str:
    return f"{_ident(schema)}, pg_temp"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_v2(schema: str) -> list[str]:
    statements = [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
        f"SET search_path = {_pg_search_path(schema)} AS $$" + body + "$$"
        for name, body in _pg_function_bodies_v2().items()
    ]
    for guard in PG_GUARDS_V2:
        events = " OR ".join(label for bit, label in _PG_EVENTS.items() if guard.tgtype & bit)
        level = "ROW" if guard.tgtype & _ROW else "STATEMENT"
        statements.append(f"CREATE TRIGGER {guard.trigger} BEFORE {events} ON {guard.table} "
                          f"FOR EACH {level} EXECUTE FUNCTION {guard.function}()")
    return statements


# --------------------------------------------------------------------------- creating and dropping

CURRENT = 2

SQLITE_TRIGGERS_V1 = (
    "vetta_assessment_no_update", "vetta_assessment_no_delete", "vetta_answer_no_insert",
    "vetta_answer_no_update", "vetta_answer_no_delete", "vetta_signoff_no_update", "vetta_signoff_no_delete",
    "vetta_audit_no_update", "vetta_audit_no_delete",
)
SQLITE_TRIGGERS_V2 = SQLITE_TRIGGERS_V1 + (
    "vetta_assessment_no_insert", "vetta_assessment_no_replace", "vetta_answer_no_renumber",
    "vetta_signoff_no_insert", "vetta_audit_no_insert",
)
PG_TRIGGERS_V1 = (
    "vetta_assessment_immutable", "vetta_answer_immutable", "vetta_signoff_immutable",
    "vetta_audit_append_only", "vetta_audit_no_truncate",
)
PG_TRIGGERS_V2 = tuple(guard.trigger for guard in PG_GUARDS_V2)
PG_FUNCTIONS_V1 = (
    "vetta_assessment_immutable", "vetta_answer_immutable", "vetta_signoff_immutable", "vetta_audit_append_only",
)
PG_FUNCTIONS_V2 = tuple(_pg_function_bodies_v2())
# The names of the current version (kept under their old names for callers).
SQLITE_TRIGGERS = SQLITE_TRIGGERS_V2
PG_TRIGGERS = PG_TRIGGERS_V2
PG_FUNCTIONS = PG_FUNCTIONS_V2

_PG_TABLE_OF = {guard.trigger: guard.table for guard in PG_GUARDS_V2}


def create_sql(dialect: str, version: int = CURRENT, schema: str = "public") -> list[str]:
    """The statements that create the guards of ``version`` on ``dialect`` ('sqlite' or 'postgresql').

    ``schema`` (PostgreSQL) is the schema holding Vetta's tables: the guard functions look only there.
    """
    if version not in (1, 2):
        raise ValueError(f"no guards of version {version}")
    if dialect == "sqlite":
        return _sqlite_v1() if version == 1 else _sqlite_v2()
    if dialect == "postgresql":
        return _pg_v1() if version == 1 else _pg_v2(schema)
    raise ValueError(f"no immutability triggers for {dialect!r}")


def drop_sql(dialect: str, version: int = CURRENT) -> list[str]:
    if dialect == "sqlite":
        names = SQLITE_TRIGGERS_V1 if version == 1 else SQLITE_TRIGGERS_V2
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
    if dialect == "postgresql":
        triggers = PG_TRIGGERS_V1 if version == 1 else PG_TRIGGERS_V2
        functions = PG_FUNCTIONS_V1 if version == 1 else PG_FUNCTIONS_V2
        return [f"DROP TRIGGER IF EXISTS {name} ON {_PG_TABLE_OF[name]}" for name in triggers] + [
            f"DROP FUNCTION IF EXISTS {name}()" for name in functions
        ]
    raise ValueError(f"no immutability triggers for {dialect!r}")


def _schema(connection: Connection) -> str:
    if connection.dialect.name != "postgresql":
        return "main"
    return str(connection.execute(text("SELECT current_schema()")).scalar_one())


def create(connection: Connection, version: int = CURRENT) -> None:
    for statement in create_sql(connection.dialect.name, version, _schema(connection)):
        connection.execute(text(statement))


def drop(connection: Connection, version: int = CURRENT) -> None:
    for statement in drop_sql(connection.dialect.name, version):
        connection.execute(text(statement))


def expected(dialect: str) -> frozenset[str]:
    return frozenset(SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS)


def installed(connection: Connection) -> frozenset[str]:
    """Names of the Vetta triggers present (and, on PostgreSQL, enabled) in the database."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = connection.execute(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"))
    return frozenset(str(r[0]) for r in rows if str(r[0]).startswith("vetta_"))


# --------------------------------------------------------------------------- are the guards in force?


def normalise_sql(sql: str) -> str:
    """SQL text with its layout taken out: runs of white space become one space, none beside punctuation.

    Two definitions that differ only in spacing and line breaks are the same guard; any other
    difference (a word, a value, a condition) is not.
    """
    flat = " ".join(sql.split())
    return re.sub(r" ?([(),;=<>+\-*/|]) ?", r"\1", flat).strip()


@dataclass(frozen=True)
class GuardReport:
    """Which guards are not in force, and which triggers on guarded tables are not Vetta's."""

    missing: tuple[str, ...] = ()  # not there, or switched off
    altered: tuple[str, ...] = ()  # there under the guard's name, with another definition
    foreign: tuple[str, ...] = ()  # "name (table)": a trigger on a guarded table that is no guard

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.foreign)

    @property
    def not_in_force(self) -> tuple[str, ...]:
        return tuple(sorted(self.missing + self.altered))


def _trigger_name(statement: str) -> str:
    return statement.split()[2]


def _check_sqlite(connection: Connection) -> GuardReport:
    wanted = {_trigger_name(sql): normalise_sql(sql) for sql in _sqlite_v2()}
    rows = connection.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    have = {str(r[0]): (str(r[1]), str(r[2] or "")) for r in rows}
    missing = tuple(sorted(n for n in wanted if n not in have))
    altered = tuple(sorted(n for n in wanted if n in have and normalise_sql(have[n][1]) != wanted[n]))
    foreign = tuple(sorted(f"{n} ({table})" for n, (table, _sql) in have.items()
                           if n not in wanted and table in GUARDED_TABLES))
    return GuardReport(missing, altered, foreign)


_PG_TRIGGERS_QUERY = """
SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, t.tgqual IS NOT NULL AS has_when, t.tgnargs,
       array_length(t.tgattr, 1) AS columns, p.proname, p.prosrc, l.lanname,
       array_to_string(p.proconfig, ';') AS config, p.prosecdef, n.nspname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_language l ON l.oid = p.prolang
WHERE NOT t.tgisinternal AND n.nspname = current_schema()
"""


def _check_pg(connection: Connection) -> GuardReport:
    schema = _schema(connection)
    bodies = {name: normalise_sql(body) for name, body in _pg_function_bodies_v2().items()}
    search_path = f"search_path={_pg_search_path(schema)}"
    rows = {str(r.tgname): r for r in connection.execute(text(_PG_TRIGGERS_QUERY))}
    missing: list[str] = []
    altered: list[str] = []
    for guard in PG_GUARDS_V2:
        row = rows.get(guard.trigger)
        if row is None or str(row.tgenabled) not in ("O", "A"):  # D: disabled; R: fires only on replicas
            missing.append(guard.trigger)
            continue
        same = (str(row.relname) == guard.table and int(row.tgtype) == guard.tgtype and not row.has_when
                and int(row.tgnargs) == 0 and not row.columns and str(row.proname) == guard.function
                and str(row.lanname) == "plpgsql" and not row.prosecdef
                and normalise_sql(str(row.prosrc)) == bodies[guard.function]
                and _unquoted(str(row.config or "")) == _unquoted(search_path))
        if not same:
            altered.append(guard.trigger)
    wanted = {guard.trigger for guard in PG_GUARDS_V2}
    foreign = tuple(sorted(f"{name} ({row.relname})" for name, row in rows.items()
                           if name not in wanted and str(row.relname) in GUARDED_TABLES
                           and not _team_trigger(name, row)))
    return GuardReport(tuple(sorted(missing)), tuple(sorted(altered)), foreign)


def _team_trigger(name: str, row: object) -> bool:
    """Whether ``row`` is one of team mode's own triggers (db/roles.py), on its table, calling its function."""
    from db.roles import TEAM_CONSTRAINT_TRIGGER, TEAM_TRIGGERS

    known = {n: (table, function) for n, table, _when, function in TEAM_TRIGGERS}
    known[TEAM_CONSTRAINT_TRIGGER[0]] = TEAM_CONSTRAINT_TRIGGER[1:]
    return known.get(name) == (str(getattr(row, "relname", "")), str(getattr(row, "proname", "")))


def _unquoted(config: str) -> str:
    """A function's ``SET`` clause as PostgreSQL reports it (it drops the quotes of plain names)."""
    return normalise_sql(config.replace('"', ""))


def check(connection: Connection) -> GuardReport:
    """Compare every guard's whole definition in the database with the one this Vetta installs.

    A guard counts only if it is there, switched on, and defined exactly (layout aside) as shipped:
    a trigger with a guard's name that does nothing, or fires on other events, or has gained a WHEN
    condition, or whose PostgreSQL function was replaced, is reported as ``altered``.
    """
    if connection.dialect.name == "sqlite":
        return _check_sqlite(connection)
    return _check_pg(connection)


def missing(connection: Connection) -> frozenset[str]:
    """Names of the guards that are not in force (absent, switched off or altered)."""
    return frozenset(check(connection).not_in_force)


def guard_assessment_editable(session: Session, assessment_id: int) -> None:
    """Refuse, with one sentence, to change a decided assessment or its answers (before trying)."""
    status = session.exec(select(col(Assessment.status)).where(col(Assessment.id) == assessment_id)).first()
    if status is not None and status in {s.value for s in DECIDED_STATUSES}:
        raise ImmutableRecord(tr(
            "Assessment #{id} has been decided ({status}) and can no longer be changed; "
            "re-open it as a new version instead.", id=assessment_id, status=tr(status.replace("_", " ")),
        ))
