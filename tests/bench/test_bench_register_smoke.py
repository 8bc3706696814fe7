"""The register benchmark still runs (tiny sizes); results are well-formed. No timing is asserted."""

from __future__ import annotations

from tests.bench import bench_register


def test_register_benchmark_smoke(qapp):
    results = bench_register.run(smoke=True)
    assert [r.name.split(" (")[0] for r in results] == ["start program until the register shows rows", "search keystroke", "resident memory"]
    for r in results:
        assert r.median_s > 0 and r.target
    assert results[0].baseline_median_s and results[0].ratio is not None
    assert results[2].unit == "MB"
