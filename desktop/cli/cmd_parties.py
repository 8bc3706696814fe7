"""`vetta parties add|list|show|edit` and the scripted register: `vetta interests add`, `vetta contracts add`,
`vetta certificates add`, `vetta subprocessors add`.

Handlers parse and print; desktop.services.parties and desktop.services.records do the work (one unit
of work per command). Parties and vendors are named by id, name, other name or identifier.
"""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.cli.main import EXIT_OK, Context
from desktop.core.errors import UserError
from desktop.core.i18n import tr

INTEREST_TYPES = ("shareholding", "voting_rights", "board_member", "board_chair", "appointment_of_board",
                  "senior_managing_official", "other_influence_or_control", "rights_by_contract", "trust_role",
                  "nominee", "unknown")
CONTRACT_KINDS = ("MSA", "DPA", "SOW", "NDA", "OTHER")
CONTRACT_CLAUSES = ("change_of_control_termination", "ownership_change_notice", "audit_rights", "exclusivity",
                    "data_use_restriction", "deletion_on_termination")


def _party_arguments(p: argparse.ArgumentParser, editing: bool) -> None:
    default: Any = None if editing else ""
    p.add_argument("--kind", choices=["person", "entity"], default=None if editing else "entity",
                   help="a natural person or an entity (company, fund, trust, state body); default entity")
    p.add_argument("--jurisdiction", default=default, metavar="CODE",
                   help="where an entity is registered: ISO country code (ES) or country-region (US-DE)")
    p.add_argument("--country", default=default, metavar="CC", help="country of residence or address (ISO, 2 letters)")
    p.add_argument("--nationality", default=default, metavar="CC", help="a person's nationality (ISO, 2 letters)")
    p.add_argument("--birth-date", default=default, metavar="YYYY-MM-DD", help="a person's date of birth")
    p.add_argument("--website", default=default, metavar="URL")
    p.add_argument("--notes", default=default, metavar="TEXT")
    p.add_argument("--lei", default=default, metavar="LEI", help="Legal Entity Identifier (ISO 17442)"
                   + ("; '' removes it" if editing else ""))
    p.add_argument("--vat", default=default, metavar="VAT", help="EU VAT number with its country prefix"
                   + ("; '' removes it" if editing else ""))
    p.add_argument("--duns", default=default, metavar="DUNS", help="D-U-N-S number (9 digits)"
                   + ("; '' removes it" if editing else ""))
    p.add_argument("--registry", action="append", default=[], metavar="REGISTRY:NUMBER",
                   help="a company-registry number and the registry that issued it (repeatable)")
    p.add_argument("--alias", action="append", default=[], metavar="NAME",
                   help="another name the party is known by (former, trading, transliterated; repeatable)")


def register(subparsers: Any) -> None:
    parties = subparsers.add_parser("parties", help="people and companies: add, list, show, edit")
    sub = parties.add_subparsers(dest="parties_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record a person or a company that is not a vendor (an owner, a director...)")
    p.add_argument("name", metavar="NAME")
    _party_arguments(p, editing=False)
    p.add_argument("--distinct", action="store_true",
                   help="create it although a party with the same or a similar name exists (it is another one)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_add)
    p = sub.add_parser("list", help="list people and companies (vendors included unless --no-vendors)")
    p.add_argument("--search", default="", metavar="TEXT", help="part of a name, other name or identifier")
    p.add_argument("--kind", choices=["person", "entity"])
    p.add_argument("--no-vendors", action="store_true", help="leave out the parties that are vendors")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = sub.add_parser("show", help="one party: details, identifiers, other names, roles")
    p.add_argument("party", metavar="PARTY", help="id, name, other name or identifier")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_show)
    p = sub.add_parser("edit", help="change a party; only the options given change")
    p.add_argument("party", metavar="PARTY", help="id, name, other name or identifier")
    p.add_argument("--name", default=None, metavar="NAME", help="the new name")
    _party_arguments(p, editing=True)
    p.add_argument("--remove-alias", action="append", default=[], metavar="NAME", help="forget an other name")
    p.add_argument("--remove-registry", action="append", default=[], metavar="REGISTRY:NUMBER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_edit)

    interests = subparsers.add_parser("interests", help="ownership, voting and roles of parties in entities")
    sub = interests.add_subparsers(dest="interests_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record that HOLDER holds an interest in ENTITY")
    p.add_argument("holder", metavar="HOLDER", help="the person or entity holding it (id, name, identifier)")
    p.add_argument("subject", metavar="ENTITY", help="the entity it is held in (id, name, identifier)")
    p.add_argument("--type", required=True, choices=INTEREST_TYPES)
    p.add_argument("--share", metavar="PERCENT", help="exact share, e.g. 49")
    p.add_argument("--share-min", metavar="PERCENT", help="lower bound of a share range")
    p.add_argument("--share-max", metavar="PERCENT", help="upper bound of a share range")
    p.add_argument("--role", default="", metavar="TITLE", help="role title, e.g. 'Chief AI Officer'")
    p.add_argument("--start", metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")
    p.add_argument("--source", default="", metavar="TEXT", help="where this is known from")
    p.add_argument("--details", default="", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_interest_add)

    contracts = subparsers.add_parser("contracts", help="a vendor's contracts")
    sub = contracts.add_subparsers(dest="contracts_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record a contract with a vendor")
    p.add_argument("vendor", metavar="VENDOR", help="vendor id, name, other name or identifier")
    p.add_argument("--kind", required=True, choices=CONTRACT_KINDS)
    p.add_argument("--title", default="")
    p.add_argument("--reference", default="")
    p.add_argument("--signed", metavar="YYYY-MM-DD")
    p.add_argument("--start", metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")
    p.add_argument("--value", metavar="AMOUNT")
    p.add_argument("--currency", metavar="ISO", help="three-letter code, e.g. EUR")
    p.add_argument("--auto-renew", action="store_true")
    p.add_argument("--renewal-months", metavar="N")
    p.add_argument("--notice-days", metavar="N")
    p.add_argument("--breach-notice-hours", metavar="N")
    p.add_argument("--clause", action="append", default=[], choices=CONTRACT_CLAUSES,
                   help="a clause the contract has (repeatable)")
    p.add_argument("--notes", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_contract_add)

    certificates = subparsers.add_parser("certificates", help="a vendor's security certifications")
    sub = certificates.add_subparsers(dest="certificates_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record a certification (SOC 2, ISO/IEC 27001...) of a vendor")
    p.add_argument("vendor", metavar="VENDOR", help="vendor id, name, other name or identifier")
    p.add_argument("--standard", required=True, help="e.g. 'ISO/IEC 27001:2022'")
    p.add_argument("--issuer", default="", help="certification body or auditor")
    p.add_argument("--scope", default="")
    p.add_argument("--reference", default="")
    p.add_argument("--valid-from", metavar="YYYY-MM-DD")
    p.add_argument("--valid-until", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_certificate_add)

    subprocessors = subparsers.add_parser("subprocessors", help="a vendor's subprocessors (and theirs)")
    sub = subprocessors.add_subparsers(dest="subprocessors_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record that a party in the register is a subprocessor of a vendor")
    p.add_argument("vendor", metavar="VENDOR", help="vendor id, name, other name or identifier")
    p.add_argument("party", metavar="PARTY", help="the subprocessor (id, name, identifier; `vetta parties add` first)")
    p.add_argument("--of", dest="engaged_by", metavar="PARTY",
                   help="engaged by this subprocessor of the vendor (a fourth party), not by the vendor itself")
    p.add_argument("--service", default="")
    p.add_argument("--no-customer-data", action="store_true", help="it does not access our data")
    p.add_argument("--start", metavar="YYYY-MM-DD")
    p.add_argument("--end", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_subprocessor_add)


# ------------------------------------------------------------------------------------------ parsing

# The service names the field a refusal is about; the command names the option the user typed.
_OPTIONS = {"end_date": "--end", "start_date": "--start", "valid_until": "--valid-until",
            "valid_from": "--valid-from", "renewal_months": "--renewal-months", "end": "--end", "start": "--start",
            "share_exact": "--share", "share_min": "--share-min", "share_max": "--share-max", "type": "--type",
            "holder": "HOLDER", "subject": "ENTITY", "of_party_name": "--of", "party_name": "PARTY"}


def _naming_the_option(call: Any) -> Any:
    """Run ``call()``; a refusal about one field says which option (or argument) it is about."""
    from desktop.core.errors import ValidationError

    try:
        return call()
    except ValidationError as exc:
        option = _OPTIONS.get(exc.field or "")
        if option is None or option in str(exc):
            raise
        raise ValidationError(f"{option}: {exc}", field=exc.field) from exc


def _day(option: str, text: str | None) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(tr("{option} {value} is not a date in the form YYYY-MM-DD.", option=option,
                           value=repr(text))) from exc


def _percent(option: str, text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text.strip().rstrip("%").replace(",", "."))
    except ValueError as exc:
        raise UserError(tr("{option} {value} is not a number.", option=option, value=repr(text))) from exc
    if not 0.0 <= value <= 100.0:
        raise UserError(tr("{option} {value} is not a percentage from 0 to 100.", option=option, value=repr(text)))
    return value


def _subject(text: str) -> int | str:
    return int(text) if text.strip().isdigit() else text


def _identifiers(args: argparse.Namespace, current: list[Any] | None = None) -> list[Any]:
    from desktop.services.parties import IdentifierValue, parse_identifier

    idents: list[IdentifierValue] = list(current or [])
    for option, scheme in (("lei", "LEI"), ("vat", "VAT"), ("duns", "DUNS")):
        value = getattr(args, option)
        if value is None:
            continue
        idents = [i for i in idents if i.scheme != scheme]
        if value.strip():
            idents.append(parse_identifier(scheme, value))
    for text in getattr(args, "remove_registry", []):
        gone = parse_identifier("REGISTRY", text)
        idents = [i for i in idents if not (i.scheme == "REGISTRY" and i.value == gone.value
                                            and (not gone.issuer or i.issuer == gone.issuer))]
    for text in args.registry:
        ident = parse_identifier("REGISTRY", text)
        if not ident.issuer:
            raise UserError(tr("--registry {value}: write it as REGISTRY:NUMBER, e.g. ES-RMC:B12345678.",
                               value=repr(text)))
        idents.append(ident)
    return idents


def _print_detail(ctx: Context, detail: Any) -> None:
    form = detail.form
    kind = "person" if form.kind == "person" else "entity"
    ctx.print(f"#{detail.id} {form.name} ({kind}{', vendor #' + str(detail.vendor_id) if detail.vendor_id else ''})")
    rows = [("jurisdiction", form.jurisdiction), ("country", form.country)]
    if form.kind == "person":
        rows += [("nationality", form.nationality),
                 ("born", form.birth_date.isoformat() if form.birth_date else "")]
    rows += [("website", form.website), ("identifiers", ", ".join(i.text() for i in form.identifiers)),
             ("other names", ", ".join(form.aliases)), ("notes", form.notes)]
    for key, value in rows:
        if value:
            ctx.print(f"  {key:>12}: {value}")
    for r in detail.roles:
        period = f" from {r.start.isoformat()}" if r.start else ""
        period += f" until {r.end.isoformat()}" if r.end else ""
        ctx.print(f"  {'role':>12}: {r.title or r.type.replace('_', ' ')} at {r.entity} (#{r.entity_id}){period}")


# ------------------------------------------------------------------------------------------ handlers


def _add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.parties import PartyForm, PossibleDuplicate, create_party

    form = PartyForm(name=args.name, kind=args.kind, jurisdiction=args.jurisdiction, country=args.country,
                     nationality=args.nationality, birth_date=_day("--birth-date", args.birth_date),
                     website=args.website, notes=args.notes, identifiers=_identifiers(args), aliases=args.alias)
    try:
        detail = create_party(ctx.engine, form, distinct=args.distinct, actor=ctx.actor)
    except PossibleDuplicate as exc:
        raise UserError(tr("{message} (option --distinct).", message=str(exc).rstrip("."))) from exc
    if args.json:
        ctx.print_json(detail.to_dict())
    else:
        ctx.print(f"Added party #{detail.id} {detail.form.name} ({detail.form.kind}).")
    return EXIT_OK


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from dataclasses import asdict

    from desktop.services.parties import list_parties

    rows = list_parties(ctx.engine, args.search, args.kind, include_vendors=not args.no_vendors)
    if args.json:
        ctx.print_json([asdict(r) for r in rows])
        return EXIT_OK
    for r in rows:
        vendor = f"  [vendor #{r.vendor_id}]" if r.vendor_id else ""
        place = r.jurisdiction or r.country
        ctx.print(f"{r.id:>6}  {r.kind:<6}  {r.name:<40.40}  {place:<6}  {r.identifiers}{vendor}")
    ctx.print(f"{len(rows)} part{'y' if len(rows) == 1 else 'ies'}")
    return EXIT_OK


def _show(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.parties import get_party

    detail = get_party(ctx.engine, _subject(args.party))
    if args.json:
        ctx.print_json(detail.to_dict())
    else:
        _print_detail(ctx, detail)
    return EXIT_OK


def _edit(args: argparse.Namespace, ctx: Context) -> int:
    from dataclasses import replace

    from desktop.services.parties import get_party, update_party

    detail = get_party(ctx.engine, _subject(args.party))
    form = detail.form
    changes: dict[str, Any] = {}
    for key in ("name", "kind", "jurisdiction", "country", "nationality", "website", "notes"):
        value = getattr(args, key)
        if value is not None:
            changes[key] = value
    if args.birth_date is not None:
        changes["birth_date"] = _day("--birth-date", args.birth_date)
    changes["identifiers"] = _identifiers(args, form.identifiers)
    removed = {a.strip().casefold() for a in args.remove_alias}
    changes["aliases"] = [a for a in form.aliases if a.casefold() not in removed] + list(args.alias)
    updated = update_party(ctx.engine, detail.id, replace(form, **changes), detail.version, actor=ctx.actor)
    if args.json:
        ctx.print_json(updated.to_dict())
    else:
        ctx.print(f"Saved party #{updated.id} {updated.form.name}.")
    return EXIT_OK


def _interest_add(args: argparse.Namespace, ctx: Context) -> int:
    from dataclasses import asdict

    from desktop.services.ownership import InterestInput
    from desktop.services.records import add_interest

    data = InterestInput(holder_id=None, subject_id=None, type=args.type,
                         share_exact=_percent("--share", args.share), share_min=_percent("--share-min", args.share_min),
                         share_max=_percent("--share-max", args.share_max), role_title=args.role.strip(),
                         start=_day("--start", args.start), end=_day("--end", args.end), details=args.details,
                         source=args.source)
    added = _naming_the_option(lambda: add_interest(ctx.engine, _subject(args.holder), _subject(args.subject), data,
                                                    actor=ctx.actor))
    if args.json:
        ctx.print_json(asdict(added))
    else:
        ctx.print(f"Recorded interest #{added.id}: {added.holder} (#{added.holder_id}) holds "
                  f"{added.type.replace('_', ' ')} in {added.subject} (#{added.subject_id}).")
    return EXIT_OK


def _print_record(ctx: Context, args: argparse.Namespace, added: Any, what: str) -> int:
    if args.json:
        ctx.print_json({"kind": added.kind, "id": added.id, "vendor_id": added.vendor_id, "vendor": added.vendor,
                        **{k: v for k, v in added.values.items() if k not in ("id",)}})
    else:
        ctx.print(f"Recorded {what} #{added.id} for vendor #{added.vendor_id} {added.vendor.rstrip('.')}.")
    return EXIT_OK


def _whole(option: str, text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip().isdigit():
        raise UserError(tr("{option} {value} is not a whole number.", option=option, value=repr(text)))
    return text.strip()


def _contract_add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.records import add_contract

    value: Decimal | None = None
    if args.value is not None:
        try:
            value = Decimal(args.value.strip().replace(",", ""))
        except ArithmeticError as exc:
            raise UserError(tr("--value {value} is not a number.", value=repr(args.value))) from exc
    values: dict[str, Any] = {
        "kind": args.kind, "title": args.title, "reference": args.reference,
        "signed_date": _day("--signed", args.signed), "start_date": _day("--start", args.start),
        "end_date": _day("--end", args.end), "value": value, "currency": args.currency or "",
        "auto_renew": args.auto_renew, "renewal_months": _whole("--renewal-months", args.renewal_months),
        "notice_days": _whole("--notice-days", args.notice_days),
        "breach_notice_hours": _whole("--breach-notice-hours", args.breach_notice_hours), "notes": args.notes,
        **{clause: clause in args.clause for clause in CONTRACT_CLAUSES},
    }
    return _print_record(ctx, args, _naming_the_option(
        lambda: add_contract(ctx.engine, _subject(args.vendor), values, actor=ctx.actor)), "contract")


def _certificate_add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.records import add_certificate

    values = {"standard": args.standard, "issuer": args.issuer, "scope": args.scope, "reference": args.reference,
              "valid_from": _day("--valid-from", args.valid_from), "valid_until": _day("--valid-until", args.valid_until)}
    return _print_record(ctx, args, _naming_the_option(
        lambda: add_certificate(ctx.engine, _subject(args.vendor), values, actor=ctx.actor)), "certification")


def _subprocessor_add(args: argparse.Namespace, ctx: Context) -> int:
    from desktop.services.records import add_subprocessor

    start, end = _day("--start", args.start), _day("--end", args.end)
    added = _naming_the_option(lambda: add_subprocessor(
        ctx.engine, _subject(args.vendor), _subject(args.party),
        engaged_by=_subject(args.engaged_by) if args.engaged_by else None, service=args.service,
        accesses_customer_data=not args.no_customer_data, start=start, end=end, actor=ctx.actor))
    return _print_record(ctx, args, added, "subprocessor")
