"""Render screenshots of the main screens on the demo data: ``python -m desktop.ui.screenshots OUTDIR``.

Runs under a virtual X server (``xvfb-run -a``) or the offscreen platform; uses a throwaway
database and settings folder, never the user's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPORT_VENDOR = "Clearlabel Cooperativa S.Coop."
GRAPH_VENDOR = "Scalewise Data Inc."


def _use_memory_keyring() -> None:
    """A throwaway in-memory keyring: the screenshots' signing key never reaches the user's keyring."""
    import keyring
    from keyring.backend import KeyringBackend

    class _Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(_Memory())


def _passing_answers(backend: Any, assessment_id: int) -> None:
    """Answer every open question as a clean vendor would, with evidence where it is required."""
    from desktop.core.checklist import load_template_file
    from desktop.core.checklist.scoring import outcome
    from desktop.services import assessments as A

    template = load_template_file(Path(__file__).resolve().parents[2] / "resources" / "checklists"
                                  / "ai-data-vendor-neutrality.yaml")[0]
    for q in A.get_assessment(backend, assessment_id).questions:
        spec = template.question(q.key)
        if spec is None:
            continue
        if q.value is None:
            candidates: Any = {
                "yes_no_partial_na": ["no", "yes"], "single_choice": [o.value for o in spec.options],
                "multiple_choice": [[o.value] for o in spec.options], "number": [24, 1, 100],
                "date": ["2025-01-15"]}.get(q.answer_type, ["Documented in the vendor file."])
            value = next(c for c in candidates if outcome(spec, c) == "pass")
            A.answer_question(backend, assessment_id, q.key, value, actor="Marta Gil")  # the preparer
        if q.evidence_required and not q.evidence:
            A.attach_evidence_bytes(backend, assessment_id, q.key, f"Evidence for {q.key}".encode(),
                                    f"{q.key}.pdf", actor="Marta Gil")


def _wait(app: Any, done: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def render(outdir: Path) -> list[Path]:
    # Widgets are grabbed, not the screen, so the offscreen platform renders the same pixels; it also
    # works where the xcb plugin cannot load (e.g. missing X libraries under xvfb-run).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from desktop.services.backend import open_backend
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
    from desktop.services.whoami import set_profile_name

    set_profile_name("Ana García")  # i18n: ignore - who is signed in (the approver shown in the sign-off)
    backend = open_backend(str(work / "demo.sqlite3"), daily_backup=False)
    load_demo(backend, "demo")
    from desktop.ui.app import install_language

    install_language(app, backend)  # as the application does: English plurals come from the translator too
    window = MainWindow(backend, "demo.sqlite3", str(work / "demo.sqlite3"),
                        QSettings(str(work / "shots.ini"), QSettings.Format.IniFormat))
    window.resize(1200, 780)
    window.show()
    written: list[Path] = []

    def shot(widget: object, name: str) -> None:
        app.processEvents()
        path = outdir / f"{name}.png"
        pixmap = widget.grab()  # type: ignore[attr-defined]
        if pixmap.width() > 1200 or pixmap.height() > 800:  # keep the docs light
            pixmap = pixmap.scaled(1200, 800, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        pixmap.save(str(path))
        written.append(path)

    _use_memory_keyring()

    window.workspace.setCurrentWidget(window.register)
    shot(window, "register")
    window.workspace.setCurrentIndex(0)
    _wait(app, lambda: window.dashboard.data is not None)  # Home reads its figures off the GUI thread
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
    from desktop.services.identities import new_identity

    new_identity(backend, "Ana García", email="ana.garcia@example.org", actor="Ana García")
    dialog = SettingsDialog(backend, window)
    dialog.show()
    shot(dialog, "settings")
    dialog.tabs.setCurrentIndex(2)
    dialog.competitors.setCurrentRow(0)
    shot(dialog, "settings-watchlist")
    dialog.tabs.setCurrentWidget(dialog.identities)
    shot(dialog, "settings-identities")
    dialog.close()
    written += _assessment_shots(app, window, backend, work, outdir, shot)
    window.close()
    from desktop.services.backend import close_backend

    close_backend(backend)
    written += _welcome_shots(app, work, shot)
    return written


def _vendor_id(window: Any, name: str) -> int:
    from desktop.services.audit import resolve_vendor

    return resolve_vendor(window._backend, name)


def _assessment_shots(app: Any, window: Any, backend: Any, work: Path, outdir: Path,
                      shot: Callable[[object, str], None]) -> list[Path]:
    from desktop.services import assessments as A
    from desktop.services.signoff import approve, signed_report
    from desktop.ui.report import SignOffDialog

    written: list[Path] = []
    # ownership graph of the seed case
    editor = window.open_vendor(_vendor_id(window, GRAPH_VENDOR))
    from desktop.ui.ownership import OwnershipTab

    ownership = next(editor.tabs.widget(i) for i in range(editor.tabs.count())
                     if isinstance(editor.tabs.widget(i), OwnershipTab))  # any interface language
    editor.tabs.setCurrentWidget(ownership)
    _wait(app, lambda: False, 1.0)
    shot(window, "vendor-ownership")
    # the wizard on a Scalewise assessment
    s = A.create_assessment(backend, GRAPH_VENDOR, preparer="Marta Gil", actor="Marta Gil")
    wizard = window.open_assessment(s.id)
    wizard.show_section(wizard.view.sections[0]["id"])
    shot(window, "wizard")
    editor.tabs.setCurrentWidget(editor.assessments)
    window.workspace.setCurrentWidget(editor)
    editor.assessments.reload()
    shot(window, "vendor-assessments")
    # Clearlabel: answered, submitted, signed
    clean = A.create_assessment(backend, REPORT_VENDOR, preparer="Marta Gil", actor="Marta Gil")
    _passing_answers(backend, clean.id)
    A.submit_assessment(backend, clean.id, actor="Marta Gil")
    dialog = SignOffDialog(backend, clean.id, window)  # as the signed-in user, Ana García
    dialog.show()
    _wait(app, lambda: dialog.preview.page_count() > 0 and not dialog.busy())
    _wait(app, lambda: False, 2.0)  # the PDF view paints its pages asynchronously
    shot(dialog, "signoff")
    dialog.close()
    approve(backend, clean.id, identity="Ana García", approver="Ana García")
    pdf = signed_report(backend, clean.id)
    assert pdf is not None
    report = work / "signed-report.pdf"
    report.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "68", "-f", "1", "-l", "1", "-singlefile", str(report),
                        str(outdir / "report-page1")], check=True)
        written.append(outdir / "report-page1.png")
    return written


def _welcome_shots(app: Any, work: Path, shot: Callable[[object, str], None]) -> list[Path]:
    from desktop.services.backend import open_backend
    from desktop.ui.welcome import WelcomeDialog

    backend = open_backend(str(work / "fresh.sqlite3"), daily_backup=False)
    welcome = WelcomeDialog(backend, apply_language=False)
    welcome.show()
    shot(welcome, "welcome")
    welcome.next_page()
    welcome.org_name.setText("Acme Procurement SA")  # i18n: ignore
    welcome.next_page()
    welcome.set_competitor(0, "Contoso Platforms Inc.", "Contoso Ventures LLC; Contoso Labs")
    welcome.set_competitor(1, "Fabrikam AI Ltd", "Fabrikam Labs GmbH")
    shot(welcome, "welcome-watchlist")
    welcome.close()
    from desktop.services.backend import close_backend

    close_backend(backend)
    return []


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
