"""The rendered report: content read back with pypdf, DRAFT marks, outline, metadata, fonts, attachment,
expiry wording, people-tie dates, names wrapped at separators, long tables, and any web."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import NameObject
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import unit_of_work
from db.models import Certification, EvidenceBlob, EvidenceFile, EvidenceLink, Vendor
from desktop.report.attachments import ATTACHMENT_NAME, read_record
from desktop.report.chart import layered_layout
from desktop.report.render_blocks import wrap_name
from desktop.services.reports import render_draft
from tests.unit.test_report_builder import (
    CANNED_OWNERSHIP,
    COMPETITOR,
    STAKE_MESSAGE,
    TIE_MESSAGE,
    VENDOR_NAME,
    canned_ownership,
    make_assessment,
)

ROOT = Path(__file__).resolve().parents[2]


def _text(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    """Whitespace as single spaces: a statement wrapped over several lines reads as one."""
    return re.sub(r"\s+", " ", text)


def base14_fonts(pdf: bytes) -> set[str]:
    """Fonts used by any page or form that are not embedded (the PDF base-14 ones, like Helvetica)."""
    reader = PdfReader(io.BytesIO(pdf))
    missing: set[str] = set()

    def scan(resources: object) -> None:
        res = resources.get_object() if hasattr(resources, "get_object") else resources
        if not res:
            return
        for font in (res.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descendants = font.get("/DescendantFonts")
            if descendants:
                descriptor = descendants[0].get_object().get("/FontDescriptor")
            d = descriptor.get_object() if descriptor is not None else {}
            if not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
        for xobject in (res.get("/XObject") or {}).values():
            xo = xobject.get_object()
            if xo.get("/Subtype") == "/Form" and "/Resources" in xo:
                scan(xo["/Resources"])

    for page in reader.pages:
        scan(page.get("/Resources"))
        for annot in page.get("/Annots") or []:
            ap = annot.get_object().get("/AP")
            if ap is not None and "/N" in ap and "/Resources" in ap["/N"].get_object():
                scan(ap["/N"].get_object()["/Resources"])
    return missing


def test_layered_layout_puts_the_vendor_at_the_bottom_and_owners_above() -> None:
    edges = [("ventures", "vendor"), ("contoso", "ventures"), ("ana", "vendor"), ("x", "contoso"),
             ("contoso", "x")]  # a cycle is fine
    placed = layered_layout(["vendor", "ventures", "contoso", "ana", "x", "loner"], edges, "vendor")
    assert placed["vendor"].layer == 0
    assert placed["ventures"].layer == placed["ana"].layer == 1
    assert placed["contoso"].layer == 2 and placed["x"].layer == 3
    assert placed["loner"].layer == 4  # not connected: on top
    layer1 = sorted(p.x for k, p in placed.items() if p.layer == 1)
    assert layer1 == [0.25, 0.75]


def test_draft_report_content_in_english(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=12, rating="not_neutral")
    rendered = render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP)
    pages = _text(rendered.pdf)
    assert len(pages) == rendered.pages >= 5
    assert all("DRAFT" in p for p in pages), "every page of a draft says DRAFT"
    full = _flat("\n".join(pages))
    for expected in ("Vendor neutrality assessment", VENDOR_NAME, "Executive summary", "Contents",
                     "A competitor holds 49% of the vendor's shares.", STAKE_MESSAGE, TIE_MESSAGE,
                     "Ownership and control", COMPETITOR, "Alex Marlow", "Master services agreement", "SOC 2 Type II",
                     "expires in 20 days", "Quillstream Ltd", "Q012", "ñandú", "evidence-00.pdf",
                     "Methodology and thresholds", "Sign-off", "Paula Preparer", "Pending decision",
                     f"Assessment id {built.assessment_id}", "Northwind Analytics", "ISO/IEC 27001:2022 A.5.19",
                     "Rule 1: the contract has the clause.", "Vendor questionnaire 5 Mar 2026"):
        assert expected in full, expected
    for number, page in enumerate(pages, 1):  # "Page n of N" on every page (N is a form drawn at the end)
        assert re.search(rf"Page {number} of\s*{rendered.pages}\b", page), page[:200]
    toc = pages[1]
    assert "Contents" in toc and re.search(r"Sign-off\s*" + str(rendered.pages), toc)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    meta = reader.metadata
    assert meta is not None and VENDOR_NAME in (meta.title or "")
    assert "neutrality" in str(meta.get("/Keywords"))
    assert meta.author == "Paula Preparer"
    outline_titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Executive summary" in outline_titles and "Sign-off" in outline_titles
    assert rendered.signature.page == rendered.pages - 1


def test_page_one_is_the_conclusion(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=12, rating="not_neutral")
    page1 = _flat(_text(render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP).pdf)[0])
    for expected in (VENDOR_NAME, "Not neutral", "Pending decision", "Why", "BLOCKER",
                     "A competitor holds 49% of the vendor's shares.", "Conditions", "Approver's rationale",
                     "Prepared by Paula Preparer", "Signing certificate (SHA-256) not signed"):
        assert expected in page1, expected


def test_spanish_report_reads_in_spanish(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=12, rating="not_neutral")
    with unit_of_work(sqlite_engine, "fixture") as s:
        from db.models import DataLocation

        s.add(DataLocation(vendor_id=built.vendor_id, country="PH", purpose="processing"))
    pdf = render_draft(sqlite_engine, built.assessment_id, "es", ownership=canned_ownership(n_extra=2)).pdf
    full = _flat("\n".join(_text(pdf)))
    for expected in ("Evaluación de neutralidad del proveedor", "BORRADOR", "Resumen ejecutivo", "Índice",
                     "Un competidor posee el 49%", "¿Cumple el proveedor", "Página 1 de", "Aprobación y firma",
                     "No neutral", "PH (tratamiento)", "caduca en 20 días", "0,5%–1,5%", "Regla sobre los hechos",
                     "Cuestionario del proveedor", "5 mar 2026", "del 1 mar 2021 al 12 jun 2025",
                     "desde el 13 jun 2025", "Sí"):
        assert expected in full, expected
    for english in ("(processing)", "both", "DRAFT", "Page ", "Pending decision", "Executive summary",
                    "expires in", "Given by"):
        assert english not in full, english


def test_the_record_is_attached_with_statements(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=5, rating="not_neutral")
    pdf = render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP).pdf
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert ATTACHMENT_NAME in attachments
    data = json.loads(attachments[ATTACHMENT_NAME][0])
    assert data["assessment_id"] == built.assessment_id
    assert data["record"]["vendor"] == VENDOR_NAME
    assert [a["question"] for a in data["record"]["answers"]] == ["Q001", "Q002", "Q003", "Q004", "Q005"]
    assert data["record"]["answers"][1]["value"] == "no"
    findings = data["record"]["findings"]
    assert findings and data["findings"] == findings
    for f in findings:  # every finding says what is wrong, in both languages; never a bare severity
        assert f["message"] and f["statement"]["en"] and f["statement"]["es"]
        assert f["message"].lower() not in ("blocker", "major", "minor", "info")
    assert read_record(pdf) == data
    assert read_record(b"not a pdf") is None


def test_pdf_properties_fonts_xmp_bookmarks_and_linked_contents(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=12)
    pdf = render_draft(sqlite_engine, built.assessment_id, "es", ownership=CANNED_OWNERSHIP).pdf
    assert base14_fonts(pdf) == set()
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/PageMode"] == NameObject("/UseOutlines")  # bookmarks shown on open
    assert reader.trailer["/Root"]["/Lang"] == "es"
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_title == {"es": f"Evaluación de neutralidad del proveedor: {VENDOR_NAME}"}
    assert xmp.dc_creator == ["Paula Preparer"]
    assert "Pendiente de decisión" in xmp.dc_description["es"]
    assert xmp.dc_language == ["es-ES"]
    # the contents page: one link per entry, each to the page of its heading (as the outline says)
    page_of = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    links = [a.get_object() for a in reader.pages[1].get("/Annots") or [] if a.get_object()["/Subtype"] == "/Link"]
    targets = [page_of[a["/Dest"][0].idnum] for a in links]
    outline = [reader.get_destination_page_number(o) for o in _walk(reader.outline)]
    assert len(links) == len(outline) >= 16 and targets == outline
    assert targets[-1] == len(reader.pages) - 1  # "Sign-off": the last page


def _walk(outline: list[object]) -> list[object]:
    out: list[object] = []
    for item in outline:
        out += _walk(item) if isinstance(item, list) else [item]
    return out


def test_certificates_say_how_soon_they_expire(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine)
    today = date.today()
    with unit_of_work(sqlite_engine, "fixture") as s:
        for standard, days in (("ISO 9001 (89 days)", 89), ("ISO 22301 (expired)", -3), ("CSA STAR (120 days)", 120),
                               ("ISO 27701 (tomorrow)", 1)):
            s.add(Certification(vendor_id=built.vendor_id, standard=standard, issuer="X", scope="All",
                                valid_from=date(2024, 1, 1), valid_until=today + timedelta(days=days)))
    full = _flat("\n".join(_text(render_draft(sqlite_engine, built.assessment_id, "en",
                                              ownership=CANNED_OWNERSHIP).pdf)))
    assert re.search(r"ISO 9001 \(89 days\).*?expires in 89 days", full)  # under the 90-day warning: not "valid"
    assert re.search(r"ISO 22301 \(expired\).*?expired", full)
    assert re.search(r"CSA STAR \(120 days\).*? valid\b", full)
    assert re.search(r"ISO 27701 \(tomorrow\).*?expires tomorrow", full)


def test_names_wrap_at_their_separators() -> None:
    name = "supplier_master_services_agreement_2025-signed.final_v3.pdf"
    lines = wrap_name(name, 90).split("<br/>")
    assert "".join(lines) == name and len(lines) > 1
    assert all(line[-1] in "_-./" for line in lines[:-1]), lines  # never mid-word
    assert wrap_name("short.pdf", 200) == "short.pdf"
    # one part wider than the column is the only thing ever cut
    assert "".join(wrap_name("x" * 80, 40).split("<br/>")) == "x" * 80


def test_evidence_names_in_the_report_wrap_at_separators(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_evidence=0)
    name = "supplier_master_services_agreement_2025-signed_final_version_three.pdf"
    with unit_of_work(sqlite_engine, "fixture") as s:
        data = b"%PDF-1.4 evidence"
        blob = EvidenceBlob(sha256=hashlib.sha256(data).hexdigest(), data=data)
        s.add(blob)
        s.flush()
        assert blob.id is not None
        ef = EvidenceFile(blob_id=blob.id, filename=name, mime_type="application/pdf", size=len(data),
                          sha256=blob.sha256)
        s.add(ef)
        s.flush()
        assert ef.id is not None
        s.add(EvidenceLink(evidence_id=ef.id, record_type="vendor", record_id=built.vendor_id))
    pages = _text(render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP).pdf)
    index = next(p for p in pages if "Evidence index" in p and "SHA-256" in p)
    pieces = [line.strip() for line in index.splitlines() if line.strip() and line.strip() in name]
    assert "".join(pieces).endswith("three.pdf") and len(pieces) > 1
    assert all(piece[-1] in "_-./" for piece in pieces[:-1]), pieces


def test_a_draft_shows_its_live_findings(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=8, status="draft")
    full = _flat("\n".join(_text(render_draft(sqlite_engine, built.assessment_id, "en",
                                              ownership=CANNED_OWNERSHIP).pdf)))
    assert "Live findings" in full and "No findings were recorded." not in full
    # Q002 is answered "no" by the preparer: the template's statement, and the justification as the why
    assert "The vendor does not meet requirement 2 on security." in full
    assert "Why: Justification 2: checked ñandú señal" in full
    assert "SOC 2 report expires in 20 days." not in full  # the stored findings are not a draft's


def test_long_tables_repeat_their_header_on_every_page(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=120, n_evidence=40, n_parties=60)
    pages = _text(render_draft(sqlite_engine, built.assessment_id, "en", ownership=canned_ownership(60)).pdf)
    answer_pages = [p for p in pages if re.search(r"\bQ\d{3}\b", p) and "Contents" not in p]
    assert len(answer_pages) >= 4
    for page in answer_pages:
        assert re.search(r"Question\s+Answer\s+Given by\s+Justification\s+Evidence", page), page[:300]
    party_pages = [p for p in pages if re.search(r"Holding \d+\s+entity", p)]
    assert len(party_pages) >= 2 and all(re.search(r"Economic\s+stake", p) for p in party_pages)


def test_people_ties_show_both_sides_dates(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine)
    full = _flat("\n".join(_text(render_draft(sqlite_engine, built.assessment_id, "en",
                                              ownership=CANNED_OWNERSHIP).pdf)))
    assert "Director at Scalewise Data Inc. from 1 Mar 2021 to 12 Jun 2025" in full
    assert "Senior managing official at Contoso Platforms Inc. since 13 Jun 2025" in full


def test_a_deep_holding_chain_reports(sqlite_engine: Engine) -> None:
    """A vendor 21 holding layers below a competitor: the report used to fail with a LayoutError."""
    from db.models import Competitor, Interest, Party

    built = make_assessment(sqlite_engine)
    with unit_of_work(sqlite_engine, "fixture") as s:
        below = built.party_id
        for layer in range(21):
            p = Party(name=f"Layer {layer:02d} Holdings Intermediate Investment Vehicle S.à r.l.", country="LU")
            s.add(p)
            s.flush()
            assert p.id is not None
            s.add(Interest(subject_id=below, interested_party_id=p.id, interest_type="shareholding",
                           share_exact=100 if layer else 60))
            below = p.id
        top = Party(name="Fabrikam Deep Holdings Corporation", country="US")
        s.add(top)
        s.flush()
        assert top.id is not None
        s.add(Interest(subject_id=below, interested_party_id=top.id, interest_type="shareholding", share_exact=100))
        s.add(Competitor(name="Fabrikam Deep Holdings Corporation", party_id=top.id))
        vendor = s.exec(select(Vendor).where(Vendor.id == built.vendor_id)).one()
        assert vendor is not None
    rendered = render_draft(sqlite_engine, built.assessment_id, "en")  # the real analysis
    full = _flat("\n".join(_text(rendered.pdf)))
    assert rendered.pdf.startswith(b"%PDF") and "Fabrikam Deep Holdings Corporation" in full
    assert rendered.pages >= 5


def test_an_old_datetime_without_zone_renders() -> None:
    """Dates stored without a zone (older rows) are shown as UTC, not refused."""
    from desktop.report.render_blocks import fmt_date

    assert fmt_date(datetime(2026, 3, 5, 9, 30), "en") == "5 Mar 2026, 09:30 UTC"
    assert fmt_date(datetime(2026, 3, 5, 9, 30, tzinfo=UTC).isoformat(), "es") == "5 mar 2026, 09:30 UTC"
    assert fmt_date("not a date", "en") == "not a date"
