"""Register benchmarks: opening the main window over a large register, search keystrokes, memory.

Targets (issue 6): with 100,000 vendors, opening the main window < 4x a bare PySide6 QMainWindow
measured in the same run; a search keystroke updates the view in < 30 ms (median); resident
memory < 300 MB. ``run(smoke=True)`` uses a tiny register so the test suite can check it works.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench.common import Result, median_time


def _populate(engine: object, n: int) -> None:
    """Bulk insert ``n`` vendors with parties, tags and identifiers (SQL core, one transaction)."""
    from sqlalchemy import insert

    from db.models import Certification, Party, PartyIdentifier, Vendor, VendorTag

    words = ["data", "label", "speech", "vision", "corpus", "annot", "synth", "rlhf", "eval", "text"]
    tiers = ["critical", "high", "medium", "low"]
    statuses = ["prospect", "active", "suspended", "offboarded"]
    batch = 10_000
    with engine.begin() as conn:  # type: ignore[attr-defined]
        for start in range(0, n, batch):
            ids = range(start + 1, min(n, start + batch) + 1)
            conn.execute(insert(Party), [{
                "id": i, "name": f"{words[i % 10].title()} {words[(i // 10) % 10]} {i:06d} Ltd",
                "name_normalised": f"{words[i % 10]} {words[(i // 10) % 10]} {i:06d} ltd", "kind": "entity",
                "country": ["ES", "DE", "US", "FR"][i % 4], "notes": "", "version": 1, "is_listed": False,
            } for i in ids])
            conn.execute(insert(Vendor), [{
                "id": i, "party_id": i, "services": f"{words[i % 7]} services", "tier": tiers[i % 4],
                "status": statuses[i % 4], "internal_owner": "", "notes": "", "version": 1,
            } for i in ids])
            conn.execute(insert(VendorTag), [{"vendor_id": i, "tag": words[i % 9]} for i in ids])
            conn.execute(insert(PartyIdentifier), [{"party_id": i, "scheme": "OTHER", "value": f"ID{i:08d}"}
                                                   for i in ids if i % 5 == 0])
            conn.execute(insert(Certification), [{"vendor_id": i, "standard": "ISO/IEC 27001", "version": 1}
                                                 for i in ids if i % 50 == 0])


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(smoke: bool = False) -> list[Result]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow

    from desktop.services.database import open_database
    from desktop.ui.main_window import MainWindow

    n = 300 if smoke else 100_000
    repeat = 2 if smoke else 5
    folder = Path(tempfile.mkdtemp(prefix="vetta-bench-register-"))
    os.environ["VETTA_DATA_DIR"] = str(folder)
    app = QApplication.instance() or QApplication([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    engine = open_database(str(folder / "bench.sqlite3"), daily_backup=False)
    _populate(engine, n)
    settings = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)

    def bare() -> None:
        w = QMainWindow()
        w.resize(1200, 760)
        w.show()
        app.processEvents()
        w.close()
        w.deleteLater()
        app.processEvents()

    def vetta() -> None:
        w = MainWindow(engine, "bench", None, settings)
        w.show()
        app.processEvents()
        w.close()
        w.deleteLater()
        app.processEvents()

    bare_s = median_time(bare, repeat=repeat)
    open_s = median_time(vetta, repeat=repeat)

    window = MainWindow(engine, "bench", None, settings)
    window.show()
    app.processEvents()
    register = window.register
    samples = []
    # A user typing two searches, one keystroke at a time (the debounce timer's work per keystroke).
    for term in ("speech 0012", "vision corp", "id0000"):
        for end in range(1, len(term) + 1):
            start = time.perf_counter()
            register.search.blockSignals(True)
            register.search.setText(term[:end])
            register.search.blockSignals(False)
            register.apply_filters()
            window.table.viewport().repaint()
            app.processEvents()
            samples.append(time.perf_counter() - start)
    keystroke = statistics.median(samples)
    rss = _rss_mb()
    window.close()
    engine.dispose()
    size = f"{n:,} vendors"
    return [
        Result(f"open main window ({size})", open_s, "bare QMainWindow", bare_s, "< 4x baseline"),
        Result(f"search keystroke ({size})", keystroke, target="< 0.030 s",
               note=f"median of {len(samples)} keystrokes, SQL search + view repaint"),
        Result(f"resident memory ({size}, window open)", rss, unit="MB", target="< 300 MB"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for r in run(smoke=False):
        ratio = f" ({r.ratio:.2f}x {r.baseline_name})" if r.ratio else ""
        print(f"{r.name}: {r.median_s:.4f} {r.unit}{ratio} target {r.target} {r.note}")
