"""Fuzzy watchlist matches decided in the window (settings and the ownership tab) and a BODS import that
asks about uncertain parties, driven with qtbot on the demo data."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlmodel import select

from db.engine import read_session
from db.models import Party, Vendor
from desktop.services.bods import export_statements_for
from desktop.services.ownership import analyze
from desktop.ui.main_window import MainWindow
from desktop.ui.ownership import OwnershipTab
from desktop.ui.ownership.bods_import import BodsMatchDialog
from desktop.ui.settings_dialog import SettingsDialog

KESTREL = "Kestrel Red-Teaming Ltd"


def vendor_id(engine, name: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(Vendor.id).join(Party, Party.id == Vendor.party_id).where(Party.name == name)).one()


def finish(qtbot, operation) -> None:
    with qtbot.waitSignal(operation.done, timeout=30000) as done:
        pass
    assert done.args[1] is None, done.args[1]


def test_confirm_a_possible_match_on_the_watchlist_page(qtbot, demo_engine):
    dialog = SettingsDialog(demo_engine)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(dialog.watchlist_index)
    panel = dialog.matches
    finish(qtbot, panel.last_operation)
    assert panel.table.rowCount() == 1
    assert [panel.table.item(0, c).text() for c in range(5)] == [
        "Fabrikam AI Labs Ltd", "Fabrikam Labs GmbH", "Fabrikam AI Ltd", "90%", "to decide"]
    assert not panel.confirm_button.isEnabled()  # nothing selected yet
    panel.table.selectRow(0)
    assert panel.confirm_button.isEnabled() and panel.reject_button.isEnabled()
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    finish(qtbot, panel.last_operation)  # the decision
    finish(qtbot, panel.last_operation)  # the reload that follows it
    assert panel.table.item(0, 4).text() == "confirmed"
    assert analyze(demo_engine, KESTREL)["competitor_groups"][0]["competitor"] == "Fabrikam AI Ltd"


def test_reject_a_possible_match_in_the_ownership_tab(qtbot, demo_engine):
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, KESTREL))
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    assert "POSSIBLE_COMPETITOR_MATCH" in tab.finding_codes()
    finish(qtbot, tab.matches.last_operation)
    assert tab.matches.isVisible() and tab.matches.table.rowCount() == 1
    qtbot.waitUntil(lambda: tab.matches.reject_button.height() > 0)  # the panel has room under the findings
    tab.matches.table.selectRow(0)
    with qtbot.waitSignal(tab.analysisChanged, timeout=30000):
        qtbot.mouseClick(tab.matches.reject_button, Qt.MouseButton.LeftButton)
    finish(qtbot, tab.matches.last_operation)  # the matches reload after the decision
    assert "POSSIBLE_COMPETITOR_MATCH" not in tab.finding_codes()
    assert tab.matches.table.item(0, 4).text() == "rejected"  # the decision stays in view (it can be reversed)
    assert analyze(demo_engine, KESTREL)["competitor_groups"] == []
    with qtbot.waitSignal(tab.analysisChanged):  # another day: no possible match left to decide
        tab.refresh()
    assert not tab.matches.isVisible()


def test_scalewise_tab_marks_the_competitor_linked_person(qtbot, demo_engine):
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Scalewise Data Inc."))
    qtbot.addWidget(tab)
    tab.show()
    assert "COMPETITOR_LINKED_PERSON_CONTROL" in tab.finding_codes()
    texts = [tab.findings.item(i).text() for i in range(tab.findings.count())]
    assert texts[0].startswith("[blocker] Alex Marlow controls Scalewise Data Inc.")
    with read_session(demo_engine) as s:
        marlow = s.exec(select(Party.id).where(Party.name == "Alex Marlow")).one()
    node = tab.graph.node_items[marlow]
    assert node.pen().style() == Qt.PenStyle.DashLine and "linked to Contoso Platforms Inc." in node.toolTip()
    assert not tab.matches.isVisible()


def test_bods_import_asks_which_party_an_uncertain_one_is(qtbot, demo_engine, settings, tmp_path: Path):
    statements = export_statements_for(demo_engine, "Scalewise Data Inc.")
    for st in statements:  # the file calls the vendor by another legal form and has no LEI for it
        details = st["recordDetails"]
        if st["recordType"] == "entity" and details.get("name") == "Scalewise Data Inc.":
            details["name"] = "Scalewise Data LLC"
            details.pop("identifiers", None)
    path = tmp_path / "scalewise-registry.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    window = MainWindow(demo_engine, "test", None, settings)
    qtbot.addWidget(window)
    window.show()
    check = window.import_bods(path)
    finish(qtbot, check)
    dialog = window.last_dialog
    assert isinstance(dialog, BodsMatchDialog)
    assert dialog.table.item(0, 0).text() == "Scalewise Data LLC"
    assert "another legal form" in dialog.table.item(0, 1).text()
    [combo] = dialog.choices.values()
    assert combo.itemText(0).startswith("Scalewise Data Inc. (party #")
    combo.setCurrentIndex(0)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    dialog.button_box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(dialog.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any("Imported" in m for m in messages), timeout=30000)
    assert "0 new parties" in messages[-1]
    with read_session(demo_engine) as s:
        assert len(s.exec(select(Party).where(Party.name_normalised.like("scalewise data%"))).all()) == 1
