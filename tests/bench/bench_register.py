"""Register benchmarks: starting the program over a large register, search keystrokes, memory.

Targets (issue 6): with 100,000 vendors, starting Vetta until the register shows its first rows
< 4x starting a bare PySide6 QMainWindow, both as fresh processes measured in the same run (what a
user waits for after double-clicking); a search keystroke updates the view in < 30 ms (median);
resident memory < 300 MB. ``run(smoke=True)`` uses a tiny register so the test suite can check it.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import Result

ROOT = Path(__file__).resolve().parents[2]

# The real program (`vetta --db URL`, i.e. desktop.cli.main -> desktop.ui.app.run), in a fresh
# process that quits as soon as the main window is visible and its register shows rows.
VETTA_PROCESS = """
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

def shown():
    for w in app.topLevelWidgets():
        table = getattr(w, "table", None)
        if type(w).__name__ == "MainWindow" and w.isVisible() and table is not None \\
                and table.model() is not None and table.model().rowCount() > 0:
            print(f"shown-at {time.time():.6f}", flush=True)
            app.quit()
            return
    QTimer.singleShot(2, shown)

QTimer.singleShot(0, shown)
from desktop.cli.main import main
sys.exit(main(["--db", sys.argv[1]]))
"""

BARE_PROCESS = """
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1200, 760)
w.show()

def shown():
    print(f"shown-at {time.time():.6f}", flush=True)
    app.quit()

QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""


def _process_median(code: str, args: list[str], env: dict[str, str], repeat: int) -> float:
    """Median time from starting the process to the moment it reports its window shown (the child
    prints the wall clock then; its exit, which nobody waits for, is not counted)."""
    samples = []
    for i in range(repeat + 1):
        start = time.time()
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True, timeout=300,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        shown = next(float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("shown-at "))
        if i:  # the first run warms the file cache (and takes the day's backup)
            samples.append(shown - start)
    return statistics.median(samples)


def _populate(engine: object, n: int) -> None:
    """Bulk insert ``n`` vendors with parties, tags and identifiers (SQL core, one transaction)."""
    from sqlalchemy import insert

    from db.models import (
        Certification,
        Competitor,
        Interest,
        Organisation,
        Party,
        PartyIdentifier,
        Vendor,
        VendorTag,
    )

    words = ["data", "label", "speech", "vision", "corpus", "annot", "synth", "rlhf", "eval", "text"]
    tiers = ["critical", "high", "medium", "low"]
    statuses = ["prospect", "active", "suspended", "offboarded"]
    batch = 10_000
    with engine.begin() as conn:  # type: ignore[attr-defined]
        # A named organisation: the program opens on the register, not on the first-run welcome.
        conn.execute(insert(Organisation), [{"name": "Benchmark Analytics S.L.", "version": 1}])
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
        # A competitor on the watchlist whose investment arm holds 30% of every 100th vendor (60% of every
        # 1,000th: control): 1% of the register is exposed, and "contoso" finds those vendors through it.
        conn.execute(insert(Party), [
            {"id": n + k, "name": name, "name_normalised": name.lower(), "kind": "entity", "notes": "", "version": 1,
             "is_listed": False}
            for k, name in ((1, "Contoso Platforms Inc."), (2, "Contoso Ventures LLC"), (3, "Unrelated Holding Ltd"),
                            (4, "Unrelated Subsidiary Ltd"))])
        conn.execute(insert(Competitor), [{"name": "Contoso Platforms Inc.", "party_id": n + 1, "notes": "",
                                           "version": 1}])
        interest = {"interest_type": "shareholding", "direct_or_indirect": "direct", "details": "", "source": "",
                    "role_title": "", "version": 1, "beneficial_ownership_or_control": True,
                    "share_min_exclusive": False, "share_max_exclusive": False}
        conn.execute(insert(Interest), [
            {**interest, "interested_party_id": n + 1, "subject_id": n + 2, "share_exact": 100.0},
            {**interest, "interested_party_id": n + 3, "subject_id": n + 4, "share_exact": 100.0},
            *({**interest, "interested_party_id": n + 2, "subject_id": i, "share_exact": 60.0 if i % 1000 == 0 else 30.0}
              for i in range(100, n + 1, 100))])


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
    from PySide6.QtWidgets import QApplication

    from desktop.services.database import open_database
    from desktop.services.register import count_vendors
    from desktop.ui.app import install_language
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
    # The register is measured as a user meets it: a database opened from its file, not through the
    # connections (and the heap) of the process that has just written 100,000 vendors into it.
    engine.dispose()
    gc.collect()
    engine = open_database(str(folder / "bench.sqlite3"), daily_backup=False)
    settings = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "VETTA_DATA_DIR": str(folder),
           "XDG_CONFIG_HOME": str(folder / "config"), "PYTHONPATH": str(ROOT)}
    # An installed program has its bytecode cached (pip writes it; so does the first start): the
    # warm-up run writes it here too, whatever the calling shell says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    url = str(folder / "bench.sqlite3")
    bare_s = _process_median(BARE_PROCESS, [], env, repeat)
    open_s = _process_median(VETTA_PROCESS, [url], env, repeat)

    install_language(app, engine)  # as the program does before its window: the translators, the language
    window = MainWindow(engine, "bench", None, settings)
    window.show()
    app.processEvents()
    register = window.register

    def typed(terms: tuple[str, ...]) -> list[float]:
        """A user typing ``terms``, one keystroke at a time (the debounce timer's work per keystroke)."""
        out = []
        for term in terms:
            for end in range(1, len(term) + 1):
                start = time.perf_counter()
                register.search.blockSignals(True)
                register.search.setText(term[:end])
                register.search.blockSignals(False)
                register.apply_filters()
                window.table.viewport().repaint()
                app.processEvents()
                out.append(time.perf_counter() - start)
        return out

    samples = typed(("speech 0012", "vision corp", "id0000"))
    keystroke = statistics.median(samples)
    # Searches that list vendors through a related party ("contoso" -> the vendors Contoso Ventures holds).
    related = typed(("contoso", "contoso ventures"))
    related_keystroke = statistics.median(related)
    exposed = count_vendors(engine, register.model.query())
    rss = _rss_mb()
    window.close()
    save_s, save_base_s, first_open_s, reached = _exposure_costs(engine, n, repeat)
    engine.dispose()
    size = f"{n:,} vendors"
    return [
        Result(f"start program until the register shows rows ({size})", open_s,
               "bare PySide6 QMainWindow process", bare_s, "< 4x baseline",
               note=f"median of {repeat} fresh processes each"),
        Result(f"search keystroke ({size})", keystroke, target="< 0.030 s",
               note=f"median of {len(samples)} keystrokes, SQL search + view repaint"),
        Result(f"resident memory ({size}, window open)", rss, unit="MB", target="< 300 MB"),
        Result(f"search keystroke through related parties ({size}, 'contoso' lists {exposed:,})",
               related_keystroke, target="< 0.030 s",
               note=f"median of {len(related)} keystrokes, SQL search + view repaint"),
        Result(f"save an interest up the chain of {reached:,} vendors (their exposure recomputed on save)", save_s,
               "the same save of an interest no vendor is below", save_base_s,
               note=f"median of {repeat} saves, one transaction each"),
        Result(f"first opening of a database without stored exposure ({size})", first_open_s,
               note=f"ensure_exposure: {reached:,} vendors analysed, the rest stored empty in one statement"),
    ]


def _exposure_costs(engine: object, n: int, repeat: int) -> tuple[float, float, float, int]:
    """What keeping the exposure current costs: a save that reaches many vendors, against one that reaches
    none; and computing the whole register's exposure from an empty table (a database from before 0008)."""
    from sqlalchemy import delete, select
    from sqlalchemy.engine import Engine

    from db.models import Interest, VendorExposure
    from desktop.services.exposure import affected_vendors, ensure_exposure
    from desktop.services.ownership import InterestInput, save_interest

    assert isinstance(engine, Engine)

    def ids(holder: int) -> tuple[int, int]:
        with engine.connect() as conn:
            iid, version = conn.execute(select(Interest.id, Interest.version).where(  # type: ignore[call-overload]
                Interest.interested_party_id == holder)).one()
            return int(iid), int(version)

    def save(holder: int, share: float) -> float:
        iid, version = ids(holder)
        start = time.perf_counter()
        save_interest(engine, InterestInput(holder, holder + 1, "shareholding", share_exact=share, id=iid,
                                            version=version), "bench")
        return time.perf_counter() - start

    with engine.connect() as conn:
        reached = len(affected_vendors(conn, {n + 1, n + 2}))
    chain = [save(n + 1, 90.0 if k % 2 == 0 else 100.0) for k in range(repeat + 1)][1:]
    base = [save(n + 3, 90.0 if k % 2 == 0 else 100.0) for k in range(repeat + 1)][1:]
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(delete(VendorExposure))
    start = time.perf_counter()
    ensure_exposure(engine)
    first_open = time.perf_counter() - start
    return statistics.median(chain), statistics.median(base), first_open, reached


if __name__ == "__main__":  # pragma: no cover
    for r in run(smoke=False):
        ratio = f" ({r.ratio:.2f}x {r.baseline_name})" if r.ratio else ""
        print(f"{r.name}: {r.median_s:.4f} {r.unit}{ratio} target {r.target} {r.note}")
