"""The first window: lists the vendors from the database, search runs in SQL."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.ui.main_window import MainWindow
from desktop.ui.vendor_model import VendorTableModel


def test_vendor_model_passes_qtmodeltester(qtmodeltester, demo_engine):
    model = VendorTableModel(demo_engine)
    qtmodeltester.check(model)
    assert model.rowCount() == 9


def test_main_window_lists_and_searches_vendors(qtbot, demo_engine):
    window = MainWindow(demo_engine, "test database")
    qtbot.addWidget(window)
    window.show()
    names = {window.model.index(r, 0).data() for r in range(window.model.rowCount())}
    assert "Scalewise Data Inc." in names and len(names) == 9
    qtbot.keyClicks(window.search, "tessera")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Tessera Labeling GmbH"
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 9)


def test_sorting_is_done_by_the_database(qtbot, demo_engine):
    model = VendorTableModel(demo_engine)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold, reverse=True)
