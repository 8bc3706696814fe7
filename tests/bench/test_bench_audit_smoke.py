from tests.bench import bench_audit
from tests.bench.common import Result


def test_bench_audit_smoke():
    results = bench_audit.run(smoke=True)
    assert results and all(isinstance(r, Result) and r.median_s > 0 and r.baseline_median_s for r in results)
