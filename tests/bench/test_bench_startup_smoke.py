"""The window start-up benchmark still runs, and its milestones come in the promised order. No time is asserted."""

from __future__ import annotations

from tests.bench import bench_startup


def test_startup_benchmark_smoke():
    results = bench_startup.run(smoke=True)
    assert [r.name.split(" (")[0] for r in results] == ["vetta first paint", "vetta main window with the register"]
    for r in results:
        assert r.median_s > 0 and r.target and r.baseline_median_s and r.ratio is not None
    assert results[0].median_s < results[1].median_s  # the start-up window paints before the register is shown
