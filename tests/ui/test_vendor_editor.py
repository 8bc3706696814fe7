"""The vendor editor driven through its widgets: create, edit, inline validation, conflict, child records,
evidence drop (and the size limit), history. Every save runs as an operation off the GUI thread; the
tests wait for it (``_save``) before they read the database."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlmodel import select

from db.engine import unit_of_work
from db.models import Organisation
from desktop.services import vendors as svc
from desktop.services.register import RegisterQuery, vendor_ids
from desktop.ui.vendor_editor import (
    CANCEL,
    DISCARD_MINE,
    KEEP_THEIRS_REAPPLY,
    ConflictDialog,
    VendorEditor,
)


def _editor(qtbot, engine, vendor_id=None) -> VendorEditor:
    editor = VendorEditor(engine, vendor_id)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _vendor(engine, name: str) -> int:
    return vendor_ids(engine, RegisterQuery(search=name))[0]


def _save(qtbot, editor) -> bool:
    """Save as the Save button does and wait for the operation: True when the vendor was stored."""
    if not editor.save():
        return False  # the form has errors: nothing started
    assert editor.saving and not editor.save_button.isEnabled()  # Save is off while it runs
    with qtbot.waitSignal(editor.last_operation.done, timeout=10000) as done:
        pass
    assert not editor.saving
    return done.args[1] is None


def _wait(qtbot, operation):
    with qtbot.waitSignal(operation.done, timeout=10000) as done:
        pass
    return done.args


def test_models_pass_qtmodeltester(qtbot, qtmodeltester, demo_engine):
    editor = _editor(qtbot, demo_engine, _vendor(demo_engine, "Veridata"))
    for model in (editor.contracts.model, editor.guarantees.certifications.model, editor.evidence.model,
                  editor.history.model):
        qtmodeltester.check(model)
    assert editor.guarantees.certifications.model.rowCount() == 1


def test_create_vendor_through_the_form(qtbot, engine):
    editor = _editor(qtbot, engine)
    assert editor.contracts is None  # other tabs appear once saved
    p = editor.profile
    qtbot.keyClicks(p.lei, "5493001KJTIIGC8Y1R13")
    assert "LEI" in p.reasons["lei"].text()  # reason beside the field, as the user types
    assert not editor.save()
    p.lei.clear()
    qtbot.keyClicks(p.lei, "5493001KJTIIGC8Y1R12")
    assert p.reasons["lei"].text() == ""
    assert "required" in p.reasons["name"].text()
    qtbot.keyClicks(p.name, "Acme Datos S.L.")
    qtbot.keyClicks(p.vat, "ESA58818501")
    qtbot.keyClicks(p.country, "es")
    qtbot.keyClicks(p.tags, "speech, eu")
    p.tier.setCurrentIndex(p.tier.findData("critical"))
    with qtbot.waitSignal(editor.saved) as saved:
        editor.save_button.click()
    detail = svc.get_vendor(engine, saved.args[0])
    assert (detail.form.name, detail.form.country, detail.form.tier, detail.form.tags) == (
        "Acme Datos S.L.", "ES", "critical", ["eu", "speech"])
    assert editor.contracts is not None and not editor.is_dirty()
    assert editor.history.model.rowCount() > 0


def test_edit_and_revert(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    assert not editor.save_button.isEnabled()
    qtbot.keyClicks(editor.profile.services, " (EU)")
    assert editor.is_dirty() and editor.title().endswith("*")
    editor.revert_button.click()
    assert not editor.is_dirty()
    qtbot.keyClicks(editor.profile.internal_owner, " and Ana")
    qtbot.keyClicks(editor.profile.next_review_due, "2026-13-01")
    assert "YYYY-MM-DD" in editor.profile.reasons["next_review_due"].text()
    assert not editor.save()
    editor.profile.next_review_due.setText("2026-12-01")
    assert _save(qtbot, editor)
    assert editor.banner.text() == "Saved." and not editor.is_dirty()
    qtbot.keyClicks(editor.profile.services, "!")
    assert editor.banner.text() == "" and editor.is_dirty()  # the note went with the next edit
    saved = svc.get_vendor(demo_engine, vid).form
    assert saved.internal_owner.endswith(" and Ana") and saved.next_review_due.isoformat() == "2026-12-01"


def _someone_else_changes(engine, vid, **changes):
    d = svc.get_vendor(engine, vid)
    form = svc.VendorForm(**{**d.form.__dict__, **changes})
    svc.update_vendor(engine, vid, form, d.version, d.party_version, actor="other user")


def test_conflict_keep_theirs_and_reapply_mine(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    _someone_else_changes(demo_engine, vid, services="Changed by the other user")
    editor.profile.notes.setPlainText("my note")
    shown = []

    def resolver(parent, mine, theirs, message):
        shown.append((mine.notes, theirs.services, message))
        return KEEP_THEIRS_REAPPLY

    editor.resolve_conflict = resolver
    assert not _save(qtbot, editor)
    assert shown and shown[0][0] == "my note" and shown[0][1] == "Changed by the other user"
    assert "since you opened it" in shown[0][2]
    assert svc.get_vendor(demo_engine, vid).form.notes == ""  # nothing overwritten
    assert editor.profile.services.text() == "Changed by the other user"
    assert editor.profile.notes.toPlainText() == "my note" and editor.is_dirty()
    assert _save(qtbot, editor)
    saved = svc.get_vendor(demo_engine, vid).form
    assert (saved.services, saved.notes) == ("Changed by the other user", "my note")


def test_conflict_discard_mine(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    _someone_else_changes(demo_engine, vid, services="Theirs")
    editor.profile.services.setText("Mine")
    editor.resolve_conflict = lambda *a: DISCARD_MINE
    assert not _save(qtbot, editor)
    assert editor.profile.services.text() == "Theirs" and not editor.is_dirty()
    assert svc.get_vendor(demo_engine, vid).form.services == "Theirs"


def test_conflict_dialog_shows_both_versions(qtbot):
    mine = svc.VendorForm(name="Acme", services="mine", tags=["a"])
    theirs = svc.VendorForm(name="Acme", services="theirs", tags=["a", "b"])
    dialog = ConflictDialog(mine, theirs, "Someone else saved this vendor.")
    qtbot.addWidget(dialog)
    dialog.open()
    rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
            for r in range(dialog.table.rowCount())}
    assert rows == {"Services": ("mine", "theirs"), "Tags": ("a", "a, b")}
    dialog.discard.click()
    assert dialog.choice == DISCARD_MINE and dialog.result() == ConflictDialog.DialogCode.Accepted


def test_conflict_dialog_names_the_fields_in_spanish(qtbot, qapp):
    from datetime import date

    from desktop.ui import translator

    mine = svc.VendorForm(name="Acme", tier="high", next_review_due=date(2026, 1, 1))
    theirs = svc.VendorForm(name="Acme S.A.", tier="low", next_review_due=date(2026, 6, 1))
    translator.install(qapp, "es")
    try:
        dialog = ConflictDialog(mine, theirs, "Otra persona ha guardado este proveedor.")
        qtbot.addWidget(dialog)
        names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        tiers = (dialog.table.item(1, 1).text(), dialog.table.item(1, 2).text())
    finally:
        translator.install(qapp, "en")
    assert names == ["Razón social", "Nivel de criticidad", "Próxima revisión"]
    assert tiers == ("alto", "bajo")


def test_add_contract_through_the_dialog(qtbot, demo_engine):
    editor = _editor(qtbot, demo_engine, _vendor(demo_engine, "Kestrel"))
    tab = editor.contracts
    before = tab.model.rowCount()
    tab.add_button.click()
    dialog = tab.dialog
    dialog.set_value("kind", "DPA")
    dialog.set_value("title", "Data processing")
    dialog.set_value("start_date", "2026-01-01")
    dialog.set_value("end_date", "2025-01-01")
    dialog.set_value("audit_rights", True)
    dialog.accept()
    assert not dialog.buttons.isEnabled()  # Save is off while the record is stored
    assert _wait(qtbot, tab.last_operation)[1] is not None
    assert "before the start date" in dialog.reason.text() and dialog.isVisible()  # what was typed is kept
    assert dialog.buttons.isEnabled() and tab.model.rowCount() == before  # nothing written
    dialog.set_value("end_date", "2099-01-01")
    dialog.set_value("notice_days", "60")
    dialog.accept()
    assert _wait(qtbot, tab.last_operation)[1] is None
    assert not dialog.isVisible() and tab.dialog is None
    assert tab.model.rowCount() == before + 1
    row = tab.model.record(before)
    assert row["title"] == "Data processing" and row["audit_rights"] is True
    assert "give notice by 2098-11-02" in row["reminder"] and "Audit rights" in row["clauses"]


def _drop(tab, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    tab.drop_mime(mime)


def test_evidence_drop_stores_the_file(qtbot, demo_engine, tmp_path):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    f = tmp_path / "pentest report.pdf"
    f.write_bytes(b"%PDF-1.7 findings")
    with qtbot.waitSignal(editor.evidence.model.modelReset, timeout=10000):
        _drop(editor.evidence, [f])
        qtbot.waitSignal(editor.evidence.last_operation.done, timeout=10000).wait()
    files = [editor.evidence.model.record(r) for r in range(editor.evidence.model.rowCount())]
    assert [x["filename"] for x in files] == ["pentest report.pdf"]
    import hashlib

    assert files[0]["sha256"] == hashlib.sha256(b"%PDF-1.7 findings").hexdigest()


def test_evidence_over_the_size_limit_is_refused_with_a_message(qtbot, demo_engine, tmp_path):
    with unit_of_work(demo_engine) as s:
        org = s.exec(select(Organisation)).first()
        org.evidence_max_bytes = 10
        s.add(org)
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    f = tmp_path / "big.bin"
    f.write_bytes(b"x" * 100)
    _drop(editor.evidence, [f])
    with qtbot.waitSignal(editor.evidence.last_operation.done, timeout=10000) as done:
        pass
    assert "over the" in str(done.args[1]) and "limit" in str(done.args[1])
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("limit" in b.text() for b in boxes)
    for b in boxes:
        b.close()
    assert editor.evidence.model.rowCount() == 0


# --------------------------------------------------------------------------- writes run as operations


def test_edits_typed_while_a_save_runs_are_kept_and_the_next_save_uses_the_new_version(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    editor.profile.services.setText("First change")
    assert editor.save()
    assert editor.banner.text() == "Saving…"
    assert not editor.save_button.isEnabled() and not editor.revert_button.isEnabled()
    editor.profile.notes.setPlainText("typed while it saved")
    assert not editor.save_button.isEnabled()  # still saving
    assert _wait(qtbot, editor.last_operation)[1] is None
    stored = svc.get_vendor(demo_engine, vid)
    assert (stored.form.services, stored.form.notes) == ("First change", "")
    assert editor.detail.version == stored.version  # what the next save expects
    assert editor.profile.loaded().services == "First change"
    assert editor.profile.notes.toPlainText() == "typed while it saved" and editor.is_dirty()
    assert editor.save_button.isEnabled() and editor.title().endswith("*")
    assert _save(qtbot, editor)  # no conflict with its own first save
    assert svc.get_vendor(demo_engine, vid).form.notes == "typed while it saved"


def test_a_name_another_vendor_has_is_refused_beside_the_field_and_nothing_is_written(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    before = svc.get_vendor(demo_engine, vid)
    editor = _editor(qtbot, demo_engine, vid)
    editor.profile.name.setText("Veridata Annotations Ltd")
    editor.profile.services.setText("Not to be stored")
    assert not _save(qtbot, editor)
    reason = editor.profile.reasons["name"].text()
    assert reason == "Another vendor is already named 'Veridata Annotations Ltd'."
    assert editor.banner.text() == reason and editor.is_dirty() and editor.save_button.isEnabled()
    after = svc.get_vendor(demo_engine, vid)
    assert (after.form, after.version) == (before.form, before.version)


def test_closing_the_editor_while_it_saves_does_not_crash_and_the_save_lands(qtbot, demo_engine):
    import shiboken6

    from desktop.ui.operations import signals

    vid = _vendor(demo_engine, "Kestrel")
    editor = VendorEditor(demo_engine, vid)
    editor.show()
    editor.profile.services.setText("Saved as the window closed")
    assert editor.save()
    operation = editor.last_operation
    heard = []

    def listen(changes):
        heard.append(changes)

    signals().changed.connect(listen)
    try:
        editor.close()
        shiboken6.delete(editor)  # the tab was closed and its widget destroyed before the save finished
        assert _wait(qtbot, operation)[1] is None
    finally:
        signals().changed.disconnect(listen)
    assert svc.get_vendor(demo_engine, vid).form.services == "Saved as the window closed"
    assert [c.vendor_id for c in heard] == [vid]  # the register still learns of the change


def test_closing_with_save_waits_for_the_save_and_stays_open_on_a_conflict(qtbot, demo_engine):
    vid = _vendor(demo_engine, "Kestrel")
    editor = _editor(qtbot, demo_engine, vid)
    editor.confirm_discard = lambda parent, title: "save"
    editor.profile.services.setText("Saved on close")
    assert editor.maybe_close()
    assert svc.get_vendor(demo_engine, vid).form.services == "Saved on close" and not editor.is_dirty()
    _someone_else_changes(demo_engine, vid, services="Theirs")
    editor.profile.notes.setPlainText("mine")
    editor.resolve_conflict = lambda *a: CANCEL
    assert not editor.maybe_close()
    assert editor.banner.text() == "Not saved: someone else changed this vendor. Save again to decide."
    assert svc.get_vendor(demo_engine, vid).form.notes == "" and editor.is_dirty()


def test_remove_a_contract_and_an_evidence_file(qtbot, demo_engine, tmp_path):
    vid = _vendor(demo_engine, "Veridata")
    editor = _editor(qtbot, demo_engine, vid)
    tab = editor.contracts
    assert tab.model.rowCount() == 1
    events = editor.history.model.rowCount()
    tab.view.selectRow(0)
    tab.remove_button.click()
    assert _wait(qtbot, tab.last_operation)[1] is None
    assert tab.model.rowCount() == 0 and svc.list_children(demo_engine, "contract", vid) == []
    assert editor.history.model.rowCount() == events + 1  # the change was broadcast to the History tab

    f = tmp_path / "soc2.pdf"
    f.write_bytes(b"%PDF-1.7 report")
    _drop(editor.evidence, [f])
    assert _wait(qtbot, editor.evidence.last_operation)[1] is None
    assert editor.evidence.model.rowCount() == 1
    editor.evidence.view.selectRow(0)
    editor.evidence.remove_selected()
    assert _wait(qtbot, editor.evidence.last_operation)[1] is None
    assert editor.evidence.model.rowCount() == 0 and svc.vendor_evidence(demo_engine, vid) == []
