"""Start-up stays light: opening the window loads no command module, no signing or PDF library, and
the database check that runs beside the start-up still refuses a damaged file."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from db.errors import DatabaseError
from db.filecheck import QuickCheck
from desktop.cli.main import opens_the_window
from desktop.services.database import open_database
from desktop.services.settings import get_settings, save_settings
from desktop.ui.app import _after_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "window"), [
    ([], True), (["--db", "x.sqlite3"], True), (["--db=x.sqlite3", "-v"], True), (["--user", "ana", "--verbose"], True),
    (["gui"], False), (["vendors", "list"], False), (["--help"], False), (["--version"], False),
    (["--db"], False), (["--db", "x", "--bogus"], False), (["-x"], False),
])
def test_only_global_options_open_the_window_without_the_command_parsers(argv: list[str], window: bool) -> None:
    assert opens_the_window(argv) is window


# The real program in a fresh process: it quits as soon as the main window shows the register's rows,
# then prints which heavy modules the start-up loaded.
PROCESS = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

def shown():
    for w in app.topLevelWidgets():
        if type(w).__name__ == "MainWindow" and w.isVisible() and w.table.model().rowCount() > 0:
            app.quit()
            return
    QTimer.singleShot(5, shown)

QTimer.singleShot(0, shown)
from desktop.cli.main import main
code = main(["--db", sys.argv[1]])
print(sorted({n.split(".")[0] for n in sys.modules} & {"pyhanko", "reportlab", "openpyxl", "pydantic_yaml"}),
      sorted(n for n in sys.modules if n.startswith("desktop.cli.cmd_")), code)
"""


def test_opening_the_window_loads_no_signing_pdf_or_command_module(tmp_path: Path) -> None:
    from desktop.services.demo import load_demo

    db = tmp_path / "start.sqlite3"
    engine = open_database(str(db), daily_backup=False)
    load_demo(engine)
    save_settings(engine, replace(get_settings(engine), name="Acme Procurement SA"))
    engine.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PROCESS, str(db)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1] == "[] [] 0"


def test_the_early_check_passes_a_sound_file_and_leaves_any_doubt_to_the_usual_check(tmp_path: Path) -> None:
    good = tmp_path / "good.sqlite3"
    open_database(str(good), daily_backup=False).dispose()
    assert QuickCheck(str(good)).passed()
    assert QuickCheck(f"sqlite:///{good}").passed()
    assert not QuickCheck(str(tmp_path / "missing.sqlite3")).passed()
    assert not QuickCheck("postgresql://nobody@127.0.0.1:1/none").passed()

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8192)
    before = bad.read_bytes()
    check = QuickCheck(str(bad))
    assert not check.passed()
    with pytest.raises(DatabaseError, match="bad.sqlite3"):  # the usual check explains it, naming the file
        open_database(str(bad), checked=_after_check(check, str(bad)))
    assert bad.read_bytes() == before  # nothing was written to the damaged file


# The CLI's parser imports modules that import tr(): no catalogue may load until something is translated, and
# translating reads the compiled catalogue with the standard library only (Babel is for compiling it).
FIRST_TRANSLATION = """
import sys
from desktop.cli.main import build_parser
from desktop.core import i18n
build_parser().format_help()
before = (i18n.catalogue.cache_info().currsize, "babel" in sys.modules)
spanish = i18n.tr("&Quit", "es")
print(before, spanish, "babel" in sys.modules)
"""


def test_the_catalogue_loads_on_the_first_translation_without_babel() -> None:
    from desktop.core.i18n_tools import compile_all

    compile_all()  # an up-to-date .mo, as after any first run (a stale one is compiled with Babel, once)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FIRST_TRANSLATION], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip() == "(0, False) &Salir False"
