"""Who is signed in, shown in the main window, and what their role lets them do (team mode on PostgreSQL).

``apply_role(window, backend)`` resolves the acting user for the window's database (the login on
PostgreSQL, the profile name on SQLite; desktop.services.whoami), shows "Signed in as ..." in the
status bar, disables the actions the role cannot use (each with a tooltip saying why), and makes the
tabs a role may only read read-only. The database refuses the same things whatever the window does
(db/roles.py); this only spares people buttons that cannot work.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desktop.services import whoami
from desktop.services.backend import Backend
from desktop.services.whoami import Who

# main-window action attribute -> the role it needs
NEEDS = {
    "new_vendor_action": whoami.PREPARER, "import_action": whoami.PREPARER, "import_bods_action": whoami.PREPARER,
    "archive_action": whoami.PREPARER, "save_action": whoami.PREPARER, "new_assessment_action": whoami.PREPARER,
    "open_wizard_action": whoami.PREPARER, "send_questionnaire_action": whoami.PREPARER,
    "import_answers_action": whoami.PREPARER, "approve_action": whoami.APPROVER,
}
# buttons that only read, left enabled in a read-only tab
_READ_ONLY_SAFE = "vetta_read_only_safe"


def signed_in_text(who: Who) -> str:
    if not who.known:
        return QCoreApplication.translate("Roles", "Nobody is signed in")
    if who.team:
        return QCoreApplication.translate("Roles", "Signed in as {name} ({role})").format(
            name=who.name, role=who.role_label())
    return QCoreApplication.translate("Roles", "Signed in as {name}").format(name=who.name)


def who_for(backend: Backend, requested: str | None = None) -> Who:
    """Who acts on ``backend`` (resolved once per database and installed as its default actor)."""
    who = whoami.resolve(backend, requested)
    whoami.install(who, backend)
    return who


def set_read_only(widget: QWidget) -> None:
    """Make every input of ``widget`` read-only (text can still be selected and copied)."""
    for child in widget.findChildren(QWidget):
        if isinstance(child, QLineEdit | QPlainTextEdit | QTextEdit):
            child.setReadOnly(True)
        elif isinstance(child, QComboBox | QAbstractSpinBox | QDateEdit):
            child.setEnabled(False)
        elif isinstance(child, QAbstractButton) and not child.property(_READ_ONLY_SAFE):
            child.setEnabled(False)


class _ReadOnlyTabs(QObject):
    """Makes each tab opened in the window read-only (vendor editors, assessments) for a reader."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        tabs.currentChanged.connect(self.apply)

    @Slot(int)
    def apply(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not None and index >= 2 and not widget.property("vetta_read_only"):  # 0, 1: home, register
            widget.setProperty("vetta_read_only", True)
            set_read_only(widget)


def apply_role(window: QMainWindow, backend: Backend, who: Who | None = None) -> Who:
    """Show who is signed in and disable what their role cannot do; returns who."""
    who = who or who_for(backend)
    label = window.findChild(QLabel, "vetta-signed-in")
    if label is None:
        label = QLabel(window)
        label.setObjectName("vetta-signed-in")
        window.statusBar().addPermanentWidget(label)
    label.setText(signed_in_text(who))
    label.setAccessibleName(QCoreApplication.translate("Roles", "Who is signed in"))
    for attribute, role in NEEDS.items():
        action = getattr(window, attribute, None)
        if isinstance(action, QAction) and not who.can(role):
            action.setEnabled(False)
            why = QCoreApplication.translate("Roles", "Your role does not allow this ({role} needed).").format(
                role=whoami.role_name(role))
            action.setToolTip(why)
            action.setStatusTip(why)
    tabs = getattr(window, "workspace", None)
    if not who.can(whoami.PREPARER) and isinstance(tabs, QTabWidget):
        window.setProperty("vetta_read_only_tabs", True)
        _ReadOnlyTabs(tabs)
    return who
