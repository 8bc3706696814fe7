"""`vetta demo`: load the fictional demo data set."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.main import EXIT_OK, Context


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("demo", help="load the demo data (fictional vendors) into the database")
    p.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.demo import load_demo, require_demo_file

    require_demo_file()
    summary = load_demo(ctx.engine, ctx.actor)
    ctx.print(summary.message)
    return EXIT_OK
