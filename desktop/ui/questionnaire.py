"""The vendor questionnaire from the window: send the vendor-facing questions as a workbook, import the
filled workbook back as vendor answers (all or nothing), and say plainly what was applied and kept.

Both run off the GUI thread (``run_operation``); the services are ``desktop.services.questionnaire``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.services.backend import Backend
from desktop.ui.operations import Operation, UnitOfWork, run_operation, run_query

tr = QCoreApplication.translate  # tr("Questionnaire", text): found by desktop.core.i18n_extract


def _status(parent: QWidget, text: str) -> None:
    status = getattr(parent.window(), "statusBar", None)
    if callable(status):
        status().showMessage(text, 8000)


def export_to(parent: QWidget, backend: Backend, assessment_id: int, path: Path) -> Operation:
    """Write the questionnaire of ``assessment_id`` to ``path`` (an .xlsx workbook)."""

    def work(eng: Backend, progress: Any, cancelled: Any) -> int:
        from desktop.services.questionnaire import export_questionnaire  # reads only: a file is written

        return export_questionnaire(eng, assessment_id, path)

    def done(count: int) -> None:
        _status(parent, tr("Questionnaire", "{count} vendor-facing question written to {file}",
                           "{count} vendor-facing questions written to {file}", count).format(count=count, file=str(path)))

    return run_query(parent, tr("Questionnaire", "Writing the questionnaire…"), backend, work, on_success=done)


def display_value(raw: str) -> str:
    """An answer as the import result stores it (JSON) in words: "Sí", "24", "a, b"."""
    from desktop.core.checklist.schema import YES_NO_LABELS, yes_no_label

    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if isinstance(value, list):
        return ", ".join(display_value(json.dumps(v)) for v in value)
    if isinstance(value, str) and value in YES_NO_LABELS:
        return yes_no_label(value)
    return "" if value is None else str(value)


def summary_text(result: Any) -> str:
    """What an import did, in a few lines the preparer can act on."""
    lines = [tr("Questionnaire", "{applied} vendor answer imported; {unchanged} unchanged.",
                "{applied} vendor answers imported; {unchanged} unchanged.", len(result.applied)).format(
        applied=len(result.applied), unchanged=len(result.unchanged))]
    if result.skipped:
        lines.append(tr("Questionnaire", "Kept, because a person or a rule had answered them (compare with the vendor's answer):"))
        for s in result.skipped:
            lines.append(tr("Questionnaire", "• {question}: kept {kept}; the vendor says {vendor}").format(
                question=s["question"], kept=display_value(s["kept"]), vendor=display_value(s["vendor_answer"])))
    return "\n".join(lines)


def import_from(parent: QWidget, backend: Backend, assessment_id: int, path: Path, owner: Any = None) -> Operation:
    """Import the filled workbook at ``path`` as vendor answers; a refused file changes nothing."""

    def work(uow: UnitOfWork, progress: Any, cancelled: Any) -> Any:
        from desktop.services.questionnaire import import_answers

        return import_answers(uow.backend, assessment_id, path)

    def done(result: Any) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, tr("Questionnaire", "Vendor answers"), summary_text(result),
                          QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if owner is not None:
            owner.last_dialog = box
        box.open()

    return run_operation(parent, tr("Questionnaire", "Importing the vendor's answers…"), backend, work, on_success=done)


def ask_export_path(parent: QWidget, assessment_id: int) -> Path | None:
    name, _f = QFileDialog.getSaveFileName(parent, tr("Questionnaire", "Send the vendor questionnaire"),
                                           f"questionnaire-{assessment_id}.xlsx", tr("Questionnaire", "Excel workbook (*.xlsx)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


def ask_import_path(parent: QWidget) -> Path | None:
    name, _f = QFileDialog.getOpenFileName(parent, tr("Questionnaire", "Import the vendor's answers"), "",
                                           tr("Questionnaire", "Excel workbook (*.xlsx);;All files (*)"))
    return Path(name) if name else None
