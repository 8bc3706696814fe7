"""Team mode through the real `vetta` program on PostgreSQL: each person is a database login, and every rule
holds from the command line (the same rules hold in plain SQL: tests/db/test_team.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import make_engine
from desktop.services import assessments
from tests.db.test_assessments_support import default_template, passing_value
from tests.support import file_keyring

pytestmark = pytest.mark.postgres
VENDOR = "Clearlabel Cooperativa S.Coop."


@pytest.fixture
def logins(pg_url: str) -> Iterator[dict[str, str]]:
    suffix = uuid.uuid4().hex[:6]
    names = {who: f"{who}_{suffix}" for who in ("viewer", "paula", "alba", "bruno", "ada", "newbie")}
    yield names
    admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg", database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(pg_url).database}" WITH (FORCE)'))
        for login in names.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    admin.dispose()


def test_every_rule_from_the_command_line(vetta, pg_url: str, logins: dict[str, str], tmp_path: Path) -> None:
    # each `vetta` is its own process: a keyring kept in files (outside the data folder) remembers the keys
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.file_keyring.FileKeyring",
           file_keyring.ENV: str(tmp_path / "os-keyring")}

    def url(who: str) -> str:
        return make_url(pg_url).set(username=logins[who]).render_as_string(hide_password=False)

    def as_(who: str, *args: str, code: int = 0):
        r = vetta("--db", pg_url if who == "dba" else url(who), *args, env=env)
        assert r.returncode == code, (who, args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr
        return r

    as_("dba", "demo")
    r = as_("dba", "team", "init")
    assert "vetta_owner" in r.stdout and "vetta_approver" in r.stdout
    for who, role in (("viewer", "viewer"), ("paula", "preparer"), ("alba", "approver"), ("bruno", "approver"),
                      ("ada", "admin")):
        assert f"{logins[who]}: {role}" in as_("dba", "team", "add", logins[who], "--role", role).stdout
    # an application login cannot set team mode up (it is the DBA's job)
    as_("ada", "team", "init", code=2)

    # who am I: the login, whatever --user says
    assert as_("paula", "whoami").stdout.startswith(f"{logins['paula']} (database login; roles: preparer, viewer)")
    r = as_("paula", "--user", "Alba Aprobadora", "assessment", "new", VENDOR, code=2)
    assert "--user cannot change that" in r.stderr

    # a viewer reads but cannot write
    as_("viewer", "vendors", "list")
    r = as_("viewer", "vendors", "add", "Viewer Vendor Ltd.", code=2)
    assert "not allowed to do this" in r.stderr

    # paula prepares (her answers are entered through the services as her login, to keep the test short)
    aid = as_("paula", "assessment", "new", VENDOR).stdout.strip()
    engine = make_engine(url("paula"))
    try:
        tmpl = default_template()
        for q in assessments.get_assessment(engine, int(aid)).questions:
            if q.value is None and q.required:
                assessments.answer_question(engine, int(aid), q.key, passing_value(tmpl.question(q.key)),
                                            actor=logins["paula"])
            if q.evidence_required:
                assessments.attach_evidence_bytes(engine, int(aid), q.key, b"%PDF-1.4 e", "e.pdf",
                                                  actor=logins["paula"])
    finally:
        engine.dispose()
    as_("paula", "assessment", "submit", aid)

    # paula cannot approve (not an approver, and she prepared it)
    r = as_("paula", "identity", "new", "Paula Preparer", code=2)
    assert "not allowed" in r.stderr
    # alba registers her identity; bruno may not sign with it
    as_("alba", "identity", "new", "Alba Aprobadora", "--email", "alba@example.org")
    listed = as_("alba", "identity", "list").stdout
    assert f"Alba Aprobadora  (owner {logins['alba']};" in listed and "SHA-256 " in listed
    r = as_("bruno", "assessment", "approve", aid, "--identity", "Alba Aprobadora", code=2)
    assert "belongs to" in r.stderr
    r = as_("alba", "assessment", "approve", aid, "--identity", "Alba Aprobadora", "--json")
    result = json.loads(r.stdout)
    assert result["approver"] == logins["alba"] and result["preparer"] == logins["paula"] and result["certified"]
    events = json.loads(as_("viewer", "audit", "log", "--limit", "5000", "--json").stdout)
    actors = {e["actor"] for e in events}
    assert {logins["paula"], logins["alba"]} <= actors and "Alba Aprobadora" not in actors

    # settings and users are the admin's
    as_("alba", "settings", "set", "timestamp-url", "https://tsa.example/rfc3161", code=2)
    as_("ada", "settings", "set", "timestamp-url", "https://tsa.example/rfc3161")
    as_("ada", "team", "add", logins["newbie"], "--role", "viewer")
    r = as_("paula", "team", "add", logins["newbie"] + "x", "--role", "admin", code=2)
    assert "Only a member of vetta_admin" in r.stderr
    assert logins["newbie"] in as_("ada", "team", "list").stdout


def test_a_login_added_with_a_password_signs_in_with_that_password_only(vetta, pg_url: str,
                                                                          logins: dict[str, str]) -> None:
    """Password logins (SCRAM) where the server asks for them: .ci/test makes the server ask the members
    of vetta_password_check for a password (pg_hba.conf), as a team's server asks everyone."""
    import psycopg

    assert vetta("--db", pg_url, "team", "init").returncode == 0
    login = logins["newbie"]
    r = vetta("--db", pg_url, "team", "add", login, "--role", "viewer", "--password",
              env={"VETTA_LOGIN_PASSWORD": "correct horse 42"})
    assert r.returncode == 0, r.stderr
    admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DO $$ BEGIN CREATE ROLE vetta_password_check NOLOGIN; "
                          "EXCEPTION WHEN duplicate_object THEN NULL; END $$"))
        conn.execute(text(f'GRANT vetta_password_check TO "{login}"'))
    admin.dispose()
    base = make_url(pg_url).set(username=login)
    wrong = base.set(password="wrong").render_as_string(hide_password=False)
    try:
        psycopg.connect(wrong.replace("+psycopg", "")).close()
    except psycopg.OperationalError as exc:
        assert "password authentication failed" in str(exc)
    else:
        pytest.skip("this PostgreSQL server trusts every loopback login (see .ci/test for the pg_hba.conf line)")
    r = vetta("--db", wrong, "whoami")
    assert r.returncode == 3 and "refused the user name or password" in r.stderr
    right = base.set(password="correct horse 42").render_as_string(hide_password=False)
    r = vetta("--db", right, "whoami")
    assert r.returncode == 0 and r.stdout.startswith(f"{login} (database login; roles: viewer)"), r.stderr
