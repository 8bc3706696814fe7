"""The ownership benchmark still runs and reports well-formed results (never a time assertion)."""

from __future__ import annotations

from desktop.core.ownership import analyze_graph
from tests.bench.bench_ownership import AS_OF, run, synthetic_web


def test_smoke() -> None:
    results = run(smoke=True)
    assert len(results) == 2
    for r in results:
        assert r.name.startswith(("stakes", "full analysis")) and r.median_s > 0 and r.baseline_median_s
        assert r.ratio is not None


def test_synthetic_web_has_cycles_and_sane_results() -> None:
    graph = synthetic_web(300)
    result = analyze_graph(graph, 0, AS_OF).to_dict()
    assert len(result["parties"]) > 50
    assert all(0 <= p["economic"][0] <= p["economic"][1] <= 100 for p in result["parties"])
