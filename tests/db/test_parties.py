"""People and companies recorded by hand (issue 15.8): services on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.errors import ConflictError
from db.models import ALL_TABLES, AuditEvent, Party, PartyAlias, PartyIdentifier
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.services.ownership import InterestInput, analyze
from desktop.services.parties import (
    IdentifierValue,
    PartyForm,
    create_party,
    get_party,
    list_parties,
    update_party,
)
from desktop.services.records import add_certificate, add_contract, add_interest, add_subprocessor
from desktop.services.vendors import VendorForm, create_vendor, list_children

LEI_A = "5493001KJTIIGC8Y1R12"  # valid ISO 17442 check digits
LEI_B = "529900T8BM49AURSDO55"


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.__tablename__: s.exec(select(func.count()).select_from(t)).one()  # type: ignore[attr-defined]
                for t in ALL_TABLES}


def person(name: str = "Ana García", **kw: object) -> PartyForm:
    return PartyForm(name=name, kind="person", **kw)  # type: ignore[arg-type]


def test_create_person_with_identifiers_aliases_and_audit(engine: Engine) -> None:
    detail = create_party(engine, person(nationality="es", birth_date=date(1980, 2, 3), country="es",
                                         aliases=["Ana Garcia Lopez", " Ana  García "]), actor="Paula")
    assert detail.form.nationality == "ES" and detail.form.country == "ES"
    assert detail.form.aliases == ["Ana Garcia Lopez"]  # the own name is not an other name
    company = create_party(engine, PartyForm(name="Contoso Ventures LLC", jurisdiction="us-de", identifiers=[
        IdentifierValue("LEI", LEI_A.lower()), IdentifierValue("VAT", "esa 58818501"),
        IdentifierValue("REGISTRY", "B123", "ES-RMC")]), actor="Paula")
    assert company.form.jurisdiction == "US-DE"
    assert {(i.scheme, i.value, i.issuer) for i in company.form.identifiers} == {
        ("LEI", LEI_A, ""), ("VAT", "ESA58818501", ""), ("REGISTRY", "B123", "ES-RMC")}
    with Session(engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.record_type.in_(  # type: ignore[attr-defined]
            ["party", "party_identifier", "party_alias"]))).all()
    assert {(e.record_type, e.actor) for e in events} == {("party", "Paula"), ("party_identifier", "Paula"),
                                                          ("party_alias", "Paula")}
    assert get_party(engine, "Ana Garcia Lopez").id == detail.id  # found by its other name
    assert get_party(engine, LEI_A).id == company.id  # and by identifier


@pytest.mark.parametrize(("form", "words"), [
    (PartyForm(name=""), "The name is required"),
    (PartyForm(name="X", kind="robot"), "person or entity"),
    (PartyForm(name="X", identifiers=[IdentifierValue("LEI", "5493001KJTIIGC8Y1R13")]), "LEI"),
    (PartyForm(name="X", identifiers=[IdentifierValue("VAT", "ES123")]), "VAT"),
    (PartyForm(name="X", identifiers=[IdentifierValue("DUNS", "12345")]), "9 digits"),
    (PartyForm(name="X", identifiers=[IdentifierValue("REGISTRY", "B1")]), "registry that issued it"),
    (PartyForm(name="X", jurisdiction="Spain"), "ISO country code"),
    (PartyForm(name="X", nationality="ES"), "Only a person has a nationality"),
    (PartyForm(name="X", kind="person", identifiers=[IdentifierValue("LEI", LEI_A)]), "not a person"),
    (PartyForm(name="X", kind="person", birth_date=date(2999, 1, 1)), "future"),
    (PartyForm(name="X", identifiers=[IdentifierValue("LEI", LEI_A), IdentifierValue("LEI", LEI_B)]), "one LEI"),
])
def test_bad_input_is_one_sentence_and_writes_nothing(engine: Engine, form: PartyForm, words: str) -> None:
    before = counts(engine)
    with pytest.raises(ValidationError) as caught:
        create_party(engine, form, actor="Paula")
    assert words in str(caught.value)
    assert counts(engine) == before


def test_never_a_second_party_for_one_entity(engine: Engine) -> None:
    first = create_party(engine, PartyForm(name="Contoso Ventures LLC", identifiers=[IdentifierValue("LEI", LEI_A)]))
    before = counts(engine)
    with pytest.raises(ValidationError, match=f"{LEI_A}.*already recorded for 'Contoso Ventures LLC'"):
        create_party(engine, PartyForm(name="Other Name Ltd", identifiers=[IdentifierValue("LEI", LEI_A)]))
    with pytest.raises(ValidationError, match=f"already in the register as party #{first.id}"):
        create_party(engine, PartyForm(name="contoso ventures llc"))
    with pytest.raises(ValidationError, match="may already be in the register"):
        create_party(engine, PartyForm(name="Contoso Ventures Inc."))  # same name, another legal form
    assert counts(engine) == before


def test_same_name_another_person_when_the_user_says_so(engine: Engine) -> None:
    first = create_party(engine, person("John Smith", birth_date=date(1970, 1, 1)))
    with pytest.raises(ValidationError, match="may already be in the register"):
        create_party(engine, person("John Smith", birth_date=date(1990, 5, 5)))
    second = create_party(engine, person("John Smith", birth_date=date(1990, 5, 5)), distinct=True)
    assert second.id != first.id
    with pytest.raises(UserError, match=rf"matches several parties \(ids {first.id}, {second.id}\); give the id"):
        get_party(engine, "John Smith")


def test_identifier_of_another_party_refused_on_edit(engine: Engine) -> None:
    a = create_party(engine, PartyForm(name="Alpha SA", identifiers=[IdentifierValue("VAT", "ESA58818501")]))
    b = create_party(engine, PartyForm(name="Beta SA"))
    before = counts(engine)
    form = get_party(engine, b.id).form
    form.identifiers = [IdentifierValue("VAT", "ES A58818501")]
    with pytest.raises(ValidationError, match=f"already recorded for 'Alpha SA' \\(party #{a.id}\\)"):
        update_party(engine, b.id, form, b.version)
    assert counts(engine) == before


def test_edit_changes_identifiers_and_aliases_with_optimistic_locking(engine: Engine) -> None:
    d = create_party(engine, PartyForm(name="Gamma SL", aliases=["Gamma"],
                                       identifiers=[IdentifierValue("DUNS", "123456789")]))
    form = get_party(engine, d.id).form
    form.aliases = ["Gamma Labs"]
    form.identifiers = [IdentifierValue("LEI", LEI_B)]
    saved = update_party(engine, d.id, form, d.version, actor="Paula")
    assert saved.version == d.version + 1
    assert saved.form.aliases == ["Gamma Labs"] and [i.text() for i in saved.form.identifiers] == [f"LEI {LEI_B}"]
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(PartyAlias)).one() == 1
        assert s.exec(select(func.count()).select_from(PartyIdentifier)).one() == 1
    with pytest.raises(ConflictError):
        update_party(engine, d.id, form, d.version)  # the stale form


def test_a_vendor_stays_an_entity_and_list_filters(engine: Engine) -> None:
    vendor = create_vendor(engine, VendorForm(name="Scalewise Data Inc."))
    with pytest.raises(ValidationError, match="a vendor stays a company"):
        update_party(engine, vendor.party_id, PartyForm(name="Scalewise Data Inc.", kind="person"))
    create_party(engine, person("Marta Ruiz", aliases=["M. Ruiz"]))
    create_party(engine, PartyForm(name="Ruiz Holdings SL", identifiers=[IdentifierValue("LEI", LEI_A)]))
    assert [r.name for r in list_parties(engine, "ruiz")] == ["Marta Ruiz", "Ruiz Holdings SL"]
    assert [r.name for r in list_parties(engine, "ruiz", "person")] == ["Marta Ruiz"]
    assert [r.name for r in list_parties(engine, LEI_A[:8].lower())] == ["Ruiz Holdings SL"]
    rows = list_parties(engine)
    assert [r.vendor_id for r in rows if r.name == "Scalewise Data Inc."] == [vendor.id]
    assert "Scalewise Data Inc." not in [r.name for r in list_parties(engine, include_vendors=False)]


def test_a_new_person_in_an_interest_reaches_the_analysis(engine: Engine) -> None:
    vendor = create_vendor(engine, VendorForm(name="Scalewise Data Inc."))
    create_party(engine, PartyForm(name="Contoso Platforms Inc.", identifiers=[IdentifierValue("LEI", LEI_A)]))
    from desktop.services.competitors import add_competitor

    add_competitor(engine, "Contoso Platforms Inc.", LEI_A, [])
    create_party(engine, person("Alexandr Wang"))
    add_interest(engine, "Alexandr Wang", "Contoso Platforms Inc.", InterestInput(
        None, None, "senior_managing_official", role_title="Chief AI Officer", start=date(2025, 6, 13)))
    added = add_interest(engine, "Alexandr Wang", vendor.id and "Scalewise", InterestInput(
        None, None, "board_member", role_title="Director", start=date(2020, 1, 1)), actor="Paula")
    assert (added.holder, added.subject) == ("Alexandr Wang", "Scalewise Data Inc.")
    result = analyze(engine, "Scalewise", date(2026, 1, 1))
    assert any("Alexandr Wang" in f["message"] and f["code"].startswith("COMPETITOR")
               for f in result["findings"]), result["findings"]
    roles = get_party(engine, "Alexandr Wang").roles
    assert [(r.title, r.entity) for r in roles] == [("Director", "Scalewise Data Inc."),
                                                    ("Chief AI Officer", "Contoso Platforms Inc.")]


def test_interest_in_a_person_and_unknown_parties_refused(engine: Engine) -> None:
    create_party(engine, person("Ana García"))
    create_party(engine, PartyForm(name="Alpha SA"))
    before = counts(engine)
    with pytest.raises(ValidationError, match="'Ana García' is a person"):
        add_interest(engine, "Alpha SA", "Ana García", InterestInput(None, None, "shareholding", share_exact=10))
    with pytest.raises(NotFound, match="No party or vendor is called 'Nobody'"):
        add_interest(engine, "Nobody", "Alpha SA", InterestInput(None, None, "shareholding", share_exact=10))
    with pytest.raises(ValidationError, match="exact share or a range"):
        add_interest(engine, "Ana García", "Alpha SA", InterestInput(None, None, "shareholding", share_exact=10,
                                                                      share_min=5))
    assert counts(engine) == before


def test_contracts_certificates_subprocessors_by_name(engine: Engine) -> None:
    vendor = create_vendor(engine, VendorForm(name="Scalewise Data Inc.", lei=LEI_B))
    contract = add_contract(engine, LEI_B, {"kind": "DPA", "title": "Data processing", "currency": "eur",
                                            "audit_rights": True, "end_date": date(2027, 1, 1)}, actor="Paula")
    assert contract.vendor_id == vendor.id and contract.values["currency"] == "EUR"
    cert = add_certificate(engine, "scalew", {"standard": "SOC 2 Type II", "valid_until": date(2026, 12, 31)})
    assert cert.values["standard"] == "SOC 2 Type II"
    host = create_party(engine, PartyForm(name="Cloudy Hosting SA", aliases=["Cloudy"]))
    dc = create_party(engine, PartyForm(name="Rack Power SL"))
    add_subprocessor(engine, vendor.id, "Cloudy", service="hosting")
    fourth = add_subprocessor(engine, "Scalewise Data Inc.", dc.id, engaged_by="Cloudy Hosting SA",
                              accesses_customer_data=False)
    assert fourth.values["of_party_id"] == host.id and fourth.values["party_id"] == dc.id
    subs = list_children(engine, "subprocessor", vendor.id)
    assert [(s["party_name"], s["of_party_name"]) for s in subs] == [("Cloudy Hosting SA", ""),
                                                                     ("Rack Power SL", "Cloudy Hosting SA")]
    with Session(engine) as s:  # no party was created along the way
        assert s.exec(select(func.count()).select_from(Party)).one() == 3
    before = counts(engine)
    with pytest.raises(UserError):
        add_subprocessor(engine, vendor.id, "Cloudy")  # twice
    with pytest.raises(NotFound):
        add_subprocessor(engine, vendor.id, "Unknown Hosting")  # record it first
    with pytest.raises(ValidationError, match="Currency"):
        add_contract(engine, vendor.id, {"kind": "MSA", "currency": "EURO"})
    with pytest.raises(NotFound, match="No vendor is called 'Cloudy Hosting SA'"):
        add_certificate(engine, "Cloudy Hosting SA", {"standard": "ISO"})
    assert counts(engine) == before


def test_vendor_editor_subprocessor_name_uses_the_resolver(engine: Engine) -> None:
    """The vendor editor's subprocessor field names a party: an other name finds it, none is duplicated."""
    from desktop.services.vendors import save_child

    vendor = create_vendor(engine, VendorForm(name="Scalewise Data Inc."))
    host = create_party(engine, PartyForm(name="Cloudy Hosting SA", aliases=["Cloudy"]))
    row = save_child(engine, "subprocessor", vendor.id, {"party_name": "cloudy", "service": "hosting"})
    assert row["party_id"] == host.id
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Party).where(col(Party.name) == "cloudy")).one() == 0


def test_party_json_is_plain_data(engine: Engine) -> None:
    d = create_party(engine, person("Ana García", birth_date=date(1980, 2, 3)))
    data = json.loads(json.dumps(d.to_dict()))
    assert data["birth_date"] == "1980-02-03" and data["kind"] == "person" and data["roles"] == []
