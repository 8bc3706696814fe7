"""The one finding model: statements (never the question, never a bare severity) in both languages,
where each statement comes from, ownership findings paired across languages, paths and moves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop.core.checklist import load_template_text, score
from desktop.core.findings import (
    Condition,
    Finding,
    Text,
    assessment_findings,
    headline,
    load_findings,
    ownership_findings,
    rule_codes,
)
from desktop.core.findings_text import path_text, role_span, tie_move

TEMPLATE = load_template_text("""\
id: f
version: 1
title: {en: F, es: F}
sections:
  - id: own
    title: {en: Ownership, es: Propiedad}
    questions:
      - id: OWN-01
        text: {en: "Does a competitor hold a stake?", es: "¿Tiene un competidor una participación?"}
        finding: {en: "A competitor holds a stake.", es: "Un competidor tiene una participación."}
        guidance: {en: g, es: g}
        answer_type: yes_no_partial_na
        severity: blocker
        fail_if: [yes, partial]
        references: ["DORA Art. 28(4)"]
        auto:
          - when: {finding_present: COMPETITOR_ECONOMIC_STAKE}
            answer: yes
            explain: {en: "The analysis finds a stake.", es: "El análisis encuentra una participación."}
      - id: SEC-05
        text: {en: "Breach notice in hours?", es: "¿Aviso de brecha en horas?"}
        finding: {en: "The vendor may take {answer} hours to tell us.", es: "El proveedor puede tardar {answer} horas."}
        guidance: {en: g, es: g}
        answer_type: number
        severity: major
        fail_if: {gt: 72}
        condition: {en: "Agree 72 hours.", es: "Acordar 72 horas."}
      - id: GOV-04
        text: {en: "Is there a conflict policy?", es: "¿Hay política de conflictos?"}
        guidance: {en: g, es: g}
        answer_type: yes_no_partial_na
        severity: major
        pass_if: [yes]
""")


@dataclass(frozen=True)
class Ans:
    value: Any
    source: str | None = "preparer"
    explanation_en: str = ""
    explanation_es: str = ""
    justification: str = ""
    answered_by: str = "Paula Preparer"
    answered_at: datetime | None = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)


ANALYSIS_EN = {
    "as_of": "2026-03-05",
    "parties": [{"name": "Contoso Platforms Inc.", "competitor": True, "competitor_group": "Contoso Platforms Inc.",
                 "paths": [[{"name": "Contoso Platforms Inc.", "share": None, "voting": None},
                            {"name": "Contoso Ventures LLC", "share": [100, 100], "voting": [100, 100]},
                            {"name": "Scalewise Data Inc.", "share": [49, 49], "voting": [0, 0]}]]}],
    "people_ties": [{"person": "Jon Park", "vendor_role": "Director", "vendor_entity": "Scalewise Data Inc.",
                     "competitor": "Contoso Platforms Inc.", "competitor_role": "Senior official",
                     "vendor_role_end": "2025-06-12", "competitor_role_start": "2025-06-13"}],
    "findings": [
        {"severity": "major", "code": "COMPETITOR_ECONOMIC_STAKE", "message": "Contoso holds 49% of Scalewise.",
         "parties": ["Contoso Platforms Inc.", "Contoso Ventures LLC"], "threshold": 20.0},
        {"severity": "major", "code": "PEOPLE_TIE_COMPETITOR", "message": "Jon Park moved to Contoso.",
         "parties": ["Jon Park", "Contoso Platforms Inc."]},
    ],
}
ANALYSIS_ES = {**ANALYSIS_EN, "findings": [
    {**ANALYSIS_EN["findings"][0], "message": "Contoso posee el 49% de Scalewise."},
    {**ANALYSIS_EN["findings"][1], "message": "Jon Park pasó a Contoso."}]}


def _findings(answers: dict[str, Ans], ownership: list[Finding] | None = None) -> dict[str, Finding]:
    result = score(TEMPLATE, {k: a.value for k, a in answers.items()})
    return {f.code: f for f in assessment_findings(TEMPLATE, result.shortfalls, answers, result.conditions,
                                                   ownership or [])}


def test_each_statement_comes_from_the_right_place() -> None:
    answers = {
        "OWN-01": Ans("yes", "rule", "The analysis finds a stake.", "El análisis encuentra una participación."),
        "SEC-05": Ans(96, "vendor", justification="Vendor comment: Our insurer needs 96 hours."),
        "GOV-04": Ans("no", justification="Checked with their legal team."),
    }
    f = _findings(answers, ownership_findings(ANALYSIS_EN, ANALYSIS_ES))
    own = f["OWN-01"]  # a rule's answer: its explanation, and the ownership finding it rests on
    assert own.statement == Text("The analysis finds a stake.", "El análisis encuentra una participación.")
    assert own.related == ("COMPETITOR_ECONOMIC_STAKE",) and own.competitor == "Contoso Platforms Inc."
    assert own.paths[0].en == ("Contoso Platforms Inc. -> Contoso Ventures LLC (100%) -> Scalewise Data Inc. "
                               "(49%, 0% of the votes)")
    assert own.paths[0].es.endswith("Scalewise Data Inc. (49%, 0% de los votos)")
    assert own.question is not None and own.question.text.es == "¿Tiene un competidor una participación?"
    assert own.references == ("DORA Art. 28(4)",) and own.answered is not None and own.answered.source == "rule"
    sec = f["SEC-05"]  # the template's statement with the answer in it; the vendor's comment as the why
    assert sec.statement == Text("The vendor may take 96 hours to tell us.", "El proveedor puede tardar 96 horas.")
    assert sec.why == Text("Vendor comment: Our insurer needs 96 hours.",
                           "Comentario del proveedor: Our insurer needs 96 hours.")
    assert sec.condition == Condition(Text("Agree 72 hours.", "Acordar 72 horas."), question="SEC-05")
    gov = f["GOV-04"]  # no statement in the template: composed from the answer, never the question alone
    assert gov.statement.en == "Answered “No” to “Is there a conflict policy?”, which does not meet this check."
    assert gov.statement.es == "Se respondió «No» a «¿Hay política de conflictos?», lo que no cumple este control."
    assert gov.why == Text.same("Checked with their legal team.")
    # the ownership findings are linked to the question whose rules read them
    stake = f["COMPETITOR_ECONOMIC_STAKE"]
    assert stake.source == "ownership" and stake.question is not None and stake.question.id == "OWN-01"
    assert stake.statement == Text("Contoso holds 49% of Scalewise.", "Contoso posee el 49% de Scalewise.")
    tie = f["PEOPLE_TIE_COMPETITOR"]
    assert tie.question is None  # no rule of this template reads it
    assert tie.paths[0].en == ("Jon Park: Director at Scalewise Data Inc. until 12 Jun 2025 → Senior official at "
                               "Contoso Platforms Inc. since 13 Jun 2025")
    assert headline(own, list(f.values()), "es") == "Contoso posee el 49% de Scalewise."
    assert headline(gov, list(f.values()), "en") == gov.statement.en


def test_partial_answers_weigh_one_level_less() -> None:
    f = _findings({"OWN-01": Ans("partial"), "SEC-05": Ans(24), "GOV-04": Ans("partial")})
    assert (f["OWN-01"].severity, f["OWN-01"].outcome) == ("blocker", "fail")  # fail_if lists partial
    assert f["OWN-01"].statement.en == "A competitor holds a stake." and f["OWN-01"].related == ()
    assert (f["GOV-04"].severity, f["GOV-04"].outcome) == ("minor", "partial")  # a partly met major


def test_stored_findings_round_trip_and_older_shapes_still_read_as_statements() -> None:
    f = _findings({"OWN-01": Ans("yes", "rule", "x", "y")}, ownership_findings(ANALYSIS_EN, ANALYSIS_ES))
    stored = json.dumps([x.to_dict() for x in f.values()])
    assert [x.to_dict() for x in load_findings(stored)] == [x.to_dict() for x in f.values()]
    older = json.dumps([
        # what submission stored before: the question's text and the rule's explanation
        {"question": "OWN-01", "section": "own", "severity": "blocker", "outcome": "fail",
         "text_en": "Does a competitor hold a stake?", "text_es": "¿Tiene?", "answer": "yes",
         "explanation": "Contoso holds 49%.", "condition": {"en": "Divest.", "es": "Desinvertir."}},
        {"question": "GOV-04", "severity": "major", "outcome": "fail", "text_en": "Is there a policy?",
         "text_es": "¿Hay política?", "answer": "no", "explanation": ""},
        {"severity": "high", "code": "COMPETITOR_STAKE", "message": {"en": "A stake.", "es": "Una participación."}},
        "a plain string",
    ])
    read = load_findings(older)
    assert [x.message("en") for x in read] == [
        "Contoso holds 49%.", "Answered “no” to “Is there a policy?”, which does not meet this check.",
        "A stake.", "a plain string"]
    assert read[2].severity == "major" and read[0].condition is not None
    assert read[0].condition.text.es == "Desinvertir."
    assert load_findings("not json") == [] and load_findings(None) == []


def test_conditions_read_from_plain_strings_and_objects() -> None:
    assert Condition.parse("Divest.") == Condition(Text.same("Divest."))
    c = Condition.parse({"text": "Divest.", "owner": "Legal", "due": "2027-01-31", "question": None})
    assert c == Condition(Text.same("Divest."), "Legal", "2027-01-31")
    assert Condition.parse("  ") is None and Condition.parse(3) is None


def test_rule_codes_include_facts_that_stand_for_findings() -> None:
    q = TEMPLATE.question("OWN-01")
    assert rule_codes(q) == ("COMPETITOR_ECONOMIC_STAKE",)
    assert rule_codes(TEMPLATE.question("GOV-04")) == ()


def test_long_chains_are_summarised_never_dropped() -> None:
    hops = [{"name": "Contoso Platforms Inc."}] + [
        {"name": f"Holding {i}", "share": [100, 100], "voting": [100, 100]} for i in range(19)] + [
        {"name": "Scalewise Data Inc.", "share": [49, 49], "voting": [0, 0]}]
    # written and summarised as the analysis writes its own paths: one style in the whole report
    assert path_text(hops, "en") == ("Contoso Platforms Inc. -> 19 holding companies -> "
                                     "Scalewise Data Inc. (49%, 0% of the votes)")
    assert "19 sociedades holding" in path_text(hops, "es")
    assert path_text(hops[:3], "en").count("->") == 2
    assert path_text([], "en") == ""


def test_people_tie_moves_carry_both_sides_dates() -> None:
    assert role_span("2021-03-01", "2025-06-12", "en") == "from 1 Mar 2021 to 12 Jun 2025"
    assert role_span(None, None, "es") == ""
    move = tie_move({"person": "Jon Park", "vendor_role": "Director", "vendor_entity": "Scalewise",
                     "competitor": "Contoso", "competitor_role": "CTO", "vendor_role_start": "2020-01-01",
                     "vendor_role_end": "2025-06-12", "competitor_role_start": "2025-06-13"}, "es")
    assert move == "Jon Park: Director en Scalewise del 1 ene 2020 al 12 jun 2025 → CTO en Contoso desde el 13 jun 2025"
    bare = tie_move({"person": "Ana"}, "en")  # keys missing: still a sentence, no crash
    assert bare == "Ana: ? at ? → ? at ?"
