"""Signed reports: independent validation (pyHanko, poppler's pdfsig), tamper detection, timestamps."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy.engine import Engine

from desktop.core.errors import UserError
from desktop.report import signing
from desktop.report.verify import verify_pdf
from desktop.services.identities import new_identity
from desktop.services.reports import verify_report
from desktop.services.signoff import approve, signed_report
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


def _signed(engine: Engine, **kw: object) -> bytes:
    built = make_assessment(engine, **kw)  # type: ignore[arg-type]
    new_identity(engine, "Alice Approver", email="alice@northwind.example", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            ownership=CANNED_OWNERSHIP)
    pdf = signed_report(engine, built.assessment_id)
    assert pdf is not None
    return pdf


def test_pyhanko_validator_accepts_the_signature(sqlite_engine: Engine) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    pdf = _signed(sqlite_engine)
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    vc = ValidationContext(trust_roots=[sig.signer_cert])  # self-signed: the certificate is its own root
    status = validate_pdf_signature(sig, vc)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert sig.signer_cert.subject.native["common_name"] == "Alice Approver"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_poppler_pdfsig_accepts_the_signature(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(_signed(sqlite_engine))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid" in out
    assert "Total document signed" in out
    assert "Signature Field Name: Approver" in out


def test_verify_reports_intact_and_the_database_checks(sqlite_engine: Engine) -> None:
    pdf = _signed(sqlite_engine)
    v = verify_report(sqlite_engine, pdf)
    assert v.intact and v.valid and v.known_identity and v.matches_record
    assert v.signer.startswith("Alice Approver") and v.assessment_id == 1 and v.signed_at
    # without the database: the file alone still verifies; nothing is known about it
    alone = verify_pdf(pdf)
    assert alone.intact and alone.valid and not alone.known_identity and not alone.matches_record


@pytest.mark.parametrize("where", [0.02, 0.1, 0.33, 0.5, 0.75, 0.9, 0.97, 0.999])
def test_one_changed_byte_anywhere_is_not_intact(sqlite_engine: Engine, where: float) -> None:
    pdf = bytearray(_signed(sqlite_engine))
    offset = max(8, int(len(pdf) * where))
    pdf[offset] ^= 0x01
    v = verify_report(sqlite_engine, bytes(pdf))
    assert not v.intact, f"byte {offset} of {len(pdf)} changed but reported intact"
    assert not v.matches_record
    assert v.problem


def test_appended_bytes_are_not_intact(sqlite_engine: Engine) -> None:
    pdf = _signed(sqlite_engine)
    v = verify_pdf(pdf + b"\n% appended\n")
    assert not v.intact


def test_garbage_and_unsigned_input(sqlite_engine: Engine) -> None:
    with pytest.raises(UserError, match="not a PDF"):
        verify_pdf(b"\x00\x01 this is not a pdf at all", "The file 'x.pdf'")
    from desktop.services.reports import render_draft

    built = make_assessment(sqlite_engine)
    draft = render_draft(sqlite_engine, built.assessment_id).pdf
    v = verify_pdf(draft)
    assert not v.intact and not v.valid and "no digital signature" in v.problem


def _tsa() -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA signs with RSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(der_key))


def test_a_timestamp_is_requested_when_a_server_is_configured(sqlite_engine: Engine,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    asked: list[str] = []
    tsa_cert, tsa_key = _tsa()

    def local_tsa(url: str) -> DummyTimeStamper:
        asked.append(url)
        return DummyTimeStamper(tsa_cert, tsa_key)

    monkeypatch.setattr(signing, "timestamper_factory", local_tsa)
    pdf = _signed(sqlite_engine, timestamp_url="https://tsa.example/rfc3161")
    assert asked == ["https://tsa.example/rfc3161"]
    v = verify_pdf(pdf)
    assert v.intact and v.valid and v.timestamped


def test_no_timestamp_without_a_server(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(url: str) -> None:
        raise AssertionError("no timestamp server is configured")

    monkeypatch.setattr(signing, "timestamper_factory", boom)
    assert not verify_pdf(_signed(sqlite_engine)).timestamped


def test_an_unreachable_timestamp_server_is_a_clear_error(sqlite_engine: Engine) -> None:
    with pytest.raises(UserError, match="time-stamping server"):
        _signed(sqlite_engine, timestamp_url="http://127.0.0.1:9/tsa")


def test_changes_inside_the_signature_and_its_byte_range_are_caught(sqlite_engine: Engine) -> None:
    import re

    pdf = _signed(sqlite_engine)
    contents = pdf.index(b"/Contents <") + len(b"/Contents <")
    for offset in (contents + 10, contents + 200):  # inside the CMS signature itself
        data = bytearray(pdf)
        data[offset] = ord("0") if data[offset] != ord("0") else ord("1")
        v = verify_pdf(bytes(data))
        assert not (v.intact and v.valid)
    match = re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)", pdf)
    assert match is not None
    data = bytearray(pdf)
    pos = match.start(2)
    data[pos] = ord("1") if data[pos] != ord("1") else ord("2")  # the declared range no longer fits
    assert not verify_pdf(bytes(data)).intact


def test_the_visible_stamp_writes_the_signers_name_as_written(sqlite_engine: Engine) -> None:
    """pyHanko's default stamp drew "Łukasz" as "þÿ A u k…" (Courier is Latin-1 only): the stamp is Vetta's own
    drawing in the embedded DejaVu font, and the signed report still verifies."""
    import pypdf

    name = "Łukasz Wójcik-Øvergaard"
    built = make_assessment(sqlite_engine)
    new_identity(sqlite_engine, name, actor=name)
    approve(sqlite_engine, built.assessment_id, identity=name, approver=name, ownership=CANNED_OWNERSHIP, lang="es")
    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None and verify_pdf(pdf).valid

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    widget = next(a.get_object() for page in reader.pages for a in page.get("/Annots", [])
                  if a.get_object().get("/FT") == "/Sig")
    fonts: set[str] = set()

    def walk(xobject: pypdf.generic.DictionaryObject) -> None:
        resources = xobject.get("/Resources", {})
        fonts.update(str(f.get_object().get("/BaseFont")) for f in resources.get("/Font", {}).values())
        for inner in resources.get("/XObject", {}).values():
            walk(inner.get_object())

    walk(widget["/AP"]["/N"].get_object())
    assert any("DejaVuSans-Bold" in f for f in fonts) and not any("Courier" in f for f in fonts), fonts

    text = pypdf.PdfReader(io.BytesIO(signing.stamp_pdf(250, 90, name, datetime(2026, 12, 4, 17, 2, tzinfo=UTC),
                                                        "Aprobada: evaluación n.º 1"))).pages[0].extract_text()
    assert name in text and "2026-12-04 17:02:00 UTC" in text and "Aprobada: evaluación n.º 1" in text
