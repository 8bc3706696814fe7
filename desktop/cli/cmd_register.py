"""`vetta import vendors FILE` and `vetta export vendors -o FILE`: the register in and out of CSV/XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.choices import EXPOSURE_FILTERS, IMPORT_FIELD_NAMES, RATINGS
from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context, group
from desktop.core.errors import UserError
from desktop.core.i18n import tr

if TYPE_CHECKING:
    from desktop.services.register import RegisterQuery


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    """The register's search and filters, shared by `vendors list` and `export vendors`."""
    p.add_argument("--search", default="", help="name, alias, identifier or tag")
    p.add_argument("--status", choices=["prospect", "active", "suspended", "offboarded"])
    p.add_argument("--tier", choices=["critical", "high", "medium", "low"])
    p.add_argument("--rating", choices=RATINGS, help="latest rating ('none': never decided)")
    p.add_argument("--overdue", action="store_true", help="only vendors whose review is overdue")
    p.add_argument("--stale", action="store_true", help="only vendors with an assessment made stale by changes")
    p.add_argument("--expiring", type=int, metavar="DAYS",
                   help="only vendors with a certificate or contract ending within DAYS days")
    p.add_argument("--exposure", choices=EXPOSURE_FILTERS,
                   help="competitor exposure: any, control (a competitor controls it), stake (a stake or control), "
                        "people (competitor-linked people only), none")
    p.add_argument("--archived", action="store_true", help="include archived vendors")


def query_from(args: argparse.Namespace, sort: str = "name") -> RegisterQuery:
    from desktop.services.register import RegisterQuery

    if args.expiring is not None and args.expiring < 0:
        raise UserError(tr("--expiring takes a number of days, 0 or more."))
    return RegisterQuery(search=args.search, status=args.status, tier=args.tier, rating=args.rating,
                         review_overdue=args.overdue, stale=args.stale, expiring_within_days=args.expiring,
                         include_archived=args.archived, sort=sort, exposure=getattr(args, "exposure", None),
                         # the most exposed first: that is what sorting by exposure is for (--desc turns it round)
                         descending=bool(getattr(args, "desc", False)) != (sort == "exposure"))


def _mapping(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, fld = pair.partition("=")
        if not sep or not column.strip():
            raise UserError(tr("--map {pair}: write it as COLUMN=FIELD, e.g. --map \"Supplier\"=name.",
                               pair=repr(pair)))
        out[column.strip()] = fld.strip()
    return out


def register(subparsers: Any) -> None:
    imp = group(subparsers, "import", help="import data")
    p = imp.add_parser("vendors", help="import vendors from a CSV or XLSX file (all rows or none)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check every row and list rejections; write nothing")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help=f"map a file column to a field ({', '.join(IMPORT_FIELD_NAMES)}; 'ignore' skips it)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_import)

    exp = group(subparsers, "export", help="export data")
    p = exp.add_parser("vendors", help="export the (filtered) register to CSV or XLSX")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help=".csv or .xlsx")
    add_filter_arguments(p)
    p.set_defaults(handler=_export)


def _import(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.register_io import import_vendors

    plan = import_vendors(ctx.engine, args.file, _mapping(args.map), dry_run=True)
    if args.json:
        ctx.print_json({"file": plan.path, "mapping": plan.mapping, "accepted": plan.accepted,
                        "rejections": [{"row": r.row, "column": r.column, "reason": r.reason}
                                       for r in plan.rejections], "notes": plan.notes})
    else:
        ctx.print("Columns: " + ", ".join(f"{c} -> {f}" for c, f in plan.mapping.items()))
        for r in plan.rejections:
            ctx.print(f"rejected {r.sentence()}")
        for note in plan.notes:  # rows that are, or may be, parties already in the register
            ctx.print(f"note: {note}")
    if plan.rejections:
        rows = len({r.row for r in plan.rejections})
        ctx.print(f"{plan.accepted} row(s) valid, {rows} row(s) rejected; nothing was imported.")
        return EXIT_PROBLEM
    if args.dry_run:
        ctx.print(f"Dry run: {plan.accepted} vendor(s) would be imported; nothing was written.")
        return EXIT_OK
    done = import_vendors(ctx.engine, args.file, _mapping(args.map), actor=ctx.actor)
    ctx.print(f"Imported {done.imported} vendor(s) from {args.file}.")
    return EXIT_OK


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.register_io import export_vendors

    count = export_vendors(ctx.engine, args.output, query_from(args))
    ctx.print(f"Exported {count} vendor(s) to {args.output}.")
    return EXIT_OK
