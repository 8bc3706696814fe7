"""Database triggers that make decisions and the audit trail immutable, on SQLite and PostgreSQL.

What they refuse, whatever the path (the app, the CLI, plain SQL):

- a decided assessment (status approved / approved_with_conditions / rejected): any UPDATE that
  changes a column other than ``stale_since``, ``updated_at`` and ``version`` (marking a decision
  stale keeps working), and any DELETE. The decision itself (an undecided assessment becoming
  decided in one UPDATE, with decided_at, approver, rating...) is allowed;
- answers of a decided assessment: INSERT, UPDATE and DELETE;
- sign-offs: DELETE, and any UPDATE except filling ``report_sha256`` / ``report_pdf`` once (from
  empty) while the signed report is produced (``updated_at`` may move with it);
- audit events: UPDATE and DELETE (and TRUNCATE on PostgreSQL): the trail is append-only.

Every refusal carries ``vetta:immutable:`` followed by a sentence; ``db.errors.explain`` turns it
into ``ImmutableRecord``. Someone with the power to drop triggers can still change rows: the hash
chain of the audit trail (``db.audit.verify_chain``) is what shows that afterwards.

The SQL here is versioned (``V1``) and used by migration 0002; never edit it in place: a change
is a new version and a new migration. Note for later SQLite migrations: Alembic's batch mode
recreates a table and DROPS ITS TRIGGERS; re-create them (``create(connection)``) afterwards.
``tests/db/test_immutable.py`` checks every trigger is present at head.
"""

from __future__ import annotations

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

SQLITE_TRIGGERS = (
    "vetta_assessment_no_update", "vetta_assessment_no_delete", "vetta_answer_no_insert",
    "vetta_answer_no_update", "vetta_answer_no_delete", "vetta_signoff_no_update", "vetta_signoff_no_delete",
    "vetta_audit_no_update", "vetta_audit_no_delete",
)
PG_TRIGGERS = (
    "vetta_assessment_immutable", "vetta_answer_immutable", "vetta_signoff_immutable",
    "vetta_audit_append_only", "vetta_audit_no_truncate",
)
PG_FUNCTIONS = (
    "vetta_assessment_immutable", "vetta_answer_immutable", "vetta_signoff_immutable", "vetta_audit_append_only",
)


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


_PG_TABLE_OF = {
    "vetta_assessment_immutable": "assessment",
    "vetta_answer_immutable": "answer",
    "vetta_signoff_immutable": "signoff",
    "vetta_audit_append_only": "audit_event",
    "vetta_audit_no_truncate": "audit_event",
}


def create_sql(dialect: str) -> list[str]:
    """The statements that create the V1 triggers on ``dialect`` ('sqlite' or 'postgresql')."""
    if dialect == "sqlite":
        return _sqlite_v1()
    if dialect == "postgresql":
        return _pg_v1()
    raise ValueError(f"no immutability triggers for {dialect!r}")


def drop_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {_PG_TABLE_OF[name]}" for name in PG_TRIGGERS] + [
            f"DROP FUNCTION IF EXISTS {name}()" for name in PG_FUNCTIONS
        ]
    raise ValueError(f"no immutability triggers for {dialect!r}")


def create(connection: Connection) -> None:
    for statement in create_sql(connection.dialect.name):
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    for statement in drop_sql(connection.dialect.name):
        connection.execute(text(statement))


def expected(dialect: str) -> frozenset[str]:
    return frozenset(SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS)


def installed(connection: Connection) -> frozenset[str]:
    """Names of the Vetta triggers present in the database."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = connection.execute(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"))
    return frozenset(str(r[0]) for r in rows if str(r[0]).startswith("vetta_"))


def missing(connection: Connection) -> frozenset[str]:
    return expected(connection.dialect.name) - installed(connection)


def guard_assessment_editable(session: Session, assessment_id: int) -> None:
    """Refuse, with one sentence, to change a decided assessment or its answers (before trying)."""
    status = session.exec(select(col(Assessment.status)).where(col(Assessment.id) == assessment_id)).first()
    if status is not None and status in {s.value for s in DECIDED_STATUSES}:
        raise ImmutableRecord(tr(
            "Assessment #{id} has been decided ({status}) and can no longer be changed; "
            "re-open it as a new version instead.", id=assessment_id, status=tr(status.replace("_", " ")),
        ))
