"""Run the real `vetta` program in its own process.

Each command is a separate process started like ``python -m desktop``; by default it is forked from
a pre-loaded test zygote (tests/support/zygote.py), which saves the second of imports every command
would otherwise pay. ``VETTA_TEST_REAL_PROCESSES=1`` starts ordinary subprocesses instead.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import zygote

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vetta(_isolated_data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`vetta(*args)` runs ``python -m desktop`` with the test's data folder; returns the result."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "VETTA_DATA_DIR": str(_isolated_data_dir), "PYTHONPATH": str(ROOT),
                    **(env or {})}
        return zygote.run("desktop", list(args), input=input, env=full_env, cwd=ROOT, timeout=timeout)

    return run
