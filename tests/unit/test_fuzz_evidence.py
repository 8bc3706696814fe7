"""Fuzz: evidence file names (path separators, control characters, unicode) never escape or crash."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from db.engine import read_session, unit_of_work
from db.models import EvidenceFile
from desktop.core.errors import UserError
from desktop.services.evidence import safe_filename, store_bytes

EXAMPLES = 400

nasty_parts = st.sampled_from([
    "/", "\\", "..", ".", "\x00", "\n", "\r", "\t", "\u202e", "\u200b", "\ufeff", "C:", "~", "/etc/passwd",
    "..\\..\\windows\\system32", "CON", "nul", "  ", "é", "ñ", "日本", "\U0001f600", "a" * 300, "\x7f", "%2e%2e",
])
names = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(nasty_parts, st.text(max_size=20)), max_size=12).map("".join),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(name=names)
def test_safe_filename_is_one_harmless_component(name):
    try:
        safe = safe_filename(name)
    except UserError as exc:
        assert "rename the file" in str(exc)
        return
    assert safe and len(safe) <= 255
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and safe == safe.strip()
    assert all(ch.isprintable() for ch in safe)
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs") for ch in safe)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_storing_with_a_hostile_name_stores_the_safe_name_or_nothing(sqlite_engine, name):
    with read_session(sqlite_engine) as s:
        before = len(s.exec(select(EvidenceFile)).all())
    try:
        with unit_of_work(sqlite_engine, "fuzz") as s:
            record = store_bytes(s, b"evidence", name)
            stored = record.filename
    except UserError:
        with read_session(sqlite_engine) as s:
            assert len(s.exec(select(EvidenceFile)).all()) == before
        return
    assert stored == safe_filename(name)
