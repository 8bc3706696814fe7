"""The History widget: the audit trail with time, actor, action, record and field-level changes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from db.engine import unit_of_work
from db.models import Vendor
from desktop.services.audit import resolve_vendor
from desktop.ui.history import HistoryModel, HistoryView


def test_history_model_passes_qtmodeltester(qtmodeltester, demo_engine):
    model = HistoryModel(demo_engine, None)
    qtmodeltester.check(model)
    assert model.rowCount() > 50
    vendor_model = HistoryModel(demo_engine, resolve_vendor(demo_engine, "Scalewise Data Inc."))
    qtmodeltester.check(vendor_model)
    assert 0 < vendor_model.rowCount() < model.rowCount()


def test_history_view_shows_a_change_with_before_and_after(qtbot, demo_engine):
    vendor_id = resolve_vendor(demo_engine, "Clearlabel Cooperativa S.Coop.")
    view = HistoryView(demo_engine, vendor_id)
    qtbot.addWidget(view)
    before = view.model.rowCount()
    with unit_of_work(demo_engine, "maria") as s:
        vendor = s.get(Vendor, vendor_id)
        assert vendor is not None
        vendor.tier = "critical"
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == before + 1
    row = [view.model.index(0, c).data() for c in range(view.model.columnCount())]
    assert row[1:] == ["Vendor details",
                       "maria changed the criticality tier of the vendor Clearlabel Cooperativa S.Coop. "
                       "from high to critical."]
    tip = view.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)  # what the trail records, for auditors
    assert tip.startswith(f"#{view.model.index(0, 0).data(Qt.ItemDataRole.UserRole)} · maria · changed · "
                          f"vendor #{vendor_id}") and "tier: high → critical" in tip
    assert view.model.index(0, 0).data(Qt.ItemDataRole.UserRole) > view.model.index(1, 0).data(
        Qt.ItemDataRole.UserRole)
    assert view.summary.text() == (f"{before + 1} changes recorded; every change is kept with who made it "
                                   "and when.")


def test_history_view_of_a_vendor_without_changes(qtbot, engine):
    view = HistoryView(engine, 12345)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    assert view.summary.text().startswith("0 changes recorded;")
    view.set_vendor(None)
    assert view.model.rowCount() == 0


def test_the_summary_counts_changes_in_the_interface_language(qtbot, qapp, engine):
    """It said "2 change(s)": a real plural now (the singular is checked in tests/ui/test_translator.py)."""
    from desktop.services.vendors import VendorForm, create_vendor
    from desktop.ui import translator

    vendor = create_vendor(engine, VendorForm(name="Solo Data SL", country="ES"), actor="ana")
    view = HistoryView(engine, vendor.id)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 2  # the party and the vendor
    assert view.summary.text() == "2 changes recorded; every change is kept with who made it and when."
    try:
        translator.install(qapp, "es")
        view.set_vendor(vendor.id)
        assert view.summary.text() == "2 cambios registrados; cada cambio se conserva con quién lo hizo y cuándo."
    finally:
        translator.install(qapp, "en")


def test_filter_by_kind_of_change_and_sentences_in_spanish(qtbot, qapp, demo_engine):
    from desktop.ui import translator

    vendor_id = resolve_vendor(demo_engine, "Scalewise Data Inc.")
    view = HistoryView(demo_engine, vendor_id)
    qtbot.addWidget(view)
    everything = view.model.rowCount()
    assert [view.kind.itemText(i) for i in range(view.kind.count())] == [
        "All changes", "Ownership", "People", "Contracts and guarantees", "Assessments and decisions",
        "Vendor details", "Settings"]
    view.kind.setCurrentIndex(view.kind.findData("people"))
    texts = [view.model.index(r, 2).data() for r in range(view.model.rowCount())]
    assert texts == [
        "tester added Jordan Reyes's role as Interim Chief Executive Officer at Scalewise Data Inc. (from 13 Jun 2025).",
        "tester added Alex Marlow's role as Director at Scalewise Data Inc. (from 1 Aug 2016).",
        "tester added Alex Marlow's role as Chief Executive Officer at Scalewise Data Inc. "
        "(from 1 Aug 2016, until 12 Jun 2025).",
    ]
    assert {view.model.index(r, 1).data() for r in range(view.model.rowCount())} == {"People"}
    assert view.summary.text().startswith("3 changes recorded;")
    view.set_kind("ownership")
    assert view.model.rowCount() == 6 and view.model.index(0, 1).data() == "Ownership"
    view.set_kind(None)
    assert view.model.rowCount() == everything
    try:
        translator.install(qapp, "es")
        spanish = HistoryView(demo_engine, vendor_id)
        qtbot.addWidget(spanish)
        spanish.set_kind("people")
        assert spanish.kind.currentText() == "Personas"
        assert spanish.model.index(0, 2).data() == ("tester añadió el cargo de Interim Chief Executive Officer de "
                                                    "Jordan Reyes en Scalewise Data Inc. (desde el 13 jun 2025).")
        assert spanish.model.headerData(2, Qt.Orientation.Horizontal) == "Qué ocurrió"
    finally:
        translator.install(qapp, "en")
