"""Team mode on PostgreSQL: who owns the schema, what each role may do, and the guards that hold.

Two kinds of role (cluster-wide, created once; each database is then set up by ``apply``):

- ``vetta_owner``, the migration role: NOLOGIN, owns every table, sequence and function of the
  schema (a DBA runs migrations and ``vetta team init`` as a superuser or as a member of it). Only
  an owner can ALTER a table, DISABLE or DROP its triggers, or TRUNCATE it.
- the application roles, group roles that people's logins are members of:
  ``vetta_viewer`` (read), ``vetta_preparer`` (also edit vendors, prepare and submit assessments),
  ``vetta_approver`` (also approve and sign), ``vetta_admin`` (read, plus settings, templates, the
  competitor watchlist, trust roots and users). They get only the DML they need: no ALTER (not
  owners), no TRIGGER, no TRUNCATE, no REFERENCES, no CREATE in the schema. So the application's
  credentials cannot switch the guards off.

Guards (triggers, installed here, named ``vetta_team_*``) that hold whatever client is used:

- every writer of an assessment or its answers or evidence is recorded with its login
  (``session_user``) in ``assessment_participant``, which no application role may write;
- deciding an assessment needs a member of ``vetta_approver`` who is not a participant, who is the
  approver recorded, and who signs with an identity he or she owns; the decision must carry its
  signed report at commit;
- a signing identity belongs to the login that registers it;
- every audit event names the login that wrote it.

Refusals carry ``vetta:refused:`` and a sentence (``db.errors.NotPermitted``). Superusers bypass
grants (not triggers); what remains possible for them is in docs/team.md.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.errors import REFUSED_MARKER, DatabaseError
from db.messages import N_, tr
from db.models import DECIDED_STATUSES

TEAM_VERSION = 1
OWNER = "vetta_owner"
VIEWER = "vetta_viewer"
PREPARER = "vetta_preparer"
APPROVER = "vetta_approver"
ADMIN = "vetta_admin"
GROUP_ROLES = (VIEWER, PREPARER, APPROVER, ADMIN)
ROLE_OF = {"viewer": VIEWER, "preparer": PREPARER, "approver": APPROVER, "admin": ADMIN}
# group role -> the roles it includes (granted to it, so their privileges are inherited)
INCLUDES = {PREPARER: (VIEWER,), APPROVER: (PREPARER,), ADMIN: (VIEWER,)}

DECIDED_SQL = ", ".join(f"'{s.value}'" for s in DECIDED_STATUSES)
LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_.@-]{0,62}$")

# What each role may write, table by table (SELECT goes to vetta_viewer on every table).
# "iud": INSERT, UPDATE, DELETE; "iu": INSERT, UPDATE; "i": INSERT only; "": read only.
# tests/db/test_team.py fails when a table of the models is missing here: a new table needs a decision.
PREPARER_WRITES: dict[str, str] = {
    "party": "iu", "party_identifier": "iud", "party_alias": "iud", "vendor": "iu", "vendor_tag": "iud",
    "interest": "iu", "contract": "iu", "certification": "iu", "commitment": "iu", "data_location": "iud",
    "subprocessor": "iu", "evidence_blob": "i", "evidence_file": "iu", "evidence_link": "iud",
    "competitor_match": "iud", "assessment": "iu", "answer": "iu", "audit_event": "i",
    "vendor_exposure": "iud",  # derived: rewritten with every change of ownership (desktop/services/exposure.py)
}
APPROVER_WRITES: dict[str, str] = {"signoff": "iu", "signing_identity": "i"}
ADMIN_WRITES: dict[str, str] = {
    "organisation": "iu", "competitor": "iu", "competitor_affiliate": "iud", "competitor_match": "iud",
    "party": "iu", "party_identifier": "iud", "party_alias": "iud", "checklist_template": "iu",
    "checklist_question": "iu", "trust_root": "iu", "audit_event": "i", "vendor_exposure": "iud",
}
READ_ONLY = ("assessment_participant", "alembic_version")

_VERBS = {"i": "INSERT", "u": "UPDATE", "d": "DELETE"}


# The team-mode triggers (name, table, timing and events, function); db.triggers.check accepts exactly these
# on the guarded tables besides its own guards.
TEAM_TRIGGERS: tuple[tuple[str, str, str, str], ...] = (
    ("vetta_team_participants_assessment", "assessment", "AFTER INSERT OR UPDATE", "vetta_team_participants"),
    ("vetta_team_participants_answer", "answer", "AFTER INSERT OR UPDATE", "vetta_team_participants"),
    ("vetta_team_participants_evidence", "evidence_link", "AFTER INSERT", "vetta_team_participants"),
    ("vetta_team_guard_assessment", "assessment", "BEFORE INSERT OR UPDATE", "vetta_team_guard_assessment"),
    ("vetta_team_guard_signoff", "signoff", "BEFORE INSERT", "vetta_team_guard_signoff"),
    ("vetta_team_guard_identity", "signing_identity", "BEFORE INSERT OR UPDATE", "vetta_team_guard_identity"),
    ("vetta_team_guard_audit", "audit_event", "BEFORE INSERT", "vetta_team_guard_audit"),
)
# and the deferred constraint trigger that checks a decision is stored with its signed report
TEAM_CONSTRAINT_TRIGGER = ("vetta_team_decision_signed", "assessment", "vetta_team_decision_signed")


def _refusal(sentence: str) -> str:
    return f"{REFUSED_MARKER} {sentence}"


MSG_NOT_APPROVER = N_("Only a member of vetta_approver can decide an assessment; your login {login} is not one.")
MSG_PARTICIPANT = N_("Your login {login} prepared, answered or submitted this assessment, so another approver "
                     "must decide it.")
MSG_APPROVER_NAME = N_("The approver recorded with a decision must be your own login ({login}).")
MSG_NOT_IN_REVIEW = N_("Only an assessment in review can be decided.")
MSG_UNSIGNED = N_("A decision must be stored with its signed report in the same transaction.")
MSG_IDENTITY_OWNER = N_("You can only sign with a signing identity registered by your own login ({login}).")
MSG_IDENTITY_CHANGE = N_("A signing identity's certificate and owner cannot be changed.")
MSG_AUDIT_ACTOR = N_("An audit event must name the login that writes it ({login}).")
MSG_NEW_DECIDED = N_("A new assessment starts as a draft.")
ALL_MESSAGES = (MSG_NOT_APPROVER, MSG_PARTICIPANT, MSG_APPROVER_NAME, MSG_NOT_IN_REVIEW, MSG_UNSIGNED,
                MSG_IDENTITY_OWNER, MSG_IDENTITY_CHANGE, MSG_AUDIT_ACTOR, MSG_NEW_DECIDED)


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _raise(message: str, with_login: bool = True) -> str:
    """PL/pgSQL raising the refusal; ``{login}`` becomes session_user, which also goes to DETAIL so
    ``db.errors.refused_message`` can find the English template again and translate it."""
    body = _refusal(message)
    if with_login and "{login}" in body:
        before, after = body.split("{login}", 1)
        return (f"RAISE EXCEPTION USING MESSAGE = {_q(before)} || session_user || {_q(after)}, "
                f"DETAIL = session_user, ERRCODE = '42501';")
    return f"RAISE EXCEPTION USING MESSAGE = {_q(body)}, ERRCODE = '42501';"


def guard_sql() -> list[str]:
    """Functions and triggers of team mode (idempotent: CREATE OR REPLACE, DROP TRIGGER IF EXISTS)."""
    definer = "SECURITY DEFINER SET search_path = pg_catalog, public"
    statements = [
        f"CREATE OR REPLACE FUNCTION vetta_team_version() RETURNS integer LANGUAGE sql IMMUTABLE "
        f"AS $$ SELECT {TEAM_VERSION} $$",
        f"""CREATE OR REPLACE FUNCTION vetta_team_note(aid integer, who text, what text) RETURNS void
        LANGUAGE sql {definer} AS $$
          INSERT INTO assessment_participant (assessment_id, login, part, recorded_at)
          SELECT aid, who, what, now() WHERE coalesce(who, '') <> ''
          ON CONFLICT (assessment_id, login, part) DO NOTHING
        $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_participants() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        DECLARE aid integer;
        BEGIN
          IF TG_TABLE_NAME = 'assessment' THEN
            IF TG_OP = 'INSERT' THEN
              PERFORM vetta_team_note(NEW.id, session_user, 'prepared');
              PERFORM vetta_team_note(NEW.id, NEW.preparer, 'prepared');
            ELSE
              IF NEW.preparer IS DISTINCT FROM OLD.preparer THEN
                PERFORM vetta_team_note(NEW.id, NEW.preparer, 'prepared');
              END IF;
              IF OLD.status = 'draft' AND NEW.status = 'in_review' THEN
                PERFORM vetta_team_note(NEW.id, session_user, 'submitted');
              END IF;
            END IF;
          ELSIF TG_TABLE_NAME = 'answer' THEN
            IF TG_OP = 'INSERT' OR NEW.value_json IS DISTINCT FROM OLD.value_json
               OR NEW.justification IS DISTINCT FROM OLD.justification OR NEW.source IS DISTINCT FROM OLD.source
               OR NEW.answered_by IS DISTINCT FROM OLD.answered_by THEN
              PERFORM vetta_team_note(NEW.assessment_id, session_user, 'answered');
              PERFORM vetta_team_note(NEW.assessment_id, NEW.answered_by, 'answered');
            END IF;
          ELSIF TG_TABLE_NAME = 'evidence_link' THEN
            IF NEW.record_type = 'answer' THEN
              SELECT assessment_id INTO aid FROM answer WHERE id = NEW.record_id;
            ELSIF NEW.record_type = 'assessment' THEN
              aid := NEW.record_id;
            END IF;
            IF aid IS NOT NULL THEN
              PERFORM vetta_team_note(aid, session_user, 'answered');
            END IF;
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_guard_assessment() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF NEW.status IN ({DECIDED_SQL}) THEN {_raise(MSG_NEW_DECIDED)} END IF;
            RETURN NEW;
          END IF;
          IF NEW.status IN ({DECIDED_SQL}) AND OLD.status NOT IN ({DECIDED_SQL}) THEN
            IF OLD.status <> 'in_review' THEN {_raise(MSG_NOT_IN_REVIEW)} END IF;
            IF NOT pg_has_role(session_user, '{APPROVER}', 'MEMBER') THEN {_raise(MSG_NOT_APPROVER)} END IF;
            IF lower(coalesce(NEW.approver, '')) <> lower(session_user) THEN {_raise(MSG_APPROVER_NAME)} END IF;
            IF lower(coalesce(NEW.preparer, '')) = lower(session_user) OR EXISTS (
                 SELECT 1 FROM assessment_participant
                 WHERE assessment_id = NEW.id AND lower(login) = lower(session_user)) THEN
              {_raise(MSG_PARTICIPANT)}
            END IF;
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_decision_signed() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM signoff WHERE assessment_id = NEW.id AND approver = NEW.approver
                         AND report_sha256 IS NOT NULL AND identity_id IS NOT NULL) THEN
            {_raise(MSG_UNSIGNED)}
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_guard_signoff() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        DECLARE owner_login text;
        BEGIN
          IF NOT pg_has_role(session_user, '{APPROVER}', 'MEMBER') THEN {_raise(MSG_NOT_APPROVER)} END IF;
          IF lower(NEW.approver) <> lower(session_user) THEN {_raise(MSG_APPROVER_NAME)} END IF;
          SELECT owner INTO owner_login FROM signing_identity WHERE id = NEW.identity_id;
          IF owner_login IS NULL OR lower(owner_login) <> lower(session_user) THEN {_raise(MSG_IDENTITY_OWNER)} END IF;
          IF NOT EXISTS (SELECT 1 FROM assessment WHERE id = NEW.assessment_id AND status IN ({DECIDED_SQL})
                         AND lower(approver) = lower(session_user)) THEN
            {_raise(MSG_NOT_IN_REVIEW)}
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_guard_identity() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            IF lower(NEW.owner) <> lower(session_user) THEN {_raise(MSG_IDENTITY_OWNER)} END IF;
          ELSIF NEW.owner IS DISTINCT FROM OLD.owner OR NEW.certificate_der IS DISTINCT FROM OLD.certificate_der
                OR NEW.fingerprint_sha256 IS DISTINCT FROM OLD.fingerprint_sha256 THEN
            {_raise(MSG_IDENTITY_CHANGE, with_login=False)}
          END IF;
          RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION vetta_team_guard_audit() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
        BEGIN
          IF NEW.actor IS DISTINCT FROM session_user THEN {_raise(MSG_AUDIT_ACTOR)} END IF;
          RETURN NEW;
        END $$""",
    ]
    for name, table, when, function in TEAM_TRIGGERS:
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    statements.append("DROP TRIGGER IF EXISTS vetta_team_decision_signed ON assessment")
    statements.append(
        f"""CREATE CONSTRAINT TRIGGER vetta_team_decision_signed AFTER UPDATE ON assessment
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (NEW.status IN ({DECIDED_SQL}) AND OLD.status NOT IN ({DECIDED_SQL}))
        EXECUTE FUNCTION vetta_team_decision_signed()""")
    statements.append(
        f"""CREATE OR REPLACE FUNCTION vetta_team_add(login text, role text, secret text DEFAULT NULL)
        RETURNS text LANGUAGE plpgsql {definer} AS $$
        DECLARE grp text;
        BEGIN
          IF NOT pg_has_role(session_user, '{ADMIN}', 'MEMBER') THEN
            RAISE EXCEPTION USING MESSAGE = {_q(_refusal(N_("Only a member of vetta_admin can add users.")))},
              ERRCODE = '42501';
          END IF;
          grp := CASE role WHEN 'viewer' THEN '{VIEWER}' WHEN 'preparer' THEN '{PREPARER}'
                           WHEN 'approver' THEN '{APPROVER}' WHEN 'admin' THEN '{ADMIN}' END;
          IF grp IS NULL OR login !~ '{LOGIN_RE.pattern}' OR login LIKE 'vetta\\_%' OR login LIKE 'pg\\_%' THEN
            RAISE EXCEPTION USING MESSAGE = {_q(_refusal(N_("The login or the role is not valid.")))},
              ERRCODE = '22023';
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
            IF secret IS NULL THEN
              EXECUTE format('CREATE ROLE %I LOGIN', login);
            ELSE
              EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', login, secret);
            END IF;
          ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND (rolsuper OR NOT rolcanlogin)) THEN
            RAISE EXCEPTION USING MESSAGE = {_q(_refusal(N_("The login or the role is not valid.")))},
              ERRCODE = '22023';
          ELSIF secret IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, secret);
          END IF;
          EXECUTE format('GRANT %I TO %I', grp, login);
          RETURN grp;
        END $$""")
    return statements


def _ensure_role(conn: Connection, name: str, attributes: str = "NOLOGIN") -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first()
    if exists is None:
        # roles are cluster-wide: another database (or a parallel init) may create it first
        conn.execute(text(f"SAVEPOINT vetta_role_{name}"))
        try:
            conn.execute(text(f"CREATE ROLE {name} {attributes}"))
        except Exception:  # noqa: BLE001 - duplicate_object from a concurrent creation
            conn.execute(text(f"ROLLBACK TO SAVEPOINT vetta_role_{name}"))
        else:
            conn.execute(text(f"RELEASE SAVEPOINT vetta_role_{name}"))


def _ensure_member(conn: Connection, member: str, group: str) -> None:
    """GRANT ``group`` TO ``member`` unless done already (another database's init may be doing it now)."""
    done = conn.execute(text(
        "SELECT 1 FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
        "WHERE g.rolname = :g AND m.rolname = :m"), {"g": group, "m": member}).first()
    if done is None:
        conn.execute(text(f"SAVEPOINT vetta_grant_{member}"))
        try:
            conn.execute(text(f"GRANT {group} TO {member}"))
        except Exception:  # noqa: BLE001 - "tuple concurrently updated": the other init granted it
            conn.execute(text(f"ROLLBACK TO SAVEPOINT vetta_grant_{member}"))
        else:
            conn.execute(text(f"RELEASE SAVEPOINT vetta_grant_{member}"))


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
    return [str(r[0]) for r in rows]


def _grant_writes(conn: Connection, role: str, writes: dict[str, str], present: set[str]) -> None:
    for table, verbs in writes.items():
        if table in present and verbs:
            conn.execute(text(f'GRANT {", ".join(_VERBS[v] for v in verbs)} ON "{table}" TO {role}'))


def apply(conn: Connection) -> None:
    """Create the roles (if needed) and set this database up for team mode; run again after upgrades.

    Needs a superuser (or a role that owns the database objects and may create roles). Idempotent.
    """
    if conn.dialect.name != "postgresql":
        raise DatabaseError(tr("Team mode needs a PostgreSQL database; an SQLite file has one user."))
    # one init at a time on the cluster (roles are shared by every database)
    conn.execute(text("SELECT pg_advisory_xact_lock(7370031)"))
    _ensure_role(conn, OWNER, "NOLOGIN CREATEROLE")
    for role in GROUP_ROLES:
        _ensure_role(conn, role)
    for role, included in INCLUDES.items():
        for inner in included:
            _ensure_member(conn, role, inner)
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    tables = _tables(conn)
    present = set(tables)
    # the schema belongs to the migration role
    for table in tables:
        conn.execute(text(f'ALTER TABLE "{table}" OWNER TO {OWNER}'))
    functions = conn.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.proname LIKE 'vetta\\_%'")).scalars().all()
    for function in functions:
        conn.execute(text(f"ALTER FUNCTION {function} OWNER TO {OWNER}"))
    conn.execute(text(f"GRANT CREATE, USAGE ON SCHEMA public TO {OWNER}"))
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
    conn.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {VIEWER}, {ADMIN}, {OWNER}'))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {VIEWER}, {ADMIN}"))
    # start from nothing, then exactly what each role needs
    for table in tables:
        conn.execute(text(f'REVOKE ALL ON "{table}" FROM PUBLIC, {", ".join(GROUP_ROLES)}'))
        conn.execute(text(f'GRANT SELECT ON "{table}" TO {VIEWER}, {ADMIN}'))
    _grant_writes(conn, PREPARER, PREPARER_WRITES, present)
    _grant_writes(conn, APPROVER, APPROVER_WRITES, present)
    _grant_writes(conn, ADMIN, ADMIN_WRITES, present)
    conn.execute(text("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {PREPARER}, {ADMIN}"))
    for statement in guard_sql():
        conn.execute(text(statement))
    for function in ("vetta_team_note(integer, text, text)", "vetta_team_participants()",
                     "vetta_team_guard_assessment()", "vetta_team_decision_signed()", "vetta_team_guard_signoff()",
                     "vetta_team_guard_identity()", "vetta_team_guard_audit()", "vetta_team_add(text, text, text)",
                     "vetta_team_version()"):
        conn.execute(text(f"ALTER FUNCTION {function} OWNER TO {OWNER}"))
        conn.execute(text(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION vetta_team_version() TO {VIEWER}, {ADMIN}"))
    # everyone may call it; it refuses anyone not in vetta_admin with a sentence saying so
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION vetta_team_add(text, text, text) TO {VIEWER}, {ADMIN}"))


def team_mode(conn: Connection) -> bool:
    """True when ``apply`` has set this PostgreSQL database up for a team."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.execute(text("SELECT to_regproc('public.vetta_team_version') IS NOT NULL")).scalar_one() is True


def session_login(conn: Connection) -> str:
    """The login the server authenticated (``session_user``): who acts on PostgreSQL."""
    return str(conn.execute(text("SELECT session_user")).scalar_one())


def member_roles(conn: Connection) -> frozenset[str]:
    """The Vetta group roles ``session_user`` is a member of (directly or through another role)."""
    rows = conn.execute(text(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(:names) AND pg_has_role(session_user, oid, 'MEMBER')"),
        {"names": list(GROUP_ROLES)})
    return frozenset(str(r[0]) for r in rows)


def may_migrate(conn: Connection) -> bool:
    """True when ``session_user`` can change the schema (a superuser or a member of the migration role)."""
    row = conn.execute(text(
        "SELECT rolsuper OR pg_has_role(session_user, :owner, 'MEMBER') FROM pg_roles WHERE rolname = session_user "
        "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :owner)"), {"owner": OWNER}).first()
    if row is None:
        return bool(conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = session_user")).scalar())
    return bool(row[0])


def add_login(conn: Connection, login: str, role: str, password: str | None = None) -> str:
    """Create ``login`` (if new) and make it a member of the group role for ``role``."""
    return str(conn.execute(text("SELECT vetta_team_add(:login, :role, :secret)"),
                            {"login": login, "role": role, "secret": password}).scalar_one())


def logins(conn: Connection) -> list[tuple[str, list[str]]]:
    """Every login that is a member of a Vetta group role, with those roles (direct memberships)."""
    rows = conn.execute(text(
        "SELECT m.rolname, g.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
        "JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = ANY(:names) AND m.rolcanlogin "
        "ORDER BY m.rolname, g.rolname"), {"names": list(GROUP_ROLES)})
    found: dict[str, list[str]] = {}
    for login, group in rows:
        found.setdefault(str(login), []).append(str(group))
    return sorted(found.items())
