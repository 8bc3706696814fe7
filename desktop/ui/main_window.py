"""The main window: Home (dashboard), the vendor register, and vendor editors in closable tabs.

Extension points for other features:
- ``MainWindow.add_vendor_tab(factory, title)``: ``factory(backend, vendor_id) -> QWidget`` adds a tab to
  every vendor editor opened afterwards (the Ownership & people tab is added this way).
- ``MainWindow.assessment_menu``: the Assessment menu (a QMenu) for assessment actions;
  ``MainWindow.current_vendor_id()`` tells them which vendor is selected or open.
- ``desktop.ui.operations``: ``run_operation`` for long work and the app-wide ``changed`` signal.

If ``desktop.ui.ownership`` is importable, its ``OwnershipTab(backend, vendor_id)`` is added
automatically (the one guarded import: the ownership feature is developed separately).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from db.errors import DatabaseError
from desktop import __version__
from desktop.core.errors import UserError
from desktop.core.i18n import format_number
from desktop.services.backend import Backend, backend_name, backend_url
from desktop.services.register import RATINGS, RegisterQuery, count_vendors
from desktop.services.vendors import set_archived
from desktop.ui.dashboard import DashboardWidget
from desktop.ui.fit import fit_size
from desktop.ui.labels import rating_labels
from desktop.ui.operations import (
    ChangeSet,
    Operation,
    announce,
    run_query,
    show_error,
    signals,
)
from desktop.ui.vendor_editor import TabFactory, VendorEditor
from desktop.ui.vendor_model import PAGE, VendorTableModel

log = logging.getLogger("vetta.ui")
MAX_RECENT = 8


def _ownership_tab(backend: Backend, vendor_id: int) -> QWidget:
    """The Ownership & people tab (its graph and analysis modules load when a vendor is first opened)."""
    from desktop.ui.ownership import OwnershipTab

    return OwnershipTab(backend, vendor_id)


NAME_WIDTH = 220  # the register's name column, when no search shows reasons in it


class RegisterWidget(QWidget):
    """Search box, filters and the register table."""

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = VendorTableModel(backend, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, alias, identifier or tag"))
        self.search.setAccessibleName(self.tr("Search vendors"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)

        self.status = self._combo(self.tr("Status filter"), [
            ("", self.tr("Any status")), ("prospect", self.tr("Prospect")), ("active", self.tr("Active")),
            ("suspended", self.tr("Suspended")), ("offboarded", self.tr("Offboarded"))])
        self.tier = self._combo(self.tr("Tier filter"), [
            ("", self.tr("Any tier")), ("critical", self.tr("Critical")), ("high", self.tr("High")),
            ("medium", self.tr("Medium")), ("low", self.tr("Low"))])
        labels = {**rating_labels(), "none": self.tr("Not yet assessed")}
        self.rating = self._combo(self.tr("Latest rating filter"),
                                  [("", self.tr("Any rating"))] + [(r, labels[r]) for r in RATINGS])
        self.expiring = self._combo(self.tr("Expiry filter"), [
            ("", self.tr("Any expiry")), ("30", self.tr("Expiring ≤ 30 days")),
            ("60", self.tr("Expiring ≤ 60 days")), ("90", self.tr("Expiring ≤ 90 days"))])
        self.exposure = self._combo(self.tr("Competitor exposure filter"), [
            ("", self.tr("Any competitor exposure")), ("any", self.tr("Exposed to a competitor")),
            ("control", self.tr("Controlled by a competitor")), ("stake", self.tr("Competitor stake or control")),
            ("people", self.tr("Competitor-linked people only")), ("none", self.tr("No competitor exposure"))])
        # the longest filter: kept narrow in the bar (its list opens wide enough), so the search box keeps its room
        self.exposure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.exposure.setMinimumContentsLength(22)
        self.exposure.view().setMinimumWidth(self.exposure.view().sizeHintForColumn(0) + 24)
        self.overdue = QCheckBox(self.tr("Review overdue"), self)
        self.stale = QCheckBox(self.tr("Assessment stale"), self)
        for box in (self.overdue, self.stale):
            box.toggled.connect(self.apply_filters)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        # The model starts in name order: say so before enabling sorting, so the view asks for nothing more.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((NAME_WIDTH, 55, 100, 70, 110, 400, 150, 100)):
            self.table.setColumnWidth(column, width)
        self.table.setAccessibleName(self.tr("Vendor register"))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.status, self.tier, self.rating, self.exposure, self.expiring):
            filters.addWidget(w)
        filters.addWidget(self.overdue)
        filters.addWidget(self.stale)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for value, label in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.apply_filters)
        return combo

    def query(self) -> RegisterQuery:
        q = self.model.query()
        expiring = str(self.expiring.currentData() or "")
        return q.with_(search=self.search.text(), status=self.status.currentData() or None,
                       tier=self.tier.currentData() or None, rating=self.rating.currentData() or None,
                       review_overdue=self.overdue.isChecked(), stale=self.stale.isChecked(),
                       expiring_within_days=int(expiring) if expiring else None,
                       exposure=self.exposure.currentData() or None)

    @Slot()
    def apply_filters(self) -> None:
        self._timer.stop()
        self.model.set_query(self.query())
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """While a search lists vendors through related parties, the name column widens to show why
        ("Scalewise Data Inc. · via Contoso Ventures LLC (shareholder)"), sized on the first page only."""
        width = NAME_WIDTH
        reasons = self.model.shown_with_reason(PAGE) if len(self.model.query().search.strip()) > 2 else []
        if reasons:
            metrics = self.table.fontMetrics()
            width = max(NAME_WIDTH, min(max(metrics.horizontalAdvance(t) for t in reasons) + 16, 2 * NAME_WIDTH + 60))
        if self.table.columnWidth(0) != width:
            self.table.setColumnWidth(0, width)

    def clear_filters(self) -> None:
        for w in (self.status, self.tier, self.rating, self.exposure, self.expiring):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)
        for box in (self.overdue, self.stale):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def selected_vendor_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.vendor_id(rows[0].row()) if rows else None


class MainWindow(QMainWindow):
    def __init__(self, backend: Backend, db_label: str, db_url: str | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("vetta-main-window")
        self.setWindowTitle(self.tr("Vetta — {db}").format(db=db_label))
        fit_size(self, 1200, 760)
        self._backend = backend
        self._db_label = db_label
        # the full location (never a password) for the status bar's tooltip and the About box
        self._db_location = backend_name(backend).location
        self._db_url = db_url or db_label
        self._settings = settings or QSettings()
        self._vendor_tabs: list[tuple[TabFactory, str]] = []
        self._windows: list[MainWindow] = []
        self.last_operation: Operation | None = None
        self.last_dialog: QWidget | None = None
        self.replacement: MainWindow | None = None
        from desktop.core import i18n

        self._language = i18n.current_language()
        icon = Path(__file__).resolve().parents[2] / "resources" / "icons" / "vetta-256.png"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.count_operation: Operation | None = None

        self.workspace = QTabWidget(self)
        self.workspace.setDocumentMode(True)
        self.workspace.setTabsClosable(True)
        self.workspace.tabCloseRequested.connect(self._close_requested)
        self.dashboard = DashboardWidget(backend, self)
        self.register = RegisterWidget(backend, self)
        self.workspace.addTab(self.dashboard, self.tr("Home"))
        self.workspace.addTab(self.register, self.tr("Vendor register"))
        for i in (0, 1):
            self.workspace.tabBar().setTabButton(i, self.workspace.tabBar().ButtonPosition.RightSide, None)
            self.workspace.tabBar().setTabButton(i, self.workspace.tabBar().ButtonPosition.LeftSide, None)
        self.workspace.setCurrentWidget(self.register)
        self.setCentralWidget(self.workspace)
        # Compatibility with the first window's API.
        self.model = self.register.model
        self.search = self.register.search
        self.table = self.register.table

        self.register.table.doubleClicked.connect(lambda index: self.open_vendor(self.model.vendor_id(index.row())))
        self.register.table.activated.connect(lambda index: self.open_vendor(self.model.vendor_id(index.row())))
        self.model.modelReset.connect(self._update_status)
        self.model.layoutChanged.connect(self._update_status)
        self.dashboard.open_record.connect(self.open_record)
        self.dashboard.filter_rating.connect(self._filter_rating)
        self.dashboard.filter_exposure.connect(self._filter_exposure)
        signals().changed.connect(self._on_changed)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(500)
        self._count_timer.timeout.connect(self._count_in_background)
        self._build_actions()
        self._update_status()
        self._install_plugins()
        self._restore_state()
        self._remember_database()
        from desktop.ui.roles import apply_role

        self.who = apply_role(self, backend)  # "Signed in as ..."; what the role cannot do is disabled

    # ------------------------------------------------------------------ actions and menus
    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "",
                fallback: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if fallback and action.shortcut().isEmpty():  # some platforms define no standard key
            action.setShortcut(QKeySequence(fallback))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.new_vendor_action = self._action(self.tr("&New vendor…"), self._new_vendor_clicked, K.New,
                                              self.tr("Add a vendor to the register"), fallback="Ctrl+N")
        self.open_vendor_action = self._action(self.tr("&Open vendor"), self.open_selected, "Ctrl+Return",
                                               self.tr("Open the selected vendor"))
        self.open_db_action = self._action(self.tr("Open &database…"), self.choose_database, K.Open, fallback="Ctrl+O")
        self.parties_action = self._action(self.tr("&People and companies…"), self.open_parties, "Ctrl+Shift+P",
                                           self.tr("Record and edit the people and companies around your vendors"))
        self.import_action = self._action(self.tr("&Import vendors…"), self.import_vendors, "Ctrl+I",
                                          self.tr("Import vendors from a CSV or XLSX file"))
        self.export_action = self._action(self.tr("&Export register…"), self.export_register, "Ctrl+E",
                                          self.tr("Export the filtered register to CSV or XLSX"))
        self.settings_action = self._action(self.tr("&Settings…"), self._settings_clicked, K.Preferences, fallback="Ctrl+,")
        self.close_tab_action = self._action(self.tr("&Close tab"), self.close_current_tab, K.Close, fallback="Ctrl+W")
        self.quit_action = self._action(self.tr("&Quit"), self.close, K.Quit, fallback="Ctrl+Q")
        self.save_action = self._action(self.tr("&Save"), self.save_current, K.Save, fallback="Ctrl+S")
        self.find_action = self._action(self.tr("&Find"), self.focus_search, K.Find, fallback="Ctrl+F")
        self.archive_action = self._action(self.tr("&Archive vendor"), self.archive_selected, "Ctrl+Delete")
        self.home_action = self._action(self.tr("&Home"), lambda: self.workspace.setCurrentIndex(0), "Ctrl+1")
        self.register_action = self._action(self.tr("Vendor &register"),
                                            lambda: self.workspace.setCurrentWidget(self.register), "Ctrl+2")
        self.refresh_action = self._action(self.tr("&Refresh"), self.refresh, K.Refresh, fallback="F5")
        self.clear_filters_action = self._action(self.tr("C&lear filters"), self.register.clear_filters,
                                                 "Ctrl+Shift+L")
        self.import_bods_action = self._action(self.tr("Import &BODS ownership…"), self.import_bods_clicked, "",
                                               self.tr("Import a Beneficial Ownership Data Standard (BODS 0.4) file"))
        self.backup_action = self._action(self.tr("&Back up database now"), self.backup_now, "",
                                          self.tr("Copy the database file to the backups folder"))
        self.new_assessment_action = self._action(self.tr("&New assessment for this vendor…"),
                                                  self._new_assessment_clicked, "Ctrl+Shift+N",
                                                  self.tr("Start the guided checklist for the current vendor"))
        self.open_wizard_action = self._action(self.tr("&Open the assessment wizard"), self._open_wizard_clicked,
                                               "Ctrl+Shift+O",
                                               self.tr("Open the latest assessment of the current vendor"))
        self.approve_action = self._action(self.tr("&Approve && sign…"), self._approve_clicked, "",
                                           self.tr("Decide and sign the assessment in review"))
        self.export_report_action = self._action(self.tr("&Export report…"), self._export_report_clicked, "",
                                                 self.tr("Write the assessment report as a PDF"))
        self.preview_report_action = self._action(self.tr("&Preview report"), self._preview_clicked, "")
        self.send_questionnaire_action = self._action(
            self.tr("Send vendor &questionnaire…"), self._send_questionnaire_clicked, "",
            self.tr("Write the vendor-facing questions of the current assessment to an Excel workbook"))
        self.import_answers_action = self._action(
            self.tr("Import vendor ans&wers…"), self._import_answers_clicked, "",
            self.tr("Import a filled questionnaire as the vendor's answers (all or nothing)"))
        self.verify_action = self._action(self.tr("&Verify a signed PDF…"), self.open_verify, "",
                                          self.tr("Check the signature of a report file"))
        self.guide_action = self._action(self.tr("&User guide"), self.open_guide, K.HelpContents, fallback="F1")
        self.about_action = self._action(self.tr("&About Vetta"), self._about)

        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self.file_menu.addActions([self.new_vendor_action, self.open_vendor_action, self.parties_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.open_db_action)
        self.recent_menu = self.file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.import_action, self.import_bods_action, self.export_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.backup_action)
        self.file_menu.addSeparator()
        self.file_menu.addActions([self.settings_action, self.close_tab_action, self.quit_action])
        self.edit_menu = bar.addMenu(self.tr("&Edit"))
        self.edit_menu.addActions([self.save_action, self.find_action, self.archive_action])
        self.view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu.addActions([self.home_action, self.register_action, self.refresh_action,
                                   self.clear_filters_action])
        self.assessment_menu: QMenu = bar.addMenu(self.tr("&Assessment"))
        self.assessment_menu.setObjectName("assessment-menu")
        self.assessment_menu.addActions([self.new_assessment_action, self.open_wizard_action, self.approve_action])
        self.assessment_menu.addSeparator()
        self.assessment_menu.addActions([self.send_questionnaire_action, self.import_answers_action])
        self.assessment_menu.addSeparator()
        self.assessment_menu.addActions([self.preview_report_action, self.export_report_action, self.verify_action])
        self.help_menu = bar.addMenu(self.tr("&Help"))
        self.help_menu.addActions([self.guide_action, self.about_action])

        toolbar = QToolBar(self.tr("Main"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        toolbar.addActions([self.new_vendor_action, self.open_vendor_action, self.save_action])
        toolbar.addSeparator()
        toolbar.addActions([self.import_action, self.export_action, self.refresh_action])
        toolbar.addSeparator()
        toolbar.addActions([self.home_action, self.register_action, self.settings_action])
        self.view_menu.addSeparator()
        self.view_menu.addAction(toolbar.toggleViewAction())
        self.count_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.count_label)
        self.db_status = QLabel(self._db_label, self)
        self.db_status.setToolTip(self._db_location)
        self.statusBar().addPermanentWidget(self.db_status)

    # ------------------------------------------------------------------ extension points
    def add_vendor_tab(self, factory: TabFactory, title: str) -> None:
        """Add a tab, built by ``factory(backend, vendor_id)``, to every vendor editor opened from now on."""
        self._vendor_tabs.append((factory, title))

    def _install_plugins(self) -> None:
        self.add_vendor_tab(self._ownership_tab, self.tr("Ownership && people"))

    def _ownership_tab(self, backend: Backend, vendor_id: int) -> QWidget:
        tab = _ownership_tab(backend, vendor_id)
        tab.partyActivated.connect(self.open_party)  # type: ignore[attr-defined]
        return tab

    @Slot(int)
    def open_party(self, party_id: int) -> None:
        """A party of an ownership graph: its vendor in the editor, else its card (name, identifiers, interests)."""
        from desktop.core import i18n
        from desktop.services.ownership import party_card
        from desktop.ui.ownership.party_card import PartyCardDialog

        try:
            card = party_card(self._backend, party_id, i18n.current_language())
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return
        if card.vendor_id is not None:
            self.open_vendor(card.vendor_id)
            return
        dialog = PartyCardDialog(card, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.last_dialog = dialog

    def current_vendor_id(self) -> int | None:
        """The vendor of the editor in front, else the one selected in the register."""
        widget: Any = self.workspace.currentWidget()
        if isinstance(widget, VendorEditor):
            return widget.vendor_id
        if widget in self.assessment_tabs():
            return int(widget.view.summary.vendor_id)
        return self.register.selected_vendor_id()

    # ------------------------------------------------------------------ QSettings
    def _restore_state(self) -> None:
        geometry = self._settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = self._settings.value("main_window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))

    def _save_state(self) -> None:
        self._settings.setValue("main_window/geometry", self.saveGeometry())
        self._settings.setValue("main_window/state", self.saveState())
        self._settings.sync()

    def recent_databases(self) -> list[str]:
        value = self._settings.value("recent_databases", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember_database(self) -> None:
        recent = [u for u in self.recent_databases() if u != self._db_url]
        self._settings.setValue("recent_databases", ([self._db_url] + recent)[:MAX_RECENT])
        self._settings.sync()

    @Slot()
    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for url in self.recent_databases():
            action = self.recent_menu.addAction(url)
            action.triggered.connect(lambda _checked=False, u=url: self.open_database(u))
        if not self.recent_menu.actions():
            self.recent_menu.addAction(self.tr("(none)")).setEnabled(False)

    @Slot()
    def choose_database(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Open database"), "",
                                               self.tr("Vetta databases (*.sqlite3 *.db);;All files (*)"))
        if name:
            self.open_database(name)

    def open_database(self, url: str) -> MainWindow | None:
        """Open another database in a new window."""
        from desktop.services.backend import open_backend

        try:
            backend = open_backend(url)
        except DatabaseError as exc:
            show_error(self, exc)
            return None
        window = MainWindow(backend, backend_url(backend), url, self._settings)
        self._windows.append(window)
        window.show()
        return window

    # ------------------------------------------------------------------ vendors
    def editors(self) -> list[VendorEditor]:
        return [w for i in range(self.workspace.count())
                if isinstance(w := self.workspace.widget(i), VendorEditor)]

    def open_vendor(self, vendor_id: int) -> VendorEditor:
        for editor in self.editors():
            if editor.vendor_id == vendor_id:
                self.workspace.setCurrentWidget(editor)
                return editor
        editor = VendorEditor(self._backend, vendor_id, self._vendor_tabs, self)
        self._add_editor(editor)
        return editor

    def _add_editor(self, editor: VendorEditor) -> None:
        index = self.workspace.addTab(editor, editor.title())
        editor.title_changed.connect(lambda title, e=editor: self._retitle(e, title))
        editor.open_assessment.connect(self.open_assessment)
        self.workspace.setCurrentIndex(index)

    def _retitle(self, editor: VendorEditor, title: str) -> None:
        index = self.workspace.indexOf(editor)
        if index >= 0:
            self.workspace.setTabText(index, title)

    @Slot()
    def _new_vendor_clicked(self) -> None:
        self.new_vendor()

    @Slot()
    def _settings_clicked(self) -> None:
        self.open_settings()

    def new_vendor(self) -> VendorEditor:
        editor = VendorEditor(self._backend, None, self._vendor_tabs, self)
        self._add_editor(editor)
        editor.profile.name.setFocus()
        return editor

    @Slot()
    def open_selected(self) -> None:
        vendor_id = self.register.selected_vendor_id()
        if vendor_id is not None:
            self.open_vendor(vendor_id)

    def open_record(self, record_type: str, record_id: int, vendor_id: int) -> None:
        """Open what a dashboard item points at: the vendor, on the tab holding the record."""
        editor = self.open_vendor(vendor_id)
        target = {"contract": editor.contracts, "certification": editor.guarantees}.get(record_type)
        if target is not None:
            editor.tabs.setCurrentWidget(target)

    @Slot(str)
    def _filter_rating(self, rating: str) -> None:
        self.register.clear_filters()
        self.register.rating.setCurrentIndex(max(0, self.register.rating.findData(rating)))
        self.workspace.setCurrentWidget(self.register)

    @Slot(str)
    def _filter_exposure(self, level: str) -> None:
        self.register.clear_filters()
        self.register.exposure.setCurrentIndex(max(0, self.register.exposure.findData(level)))
        self.workspace.setCurrentWidget(self.register)

    @Slot()
    def save_current(self) -> None:
        widget = self.workspace.currentWidget()
        if isinstance(widget, VendorEditor):
            widget.save()

    @Slot()
    def focus_search(self) -> None:
        self.workspace.setCurrentWidget(self.register)
        self.register.search.setFocus()
        self.register.search.selectAll()

    @Slot()
    def archive_selected(self) -> None:
        vendor_id = self.current_vendor_id()
        if vendor_id is None:
            return
        answer = QMessageBox.question(self, self.tr("Archive vendor"), self.tr(
            "Archive this vendor? It disappears from the register but stays in the database and its history."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            set_archived(self._backend, vendor_id, True)
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return
        announce(ChangeSet(vendors=True))

    @Slot(int)
    def _close_requested(self, index: int) -> None:
        self.close_tab(index)

    def close_tab(self, index: int) -> bool:
        from desktop.ui.wizard import AssessmentWizard

        widget = self.workspace.widget(index)
        if isinstance(widget, AssessmentWizard):  # every answer is saved as it is given
            self.workspace.removeTab(index)
            widget.deleteLater()
            return True
        if not isinstance(widget, VendorEditor):
            return False
        if not widget.maybe_close():
            return False
        self.workspace.removeTab(index)
        widget.deleteLater()
        return True

    @Slot()
    def close_current_tab(self) -> None:
        self.close_tab(self.workspace.currentIndex())

    # ------------------------------------------------------------------ import / export / settings
    @Slot()
    def import_vendors(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Import vendors"), "",
                                               self.tr("Spreadsheets (*.csv *.xlsx);;All files (*)"))
        if name:
            self.open_import(Path(name))

    def open_import(self, path: Path) -> Any:
        from desktop.ui.import_dialog import ImportDialog

        try:
            dialog = ImportDialog(self._backend, path, self)
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    @Slot()
    def export_register(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(self, self.tr("Export register"), "vendor-register.xlsx",
                                                   self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            path = Path(name)
            if path.suffix.lower() not in (".csv", ".xlsx"):
                path = path.with_suffix(".csv" if "csv" in chosen.lower() else ".xlsx")
            self.export_to(path)

    def export_to(self, path: Path) -> Operation:
        query = self.register.query()

        def work(backend: Backend, progress: Any, cancelled: Any) -> int:
            from desktop.services.register_io import export_vendors

            return export_vendors(backend, path, query, progress=progress, cancelled=cancelled)

        self.last_operation = run_query(
            self, self.tr("Exporting the register…"), self._backend, work,
            on_success=lambda n: self.statusBar().showMessage(
                self.tr("Exported {n} vendor to {file}", "Exported {n} vendors to {file}", n).format(
                    n=format_number(n), file=str(path)), 8000))
        return self.last_operation

    def open_parties(self) -> Any:
        from desktop.ui.parties import PartiesDialog

        dialog = PartiesDialog(self._backend, self, can_edit=not self.property("vetta_read_only_tabs"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_settings(self) -> Any:
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._backend, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ refresh
    @Slot(object)
    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.settings and self.isVisible():
            from desktop.services.settings import get_settings

            preference = get_settings(self._backend).language
            from desktop.core import i18n

            if i18n.resolve_language(preference) != self._language:
                QTimer.singleShot(0, lambda p=preference: self.apply_language(p))
        if changes.vendors and self.isVisible():
            if changes.vendor_id is not None:
                self.model.refresh_rows()
            else:
                self.register.apply_filters()
            self._update_status()

    @Slot()
    def refresh(self) -> None:
        self.register.apply_filters()
        self.dashboard.reload()

    @Slot()
    def _update_status(self) -> None:
        total = self.model.total()
        if total is not None:
            self.count_label.setText(self.tr("{count} vendor", "{count} vendors", total).format(
                count=format_number(total)))
            return
        self.count_label.setText(self.tr("{count}+ vendors").format(count=format_number(self.model.rowCount())))
        self._count_timer.start()  # count once the user stops typing, off the GUI thread

    @Slot()
    def _count_in_background(self) -> None:
        if self.model.total() is not None:
            return
        query = self.model.query()

        def work(backend: Backend, progress: Any, cancelled: Any) -> int:
            return count_vendors(backend, query)

        def done(count: int) -> None:
            self.model.set_count(query, count)
            if self.model.query() == query:
                self.count_label.setText(self.tr("{count} vendor", "{count} vendors", count).format(
                    count=format_number(count)))

        self.count_operation = run_query(self, "", self._backend, work, on_success=done,
                                             on_failure=lambda exc: None, show_progress=False)

    # ------------------------------------------------------------------ help and closing
    @Slot()
    def open_guide(self) -> None:
        guide = user_guide_path()
        if not guide.exists() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(guide))):
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("User guide"),
                              self.tr("The user guide is the file {path}").format(path=str(guide)),
                              QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def about_text(self) -> str:
        from desktop.logs import log_file
        from desktop.services.database import data_dir

        return self.tr(
            "<h3>Vetta {version}</h3><p>Due diligence of data vendors' neutrality: ownership, people, "
            "data protection, contracts and signed assessments.</p>"
            "<p><b>Database:</b> {db}<br><b>Data folder:</b> {data}<br><b>Log file:</b> {log}</p>"
            "<p>Reports use the DejaVu fonts (Bitstream Vera / DejaVu licence, free to use and embed; "
            "see resources/fonts/LICENSE-DejaVu.txt). Ownership imports follow the Beneficial Ownership Data Standard "
            "0.4; its schema is shipped under its own licence (resources/bods/LICENSE).</p>").format(
            version=__version__, db=html.escape(self._db_location), data=str(data_dir()), log=str(log_file()))

    @Slot()
    def _about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("About Vetta"), self.about_text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = box
        box.open()

    # ------------------------------------------------------------------ assessments
    def assessment_tabs(self) -> list[Any]:
        from desktop.ui.wizard import AssessmentWizard

        return [w for i in range(self.workspace.count())
                if isinstance(w := self.workspace.widget(i), AssessmentWizard)]

    def open_assessment(self, assessment_id: int) -> Any:
        """Show the wizard of ``assessment_id`` in a workspace tab (read only unless a draft)."""
        from desktop.ui.wizard import AssessmentWizard

        for wizard in self.assessment_tabs():
            if wizard.assessment_id == assessment_id:
                self.workspace.setCurrentWidget(wizard)
                return wizard
        try:
            wizard = AssessmentWizard(self._backend, assessment_id, self, lang=self._language)
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return None
        s = wizard.view.summary
        index = self.workspace.addTab(wizard, self.tr("Assessment #{id} — {vendor}").format(
            id=assessment_id, vendor=s.vendor_name))
        wizard.submitted.connect(lambda _i, v=s.vendor_id: announce(ChangeSet(vendors=True, assessments=True,
                                                                              vendor_id=v)))
        self.workspace.setCurrentIndex(index)
        return wizard

    def _vendor_assessments(self) -> list[Any]:
        from desktop.services.assessments import list_assessments

        vendor_id = self.current_vendor_id()
        if vendor_id is None:
            return []
        return sorted(list_assessments(self._backend, vendor_id), key=lambda a: a.series_version)

    def current_assessment_id(self, status: str | None = None) -> int | None:
        """The assessment in front, else the latest one (with ``status``) of the current vendor."""
        from desktop.services.assessments import get_assessment

        current: Any = self.workspace.currentWidget()
        front = [int(w.assessment_id) for w in self.assessment_tabs() if w is current]
        if front and (status is None or get_assessment(self._backend, front[0]).summary.status == status):
            return front[0]
        rows = [a for a in self._vendor_assessments() if status is None or a.status == status]
        return rows[-1].id if rows else None

    def _tell(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Vetta", text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = box
        box.open()

    @Slot()
    def _new_assessment_clicked(self) -> None:
        self.new_assessment()

    def new_assessment(self, template_id: int | None = None) -> Operation | None:
        vendor_id = self.current_vendor_id()
        if vendor_id is None:
            self._tell(self.tr("Select or open a vendor first."))
            return None
        editor = self.open_vendor(vendor_id)
        if editor.assessments is None:
            return None
        editor.tabs.setCurrentWidget(editor.assessments)
        return editor.assessments.new_assessment(template_id)

    @Slot()
    def _open_wizard_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._tell(self.tr("This vendor has no assessment yet: choose New assessment."))
            return
        self.open_assessment(assessment_id)

    @Slot()
    def _approve_clicked(self) -> None:
        self.approve_current()

    def approve_current(self) -> Any:
        assessment_id = self.current_assessment_id("in_review")
        if assessment_id is None:
            self._tell(self.tr("There is no submitted assessment to approve here: submit the assessment from "
                               "its wizard first."))
            return None
        from desktop.ui.report import SignOffDialog

        dialog = SignOffDialog(self._backend, assessment_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: announce(ChangeSet(vendors=True, assessments=True)))
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _export_report_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._tell(self.tr("Select a vendor with an assessment first."))
            return
        name, _f = QFileDialog.getSaveFileName(self, self.tr("Export report"), f"assessment-{assessment_id}.pdf",
                                               self.tr("PDF (*.pdf)"))
        if name:
            from desktop.ui.assessments_tab import export_report

            path = Path(name)
            self.last_operation = export_report(self, self._backend, assessment_id,
                                                path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    @Slot()
    def _send_questionnaire_clicked(self) -> None:
        from desktop.ui import questionnaire

        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._tell(self.tr("Select a vendor with an assessment first."))
            return
        path = questionnaire.ask_export_path(self, assessment_id)
        if path is not None:
            self.send_questionnaire(assessment_id, path)

    def send_questionnaire(self, assessment_id: int, path: Path) -> Operation:
        from desktop.ui import questionnaire

        self.last_operation = questionnaire.export_to(self, self._backend, assessment_id, path)
        return self.last_operation

    @Slot()
    def _import_answers_clicked(self) -> None:
        from desktop.ui import questionnaire

        assessment_id = self.current_assessment_id(status="draft")
        if assessment_id is None:
            self._tell(self.tr("Vendor answers go into a draft assessment: select a vendor with one first."))
            return
        path = questionnaire.ask_import_path(self)
        if path is not None:
            self.import_answers(assessment_id, path)

    def import_answers(self, assessment_id: int, path: Path) -> Operation:
        from desktop.ui import questionnaire

        operation = questionnaire.import_from(self, self._backend, assessment_id, path, owner=self)

        def reload_wizards(_result: Any, exc: BaseException | None) -> None:
            for wizard in self.assessment_tabs():
                if exc is None and int(wizard.assessment_id) == assessment_id:
                    wizard.reload()

        operation.done.connect(reload_wizards)
        self.last_operation = operation
        return operation

    @Slot()
    def _preview_clicked(self) -> None:
        assessment_id = self.current_assessment_id()
        if assessment_id is None:
            self._tell(self.tr("Select a vendor with an assessment first."))
            return
        from desktop.ui.assessments_tab import preview_report

        self.last_operation = preview_report(self, self._backend, assessment_id, self)

    @Slot()
    def open_verify(self) -> Any:
        from desktop.ui.report import VerifyDialog

        dialog = VerifyDialog(self._backend, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ BODS, backups
    @Slot()
    def import_bods_clicked(self) -> None:
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Import BODS ownership data"), "",
                                               self.tr("BODS files (*.json *.jsonl);;All files (*)"))
        if name:
            self.import_bods(Path(name))

    def import_bods(self, path: Path) -> Operation:
        from desktop.ui.ownership.bods_import import import_bods_file  # asks when a party may be a known one

        self.last_operation = import_bods_file(self, self._backend, path,
                                               lambda message: self.statusBar().showMessage(message, 10000))
        return self.last_operation

    @Slot()
    def backup_now(self) -> Path | None:
        from desktop.services.database import backup_database

        try:
            path = backup_database(self._db_url)
        except (UserError, DatabaseError) as exc:
            show_error(self, exc)
            return None
        self.statusBar().showMessage(self.tr("Backed up to {file}").format(file=str(path)), 10000)
        return path

    # ------------------------------------------------------------------ language
    def apply_language(self, preference: str | None) -> MainWindow | None:
        """Install ``preference`` and rebuild this window in it (when nothing unsaved is open)."""
        from PySide6.QtCore import QCoreApplication

        from desktop.ui.translator import install

        app = QCoreApplication.instance()
        if app is None:
            return None
        language = install(app, preference)
        if language == self._language:
            return None
        if any(e.is_dirty() for e in self.editors()):
            self._tell(self.tr("The new language applies to windows opened from now on; restart Vetta to "
                               "see it everywhere."))
            return None
        self._save_state()
        window = MainWindow(self._backend, self._db_label, self._db_url, self._settings)
        window.setGeometry(self.geometry())
        self.replacement = window
        window.show()
        self.hide()
        self.deleteLater()
        return window

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for editor in self.editors():
            self.workspace.setCurrentWidget(editor)
            if not editor.maybe_close():
                event.ignore()
                return
        self._save_state()
        event.accept()


def user_guide_path() -> Path:
    return Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
