"""Render a :class:`ReportModel` to PDF with reportlab platypus (Qt-free).

The PDF has a cover, a table of contents, bookmarks, page numbers "Page n of N", a header and
footer naming the vendor and assessment, document metadata, embedded DejaVu fonts, the record as
an ``assessment.json`` attachment, a signature field on the sign-off page, and "DRAFT" across
every page of a draft.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.report.chart import ownership_drawing
from desktop.report.i18n import has, tr
from desktop.report.model import Finding, ReportModel, SignOffInfo
from desktop.resources import resource

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
MONO = "DejaVuSansMono"
ATTACHMENT_NAME = "assessment.json"
SIGNATURE_FIELD = "Approver"
TOC_FORM = "vetta-toc"
TOTAL_FORM = "vetta-total"

INK = colors.HexColor("#1B1B1B")
ACCENT = colors.HexColor("#1F4E79")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#C9D2DC")
BAND = colors.HexColor("#F2F5F8")
DECISION_COLOURS = {
    "approved": colors.HexColor("#1E7B34"),
    "approved_with_conditions": colors.HexColor("#9A6700"),
    "rejected": colors.HexColor("#B3261E"),
    "": MUTED,
}
SEVERITY_COLOURS = {
    "blocker": "#B3261E", "high": "#B3261E", "major": "#9A6700", "medium": "#9A6700",
    "minor": "#1F4E79", "low": "#1F4E79", "info": "#5F6B7A",
}

_fonts_ready = False


def register_fonts() -> None:
    """Register the shipped DejaVu fonts once (embedded in every PDF; full Unicode)."""
    global _fonts_ready
    if _fonts_ready:
        return
    for name, filename in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                           (ITALIC, "DejaVuSans-Oblique.ttf"), ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
                           (MONO, "DejaVuSansMono.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="DejaVuSans-BoldOblique")
    _fonts_ready = True


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature field sits: page index (0-based) and box in PDF points."""

    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    signature: SignatureBox
    pages: int


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("muted", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=6.5, leading=8.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT,
                             spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, textColor=ACCENT,
                             spaceBefore=8, spaceAfter=4),
        "cover_title": ParagraphStyle("ct", parent=base, fontName=BOLD, fontSize=24, leading=29, textColor=ACCENT),
        "cover_vendor": ParagraphStyle("cv", parent=base, fontName=BOLD, fontSize=17, leading=22),
        "cover_org": ParagraphStyle("co", parent=base, fontSize=11, leading=14, textColor=MUTED, alignment=TA_RIGHT),
        "decision": ParagraphStyle("dec", parent=base, fontName=BOLD, fontSize=14, leading=18,
                                   textColor=colors.white, alignment=TA_CENTER),
        "toc0": ParagraphStyle("toc0", parent=base, fontSize=10, leading=16, leftIndent=0),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=8.5, leading=12, leftIndent=14, textColor=MUTED),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _Heading(Paragraph):
    """A heading that feeds the table of contents and the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(escape(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


class _TocSpace(Flowable):
    """Reserves the rest of the page for the table of contents, drawn as a form at the end."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 1
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(0, self.height)
        self.canv.doForm(TOC_FORM)
        self.canv.restoreState()


class _SignatureSpot(Flowable):
    """Reserves the signature box and records where it landed (for pyHanko's visible stamp)."""

    def __init__(self, width: float, height: float, label: str, sink: dict[str, Any]) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.label = label
        self.sink = sink

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        x, y = c.absolutePosition(0, 0)
        self.sink["page"] = c.getPageNumber() - 1
        self.sink["box"] = (int(x), int(y), int(x + self.width), int(y + self.height))
        c.saveState()
        c.setStrokeColor(RULE)
        c.setDash(3, 2)
        c.rect(0, 0, self.width, self.height)
        c.setFont(FONT, 7)
        c.setFillColor(MUTED)
        c.drawString(4, 4, self.label)
        c.restoreState()


class _Doc(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, model: ReportModel, draft: bool, **kw: Any) -> None:
        super().__init__(buf, **kw)
        self.model = model
        self.draft = draft
        self.total_pages = 0
        self.toc_entries: list[tuple[int, str, int]] = []
        self.signature_sink: dict[str, Any] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=self._cover_page, onPageEnd=self._page_end),
            PageTemplate("body", [frame], onPage=self._body_page, onPageEnd=self._page_end),
        ])

    # One layout pass: the table of contents and the page total are PDF forms defined at the end,
    # drawn where they were reserved (twice as fast as reportlab's multi-pass build).
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            key = f"{flowable.toc_key}-{self.page}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level,
                                      closed=flowable.toc_level > 0)
            self.toc_entries.append((flowable.toc_level, flowable.toc_text, self.page))

    def _endBuild(self) -> None:
        self._doSave = 0
        super()._endBuild()
        self.total_pages = self.page
        c = self.canv
        c.beginForm(TOTAL_FORM, lowerx=0, lowery=-4, upperx=60, uppery=12)
        c.setFont(FONT, 7.5)
        c.setFillColor(MUTED)
        c.drawString(0, 0, str(self.total_pages))
        c.endForm()
        c.beginForm(TOC_FORM, lowerx=-2, lowery=-self.height - 10, upperx=self.width + 2, uppery=10)
        y = 0.0
        right = self.width
        bottom = -(self.height - 40)
        for level, text, page in self.toc_entries:
            size, lead, indent = (10.0, 17.0, 0.0) if level == 0 else (8.5, 12.5, 14.0)
            font = BOLD if level == 0 else FONT
            y -= lead
            if y < bottom:
                break
            c.setFont(font, size)
            c.setFillColor(INK if level == 0 else MUTED)
            label = text if len(text) < 90 else text[:88] + "…"
            c.drawString(indent, y, label)
            num = str(page)
            c.drawRightString(right, y, num)
            start = indent + pdfmetrics.stringWidth(label, font, size) + 4
            end = right - pdfmetrics.stringWidth(num, font, size) - 4
            if end > start:
                c.setStrokeColor(RULE)
                c.setDash(1, 2)
                c.line(start, y + 1, end, y + 1)
                c.setDash()
        c.endForm()
        c.save()

    def _watermark(self, c: Canvas) -> None:
        if not self.draft:
            return
        c.saveState()
        c.setFont(BOLD, 96)
        c.setFillColor(colors.Color(0.70, 0.15, 0.12, alpha=0.13))
        c.translate(A4[0] / 2, A4[1] / 2)
        c.rotate(45)
        c.drawCentredString(0, -30, tr(self.model.lang, "draft"))
        c.restoreState()

    def _page_end(self, c: Canvas, doc: BaseDocTemplate) -> None:
        self._watermark(c)  # over the content, so tables cannot hide it

    def _cover_page(self, c: Canvas, doc: BaseDocTemplate) -> None:
        self._footer(c)

    def _body_page(self, c: Canvas, doc: BaseDocTemplate) -> None:
        m, lang = self.model, self.model.lang
        c.saveState()
        c.setFont(FONT, 7.5)
        c.setFillColor(MUTED)
        top = A4[1] - 12 * mm
        c.drawString(self.leftMargin, top, f"{m.organisation} · {tr(lang, 'title')}")
        c.drawRightString(A4[0] - self.rightMargin, top,
                          f"{m.vendor.name} · {tr(lang, 'assessment')} #{m.assessment_id} v{m.assessment_version}")
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(self.leftMargin, top - 3, A4[0] - self.rightMargin, top - 3)
        c.restoreState()
        self._footer(c)

    def _footer(self, c: Canvas) -> None:
        m, lang = self.model, self.model.lang
        c.saveState()
        c.setFont(FONT, 7.5)
        c.setFillColor(MUTED)
        y = 10 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(self.leftMargin, y + 9, A4[0] - self.rightMargin, y + 9)
        left = f"{m.vendor.name} · {tr(lang, 'assessment_id')} {m.assessment_id}"
        if self.draft:
            left += f" · {tr(lang, 'draft')}"
        c.drawString(self.leftMargin, y, left)
        label = f"{tr(lang, 'page')} {self.page} {tr(lang, 'of')} "
        right = A4[0] - self.rightMargin - pdfmetrics.stringWidth("00", FONT, 7.5)
        c.drawRightString(right, y, label)
        c.translate(right, y)
        c.doForm(TOTAL_FORM)
        c.restoreState()


def _chunked(rows: list[list[Any]], widths: list[float], size: int = 12) -> list[Flowable]:
    """Long tables as several short ones with the header repeated: splitting one long table across pages
    re-measures every remaining row at each page break, which dominates rendering time."""
    header, body = rows[0], rows[1:]
    out: list[Flowable] = [_table([header, *body[:size]], widths)]
    for i in range(size, len(body), size):  # continuations join seamlessly, without a header mid-page
        out.append(_table(body[i:i + size], widths, header=False))
    return out


def _table(rows: list[list[Any]], widths: list[float], header: bool = True, zebra: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("FONT", (0, 0), (-1, -1), FONT, 7.5, 9.5),  # plain-string cells (short, never wrapped)
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white)]
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, BAND]))
    t.setStyle(TableStyle(style))
    return t


def _header_row(labels: list[str], s: dict[str, ParagraphStyle]) -> list[Any]:
    white = ParagraphStyle("hdr", parent=s["cellb"], textColor=colors.white)
    return [Paragraph(escape(x), white) for x in labels]


def _kv(pairs: list[tuple[str, str]], s: dict[str, ParagraphStyle], width: float) -> Table:
    rows = [[_p(k, s["cellb"]), _p(v, s["cell"])] for k, v in pairs]
    return _table(rows, [width * 0.32, width * 0.68], header=False)


def _sev(lang: str, code: str) -> str:
    key = f"sev_{code}"
    return tr(lang, key) if key != tr(lang, key) else code


def _finding_para(lang: str, f: Finding, s: dict[str, ParagraphStyle]) -> Paragraph:
    colour = SEVERITY_COLOURS.get(f.severity, "#5F6B7A")
    return Paragraph(f'<font color="{colour}"><b>{escape(_sev(lang, f.severity).upper())}</b></font> '
                     f"{escape(f.message)}", s["body"])


def _decision_text(lang: str, decision: str) -> str:
    return tr(lang, f"dec_{decision}") if decision else tr(lang, "dec_pending")


def _rating_text(lang: str, rating: str) -> str:
    return tr(lang, f"rat_{rating}") if rating else "—"


def _answer_text(lang: str, value: str) -> str:
    key = f"ans_{value}"
    translated = tr(lang, key)
    return translated if translated != key else value


def render(model: ReportModel, *, draft: bool) -> Rendered:
    """Render ``model``; a draft carries "DRAFT" on every page."""
    register_fonts()
    s = _styles()
    lang = model.lang
    buf = io.BytesIO()
    title = f"{tr(lang, 'title')}: {model.vendor.name}"
    doc = _Doc(
        buf, model, draft, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
        bottomMargin=18 * mm, title=title, author=model.signoff.approver or model.signoff.preparer or model.organisation,
        subject=f"{tr(lang, 'assessment')} #{model.assessment_id} v{model.assessment_version} · "
                f"{_decision_text(lang, model.decision)}",
        keywords=["vendor assessment", "neutrality", "due diligence", model.vendor.name,
                  f"assessment-{model.assessment_id}"],
        creator="Vetta", lang=lang,
    )
    width = doc.width
    story: list[Flowable] = []
    story += _cover(model, s, width, draft)
    story.append(NextPageTemplate("body"))
    story.append(PageBreak())
    story += [Paragraph(escape(tr(lang, "contents")), s["h1"]), _TocSpace(), PageBreak()]

    def h1(key: str) -> None:
        story.append(CondPageBreak(60 * mm))
        story.append(_Heading(tr(lang, key), s["h1"], 0, key))

    # executive summary
    h1("sec_summary")
    dec_colour = DECISION_COLOURS.get(model.decision, MUTED)
    band = Table([[Paragraph(escape(f"{_decision_text(lang, model.decision)} · {_rating_text(lang, model.rating)}"),
                             s["decision"])]], colWidths=[width])
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), dec_colour), ("TOPPADDING", (0, 0), (-1, -1), 6),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    story += [band, Spacer(1, 6)]
    story.append(Paragraph(escape(tr(lang, "blockers")), s["h2"]))
    story += [_finding_para(lang, f, s) for f in model.blockers] or [_p(tr(lang, "no_blockers"), s["body"])]
    story.append(Paragraph(escape(tr(lang, "conditions")), s["h2"]))
    story += [_p(f"{i}. {c}", s["body"]) for i, c in enumerate(model.conditions, 1)] or [_p(tr(lang, "none"), s["body"])]
    story.append(Paragraph(escape(tr(lang, "key_findings")), s["h2"]))
    story += [_finding_para(lang, f, s) for f in model.key_findings] or [_p(tr(lang, "no_findings"), s["body"])]

    # vendor profile
    h1("sec_vendor")
    v = model.vendor
    story.append(_kv([
        (tr(lang, "legal_name"), v.name),
        (tr(lang, "country"), v.country or "—"),
        (tr(lang, "jurisdiction"), v.jurisdiction or "—"),
        (tr(lang, "identifiers"), ", ".join(v.identifiers) or "—"),
        (tr(lang, "services"), v.services or "—"),
        (tr(lang, "tier"), tr(lang, f"tier_{v.tier}") if v.tier else "—"),
        (tr(lang, "status"), tr(lang, f"vst_{v.status}") if v.status else "—"),
        (tr(lang, "internal_owner"), v.internal_owner or "—"),
        (tr(lang, "website"), v.website or "—"),
        (tr(lang, "data_locations"), ", ".join(v.data_locations) or "—"),
        (tr(lang, "tags"), ", ".join(v.tags) or "—"),
    ], s, width))

    # ownership
    h1("sec_ownership")
    own = model.ownership
    if not own.available:
        story.append(_p(tr(lang, "ownership_unavailable"), s["body"]))
    else:
        if own.nodes:
            story.append(ownership_drawing(own.nodes, own.edges, own.subject, width, font=FONT, bold=BOLD))
            story.append(_p(tr(lang, "chart_legend"), s["muted"]))
            story.append(Spacer(1, 6))
        rows: list[list[Any]] = [_header_row([tr(lang, "party"), tr(lang, "kind"), tr(lang, "economic"),
                                              tr(lang, "voting"), tr(lang, "controls"), tr(lang, "competitor")], s)]
        for party in own.parties:
            rows.append([_p(party.name, s["cell"]), _p(tr(lang, party.kind), s["cell"]),
                         _p(_range(party.economic, lang), s["cell"]), _p(_range(party.voting, lang), s["cell"]),
                         _p(tr(lang, "yes") if party.controls else "—", s["cell"]),
                         _p(party.competitor or "—", s["cell"])])
        story += _chunked(rows, [width * f for f in (0.32, 0.1, 0.15, 0.15, 0.1, 0.18)], size=25)
        if own.competitor_groups:
            story.append(Paragraph(escape(tr(lang, "competitor_groups")), s["h2"]))
            story += [_p(f"• {g}", s["body"]) for g in own.competitor_groups]
        if own.findings:
            story.append(Paragraph(escape(tr(lang, "ownership_findings")), s["h2"]))
            story += [_finding_para(lang, f, s) for f in own.findings]

    # people ties
    h1("sec_people")
    if not own.available:
        story.append(_p(tr(lang, "ownership_unavailable"), s["body"]))
    else:
        story += [_p(f"• {t}", s["body"]) for t in own.people_ties] or [_p(tr(lang, "no_people_ties"), s["body"])]

    # contracts
    h1("sec_contracts")
    if not model.contracts:
        story.append(_p(tr(lang, "no_contracts"), s["body"]))
    rows = [_header_row([tr(lang, "contract"), tr(lang, "period"), tr(lang, "clauses"),
                         tr(lang, "missing_clauses")], s)]
    for ct in model.contracts:
        name = f"{ct.kind} {ct.title}".strip() + (f" ({ct.reference})" if ct.reference else "")
        present = [tr(lang, f"cl_{c}") for c in ct.clauses] + ct.extra
        rows.append([_p(name, s["cell"]), _p(ct.period, s["cell"]), _p("; ".join(present) or "—", s["cell"]),
                     _p("; ".join(tr(lang, f"cl_{c}") for c in ct.missing) or "—", s["cell"])])
    if model.contracts:
        story.append(_table(rows, [width * f for f in (0.28, 0.18, 0.30, 0.24)]))

    # security
    h1("sec_security")
    story.append(Paragraph(escape(tr(lang, "certifications")), s["h2"]))
    if model.certifications:
        rows = [_header_row([tr(lang, "standard"), tr(lang, "issuer"), tr(lang, "scope"), tr(lang, "valid"),
                             tr(lang, "validity")], s)]
        for cert in model.certifications:
            rows.append([_p(cert.standard, s["cellb"]), _p(cert.issuer, s["cell"]), _p(cert.scope, s["cell"]),
                         _p(f"{cert.valid_from or '…'} – {cert.valid_until or '…'}", s["cell"]),
                         _validity(lang, cert.days_left, s)])
        story.append(_table(rows, [width * f for f in (0.2, 0.18, 0.3, 0.18, 0.14)]))
    else:
        story.append(_p(tr(lang, "no_certifications"), s["body"]))
    story.append(Paragraph(escape(tr(lang, "commitments")), s["h2"]))
    if model.commitments:
        rows = [_header_row([tr(lang, "kind"), tr(lang, "details"), tr(lang, "valid"), tr(lang, "validity")], s)]
        for cm in model.commitments:
            rows.append([_p(tr(lang, f"cm_{cm.kind}") if has(f"cm_{cm.kind}") else cm.kind.replace("_", " "), s["cellb"]), _p(cm.details, s["cell"]),
                         _p(cm.valid_until or "—", s["cell"]), _validity(lang, cm.days_left, s)])
        story.append(_table(rows, [width * f for f in (0.22, 0.48, 0.15, 0.15)]))
    else:
        story.append(_p(tr(lang, "no_commitments"), s["body"]))

    # subprocessors
    h1("sec_subprocessors")
    if model.subprocessors:
        rows = [_header_row([tr(lang, "party"), tr(lang, "service"), tr(lang, "country"),
                             tr(lang, "customer_data")], s)]
        for sp in model.subprocessors:
            rows.append([_p(sp.name, s["cell"]), _p(sp.service, s["cell"]), _p(sp.country or "—", s["cell"]),
                         _p(tr(lang, "yes") if sp.accesses_customer_data else tr(lang, "no"), s["cell"])])
        story.append(_table(rows, [width * f for f in (0.32, 0.4, 0.1, 0.18)]))
    else:
        story.append(_p(tr(lang, "no_subprocessors"), s["body"]))

    # answers
    h1("sec_answers")
    for sec in model.sections:
        story.append(CondPageBreak(30 * mm))
        story.append(_Heading(sec.title, s["h2"], 1, f"sec-{sec.key}"))
        rows = [_header_row([tr(lang, "question"), tr(lang, "answer"), tr(lang, "given_by"),
                             tr(lang, "justification"), tr(lang, "evidence")], s)]
        for a in sec.answers:
            colour = SEVERITY_COLOURS.get(a.severity, "#5F6B7A")
            q = Paragraph(f"<b>{escape(a.key)}</b> {escape(a.text)} "
                          f'<font color="{colour}" size="6.5">[{escape(_sev(lang, a.severity))}]</font>', s["cell"])
            ans = _answer_text(lang, a.answer) if a.answer else tr(lang, "unanswered")
            by = tr(lang, f"src_{a.source}") if a.source else "—"
            if a.answered_by:
                by += f"\n{a.answered_by}"
            # short cells as plain strings: no paragraph wrapping, which is most of the rendering time
            answer_cell: Any = ans if len(ans) <= 14 else _p(ans, s["cell"])
            by_cell: Any = by if max(len(x) for x in by.split("\n")) <= 18 else _p(by, s["cell"])
            rows.append([q, answer_cell, by_cell, _p(a.justification or "—", s["cell"]),
                         _p(", ".join(a.evidence) or "—", s["cell"])])
        story += _chunked(rows, [width * f for f in (0.34, 0.12, 0.14, 0.28, 0.12)])

    # evidence
    h1("sec_evidence")
    if model.evidence:
        rows = [_header_row(["#", tr(lang, "file"), tr(lang, "size"), "SHA-256"], s)]
        for ev in model.evidence:
            rows.append([_p(ev.ref, s["cell"]), _p(ev.filename, s["cell"]), _p(_size(ev.size), s["cell"]),
                         _p(ev.sha256, s["mono"])])
        story += _chunked(rows, [width * f for f in (0.07, 0.3, 0.1, 0.53)], size=25)
    else:
        story.append(_p(tr(lang, "no_evidence"), s["body"]))

    # changes
    h1("sec_changes")
    if not model.previous_assessment:
        story.append(_p(tr(lang, "first_assessment"), s["body"]))
    else:
        story.append(_p(f"{tr(lang, 'previous')}: {model.previous_assessment}", s["body"]))
        story.append(Paragraph(escape(tr(lang, "changed_answers")), s["h2"]))
        if model.changes:
            rows = [_header_row([tr(lang, "question"), tr(lang, "was"), tr(lang, "answer")], s)]
            for ch in model.changes:
                rows.append([_p(ch.question, s["cell"]), _p(_answer_text(lang, ch.before), s["cell"]),
                             _p(_answer_text(lang, ch.after), s["cell"])])
            story.append(_table(rows, [width * 0.6, width * 0.2, width * 0.2]))
        else:
            story.append(_p(tr(lang, "no_changes"), s["body"]))

    # methodology
    h1("sec_method")
    story.append(_p(tr(lang, "method_text"), s["body"]))
    story.append(Spacer(1, 6))
    th = model.thresholds
    pairs = [(tr(lang, "bo_threshold"), f"{th.get('beneficial_ownership', 25):g}%"),
             (tr(lang, "influence_threshold"), f"{th.get('significant_influence', 20):g}%"),
             (tr(lang, "control_threshold"), f"{th.get('control', 50):g}%"),
             (tr(lang, "lookback"), tr(lang, "months", n=int(th.get("people_lookback_months", 24))))]
    for tier, months in model.review_months.items():
        pairs.append((tr(lang, "review_interval", tier=tr(lang, f"tier_{tier}")), tr(lang, "months", n=months)))
    pairs.append((tr(lang, "template"), f"{model.template_title} ({model.template_key} v{model.template_version})"))
    story.append(_kv(pairs, s, width))

    # sign-off
    story.append(PageBreak())
    story.append(_Heading(tr(lang, "sec_signoff"), s["h1"], 0, "sec_signoff"))
    so = model.signoff
    story.append(_kv([
        (tr(lang, "preparer"), so.preparer or "—"),
        (tr(lang, "submitted_at"), so.submitted_at or "—"),
        (tr(lang, "approver"), so.approver or tr(lang, "pending")),
        (tr(lang, "decision"), _decision_text(lang, so.decision)),
        (tr(lang, "conditions"), "\n".join(f"{i}. {c}" for i, c in enumerate(so.conditions, 1)) or "—"),
        (tr(lang, "decided_at"), so.decided_at or tr(lang, "pending")),
        (tr(lang, "next_review_due"), model.next_review_due or "—"),
    ], s, width))
    story.append(Spacer(1, 10))
    story.extend(_signature_facts(lang, so, s))
    label = tr(lang, "signature") + (f": {so.signer}" if so.signer else "")
    story.append(KeepTogether([
        _p(tr(lang, "signed_note") if so.decision else tr(lang, "signature_pending"), s["muted"]),
        Spacer(1, 6),
        _SignatureSpot(90 * mm, 32 * mm, label, doc.signature_sink),
    ]))
    story.append(Spacer(1, 8))
    story.append(_p(tr(lang, "attachment_note"), s["muted"]))

    doc.build(story)
    pdf = _attach_record(buf.getvalue(), model)
    sink = doc.signature_sink
    return Rendered(pdf=pdf, signature=SignatureBox(page=int(sink["page"]), box=tuple(sink["box"])),
                    pages=doc.total_pages)


def _signature_facts(lang: str, so: SignOffInfo, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The certificate's fingerprint and where the signing time comes from (signed reports only)."""
    from desktop.core.i18n import N_
    from desktop.core.i18n import tr as tr_text

    out: list[Flowable] = []
    if so.fingerprint:
        colons = ":".join(so.fingerprint[i:i + 2] for i in range(0, len(so.fingerprint), 2)).upper()
        out.append(_p(tr_text(N_("Signer's certificate, SHA-256 fingerprint: {fingerprint}"), lang, fingerprint=colons),
                      s["muted"]))
    if so.time_source == "timestamp":
        out.append(_p(tr_text(N_("Signing time: certified by the time-stamping server {server} (RFC 3161)."), lang,
                              server=so.timestamp_server), s["muted"]))
    elif so.time_source == "clock":
        out.append(_p(tr_text(N_("Signing time: taken from the signer's computer clock; no time-stamping server "
                                 "certified it."), lang), s["muted"]))
    return out


def _cover(model: ReportModel, s: dict[str, ParagraphStyle], width: float, draft: bool) -> list[Flowable]:
    lang = model.lang
    out: list[Flowable] = []
    logo: Flowable | None = None
    if model.logo:
        try:
            reader = ImageReader(io.BytesIO(model.logo))
            iw, ih = reader.getSize()
            scale = min(45 * mm / iw, 18 * mm / ih)
            logo = Image(io.BytesIO(model.logo), width=iw * scale, height=ih * scale, hAlign="LEFT")
        except Exception:  # an unreadable logo never stops a report
            logo = None
    head: list[Any] = [logo or Spacer(1, 1), _p(model.organisation, s["cover_org"])]
    t = Table([head], colWidths=[width * 0.4, width * 0.6])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    out += [t, Spacer(1, 30 * mm)]
    out += [_p(tr(lang, "title"), s["cover_title"]), Spacer(1, 6), _p(model.vendor.name, s["cover_vendor"]),
            Spacer(1, 12 * mm)]
    dec_colour = DECISION_COLOURS.get(model.decision, MUTED)
    band = Table([[Paragraph(escape(_decision_text(lang, model.decision)), s["decision"]),
                   Paragraph(escape(_rating_text(lang, model.rating)), s["decision"])]],
                 colWidths=[width * 0.6, width * 0.4])
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), dec_colour), ("BACKGROUND", (1, 0), (1, 0), ACCENT),
                              ("TOPPADDING", (0, 0), (-1, -1), 9), ("BOTTOMPADDING", (0, 0), (-1, -1), 11)]))
    out += [band, Spacer(1, 10 * mm)]
    score = f"{model.score:.1f}" if model.score is not None else "—"
    pairs = [
        (tr(lang, "assessment_id"), str(model.assessment_id)),
        (tr(lang, "assessment_version"), str(model.assessment_version)),
        (tr(lang, "template"), f"{model.template_title} ({model.template_key})"),
        (tr(lang, "template_version"), str(model.template_version)),
        (tr(lang, "status"), tr(lang, f"st_{model.status}")),
        (tr(lang, "score"), score),
        (tr(lang, "as_of"), model.as_of or "—"),
        (tr(lang, "submitted_at"), model.submitted_at or "—"),
        (tr(lang, "decided_at"), model.decided_at or tr(lang, "pending")),
        (tr(lang, "next_review_due"), model.next_review_due or "—"),
        (tr(lang, "preparer"), model.signoff.preparer or "—"),
        (tr(lang, "approver"), model.signoff.approver or tr(lang, "pending")),
        (tr(lang, "generated_at"), model.generated_at),
    ]
    out.append(_kv(pairs, s, width))
    if draft:
        out += [Spacer(1, 8 * mm), _p(tr(lang, "draft_note"), s["h2"])]
    return out


def _validity(lang: str, days_left: int | None, s: dict[str, ParagraphStyle]) -> Paragraph:
    if days_left is None:
        return _p(tr(lang, "open_ended"), s["cell"])
    if days_left < 0:
        return Paragraph(f'<font color="#B3261E"><b>{escape(tr(lang, "expired"))}</b></font>', s["cell"])
    if days_left <= 60:
        return Paragraph(f'<font color="#9A6700"><b>{escape(tr(lang, "expires_in", days=days_left))}</b></font>',
                         s["cell"])
    return _p(tr(lang, "valid_ok"), s["cell"])


def _range(r: tuple[float, float] | None, lang: str = "en") -> str:
    if r is None:
        return "—"
    lo, hi = r
    text = f"{lo:.4g}%" if abs(hi - lo) < 1e-9 else f"{lo:.4g}–{hi:.4g}%"
    return text.replace(".", ",") if lang == "es" else text  # decimal comma in Spanish


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1048576:.1f} MB"


def _attach_record(pdf: bytes, model: ReportModel) -> bytes:
    """Embed the record as ``assessment.json`` (an incremental update, before any signature)."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    data = json.dumps(model.to_json_dict(), ensure_ascii=False, indent=1, default=str).encode("utf-8")
    ef = embed.EmbeddedFileObject.from_file_data(writer, data=data, mime_type="application/json")
    embed.embed_file(writer, embed.FileSpec(file_spec_string=ATTACHMENT_NAME, file_name=ATTACHMENT_NAME,
                                            embedded_data=ef, description="Vetta assessment record"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_record(pdf: bytes) -> dict[str, Any] | None:
    """The attached ``assessment.json`` of a Vetta report, or None when there is none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        root = PdfFileReader(io.BytesIO(pdf), strict=False).root
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == ATTACHMENT_NAME:
                loaded = json.loads(names[i + 1].get_object()["/EF"]["/F"].get_object().data)
                return loaded if isinstance(loaded, dict) else None
    except Exception:
        return None
    return None
