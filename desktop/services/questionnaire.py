"""Vendor questionnaire round trip: export vendor-facing questions to XLSX, import the answers.

The workbook has an instructions sheet (English and Spanish), a ``Questions`` sheet whose id and
question columns are protected (only the answer and comment cells are unlocked), dropdowns for
choice answers, and a hidden ``_vetta`` sheet naming the assessment and template version. On
import, a wrong workbook, changed question ids or an invalid value refuse the whole file with
the sheet, cell and reason; nothing is written. Sizes are checked before the file is opened.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.engine import Engine
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import Answer, AnswerSource, Assessment, ChecklistTemplate
from db.types import utcnow
from desktop.core.checklist import parse_value
from desktop.core.errors import UserError
from desktop.core.files import read_regular_file
from desktop.core.i18n import format_number, ntr, tr
from desktop.services import checklists
from desktop.services.assessments.reading import _load, _require_draft

FORMAT = "vetta-questionnaire/1"
QUESTIONS_SHEET = "Questions"
META_SHEET = "_vetta"
FIRST_ROW = 2
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 5000
HEADERS = ("Question ID", "Section", "Question", "Pregunta", "Guidance / Orientación", "Answer type",
           "Allowed answers", "Answer / Respuesta", "Comment / Comentario")
ANSWER_COL = "H"
COMMENT_COL = "I"

INSTRUCTIONS = [
    ("Vendor questionnaire", "Cuestionario para el proveedor"),
    ("", ""),
    ("Please answer every question on the 'Questions' sheet in column H (Answer).",
     "Responda a cada pregunta de la hoja «Questions» en la columna H (Respuesta)."),
    ("Yes/no questions take: yes, no, partial or na (not applicable). Use the dropdown.",
     "Las preguntas de sí/no admiten: yes, no, partial o na (no aplica). Use el desplegable."),
    ("Multiple-choice questions take the values listed in column G separated by commas.",
     "Las preguntas de elección múltiple admiten los valores de la columna G separados por comas."),
    ("Numbers are plain numbers (e.g. 48); dates are written YYYY-MM-DD.",
     "Los números se escriben sin unidades (p. ej. 48); las fechas como AAAA-MM-DD."),
    ("You may add a comment in column I. Do not change the question ids, add rows or rename sheets:",
     "Puede añadir un comentario en la columna I. No cambie los identificadores, no añada filas ni "
     "renombre hojas:"),
    ("a workbook with changed ids is refused as a whole.", "un libro con identificadores cambiados se rechaza entero."),
    ("Return the file to the person who sent it. Thank you.", "Devuelva el archivo a quien se lo envió. Gracias."),
]


@dataclass(frozen=True)
class ImportResult:
    assessment_id: int
    applied: list[str]
    unchanged: list[str]
    skipped: list[dict[str, str]] = field(default_factory=list)  # answered by a person or a rule


def export_questionnaire(engine: Engine, assessment_id: int, path: Path) -> int:
    """Write the vendor-facing questions of an assessment to ``path``; returns how many."""
    with read_session(engine) as session:
        a = _load(session, assessment_id)
        row = session.get(ChecklistTemplate, a.template_id)
        assert row is not None and row.id is not None
        template = checklists.template_model(session, row.id)
        key, version = row.key, row.version
        vendor_answers = {r.question_key: json.loads(r.value_json) for r in session.exec(
            select(Answer).where(Answer.assessment_id == assessment_id))
            if r.value_json is not None and r.source == AnswerSource.VENDOR.value}
    questions = [(s, q) for s, q in template.questions() if q.vendor_facing]
    if not questions:
        raise UserError(tr("The template of assessment #{assessment_id} has no vendor-facing questions to "
                           "send.", assessment_id=assessment_id))

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Instructions"
    info.column_dimensions["A"].width = 90
    info.column_dimensions["B"].width = 90
    for i, (en, es) in enumerate(INSTRUCTIONS, start=1):
        info.cell(row=i, column=1, value=en)
        info.cell(row=i, column=2, value=es)
    info["A1"].font = Font(bold=True, size=14)
    info["B1"].font = Font(bold=True, size=14)
    info.protection.sheet = True

    ws = wb.create_sheet(QUESTIONS_SHEET)
    widths = (12, 22, 60, 60, 50, 18, 30, 22, 40)
    for col_index, (header, width) in enumerate(zip(HEADERS, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=col_index, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "B2"
    yes_no = DataValidation(type="list", formula1='"yes,no,partial,na"', allow_blank=True,
                            error="Choose yes, no, partial or na.", errorTitle="Invalid answer")
    ws.add_data_validation(yes_no)
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            error="Enter a number.", errorTitle="Invalid answer")
    ws.add_data_validation(number)
    sections = {s.id: s for s in template.sections}
    for offset, (section, q) in enumerate(questions):
        r = FIRST_ROW + offset
        allowed = q.allowed_values()
        values = [q.id, sections[section.id].title.en, q.text.en, q.text.es,
                  f"{q.guidance.en}\n{q.guidance.es}", q.answer_type.replace("_", " "),
                  ", ".join(allowed) if allowed else {"number": "number", "date": "YYYY-MM-DD"}.get(q.answer_type, "text")]
        for col_index, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col_index, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.protection = Protection(locked=True)
        current = vendor_answers.get(q.id)
        answer_cell = ws.cell(row=r, column=8, value=", ".join(current) if isinstance(current, list) else current)
        comment_cell = ws.cell(row=r, column=9)
        for cell in (answer_cell, comment_cell):
            cell.protection = Protection(locked=False)
            cell.fill = PatternFill("solid", fgColor="FFF7D6")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ref = f"{ANSWER_COL}{r}"
        if q.answer_type == "yes_no_partial_na":
            yes_no.add(ref)
        elif q.answer_type == "single_choice" and allowed:
            dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True,
                                error=f"Choose one of {', '.join(allowed)}.", errorTitle="Invalid answer")
            ws.add_data_validation(dv)
            dv.add(ref)
        elif q.answer_type == "number":
            number.add(ref)
        elif q.answer_type == "date":
            answer_cell.number_format = "yyyy-mm-dd"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    meta = wb.create_sheet(META_SHEET)
    meta_rows = [("format", FORMAT), ("assessment_id", assessment_id), ("template_key", key),
                 ("template_version", version), ("questions", ",".join(q.id for _s, q in questions)),
                 ("exported_at", utcnow().isoformat())]
    for i, (k, v) in enumerate(meta_rows, start=1):
        meta.cell(row=i, column=1, value=k)
        meta.cell(row=i, column=2, value=v)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except OSError as exc:
        raise UserError(tr("The questionnaire cannot be written to {path}: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    return len(questions)


def _check_archive(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UserError(tr("The file {path} does not exist.", path=repr(str(path)))) from None
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be read: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from None
    if path.is_dir():
        raise UserError(tr("{path} is a folder, not a workbook.", path=repr(str(path))))
    if size > MAX_FILE_BYTES:
        raise UserError(tr("{name} is {size} MB, over the {max_file_bytes} MB limit for questionnaires.",
                           name=name, size=format_number(size / 1_048_576, digits=1), max_file_bytes=MAX_FILE_BYTES // 1_048_576))
    data = read_regular_file(path, MAX_FILE_BYTES, what=tr("questionnaires"))  # ordinary files only, read once
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
            total = sum(i.file_size for i in entries)
            packed = sum(i.compress_size for i in entries) or 1
    except (zipfile.BadZipFile, OSError):
        raise UserError(tr("{name} is not an Excel workbook (.xlsx); export the questionnaire again and "
                           "fill that file.", name=name)) from None
    if len(entries) > 500 or total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO:
        raise UserError(tr("{name} expands to {total} MB in {count} parts; it is refused as a possible zip "
                           "bomb.",
                           name=name, total=format_number(total / 1_048_576, digits=0), count=len(entries)))
    return data


def _refuse(file: str, sheet: str, cell: str, reason: str) -> UserError:
    return UserError(tr("{file}, sheet {sheet}, cell {cell}: {reason}; nothing was imported.",
                        file=file, sheet=sheet, cell=cell, reason=reason))


def read_questionnaire(path: Path, assessment_id: int, expected_key: str, expected_version: int,
                       question_defs: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """The (question id, parsed value, comment) rows of a filled workbook, or a UserError."""
    data = _check_archive(path)
    file = path.name
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on malformed files
        raise UserError(tr("{file} cannot be opened as an Excel workbook; export the questionnaire again.",
                           file=file)) from None
    try:
        if META_SHEET not in wb.sheetnames:
            raise UserError(tr("{file}: the workbook is not a Vetta questionnaire (sheet {meta_sheet} is "
                               "missing); nothing was imported.", file=file, meta_sheet=META_SHEET))
        meta: dict[str, Any] = {}
        for row in wb[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0])] = row[1]
        if meta.get("format") != FORMAT:
            raise _refuse(file, META_SHEET, "B1", tr("unknown questionnaire format {format}",
                                                         format=repr(meta.get('format'))))
        if str(meta.get("assessment_id")) != str(assessment_id):
            raise _refuse(file, META_SHEET, "B2", tr("this workbook belongs to assessment #{other}, not #{assessment_id}",
                             other=meta.get('assessment_id'), assessment_id=assessment_id))
        if meta.get("template_key") != expected_key or str(meta.get("template_version")) != str(expected_version):
            raise _refuse(file, META_SHEET, "B3", tr("the workbook was made for template {key} version {version}, the assessment uses "
                             "{expected_key} version {expected_version}",
                             key=meta.get('template_key'), version=meta.get('template_version'),
                             expected_key=expected_key, expected_version=expected_version))
        expected_ids = [i for i in str(meta.get("questions") or "").split(",") if i]
        if QUESTIONS_SHEET not in wb.sheetnames:
            raise UserError(tr("{file}: sheet {questions_sheet} is missing; nothing was imported.",
                               file=file, questions_sheet=QUESTIONS_SHEET))
        ws = wb[QUESTIONS_SHEET]
        rows: list[tuple[str, Any, str]] = []
        errors: list[str] = []
        seen = 0
        for index, row in enumerate(ws.iter_rows(min_row=FIRST_ROW, max_col=9, values_only=True)):
            r = FIRST_ROW + index
            if index > MAX_ROWS:
                raise _refuse(file, QUESTIONS_SHEET, f"A{r}", tr("the sheet has far more rows than the questionnaire"))
            qid = row[0] if row else None
            if qid is None and all(v is None for v in row):
                continue
            if index >= len(expected_ids):
                raise _refuse(file, QUESTIONS_SHEET, f"A{r}", ntr(
                    "this row was added; the questionnaire has {count} question",
                    "this row was added; the questionnaire has {count} questions", len(expected_ids),
                    count=len(expected_ids)))
            if str(qid) != expected_ids[index]:
                raise _refuse(file, QUESTIONS_SHEET, f"A{r}", tr("the question id was changed from {old} to {new}",
                                                 old=repr(expected_ids[index]), new=repr(qid)))
            seen += 1
            raw = row[7] if len(row) > 7 else None
            comment = str(row[8]).strip() if len(row) > 8 and row[8] is not None else ""
            if isinstance(raw, datetime):
                raw = raw.date()
            if isinstance(raw, date):
                raw = raw.isoformat()
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            q = question_defs[expected_ids[index]]
            try:
                value = parse_value(q, raw)
            except UserError as exc:
                errors.append(tr("{file}, sheet {sheet}, cell {cell}: {problem}",
                                 file=file, sheet=QUESTIONS_SHEET, cell=f"{ANSWER_COL}{r}", problem=exc))
                continue
            rows.append((expected_ids[index], value, comment[:2000]))
        if seen != len(expected_ids):
            missing_row = FIRST_ROW + seen
            raise _refuse(file, QUESTIONS_SHEET, f"A{missing_row}",
                          tr("question {id} was removed", id=repr(expected_ids[seen])))
        if errors:
            first = errors[0].rstrip('.')
            if len(errors) > 1:
                text = ntr("{first} ({count} more invalid answer); nothing was imported.",
                           "{first} ({count} more invalid answers); nothing was imported.", len(errors) - 1,
                           first=first, count=len(errors) - 1)
            else:
                text = tr("{first}; nothing was imported.", first=first)
            raise UserError(text)
        return rows
    except UserError:
        raise
    except Exception as exc:  # a damaged sheet is only found while reading it (XML errors, bad zip data...)
        raise UserError(tr("{file} cannot be read as an Excel workbook ({error}: a damaged sheet); export "
                           "the questionnaire again; nothing was imported.",
                           file=file, error=type(exc).__name__)) from None
    finally:
        wb.close()


def import_answers(engine: Engine, assessment_id: int, path: Path, *, actor: str | None = None) -> ImportResult:
    """Import a filled questionnaire as vendor-provided answers, all or nothing.

    Vendor answers fill unanswered questions and replace earlier vendor answers; questions a
    person answered, or a rule answered from our own records, keep their answer and are listed
    in ``skipped`` so the preparer can compare.
    """
    with read_session(engine) as session:
        a = _load(session, assessment_id)
        _require_draft(a)
        row = session.get(ChecklistTemplate, a.template_id)
        assert row is not None and row.id is not None
        template = checklists.template_model(session, row.id)
        key, version = row.key, row.version
    defs = {q.id: q for _s, q in template.questions()}
    rows = read_questionnaire(path, assessment_id, key, version, defs)
    applied: list[str] = []
    unchanged: list[str] = []
    skipped: list[dict[str, str]] = []
    with unit_of_work(engine, actor) as session:
        a2: Assessment = _load(session, assessment_id)
        _require_draft(a2)
        answers = {r.question_key: r for r in session.exec(select(Answer).where(Answer.assessment_id == assessment_id))}
        for qid, value, comment in rows:
            ans = answers.get(qid)
            if ans is None:
                continue
            encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if ans.source in (AnswerSource.PREPARER.value, AnswerSource.RULE.value) and ans.value_json is not None:
                if ans.value_json != encoded:
                    skipped.append({"question": qid, "vendor_answer": json.dumps(value, ensure_ascii=False),
                                    "kept": ans.value_json, "source": ans.source or ""})
                else:
                    unchanged.append(qid)
                continue
            if ans.value_json == encoded and ans.source == AnswerSource.VENDOR.value:
                unchanged.append(qid)
                continue
            ans.value_json = encoded
            ans.source = AnswerSource.VENDOR.value
            ans.justification = f"Vendor comment: {comment}" if comment else ""
            ans.answered_by = f"vendor questionnaire ({path.name})"[:200]
            ans.answered_at = utcnow()
            session.add(ans)
            applied.append(qid)
        session.flush()
    return ImportResult(assessment_id, applied, unchanged, skipped)
