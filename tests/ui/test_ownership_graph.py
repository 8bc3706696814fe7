"""The ownership graph explains: people's roles as edges with dates, competitor links in words and shapes,
full names, distinct anchors, zoom, fit, export to PNG and SVG, a node that opens its party."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QFileDialog
from sqlmodel import select

from db.engine import read_session
from db.models import Party, Vendor
from desktop.core.ownership.edges import OWNERSHIP, ROLE
from desktop.ui.ownership import OwnershipTab
from desktop.ui.ownership.graph import OwnershipGraphView

SCALEWISE = "Scalewise Data Inc."
NAMES = ("Scalewise Data Inc.", "Contoso Platforms Inc.", "Contoso Ventures LLC", "Scalewise Founders Holding LLC",
         "Ridgeline Growth Fund III LP", "Alex Marlow", "Priya Natarajan", "Jordan Reyes")


def ids(engine) -> dict[str, int]:
    with read_session(engine) as s:
        return {name: pid for pid, name in s.exec(select(Party.id, Party.name))}


def scalewise_tab(qtbot, engine, day: QDate | None = None) -> OwnershipTab:
    with read_session(engine) as s:
        vendor = s.exec(select(Vendor.id).join(Party, Party.id == Vendor.party_id).where(Party.name == SCALEWISE)).one()
    tab = OwnershipTab(engine, vendor)
    qtbot.addWidget(tab)
    tab.resize(1366, 768)
    tab.show()
    with qtbot.waitSignal(tab.analysisChanged):
        tab.as_of.setDate(day or QDate(2025, 9, 1))
    return tab


def edge(view: OwnershipGraphView, holder: int, held: int, kind: str):
    [found] = [d for d in view.edges if d.edge.holder == holder and d.edge.held == held and d.edge.kind == kind]
    return found


def test_people_roles_are_edges_with_their_dates(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    p = ids(demo_engine)
    view = tab.graph
    marlow = edge(view, p["Alex Marlow"], p[SCALEWISE], ROLE)
    assert marlow.label.toPlainText() == ("Director, since 1 Aug 2016\n"
                                          "Chief Executive Officer, 1 Aug 2016 – 12 Jun 2025 (ended)")
    assert marlow.line.toolTip().startswith("Alex Marlow → Scalewise Data Inc.:\nDirector, since 1 Aug 2016")
    at_contoso = edge(view, p["Alex Marlow"], p["Contoso Platforms Inc."], ROLE)
    assert at_contoso.label.toPlainText() == "Chief AI Officer, since 13 Jun 2025"
    assert at_contoso.line.pen().style() == Qt.PenStyle.DashLine  # a role, not a stake
    assert edge(view, p["Jordan Reyes"], p[SCALEWISE], ROLE).label.toPlainText() == \
        "Interim Chief Executive Officer, since 13 Jun 2025"
    stake = edge(view, p["Contoso Ventures LLC"], p[SCALEWISE], OWNERSHIP)
    assert stake.label.toPlainText() == "49% / votes 0%"
    assert stake.line.pen().style() == Qt.PenStyle.SolidLine
    assert edge(view, p["Alex Marlow"], p["Scalewise Founders Holding LLC"], OWNERSHIP).label.toPlainText() == "60%"
    # before the move: the chief executive's role is current (its recorded end still ahead), nobody is linked
    with qtbot.waitSignal(tab.analysisChanged):
        tab.as_of.setDate(QDate(2025, 1, 1))
    assert edge(view, p["Alex Marlow"], p[SCALEWISE], ROLE).label.toPlainText() == (
        "Chief Executive Officer, 1 Aug 2016 – 12 Jun 2025\nDirector, since 1 Aug 2016")
    assert view.kind_items[p["Alex Marlow"]].toPlainText() == "Person"
    # years later the ended role has left the look-back window (24 months): only the board seat is drawn
    with qtbot.waitSignal(tab.analysisChanged):
        tab.as_of.setDate(QDate(2027, 7, 1))
    assert edge(view, p["Alex Marlow"], p[SCALEWISE], ROLE).label.toPlainText() == "Director, since 1 Aug 2016"


def test_competitors_and_linked_people_are_said_in_words_and_shapes(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    view = tab.graph
    p = ids(demo_engine)
    kinds = {name: view.kind_items[p[name]].toPlainText() for name in NAMES}
    assert kinds == {
        "Scalewise Data Inc.": "Vendor",
        "Contoso Platforms Inc.": "Competitor: Contoso Platforms Inc.",
        "Contoso Ventures LLC": "Competitor: Contoso Platforms Inc.",
        "Scalewise Founders Holding LLC": "Competitor-linked company (Contoso Platforms Inc.)",
        "Ridgeline Growth Fund III LP": "Company",
        "Alex Marlow": "Competitor-linked person (Contoso Platforms Inc.)",
        "Priya Natarajan": "Person",
        "Jordan Reyes": "Person",
    }
    marlow = view.node_items[p["Alex Marlow"]]
    assert marlow.pen().style() == Qt.PenStyle.DashLine
    assert "linked to Contoso Platforms Inc.: Chief AI Officer at Contoso Platforms Inc. since 13 Jun 2025" \
        in marlow.toolTip()
    assert view.node_items[p["Jordan Reyes"]].pen().style() == Qt.PenStyle.SolidLine
    # the shapes differ: a competitor has cut corners (8 corners), a person rounded ends, a company 4 corners
    assert view.node_items[p["Contoso Platforms Inc."]].path().elementCount() == 9
    assert view.node_items[p["Ridgeline Growth Fund III LP"]].path().elementCount() == 5
    assert view.node_items[p["Jordan Reyes"]].path().elementCount() > 9  # curves
    # the role of the competitor-linked person is drawn in the competitor colour, Jordan's is not
    assert edge(view, p["Alex Marlow"], p[SCALEWISE], ROLE).line.pen().color() != \
        edge(view, p["Jordan Reyes"], p[SCALEWISE], ROLE).line.pen().color()
    legend = {item.toPlainText() for item in view.scene().items() if hasattr(item, "toPlainText")}
    assert {"Legend", "Vendor", "Competitor", "Company", "Person", "Competitor-linked person",
            "Stake (shares / votes)", "Role, with its dates", "Ended role"} <= legend


def test_full_names_wrapped_inside_their_boxes_with_tooltips(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    view = tab.graph
    p = ids(demo_engine)
    for name in NAMES:
        text = view.name_items[p[name]]
        assert text.toPlainText() == name  # never "Scalewise Founders Holdin…"
        box = view.node_items[p[name]].sceneBoundingRect()
        assert box.contains(text.sceneBoundingRect()), name
        assert view.node_items[p[name]].toolTip().startswith(name + "\n")
    # a long name wraps onto several lines, still whole
    founders = view.name_items[p["Scalewise Founders Holding LLC"]].boundingRect().height()
    assert founders > 1.5 * view.name_items[p["Alex Marlow"]].boundingRect().height()


def test_edges_attach_at_distinct_points(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    view = tab.graph
    p = ids(demo_engine)
    into_vendor = [d.end for d in view.edges if d.edge.held == p[SCALEWISE]]
    assert len(into_vendor) == 5  # three holders' stakes, Alex Marlow's and Jordan Reyes's roles
    assert len({(round(pt.x(), 1), round(pt.y(), 1)) for pt in into_vendor}) == 5
    out_of_marlow = [d.start for d in view.edges if d.edge.holder == p["Alex Marlow"]]
    assert len(out_of_marlow) == 3 and len({(round(pt.x(), 1), round(pt.y(), 1)) for pt in out_of_marlow}) == 3
    vendor_box = view.node_items[p[SCALEWISE]].sceneBoundingRect()
    for pt in into_vendor:  # on the box's top side, inside its width
        assert abs(pt.y() - vendor_box.top()) < 2 and vendor_box.left() < pt.x() < vendor_box.right()


def test_holders_above_what_they_hold_and_labels_apart(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    view = tab.graph
    for d in view.edges:
        holder = view.node_items[d.edge.holder].sceneBoundingRect()
        held = view.node_items[d.edge.held].sceneBoundingRect()
        assert holder.bottom() < held.top()
    labels = [d.label.sceneBoundingRect() for d in view.edges]
    assert not any(a.intersects(b) for i, a in enumerate(labels) for b in labels[i + 1:])


def test_zoom_with_wheel_and_buttons_and_fit(qtbot, demo_engine):
    tab = scalewise_tab(qtbot, demo_engine)
    view, panel = tab.graph, tab.graph_panel
    start = view.zoom_level()
    qtbot.mouseClick(panel.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom_level() == pytest.approx(start * 1.25)
    qtbot.mouseClick(panel.zoom_out_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom_level() == pytest.approx(start / 1.25)
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(wheel)
    assert view.zoom_level() == pytest.approx(start * 1.25)  # two notches in: 1/1.25 * 1.25^2
    qtbot.mouseClick(panel.fit_button, Qt.MouseButton.LeftButton)
    whole = view.mapFromScene(view.sceneRect()).boundingRect()
    port = view.viewport().rect()
    assert whole.width() <= port.width() + 8 and whole.height() <= port.height() + 8  # everything in sight
    assert whole.width() >= port.width() - 8 or whole.height() >= port.height() - 8  # and no smaller than needed


def test_export_png_and_svg_files_carry_the_graph(qtbot, demo_engine, tmp_path: Path, monkeypatch):
    tab = scalewise_tab(qtbot, demo_engine)
    png = tab.graph.export(tmp_path / "scalewise.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 800 and image.height() > 400
    svg = tab.graph.export(tmp_path / "scalewise.svg")
    root = ET.parse(svg).getroot()
    words = " ".join(" ".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    words = " ".join(words.split())
    for name in NAMES:
        assert name in words
    assert "Chief Executive Officer, 1 Aug 2016 – 12 Jun 2025 (ended)" in words
    # through the button and the file dialog (the SVG filter chosen, no extension typed)
    chosen = tmp_path / "from-dialog"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(chosen), "SVG drawing (*.svg)"))
    qtbot.mouseClick(tab.graph_panel.export_button, Qt.MouseButton.LeftButton)
    assert tab.graph_panel.last_export == tmp_path / "from-dialog.svg"
    assert "Alex Marlow" in (tmp_path / "from-dialog.svg").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.part"))


def test_export_to_a_folder_that_cannot_be_written_says_why(qtbot, demo_engine, tmp_path: Path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    tab = scalewise_tab(qtbot, demo_engine)
    missing = tmp_path / "no-such-folder" / "graph.png"
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), "PNG image (*.png)"))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    qtbot.mouseClick(tab.graph_panel.export_button, Qt.MouseButton.LeftButton)
    assert warned == [f"The graph could not be written to {missing}: cannot write to this folder."]
    assert not missing.parent.exists()


def test_double_click_emits_the_party_and_the_window_opens_it(qtbot, demo_engine, settings):
    from desktop.ui.main_window import MainWindow
    from desktop.ui.ownership.party_card import PartyCardDialog

    window = MainWindow(demo_engine, "test", None, settings)
    qtbot.addWidget(window)
    window.show()
    p = ids(demo_engine)
    with read_session(demo_engine) as s:
        vendor = s.exec(select(Vendor.id).where(Vendor.party_id == p[SCALEWISE])).one()
    editor = window.open_vendor(vendor)
    [tab] = [editor.tabs.widget(i) for i in range(editor.tabs.count())
             if isinstance(editor.tabs.widget(i), OwnershipTab)]
    editor.tabs.setCurrentWidget(tab)
    view = tab.graph
    item = view.node_items[p["Alex Marlow"]]
    view.centerOn(item)
    point = view.mapFromScene(item.sceneBoundingRect().center())
    with qtbot.waitSignal(tab.partyActivated) as blocker:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [p["Alex Marlow"]]
    dialog = window.last_dialog
    assert isinstance(dialog, PartyCardDialog) and dialog.windowTitle() == "Alex Marlow"
    assert "Chief AI Officer, since 13 Jun 2025 in Contoso Platforms Inc." in dialog.text.text()
    assert "60% in Scalewise Founders Holding LLC" in dialog.text.text()
    dialog.close()
    # a vendor's box opens the vendor's editor
    window.open_party(p[SCALEWISE])
    assert window.workspace.currentWidget() is editor


def test_the_graph_speaks_spanish(qtbot, qapp, demo_engine):
    from desktop.ui import translator

    try:
        translator.install(qapp, "es")
        tab = scalewise_tab(qtbot, demo_engine)
        view = tab.graph
        p = ids(demo_engine)
        assert view.kind_items[p["Alex Marlow"]].toPlainText() == \
            "Persona vinculada a un competidor (Contoso Platforms Inc.)"
        assert view.kind_items[p[SCALEWISE]].toPlainText() == "Proveedor"
        assert edge(view, p["Alex Marlow"], p[SCALEWISE], ROLE).label.toPlainText() == (
            "Director, desde el 1 ago 2016\nChief Executive Officer, 1 ago 2016 – 12 jun 2025 (finalizado)")
        assert edge(view, p["Contoso Ventures LLC"], p[SCALEWISE], OWNERSHIP).label.toPlainText() == \
            "49% / votos 0%"
    finally:
        translator.install(qapp, "en")
