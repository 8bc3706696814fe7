"""Evidence files of a vendor and of its child records: attach, replace with a new version, archive, list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session, unit_of_work
from db.models import EvidenceFile, EvidenceLink
from db.types import utcnow
from desktop.core.errors import NotFound
from desktop.core.i18n import tr
from desktop.services.evidence import add_evidence, link, read_file, store_bytes
from desktop.services.vendors.children import CHILD_KINDS


def attach_evidence(engine: Engine, path: Path, record_type: str, record_id: int,
                    actor: str | None = None) -> int:
    """Store the file at ``path`` and link it to the record; returns the evidence id."""
    return add_evidence(engine, path, record_type=record_type, record_id=record_id, actor=actor).id


def replace_evidence(engine: Engine, old_id: int, path: Path, record_type: str, record_id: int,
                     actor: str | None = None) -> int:
    """Store ``path`` as the new version of evidence ``old_id``: linked where the old one was; old archived."""
    data = read_file(path)
    with unit_of_work(engine, actor) as session:
        old = session.get(EvidenceFile, old_id)
        if old is None:
            raise NotFound(tr("There is no evidence file #{old_id}.", old_id=old_id))
        new = store_bytes(session, data, path.name, actor=session.info["actor"], description=old.description)
        assert new.id is not None
        links = session.exec(select(EvidenceLink).where(EvidenceLink.evidence_id == old_id)).all()
        targets = {(lk.record_type, lk.record_id) for lk in links} | {(record_type, record_id)}
        for rtype, rid in sorted(targets):
            link(session, new.id, rtype, rid)
        old.archived_at = utcnow()
        session.add(old)
        return new.id


def remove_evidence(engine: Engine, evidence_id: int, actor: str | None = None) -> None:
    """Archive an evidence file (it stays in the database for the audit trail)."""
    with unit_of_work(engine, actor) as session:
        old = session.get(EvidenceFile, evidence_id)
        if old is None:
            raise NotFound(tr("There is no evidence file #{evidence_id}.", evidence_id=evidence_id))
        old.archived_at = utcnow()
        session.add(old)


def vendor_evidence(engine: Engine, vendor_id: int) -> list[dict[str, Any]]:
    """Evidence linked to the vendor or to any of its contracts, certifications, commitments, subprocessors."""
    with read_session(engine) as session:
        targets: list[tuple[str, int]] = [("vendor", vendor_id)]
        for kind in ("contract", "certification", "commitment", "subprocessor"):
            model = CHILD_KINDS[kind][0]
            ids = session.exec(select(model.id).where(model.vendor_id == vendor_id)).all()
            targets.extend((kind, int(i)) for i in ids)
        out: dict[int, dict[str, Any]] = {}
        for rtype, rid in targets:
            rows = session.exec(
                select(EvidenceFile).join(EvidenceLink, col(EvidenceLink.evidence_id) == col(EvidenceFile.id))
                .where(EvidenceLink.record_type == rtype, EvidenceLink.record_id == rid,
                       col(EvidenceFile.archived_at).is_(None))).all()
            for f in rows:
                entry = out.setdefault(f.id or 0, {
                    "id": f.id, "filename": f.filename, "size": f.size, "mime_type": f.mime_type,
                    "sha256": f.sha256, "uploaded_by": f.uploaded_by, "created_at": f.created_at,
                    "linked_to": []})
                entry["linked_to"].append(f"{rtype} #{rid}" if rtype != "vendor" else "vendor")
        result = sorted(out.values(), key=lambda e: e["created_at"])
        for e in result:
            e["linked_to"] = ", ".join(e["linked_to"])
        return result
