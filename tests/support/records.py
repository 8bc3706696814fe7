"""Small builders for reliability tests: a vendor, an assessment with answers, a decision."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import Answer, Assessment, ChecklistTemplate, Party, SignOff, Vendor
from db.types import utcnow


def make_vendor(engine: Engine, name: str = "Acme Data Ltd", actor: str = "tester") -> int:
    with unit_of_work(engine, actor) as s:
        party = Party(name=name)
        s.add(party)
        s.flush()
        assert party.id is not None
        vendor = Vendor(party_id=party.id, services="labelling")
        s.add(vendor)
        s.flush()
        assert vendor.id is not None
        return vendor.id


def make_assessment(engine: Engine, vendor_id: int, answers: int = 2) -> int:
    with unit_of_work(engine, "preparer") as s:
        template = ChecklistTemplate(key=f"t{vendor_id}", title_en="T", title_es="T", source_yaml="x: 1",
                                     sha256="0" * 64)
        s.add(template)
        s.flush()
        assert template.id is not None
        a = Assessment(vendor_id=vendor_id, template_id=template.id, preparer="preparer", status="in_review")
        s.add(a)
        s.flush()
        assert a.id is not None
        for i in range(answers):
            s.add(Answer(assessment_id=a.id, question_key=f"q{i}", value_json='"yes"', source="preparer"))
        return a.id


def decide(engine: Engine, assessment_id: int, *, with_signoff: bool = True) -> None:
    """The decision: one UPDATE of the assessment, then the sign-off row."""
    with unit_of_work(engine, "approver") as s:
        a = s.get(Assessment, assessment_id)
        assert a is not None
        a.status = "approved"
        a.decided_at = utcnow()
        a.approver = "approver"
        a.rating = "neutral"
        a.next_review_due = date(2027, 6, 1)
        s.flush()
        if with_signoff:
            s.add(SignOff(assessment_id=assessment_id, decision="approved", approver="approver"))
