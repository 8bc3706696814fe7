"""Approve = the decision, on both backends: rules, one transaction, the stored signed report, no secrets."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, timedelta
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from keyring.backends import fail
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Assessment, AuditEvent, SignOff, Vendor
from desktop.core.dates import add_months
from desktop.core.errors import UserError
from desktop.services.identities import KEYRING_SERVICE, import_p12, new_identity
from desktop.services.reports import report_pdf, verify_report
from desktop.services.signoff import approve
from tests.db.test_identities import make_p12
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


def _state(engine: Engine, assessment_id: int) -> tuple[str, str | None, int, int]:
    with read_session(engine) as s:
        a = s.get(Assessment, assessment_id)
        assert a is not None
        n = int(s.exec(select(func.count()).select_from(SignOff)).one())
        events = int(s.exec(select(func.count()).select_from(AuditEvent)).one())
        return a.status, a.approver, n, events


DUE = (date.today() + timedelta(days=180)).isoformat()
CONDITION = {"text": "Divest within 6 months.", "owner": "Legal — Marta Ibáñez", "due": DUE}
RATIONALE = "Contoso's stake carries no votes; the divestment condition removes the remaining exposure."


def test_approve_decides_and_stores_the_signed_report(engine: Engine) -> None:
    built = make_assessment(engine, tier="critical", rating="not_neutral")
    info = new_identity(engine, "Alice Approver", actor="Alice Approver")
    result = approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
                     decision="approved-with-conditions", conditions=[CONDITION], rationale=RATIONALE,
                     ownership=CANNED_OWNERSHIP, lang="es")
    assert result["decision"] == "approved_with_conditions"
    assert result["conditions"] == [CONDITION] and result["rationale"] == RATIONALE and result["language"] == "es"
    assert result["fingerprint"] == info.fingerprint_sha256
    assert result["next_review_due"] == add_months(date.today(), 6).isoformat()  # critical: 6 months
    with read_session(engine) as s:
        a = s.get(Assessment, built.assessment_id)
        assert a is not None and a.status == "approved_with_conditions" and a.approver == "Alice Approver"
        assert a.decided_at is not None and a.next_review_due == add_months(date.today(), 6)
        v = s.get(Vendor, built.vendor_id)
        assert v is not None and v.next_review_due == a.next_review_due
        so = s.exec(select(SignOff)).one()
        assert so.preparer == "Paula Preparer" and so.rationale == RATIONALE and so.report_lang == "es"
        assert json.loads(so.conditions_json) == [{**CONDITION, "question": None}]
        assert so.report_pdf is not None and so.report_sha256 == hashlib.sha256(so.report_pdf).hexdigest()
        events = s.exec(select(AuditEvent).where(AuditEvent.actor == "Alice Approver")).all()
        assert {"assessment", "signoff"} <= {e.record_type for e in events}
        # the rationale and the conditions are in the audit trail, as recorded with the sign-off
        signoff_event = next(e for e in events if e.record_type == "signoff" and e.action == "create")
        changes = json.loads(signoff_event.changes_json)
        assert changes["rationale"] == [None, RATIONALE] and "Marta Ibáñez" in changes["conditions_json"][1]
    stored = report_pdf(engine, built.assessment_id)
    assert stored.signed
    verdict = verify_report(engine, stored.pdf)
    assert verdict.intact and verdict.valid and verdict.known_identity and verdict.matches_record
    assert verdict.assessment_id == built.assessment_id


@pytest.mark.parametrize("rating", ["not_neutral", "conditionally_neutral"])
@pytest.mark.parametrize("decision", ["approved", "approved_with_conditions"])
def test_approving_a_vendor_that_is_not_neutral_needs_a_rationale(engine: Engine, rating: str, decision: str) -> None:
    built = make_assessment(engine, rating=rating)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    before = _state(engine, built.assessment_id)
    conditions = [CONDITION] if decision == "approved_with_conditions" else []
    for blank in ("", "   "):
        with pytest.raises(UserError, match=r"rated (Not|Conditionally) neutral: approving it needs your rationale"):
            approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
                    decision=decision, conditions=conditions, rationale=blank)
    assert _state(engine, built.assessment_id) == before
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver", decision=decision,
            conditions=conditions, rationale=RATIONALE)
    assert _state(engine, built.assessment_id)[0] == decision


def test_rejecting_needs_no_rationale(engine: Engine) -> None:
    built = make_assessment(engine, rating="not_neutral")
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver", decision="rejected")
    assert _state(engine, built.assessment_id)[0] == "rejected"


def test_rejected_needs_no_next_review(engine: Engine) -> None:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    result = approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
                     decision="rejected")
    assert result["decision"] == "rejected" and result["next_review_due"] is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"approver": "Paula Preparer"}, "cannot also approve"),
    ({"approver": "paula preparer"}, "cannot also approve"),
    ({"decision": "approved_with_conditions"}, "at least one condition"),
    ({"decision": "approved", "conditions": [CONDITION]}, "only go with"),
    ({"decision": "approved_with_conditions", "conditions": ["Divest."]}, "needs an owner and a due date"),
    ({"decision": "approved_with_conditions", "conditions": [{**CONDITION, "due": "soon"}]}, "is not a date"),
    ({"decision": "approved_with_conditions", "conditions": [{**CONDITION, "due": "2020-01-31"}]}, "in the past"),
    ({"decision": "maybe"}, "not one of"),
    ({"identity": "Nobody"}, "no signing identity named 'Nobody'"),
    ({"lang": "fr"}, "not supported"),
    ({"rationale": "x" * 5001}, "longer than 5000"),
])
def test_refusals_write_nothing(engine: Engine, kwargs: dict[str, object], message: str) -> None:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    before = _state(engine, built.assessment_id)
    args: dict[str, object] = {"identity": "Alice Approver", "approver": "Alice Approver", **kwargs}
    with pytest.raises(UserError, match=message):
        approve(engine, built.assessment_id, **args)  # type: ignore[arg-type]
    assert _state(engine, built.assessment_id) == before


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_only_in_review_can_be_decided(engine: Engine, status: str) -> None:
    built = make_assessment(engine, status=status)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    before = _state(engine, built.assessment_id)
    with pytest.raises(UserError, match="not in review"):
        approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    assert _state(engine, built.assessment_id) == before


def test_a_failure_while_signing_rolls_everything_back(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    before = _state(engine, built.assessment_id)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("signing device unplugged")

    monkeypatch.setattr("desktop.services.signoff.sign_report", broken)
    with pytest.raises(RuntimeError):
        approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    assert _state(engine, built.assessment_id) == before
    assert not report_pdf(engine, built.assessment_id).signed


def test_no_keyring_offers_the_pkcs12_route(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = make_assessment(engine)
    p12 = tmp_path / "olga.p12"
    make_p12(p12, "pass phrase")
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    import_p12(engine, p12, "Olga Officer", "pass phrase", actor="Olga Officer")
    before = _state(engine, built.assessment_id)
    with pytest.raises(UserError, match="No usable OS keyring.*--p12"):
        approve(engine, built.assessment_id, identity="Olga Officer", approver="Olga Officer")
    with pytest.raises(UserError, match="passphrase is wrong"):
        approve(engine, built.assessment_id, identity="Olga Officer", approver="Olga Officer", p12=p12,
                p12_passphrase="nope")
    assert _state(engine, built.assessment_id) == before
    result = approve(engine, built.assessment_id, identity="Olga Officer", approver="Olga Officer", p12=p12,
                     p12_passphrase="pass phrase")
    assert verify_report(engine, report_pdf(engine, built.assessment_id).pdf).known_identity
    assert result["identity"] == "Olga Officer"


def test_a_stale_concurrent_decision_is_refused(engine: Engine) -> None:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    with pytest.raises(UserError, match="not in review"):
        approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    with unit_of_work(engine, "x") as s:
        assert len(s.exec(select(SignOff)).all()) == 1


def _scan(paths: list[Path], needles: dict[str, bytes]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        for label, needle in needles.items():
            if needle in data:
                found.append(f"{label} in {path}")
    return found


def test_no_secret_reaches_the_database_files_or_logs(sqlite_engine: Engine, _isolated_data_dir: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After creating identities and signing, neither key material nor passphrase is on disk."""
    import logging

    log_dir = _isolated_data_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    handler = logging.FileHandler(log_dir / "vetta.log", encoding="utf-8")
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)  # everything anybody logs, at the most talkative level
    request_cleanup = (root, handler, old_level)
    built = make_assessment(sqlite_engine)
    info = new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    pem = keyring.get_password(KEYRING_SERVICE, info.fingerprint_sha256)
    assert pem is not None
    approve(sqlite_engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    body = "".join(pem.strip().splitlines()[1:-1])
    # a PKCS#12 identity with a passphrase, signed through the file route
    p12 = tmp_path / "olga.p12"
    make_p12(p12, "correct horse battery staple")
    import_p12(sqlite_engine, p12, "Olga Officer", "correct horse battery staple", actor="Olga Officer")
    second = make_assessment(sqlite_engine, vendor_name="Clearlabel Cooperativa S.Coop.")
    approve(sqlite_engine, second.assessment_id, identity="Olga Officer", approver="Olga Officer", p12=p12,
            p12_passphrase="correct horse battery staple")
    needles = {"PEM body": body.encode(), "PEM first line": pem.splitlines()[1].encode(),
               "raw scalar": scalar, "scalar hex": scalar.hex().encode(),
               "passphrase": b"correct horse battery staple"}
    db_file = Path(str(sqlite_engine.url.database))
    files = [db_file] + [p for p in db_file.parent.glob("vetta.sqlite3*") if p.is_file()]
    files += [p for p in _isolated_data_dir.rglob("*") if p.is_file()]
    assert files and db_file.stat().st_size > 0
    assert _scan(files, needles) == []
    assert os.environ.get("VETTA_P12_PASSPHRASE") is None
    root, handler, old_level = request_cleanup
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()
    assert (log_dir / "vetta.log").stat().st_size > 0  # the log did record the actions


def _prepare_by(engine: Engine, *, creator: str, preparer: str, answerer: str, submitter: str) -> int:
    """A clean demo vendor's assessment created, answered (with evidence) and submitted by the people named."""
    from desktop.services import assessments
    from desktop.services.demo import load_demo
    from tests.db.test_assessments_support import default_template, passing_value

    load_demo(engine, "demo loader")
    aid = assessments.create_assessment(engine, "Clearlabel Cooperativa S.Coop.", preparer=preparer, actor=creator).id
    tmpl = default_template()
    for q in assessments.get_assessment(engine, aid).questions:
        if q.value is None and q.required:
            assessments.answer_question(engine, aid, q.key, passing_value(tmpl.question(q.key)), actor=answerer)
        if q.evidence_required:
            assessments.attach_evidence_bytes(engine, aid, q.key, b"%PDF-1.4 e", "e.pdf", actor=answerer)
    assessments.submit_assessment(engine, aid, actor=submitter)
    return aid


@pytest.mark.slow
def test_nobody_who_prepared_answered_or_submitted_may_approve(engine: Engine) -> None:
    aid = _prepare_by(engine, creator="Paula", preparer="Someone Else", answerer="Bruno", submitter="Carla")
    for person, did in (("Paula", "prepared and answered questions of"), ("someone else", "prepared"),
                        ("Bruno", "answered questions of"),
                        ("CARLA", "submitted")):
        new_identity(engine, f"{person} identity", actor=person)
        with pytest.raises(UserError, match=f"{person} {did} assessment {aid}"):
            approve(engine, aid, identity=f"{person} identity", approver=person)
    assert _state(engine, aid)[0] == "in_review"
    new_identity(engine, "Alba's identity", actor="Alba")
    assert approve(engine, aid, identity="Alba's identity", approver="Alba")["decision"] == "approved"


def test_signing_with_another_users_identity_is_refused(engine: Engine) -> None:
    built = make_assessment(engine)
    new_identity(engine, "Paula Preparer", actor="Paula Preparer")  # the preparer's identity
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    before = _state(engine, built.assessment_id)
    # the reported attack: an approver signing with the preparer's identity
    with pytest.raises(UserError, match="belongs to Paula Preparer, not to Alba"):
        approve(engine, built.assessment_id, identity="Paula Preparer", approver="Alba")
    with pytest.raises(UserError, match="belongs to Alice Approver, not to Alba"):
        approve(engine, built.assessment_id, identity="Alice Approver", approver="Alba")
    assert _state(engine, built.assessment_id) == before
