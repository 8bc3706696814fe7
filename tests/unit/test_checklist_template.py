"""Template schema and loader: the default template, and errors that name file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.core.checklist import TemplateError, load_template_file, load_template_text, parse_value
from desktop.core.errors import ValidationError
from tests.db.test_assessments_support import DEFAULT

MINIMAL = """\
id: mini
version: 1
title: {en: "Mini", es: "Mínima"}
sections:
  - id: s1
    title: {en: "One", es: "Uno"}
    questions:
      - id: Q1
        text: {en: "Is it?", es: "¿Lo es?"}
        guidance: {en: "Look.", es: "Mire."}
        answer_type: yes_no_partial_na
        severity: major
        fail_if: [no]
"""


def test_default_template_is_complete_and_bilingual():
    t, _text = load_template_file(DEFAULT)
    assert t.id == "ai-data-vendor-neutrality" and t.version == 2
    questions = t.questions()
    assert len(questions) >= 40
    assert [s.id for s in t.sections] == ["ownership", "governance", "commercial", "data", "security",
                                          "subprocessors", "contract", "exit"]
    accents = re.compile("[áéíóúñ¿]")
    for _s, q in questions:
        assert q.text.en != q.text.es and accents.search(q.text.es + q.guidance.es), q.id
    cited = [q for _s, q in questions if q.references]
    assert len(cited) == len(questions)
    refs = " ".join(r for _s, q in questions for r in q.references)
    for needle in ("ISO/IEC 27001:2022 A.5.19", "A.5.20", "A.5.21", "A.5.22", "GDPR Art. 28", "EU AI Act Art. 10(2)",
                   "NIST SP 800-161r1", "STA-07", "STA-08", "STA-09", "STA-10", "STA-11", "STA-12",
                   "DORA register of information"):
        assert needle in refs, needle
    types = {q.answer_type for _s, q in questions}
    assert types == {"yes_no_partial_na", "single_choice", "multiple_choice", "number", "date", "text"}
    assert {q.severity for _s, q in questions} == {"blocker", "major", "minor", "info"}
    assert sum(1 for _s, q in questions if q.auto) >= 20
    assert any(q.evidence_required for _s, q in questions) and any(q.vendor_facing for _s, q in questions)


def test_minimal_template_loads_and_yaml_booleans_mean_answers():
    t = load_template_text(MINIMAL, "mini.yaml")
    assert t.question("Q1").fail_if == ["no"]


def _error(text: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        load_template_text(text, "mini.yaml")
    return info.value


def test_wrong_severity_names_file_line_and_field():
    err = _error(MINIMAL.replace("severity: major", "severity: fatal"))
    assert err.line == 12 and err.field == "sections[0].questions[0].severity"
    assert str(err).startswith("mini.yaml, line 12, sections[0].questions[0].severity:")


def test_unknown_field_and_missing_field():
    err = _error(MINIMAL.replace("        severity: major\n", "        severity: major\n        colour: red\n"))
    assert err.field == "sections[0].questions[0].colour" and err.line == 13 and "not part of" in str(err)
    err = _error(MINIMAL.replace('        guidance: {en: "Look.", es: "Mire."}\n', ""))
    assert err.field == "sections[0].questions[0].guidance" and "required" in str(err)


def test_missing_spanish_text_is_refused():
    err = _error(MINIMAL.replace('text: {en: "Is it?", es: "¿Lo es?"}', 'text: {en: "Is it?"}'))
    assert err.field == "sections[0].questions[0].text.es" and err.line == 9


def test_invalid_yaml_names_the_line():
    err = _error(MINIMAL.replace("version: 1", "version: [1"))
    assert err.line is not None and "not valid YAML" in str(err)


def test_duplicate_question_and_bad_fail_if_value():
    dup = MINIMAL + """\
      - id: Q1
        text: {en: "Again?", es: "¿Otra vez?"}
        guidance: {en: "x", es: "x"}
        answer_type: text
"""
    assert "used twice" in str(_error(dup))
    err = _error(MINIMAL.replace("fail_if: [no]", "fail_if: [maybe]"))
    assert "'maybe' is not one of yes, no, partial, na" in str(err) and err.line == 13 and err.field.endswith("fail_if")


def test_rule_with_unknown_fact_points_at_the_fact():
    text = MINIMAL + """\
        auto:
          - when: {all: [{fact: contracts.audit_rights, eq: true}, {fact: contracts.audit_rigths, eq: true}]}
            answer: yes
            explain: {en: "x", es: "x"}
"""
    err = _error(text)
    assert err.field == "sections[0].questions[0].auto[0].when.all[1].fact" and err.line == 15
    assert "unknown fact 'contracts.audit_rigths'" in str(err)


def test_rule_operator_errors():
    base = MINIMAL + "        auto:\n          - when: {WHEN}\n            answer: yes\n            explain: {en: x, es: x}\n"
    assert "unknown operator 'eval'" in str(_error(base.replace("{WHEN}", "{eval: '1+1'}")))
    assert "exactly one comparison" in str(_error(base.replace("{WHEN}", "{fact: contracts.audit_rights}")))
    assert "finding code" in str(_error(base.replace("{WHEN}", "{finding_present: 12}")))


def test_file_errors(tmp_path: Path):
    with pytest.raises(TemplateError, match="does not exist"):
        load_template_file(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TemplateError, match="not UTF-8"):
        load_template_file(bad)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n")
    with pytest.raises(TemplateError, match="must be a mapping"):
        load_template_file(scalar)


def test_parse_value_for_every_type():
    t, _ = load_template_file(DEFAULT)
    assert parse_value(t.question("OWN-01"), "Sí") == "yes"
    assert parse_value(t.question("OWN-01"), "N/A") == "na"
    assert parse_value(t.question("OWN-01"), "  ") is None
    with pytest.raises(ValidationError, match="use yes, no, partial or na"):
        parse_value(t.question("OWN-01"), "maybe")
    assert parse_value(t.question("DAT-09"), "customer_keys, dedicated_tenant") == ["dedicated_tenant", "customer_keys"]
    with pytest.raises(ValidationError, match="use one of"):
        parse_value(t.question("SEC-07"), "soc3")
    assert parse_value(t.question("SEC-05"), "48") == 48 and parse_value(t.question("SEC-05"), "36,5") == 36.5
    with pytest.raises(ValidationError, match="not a number"):
        parse_value(t.question("SEC-05"), "nan")
    assert parse_value(t.question("EXT-05"), "2025-03-01") == "2025-03-01"
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_value(t.question("EXT-05"), "1/3/2025")
