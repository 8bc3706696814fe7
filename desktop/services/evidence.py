"""Evidence files: stored in the database with SHA-256, size and MIME type, linkable to any record."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import EvidenceBlob, EvidenceFile, EvidenceLink, Organisation
from desktop.core.errors import NotFound, UserError
from desktop.core.files import read_regular_file
from desktop.core.i18n import format_number, tr

# Record types an evidence file can be linked to.
LINKABLE = frozenset({
    "vendor", "party", "interest", "contract", "certification", "commitment", "subprocessor",
    "assessment", "answer", "competitor",
})
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
HARD_MAX_BYTES = 512 * 1024 * 1024  # never read a bigger file into memory, whatever the organisation's limit


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    filename: str
    mime_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str
    created_at: datetime
    version: int


def _info(f: EvidenceFile) -> EvidenceInfo:
    assert f.id is not None
    return EvidenceInfo(f.id, f.filename, f.mime_type, f.size, f.sha256, f.description, f.uploaded_by,
                        f.created_at, f.version)


def safe_filename(name: str) -> str:
    """The last component of ``name``: no folders, no path separators, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "/\\\x00").lstrip(". ").rstrip()
    if not base:
        raise UserError(tr("The file name {name} is not usable; rename the file and try again.",
                           name=repr(name)))
    return base[:255].rstrip()


def max_bytes(session: Session) -> int:
    org = session.exec(select(Organisation)).first()
    return org.evidence_max_bytes if org else DEFAULT_MAX_BYTES


def store_bytes(session: Session, data: bytes, filename: str, *, actor: str = "", description: str = "",
                mime_type: str | None = None) -> EvidenceFile:
    """Store one file inside the caller's unit of work (identical bytes share one blob)."""
    name = safe_filename(filename)
    limit = max_bytes(session)
    if len(data) > limit:
        raise UserError(
            tr("The file {name} is {size} MB, over the {limit} MB limit for evidence files; attach a "
               "smaller file or a link to it.",
               name=repr(name), size=format_number(len(data) / 1_048_576, digits=1), limit=format_number(limit / 1_048_576, digits=0))
        )
    digest = hashlib.sha256(data).hexdigest()
    blob = session.exec(select(EvidenceBlob).where(EvidenceBlob.sha256 == digest)).first()
    if blob is None:
        blob = EvidenceBlob(sha256=digest, data=data)
        session.add(blob)
        session.flush()
    assert blob.id is not None
    guessed = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    record = EvidenceFile(blob_id=blob.id, filename=name, mime_type=guessed, size=len(data), sha256=digest,
                          description=description, uploaded_by=actor)
    session.add(record)
    session.flush()
    return record


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``; a file over ``limit`` (or ``HARD_MAX_BYTES``) is refused before it is read."""
    cap = min(limit, HARD_MAX_BYTES) if limit is not None else HARD_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > cap and not path.is_dir():
            raise UserError(tr("The file {path} is {size} MB, over the {cap} MB limit for evidence files; "
                               "attach a smaller file or a link to it.",
                               path=repr(str(path)), size=format_number(size / 1_048_576, digits=1), cap=format_number(cap / 1_048_576, digits=0)))
        return read_regular_file(path, cap, what=tr("evidence files"))  # ordinary files only, bounded
    except FileNotFoundError as exc:
        raise UserError(tr("The file {path} does not exist.", path=repr(str(path)))) from exc
    except IsADirectoryError as exc:
        raise UserError(tr("{path} is a folder, not a file.", path=repr(str(path)))) from exc
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be read: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc


def link(session: Session, evidence_id: int, record_type: str, record_id: int) -> None:
    if record_type not in LINKABLE:
        raise UserError(tr("Evidence cannot be linked to a {record_type}.", record_type=repr(record_type)))
    exists = session.exec(select(EvidenceLink).where(
        EvidenceLink.evidence_id == evidence_id, EvidenceLink.record_type == record_type,
        EvidenceLink.record_id == record_id)).first()
    if exists is None:
        session.add(EvidenceLink(evidence_id=evidence_id, record_type=record_type, record_id=record_id))
        session.flush()


def add_evidence(engine: Engine, path: Path, *, record_type: str | None = None, record_id: int | None = None,
                 actor: str | None = None, description: str = "") -> EvidenceInfo:
    """One user action: store the file at ``path`` and link it to a record, all or nothing."""
    with read_session(engine) as session:
        limit = max_bytes(session)
    data = read_file(path, limit)
    with unit_of_work(engine, actor) as session:
        record = store_bytes(session, data, path.name, actor=session.info["actor"], description=description)
        if record_type is not None and record_id is not None:
            assert record.id is not None
            link(session, record.id, record_type, record_id)
        return _info(record)


def evidence_for(engine: Engine, record_type: str, record_id: int) -> list[EvidenceInfo]:
    with read_session(engine) as session:
        rows = session.exec(
            select(EvidenceFile)
            .join(EvidenceLink, col(EvidenceLink.evidence_id) == col(EvidenceFile.id))
            .where(EvidenceLink.record_type == record_type, EvidenceLink.record_id == record_id,
                   col(EvidenceFile.archived_at).is_(None))
            .order_by(col(EvidenceFile.created_at))
        ).all()
        return [_info(r) for r in rows]


def evidence_bytes(engine: Engine, evidence_id: int) -> tuple[EvidenceInfo, bytes]:
    with read_session(engine) as session:
        record = session.get(EvidenceFile, evidence_id)
        if record is None:
            raise NotFound(tr("There is no evidence file #{evidence_id}.", evidence_id=evidence_id))
        blob = session.get(EvidenceBlob, record.blob_id)
        assert blob is not None
        return _info(record), bytes(blob.data)
