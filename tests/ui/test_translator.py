"""The Qt translator reads the gettext catalogue: widgets show Spanish when asked, plural forms follow the
number in both languages, and a context entry overrides the plain one in its context only."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop.ui import translator

CHANGES = ("%n change recorded; every change is kept with who made it and when.",
           "%n changes recorded; every change is kept with who made it and when.")


def test_spanish_then_back_to_english(qapp: QApplication):
    try:
        assert translator.install(qapp, "es") == "es"
        assert QCoreApplication.translate("MainWindow", "&Quit") == "&Salir"
        assert QCoreApplication.translate("MainWindow", "nothing like this") == "nothing like this"
    finally:
        translator.install(qapp, "en")
    assert QCoreApplication.translate("MainWindow", "&Quit") == "&Quit"


def test_qt_numerus_forms_are_gettext_plurals_in_both_languages(qapp: QApplication):
    try:
        translator.install(qapp, "en")
        assert QCoreApplication.translate("HistoryView", *CHANGES, 1).startswith("1 change recorded;")
        assert QCoreApplication.translate("HistoryView", *CHANGES, 0).startswith("0 changes recorded;")
        assert QCoreApplication.translate("HistoryView", *CHANGES, 12).startswith("12 changes recorded;")
        translator.install(qapp, "es")
        assert QCoreApplication.translate("HistoryView", *CHANGES, 1) == (
            "1 cambio registrado; cada cambio se conserva con quién lo hizo y cuándo.")
        assert QCoreApplication.translate("HistoryView", *CHANGES, 3) == (
            "3 cambios registrados; cada cambio se conserva con quién lo hizo y cuándo.")
        # {n}-style plural messages: the form is chosen here, the widget fills {n}
        assert QCoreApplication.translate("Dashboard", "overdue by {n} day", "overdue by {n} days", 30) == (
            "vencida hace {n} días")
        # a plural nobody translated yet: the English form for the number
        assert QCoreApplication.translate("X", "%n new thing", "%n new things", 2) == "2 new things"
    finally:
        translator.install(qapp, "en")


def test_a_context_entry_is_used_in_its_context_only(qapp: QApplication):
    try:
        translator.install(qapp, "es")
        # the class name, as self.tr() passes it, and the disambiguation, as self.tr(text, "Context") passes it
        assert QCoreApplication.translate("VendorTableModel", "Last signed assessment") == "Última firma"
        assert QCoreApplication.translate("AssessmentsTab", "Next review", "AssessmentsModel") == "Próx. rev."
        assert QCoreApplication.translate("RegisterWidget", "Next review due") == "Próxima revisión"
        assert QCoreApplication.translate("Other", "Next review", "Other") == "Next review"  # no such entry
    finally:
        translator.install(qapp, "en")
