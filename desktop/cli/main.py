"""The `vetta` command: global options, sub-command registry, error handling.

Each command module (``desktop/cli/cmd_*.py``) exposes ``register(subparsers)``, adding its
parsers with ``set_defaults(handler=...)``; a handler takes ``(args, ctx)`` and returns the exit
code. Handlers call services and print; they hold no logic of their own.

Exit codes: 0 success, 1 the command ran and found a problem (check failed, not verified),
2 bad input or an action that cannot be done, 3 database unavailable or unusable,
70 unexpected internal error (details in the log file, never a traceback on screen),
130 interrupted (Ctrl+C), 141 the reader of the output went away (``vetta ... | head``: quietly).

Every ``-o/--output FILE`` goes through ``refuse_protected_output`` before the command runs: Vetta
never writes over an SQLite database, nor over a file it holds open (its database and journals,
its log).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop import __version__
from desktop.core.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from desktop.services.whoami import Who

# Start-up speed: importing this module (and building the parser) must import nothing heavy
# (no SQLAlchemy, no services): command modules import their services inside their handlers.
# tests/bench/test_bench_cli_smoke.py checks it; docs/performance.md explains why.

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_UNTRUSTED = 4  # `vetta verify`: the signature holds but nobody trusted vouches for the signer
EXIT_INTERNAL = 70
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a program its reader left

SQLITE_MAGIC = b"SQLite format 3\x00"

# Command modules, in the order their commands appear in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop.cli.cmd_db",
    "desktop.cli.cmd_demo",
    "desktop.cli.cmd_vendors",
    "desktop.cli.cmd_register",  # import/export vendors (issue 6)
    "desktop.cli.cmd_ownership",  # import/export bods, analyze (issue 3)
    "desktop.cli.cmd_competitors",  # competitors add/list/matches/confirm/reject (issue 14)
    "desktop.cli.cmd_parties",  # parties add/list/show/edit; interests, contracts, certificates, subprocessors add (issue 15)
    "desktop.cli.cmd_checklist",  # checklist, assessment new/show/answer/... (issue 4)
    "desktop.cli.cmd_report",  # identity, report, verify, assessment approve (issue 5)
    "desktop.cli.cmd_team",  # settings, identity export, team (issue 13)
    "desktop.cli.cmd_audit",  # audit verify (issue 7)
)

log = logging.getLogger("vetta.cli")


@dataclass
class Context:
    """What a handler needs: the database (opened on first use), who acts, and the output streams.

    ``user_option`` is ``--user`` as given; ``actor`` is who acts (desktop.services.whoami): the
    database login on PostgreSQL, else ``--user``, ``VETTA_USER`` or the profile name.
    """

    db_url: str | None
    user_option: str | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _engine: Engine | None = None
    _who: Who | None = None
    early_check: Any = None  # db.filecheck.QuickCheck started before the heavy imports (the window's start)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from db.engine import set_actor_provider
            from desktop.services import whoami
            from desktop.services.database import open_database

            # work done while opening (the daily refresh) is recorded as whoever can be named before the
            # database is open: the login a PostgreSQL URL names, else --user, VETTA_USER or the profile
            set_actor_provider(whoami.early_provider(self.db_url, self.user_option))
            self._engine = open_database(self.db_url)
            self._who = None
            set_actor_provider(lambda _engine: self.actor)  # then who acts, resolved on first use
        return self._engine

    @property
    def who(self) -> Who:
        """Who acts (resolved once; refuses ``--user`` on PostgreSQL). Installs it as the default actor."""
        if self._who is None:
            from desktop.services import whoami

            self._who = whoami.resolve(self.engine, self.user_option)
            whoami.install(self._who, self.engine)
        return self._who

    @property
    def actor(self) -> str:
        """The acting user's name; a ``UserError`` saying how to set one when nobody is known."""
        return self.who.require()

    def print(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def print_json(self, data: Any) -> None:
        json.dump(data, self.out, indent=2, ensure_ascii=False, default=str)
        self.out.write("\n")

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


Handler = Callable[[argparse.Namespace, Context], int]


def group(subparsers: Any, name: str, help: str) -> Any:
    """The sub-command group ``name`` (e.g. ``import``, ``assessment``), shared by several modules.

    The first module to ask creates it; later ones add their actions to the same group.
    """
    groups: dict[str, Any] = subparsers.__dict__.setdefault("_vetta_groups", {})
    if name not in groups:
        parser = subparsers.add_parser(name, help=help)
        groups[name] = parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)
    return groups[name]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one sentence and exits with EXIT_USAGE."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"vetta: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


_GLOBAL_WITH_VALUE = ("--db", "--user")
_GLOBAL_FLAGS = ("-v", "--verbose")


def opens_the_window(argv: Sequence[str]) -> bool:
    """True when ``argv`` holds only global options: the window opens and no command module is needed.

    ``vetta`` and ``vetta --db FILE`` then start without importing the sub-command modules.
    """
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        if token in _GLOBAL_WITH_VALUE:
            if not tokens:
                return False  # let the full parser say what is missing
            tokens.pop(0)
        elif token in _GLOBAL_FLAGS or token.startswith(tuple(f"{o}=" for o in _GLOBAL_WITH_VALUE)):
            continue
        else:
            return False
    return True


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vetta",
        description="Vetta: is this data vendor really neutral? Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"vetta {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database: an SQLite file path or an SQLAlchemy URL such as postgresql://user@host/vetta "
        "(default: $VETTA_DATABASE_URL, else vetta.sqlite3 in the user data folder)",
    )
    parser.add_argument("--user", metavar="NAME",
                        help="who is acting, for the audit trail, on an SQLite database (default: the profile name "
                        "set with `vetta settings set profile-name`); on PostgreSQL you act as your database login")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to the terminal as well")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    gui = subparsers.add_parser("gui", help="open the application window (the default)")
    gui.set_defaults(handler=_run_gui)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _run_gui(args: argparse.Namespace, ctx: Context) -> int:
    # the only import of the Qt UI from the CLI: a light module that paints the start-up window before
    # the database layer loads, then runs the application (desktop/ui/startup.py)
    from desktop.ui.startup import launch

    return launch(ctx.db_url, ctx.user_option, ctx.early_check)


def _set_language() -> None:
    """English unless ``VETTA_LANGUAGE`` asks for another language: scripts must not depend on the locale.

    Only the messages of errors (and reports made with ``--lang``) follow it; the rest of the output,
    which scripts parse, stays in English.
    """
    from desktop.core import i18n

    wanted = os.environ.get("VETTA_LANGUAGE", "")
    i18n.set_language(wanted if wanted in i18n.LANGUAGES else "en")


def _protected_files(db_url: str | None) -> list[tuple[Path, str]]:
    """The files Vetta holds open or must never lose: its SQLite database and journals, its log files."""
    from db.location import plain_sqlite_file
    from desktop.core.i18n import tr
    from desktop.logs import log_file

    found: list[tuple[Path, str]] = []
    database = plain_sqlite_file(db_url)
    if database is not None:
        found.append((database, tr("the database Vetta is using")))
        found += [(Path(f"{database}{suffix}"), tr("a journal of the database Vetta is using"))
                  for suffix in ("-wal", "-shm", "-journal")]
    log = log_file()
    found += [(log, tr("Vetta's log file"))] + [(Path(f"{log}.{n}"), tr("Vetta's log file")) for n in (1, 2, 3)]
    return found


def refuse_protected_output(output: Path, db_url: str | None) -> None:
    """Refuse (``UserError``) to write ``output`` over a database or a file Vetta holds open; else do nothing.

    Checked through links (``os.path.samefile``): another name for the database is the database.
    """
    from desktop.core.i18n import tr

    target = output.expanduser()
    try:
        info = target.stat()
    except OSError:
        return  # nothing there yet (or unreachable: the writer explains that)
    for path, role in _protected_files(db_url):
        try:
            if os.path.samefile(target, path):
                raise UserError(tr("{output} is {role}; nothing was written. Choose another file name.",
                                   output=repr(str(output)), role=role))
        except OSError:
            continue
    if stat.S_ISREG(info.st_mode):
        try:
            with open(target, "rb") as handle:
                head = handle.read(len(SQLITE_MAGIC))
        except OSError:
            return
        if head == SQLITE_MAGIC:
            raise UserError(tr("{output} is an SQLite database, and Vetta never writes over a database; nothing "
                               "was written. Choose another file name.", output=repr(str(output))))


def _quiet_stdout() -> None:
    """After a broken pipe: point standard output at /dev/null so the interpreter's final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(commands=not opens_the_window(arguments))
    args = parser.parse_args(arguments)
    early_check = None
    if getattr(args, "handler", None) in (None, _run_gui):
        # The window opens: check the database file in a thread while the heavy modules load.
        from db.filecheck import QuickCheck

        early_check = QuickCheck(args.db)
    from db.errors import (  # after parsing: --help and --version need no database layer
        DatabaseError,
        NotPermitted,
    )
    from desktop.logs import log_file, setup_logging

    setup_logging(verbose=args.verbose)
    _set_language()
    handler: Handler = getattr(args, "handler", None) or _run_gui
    ctx = Context(db_url=args.db, user_option=args.user, early_check=early_check)
    try:
        output = getattr(args, "output", None)
        if isinstance(output, Path):
            refuse_protected_output(output, args.db)
        code = handler(args, ctx)
        ctx.out.flush()  # a reader that went away shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except UserError as exc:
        print(f"vetta: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NotPermitted as exc:  # team mode: this login's role does not allow the action
        print(f"vetta: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as exc:
        print(f"vetta: error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        print("vetta: interrupted", file=sys.stderr)
        return 130
    except Exception:
        log.exception("unexpected error in %s", args.command or "gui")
        print(
            f"vetta: internal error: something unexpected went wrong; details are in {log_file()}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        ctx.close()
        from db.engine import set_actor_provider

        set_actor_provider(None)
        if "desktop.services.whoami" in sys.modules:
            sys.modules["desktop.services.whoami"].uninstall()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
