"""Nasty files for the hostile-input tests, generated cheaply, and a database snapshot to prove nothing was written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from db.engine import read_session
from db.models import AuditEvent

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
       f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(8)]
    + ["id: *i", "version: 1", "title: {en: T, es: T}", "sections: *i"]) + "\n"


def db_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table (audit_event included): equal before and after means nothing was written."""
    counts: dict[str, int] = {}
    with read_session(engine) as s:
        for table in SQLModel.metadata.sorted_tables:
            counts[table.name] = int(s.exec(select(func.count()).select_from(table)).one())  # type: ignore[call-overload]
        counts["audit_event"] = int(s.exec(select(func.count()).select_from(AuditEvent)).one())
    return counts


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes that takes no disk space (a hole after ``head``)."""
    with path.open("wb") as f:
        f.write(head)
        f.truncate(size)
    return path


def xlsx_bomb(path: Path, valid_xlsx: bytes, inflate_to: int = 300 * 1024 * 1024,
              sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """``valid_xlsx`` with ``sheet`` replaced by XML padded with ``inflate_to`` bytes of spaces (a zip bomb)."""
    src = zipfile.ZipFile(io.BytesIO(valid_xlsx))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet:
                head, _sep, tail = data.partition(b"<sheetData")
                with out.open(sheet, "w", force_zip64=True) as f:
                    f.write(head)
                    chunk = b" " * (16 * 1024 * 1024)
                    left = inflate_to
                    while left > 0:
                        f.write(chunk[:left])
                        left -= len(chunk)
                    f.write(b"<sheetData" + tail)
            else:
                out.writestr(item, data)
    return path


def corrupt_xlsx(path: Path, valid_xlsx: bytes, sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """``valid_xlsx`` whose ``sheet`` XML is cut in the middle (malformed XML inside a sound zip)."""
    src = zipfile.ZipFile(io.BytesIO(valid_xlsx))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            out.writestr(item, data[: len(data) * 2 // 3] + b"<<&" if item.filename == sheet else data)
    return path


