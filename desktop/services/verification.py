"""`vetta verify` with a database at hand: whom to trust, and whether the file is the one on record.

Trusted certificates: every signing identity registered in this database (by key: the exact
certificate, never a name), the trust roots in Settings, and the certificates given with
``--trust``. Without a database (an auditor outside the company) only ``--trust`` counts.

With a database, when the file claims an assessment this database decided (same id and vendor),
the file's SHA-256 must be the one recorded with the decision, and the record attached to the PDF
(assessment.json) must agree with the database: status, rating, score, template, answers and
evidence hashes. Any difference is a failure, named field by field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import (
    Answer,
    Assessment,
    ChecklistTemplate,
    EvidenceFile,
    Party,
    SigningIdentity,
    SignOff,
    Vendor,
)
from desktop.core.i18n import tr
from desktop.report.verify import Verdict, verify_pdf
from desktop.services.settings import read_certificates, trust_root_certificates

MAX_PDF_BYTES = 200 * 1024 * 1024


def read_trust_files(paths: Sequence[Path]) -> list[bytes]:
    """The certificates in each ``--trust`` file (PEM or DER)."""
    found: list[bytes] = []
    for path in paths:
        found += read_certificates(path)
    return found


def verify_data(engine: Engine | None, data: bytes, name: str | None = None, *,
                trust: Sequence[bytes] = ()) -> Verdict:
    """Verify ``data``; with ``engine``, also trust its identities and roots and compare it with the record."""
    identities: dict[str, str] = {}
    roots: list[bytes] = list(trust)
    if engine is not None:
        with read_session(engine) as s:
            for row in s.exec(select(SigningIdentity)).all():
                identities[row.fingerprint_sha256] = row.name
                roots.append(bytes(row.certificate_der))
        roots += trust_root_certificates(engine)
    verdict = verify_pdf(data, name, trust_roots=roots)
    given = {hashlib.sha256(c).hexdigest() for c in trust}
    verdict.known_identity = bool(verdict.fingerprint) and verdict.fingerprint in identities
    if verdict.trusted:
        if verdict.fingerprint in given:
            verdict.trusted_by = tr("the certificate you gave to trust")
        elif verdict.known_identity:
            verdict.trusted_by = tr("the signing identity {name} in this database",
                                    name=repr(identities[verdict.fingerprint]))
        else:
            verdict.trusted_by = tr("a trusted certificate authority")
    if engine is not None:
        with read_session(engine) as s:
            _compare_with_record(s, verdict, data)
    return verdict


def verify_path(engine: Engine | None, path: Path, *, trust: Sequence[bytes] = ()) -> Verdict:
    from desktop.core.files import read_regular_file

    # ordinary files only (never a folder, FIFO or device), bounded: one reader for every file Vetta takes in
    data = read_regular_file(path, MAX_PDF_BYTES, what=tr("signed reports"))
    return verify_data(engine, data, tr("The file {path}", path=repr(str(path))), trust=trust)


def _compare_with_record(s: Session, verdict: Verdict, data: bytes) -> None:
    from desktop.report.render import read_record

    so = s.exec(select(SignOff).where(col(SignOff.report_sha256) == verdict.sha256)).first()
    verdict.matches_record = so is not None
    if so is not None and verdict.assessment_id is None:
        verdict.assessment_id = so.assessment_id
    record = read_record(data) or {}
    aid = so.assessment_id if so is not None else verdict.assessment_id
    if aid is None:
        return
    a = s.get(Assessment, aid)
    if a is None:
        return
    vendor = s.get(Vendor, a.vendor_id)
    party = s.get(Party, vendor.party_id) if vendor is not None else None
    if so is None:
        # the file says it is this database's assessment: then it must be the file recorded with the decision
        if party is None or _vendor_name(_core_record(record)) != party.name:
            return  # another organisation's assessment with the same number
        stored = s.exec(select(SignOff).where(col(SignOff.assessment_id) == aid)).first()
        if stored is None or not stored.report_sha256:
            return
        verdict.record_checked = True
        verdict.record_problems.append(tr(
            "This database recorded another file with the decision on assessment {id} (SHA-256 {recorded}…); "
            "this one (SHA-256 {given}…) is not it.", id=aid, recorded=stored.report_sha256[:16],
            given=verdict.sha256[:16]))
        return
    verdict.record_checked = True
    verdict.record_problems += record_differences(s, a, _core_record(record))


def _core_record(attached: dict[str, Any]) -> dict[str, Any]:
    """The assessment record inside assessment.json (the report model carries it under "record")."""
    inner = attached.get("record")
    return inner if isinstance(inner, dict) and "assessment_id" in inner else attached


def _vendor_name(record: dict[str, Any]) -> str | None:
    vendor = record.get("vendor")
    if isinstance(vendor, dict):
        vendor = vendor.get("name")
    return vendor if isinstance(vendor, str) else None


def _norm(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def record_differences(s: Session, a: Assessment, record: dict[str, Any]) -> list[str]:
    """Where the record attached to a signed report disagrees with the database (one sentence each)."""
    if not record:
        return [tr("The signed report of assessment {id} carries no assessment.json record to compare.", id=a.id)]
    problems: list[str] = []

    def differs(what: str) -> None:
        problems.append(tr("The database's assessment {id} no longer matches the signed record: {what} differs.",
                           id=a.id, what=what))

    for key, current in (("assessment_id", a.id), ("status", a.status), ("rating", a.rating),
                         ("series_version", a.series_version)):
        if key in record and record[key] != current:
            differs(key)
    if "score" in record and _norm(record["score"]) != _norm(a.score):
        differs("score")
    template = s.get(ChecklistTemplate, a.template_id)
    rec_template = record.get("template")
    if isinstance(rec_template, dict) and template is not None:
        for key in ("key", "version", "sha256"):
            if key in rec_template and rec_template[key] != getattr(template, key):
                differs(f"template {key}")
    rec_answers = record.get("answers")
    if isinstance(rec_answers, list):
        have = {x.question_key: x for x in s.exec(select(Answer).where(col(Answer.assessment_id) == a.id)).all()}
        seen = set()
        for item in rec_answers:
            if not isinstance(item, dict):
                continue
            key = str(item.get("question"))
            seen.add(key)
            row = have.get(key)
            if row is None:
                differs(f"answer {key}")
                continue
            value = json.loads(row.value_json) if row.value_json else None
            if _norm(item.get("value")) != _norm(value) or item.get("source") != row.source \
                    or item.get("justification", row.justification) != row.justification:
                differs(f"answer {key}")
        for key in sorted(set(have) - seen):
            if have[key].value_json is not None:
                differs(f"answer {key}")
    rec_evidence = record.get("evidence")
    if isinstance(rec_evidence, list):
        for item in rec_evidence:
            if not isinstance(item, dict) or not str(item.get("ref", "")).startswith("E"):
                continue
            try:
                ev = s.get(EvidenceFile, int(str(item["ref"])[1:]))
            except ValueError:
                continue
            if ev is None or ev.sha256 != item.get("sha256"):
                differs(f"evidence {item['ref']}")
    if "findings" in record and isinstance(record["findings"], list):
        try:
            stored = json.loads(a.findings_json or "[]")
        except ValueError:
            stored = None
        stored = stored if isinstance(stored, list) else []
        signed = record["findings"]
        if not any(isinstance(f, dict) and f.get("source") == "ownership" for f in stored):
            # submitted before findings carried the analysis': the report added the analysis' findings of
            # the day it was signed (desktop.services.reports.build_from_session), which no row stores
            signed = [f for f in signed if not (isinstance(f, dict) and f.get("source") == "ownership")]
        if _finding_keys(signed) != _finding_keys(stored):
            differs("findings")
    return problems


def _finding_keys(items: list[Any]) -> list[tuple[str, str, str]]:
    """Findings compared by what identifies them (severity, code, question), whatever else the format carries."""
    keys = [(str(f.get("severity", "")), str(f.get("code", "")), _question_id(f.get("question")))
            for f in items if isinstance(f, dict)]
    return sorted(keys)


def _question_id(question: Any) -> str:
    """A finding's question as stored (``{"id": ..., "text": ...}``) or as an older plain id."""
    if isinstance(question, dict):
        return str(question.get("id", ""))
    return "" if question is None else str(question)
