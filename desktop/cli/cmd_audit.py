"""`vetta audit verify|log`: check the hash chain of the audit trail and read it."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="the audit trail: verify its hash chain, read it")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    p = sub.add_parser("verify", help="check that no audit event was edited, deleted, inserted or reordered "
                                      "(exit 1 if one was)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_verify)

    p = sub.add_parser("log", help="show the audit trail, newest first")
    p.add_argument("--vendor", metavar="NAME_OR_ID", help="only the events of this vendor")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N events (default 50)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_log)


def _verify(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import audit

    report = audit.verify_audit_trail(ctx.engine)
    missing = audit.missing_guards(ctx.engine)
    if args.json:
        data = report.to_dict()
        ctx.print_json({"intact": data["intact"], "events": data["events"],
                        "first_problem": data["first_problem"], "head_seq": data["head_seq"],
                        "head_hash": data["head_hash"], "missing_guards": missing})
        return EXIT_OK if report.intact and not missing else EXIT_PROBLEM
    elif report.intact:
        ctx.print(f"The audit trail is intact: {report.events} events, every link of the hash chain checks out.")
        ctx.print(f"Last event: #{report.head_seq}, hash {report.head_hash}")
    else:
        problem = report.first_problem
        assert problem is not None
        ctx.print(f"The audit trail has been tampered with ({problem.kind} at event #{problem.seq}): "
                  f"{problem.message}")
    if missing:
        ctx.print(f"Warning: {len(missing)} of the database's protection triggers were removed "
                  f"({', '.join(missing)}); run `vetta db upgrade` on a trusted copy and find out who removed them.")
    return EXIT_OK if report.intact and not missing else EXIT_PROBLEM


def _log(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import audit

    entries = audit.audit_log(ctx.engine, args.vendor, args.limit)
    if args.json:
        ctx.print_json([e.to_dict() for e in entries])
        return EXIT_OK
    if not entries:
        ctx.print("No audit events.")
    for e in entries:
        ctx.print(f"#{e.seq}  {e.occurred_at:%Y-%m-%d %H:%M:%S} UTC  {e.actor}  {e.action}  {e.record}")
        for c in e.changes:
            ctx.print(f"    {c.field}: {audit.describe_value(c.before)} -> {audit.describe_value(c.after)}")
    return EXIT_OK
