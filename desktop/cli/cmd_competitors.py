"""`vetta competitors add|list|matches|confirm|reject`: the watchlist and the decisions on possible matches."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from desktop.cli.main import EXIT_OK, Context


def register(subparsers: Any) -> None:
    comp = subparsers.add_parser("competitors", help="the competitor watchlist and its possible matches")
    sub = comp.add_subparsers(dest="competitors_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="add a competitor (and its affiliates) to the watchlist")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--lei", metavar="LEI")
    p.add_argument("--affiliate", metavar="NAME", action="append", default=[])
    p.set_defaults(handler=_add)
    p = sub.add_parser("list", help="list the watchlist")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = sub.add_parser("matches", help="parties whose names look like a watchlist name, and the decisions on them")
    p.add_argument("--status", choices=["pending", "confirmed", "rejected"], help="only matches with this status")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_matches)
    p = sub.add_parser("confirm", help="confirm a possible match: the party joins that competitor's group")
    p.add_argument("id", metavar="ID", help="the match id shown by `vetta competitors matches` (e.g. 12-3)")
    p.set_defaults(handler=_confirm)
    p = sub.add_parser("reject", help="reject a possible match: it is not proposed again")
    p.add_argument("id", metavar="ID", help="the match id shown by `vetta competitors matches` (e.g. 12-3)")
    p.set_defaults(handler=_reject)


def _add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.competitors import add_competitor

    row = add_competitor(ctx.engine, args.name, args.lei, args.affiliate, actor=ctx.actor)
    extra = f" with affiliates {', '.join(row.affiliates)}" if row.affiliates else ""
    ctx.print(f"{row.name} is on the competitor watchlist{extra}.")
    return EXIT_OK


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.competitors import list_competitors

    rows = list_competitors(ctx.engine)
    if args.json:
        ctx.print_json([asdict(r) for r in rows])
        return EXIT_OK
    for r in rows:
        ctx.print(f"{r.name}{f'  LEI {r.lei}' if r.lei else ''}")
        for a in r.affiliates:
            ctx.print(f"    affiliate: {a}")
    ctx.print(f"{len(rows)} competitor(s)")
    return EXIT_OK


def _matches(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.competitors import list_matches

    rows = list_matches(ctx.engine, status=args.status)
    if args.json:
        ctx.print_json([asdict(r) for r in rows])
        return EXIT_OK
    if rows:
        ctx.print(f"{'ID':<10} {'STATUS':<10} {'SCORE':>5}  {'PARTY':<40} WATCHLIST ENTRY (COMPETITOR)")
    for r in rows:
        ctx.print(f"{r.id:<10} {r.status:<10} {r.score:>4.0f}%  {r.party:<40.40} {r.watch_name} ({r.competitor})"
                  + (f"  decided by {r.decided_by}" if r.decided_by else ""))
    pending = sum(1 for r in rows if r.status == "pending")
    ctx.print(f"{len(rows)} possible match(es), {pending} pending; decide with `vetta competitors confirm ID` "
              "or `vetta competitors reject ID`.")
    return EXIT_OK


def _decide(args: argparse.Namespace, ctx: Context, confirmed: bool) -> int:
    from desktop.services.competitors import decide

    row = decide(ctx.engine, args.id, confirmed, actor=ctx.actor)
    if confirmed:
        ctx.print(f"Confirmed {row.id}: {row.party} is part of the {row.competitor} group in every analysis.")
    else:
        ctx.print(f"Rejected {row.id}: {row.party} is not {row.watch_name}; it will not be proposed again.")
    return EXIT_OK


def _confirm(args: argparse.Namespace, ctx: Context) -> int:
    return _decide(args, ctx, True)


def _reject(args: argparse.Namespace, ctx: Context) -> int:
    return _decide(args, ctx, False)
