"""Signatures an outsider can trust, and forgeries `vetta verify` refuses (issues 12 and 13).

Each test signs a real report through the approval service, then does what an adversary would:
change page 1 in an incremental update and countersign with a self-made certificate bearing the
approver's exact name, add a comment, flip bytes in the signature's zero padding, append bytes,
re-sign a whole new file as the approver's name. The outcomes are the verdict's status and the exit
code a script sees. Timestamps come from a real RFC 3161 server on loopback (tests/support/tsa.py).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from desktop.report.verify import INVALID, TRUSTED, UNTRUSTED, padding_intact, verify_pdf
from desktop.services import settings
from desktop.services.identities import certificate_der, import_p12, new_identity
from desktop.services.signoff import approve, signed_report
from desktop.services.verification import verify_data
from tests.support import forge
from tests.support.tsa import LocalTSA
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment

APPROVER = "Alice Approver"


def _approved(engine: Engine, **kw: object) -> tuple[bytes, bytes]:
    built = make_assessment(engine, **kw)  # type: ignore[arg-type]
    new_identity(engine, APPROVER, email="alice@northwind.example", actor=APPROVER)
    approve(engine, built.assessment_id, identity=APPROVER, approver=APPROVER, ownership=CANNED_OWNERSHIP)
    pdf = signed_report(engine, built.assessment_id)
    assert pdf is not None
    return pdf, certificate_der(engine, APPROVER)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_certified_and_timestamped_against_a_local_tsa(sqlite_engine: Engine, tmp_path: Path) -> None:
    with LocalTSA() as tsa:
        settings.set_timestamp_url(sqlite_engine, tsa.url, actor="Admin")
        settings.add_trust_roots(sqlite_engine, tsa.root_pem(tmp_path / "tsa-root.pem"), actor="Admin")
        built = make_assessment(sqlite_engine, timestamp_url=tsa.url)
        new_identity(sqlite_engine, APPROVER, actor=APPROVER)
        result = approve(sqlite_engine, built.assessment_id, identity=APPROVER, approver=APPROVER,
                         ownership=CANNED_OWNERSHIP)
        assert tsa.requests >= 1
    assert result["timestamped"] and result["certified"] and result["pades_level"] == "B-LT"
    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None
    # the signature certifies the document with "no changes allowed" (DocMDP P=1)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    assert sig.docmdp_level == MDPPerm.NO_CHANGES and sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "/DSS" in PdfFileReader(io.BytesIO(pdf)).root  # validation data embedded
    v = verify_data(sqlite_engine, pdf)
    assert v.status == TRUSTED and v.certified and v.timestamped and v.time_source == "timestamp"
    assert v.pades_level == "B-LT" and v.time_authority.startswith("Test TSA") and v.matches_record
    # the report itself says where the time comes from, and prints the certificate's fingerprint
    text = _text(pdf)
    assert "certified by the time-stamping server" in text and tsa.url in text
    assert v.fingerprint in text.replace("\n", "")  # as `vetta identity list` shows it


def test_without_a_server_the_report_says_the_time_is_the_signers_clock(sqlite_engine: Engine) -> None:
    pdf, _cert = _approved(sqlite_engine)
    v = verify_pdf(pdf)
    assert v.certified and not v.timestamped and v.time_source == "clock" and v.pades_level == "B-B"
    assert "taken from the signer's computer clock" in _text(pdf)


def test_an_outsider_with_the_exported_certificate_trusts_it_and_nobody_else_does(sqlite_engine: Engine) -> None:
    pdf, cert = _approved(sqlite_engine)
    assert verify_data(None, pdf).status == UNTRUSTED
    assert verify_data(None, pdf, trust=[cert]).status == TRUSTED
    # a look-alike: same name, same organisation, another key; trusting it does not make the report trusted
    _key, lookalike = forge.lookalike_of(cert)
    assert lookalike.subject == x509.load_der_x509_certificate(cert).subject
    other = verify_data(None, pdf, trust=[lookalike.public_bytes(serialization.Encoding.DER)])
    assert other.status == UNTRUSTED and not other.trusted


def test_page_one_changed_and_countersigned_by_a_lookalike_fails(sqlite_engine: Engine) -> None:
    pdf, cert = _approved(sqlite_engine)
    key, lookalike = forge.lookalike_of(cert)  # the approver's exact name, another key
    forged = forge.sign_again(forge.change_page_one(pdf), forge.material(key, lookalike), name=APPROVER)
    assert "APPROVED - NO FINDINGS" in _text(forged)
    for trust in ([], [cert], [lookalike.public_bytes(serialization.Encoding.DER)]):
        v = verify_data(None, forged, trust=trust)
        assert v.status == INVALID and not v.intact
        assert "changed after it was signed" in v.problem
        assert [s.kind for s in v.signatures] == ["signature", "signature"]
    v = verify_data(sqlite_engine, forged)
    assert v.status == INVALID and not v.matches_record


@pytest.mark.parametrize("attack", ["page", "annotation", "countersignature"])
def test_any_revision_after_the_approvers_signature_fails(sqlite_engine: Engine, attack: str) -> None:
    pdf, cert = _approved(sqlite_engine)
    key, own = forge.self_signed("Somebody Else")
    forged = {"page": lambda: forge.change_page_one(pdf),
              "annotation": lambda: forge.add_annotation(pdf),
              "countersignature": lambda: forge.sign_again(pdf, forge.material(key, own))}[attack]()
    v = verify_data(None, forged, trust=[cert])
    assert v.status == INVALID and v.problem, v
    if attack == "countersignature":  # no content changed, but a second signature is not a Vetta report
        assert "another signature" in v.problem and "Somebody Else" in v.problem


def test_flipped_bytes_in_the_zero_padding_are_detected(sqlite_engine: Engine) -> None:
    pdf, cert = _approved(sqlite_engine)
    assert verify_data(None, pdf, trust=[cert]).status == TRUSTED
    start, end = forge.padding_span(pdf)
    assert end - start > 100 and set(pdf[start:end]) == {ord("0")}
    for offset, new in ((start, b"1"), ((start + end) // 2, b"f"), (end - 1, b"8")):
        data = bytearray(pdf)
        data[offset:offset + 1] = new
        v = verify_data(None, bytes(data), trust=[cert])
        assert v.status == INVALID and "zero padding" in v.problem
    # hex digits replaced by spaces (a PDF reader ignores them in a hex string): still not the signed file
    data = bytearray(pdf)
    data[start:start + 2] = b"  "
    assert verify_data(None, bytes(data), trust=[cert]).status == INVALID


def test_padding_check_reads_der_lengths() -> None:
    body = bytes([0x30, 0x82, 0x00, 0x03, 1, 2, 3])
    hole = b"<" + (body + bytes(20)).hex().encode() + b">"
    data = b"%PDF" + hole + b"tail"
    assert padding_intact(data, [0, 4, 4 + len(hole), 4])
    flipped = data.replace(b"0000>", b"0100>")
    assert not padding_intact(flipped, [0, 4, 4 + len(hole), 4])
    assert not padding_intact(data, [0, 5, 4 + len(hole), 4])  # the hole does not start at '<'


def test_appended_bytes_and_a_new_file_signed_with_the_approvers_name(sqlite_engine: Engine) -> None:
    pdf, cert = _approved(sqlite_engine)
    v = verify_data(None, pdf + b"\n% appended\n", trust=[cert])
    assert v.status == INVALID and "appended" in v.problem
    # a whole new report signed by a self-made certificate with the approver's name: valid, but not trusted
    from desktop.services.reports import render_draft

    built = make_assessment(sqlite_engine, vendor_name="Another Vendor Ltd.")
    key, lookalike = forge.lookalike_of(cert)
    fake = forge.sign_again(render_draft(sqlite_engine, built.assessment_id).pdf, forge.material(key, lookalike),
                            field="Approval", name=APPROVER)
    v = verify_data(None, fake, trust=[cert])
    assert v.status == UNTRUSTED and v.signer.startswith(APPROVER)


def test_a_company_ca_identity_is_trusted_through_its_ca(sqlite_engine: Engine, tmp_path: Path) -> None:
    ca, data = forge.ca_and_p12("pass phrase", "Olga Officer")
    p12 = tmp_path / "olga.p12"
    p12.write_bytes(data)
    info = import_p12(sqlite_engine, p12, "Olga Officer", "pass phrase", actor="Olga Officer")
    assert info.chain_length == 1 and "Northwind Root CA" in info.issuer
    built = make_assessment(sqlite_engine)
    approve(sqlite_engine, built.assessment_id, identity="Olga Officer", approver="Olga Officer",
            ownership=CANNED_OWNERSHIP)
    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None
    ca_der = ca.public_bytes(serialization.Encoding.DER)
    v = verify_data(None, pdf, trust=[ca_der])
    assert v.status == TRUSTED and v.trusted_by == "a trusted certificate authority"
    assert verify_data(None, pdf).status == UNTRUSTED
    impostor, _ = forge.ca_and_p12("x", "Olga Officer")  # another CA with the same name
    assert verify_data(None, pdf, trust=[impostor.public_bytes(serialization.Encoding.DER)]).status == UNTRUSTED
    # the CA as a trust root in Settings: anyone verifying with this database trusts the signer
    pem = tmp_path / "ca.pem"
    pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    roots = settings.add_trust_roots(sqlite_engine, pem, actor="Admin")
    assert roots[0].is_ca and settings.trust_root_certificates(sqlite_engine) == [ca_der]


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_pdfsig_accepts_the_certified_timestamped_report(sqlite_engine: Engine, tmp_path: Path) -> None:
    with LocalTSA() as tsa:  # its root is not a trust root here: timestamped, without validation data (B-T)
        settings.set_timestamp_url(sqlite_engine, tsa.url, actor="Admin")
        pdf, _cert = _approved(sqlite_engine, timestamp_url=tsa.url)
    v = verify_pdf(pdf)
    assert v.timestamped and v.pades_level == "B-T" and v.certified and v.status == UNTRUSTED
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid" in out
    assert "Signature Type: ETSI.CAdES.detached" in out
