"""Approve = the decision: status, approver, dates, next review, signed report, all in one transaction."""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.audit import audit_anchor
from db.engine import read_session, unit_of_work
from db.models import Assessment, AssessmentStatus, Organisation, SigningIdentity, SignOff, Vendor
from desktop.core import i18n as core_i18n
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.report.i18n import check_lang, tr
from desktop.report.render import render
from desktop.report.signing import sign_pdf
from desktop.services.identities import signing_material
from desktop.services.reports import _load_ownership, build_from_session

DECISIONS = ("approved", "approved_with_conditions", "rejected")


def normalise_decision(decision: str) -> str:
    d = decision.strip().lower().replace("-", "_").replace(" ", "_")
    if d not in DECISIONS:
        raise ValidationError(core_i18n.tr("The decision {decision} is not one of approved, "
                                           "approved-with-conditions, rejected.", decision=repr(decision)), field="decision")
    return d


def add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def approve(engine: Engine, assessment_id: int, *, identity: str, approver: str, decision: str = "approved",
            conditions: list[str] | None = None, lang: str = "en", p12: Path | None = None,
            p12_passphrase: str | None = None, ownership: dict[str, Any] | None = None) -> dict[str, Any]:
    """Decide an assessment in review and sign its report. Nothing is written if any step fails."""
    check_lang(lang)
    decision = normalise_decision(decision)
    conds = [c.strip() for c in (conditions or []) if c.strip()]
    approver = approver.strip()
    if not approver:
        raise ValidationError(core_i18n.tr("The approver's name is needed to approve an assessment."), field="approver")
    if decision == "approved_with_conditions" and not conds:
        raise ValidationError(core_i18n.tr("Approving with conditions needs at least one condition "
                                           "(--condition TEXT)."),
                              field="conditions")
    if decision != "approved_with_conditions" and conds:
        raise ValidationError(core_i18n.tr("Conditions only go with the decision approved-with-conditions."), field="conditions")
    with read_session(engine) as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        _check_state(a, approver)
        v = s.get(Vendor, a.vendor_id)
        assert v is not None
        party_id, as_of = v.party_id, a.as_of or date.today()
    # the key first: no keyring or a wrong passphrase stops here, before anything is written
    material = signing_material(engine, identity, p12=p12, p12_passphrase=p12_passphrase)
    if ownership is None:
        ownership = _load_ownership(engine, party_id, as_of, lang)
    with unit_of_work(engine, approver) as s:
        a = s.get(Assessment, assessment_id, with_for_update=True)
        if a is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        _check_state(a, approver)
        ident = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == identity)).one()
        org = s.exec(select(Organisation)).first() or Organisation()
        vendor = s.get(Vendor, a.vendor_id)
        assert vendor is not None
        now = datetime.now(UTC)
        months = getattr(org, f"review_months_{vendor.tier}", org.review_months_medium)
        a.status = decision
        a.approver = approver
        a.decided_at = now
        a.next_review_due = add_months(now.date(), months) if decision != "rejected" else None
        s.add(a)
        if decision != "rejected":
            vendor.next_review_due = a.next_review_due
            s.add(vendor)
        so = SignOff(assessment_id=assessment_id, decision=decision, conditions_json=json.dumps(conds),
                     preparer=a.preparer, approver=approver, identity_id=ident.id, decided_at=now, report_lang=lang)
        s.add(so)
        s.flush()
        model = build_from_session(s, assessment_id, lang, ownership=ownership, signer=ident.name)
        model.record["audit_anchor"] = audit_anchor(s.connection())  # the trail's head, now signed (issue 12)
        rendered = render(model, draft=False)
        reason = f"{tr(lang, 'dec_' + decision)}: {tr(lang, 'assessment')} #{assessment_id}"
        signed = sign_pdf(rendered.pdf, material, rendered.signature, signer_name=ident.name, reason=reason,
                          location=org.name, timestamp_url=org.timestamp_url or None)
        digest = hashlib.sha256(signed).hexdigest()
        so.report_sha256 = digest
        so.report_pdf = signed
        s.add(so)
        s.flush()
        return {
            "assessment_id": assessment_id, "decision": decision, "conditions": conds, "approver": approver,
            "preparer": a.preparer, "identity": ident.name, "fingerprint": ident.fingerprint_sha256,
            "decided_at": now.isoformat(), "next_review_due": a.next_review_due.isoformat() if a.next_review_due else None,
            "report_sha256": digest, "report_bytes": len(signed), "pages": rendered.pages,
            "timestamped": bool(org.timestamp_url),
        }


def _check_state(a: Assessment, approver: str) -> None:
    if a.status != AssessmentStatus.IN_REVIEW.value:
        raise UserError(core_i18n.tr("Assessment {id} is {status}, not in review; only an assessment "
                                     "submitted for review can be approved or rejected.",
                                     id=a.id, status=core_i18n.tr(a.status.replace('_', ' '))))
    if a.preparer and a.preparer.strip().casefold() == approver.casefold():
        raise UserError(core_i18n.tr("{approver} prepared assessment {id} and cannot also approve it; "
                                     "another person must decide.", approver=approver, id=a.id))


def signed_report(engine: Engine, assessment_id: int) -> bytes | None:
    with read_session(engine) as s:
        so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == assessment_id)).first()
        return bytes(so.report_pdf) if so and so.report_pdf else None
