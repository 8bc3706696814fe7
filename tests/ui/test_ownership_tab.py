"""The Ownership & people tab on the demo data, driven with qtbot."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from sqlalchemy import text
from sqlmodel import select

from db.engine import read_session
from db.models import Party, Vendor
from desktop.ui.operations import ChangeSet, signals
from desktop.ui.ownership import InterestTableModel, OwnershipTab
from tests.ui.ops import finish


def vendor_id(engine, name: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(Vendor.id).join(Party, Party.id == Vendor.party_id).where(Party.name == name)).one()


def party_id(engine, name: str) -> int:
    with read_session(engine) as s:
        return s.exec(select(Party.id).where(Party.name == name)).one()


def test_interest_model_passes_qtmodeltester(qtmodeltester, demo_engine):
    model = InterestTableModel(demo_engine, party_id(demo_engine, "Scalewise Data Inc."))
    qtmodeltester.check(model)
    holders = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert {"Contoso Ventures LLC", "Contoso Platforms Inc.", "Alex Marlow"} <= holders


def test_tab_shows_findings_graph_and_replays_history(qtbot, demo_engine):
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Scalewise Data Inc."))
    qtbot.addWidget(tab)
    tab.show()
    assert "COMPETITOR_ECONOMIC_STAKE" in tab.finding_codes()
    assert "PEOPLE_TIE_COMPETITOR" in tab.finding_codes()
    contoso = party_id(demo_engine, "Contoso Platforms Inc.")
    assert contoso in tab.graph.node_items
    # the vendor is at the bottom of the graph
    vendor_item = tab.graph.node_items[tab.party_id]
    assert all(vendor_item.sceneBoundingRect().top() >= i.sceneBoundingRect().top()
               for i in tab.graph.node_items.values())
    with qtbot.waitSignal(tab.analysisChanged):
        tab.as_of.setDate(QDate(2025, 1, 1))
    assert not any(c.startswith("COMPETITOR") for c in tab.finding_codes())
    assert contoso not in tab.graph.node_items


def test_double_click_on_a_node_emits_party_activated(qtbot, demo_engine):
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Scalewise Data Inc."))
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    contoso = party_id(demo_engine, "Contoso Platforms Inc.")
    item = tab.graph.node_items[contoso]
    tab.graph.centerOn(item)
    point = tab.graph.mapFromScene(item.sceneBoundingRect().center())
    with qtbot.waitSignal(tab.partyActivated) as blocker:
        qtbot.mouseDClick(tab.graph.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [contoso]


def test_edit_validation_and_archive(qtbot, demo_engine):
    tab = OwnershipTab(demo_engine, vendor_id(demo_engine, "Clearlabel Cooperativa S.Coop."))
    qtbot.addWidget(tab)
    tab.show()
    before = tab.model.rowCount()
    with demo_engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM interest")).scalar_one()
    tab.new_interest()
    tab.holder.setCurrentIndex(tab.holder.findData(party_id(demo_engine, "Fabrikam AI Ltd")))
    tab.share_min.setText("40")
    tab.share_max.setText("30")
    tab.start.setText("2025-13-01")
    assert tab.save() is None
    assert "below the minimum" in tab.errors["share_max"].text()
    assert "YYYY-MM-DD" in tab.errors["start"].text()
    tab.share_max.setText("150")
    assert tab.save() is None and "0 to 100" in tab.errors["share_max"].text()
    with demo_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM interest")).scalar_one() == count  # nothing written
    tab.share_min.clear()
    tab.share_max.clear()
    tab.share_exact.setText("60")
    tab.start.setText("2025-01-01")
    changes: list[ChangeSet] = []
    signals().changed.connect(changes.append)
    try:
        finish(qtbot, tab.save())
        assert tab.model.rowCount() == before + 1
        assert "COMPETITOR_CONTROL" in tab.finding_codes()
        assert tab.errors["share_max"].text() == ""
        # the other views (register exposure, Home, other vendors' tabs) are told: ownership reaches every vendor
        assert [(c.vendors, c.vendor_id) for c in changes] == [(True, None)]
        finish(qtbot, tab.archive())
        assert tab.model.rowCount() == before
        assert "COMPETITOR_CONTROL" not in tab.finding_codes()
        assert len(changes) == 2 and changes[1].vendors and changes[1].vendor_id is None
    finally:
        signals().changed.disconnect(changes.append)
