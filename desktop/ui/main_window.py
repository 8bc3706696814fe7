"""The main window: Home (dashboard), the vendor register, and vendor editors and assessment wizards in
closable tabs; this module assembles them and holds the vendor commands (open, new, save, archive,
import and export the register, import BODS ownership), People and companies, Settings, the window's
saved geometry and the language switch.

Its parts live beside it: desktop.ui.register_view (the register tab), desktop.ui.actions (every menu
and toolbar action), desktop.ui.assessment_commands (the Assessment menu) and desktop.ui.database_menu
(other databases, backup, user guide, About). The window offers their public methods under its own
names (``window.open_assessment``, ``window.backup_now``, ...).

Extension points for other features:
- ``MainWindow.add_vendor_tab(factory, title)``: ``factory(backend, vendor_id) -> QWidget`` adds a tab to
  every vendor editor opened afterwards (the Ownership & people tab is added this way).
- ``MainWindow.assessment_menu``: the Assessment menu (a QMenu) for assessment actions;
  ``MainWindow.current_vendor_id()`` tells them which vendor is selected or open.
- ``desktop.ui.operations``: ``run_operation`` for long work and the app-wide ``changed`` signal.

The window adds ``desktop.ui.ownership.OwnershipTab(backend, vendor_id)`` through ``add_vendor_tab``;
that package is imported when the first vendor editor opens, not at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from db.errors import DatabaseError
from desktop.core.errors import UserError
from desktop.core.i18n import format_number
from desktop.services.backend import Backend, UnitOfWork, backend_name
from desktop.services.vendors import set_archived
from desktop.ui.actions import WindowActions, install_actions
from desktop.ui.assessment_commands import AssessmentCommands
from desktop.ui.dashboard import DashboardWidget
from desktop.ui.database_menu import DatabaseMenu
from desktop.ui.fit import fit_size
from desktop.ui.operations import ChangeSet, Operation, run_operation, run_query, show_error, signals
from desktop.ui.register_view import RegisterWidget
from desktop.ui.vendor_editor import TabFactory, VendorEditor


def _ownership_tab(backend: Backend, vendor_id: int) -> QWidget:
    """The Ownership & people tab (its graph and analysis modules load when a vendor is first opened)."""
    from desktop.ui.ownership import OwnershipTab

    return OwnershipTab(backend, vendor_id)


class MainWindow(QMainWindow, WindowActions):
    """Home, the register and the open editors and wizards in one workspace, with menus and toolbar."""

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
        self.last_operation: Operation | None = None
        self.last_dialog: QWidget | None = None
        self.replacement: MainWindow | None = None
        from desktop.core import i18n

        self._language = i18n.current_language()
        icon = Path(__file__).resolve().parents[2] / "resources" / "icons" / "vetta-256.png"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))

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
        self.count_label = self.register.count_label

        self.register.table.doubleClicked.connect(lambda index: self.open_vendor(self.model.vendor_id(index.row())))
        self.register.table.activated.connect(lambda index: self.open_vendor(self.model.vendor_id(index.row())))
        self.dashboard.open_record.connect(self.open_record)
        self.dashboard.filter_rating.connect(self._filter_rating)
        self.dashboard.filter_exposure.connect(self._filter_exposure)
        signals().changed.connect(self._on_changed)

        # The Assessment menu's and the database commands; their public methods are the window's too.
        self.assessments = AssessmentCommands(self, backend, self._language)
        self.assessment_tabs = self.assessments.assessment_tabs
        self.open_assessment = self.assessments.open_assessment
        self.current_assessment_id = self.assessments.current_assessment_id
        self.new_assessment = self.assessments.new_assessment
        self.approve_current = self.assessments.approve_current
        self.send_questionnaire = self.assessments.send_questionnaire
        self.import_answers = self.assessments.import_answers
        self.open_verify = self.assessments.open_verify
        self.database = DatabaseMenu(self, self._db_url, self._db_location, self._settings)
        self.recent_databases = self.database.recent_databases
        self.choose_database = self.database.choose_database
        self.open_database = self.database.open_database
        self.backup_now = self.database.backup_now
        self.about_text = self.database.about_text
        self.open_guide = self.database.open_guide

        install_actions(self)
        self.statusBar().addPermanentWidget(self.count_label)
        self.db_status = QLabel(self._db_label, self)
        self.db_status.setToolTip(self._db_location)
        self.statusBar().addPermanentWidget(self.db_status)
        self.register.update_count()
        self._install_plugins()
        self._restore_state()
        self.database.remember_database()
        from desktop.ui.roles import apply_role

        self.who = apply_role(self, backend)  # "Signed in as ..."; what the role cannot do is disabled

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
    def new_vendor_clicked(self) -> None:
        self.new_vendor()

    @Slot()
    def settings_clicked(self) -> None:
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
    def archive_selected(self) -> Operation | None:
        vendor_id = self.current_vendor_id()
        if vendor_id is None:
            return None
        answer = QMessageBox.question(self, self.tr("Archive vendor"), self.tr(
            "Archive this vendor? It disappears from the register but stays in the database and its history."))
        if answer != QMessageBox.StandardButton.Yes:
            return None

        def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> None:
            set_archived(uow.backend, vendor_id, True)

        # declared without the vendor: the register queries again (the archived vendor leaves it)
        self.last_operation = run_operation(self, self.tr("Archiving the vendor…"), self._backend, work,
                                            changes=ChangeSet(vendors=True))
        return self.last_operation

    @Slot(int)
    def _close_requested(self, index: int) -> None:
        self.close_tab(index)

    def close_tab(self, index: int) -> bool:
        from desktop.ui.wizard import AssessmentWizard

        widget = self.workspace.widget(index)
        if isinstance(widget, AssessmentWizard):  # every answer is saved as it is given
            widget.maybe_close()  # ... once the saves still running have finished
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
            self.register.update_count()

    @Slot()
    def refresh(self) -> None:
        self.register.apply_filters()
        self.dashboard.reload()

    # ------------------------------------------------------------------ BODS
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

    def tell(self, text: str) -> None:
        """``text`` in an information box (kept on ``last_dialog``)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Vetta", text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = box
        box.open()

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
            self.tell(self.tr("The new language applies to windows opened from now on; restart Vetta to "
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
        from desktop.ui.wizard import AssessmentWizard

        for i in range(self.workspace.count()):  # answers still being saved are waited for
            wizard = self.workspace.widget(i)
            if isinstance(wizard, AssessmentWizard):
                wizard.maybe_close()
        for editor in self.editors():
            self.workspace.setCurrentWidget(editor)
            if not editor.maybe_close():
                event.ignore()
                return
        self._save_state()
        event.accept()
