"""Vendor CRUD, optimistic locking, identifier validation, child records, evidence, history (both backends)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

from db.engine import read_session
from db.errors import ConflictError
from db.models import AuditEvent, EvidenceFile, Party, Vendor
from desktop.core.errors import UserError, ValidationError
from desktop.services import vendors as svc
from desktop.services.vendors import VendorForm

GOOD_LEI = "5493001KJTIIGC8Y1R12"
GOOD_VAT = "ESA58818501"


def _count(engine, model) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


@pytest.mark.parametrize("value, ok", [("", True), (GOOD_LEI, True), ("5493001KJTIIGC8Y1R13", False),
                                       ("12345", False)])
def test_lei_validation(value, ok):
    assert (svc.validate_lei(value) is None) == ok


@pytest.mark.parametrize("value, ok", [("", True), (GOOD_VAT, True), ("DE136695976", True), ("ESA58818502", False),
                                       ("12345", False)])
def test_vat_validation(value, ok):
    reason = svc.validate_vat(value)
    assert (reason is None) == ok
    if not ok:
        assert "VAT" in reason


def test_create_read_update(engine):
    d = svc.create_vendor(engine, VendorForm(name=" Acme Data S.L. ", country="es", lei=GOOD_LEI, vat=GOOD_VAT,
                                             tags=["speech", "speech", " eu "], tier="high", status="active",
                                             next_review_due=date(2026, 5, 1)), actor="ana")
    got = svc.get_vendor(engine, d.id)
    assert got.form.name == "Acme Data S.L." and got.form.country == "ES"
    assert got.form.tags == ["eu", "speech"] and got.form.lei == GOOD_LEI and got.form.vat == GOOD_VAT
    form = got.form
    form.tags = ["eu"]
    form.lei = ""
    updated = svc.update_vendor(engine, d.id, form, got.version, got.party_version, actor="ben")
    assert updated.version > got.version
    assert updated.form.tags == ["eu"] and updated.form.lei == ""
    history = svc.vendor_history(engine, d.id)
    assert {h.actor for h in history} == {"ana", "ben"}
    assert {h.record_type for h in history} >= {"vendor", "party", "vendor_tag", "party_identifier"}


def test_invalid_vendor_is_refused_and_nothing_written(engine):
    with pytest.raises(ValidationError) as err:
        svc.create_vendor(engine, VendorForm(name="Acme", lei="5493001KJTIIGC8Y1R13"))
    assert err.value.field == "lei"
    with pytest.raises(ValidationError):
        svc.create_vendor(engine, VendorForm(name="  "))
    assert _count(engine, Vendor) == 0 and _count(engine, Party) == 0


def test_duplicate_name_refused(engine):
    svc.create_vendor(engine, VendorForm(name="Acme"))
    with pytest.raises(ValidationError, match="already in the register"):
        svc.create_vendor(engine, VendorForm(name="ACME"))
    assert _count(engine, Vendor) == 1


def test_conflict_when_someone_saved_meanwhile(engine):
    d = svc.create_vendor(engine, VendorForm(name="Acme"))
    theirs = VendorForm(**{**d.form.__dict__, "services": "labelling"})
    svc.update_vendor(engine, d.id, theirs, d.version, d.party_version, actor="other")
    mine = VendorForm(**{**d.form.__dict__, "services": "speech"})
    with pytest.raises(ConflictError, match="since you opened it"):
        svc.update_vendor(engine, d.id, mine, d.version, d.party_version, actor="me")
    assert svc.get_vendor(engine, d.id).form.services == "labelling"


def test_party_conflict_detected_too(engine):
    d = svc.create_vendor(engine, VendorForm(name="Acme"))
    from db.engine import unit_of_work

    with unit_of_work(engine, "other") as s:
        party = s.get(Party, d.party_id)
        party.website = "https://acme.example"
        s.add(party)
    with pytest.raises(ConflictError):
        svc.update_vendor(engine, d.id, VendorForm(name="Acme", notes="x"), d.version, d.party_version)


def test_child_records(engine):
    vid = svc.create_vendor(engine, VendorForm(name="Acme")).id
    c = svc.save_child(engine, "contract", vid, {"kind": "MSA", "title": "Master", "value": "1,000.50",
                                                  "currency": "eur", "notice_days": "90", "audit_rights": True,
                                                  "start_date": "2025-01-01", "end_date": "2026-01-01"})
    assert c["value"] == Decimal("1000.50") and c["currency"] == "EUR" and c["audit_rights"] is True
    c2 = svc.save_child(engine, "contract", vid, {**c, "title": "Master v2"}, c["id"], c["version"])
    assert c2["title"] == "Master v2"
    with pytest.raises(ConflictError):
        svc.save_child(engine, "contract", vid, {**c, "title": "stale"}, c["id"], c["version"])
    with pytest.raises(ValidationError, match="before the start date"):
        svc.save_child(engine, "contract", vid, {"kind": "MSA", "start_date": "2026-01-01", "end_date": "2025-01-01"})
    with pytest.raises(ValidationError, match="not a date"):
        svc.save_child(engine, "certification", vid, {"standard": "SOC 2", "valid_until": "31/12/2026"})
    with pytest.raises(ValidationError, match="required"):
        svc.save_child(engine, "certification", vid, {"standard": ""})
    sub = svc.save_child(engine, "subprocessor", vid, {"party_name": "Quillstream Ltd", "service": "QA"})
    assert sub["party_name"] == "Quillstream Ltd"
    with pytest.raises(ValidationError, match="duplicates"):
        svc.save_child(engine, "subprocessor", vid, {"party_name": "quillstream ltd"})
    svc.save_child(engine, "data_location", vid, {"country": "ie", "purpose": "storage"})
    with pytest.raises(ValidationError):
        svc.save_child(engine, "data_location", vid, {"country": "Ireland", "purpose": "storage"})
    assert [r["country"] for r in svc.list_children(engine, "data_location", vid)] == ["IE"]
    svc.remove_child(engine, "contract", c["id"])
    assert svc.list_children(engine, "contract", vid) == []


def test_evidence_attach_replace_remove(engine, tmp_path):
    vid = svc.create_vendor(engine, VendorForm(name="Acme")).id
    cert = svc.save_child(engine, "certification", vid, {"standard": "SOC 2"})
    f1 = tmp_path / "soc2.pdf"
    f1.write_bytes(b"%PDF-1 old")
    eid = svc.attach_evidence(engine, f1, "certification", cert["id"])
    listed = svc.vendor_evidence(engine, vid)
    assert [e["filename"] for e in listed] == ["soc2.pdf"] and f"certification #{cert['id']}" in listed[0]["linked_to"]
    f2 = tmp_path / "soc2-2026.pdf"
    f2.write_bytes(b"%PDF-1 new")
    new_id = svc.replace_evidence(engine, eid, f2, "vendor", vid)
    listed = svc.vendor_evidence(engine, vid)
    assert [e["id"] for e in listed] == [new_id]
    assert "certification" in listed[0]["linked_to"] and "vendor" in listed[0]["linked_to"]
    svc.remove_evidence(engine, new_id)
    assert svc.vendor_evidence(engine, vid) == []
    assert _count(engine, EvidenceFile) == 2  # archived, never deleted
    with pytest.raises(UserError, match="does not exist"):
        svc.attach_evidence(engine, tmp_path / "missing.pdf", "vendor", vid)


def test_history_lists_only_this_vendor(engine):
    a = svc.create_vendor(engine, VendorForm(name="A")).id
    svc.create_vendor(engine, VendorForm(name="B"))
    events = svc.vendor_history(engine, a)
    assert events and all(e.record_type in ("vendor", "party") for e in events)
    with read_session(engine) as s:
        total = s.exec(select(func.count()).select_from(AuditEvent)).one()
    assert total > len(events)
