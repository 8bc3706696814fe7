"""What an adversary does to a signed report: certificates with someone's name, incremental updates,
extra signatures, flipped padding. Used by the verification tests to prove each one is refused."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from desktop.report.signing import KeyMaterial


def self_signed(cn: str, org: str | None = "Northwind Analytics S.L.") -> tuple[ec.EllipticCurvePrivateKey,
                                                                                x509.Certificate]:
    """A brand-new key and a self-signed certificate naming ``cn`` (anyone can make one)."""
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    name = x509.Name(attrs)
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def lookalike_of(cert_der: bytes) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed certificate with exactly the subject of ``cert_der`` (every name field) and a new key."""
    subject = x509.load_der_x509_certificate(cert_der).subject
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def ca_and_p12(passphrase: str, cn: str, ca_name: str = "Northwind Root CA") -> tuple[x509.Certificate, bytes]:
    """A company CA and a PKCS#12 file (key, certificate issued by the CA, and the CA in the chain)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name),
                            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Northwind Analytics S.L.")])
    now = datetime.now(UTC)
    ca = (x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
          .not_valid_after(now + timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Northwind Analytics S.L.")])
    leaf = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(cn.encode(), key, leaf, [ca],
                                                 serialization.BestAvailableEncryption(passphrase.encode()))
    return ca, data


def material(key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> KeyMaterial:
    return KeyMaterial(key_der=key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()),
                       cert_der=cert.public_bytes(serialization.Encoding.DER))


def change_page_one(pdf: bytes, text: bytes = b"APPROVED - NO FINDINGS") -> bytes:
    """An incremental update that replaces the content of page 1 (the signed revision stays intact)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    font = generic.DictionaryObject({generic.NameObject("/Type"): generic.NameObject("/Font"),
                                     generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                                     generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica")})
    page["/Resources"] = generic.DictionaryObject({generic.NameObject("/Font"): generic.DictionaryObject(
        {generic.NameObject("/F9"): writer.add_object(font)})})
    stream = generic.StreamObject(stream_data=b"BT /F9 28 Tf 60 700 Td (" + text + b") Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(pdf: bytes) -> bytes:
    """An incremental update adding a text note on page 1 (what a reader's "comment" tool does)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Text"),
        generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(x) for x in (50, 50, 80, 80)]),
        generic.NameObject("/Contents"): generic.TextStringObject("Actually rejected"),
    })
    annots = page.get("/Annots")
    array = annots.get_object() if annots is not None else generic.ArrayObject()
    array.append(writer.add_object(note))
    page["/Annots"] = array
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_again(pdf: bytes, key_material: KeyMaterial, field: str = "Countersignature", *,
               name: str | None = None) -> bytes:
    """Append a signature by ``key_material`` in a new field, ignoring the certification's "no changes"
    (as a hand-made tool would: pyHanko itself refuses)."""
    import pyhanko.sign.signers.pdf_signer as pdf_signer

    original = pdf_signer.PdfSigner._enforce_certification_constraints
    pdf_signer.PdfSigner._enforce_certification_constraints = lambda self, reader: None  # type: ignore[method-assign]
    try:
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(key_material.cert_der),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_material.key_der),
            cert_registry=SimpleCertificateStore.from_certs([]))
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=field))
        meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
                                            name=name)
        out = io.BytesIO()
        signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=out)
        return out.getvalue()
    finally:
        pdf_signer.PdfSigner._enforce_certification_constraints = original  # type: ignore[method-assign]


def padding_span(pdf: bytes) -> tuple[int, int]:
    """Where the zero padding of the first signature's /Contents lies (start, end offsets in the file)."""
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    hole_start, hole_end = int(match.group(2)), int(match.group(3))
    hex_text = pdf[hole_start + 1:hole_end - 1]
    stripped = hex_text.rstrip(b"0")
    start = hole_start + 1 + len(stripped) + 4  # leave the DER's last bytes alone
    return start, hole_end - 1
