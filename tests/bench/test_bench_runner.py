"""The benchmark command keeps working: every benchmark runs at smoke size (no time is asserted)."""

from __future__ import annotations

import importlib

import pytest

from tests.bench import __main__ as bench
from tests.bench.common import Result


def test_runner_writes_markdown(tmp_path):
    results = [("demo", Result("thing", 0.5, "bare thing", 0.25, "< 3x"))]
    out = tmp_path / "b.md"
    bench.write_markdown(results, out)
    text = out.read_text()
    assert "| demo | thing | 500.0 ms | bare thing | 250.0 ms | 2.00x | < 3x |" in text
    assert "Machine:" in text and "cores" in text


@pytest.mark.parametrize("name", bench.discover())
def test_every_benchmark_runs_at_smoke_size(name):
    results = importlib.import_module(f"tests.bench.bench_{name}").run(smoke=True)
    assert results, f"benchmark {name} produced no figures"
    for r in results:
        assert isinstance(r, Result) and r.name and r.median_s >= 0
