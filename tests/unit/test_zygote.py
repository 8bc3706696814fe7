"""The fast process launcher of the tests (tests/support/zygote.py) behaves like a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from tests.support import zygote


def test_a_started_process_sees_its_own_argv_environment_cwd_stdin_and_exit_code(tmp_path) -> None:
    env = {**os.environ, "PROBE": "first"}
    first = zygote.run("tests.support.zygote_probe", ["report", "3"], input="hello", env=env, cwd=tmp_path)
    seen = json.loads(first.stdout)
    assert first.returncode == 3
    assert first.stderr == "to stderr\n"
    assert seen["argv"] == ["report", "3"] and seen["cwd"] == str(tmp_path)
    assert seen["env"] == "first" and seen["stdin"] == "hello"
    assert seen["pid"] != os.getpid()
    # a second process starts clean: nothing the first one did in memory, no variable it was given
    second = zygote.run("tests.support.zygote_probe", ["report", "0"], env={k: v for k, v in os.environ.items()
                                                                          if k != "PROBE"})
    again = json.loads(second.stdout)
    assert second.returncode == 0
    assert again["env"] is None and again["marker"] is None and again["stdin"] == ""
    assert again["pid"] != seen["pid"]


def test_an_uncaught_exception_exits_1_with_the_traceback_on_stderr() -> None:
    result = zygote.run("tests.support.zygote_probe", ["raise"])
    assert result.returncode == 1
    assert "RuntimeError: boom" in result.stderr


def test_a_process_can_be_killed_and_reports_the_signal_like_popen() -> None:
    proc = zygote.FastProcess("tests.support.zygote_probe", ["line-then-wait"], stdin_data=True)
    assert proc.stdout.readline() == "started\n"
    assert proc.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=0.01)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    proc.stdin.close()


def test_the_vetta_command_runs_and_fails_like_the_real_one() -> None:
    assert zygote.run("desktop", ["--version"]).stdout.startswith("vetta ")
    wrong = zygote.run("desktop", ["no-such-command"])
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
