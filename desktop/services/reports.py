"""Build the report model from the database, render drafts, fetch signed reports, verify files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import (
    Answer,
    Assessment,
    Certification,
    ChecklistTemplate,
    Commitment,
    Contract,
    DataLocation,
    EvidenceFile,
    EvidenceLink,
    Organisation,
    Party,
    PartyIdentifier,
    SigningIdentity,
    SignOff,
    Subprocessor,
    Vendor,
    VendorTag,
)
from desktop.core import i18n as core_i18n
from desktop.core.checklist.rules import condition_facts
from desktop.core.checklist.schema import Question, Template
from desktop.core.errors import NotFound, UserError
from desktop.core.findings import VENDOR_COMMENT_PREFIX, Condition, Finding, load_findings, ownership_findings
from desktop.core.i18n import tr
from desktop.report import model as m
from desktop.report.i18n import check_lang, language_name, purpose_label
from desktop.report.render import Rendered, render
from desktop.report.render_blocks import fmt_date
from desktop.report.verify import Verdict
from desktop.services.register import DEFAULT_EXPIRY_DAYS
from desktop.services.report_ownership import ownership_model
from desktop.services.reviews import assessment_next_review

CLAUSES = ("change_of_control_termination", "ownership_change_notice", "audit_rights", "data_use_restriction",
           "deletion_on_termination", "exclusivity")
Analysis = dict[str, Any]


@dataclass(frozen=True)
class ReportFile:
    pdf: bytes
    signed: bool
    lang: str


def _iso(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return value.isoformat()


def _days_left(until: date | None, today: date) -> int | None:
    return None if until is None else (until - today).days


def _loads(text: str | None) -> Any:
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return text


def _answer_label(q: Question | None, value: Any, lang: str) -> str:
    """An answer in words: option codes as their translated labels, never raw JSON."""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_answer_label(q, v, lang) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return core_i18n.format_number(value, lang)
    return q.option_label(str(value), lang) if q is not None else str(value)


def _reads_ownership(q: Question) -> bool:
    paths: set[str] = set()
    for rule in q.auto:
        paths |= condition_facts(rule.when)
    return any(p.startswith(("ownership.", "people.")) for p in paths)


def _given_by(q: Question | None, ans: Answer, lang: str) -> str:
    """Who gave the answer, honestly: the rule, the vendor's questionnaire or the person, with the date."""
    when = core_i18n.format_date(ans.answered_at.date(), lang) if ans.answered_at else ""
    if ans.source == "rule":
        who = tr("Ownership rule", lang) if q is not None and _reads_ownership(q) else tr("Rule on the recorded facts",
                                                                                         lang)
    elif ans.source == "vendor":
        who = tr("Vendor questionnaire", lang)
    elif ans.source == "preparer":
        who = ans.answered_by or tr("preparer", lang)
    else:
        return "—"
    return f"{who}\n{when}" if when else who


def _justification(ans: Answer, lang: str) -> str:
    if ans.source == "rule" and ans.suggestion_explanation:
        data = _loads(ans.suggestion_explanation)
        if isinstance(data, dict):
            return str(data.get(lang) or data.get("en") or "")
        return str(data or "")
    text = ans.justification or ""
    if ans.source == "vendor" and text.startswith(VENDOR_COMMENT_PREFIX):
        return tr("Vendor comment: {comment}", lang, comment=text[len(VENDOR_COMMENT_PREFIX):])
    return text


def _sections(template: Template, answers: dict[str, Answer], evidence: dict[int, list[str]],
              lang: str) -> list[m.SectionInfo]:
    from desktop.core.checklist.scoring import outcome

    out: list[m.SectionInfo] = []
    for section in template.sections:
        infos = []
        for q in section.questions:
            ans = answers.get(q.id)
            value = _loads(ans.value_json) if ans else None
            infos.append(m.AnswerInfo(
                key=q.id, text=q.text.get(lang), answer=_answer_label(q, value, lang),
                source=(ans.source or "") if ans else "", given_by=_given_by(q, ans, lang) if ans else "—",
                justification=_justification(ans, lang) if ans and value is not None else "", severity=q.severity,
                outcome=outcome(q, value), evidence=evidence.get(ans.id, []) if ans and ans.id else [],
                references=list(q.references)))
        out.append(m.SectionInfo(section.id, section.title.get(lang), infos))
    return out


def _fingerprint(s: Session, identity_id: int | None) -> str:
    """SHA-256 of the signer's certificate, computed from the certificate itself."""
    ident = s.get(SigningIdentity, identity_id) if identity_id is not None else None
    return hashlib.sha256(bytes(ident.certificate_der)).hexdigest() if ident is not None else ""


def _conditions(so: SignOff | None) -> list[Condition]:
    raw = _loads(so.conditions_json) if so else []
    parsed = [Condition.parse(x) for x in raw] if isinstance(raw, list) else []
    return [c for c in parsed if c is not None]


def _ownership_pair(engine: Engine, party_id: int, as_of: date, lang: str, ownership: Analysis | None,
                    use_analysis: bool) -> tuple[Analysis | None, Analysis | None]:
    """(analysis in ``lang``, analysis in the other language) for the report and for live findings."""
    if ownership is not None or not use_analysis:
        return ownership, ownership
    from desktop.services.findings import analyses

    english, spanish = analyses(engine, party_id, as_of)
    return (spanish, english) if lang == "es" else (english, spanish)


def build_report_model(engine: Engine, assessment_id: int, lang: str = "en", *,
                       ownership: Analysis | None = None, use_analysis: bool = True) -> m.ReportModel:
    """Everything the report shows for ``assessment_id``, read from the database.

    ``ownership`` is the ownership analysis to show (default: run it, as of the assessment's date).
    A draft shows its live findings; a submitted or decided assessment, the findings of record.
    """
    check_lang(lang)
    with read_session(engine) as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        v = s.get(Vendor, a.vendor_id)
        assert v is not None
        party_id, as_of, status = v.party_id, a.as_of or date.today(), a.status
    shown, other = _ownership_pair(engine, party_id, as_of, lang, ownership, use_analysis)
    english, spanish = (other, shown) if lang == "es" else (shown, other)
    analysed = ownership_findings(english, spanish)
    findings: list[Finding] | None = None
    if status == "draft":
        from desktop.services.assessments import get_assessment

        findings = get_assessment(engine, assessment_id, ownership=analysed).findings
    with read_session(engine) as s:
        return build_from_session(s, assessment_id, lang, ownership=shown, findings=findings, analysed=analysed)


def build_from_session(s: Session, assessment_id: int, lang: str, *, ownership: Analysis | None,
                       findings: list[Finding] | None = None, analysed: list[Finding] | None = None,
                       signer: str = "") -> m.ReportModel:
    """The report model from an open session (the sign-off renders inside its unit of work).

    ``findings``: live findings to show (drafts); by default the findings stored at submission.
    ``analysed``: the analysis' findings in both languages, shown when none were stored (assessments
    submitted before findings carried the analysis').
    """
    from desktop.services.checklists import template_model

    a = s.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
    assert a.id is not None
    vendor = s.get(Vendor, a.vendor_id)
    assert vendor is not None and vendor.id is not None
    party = s.get(Party, vendor.party_id)
    assert party is not None
    org = s.exec(select(Organisation)).first() or Organisation()
    row = s.get(ChecklistTemplate, a.template_id)
    assert row is not None and row.id is not None
    template = template_model(s, row.id)
    today = a.as_of or date.today()
    idents = s.exec(select(PartyIdentifier).where(col(PartyIdentifier.party_id) == party.id)).all()
    tags = s.exec(select(VendorTag.tag).where(col(VendorTag.vendor_id) == vendor.id)).all()
    locs = s.exec(select(DataLocation).where(col(DataLocation.vendor_id) == vendor.id)).all()
    profile = m.VendorProfile(
        name=party.name, country=party.country or "", jurisdiction=party.jurisdiction or "",
        identifiers=[f"{i.scheme} {i.value}" + (f" ({i.issuer})" if i.issuer else "") for i in idents],
        services=vendor.services, tier=vendor.tier, status=vendor.status, internal_owner=vendor.internal_owner,
        website=party.website or "", tags=list(tags),
        data_locations=[f"{d.country} ({purpose_label(d.purpose, lang)})" if d.purpose else d.country for d in locs])

    answers = {x.question_key: x for x in s.exec(select(Answer).where(col(Answer.assessment_id) == a.id)).all()}
    contracts = s.exec(select(Contract).where(col(Contract.vendor_id) == vendor.id)
                       .where(col(Contract.archived_at).is_(None)).order_by(col(Contract.id))).all()
    certs = s.exec(select(Certification).where(col(Certification.vendor_id) == vendor.id)
                   .where(col(Certification.archived_at).is_(None)).order_by(col(Certification.id))).all()
    commits = s.exec(select(Commitment).where(col(Commitment.vendor_id) == vendor.id)
                     .where(col(Commitment.archived_at).is_(None)).order_by(col(Commitment.id))).all()
    subs = s.exec(select(Subprocessor).where(col(Subprocessor.vendor_id) == vendor.id)
                  .where(col(Subprocessor.archived_at).is_(None)).order_by(col(Subprocessor.id))).all()
    evidence, answer_evidence = _evidence(s, a.id, vendor.id, list(answers.values()), contracts, certs, commits, subs)

    if findings is None:
        findings = load_findings(a.findings_json)
        if not any(f.source == "ownership" for f in findings):
            findings += analysed if analysed is not None else ownership_findings(ownership)
    so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == a.id)).first()
    conditions = _conditions(so)
    decision = a.status if a.status in ("approved", "approved_with_conditions", "rejected") else ""
    signoff = m.SignOffInfo(
        preparer=a.preparer, approver=a.approver or "", decision=decision, conditions=conditions,
        submitted_at=_iso(a.submitted_at), decided_at=_iso(a.decided_at), signer=signer,
        rationale=so.rationale if so else "", fingerprint=_fingerprint(s, so.identity_id) if so else "",
        language=so.report_lang if so else "")

    contract_infos = []
    for c in contracts:
        extra = []
        if c.breach_notice_hours is not None:
            extra.append(tr("breach notice within {hours} h", lang, hours=c.breach_notice_hours))
        if c.auto_renew:
            extra.append(tr("auto-renews every {months} months, notice {days} days", lang,
                            months=c.renewal_months or "?", days=c.notice_days or "?"))
        contract_infos.append(m.ContractInfo(
            kind=c.kind, title=c.title, reference=c.reference,
            period=f"{fmt_date(c.start_date, lang) or '…'} – {fmt_date(c.end_date, lang) or '…'}",
            clauses=[k for k in CLAUSES if getattr(c, k)],
            missing=[k for k in CLAUSES if not getattr(c, k) and k != "exclusivity"], extra=extra))
    sub_parties = {p.id: p for p in s.exec(select(Party).where(col(Party.id).in_([x.party_id for x in subs]))).all()} \
        if subs else {}
    previous, changes = _changes(s, a, template, answers, lang)
    record = _record(a, party, vendor.id, row, answers, findings, evidence, ownership, signoff, lang)
    return m.ReportModel(
        lang=lang, organisation=org.name, logo=org.logo, vendor=profile,
        assessment_id=a.id, assessment_version=a.series_version, template_key=row.key,
        template_title=row.title_es if lang == "es" else row.title_en, template_version=row.version,
        status=a.status, decision=decision, rating=a.rating or "", score=a.score, as_of=_iso(a.as_of),
        submitted_at=_iso(a.submitted_at), decided_at=_iso(a.decided_at), next_review_due=_iso(assessment_next_review(a.status, a.next_review_due)),
        generated_at=datetime.now(UTC).isoformat(), findings=findings,
        ownership=ownership_model(s, party, ownership, today, lang), contracts=contract_infos,
        certifications=[m.CertificationInfo(c.standard, c.issuer, c.scope, _iso(c.valid_from), _iso(c.valid_until),
                                            _days_left(c.valid_until, today)) for c in certs],
        commitments=[m.CommitmentInfo(c.kind, c.details, _iso(c.valid_until), _days_left(c.valid_until, today))
                     for c in commits],
        subprocessors=[m.SubprocessorInfo(sub_parties[x.party_id].name if x.party_id in sub_parties else "?",
                                          x.service, (sub_parties[x.party_id].country or "")
                                          if x.party_id in sub_parties else "", x.accesses_customer_data)
                       for x in subs],
        sections=_sections(template, answers, answer_evidence, lang), evidence=evidence,
        previous_assessment=previous, changes=changes,
        thresholds={"beneficial_ownership": org.beneficial_ownership_threshold,
                    "significant_influence": org.significant_influence_threshold,
                    "control": org.control_threshold, "people_lookback_months": float(org.people_lookback_months)},
        review_months={"critical": org.review_months_critical, "high": org.review_months_high,
                       "medium": org.review_months_medium, "low": org.review_months_low},
        signoff=signoff, expiry_warning_days=DEFAULT_EXPIRY_DAYS, record=record,
    )


def _evidence(s: Session, assessment_id: int, vendor_id: int, answers: list[Answer], *records: Any
              ) -> tuple[list[m.EvidenceInfo], dict[int, list[str]]]:
    """Every file linked to the assessment, its answers or the vendor's records; per answer, its files."""
    contracts, certs, commits, subs = records
    wanted: dict[str, list[int]] = {
        "assessment": [assessment_id], "answer": [x.id for x in answers if x.id is not None], "vendor": [vendor_id],
        "contract": [c.id for c in contracts if c.id], "certification": [c.id for c in certs if c.id],
        "commitment": [c.id for c in commits if c.id], "subprocessor": [x.id for x in subs if x.id],
    }
    links: list[EvidenceLink] = []
    for rtype, ids in wanted.items():
        if ids:
            links += s.exec(select(EvidenceLink).where(col(EvidenceLink.record_type) == rtype)
                            .where(col(EvidenceLink.record_id).in_(ids))).all()
    ev_ids = sorted({link.evidence_id for link in links})
    rows = {e.id: e for e in s.exec(select(EvidenceFile).where(col(EvidenceFile.id).in_(ev_ids))).all()} \
        if ev_ids else {}
    evidence = [m.EvidenceInfo(ref=f"E{e.id}", filename=e.filename, size=e.size, sha256=e.sha256,
                               description=e.description) for eid, e in sorted(rows.items()) if eid]
    per_answer: dict[int, list[str]] = {}
    for link in links:
        if link.record_type == "answer" and link.evidence_id in rows:
            per_answer.setdefault(link.record_id, []).append(f"E{link.evidence_id} {rows[link.evidence_id].filename}")
    return evidence, per_answer


def _changes(s: Session, a: Assessment, template: Template, answers: dict[str, Answer], lang: str
             ) -> tuple[str, list[m.ChangeInfo]]:
    if a.previous_id is None:
        return "", []
    prev = s.get(Assessment, a.previous_id)
    if prev is None:
        return "", []
    from desktop.report.i18n import status_label

    previous = tr("#{id} v{version} ({status}, {date})", lang, id=prev.id, version=prev.series_version,
                  status=status_label(prev.status, lang),
                  date=fmt_date(prev.decided_at or prev.created_at, lang))
    before = {x.question_key: x.value_json for x in s.exec(select(Answer).where(col(Answer.assessment_id) == prev.id))}
    changes = []
    for key, ans in answers.items():
        q = template.question(key)
        old, new = _answer_label(q, _loads(before.get(key)), lang), _answer_label(q, _loads(ans.value_json), lang)
        if old != new:
            changes.append(m.ChangeInfo(q.text.get(lang) if q else key, old or "—", new or "—"))
    return previous, changes


def _record(a: Assessment, party: Party, vendor_id: int, row: ChecklistTemplate, answers: dict[str, Answer],
            findings: list[Finding], evidence: list[m.EvidenceInfo], ownership: Analysis | None,
            signoff: m.SignOffInfo, lang: str) -> dict[str, Any]:
    """The machine-readable record attached to the PDF (``record`` stays a dict others may extend)."""
    return {
        "format": "vetta-assessment/2",
        "assessment_id": a.id, "series_version": a.series_version, "vendor": party.name, "vendor_id": vendor_id,
        "status": a.status, "rating": a.rating, "score": a.score, "as_of": _iso(a.as_of),
        "template": {"key": row.key, "version": row.version, "sha256": row.sha256},
        "answers": [{"question": x.question_key, "value": _loads(x.value_json), "source": x.source,
                     "justification": x.justification, "answered_by": x.answered_by,
                     "answered_at": _iso(x.answered_at)} for x in sorted(answers.values(), key=lambda z: z.question_key)],
        "findings": [f.to_dict(lang) for f in findings],
        "decision": {"decision": signoff.decision or None, "approver": signoff.approver or None,
                     "conditions": [c.to_dict() for c in signoff.conditions], "rationale": signoff.rationale or None,
                     "signer_certificate_sha256": signoff.fingerprint or None,
                     "language_of_record": signoff.language or None},
        "facts": _loads(a.facts_json or "{}"),
        "evidence": [{"ref": e.ref, "filename": e.filename, "sha256": e.sha256, "size": e.size} for e in evidence],
        "ownership": ownership,
    }


def render_draft(engine: Engine, assessment_id: int, lang: str = "en", *,
                 ownership: Analysis | None = None) -> Rendered:
    """The report of ``assessment_id`` as it stands, marked DRAFT on every page."""
    return render(build_report_model(engine, assessment_id, lang, ownership=ownership), draft=True)


def report_pdf(engine: Engine, assessment_id: int, lang: str | None = "en", *,
               ownership: Analysis | None = None, require_language: bool = False) -> ReportFile:
    """The signed report of a decided assessment, else a draft in ``lang``.

    A signed report exists in its language of record only: with ``require_language`` a request for
    another language is refused rather than answered with the signed file in its own language.
    """
    if lang is not None:
        check_lang(lang)
    with read_session(engine) as s:
        if s.get(Assessment, assessment_id) is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == assessment_id)).first()
        if so is not None and so.report_pdf:
            if require_language and lang is not None and lang != so.report_lang:
                raise UserError(core_i18n.tr(
                    "Assessment {id} was signed in {signed}; its signed report exists only in that language, and "
                    "a translation would not carry the signature. Leave out --lang, or use --lang {code}.",
                    id=assessment_id, signed=language_name(so.report_lang, core_i18n.current_language()),
                    code=so.report_lang))
            return ReportFile(bytes(so.report_pdf), True, so.report_lang)
    draft_lang = lang or core_i18n.current_language()
    return ReportFile(render_draft(engine, assessment_id, draft_lang, ownership=ownership).pdf, False, draft_lang)


def write_report(engine: Engine, assessment_id: int, output: Path, lang: str | None = "en", *,
                 require_language: bool = False) -> ReportFile:
    result = report_pdf(engine, assessment_id, lang, require_language=require_language)
    try:
        output.write_bytes(result.pdf)
    except OSError as exc:
        raise UserError(core_i18n.tr("The report cannot be written to {output}: {strerror}.",
                                     output=repr(str(output)), strerror=exc.strerror)) from exc
    return result


def verify_report(engine: Engine | None, data: bytes, name: str | None = None) -> Verdict:
    """Check a signed report; with a database, also whether the signer and the file are on record.

    Kept for callers of this module; the checks live in desktop.services.verification.
    """
    from desktop.services.verification import verify_data

    return verify_data(engine, data, name)


def verify_file(engine: Engine | None, path: Path) -> Verdict:
    from desktop.services.verification import verify_path

    return verify_path(engine, path)
