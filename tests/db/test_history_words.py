"""History in words: the exact sentences a reader sees, in English and Spanish, on both databases."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Assessment, Interest, Party, PartyAlias, SignOff, Vendor
from db.types import utcnow
from desktop.core.dates import add_months
from desktop.core.i18n import format_date
from desktop.services.assessments import answer_question, create_assessment
from desktop.services.audit import audit_log, event_ids, events_by_id
from desktop.services.history import FIELD_LABELS, TABLE_FIELD_LABELS, describe_entries, field_label


def sentences(engine, vendor: str | None = None, lang: str = "en", kind: str | None = None) -> list[str]:
    entries = audit_log(engine, vendor, None, kind)
    told = describe_entries(engine, entries, lang)
    return [told[e.id] for e in entries]


def party_id(engine, name: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(Party.id).where(Party.name == name)).one()


def interest_id(engine, holder: str, subject: str, kind: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(Interest.id).where(Interest.interested_party_id == party_id(engine, holder),
                                                Interest.subject_id == party_id(engine, subject),
                                                Interest.interest_type == kind)).one()


def test_the_demo_in_words(demo_engine):
    english = sentences(demo_engine, "Scalewise Data Inc.")
    for sentence in (
        "tester added Contoso Ventures LLC's shareholding in Scalewise Data Inc. (49%, from 13 Jun 2025).",
        "tester added Contoso Ventures LLC's voting rights in Scalewise Data Inc. (0%, from 13 Jun 2025).",
        "tester added Alex Marlow's role as Chief Executive Officer at Scalewise Data Inc. "
        "(from 1 Aug 2016, until 12 Jun 2025).",
        "tester added Jordan Reyes's role as Interim Chief Executive Officer at Scalewise Data Inc. "
        "(from 13 Jun 2025).",
        "tester added the vendor Scalewise Data Inc.",
        "tester tagged Scalewise Data Inc. “rlhf”.",
        "tester added the certificate “ISO/IEC 27001:2022” of Scalewise Data Inc. (valid until 28 Feb 2027).",
        "tester added the guarantee “encryption at rest” of Scalewise Data Inc.",
        "tester added the data location PH (processing) of Scalewise Data Inc.",
    ):
        assert sentence in english
    spanish = sentences(demo_engine, "Scalewise Data Inc.", "es")
    for sentence in (
        "tester añadió la participación accionarial de Contoso Ventures LLC en Scalewise Data Inc. "
        "(49%, desde el 13 jun 2025).",
        "tester añadió el cargo de Chief Executive Officer de Alex Marlow en Scalewise Data Inc. "
        "(desde el 1 ago 2016, hasta el 12 jun 2025).",
        "tester añadió el proveedor Scalewise Data Inc.",
        "tester añadió el contrato marco de servicios (MSA) «Master Services Agreement» de Scalewise Data Inc. "
        "(NA-MSA-2023-014, desde el 1 mar 2023, hasta el " + format_date(add_months(date.today(), 7), "es") + ").",
        "tester etiquetó a Scalewise Data Inc. como «rlhf».",
        "tester añadió la garantía «cifrado en reposo» de Scalewise Data Inc.",
    ):
        assert sentence in spanish
    everything = sentences(demo_engine)
    assert "tester created the settings of Nimbus Analytics S.L." in everything  # one full stop
    assert "tester added the competitor Contoso Platforms Inc." in everything
    assert "tester added the person Alex Marlow." in everything
    assert "tester added the company Scalewise Data Inc." in everything
    assert "tester added the other name “Scalewise AI” of Scalewise Data Inc." in everything
    assert "tester added the identifier LEI 9845643DXTLVVPKFBF31 of Scalewise Data Inc." in everything
    assert not any("_id" in s or "_json" in s or "None" in s for s in everything + spanish)


def test_edits_in_words_with_names_as_they_are_now(demo_engine):
    stake = interest_id(demo_engine, "Contoso Ventures LLC", "Scalewise Data Inc.", "shareholding")
    for share in (12.0, 49.0):
        with unit_of_work(demo_engine, "Ana García") as s:
            row = s.get(Interest, stake)
            row.share_exact = share
    with unit_of_work(demo_engine, "Ana García") as s:  # a later rename shows in earlier sentences
        fund = s.get(Party, party_id(demo_engine, "Ridgeline Growth Fund III LP"))
        fund.name = "Ridgeline Growth Fund IV LP"
    clearlabel = party_id(demo_engine, "Clearlabel Cooperativa S.Coop.")
    with unit_of_work(demo_engine, "María") as s:
        vendor = s.exec(select(Vendor).where(Vendor.party_id == clearlabel)).one()
        vendor.tier = "critical"
        vendor.notes = "Checked the registry."
    with unit_of_work(demo_engine, "María") as s:
        vendor = s.exec(select(Vendor).where(Vendor.party_id == clearlabel)).one()
        vendor.status, vendor.internal_owner = "suspended", ""
    with unit_of_work(demo_engine, "María") as s:  # a shareholder recorded, then removed for good
        nadia = Party(name="Nadia Holdings SL")
        s.add(nadia)
        s.flush()
        s.add(Interest(interested_party_id=nadia.id, subject_id=clearlabel, interest_type="shareholding",
                       share_min=5.0, share_max=10.0))
    with unit_of_work(demo_engine, "María") as s:
        nadia_id = party_id(demo_engine, "Nadia Holdings SL")
        for row in s.exec(select(Interest).where(Interest.interested_party_id == nadia_id)):
            s.delete(row)
        s.flush()
        s.delete(s.get(Party, nadia_id))
    with unit_of_work(demo_engine, "María") as s:
        alias = s.exec(select(PartyAlias).where(PartyAlias.name == "Scalewise AI")).one()
        s.delete(alias)

    scalewise = sentences(demo_engine, "Scalewise Data Inc.")
    assert scalewise[0] == "María deleted the other name “Scalewise AI” of Scalewise Data Inc."
    assert scalewise[1] == ("Ana García changed Contoso Ventures LLC's shareholding in Scalewise Data Inc. "
                            "from 12% to 49% (effective 13 Jun 2025).")
    assert scalewise[2].endswith("from 49% to 12% (effective 13 Jun 2025).")
    assert "tester added Ridgeline Growth Fund IV LP's shareholding in Scalewise Data Inc. (18%, from 1 Apr 2021)." \
        in scalewise
    everything = sentences(demo_engine)
    assert "Ana García changed the name of the company Ridgeline Growth Fund IV LP from Ridgeline Growth Fund III LP "\
           "to Ridgeline Growth Fund IV LP." in everything
    clear = sentences(demo_engine, "Clearlabel Cooperativa S.Coop.")
    assert "María deleted Nadia Holdings SL's shareholding in Clearlabel Cooperativa S.Coop." in clear
    assert "María added Nadia Holdings SL's shareholding in Clearlabel Cooperativa S.Coop. (5% to 10%)." in clear
    assert ("María changed the vendor Clearlabel Cooperativa S.Coop.: the internal owner cleared (it was Marta Gil "
            "(Data Procurement)); the status from active to suspended.") in clear
    assert ("María changed the vendor Clearlabel Cooperativa S.Coop.: the notes set to “Checked the registry.”; "
            "the criticality tier from high to critical.") in clear
    # the deleted party is named from the trail
    assert "María deleted the company Nadia Holdings SL." in everything

    spanish = sentences(demo_engine, "Scalewise Data Inc.", "es")
    assert spanish[:2] == [
        "María eliminó el otro nombre «Scalewise AI» de Scalewise Data Inc.",
        "Ana García cambió la participación accionarial de Contoso Ventures LLC en Scalewise Data Inc. "
        "de 12% a 49% (con efecto desde el 13 jun 2025).",
    ]
    clear_es = sentences(demo_engine, "Clearlabel Cooperativa S.Coop.", "es")
    assert ("María cambió el proveedor Clearlabel Cooperativa S.Coop.: las notas: «Checked the registry.» (sin valor antes); "
            "el nivel de criticidad de alto a crítico.") in clear_es
    assert "María eliminó la participación accionarial de Nadia Holdings SL en Clearlabel Cooperativa S.Coop." \
        in clear_es


def test_one_field_changed_reads_as_one_sentence_with_del(demo_engine):
    clearlabel = party_id(demo_engine, "Clearlabel Cooperativa S.Coop.")
    with unit_of_work(demo_engine, "María") as s:
        vendor = s.exec(select(Vendor).where(Vendor.party_id == clearlabel)).one()
        vendor.tier = "critical"
    assert sentences(demo_engine, "Clearlabel Cooperativa S.Coop.")[0] == \
        "María changed the criticality tier of the vendor Clearlabel Cooperativa S.Coop. from high to critical."
    assert sentences(demo_engine, "Clearlabel Cooperativa S.Coop.", "es")[0] == \
        "María cambió el nivel de criticidad del proveedor Clearlabel Cooperativa S.Coop. de alto a crítico."


def test_answers_and_decisions_in_words(demo_engine):
    summary = create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.", actor="Paula Preparer",
                                preparer="Paula Preparer")
    number = summary.id
    answer_question(demo_engine, number, "COM-01", "no", actor="Paula Preparer")
    answer_question(demo_engine, number, "COM-01", "partial", justification="Two competitors buy a small share.",
                    actor="Paula Preparer")
    with unit_of_work(demo_engine, "Paula Preparer") as s:
        s.get(Assessment, number).status = "in_review"
    with unit_of_work(demo_engine, "Alba Aprobadora") as s:
        a = s.get(Assessment, number)
        a.status, a.decided_at, a.approver, a.rating = "approved_with_conditions", utcnow(), "Alba Aprobadora", \
            "conditionally_neutral"
        s.flush()
        s.add(SignOff(assessment_id=number, decision="approved_with_conditions", approver="Alba Aprobadora",
                      conditions_json=json.dumps([{"text": "a"}, {"text": "b"}])))
    said = sentences(demo_engine, "Clearlabel Cooperativa S.Coop.", kind="assessments")
    assert said[:5] == [
        f"Alba Aprobadora signed the decision on assessment #{number}: approved with conditions, 2 conditions.",
        f"Alba Aprobadora approved assessment #{number} with conditions.",
        f"Paula Preparer submitted assessment #{number} for approval.",
        "Paula Preparer changed the answer to COM-01 from “No” to “Partially”. "
        "Justification: “Two competitors buy a small share.”.",
        "Paula Preparer answered COM-01 “No”.",
    ]
    assert f"Paula Preparer started assessment #{number} of Clearlabel Cooperativa S.Coop." in said
    assert f"The rules answered OWN-01 “No” when Paula Preparer started assessment #{number}." in said
    assert f"Paula Preparer added COM-01 to assessment #{number}, not answered yet." in said
    spanish = sentences(demo_engine, "Clearlabel Cooperativa S.Coop.", "es", kind="assessments")
    assert spanish[:5] == [
        f"Alba Aprobadora firmó la decisión sobre la evaluación n.º {number}: aprobada con condiciones, "
        "2 condiciones.",
        f"Alba Aprobadora aprobó con condiciones la evaluación n.º {number}.",
        f"Paula Preparer envió a aprobación la evaluación n.º {number}.",
        "Paula Preparer cambió la respuesta a COM-01 de «No» a «Parcialmente». "
        "Justificación: «Two competitors buy a small share.».",
        "Paula Preparer respondió COM-01 «No».",
    ]


@pytest.mark.parametrize("kind, expected, absent", [
    ("ownership", "tester added Contoso Ventures LLC's shareholding in Scalewise Data Inc. (49%, from 13 Jun 2025).",
     "tester added Jordan Reyes's role as Interim Chief Executive Officer at Scalewise Data Inc. (from 13 Jun 2025)."),
    ("people", "tester added Jordan Reyes's role as Interim Chief Executive Officer at Scalewise Data Inc. "
               "(from 13 Jun 2025).", "tester added the vendor Scalewise Data Inc."),
    ("contracts", "tester added the guarantee “encryption at rest” of Scalewise Data Inc.",
     "tester added the vendor Scalewise Data Inc."),
    ("vendor", "tester added the vendor Scalewise Data Inc.", "tester added the person Alex Marlow."),
])
def test_filter_by_kind_of_change(demo_engine, kind, expected, absent):
    said = sentences(demo_engine, "Scalewise Data Inc.", kind=kind)
    assert expected in said and absent not in said
    assert len(event_ids(demo_engine, kind=kind)) < len(event_ids(demo_engine))


def test_the_kinds_split_the_trail_without_overlap(demo_engine):
    every = set(event_ids(demo_engine))
    parts = [set(event_ids(demo_engine, kind=k)) for k in
             ("ownership", "people", "contracts", "assessments", "vendor", "settings")]
    assert set().union(*parts) == every
    assert sum(len(p) for p in parts) == len(every)
    people = sentences(demo_engine, kind="people")
    assert "tester added the person Alex Marlow." in people
    settings = sentences(demo_engine, kind="settings")
    assert settings == ["tester created the settings of Nimbus Analytics S.L."]


def test_every_audited_field_has_a_label_in_both_languages():
    from db.audit import _IGNORED_FIELDS, _NOT_AUDITED
    from db.models import ALL_TABLES
    from desktop.core import i18n

    for table in ALL_TABLES:
        if table in _NOT_AUDITED or not getattr(table, "AUDITED", True):
            continue
        for column in table.__table__.columns:
            if column.name in _IGNORED_FIELDS:
                continue
            name = table.__tablename__
            assert (name, column.name) in TABLE_FIELD_LABELS or column.name in FIELD_LABELS, (name, column.name)
            english, spanish = field_label(name, column.name, "en"), field_label(name, column.name, "es")
            assert english.startswith(("the ", "who ", "whether ", "access ", "direct")), english
            assert i18n.translate(english, "es") == spanish and spanish != english


def test_events_by_id_and_sentences_agree_on_every_demo_event(demo_engine):
    ids = event_ids(demo_engine)
    entries = list(events_by_id(demo_engine, ids).values())
    told = describe_entries(demo_engine, entries, "es")
    assert len(told) == len(entries) and all(t.endswith(".") for t in told.values())


def test_values_are_formatted_and_long_records_summarised(demo_engine):
    director = interest_id(demo_engine, "Alex Marlow", "Scalewise Data Inc.", "board_member")
    with unit_of_work(demo_engine, "María") as s:
        s.get(Interest, director).end_date = date(2026, 1, 31)
    number = create_assessment(demo_engine, "Clearlabel Cooperativa S.Coop.", actor="Paula Preparer").id
    with unit_of_work(demo_engine, "Paula Preparer") as s:
        a = s.get(Assessment, number)
        before = len(json.loads(a.findings_json))
        a.findings_json = json.dumps([{"code": f"X{i}"} for i in range(4)])
    said = sentences(demo_engine)
    assert said[0] == (f"Paula Preparer changed the findings of assessment #{number} from "
                       f"{before} findings to 4 findings.")
    assert ("María set the end date of Alex Marlow's role as Director at Scalewise Data Inc. to 31 Jan 2026."
            in said)
    spanish = sentences(demo_engine, lang="es")
    assert spanish[0] == (f"Paula Preparer cambió los hallazgos de la evaluación n.º {number} de "
                          f"{before} hallazgos a 4 hallazgos.")
    assert ("María fijó la fecha de fin del cargo de Director de Alex Marlow en Scalewise Data Inc. en 31 ene 2026."
            in spanish)
