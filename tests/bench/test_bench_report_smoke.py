"""The report benchmark still runs (tiny sizes); results are well-formed. No time is asserted."""

from __future__ import annotations

from tests.bench import bench_report
from tests.bench.common import Result


def test_bench_report_smoke() -> None:
    results = bench_report.run(smoke=True)
    assert results and all(isinstance(r, Result) for r in results)
    for r in results:
        assert r.median_s > 0 and r.baseline_median_s and r.baseline_median_s > 0
        assert r.ratio is not None and r.target and "pages" in r.note
