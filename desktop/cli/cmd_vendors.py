"""`vetta vendors list|show|add|archive`: the register from the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from desktop.cli.choices import SORT_COLUMNS
from desktop.cli.cmd_register import add_filter_arguments, query_from
from desktop.cli.main import EXIT_OK, Context


def register(subparsers: Any) -> None:
    vendors = subparsers.add_parser("vendors", help="the vendor register: list, show, add, archive")
    sub = vendors.add_subparsers(dest="vendors_command", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="list vendors (search and filters run in the database)")
    add_filter_arguments(p)
    p.add_argument("--sort", choices=SORT_COLUMNS, default="name",
                   help="order of the list (exposure: the most exposed vendors first)")
    p.add_argument("--desc", action="store_true", help="reverse the order")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)

    p = sub.add_parser("show", help="show one vendor's profile")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_show)

    p = sub.add_parser("add", help="add a vendor")
    p.add_argument("name")
    p.add_argument("--country", default="")
    p.add_argument("--website", default="")
    p.add_argument("--services", default="")
    p.add_argument("--tier", choices=["critical", "high", "medium", "low"], default="medium")
    p.add_argument("--status", choices=["prospect", "active", "suspended", "offboarded"], default="prospect")
    p.add_argument("--owner", default="", help="internal owner")
    p.add_argument("--tag", action="append", default=[])
    p.add_argument("--lei", default="")
    p.add_argument("--vat", default="")
    p.set_defaults(handler=_add)

    p = sub.add_parser("archive", help="archive a vendor (hidden from the register; --restore undoes it)")
    p.add_argument("id", type=int)
    p.add_argument("--restore", action="store_true")
    p.set_defaults(handler=_archive)


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.exposure import exposure_text
    from desktop.services.register import FLAG_LABELS, register_rows

    rows = register_rows(ctx.engine, query_from(args, args.sort))
    if args.json:
        ctx.print_json([{**asdict(r), "exposure": r.exposure.to_dict(), "exposure_text": exposure_text(r.exposure, "en")}
                        for r in rows])
        return EXIT_OK
    labels = FLAG_LABELS  # English: the command's output is read by scripts
    for r in rows:
        flags = ", ".join(labels[f] for f in r.flags)
        ctx.print(f"{r.id:>6}  {r.name:<40.40}  {r.country:<2}  {r.tier:<8}  {r.status:<10}  "
                  f"{(r.latest_rating or '-'):<21}  {_exposure_short(r.exposure):<12}  {r.services[:40]}"
                  + (f"  [{flags}]" if flags else "") + (f"  ({r.match_reason})" if r.match_reason else ""))
    ctx.print(f"{len(rows)} vendor(s)")
    return EXIT_OK


def _exposure_short(e: Any) -> str:
    """The exposure column of the text listing: 'control 82%', 'stake 12%', 'people 1', '-'."""
    from desktop.core.ownership.text import fmt_pct

    if e.level in ("control", "stake"):
        return f"{e.level} {fmt_pct(e.stake)}"
    if e.level == "people":
        return f"people {e.linked_people}"
    return "-"


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.vendors import get_vendor

    detail = get_vendor(ctx.engine, args.id)
    data = {"id": detail.id, "version": detail.version, "archived": detail.archived, **asdict(detail.form)}
    if args.json:
        ctx.print_json(data)
    else:
        for key, value in data.items():
            ctx.print(f"{key:>16}: {value if value not in (None, '', []) else '-'}")
    return EXIT_OK


def _add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.vendors import VendorForm, create_vendor

    form = VendorForm(name=args.name, country=args.country, website=args.website, services=args.services,
                      tier=args.tier, status=args.status, internal_owner=args.owner, tags=args.tag, lei=args.lei,
                      vat=args.vat)
    detail = create_vendor(ctx.engine, form, ctx.actor)
    ctx.print(f"Added vendor #{detail.id} {detail.form.name}.")
    return EXIT_OK


def _archive(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.vendors import set_archived

    detail = set_archived(ctx.engine, args.id, not args.restore, actor=ctx.actor)
    ctx.print(f"{'Restored' if args.restore else 'Archived'} vendor #{detail.id} {detail.form.name}.")
    return EXIT_OK
