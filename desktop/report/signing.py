"""PAdES signing with pyHanko: a visible stamp in the sign-off page's signature field.

Key material arrives as PEM/PKCS#8 bytes (from the OS keyring) or a PKCS#12 file's bytes with its
passphrase; it is held in memory only for the signing call.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from desktop.core.errors import UserError
from desktop.core.i18n import tr
from desktop.report.render import SIGNATURE_FIELD, SignatureBox, register_fonts


@dataclass(frozen=True)
class KeyMaterial:
    """A private key (PKCS#8 DER) and its certificate chain (DER, signer first)."""

    key_der: bytes
    cert_der: bytes
    chain_der: tuple[bytes, ...] = ()


def material_from_pem(key_pem: bytes, cert_der: bytes) -> KeyMaterial:
    key = serialization.load_pem_private_key(key_pem, password=None)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return KeyMaterial(key_der=der, cert_der=cert_der)


def material_from_p12(data: bytes, passphrase: str | None, source: str = "the PKCS#12 file") -> KeyMaterial:
    """Open a PKCS#12 file; a wrong passphrase or a damaged file is a clear user error."""
    if passphrase and "\x00" in passphrase:
        # OpenSSL cannot take a NUL inside a passphrase: cryptography panics (a BaseException that no
        # `except Exception` catches) instead of raising, so no such passphrase may reach it.
        raise UserError(tr("{source} cannot be opened: a passphrase cannot contain a NUL character.",
                           source=source))
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode() if passphrase else None)
    except ValueError as exc:
        raise UserError(tr("{source} cannot be opened: the passphrase is wrong or the file is not a PKCS#12 "
                           "key file.", source=source)) from exc
    if key is None or cert is None:
        raise UserError(tr("{source} holds no private key with its certificate; export it again with the "
                           "key.", source=source))
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return KeyMaterial(key_der=der, cert_der=cert.public_bytes(serialization.Encoding.DER),
                       chain_der=tuple(c.public_bytes(serialization.Encoding.DER) for c in (extra or [])))


def cert_fingerprint(cert_der: bytes) -> str:
    from cryptography.hazmat.primitives import hashes

    return x509.load_der_x509_certificate(cert_der).fingerprint(hashes.SHA256()).hex()


# Tests replace this to use a local (dummy) time-stamping authority; it is the single place a TSA is built.
TimestamperFactory = Callable[[str], TimeStamper]


def http_timestamper(url: str) -> TimeStamper:
    return HTTPTimeStamper(url, timeout=20)


timestamper_factory: TimestamperFactory = http_timestamper


def sign_pdf(pdf: bytes, material: KeyMaterial, where: SignatureBox, *, signer_name: str, reason: str,
             location: str = "", timestamp_url: str | None = None) -> bytes:
    """Sign ``pdf`` (PAdES baseline, whole document) with a visible stamp at ``where``."""
    register_fonts()
    cert = asn1_x509.Certificate.load(material.cert_der)
    key = asn1_keys.PrivateKeyInfo.load(material.key_der)
    registry = SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(c) for c in material.chain_der])
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=registry)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(
        sig_field_name=SIGNATURE_FIELD, on_page=where.page, box=where.box))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location or None, name=signer_name,
        use_pades_lta=False,
    )
    stamp = TextStampStyle(
        stamp_text="%(signer)s\n%(ts)s\n" + reason,
        text_box_style=TextBoxStyle(font_size=7),
        border_width=1,
    )
    timestamper = timestamper_factory(timestamp_url) if timestamp_url else None
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp, timestamper=timestamper)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except Exception as exc:
        if timestamp_url:
            raise UserError(tr("The report could not be signed: the time-stamping server {timestamp_url} "
                               "did not answer ({error}); check the address in settings or clear it.",
                               timestamp_url=timestamp_url, error=type(exc).__name__)) from exc
        raise
    return out.getvalue()
