"""The main window's action registry: each command of the menus and toolbar created once as a QAction
with its text, shortcut (with a fallback where the platform has no standard key), status tip and tool
tip, then laid out in the menu bar and the main toolbar.

``install_actions(window)`` makes every action the window's attribute ``<name>_action`` and every menu
``<name>_menu`` (desktop.ui.roles disables what a role may not do by these names; tests trigger them);
the slots are the window's methods and those of its ``assessments`` and ``database`` command objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class WindowActions:
    """The actions and menus ``install_actions`` gives the window, by name (desktop.ui.roles disables
    actions by these names)."""

    new_vendor_action: QAction
    open_vendor_action: QAction
    open_db_action: QAction
    parties_action: QAction
    import_action: QAction
    export_action: QAction
    settings_action: QAction
    close_tab_action: QAction
    quit_action: QAction
    save_action: QAction
    find_action: QAction
    archive_action: QAction
    home_action: QAction
    register_action: QAction
    refresh_action: QAction
    clear_filters_action: QAction
    import_bods_action: QAction
    backup_action: QAction
    new_assessment_action: QAction
    open_wizard_action: QAction
    approve_action: QAction
    export_report_action: QAction
    preview_report_action: QAction
    send_questionnaire_action: QAction
    import_answers_action: QAction
    verify_action: QAction
    guide_action: QAction
    about_action: QAction
    file_menu: QMenu
    recent_menu: QMenu
    edit_menu: QMenu
    view_menu: QMenu
    assessment_menu: QMenu
    help_menu: QMenu


def action(parent: QWidget, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "",
           fallback: str = "") -> QAction:
    """A QAction of ``parent`` triggering ``slot``; ``fallback`` is the key where ``shortcut`` (a standard
    key) is not defined on this platform."""
    created = QAction(text, parent)
    if shortcut is not None:
        created.setShortcut(QKeySequence(shortcut))
    if fallback and created.shortcut().isEmpty():  # some platforms define no standard key
        created.setShortcut(QKeySequence(fallback))
    if tip:
        created.setStatusTip(tip)
        created.setToolTip(tip)
    created.triggered.connect(slot)
    return created


def install_actions(window: MainWindow) -> None:
    """Create the actions of ``window`` and its File, Edit, View, Assessment and Help menus and toolbar."""
    w, tr, K = window, window.tr, QKeySequence.StandardKey
    assessments, database = window.assessments, window.database

    def add(text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "", fallback: str = "") -> QAction:
        return action(w, text, slot, shortcut, tip, fallback)

    w.new_vendor_action = add(tr("&New vendor…"), w.new_vendor_clicked, K.New, tr("Add a vendor to the register"),
                              fallback="Ctrl+N")
    w.open_vendor_action = add(tr("&Open vendor"), w.open_selected, "Ctrl+Return", tr("Open the selected vendor"))
    w.open_db_action = add(tr("Open &database…"), database.choose_database, K.Open, fallback="Ctrl+O")
    w.parties_action = add(tr("&People and companies…"), w.open_parties, "Ctrl+Shift+P",
                           tr("Record and edit the people and companies around your vendors"))
    w.import_action = add(tr("&Import vendors…"), w.import_vendors, "Ctrl+I",
                          tr("Import vendors from a CSV or XLSX file"))
    w.export_action = add(tr("&Export register…"), w.export_register, "Ctrl+E",
                          tr("Export the filtered register to CSV or XLSX"))
    w.settings_action = add(tr("&Settings…"), w.settings_clicked, K.Preferences, fallback="Ctrl+,")
    w.close_tab_action = add(tr("&Close tab"), w.close_current_tab, K.Close, fallback="Ctrl+W")
    w.quit_action = add(tr("&Quit"), w.close, K.Quit, fallback="Ctrl+Q")
    w.save_action = add(tr("&Save"), w.save_current, K.Save, fallback="Ctrl+S")
    w.find_action = add(tr("&Find"), w.focus_search, K.Find, fallback="Ctrl+F")
    w.archive_action = add(tr("&Archive vendor"), w.archive_selected, "Ctrl+Delete")
    w.home_action = add(tr("&Home"), lambda: w.workspace.setCurrentIndex(0), "Ctrl+1")
    w.register_action = add(tr("Vendor &register"), lambda: w.workspace.setCurrentWidget(w.register), "Ctrl+2")
    w.refresh_action = add(tr("&Refresh"), w.refresh, K.Refresh, fallback="F5")
    w.clear_filters_action = add(tr("C&lear filters"), w.register.clear_filters, "Ctrl+Shift+L")
    w.import_bods_action = add(tr("Import &BODS ownership…"), w.import_bods_clicked, "",
                               tr("Import a Beneficial Ownership Data Standard (BODS 0.4) file"))
    w.backup_action = add(tr("&Back up database now"), database.backup_now, "",
                          tr("Copy the database file to the backups folder"))
    w.new_assessment_action = add(tr("&New assessment for this vendor…"), assessments.new_assessment_clicked,
                                  "Ctrl+Shift+N", tr("Start the guided checklist for the current vendor"))
    w.open_wizard_action = add(tr("&Open the assessment wizard"), assessments.open_wizard_clicked, "Ctrl+Shift+O",
                               tr("Open the latest assessment of the current vendor"))
    w.approve_action = add(tr("&Approve && sign…"), assessments.approve_clicked, "",
                           tr("Decide and sign the assessment in review"))
    w.export_report_action = add(tr("&Export report…"), assessments.export_report_clicked, "",
                                 tr("Write the assessment report as a PDF"))
    w.preview_report_action = add(tr("&Preview report"), assessments.preview_clicked, "")
    w.send_questionnaire_action = add(
        tr("Send vendor &questionnaire…"), assessments.send_questionnaire_clicked, "",
        tr("Write the vendor-facing questions of the current assessment to an Excel workbook"))
    w.import_answers_action = add(
        tr("Import vendor ans&wers…"), assessments.import_answers_clicked, "",
        tr("Import a filled questionnaire as the vendor's answers (all or nothing)"))
    w.verify_action = add(tr("&Verify a signed PDF…"), assessments.open_verify, "",
                          tr("Check the signature of a report file"))
    w.guide_action = add(tr("&User guide"), database.open_guide, K.HelpContents, fallback="F1")
    w.about_action = add(tr("&About Vetta"), database.about)

    bar = w.menuBar()
    w.file_menu = bar.addMenu(tr("&File"))
    w.file_menu.addActions([w.new_vendor_action, w.open_vendor_action, w.parties_action])
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.open_db_action)
    w.recent_menu = w.file_menu.addMenu(tr("Open &recent"))
    w.recent_menu.aboutToShow.connect(database.fill_recent)
    w.file_menu.addSeparator()
    w.file_menu.addActions([w.import_action, w.import_bods_action, w.export_action])
    w.file_menu.addSeparator()
    w.file_menu.addAction(w.backup_action)
    w.file_menu.addSeparator()
    w.file_menu.addActions([w.settings_action, w.close_tab_action, w.quit_action])
    w.edit_menu = bar.addMenu(tr("&Edit"))
    w.edit_menu.addActions([w.save_action, w.find_action, w.archive_action])
    w.view_menu = bar.addMenu(tr("&View"))
    w.view_menu.addActions([w.home_action, w.register_action, w.refresh_action, w.clear_filters_action])
    w.assessment_menu = bar.addMenu(tr("&Assessment"))
    w.assessment_menu.setObjectName("assessment-menu")
    w.assessment_menu.addActions([w.new_assessment_action, w.open_wizard_action, w.approve_action])
    w.assessment_menu.addSeparator()
    w.assessment_menu.addActions([w.send_questionnaire_action, w.import_answers_action])
    w.assessment_menu.addSeparator()
    w.assessment_menu.addActions([w.preview_report_action, w.export_report_action, w.verify_action])
    w.help_menu = bar.addMenu(tr("&Help"))
    w.help_menu.addActions([w.guide_action, w.about_action])

    toolbar = QToolBar(tr("Main"), w)
    toolbar.setObjectName("main-toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    w.addToolBar(toolbar)
    toolbar.addActions([w.new_vendor_action, w.open_vendor_action, w.save_action])
    toolbar.addSeparator()
    toolbar.addActions([w.import_action, w.export_action, w.refresh_action])
    toolbar.addSeparator()
    toolbar.addActions([w.home_action, w.register_action, w.settings_action])
    w.view_menu.addSeparator()
    w.view_menu.addAction(toolbar.toggleViewAction())
