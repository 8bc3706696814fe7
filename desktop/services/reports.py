"""Build the report model from the database, render drafts, fetch signed reports, verify files."""

from __future__ import annotations

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
    ChecklistQuestion,
    ChecklistTemplate,
    Commitment,
    Competitor,
    CompetitorAffiliate,
    Contract,
    DataLocation,
    EvidenceFile,
    EvidenceLink,
    Interest,
    Organisation,
    Party,
    PartyIdentifier,
    SignOff,
    Subprocessor,
    Vendor,
    VendorTag,
)
from desktop.core import i18n as core_i18n
from desktop.core.errors import NotFound, UserError
from desktop.core.files import read_regular_file
from desktop.report import model as m
from desktop.report.i18n import check_lang, tr
from desktop.report.render import Rendered, render
from desktop.report.verify import Verdict, verify_pdf

CLAUSES = ("change_of_control_termination", "ownership_change_notice", "audit_rights", "data_use_restriction",
           "deletion_on_termination", "exclusivity")
OWNERSHIP_TYPES = ("shareholding", "voting_rights")
CONTROL_TYPES = ("appointment_of_board", "other_influence_or_control", "rights_by_contract", "nominee")


@dataclass(frozen=True)
class ReportFile:
    pdf: bytes
    signed: bool
    lang: str


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _text(value: Any, lang: str) -> str:
    """A localised text that may be a plain string or {"en": ..., "es": ...}."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _answer_value(value_json: str | None) -> str:
    if value_json is None:
        return ""
    try:
        value = json.loads(value_json)
    except ValueError:
        return value_json
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _findings(raw: str, lang: str) -> list[m.Finding]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    out: list[m.Finding] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            msg = _text(item.get("message") or item.get("text") or item.get("title") or item.get("code"), lang)
            out.append(m.Finding(str(item.get("severity", "info")), msg, str(item.get("code", ""))))
        elif isinstance(item, str):
            out.append(m.Finding("info", item))
    return out


def _days_left(until: date | None, today: date) -> int | None:
    return None if until is None else (until - today).days


def _pair(v: Any) -> tuple[float, float] | None:
    if isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v):
        return float(v[0]), float(v[1])
    if isinstance(v, (int, float)):
        return float(v), float(v)
    return None


def _share_label(i: Interest) -> str:
    if i.share_exact is not None:
        return f"{i.share_exact:g}%"
    if i.share_min is not None or i.share_max is not None:
        return f"{(i.share_min or 0):g}–{(i.share_max if i.share_max is not None else 100):g}%"
    return "?"


def _ownership(session: Session, vendor_party: Party, ownership: dict[str, Any] | None, as_of: date,
               lang: str) -> m.Ownership:
    assert vendor_party.id is not None
    # the web of holdings above the vendor, straight from the interest table
    competitor_parties: dict[int, str] = {}
    for comp in session.exec(select(Competitor).where(col(Competitor.archived_at).is_(None))).all():
        if comp.party_id is not None:
            competitor_parties[comp.party_id] = comp.name
        for aff in session.exec(select(CompetitorAffiliate)
                                .where(col(CompetitorAffiliate.competitor_id) == comp.id)).all():
            if aff.party_id is not None:
                competitor_parties[aff.party_id] = comp.name
    seen: set[int] = {vendor_party.id}
    frontier = [vendor_party.id]
    pair_labels: dict[tuple[int, int], dict[str, str]] = {}
    while frontier and len(seen) < 400:
        rows = session.exec(select(Interest).where(col(Interest.subject_id).in_(frontier))
                            .where(col(Interest.archived_at).is_(None))).all()
        frontier = []
        for i in rows:
            if i.end_date is not None and i.end_date < as_of:
                continue
            if i.start_date is not None and i.start_date > as_of:
                continue
            if i.interest_type not in OWNERSHIP_TYPES + CONTROL_TYPES:
                continue
            labels = pair_labels.setdefault((i.interested_party_id, i.subject_id), {})
            if i.interest_type == "shareholding":
                labels["eco"] = _share_label(i)
            elif i.interest_type == "voting_rights":
                labels["vote"] = _share_label(i)
            else:
                labels["ctl"] = tr(lang, "controls").lower()
            if i.interested_party_id not in seen:
                seen.add(i.interested_party_id)
                frontier.append(i.interested_party_id)
    parties = {p.id: p for p in session.exec(select(Party).where(col(Party.id).in_(seen))).all()}
    flagged_names: set[str] = set()
    if ownership:
        for p in ownership.get("parties", []) or []:
            if isinstance(p, dict) and p.get("competitor"):
                flagged_names.add(str(p.get("name", "")))
    nodes = [m.ChartNode(key=str(pid), label=p.name, kind=p.kind,
                         competitor=pid in competitor_parties or p.name in flagged_names)
             for pid, p in parties.items() if pid is not None]
    edges = []
    for (owner, owned), labels in pair_labels.items():
        parts = [labels.get("eco", ""), labels.get("vote", "")]
        label = " / ".join(x for x in parts if x) if any(parts) else labels.get("ctl", "")
        if labels.get("eco") and labels.get("vote"):
            label = f"{labels['eco']} / {labels['vote']} v"
        edges.append(m.ChartEdge(owner=str(owner), owned=str(owned), label=label))
    result = m.Ownership(available=ownership is not None, subject=str(vendor_party.id), nodes=nodes, edges=edges)
    if ownership is None:
        return result
    for p in ownership.get("parties", []) or []:
        if not isinstance(p, dict):
            continue
        comp_flag = p.get("competitor")
        result.parties.append(m.OwnershipParty(
            name=str(p.get("name", "")), kind=str(p.get("kind", "entity")), economic=_pair(p.get("economic")),
            voting=_pair(p.get("voting")), controls=bool(p.get("controls")),
            competitor=comp_flag if isinstance(comp_flag, str) else (tr(lang, "yes") if comp_flag else "")))
    for g in ownership.get("competitor_groups", []) or []:
        if isinstance(g, dict):
            members = g.get("members") or g.get("parties") or []
            name = str(g.get("name") or g.get("competitor") or "")
            result.competitor_groups.append(f"{name}: {', '.join(map(str, members))}" if members else name)
        else:
            result.competitor_groups.append(str(g))
    for t in ownership.get("people_ties", []) or []:
        if isinstance(t, dict):
            result.people_ties.append(_text(t.get("message") or t.get("description"), lang)
                                      or "; ".join(f"{k}: {v}" for k, v in t.items()))
        else:
            result.people_ties.append(str(t))
    for f in ownership.get("findings", []) or []:
        if isinstance(f, dict):
            result.findings.append(m.Finding(str(f.get("severity", "info")), _text(f.get("message"), lang),
                                             str(f.get("code", ""))))
    return result


def _load_ownership(engine: Engine, party_id: int, as_of: date, lang: str = "en") -> dict[str, Any] | None:
    """The ownership analysis of the vendor as of the assessment date (findings in ``lang``)."""
    from desktop.services.ownership import analyze

    return analyze(engine, party_id, as_of, lang=lang)


def build_report_model(engine: Engine, assessment_id: int, lang: str = "en", *,
                       ownership: dict[str, Any] | None = None, use_analysis: bool = True) -> m.ReportModel:
    """Everything the report shows for ``assessment_id``, read from the database."""
    check_lang(lang)
    if ownership is None and use_analysis:
        with read_session(engine) as s:
            a = s.get(Assessment, assessment_id)
            if a is None:
                raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
            v = s.get(Vendor, a.vendor_id)
            assert v is not None
            party_id, as_of = v.party_id, a.as_of or date.today()
        ownership = _load_ownership(engine, party_id, as_of, lang)
    with read_session(engine) as s:
        return build_from_session(s, assessment_id, lang, ownership=ownership)


def build_from_session(s: Session, assessment_id: int, lang: str, *, ownership: dict[str, Any] | None,
                       signer: str = "") -> m.ReportModel:
    a = s.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
    assert a.id is not None
    vendor = s.get(Vendor, a.vendor_id)
    assert vendor is not None and vendor.id is not None
    party = s.get(Party, vendor.party_id)
    assert party is not None
    org = s.exec(select(Organisation)).first() or Organisation()
    template = s.get(ChecklistTemplate, a.template_id)
    assert template is not None
    today = a.as_of or date.today()
    idents = s.exec(select(PartyIdentifier).where(col(PartyIdentifier.party_id) == party.id)).all()
    tags = s.exec(select(VendorTag.tag).where(col(VendorTag.vendor_id) == vendor.id)).all()
    locs = s.exec(select(DataLocation).where(col(DataLocation.vendor_id) == vendor.id)).all()
    profile = m.VendorProfile(
        name=party.name, country=party.country or "", jurisdiction=party.jurisdiction or "",
        identifiers=[f"{i.scheme} {i.value}" + (f" ({i.issuer})" if i.issuer else "") for i in idents],
        services=vendor.services, tier=vendor.tier, status=vendor.status, internal_owner=vendor.internal_owner,
        website=party.website or "", data_locations=[f"{d.country} ({d.purpose})" for d in locs], tags=list(tags))

    # evidence: every file linked to this assessment, its answers or the vendor's records
    answers = s.exec(select(Answer).where(col(Answer.assessment_id) == a.id)).all()
    answer_ids = [x.id for x in answers if x.id is not None]
    contracts = s.exec(select(Contract).where(col(Contract.vendor_id) == vendor.id)
                       .where(col(Contract.archived_at).is_(None)).order_by(col(Contract.id))).all()
    certs = s.exec(select(Certification).where(col(Certification.vendor_id) == vendor.id)
                   .where(col(Certification.archived_at).is_(None)).order_by(col(Certification.id))).all()
    commits = s.exec(select(Commitment).where(col(Commitment.vendor_id) == vendor.id)
                     .where(col(Commitment.archived_at).is_(None)).order_by(col(Commitment.id))).all()
    subs = s.exec(select(Subprocessor).where(col(Subprocessor.vendor_id) == vendor.id)
                  .where(col(Subprocessor.archived_at).is_(None)).order_by(col(Subprocessor.id))).all()
    wanted: dict[str, list[int]] = {
        "assessment": [a.id], "answer": answer_ids, "vendor": [vendor.id],
        "contract": [c.id for c in contracts if c.id], "certification": [c.id for c in certs if c.id],
        "commitment": [c.id for c in commits if c.id], "subprocessor": [x.id for x in subs if x.id],
    }
    links: list[EvidenceLink] = []
    for rtype, ids in wanted.items():
        if ids:
            links += s.exec(select(EvidenceLink).where(col(EvidenceLink.record_type) == rtype)
                            .where(col(EvidenceLink.record_id).in_(ids))).all()
    ev_ids = sorted({link.evidence_id for link in links})
    ev_rows = {e.id: e for e in s.exec(select(EvidenceFile).where(col(EvidenceFile.id).in_(ev_ids))).all()} \
        if ev_ids else {}
    evidence = [m.EvidenceInfo(ref=f"E{e.id}", filename=e.filename, size=e.size, sha256=e.sha256,
                               description=e.description) for eid, e in sorted(ev_rows.items()) if eid]
    answer_evidence: dict[int, list[str]] = {}
    for link in links:
        if link.record_type == "answer" and link.evidence_id in ev_rows:
            answer_evidence.setdefault(link.record_id, []).append(
                f"E{link.evidence_id} {ev_rows[link.evidence_id].filename}")

    # checklist answers by section
    questions = s.exec(select(ChecklistQuestion).where(col(ChecklistQuestion.template_id) == template.id)
                       .order_by(col(ChecklistQuestion.position))).all()
    by_key = {x.question_key: x for x in answers}
    sections: list[m.SectionInfo] = []
    section_index: dict[str, m.SectionInfo] = {}
    qtext: dict[str, str] = {}
    section_titles = _section_titles(s, template.id, lang)
    for q in questions:
        try:
            d = json.loads(q.definition_json)
        except ValueError:
            d = {}
        text = _text(d.get("text"), lang) or q.key
        qtext[q.key] = text
        sec_key = q.section_key
        if sec_key not in section_index:
            title = _text(d.get("section_title"), lang) or section_titles.get(sec_key) or sec_key.replace("_", " ").capitalize()
            section_index[sec_key] = m.SectionInfo(sec_key, title, [])
            sections.append(section_index[sec_key])
        ans = by_key.get(q.key)
        section_index[sec_key].answers.append(m.AnswerInfo(
            key=q.key, text=text, answer=_answer_value(ans.value_json) if ans else "",
            source=(ans.source or "") if ans else "", answered_by=ans.answered_by if ans else "",
            justification=ans.justification if ans else "", severity=q.severity,
            evidence=answer_evidence.get(ans.id, []) if ans and ans.id else []))

    findings = _findings(a.findings_json, lang)
    blockers = [f for f in findings if f.severity == "blocker"]
    key_findings = [f for f in findings if f.severity != "blocker"]
    so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == a.id)).first()
    conditions = json.loads(so.conditions_json) if so else []

    contract_infos = []
    for c in contracts:
        extra = []
        if c.breach_notice_hours is not None:
            extra.append(tr(lang, "breach_notice", hours=c.breach_notice_hours))
        if c.auto_renew:
            extra.append(tr(lang, "auto_renew", months=c.renewal_months or "?", days=c.notice_days or "?"))
        contract_infos.append(m.ContractInfo(
            kind=c.kind, title=c.title, reference=c.reference,
            period=f"{_d(c.start_date) or '…'} – {_d(c.end_date) or '…'}",
            clauses=[k for k in CLAUSES if getattr(c, k)],
            missing=[k for k in CLAUSES if not getattr(c, k) and k != "exclusivity"], extra=extra))
    sub_parties = {p.id: p for p in s.exec(select(Party).where(col(Party.id).in_([x.party_id for x in subs]))).all()} \
        if subs else {}

    # changes since the previous assessment
    previous = ""
    changes: list[m.ChangeInfo] = []
    if a.previous_id is not None:
        prev = s.get(Assessment, a.previous_id)
        if prev is not None:
            previous = f"#{prev.id} v{prev.series_version} ({prev.status}, {_d(prev.decided_at) or _d(prev.created_at)})"
            prev_answers = {x.question_key: _answer_value(x.value_json)
                            for x in s.exec(select(Answer).where(col(Answer.assessment_id) == prev.id)).all()}
            for key, ans in by_key.items():
                now_v = _answer_value(ans.value_json)
                if ans.changed_since_previous or prev_answers.get(key, "") != now_v:
                    if prev_answers.get(key, "") != now_v:
                        changes.append(m.ChangeInfo(qtext.get(key, key), prev_answers.get(key, "") or "—", now_v or "—"))

    decision = a.status if a.status in ("approved", "approved_with_conditions", "rejected") else ""
    try:
        facts = json.loads(a.facts_json or "{}")
    except ValueError:
        facts = {}
    record = {
        "format": "vetta-assessment/1",
        "assessment_id": a.id, "series_version": a.series_version, "vendor": party.name, "vendor_id": vendor.id,
        "status": a.status, "rating": a.rating, "score": a.score, "as_of": _d(a.as_of),
        "template": {"key": template.key, "version": template.version, "sha256": template.sha256},
        "answers": [{"question": x.question_key, "value": json.loads(x.value_json) if x.value_json else None,
                     "source": x.source, "justification": x.justification, "answered_by": x.answered_by}
                    for x in sorted(answers, key=lambda z: z.question_key)],
        "findings": json.loads(a.findings_json or "[]"), "facts": facts,
        "evidence": [{"ref": e.ref, "filename": e.filename, "sha256": e.sha256, "size": e.size} for e in evidence],
        "ownership": ownership,
    }
    return m.ReportModel(
        lang=lang, organisation=org.name, logo=org.logo, vendor=profile,
        assessment_id=a.id, assessment_version=a.series_version, template_key=template.key,
        template_title=template.title_es if lang == "es" else template.title_en, template_version=template.version,
        status=a.status, decision=decision, rating=a.rating or "", score=a.score, as_of=_d(a.as_of),
        submitted_at=_d(a.submitted_at), decided_at=_d(a.decided_at), next_review_due=_d(a.next_review_due),
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        blockers=blockers, conditions=list(conditions), key_findings=key_findings,
        ownership=_ownership(s, party, ownership, today, lang),
        contracts=contract_infos,
        certifications=[m.CertificationInfo(c.standard, c.issuer, c.scope, _d(c.valid_from), _d(c.valid_until),
                                            _days_left(c.valid_until, today)) for c in certs],
        commitments=[m.CommitmentInfo(c.kind, c.details, _d(c.valid_until), _days_left(c.valid_until, today))
                     for c in commits],
        subprocessors=[m.SubprocessorInfo(sub_parties[x.party_id].name if x.party_id in sub_parties else "?",
                                          x.service, (sub_parties[x.party_id].country or "")
                                          if x.party_id in sub_parties else "", x.accesses_customer_data)
                       for x in subs],
        sections=sections, evidence=evidence, previous_assessment=previous, changes=changes,
        thresholds={"beneficial_ownership": org.beneficial_ownership_threshold,
                    "significant_influence": org.significant_influence_threshold,
                    "control": org.control_threshold, "people_lookback_months": float(org.people_lookback_months)},
        review_months={"critical": org.review_months_critical, "high": org.review_months_high,
                       "medium": org.review_months_medium, "low": org.review_months_low},
        signoff=m.SignOffInfo(preparer=a.preparer, approver=a.approver or "", decision=decision,
                              conditions=list(conditions), submitted_at=_d(a.submitted_at),
                              decided_at=_d(a.decided_at), signer=signer),
        record=record,
    )


def render_draft(engine: Engine, assessment_id: int, lang: str = "en", *,
                 ownership: dict[str, Any] | None = None) -> Rendered:
    """The report of ``assessment_id`` as it stands, marked DRAFT on every page."""
    return render(build_report_model(engine, assessment_id, lang, ownership=ownership), draft=True)


def report_pdf(engine: Engine, assessment_id: int, lang: str = "en", *,
               ownership: dict[str, Any] | None = None) -> ReportFile:
    """The signed report of a decided assessment, else a draft."""
    check_lang(lang)
    with read_session(engine) as s:
        if s.get(Assessment, assessment_id) is None:
            raise NotFound(core_i18n.tr("There is no assessment {assessment_id}.", assessment_id=assessment_id))
        so = s.exec(select(SignOff).where(col(SignOff.assessment_id) == assessment_id)).first()
        if so is not None and so.report_pdf:
            return ReportFile(bytes(so.report_pdf), True, so.report_lang)
    return ReportFile(render_draft(engine, assessment_id, lang, ownership=ownership).pdf, False, lang)


def write_report(engine: Engine, assessment_id: int, output: Path, lang: str = "en") -> ReportFile:
    result = report_pdf(engine, assessment_id, lang)
    try:
        output.write_bytes(result.pdf)
    except OSError as exc:
        raise UserError(core_i18n.tr("The report cannot be written to {output}: {strerror}.",
                                     output=repr(str(output)), strerror=exc.strerror)) from exc
    return result


def verify_report(engine: Engine | None, data: bytes, name: str | None = None) -> Verdict:
    """Check a signed report; with a database, also whether the signer and the file are on record."""
    verdict = verify_pdf(data, name)
    if engine is not None:
        from desktop.services.identities import known_fingerprints

        verdict.known_identity = bool(verdict.fingerprint) and verdict.fingerprint in known_fingerprints(engine)
        with read_session(engine) as s:
            so = s.exec(select(SignOff).where(col(SignOff.report_sha256) == verdict.sha256)).first()
            verdict.matches_record = so is not None
            if so is not None and verdict.assessment_id is None:
                verdict.assessment_id = so.assessment_id
    return verdict


def verify_file(engine: Engine | None, path: Path) -> Verdict:
    try:
        data = read_regular_file(path, 512 * 1024 * 1024, what=core_i18n.tr("reports"))  # ordinary files only, bounded
    except OSError as exc:
        raise UserError(core_i18n.tr("The file {path} cannot be read: {strerror}.",
                                     path=repr(str(path)), strerror=exc.strerror)) from exc
    return verify_report(engine, data, core_i18n.tr("The file {path}", path=repr(str(path))))


def _section_titles(session: Session, template_id: int | None, lang: str) -> dict[str, str]:
    """Section titles in the report's language, from the template the assessment started with."""
    if template_id is None:
        return {}
    from desktop.core.errors import UserError
    from desktop.services.checklists import template_model

    try:
        template = template_model(session, template_id)
    except UserError:
        return {}
    return {section.id: section.title.get(lang) for section in template.sections}
