"""The report's page furniture: fonts, colours, styles, the document template and its special flowables.

The document is laid out in a single pass: the table of contents and the page total are PDF form
XObjects defined at the end and drawn where they were reserved (twice as fast as reportlab's
multi-pass build). The contents entries are links: their positions depend only on the list of
headings, which is known before the build, so the link rectangles are placed when the contents
page is drawn and point at named destinations that the headings define later.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from desktop.core.i18n import tr
from desktop.report.model import ReportModel
from desktop.resources import resource

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
MONO = "DejaVuSansMono"
SIGNATURE_FIELD = "Approver"
TOC_FORM = "vetta-toc"
TOTAL_FORM = "vetta-total"

INK = colors.HexColor("#1B1B1B")
ACCENT = colors.HexColor("#1F4E79")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#C9D2DC")
BAND = colors.HexColor("#F2F5F8")
GREEN = colors.HexColor("#1E7B34")
AMBER = colors.HexColor("#A15C00")
RED = colors.HexColor("#B3261E")
DECISION_COLOURS = {"approved": GREEN, "approved_with_conditions": AMBER, "rejected": RED, "": MUTED}
RATING_COLOURS = {"neutral": GREEN, "conditionally_neutral": AMBER, "not_neutral": RED, "": MUTED}
SEVERITY_COLOURS = {"blocker": "#B3261E", "major": "#A15C00", "minor": "#1F4E79", "info": "#5F6B7A"}

_fonts_ready = False


def register_fonts() -> None:
    """Register the shipped DejaVu fonts once (embedded in every PDF; full Unicode)."""
    global _fonts_ready
    if _fonts_ready:
        return
    for name, filename in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                           (ITALIC, "DejaVuSans-Oblique.ttf"), (BOLD_ITALIC, "DejaVuSans-BoldOblique.ttf"),
                           (MONO, "DejaVuSansMono.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    _fonts_ready = True


def fit(text: str, width: float, font: str = FONT, size: float = 7.5) -> str:
    """``text`` cut with "…" to ``width`` points (page headers and footers have one line)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature field sits: page index (0-based) and box in PDF points."""

    page: int
    box: tuple[int, int, int, int]


Styles = dict[str, ParagraphStyle]


def make_styles() -> Styles:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("muted", parent=base, fontSize=8, leading=10.5, textColor=MUTED),
        "mono": ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=6.5, leading=8.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5),
        "hdr": ParagraphStyle("hdr", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5, textColor=colors.white),
        "finding": ParagraphStyle("finding", parent=base, leftIndent=10, spaceAfter=3),
        "detail": ParagraphStyle("detail", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED, leftIndent=10,
                                 spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT,
                             spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, textColor=ACCENT,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=9.5, leading=12.5, textColor=INK,
                             spaceBefore=6, spaceAfter=3),
        "cover_title": ParagraphStyle("ct", parent=base, fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT),
        "cover_vendor": ParagraphStyle("cv", parent=base, fontName=BOLD, fontSize=14, leading=18),
        "cover_org": ParagraphStyle("co", parent=base, fontSize=10, leading=13, textColor=MUTED, alignment=TA_RIGHT),
        "badge": ParagraphStyle("badge", parent=base, fontName=BOLD, fontSize=13, leading=16, textColor=colors.white),
        "decision": ParagraphStyle("dec", parent=base, fontName=BOLD, fontSize=12, leading=15,
                                   textColor=colors.white, alignment=TA_CENTER),
    }


class Heading(Paragraph):
    """A heading that feeds the table of contents and the PDF outline (``key`` names its destination)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(escape(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


@dataclass(frozen=True)
class TocLine:
    level: int
    text: str
    key: str
    y: float  # baseline, measured down from the top of the contents area (negative)
    size: float
    indent: float


def toc_layout(entries: list[tuple[int, str, str]], height: float) -> list[TocLine]:
    """Where each contents entry goes; entries that do not fit on the contents page are left out."""
    out: list[TocLine] = []
    y = 0.0
    bottom = -(height - 40)
    for level, text, key in entries:
        size, lead, indent = (10.0, 17.0, 0.0) if level == 0 else (8.5, 12.5, 14.0)
        y -= lead
        if y < bottom:
            break
        out.append(TocLine(level, text if len(text) < 90 else text[:88] + "…", key, y, size, indent))
    return out


class TocSpace(Flowable):
    """Reserves the contents page: the entries are a form drawn at the end; their links go in now."""

    def __init__(self, entries: list[tuple[int, str, str]], sink: dict[str, float]) -> None:
        super().__init__()
        self.entries = entries
        self.sink = sink  # the document reads the height back, to lay the entries out the same way

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 1
        self.sink["height"] = self.height
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        for line in toc_layout(self.entries, self.height):
            top = self.height + line.y
            c.linkRect("", line.key, (line.indent, top - 3, self.width, top + line.size), relative=1, thickness=0)
        c.saveState()
        c.translate(0, self.height)
        c.doForm(TOC_FORM)
        c.restoreState()


class SignatureSpot(Flowable):
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


class ReportDoc(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, model: ReportModel, draft: bool, **kw: Any) -> None:
        super().__init__(buf, initialFontName=FONT, initialFontSize=9, **kw)
        self.model = model
        self.draft = draft
        self.total_pages = 0
        self.toc_entries: list[tuple[int, str, str]] = []
        self.toc_pages: dict[str, int] = {}
        self.toc_sink: dict[str, float] = {}
        self.signature_sink: dict[str, Any] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=self._cover_page, onPageEnd=self._page_end),
            PageTemplate("body", [frame], onPage=self._body_page, onPageEnd=self._page_end),
        ])

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab hook
        if isinstance(flowable, Heading):
            # the destination is the heading itself (its top), not just its page
            top = self.frame._y + float(getattr(flowable, "height", 0) or 0) + 12
            self.canv.bookmarkHorizontal(flowable.toc_key, 0, top)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=flowable.toc_level,
                                      closed=flowable.toc_level > 0)
            self.toc_pages[flowable.toc_key] = self.page

    def _endBuild(self) -> None:  # noqa: N802 - reportlab hook
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
        for line in toc_layout(self.toc_entries, float(self.toc_sink.get("height") or self.height or 0)):
            font = BOLD if line.level == 0 else FONT
            c.setFont(font, line.size)
            c.setFillColor(INK if line.level == 0 else MUTED)
            c.drawString(line.indent, line.y, line.text)
            num = str(self.toc_pages.get(line.key, ""))
            c.drawRightString(self.width, line.y, num)
            start = line.indent + pdfmetrics.stringWidth(line.text, font, line.size) + 4
            end = self.width - pdfmetrics.stringWidth(num, font, line.size) - 4
            if end > start:
                c.setStrokeColor(RULE)
                c.setDash(1, 2)
                c.line(start, line.y + 1, end, line.y + 1)
                c.setDash()
        c.endForm()
        c.showOutline()  # open with the bookmarks shown
        c.save()

    def _watermark(self, c: Canvas) -> None:
        if not self.draft:
            return
        c.saveState()
        c.setFont(BOLD, 96)
        c.setFillColor(colors.Color(0.70, 0.15, 0.12, alpha=0.13))
        c.translate(A4[0] / 2, A4[1] / 2)
        c.rotate(45)
        lang = self.model.lang
        c.drawCentredString(0, -30, tr("Draft", lang).upper())
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
        line = A4[0] - self.leftMargin - self.rightMargin
        right = fit(tr("{vendor} · Assessment #{id} v{version}", lang, vendor=fit(m.vendor.name, line * 0.3),
                       id=m.assessment_id, version=m.assessment_version), line / 2)
        left = fit(f"{m.organisation} · {tr('Vendor neutrality assessment', lang)}",
                   line - pdfmetrics.stringWidth(right, FONT, 7.5) - 12)
        c.drawString(self.leftMargin, top, left)
        c.drawRightString(A4[0] - self.rightMargin, top, right)
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
        left = tr("{vendor} · Assessment id {id}", lang, vendor=fit(m.vendor.name, 220), id=m.assessment_id)
        if self.draft:
            left += f" · {tr('Draft', lang).upper()}"
        c.drawString(self.leftMargin, y, left)
        label = tr("Page {page} of", lang, page=self.page) + " "
        right = A4[0] - self.rightMargin - pdfmetrics.stringWidth("00", FONT, 7.5)
        c.drawRightString(right, y, label)
        c.translate(right, y)
        c.doForm(TOTAL_FORM)
        c.restoreState()
