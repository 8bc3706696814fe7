"""The main window: register listing, SQL search and filters, menus, shortcuts, QSettings, extension points."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.main_window import MainWindow
from desktop.ui.vendor_editor import VendorEditor
from desktop.ui.vendor_model import CHUNK, FIRST, VendorTableModel


def _window(qtbot, engine, settings=None) -> MainWindow:
    window = MainWindow(engine, "test database", "sqlite:///test.sqlite3", settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _names(model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_vendor_model_passes_qtmodeltester(qtmodeltester, demo_engine):
    model = VendorTableModel(demo_engine)
    qtmodeltester.check(model)
    assert model.rowCount() == 9


def test_main_window_lists_and_searches_vendors(qtbot, demo_engine):
    window = _window(qtbot, demo_engine)
    names = set(_names(window.model))
    assert "Scalewise Data Inc." in names and len(names) == 9
    qtbot.keyClicks(window.search, "tessera")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, 0).data() == "Tessera Labeling GmbH"
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 9)
    assert window.count_label.text() == "9 vendors"


def test_sorting_is_done_by_the_database(qtbot, demo_engine):
    model = VendorTableModel(demo_engine)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    names = _names(model)
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_filters_through_the_widgets(qtbot, demo_engine):
    window = _window(qtbot, demo_engine)
    reg = window.register
    reg.tier.setCurrentIndex(reg.tier.findData("critical"))
    assert _names(window.model) == ["Scalewise Data Inc."]
    reg.clear_filters()
    reg.expiring.setCurrentIndex(reg.expiring.findData("30"))
    assert _names(window.model) == ["Veridata Annotations Ltd"]
    flags_column = 8
    assert window.model.index(0, flags_column).data() == "certificate expiring"
    reg.clear_filters()
    reg.overdue.setChecked(True)
    assert _names(window.model) == []
    reg.overdue.setChecked(False)
    reg.rating.setCurrentIndex(reg.rating.findData("none"))
    assert len(_names(window.model)) == 9


def test_lazy_fetching_exposes_rows_in_chunks(qtbot, sqlite_engine):
    from sqlalchemy import insert

    from db.models import Party, Vendor

    n = CHUNK + 50
    with sqlite_engine.begin() as conn:
        conn.execute(insert(Party), [{"name": f"V{i:05d}", "name_normalised": f"v{i:05d}", "kind": "entity",
                                      "notes": "", "version": 1} for i in range(n)])
        conn.execute(insert(Vendor), [{"party_id": i + 1, "notes": "", "version": 1} for i in range(n)])
    model = VendorTableModel(sqlite_engine)
    # a new search or filter reads the first screens only; scrolling reads on a chunk at a time
    assert model.total() is None and model.rowCount() == FIRST and model.canFetchMore()
    model.fetchMore()
    assert n < FIRST + CHUNK and model.rowCount() == n and not model.canFetchMore() and model.total() == n
    assert model.index(n - 1, 0).data() == f"V{n - 1:05d}"


def test_menus_shortcuts_and_accessible_names(qtbot, demo_engine):
    window = _window(qtbot, demo_engine)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Assessment", "&Help"]
    for action in (window.new_vendor_action, window.import_action, window.export_action, window.save_action,
                   window.find_action, window.refresh_action, window.settings_action, window.quit_action,
                   window.close_tab_action, window.home_action, window.register_action):
        assert not action.shortcut().isEmpty(), action.text()
    for widget in window.findChildren(QWidget):
        if widget.metaObject().className() in ("QLineEdit", "QComboBox", "QCheckBox", "QTableView"):
            named = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            assert named or widget.parent().metaObject().className() == "QComboBox", widget
    window.find_action.trigger()
    assert window.workspace.currentWidget() is window.register


def test_archive_runs_as_an_operation_and_the_vendor_leaves_the_register(qtbot, demo_engine, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.backend import ChangeSet
    from desktop.ui.operations import signals

    window = _window(qtbot, demo_engine)
    row = _names(window.model).index("Scalewise Data Inc.")
    window.table.selectRow(row)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers.pop(0))
    window.archive_action.trigger()  # "No": nothing is written
    assert window.last_operation is None and "Scalewise Data Inc." in _names(window.model)
    announced: list[ChangeSet] = []
    signals().changed.connect(announced.append)
    try:
        window.archive_action.trigger()  # off the GUI thread, in one unit of work
        with qtbot.waitSignal(window.last_operation.done, timeout=10000) as done:
            pass
    finally:
        signals().changed.disconnect(announced.append)
    assert done.args[1] is None
    assert [c.vendors for c in announced] == [True] and announced[0].vendor_id is None  # the register re-reads
    assert "Scalewise Data Inc." not in _names(window.model) and len(_names(window.model)) == 8
    assert window.count_label.text() == "8 vendors"


def test_geometry_and_recent_databases_remembered(qtbot, demo_engine, settings):
    window = _window(qtbot, demo_engine, settings)
    window.resize(640, 480)
    expected = window.size()
    window.close()
    settings.sync()
    assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value("main_window/geometry") is not None
    again = _window(qtbot, demo_engine, settings)
    assert again.size() == expected and expected.width() != 1200
    assert again.recent_databases()[0] == "sqlite:///test.sqlite3"


def test_open_recent_lists_databases_and_opens_one_in_a_new_window(qtbot, demo_engine, settings, tmp_path):
    from desktop.services.database import open_database

    other = tmp_path / "other.sqlite3"
    open_database(str(other), daily_backup=False).dispose()
    window = _window(qtbot, demo_engine, settings)
    window.recent_menu.aboutToShow.emit()
    assert [a.text() for a in window.recent_menu.actions()] == ["sqlite:///test.sqlite3"]
    opened = window.open_database(str(other))
    qtbot.addWidget(opened)
    assert isinstance(opened, MainWindow) and opened.isVisible() and opened is not window
    assert "other.sqlite3" in opened.windowTitle() and opened.model.rowCount() == 0
    window.recent_menu.aboutToShow.emit()
    assert [a.text() for a in window.recent_menu.actions()] == [str(other), "sqlite:///test.sqlite3"]


def test_vendor_tab_extension_point_and_assessment_menu(qtbot, demo_engine):
    window = _window(qtbot, demo_engine)
    seen = []

    def factory(engine, vendor_id):
        seen.append(vendor_id)
        return QLabel(f"plugged {vendor_id}")

    window.add_vendor_tab(factory, "Plugged")
    window.assessment_menu.addAction("New assessment")
    editor = window.open_vendor(window.model.vendor_id(0))
    titles = [editor.tabs.tabText(i) for i in range(editor.tabs.count())]
    assert "Plugged" in titles and seen == [editor.vendor_id]
    assert window.current_vendor_id() == editor.vendor_id
    assert [a.text() for a in window.assessment_menu.actions()][-1] == "New assessment"
    assert "&Verify a signed PDF…" in [a.text() for a in window.assessment_menu.actions()]


def test_open_vendor_from_register_and_close_prompt(qtbot, demo_engine):
    window = _window(qtbot, demo_engine)
    index = window.model.index(0, 0)
    window.table.doubleClicked.emit(index)
    editor = window.workspace.currentWidget()
    assert isinstance(editor, VendorEditor) and editor.vendor_id == window.model.vendor_id(0)
    assert window.open_vendor(editor.vendor_id) is editor  # not opened twice
    qtbot.keyClicks(editor.profile.services, " and more")
    asked = []
    editor.confirm_discard = lambda parent, title: asked.append(title) or "cancel"
    assert not window.close_tab(window.workspace.indexOf(editor))
    assert asked and window.workspace.indexOf(editor) >= 0
    window.close()
    assert window.isVisible()  # closing was refused: unsaved changes
    editor.confirm_discard = lambda parent, title: "discard"
    assert window.close_tab(window.workspace.indexOf(editor))
