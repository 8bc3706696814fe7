"""The checklist answers (with the rule's explanation as justification, honest attribution, framework
references), the evidence index (names wrapped at their separators) and the changes since the
previous assessment.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from desktop.core.i18n import tr
from desktop.report.i18n import severity_label
from desktop.report.model import ReportModel
from desktop.report.render_blocks import (
    H1,
    ChunkedTable,
    cell,
    clip,
    fmt_size,
    header_row,
    p,
    table,
    wrap_plain,
)
from desktop.report.render_doc import SEVERITY_COLOURS, Heading, Styles

_OUTCOME_MARKS = {"fail": "✗", "partial": "◐"}


def _question_cell(a: Any, lang: str, s: Styles) -> Paragraph:
    colour = SEVERITY_COLOURS.get(a.severity, "#5F6B7A")
    text = (f"<b>{escape(a.key)}</b> {escape(clip(a.text, 600))} "
            f'<font color="{colour}" size="6.5">[{escape(severity_label(a.severity, lang))}]</font>')
    if a.references:
        text += f'<br/><font color="#5F6B7A" size="6">{escape(clip("; ".join(a.references), 300))}</font>'
    return Paragraph(text, s["cell"])


def answers(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Checklist answers", lang), "sec_answers")
    out.append(p(tr("✗ fails the check · ◐ partly met. Given by: the rule that derived the answer from the "
                    "recorded facts, the vendor's questionnaire or the person who answered, with the date.", lang),
                 s["muted"]))
    widths = [width * f for f in (0.33, 0.11, 0.15, 0.27, 0.14)]
    for index, sec in enumerate(model.sections):
        out.append(CondPageBreak(30 * mm))
        out.append(Heading(sec.title, s["h2"], 1, f"answers-{index}"))
        rows: list[list[Any]] = [header_row([tr("Question", lang), tr("Answer", lang), tr("Given by", lang),
                                             tr("Justification", lang), tr("Evidence", lang)], s)]
        for a in sec.answers:
            shown = a.answer or tr("unanswered", lang)
            mark = _OUTCOME_MARKS.get(a.outcome)
            if mark:
                shown = f"{mark} {shown}"
            # plain strings broken into lines here: no paragraph layout, which is most of the rendering time
            evidence = "\n".join(wrap_plain(clip(e, 300), widths[4]) for e in a.evidence) or "—"
            rows.append([_question_cell(a, lang, s), wrap_plain(shown, widths[1]), wrap_plain(a.given_by, widths[2]),
                         wrap_plain(a.justification or "—", widths[3]), evidence])
        out.append(ChunkedTable.of(rows, widths))
    return out


def evidence(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Evidence index", lang), "sec_evidence")
    if not model.evidence:
        return [*out, p(tr("No evidence files.", lang), s["body"])]
    widths = [width * f for f in (0.06, 0.29, 0.09, 0.56)]
    rows: list[list[Any]] = [header_row(["#", tr("File", lang), tr("Size", lang), "SHA-256"], s)]
    for ev in model.evidence:
        rows.append([ev.ref, wrap_plain(ev.filename, widths[1]), fmt_size(ev.size, lang), p(ev.sha256, s["mono"])])
    out.append(ChunkedTable.of(rows, widths, size=25))
    return out


def changes(model: ReportModel, s: Styles, width: float, h1: H1) -> list[Flowable]:
    lang = model.lang
    out = h1(tr("Changes since the previous assessment", lang), "sec_changes")
    if not model.previous_assessment:
        return [*out, p(tr("This is the first assessment of this vendor.", lang), s["body"])]
    out.append(p(f"{tr('Previous assessment', lang)}: {model.previous_assessment}", s["body"]))
    out.append(Paragraph(escape(tr("Answers changed since then", lang)), s["h2"]))
    if not model.changes:
        return [*out, p(tr("No answers changed.", lang), s["body"])]
    rows: list[list[Any]] = [header_row([tr("Question", lang), tr("was", lang), tr("Answer", lang)], s)]
    for ch in model.changes:
        rows.append([cell(ch.question, s["cell"]), cell(ch.before, s["cell"]), cell(ch.after, s["cell"])])
    out.append(ChunkedTable.of(rows, [width * 0.6, width * 0.2, width * 0.2]) if len(rows) > 13
               else table(rows, [width * 0.6, width * 0.2, width * 0.2]))
    return out
