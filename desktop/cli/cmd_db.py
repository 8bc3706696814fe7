"""`vetta db upgrade|backup|restore|check`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="database maintenance: upgrade, backup, restore, check")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    p = sub.add_parser("upgrade", help="apply pending schema migrations (a backup is taken first)")
    p.set_defaults(handler=_upgrade)

    p = sub.add_parser("backup", help="back up the SQLite database (online, safe while in use)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write it (default: backups folder)")
    p.set_defaults(handler=_backup)

    p = sub.add_parser("restore", help="replace the SQLite database with a backup, after checking it")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=_restore)

    p = sub.add_parser("check", help="check integrity and schema version; exit 1 if a problem is found")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_check)


def _upgrade(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import database

    before, after = database.upgrade_database(ctx.db_url)
    if before == after:
        ctx.print(f"The database schema is up to date ({after}).")
    else:
        ctx.print(f"Upgraded the database schema from {before or 'empty'} to {after}.")
    return EXIT_OK


def _backup(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import database

    path = database.backup_database(ctx.db_url, args.output)
    ctx.print(f"Backup written to {path}")
    return EXIT_OK


def _restore(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import database

    safety = database.restore_database(args.file, ctx.db_url)
    ctx.print(f"Restored the database from {args.file}.")
    if safety is not None:
        ctx.print(f"The database it replaced was kept as {safety}")
    return EXIT_OK


def _check(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import database

    result = database.check_database(ctx.db_url)
    if args.json:
        ctx.print_json(result.to_dict())
    else:
        ctx.print(f"Database: {result.url} ({result.backend})")
        ctx.print(f"Schema: {result.revision or 'none'} (newest {result.head})")
        for table in ("vendor", "party", "interest", "contract", "assessment", "audit_event"):
            if table in result.counts:
                ctx.print(f"  {table}: {result.counts[table]}")
        if result.ok:
            ctx.print("Check passed: no problems found.")
        for problem in result.problems:
            ctx.print(f"Problem: {problem}")
    return EXIT_OK if result.ok else EXIT_PROBLEM
