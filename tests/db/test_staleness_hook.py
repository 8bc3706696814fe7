"""Staleness by itself (issue 4): material changes after a decision mark it stale, in the same
transaction, on both backends; unrelated changes do not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Assessment, AuditEvent, Certification, Contract, Interest, Party, Subprocessor
from desktop.services import staleness as staleness_module
from desktop.services.assessments import staleness
from desktop.services.identities import new_identity
from desktop.services.signoff import approve
from desktop.services.vendors import VendorForm, create_vendor
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment


def _decided(engine: Engine) -> tuple[int, int]:
    built = make_assessment(engine)
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            ownership=CANNED_OWNERSHIP)
    assert _stale_since(engine, built.assessment_id) is None
    return built.assessment_id, built.vendor_id


def _stale_since(engine: Engine, assessment_id: int):
    with read_session(engine) as s:
        a = s.get(Assessment, assessment_id)
        assert a is not None
        return a.stale_since


def _party(engine: Engine, name: str) -> int:
    with read_session(engine) as s:
        p = s.exec(select(Party).where(Party.name == name)).one()
        assert p.id is not None
        return p.id


def _new_party(engine: Engine, name: str) -> int:
    with unit_of_work(engine, "tester") as s:
        p = Party(name=name, country="US")
        s.add(p)
        s.flush()
        assert p.id is not None
        return p.id


def test_contract_change_marks_the_decision_stale(engine: Engine) -> None:
    assessment_id, vendor_id = _decided(engine)
    with unit_of_work(engine, "bob") as s:
        s.add(Contract(vendor_id=vendor_id, kind="DPA", title="Data processing agreement"))
    since = _stale_since(engine, assessment_id)
    assert since is not None
    changes = staleness(engine, assessment_id)
    assert any(c["record_type"] == "contract" and c["action"] == "create" for c in changes)
    with read_session(engine) as s:  # the marking itself is in the audit trail, by the same actor
        marks = s.exec(select(AuditEvent).where(AuditEvent.record_type == "assessment",
                                                AuditEvent.record_id == assessment_id,
                                                AuditEvent.actor == "bob")).all()
        assert any("stale_since" in (m.changes_json or "") for m in marks)
    # Already stale: a later change keeps the first moment.
    with unit_of_work(engine, "bob") as s:
        c = s.exec(select(Contract).where(Contract.vendor_id == vendor_id, Contract.title == "Data processing agreement")).one()
        c.title = "DPA v2"
        s.add(c)
    assert _stale_since(engine, assessment_id) == since


def test_interest_upstream_of_the_parent_marks_it_stale(engine: Engine) -> None:
    assessment_id, _vendor_id = _decided(engine)
    ventures = _party(engine, "Contoso Ventures LLC")  # holds 49% of the vendor
    grand = _new_party(engine, "Faraway Holdings Ltd")
    assert _stale_since(engine, assessment_id) is None  # a new unrelated party changes nothing
    with unit_of_work(engine, "bob") as s:
        s.add(Interest(subject_id=ventures, interested_party_id=grand, interest_type="shareholding",
                       share_exact=100, start_date=date.today()))
    assert _stale_since(engine, assessment_id) is not None
    assert staleness(engine, assessment_id)


def test_new_subprocessor_and_subprocessor_owner_mark_it_stale(engine: Engine) -> None:
    assessment_id, vendor_id = _decided(engine)
    sub = _new_party(engine, "Quillstream Transcription Ltd")
    with unit_of_work(engine, "bob") as s:
        s.add(Subprocessor(vendor_id=vendor_id, party_id=sub, service="transcription"))
    assert _stale_since(engine, assessment_id) is not None
    assert any(c["record_type"] == "subprocessor" for c in staleness(engine, assessment_id))


def test_subprocessor_party_change_reaches_the_vendors_using_it(engine: Engine) -> None:
    built = make_assessment(engine)
    sub = _new_party(engine, "Quillstream Transcription Ltd")
    with unit_of_work(engine, "bob") as s:
        s.add(Subprocessor(vendor_id=built.vendor_id, party_id=sub, service="transcription"))
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    approve(engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver",
            ownership=CANNED_OWNERSHIP)
    assert _stale_since(engine, built.assessment_id) is None
    owner = _new_party(engine, "Fabrikam Labs GmbH")
    with unit_of_work(engine, "bob") as s:
        s.add(Interest(subject_id=sub, interested_party_id=owner, interest_type="shareholding", share_exact=60))
    assert _stale_since(engine, built.assessment_id) is not None


def test_unrelated_changes_do_not_mark_it(engine: Engine) -> None:
    assessment_id, vendor_id = _decided(engine)
    other = create_vendor(engine, VendorForm(name="Clearlabel Cooperativa S.Coop.")).id
    vendor_party = _party(engine, "Scalewise Data Inc.")
    held = _new_party(engine, "Tiny Subsidiary Ltd")
    with unit_of_work(engine, "bob") as s:
        s.add(Contract(vendor_id=other, kind="MSA", title="MSA"))
        s.add(Certification(vendor_id=other, standard="ISO/IEC 27001", valid_until=date.today() + timedelta(days=300)))
        # What the vendor itself owns is downstream of it, not upstream: not a change to its ownership.
        s.add(Interest(subject_id=held, interested_party_id=vendor_party, interest_type="shareholding",
                       share_exact=100))
    assert _stale_since(engine, assessment_id) is None
    # An undecided assessment is never marked.
    with read_session(engine) as s:
        assert all(a.stale_since is None for a in s.exec(select(Assessment).where(Assessment.vendor_id == other)))


def test_ownership_cycle_terminates(engine: Engine) -> None:
    assessment_id, _vendor_id = _decided(engine)
    ventures = _party(engine, "Contoso Ventures LLC")
    a = _new_party(engine, "Cycle A")
    with unit_of_work(engine, "bob") as s:
        s.add(Interest(subject_id=a, interested_party_id=ventures, interest_type="shareholding", share_exact=10))
    # ventures -> a, now a -> ventures closes a cycle upstream of the vendor
    with unit_of_work(engine, "bob") as s:
        s.add(Interest(subject_id=ventures, interested_party_id=a, interest_type="shareholding", share_exact=10))
    assert _stale_since(engine, assessment_id) is not None
    with engine.connect() as conn:
        web = staleness_module.downstream_parties(conn, [a])
    assert ventures in web and a in web


def test_expired_certificate_is_marked_by_the_daily_refresh(engine: Engine, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETTA_DATA_DIR", str(tmp_path))
    assessment_id, vendor_id = _decided(engine)
    with unit_of_work(engine, "bob") as s:
        cert = Certification(vendor_id=vendor_id, standard="SOC 2 Type II", valid_until=date.today() + timedelta(days=5))
        s.add(cert)
    # Adding a certificate is itself a material change; clear the mark to test the time-based path alone.
    with engine.begin() as conn:
        from sqlalchemy import text
        conn.execute(text("UPDATE assessment SET stale_since = NULL WHERE id = :i"), {"i": assessment_id})
    later = date.today() + timedelta(days=10)
    assert staleness_module.maybe_refresh_daily(engine, today=later) == [assessment_id]
    assert _stale_since(engine, assessment_id) is not None
    assert staleness_module.maybe_refresh_daily(engine, today=later) == []  # once a day


@pytest.mark.parametrize("kind", ["commitment", "data_location"])
def test_hooked_record_types_cover_the_material_records(kind: str) -> None:
    from desktop.services.assessments import MATERIAL_RECORDS

    tables = {m.__tablename__ for m in staleness_module.VENDOR_RECORDS} | {"interest", "party"}
    assert kind in tables and set(MATERIAL_RECORDS) <= tables


def approve_demo_assessment(engine: Engine, vendor: str) -> int:
    """A decided assessment of a demo vendor (prepared, submitted and decided as the sign-off records it)."""
    from db.types import utcnow
    from desktop.services import assessments as A
    from tests.db.test_assessments import complete

    s = A.create_assessment(engine, vendor, preparer="Paula Preparer")
    complete(engine, s.id)
    A.submit_assessment(engine, s.id)
    with unit_of_work(engine, "Alba Aprobadora") as session:
        a = session.get(Assessment, s.id)
        assert a is not None
        a.status, a.approver, a.decided_at = "approved", "Alba Aprobadora", utcnow()
        session.add(a)
    assert _stale_since(engine, s.id) is None
    return s.id


def test_a_backdated_change_recorded_after_the_decision_makes_it_stale(demo_engine: Engine) -> None:
    """Issue 14: a competitor gains control up the chain, effective before the approval but recorded
    after it. The assessment becomes stale and the change list says both dates."""
    from desktop.core.i18n import format_date

    assessment_id = approve_demo_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.")
    members = _party(demo_engine, "Clearlabel worker-members (212 members)")
    northwind = _party(demo_engine, "Northwind Intelligence Corp.")
    effective = date.today() - timedelta(days=400)
    with unit_of_work(demo_engine, "Luis Ortega") as s:
        s.add(Interest(subject_id=members, interested_party_id=northwind, interest_type="voting_rights",
                       share_exact=70, start_date=effective))
    assert _stale_since(demo_engine, assessment_id) is not None
    changes = staleness(demo_engine, assessment_id)
    [entry] = [c for c in changes if c["record_type"] == "interest"]
    assert entry["effective"] == effective.isoformat()
    recorded = datetime.now(UTC).date()
    assert entry["recorded"][:10] == recorded.isoformat()
    assert entry["message"] == (
        f"Northwind Intelligence Corp.'s voting rights interest in Clearlabel worker-members (212 members) (70%): "
        f"recorded by Luis Ortega on {format_date(recorded, 'en')}, effective {format_date(effective, 'en')}.")
    spanish = staleness(demo_engine, assessment_id, lang="es")
    assert any("con efecto desde el" in c["message"] for c in spanish)


def test_a_fourth_party_recorded_after_the_decision_makes_it_stale(demo_engine: Engine) -> None:
    assessment_id = approve_demo_assessment(demo_engine, "Tessera Labeling GmbH")
    quill, owner = _party(demo_engine, "Quillstream Transcription Ltd"), _party(demo_engine, "Tessera Labeling GmbH")
    fourth = _new_party(demo_engine, "Faraway Audio Labs Ltd")
    with read_session(demo_engine) as s:
        vendor = s.exec(select(Assessment.vendor_id).where(Assessment.id == assessment_id)).one()
    with unit_of_work(demo_engine, "bob") as s:
        s.add(Subprocessor(vendor_id=vendor, party_id=fourth, of_party_id=quill, service="audio cleaning"))
    assert owner and _stale_since(demo_engine, assessment_id) is not None
    assert any(c["record_type"] == "subprocessor" for c in staleness(demo_engine, assessment_id))
