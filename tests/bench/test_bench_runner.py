"""The benchmark command keeps working: every benchmark runs at smoke size (no time is asserted)."""

from __future__ import annotations

from tests.bench import __main__ as bench
from tests.bench.common import Result


def test_runner_writes_markdown(tmp_path):
    results = [("demo", Result("thing", 0.5, "bare thing", 0.25, "< 3x"))]
    out = tmp_path / "b.md"
    bench.write_markdown(results, out)
    text = out.read_text()
    assert "| demo | thing | 500.0 ms | bare thing | 250.0 ms | 2.00x | < 3x |" in text
    assert "Machine:" in text and "cores" in text


def test_every_benchmark_has_a_smoke_test():
    """Each bench_<topic>.py is exercised at smoke size by its own test_bench_<topic>_smoke.py."""
    from pathlib import Path

    here = Path(bench.__file__).resolve().parent
    for name in bench.discover():
        assert (here / f"test_bench_{name}_smoke.py").is_file(), f"no smoke test for bench_{name}.py"
