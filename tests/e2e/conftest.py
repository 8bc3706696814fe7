"""Run the real `vetta` program as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vetta(_isolated_data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`vetta(*args)` runs ``python -m desktop`` with the test's data folder; returns the result."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "VETTA_DATA_DIR": str(_isolated_data_dir), "PYTHONPATH": str(ROOT),
                    **(env or {})}
        return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True,
                              input=input, env=full_env, cwd=ROOT, timeout=timeout)

    return run
