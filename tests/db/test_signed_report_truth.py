"""The signed report tells the truth (issue 11), on the demo's Not neutral vendor, read back with pypdf.

Every finding of record is a statement in the PDF, in English and in Spanish; page 1 names the
competitor and how it reaches the vendor; the approver's rationale and the signer's certificate
fingerprint are in the signed file; the report exists only in its language of record.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session
from db.models import SigningIdentity
from desktop.core.errors import UserError
from desktop.report.verify import verify_pdf
from desktop.services import assessments as A
from desktop.services.demo import load_demo
from desktop.services.identities import new_identity
from desktop.services.reports import report_pdf
from desktop.services.signoff import approve, signed_report
from tests.db.test_assessments import complete

ROOT = Path(__file__).resolve().parents[2]
VENDOR = "Scalewise Data Inc."
COMPETITOR = "Contoso Platforms Inc."
RATIONALE = ("Contoso's 49% stake carries no votes and Alex Marlow leaves our account team; we accept the vendor "
             "for six months while the information barrier is put in place.")
DUE = (date.today() + timedelta(days=120)).isoformat()
CONDITIONS = [{"text": "Put an information barrier towards Contoso in writing.", "owner": "Marta Gil (Legal)",
               "due": DUE}]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pages(pdf: bytes) -> list[str]:
    return [_flat(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def decide_scalewise(engine: Engine, lang: str, rationale: str = RATIONALE,
                     conditions: list[dict[str, str]] | None = None) -> tuple[int, bytes]:
    """The demo's Scalewise assessed (with a preparer's and a vendor's answer that fail), submitted and
    approved with conditions by someone else, signed in ``lang``."""
    load_demo(engine, "tester")
    s = A.create_assessment(engine, VENDOR, preparer="Paula Preparer", actor="Paula Preparer")
    A.answer_question(engine, s.id, "GOV-04", "no", justification="The vendor has no written policy yet.",
                      actor="Paula Preparer")
    A.answer_question(engine, s.id, "COM-06", "partial", source="vendor",
                      justification="Vendor comment: Investors see aggregated volumes only.", actor="Paula Preparer")
    complete(engine, s.id)
    assert A.submit_assessment(engine, s.id, actor="Paula Preparer").rating == "not_neutral"
    new_identity(engine, "Alba Aprobadora", actor="Alba Aprobadora")
    approve(engine, s.id, identity="Alba Aprobadora", approver="Alba Aprobadora",
            decision="approved_with_conditions", conditions=conditions or CONDITIONS, rationale=rationale, lang=lang)
    pdf = signed_report(engine, s.id)
    assert pdf is not None
    return s.id, pdf


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_finding_statement_is_in_the_signed_report(sqlite_engine: Engine, lang: str) -> None:
    aid, pdf = decide_scalewise(sqlite_engine, lang)
    record = json.loads(PdfReader(io.BytesIO(pdf)).attachments["assessment.json"][0])["record"]
    findings = record["findings"]
    assert {f["source"] for f in findings} == {"checklist", "ownership"}
    assert {"OWN-01", "GOV-02", "GOV-04", "COM-06", "COMPETITOR_ECONOMIC_STAKE", "PEOPLE_TIE_COMPETITOR"} <= \
        {f["code"] for f in findings}
    # the findings of record the services give are those attached to the signed file
    assert [f.to_dict(lang) for f in A.findings_of_record(sqlite_engine, aid)] == findings
    text = _flat(" ".join(_pages(pdf)))
    for f in findings:
        statement = f["statement"][lang]
        assert statement and statement == f["message"]
        assert statement.lower() not in ("blocker", "major", "minor", "info", "bloqueante", "grave", "leve")
        assert not f["question"] or statement != f["question"]["text"][lang]  # never the question in its place
        assert _flat(statement) in text, f"{f['code']}: {statement}"
    by_code = {f["code"]: f for f in findings}
    # a preparer's answer: the template's statement, the justification as the why
    gov04 = by_code["GOV-04"]
    assert gov04["statement"]["en"].startswith("The vendor has no conflict-of-interest policy")
    assert gov04["statement"]["es"].startswith("El proveedor no tiene una política de conflictos de intereses")
    assert gov04["why"]["en"] == "The vendor has no written policy yet."
    # a vendor's answer: the comment as the why, in the report's words
    com06 = by_code["COM-06"]
    assert com06["outcome"] == "partial" and com06["answered"]["source"] == "vendor"
    assert com06["why"][lang] == {"en": "Vendor comment: Investors see aggregated volumes only.",
                                  "es": "Comentario del proveedor: Investors see aggregated volumes only."}[lang]
    # a rule's answer: its explanation, which quotes the ownership analysis, with the competitor and path
    own01 = by_code["OWN-01"]
    assert own01["answered"]["source"] == "rule" and COMPETITOR in own01["statement"][lang]
    assert own01["competitor"] == COMPETITOR and own01["related"] == ["COMPETITOR_ECONOMIC_STAKE"]
    assert own01["question"]["text"]["en"].startswith("Does a competitor of ours")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_one_is_the_conclusion_of_the_signed_report(sqlite_engine: Engine, lang: str) -> None:
    aid, pdf = decide_scalewise(sqlite_engine, lang)
    pages = _pages(pdf)
    page1, signoff = pages[0], pages[-1]
    with read_session(sqlite_engine) as s:
        cert = s.exec(select(SigningIdentity).where(SigningIdentity.name == "Alba Aprobadora")).one().certificate_der
    fingerprint = hashlib.sha256(cert).hexdigest()
    assert verify_pdf(pdf).fingerprint == fingerprint  # the printed fingerprint is the signature's
    words = {"en": ("Not neutral", "Approved with conditions", "Why", "BLOCKER",
                    "Paths: Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. (49%) = 49%; "
                    "Alex Marlow (Chief AI Officer at Contoso Platforms Inc.) -> Scalewise Founders Holding LLC "
                    "(60%, controlled) -> Scalewise Data Inc. (33%) = 33%", "owner: Marta Gil (Legal)", "Approver's rationale", "Prepared by Paula Preparer",
                    "Approved by Alba Aprobadora", "Language of record English"),
             "es": ("No neutral", "Aprobada con condiciones", "Por qué", "BLOQUEANTE",
                    "Cadenas: Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. (49%) = "
                    "49%; Alex Marlow (", "responsable: Marta Gil (Legal)", "Motivos de quien aprueba",
                    "Preparada por Paula Preparer", "Aprobada por Alba Aprobadora",
                    "Idioma del documento firmado español")}[lang]
    for expected in (VENDOR, COMPETITOR, *words, _flat(RATIONALE), fingerprint, CONDITIONS[0]["text"]):
        assert expected in page1, expected
    for expected in (_flat(RATIONALE), fingerprint, "Alba Aprobadora", CONDITIONS[0]["text"]):
        assert expected in signoff, expected
    # the one-line findings on page 1 are the ownership analysis' statements, naming competitor and path
    record = json.loads(PdfReader(io.BytesIO(pdf)).attachments["assessment.json"][0])
    stake = next(f for f in record["findings"] if f["code"] == "COMPETITOR_ECONOMIC_STAKE")
    assert _flat(stake["statement"][lang]) in page1
    assert record["record"]["decision"]["rationale"] == RATIONALE
    assert record["record"]["decision"]["signer_certificate_sha256"] == fingerprint
    assert record["record"]["decision"]["language_of_record"] == lang
    if os.environ.get("VETTA_UPDATE_DOCS") == "1" and lang == "en" and shutil.which("pdftoppm"):
        _update_docs_image(pdf)


def _update_docs_image(pdf: bytes) -> None:
    """VETTA_UPDATE_DOCS=1 refreshes docs/images/report-page1.png from this signed report."""
    target = ROOT / "docs" / "images" / "report-page1.png"
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    try:
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(target.with_suffix(""))], check=True)
    finally:
        source.unlink()


def test_the_report_exists_only_in_its_language_of_record(sqlite_engine: Engine) -> None:
    aid, pdf = decide_scalewise(sqlite_engine, "es")
    assert report_pdf(sqlite_engine, aid, "es", require_language=True).pdf == pdf
    assert report_pdf(sqlite_engine, aid, None).pdf == pdf  # no language asked: the signed file
    with pytest.raises(UserError, match=r"was signed in Spanish; its signed report exists only in that language"):
        report_pdf(sqlite_engine, aid, "en", require_language=True)
    assert "Evaluación de neutralidad del proveedor" in _pages(pdf)[0]


def test_page_one_stays_one_page_with_a_long_rationale_and_many_conditions(sqlite_engine: Engine) -> None:
    # Spanish is the longer language: page 1 must still end with who signed, when, the fingerprint and the
    # language of record, whatever the approver wrote; the full text is on the sign-off page.
    rationale = " ".join(f"Motivo {n}: la participación de Contoso se revisará con el equipo jurídico." for n in range(60))
    conditions = [{"text": f"Condición número {n}: " + "barrera de información por escrito " * 6, "owner": "Marta Gil",
                   "due": DUE} for n in range(1, 9)]
    _aid, pdf = decide_scalewise(sqlite_engine, "es", rationale=rationale, conditions=conditions)
    pages = _pages(pdf)
    page1, signoff = pages[0], pages[-1]
    fingerprint = verify_pdf(pdf).fingerprint
    for expected in ("Aprobada por Alba Aprobadora", fingerprint,
                     "Idioma del documento firmado español", "Por qué", "BLOQUEANTE",
                     "Las 8 condiciones figuran en la página de aprobación y firma."):
        assert expected in page1, expected
    assert "(completo en la página de aprobación y firma)" in page1
    tail = " ".join(pages[-3:])  # the whole rationale, signed, from the sign-off page on (pages may split it)
    assert all(f"Motivo {n}: la participación de Contoso se revisará" in tail for n in range(60))
    assert "Condición número 8" in " ".join(pages[-3:]) and "Condición número 8" not in page1
    assert "8 condiciones, enumeradas debajo de la tabla." in " ".join(pages[-3:])
    assert signoff
