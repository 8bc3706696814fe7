"""The dashboard's figures on the demo data and on assessments (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from desktop.services.dashboard import dashboard
from desktop.services.register import RegisterQuery, vendor_ids
from desktop.services.vendors import VendorForm, create_vendor
from tests.db.test_register_service import add_assessment


def test_demo_expiring_items(demo_engine):
    d = dashboard(demo_engine)
    soc2 = [i for i in d.expiring if i.kind == "certification" and i.vendor_name == "Veridata Annotations Ltd"]
    assert soc2 and soc2[0].days == 20 and soc2[0].label == "SOC 2 Type II"
    assert all(i.days is not None and i.days <= 30 for i in d.expiring_within(30))
    assert soc2[0] in d.expiring_within(30)
    assert d.ratings == {"none": 9}


def test_reviews_ratings_and_stale(engine):
    today = date(2026, 3, 1)
    a = create_vendor(engine, VendorForm(name="Alpha", next_review_due=today - timedelta(days=3))).id
    b = create_vendor(engine, VendorForm(name="Beta", next_review_due=today + timedelta(days=200))).id
    add_assessment(engine, a, version=1, status="approved", rating="neutral",
                   decided=datetime(2025, 1, 1, tzinfo=UTC), signed=True, stale=True,
                   next_review=today + timedelta(days=10))
    add_assessment(engine, b, version=1, status="rejected", rating="not_neutral",
                   decided=datetime(2025, 1, 1, tzinfo=UTC))
    d = dashboard(engine, today)
    assert d.ratings == {"neutral": 1, "not_neutral": 1}
    # one review per vendor: the vendor's own date (its latest decision's), never the assessment's again
    assert [(i.kind, i.vendor_name, i.days) for i in d.reviews] == [("review", "Alpha", -3)]
    assert [(i.vendor_name, i.record_type) for i in d.stale] == [("Alpha", "assessment")]
    assert vendor_ids(engine, RegisterQuery(stale=True)) == [a]


def test_demo_exposure_and_expiry_charts(demo_engine):
    d = dashboard(demo_engine)
    assert d.exposure == {"none": 7, "people": 0, "stake": 1, "control": 1}
    assert [(e.name, e.exposure.level, e.exposure.economic[1], e.exposure.voting[1]) for e in d.exposed] == [
        ("Scalewise Data Inc.", "control", 82.0, 65.0), ("Meridian Synthetic Data Corp.", "stake", 12.0, 12.0)]
    assert [b.key for b in d.certificates] == ["expired", "30", "60", "90"]
    assert [b.count for b in d.certificates][1:] == [1, 0, 1]
    assert [b.count for b in d.contracts] == [0, 0, 1, 1]
    [soc2] = d.certificates[1].items
    assert (soc2.vendor_name, soc2.label, soc2.days, soc2.record_type) == (
        "Veridata Annotations Ltd", "SOC 2 Type II", 20, "certification")
    assert [(i.vendor_name, i.label) for i in d.contracts[3].items] == [("Polyglot Corpus S.A.", "MSA Contrat-cadre")]


def test_reviews_by_month(engine):
    today = date(2026, 3, 10)
    create_vendor(engine, VendorForm(name="Late", next_review_due=date(2026, 2, 1)))
    create_vendor(engine, VendorForm(name="This month", next_review_due=date(2026, 3, 31)))
    create_vendor(engine, VendorForm(name="In May", next_review_due=date(2026, 5, 1)))
    create_vendor(engine, VendorForm(name="Next year", next_review_due=date(2027, 5, 1)))
    d = dashboard(engine, today)
    assert [(b.key, b.count) for b in d.review_months] == [
        ("overdue", 1), ("2026-03", 1), ("2026-04", 0), ("2026-05", 1), ("2026-06", 0), ("2026-07", 0),
        ("2026-08", 0)]
    assert [(i.vendor_name, i.days) for i in d.review_months[0].items] == [("Late", -37)]
    assert d.review_months[1].start == today and d.review_months[3].items[0].vendor_name == "In May"
    assert d.exposure == {"none": 4, "people": 0, "stake": 0, "control": 0} and d.exposed == []
