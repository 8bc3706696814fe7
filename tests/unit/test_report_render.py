"""The rendered report: content read back with pypdf, DRAFT marks, outline, metadata, fonts, attachment."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from desktop.report.chart import layered_layout
from desktop.report.render import ATTACHMENT_NAME, read_record
from desktop.services.reports import render_draft
from tests.unit.test_report_builder import CANNED_OWNERSHIP, COMPETITOR, VENDOR_NAME, make_assessment

ROOT = Path(__file__).resolve().parents[2]


def _text(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


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
    built = make_assessment(sqlite_engine, n_questions=12)
    rendered = render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP)
    pages = _text(rendered.pdf)
    assert len(pages) == rendered.pages >= 5
    assert all("DRAFT" in p for p in pages), "every page of a draft says DRAFT"
    full = "\n".join(pages)
    for expected in ("Vendor neutrality assessment", VENDOR_NAME, "Executive summary", "Contents",
                     "A competitor holds 49% of the vendor's shares.", "Ownership and control", COMPETITOR,
                     "Alex Marlow", "Master services agreement", "SOC 2 Type II", "expires in 20 days",
                     "Quillstream Ltd", "Q012", "ñandú", "evidence-00.pdf",
                     "Methodology and thresholds", "Sign-off", "Paula Preparer", "Pending decision",
                     f"Assessment id {built.assessment_id}", "Northwind Analytics"):
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
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)
    assert rendered.signature.page == rendered.pages - 1


def test_spanish_report(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine)
    pdf = render_draft(sqlite_engine, built.assessment_id, "es", ownership=CANNED_OWNERSHIP).pdf
    full = "\n".join(_text(pdf))
    for expected in ("Evaluación de neutralidad del proveedor", "BORRADOR", "Resumen ejecutivo", "Índice",
                     "Un competidor posee el 49%", "¿Cumple el proveedor", "Página 1 de", "Aprobación y firma"):
        assert expected in full, expected


def test_draft_shows_the_real_ownership_analysis(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine)
    full = "\n".join(_text(render_draft(sqlite_engine, built.assessment_id, "en").pdf))
    assert "Ownership analysis not available." not in full
    assert "Contoso Platforms Inc." in full and "49" in full


def test_the_record_is_attached_as_json(sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine, n_questions=5)
    pdf = render_draft(sqlite_engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP).pdf
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert ATTACHMENT_NAME in attachments
    data = json.loads(attachments[ATTACHMENT_NAME][0])
    assert data["assessment_id"] == built.assessment_id
    assert data["record"]["vendor"] == VENDOR_NAME
    assert [a["question"] for a in data["record"]["answers"]] == ["Q001", "Q002", "Q003", "Q004", "Q005"]
    assert data["record"]["answers"][1]["value"] == "no"
    assert read_record(pdf) == data
    assert read_record(b"not a pdf") is None


def _set_logo(engine: Engine) -> None:
    """A small organisation logo (drawn here), to show it on the cover."""
    from PIL import Image, ImageDraw
    from sqlmodel import select

    from db.engine import unit_of_work
    from db.models import Organisation

    img = Image.new("RGB", (360, 120), "white")
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((8, 14, 104, 106), radius=18, fill="#1F4E79")
    draw.polygon([(30, 84), (56, 34), (82, 84)], fill="white")
    draw.rectangle((120, 44, 340, 58), fill="#1F4E79")
    draw.rectangle((120, 70, 280, 80), fill="#5F6B7A")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    with unit_of_work(engine, "fixture") as s:
        org = s.exec(select(Organisation)).one()
        org.logo, org.logo_mime = buf.getvalue(), "image/png"
        s.add(org)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_page_one_renders_with_poppler(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Renders page 1 with poppler; VETTA_UPDATE_DOCS=1 refreshes docs/images/report-page1.png."""
    from desktop.services.identities import new_identity
    from desktop.services.signoff import approve

    built = make_assessment(sqlite_engine, n_questions=12)
    _set_logo(sqlite_engine)
    new_identity(sqlite_engine, "Alice Approver", email="alice@northwind.example", actor="Alice Approver")
    approve(sqlite_engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            decision="approved_with_conditions", conditions=["Contoso Ventures LLC divests within 6 months."],
            ownership=CANNED_OWNERSHIP)
    from desktop.services.signoff import signed_report

    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None
    src = tmp_path / "report.pdf"
    src.write_bytes(pdf)
    out = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(src), str(out)],
                   check=True)
    png = out.with_suffix(".png")
    assert "/Image" in pdf.decode("latin-1") or b"/XObject" in pdf  # the logo is in the file
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("VETTA_UPDATE_DOCS") == "1":
        target = ROOT / "docs" / "images" / "report-page1.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
