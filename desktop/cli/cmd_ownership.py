"""`vetta import bods`, `vetta export bods`, `vetta analyze` (the watchlist is in cmd_competitors)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, Context, group
from desktop.core.errors import UserError
from desktop.core.i18n import tr


def register(subparsers: Any) -> None:
    imp = group(subparsers, "import", help="import data")
    p = imp.add_parser("bods", help="import a BODS 0.4 file (JSON array or JSON Lines), validated first")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--vendor", metavar="NAME", help="mark this entity of the file as a vendor")
    p.add_argument("--dry-run", action="store_true",
                   help="check the file and show which of its parties are already in the register; write nothing")
    p.add_argument("--same", metavar="RECORD=PARTY_ID", action="append", default=[],
                   help="the file's record RECORD is the register's party PARTY_ID (for an uncertain match)")
    p.add_argument("--new", metavar="RECORD", action="append", default=[],
                   help="the file's record RECORD is a new party (for an uncertain match)")
    p.set_defaults(handler=_import_bods)

    exp = group(subparsers, "export", help="export data")
    p = exp.add_parser("bods", help="export an entity's ownership web as BODS 0.4")
    p.add_argument("name", metavar="NAME", help="party or vendor name, or party id")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", required=True)
    p.set_defaults(handler=_export_bods)

    p = subparsers.add_parser("analyze", help="who owns and influences an entity; competitor findings")
    p.add_argument("subject", metavar="NAME_OR_ID")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="analyse as of this date (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_analyze)


def _decisions(same: list[str], new: list[str]) -> dict[str, int | None]:
    decisions: dict[str, int | None] = {record.strip(): None for record in new}
    for pair in same:
        record, _, party = pair.partition("=")
        if not record.strip() or not party.strip().isdigit():
            raise UserError(tr("--same {pair}: write it as RECORD=PARTY_ID, e.g. --same 1dc0e987=12.",
                               pair=repr(pair)))
        decisions[record.strip()] = int(party)
    return decisions


def _import_bods(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.bods import import_bods

    summary = import_bods(ctx.engine, args.file, vendor=args.vendor, actor=ctx.actor, dry_run=args.dry_run,
                          decisions=_decisions(args.same, args.new))
    ctx.print(summary.message)
    for match in summary.matches:
        if args.dry_run or match.how not in ("new",):
            ctx.print(f"  {match.sentence()}")
    return EXIT_OK


def _export_bods(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.bods import export_bods

    count = export_bods(ctx.engine, _subject(args.name), args.output)
    ctx.print(f"Wrote {count} BODS 0.4 statements to {args.output}")
    return EXIT_OK


def _subject(text: str) -> int | str:
    return int(text) if text.strip().isdigit() else text


def _analyze(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.ownership import analyze

    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError as exc:
            raise UserError(tr("--as-of {as_of} is not a date in the form YYYY-MM-DD.",
                               as_of=repr(args.as_of))) from exc
    result = analyze(ctx.engine, _subject(args.subject), as_of)
    if args.json:
        ctx.print_json(result)
        return EXIT_OK
    ctx.print(f"{result['subject']['name']} as of {result['as_of']}")
    ctx.print("")
    ctx.print(f"{'party':<40} {'economic':>12} {'votes':>12}  control  competitor")
    for p in result["parties"]:
        e = _rng(p["economic"])
        v = _rng(p["voting"])
        linked = sorted({link["competitor"] for link in p.get("competitor_links") or []})
        competitor = p["competitor_group"] or (f"linked: {', '.join(linked)}" if linked else "")
        ctx.print(f"{p['name']:<40.40} {e:>12} {v:>12}  {'yes' if p['controls'] else '':<7}  {competitor}")
    ctx.print("")
    if not result["findings"]:
        ctx.print("No findings.")
    for f in result["findings"]:
        ctx.print(f"[{f['severity']}] {f['code']}: {f['message']}")
    subs = result.get("subprocessors") or []
    if subs:
        ctx.print("")
        ctx.print("subprocessors (at any depth):")
        for sub in subs:
            note = f"  [{'controlled' if sub['competitor_controlled'] else 'linked'}: {sub['competitor']}]" \
                if sub["competitor_linked"] and sub["competitor"] else ""
            ctx.print(f"  {sub['path_text']}{note}")
    return EXIT_OK


def _rng(r: list[float]) -> str:
    from desktop.core.ownership import fmt_range

    return fmt_range((r[0], r[1]))
