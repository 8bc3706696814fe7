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


class _ConditionAction(argparse.Action):
    """``--condition TEXT`` starts a condition; ``--owner`` and ``--due`` that follow it belong to it."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        items: list[dict[str, str]] = list(getattr(namespace, "conditions", None) or [])
        if self.dest == "condition":
            items.append({"text": str(values), "owner": "", "due": ""})
        elif not items:
            parser.error(f"{option_string} must follow the --condition it belongs to")
        else:
            key = "owner" if self.dest == "owner" else "due"
            if items[-1][key]:
                parser.error(f"condition {len(items)} has two {option_string} values")
            items[-1][key] = str(values)
        namespace.conditions = items


def register(subparsers: Any) -> None:
    sub = group(subparsers, "identity", help="signing identities (key in the OS keyring)")
    p = sub.add_parser("new", help="generate a key and a self-signed certificate naming you and your organisation")
    p.add_argument("name", metavar="NAME", help="the signer's full name")
    p.add_argument("--email", default="", metavar="E")
    p.add_argument("--organisation", default=None, metavar="ORG",
                   help="organisation on the certificate (default: the organisation in settings)")
    p.add_argument("--key-file", action="store_true",
                   help="keep the private key in a passphrase-protected key file in the data folder instead of the "
                        f"OS keyring (automatic when there is no keyring; passphrase: asked twice, or ${P12_ENV})")
    p.set_defaults(handler=_identity_new)
    p = sub.add_parser("import", help="import an organisation-issued PKCS#12 (.p12/.pfx) file")
    p.add_argument("file", type=Path, metavar="FILE.p12")
    p.add_argument("--name", required=True, metavar="NAME", help="the name to sign as")
    p.add_argument("--key-file", action="store_true",
                   help="keep a copy of the private key in a passphrase-protected key file in the data folder "
                        "instead of the OS keyring")
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
    p.add_argument("--condition", action=_ConditionAction, metavar="TEXT",
                   help="a condition of approval, followed by its --owner and --due (repeat for several)")
    p.add_argument("--owner", action=_ConditionAction, metavar="NAME", help="who sees to the condition before it")
    p.add_argument("--due", action=_ConditionAction, metavar="YYYY-MM-DD", help="when the condition before it is due")
    p.add_argument("--rationale", default="", metavar="TEXT",
                   help="why you decide so; required to approve a vendor rated not or conditionally neutral "
                        "(signed into the report)")
    p.add_argument("--lang", default=None, choices=["en", "es"],
                   help="language of record of the signed report (default: the interface language)")
    p.add_argument("--p12", type=Path, metavar="FILE",
                   help=f"sign with this PKCS#12 file instead of the keyring (passphrase: prompt or ${P12_ENV})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_approve)

    p = subparsers.add_parser("report", help="write the signed report of an assessment (or a DRAFT)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--lang", default=None, choices=["en", "es"],
                   help="language of a draft; a signed report exists only in the language it was signed in")
    p.set_defaults(handler=_report)

    p = subparsers.add_parser(
        "verify", help="verify a signed report: exit 0 valid and trusted, 4 valid but the signer is not trusted, "
        "1 not valid (changed, forged or not the file on record), 2 not a readable PDF")
    p.add_argument("file", type=Path, metavar="FILE.pdf")
    p.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT.pem",
                   help="trust this certificate (the signer's exported certificate or a company CA); repeatable")
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


def _new_passphrase(ctx: Context) -> str:
    """A passphrase for a new key file: ``$VETTA_P12_PASSPHRASE``, or typed twice in a terminal."""
    from desktop.services.identities import PASSPHRASE_RULE, passphrase_problem

    env = os.environ.get(P12_ENV)
    if env is not None:
        chosen = env
    elif not sys.stdin.isatty():
        raise UserError(tr("A passphrase is needed for the key file: run in a terminal to be asked, or set "
                           "{p12_env}.", p12_env=P12_ENV))
    else:
        ctx.err.write(tr(PASSPHRASE_RULE) + "\n")
        chosen = getpass.getpass("Passphrase for the key file: ")
        if getpass.getpass("The same passphrase again: ") != chosen:
            raise UserError(tr("The two passphrases differ; nothing was created."))
    problem = passphrase_problem(chosen)
    if problem:
        raise UserError(problem)
    return chosen


def _key_file_wanted(args: argparse.Namespace, ctx: Context) -> bool:
    from desktop.services.identities import keyring_available

    if args.key_file:
        return True
    if keyring_available():
        return False
    ctx.err.write("No usable OS keyring here: the private key goes into a passphrase-protected key file (PKCS#12) "
                  "in Vetta's data folder; you choose the passphrase, and signing asks for it.\n")
    return True


def _say_where_the_key_is(ctx: Context, info: Any, p12: Path | None = None) -> None:
    if info.key_store == "file":
        ctx.print(f"The private key is in the key file {info.key_file}, encrypted with your passphrase; signing "
                  f"asks for it (or reads ${P12_ENV}).")
    elif info.key_in_keyring:
        ctx.print("The private key is in this computer's keyring; it is not stored anywhere else.")
    else:
        ctx.print("No usable OS keyring here: only the certificate was registered; sign with "
                  f"`vetta assessment approve ID --identity {info.name!r} --p12 {p12}`, or import it again "
                  "with --key-file to keep the key in a passphrase-protected key file.")


def _signing_passphrase(ctx: Context, identity: str, p12: Path | None) -> str | None:
    """The passphrase signing needs: of ``p12`` when given, else of the identity's key file, else none."""
    from desktop.services.identities import needs_passphrase

    if p12 is not None:
        return _passphrase(f"Passphrase for {p12}: ")
    if needs_passphrase(ctx.engine, identity):
        return _passphrase(f"Passphrase of the key file of {identity}: ")
    return None


def _identity_new(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import KeyringUnavailable, new_identity

    actor = ctx.actor  # who owns it is known before anything is asked
    key_passphrase = _new_passphrase(ctx) if _key_file_wanted(args, ctx) else None
    try:
        info = new_identity(ctx.engine, args.name, email=args.email, organisation=args.organisation, actor=actor,
                            key_passphrase=key_passphrase)
    except KeyringUnavailable:  # a keyring that is there but refuses to store the key: the key file then
        if key_passphrase is not None:
            raise
        ctx.err.write("The OS keyring refused to store the key: it goes into a passphrase-protected key file "
                      "(PKCS#12) in Vetta's data folder instead; you choose the passphrase, and signing asks for "
                      "it.\n")
        info = new_identity(ctx.engine, args.name, email=args.email, organisation=args.organisation, actor=actor,
                            key_passphrase=_new_passphrase(ctx))
    ctx.print(f"Created signing identity {info.name!r}: {info.subject}")
    ctx.print(f"Certificate fingerprint (SHA-256): {info.fingerprint_sha256}")
    _say_where_the_key_is(ctx, info)
    return EXIT_OK


def _identity_import(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import import_p12

    actor = ctx.actor
    passphrase = _passphrase(f"Passphrase for {args.file}: ")
    key_passphrase = _new_passphrase(ctx) if args.key_file else None
    info = import_p12(ctx.engine, args.file, args.name, passphrase or None, actor=actor,
                      key_passphrase=key_passphrase)
    ctx.print(f"Imported signing identity {info.name!r}: {info.subject}")
    ctx.print(f"Certificate fingerprint (SHA-256): {info.fingerprint_sha256}")
    _say_where_the_key_is(ctx, info, args.file)
    return EXIT_OK


def _identity_list(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.identities import list_identities

    rows = list_identities(ctx.engine, probe_keyring=True)
    if args.json:
        ctx.print_json([r.to_dict() for r in rows])
        return EXIT_OK
    for r in rows:
        if r.key_store == "file":
            key = (f"key in the passphrase-protected file {r.key_file}" if r.key_file_present
                   else f"key file not on this computer (expected at {r.key_file})")
        else:
            key = {True: "key in keyring", False: "key NOT in this keyring",
                   None: "keyring unavailable"}[r.key_in_keyring]
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

    passphrase = _signing_passphrase(ctx, args.identity, args.p12)
    result = approve(ctx.engine, args.id, identity=args.identity, approver=ctx.actor,
                     decision=args.decision, conditions=getattr(args, "conditions", None) or [],
                     rationale=args.rationale, lang=args.lang, p12=args.p12, p12_passphrase=passphrase)
    if args.json:
        ctx.print_json(result)
        return EXIT_OK
    ctx.print(f"Assessment {result['assessment_id']}: {result['decision'].replace('_', ' ')} by {result['approver']}.")
    for i, c in enumerate(result["conditions"], 1):
        ctx.print(f"  condition {i}: {c['text']} (owner: {c['owner']}; due: {c['due']})")
    if result["rationale"]:
        ctx.print(f"  rationale: {result['rationale']}")
    if result["next_review_due"]:
        ctx.print(f"Next review due {result['next_review_due']}.")
    language = {"en": "English", "es": "Spanish"}.get(result["language"], result["language"])
    ctx.print(f"Signed report stored in {language} ({result['pages']} pages, SHA-256 {result['report_sha256']}).")
    ctx.print(f"Signer certificate fingerprint (SHA-256): {result['fingerprint']}")
    ctx.print(f"Write it out with: vetta report {result['assessment_id']} -o report.pdf")
    return EXIT_OK


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.reports import write_report

    result = write_report(ctx.engine, args.id, args.output, args.lang, require_language=args.lang is not None)
    kind = "signed report" if result.signed else "DRAFT report (not signed: the assessment is not decided)"
    language = "Spanish" if result.lang == "es" else "English"
    ctx.print(f"Wrote the {kind} of assessment {args.id} to {args.output} ({language})")
    return EXIT_OK


def _verify(args: argparse.Namespace, ctx: Context) -> int:
    from db.errors import DatabaseError
    from desktop.cli.main import EXIT_UNTRUSTED
    from desktop.services.verification import read_trust_files, verify_path

    trust = read_trust_files(args.trust)
    engine = None
    if _database_at_hand(ctx):
        try:
            engine = ctx.engine
        except DatabaseError as exc:  # an auditor without a Vetta database can still check the file itself
            ctx.err.write(f"vetta: note: {exc} Checking the file alone.\n")
    verdict = verify_path(engine, args.file, trust=trust)
    status = verdict.status
    code = {"trusted": EXIT_OK, "untrusted": EXIT_UNTRUSTED}.get(status, EXIT_PROBLEM)
    if args.json:
        ctx.print_json(verdict.to_dict())
        return code
    if status == "trusted":
        ctx.print(f"VALID AND TRUSTED: {args.file} is intact, certified by its signature, and the signer is "
                  f"trusted ({verdict.trusted_by}).")
    elif status == "untrusted":
        ctx.print(f"VALID BUT NOT TRUSTED: {args.file} is intact and validly signed, but nothing you trust vouches "
                  "for the signer's certificate: it is not a signing identity in this database, not issued by a "
                  "trust root in settings, and not given with --trust. Anyone can make a certificate with any name; "
                  "get the signer's certificate (vetta identity export) and run again with --trust CERT.pem.")
    else:
        reason = verdict.problem or (verdict.record_problems[0] if verdict.record_problems else
                                     "the signature does not hold.")
        ctx.print(f"NOT VALID: {reason}")
        for extra in verdict.record_problems[1:] if verdict.problem == "" else verdict.record_problems:
            ctx.print(f"  also: {extra}")
    ctx.print(f"  signer: {verdict.signer or '—'}")
    if verdict.fingerprint:
        ctx.print(f"  certificate SHA-256: {_colons(verdict.fingerprint)}")
    if verdict.signed_at:
        source = (f"timestamp by {verdict.time_authority or 'a time-stamping authority'}"
                  if verdict.time_source == "timestamp" else "the signer's own clock, not certified")
        ctx.print(f"  signed at: {verdict.signed_at} ({source})")
    ctx.print(f"  certified (no changes allowed): {'yes' if verdict.certified else 'no'}; "
              f"PAdES level: {verdict.pades_level or '—'}; revisions: {verdict.revisions}")
    ctx.print(f"  assessment: {verdict.assessment_id if verdict.assessment_id is not None else '—'}")
    if engine is not None:
        ctx.print(f"  signer is a known identity in this database: {'yes' if verdict.known_identity else 'no'}")
        ctx.print(f"  file is the one recorded with the decision: {'yes' if verdict.matches_record else 'no'}")
        if verdict.matches_record:
            ok = "yes" if not verdict.record_problems else "NO"
            ctx.print(f"  attached record agrees with the database: {ok}")
    else:
        ctx.print("  no Vetta database here: the file was checked on its own")
    return code


def _database_at_hand(ctx: Context) -> bool:
    """A database was named (--db, VETTA_DATABASE_URL) or the default one exists: never create one to verify."""
    from db.location import ENV_URL, data_dir

    return bool(ctx.db_url or os.environ.get(ENV_URL)) or (data_dir() / "vetta.sqlite3").exists()
