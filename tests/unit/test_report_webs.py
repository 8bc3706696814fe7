"""Any web reports: random ownership webs (chains up to 30 deep, up to 60 parties), up to 200 findings,
long names and statements. The report must always be produced (it once failed with a LayoutError)."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from desktop.core.findings import Condition, Finding, QuestionRef, Text
from desktop.report import model as m
from desktop.report.render import render

SEVERITIES = st.sampled_from(["blocker", "major", "minor", "info"])
NAMES = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "Pd", "Po")), min_size=1,
                max_size=200).map(str.strip).filter(bool)
LONG_TEXT = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "Po")), min_size=1,
                    max_size=1500).map(str.strip).filter(bool)


@st.composite
def webs(draw: st.DrawFn) -> tuple[list[m.ChartNode], list[m.ChartEdge], list[m.OwnershipParty]]:
    """A vendor (layer 0) and up to 60 owners on up to 30 layers, each owning someone one layer below."""
    depth = draw(st.integers(1, 30))
    count = draw(st.integers(depth, 60))
    layers = [0] + sorted(draw(st.lists(st.integers(1, depth), min_size=count, max_size=count)) + list(range(1, depth + 1)))
    nodes = [m.ChartNode("0", "Vendor under assessment", "entity")]
    parties: list[m.OwnershipParty] = []
    edges: list[m.ChartEdge] = []
    by_layer: dict[int, list[str]] = {0: ["0"]}
    for index, layer in enumerate(layers[1:], 1):
        name = draw(NAMES)
        kind = draw(st.sampled_from(["entity", "person"]))
        competitor = draw(st.booleans())
        key = str(index)
        nodes.append(m.ChartNode(key, name, kind, competitor))
        below = by_layer.get(layer - 1) or by_layer[max(k for k in by_layer if k < layer)]
        owned = below[draw(st.integers(0, len(below) - 1))]
        share = draw(st.floats(0, 100, allow_nan=False))
        edges.append(m.ChartEdge(key, owned, f"{share:.4g}%"))
        by_layer.setdefault(layer, []).append(key)
        parties.append(m.OwnershipParty(name, kind, (share, share), (0.0, share), draw(st.booleans()),
                                        name if competitor else ""))
    return nodes, edges, parties


@st.composite
def findings(draw: st.DrawFn) -> list[Finding]:
    out = []
    for index in range(draw(st.integers(0, 200))):
        statement = draw(LONG_TEXT)
        source = draw(st.sampled_from(["checklist", "ownership"]))
        out.append(Finding(
            severity=draw(SEVERITIES), code=f"Q{index}", statement=Text(statement, statement), source=source,
            outcome=draw(st.sampled_from(["fail", "partial"])),
            question=QuestionRef(f"Q{index}", Text.same(draw(NAMES))) if draw(st.booleans()) else None,
            why=Text.same(draw(NAMES)) if draw(st.booleans()) else None, competitor=draw(st.none() | NAMES),
            paths=tuple(Text.same(" → ".join(draw(st.lists(NAMES, min_size=2, max_size=30))))
                        for _ in range(draw(st.integers(0, 3))))))
    return out


def _model(nodes: list[m.ChartNode], edges: list[m.ChartEdge], parties: list[m.OwnershipParty],
           found: list[Finding], conditions: list[Condition], lang: str, decided: bool) -> m.ReportModel:
    vendor = m.VendorProfile(name=nodes[0].label * 3, identifiers=["LEI 5493001KJTIIGC8Y1R12"])
    signoff = m.SignOffInfo(preparer="Paula Preparer", approver="Alba Aprobadora" if decided else "",
                            decision="approved_with_conditions" if decided else "", conditions=conditions,
                            submitted_at="2026-03-05T09:30:00+00:00", decided_at="", rationale="Because. " * 300,
                            fingerprint="ab" * 32 if decided else "", language=lang if decided else "")
    ties = [m.PeopleTie(p.name, "Contoso", "Director", nodes[0].label, "2020-01-01", "2025-06-12", "CTO", "Contoso",
                        "2025-06-13", "", "moved") for p in parties[:5] if p.kind == "person"]
    return m.ReportModel(
        lang=lang, organisation="Northwind", logo=None, vendor=vendor, assessment_id=7, assessment_version=1,
        template_key="t", template_title="T", template_version=1, status="in_review",
        decision=signoff.decision, rating="not_neutral", score=12.5, as_of="2026-03-05", submitted_at="",
        decided_at="", next_review_due="", generated_at="2026-03-05T09:30:00+00:00", findings=found,
        ownership=m.Ownership(True, "0", nodes, edges, parties, ["Contoso: " + ", ".join(p.name for p in parties)],
                              ties),
        contracts=[], certifications=[], commitments=[], subprocessors=[],
        sections=[m.SectionInfo("s", "Section", [m.AnswerInfo(f"Q{i}", "Question? " * 20, "Yes", "rule",
                                                              "Ownership rule\n5 Mar 2026", "x " * 400, "major",
                                                              "fail", [f"E{i} {'a_very-long.name' * 8}.pdf"])
                                                 for i in range(30)])],
        evidence=[], previous_assessment="", changes=[], thresholds={}, review_months={}, signoff=signoff)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(web=webs(), found=findings(), lang=st.sampled_from(["en", "es"]), decided=st.booleans(),
       conditions=st.lists(st.builds(Condition, st.builds(Text.same, LONG_TEXT), NAMES, st.just("2027-01-31")),
                           max_size=8))
def test_any_web_reports(web: tuple[list[m.ChartNode], list[m.ChartEdge], list[m.OwnershipParty]],
                         found: list[Finding], lang: str, decided: bool, conditions: list[Condition]) -> None:
    nodes, edges, parties = web
    rendered = render(_model(nodes, edges, parties, found, conditions, lang, decided), draft=not decided)
    assert rendered.pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert len(reader.pages) == rendered.pages >= 5
    assert 0 <= rendered.signature.page < rendered.pages
