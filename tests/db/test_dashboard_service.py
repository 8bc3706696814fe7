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
