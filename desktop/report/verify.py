"""Verify a signed Vetta report, independently of the database (the service adds DB checks)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from desktop.core.errors import UserError
from desktop.core.i18n import tr


@dataclass
class Verdict:
    intact: bool  # bytes unchanged since signing and the signature covers the whole file
    valid: bool  # cryptographically valid signature
    signer: str
    signed_at: str  # ISO 8601, from the signed attributes (or the timestamp token when present)
    timestamped: bool
    fingerprint: str  # SHA-256 of the signer certificate (hex)
    sha256: str  # of the file as given
    assessment_id: int | None
    problem: str = ""  # one sentence when not intact/valid
    known_identity: bool = False
    matches_record: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verify_pdf(data: bytes, name: str | None = None) -> Verdict:
    """Check the last signature of ``data``. Not a PDF at all: ``UserError``."""
    name = name or tr("the file")
    digest = hashlib.sha256(data).hexdigest()
    looks_pdf = data[:1024].find(b"%PDF-") >= 0 or b"/ByteRange" in data
    if not looks_pdf:
        raise UserError(tr("{name} is not a PDF file, so it cannot be verified.", name=name))
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from desktop.report.attachments import read_record

    record = read_record(data)
    assessment_id = record.get("assessment_id") if record else None
    aid = assessment_id if isinstance(assessment_id, int) else None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        return Verdict(False, False, "", "", False, "", digest, aid,
                       problem=tr("{name} is damaged: its PDF structure cannot be read, so it is not the signed file.",
                                  name=name))
    if not sigs:
        return Verdict(False, False, "", "", False, "", digest, aid, problem=tr("{name} carries no digital signature.", name=name))
    sig = sigs[-1]
    try:
        cert = sig.signer_cert
        fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        names = cert.subject.native
        signer = str(names.get("common_name") or cert.subject.human_friendly)
        if names.get("organization_name"):
            signer += f" ({names['organization_name']})"
        vc = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = validate_pdf_signature(sig, vc, skip_diff=True)
    except Exception as exc:
        return Verdict(False, False, "", "", False, "", digest, aid,
                       problem=tr("The signature in {name} is damaged and cannot be checked ({error}).",
                                  name=name, error=type(exc).__name__))
    when: datetime | None = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact) and whole
    valid = bool(status.valid) and bool(status.intact)
    problem = ""
    if not status.intact:
        problem = tr("{name} was changed after it was signed.", name=name)
    elif not whole:
        problem = tr("{name} has content added after the signature, so the signature does not cover the whole "
                     "file.", name=name)
    elif not status.valid:
        problem = tr("The signature in {name} is not cryptographically valid.", name=name)
    return Verdict(intact=intact, valid=valid, signer=signer, signed_at=when.isoformat() if when else "",
                   timestamped=status.timestamp_validity is not None, fingerprint=fingerprint, sha256=digest,
                   assessment_id=aid, problem=problem)
