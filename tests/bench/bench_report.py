"""Benchmark: a 250-question assessment with a 40-party ownership web and 50 evidence files,
rendered and signed, against a bare reportlab document holding the same text (same run).

Run: ``python -m tests.bench.bench_report`` (prints the results). Targets: < 2 s, < 3x baseline.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

from tests.bench.common import Result, median_time


def _setup(tmp: Path, smoke: bool) -> tuple[object, int]:
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.support.memory_keyring.MemoryKeyring")
    os.environ["VETTA_DATA_DIR"] = str(tmp)
    from desktop.services.database import open_database
    from desktop.services.identities import new_identity
    from tests.unit.test_report_builder import make_assessment

    engine = open_database(f"sqlite:///{tmp / 'bench.sqlite3'}")
    sizes = dict(n_questions=12, n_parties=6, n_evidence=5) if smoke else dict(n_questions=250, n_parties=40,
                                                                                 n_evidence=50)
    built = make_assessment(engine, **sizes)  # type: ignore[arg-type]
    new_identity(engine, "Bench Approver", actor="Bench Approver")
    return engine, built.assessment_id


def _bare(texts: list[str]) -> bytes:
    """The same text as plain paragraphs in a one-pass reportlab document (no tables, TOC, chart, signing)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from desktop.report.render import FONT, register_fonts

    register_fonts()
    style = ParagraphStyle("b", fontName=FONT, fontSize=9, leading=12)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(escape(t), style) for t in texts])
    return buf.getvalue()


def _texts(model: object) -> list[str]:
    from dataclasses import asdict, is_dataclass

    out: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, str):
            if v:
                out.append(v)
        elif isinstance(v, dict):
            if set(v) == {"en", "es"}:  # a text in both languages: the report shows one of them
                walk(v["en"])
                return
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    assert is_dataclass(model)
    data = asdict(model)  # type: ignore[arg-type]
    data.pop("record", None)
    data.pop("logo", None)
    walk(data)
    return out


def run(smoke: bool) -> list[Result]:
    from desktop.report.render import render
    from desktop.report.signing import sign_pdf
    from desktop.services.identities import signing_material
    from desktop.services.reports import build_report_model
    from tests.unit.test_report_builder import canned_ownership

    with tempfile.TemporaryDirectory() as d:
        engine, aid = _setup(Path(d), smoke)
        ownership = canned_ownership(n_extra=3 if smoke else 37)
        material = signing_material(engine, "Bench Approver")  # type: ignore[arg-type]
        repeat = 1 if smoke else 5

        def full() -> bytes:
            model = build_report_model(engine, aid, "en", ownership=ownership)  # type: ignore[arg-type]
            rendered = render(model, draft=False)
            return sign_pdf(rendered.pdf, material, rendered.signature, signer_name="Bench Approver",
                            reason="benchmark")

        model = build_report_model(engine, aid, "en", ownership=ownership)  # type: ignore[arg-type]
        texts = _texts(model)
        pages = render(model, draft=False).pages
        t_full = median_time(full, repeat=repeat, warmup=1)
        t_bare = median_time(lambda: _bare(texts), repeat=repeat, warmup=1)
        engine.dispose()  # type: ignore[attr-defined]
    label = "12 questions (smoke)" if smoke else "250 questions, 40 parties, 50 evidence files"
    return [
        Result(name=f"report: build + render + sign, {label}", median_s=t_full,
               baseline_name="bare reportlab document with the same text", baseline_median_s=t_bare,
               target="< 2 s and < 3x baseline", note=f"{pages} pages, {len(texts)} text items"),
    ]


if __name__ == "__main__":
    for r in run(smoke="--smoke" in sys.argv):
        ratio = f"{r.ratio:.2f}x" if r.ratio else "-"
        print(f"{r.name}: {r.median_s:.3f} s; {r.baseline_name}: {r.baseline_median_s:.3f} s; ratio {ratio}; "
              f"target {r.target}; {r.note}")
