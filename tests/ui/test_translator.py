"""The Qt translator reads the shared catalogue: widgets show Spanish when asked."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop.ui import translator


def test_spanish_then_back_to_english(qapp: QApplication):
    try:
        assert translator.install(qapp, "es") == "es"
        assert QCoreApplication.translate("MainWindow", "&Quit") == "&Salir"
        assert QCoreApplication.translate("MainWindow", "nothing like this") == "nothing like this"
    finally:
        translator.install(qapp, "en")
    assert QCoreApplication.translate("MainWindow", "&Quit") == "&Quit"
