"""Render a :class:`ReportModel` to PDF with reportlab platypus (Qt-free).

Page 1 is the conclusion (``render_cover``); then the contents (links), the executive summary and
ownership (``render_findings``), the vendor's profile, contracts, guarantees and subprocessors
(``render_vendor``), the checklist answers, evidence and changes (``render_answers``), and the
methodology and sign-off page (``render_signoff``). Every page has a header, a footer with "Page n of
N" and, in a draft, "DRAFT" across it. The record is attached as ``assessment.json`` with the XMP
metadata (``attachments``); the PDF opens with its bookmarks shown; every font is embedded DejaVu.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak, Paragraph

from desktop.core.i18n import tr
from desktop.report import render_answers, render_findings, render_signoff, render_vendor
from desktop.report.attachments import ATTACHMENT_NAME, DocumentInfo, attach_record, read_record
from desktop.report.i18n import decision_label
from desktop.report.model import ReportModel
from desktop.report.render_cover import cover
from desktop.report.render_doc import (
    FONT,
    SIGNATURE_FIELD,
    Heading,
    ReportDoc,
    SignatureBox,
    TocSpace,
    make_styles,
    register_fonts,
)

__all__ = ["ATTACHMENT_NAME", "FONT", "SIGNATURE_FIELD", "Rendered", "SignatureBox", "read_record", "register_fonts",
           "render"]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    signature: SignatureBox
    pages: int


def _document_info(model: ReportModel) -> DocumentInfo:
    lang = model.lang
    return DocumentInfo(
        title=tr("Vendor neutrality assessment: {vendor}", lang, vendor=model.vendor.name),
        author=model.signoff.approver or model.signoff.preparer or model.organisation,
        subject=tr("Assessment #{id} v{version} · {decision}", lang, id=model.assessment_id,
                   version=model.assessment_version, decision=decision_label(model.decision, lang)),
        language=lang,
        keywords=["vendor assessment", "neutrality", "due diligence", model.vendor.name,
                  f"assessment-{model.assessment_id}"],
    )


def render(model: ReportModel, *, draft: bool) -> Rendered:
    """Render ``model``; a draft carries "DRAFT" on every page."""
    register_fonts()
    s = make_styles()
    lang = model.lang
    info = _document_info(model)
    buf = io.BytesIO()
    doc = ReportDoc(buf, model, draft, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                    bottomMargin=18 * mm, title=info.title, author=info.author, subject=info.subject,
                    keywords=info.keywords, creator="Vetta", lang=lang)
    width, height = doc.width, doc.height

    def h1(text: str, key: str) -> list[Flowable]:
        return [CondPageBreak(60 * mm), Heading(text, s["h1"], 0, key)]

    body: list[Flowable] = []
    body += render_findings.summary(model, s, width, h1)
    body += render_vendor.vendor_profile(model, s, width, h1)
    body += render_findings.ownership(model, s, width, height, h1)
    body += render_findings.people(model, s, width, h1)
    body += render_vendor.contracts(model, s, width, h1)
    body += render_vendor.security(model, s, width, h1)
    body += render_vendor.subprocessors(model, s, width, h1)
    body += render_answers.answers(model, s, width, h1)
    body += render_answers.evidence(model, s, width, h1)
    body += render_answers.changes(model, s, width, h1)
    body += render_signoff.methodology(model, s, width, h1)
    body += render_signoff.signoff(model, s, width, doc.signature_sink)
    doc.toc_entries = [(f.toc_level, f.toc_text, f.toc_key) for f in body if isinstance(f, Heading)]

    story: list[Flowable] = cover(model, s, width, draft, doc.height)
    story += [NextPageTemplate("body"), PageBreak(), Paragraph(tr("Contents", lang), s["h1"]),
              TocSpace(doc.toc_entries, doc.toc_sink), PageBreak(), *body]
    doc.build(story)
    pdf = attach_record(buf.getvalue(), model.to_json_dict(), info)
    sink = doc.signature_sink
    box = sink["box"]
    return Rendered(pdf=pdf, signature=SignatureBox(page=int(sink["page"]), box=(box[0], box[1], box[2], box[3])),
                    pages=doc.total_pages)
