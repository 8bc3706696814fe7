"""The register's SQL: search, filters, latest rating, last signed assessment, flags, sorting (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from db.engine import unit_of_work
from db.models import Assessment, ChecklistTemplate, SignOff, Vendor
from desktop.services.register import (
    FLAG_CERT_EXPIRING,
    FLAG_CONTRACT_EXPIRING,
    FLAG_REVIEW_OVERDUE,
    FLAG_STALE,
    RegisterQuery,
    count_vendors,
    register_rows,
    vendor_ids,
)
from desktop.services.vendors import VendorForm, create_vendor, save_child, set_archived

TODAY = date(2026, 3, 1)


def _names(engine, **kw):
    return [r.name for r in register_rows(engine, RegisterQuery(today=TODAY, **kw))]


def add_assessment(engine, vendor_id: int, *, version: int, status: str, rating: str | None,
                   decided: datetime | None = None, signed: bool = False, stale: bool = False,
                   next_review: date | None = None) -> int:
    with unit_of_work(engine, "tester") as s:
        template = s.exec(select(ChecklistTemplate)).first()
        if template is None:
            template = ChecklistTemplate(key="t", version=1, title_en="T", title_es="T", source_yaml="x", sha256="0" * 64)
            s.add(template)
            s.flush()
        a = Assessment(vendor_id=vendor_id, template_id=template.id, series_version=version, status=status,
                       rating=rating, decided_at=decided, next_review_due=next_review,
                       stale_since=datetime(2026, 2, 1, tzinfo=UTC) if stale else None)
        s.add(a)
        s.flush()
        if signed:
            s.add(SignOff(assessment_id=a.id, decision=status, approver="ana", decided_at=decided))
        return a.id


def test_search_matches_name_alias_identifier_and_tag(demo_engine):
    assert _names(demo_engine, search="tessera") == ["Tessera Labeling GmbH"]
    assert _names(demo_engine, search="TESSERA labeling") == ["Tessera Labeling GmbH"]
    vid = create_vendor(demo_engine, VendorForm(name="Ñandú Datos S.L.", tags=["speech-es"],
                                                lei="5493001KJTIIGC8Y1R12")).id
    assert _names(demo_engine, search="nandu") == ["Ñandú Datos S.L."]
    assert _names(demo_engine, search="speech-ES") == ["Ñandú Datos S.L."]
    assert _names(demo_engine, search="kjtiigc8") == ["Ñandú Datos S.L."]
    assert vid in vendor_ids(demo_engine, RegisterQuery(search="1r12"))
    assert _names(demo_engine, search="no such vendor at all") == []


def test_status_tier_filters_and_archived(demo_engine):
    assert _names(demo_engine, tier="critical") == ["Scalewise Data Inc."]
    prospects = _names(demo_engine, status="prospect")
    assert set(prospects) == {"Kestrel Red-Teaming Ltd", "Lumen RLHF Partners LLC"}
    kestrel = vendor_ids(demo_engine, RegisterQuery(search="kestrel"))[0]
    set_archived(demo_engine, kestrel, True)
    assert "Kestrel Red-Teaming Ltd" not in _names(demo_engine)
    assert "Kestrel Red-Teaming Ltd" in _names(demo_engine, include_archived=True)
    assert count_vendors(demo_engine, RegisterQuery()) == 8


def test_latest_rating_last_signed_and_stale(engine):
    a = create_vendor(engine, VendorForm(name="Alpha")).id
    b = create_vendor(engine, VendorForm(name="Beta")).id
    create_vendor(engine, VendorForm(name="Gamma"))
    t1, t2 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    add_assessment(engine, a, version=1, status="approved", rating="neutral", decided=t1, signed=True)
    add_assessment(engine, a, version=2, status="rejected", rating="not_neutral", decided=t2, signed=True,
                   stale=True)
    add_assessment(engine, a, version=3, status="draft", rating="neutral")  # undecided: ignored
    add_assessment(engine, b, version=1, status="approved_with_conditions", rating="conditionally_neutral",
                   decided=t1)
    rows = {r.name: r for r in register_rows(engine, RegisterQuery(today=TODAY))}
    assert rows["Alpha"].latest_rating == "not_neutral"
    assert rows["Alpha"].last_signed is not None and rows["Alpha"].last_signed.date() == t2.date()
    assert FLAG_STALE in rows["Alpha"].flags
    assert rows["Beta"].latest_rating == "conditionally_neutral" and rows["Beta"].last_signed is None
    assert rows["Gamma"].latest_rating is None
    assert _names(engine, rating="not_neutral") == ["Alpha"]
    # Alpha's earlier decision was neutral: only the latest decision counts (the draft does not either)
    assert _names(engine, rating="neutral") == []
    assert _names(engine, rating="conditionally_neutral") == ["Beta"]
    assert _names(engine, rating="none") == ["Gamma"]
    assert _names(engine, stale=True) == ["Alpha"]
    by_rating = _names(engine, sort="latest_rating")
    assert by_rating.index("Beta") < by_rating.index("Alpha")  # conditionally_neutral < not_neutral


def test_overdue_and_expiring_flags(engine):
    a = create_vendor(engine, VendorForm(name="Alpha", next_review_due=TODAY - timedelta(days=1))).id
    b = create_vendor(engine, VendorForm(name="Beta", next_review_due=TODAY + timedelta(days=10))).id
    c = create_vendor(engine, VendorForm(name="Gamma")).id
    save_child(engine, "certification", b, {"standard": "ISO/IEC 27001", "valid_until": TODAY + timedelta(days=20)})
    save_child(engine, "contract", c, {"kind": "MSA", "end_date": TODAY + timedelta(days=75)})
    save_child(engine, "contract", a, {"kind": "DPA", "end_date": TODAY - timedelta(days=5)})  # already ended
    assert _names(engine, review_overdue=True) == ["Alpha"]
    assert _names(engine, expiring_within_days=30) == ["Beta"]
    assert _names(engine, expiring_within_days=90) == ["Beta", "Gamma"]
    rows = {r.name: r for r in register_rows(engine, RegisterQuery(today=TODAY, expiring_within_days=90))}
    assert rows["Beta"].flags == (FLAG_CERT_EXPIRING,)
    assert rows["Gamma"].flags == (FLAG_CONTRACT_EXPIRING,)
    all_rows = {r.name: r for r in register_rows(engine, RegisterQuery(today=TODAY))}
    assert all_rows["Alpha"].flags == (FLAG_REVIEW_OVERDUE,)


def test_sorting_descending_and_by_date(engine):
    for name, due in (("b", TODAY), ("a", None), ("c", TODAY - timedelta(days=3))):
        create_vendor(engine, VendorForm(name=name, next_review_due=due))
    assert _names(engine, sort="name", descending=True) == ["c", "b", "a"]
    dated = [n for n in _names(engine, sort="next_review_due") if n != "a"]
    assert dated == ["c", "b"]
    with unit_of_work(engine) as s:
        assert len(s.exec(select(Vendor)).all()) == 3
