"""Team mode on PostgreSQL with real logins: every separation-of-duties rule, proved through Vetta's services
and through plain SQL as each login (the guards hold whatever client is used).

Each test creates its own database and its own logins (cluster-wide roles, unique names, dropped at the
end); the group roles vetta_viewer/preparer/approver/admin and vetta_owner stay in the test cluster.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, col, select

from db import roles
from db.engine import make_engine, read_session
from db.errors import DatabaseError, NotPermitted
from db.models import Assessment, AssessmentParticipant, AuditEvent, SigningIdentity, SignOff, Vendor
from desktop.core.errors import UserError
from desktop.services import assessments, settings, team, whoami
from desktop.services.database import open_database
from desktop.services.demo import load_demo
from desktop.services.identities import new_identity
from desktop.services.signoff import approve
from desktop.services.vendors import VendorForm, create_vendor
from tests.conftest import _pg_database
from tests.db.test_assessments_support import default_template, passing_value
from tests.support.db_templates import DISABLED as TEMPLATES_DISABLED
from tests.support.db_templates import Templates

pytestmark = pytest.mark.postgres


@dataclass
class Team:
    admin_url: str  # the superuser (the DBA)
    db: Engine
    logins: dict[str, str] = field(default_factory=dict)  # name -> login
    engines: dict[str, Engine] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def url(self, who: str) -> str:
        return self.urls[who]

    def engine(self, who: str) -> Engine:
        return self.engines[who]

    def login(self, who: str) -> str:
        return self.logins[who]

    def sql(self, who: str, statement: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
        """Plain SQL as ``who``, with psycopg (no Vetta code at all); returns the rows."""
        with psycopg.connect(self.urls[who].replace("postgresql+psycopg://", "postgresql://"), autocommit=False) as c:
            cur = c.execute(statement, params or {})  # type: ignore[arg-type]
            rows = cur.fetchall() if cur.description else []
            c.commit()
            return rows


MEMBERS = {"viewer": "viewer", "paula": "preparer", "pedro": "preparer", "alba": "approver", "bruno": "approver",
           "ada": "admin"}


DEMO_BY_THE_DBA = "demo-by-the-dba"


def _demo_by_the_dba(engine: Engine, _folder: Path) -> None:
    load_demo(engine, "dba")  # the register exists before the team arrives


@pytest.fixture
def team_db(request: pytest.FixtureRequest) -> Iterator[Team]:
    """A new database holding the demo data (loaded by "dba"), set up for team mode, with a login per member.

    The demo data comes from a template database (migrated and loaded once per test process,
    tests/support/db_templates.py); team mode and the logins are set up on each test's own copy, as before."""
    if TEMPLATES_DISABLED:
        with _pg_database() as url:
            yield from _team(url, demo_loaded=False)
        return
    templates: Templates = request.getfixturevalue("db_templates")
    templates.register(DEMO_BY_THE_DBA, "empty", _demo_by_the_dba)
    with _pg_database(templates, DEMO_BY_THE_DBA) as url:
        yield from _team(url, demo_loaded=True)


def _team(pg_url: str, *, demo_loaded: bool) -> Iterator[Team]:
    suffix = uuid.uuid4().hex[:6]
    dba = open_database(pg_url)
    if not demo_loaded:
        _demo_by_the_dba(dba, Path())
    team.init(dba)  # per copy: the database's own grants (CONNECT) are not copied from a template
    t = Team(pg_url, dba)
    try:
        for who, role in MEMBERS.items():
            login = f"{who}_{suffix}"
            team.add(dba, login, role)
            t.logins[who] = login
            t.urls[who] = make_url(pg_url).set(username=login).render_as_string(hide_password=False)
            t.engines[who] = make_engine(t.urls[who])
        yield t
    finally:
        for e in t.engines.values():
            e.dispose()
        dba.dispose()
        admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg", database="postgres"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = make_url(pg_url).database
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for login in (v for k, v in t.logins.items() if not k.startswith("_")):
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


VENDOR = "Clearlabel Cooperativa S.Coop."


def _prepare(t: Team, who: str, *, answers_by: str | None = None) -> int:
    """``who`` starts an assessment of a clean vendor, answers what is required (or ``answers_by`` does),
    attaches the evidence and submits it."""
    e, login = t.engine(who), t.login(who)
    aid = assessments.create_assessment(e, VENDOR, actor=login).id
    answerer = answers_by or who
    ae, alogin = t.engine(answerer), t.login(answerer)
    tmpl = default_template()
    view = assessments.get_assessment(ae, aid)
    for q in view.questions:
        if q.value is None and q.required:
            assessments.answer_question(ae, aid, q.key, passing_value(tmpl.question(q.key)), actor=alogin)
    view = assessments.get_assessment(ae, aid)
    for q in view.questions:
        if q.evidence_required and not q.evidence:
            assessments.attach_evidence_bytes(ae, aid, q.key, b"%PDF-1.4 evidence", "evidence.pdf", actor=alogin)
    assessments.submit_assessment(e, aid, actor=login)
    return aid


def test_what_each_role_may_do_is_what_the_app_shows(team_db: Team) -> None:
    t = team_db
    seen = {who: whoami.resolve(t.engine(who)) for who in MEMBERS}
    assert all(w.team and w.name == t.login(k) and w.source == "login" for k, w in seen.items())
    assert seen["viewer"].roles == {"viewer"} and not seen["viewer"].can_edit
    assert seen["paula"].roles == {"viewer", "preparer"} and not seen["paula"].can("approver")
    assert seen["alba"].roles == {"viewer", "preparer", "approver"} and seen["alba"].role_label() == "approver"
    assert seen["ada"].roles == {"viewer", "admin"} and not seen["ada"].can("preparer")
    with pytest.raises(UserError, match="cannot change that"):
        whoami.resolve(t.engine("alba"), "paula")  # --user is refused on PostgreSQL
    members = {m.login: m.roles for m in team.members(t.db)}
    assert members[t.login("alba")] == ["approver"] and members[t.login("viewer")] == ["viewer"]


def test_a_viewer_reads_but_cannot_write_by_any_route(team_db: Team) -> None:
    t = team_db
    e = t.engine("viewer")
    with read_session(e) as s:
        assert s.exec(select(Vendor)).first() is not None
    with pytest.raises(NotPermitted, match="not allowed to do this"):
        create_vendor(e, VendorForm(name="Viewer's Vendor"), actor=t.login("viewer"))
    for statement in ("INSERT INTO vendor_tag (vendor_id, tag) SELECT id, 'x' FROM vendor LIMIT 1",
                      "UPDATE organisation SET name = 'hijacked'", "DELETE FROM vendor_tag",
                      "UPDATE assessment SET status = 'draft'"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            t.sql("viewer", statement)


def test_a_preparer_cannot_approve_through_vetta_or_plain_sql(team_db: Team) -> None:
    t = team_db
    aid = _prepare(t, "paula")
    paula = t.login("paula")
    with pytest.raises(NotPermitted):  # only approvers register signing identities
        new_identity(t.engine("paula"), "Paula P", actor=paula)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not one"):
        t.sql("paula", "UPDATE assessment SET status = 'approved', approver = session_user, decided_at = now() "
                       "WHERE id = %(id)s", {"id": aid})
    # naming someone else as approver does not help: the approver recorded must be the login that decides
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        t.sql("paula", "UPDATE assessment SET status = 'approved', approver = %(a)s WHERE id = %(id)s",
              {"a": t.login("alba"), "id": aid})
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor writing the participants away
        t.sql("paula", "DELETE FROM assessment_participant WHERE assessment_id = %(id)s", {"id": aid})
    with read_session(t.db) as s:
        a = s.get(Assessment, aid)
        assert a is not None and a.status == "in_review"
        parts = {(p.login, p.part) for p in s.exec(select(AssessmentParticipant)
                                                    .where(col(AssessmentParticipant.assessment_id) == aid))}
    assert (paula, "answered") in parts and (paula, "submitted") in parts


@pytest.fixture
def identity_of(team_db: Team) -> Callable[[str], str]:
    def make(who: str) -> str:
        name = f"{who.title()} Identity"
        new_identity(team_db.engine(who), name, actor=team_db.login(who))
        return name

    return make


def test_an_approver_who_answered_cannot_approve_but_another_can(team_db: Team, identity_of: Callable[[str], str]) -> None:
    t = team_db
    aid = _prepare(t, "paula", answers_by="bruno")  # bruno (an approver) answered the questions
    bruno, alba = t.login("bruno"), t.login("alba")
    bruno_id = identity_of("bruno")
    with pytest.raises(UserError, match="answered questions of"):
        approve(t.engine("bruno"), aid, identity=bruno_id, approver=bruno)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="prepared, answered or submitted"):
        t.sql("bruno", "UPDATE assessment SET status = 'rejected', approver = session_user, decided_at = now() "
                       "WHERE id = %(id)s", {"id": aid})
    # alba may not sign with bruno's identity, in Vetta or by inserting the sign-off herself
    with pytest.raises(UserError, match="belongs to"):
        approve(t.engine("alba"), aid, identity=bruno_id, approver=alba)
    with read_session(t.db) as s:
        bruno_identity = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == bruno_id)).one().id
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="registered by your own login"):
        with psycopg.connect(t.url("alba").replace("+psycopg", "")) as c:
            c.execute("UPDATE assessment SET status = 'rejected', approver = session_user, decided_at = now() "
                      "WHERE id = %(id)s", {"id": aid})
            c.execute("INSERT INTO signoff (assessment_id, decision, conditions_json, preparer, approver, identity_id, "
                      "decided_at, report_lang, created_at, updated_at) VALUES (%(id)s, 'rejected', '[]', '', "
                      "session_user, %(ident)s, now(), 'en', now(), now())", {"id": aid, "ident": bruno_identity})
    # a decision without its signed report does not commit, even by the right approver
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="signed report"):
        t.sql("alba", "UPDATE assessment SET status = 'rejected', approver = session_user, decided_at = now() "
                      "WHERE id = %(id)s", {"id": aid})
    # alba, who took no part, approves with her own identity; the trail names the logins
    result = approve(t.engine("alba"), aid, identity=identity_of("alba"), approver=alba)
    assert result["approver"] == alba
    with read_session(t.db) as s:
        so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == aid)).one()
        assert so.approver == alba and so.report_sha256
        actors = set(s.exec(select(AuditEvent.actor).where(col(AuditEvent.record_type).in_(("assessment", "answer")))
                            .where(col(AuditEvent.actor) != "dba")).all())
    assert actors == {t.login("paula"), bruno, alba}


def test_the_audit_trail_names_the_login_that_writes(team_db: Team) -> None:
    t = team_db
    with pytest.raises(NotPermitted, match="must name the login"):
        create_vendor(t.engine("paula"), VendorForm(name="Signed As Someone Else"), actor="Alba Aprobadora")
    detail = create_vendor(t.engine("paula"), VendorForm(name="Honest Vendor"), actor=t.login("paula"))
    assert detail.form.name == "Honest Vendor"
    # an event that follows the chain properly but names someone else: the team guard refuses it
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must name the login"):
        t.sql("paula", "INSERT INTO audit_event (seq, occurred_at, actor, action, record_type, changes_json, prev_hash, "
                       "hash) SELECT max(seq) + 1, now(), 'somebody', 'create', 'vendor', '{}', "
                       "(SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1), '' FROM audit_event")
    # one that does not follow the chain is refused by the append guard, whoever it names
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        t.sql("paula", "INSERT INTO audit_event (seq, occurred_at, actor, action, record_type, changes_json, prev_hash, "
                       "hash) VALUES (999999, now(), session_user, 'create', 'vendor', '{}', '', '')")


@pytest.mark.parametrize("statement", [
    "ALTER TABLE assessment DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER vetta_audit_append_only",
    "DROP TRIGGER vetta_team_guard_assessment ON assessment",
    "TRUNCATE audit_event",
    "ALTER TABLE answer ADD COLUMN x integer",
    "CREATE FUNCTION evil() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE OR REPLACE FUNCTION vetta_team_guard_assessment() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TABLE sneaky (id integer)",
    "GRANT vetta_approver TO CURRENT_USER",
])
@pytest.mark.parametrize("who", ["paula", "alba", "ada"])
def test_application_logins_cannot_switch_the_guards_off(team_db: Team, who: str, statement: str) -> None:
    with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFunction)):
        team_db.sql(who, statement)


def test_schema_belongs_to_the_migration_role_and_no_app_role_has_ddl_privileges(team_db: Team) -> None:
    rows = team_db.sql("viewer", "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")
    assert rows and {owner for _t, owner in rows} == {roles.OWNER}
    bad = team_db.sql("viewer", """
        SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants
        WHERE table_schema = 'public' AND grantee LIKE 'vetta\\_%%' AND grantee <> 'vetta_owner'
          AND privilege_type IN ('TRUNCATE', 'TRIGGER', 'REFERENCES')""")
    assert bad == []
    # every table of the models has a decision in db/roles.py (a new table must be given one)
    decided = set(roles.PREPARER_WRITES) | set(roles.APPROVER_WRITES) | set(roles.ADMIN_WRITES) | set(roles.READ_ONLY)
    missing = {t.name for t in SQLModel.metadata.sorted_tables} - decided
    assert not missing, f"tables with no team-mode grant decision in db/roles.py: {sorted(missing)}"


def test_settings_and_users_are_the_admins(team_db: Team, tmp_path: Path) -> None:
    t = team_db
    with pytest.raises(NotPermitted):
        settings.set_timestamp_url(t.engine("alba"), "https://tsa.example/rfc3161", actor=t.login("alba"))
    s = settings.set_timestamp_url(t.engine("ada"), "https://tsa.example/rfc3161", actor=t.login("ada"))
    assert s.timestamp_url == "https://tsa.example/rfc3161"
    member = team.add(t.engine("ada"), f"new_{t.login('ada')}", "viewer")
    t.logins["newcomer"] = member.login  # dropped at the end with the others
    assert member.roles == ["viewer"]
    with pytest.raises(NotPermitted, match="vetta_admin"):
        team.add(t.engine("alba"), f"x_{t.login('alba')}", "approver")
    with pytest.raises(UserError, match="not usable"):
        team.add(t.engine("ada"), "vetta_owner", "admin")
    with pytest.raises(psycopg.errors.InvalidParameterValue):  # plain SQL cannot grant a superuser or a group
        t.sql("ada", "SELECT vetta_team_add('vetta', 'admin')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Only a member of vetta_admin"):
        t.sql("paula", "SELECT vetta_team_add('zzz', 'admin')")


def test_only_the_administrator_upgrades_a_team_database_and_new_tables_get_grants(team_db: Team) -> None:
    t = team_db
    with t.db.begin() as conn:  # pretend this Vetta is newer than the database
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    try:
        with pytest.raises(DatabaseError, match="only its administrator can apply"):
            open_database(t.url("ada"))
    finally:
        with t.db.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head})
    # a table a later migration adds (made here by the DBA) is covered when the setup is applied again
    with t.db.begin() as conn:
        conn.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY, note text)"))
    assert team.reapply_if_team(t.db)
    assert t.sql("viewer", "SELECT count(*) FROM later_table") == [(0,)]
    assert t.sql("viewer", "SELECT tableowner FROM pg_tables WHERE tablename = 'later_table'") == [(roles.OWNER,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        t.sql("paula", "INSERT INTO later_table (note) VALUES ('x')")


def test_a_team_database_verifies_clean_after_a_decision_and_still_catches_a_foreign_trigger(
        team_db: Team, identity_of: Callable[[str], str]) -> None:
    """Team mode's own triggers and the participants they record are part of the shipped design: `vetta
    audit verify` accepts them (guards, replay, anchors all clean), but a trigger of anyone else's on a
    guarded table is still reported."""
    from desktop.services.audit import verify_integrity

    t = team_db
    aid = _prepare(t, "paula")
    approve(t.engine("alba"), aid, identity=identity_of("alba"), approver=t.login("alba"))
    with read_session(t.db) as s:
        assert s.exec(select(AssessmentParticipant).where(col(AssessmentParticipant.assessment_id) == aid)).all()
    report = verify_integrity(t.db)
    assert report.guards.ok and not report.guards.foreign, report.guards
    assert report.data.ok, report.data
    assert report.anchors.ok and report.ok
    with t.db.begin() as conn:  # the DBA (superuser) adds a trigger that silently drops sign-offs
        conn.execute(text("CREATE FUNCTION drop_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"))
        conn.execute(text("CREATE TRIGGER vetta_team_guard_signoff_x BEFORE INSERT ON signoff "
                          "FOR EACH ROW EXECUTE FUNCTION drop_it()"))
    report = verify_integrity(t.db)
    assert not report.ok and any("vetta_team_guard_signoff_x" in f for f in report.guards.foreign)
