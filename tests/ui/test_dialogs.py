"""Import dialog (mapping preview, dry run, import), dashboard, settings dialog, operations helper."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import Qt

from desktop.core.errors import UserError
from desktop.services import settings as settings_svc
from desktop.services.register import RegisterQuery, vendor_ids
from desktop.ui.dashboard import DashboardWidget
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.operations import ChangeSet, run_operation, signals
from desktop.ui.settings_dialog import SettingsDialog
from desktop.ui.table_model import DictTableModel
from tests.ui.ops import finish


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, "PNG")
    return out.getvalue()


def test_dict_model_passes_qtmodeltester(qtmodeltester):
    model = DictTableModel([("a", "A"), ("b", "B")])
    model.set_rows([{"a": 1, "b": True}, {"a": None, "b": "x"}])
    qtmodeltester.check(model)


def test_import_dialog_dry_run_lists_rejections_then_imports(qtbot, demo_engine, tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_text("Supplier,Nation,Tier\nAcme,ES,high\nScalewise Data Inc.,US,low\nBeta,Spain,high\n",
                    encoding="utf-8")
    dialog = ImportDialog(demo_engine, path)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.combos["Supplier"].currentData() == "name"
    assert dialog.combos["Nation"].currentData() == ""  # not recognised: the user maps it
    dialog.set_field("Nation", "country")
    with qtbot.waitSignal(dialog.run_dry_run().done, timeout=10000):
        pass
    rows = [(dialog.rejections.item(r, 0).text(), dialog.rejections.item(r, 1).text())
            for r in range(dialog.rejections.rowCount())]
    assert rows == [("3", "Supplier"), ("4", "Nation")]
    assert not dialog.import_button.isEnabled()
    assert dialog.summary.text().startswith("1 row is valid and 2 rows would be rejected (listed below).")
    path.write_text("Supplier,Nation,Tier\nAcme,ES,high\nBeta,DE,high\n", encoding="utf-8")
    with qtbot.waitSignal(dialog.run_dry_run().done, timeout=10000):
        pass
    assert dialog.import_button.isEnabled()
    assert dialog.summary.text() == "All 2 rows are valid. 3. Press Import to add them in one step."
    changes = []
    signals().changed.connect(changes.append)
    try:
        with qtbot.waitSignal(dialog.run_import().done, timeout=10000):
            pass
    finally:
        signals().changed.disconnect(changes.append)
    assert changes == [ChangeSet(vendors=True)]
    assert len(vendor_ids(demo_engine, RegisterQuery(tier="high"))) == 5


def test_main_window_export_runs_off_the_gui_thread(qtbot, demo_engine, tmp_path):
    window = MainWindow(demo_engine, "db")
    qtbot.addWidget(window)
    window.show()
    window.register.tier.setCurrentIndex(window.register.tier.findData("high"))
    with qtbot.waitSignal(window.export_to(tmp_path / "r.xlsx").done, timeout=10000) as done:
        pass
    assert done.args == [3, None]
    assert (tmp_path / "r.xlsx").stat().st_size > 0


def test_operation_cancel_and_error(qtbot, engine):
    started = threading.Event()

    def slow(eng, progress, cancelled):
        started.set()
        for i in range(1000):
            progress(i, 1000)
            if cancelled():
                raise UserError("The test operation was cancelled.")
            threading.Event().wait(0.01)
        return "finished"

    failures = []
    op = run_operation(None, "Working…", engine, slow, on_failure=failures.append, show_progress=True)
    assert started.wait(5)
    from PySide6.QtWidgets import QPushButton

    op.dialog.findChild(QPushButton).click()  # the Cancel button of the progress dialog
    with qtbot.waitSignal(op.done, timeout=10000) as done:
        pass
    assert done.args[0] is None and "cancelled" in str(failures[0])


def test_an_operation_whose_window_was_closed_reports_to_nobody_but_still_announces(qtbot, engine):
    """A window closed (and deleted) while its work runs: the handlers, which would touch deleted widgets,
    are not called; the change is still announced to the other views."""
    from PySide6.QtWidgets import QWidget

    release = threading.Event()
    window = QWidget()
    window.show()
    called: list[object] = []
    changes: list[ChangeSet] = []
    signals().changed.connect(changes.append)
    try:
        op = run_operation(window, "Working…", engine, lambda e, p, c: release.wait(10) and "done",
                           on_success=called.append, on_failure=called.append,
                           changes=ChangeSet(vendors=True), show_progress=True)
        window.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(window))
        release.set()
        with qtbot.waitSignal(op.done, timeout=10000) as done:
            pass
        assert done.args[0] == "done" and called == [] and [c.vendors for c in changes] == [True]
    finally:
        signals().changed.disconnect(changes.append)


def test_dashboard_items_open_records(qtbot, demo_engine):
    widget = DashboardWidget(demo_engine)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10000):
        widget.show()
    widget._show_bucket("certificates", 1)  # what a click on the "<= 30 days" certificates bar does
    items = [widget.details.item(i) for i in range(widget.details.count())]
    assert [i.text().split("  ·  ")[0] for i in items] == ["Veridata Annotations Ltd — SOC 2 Type II"]
    assert "in 20 days" in items[0].text()
    with qtbot.waitSignal(widget.open_record) as opened:
        widget.details.itemActivated.emit(items[0])
    record_type, _record_id, vendor_id = opened.args
    assert record_type == "certification"
    assert vendor_id == vendor_ids(demo_engine, RegisterQuery(search="Veridata"))[0]


def test_dashboard_item_opens_vendor_in_main_window(qtbot, demo_engine):
    window = MainWindow(demo_engine, "db")
    qtbot.addWidget(window)
    window.workspace.setCurrentWidget(window.dashboard)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=10000):
        window.show()
    window.dashboard._show_bucket("certificates", 1)
    window.dashboard.details.itemActivated.emit(window.dashboard.details.item(0))
    editor = window.workspace.currentWidget()
    assert editor.detail.form.name == "Veridata Annotations Ltd"
    assert editor.tabs.currentWidget() is editor.guarantees


def test_settings_dialog(qtbot, engine, tmp_path):
    dialog = SettingsDialog(engine)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.bo.value() == 25.0 and dialog.bo.minimum() == 10
    dialog.org_name.setText("Acme AI")
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    dialog.review["critical"].setValue(3)
    png = tmp_path / "logo.png"
    png.write_bytes(_png())
    finish(qtbot, dialog.set_logo(png))
    bad = tmp_path / "logo.jpg"
    bad.write_bytes(b"not an image")
    finish(qtbot, dialog.set_logo(bad), ok=False)
    assert "not a PNG or JPEG" in dialog.reason.text()
    dialog.new_competitor()
    dialog.comp_name.setText("Contoso Platforms Inc.")
    dialog.comp_affiliates.setPlainText("Contoso Ventures LLC\nContoso Labs\n")
    finish(qtbot, dialog.save_competitor())
    dialog.new_competitor()
    dialog.comp_name.setText("Contoso Platforms Inc.")
    finish(qtbot, dialog.save_competitor(), ok=False)
    assert "already has" in dialog.comp_reason.text()
    finish(qtbot, dialog.save())
    s = settings_svc.get_settings(engine)
    assert (s.name, s.language, s.review_months_critical, s.has_logo) == ("Acme AI", "es", 3, True)
    [c] = settings_svc.list_competitors(engine)
    assert c.affiliates == ["Contoso Labs", "Contoso Ventures LLC"]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04broken"])
def test_import_of_unreadable_file_shows_one_sentence(qtbot, engine, tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    window = MainWindow(engine, "db")
    qtbot.addWidget(window)
    assert window.open_import(path) is None
    from PySide6.QtWidgets import QApplication, QMessageBox

    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "bad.xlsx" in boxes[-1].text()
    for b in boxes:
        b.close()
    assert Qt.WidgetAttribute.WA_DeleteOnClose
