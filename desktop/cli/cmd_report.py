"""`vetta identity new|import|list`, `vetta assessment approve`, `vetta report`, `vetta verify`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from desktop.cli.main import EXIT_OK, EXIT_PROBLEM, Context, group
from desktop.core.errors import UserError
from desktop.core.i18n import tr

P12_ENV = "VETTA_P12_PASSPHRASE"


def register(subparsers: Any) -> None:
    sub = group(subparsers, "identity", help="signing identities (key in the OS keyring)")
    p = sub.add_parser("new", help="generate a key and a self-signed certificate naming you and your organisation")
    p.add_argument("name", metavar="NAME", help="the signer's full name")
    p.add_argument("--email", default="", metavar="E")
    p.add_argument("--organisation", default=None, metavar="ORG",
                   help="organisation on the certificate (default: the organisation in settings)")
    p.set_defaults(handler=_identity_new)
    p = sub.add_parser("import", help="import an organisation-issued PKCS#12 (.p12/.pfx) file")
    p.add_argument("file", type=Path, metavar="FILE.p12")
    p.add_argument("--name", required=True, metavar="NAME", help="the name to sign as")
    p.set_defaults(handler=_identity_import)
    p = sub.add_parser("list", help="list signing identities")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_identity_list)

    assessment = group(subparsers, "assessment", help="assessments")
    p = assessment.add_parser("approve", help="decide an assessment in review and sign its report")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--identity", required=True, metavar="NAME", help="the signing identity to sign with")
    p.add_argument("--decision", default="approved",
                   choices=["approved", "approved-with-conditions", "rejected"])
    p.add_argument("--condition", action="append", default=[], metavar="TEXT",
                   help="a condition of approval (repeat for several)")
    p.add_argument("--lang", default="en", choices=["en", "es"], help="report language")
    p.add_argument("--p12", type=Path, metavar="FILE",
                   help=f"sign with this PKCS#12 file instead of the keyring (passphrase: prompt or ${P12_ENV})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_approve)

    p = subparsers.add_parser("report", help="write the signed report of an assessment (or a DRAFT)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--lang", default="en", choices=["en", "es"], help="language of a draft report")
    p.set_defaults(handler=_report)

    p = subparsers.add_parser("verify", help="verify a signed report; exit 0 only when intact and valid")
    p.add_argument("file", type=Path, metavar="FILE.pdf")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_verify)


def _passphrase(prompt: str) -> str:
    env = os.environ.get(P12_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserError(tr("A passphrase is needed for the PKCS#12 file: run in a terminal to be asked, or "
                           "set {p12_env}.", p12_env=P12_ENV))
    return getpass.getpass(prompt)


def _identity_new(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import new_identity

    info = new_identity(ctx.engine, args.name, email=args.email, organisation=args.organisation, actor=ctx.actor)
    ctx.print(f"Created signing identity {info.name!r}: {info.subject}")
    ctx.print(f"Certificate fingerprint (SHA-256): {info.fingerprint_sha256}")
    ctx.print("The private key is in this computer's keyring; it is not stored anywhere else.")
    return EXIT_OK


def _identity_import(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import import_p12

    passphrase = _passphrase(f"Passphrase for {args.file}: ")
    info = import_p12(ctx.engine, args.file, args.name, passphrase or None, actor=ctx.actor)
    ctx.print(f"Imported signing identity {info.name!r}: {info.subject}")
    ctx.print(f"Certificate fingerprint (SHA-256): {info.fingerprint_sha256}")
    if info.key_in_keyring:
        ctx.print("The private key is now in this computer's keyring.")
    else:
        ctx.print("No usable OS keyring here: only the certificate was registered; sign with "
                  f"`vetta assessment approve ID --identity {info.name!r} --p12 {args.file}`.")
    return EXIT_OK


def _identity_list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import list_identities

    rows = list_identities(ctx.engine, probe_keyring=True)
    if args.json:
        ctx.print_json([r.to_dict() for r in rows])
        return EXIT_OK
    for r in rows:
        key = {True: "key in keyring", False: "key NOT in this keyring", None: "keyring unavailable"}[r.key_in_keyring]
        issuer = "self-signed" if r.issuer == r.subject else f"issued by {r.issuer}"
        ctx.print(f"{r.name}  (owner {r.owner or '—'}; {r.source}, {issuer}; valid until {r.not_after[:10]}; {key})")
        ctx.print(f"  SHA-256 {_colons(r.fingerprint_sha256)}")
    ctx.print(f"{len(rows)} identit{'y' if len(rows) == 1 else 'ies'}")
    return EXIT_OK


def _colons(fingerprint: str) -> str:
    """A fingerprint as certificate viewers print it (AB:CD:...), so people can compare them by eye."""
    return ":".join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2)).upper()


def _approve(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.signoff import approve

    passphrase = _passphrase(f"Passphrase for {args.p12}: ") if args.p12 else None
    result = approve(ctx.engine, args.id, identity=args.identity, approver=ctx.actor,
                     decision=args.decision, conditions=args.condition, lang=args.lang, p12=args.p12,
                     p12_passphrase=passphrase)
    if args.json:
        ctx.print_json(result)
        return EXIT_OK
    ctx.print(f"Assessment {result['assessment_id']}: {result['decision'].replace('_', ' ')} by {result['approver']}.")
    for i, c in enumerate(result["conditions"], 1):
        ctx.print(f"  condition {i}: {c}")
    if result["next_review_due"]:
        ctx.print(f"Next review due {result['next_review_due']}.")
    ctx.print(f"Signed report stored ({result['pages']} pages, SHA-256 {result['report_sha256']}).")
    ctx.print(f"Write it out with: vetta report {result['assessment_id']} -o report.pdf")
    return EXIT_OK


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.reports import write_report

    result = write_report(ctx.engine, args.id, args.output, args.lang)
    kind = "signed report" if result.signed else "DRAFT report (not signed: the assessment is not decided)"
    ctx.print(f"Wrote the {kind} of assessment {args.id} to {args.output}")
    if result.signed and result.lang != args.lang:
        ctx.print(f"Note: the signed report is in {'Spanish' if result.lang == 'es' else 'English'}, the language "
                  "it was signed in; a signed file cannot be re-rendered without breaking its signature.")
    return EXIT_OK


def _verify(args: argparse.Namespace, ctx: Context) -> int:
    from db.errors import DatabaseError
    from desktop.services.reports import verify_file

    try:
        engine = ctx.engine
    except DatabaseError as exc:  # an auditor without a Vetta database can still check the file itself
        ctx.err.write(f"vetta: note: {exc} Checking the file alone.\n")
        engine = None
    verdict = verify_file(engine, args.file)
    ok = verdict.intact and verdict.valid
    if args.json:
        data = verdict.to_dict()
        ctx.print_json({k: data[k] for k in ("intact", "valid", "signer", "signed_at", "known_identity",
                                             "matches_record", "assessment_id", "timestamped", "fingerprint",
                                             "sha256", "problem")})
        return EXIT_OK if ok else EXIT_PROBLEM
    if ok:
        ctx.print(f"VALID: {args.file} is intact and its signature is valid.")
    else:
        ctx.print(f"NOT VALID: {verdict.problem or 'the signature does not hold.'}")
    ctx.print(f"  signer: {verdict.signer or '—'}")
    ctx.print(f"  signed at: {verdict.signed_at or '—'}{' (timestamped)' if verdict.timestamped else ''}")
    ctx.print(f"  assessment: {verdict.assessment_id if verdict.assessment_id is not None else '—'}")
    ctx.print(f"  signer is a known identity in this database: {'yes' if verdict.known_identity else 'no'}")
    ctx.print(f"  file is the one recorded with the decision: {'yes' if verdict.matches_record else 'no'}")
    return EXIT_OK if ok else EXIT_PROBLEM
