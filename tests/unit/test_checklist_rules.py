"""The auto-rule language and facts from canned ownership analyses."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.checklist import evaluate_condition, suggest
from desktop.core.checklist.rules import RuleError, check_condition, condition_facts, render
from desktop.services.facts import competitor_linked, ownership_facts
from tests.db.test_assessments_support import default_template, empty_analysis, scalewise_analysis

FACTS = {"contracts": {"audit_rights": True, "min_breach_notice_hours": 48, "active_count": 2},
         "commitments": {"kinds": ["logical_segregation"]},
         "ownership": {"findings": ["COMPETITOR_CONTROL"], "competitor_max_economic": None}}


@pytest.mark.parametrize(("cond", "expected"), [
    ({"fact": "contracts.audit_rights", "eq": True}, True),
    ({"fact": "contracts.audit_rights", "eq": 1}, False),  # no bool/number coercion
    ({"fact": "contracts.min_breach_notice_hours", "le": 72}, True),
    ({"fact": "contracts.min_breach_notice_hours", "gt": 48}, False),
    ({"fact": "contracts.min_breach_notice_hours", "gt": "40"}, False),  # mixed types never compare
    ({"fact": "contracts.min_breach_notice_hours", "in": [24, 48]}, True),
    ({"fact": "commitments.kinds", "contains": "logical_segregation"}, True),
    ({"fact": "ownership.competitor_max_economic", "lt": 10}, False),  # unknown fact: false
    ({"fact": "ownership.competitor_max_economic", "ne": 0}, False),
    ({"fact": "ownership.competitor_max_economic", "known": False}, True),
    ({"finding_present": "COMPETITOR_CONTROL"}, True),
    ({"finding_present": "PEOPLE_TIE_COMPETITOR"}, False),
    ({"all": [{"always": True}, {"fact": "contracts.audit_rights", "eq": True}]}, True),
    ({"any": [{"finding_present": "X"}, {"not": {"fact": "contracts.audit_rights", "eq": True}}]}, False),
])
def test_conditions(cond, expected):
    check_condition(cond)
    assert evaluate_condition(cond, FACTS) is expected


def test_malformed_conditions_are_refused_with_their_path():
    with pytest.raises(RuleError) as info:
        check_condition({"all": [{"always": True}, {"fact": "nope.nope", "eq": 1}]})
    assert info.value.path == ("all", 1, "fact")
    for bad in ({}, {"all": []}, {"not": 3}, {"fact": "contracts.audit_rights", "eq": 1, "ne": 2},
                {"__import__": "os"}, {"fact": "contracts.audit_rights", "in": 3}):
        with pytest.raises(RuleError):
            check_condition(bad)


def test_render_only_substitutes_facts():
    assert render("{contracts.min_breach_notice_hours} h; {nope.x}; {__class__}", FACTS) == "48 h; unknown; unknown"
    assert render("{contracts.audit_rights}", FACTS, "es") == "sí"
    values = {"x": {"unset": None, "false": False, "empty": [], "both": [True, None]}}
    assert render("{x.unset} / {x.false} / {x.empty} / {x.both}", values, "es") == "desconocido / no / ninguno / sí; desconocido"
    assert render("{x.unset} / {x.false} / {x.empty} / {x.both}", values, "en") == "unknown / no / none / yes; unknown"
    assert render("{1+1} {open('x')}", FACTS) == "{1+1} {open('x')}"
    # counts take the form for one or for any other number, "#" being the number (no "seat(s)")
    counts = {"c": {"one": 1, "two": 2, "none": 0, "text": "many", "unset": None}}
    phrase = "{c.%s|# board seat|# board seats}, {c.%s|sigue|siguen}"
    assert render(phrase % ("one", "one"), counts) == "1 board seat, sigue"
    assert render(phrase % ("two", "two"), counts) == "2 board seats, siguen"
    assert render(phrase % ("none", "none"), counts) == "0 board seats, siguen"
    assert render("{c.text|# seat|# seats} / {c.unset|# seat|# seats}", counts) == "many seats / unknown seats"
    assert render("{c.one|a|b|c} {c.one|a}", counts) == "{c.one|a|b|c} {c.one|a}"  # nothing else is read
    assert condition_facts({"any": [{"finding_present": "X"}, {"not": {"fact": "a.b", "eq": 1}}]}) == {
        "ownership.findings", "a.b"}


def _facts(analysis):
    own, people = ownership_facts(analysis)
    return {"ownership": own, "people": people,
            "subprocessors": {"count": 0, "analysed": True, "competitor_linked": False, "names": []}}


def test_scalewise_analysis_suggests_stake_and_ceo_move():
    facts = _facts(scalewise_analysis(7, date(2025, 11, 1)))
    assert facts["ownership"]["competitor_max_economic"] == 49 and facts["ownership"]["competitor_max_voting"] == 0
    assert facts["people"]["competitor_ties"] == 1
    t = default_template()
    own = suggest(t.question("OWN-01"), facts)
    assert own is not None and own.value == "yes" and "49%" in own.explanation_en and "Contoso" in own.explanation_en
    assert "49%" in own.explanation_es
    ceo = suggest(t.question("GOV-02"), facts)
    assert ceo is not None and ceo.value == "yes" and "Alex Marlow" in ceo.explanation_en
    assert suggest(t.question("OWN-04"), facts).value == "no"
    assert suggest(t.question("OWN-05"), facts).value == "yes"
    assert suggest(t.question("OWN-03"), facts).value == "no"


def test_clean_analysis_suggests_no_and_missing_analysis_suggests_nothing():
    t = default_template()
    clean = _facts(empty_analysis(3, "Clearlabel", None))
    for key in ("OWN-01", "OWN-02", "OWN-03", "OWN-04", "GOV-01", "GOV-02", "OWN-08", "SUB-02"):
        assert suggest(t.question(key), clean).value == "no", key
    assert suggest(t.question("OWN-07"), clean).value == "yes"
    none = _facts(None)
    for key in ("OWN-01", "OWN-03", "GOV-01", "GOV-02", "OWN-07"):
        assert suggest(t.question(key), none) is None, key


def test_competitor_links_of_a_subprocessor():
    assert competitor_linked(empty_analysis(1, "x", None)) == []
    a = empty_analysis(1, "q", None)
    a["findings"] = [{"code": "COMPETITOR_CONTROL", "severity": "blocker", "message": "m"}]
    assert competitor_linked(a) == ["a competitor"]
    a["competitor_groups"] = [{"competitor": "Fabrikam AI Ltd"}]
    assert competitor_linked(a) == ["Fabrikam AI Ltd"]


def test_number_answer_from_fact():
    t = default_template()
    s = suggest(t.question("SEC-05"), {"contracts": {"min_breach_notice_hours": 96}})
    assert s is not None and s.value == 96 and "96 hours" in s.explanation_en
    assert suggest(t.question("SEC-05"), {"contracts": {"min_breach_notice_hours": None}}) is None
