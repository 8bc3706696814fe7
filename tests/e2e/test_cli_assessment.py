"""The assessment path through the real `vetta` program: seed-case vendor Not neutral, clean vendor Neutral."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.db.test_assessments_support import default_template, passing_value


@pytest.fixture
def cli(vetta, tmp_path: Path):
    db = str(tmp_path / "e2e.sqlite3")

    def run(*args: str, ok: bool = True):
        r = vetta("--db", db, "--user", "marta", *args)
        if ok:
            assert r.returncode == 0, r.stderr
        return r

    run("demo")
    return run


def _show(cli, assessment_id: str) -> dict:
    return json.loads(cli("assessment", "show", assessment_id, "--json").stdout)


def _finish(cli, assessment_id: str, tmp_path: Path) -> None:
    """Answer what is left: vendor-facing questions through one questionnaire round trip, the rest one by one."""
    t = default_template()
    data = _show(cli, assessment_id)
    todo = {q["id"]: passing_value(t.question(q["id"])) for q in data["questions"]
            if q["answer"] is None and q["required"]}
    xlsx = tmp_path / f"q{assessment_id}.xlsx"
    cli("assessment", "export-questionnaire", assessment_id, "-o", str(xlsx))
    wb = load_workbook(xlsx)
    ws = wb["Questions"]
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key in todo:
            value = todo.pop(key)
            ws.cell(row=row, column=8, value=",".join(value) if isinstance(value, list) else value)
    wb.save(xlsx)
    cli("assessment", "import-answers", assessment_id, str(xlsx))
    for key, value in todo.items():
        cli("assessment", "answer", assessment_id, key, ",".join(value) if isinstance(value, list) else str(value))
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    for q in data["questions"]:
        if q["evidence_required"] and not q["evidence"]:
            cli("assessment", "attach", assessment_id, q["id"], str(evidence))


def test_checklist_commands(cli, tmp_path: Path):
    r = cli("checklist", "list")
    assert "ai-data-vendor-neutrality@2" in r.stdout and "51 questions" in r.stdout
    good = Path(__file__).resolve().parents[2] / "resources" / "checklists" / "ai-data-vendor-neutrality.yaml"
    assert "is valid (8 sections, 51 questions)" in cli("checklist", "validate", str(good)).stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("severity: blocker", "severity: critical", 1),
                   encoding="utf-8")
    r = cli("checklist", "validate", str(bad), ok=False)
    assert r.returncode == 2 and r.stderr.startswith("vetta: error: bad.yaml, line ")
    assert "sections[0].questions[0].severity" in r.stderr and "Traceback" not in r.stderr
    v3 = tmp_path / "v3.yaml"
    v3.write_text(good.read_text(encoding="utf-8").replace("version: 2", "version: 3", 1), encoding="utf-8")
    assert "version 3 is stored" in cli("checklist", "import", str(v3)).stdout


def test_seed_case_vendor_is_not_neutral(cli, tmp_path: Path):
    aid = cli("assessment", "new", "Scalewise Data Inc.", "--preparer", "Marta Gil").stdout.strip()
    assert aid.isdigit()
    data = _show(cli, aid)
    q = {x["id"]: x for x in data["questions"]}
    assert q["OWN-01"]["allowed_values"] == ["yes", "no", "partial", "na"] and q["OWN-01"]["required"]
    assert q["DAT-01"]["evidence_required"] and q["SEC-05"]["answer_type"] == "number"
    assert q["CON-02"]["answer"] == "no" and q["CON-02"]["source"] == "rule" and q["CON-02"]["explanation"]
    # the competitor stake and the CEO move (rules answer them when the ownership analysis is installed)
    cli("assessment", "answer", aid, "OWN-01", "yes")
    cli("assessment", "answer", aid, "GOV-02", "yes")
    r = cli("assessment", "answer", aid, "CON-02", "yes", ok=False)
    assert r.returncode == 2 and "give a justification" in r.stderr
    r = cli("assessment", "answer", aid, "OWN-06", "maybe", ok=False)
    assert r.returncode == 2 and "use yes, no, partial or na" in r.stderr
    r = cli("assessment", "submit", aid, ok=False)
    assert r.returncode == 2 and "cannot be submitted yet" in r.stderr
    _finish(cli, aid, tmp_path)
    r = cli("assessment", "submit", aid)
    assert "submitted for review: Not neutral" in r.stdout
    data = _show(cli, aid)
    assert data["status"] == "in_review" and data["stored_rating"] == "not_neutral"
    findings = {f["code"]: f for f in data["live"]["findings"] if f["severity"] == "blocker"}
    assert {"OWN-01", "GOV-02"} <= set(findings)
    own = findings["OWN-01"]  # a statement of what is wrong, the question it answers, the competitor and path
    assert "Contoso Platforms Inc." in own["message"] and own["question"]["id"] == "OWN-01"
    assert own["competitor"] == "Contoso Platforms Inc." and "Contoso Ventures LLC" in own["paths"][0]["en"]
    assert [f["code"] for f in data["findings"]] == [f["code"] for f in data["live"]["findings"]]
    text = cli("assessment", "show", aid).stdout
    assert "Rating: Not neutral" in text and "Findings (live):" in text
    r = cli("assessment", "answer", aid, "OWN-06", "no", ok=False)
    assert r.returncode == 2 and "in review" in r.stderr


def test_clean_vendor_is_neutral_with_the_questionnaire(cli, tmp_path: Path):
    aid = cli("assessment", "new", "Clearlabel Cooperativa S.Coop.").stdout.strip()
    xlsx = tmp_path / "clearlabel.xlsx"
    assert "vendor-facing questions" in cli("assessment", "export-questionnaire", aid, "-o", str(xlsx)).stdout
    wb = load_workbook(xlsx)
    ws = wb["Questions"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == "OWN-06":
            ws.cell(row=row, column=8, value="no")
    wb.save(xlsx)
    assert "Imported 1 vendor answer" in cli("assessment", "import-answers", aid, str(xlsx)).stdout
    assert {q["id"]: q for q in _show(cli, aid)["questions"]}["OWN-06"]["source"] == "vendor"
    _finish(cli, aid, tmp_path)
    r = cli("assessment", "submit", aid)
    assert "submitted for review: Neutral" in r.stdout
    assert _show(cli, aid)["stored_rating"] == "neutral"


def test_cli_errors_are_one_sentence(cli, tmp_path: Path):
    r = cli("assessment", "new", "Nobody at all", ok=False)
    assert r.returncode == 2 and "No vendor is called 'Nobody at all'" in r.stderr
    r = cli("assessment", "show", "999", ok=False)
    assert r.returncode == 2 and "There is no assessment #999." in r.stderr
    aid = cli("assessment", "new", "Kestrel Red-Teaming Ltd", "--template", "ai-data-vendor-neutrality@2").stdout.strip()
    r = cli("assessment", "attach", aid, "SEC-01", str(tmp_path / "nope.pdf"), ok=False)
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = cli("assessment", "import-answers", aid, str(tmp_path / "nope.xlsx"), ok=False)
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = cli("assessment", "new", "Kestrel Red-Teaming Ltd", ok=False)
    assert r.returncode == 2 and "already has assessment" in r.stderr


def test_checklist_export_edit_and_duplicate(vetta, sqlite_url, tmp_path):
    """Users duplicate and edit templates; an edit is stored as the next version."""
    assert vetta("--db", sqlite_url, "checklist", "list").returncode == 0
    exported = tmp_path / "t.yaml"
    r = vetta("--db", sqlite_url, "checklist", "export", "ai-data-vendor-neutrality", "-o", str(exported))
    assert r.returncode == 0, r.stderr
    text = exported.read_text(encoding="utf-8")
    assert "OWN-01" in text
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace("AI data vendor neutrality", "AI data vendor neutrality (2027)", 1),
                      encoding="utf-8")
    r = vetta("--db", sqlite_url, "checklist", "edit", "ai-data-vendor-neutrality", str(edited))
    assert r.returncode == 0, r.stderr
    assert "version 3" in r.stdout
    r = vetta("--db", sqlite_url, "checklist", "duplicate", "ai-data-vendor-neutrality", "team-copy",
              "--title-en", "Our copy", "--title-es", "Nuestra copia")
    assert r.returncode == 0, r.stderr
    listing = vetta("--db", sqlite_url, "checklist", "list").stdout
    assert "team-copy" in listing
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("severity: blocker", "severity: catastrophic", 1), encoding="utf-8")
    r = vetta("--db", sqlite_url, "checklist", "edit", "ai-data-vendor-neutrality", str(broken))
    assert r.returncode == 2 and "severity" in r.stderr and "Traceback" not in r.stderr
