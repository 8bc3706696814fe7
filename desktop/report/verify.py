"""Verify a signed Vetta report, independently of the database (the service adds the database's checks).

What is checked, for every signature and every revision of the file:

- each signature's bytes (intact), its cryptography (valid), and that the hole its ``/ByteRange``
  leaves holds exactly ``<hex>`` of the signature followed by zero padding: a byte changed in the
  padding is tampering, even though it changes nothing a validator reads;
- the approver's signature is the first one; after it only validation data (a document security
  store) and document timestamps may follow. Any other revision (a changed page, an added
  annotation, a second signature, whoever made it) fails, and a certified (DocMDP) signature's
  "no changes" is enforced the same way;
- whether the signer is trusted: their certificate chains to one of ``trust_roots`` (the
  certificates of this database's signing identities, the trust roots in Settings, and any
  ``--trust CERT.pem``). A look-alike certificate with the same name but another key is not
  trusted: trust goes by key, never by name;
- the time: the RFC 3161 timestamp's when there is one (checked too), else the signer's clock.

``Verdict.status``: "trusted" (everything holds and the signer is trusted), "untrusted" (the file
is intact and validly signed, but nobody trusted vouches for the signer), "invalid".
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from desktop.core.errors import UserError
from desktop.core.i18n import N_, tr

TRUSTED, UNTRUSTED, INVALID = "trusted", "untrusted", "invalid"
log = logging.getLogger("vetta.verify")
_HEX = re.compile(rb"^<([0-9A-Fa-f]*)>$")


@dataclass
class SignatureCheck:
    """One signature (or document timestamp) of the file."""

    field: str
    kind: str  # signature | timestamp
    signer: str
    fingerprint: str
    intact: bool
    valid: bool
    trusted: bool
    certified: bool  # a DocMDP certification signature
    covers: str  # file | revision (followed by later revisions)
    after: str  # what later revisions do: none | validation data | form filling | annotations | other
    signed_at: str
    timestamped: bool
    padding_ok: bool
    problem: str = ""


@dataclass
class Verdict:
    intact: bool  # the approver's signature holds and only validation data or timestamps follow it
    valid: bool  # cryptographically valid signature
    signer: str
    signed_at: str  # ISO 8601, from the timestamp token when present, else the signer's clock
    timestamped: bool
    fingerprint: str  # SHA-256 of the signer certificate (hex)
    sha256: str  # of the file as given
    assessment_id: int | None
    problem: str = ""  # one sentence when not intact/valid
    known_identity: bool = False
    matches_record: bool = False
    trusted: bool = False  # the signer's certificate chains to a trusted certificate
    trusted_by: str = ""  # which one, in words
    certified: bool = False
    pades_level: str = ""  # B-B, B-T, B-LT (B-LTA with a document timestamp)
    time_source: str = ""  # timestamp | clock
    time_authority: str = ""  # the time-stamping authority's name
    revisions: int = 0
    signatures: list[SignatureCheck] = field(default_factory=list)
    record_checked: bool = False  # a database record of this assessment was compared with the file
    record_problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not (self.intact and self.valid) or self.record_problems:
            return INVALID
        return TRUSTED if self.trusted else UNTRUSTED

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status
        return data


def _name_of(cert: Any) -> str:
    names = cert.subject.native
    signer = str(names.get("common_name") or cert.subject.human_friendly)
    if names.get("organization_name"):
        signer += f" ({names['organization_name']})"
    return signer


def padding_intact(data: bytes, byte_range: Sequence[int]) -> bool:
    """True when the hole in ``byte_range`` is exactly ``<hex>``: the DER signature, then zeros only."""
    try:
        start, length, resume = int(byte_range[0]), int(byte_range[1]), int(byte_range[2])
    except (IndexError, TypeError, ValueError):
        return False
    if start != 0 or length < 0 or resume < length or resume > len(data):
        return False
    match = _HEX.match(data[length:resume])
    if match is None or len(match.group(1)) % 2:
        return False
    raw = bytes.fromhex(match.group(1).decode("ascii"))
    if len(raw) < 2 or raw[0] != 0x30:  # a DER SEQUENCE (the CMS ContentInfo)
        return False
    first = raw[1]
    if first < 0x80:
        end = 2 + first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or len(raw) < 2 + count:
            return False
        end = 2 + count + int.from_bytes(raw[2:2 + count], "big")
    return end <= len(raw) and not any(raw[end:])


def _timestamp_time(signer_info: Any) -> datetime | None:
    """The time in the signature's RFC 3161 token (read, not yet validated), or None."""
    try:
        for attr in signer_info["unsigned_attrs"]:
            if attr["type"].native == "signature_time_stamp_token":
                tst = attr["values"][0]["content"]["encap_content_info"]["content"].parsed
                value = tst["gen_time"].native
                return value if isinstance(value, datetime) else None
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    return None


def _after_text(level: Any) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel

    return {
        None: N_("none"), ModificationLevel.NONE: N_("none"), ModificationLevel.LTA_UPDATES: N_("validation data"),
        ModificationLevel.FORM_FILLING: N_("form filling"), ModificationLevel.ANNOTATIONS: N_("annotations"),
    }.get(level, N_("other"))


def verify_pdf(data: bytes, name: str | None = None, *, trust_roots: Sequence[bytes] = ()) -> Verdict:
    """Check every signature and revision of ``data``; ``trust_roots`` are DER certificates. Not a PDF: ``UserError``."""
    # pyHanko logs each untrusted certificate and each refused revision with a traceback: expected
    # outcomes here, which the verdict states in one sentence.
    quiet = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return _verify(data, name, trust_roots)
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def _verify(data: bytes, name: str | None, trust_roots: Sequence[bytes]) -> Verdict:
    name = name or tr("the file")
    digest = hashlib.sha256(data).hexdigest()
    looks_pdf = data[:1024].find(b"%PDF-") >= 0 or b"/ByteRange" in data
    if not looks_pdf:
        raise UserError(tr("{name} is not a PDF file, so it cannot be verified.", name=name))
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    from desktop.report.attachments import read_record

    record = read_record(data)
    assessment_id = record.get("assessment_id") if record else None
    aid = assessment_id if isinstance(assessment_id, int) else None

    def broken(problem: str) -> Verdict:
        return Verdict(False, False, "", "", False, "", digest, aid, problem=problem)

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
        revisions = reader.xrefs.total_revisions
    except Exception:
        return broken(tr("{name} is damaged: its PDF structure cannot be read, so it is not the signed file.",
                         name=name))
    if not sigs:
        return broken(tr("{name} carries no digital signature.", name=name))
    try:
        roots = [asn1_x509.Certificate.load(c) for c in trust_roots]
        for root in roots:
            root.native  # noqa: B018 - parse now: a bad certificate is the caller's input error
    except ValueError as exc:
        raise UserError(tr("A certificate given to trust cannot be read.")) from exc
    tail = data.rstrip(b"\r\n\t \x00")
    if not tail.endswith(b"%%EOF"):
        return broken(tr("{name} has bytes appended after its last revision, so it is not the file that was "
                         "signed.", name=name))
    dss_kwargs = _dss_context(reader)
    checks: list[SignatureCheck] = []
    approver: SignatureCheck | None = None
    approver_time: datetime | None = None
    authority = ""
    for sig in sigs:
        check, when, tsa = _check_one(sig, data, roots, dss_kwargs, name)
        checks.append(check)
        if check.kind == "signature" and approver is None:
            approver, approver_time, authority = check, when, tsa
    verdict = Verdict(intact=False, valid=False, signer="", signed_at="", timestamped=False, fingerprint="",
                      sha256=digest, assessment_id=aid, revisions=revisions, signatures=checks)
    if approver is None:
        verdict.problem = tr("{name} carries only document timestamps, no signature.", name=name)
        return verdict
    verdict.signer, verdict.fingerprint = approver.signer, approver.fingerprint
    verdict.signed_at = approver_time.isoformat() if approver_time else ""
    verdict.timestamped = approver.timestamped
    verdict.time_source = "timestamp" if approver.timestamped else "clock"
    verdict.time_authority = authority
    verdict.certified = approver.certified
    verdict.valid = approver.valid
    verdict.trusted = approver.trusted
    later = checks[checks.index(approver) + 1:]
    doc_timestamps = [c for c in later if c.kind == "timestamp"]
    verdict.pades_level = ("B-LTA" if doc_timestamps else "B-LT" if dss_kwargs else
                           "B-T" if approver.timestamped else "B-B")
    problem = approver.problem
    extra = next((c for c in later if c.kind == "signature"), None)
    if problem and extra is not None and approver.after == "form filling" and approver.intact and approver.valid:
        problem = ""  # the "form filling" is the added signature field: say so in plain words below
    if not problem:
        problem = next((c.problem for c in later if c.problem), "")
    if not problem:
        if extra is not None:
            problem = tr("{name} has another signature (by {signer}) added after the approver's; a signed Vetta "
                         "report carries the approver's signature only.", name=name, signer=extra.signer or "?")
    verdict.intact = not problem and approver.intact
    verdict.problem = problem
    return verdict


def _dss_context(reader: Any) -> dict[str, Any] | None:
    """The validation data embedded in the file (certificates, OCSP responses, CRLs), or None."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged store adds nothing; the signature checks still decide
        log.info("the document security store cannot be read", exc_info=True)
        return None
    return {"other_certs": list(dss.load_certs())}


def _check_one(sig: Any, data: bytes, roots: list[Any], dss: dict[str, Any] | None,
               name: str) -> tuple[SignatureCheck, datetime | None, str]:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    kind = "timestamp" if str(sig.sig_object.get("/Type", "")) == "/DocTimeStamp" else "signature"
    padding_ok = padding_intact(data, list(sig.byte_range))
    try:
        cert = sig.signer_cert
        fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        signer = _name_of(cert)
        token_time = _timestamp_time(sig.signer_info) if kind == "signature" else None
        moment = token_time or sig.self_reported_timestamp
        other = list(sig.other_embedded_certs) + list((dss or {}).get("other_certs") or [])
        context = ValidationContext(trust_roots=roots, other_certs=other, allow_fetching=False,
                                    revocation_mode="soft-fail", moment=moment)
        if kind == "timestamp":
            status: Any = validate_pdf_timestamp(sig, context)
        else:
            ts_context = ValidationContext(trust_roots=roots, other_certs=other, allow_fetching=False,
                                           revocation_mode="soft-fail", moment=token_time)
            status = validate_pdf_signature(sig, context, ts_context)
    except Exception as exc:  # noqa: BLE001 - anything that stops validation means the signature does not hold
        log.info("signature %s cannot be checked", getattr(sig, "field_name", "?"), exc_info=True)
        check = SignatureCheck(str(getattr(sig, "field_name", "") or ""), kind, "", "", False, False, False, False,
                               "", "other", "", False, padding_ok,
                               tr("The signature in {name} is damaged and cannot be checked ({error}).",
                                  name=name, error=type(exc).__name__))
        return check, None, ""
    covers = "file" if status.coverage == SignatureCoverageLevel.ENTIRE_FILE else "revision"
    after = _after_text(getattr(status, "modification_level", None))
    timestamp = getattr(status, "timestamp_validity", None)
    when: datetime | None
    authority = ""
    if kind == "timestamp":
        when = getattr(status, "timestamp", None)
    elif timestamp is not None:
        when = timestamp.timestamp
        authority = _name_of(timestamp.signing_cert) if getattr(timestamp, "signing_cert", None) else ""
    else:
        when = status.signer_reported_dt
    certified = sig.docmdp_level is not None and kind == "signature"
    problem = ""
    if not status.intact:
        problem = tr("{name} was changed after it was signed.", name=name)
    elif not status.valid:
        problem = tr("The signature in {name} is not cryptographically valid.", name=name)
    elif not padding_ok:
        problem = tr("{name} was changed inside its signature's reserved space (the zero padding after the "
                     "signature), so it is not the file that was signed.", name=name)
    elif status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        problem = tr("{name} has content the signature does not cover.", name=name)
    elif after not in ("none", "validation data") or getattr(status, "docmdp_ok", True) is False:
        problem = tr("{name} was changed after it was signed: a later revision adds or changes content ({what}); "
                     "only validation data and timestamps may follow the signature.", name=name, what=tr(after))
    elif timestamp is not None and not (timestamp.intact and timestamp.valid):
        problem = tr("The timestamp in {name} does not match its signature.", name=name)
    check = SignatureCheck(
        field=str(sig.field_name or ""), kind=kind, signer=signer, fingerprint=fingerprint,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted), certified=certified,
        covers=covers, after=after, signed_at=when.isoformat() if when else "",
        timestamped=kind == "timestamp" or timestamp is not None, padding_ok=padding_ok, problem=problem)
    return check, when, authority
