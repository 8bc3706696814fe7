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


def canned_ownership(n_extra: int = 0) -> dict[str, Any]:
    parties: list[dict[str, Any]] = [
        {"name": "Contoso Ventures LLC", "kind": "entity", "economic": [49, 49], "voting": [0, 0],
         "controls": False, "competitor": COMPETITOR, "paths": []},
        {"name": COMPETITOR, "kind": "entity", "economic": [49, 49], "voting": [0, 0], "controls": False,
         "competitor": COMPETITOR, "paths": []},
        {"name": "Ana Núñez", "kind": "person", "economic": [51, 51], "voting": [100, 100], "controls": True,
         "competitor": None, "paths": []},
    ]
    parties += [{"name": f"Holding {i}", "kind": "entity", "economic": [0.5, 1.5], "voting": [1, 1],
                 "controls": False, "competitor": None, "paths": []} for i in range(n_extra)]
    return {
        "parties": parties,
        "competitor_groups": [{"name": COMPETITOR, "members": ["Contoso Ventures LLC", COMPETITOR]}],
        "people_ties": [{"message": "Alex Marlow, CEO until 2025-06-12, became Chief AI Officer of "
                                    "Contoso Platforms Inc. on 2025-06-13."}],
        "findings": [{"severity": "high", "code": "COMPETITOR_STAKE",
                      "message": "Competitor Contoso Platforms Inc. holds 49% of the shares through "
                                 "Contoso Ventures LLC.", "parties": ["Contoso Ventures LLC"]}],
    }


CANNED_OWNERSHIP = canned_ownership()


def make_assessment(engine: Engine, *, n_questions: int = 8, n_parties: int = 3, n_evidence: int = 3,
                    status: str = "in_review", preparer: str = "Paula Preparer", tier: str = "high",
                    with_previous: bool = False, timestamp_url: str | None = None,
                    vendor_name: str = VENDOR_NAME) -> Built:
    """Insert an organisation, a vendor with an ownership web, a template, an assessment and answers."""
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
        tpl = tpl_found or ChecklistTemplate(key="vendor-neutrality", version=n_questions, title_en="Vendor neutrality",
                                             title_es="Neutralidad del proveedor", source_yaml="{}", sha256="0" * 64)
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
                       previous_id=prev_id, status="draft", preparer=preparer, rating="conditionally_neutral",
                       score=71.5, as_of=date.today(), submitted_at=datetime.now(UTC),
                       findings_json=json.dumps([
                           {"severity": "blocker", "code": "COMPETITOR", "message":
                            {"en": "A competitor holds 49% of the vendor's shares.",
                             "es": "Un competidor posee el 49% de las acciones del proveedor."}},
                           {"severity": "major", "code": "SOC2_EXPIRING", "message": "SOC 2 report expires in 20 days."},
                       ]), facts_json=json.dumps({"competitor_stake": 49}))
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
            ans = Answer(assessment_id=a.id, question_key=key, value_json=json.dumps(answers_cycle[i % 4]),
                         source=sources[i % 3], justification=f"Justification {i + 1}: checked ñandú señal",
                         answered_by=preparer if i % 3 == 1 else "")
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

    built = make_assessment(engine, with_previous=True)
    model = build_report_model(engine, built.assessment_id, "en", ownership=CANNED_OWNERSHIP)
    assert model.vendor.name == VENDOR_NAME
    assert model.status == "in_review" and model.decision == ""
    assert [s.key for s in model.sections] == list(SECTIONS)
    assert sum(len(s.answers) for s in model.sections) == 8
    first = model.sections[0].answers[0]
    assert first.answer == "yes" and first.source == "rule" and first.evidence == ["E1 evidence-00.pdf"]
    assert [b.message for b in model.blockers] == ["A competitor holds 49% of the vendor's shares."]
    assert len(model.evidence) == 3 and all(len(e.sha256) == 64 for e in model.evidence)
    assert model.ownership.available and model.ownership.parties[0].competitor == COMPETITOR
    # the chart comes from the interest table: vendor, ventures, competitor, person
    assert len(model.ownership.nodes) == 4
    assert any(n.competitor for n in model.ownership.nodes)
    assert any(e.label == "49% / 0% v" for e in model.ownership.edges)
    assert model.previous_assessment.startswith(f"#{built.previous_id}")
    assert [c.before for c in model.changes] == ["no"]
    soc2 = model.certifications[0]
    assert soc2.days_left == 20


def test_model_in_spanish_with_the_real_ownership_analysis(engine: Engine) -> None:
    from desktop.services.reports import build_report_model

    built = make_assessment(engine)
    model = build_report_model(engine, built.assessment_id, "es")
    assert model.blockers[0].message.startswith("Un competidor")
    assert model.sections[0].answers[0].text.startswith("¿Cumple")
    # the analysis runs on the recorded interests: Contoso's 49% through its ventures arm
    assert model.ownership.available is True
    stakes = {p.name: p for p in model.ownership.parties}
    assert stakes[COMPETITOR].economic[1] == 49
    assert model.ownership.nodes


def test_model_without_ownership_analysis(engine: Engine) -> None:
    from desktop.services.reports import build_report_model

    built = make_assessment(engine)
    model = build_report_model(engine, built.assessment_id, "en", use_analysis=False)
    assert model.ownership.available is False
    assert model.ownership.nodes  # the chart still comes from the recorded interests
