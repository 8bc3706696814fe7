"""Benchmark helpers: medians over repeated runs, each figure beside a baseline from the same run.

Every benchmark module ``tests/bench/bench_<topic>.py`` exposes ``run(smoke: bool) -> list[Result]``.
``smoke=True`` uses tiny sizes so the test suite can check the benchmarks still work; no test ever
asserts a time. The benchmark command (`python -m tests.bench`) runs them all and writes
docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str  # what was measured, e.g. "analyse 10k parties"
    median_s: float  # median wall time in seconds (or value, see unit)
    baseline_name: str = ""  # what it is compared with, measured in the same run
    baseline_median_s: float | None = None
    target: str = ""  # the target from the issue, e.g. "< 0.3 s" or "< 4x baseline"
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline_median_s:
            return None
        return self.median_s / self.baseline_median_s


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
