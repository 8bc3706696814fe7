"""Spanish labels show no English ampersand (Qt's mnemonic '&' handled), and the window names its
database in words, with the full location in a tooltip (issue 15.9)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QTabWidget, QWidget

from desktop.services.database import database_name
from desktop.ui import translator
from desktop.ui.main_window import MainWindow

PO = Path(__file__).resolve().parents[2] / "resources" / "locale" / "es" / "LC_MESSAGES" / "vetta.po"


def visible(label: str) -> str:
    """What Qt shows for a label with mnemonics: '&&' is a literal '&', '&x' underlines x."""
    return re.sub(r"&(&|.)", lambda m: m.group(1), label)


def test_no_spanish_translation_shows_an_ampersand() -> None:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    shown = []
    for message in catalogue:
        if not message.id:
            continue
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            if "&" in visible(text or ""):
                shown.append((message.id, text))
    assert shown == []


def _texts(root: QWidget) -> list[str]:
    out: list[str] = []
    for menu in root.findChildren(QMenu):
        out += [a.text() for a in menu.actions()] + [menu.title()]
    for tabs in root.findChildren(QTabWidget):
        out += [tabs.tabText(i) for i in range(tabs.count())]
    out += [b.text() for b in root.findChildren(QAbstractButton)]
    out += [label.text() for label in root.findChildren(QLabel) if "<" not in label.text()]  # rich text: HTML
    return [t for t in out if t]


def test_the_spanish_window_and_vendor_editor_show_y_not_an_ampersand(qtbot, qapp, demo_engine, settings) -> None:
    try:
        translator.install(qapp, "es")
        window = MainWindow(demo_engine, "demo", None, settings)
        qtbot.addWidget(window)
        window.show()
        editor = window.open_vendor(1)
        texts = _texts(window) + _texts(editor)
        assert "Propiedad y personas" in texts and "Seguridad y garantías sobre los datos" in texts
        assert [t for t in texts if "&" in visible(t)] == []
        assert any(visible(t) == "Aprobar y firmar…" for t in texts)
    finally:
        translator.install(qapp, "en")


def test_the_database_is_named_in_words(qtbot, sqlite_engine, settings, tmp_path: Path) -> None:
    home = Path.home()
    sqlite = database_name(f"sqlite:///{home}/.local/share/Vetta/vetta.sqlite3", "en")
    assert (sqlite.name, sqlite.location) == ("vetta.sqlite3 in ~/.local/share/Vetta",
                                              f"{home}/.local/share/Vetta/vetta.sqlite3")
    elsewhere = database_name("sqlite:////srv/shared/team.sqlite3", "es")
    assert elsewhere.name == "team.sqlite3 en /srv/shared"
    pg = database_name("postgresql+psycopg://ana:s3cret@db.example.com/vetta", "en")
    assert pg.name == "vetta on db.example.com" and "s3cret" not in pg.location and "ana@" not in pg.name
    assert pg.location == "postgresql+psycopg://ana:***@db.example.com/vetta"
    assert database_name("postgresql://ana@db.example.com:6543/vetta").name == "vetta on db.example.com:6543"
    assert database_name("sqlite://").name == "a database in memory"

    from desktop.ui.app import build_window

    window = build_window(sqlite_engine, str(sqlite_engine.url))
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    path = Path(sqlite_engine.url.database)
    assert window.windowTitle() == f"Vetta — vetta.sqlite3 in {path.parent}"
    assert window.db_status.text() == f"vetta.sqlite3 in {path.parent}" and window.db_status.toolTip() == str(path)
    assert "sqlite:" not in window.windowTitle() + window.db_status.text()
