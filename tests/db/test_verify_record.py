"""With a database at hand, a signed report must be the file recorded with the decision, and its attached
record must agree with the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session
from db.models import Answer
from desktop.report.render import read_record
from desktop.report.verify import INVALID, TRUSTED
from desktop.services.identities import certificate_der, new_identity
from desktop.services.reports import render_draft
from desktop.services.signoff import approve, signed_report
from desktop.services.verification import verify_data
from tests.support import forge
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


def _signed(engine: Engine) -> tuple[int, bytes]:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            ownership=CANNED_OWNERSHIP)
    pdf = signed_report(engine, built.assessment_id)
    assert pdf is not None
    return built.assessment_id, pdf


def test_the_recorded_file_verifies_and_its_record_agrees(engine: Engine) -> None:
    aid, pdf = _signed(engine)
    v = verify_data(engine, pdf)
    assert v.status == TRUSTED and v.matches_record and v.record_checked and not v.record_problems
    assert v.known_identity and "Alice Approver" in v.trusted_by
    assert read_record(pdf)["assessment_id"] == aid  # type: ignore[index]


def test_another_file_for_a_recorded_decision_is_refused(engine: Engine) -> None:
    aid, pdf = _signed(engine)
    # re-signed by a look-alike of the approver: same assessment, same vendor, not the recorded file
    key, lookalike = forge.lookalike_of(certificate_der(engine, "Alice Approver"))
    fake = forge.sign_again(render_draft(engine, aid).pdf, forge.material(key, lookalike), field="Approval")
    v = verify_data(engine, fake)
    assert v.status == INVALID and not v.matches_record
    assert v.record_problems and f"decision on assessment {aid}" in v.record_problems[0]
    assert hashlib.sha256(pdf).hexdigest()[:16] in v.record_problems[0]
    alone = verify_data(None, fake)  # without the database nobody vouches for that certificate
    assert alone.status == "untrusted"


def test_a_decided_answer_changed_behind_the_guards_is_caught(engine: Engine) -> None:
    aid, pdf = _signed(engine)
    with read_session(engine) as s:
        answer = s.exec(select(Answer).where(col(Answer.assessment_id) == aid)
                        .where(col(Answer.value_json).is_not(None)).order_by(col(Answer.question_key))).first()
        assert answer is not None
        key, value = answer.question_key, answer.value_json
    # the file's owner (SQLite) or the schema owner (PostgreSQL) switches the guards off and edits the answer
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name = 'answer'")).scalars().all()
            saved = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name = 'answer'")).scalars().all()
            for name in names:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        else:
            conn.execute(text("ALTER TABLE answer DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE answer SET value_json = :v WHERE assessment_id = :a AND question_key = :k"),
                     {"v": json.dumps("tampered"), "a": aid, "k": key})
        if engine.dialect.name == "sqlite":
            for sql in saved:
                conn.execute(text(sql))
        else:
            conn.execute(text("ALTER TABLE answer ENABLE TRIGGER USER"))
    assert value != json.dumps("tampered")
    v = verify_data(engine, pdf)
    assert v.status == INVALID and v.matches_record
    assert v.record_problems == [f"The database's assessment {aid} no longer matches the signed record: "
                                 f"answer {key} differs."]
