"""Vendor questionnaire XLSX round trip on real databases: export, fill, import; bad workbooks refused whole."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from db.engine import read_session
from db.models import Answer, AuditEvent
from desktop.core.errors import UserError
from desktop.services import assessments as A
from desktop.services.questionnaire import export_questionnaire, import_answers
from tests.db.test_assessments_support import canned_analyze


def _snapshot(engine, assessment_id):
    with read_session(engine) as session:
        rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id)
                            .order_by(Answer.question_key)).all()
        answers = [(r.question_key, r.value_json, r.source, r.version) for r in rows]
        events = len(session.exec(select(AuditEvent)).all())
    return answers, events


@pytest.fixture
def exported(demo_engine, tmp_path: Path):
    s = A.create_assessment(demo_engine, "Lumen RLHF Partners LLC", analyze_fn=canned_analyze)
    path = tmp_path / "lumen.xlsx"
    n = export_questionnaire(demo_engine, s.id, path)
    return demo_engine, s.id, path, n


def _fill(path: Path, answers: dict[str, object], out: Path | None = None, edit=None) -> Path:
    wb = load_workbook(path)
    ws = wb["Questions"]
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key in answers:
            ws.cell(row=row, column=8, value=answers[key])
            ws.cell(row=row, column=9, value=f"comment on {key}")
    if edit:
        edit(wb)
    target = out or path
    wb.save(target)
    return target


def test_export_has_instructions_dropdowns_protection_and_hidden_metadata(exported):
    _engine, assessment_id, path, n = exported
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Questions", "_vetta"]
    assert "Responda" in str(wb["Instructions"]["B3"].value) and "answer" in str(wb["Instructions"]["A3"].value)
    meta = {r[0]: r[1] for r in wb["_vetta"].iter_rows(values_only=True)}
    assert wb["_vetta"].sheet_state == "veryHidden"
    assert meta["assessment_id"] == assessment_id and meta["template_key"] == "ai-data-vendor-neutrality"
    assert meta["template_version"] == 2 and len(meta["questions"].split(",")) == n
    ws = wb["Questions"]
    assert ws.protection.sheet is True
    assert ws["A2"].protection.locked and ws["C2"].protection.locked
    assert not ws["H2"].protection.locked and not ws["I2"].protection.locked
    ids = [ws.cell(row=r, column=1).value for r in range(2, n + 2)]
    assert "OWN-01" in ids and "OWN-08" not in ids  # only vendor-facing questions
    assert ws.cell(row=2, column=4).value.startswith("¿")
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(dv.formula1 == '"yes,no,partial,na"' and "H2" in str(dv.sqref) for dv in lists)
    assert any("soc2_type2" in dv.formula1 for dv in lists)


def test_round_trip_imports_vendor_answers(exported):
    engine, assessment_id, path, _n = exported
    _fill(path, {"OWN-06": "no", "GOV-03": "No", "SEC-05": 24, "DAT-09": "dedicated_staff, customer_keys",
                 "SEC-07": "iso27001", "OWN-01": "no"})
    result = import_answers(engine, assessment_id, path)
    assert sorted(result.applied) == ["DAT-09", "GOV-03", "OWN-06", "SEC-05", "SEC-07"]
    assert result.unchanged == ["OWN-01"]  # the rule already answered "no" from our records
    view = A.get_assessment(engine, assessment_id)
    q = view.question("SEC-05")
    assert (q.value, q.source) == (24, "vendor") and q.justification == "Vendor comment: comment on SEC-05"
    assert view.question("DAT-09").value == ["dedicated_staff", "customer_keys"]
    # importing again changes nothing
    again = import_answers(engine, assessment_id, path)
    assert again.applied == [] and len(again.unchanged) == 6


def test_answers_given_by_people_or_rules_are_kept(exported):
    engine, assessment_id, path, _n = exported
    A.answer_question(engine, assessment_id, "GOV-03", "yes")
    before = A.get_assessment(engine, assessment_id)
    rule_key = next(q.key for q in before.questions if q.source == "rule" and q.vendor_facing
                    and q.answer_type == "yes_no_partial_na")
    rule_value = before.question(rule_key).value
    other = "no" if rule_value != "no" else "yes"
    result = import_answers(engine, assessment_id, _fill(path, {"GOV-03": "no", rule_key: other}))
    assert {s["question"] for s in result.skipped} == {"GOV-03", rule_key}
    after = A.get_assessment(engine, assessment_id)
    assert after.question("GOV-03").value == "yes" and after.question(rule_key).value == rule_value


@pytest.mark.parametrize(("answers", "edit", "message"), [
    ({"OWN-06": "maybe"}, None, "sheet Questions, cell H"),
    ({"OWN-06": "no", "SEC-05": "soon"}, None, "is not a number"),
    ({"OWN-06": "no"}, lambda wb: wb["Questions"].cell(row=3, column=1, value="OWN-99"),
     "cell A3: the question id was changed from"),
    ({}, lambda wb: wb["_vetta"].cell(row=2, column=2, value=999999), "belongs to assessment #999999"),
    ({}, lambda wb: wb.remove(wb["_vetta"]), "not a Vetta questionnaire"),
    ({}, lambda wb: wb["Questions"].delete_rows(5, 1), "cell A5: the question id was changed"),
])
def test_bad_workbooks_are_refused_whole(exported, answers, edit, message):
    engine, assessment_id, path, _n = exported
    good = dict(answers)
    good.setdefault("GOV-03", "no")  # a valid answer that must not be written either
    _fill(path, good, edit=edit)
    before = _snapshot(engine, assessment_id)
    with pytest.raises(UserError) as info:
        import_answers(engine, assessment_id, path)
    assert message in str(info.value) and "nothing was imported" in str(info.value)
    assert path.name in str(info.value)
    assert _snapshot(engine, assessment_id) == before


def test_files_that_are_not_workbooks(exported, tmp_path: Path):
    engine, assessment_id, _path, _n = exported
    before = _snapshot(engine, assessment_id)
    text = tmp_path / "answers.xlsx"
    text.write_text("yes,no\n")
    with pytest.raises(UserError, match="not an Excel workbook"):
        import_answers(engine, assessment_id, text)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/huge.xml", b"\0" * (120 * 1024 * 1024))
    with pytest.raises(UserError, match="possible zip bomb"):
        import_answers(engine, assessment_id, bomb)
    with pytest.raises(UserError, match="does not exist"):
        import_answers(engine, assessment_id, tmp_path / "missing.xlsx")
    assert _snapshot(engine, assessment_id) == before


def test_questionnaire_for_another_assessment_is_refused(demo_engine, tmp_path: Path):
    a = A.create_assessment(demo_engine, "Kestrel Red-Teaming Ltd", analyze_fn=canned_analyze)
    b = A.create_assessment(demo_engine, "Meridian Synthetic Data Corp.", analyze_fn=canned_analyze)
    path = tmp_path / "kestrel.xlsx"
    export_questionnaire(demo_engine, a.id, path)
    _fill(path, {"OWN-06": "no"})
    with pytest.raises(UserError, match=f"belongs to assessment #{a.id}, not #{b.id}"):
        import_answers(demo_engine, b.id, path)
    assert json.loads(json.dumps(A.get_assessment(demo_engine, b.id).question("OWN-06").value)) is None
