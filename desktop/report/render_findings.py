"""The executive summary (every finding's statement, the why, the conditions), ownership and control
(chart, stakes, competitor groups, ownership findings with their paths, subprocessor links) and the
people ties with both sides' dates.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from desktop.core.findings import Finding
from desktop.core.findings_text import role_span
from desktop.core.i18n import tr
from desktop.report.chart import ownership_drawing
from desktop.report.i18n import kind_label, source_label
from desktop.report.model import ReportModel
from desktop.report.render_blocks import (
    H1,
    ChunkedTable,
    RatingBadge,
    cell,
    clip,
    fmt_range,
    header_row,
    p,
    severity_tag,
    wrap_plain,
)
from desktop.report.render_cover import condition_text
from desktop.report.render_doc import BOLD, FONT, Styles


def _finding(f: Finding, lang: str, s: Styles, *, with_question: bool = True) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(f"{severity_tag(f, lang)} {escape(clip(f.message(lang), 4000))}", s["finding"])]
    details: list[str] = []
    if with_question and f.question is not None:
        details.append(tr("Question {id}: {text}", lang, id=f.question.id, text=f.question.text.get(lang)))
    if f.answer_label is not None and f.source == "checklist":
        given = source_label(f.answered.source if f.answered else None, lang)
        details.append(tr("Answer: {answer} (given by: {source})", lang, answer=f.answer_label.get(lang), source=given))
    if f.why is not None:
        details.append(tr("Why: {why}", lang, why=f.why.get(lang)))
    if f.competitor:
        details.append(tr("Competitor: {name}", lang, name=f.competitor))
    details += [tr("Path: {path}", lang, path=path.get(lang)) for path in f.paths]
    if f.condition is not None and f.source == "checklist":
        details.append(tr("Suggested condition: {text}", lang, text=f.condition.text.get(lang)))
    if f.references:
        details.append(tr("References: {refs}", lang, refs="; ".join(f.references)))
    out += [p(clip(d, 2000), s["detail"]) for d in details]
    return out


def summary(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out: list[Flowable] = h1(tr("Executive summary", lang), "sec_summary")
    out.append(RatingBadge(model.rating, lang, width, height=26))
    out.append(Spacer(1, 2 * mm))
    checklist = model.checklist_findings()
    if model.status == "draft":
        out.append(p(tr("Live findings: the assessment is a draft, so these follow its answers as they stand now.",
                        lang), s["muted"]))
    out.append(Paragraph(escape(tr("Findings from the checklist", lang)), s["h2"]))
    if checklist:
        for f in checklist:
            out += _finding(f, lang, s)
    else:
        out.append(p(tr("No findings were recorded.", lang), s["body"]))
    out.append(Paragraph(escape(tr("Conditions", lang)), s["h2"]))
    conditions = model.signoff.conditions
    if conditions:
        out += [p(f"{i}. {condition_text(c, lang)}", s["finding"]) for i, c in enumerate(conditions, 1)]
    else:
        out.append(p(tr("None.", lang), s["body"]))
    if model.signoff.rationale:
        out.append(Paragraph(escape(tr("Approver's rationale", lang)), s["h2"]))
        out.append(p(model.signoff.rationale, s["body"]))
    return out


def ownership(model: ReportModel, s: Styles, width: float, height: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    own = model.ownership
    out: list[Flowable] = h1(tr("Ownership and control", lang), "sec_ownership")
    if own.nodes:
        out.append(ownership_drawing(own.nodes, own.edges, own.subject, width, font=FONT, bold=BOLD,
                                     max_height=height * 0.7))
        out.append(p(tr("Arrows point from owner to owned; labels give the share (economic / voting). Competitor "
                        "groups are shaded red; the vendor is at the bottom.", lang), s["muted"]))
        out.append(Spacer(1, 6))
    if not own.available:
        out.append(p(tr("Ownership analysis not available.", lang), s["body"]))
        return out
    widths = [width * f for f in (0.3, 0.09, 0.14, 0.14, 0.09, 0.24)]
    rows: list[list[object]] = [header_row([tr("Party", lang), tr("Kind", lang), tr("Economic stake", lang),
                                            tr("Voting stake", lang), tr("Controls", lang), tr("Competitor", lang)],
                                           s)]
    for party in own.parties:
        competitor = party.competitor or ("—" if not party.competitor_linked else tr("linked", lang))
        if party.links:
            competitor = f"{competitor}: {party.links}" if party.competitor else party.links
        rows.append([wrap_plain(party.name, widths[0]), kind_label(party.kind, lang), fmt_range(party.economic, lang),
                     fmt_range(party.voting, lang), tr("Yes", lang) if party.controls else "—",
                     wrap_plain(competitor, widths[5])])
    if len(rows) > 1:
        out.append(ChunkedTable.of(rows, widths, size=25))
    if own.competitor_groups:
        out.append(Paragraph(escape(tr("Competitor groups in the ownership web", lang)), s["h2"]))
        out += [p(f"• {g}", s["body"]) for g in own.competitor_groups]
    findings = model.ownership_findings()
    out.append(Paragraph(escape(tr("Ownership findings", lang)), s["h2"]))
    if findings:
        for f in findings:
            out += _finding(f, lang, s)
    else:
        out.append(p(tr("The ownership analysis reports no findings.", lang), s["body"]))
    if own.subprocessors:
        out.append(Paragraph(escape(tr("Subprocessors linked to a competitor", lang)), s["h2"]))
        for link in own.subprocessors:
            text = link.message or tr("{name} is linked to {competitor}.", lang, name=link.name,
                                      competitor=link.competitor or "?")
            out.append(p(f"• {text}", s["body"]))
            if link.path:
                out.append(p(tr("Path: {path}", lang, path=link.path), s["detail"]))
    return out


def people(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    own = model.ownership
    out: list[Flowable] = h1(tr("People ties", lang), "sec_people")
    if not own.available:
        return [*out, p(tr("Ownership analysis not available.", lang), s["body"])]
    if not own.people_ties:
        return [*out, p(tr("No people ties were found.", lang), s["body"])]
    out.append(p(tr("People who held roles on the vendor's side and at a competitor, with each role's dates "
                    "(a blank date was not recorded).", lang), s["muted"]))
    out.append(Spacer(1, 3))
    rows: list[list[object]] = [header_row([tr("Person", lang), tr("Role on the vendor's side", lang),
                                            tr("Role at the competitor", lang), tr("Competitor", lang)], s)]
    for t in own.people_ties:
        vendor_side = tr("{role} at {entity}", lang, role=t.vendor_role or "?", entity=t.vendor_entity or "?")
        competitor_side = tr("{role} at {entity}", lang, role=t.competitor_role or "?",
                             entity=t.competitor_entity or t.competitor or "?")
        vendor_span = role_span(t.vendor_start, t.vendor_end, lang) or tr("dates not recorded", lang)
        competitor_span = role_span(t.competitor_start, t.competitor_end, lang) or tr("dates not recorded", lang)
        rows.append([cell(t.person, s["cellb"]), cell(f"{vendor_side}\n{vendor_span}", s["cell"]),
                     cell(f"{competitor_side}\n{competitor_span}", s["cell"]), cell(t.competitor or "—", s["cell"])])
    out.append(ChunkedTable.of(rows, [width * f for f in (0.18, 0.33, 0.33, 0.16)], size=20))
    return out
