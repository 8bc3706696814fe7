"""`vetta settings ...`, `vetta identity export`, `vetta team ...`, `vetta whoami`: who acts and whom to trust."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, Context, group
from desktop.core.errors import UserError
from desktop.core.i18n import tr

PASSWORD_ENV = "VETTA_LOGIN_PASSWORD"


def register(subparsers: Any) -> None:
    settings = subparsers.add_parser("settings", help="settings: profile name, time-stamping server, trust roots")
    sub = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="show the settings that concern signatures and who you are")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_settings_show)
    p = sub.add_parser("set", help="change a setting: timestamp-url URL ('' for none), profile-name NAME")
    p.add_argument("key", choices=["timestamp-url", "profile-name"], metavar="KEY",
                   help="timestamp-url (an RFC 3161 server, '' for none) or profile-name (your name, SQLite)")
    p.add_argument("value", metavar="VALUE")
    p.set_defaults(handler=_settings_set)
    trust = sub.add_parser("trust", help="certificates trusted to vouch for signers (company CA, partners)")
    tsub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    p = tsub.add_parser("add", help="trust the certificates in a PEM or DER file")
    p.add_argument("file", type=Path, metavar="CA.pem")
    p.set_defaults(handler=_trust_add)
    p = tsub.add_parser("list", help="list the trust roots")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_trust_list)
    p = tsub.add_parser("remove", help="stop trusting a root (by the start of its SHA-256 fingerprint)")
    p.add_argument("fingerprint", metavar="FINGERPRINT")
    p.set_defaults(handler=_trust_remove)

    ident = group(subparsers, "identity", help="signing identities (key in the OS keyring)")
    p = ident.add_parser("export", help="write an identity's certificate (never its key) to a PEM file")
    p.add_argument("name", metavar="NAME")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pem")
    p.set_defaults(handler=_identity_export)

    team = subparsers.add_parser("team", help="team mode on PostgreSQL: roles and logins")
    sub = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)
    p = sub.add_parser("init", help="set this PostgreSQL database up for a team (run by a DBA, as a superuser)")
    p.set_defaults(handler=_team_init)
    p = sub.add_parser("add", help="create a login (or use an existing one) and grant it a Vetta role")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--role", required=True, choices=["viewer", "preparer", "approver", "admin"])
    p.add_argument("--password", action="store_true",
                   help=f"set the login's password (prompted, or ${PASSWORD_ENV})")
    p.set_defaults(handler=_team_add)
    p = sub.add_parser("list", help="list the logins with a Vetta role")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_team_list)

    p = subparsers.add_parser("whoami", help="who you act as here, and your role")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_whoami)


def _who_dict(ctx: Context) -> dict[str, Any]:
    who = ctx.who
    return {"name": who.name, "backend": who.backend, "source": who.source, "team": who.team,
            "roles": sorted(who.roles) if who.team else []}


def _settings_show(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services import settings, whoami

    s = settings.get_settings(ctx.engine)
    roots = settings.list_trust_roots(ctx.engine)
    data = {"organisation": s.name, "timestamp_url": s.timestamp_url, "profile_name": whoami.profile_name(),
            "acting_user": _who_dict(ctx), "trust_roots": [r.to_dict() for r in roots]}
    if args.json:
        ctx.print_json(data)
        return EXIT_OK
    ctx.print(f"Organisation: {s.name or '—'}")
    ctx.print(f"Time-stamping server: {s.timestamp_url or 'none (reports say the time is the signer’s clock)'}")
    ctx.print(f"Profile name on this computer: {data['profile_name'] or '—'}")
    who = ctx.who
    ctx.print(f"You act as: {who.name or '— (nobody set)'} ({who.source})")
    ctx.print(f"Trust roots: {len(roots)}")
    for r in roots:
        ctx.print(f"  {r.subject}  SHA-256 {r.fingerprint_sha256[:16]}…")
    return EXIT_OK


def _settings_set(args: argparse.Namespace, ctx: Context) -> int:
    if args.key == "profile-name":
        from desktop.services import whoami

        if ctx.engine.dialect.name == "postgresql":
            raise UserError(tr("On a PostgreSQL database you act as your database login ({login}); the profile "
                               "name is for SQLite files.", login=ctx.who.name))
        name = whoami.set_profile_name(args.value)
        ctx.print(f"Your profile name is now {name!r}: your changes are recorded under it.")
        return EXIT_OK
    from desktop.services.settings import set_timestamp_url

    s = set_timestamp_url(ctx.engine, args.value, actor=ctx.actor)
    if s.timestamp_url:
        ctx.print(f"Signatures will be timestamped by {s.timestamp_url}.")
    else:
        ctx.print("No time-stamping server: reports will say the signing time is the signer's clock.")
    return EXIT_OK


def _trust_add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.settings import add_trust_roots

    for r in add_trust_roots(ctx.engine, args.file, actor=ctx.actor):
        kind = "CA" if r.is_ca else "certificate"
        ctx.print(f"Trusted {kind}: {r.subject}")
        ctx.print(f"  SHA-256 {r.fingerprint_sha256}")
    return EXIT_OK


def _trust_list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.settings import list_trust_roots

    roots = list_trust_roots(ctx.engine)
    if args.json:
        ctx.print_json([r.to_dict() for r in roots])
        return EXIT_OK
    for r in roots:
        ctx.print(f"{r.subject}  ({'CA' if r.is_ca else 'certificate'}, valid until {r.not_after[:10]}, "
                  f"added by {r.added_by or '—'})")
        ctx.print(f"  SHA-256 {r.fingerprint_sha256}")
    ctx.print(f"{len(roots)} trust root{'s' if len(roots) != 1 else ''}")
    return EXIT_OK


def _trust_remove(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.settings import remove_trust_root

    r = remove_trust_root(ctx.engine, args.fingerprint, actor=ctx.actor)
    ctx.print(f"No longer trusted: {r.subject}")
    return EXIT_OK


def _identity_export(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import export_certificate

    info = export_certificate(ctx.engine, args.name, args.output)
    ctx.print(f"Wrote the certificate of {info.name!r} (not its key) to {args.output}")
    ctx.print(f"  SHA-256 {info.fingerprint_sha256}")
    ctx.print(f"An auditor checks a report with it: vetta verify REPORT.pdf --trust {args.output}")
    return EXIT_OK


def _team_init(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.team import init

    created = init(ctx.engine)
    ctx.print("Team mode is set up on this database.")
    ctx.print(f"  schema owner (migrations): {created[0]}")
    ctx.print(f"  roles: {', '.join(created[1:])}")
    ctx.print("Add people with: vetta team add LOGIN --role viewer|preparer|approver|admin")
    return EXIT_OK


def _password() -> str:
    env = os.environ.get(PASSWORD_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserError(tr("A password is needed: run in a terminal to be asked, or set {env}.", env=PASSWORD_ENV))
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Repeat it: "):
        raise UserError(tr("The two passwords differ; nothing was changed."))
    return first


def _team_add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.team import add

    password = _password() if args.password else None
    member = add(ctx.engine, args.login, args.role, password=password)
    ctx.print(f"{member.login}: {', '.join(member.roles)}")
    return EXIT_OK


def _team_list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.team import members

    rows = members(ctx.engine)
    if args.json:
        ctx.print_json([m.to_dict() for m in rows])
        return EXIT_OK
    for m in rows:
        ctx.print(f"{m.login:<30}  {', '.join(m.roles)}")
    ctx.print(f"{len(rows)} login{'s' if len(rows) != 1 else ''}")
    return EXIT_OK


def _whoami(args: argparse.Namespace, ctx: Context) -> int:
    data = _who_dict(ctx)
    if args.json:
        ctx.print_json(data)
        return EXIT_OK
    who = ctx.who
    if not who.known:
        ctx.print("Nobody yet: set your name with `vetta settings set profile-name \"Your Name\"`.")
        return EXIT_OK
    where = {"login": "database login", "option": "--user", "environment": "VETTA_USER",
             "profile": "profile name"}[who.source]
    roles = f"; roles: {', '.join(data['roles']) or 'none'}" if who.team else ""
    ctx.print(f"{who.name} ({where}{roles})")
    return EXIT_OK
