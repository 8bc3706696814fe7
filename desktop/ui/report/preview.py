"""A PDF preview widget (QtPdf)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QVBoxLayout, QWidget


class ReportPreview(QWidget):
    """Shows PDF bytes, all pages, scrolling; ``set_pdf`` replaces the document."""

    def __init__(self, pdf_bytes: bytes | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.setAccessibleName(self.tr("Report preview"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._buffer: QBuffer | None = None
        if pdf_bytes is not None:
            self.set_pdf(pdf_bytes)

    def set_pdf(self, pdf_bytes: bytes) -> bool:
        """Load ``pdf_bytes``; False when they are not a readable PDF."""
        self.document.close()
        old = self._buffer
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf_bytes))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.document.load(buffer)
        if old is not None:
            old.close()
            old.deleteLater()
        return self.document.status() == QPdfDocument.Status.Ready

    def page_count(self) -> int:
        return int(self.document.pageCount())
