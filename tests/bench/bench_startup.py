"""Window start-up benchmark: when the first window paints, beside a bare PySide6 window.

Target (issue 15): Vetta's first paint within 2x a bare PySide6 window measured in the same run. The
bare baseline is a process that imports PySide6, creates the application and a QMainWindow, shows it
and records its first paint; Vetta's figure is ``python -m desktop`` on the demo database up to the
first paint of its start-up window (desktop/ui/startup.py: "Opening the register…", before the
database layer loads), and, for information, up to the main window's first paint with the register.
Both run offscreen (``QT_QPA_PLATFORM=offscreen``), whole processes, medians of several runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import Result

ROOT = Path(__file__).resolve().parents[2]

BARE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
t0 = float(os.environ["VETTA_STARTUP_T0"])
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
class First(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"vetta-startup: first-paint {time.time() - t0:.4f}", file=sys.stderr, flush=True)
            obj.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False
first = First()
window.installEventFilter(first)
window.show()
app.exec()
"""


def _milestones(args: list[str], env: dict[str, str]) -> dict[str, float]:
    run_env = {**env, "VETTA_STARTUP_T0": repr(time.time())}
    r = subprocess.run([sys.executable, *args], cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=300)
    found = {}
    for line in r.stderr.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "vetta-startup:":
            found[parts[1]] = float(parts[2])
    if "first-paint" not in found:
        raise RuntimeError(f"no first paint in {args}: {r.stderr[-2000:]}")
    return found


def run(smoke: bool = False) -> list[Result]:
    repeat = 1 if smoke else 7
    folder = Path(tempfile.mkdtemp(prefix="vetta-bench-startup-"))
    env = {**os.environ, "VETTA_DATA_DIR": str(folder), "VETTA_DATABASE_URL": str(folder / "bench.sqlite3"),
           "QT_QPA_PLATFORM": "offscreen", "VETTA_USER": "Bench Marker", "VETTA_STARTUP_PROBE": "quit"}
    subprocess.run([sys.executable, "-m", "desktop", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare, first, shown = [], [], []
    for i in range(repeat + 1):
        b = _milestones(["-c", BARE], env)
        v = _milestones(["-m", "desktop"], env)
        if i:  # the first round warms the file cache and writes bytecode
            bare.append(b["first-paint"])
            first.append(v["first-paint"])
            shown.append(v["window-shown"])
    baseline = statistics.median(bare)
    base = "bare PySide6 window (process)"
    return [
        Result("vetta first paint (process, demo database)", statistics.median(first), base, baseline, "< 2x baseline"),
        Result("vetta main window with the register (process, demo database)", statistics.median(shown), base,
               baseline, "for information"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for r in run(smoke=False):
        ratio = f" ({r.ratio:.1f}x {r.baseline_name})" if r.ratio else ""
        print(f"{r.name}: {r.median_s:.3f} {r.unit}{ratio} target {r.target}")
