"""One party per real entity, on SQLite and PostgreSQL: the shared resolver (aliases, identifiers), BODS
import onto parties already in the register, uncertain matches refused until decided, LEI checks on every
path and one LEI per party (in the services and in the database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Party, PartyIdentifier, Vendor
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.services.bods import export_statements_for, import_bods
from desktop.services.ownership import analyze
from desktop.services.register_io import import_vendors
from desktop.services.resolve import resolve_party, resolve_vendor
from desktop.services.vendors import VendorForm, create_vendor, get_vendor, update_vendor

SCALEWISE_LEI = "9845643DXTLVVPKFBF31"
CONTOSO_LEI = "9845L9R346P3YD25TS23"
TABLES = ("party", "party_identifier", "interest", "vendor", "audit_event")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def entity(record: str, name: str, identifiers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {"isComponent": False, "entityType": {"type": "registeredEntity"}, "name": name}
    if identifiers:
        details["identifiers"] = identifiers
    return {"statementId": f"st-{record}-" + "0" * 32, "declarationSubject": record,
            "statementDate": "2025-01-01", "publicationDetails": {
                "publicationDate": "2025-01-01", "bodsVersion": "0.4", "publisher": {"name": "Test"}},
            "recordId": record, "recordStatus": "new", "recordType": "entity", "recordDetails": details}


def holding(record: str, holder: str, subject: str, share: float) -> dict[str, Any]:
    return {"statementId": f"st-{record}-" + "0" * 32, "declarationSubject": subject,
            "statementDate": "2025-01-01", "publicationDetails": {
                "publicationDate": "2025-01-01", "bodsVersion": "0.4", "publisher": {"name": "Test"}},
            "recordId": record, "recordStatus": "new", "recordType": "relationship",
            "recordDetails": {"isComponent": False, "subject": subject, "interestedParty": holder,
                              "interests": [{"type": "shareholding", "directOrIndirect": "direct",
                                             "beneficialOwnershipOrControl": True, "share": {"exact": share},
                                             "startDate": "2024-01-01"}]}}


def write(tmp_path: Path, statements: list[dict[str, Any]], name: str = "file.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(statements), encoding="utf-8")
    return path


def vendors_named(engine: Engine, name: str) -> int:
    with read_session(engine) as s:
        return len(s.exec(select(Vendor).join(Party, Party.id == Vendor.party_id)
                          .where(Party.name_normalised == name.casefold())).all())


def test_vendors_are_found_by_alias_identifier_and_part_of_the_name(demo_engine: Engine) -> None:
    with read_session(demo_engine) as s:
        for ref in ("Scalewise", "scalewise ai", SCALEWISE_LEI, "9845 643d xtlv vpkf bf31", "scalew",
                    "Scalewise Data Inc."):
            assert resolve_party(s, ref).name == "Scalewise Data Inc.", ref
            assert resolve_vendor(s, ref).party_id == resolve_party(s, ref).id, ref
        with pytest.raises(NotFound):
            resolve_party(s, "Nobody Ltd")
        with pytest.raises(UserError, match="'at' matches 5 vendors"):  # part of several vendors' names
            resolve_vendor(s, "at")
    assert analyze(demo_engine, "Scalewise")["subject"]["name"] == "Scalewise Data Inc."
    assert analyze(demo_engine, SCALEWISE_LEI)["subject"]["name"] == "Scalewise Data Inc."


def test_bods_import_onto_an_existing_vendor_yields_one_vendor(demo_engine: Engine, tmp_path: Path) -> None:
    before = analyze(demo_engine, "Scalewise Data Inc.")
    path = write(tmp_path, export_statements_for(demo_engine, "Scalewise Data Inc."))
    parties_before = counts(demo_engine)["party"]
    dry = import_bods(demo_engine, path, vendor="Scalewise Data Inc.", dry_run=True)
    assert dry.dry_run and dry.parties_created == 0 and dry.parties_matched == 8
    assert counts(demo_engine)["party"] == parties_before
    summary = import_bods(demo_engine, path, vendor="Scalewise Data Inc.")
    assert summary.parties_created == 0 and summary.interests_created == 0 and summary.interests_present > 0
    assert {m.how for m in summary.matches} <= {"identifier", "name"}
    assert vendors_named(demo_engine, "Scalewise Data Inc.") == 1
    assert counts(demo_engine)["party"] == parties_before
    after = analyze(demo_engine, "Scalewise Data Inc.")
    assert after["parties"] == before["parties"] and after["competitor_groups"] == before["competitor_groups"]


def test_a_new_party_and_a_party_known_by_lei_in_one_file(engine: Engine, tmp_path: Path) -> None:
    create_vendor(engine, VendorForm(name="Acme Data Ltd", lei=CONTOSO_LEI))
    statements = [entity("acme", "ACME DATA LIMITED (registry name)", [{"id": CONTOSO_LEI, "scheme": "XI-LEI"}]),
                  entity("fund", "Harbour Fund LP"), holding("rel-1", "fund", "acme", 30)]
    summary = import_bods(engine, write(tmp_path, statements), vendor="Acme Data Ltd")
    assert summary.parties_created == 1 and summary.parties_matched == 1
    assert [(m.name, m.how, m.party) for m in summary.matches if m.how != "new"] == [
        ("ACME DATA LIMITED (registry name)", "identifier", "Acme Data Ltd")]
    assert vendors_named(engine, "Acme Data Ltd") == 1
    r = analyze(engine, "Acme Data Ltd")
    assert [(p["name"], p["economic"]) for p in r["parties"]] == [("Harbour Fund LP", [30.0, 30.0])]


def test_uncertain_matches_are_refused_until_decided(engine: Engine, tmp_path: Path) -> None:
    create_vendor(engine, VendorForm(name="Orbit Labelling Inc."))
    statements = [entity("orbit", "Orbit Labelling LLC"), entity("holder", "Orbit Founders"),
                  holding("rel-1", "holder", "orbit", 60)]
    path = write(tmp_path, statements)
    before = counts(engine)
    with pytest.raises(UserError) as info:
        import_bods(engine, path)
    message = str(info.value)
    assert "file.json" in message and "'Orbit Labelling LLC' (record orbit) may be a party already" in message
    assert "'Orbit Labelling Inc.'" in message and "--same orbit=PARTY_ID or --new orbit" in message
    assert counts(engine) == before  # nothing written
    dry = import_bods(engine, path, dry_run=True)
    [uncertain] = dry.uncertain
    assert uncertain.record_id == "orbit" and "another legal form" in uncertain.reason
    assert counts(engine) == before
    with read_session(engine) as s:
        orbit_id = s.exec(select(Party.id).where(Party.name == "Orbit Labelling Inc.")).one()
    done = import_bods(engine, path, decisions={"orbit": orbit_id})
    assert done.parties_created == 1 and done.parties_matched == 1
    assert vendors_named(engine, "Orbit Labelling Inc.") == 1
    assert analyze(engine, "Orbit Labelling Inc.")["parties"][0]["name"] == "Orbit Founders"
    # the other answer: a different company
    other = tmp_path / "other"
    other.mkdir()
    statements2 = [entity("orbit2", "Orbit Labelling GmbH"), entity("holder2", "Someone Else Ltd"),
                   holding("rel-2", "holder2", "orbit2", 10)]
    second = import_bods(engine, write(other, statements2), decisions={"orbit2": None})
    assert second.parties_created == 2


def test_a_person_with_another_birth_date_is_not_merged_silently(engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(engine, "tester") as s:
        s.add(Party(kind="person", name="Jon Park", birth_date=__import__("datetime").date(1970, 1, 1)))
    person = {"statementId": "st-jon-" + "0" * 32, "declarationSubject": "jon",
              "statementDate": "2025-01-01", "publicationDetails": {
                  "publicationDate": "2025-01-01", "bodsVersion": "0.4", "publisher": {"name": "Test"}},
              "recordId": "jon", "recordStatus": "new", "recordType": "person",
              "recordDetails": {"isComponent": False, "personType": "knownPerson",
                                "names": [{"type": "legal", "fullName": "Jon Park"}], "birthDate": "1985-05-05"}}
    dry = import_bods(engine, write(tmp_path, [person]), dry_run=True)
    [uncertain] = dry.uncertain
    assert "born on another day" in uncertain.reason


def test_invalid_lei_in_bods_refuses_the_file(engine: Engine, tmp_path: Path) -> None:
    statements = [entity("bad", "Bad LEI Corp", [{"id": "9845L9R346P3YD25TS24", "scheme": "XI-LEI"}])]
    before = counts(engine)
    with pytest.raises(UserError) as info:
        import_bods(engine, write(tmp_path, statements))
    assert "statement 0" in str(info.value) and "not a valid LEI" in str(info.value) and "Bad LEI Corp" in str(info.value)
    assert counts(engine) == before


def test_one_lei_for_two_parties_of_a_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    statements = [entity("a", "First Corp", [{"id": CONTOSO_LEI, "scheme": "XI-LEI"}]),
                  entity("b", "Second Corp", [{"id": CONTOSO_LEI, "scheme": "XI-LEI"}])]
    with pytest.raises(UserError, match="one LEI names one legal entity"):
        import_bods(engine, write(tmp_path, statements))


def test_the_same_lei_on_a_second_vendor_is_refused(engine: Engine) -> None:
    first = create_vendor(engine, VendorForm(name="Acme Models Inc.", lei=CONTOSO_LEI))
    with pytest.raises(ValidationError, match="already recorded for 'Acme Models Inc.'"):
        create_vendor(engine, VendorForm(name="Other Models Ltd", lei=CONTOSO_LEI.lower()))
    second = create_vendor(engine, VendorForm(name="Other Models Ltd"))
    form = get_vendor(engine, second.id).form
    form.lei = CONTOSO_LEI
    with pytest.raises(ValidationError, match="one LEI names one legal entity"):
        update_vendor(engine, second.id, form, get_vendor(engine, second.id).version)
    assert get_vendor(engine, first.id).form.lei == CONTOSO_LEI and get_vendor(engine, second.id).form.lei == ""


def test_the_database_itself_refuses_a_second_party_with_the_same_lei(engine: Engine) -> None:
    """What an adversary writing straight to the tables would try: the unique index holds on both backends."""
    with unit_of_work(engine, "tester") as s:
        a, b = Party(name="A Corp"), Party(name="B Corp")
        s.add_all([a, b])
        s.flush()
        assert a.id and b.id
        s.add(PartyIdentifier(party_id=a.id, scheme="LEI", value=CONTOSO_LEI))
        ids = (a.id, b.id)
    with pytest.raises(IntegrityError), unit_of_work(engine, "tester") as s:
        s.add(PartyIdentifier(party_id=ids[1], scheme="LEI", value=CONTOSO_LEI))
    with unit_of_work(engine, "tester") as s:  # other schemes may repeat (a VAT group, for example)
        s.add(PartyIdentifier(party_id=ids[0], scheme="VAT", value="ESB12345674"))
        s.add(PartyIdentifier(party_id=ids[1], scheme="VAT", value="ESB12345674"))


def test_vendor_import_uses_the_party_already_in_the_register(engine: Engine, tmp_path: Path) -> None:
    statements = [entity("tecido", "Tecido Ltd", [{"id": CONTOSO_LEI, "scheme": "XI-LEI"}])]
    import_bods(engine, write(tmp_path, statements))  # a party, not yet a vendor
    csv = tmp_path / "vendors.csv"
    csv.write_text(f"Name,LEI,Tier\nTECIDO LTD,{CONTOSO_LEI},high\nTecido Labs SL,,low\n", encoding="utf-8")
    plan = import_vendors(engine, csv, dry_run=True)
    assert plan.accepted == 2 and not plan.rejections
    assert any("'TECIDO LTD' is 'Tecido Ltd', already in the register" in n for n in plan.notes)
    parties = counts(engine)["party"]
    import_vendors(engine, csv)
    assert counts(engine)["party"] == parties + 1  # only Tecido Labs is new
    assert vendors_named(engine, "Tecido Ltd") == 1
    again = import_vendors(engine, csv, dry_run=True)
    assert {r.reason for r in again.rejections} >= {"A vendor named 'Tecido Ltd' is already in the register."}
