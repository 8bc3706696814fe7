"""Beneficial Ownership Data Standard (BODS) 0.4: read, validate, interpret and write statements.

Pure functions: the schema comes from ``resources/bods/schema`` (Apache-2.0, see its LICENSE);
the database side lives in ``desktop.services.bods``.

One concern: the BODS 0.4 format; kept together because reading, interpreting and writing statements share
the statement shapes of one schema version.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from desktop.core.errors import UserError
from desktop.core.files import read_regular_file
from desktop.core.i18n import tr
from desktop.resources import resource

MAX_BYTES = 64 * 1024 * 1024
MAX_STATEMENTS = 200_000
BODS_VERSION = "0.4"
_NS = uuid.UUID("8f5f3f5c-2f0e-4d5e-9a57-7c2b3c1a9e10")

# BODS interest type -> Vetta interest type
TYPE_FROM_BODS: dict[str, str] = {
    "shareholding": "shareholding",
    "votingRights": "voting_rights",
    "appointmentOfBoard": "appointment_of_board",
    "otherInfluenceOrControl": "other_influence_or_control",
    "controlViaCompanyRulesOrArticles": "other_influence_or_control",
    "controlByLegalFramework": "other_influence_or_control",
    "rightsToSurplusAssetsOnDissolution": "other_influence_or_control",
    "rightsToProfitOrIncome": "other_influence_or_control",
    "enjoymentAndUseOfAssets": "other_influence_or_control",
    "rightToProfitOrIncomeFromAssets": "other_influence_or_control",
    "seniorManagingOfficial": "senior_managing_official",
    "settlor": "trust_role",
    "trustee": "trust_role",
    "protector": "trust_role",
    "beneficiaryOfLegalArrangement": "trust_role",
    "rightsGrantedByContract": "rights_by_contract",
    "conditionalRightsGrantedByContract": "rights_by_contract",
    "boardMember": "board_member",
    "boardChair": "board_chair",
    "unknownInterest": "unknown",
    "unpublishedInterest": "unknown",
    "nominee": "nominee",
    "nominator": "nominee",
}
TYPE_TO_BODS: dict[str, str] = {
    "shareholding": "shareholding",
    "voting_rights": "votingRights",
    "appointment_of_board": "appointmentOfBoard",
    "other_influence_or_control": "otherInfluenceOrControl",
    "senior_managing_official": "seniorManagingOfficial",
    "trust_role": "trustee",
    "rights_by_contract": "rightsGrantedByContract",
    "board_member": "boardMember",
    "board_chair": "boardChair",
    "unknown": "unknownInterest",
    "nominee": "nominee",
}
BODS_TYPE_MARK = "BODS interest type: "


def schema_dir() -> Path:
    return resource("bods", "schema")


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    resources = []
    statement_schema: dict[str, Any] | None = None
    for name in ("statement.json", "components.json", "entity-record.json", "person-record.json",
                 "relationship-record.json"):
        contents = json.loads((schema_dir() / name).read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
        if name == "statement.json":
            statement_schema = contents
    assert statement_schema is not None
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": "urn:statement#/$defs/Statement"}, registry=registry)


def parse_bytes(data: bytes, filename: str) -> list[dict[str, Any]]:
    """A BODS file as a list of statements: a JSON array, or JSON Lines (one statement a line)."""
    if len(data) > MAX_BYTES:
        raise UserError(tr("The file {filename} is too large ({size} MB; the limit is {max_bytes} MB).",
                           filename=repr(filename), size=len(data) // (1024 * 1024), max_bytes=MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(tr("The file {filename} is not UTF-8 text (byte {start} is invalid); BODS files "
                           "must be UTF-8 JSON.", filename=repr(filename), start=exc.start)) from exc
    stripped = text.lstrip()
    if not stripped:
        raise UserError(tr("The file {filename} is empty.", filename=repr(filename)))
    try:
        if stripped.startswith("["):
            loaded = json.loads(text)
            statements = loaded
        else:
            statements = []
            for lineno, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise UserError(tr("The file {filename} is not valid JSON Lines: line {lineno}, "
                                           "column {colno}: {msg}.",
                                           filename=repr(filename), lineno=lineno, colno=exc.colno, msg=exc.msg)) from exc
                    if not isinstance(item, dict):
                        raise UserError(tr("The file {filename} must hold a JSON array of statements or "
                                           "JSON Lines; line {lineno} is not a JSON object.",
                                           filename=repr(filename), lineno=lineno))
                    statements.append(item)
    except json.JSONDecodeError as exc:
        raise UserError(tr("The file {filename} is not valid JSON: line {lineno}, column {colno}: {msg}.",
                           filename=repr(filename), lineno=exc.lineno, colno=exc.colno, msg=exc.msg)) from exc
    except RecursionError as exc:
        raise UserError(tr("The file {filename} is nested too deeply to be a BODS file.",
                           filename=repr(filename))) from exc
    if not isinstance(statements, list):
        raise UserError(tr("The file {filename} must hold a JSON array of statements or JSON Lines.",
                           filename=repr(filename)))
    _check_depth_and_nul(statements, filename)
    if len(statements) > MAX_STATEMENTS:
        raise UserError(tr("The file {filename} holds {count} statements; the limit is {max_statements}.",
                           filename=repr(filename), count=len(statements), max_statements=MAX_STATEMENTS))
    return statements


MAX_DEPTH = 64  # BODS statements nest about 6 levels; deeper input would exhaust recursion further on


def _check_depth_and_nul(statements: list[Any], filename: str) -> None:
    """Refuse absurd nesting and NUL characters (PostgreSQL cannot store them), without recursion."""
    stack: list[tuple[Any, int, int]] = [(st, 1, n) for n, st in enumerate(statements)]
    while stack:
        value, depth, index = stack.pop()
        if depth > MAX_DEPTH:
            raise UserError(tr("The file {filename} is nested too deeply to be a BODS file (statement "
                               "{index}).", filename=repr(filename), index=index))
        if isinstance(value, dict):
            stack.extend((v, depth + 1, index) for v in value.values())
            stack.extend((k, depth + 1, index) for k in value)
        elif isinstance(value, list):
            stack.extend((v, depth + 1, index) for v in value)
        elif isinstance(value, str) and "\x00" in value:
            raise UserError(tr("The file {filename} cannot be imported: statement {index} contains the "
                               "control character U+0000 (NUL).", filename=repr(filename), index=index))


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def validate(statements: Sequence[Any], filename: str) -> None:
    """Refuse the whole file at the first statement that does not follow the BODS 0.4 schema."""
    validator = _validator()
    seen_ids: set[str] = set()
    for index, statement in enumerate(statements):
        try:
            errors = list(validator.iter_errors(statement))
        except RecursionError as exc:
            raise UserError(tr("The file {filename} is not valid BODS 0.4: statement {index} is nested too "
                               "deeply.", filename=repr(filename), index=index)) from exc
        if errors:
            error = min(errors, key=lambda e: (len(list(e.absolute_path)), str(e.message)))
            from jsonschema.exceptions import best_match

            error = best_match(errors) or error
            path = _json_path([index, *error.absolute_path])
            raise UserError(tr("The file {filename} is not valid BODS 0.4: statement {index} at {path}: "
                               "{message}.",
                               filename=repr(filename), index=index, path=path, message=error.message[:300]))
        sid = statement["statementId"]
        if sid in seen_ids:
            raise UserError(tr("The file {filename} is not valid BODS 0.4: statement {index} repeats the "
                               "statementId {sid}.", filename=repr(filename), index=index, sid=repr(sid)))
        seen_ids.add(sid)


def load_file(path: Path) -> list[dict[str, Any]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(tr("The file {path} is too large ({size} MB; the limit is {max_bytes} MB).",
                               path=repr(str(path)), size=size // (1024 * 1024), max_bytes=MAX_BYTES // (1024 * 1024)))
        data = read_regular_file(path, MAX_BYTES, what=tr("BODS files"))  # ordinary files only, bounded
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be read: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    statements = parse_bytes(data, str(path))
    validate(statements, str(path))
    return statements


# --------------------------------------------------------------------------- interpretation


@dataclass
class BodsParty:
    record_id: str
    statement_id: str
    kind: str  # entity | person
    name: str
    entity_type: str | None = None
    jurisdiction: str | None = None
    country: str | None = None
    nationality: str | None = None
    birth_date: date | None = None
    identifiers: list[tuple[str, str, str | None]] = field(default_factory=list)  # scheme, value, issuer
    listed: bool = False  # publicListing.hasPublicListing


@dataclass
class BodsInterest:
    record_id: str
    statement_id: str
    subject: str  # record id
    holder: str  # record id
    type: str
    bods_type: str | None
    direct_or_indirect: str
    share_exact: float | None
    share_min: float | None
    share_max: float | None
    min_exclusive: bool
    max_exclusive: bool
    beneficial: bool
    start: date | None
    end: date | None
    details: str


@dataclass
class BodsRelationshipStatement:
    record_id: str
    statement_id: str
    status: str  # new | updated | closed
    statement_date: date | None
    interests: list[BodsInterest]


@dataclass
class Interpretation:
    parties: dict[str, BodsParty]  # latest statement per record id
    relationships: list[BodsRelationshipStatement]  # in file order


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _person_name(details: dict[str, Any]) -> str:
    for n in details.get("names") or []:
        full = n.get("fullName") or " ".join(x for x in (n.get("givenName"), n.get("familyName")) if x)
        if full:
            return str(full)
    unspecified = details.get("unspecifiedPersonDetails") or {}
    return f"Unknown person ({unspecified.get('reason', details.get('personType', 'unknown'))})"


def _identifiers(details: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    for ident in details.get("identifiers") or []:
        value = ident.get("id")
        if not value:
            continue
        scheme_code = str(ident.get("scheme") or "")
        if scheme_code.upper() in ("XI-LEI", "LEI"):
            out.append(("LEI", str(value)[:100], scheme_code))
        elif scheme_code:
            out.append(("REGISTRY", str(value)[:100], scheme_code[:200]))
        else:
            out.append(("OTHER", str(value)[:100], (ident.get("schemeName") or None)))
    return list(dict.fromkeys(out))


def interpret(statements: Sequence[dict[str, Any]]) -> Interpretation:
    """Parties (latest statement of each record) and relationship statements, in file order."""
    parties: dict[str, BodsParty] = {}
    relationships: list[BodsRelationshipStatement] = []
    for st in statements:
        rtype, rid, sid = st["recordType"], st["recordId"], st["statementId"]
        details = st.get("recordDetails") or {}
        if rtype == "entity":
            jurisdiction = details.get("jurisdiction") or {}
            etype = (details.get("entityType") or {}).get("type")
            name = details.get("name") or f"Unnamed entity ({etype or 'unknown'})"
            code = jurisdiction.get("code") if isinstance(jurisdiction, dict) else None
            listing = details.get("publicListing") or {}
            parties[rid] = BodsParty(rid, sid, "entity", str(name)[:300], etype, (code or None) and str(code)[:10],
                                     str(code)[:2] if code else None, None, None, _identifiers(details),
                                     bool(isinstance(listing, dict) and listing.get("hasPublicListing")))
        elif rtype == "person":
            nats = details.get("nationalities") or []
            nat = nats[0].get("code") if nats and isinstance(nats[0], dict) else None
            parties[rid] = BodsParty(rid, sid, "person", _person_name(details)[:300], None, None, None,
                                     str(nat)[:2] if nat else None, parse_date(details.get("birthDate")),
                                     _identifiers(details))
        elif rtype == "relationship":
            subject = details.get("subject")
            holder = details.get("interestedParty")
            if not isinstance(subject, str):
                continue  # the subject is not disclosed: nothing to attach the interests to
            if not isinstance(holder, dict) and not isinstance(holder, str):
                continue
            if isinstance(holder, dict):
                reason = holder.get("description") or holder.get("reason") or "not disclosed"
                placeholder = f"{rid}#interestedParty"
                parties[placeholder] = BodsParty(placeholder, sid, "entity",
                                                 f"Undisclosed interested party: {reason}"[:300], "unknownEntity")
                holder = placeholder
            interests: list[BodsInterest] = []
            for raw in details.get("interests") or [{}]:
                btype = raw.get("type")
                share = raw.get("share") or {}
                lo = share.get("minimum", share.get("exclusiveMinimum"))
                hi = share.get("maximum", share.get("exclusiveMaximum"))
                extra = [f"{BODS_TYPE_MARK}{btype}"] if btype and TYPE_TO_BODS.get(TYPE_FROM_BODS[btype]) != btype \
                    else []
                if raw.get("details"):
                    extra.append(str(raw["details"]))
                interests.append(BodsInterest(
                    record_id=rid, statement_id=sid, subject=subject, holder=holder,
                    type=TYPE_FROM_BODS.get(btype or "", "unknown"), bods_type=btype,
                    direct_or_indirect=raw.get("directOrIndirect") or "unknown",
                    share_exact=share.get("exact"), share_min=lo, share_max=hi,
                    min_exclusive="exclusiveMinimum" in share and "minimum" not in share,
                    max_exclusive="exclusiveMaximum" in share and "maximum" not in share,
                    beneficial=bool(raw.get("beneficialOwnershipOrControl", False)),
                    start=parse_date(raw.get("startDate")), end=parse_date(raw.get("endDate")),
                    details="\n".join(extra)))
            relationships.append(BodsRelationshipStatement(rid, sid, st.get("recordStatus") or "new",
                                                           parse_date(st.get("statementDate")), interests))
    return Interpretation(parties, relationships)


def previous_end(new_start: date | None, statement_date: date | None, old_start: date | None) -> date | None:
    """When an interest replaced by a later statement ended: the day before its successor started."""
    end = (new_start - timedelta(days=1)) if new_start else statement_date
    if end is None:
        return None
    if old_start is not None and end < old_start:
        return old_start
    return end


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportParty:
    id: int
    kind: str
    name: str
    record_id: str
    entity_type: str | None = None
    jurisdiction: str | None = None
    nationality: str | None = None
    identifiers: tuple[tuple[str, str, str | None], ...] = ()
    version: int = 1


@dataclass(frozen=True)
class ExportInterest:
    id: int
    holder: int
    subject: int
    type: str
    direct_or_indirect: str
    share_exact: float | None
    share_min: float | None
    share_max: float | None
    min_exclusive: bool
    max_exclusive: bool
    beneficial: bool
    start: date | None
    end: date | None
    details: str
    version: int = 1


def _statement_id(*parts: object) -> str:
    return str(uuid.uuid5(_NS, "/".join(str(p) for p in parts)))


def export_statements(subject: ExportParty, parties: Sequence[ExportParty], interests: Sequence[ExportInterest],
                      today: date, publisher: str) -> list[dict[str, Any]]:
    """BODS 0.4 statements for the web of ``subject``: parties first, then one relationship per pair."""
    pub = {"publicationDate": today.isoformat(), "bodsVersion": BODS_VERSION, "publisher": {"name": publisher}}
    by_id = {p.id: p for p in parties}
    out: list[dict[str, Any]] = []
    for p in parties:
        base = {"statementId": _statement_id("party", p.id, p.version), "declarationSubject": subject.record_id,
                "statementDate": today.isoformat(), "publicationDetails": pub, "recordId": p.record_id,
                "recordStatus": "new", "recordType": p.kind}
        idents = [{"id": v, "scheme": issuer if scheme == "REGISTRY" and issuer else ("XI-LEI" if scheme == "LEI"
                                                                                       else None),
                   "schemeName": scheme} for scheme, v, issuer in p.identifiers]
        idents = [{k: val for k, val in i.items() if val} for i in idents]
        if p.kind == "person":
            details: dict[str, Any] = {"isComponent": False, "personType": "knownPerson",
                                       "names": [{"type": "legal", "fullName": p.name}]}
            if p.nationality:
                details["nationalities"] = [{"code": p.nationality, "name": p.nationality}]
        else:
            details = {"isComponent": False, "entityType": {"type": p.entity_type or "registeredEntity"},
                       "name": p.name}
            if p.jurisdiction:
                details["jurisdiction"] = {"code": p.jurisdiction, "name": p.jurisdiction}
        if idents:
            details["identifiers"] = idents
        out.append({**base, "recordDetails": details})
    pairs: dict[tuple[int, int], list[ExportInterest]] = {}
    for i in interests:
        if i.holder in by_id and i.subject in by_id:
            pairs.setdefault((i.holder, i.subject), []).append(i)
    for (holder, subj), items in sorted(pairs.items()):
        rendered = []
        for i in sorted(items, key=lambda x: x.id):
            btype = TYPE_TO_BODS[i.type]
            for line in i.details.splitlines():
                if line.startswith(BODS_TYPE_MARK) and line[len(BODS_TYPE_MARK):] in TYPE_FROM_BODS:
                    btype = line[len(BODS_TYPE_MARK):]
            entry: dict[str, Any] = {"type": btype, "directOrIndirect": i.direct_or_indirect,
                                     "beneficialOwnershipOrControl": i.beneficial}
            share: dict[str, float] = {}
            if i.share_exact is not None:
                share["exact"] = i.share_exact
            else:
                if i.share_min is not None:
                    share["exclusiveMinimum" if i.min_exclusive else "minimum"] = i.share_min
                if i.share_max is not None:
                    share["exclusiveMaximum" if i.max_exclusive else "maximum"] = i.share_max
            if share:
                entry["share"] = share
            if i.start:
                entry["startDate"] = i.start.isoformat()
            if i.end:
                entry["endDate"] = i.end.isoformat()
            text = "\n".join(line for line in i.details.splitlines() if not line.startswith(BODS_TYPE_MARK))
            if text:
                entry["details"] = text
            rendered.append(entry)
        record_id = f"vetta-rel-{by_id[holder].record_id}-{by_id[subj].record_id}"
        out.append({
            "statementId": _statement_id("rel", holder, subj, *[(i.id, i.version) for i in items]),
            "declarationSubject": subject.record_id, "statementDate": today.isoformat(),
            "publicationDetails": pub, "recordId": record_id, "recordStatus": "new", "recordType": "relationship",
            "recordDetails": {"isComponent": False, "subject": by_id[subj].record_id,
                              "interestedParty": by_id[holder].record_id, "interests": rendered},
        })
    return out
