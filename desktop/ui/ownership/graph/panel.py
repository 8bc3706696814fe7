"""The ownership graph with its toolbar: zoom in, zoom out, fit, and export to a PNG image or an SVG drawing
chosen in a file dialog (a failed export says why)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from desktop.ui.ownership.graph.view import OwnershipGraphView


class OwnershipGraphPanel(QWidget):
    """The graph with its buttons: zoom in, zoom out, fit, export (PNG or SVG)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = OwnershipGraphView(self)
        self.zoom_in_button = QPushButton(self.tr("Zoom in"), self)
        self.zoom_out_button = QPushButton(self.tr("Zoom out"), self)
        self.fit_button = QPushButton(self.tr("Fit"), self)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.zoom_in_button.setToolTip(self.tr("Zoom in (or turn the mouse wheel)"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out (or turn the mouse wheel)"))
        self.fit_button.setToolTip(self.tr("Show the whole graph"))
        self.export_button.setToolTip(self.tr("Save the graph as a PNG image or an SVG drawing"))
        self.zoom_in_button.clicked.connect(self.view.zoom_in)
        self.zoom_out_button.clicked.connect(self.view.zoom_out)
        self.fit_button.clicked.connect(lambda: self.view.fit())
        self.export_button.clicked.connect(self.export_clicked)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.last_export: Path | None = None

    @Slot()
    def export_clicked(self) -> None:
        name = self.view.names.get(self.view.subject_id, "ownership")
        suggested = "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip() or "ownership"
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export the ownership graph"), str(Path.home() / f"{suggested}.png"),
            self.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if not path:
            return
        target = Path(path)
        if not target.suffix and "svg" in chosen.lower():
            target = target.with_suffix(".svg")
        try:
            self.last_export = self.view.export(target)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Graph not exported"), self.tr(
                "The graph could not be written to {0}: {1}.").format(str(target), exc.strerror or str(exc)))
