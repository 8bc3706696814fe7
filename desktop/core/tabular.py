"""Reading and writing tables (CSV and XLSX) for imports and exports.

Reading detects the text encoding (BOM, UTF-8, Windows-1252, then charset-normalizer) and the CSV delimiter.
Writing neutralises spreadsheet formulas: a text cell starting with ``= + - @`` (or a tab or
carriage return) gets a leading apostrophe so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop.core.errors import UserError
from desktop.core.files import read_regular_file
from desktop.core.i18n import format_number, tr

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 1_000_000
MAX_FILE_BYTES = 200 * 1024 * 1024  # checked before reading: a huge file is refused, never loaded
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024  # what the parts of a workbook may expand to (zip bombs)
MAX_XLSX_RATIO = 200  # expansion ratio refused above 10 MB expanded
MAX_XLSX_PARTS = 1000


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]  # every row padded to len(headers); row i is line/sheet row i + 2
    encoding: str = ""


def neutralise(value: Any) -> Any:
    """The cell value made safe for spreadsheets (text starting like a formula gets a leading ')."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """Text and encoding of ``data``."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # what spreadsheet programs write for Spanish and English on Windows
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UserError(tr("The file {name} is not text in an encoding Vetta recognises; save it as UTF-8 "
                           "CSV.", name=repr(name)))
    return str(best), str(best.encoding)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(raw_rows: Iterable[Sequence[Any]], name: str, encoding: str = "") -> Table:
    rows_iter = iter(raw_rows)
    header: list[str] | None = None
    for candidate in rows_iter:
        cells = [_cell(c) for c in candidate]
        if any(cells):
            header = cells
            break
    if header is None:
        raise UserError(tr("The file {name} is empty: it has no header row.", name=repr(name)))
    while header and not header[-1]:
        header.pop()
    if not header:
        raise UserError(tr("The file {name} has an empty header row.", name=repr(name)))
    seen: set[str] = set()
    for h in header:
        if h.casefold() in seen:
            raise UserError(tr("The file {name} has the column {h} twice in its header row.",
                               name=repr(name), h=repr(h)))
        seen.add(h.casefold())
    rows: list[list[str]] = []
    for raw in rows_iter:
        cells = [_cell(c) for c in raw][: len(header)]
        cells += [""] * (len(header) - len(cells))
        rows.append(cells)
        if len(rows) > MAX_ROWS:
            raise UserError(tr("The file {name} has more than {max_rows} rows; split it.",
                               name=repr(name), max_rows=MAX_ROWS))
    while rows and not any(rows[-1]):
        rows.pop()
    return Table(header, rows, encoding)


def read_table(path: Path) -> Table:
    """The header and rows of a CSV (any common encoding and delimiter) or XLSX file (first sheet)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and not path.is_dir():
            raise UserError(tr("The file {name} is {size} MB, over the {max_file_bytes} MB limit for "
                               "imports; split it.",
                               name=repr(name), size=format_number(size / 1_048_576, digits=0), max_file_bytes=MAX_FILE_BYTES // 1_048_576))
        data = read_regular_file(path, MAX_FILE_BYTES, what=tr("imports"))  # ordinary files only, bounded
    except FileNotFoundError as exc:
        raise UserError(tr("The file {name} does not exist.", name=repr(name))) from exc
    except IsADirectoryError as exc:
        raise UserError(tr("{name} is a folder, not a file.", name=repr(name))) from exc
    except OSError as exc:
        raise UserError(tr("The file {name} cannot be read: {strerror}.",
                           name=repr(name), strerror=exc.strerror)) from exc
    if path.suffix.lower() in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name)
    text, encoding = decode(data, name)
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), dialect), name, encoding)
    except csv.Error as exc:
        raise UserError(tr("The file {name} is not valid CSV: {exc}.", name=repr(name), exc=exc)) from exc


def _read_xlsx(data: bytes, name: str) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(tr("The file {name} is not a readable XLSX workbook ({exc}).",
                           name=repr(name), exc=exc)) from exc
    expanded = sum(p.file_size for p in parts)  # zipfile refuses to inflate a part beyond its declared size
    packed = sum(p.compress_size for p in parts) or 1
    if len(parts) > MAX_XLSX_PARTS or expanded > MAX_XLSX_UNCOMPRESSED or (
            expanded > 10 * 1024 * 1024 and expanded / packed > MAX_XLSX_RATIO):
        raise UserError(tr("The file {name} expands to {expanded} MB in {count} parts; it is refused as a "
                           "possible zip bomb.",
                           name=repr(name), expanded=format_number(expanded / 1_048_576, digits=0), count=len(parts)))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError(tr("The file {name} is not a readable XLSX workbook ({exc}).",
                           name=repr(name), exc=exc)) from exc
    except Exception as exc:  # openpyxl raises many kinds (XML parse errors, ...) on malformed parts
        raise UserError(tr("The file {name} is not a readable XLSX workbook ({error}).",
                           name=repr(name), error=type(exc).__name__)) from exc
    try:
        if not workbook.worksheets:
            raise UserError(tr("The file {name} has no worksheet.", name=repr(name)))
        sheet = workbook.worksheets[0]
        try:
            return _table(sheet.iter_rows(values_only=True), name, "xlsx")
        except UserError:
            raise
        except Exception as exc:  # a damaged sheet is only found while reading it
            raise UserError(tr("The file {name} is not a readable XLSX workbook: its first sheet is damaged "
                               "({error}).", name=repr(name), error=type(exc).__name__)) from exc
    finally:
        workbook.close()


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write CSV (UTF-8 with BOM, so spreadsheets detect it) or XLSX by the file suffix; returns rows written."""
    suffix = path.suffix.lower()
    count = 0
    try:
        if suffix == ".xlsx":
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Register")
            sheet.append([neutralise(h) for h in headers])
            for row in rows:
                sheet.append([neutralise(_cell(v) if isinstance(v, date | datetime) else v) for v in row])
                count += 1
            workbook.save(path)
        elif suffix in (".csv", ".txt", ""):
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([neutralise(h) for h in headers])
                for row in rows:
                    writer.writerow([neutralise(_cell(v)) for v in row])
                    count += 1
        else:
            raise UserError(tr("Cannot export to {path}: use a .csv or .xlsx file name.",
                               path=repr(str(path))))
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be written: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    return count
