"""Evidence files are stored with their hash, deduplicated, linked, and refused over the limit."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import EvidenceBlob, EvidenceFile, Organisation
from desktop.core.errors import UserError
from desktop.services.evidence import add_evidence, evidence_bytes, evidence_for, safe_filename


def test_add_link_read_back(engine, tmp_path):
    f = tmp_path / "SOC2 report.pdf"
    f.write_bytes(b"%PDF-1.7 fake but bytes are bytes")
    info = add_evidence(engine, f, record_type="vendor", record_id=1, actor="ana")
    assert info.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    assert info.mime_type == "application/pdf" and info.size == f.stat().st_size
    assert [e.id for e in evidence_for(engine, "vendor", 1)] == [info.id]
    got, data = evidence_bytes(engine, info.id)
    assert data == f.read_bytes() and got.filename == "SOC2 report.pdf"
    add_evidence(engine, f, record_type="contract", record_id=7)
    with read_session(engine) as s:
        assert len(s.exec(select(EvidenceBlob)).all()) == 1  # same bytes, one blob
        assert len(s.exec(select(EvidenceFile)).all()) == 2


def test_over_the_limit_is_refused_and_nothing_written(engine, tmp_path):
    with unit_of_work(engine) as s:
        s.add(Organisation(name="Us", evidence_max_bytes=10))
    f = tmp_path / "big.bin"
    f.write_bytes(b"x" * 11)
    with pytest.raises(UserError, match="big.bin.*over the"):
        add_evidence(engine, f)
    with read_session(engine) as s:
        assert s.exec(select(EvidenceFile)).all() == []


@pytest.mark.parametrize(("raw", "clean"), [("../../etc/passwd", "passwd"), ("C:\\x\\y.pdf", "y.pdf"),
                                            ("a/b/.hidden", "hidden")])
def test_file_names_lose_their_folders(raw, clean):
    assert safe_filename(raw) == clean


def test_missing_file_is_one_sentence(engine, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        add_evidence(engine, tmp_path / "nope.pdf")
