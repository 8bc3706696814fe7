"""CLI start-up benchmark: how long a `vetta ...` process takes, beside a bare `python -c pass`.

Targets: `vetta --version` and `vetta --help` well under 0.5 s; `vetta vendors list` on the demo
database under 1.5 s. Each figure is the median of whole process runs (start, import, work, exit),
measured in the same run as the baseline, so a busy machine shows in both.
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


def _process_time(args: list[str], env: dict[str, str], repeat: int) -> float:
    samples = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i:  # the first run warms the file cache and writes bytecode
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(smoke: bool = False) -> list[Result]:
    repeat = 2 if smoke else 7
    folder = Path(tempfile.mkdtemp(prefix="vetta-bench-cli-"))
    env = {**os.environ, "VETTA_DATA_DIR": str(folder), "VETTA_DATABASE_URL": str(folder / "bench.sqlite3")}
    subprocess.run([sys.executable, "-m", "desktop", "demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    baseline = _process_time(["-c", "pass"], env, repeat)
    version = _process_time(["-m", "desktop", "--version"], env, repeat)
    help_s = _process_time(["-m", "desktop", "--help"], env, repeat)
    listing = _process_time(["-m", "desktop", "vendors", "list"], env, repeat)
    base = "python -c pass"
    return [
        Result("vetta --version (process)", version, base, baseline, "< 0.5 s"),
        Result("vetta --help (process)", help_s, base, baseline, "< 0.5 s"),
        Result("vetta vendors list (process, demo database)", listing, base, baseline, "< 1.5 s"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for r in run(smoke=False):
        ratio = f" ({r.ratio:.1f}x {r.baseline_name})" if r.ratio else ""
        print(f"{r.name}: {r.median_s:.3f} {r.unit}{ratio} target {r.target}")
