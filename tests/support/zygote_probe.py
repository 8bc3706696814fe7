"""A tiny program for tests/unit/test_zygote.py: reports what a started process sees, then obeys."""

from __future__ import annotations

import json
import os
import sys

if __name__ == "__main__":
    command = sys.argv[1]
    if command == "report":
        import desktop.core.i18n as i18n

        seen = {"argv": sys.argv[1:], "cwd": os.getcwd(), "env": os.environ.get("PROBE"), "pid": os.getpid(),
                "ppid": os.getppid(), "stdin": sys.stdin.read(), "marker": getattr(i18n, "_probe_marker", None)}
        i18n._probe_marker = "left by an earlier process"  # type: ignore[attr-defined]
        print(json.dumps(seen))
        print("to stderr", file=sys.stderr)
        sys.exit(int(sys.argv[2]))
    if command == "line-then-wait":
        print("started", flush=True)
        sys.stdin.read()  # until killed
    if command == "raise":
        raise RuntimeError("boom")
