"""The register benchmark still runs (tiny sizes); results are well-formed. No timing is asserted."""

from __future__ import annotations

from tests.bench import bench_register


def test_register_benchmark_smoke(qapp):
    results = bench_register.run(smoke=True)
    assert [r.name.split(" (")[0] for r in results] == [
        "start program until the register shows rows", "search keystroke", "resident memory",
        "search keystroke through related parties", "save an interest up the chain of 3 vendors",
        "first opening of a database without stored exposure"]
    assert "'contoso' lists 3)" in results[3].name  # every 100th of the 300 vendors is held by Contoso Ventures
    for r in results:
        assert r.median_s > 0
    assert all(r.target for r in results[:4])
    assert results[4].baseline_median_s and results[4].ratio is not None
    assert results[0].baseline_median_s and results[0].ratio is not None
    assert results[2].unit == "MB"
