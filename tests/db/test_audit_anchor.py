"""An anchored audit trail (issue 12, deliverable 2): rewriting or truncating history before a signature shows.

The attacker here has the whole database: they drop the guards, edit events and recompute every hash
(the chain then checks out), or cut the chain's tail, then put the guards back. What they do not have
is the signer's key: the anchor (sequence number and hash of the chain's head) that every signed report
embeds, and the anchor files kept outside the database, give them away.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.audit import verify_chain
from db.engine import read_session, unit_of_work
from db.models import AuditEvent, SignOff, Vendor
from desktop.core.errors import UserError
from desktop.report.render import read_record, render
from desktop.report.signing import material_from_pem, sign_pdf
from desktop.services import anchors, identities
from desktop.services.audit import verify_integrity
from desktop.services.reports import build_report_model
from desktop.services.signoff import approve
from tests.support import tamper as t
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


@pytest.fixture
def signed(engine: Engine) -> tuple[Engine, int, dict[str, int | str]]:
    """A decided, signed assessment, then more work after it."""
    built = make_assessment(engine)
    identities.new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            ownership=CANNED_OWNERSHIP)
    with unit_of_work(engine, "editor") as s:
        v = s.get(Vendor, built.vendor_id)
        assert v is not None
        v.notes = "reviewed after the decision"
    anchor = _anchor(engine, built.assessment_id)
    return engine, built.assessment_id, anchor


def _anchor(engine: Engine, assessment_id: int) -> dict[str, int | str]:
    with read_session(engine) as s:
        pdf = s.exec(select(SignOff.report_pdf).where(SignOff.assessment_id == assessment_id)).one()
    record = read_record(bytes(pdf or b""))
    assert record is not None
    return dict(record["record"]["audit_anchor"])


def _head(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one())


def test_the_signed_report_embeds_the_chain_head_at_the_decision(signed):
    engine, aid, anchor = signed
    with read_session(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.seq == anchor["seq"])).one()
        assert event.hash == anchor["hash"] and event.actor == "Alice Approver"  # the decision's last event
        signoff_created = s.exec(select(AuditEvent.seq).where(AuditEvent.record_type == "signoff")
                                 .where(AuditEvent.action == "create")).one()
        assert signoff_created <= int(anchor["seq"])
        later = s.exec(select(AuditEvent.record_type).where(AuditEvent.seq > anchor["seq"])).all()
    assert list(later) == ["signoff", "vendor"]  # the stored report, then the edit
    report = verify_integrity(engine)
    assert report.ok and report.anchors.checked == 1 and report.anchors.unanchored == 0


def test_rewriting_history_before_the_signature_is_detected(signed):
    engine, _aid, anchor = signed
    t.rewrite_history(engine, 3, actor="mallory")
    with engine.connect() as conn:
        assert verify_chain(conn).intact  # every hash recomputed: the chain alone cannot tell
    report = verify_integrity(engine)
    assert not report.ok and report.guards.ok and report.data.ok
    [problem] = report.anchors.problems
    assert problem.kind == "rewritten" and problem.seq == anchor["seq"]
    assert problem.message.startswith(f"The signed report of assessment #{_aid} was signed when event "
                                      f"#{anchor['seq']} had the hash {str(anchor['hash'])[:16]}…")


def test_truncating_the_chain_before_the_signature_is_detected(signed):
    engine, _aid, anchor = signed
    t.truncate_tail(engine, int(anchor["seq"]))
    with engine.connect() as conn:
        assert verify_chain(conn).intact
    report = verify_integrity(engine)
    kinds = {p.kind for p in report.anchors.problems}
    assert kinds == {"truncated"} and not report.ok
    assert "events were deleted" in report.anchors.problems[0].message


def test_truncating_after_the_signature_leaves_rows_the_trail_does_not_explain(signed):
    engine, _aid, anchor = signed
    t.truncate_tail(engine, int(anchor["seq"]) + 1)  # the stored report and the later edit lose their events
    report = verify_integrity(engine)
    assert report.chain.intact and report.anchors.ok and not report.data.ok
    fields = {(p.table, p.field) for p in report.data.problems}
    assert ("signoff", "report_pdf") in fields and ("vendor", "notes") in fields


def test_a_report_re_signed_with_another_key_does_not_vouch(signed):
    engine, aid, anchor = signed
    t.rewrite_history(engine, 2, actor="mallory")
    with read_session(engine) as s:
        forged_head = s.exec(select(AuditEvent.hash).where(AuditEvent.seq == anchor["seq"])).one()
    model = build_report_model(engine, aid, ownership=CANNED_OWNERSHIP)
    model.record["audit_anchor"] = {"seq": anchor["seq"], "hash": forged_head}
    rendered = render(model, draft=False)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Alice Approver")])  # the approver's exact name
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(model_time()).not_valid_after(model_time(days=365))
            .sign(key, hashes.SHA256()))
    forged = sign_pdf(rendered.pdf, material_from_pem(pem, cert.public_bytes(serialization.Encoding.DER)),
                      rendered.signature, signer_name="Alice Approver", reason="approved")
    t.behind_the_guards(engine, "UPDATE signoff SET report_pdf = :p, report_sha256 = :h WHERE assessment_id = :a",
                        p=forged, h=hashlib.sha256(forged).hexdigest(), a=aid)
    report = verify_integrity(engine)
    assert [p.kind for p in report.anchors.problems] == ["unsigned"]
    assert "not by the signing identity recorded with its sign-off" in report.anchors.problems[0].message


def test_a_stored_report_with_flipped_bytes_does_not_vouch(signed):
    engine, aid, _anchor = signed
    with read_session(engine) as s:
        pdf = bytearray(s.exec(select(SignOff.report_pdf).where(SignOff.assessment_id == aid)).one() or b"")
    at = bytes(pdf).find(b"Northwind")
    pdf[at] ^= 0x20
    t.behind_the_guards(engine, "UPDATE signoff SET report_pdf = :p WHERE assessment_id = :a", p=bytes(pdf), a=aid)
    report = verify_integrity(engine)
    assert [p.kind for p in report.anchors.problems] == ["unsigned"] and not report.data.ok


def model_time(days: int = 0):
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) + timedelta(days=days) - timedelta(minutes=5)


# --------------------------------------------------------------------------- anchor files


def test_anchor_file_round_trip_and_later_work(signed, tmp_path):
    engine, _aid, _anchor = signed
    path = tmp_path / "anchor.json"
    info = anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
    assert info.seq == _head(engine)
    document = json.loads(path.read_text())
    assert document["format"] == "vetta-audit-anchor/1" and document["anchor"]["seq"] == info.seq
    assert document["anchor"]["signer"] == "Alice Approver" and document["algorithm"] == "ecdsa-sha256"
    assert verify_integrity(engine, path).anchor_file.ok
    with unit_of_work(engine, "editor") as s:  # work goes on after the anchor: still fine
        v = s.exec(select(Vendor)).first()
        assert v is not None
        v.notes = "later"
    checked = verify_integrity(engine, path).anchor_file
    assert checked.ok and checked.seq == info.seq and checked.signer == "Alice Approver"


def test_anchor_file_detects_a_rewrite_and_a_truncation(signed, tmp_path):
    engine, _aid, _anchor = signed
    path = tmp_path / "anchor.json"
    info = anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
    t.rewrite_history(engine, info.seq - 1, actor="mallory")
    checked = verify_integrity(engine, path).anchor_file
    assert not checked.ok and checked.kind == "rewritten"
    t.truncate_tail(engine, info.seq)
    checked = anchors.check_anchor_file(engine, path)
    assert not checked.ok and checked.kind == "truncated" and "events were deleted" in checked.problem


def _resign(path: Path, mutate, key=None) -> None:
    """Change the anchor's content; with ``key``, sign it again with that key (and its certificate)."""
    document = json.loads(path.read_text())
    mutate(document["anchor"])
    if key is not None:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Alice Approver")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(7).not_valid_before(model_time()).not_valid_after(model_time(days=30))
                .sign(key, hashes.SHA256()))
        der = cert.public_bytes(serialization.Encoding.DER)
        document["anchor"]["fingerprint"] = hashlib.sha256(der).hexdigest()
        document["certificate"] = base64.b64encode(der).decode()
        body = json.dumps(document["anchor"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        document["signature"] = base64.b64encode(key.sign(body, ec.ECDSA(hashes.SHA256()))).decode()
    path.write_text(json.dumps(document))


def test_forged_and_foreign_anchor_files_are_refused(signed, tmp_path):
    engine, _aid, _anchor = signed
    path = tmp_path / "anchor.json"
    anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
    _resign(path, lambda a: a.update(seq=a["seq"] - 1))
    checked = anchors.check_anchor_file(engine, path)
    assert not checked.ok and checked.kind == "forged" and "altered or forged" in checked.problem
    anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
    _resign(path, lambda a: None, key=ec.generate_private_key(ec.SECP256R1()))  # a self-made key, same name
    checked = anchors.check_anchor_file(engine, path)
    assert not checked.ok and checked.kind == "unknown-signer" and "none of this database's" in checked.problem


def test_anchor_with_an_rsa_key_from_pkcs12(signed, tmp_path):
    engine, _aid, _anchor = signed
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Rita Rsa")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(9).not_valid_before(model_time()).not_valid_after(model_time(days=30))
            .sign(key, hashes.SHA256()))
    p12 = tmp_path / "rita.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"rita", key, cert, None,
                                                          serialization.BestAvailableEncryption(b"pw")))
    identities.import_p12(engine, p12, "Rita Rsa", "pw", actor="Rita Rsa")
    path = tmp_path / "rsa.json"
    anchors.write_anchor(engine, "Rita Rsa", path, actor="Rita Rsa", p12=p12, p12_passphrase="pw")
    assert json.loads(path.read_text())["algorithm"] == "rsa-pkcs1v15-sha256"
    assert anchors.check_anchor_file(engine, path).ok


def test_only_the_owner_of_an_identity_anchors_with_it(signed, tmp_path):
    engine, _aid, _anchor = signed
    path = tmp_path / "anchor.json"
    with pytest.raises(UserError, match="belongs to Alice Approver, not to Mallory"):
        anchors.write_anchor(engine, "Alice Approver", path, actor="Mallory")
    assert not path.exists() and not list(tmp_path.glob("*.part"))


def test_a_broken_trail_is_not_anchored(signed, tmp_path):
    engine, _aid, _anchor = signed
    t.tamper(engine, "UPDATE audit_event SET actor = 'mallory' WHERE seq = 2")
    path = tmp_path / "anchor.json"
    with pytest.raises(anchors.TrailNotIntact, match="was not anchored"):
        anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
    assert not path.exists() and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("content", [
    b"", b"not json", b"[" * 100_000 + b"]" * 100_000, json.dumps({"format": "other"}).encode(),
    json.dumps({"format": "vetta-audit-anchor/1", "anchor": {"seq": -1, "hash": "0" * 64}}).encode(),
    json.dumps({"format": "vetta-audit-anchor/1", "anchor": {"seq": 1, "hash": "zz"}}).encode(),
    json.dumps({"format": "vetta-audit-anchor/1", "anchor": {"seq": 1, "hash": "0" * 64},
                "certificate": "***", "signature": ""}).encode(),
])
def test_files_that_are_not_anchors_are_one_sentence(signed, tmp_path, content):
    engine, _aid, _anchor = signed
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(UserError) as info:
        verify_integrity(engine, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_fifo_device_and_huge_anchor_files_are_refused_at_once(signed, tmp_path):
    engine, _aid, _anchor = signed
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="named pipe"):
        anchors.read_anchor_file(fifo)
    with pytest.raises(UserError, match="device"):
        anchors.read_anchor_file(Path("/dev/zero"))
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(2 * 1024 * 1024 * 1024)
    with pytest.raises(UserError, match="larger than"):
        anchors.read_anchor_file(huge)


_WRITTEN: dict[str, bytes] = {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_a_damaged_anchor_file_never_passes_for_another(signed, tmp_path_factory, data):
    """Flipped, cut or inserted bytes: refused, or found not to hold, or (white space) the very same anchor."""
    engine, _aid, _anchor = signed
    folder = tmp_path_factory.mktemp("anchor")
    path = folder / "anchor.json"
    key = str(engine.url)
    if key not in _WRITTEN:  # one real anchor per database, damaged anew in every example
        anchors.write_anchor(engine, "Alice Approver", path, actor="Alice Approver")
        _WRITTEN[key] = path.read_bytes()
    path.write_bytes(_WRITTEN[key])
    original = anchors.read_anchor_file(path)
    raw = bytearray(_WRITTEN[key])
    how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    if how == "flip":
        raw[at] ^= data.draw(st.integers(1, 255))
    elif how == "cut":
        del raw[at:at + data.draw(st.integers(1, 40))]
    else:
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    path.write_bytes(bytes(raw))
    try:
        checked = anchors.check_anchor_file(engine, path)
    except UserError as exc:
        assert str(path) in str(exc)
        return
    if checked.ok:
        assert (checked.seq, checked.hash, checked.fingerprint) == (original.seq, original.hash, original.fingerprint)
