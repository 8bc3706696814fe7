"""Competitor exposure in the window: the register's column (words, colour and shape, sorting, the filter),
search through related parties, and Home's charts (contents and clicks that open vendors)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from desktop.services.register import RegisterQuery, vendor_ids
from desktop.ui.dashboard import DashboardWidget
from desktop.ui.main_window import MainWindow
from desktop.ui.vendor_model import COLUMNS, ExposureLevelRole, VendorTableModel

EXPOSURE = [k for k, _label in COLUMNS].index("exposure")
SCALEWISE = "Scalewise Data Inc."


def _row(model: VendorTableModel, name: str) -> int:
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith(name))


def test_the_exposure_column_in_words_colour_and_shape(qtmodeltester, demo_engine):
    model = VendorTableModel(demo_engine)
    qtmodeltester.check(model)
    assert model.headerData(EXPOSURE, Qt.Orientation.Horizontal) == "Competitor exposure"
    cell = model.index(_row(model, SCALEWISE), EXPOSURE)
    assert cell.data() == "Controlled by Contoso Platforms Inc. through Alex Marlow"
    assert cell.data(ExposureLevelRole) == "control"
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "control: Controlled by Contoso Platforms Inc. through Alex Marlow")
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Competitor exposure: control\n")
    assert "Contoso Platforms Inc. group: 82% of the economic interest, 65% of the votes." in tip
    assert "The group controls the vendor through Alex Marlow." in tip
    assert not cell.data(Qt.ItemDataRole.DecorationRole).isNull()
    meridian = model.index(_row(model, "Meridian"), EXPOSURE)
    assert meridian.data() == "Northwind Intelligence Corp.: 12% econ., 12% votes"
    assert meridian.data(ExposureLevelRole) == "stake"
    assert meridian.data(Qt.ItemDataRole.ForegroundRole) != cell.data(Qt.ItemDataRole.ForegroundRole)
    # the icons differ in shape, not only in colour: compare their alpha masks
    control = cell.data(Qt.ItemDataRole.DecorationRole).pixmap(14, 14).toImage()
    stake = meridian.data(Qt.ItemDataRole.DecorationRole).pixmap(14, 14).toImage()
    mask = [[control.pixelColor(x, y).alpha() > 128 for x in range(14)] for y in range(14)]
    assert mask != [[stake.pixelColor(x, y).alpha() > 128 for x in range(14)] for y in range(14)]
    tessera = model.index(_row(model, "Tessera"), EXPOSURE)
    assert tessera.data() == "" and tessera.data(Qt.ItemDataRole.DecorationRole) is None
    assert tessera.data(Qt.ItemDataRole.AccessibleTextRole) == "none"


def test_sorting_by_exposure_puts_control_first_when_descending(qtbot, demo_engine):
    model = VendorTableModel(demo_engine)
    model.sort(EXPOSURE, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(2)] == [SCALEWISE, "Meridian Synthetic Data Corp."]
    assert model.query().sort == "exposure"


def test_the_filter_bar_and_search_through_related_parties(qtbot, demo_engine):
    window = MainWindow(demo_engine, "test database")
    qtbot.addWidget(window)
    window.show()
    reg = window.register
    reg.exposure.setCurrentIndex(reg.exposure.findData("control"))
    assert [window.model.index(r, 0).data() for r in range(window.model.rowCount())] == [SCALEWISE]
    assert reg.exposure.currentText() == "Controlled by a competitor"
    reg.clear_filters()
    assert window.model.rowCount() == 9
    qtbot.keyClicks(reg.search, "contoso")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    name = window.model.index(0, 0)
    assert name.data() == "Scalewise Data Inc. · via Contoso Ventures LLC (shareholder)"
    assert name.data(Qt.ItemDataRole.ToolTipRole) == "Listed by the search via Contoso Ventures LLC (shareholder)"
    assert window.table.columnWidth(0) > 220  # widened so the reason shows


def _loaded(qtbot, widget: DashboardWidget) -> None:
    with qtbot.waitSignal(widget.loaded, timeout=10000):
        widget.show()


def test_home_charts_show_the_figures(qtbot, demo_engine):
    widget = DashboardWidget(demo_engine)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    _loaded(qtbot, widget)
    assert [(s.label(), s.value()) for s in widget.rating_series.slices()] == [("Not yet assessed: 9", 9.0)]
    assert widget.exposure_buttons["control"].text() == "Controlled by a competitor: 1"
    assert widget.exposure_buttons["stake"].text() == "Competitor stake: 1"
    assert widget.exposure_buttons["people"].text() == "Competitor-linked people only: 0"
    assert widget.exposure_axis.categories() == ["Meridian Synthetic Data Corp. (stake)",
                                                 "Scalewise Data Inc. (controlled)"]
    economic, votes = widget.exposure_series.barSets()
    assert (economic.label(), [economic.at(i) for i in range(2)]) == ("Economic stake", [12.0, 82.0])
    assert (votes.label(), [votes.at(i) for i in range(2)]) == ("Votes", [12.0, 65.0])
    assert widget.review_axis.categories()[0] == "Overdue" and len(widget.review_axis.categories()) == 7
    assert widget.review_chart.title() == "No vendor review is due in the next months."
    certs, contracts = widget.expiry_series.barSets()
    assert widget.expiry_axis.categories() == ["Expired", "≤ 30 days", "31–60 days", "61–90 days"]
    assert [certs.at(i) for i in range(4)] == [1.0, 1.0, 0.0, 1.0]
    assert [contracts.at(i) for i in range(4)] == [0.0, 0.0, 1.0, 1.0]
    assert widget.stale.item(0).text() == "No signed assessment is stale."


def test_home_in_spanish(qtbot, demo_engine, qapp):
    from desktop.core import i18n
    from desktop.ui import translator

    previous = i18n.current_language()
    try:
        i18n.set_language("es")
        translator.install(qapp, "es")
        widget = DashboardWidget(demo_engine)
        qtbot.addWidget(widget)
        _loaded(qtbot, widget)
        assert widget.exposure_buttons["control"].text() == "Controlados por un competidor: 1"
        assert widget.expiry_axis.categories() == ["Vencidos", "≤ 30 días", "31–60 días", "61–90 días"]
        assert widget.exposure_axis.categories()[1] == "Scalewise Data Inc. (controlada)"
        assert [s.label() for s in widget.rating_series.slices()] == ["Sin evaluar: 9"]
        assert widget._boxes["exposure"].title() == "Exposición a competidores"
    finally:
        i18n.set_language(previous)
        translator.install(qapp, "en")


def _click_bar(qtbot, widget: DashboardWidget, view, chart, series, x: float, y: float) -> None:
    """A real mouse click at the chart's value coordinates (x, y) of ``series``."""
    point = chart.mapToPosition(QPointF(x, y), series)
    pos = view.mapFromScene(chart.mapToScene(point))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_clicking_a_bar_opens_the_vendor_and_a_slice_filters_the_register(qtbot, demo_engine):
    widget = DashboardWidget(demo_engine)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    _loaded(qtbot, widget)
    QApplication.processEvents()
    scalewise = vendor_ids(demo_engine, RegisterQuery(search="Scalewise Data"))[0]
    with qtbot.waitSignal(widget.open_record) as opened:  # the economic bar of Scalewise (category 1)
        _click_bar(qtbot, widget, widget.exposure_view, widget.exposure_chart, widget.exposure_series, 40.0, 0.88)
    assert opened.args == ["vendor", scalewise, scalewise]
    # expiry: the "≤ 30 days" certificates bar lists Veridata's SOC 2 below; its item opens the certificate
    _click_bar(qtbot, widget, widget.expiry_view, widget.expiry_chart, widget.expiry_series, 0.88, 0.5)
    assert widget.details_title.text() == "Certificates: ≤ 30 days (1)"
    assert widget.details.item(0).text() == "Veridata Annotations Ltd — SOC 2 Type II  ·  in 20 days (" + \
        widget.details.item(0).text().split("(")[-1]
    with qtbot.waitSignal(widget.open_record) as opened:
        widget.details.itemActivated.emit(widget.details.item(0))
    assert opened.args[0] == "certification"
    assert opened.args[2] == vendor_ids(demo_engine, RegisterQuery(search="Veridata"))[0]
    with qtbot.waitSignal(widget.filter_rating) as filtered:
        widget.rating_series.slices()[0].clicked.emit()
    assert filtered.args == ["none"]
    with qtbot.waitSignal(widget.filter_exposure) as filtered:
        qtbot.mouseClick(widget.exposure_buttons["control"], Qt.MouseButton.LeftButton)
    assert filtered.args == ["control"]


def test_home_items_open_vendors_and_filter_the_register_in_the_window(qtbot, demo_engine):
    window = MainWindow(demo_engine, "test database")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.workspace.setCurrentWidget(window.dashboard)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=10000):
        window.show()
    qtbot.mouseClick(window.dashboard.exposure_buttons["control"], Qt.MouseButton.LeftButton)
    assert window.workspace.currentWidget() is window.register
    assert window.register.exposure.currentData() == "control"
    assert [window.model.index(r, 0).data() for r in range(window.model.rowCount())] == [SCALEWISE]
    window.workspace.setCurrentWidget(window.dashboard)
    scalewise = vendor_ids(demo_engine, RegisterQuery(search="Scalewise Data"))[0]
    window.dashboard.open_record.emit("vendor", scalewise, scalewise)
    assert window.workspace.currentWidget().detail.form.name == SCALEWISE
