"""`vetta audit verify|anchor|log`: check the record (chain, guards, anchors, data), anchor it, read it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context

#: How many rows changed outside Vetta the text output lists (the JSON carries up to 200).
SHOWN_DATA_PROBLEMS = 50
#: The kinds of change `audit log --kind` filters on (desktop.services.history.KINDS; kept here so that
#: building the parser imports no service).
HISTORY_KINDS = ("ownership", "people", "contracts", "assessments", "vendor", "settings")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="the audit trail: verify it and the data against it, anchor it, "
                                                 "read it")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    p = sub.add_parser("verify", help="check the hash chain, the protection triggers, the anchors of signed "
                                      "reports and every audited row against the trail (exit 1 on any problem)")
    p.add_argument("--anchor", type=Path, metavar="FILE", help="also check an anchor file written by "
                                                               "`vetta audit anchor`")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_verify)

    p = sub.add_parser("anchor", help="write the trail's head (sequence number and hash), signed, to a small "
                                      "file to keep outside the database")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.add_argument("--identity", required=True, metavar="NAME", help="the signing identity to sign with")
    p.add_argument("--p12", type=Path, metavar="FILE",
                   help="sign with this PKCS#12 file instead of the keyring (passphrase: prompt or "
                        "$VETTA_P12_PASSPHRASE)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_anchor)

    p = sub.add_parser("log", help="show the audit trail, newest first")
    p.add_argument("--vendor", metavar="NAME_OR_ID", help="only the events of this vendor")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N events (default 50)")
    p.add_argument("--kind", choices=HISTORY_KINDS, metavar="KIND",
                   help="only one kind of change: " + ", ".join(HISTORY_KINDS))
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_log)


def _verify(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import audit

    report = audit.verify_integrity(ctx.engine, args.anchor)
    if args.json:
        ctx.print_json(report.to_dict())
        return EXIT_OK if report.ok else EXIT_PROBLEM
    chain = report.chain
    if chain.intact:
        ctx.print(f"The audit trail is intact: {chain.events} events, every link of the hash chain checks out.")
        ctx.print(f"Last event: #{chain.head_seq}, hash {chain.head_hash}")
    else:
        problem = chain.first_problem
        assert problem is not None
        ctx.print(f"The audit trail has been tampered with ({problem.kind} at event #{problem.seq}): "
                  f"{problem.message}")
    guards = report.guards
    if guards.missing:
        ctx.print(f"Warning: {len(guards.missing)} of the database's protection triggers were removed or switched "
                  f"off ({', '.join(guards.missing)}); run `vetta db upgrade` on a trusted copy and find out who "
                  "removed them.")
    if guards.altered:
        ctx.print(f"Warning: {len(guards.altered)} protection triggers no longer have their shipped definition "
                  f"({', '.join(guards.altered)}): someone replaced them; run `vetta db upgrade` on a trusted copy.")
    if guards.foreign:
        ctx.print(f"Warning: triggers that are not Vetta's sit on protected tables ({', '.join(guards.foreign)}); "
                  "they can drop or change writes.")
    anchors = report.anchors
    if anchors.checked or anchors.unanchored:
        line = f"Signed reports: {anchors.checked} anchored in the trail"
        if anchors.unanchored:
            line += f", {anchors.unanchored} signed before reports carried anchors"
        ctx.print(line + ("; every anchor matches." if anchors.ok else "."))
    for anchor_problem in anchors.problems:
        ctx.print(f"Anchor problem ({anchor_problem.kind}): {anchor_problem.message}")
    data = report.data
    if data.ok:
        ctx.print(f"The data matches the trail: {data.rows} rows of {data.tables} tables, and every stored file "
                  "matches its hash.")
    else:
        ctx.print(f"{data.problem_count} differences between the data and the audit trail (changed outside Vetta):")
        for row_problem in data.problems[:SHOWN_DATA_PROBLEMS]:
            ctx.print(f"  {row_problem.message}")
        if data.problem_count > SHOWN_DATA_PROBLEMS:
            ctx.print(f"  … and {data.problem_count - SHOWN_DATA_PROBLEMS} more (--json lists up to {data.limit}).")
    checked = report.anchor_file
    if checked is not None:
        if checked.ok:
            ctx.print(f"The anchor file {checked.path} (event #{checked.seq}, signed by {checked.signer} on "
                      f"{checked.taken_at}) matches the audit trail.")
        else:
            ctx.print(f"Anchor file problem ({checked.kind}): {checked.problem}")
    return EXIT_OK if report.ok else EXIT_PROBLEM


def _anchor(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.cli.cmd_report import _signing_passphrase
    from desktop.services import anchors

    passphrase = _signing_passphrase(ctx, args.identity, args.p12)
    try:
        info = anchors.write_anchor(ctx.engine, args.identity, args.output, actor=ctx.actor, p12=args.p12,
                                    p12_passphrase=passphrase or None)
    except anchors.TrailNotIntact as exc:
        print(f"vetta: error: {exc}", file=ctx.err)
        return EXIT_PROBLEM
    if args.json:
        ctx.print_json(info.to_dict())
        return EXIT_OK
    ctx.print(f"Anchored the audit trail at event #{info.seq} (hash {info.hash}), signed by {info.signer}, "
              f"in {info.path}.")
    ctx.print("Keep this file outside the database (a document system, an e-mail); "
              f"`vetta audit verify --anchor {info.path}` checks the trail against it.")
    return EXIT_OK


def _log(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.core import i18n
    from desktop.services import audit, history

    entries = audit.audit_log(ctx.engine, args.vendor, args.limit, args.kind)
    summaries = history.describe_entries(ctx.engine, entries, i18n.current_language())
    if args.json:
        ctx.print_json([{**e.to_dict(), "summary": summaries[e.id]} for e in entries])
        return EXIT_OK
    if not entries:
        ctx.print("No audit events.")
    for e in entries:
        ctx.print(f"#{e.seq}  {e.occurred_at:%Y-%m-%d %H:%M:%S} UTC  {summaries[e.id]}")
    return EXIT_OK
