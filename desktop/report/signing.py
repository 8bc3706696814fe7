"""PAdES signing with pyHanko: a visible stamp in the sign-off page's signature field.

The approver's signature **certifies** the document (DocMDP, no changes allowed): a reader such as
Adobe Reader then refuses later annotations or form changes as breaking the certification, and
`vetta verify` fails any revision after it except validation data and document timestamps. With a
time-stamping server (Settings, `vetta settings set timestamp-url URL`) the signature carries an
RFC 3161 timestamp (PAdES-B-T) and the validation data (certificates, revocation information where
the issuer publishes it) is embedded in a document security store (PAdES-B-LT). Without a server it
is PAdES-B-B and the report says the time is the signer's clock.

Key material arrives as PEM/PKCS#8 bytes (from the OS keyring) or a PKCS#12 file's bytes with its
passphrase; it is held in memory only for the signing call.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, BoxConstraints, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
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


class _StampAppearance(PdfContent):
    """The stamp's look: page 1 of a small PDF drawn by reportlab in the embedded DejaVu fonts.

    pyHanko's own text stamp draws in the PDF's standard Courier (Latin-1 only: "Łukasz" came out as
    "þÿ A u k…"), and its OpenType engine writes glyph widths unscaled for 2048-unit fonts such as
    DejaVu (letters spread apart); so Vetta draws the appearance itself and pyHanko imports it.
    """

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = "/Stamp" + uuid.uuid4().hex
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def stamp_pdf(width: float, height: float, signer_name: str, signed_at: datetime, reason: str) -> bytes:
    """The stamp's appearance: a frame with the signer, the time (UTC) and the reason, each on one line, from
    the top (the report prints "Signed by …" along the field's bottom edge, which stays visible)."""
    from reportlab.pdfgen import canvas

    from desktop.report.render_doc import BOLD, FONT, fit

    register_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setLineWidth(1)
    c.rect(0.5, 0.5, width - 1, height - 1)
    inner = width - 16
    lines = [(BOLD, 9, signer_name), (FONT, 7.5, signed_at.strftime("%Y-%m-%d %H:%M:%S UTC")), (FONT, 7.5, reason)]
    y = height - 18
    for font, size, line in lines:
        c.setFont(font, size)
        c.drawString(8, y, fit(line, inner, font, size))
        y -= size + 5
    c.showPage()
    c.save()
    return out.getvalue()


# Tests replace this to use a local (dummy) time-stamping authority; it is the single place a TSA is built.
TimestamperFactory = Callable[[str], TimeStamper]


def http_timestamper(url: str) -> TimeStamper:
    return HTTPTimeStamper(url, timeout=20)


timestamper_factory: TimestamperFactory = http_timestamper


log = logging.getLogger("vetta.signing")


@dataclass(frozen=True)
class SignResult:
    pdf: bytes
    level: str  # PAdES baseline level reached: B-B, B-T or B-LT
    certified: bool  # DocMDP certification, no changes allowed
    timestamped: bool


def sign_pdf(pdf: bytes, material: KeyMaterial, where: SignatureBox, *, signer_name: str, reason: str,
             location: str = "", timestamp_url: str | None = None,
             trust_roots: Sequence[bytes] = ()) -> bytes:
    """Sign ``pdf`` (see ``sign_report``) and return the signed bytes."""
    return sign_report(pdf, material, where, signer_name=signer_name, reason=reason, location=location,
                       timestamp_url=timestamp_url, trust_roots=trust_roots).pdf


def sign_report(pdf: bytes, material: KeyMaterial, where: SignatureBox, *, signer_name: str, reason: str,
                location: str = "", timestamp_url: str | None = None,
                trust_roots: Sequence[bytes] = ()) -> SignResult:
    """Certify ``pdf`` (PAdES, whole document, no later changes allowed) with a visible stamp at ``where``.

    With ``timestamp_url`` the signature is timestamped (B-T) and, when the signer's and the
    time-stamping authority's certificates can be validated against ``trust_roots`` (DER; the
    organisation's trust roots) and the signer's own chain, the validation data is embedded (B-LT).
    An unreachable server stops the signing with a clear ``UserError``.
    """
    register_fonts()
    timestamper = timestamper_factory(timestamp_url) if timestamp_url else None
    if timestamper is None:
        return SignResult(_sign(pdf, material, where, signer_name, reason, location, None, None), "B-B", True, False)
    try:
        roots = [asn1_x509.Certificate.load(c) for c in (*trust_roots, *_chain_top(material))]
        context = ValidationContext(trust_roots=roots, other_certs=[asn1_x509.Certificate.load(c)
                                                                    for c in material.chain_der],
                                    allow_fetching=True, revocation_mode="soft-fail")
        signed = _sign(pdf, material, where, signer_name, reason, location, timestamper, context)
        return SignResult(signed, "B-LT", True, True)
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. the authority's certificate does not chain to a trust root
        log.info("validation data could not be embedded (%s: %s); signing PAdES-B-T", type(exc).__name__, exc)
    signed = _sign(pdf, material, where, signer_name, reason, location, timestamper, None)
    return SignResult(signed, "B-T", True, True)


def _chain_top(material: KeyMaterial) -> list[bytes]:
    """The certificate that ends the signer's own chain (its CA root, or itself when self-signed)."""
    return [material.chain_der[-1]] if material.chain_der else [material.cert_der]


def _sign(pdf: bytes, material: KeyMaterial, where: SignatureBox, signer_name: str, reason: str, location: str,
          timestamper: TimeStamper | None, context: ValidationContext | None) -> bytes:
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
        certify=True, docmdp_permissions=MDPPerm.NO_CHANGES,
        embed_validation_info=context is not None, validation_context=context, use_pades_lta=False,
    )
    x1, y1, x2, y2 = where.box
    appearance = stamp_pdf(abs(x2 - x1), abs(y2 - y1), signer_name, datetime.now(UTC), reason)
    stamp = StaticStampStyle(background=_StampAppearance(appearance), border_width=0, background_opacity=1.0,
                             background_layout=SimpleBoxLayoutRule(
                                 x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN,
                                 margins=Margins.uniform(0), inner_content_scaling=InnerScaling.NO_SCALING))
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp, timestamper=timestamper)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except Exception as exc:
        if timestamper is not None and _is_timestamp_failure(exc):
            url = getattr(timestamper, "url", "") or ""
            raise UserError(tr("The report could not be signed: the time-stamping server {timestamp_url} "
                               "did not answer ({error}); check the address in settings or clear it.",
                               timestamp_url=url, error=type(exc).__name__)) from exc
        raise
    return out.getvalue()


def _is_timestamp_failure(exc: BaseException) -> bool:
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimestampRequestError | OSError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
