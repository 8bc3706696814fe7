"""Approve = the decision: status, approver, dates, next review, signed report, all in one transaction.

The approver's rationale and the conditions (text, owner, due date) are recorded with the sign-off
(and so in the audit trail) and signed into the report, in the language of record chosen at approval.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.audit import audit_anchor
from db.engine import read_session, unit_of_work
from db.models import (
    Answer,
    Assessment,
    AssessmentParticipant,
    AssessmentStatus,
    AuditEvent,
    EvidenceFile,
    EvidenceLink,
    Organisation,
    SigningIdentity,
    SignOff,
    TrustRoot,
    Vendor,
)
from desktop.core import i18n as core_i18n
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.core.findings import Condition, Text
from desktop.report.i18n import check_lang, decision_label
from desktop.report.model import SignOffInfo
from desktop.report.render import render
from desktop.report.signing import sign_report
from desktop.services import reviews
from desktop.services.identities import signing_material
from desktop.services.reports import build_from_session

DECISIONS = ("approved", "approved_with_conditions", "rejected")
NEEDS_RATIONALE = ("not_neutral", "conditionally_neutral")  # approving these needs the approver's reasons
MAX_RATIONALE = 5000


def normalise_decision(decision: str) -> str:
    d = decision.strip().lower().replace("-", "_").replace(" ", "_")
    if d not in DECISIONS:
        raise ValidationError(core_i18n.tr("The decision {decision} is not one of approved, "
                                           "approved-with-conditions, rejected.", decision=repr(decision)), field="decision")
    return d


def parse_conditions(conditions: list[Any] | None) -> list[Condition]:
    """Conditions as given ({text, owner, due} mappings or ``Condition``); each needs an owner and a due date."""
    out: list[Condition] = []
    for number, raw in enumerate(conditions or [], 1):
        c = Condition.parse(raw)
        if c is None or not c.text.en.strip():
            continue
        c = Condition(Text.same(c.text.en.strip()), c.owner.strip(), c.due.strip(), c.question)
        if not c.owner or not c.due:
            raise ValidationError(core_i18n.tr(
                "Condition {number} ({text}) needs an owner and a due date (--owner NAME --due YYYY-MM-DD after "
                "its --condition).", number=number, text=repr(c.text.en)), field="conditions")
        try:
            due = date.fromisoformat(c.due)
        except ValueError:
            raise ValidationError(core_i18n.tr("The due date {due} of condition {number} is not a date; write it as "
                                               "YYYY-MM-DD.", due=repr(c.due), number=number),
                                  field="conditions") from None
        if due < date.today():
            raise ValidationError(core_i18n.tr("The due date {due} of condition {number} is in the past.",
                                               due=due.isoformat(), number=number), field="conditions")
        out.append(c)
    return out


def approve(engine: Engine, assessment_id: int, *, identity: str, approver: str, decision: str = "approved",
            conditions: list[Any] | None = None, rationale: str = "", lang: str | None = None,
            p12: Path | None = None, p12_passphrase: str | None = None,
            ownership: dict[str, Any] | None = None) -> dict[str, Any]:
    """Decide an assessment in review and sign its report. Nothing is written if any step fails.

    ``lang`` is the language of record of the signed report (default: the interface language).
    Approving an assessment rated not neutral or conditionally neutral needs a ``rationale``.
    """
    lang = check_lang(lang or core_i18n.current_language())
    decision = normalise_decision(decision)
    conds = parse_conditions(conditions)
    rationale = (rationale or "").strip()
    if len(rationale) > MAX_RATIONALE:
        raise ValidationError(core_i18n.tr("The rationale is longer than {limit} characters.", limit=MAX_RATIONALE),
                              field="rationale")
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
        _check_rationale(a, decision, rationale)
        check_separation_of_duties(s, a, approver)
        check_identity_owner(s, identity, approver)
        v = s.get(Vendor, a.vendor_id)
        assert v is not None
        party_id, as_of = v.party_id, a.as_of or date.today()
    # the key first: no keyring or a wrong passphrase stops here, before anything is written
    material = signing_material(engine, identity, p12=p12, p12_passphrase=p12_passphrase)
    if ownership is None:
        from desktop.services.ownership import analyze

        ownership = analyze(engine, party_id, as_of, lang=lang)
    with unit_of_work(engine, approver) as s:
        a = s.get(Assessment, assessment_id, with_for_update=True)
        if a is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        _check_state(a, approver)
        _check_rationale(a, decision, rationale)
        check_separation_of_duties(s, a, approver)
        ident = check_identity_owner(s, identity, approver)
        org = s.exec(select(Organisation)).first() or Organisation()
        vendor = s.get(Vendor, a.vendor_id)
        assert vendor is not None
        now = datetime.now(UTC)
        # one rule (desktop.services.reviews): approvals schedule the next review, a rejection none;
        # the vendor's next review is the one its latest decision scheduled. Computed before the
        # assessment changes: its query would flush a half-decided row the guards then refuse to touch.
        next_review = reviews.schedule(s, a.vendor_id, decision, now.date())
        a.status = decision
        a.approver = approver
        a.decided_at = now
        a.next_review_due = next_review
        s.add(a)
        vendor.next_review_due = a.next_review_due
        s.add(vendor)
        conditions_json = json.dumps([c.to_dict() | {"text": c.text.en} for c in conds], ensure_ascii=False)
        so = SignOff(assessment_id=assessment_id, decision=decision, conditions_json=conditions_json,
                     preparer=a.preparer, approver=approver, identity_id=ident.id, decided_at=now, report_lang=lang,
                     rationale=rationale)
        s.add(so)
        s.flush()
        model = build_from_session(s, assessment_id, lang, ownership=ownership, signer=ident.name)
        describe_signature(model.signoff, ident, org.timestamp_url)
        model.record["audit_anchor"] = audit_anchor(s.connection())  # the trail's head, now signed (issue 12)
        rendered = render(model, draft=False)
        reason = core_i18n.tr("{decision}: assessment #{id}", lang, decision=decision_label(decision, lang),
                              id=assessment_id)
        result = sign_report(rendered.pdf, material, rendered.signature, signer_name=ident.name, reason=reason,
                             location=org.name, timestamp_url=org.timestamp_url or None,
                             trust_roots=[bytes(r.certificate_der) for r in s.exec(
                                 select(TrustRoot).where(col(TrustRoot.archived_at).is_(None))).all()])
        signed = result.pdf
        digest = hashlib.sha256(signed).hexdigest()
        so.report_sha256 = digest
        so.report_pdf = signed
        s.add(so)
        s.flush()
        return {
            "assessment_id": assessment_id, "decision": decision,
            "conditions": [{"text": c.text.en, "owner": c.owner, "due": c.due} for c in conds],
            "rationale": rationale, "language": lang, "approver": approver,
            "preparer": a.preparer, "identity": ident.name, "fingerprint": model.signoff.fingerprint,
            "decided_at": now.isoformat(), "next_review_due": a.next_review_due.isoformat() if a.next_review_due else None,
            "report_sha256": digest, "report_bytes": len(signed), "pages": rendered.pages,
            "timestamped": result.timestamped, "pades_level": result.level, "certified": result.certified,
        }


def _check_rationale(a: Assessment, decision: str, rationale: str) -> None:
    if decision != "rejected" and a.rating in NEEDS_RATIONALE and not rationale:
        from desktop.core.checklist.scoring import rating_label

        raise ValidationError(core_i18n.tr(
            "Assessment {id} is rated {rating}: approving it needs your rationale (--rationale TEXT), which is "
            "signed into the report.", id=a.id, rating=rating_label(a.rating, core_i18n.current_language())),
            field="rationale")


def describe_signature(info: SignOffInfo, ident: SigningIdentity, timestamp_url: str | None) -> None:
    """Where the signing time comes from, for the sign-off page. The fingerprint printed beside it is
    computed from the certificate itself when the model is built (never the stored column alone)."""
    info.fingerprint = info.fingerprint or ident.fingerprint_sha256
    info.time_source = "timestamp" if timestamp_url else "clock"
    info.timestamp_server = timestamp_url or ""


def _check_state(a: Assessment, approver: str) -> None:
    if a.status != AssessmentStatus.IN_REVIEW.value:
        raise UserError(core_i18n.tr("Assessment {id} is {status}, not in review; only an assessment "
                                     "submitted for review can be approved or rejected.",
                                     id=a.id, status=core_i18n.tr(a.status.replace('_', ' '))))
    if a.preparer and a.preparer.strip().casefold() == approver.casefold():
        raise UserError(core_i18n.tr("{approver} prepared assessment {id} and cannot also approve it; "
                                     "another person must decide.", approver=approver, id=a.id))


# --------------------------------------------------------------------------- separation of duties


def participants(s: Session, a: Assessment) -> dict[str, set[str]]:
    """Everyone who prepared, answered or submitted ``a`` (names casefolded -> what they did).

    From the record itself (preparer, who answered, who uploaded evidence to an answer), the audit
    trail (who created it, who submitted it, who changed an answer), and on PostgreSQL in team mode
    the participants the database recorded with each writer's login.
    """
    assert a.id is not None
    found: dict[str, set[str]] = {}

    def note(name: str | None, part: str) -> None:
        if name and name.strip():
            found.setdefault(name.strip().casefold(), set()).add(part)

    note(a.preparer, "prepared")
    answers = s.exec(select(Answer).where(col(Answer.assessment_id) == a.id)).all()
    answer_ids = {x.id for x in answers if x.id is not None}
    for ans in answers:
        note(ans.answered_by, "answered")
    if answer_ids:
        uploads = s.exec(select(EvidenceFile.uploaded_by).join(EvidenceLink, col(EvidenceLink.evidence_id) == col(EvidenceFile.id))
                         .where(col(EvidenceLink.record_type) == "answer")
                         .where(col(EvidenceLink.record_id).in_(answer_ids))).all()
        for who in uploads:
            note(who, "answered")
    events = s.exec(select(AuditEvent).where(col(AuditEvent.vendor_id) == a.vendor_id)
                    .where(col(AuditEvent.record_type).in_(("assessment", "answer")))).all()
    for e in events:
        if e.record_type == "answer" and e.record_id in answer_ids:
            note(e.actor, "answered")
        elif e.record_type == "assessment" and e.record_id == a.id:
            try:
                changes = json.loads(e.changes_json or "{}")
            except ValueError:
                changes = {}
            status = changes.get("status") if isinstance(changes, dict) else None
            if e.action == "create":
                note(e.actor, "prepared")
            elif isinstance(status, list) and status[-1:] == [AssessmentStatus.IN_REVIEW.value]:
                note(e.actor, "submitted")
    for row in s.exec(select(AssessmentParticipant).where(col(AssessmentParticipant.assessment_id) == a.id)).all():
        note(row.login, row.part)
    return found


def check_separation_of_duties(s: Session, a: Assessment, approver: str) -> None:
    """Nobody who prepared, answered or submitted an assessment may decide it."""
    parts = participants(s, a).get(approver.strip().casefold())
    if parts:
        words = {"prepared": core_i18n.tr("prepared"), "answered": core_i18n.tr("answered questions of"),
                 "submitted": core_i18n.tr("submitted")}
        did = core_i18n.tr(" and ").join(words[p] for p in ("prepared", "answered", "submitted") if p in parts)
        raise UserError(core_i18n.tr("{approver} {did} assessment {id}, so another person must decide it "
                                     "(separation of duties).", approver=approver, did=did, id=a.id))


def check_identity_owner(s: Session, identity: str, approver: str) -> SigningIdentity:
    """The identity ``approver`` signs with must be theirs: registered by them."""
    ident = s.exec(select(SigningIdentity).where(col(SigningIdentity.name) == identity)).first()
    if ident is None or ident.archived_at is not None:
        raise NotFound(core_i18n.tr("There is no signing identity named {name}; see `vetta identity list`.",
                                    name=repr(identity)))
    if ident.owner.strip().casefold() != approver.strip().casefold():
        raise UserError(core_i18n.tr("The signing identity {name} belongs to {owner}, not to {approver}; sign with "
                                     "your own identity (vetta identity list shows whose each one is).",
                                     name=repr(identity), owner=ident.owner or "—", approver=approver))
    return ident


def signed_report(engine: Engine, assessment_id: int) -> bytes | None:
    with read_session(engine) as s:
        so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == assessment_id)).first()
        return bytes(so.report_pdf) if so and so.report_pdf else None
