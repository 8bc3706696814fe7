"""`vetta vendors list`: the register from the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from desktop.cli.main import EXIT_OK, Context
from desktop.services.register import SORT_COLUMNS, RegisterQuery, vendor_ids, vendor_rows


def register(subparsers: Any) -> None:
    vendors = subparsers.add_parser("vendors", help="list the vendor register")
    sub = vendors.add_subparsers(dest="vendors_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="list vendors (search and filters run in the database)")
    p.add_argument("--search", default="", help="name, alias, identifier or tag")
    p.add_argument("--status", choices=["prospect", "active", "suspended", "offboarded"])
    p.add_argument("--tier", choices=["critical", "high", "medium", "low"])
    p.add_argument("--sort", choices=SORT_COLUMNS, default="name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)


def _list(args: argparse.Namespace, ctx: Context) -> int:
    ids = vendor_ids(ctx.engine, RegisterQuery(search=args.search, status=args.status, tier=args.tier, sort=args.sort))
    rows = vendor_rows(ctx.engine, ids)
    ordered = [rows[i] for i in ids]
    if args.json:
        ctx.print_json([asdict(r) for r in ordered])
        return EXIT_OK
    for r in ordered:
        ctx.print(f"{r.id:>6}  {r.name:<40.40}  {r.country:<2}  {r.tier:<8}  {r.status:<10}  {r.services}")
    ctx.print(f"{len(ordered)} vendor(s)")
    return EXIT_OK
