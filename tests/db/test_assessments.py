"""Assessments on real SQLite and PostgreSQL: rules, autosave, overrides, submission, re-assessment, staleness."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.errors import ConflictError
from db.models import Answer, Assessment, AuditEvent, Certification, Commitment, Contract, Vendor
from db.types import utcnow
from desktop.core.errors import UserError
from desktop.services import assessments as A
from desktop.services import checklists
from tests.db.test_assessments_support import DEFAULT, canned_analyze, default_template, passing_value


def _new(engine, vendor, **kw):
    return A.create_assessment(engine, vendor, analyze_fn=canned_analyze, **kw)


def complete(engine, assessment_id: int) -> None:
    """Answer every unanswered question with a passing value and attach the required evidence."""
    t = default_template()
    view = A.get_assessment(engine, assessment_id)
    for q in view.questions:
        if q.value is None:
            A.answer_question(engine, assessment_id, q.key, passing_value(t.question(q.key)))
        if q.evidence_required and not q.evidence:
            A.attach_evidence_bytes(engine, assessment_id, q.key, f"evidence for {q.key}".encode(), f"{q.key}.pdf")


def _decide(engine, assessment_id: int, status: str = "approved", when=None) -> None:
    """What the sign-off service does (not part of this module): record a decision."""
    from desktop.services.reviews import schedule

    with unit_of_work(engine, "approver") as session:
        a = session.get(Assessment, assessment_id)
        decided_at = when or utcnow()
        due = schedule(session, a.vendor_id, status, decided_at.date())  # before the row changes, as sign-off
        a.status = status
        a.approver = "approver"
        a.decided_at = decided_at
        a.next_review_due = due
        session.add(a)


def test_scalewise_is_not_neutral_with_the_stake_and_the_ceo_move(demo_engine):
    s = _new(demo_engine, "Scalewise Data Inc.", preparer="Marta Gil")
    assert s.status == "draft" and s.series_version == 1 and s.preparer == "Marta Gil"
    assert s.template_key == "ai-data-vendor-neutrality" and s.template_version == 2
    view = A.get_assessment(demo_engine, s.id)
    assert view.result.rating == "not_neutral"
    findings = {f.code: f for f in view.findings}
    assert "49%" in findings["OWN-01"].message("en") and findings["OWN-01"].severity == "blocker"
    assert "Alex Marlow" in findings["GOV-02"].message("en")
    own = view.question("OWN-01")
    assert (own.value, own.source, own.suggested) == ("yes", "rule", "yes")
    assert "Contoso" in own.explanation_en and "Contoso" in own.explanation_es
    complete(demo_engine, s.id)
    submitted = A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    assert submitted.status == "in_review" and submitted.rating == "not_neutral"
    with read_session(demo_engine) as session:
        stored = session.get(Assessment, s.id)
        stored_findings = json.loads(stored.findings_json)
        facts = json.loads(stored.facts_json)
    codes = {f["question"]["id"] for f in stored_findings if f["question"]}
    assert {"OWN-01", "GOV-02"} <= codes
    assert all(f["statement"]["en"] and f["statement"]["es"] for f in stored_findings)
    assert facts["ownership"]["competitor_max_economic"] == 49


def test_clearlabel_is_neutral_once_answered(demo_engine):
    s = _new(demo_engine, "clearlabel cooperativa s.coop.")
    view = A.get_assessment(demo_engine, s.id)
    assert view.question("CON-02").value == "yes" and view.question("SEC-03").value == "yes"
    assert view.question("SUB-02").value == "no"
    complete(demo_engine, s.id)
    done = A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    assert done.rating == "neutral" and done.status == "in_review" and done.score == 100.0
    with pytest.raises(UserError, match="in review and can no longer be changed"):
        A.answer_question(demo_engine, s.id, "OWN-06", "no")


def test_tessera_subprocessor_owned_by_a_competitor_is_flagged(demo_engine):
    s = _new(demo_engine, "Tessera Labeling GmbH")
    q = A.get_assessment(demo_engine, s.id).question("SUB-02")
    assert q.value == "yes" and "Quillstream" in q.explanation_en and "Fabrikam" in q.explanation_en


def test_override_needs_a_justification_and_autosaves(demo_engine):
    s = _new(demo_engine, "Scalewise Data Inc.")
    with read_session(demo_engine) as session:
        before_version = session.exec(select(Answer).where(Answer.assessment_id == s.id,
                                                           Answer.question_key == "OWN-01")).one().version
    with pytest.raises(UserError, match="the rule suggests yes .*give a justification"):
        A.answer_question(demo_engine, s.id, "OWN-01", "no")
    with read_session(demo_engine) as session:
        same = session.exec(select(Answer).where(Answer.assessment_id == s.id, Answer.question_key == "OWN-01")).one()
        assert same.version == before_version and json.loads(same.value_json) == "yes"
    q = A.answer_question(demo_engine, s.id, "OWN-01", "no", justification="Stake sold on 2025-10-01, see filing.")
    assert (q.value, q.source, q.suggested) == ("no", "preparer", "yes")
    assert q.justification == "Stake sold on 2025-10-01, see filing."
    # back to the suggestion: the rule's answer again, no justification needed
    q = A.answer_question(demo_engine, s.id, "OWN-01", "yes")
    assert (q.source, q.justification) == ("rule", "")
    # a question without suggestion: plain answer, then cleared
    q = A.answer_question(demo_engine, s.id, "OWN-06", "no")
    assert (q.value, q.source, q.outcome) == ("no", "preparer", "pass")
    q = A.answer_question(demo_engine, s.id, "OWN-06", "")
    assert (q.value, q.source, q.outcome) == (None, None, "unanswered")
    with read_session(demo_engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.record_type == "answer",
                                                       AuditEvent.action == "update")).all()
    assert len(events) >= 4  # every change saved and audited on its own


def test_stale_answer_version_is_refused(demo_engine):
    s = _new(demo_engine, "Kestrel Red-Teaming Ltd")
    q = A.answer_question(demo_engine, s.id, "OWN-06", "no")
    A.answer_question(demo_engine, s.id, "OWN-06", "yes", expected_version=q.answer_version)
    with pytest.raises(ConflictError):
        A.answer_question(demo_engine, s.id, "OWN-06", "partial", expected_version=q.answer_version)
    assert A.get_assessment(demo_engine, s.id).question("OWN-06").value == "yes"


def test_invalid_answers_and_unknown_questions(demo_engine):
    s = _new(demo_engine, "Kestrel Red-Teaming Ltd")
    with pytest.raises(UserError, match="use yes, no, partial or na"):
        A.answer_question(demo_engine, s.id, "OWN-06", "perhaps")
    with pytest.raises(UserError, match="has no question 'OWN-99'"):
        A.answer_question(demo_engine, s.id, "OWN-99", "yes")
    with pytest.raises(UserError, match="There is no assessment #9999"):
        A.get_assessment(demo_engine, 9999)
    with pytest.raises(UserError, match="No vendor is called"):
        _new(demo_engine, "Nobody Ltd")


def test_submission_lists_what_is_missing_and_changes_nothing(demo_engine):
    s = _new(demo_engine, "Veridata Annotations Ltd")
    with pytest.raises(A.IncompleteAssessment) as info:
        A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    missing = info.value.missing
    assert {"question": "OWN-06", "reason": "answer"} in [{k: m[k] for k in ("question", "reason")} for m in missing]
    assert "cannot be submitted yet" in str(info.value) and "OWN-06" in str(info.value)
    complete(demo_engine, s.id)
    # remove the evidence requirement's file by using a fresh assessment: evidence missing is named
    view = A.get_assessment(demo_engine, s.id)
    assert view.missing == []
    assert A.get_assessment(demo_engine, s.id).summary.status == "draft"


def test_required_evidence_is_enforced(demo_engine):
    s = _new(demo_engine, "Clearlabel Cooperativa S.Coop.")
    t = default_template()
    for q in A.get_assessment(demo_engine, s.id).questions:
        if q.value is None:
            A.answer_question(demo_engine, s.id, q.key, passing_value(t.question(q.key)))
    with pytest.raises(A.IncompleteAssessment) as info:
        A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    assert {m["question"] for m in info.value.missing} == {"DAT-01", "DAT-03", "SEC-01", "SEC-04", "EXT-02", "CON-01"}
    assert {m["reason"] for m in info.value.missing} == {"evidence"}


def test_attach_evidence_from_a_file(demo_engine, tmp_path: Path):
    s = _new(demo_engine, "Clearlabel Cooperativa S.Coop.")
    f = tmp_path / "iso27001.pdf"
    f.write_bytes(b"%PDF-1.4 certificate")
    info = A.attach_evidence(demo_engine, s.id, "SEC-01", f)
    assert info.filename == "iso27001.pdf" and info.size == 20
    q = A.get_assessment(demo_engine, s.id).question("SEC-01")
    assert [e.sha256 for e in q.evidence] == [info.sha256]
    with pytest.raises(UserError, match="does not exist"):
        A.attach_evidence(demo_engine, s.id, "SEC-01", tmp_path / "missing.pdf")


def test_one_open_assessment_per_vendor(demo_engine):
    s = _new(demo_engine, "Polyglot Corpus S.A.")
    with pytest.raises(UserError, match=f"already has assessment #{s.id}"):
        _new(demo_engine, "Polyglot Corpus S.A.")


def test_decided_is_read_only_and_reopen_prefills_and_marks_changes(demo_engine):
    s = _new(demo_engine, "Scalewise Data Inc.")
    complete(demo_engine, s.id)
    A.answer_question(demo_engine, s.id, "OWN-06", "yes")
    A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    _decide(demo_engine, s.id, "rejected")
    for action in (lambda: A.answer_question(demo_engine, s.id, "OWN-06", "no"),
                   lambda: A.attach_evidence_bytes(demo_engine, s.id, "OWN-06", b"x", "x.txt"),
                   lambda: A.submit_assessment(demo_engine, s.id)):
        with pytest.raises(UserError, match="was decided \\(rejected\\) and can no longer be changed"):
            action()
    with pytest.raises(UserError, match="only a decided assessment"):
        A.reopen_assessment(demo_engine, _new(demo_engine, "Meridian Synthetic Data Corp.").id)
    # the vendor adds a change-of-control clause before the re-assessment
    with unit_of_work(demo_engine, "legal") as session:
        vendor_id = s.vendor_id
        c = session.exec(select(Contract).where(Contract.vendor_id == vendor_id, Contract.kind == "MSA")).one()
        c.change_of_control_termination = True
        session.add(c)
    new = A.reopen_assessment(demo_engine, s.id, analyze_fn=canned_analyze, preparer="Marta Gil")
    assert (new.series_version, new.previous_id, new.status) == (2, s.id, "draft")
    view = A.get_assessment(demo_engine, new.id)
    assert view.question("OWN-06").value == "yes" and view.question("OWN-06").source == "preparer"
    assert not view.question("OWN-06").changed_since_previous
    con = view.question("CON-02")
    assert con.value == "yes" and con.source == "rule" and con.changed_since_previous
    assert not view.question("OWN-01").changed_since_previous
    assert view.question("DAT-01").evidence  # evidence carried over
    with pytest.raises(UserError, match="already has assessment"):
        A.reopen_assessment(demo_engine, s.id, analyze_fn=canned_analyze)


def test_staleness_after_a_decision(demo_engine):
    s = _new(demo_engine, "Veridata Annotations Ltd")
    assert A.staleness(demo_engine, s.id) == []  # not decided yet
    _decide(demo_engine, s.id, "approved")
    assert A.staleness(demo_engine, s.id, today=date.today()) == []
    assert A.refresh_staleness(demo_engine, s.vendor_id) == []
    with unit_of_work(demo_engine, "security") as session:
        session.add(Commitment(vendor_id=s.vendor_id, kind="access_logging", details="12 months"))
    # the SOC 2 report expires in 20 days: looking 25 days ahead, it has expired since the decision
    changes = A.staleness(demo_engine, s.id, today=date.today() + timedelta(days=25))
    kinds = [c["kind"] for c in changes]
    assert "record" in kinds and "certificate_expired" in kinds
    assert any("commitment" in c["message"] for c in changes)
    # The new commitment marked the decision stale by itself (desktop/services/staleness.py).
    assert A.get_assessment(demo_engine, s.id).summary.stale_since is not None
    assert A.refresh_staleness(demo_engine, s.vendor_id) == []  # already marked


def test_next_review_due_follows_the_tier(demo_engine):
    with read_session(demo_engine) as session:
        tiers = {v.tier: v.id for v in session.exec(select(Vendor)).all()}
    assert A.next_review_due(demo_engine, tiers["critical"], date(2025, 8, 31)) == date(2026, 2, 28)
    assert A.next_review_due(demo_engine, tiers["high"], date(2025, 1, 15)) == date(2026, 1, 15)
    with read_session(demo_engine) as session:
        assert A.next_review_due(session, tiers["medium"], date(2025, 1, 15)) == date(2027, 1, 15)


def test_templates_import_duplicate_edit_and_versions(engine, tmp_path: Path):
    rows = checklists.list_templates(engine)
    assert [(r.key, r.version, r.questions) for r in rows] == [("ai-data-vendor-neutrality", 2, 51)]
    assert checklists.import_template(engine, DEFAULT).id == rows[0].id  # same file: nothing new
    changed = tmp_path / "changed.yaml"
    changed.write_text(DEFAULT.read_text(encoding="utf-8").replace("AI data vendor neutrality", "Changed"),
                       encoding="utf-8")
    with pytest.raises(UserError, match="already stored with different content"):
        checklists.import_template(engine, changed)
    edited = checklists.save_edited(engine, "ai-data-vendor-neutrality",
                                    checklists.template_source(engine, "ai-data-vendor-neutrality")
                                    .replace('en: "AI data vendor neutrality"', 'en: "AI data vendor neutrality (2026)"'))
    assert edited.version == 3 and edited.title_en == "AI data vendor neutrality (2026)"
    copy = checklists.duplicate_template(engine, "ai-data-vendor-neutrality@2", "team-copy", "Team copy", "Copia")
    assert (copy.key, copy.version, copy.questions) == ("team-copy", 1, 51)
    with pytest.raises(UserError, match="already exists"):
        checklists.duplicate_template(engine, "team-copy", "team-copy", "x", "y")
    assert [(r.key, r.version) for r in checklists.list_templates(engine)] == [
        ("ai-data-vendor-neutrality", 3), ("ai-data-vendor-neutrality", 2), ("team-copy", 1)]


def test_an_assessment_keeps_its_template_version(demo_engine):
    s = _new(demo_engine, "Atlas Speech Collection S.L.", template="ai-data-vendor-neutrality@2")
    src = checklists.template_source(demo_engine, "ai-data-vendor-neutrality")
    checklists.save_edited(demo_engine, "ai-data-vendor-neutrality",
                           src.replace("Does the vendor provide the same or similar services", "Does the vendor serve"))
    view = A.get_assessment(demo_engine, s.id)
    assert view.summary.template_version == 2
    assert view.question("COM-01").text_en.startswith("Does the vendor provide the same")
    other = _new(demo_engine, "Lumen RLHF Partners LLC")
    assert other.template_version == 3


def test_facts_of_the_demo_vendors(demo_engine):
    from desktop.services.facts import build_facts

    with read_session(demo_engine) as session:
        ids = {v.party_id: v.id for v in session.exec(select(Vendor)).all()}
    assert ids
    veridata = A.get_assessment(demo_engine, _new(demo_engine, "Veridata Annotations Ltd").id)
    facts = json.loads(_stored_facts(demo_engine, veridata.summary.id))
    assert facts["certs"]["soc2_type2_valid"] is True and facts["certs"]["soc2_type2_days_to_expiry"] == 20
    assert veridata.question("SEC-02").value == "no" and "20 days" in veridata.question("SEC-02").explanation_en
    kestrel = build_facts(demo_engine, veridata.summary.vendor_id + 0, analyze_fn=canned_analyze)
    assert kestrel["contracts"]["active_count"] == 1
    with unit_of_work(demo_engine) as session:
        session.add(Certification(vendor_id=veridata.summary.vendor_id, standard="ISO/IEC 42001:2023",
                                  valid_from=date.today() - timedelta(days=1),
                                  valid_until=date.today() + timedelta(days=400)))
    again = build_facts(demo_engine, veridata.summary.vendor_id, analyze_fn=canned_analyze)
    assert again["certs"]["iso42001_valid"] is True and again["certs"]["iso42001_days_to_expiry"] == 400
    assert again["data"] == {"countries": ["IE"], "location_count": 1, "outside_eea": False,
                             "outside_eea_countries": []}


def _stored_facts(engine, assessment_id):
    with read_session(engine) as session:
        return session.get(Assessment, assessment_id).facts_json


def test_return_to_draft_needs_a_reason(demo_engine):
    s = _new(demo_engine, "Clearlabel Cooperativa S.Coop.")
    with pytest.raises(UserError, match="is draft, not in review"):
        A.return_to_draft(demo_engine, s.id, "typo")
    complete(demo_engine, s.id)
    A.submit_assessment(demo_engine, s.id, analyze_fn=canned_analyze)
    with pytest.raises(UserError, match="Give the reason"):
        A.return_to_draft(demo_engine, s.id, "  ")
    back = A.return_to_draft(demo_engine, s.id, "Approver asked for the 2025 pen-test report.")
    assert back.status == "draft" and back.submitted_at is None
    assert A.answer_question(demo_engine, s.id, "SEC-06", "no").value == "no"
    assert [a.id for a in A.list_assessments(demo_engine, s.vendor_id)] == [s.id]


def test_rule_explanations_quote_the_ownership_findings_in_each_language(demo_engine):
    """The real analysis: the Spanish explanation quotes the Spanish finding, the English one the English."""
    s = A.create_assessment(demo_engine, "Scalewise Data Inc.")  # the default (real) ownership analysis
    with read_session(demo_engine) as session:
        facts = json.loads(session.get(Assessment, s.id).facts_json)
    own = facts["ownership"]
    assert own["finding_messages"] and len(own["finding_messages_es"]) == len(own["finding_messages"])
    assert "participación económica" in " ".join(own["finding_messages_es"])
    quoting = [q for q in A.get_assessment(demo_engine, s.id).questions
               if q.source == "rule" and own["finding_messages"][0] in q.explanation("en")]
    assert quoting, "a rule explanation quotes the competitor finding"
    for q in quoting:
        assert own["finding_messages_es"][0] in q.explanation("es")
        assert own["finding_messages"][0] not in q.explanation("es")


def test_render_prefers_the_facts_translation_and_falls_back_to_english():
    from desktop.core.checklist.rules import render

    facts = {"ownership": {"finding_messages": ["holds 49%"], "finding_messages_es": ["posee el 49 %"]},
             "people": {"tie_messages": ["moved"]}}
    assert render("{ownership.finding_messages}", facts, "es") == "posee el 49 %"
    assert render("{ownership.finding_messages}", facts, "en") == "holds 49%"
    assert render("{people.tie_messages}", facts, "es") == "moved"  # no Spanish stored: the English


OLD_DEFAULT = Path(__file__).resolve().parents[1] / "fixtures" / "ai-data-vendor-neutrality-v1.yaml"


def test_a_database_from_an_older_vetta_gets_the_shipped_template_beside_its_own(engine):
    """A database made by the previous release holds version 1 of the default template (no finding statements,
    OWN-03 blind to control through a competitor's officer): new assessments must use the shipped version,
    while an assessment started on version 1 keeps it."""
    from desktop.services.vendors import VendorForm, create_vendor

    with unit_of_work(engine, "older vetta") as s:
        template, text = checklists.load_template_file(OLD_DEFAULT)
        assert template.version == 1
        checklists._import_text(s, template, text, OLD_DEFAULT.name, "older vetta")
    create_vendor(engine, VendorForm(name="Old Vendor S.A."), actor="tester")
    create_vendor(engine, VendorForm(name="New Vendor S.A."), actor="tester")
    old = _new(engine, "Old Vendor S.A.", template="ai-data-vendor-neutrality@1")
    assert old.template_version == 1
    new = _new(engine, "New Vendor S.A.")
    assert new.template_version == checklists.shipped_default_version() == 2
    assert [(r.key, r.version) for r in checklists.list_templates(engine)] == [
        ("ai-data-vendor-neutrality", 2), ("ai-data-vendor-neutrality", 1)]
    assert A.get_assessment(engine, old.id).summary.template_version == 1
    own03 = A.get_assessment(engine, new.id).question("OWN-03")
    assert own03 is not None
    with read_session(engine) as s:
        stored = checklists.latest_row(s, "ai-data-vendor-neutrality")
        assert stored is not None and "COMPETITOR_LINKED_PERSON_CONTROL" in stored.source_yaml
