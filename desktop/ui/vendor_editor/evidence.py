"""The Evidence tab and how a file becomes evidence: drop files on the tab or pick them; open, export,
replace or remove the selected one. Storing a file (``attach_file``) runs as an operation off the GUI
thread, since a file may be large.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop.core.errors import UserError
from desktop.services import vendors as svc
from desktop.services.backend import Backend
from desktop.services.evidence import evidence_bytes
from desktop.ui.operations import Cancelled, ChangeSet, Progress, UnitOfWork, run_operation, show_error
from desktop.ui.table_model import DictTableModel


def attach_file(parent: QWidget, backend: Backend, path: Path, record_type: str, record_id: int,
                vendor_id: int, on_done: Callable[[Any], None] | None = None) -> Any:
    """Store a file as evidence off the GUI thread; returns the operation."""

    def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> int:
        return svc.attach_evidence(uow.backend, path, record_type, record_id)

    return run_operation(parent, parent.tr("Storing {name}…").format(name=path.name), backend, work,
                         on_success=on_done, changes=ChangeSet(evidence=True, vendors=True, vendor_id=vendor_id))


class EvidenceTab(QWidget):
    """Files backing this vendor's records: drop files here or pick them; open, export, replace."""

    def __init__(self, backend: Backend, vendor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend, self.vendor_id = backend, vendor_id
        self.setAcceptDrops(True)
        self.model = DictTableModel([
            ("filename", self.tr("File")), ("size", self.tr("Size (bytes)")), ("linked_to", self.tr("Linked to")),
            ("uploaded_by", self.tr("Added by")), ("created_at", self.tr("Added")), ("sha256", "SHA-256"),
        ], self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Evidence files"))
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self.open_selected)
        hint = QLabel(self.tr("Drop files here to attach them to this vendor, or use Add."), self)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        for text, slot in ((self.tr("Add…"), self.pick), (self.tr("Open"), self.open_selected),
                           (self.tr("Export…"), self.export_selected), (self.tr("Replace…"), self.replace_selected),
                           (self.tr("Remove"), self.remove_selected)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.last_operation: Any = None
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(svc.vendor_evidence(self.backend, self.vendor_id))

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            self.last_operation = attach_file(self, self.backend, path, "vendor", self.vendor_id, self.vendor_id,
                                              on_done=lambda _r: self.reload())

    # drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.drop_mime(event.mimeData())
        event.acceptProposedAction()

    def drop_mime(self, mime: QMimeData) -> None:
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        self.add_paths([p for p in paths if p.name])

    @Slot()
    def pick(self) -> None:
        names, _f = QFileDialog.getOpenFileNames(self, self.tr("Add evidence"))
        self.add_paths([Path(n) for n in names])

    def _export_to(self, record: dict[str, Any], target: Path) -> None:
        _info, data = evidence_bytes(self.backend, int(record["id"]))
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise UserError(self.tr("The file {path} cannot be written: {strerror}.").format(
                path=repr(str(target)), strerror=exc.strerror)) from exc

    @Slot()
    def open_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="vetta-evidence-"))
        target = folder / str(record["filename"])
        try:
            self._export_to(record, target)
        except UserError as exc:
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    @Slot()
    def export_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        name, _f = QFileDialog.getSaveFileName(self, self.tr("Export evidence"), str(record["filename"]))
        if name:
            try:
                self._export_to(record, Path(name))
            except UserError as exc:
                show_error(self, exc)

    @Slot()
    def replace_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        name, _f = QFileDialog.getOpenFileName(self, self.tr("Replace {name} with").format(name=record["filename"]))
        if name:
            self.replace_with(int(record["id"]), Path(name))

    def replace_with(self, evidence_id: int, path: Path) -> None:
        vendor_id = self.vendor_id

        def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> int:
            return svc.replace_evidence(uow.backend, evidence_id, path, "vendor", vendor_id)

        self.last_operation = run_operation(
            self, self.tr("Storing {name}…").format(name=path.name), self.backend, work,
            on_success=lambda _r: self.reload(),
            changes=ChangeSet(evidence=True, vendors=True, vendor_id=self.vendor_id))

    @Slot()
    def remove_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        evidence_id = int(record["id"])

        def work(uow: UnitOfWork, progress: Progress, cancelled: Cancelled) -> None:
            svc.remove_evidence(uow.backend, evidence_id)

        self.last_operation = run_operation(
            self, self.tr("Removing {name}…").format(name=record["filename"]), self.backend, work,
            show_progress=False, on_success=lambda _r: self.reload(),
            changes=ChangeSet(evidence=True, vendors=True, vendor_id=self.vendor_id))
