"""A fixture builder for report tests (rows inserted directly) and tests of the report model it feeds.

Other report tests import ``make_assessment`` and ``CANNED_OWNERSHIP`` from here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import unit_of_work
from db.models import (
    Answer,
    Assessment,
    Certification,
    ChecklistQuestion,
    ChecklistTemplate,
    Commitment,
    Competitor,
    Contract,
    EvidenceBlob,
    EvidenceFile,
    EvidenceLink,
    Interest,
    Organisation,
    Party,
    Subprocessor,
    Vendor,
)

SECTIONS = ("ownership", "security", "contracts", "people")
VENDOR_NAME = "Scalewise Data Inc."
COMPETITOR = "Contoso Platforms Inc."


@dataclass
class Built:
    assessment_id: int
    vendor_id: int
    party_id: int
    previous_id: int | None = None


STAKE_MESSAGE = ("Contoso Platforms Inc. holds 49% of Scalewise's economic interest through Contoso Ventures LLC "
                 "(0% of votes).")
TIE_MESSAGE = ("Alex Marlow sat on the vendor's board until 12 Jun 2025 and has been a senior official at Contoso "
               "since 13 Jun 2025.")


def canned_ownership(n_extra: int = 0) -> dict[str, Any]:
    """An analysis as ``analyze --json`` gives it, with the keys the analysis stream adds (competitor,
    paths, role dates, competitor_linked, subprocessors)."""
    chain = [{"name": COMPETITOR, "share": None, "voting": None},
             {"name": "Contoso Ventures LLC", "share": [100, 100], "voting": [100, 100]},
             {"name": VENDOR_NAME, "share": [49, 49], "voting": [0, 0]}]
    parties: list[dict[str, Any]] = [
        {"name": "Contoso Ventures LLC", "kind": "entity", "economic": [49, 49], "voting": [0, 0],
         "controls": False, "competitor": True, "competitor_group": COMPETITOR, "paths": [chain[1:]]},
        {"name": COMPETITOR, "kind": "entity", "economic": [49, 49], "voting": [0, 0], "controls": False,
         "competitor": True, "competitor_group": COMPETITOR, "paths": [chain]},
        {"name": "Ana Núñez", "kind": "person", "economic": [51, 51], "voting": [100, 100], "controls": True,
         "competitor": False, "competitor_group": None, "paths": [], "competitor_linked": False},
        {"name": "Alex Marlow", "kind": "person", "economic": [0, 0], "voting": [0, 0], "controls": False,
         "competitor": False, "competitor_group": None, "paths": [], "competitor_linked": True,
         "competitor_links": [{"competitor": COMPETITOR, "entity": COMPETITOR, "role": "senior_managing_official",
                               "start": "2025-06-13", "end": None}]},
    ]
    parties += [{"name": f"Holding {i}", "kind": "entity", "economic": [0.5, 1.5], "voting": [1, 1],
                 "controls": False, "competitor": False, "competitor_group": None, "paths": []} for i in range(n_extra)]
    return {
        "as_of": date.today().isoformat(),
        "parties": parties,
        "competitor_groups": [{"competitor": COMPETITOR, "members": ["Contoso Ventures LLC", COMPETITOR]}],
        "people_ties": [{"person": "Alex Marlow", "vendor_role": "Director", "vendor_entity": VENDOR_NAME,
                         "competitor": COMPETITOR, "competitor_role": "Senior managing official",
                         "competitor_entity": COMPETITOR, "gap_days": 1, "vendor_role_start": "2021-03-01",
                         "vendor_role_end": "2025-06-12", "competitor_role_start": "2025-06-13",
                         "competitor_role_end": None, "message": TIE_MESSAGE}],
        "findings": [
            {"severity": "major", "code": "COMPETITOR_ECONOMIC_STAKE", "message": STAKE_MESSAGE,
             "parties": [COMPETITOR, "Contoso Ventures LLC"], "threshold": 20.0, "as_of": date.today().isoformat(),
             "competitor": COMPETITOR,
             "paths": ["Contoso Platforms Inc. -> Contoso Ventures LLC 100% -> Scalewise Data Inc. 49%"]},
            {"severity": "major", "code": "PEOPLE_TIE_COMPETITOR", "message": TIE_MESSAGE,
             "parties": ["Alex Marlow", COMPETITOR], "threshold": 24.0, "as_of": date.today().isoformat(),
             "competitor": COMPETITOR, "paths": []},
        ],
        "subprocessors": [{"name": "Quillstream Ltd", "depth": 1, "competitor": None, "path": ["Quillstream Ltd"]}],
    }


CANNED_OWNERSHIP = canned_ownership()


BLOCKER_FINDING = {"severity": "blocker", "code": "COMPETITOR", "message":
                   {"en": "A competitor holds 49% of the vendor's shares.",
                    "es": "Un competidor posee el 49% de las acciones del proveedor."}}
MINOR_FINDING = {"severity": "minor", "code": "SOC2_EXPIRING", "message": {
    "en": "SOC 2 report expires in 20 days.", "es": "El informe SOC 2 caduca en 20 días."}}


def template_yaml(n_questions: int) -> str:
    """A valid template (as `vetta checklist import` would store it) with ``n_questions`` questions."""
    import yaml

    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for i in range(n_questions):
        section = SECTIONS[i % len(SECTIONS)]
        sections[section].append({
            "id": f"Q{i + 1:03d}",
            "text": {"en": f"Does the vendor meet requirement {i + 1} on {section}?",
                     "es": f"¿Cumple el proveedor el requisito {i + 1} sobre {section}?"},
            "finding": {"en": f"The vendor does not meet requirement {i + 1} on {section}.",
                        "es": f"El proveedor no cumple el requisito {i + 1} sobre {section}."},
            "guidance": {"en": "Check the contract.", "es": "Revise el contrato."},
            "answer_type": "yes_no_partial_na", "severity": "major" if i % 3 else "blocker",
            "references": [f"ISO/IEC 27001:2022 A.5.{19 + i % 5}"],
        })
    data = {"id": "vendor-neutrality", "version": n_questions,
            "title": {"en": "Vendor neutrality", "es": "Neutralidad del proveedor"},
            "sections": [{"id": name, "title": {"en": name.capitalize(), "es": name.capitalize()}, "questions": qs}
                         for name, qs in sections.items() if qs]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def make_assessment(engine: Engine, *, n_questions: int = 8, n_parties: int = 3, n_evidence: int = 3,
                    status: str = "in_review", preparer: str = "Paula Preparer", tier: str = "high",
                    with_previous: bool = False, timestamp_url: str | None = None,
                    vendor_name: str = VENDOR_NAME, rating: str = "neutral") -> Built:
    """Insert an organisation, a vendor with an ownership web, a template, an assessment and answers.

    ``rating`` "neutral" (the default) can be approved without a rationale; a "not_neutral" or
    "conditionally_neutral" one also stores a blocker finding (in the shape stored before issue 11).
    """
    with unit_of_work(engine, "fixture") as s:
        org = s.exec(select(Organisation)).first()
        if org is None:
            org = Organisation()
        org.name = "Northwind Analytics S.L."
        org.timestamp_url = timestamp_url
        s.add(org)
        vp = Party(name=vendor_name, country="US", jurisdiction="US-DE", website="https://scalewise.example")
        s.add(vp)
        s.flush()
        assert vp.id is not None
        vendor = Vendor(party_id=vp.id, services="Data labelling; RLHF annotation", tier=tier, status="active",
                        internal_owner="Procurement — Marta Ibáñez")
        s.add(vendor)
        comp_party = Party(name=COMPETITOR, country="US")
        ventures = Party(name="Contoso Ventures LLC", country="US")
        person = Party(name="Ana Núñez", kind="person", nationality="ES")
        s.add_all([comp_party, ventures, person])
        s.flush()
        assert comp_party.id and ventures.id and person.id
        if s.exec(select(Competitor).where(Competitor.name == COMPETITOR)).first() is None:
            s.add(Competitor(name=COMPETITOR, party_id=comp_party.id))
        s.add(Interest(subject_id=vp.id, interested_party_id=ventures.id, interest_type="shareholding",
                       share_exact=49, start_date=date(2025, 6, 13)))
        s.add(Interest(subject_id=vp.id, interested_party_id=ventures.id, interest_type="voting_rights",
                       share_exact=0, start_date=date(2025, 6, 13)))
        s.add(Interest(subject_id=ventures.id, interested_party_id=comp_party.id, interest_type="shareholding",
                       share_exact=100))
        s.add(Interest(subject_id=vp.id, interested_party_id=person.id, interest_type="shareholding",
                       share_exact=51))
        prev_layer = [vp.id]
        for i in range(max(0, n_parties - 3)):
            p = Party(name=f"Holding {i}", country="LU")
            s.add(p)
            s.flush()
            assert p.id is not None
            s.add(Interest(subject_id=prev_layer[i % len(prev_layer)], interested_party_id=p.id,
                           interest_type="shareholding", share_min=0.5, share_max=1.5))
            if i % 4 == 3:
                prev_layer.append(p.id)
        s.flush()
        assert vendor.id is not None
        contract = Contract(vendor_id=vendor.id, kind="MSA", title="Master services agreement", reference="MSA-2024-7",
                            start_date=date(2024, 1, 1), end_date=date(2026, 12, 31), audit_rights=True,
                            data_use_restriction=True, breach_notice_hours=72, auto_renew=True, renewal_months=12,
                            notice_days=90)
        s.add(contract)
        s.add(Certification(vendor_id=vendor.id, standard="SOC 2 Type II", issuer="Example CPA LLP",
                            scope="Annotation platform", valid_from=date(2025, 1, 1),
                            valid_until=date.today() + timedelta(days=20)))
        s.add(Certification(vendor_id=vendor.id, standard="ISO/IEC 27001:2022", issuer="BSI",
                            scope="All sites", valid_from=date(2024, 1, 1), valid_until=date(2027, 1, 1)))
        s.add(Commitment(vendor_id=vendor.id, kind="no_training_on_customer_data",
                         details="Customer data is never used to train models."))
        sub = Party(name="Quillstream Ltd", country="IE")
        s.add(sub)
        s.flush()
        assert sub.id is not None
        s.add(Subprocessor(vendor_id=vendor.id, party_id=sub.id, service="Workforce management"))
        tpl_found = s.exec(select(ChecklistTemplate).where(ChecklistTemplate.key == "vendor-neutrality")
                           .where(ChecklistTemplate.version == n_questions)).first()
        new_template = tpl_found is None
        source = template_yaml(n_questions)
        tpl = tpl_found or ChecklistTemplate(key="vendor-neutrality", version=n_questions, title_en="Vendor neutrality",
                                             title_es="Neutralidad del proveedor", source_yaml=source,
                                             sha256=hashlib.sha256(source.encode()).hexdigest())
        s.add(tpl)
        s.flush()
        assert tpl.id is not None
        answers_cycle = ["yes", "no", "partial", "na"]
        sources = ["rule", "preparer", "vendor"]
        prev_id: int | None = None
        if with_previous:
            prev = Assessment(vendor_id=vendor.id, template_id=tpl.id, series_version=1, status="draft",
                              preparer=preparer, approver="Old Approver", decided_at=datetime(2025, 1, 10, tzinfo=UTC))
            s.add(prev)
            s.flush()
            prev_id = prev.id
        a = Assessment(vendor_id=vendor.id, template_id=tpl.id, series_version=2 if with_previous else 1,
                       previous_id=prev_id, status="draft", preparer=preparer, rating=rating,
                       score=71.5, as_of=date.today(), submitted_at=datetime.now(UTC),
                       findings_json=json.dumps(([BLOCKER_FINDING] if rating != "neutral" else []) + [MINOR_FINDING]),
                       facts_json=json.dumps({"competitor_stake": 49}))
        s.add(a)
        s.flush()
        assert a.id is not None
        evidence_ids = []
        for i in range(n_evidence):
            data = f"evidence file {i} for {vendor_name}".encode() * 20
            digest = hashlib.sha256(data).hexdigest()
            blob = EvidenceBlob(sha256=digest, data=data)
            s.add(blob)
            s.flush()
            assert blob.id is not None
            ef = EvidenceFile(blob_id=blob.id, filename=f"evidence-{i:02d}.pdf", mime_type="application/pdf",
                              size=len(data), sha256=digest)
            s.add(ef)
            s.flush()
            assert ef.id is not None
            evidence_ids.append(ef.id)
        for i in range(n_questions):
            key = f"Q{i + 1:03d}"
            section = SECTIONS[i % len(SECTIONS)]
            d = {"id": key, "section": section,
                 "text": {"en": f"Does the vendor meet requirement {i + 1} on {section}?",
                          "es": f"¿Cumple el proveedor el requisito {i + 1} sobre {section}?"},
                 "answer_type": "yes_no_partial_na", "severity": "major"}
            if new_template:
                s.add(ChecklistQuestion(template_id=tpl.id, key=key, section_key=section, position=i,
                                        answer_type="yes_no_partial_na", severity="major" if i % 3 else "blocker",
                                        definition_json=json.dumps(d)))
            source = sources[i % 3]
            explanation = json.dumps({"en": f"Rule {i + 1}: the contract has the clause.",
                                      "es": f"Regla {i + 1}: el contrato tiene la cláusula."}) if source == "rule" else ""
            ans = Answer(assessment_id=a.id, question_key=key, value_json=json.dumps(answers_cycle[i % 4]),
                         source=source, suggestion_explanation=explanation,
                         justification="" if source == "rule" else f"Justification {i + 1}: checked ñandú señal",
                         answered_by=preparer if i % 3 == 1 else "fixture", answered_at=datetime(2026, 3, 5, 9, 30,
                                                                                                   tzinfo=UTC))
            s.add(ans)
            if prev_id is not None:
                s.add(Answer(assessment_id=prev_id, question_key=key,
                             value_json=json.dumps(answers_cycle[(i + (1 if i == 0 else 0)) % 4])))
            s.flush()
            assert ans.id is not None
            if evidence_ids:
                s.add(EvidenceLink(evidence_id=evidence_ids[i % len(evidence_ids)], record_type="answer",
                                   record_id=ans.id))
        for j, eid in enumerate(evidence_ids):
            if j >= n_questions:
                s.add(EvidenceLink(evidence_id=eid, record_type="assessment", record_id=a.id))
        s.flush()
        # Decide last: the database refuses answers added to a decided assessment.
        if with_previous:
            prev.status = "approved"
        a.status = status
        return Built(a.id, vendor.id, vp.id, prev_id)


# --------------------------------------------------------------------------- tests of the model builder


def test_model_reads_the_assessment_from_the_tables(engine: Engine) -> None:
    from desktop.services.reports import build_report_model

    built = make_assessment(engine, with_previous=True, rating="not_neutral")
    model = build_report_model(engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP)
    assert model.vendor.name == VENDOR_NAME
    assert model.status == "in_review" and model.decision == ""
    assert [s.key for s in model.sections] == list(SECTIONS)
    assert sum(len(s.answers) for s in model.sections) == 8
    first = model.sections[0].answers[0]
    # option codes in words; a rule answer says which rule, when, and why (its explanation)
    assert (first.answer, first.source, first.evidence) == ("Yes", "rule", ["E1 evidence-00.pdf"])
    assert first.given_by == "Rule on the recorded facts\n5 Mar 2026"
    assert first.justification == "Rule 1: the contract has the clause."
    assert first.references == ["ISO/IEC 27001:2022 A.5.19"]
    vendor_answer = model.sections[2].answers[0]  # Q003: given by the vendor
    assert vendor_answer.given_by == "Vendor questionnaire\n5 Mar 2026"
    preparer_answer = model.sections[1].answers[0]  # Q002: the preparer, by name
    assert preparer_answer.given_by == "Paula Preparer\n5 Mar 2026" and preparer_answer.answer == "No"
    # findings stored before findings had statements still read as statements, never bare severities
    stored = [f for f in model.findings if f.code in ("COMPETITOR", "SOC2_EXPIRING")]
    assert [f.message("en") for f in stored] == ["A competitor holds 49% of the vendor's shares.",
                                                 "SOC 2 report expires in 20 days."]
    # and the analysis' own findings join them (none were stored with this assessment)
    own = {f.code: f for f in model.ownership_findings()}
    assert own["COMPETITOR_ECONOMIC_STAKE"].message("en") == STAKE_MESSAGE
    assert own["COMPETITOR_ECONOMIC_STAKE"].competitor == COMPETITOR
    assert len(model.evidence) == 3 and all(len(e.sha256) == 64 for e in model.evidence)
    assert model.ownership.available and model.ownership.parties[0].competitor == COMPETITOR
    marlow = next(p for p in model.ownership.parties if p.name == "Alex Marlow")
    assert marlow.competitor_linked and marlow.links == "senior managing official at Contoso Platforms Inc. since 13 Jun 2025"
    tie = model.ownership.people_ties[0]
    assert (tie.vendor_start, tie.vendor_end, tie.competitor_start) == ("2021-03-01", "2025-06-12", "2025-06-13")
    # the chart comes from the interest table: vendor, ventures, competitor, person
    assert len(model.ownership.nodes) == 4
    assert any(n.competitor for n in model.ownership.nodes)
    assert any(e.label == "49% / 0% v" for e in model.ownership.edges)
    assert model.previous_assessment.startswith(f"#{built.previous_id} v1 (approved, 10 Jan 2025")
    assert [(c.before, c.after) for c in model.changes] == [("No", "Yes")]
    soc2 = model.certifications[0]
    assert soc2.days_left == 20 and model.expiry_warning_days == 90


def test_model_in_spanish_with_the_real_ownership_analysis(engine: Engine) -> None:
    from desktop.services.reports import build_report_model

    built = make_assessment(engine, rating="not_neutral")
    model = build_report_model(engine, built.assessment_id, "es")
    blocker = next(f for f in model.findings if f.severity == "blocker")
    assert blocker.message("es").startswith("Un competidor")
    assert model.sections[0].answers[0].text.startswith("¿Cumple")
    assert model.sections[0].answers[0].answer == "Sí"
    assert model.sections[0].answers[0].given_by.startswith("Regla sobre los hechos registrados")
    # the analysis runs on the recorded interests: Contoso's 49% through its ventures arm
    assert model.ownership.available is True
    stakes = {p.name: p for p in model.ownership.parties}
    assert stakes[COMPETITOR].economic is not None and stakes[COMPETITOR].economic[1] == 49
    assert model.ownership.nodes
    stake = next(f for f in model.ownership_findings() if f.code == "COMPETITOR_ECONOMIC_STAKE")
    assert "participación económica del 49%" in stake.message("es")
    assert "holds 49%" in stake.message("en")  # both languages, whatever the report's


def test_model_without_ownership_analysis(engine: Engine) -> None:
    from desktop.services.reports import build_report_model

    built = make_assessment(engine)
    model = build_report_model(engine, built.assessment_id, "en", use_analysis=False)
    assert model.ownership.available is False
    assert model.ownership.nodes  # the chart still comes from the recorded interests
