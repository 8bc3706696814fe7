"""Building blocks of the report's sections: paragraphs, tables that split across pages with their
header repeated, names that wrap at their separators, the rating badge, dates and numbers in the
report's language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from desktop.core.findings import Finding
from desktop.core.findings_text import percent
from desktop.core.i18n import format_date, format_number, tr
from desktop.report.i18n import rating_label, severity_label
from desktop.report.render_doc import (
    ACCENT,
    BAND,
    BOLD,
    FONT,
    RATING_COLOURS,
    RULE,
    SEVERITY_COLOURS,
    Styles,
)

H1 = Callable[[str, str], list[Flowable]]  # a section heading (text, destination key) as flowables
CELL_LIMIT = 1500  # characters in one table cell: a row taller than a page cannot be laid out
_SEPARATORS = re.compile(r"(?<=[_\-./\\])")


def p(text: str, style: Any) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def clip(text: str, limit: int = CELL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell(text: str, style: Any) -> Paragraph:
    return p(clip(text), style)


def _name_lines(text: str, width: float, font: str, size: float) -> list[str]:
    """``text`` cut into lines after separators (_ - . / \\); only a part wider than a line is cut inside."""
    lines: list[str] = []
    current, used = "", 0.0
    for part in (x for x in _SEPARATORS.split(text) if x):
        w = stringWidth(part, font, size)
        if current and used + w > width:
            lines.append(current)
            current, used = "", 0.0
        while w > width and len(part) > 1:  # one part longer than the line
            cut = max(1, int(len(part) * width / w) - 1)
            lines.append(current + part[:cut])
            current, used, part = "", 0.0, part[cut:]
            w = stringWidth(part, font, size)
        current += part
        used += w
    if current:
        lines.append(current)
    return lines


def wrap_name(text: str, width: float, font: str = FONT, size: float = 7.5) -> str:
    """Paragraph markup for a file name that never breaks mid-word: lines end at separators."""
    if stringWidth(text, font, size) <= width:
        return escape(text)
    return "<br/>".join(escape(x) for x in _name_lines(text, width, font, size))


def wrap_plain(text: str, width: float, font: str = FONT, size: float = 7.5) -> str:
    """``text`` broken into lines (at spaces, and names at their separators) for a plain table cell.

    A table draws a plain-string cell line by line without paragraph layout, which is most of the
    rendering time of long tables; the cell's padding is taken off ``width`` here.
    """
    width -= 8
    out: list[str] = []
    for paragraph in clip(text).split("\n"):
        if stringWidth(paragraph, font, size) <= width:
            out.append(paragraph)
            continue
        space = stringWidth(" ", font, size)
        current, used = "", 0.0
        for word in paragraph.split():
            w = stringWidth(word, font, size)
            if w > width:
                pieces = _name_lines(word, width, font, size)
                if current:
                    out.append(current)
                out += pieces[:-1]
                current, used = pieces[-1], stringWidth(pieces[-1], font, size)
                continue
            if current and used + space + w > width:
                out.append(current)
                current, used = word, w
            else:
                current, used = (f"{current} {word}", used + space + w) if current else (word, w)
        out.append(current)
    return "\n".join(out)


def name_cell(text: str, style: Any, width: float) -> Paragraph:
    return Paragraph(wrap_name(clip(text, 300), width - 8, style.fontName, style.fontSize), style)


def table(rows: list[list[Any]], widths: list[float], header: bool = True, zebra: bool = True) -> Table:
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


def header_row(labels: list[str], s: Styles) -> list[Any]:
    return [Paragraph(escape(x), s["hdr"]) for x in labels]


def kv(pairs: list[tuple[str, str]], s: Styles, width: float) -> Table:
    rows = [[p(k, s["cellb"]), cell(v, s["cell"])] for k, v in pairs]
    return table(rows, [width * 0.32, width * 0.68], header=False)


def _height(part: Table, aw: float) -> float:
    cached = getattr(part, "_vetta_height", None)
    if cached is not None and cached[0] == aw:
        return float(cached[1])
    h = part.wrap(aw, 10_000)[1]
    part._vetta_height = (aw, h)
    return float(h)


class _Stack(Flowable):
    """Tables already measured, drawn one under the other (no second measuring pass)."""

    def __init__(self, parts: list[Table], aw: float) -> None:
        super().__init__()
        self.parts = parts
        self.width = aw
        self.height = sum(_height(t, aw) for t in parts)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for t in self.parts:
            h = _height(t, self.width)
            t.drawOn(self.canv, 0, y - h)
            y -= h


class ChunkedTable(Flowable):
    """A long table as short tables (measured once each), its header repeated at the top of every page.

    Splitting one long reportlab table across pages re-measures every remaining row at each page
    break, which dominated rendering time; short tables are measured once.
    """

    def __init__(self, header: list[Any], widths: list[float], parts: list[Table]) -> None:
        super().__init__()
        self.header = header
        self.widths = widths
        self.parts = parts

    @classmethod
    def of(cls, rows: list[list[Any]], widths: list[float], size: int = 12) -> ChunkedTable:
        header, body = rows[0], rows[1:]
        parts = [table(body[i:i + size], widths, header=False) for i in range(0, len(body), size)]
        return cls(header, widths, parts)

    def _head(self) -> Table:
        return table([self.header], self.widths, header=True, zebra=False)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = _height(self._head(), aw) + sum(_height(t, aw) for t in self.parts)
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        head = self._head()
        used = _height(head, aw)
        placed: list[Table] = [head]
        rest: list[Table] = []
        for index, part in enumerate(self.parts):
            h = _height(part, aw)
            if used + h <= ah:
                placed.append(part)
                used += h
                continue
            pieces = part.split(aw, ah - used)
            if len(pieces) >= 2:
                placed.append(pieces[0])
                rest = [*pieces[1:], *self.parts[index + 1:]]
            else:
                rest = self.parts[index:]
            break
        if len(placed) == 1:
            return []  # not even one row fits under the header here: start on the next page
        return [_Stack(placed, aw), *([ChunkedTable(self.header, self.widths, rest)] if rest else [])]

    def draw(self) -> None:
        _Stack([self._head(), *self.parts], self.width).drawOn(self.canv, 0, 0)


# --------------------------------------------------------------------------- words and numbers


def fmt_date(value: date | datetime | str | None, lang: str) -> str:
    """'4 Dec 2026' / '4 dic 2026'; a time in UTC is added for moments ('4 Dec 2026, 13:40 UTC')."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed: date = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return f"{format_date(moment.date(), lang)}, {moment:%H:%M} UTC"
    return format_date(value, lang)


def fmt_score(score: float | None, lang: str) -> str:
    return "—" if score is None else format_number(score, lang, 1)


def fmt_range(r: tuple[float, float] | None, lang: str) -> str:
    if r is None:
        return "—"
    lo, hi = r
    return percent(lo, lang) if abs(hi - lo) < 1e-9 else f"{percent(lo, lang)}–{percent(hi, lang)}"


def fmt_size(n: int, lang: str) -> str:
    if n < 1024:
        return tr("{n} B", lang, n=n)
    if n < 1024 * 1024:
        return tr("{n} KB", lang, n=format_number(n / 1024, lang, 1))
    return tr("{n} MB", lang, n=format_number(n / 1048576, lang, 1))


def severity_tag(f: Finding, lang: str) -> str:
    """Paragraph markup: the coloured severity word, and 'partly met' for a partial answer."""
    colour = SEVERITY_COLOURS.get(f.severity, "#5F6B7A")
    word = severity_label(f.severity, lang).upper()
    tag = f'<font color="{colour}"><b>{escape(word)}</b></font>'
    if f.outcome == "partial":
        tag += f' <font color="{colour}">({escape(tr("partly met", lang))})</font>'
    return tag


# --------------------------------------------------------------------------- the rating badge


class RatingBadge(Flowable):
    """The rating as a coloured band with a shape and a word: never colour alone.

    Neutral: a green circle with a tick. Conditionally neutral: an amber triangle with "!".
    Not neutral: a red octagon with a cross. No rating yet: a grey circle with "?".
    """

    def __init__(self, rating: str, lang: str, width: float, height: float = 34, detail: str = "") -> None:
        super().__init__()
        self.rating = rating
        self.lang = lang
        self.width = width
        self.height = height
        self.detail = detail

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        colour = RATING_COLOURS.get(self.rating, RATING_COLOURS[""])
        c.saveState()
        c.setFillColor(colour)
        c.roundRect(0, 0, self.width, self.height, 4, stroke=0, fill=1)
        cx, cy, r = self.height / 2 + 4, self.height / 2, self.height / 2 - 6
        draw_shape(c, self.rating, cx, cy, r)
        c.setFillColor(colors.white)
        c.setFont(BOLD, 14)
        word = rating_label(self.rating, self.lang) if self.rating else tr("Not rated yet", self.lang)
        c.drawString(cx + r + 10, cy - 5, word)
        if self.detail:
            c.setFont(FONT, 8)
            c.drawRightString(self.width - 8, cy - 3, self.detail)
        c.restoreState()


def draw_shape(c: Any, rating: str, cx: float, cy: float, r: float) -> None:
    """The rating's shape in white on the band, with its mark in the band colour."""
    colour = RATING_COLOURS.get(rating, RATING_COLOURS[""])
    c.setFillColor(colors.white)
    c.setStrokeColor(colour)
    c.setLineWidth(2.2)
    if rating == "not_neutral":
        pts = [(cx + r * math.cos(math.pi / 8 + i * math.pi / 4), cy + r * math.sin(math.pi / 8 + i * math.pi / 4))
               for i in range(8)]
        path = c.beginPath()
        path.moveTo(*pts[0])
        for x, y in pts[1:]:
            path.lineTo(x, y)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        k = r * 0.42
        c.line(cx - k, cy - k, cx + k, cy + k)
        c.line(cx - k, cy + k, cx + k, cy - k)
    elif rating == "conditionally_neutral":
        path = c.beginPath()
        path.moveTo(cx, cy + r)
        path.lineTo(cx - r * 1.05, cy - r * 0.8)
        path.lineTo(cx + r * 1.05, cy - r * 0.8)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        c.line(cx, cy + r * 0.45, cx, cy - r * 0.2)
        c.circle(cx, cy - r * 0.5, 1.3, stroke=1, fill=1)
    elif rating == "neutral":
        c.circle(cx, cy, r, stroke=0, fill=1)
        path = c.beginPath()
        path.moveTo(cx - r * 0.45, cy)
        path.lineTo(cx - r * 0.1, cy - r * 0.38)
        path.lineTo(cx + r * 0.5, cy + r * 0.4)
        c.drawPath(path, stroke=1, fill=0)
    else:
        c.circle(cx, cy, r, stroke=0, fill=1)
        c.setFillColor(colour)
        c.setFont(BOLD, r * 1.3)
        c.drawCentredString(cx, cy - r * 0.45, "?")
