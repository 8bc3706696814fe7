"""Fuzz: the `--db` address: never a traceback, always a sentence, nothing written."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.engine import parse_url
from db.errors import DatabaseError
from desktop.cli.main import EXIT_DATABASE, EXIT_PROBLEM, main

schemes = st.sampled_from(["", "sqlite://", "sqlite:///", "sqlite:////", "mysql://", "oracle+cx://", "file://",
                           "postgresql+psycopg2://", "postgres://", "http://", "sqlite+pysqlite:///", "::", "://"])
tails = st.text(max_size=80)
urls = st.one_of(st.text(max_size=120), st.tuples(schemes, tails).map("".join))


@settings(max_examples=500, deadline=None)
@given(url=urls)
def test_parse_url_gives_a_url_or_a_sentence(url):
    try:
        parsed = parse_url(url)
    except DatabaseError as exc:
        assert str(exc).endswith(".")
        return
    assert parsed.get_backend_name() in ("sqlite", "postgresql")


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if "logs" not in p.parts}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=urls.filter(lambda u: not u.lower().startswith(("postgres", "postgresql"))))
def test_cli_with_a_hostile_db_address_exits_cleanly_and_writes_nothing(tmp_path, monkeypatch, url):
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    monkeypatch.chdir(work)
    before = _files_under(tmp_path)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([f"--db={url}", "db", "check"])  # the = form: an address may start with "-"
    message = err.getvalue()
    assert code in (EXIT_PROBLEM, EXIT_DATABASE), (url, code, message)
    assert "Traceback" not in message and "internal error" not in message
    if code == EXIT_DATABASE:
        assert message.startswith("vetta: error: ") and message.count("\n") == 1
    assert _files_under(tmp_path) == before, url
    assert os.getcwd() == str(work)
