"""Render screenshots of the main screens on the demo data: ``python -m desktop.ui.screenshots OUTDIR``.

Runs under a virtual X server (``xvfb-run -a``) or the offscreen platform; uses a throwaway
database and settings folder, never the user's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def render(outdir: Path) -> list[Path]:
    # Widgets are grabbed, not the screen, so the offscreen platform renders the same pixels; it also
    # works where the xcb plugin cannot load (e.g. missing X libraries under xvfb-run).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.services.database import open_database
    from desktop.services.demo import load_demo
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings_dialog import SettingsDialog

    outdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vetta-shots-"))
    os.environ["VETTA_DATA_DIR"] = str(work)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Vetta")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    engine = open_database(str(work / "demo.sqlite3"), daily_backup=False)
    load_demo(engine, "demo")
    window = MainWindow(engine, "demo.sqlite3", str(work / "demo.sqlite3"),
                        QSettings(str(work / "shots.ini"), QSettings.Format.IniFormat))
    window.resize(1360, 820)
    window.show()
    written: list[Path] = []

    def shot(widget: object, name: str) -> None:
        app.processEvents()
        path = outdir / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(path)

    window.workspace.setCurrentWidget(window.register)
    shot(window, "register")
    window.workspace.setCurrentIndex(0)
    shot(window, "dashboard")
    vendor = next(window.model.vendor_id(r) for r in range(window.model.rowCount())
                  if window.model.index(r, 0).data() == "Veridata Annotations Ltd")
    editor = window.open_vendor(vendor)
    editor.profile.lei.setText("12345")  # shows inline validation
    shot(window, "vendor-profile")
    editor.revert()
    assert editor.contracts is not None and editor.guarantees is not None
    editor.tabs.setCurrentWidget(editor.contracts)
    shot(window, "vendor-contracts")
    editor.tabs.setCurrentWidget(editor.guarantees)
    shot(window, "vendor-guarantees")
    assert editor.history is not None
    editor.tabs.setCurrentWidget(editor.history)
    shot(window, "vendor-history")
    assert editor.evidence is not None
    editor.tabs.setCurrentWidget(editor.evidence)
    shot(window, "vendor-evidence")
    dialog = SettingsDialog(engine, window)
    dialog.show()
    shot(dialog, "settings")
    dialog.tabs.setCurrentIndex(2)
    dialog.competitors.setCurrentRow(0)
    shot(dialog, "settings-watchlist")
    dialog.close()
    window.close()
    engine.dispose()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m desktop.ui.screenshots OUTDIR", file=sys.stderr)
        return 2
    for path in render(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
