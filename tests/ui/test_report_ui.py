"""Report screens driven with qtbot: preview, sign-off dialog (work off the GUI thread), verify dialog."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy.engine import Engine

from desktop.services.identities import new_identity
from desktop.services.reports import render_draft
from desktop.services.signoff import signed_report
from desktop.ui.report import ReportPreview, SignOffDialog, VerifyDialog
from tests.unit.test_report_builder import make_assessment


def test_preview_shows_every_page(qtbot, sqlite_engine: Engine, tmp_path: Path) -> None:
    built = make_assessment(sqlite_engine)
    rendered = render_draft(sqlite_engine, built.assessment_id)
    preview = ReportPreview(rendered.pdf)
    qtbot.addWidget(preview)
    preview.show()
    assert preview.page_count() == rendered.pages
    assert preview.set_pdf(b"not a pdf") is False
    assert preview.set_pdf(rendered.pdf) is True
    preview.resize(600, 800)
    preview.grab().save(str(tmp_path / "preview.png"))


def test_signoff_dialog_previews_signs_and_shows_the_result(qtbot, sqlite_engine: Engine,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    built = make_assessment(sqlite_engine)
    new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    new_identity(sqlite_engine, "Paula's identity", actor="Paula Preparer")
    # the preparer, signed in, is offered only her own identity and is refused: shown, nothing written
    monkeypatch.setenv("VETTA_USER", "Paula Preparer")
    mine = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(mine)
    assert mine.approver.text() == "Paula Preparer" and mine.approver.isReadOnly()
    assert [mine.identity.itemData(i) for i in range(mine.identity.count())] == ["Paula's identity"]
    mine.show()
    qtbot.waitUntil(lambda: mine.preview.page_count() > 0 and not mine.busy(), timeout=20000)
    qtbot.mouseClick(mine.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mine.busy(), timeout=20000)
    assert "cannot also approve" in mine.message.text()
    assert signed_report(sqlite_engine, built.assessment_id) is None
    mine.close()
    monkeypatch.setenv("VETTA_USER", "Alice Approver")
    dialog = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(dialog)
    assert [dialog.identity.itemData(i) for i in range(dialog.identity.count())] == ["Alice Approver"]
    dialog.show()  # showing it starts the preview, rendered off the GUI thread
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0 and not dialog.busy(), timeout=20000)
    assert "Scalewise Data Inc." in dialog.summary.text() and "Paula Preparer" in dialog.summary.text()
    # conditions are required for a conditional approval, each with an owner and a due date; the
    # checklist's suggested conditions start the table
    dialog.decision.setCurrentIndex(dialog.decision.findData("approved_with_conditions"))
    editor = dialog.conditions
    suggested = editor.rows()
    assert suggested and all(r["text"].startswith("Remedy before approval:") for r in suggested)
    assert not dialog.sign_button.isEnabled()  # no owners yet
    for row in range(editor.table.rowCount()):
        editor.set_owner(row, "Legal")
    assert dialog.sign_button.isEnabled()
    while editor.table.rowCount():
        editor.table.selectRow(0)
        qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert not dialog.sign_button.isEnabled()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    editor.table.item(0, 0).setText("Divest within 6 months.")
    assert not dialog.sign_button.isEnabled()
    editor.set_owner(0, "Marta Gil (Legal)")
    editor.set_due(0, QDate.currentDate().addDays(120))
    assert dialog.sign_button.isEnabled()
    assert dialog.conditions_list() == [{"text": "Divest within 6 months.", "owner": "Marta Gil (Legal)",
                                         "due": QDate.currentDate().addDays(120).toString("yyyy-MM-dd"),
                                         "question": ""}]
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_data is not None, timeout=30000)
    assert dialog.result_data is not None and dialog.result_data["decision"] == "approved_with_conditions"
    assert dialog.result_data["conditions"][0]["owner"] == "Marta Gil (Legal)"
    assert "Signed." in dialog.message.text()
    assert not dialog.sign_button.isEnabled()
    assert signed_report(sqlite_engine, built.assessment_id) is not None


def test_signoff_dialog_asks_for_a_rationale_when_the_vendor_is_not_neutral(
        qtbot, sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = make_assessment(sqlite_engine, rating="not_neutral")
    new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    monkeypatch.setenv("VETTA_USER", "Alice Approver")  # who signs is who is signed in
    dialog = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0 and not dialog.busy(), timeout=20000)
    assert dialog.approver.text() == "Alice Approver"
    assert not dialog.sign_button.isEnabled()
    assert "A rationale is required: the vendor is rated not neutral." in dialog.rationale_hint.text()
    dialog.decision.setCurrentIndex(dialog.decision.findData("rejected"))  # rejecting needs none
    assert dialog.sign_button.isEnabled() and dialog.rationale_hint.text() == ""
    dialog.decision.setCurrentIndex(dialog.decision.findData("approved"))
    assert not dialog.sign_button.isEnabled()
    qtbot.keyClicks(dialog.rationale, "The stake carries no votes; we accept it for six months.")
    assert dialog.sign_button.isEnabled() and dialog.rationale_hint.text() == ""
    dialog.resize(1100, 760)
    dialog.grab().save(str(tmp_path / "signoff.png"))
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_data is not None, timeout=30000)
    assert dialog.result_data is not None
    assert dialog.result_data["rationale"] == "The stake carries no votes; we accept it for six months."
    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None
    from pypdf import PdfReader

    page1 = PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or ""
    assert "The stake carries no votes; we accept it for six months." in page1


def test_signoff_dialog_without_identities_says_what_to_do(qtbot, sqlite_engine: Engine) -> None:
    built = make_assessment(sqlite_engine)
    dialog = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0 and not dialog.busy(), timeout=20000)
    assert not dialog.sign_button.isEnabled()
    assert "You have no signing identity yet" in dialog.message.text()


def test_verify_dialog(qtbot, sqlite_engine: Engine, tmp_path: Path) -> None:
    from desktop.services.signoff import approve

    built = make_assessment(sqlite_engine)
    new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    approve(sqlite_engine, built.assessment_id, identity="Alice Approver", approver="Alice Approver")
    pdf = signed_report(sqlite_engine, built.assessment_id)
    assert pdf is not None
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf[:500] + bytes([pdf[500] ^ 1]) + pdf[501:])
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"junk")
    dialog = VerifyDialog(sqlite_engine)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.verify_path(good) is True
    assert dialog.verdict_label.text().startswith("Valid")
    assert dialog.details["known"].text() == "yes" and dialog.details["record"].text() == "yes"
    assert dialog.details["signer"].text().startswith("Alice Approver")
    assert dialog.verify_path(bad) is False
    assert dialog.verdict_label.text().startswith("Not valid")
    assert dialog.details["record"].text() == "no"
    assert dialog.verify_path(junk) is None
    assert "not a PDF" in dialog.verdict_label.text()
    # an auditor without the database: not trusted until given the signer's certificate
    outside = VerifyDialog(None)
    qtbot.addWidget(outside)
    assert outside.verify_path(good) is False and outside.status == "untrusted"
    assert outside.verdict_label.text().startswith("Valid but not trusted")
    assert "the signer's own clock" in outside.details["signed_at"].text()
    from desktop.services.identities import export_certificate

    pem = tmp_path / "alice.pem"
    export_certificate(sqlite_engine, "Alice Approver", pem)
    assert outside.trust_file(pem) and outside.status == "trusted"
    assert outside.verdict_label.text().startswith("Valid and trusted")


def test_signoff_dialog_shows_a_database_refusal_as_its_sentence(qtbot, sqlite_engine: Engine,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialog runs on the one operation runner: a database refusal (team mode: "your role does not allow
    it") reads as its own sentence, not as "something unexpected" (the old report worker knew only UserError)."""
    from db.errors import NotPermitted
    from desktop.ui.report import signoff_dialog

    built = make_assessment(sqlite_engine)
    new_identity(sqlite_engine, "Alice Approver", actor="Alice Approver")
    monkeypatch.setenv("VETTA_USER", "Alice Approver")

    def refused(*_args: object, **_kwargs: object) -> dict[str, object]:
        raise NotPermitted("Your database login is not allowed to do this (permission denied for table signoff).")

    monkeypatch.setattr(signoff_dialog, "approve", refused)
    dialog = SignOffDialog(sqlite_engine, built.assessment_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0 and not dialog.busy(), timeout=20000)
    dialog.rationale.setPlainText("Checked.")
    dialog.sign()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=20000)
    assert dialog.message.text() == "Your database login is not allowed to do this (permission denied for table signoff)."
    assert signed_report(sqlite_engine, built.assessment_id) is None
