"""Page 1: the conclusion. Vendor, rating (colour, shape and word), decision, the blockers and major
findings in one line each (naming the competitor and how it reaches the vendor), the conditions with
owner and due date, the approver's rationale, who prepared and approved it, when, and the signing
certificate's fingerprint.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from desktop.core.findings import Condition, Finding, headline
from desktop.core.i18n import tr
from desktop.report.i18n import decision_label, language_name, status_label
from desktop.report.model import ReportModel
from desktop.report.render_blocks import RatingBadge, cell, clip, fmt_date, fmt_score, p, severity_tag, table
from desktop.report.render_doc import FONT, Styles

TOP_FINDINGS = 5


def _logo(model: ReportModel) -> Flowable | None:
    if not model.logo:
        return None
    try:
        reader = ImageReader(io.BytesIO(model.logo))
        iw, ih = reader.getSize()
        scale = min(40 * mm / iw, 15 * mm / ih)
        return Image(io.BytesIO(model.logo), width=iw * scale, height=ih * scale, hAlign="LEFT")
    except Exception:  # an unreadable logo never stops a report
        return None


def top_findings(model: ReportModel, limit: int = TOP_FINDINGS) -> tuple[list[tuple[Finding, str]], int]:
    """The blockers and major findings to show on page 1 with their one-line text, and how many more."""
    lang = model.lang
    chosen = model.checklist_findings("blocker", "major")
    covered = {code for f in chosen for code in f.related}
    chosen += [f for f in model.ownership_findings()
               if f.severity in ("blocker", "major") and f.code not in covered]
    lines: list[tuple[Finding, str]] = []
    seen: set[str] = set()
    for f in chosen[:limit]:
        text = headline(f, model.findings, lang)
        if text in seen:
            text = f.message(lang)
        seen.add(text)
        lines.append((f, text))
    return lines, max(0, len(chosen) - limit)


def _finding_lines(model: ReportModel, s: Styles, limit: int = TOP_FINDINGS) -> list[Flowable]:
    lang = model.lang
    lines, more = top_findings(model, limit)
    if not lines:
        return [p(tr("No blocking or major findings.", lang), s["body"])]
    out: list[Flowable] = []
    for f, text in lines:
        out.append(Paragraph(f"{severity_tag(f, lang)} {escape(clip(text, 600))}", s["finding"]))
        details = []
        if f.question is not None:
            details.append(tr("Question {id}", lang, id=f.question.id))
        if f.competitor:
            details.append(tr("Competitor: {name}", lang, name=f.competitor))
        paths = [text for text in (path.get(lang) for path in f.paths) if text]
        if len(paths) == 1:
            details.append(tr("Path: {path}", lang, path=clip(paths[0], 240)))
        elif paths:  # a group's figure is the sum of its paths: show them all (up to three here)
            shown = "; ".join(clip(path, 240) for path in paths[:3])
            details.append(tr("Paths: {paths}", lang, paths=shown) if len(paths) <= 3 else
                           tr("Paths: {paths}; and {count} more in the ownership section", lang, paths=shown,
                              count=len(paths) - 3))
        if details:
            out.append(p(" · ".join(details), s["detail"]))
    if more:
        out.append(p(tr("{count} more blocking or major findings are in the executive summary.", lang, count=more)
                     if more > 1 else tr("1 more blocking or major finding is in the executive summary.", lang),
                     s["muted"]))
    return out


def condition_text(c: Condition, lang: str) -> str:
    owner = c.owner or tr("no owner named", lang)
    due = fmt_date(c.due, lang) if c.due else tr("no due date", lang)
    return tr("{text} (owner: {owner}; due: {due})", lang, text=c.text.get(lang), owner=owner, due=due)


def cover(model: ReportModel, s: Styles, width: float, draft: bool, height: float) -> list[Flowable]:
    """Page 1, made to fit one page of ``height``: fewer one-line findings first (the executive summary
    lists them all), then the longest texts clipped with a pointer to where they are in full."""
    for limit in range(TOP_FINDINGS, 0, -1):
        flowables = _cover(model, s, width, draft, limit)
        if _fits(flowables, width, height):
            return flowables
    return _cover(model, s, width, draft, 1, short=True)


def _fits(flowables: list[Flowable], width: float, height: float) -> bool:
    used = 0.0
    for f in flowables:
        _w, h = f.wrap(width, height)
        used += float(h) + float(f.getSpaceBefore()) + float(f.getSpaceAfter())
    return bool(used <= float(height) - 6 * mm)  # a margin for what the estimate leaves out (paragraph leading)


def _cover(model: ReportModel, s: Styles, width: float, draft: bool, limit: int,
           short: bool = False) -> list[Flowable]:
    lang = model.lang
    so = model.signoff
    head = Table([[_logo(model) or Spacer(1, 1), p(model.organisation, s["cover_org"])]],
                 colWidths=[width * 0.4, width * 0.6])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                              ("FONT", (0, 0), (-1, -1), FONT, 9)]))  # never reportlab's default Helvetica
    out: list[Flowable] = [head, Spacer(1, 4 * mm), p(tr("Vendor neutrality assessment", lang), s["cover_title"]),
                           p(model.vendor.name, s["cover_vendor"]), Spacer(1, 3 * mm)]
    detail = tr("{decision} · score {score}", lang, decision=decision_label(model.decision, lang),
                score=fmt_score(model.score, lang))
    out += [RatingBadge(model.rating, lang, width, detail=detail), Spacer(1, 3 * mm)]

    out.append(p(tr("Why", lang), s["h3"]))
    out += _finding_lines(model, s, limit)
    out.append(p(tr("Conditions", lang), s["h3"]))
    conditions = so.conditions[:3] if short else so.conditions
    if conditions:
        out += [p(f"{i}. {clip(condition_text(c, lang), 300) if short else condition_text(c, lang)}", s["finding"])
                for i, c in enumerate(conditions, 1)]
        if len(so.conditions) > len(conditions):
            out.append(p(tr("All {count} conditions are on the sign-off page.", lang, count=len(so.conditions)),
                         s["muted"]))  # only ever shown for more than three
    else:
        out.append(p(tr("None.", lang), s["body"]))
    out.append(p(tr("Approver's rationale", lang), s["h3"]))
    if so.rationale and short and len(so.rationale) > 600:
        out.append(p(clip(so.rationale, 600) + " " + tr("(in full on the sign-off page)", lang), s["body"]))
    elif so.rationale:
        out.append(p(so.rationale, s["body"]))
    else:
        out.append(p(tr("pending", lang) if not so.decision else tr("None given.", lang), s["body"]))
    out.append(Spacer(1, 3 * mm))
    pairs = [
        (tr("Prepared by", lang), so.preparer or "—"),
        (tr("Submitted for review", lang), fmt_date(model.submitted_at, lang) or "—"),
        (tr("Approved by", lang) if so.decision != "rejected" else tr("Decided by", lang),
         so.approver or tr("pending", lang)),
        (tr("Decided", lang), fmt_date(model.decided_at, lang) or tr("pending", lang)),
        (tr("Signing certificate (SHA-256)", lang), so.fingerprint or tr("not signed", lang)),
        (tr("Language of record", lang), language_name(so.language, lang) if so.language else tr("pending", lang)),
        (tr("Next review due", lang), fmt_date(model.next_review_due, lang) or "—"),
        (tr("Assessment", lang), tr("#{id}, version {version}, {status}", lang, id=model.assessment_id,
                                     version=model.assessment_version, status=status_label(model.status, lang))),
        (tr("Checklist template", lang), f"{model.template_title} ({model.template_key} v{model.template_version})"),
        (tr("Facts as of", lang), fmt_date(model.as_of, lang) or "—"),
        (tr("Report generated", lang), fmt_date(model.generated_at, lang)),
    ]
    rows = [[p(k, s["cellb"]), p(v, s["mono"]) if i == 4 and so.fingerprint else cell(v, s["cell"])]
            for i, (k, v) in enumerate(pairs)]
    facts = table(rows, [width * 0.3, width * 0.7], header=False)
    facts.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    out.append(facts)
    if draft:
        out += [Spacer(1, 3 * mm), p(tr("Draft: not signed, not a decision.", lang), s["h2"])]
    elif so.fingerprint:
        out += [Spacer(1, 2 * mm), p(tr("The signature on the sign-off page was made with the certificate whose "
                                        "SHA-256 fingerprint is shown above.", lang), s["muted"])]
    return out
