"""Start real Vetta processes in milliseconds: a pre-loaded parent that forks one child per command.

Every ``vetta`` command pays about a second of imports (SQLAlchemy, SQLModel, the models) before it
does anything; the end-to-end and crash tests start hundreds of them. This module keeps one
*zygote* per test process: a Python interpreter started like ``python -m desktop`` would be, which
imports the heavy modules once and then waits. For each command it ``fork()``s: the child is a real,
separate process with its own pid, its own file descriptors 0/1/2 (the caller's pipes, passed over
a Unix socket), its own environment, working directory and ``sys.argv``; it runs the module as
``__main__`` exactly as ``python -m MODULE`` does, runs the exit handlers and exits with the same
status. It can be SIGKILLed like any process. Nothing is shared with the next command: the zygote
itself never opens a database, a keyring or a log file, so each child starts from the state a fresh
interpreter has after those imports (``random`` and ``tempfile`` reseed themselves after fork).

``FastProcess`` mimics the parts of ``subprocess.Popen`` the tests use; ``run()`` mimics
``subprocess.run``. ``VETTA_TEST_REAL_PROCESSES=1`` makes both start ordinary subprocesses instead
(a check that nothing depends on the zygote).

Protocol, per command: one connection to the zygote's socket; the client sends one JSON line
(argv, module, env, cwd) with the child's three descriptors attached (SCM_RIGHTS); the zygote answers
``{"pid": N}`` after the fork and ``{"status": S}`` when the child ends (S as ``Popen.returncode``:
the exit code, or minus the signal number).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
REAL_PROCESSES = os.environ.get("VETTA_TEST_REAL_PROCESSES") == "1"

# What a command would import anyway; importing it once in the zygote is the whole point.
PRELOAD = (
    "desktop.cli.main",
    "db.models",
    "db.engine",
    "db.migrate",
    "desktop.services.register",
    "desktop.services.vendors",
    "desktop.services.assessments",
    "desktop.services.ownership",
    "desktop.services.reports",
    "desktop.services.signoff",
    "desktop.services.identities",
    "desktop.services.audit",
    "desktop.services.bods",
    "desktop.services.register_io",
    "desktop.services.questionnaire",
    "desktop.services.demo",
    "psycopg",
    "openpyxl",
    "yaml",
    "babel.dates",
    "babel.numbers",
)


# --------------------------------------------------------------------------- the zygote (server side)


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a module that moved must not stop the tests: the child imports it itself
            pass
    # Fill the CLI's lazily loaded command modules too.
    with contextlib.suppress(Exception):
        from desktop.cli import main as cli_main

        cli_main.build_parser(commands=True)


def _child(request: dict[str, Any], fds: list[int], inherited: list[int]) -> None:
    """In the forked child: become the requested process, run it, exit. Never returns."""
    import runpy

    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for fd in inherited:  # the zygote's sockets and pipes are none of the child's business
            with contextlib.suppress(OSError):
                os.close(fd)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        with contextlib.suppress(Exception):
            import locale

            locale.setlocale(locale.LC_CTYPE, "")  # what a fresh interpreter does with this environment
        sys.argv = [request["module"], *request["argv"]]
        try:
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:  # what the interpreter prints for an uncaught exception
            import traceback

            traceback.print_exc()
            code = 1
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        os._exit(code & 0xFF)


def serve(path: str) -> None:
    """Run the zygote on the Unix socket ``path`` until its parent closes the control pipe (stdin)."""
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    waiting: dict[int, socket.socket] = {}  # child pid -> the connection to answer
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(read_end, selectors.EVENT_READ, "signal")
    selector.register(sys.stdin, selectors.EVENT_READ, "parent")
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == "parent":  # the test process ended (or closed us): stop
                for pid in waiting:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                return
            if key.data == "signal":
                with contextlib.suppress(BlockingIOError):
                    os.read(read_end, 4096)
                while waiting:
                    try:
                        pid, status = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    conn = waiting.pop(pid, None)
                    if conn is not None:
                        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                        with contextlib.suppress(OSError):
                            conn.sendall(json.dumps({"status": code}).encode() + b"\n")
                        conn.close()
                continue
            conn, _ = listener.accept()
            message, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, 3)
            buffer = message
            while not buffer.endswith(b"\n"):
                more = conn.recv(1 << 20)
                if not more:
                    break
                buffer += more
            request = json.loads(buffer)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                inherited = [listener.fileno(), conn.fileno(), read_end, write_end,
                             *(c.fileno() for c in waiting.values())]
                if hasattr(selector, "fileno"):  # epoll's own descriptor
                    inherited.append(selector.fileno())
                _child(request, fds, [fd for fd in inherited if isinstance(fd, int) and fd > 2])
            for fd in fds:
                os.close(fd)
            waiting[pid] = conn
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


# --------------------------------------------------------------------------- the client (test side)


class _Zygote:
    """The zygote of this test process, started on first use and stopped at exit."""

    _lock = threading.Lock()
    _instance: _Zygote | None = None

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="vetta-zygote-")
        self.path = os.path.join(self.folder, "socket")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.support.zygote", self.path],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env, text=True)
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if ready != "ready\n":
            raise RuntimeError(f"the test zygote did not start: {ready!r}")
        atexit.register(self.stop)

    @classmethod
    def get(cls) -> _Zygote:
        with cls._lock:
            if cls._instance is None or cls._instance.proc.poll() is not None:
                cls._instance = _Zygote()
            return cls._instance

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        with contextlib.suppress(OSError):
            os.rmdir(self.folder)

    def spawn(self, module: str, argv: Sequence[str], env: Mapping[str, str], cwd: str,
              fds: list[int]) -> tuple[socket.socket, IO[bytes], int]:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self.path)
        message = json.dumps({"module": module, "argv": list(argv), "env": dict(env), "cwd": cwd}).encode() + b"\n"
        socket.send_fds(conn, [message], fds)
        reader = conn.makefile("rb")
        answer = json.loads(reader.readline())
        return conn, reader, int(answer["pid"])


class FastProcess:
    """A process started by the zygote, with the parts of ``subprocess.Popen`` the tests use."""

    def __init__(self, module: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: str | os.PathLike[str] = ROOT, text: bool = True, stdin_data: bool = False) -> None:
        self.args = [sys.executable, "-m", module, *argv]
        self.returncode: int | None = None
        child_in, self._stdin_w = os.pipe()
        out_r, child_out = os.pipe()
        err_r, child_err = os.pipe()
        env = dict(os.environ if env is None else env)
        env.setdefault("PYTHONPATH", str(ROOT))
        try:
            self._conn, self._status, self.pid = _Zygote.get().spawn(module, argv, env, os.fspath(cwd),
                                                       [child_in, child_out, child_err])
        finally:
            for fd in (child_in, child_out, child_err):
                os.close(fd)
        mode = "r" if text else "rb"
        self.stdin: IO[Any] = os.fdopen(self._stdin_w, "w" if text else "wb")
        self.stdout: IO[Any] = os.fdopen(out_r, mode)
        self.stderr: IO[Any] = os.fdopen(err_r, mode)
        if not stdin_data:
            self.stdin.close()

    def _status_ready(self, timeout: float | None) -> bool:
        import select

        ready, _, _ = select.select([self._conn], [], [], timeout)
        return bool(ready)

    def poll(self) -> int | None:
        if self.returncode is None and self._status_ready(0):
            self._finish(self._status.readline())
        return self.returncode

    def _finish(self, line: bytes) -> None:
        if not line:
            raise RuntimeError(f"the test zygote lost the process {self.pid}")
        self.returncode = int(json.loads(line)["status"])
        self._status.close()
        self._conn.close()

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._status_ready(timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self._finish(self._status.readline())
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, input: str | bytes | None = None, timeout: float | None = None) -> tuple[Any, Any]:
        """Write ``input`` (when the process was started with ``stdin_data``), read both outputs to the
        end, wait. Outputs are read on threads so a child filling one pipe never blocks."""
        results: dict[str, Any] = {}

        def drain(name: str, stream: IO[Any]) -> None:
            results[name] = stream.read()
            stream.close()

        threads = [threading.Thread(target=drain, args=(n, s), daemon=True)
                   for n, s in (("out", self.stdout), ("err", self.stderr)) if not s.closed]
        for t in threads:
            t.start()
        if not self.stdin.closed:
            try:
                if input:
                    self.stdin.write(input)
                self.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.wait(timeout)
        except subprocess.TimeoutExpired:
            raise
        for t in threads:
            t.join(timeout)
        return results.get("out", ""), results.get("err", "")


def run(module: str, argv: Sequence[str], *, input: str | None = None, env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] = ROOT, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Like ``subprocess.run([python, -m, module, *argv], capture_output=True, text=True, ...)``."""
    if REAL_PROCESSES:
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("PYTHONPATH", str(ROOT))
        return subprocess.run([sys.executable, "-m", module, *argv], capture_output=True, text=True, input=input,
                              env=full_env, cwd=cwd, timeout=timeout)
    proc = FastProcess(module, argv, env=env, cwd=cwd, stdin_data=input is not None)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode or 0, out, err)


def popen(module: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
          cwd: str | os.PathLike[str] = ROOT) -> Any:
    """A started process with piped, text-mode stdout and stderr (stdin closed): a ``FastProcess``, or a
    real ``subprocess.Popen`` with ``VETTA_TEST_REAL_PROCESSES=1``."""
    if REAL_PROCESSES:
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("PYTHONPATH", str(ROOT))
        return subprocess.Popen([sys.executable, "-m", module, *argv], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=full_env)
    return FastProcess(module, argv, env=env, cwd=cwd)


if __name__ == "__main__":
    serve(sys.argv[1])
