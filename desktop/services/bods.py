"""BODS 0.4 import and export (one unit of work per import; nothing is written on any error)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import Interest, Organisation, Party, PartyIdentifier, Vendor, search_key
from desktop.core import bods
from desktop.core.errors import NotFound, UserError
from desktop.core.i18n import N_, tr
from desktop.services.identifiers import (
    Incoming,
    lei_problem,
    match_incoming,
    normalise_identifier,
    require_lei_free,
)
from desktop.services.resolve import resolve_party_id

_HOW = {"identifier": N_("the same identifier"), "name": N_("the same name"), "alias": N_("a recorded alias"),
        "chosen": N_("your choice")}


@dataclass(frozen=True)
class PartyMatch:
    """How one party of the file was resolved against the register."""

    record_id: str  # the BODS recordId
    name: str  # the name in the file
    how: str  # record (imported before) | identifier | name | alias | new | chosen | uncertain
    party_id: int | None = None  # the register's party (None: new, or undecided)
    party: str | None = None
    reason: str = ""  # why it is uncertain
    candidates: tuple[tuple[int, str], ...] = ()  # (party id, name) it may be, when uncertain

    def sentence(self) -> str:
        if self.how == "uncertain":
            return tr("{name} (record {record}) may be a party already in the register: {reason}. Say which with "
                      "--same {record}=PARTY_ID or --new {record}.", name=repr(self.name), record=self.record_id,
                      reason=self.reason)
        if self.how == "new":
            return tr("{name} (record {record}) is new.", name=repr(self.name), record=self.record_id)
        return tr("{name} (record {record}) is {party} (party #{id}, found by {how}).", name=repr(self.name),
                  record=self.record_id, party=repr(self.party), id=self.party_id, how=tr(_HOW.get(self.how, self.how)))


@dataclass(frozen=True)
class ImportSummary:
    file: str
    statements: int
    parties_created: int
    parties_updated: int
    interests_created: int
    interests_ended: int
    statements_already_imported: int
    vendor: str | None
    parties_matched: int = 0  # parties of the file that were already in the register (not by record id)
    matches: tuple[PartyMatch, ...] = ()
    dry_run: bool = False
    interests_present: int = 0  # interests of the file the register already had (not created again)

    @property
    def uncertain(self) -> list[PartyMatch]:
        return [m for m in self.matches if m.how == "uncertain"]

    @property
    def message(self) -> str:
        text = (f"{'Would import' if self.dry_run else 'Imported'} {self.file}: {self.statements} statements, "
                f"{self.parties_created} new parties, {self.parties_matched} already in the register, "
                f"{self.parties_updated} updated, {self.interests_created} new interests, "
                f"{self.interests_ended} ended")
        if self.interests_present:
            text += f", {self.interests_present} interests were already recorded"
        if self.statements_already_imported:
            text += f", {self.statements_already_imported} statements were already imported"
        if self.vendor:
            text += f"; {self.vendor} is a vendor"
        return text + "."


class _DryRun(Exception):
    """Rolls back a dry run's unit of work, carrying its summary out."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


def import_bods(engine: Engine, path: Path, vendor: str | None = None, actor: str | None = None, *,
                dry_run: bool = False, decisions: Mapping[str, int | None] | None = None) -> ImportSummary:
    """Validate ``path`` against BODS 0.4 and import it whole, or refuse it whole.

    Parties of the file already in the register (same identifier, name or alias) are used, not created
    again. A party that may or may not be one of the register's is *uncertain*: the import is refused
    with the list unless ``decisions`` settles it (BODS record id -> the register's party id, or None for
    a new party). ``dry_run`` imports in a transaction that is rolled back and returns what would happen.
    """
    statements = bods.load_file(path)
    return import_statements(engine, statements, str(path), vendor, actor, dry_run=dry_run, decisions=decisions)


def _check_share(i: bods.BodsInterest, filename: str, index: int) -> None:
    lo = i.share_exact if i.share_exact is not None else i.share_min
    hi = i.share_exact if i.share_exact is not None else i.share_max
    if lo is not None and hi is not None and lo > hi:
        raise UserError(tr("The file {filename} cannot be imported: relationship statement {statement_id} "
                           "(number {index}) gives a share range from {lo} to {hi}, whose minimum is above "
                           "its maximum.",
                           filename=repr(filename), statement_id=repr(i.statement_id), index=index, lo=lo, hi=hi))


def _check_identifiers(interp: bods.Interpretation, index_of: Mapping[str, int], filename: str) -> None:
    """Every LEI of the file passes its check digits, and one LEI names one party of the file."""
    seen: dict[str, str] = {}
    for rid, bp in interp.parties.items():
        for scheme, value, _issuer in bp.identifiers:
            if scheme != "LEI":
                continue
            problem = lei_problem(value)
            if problem:
                raise UserError(tr("The file {filename} cannot be imported: statement {index} gives {name} the LEI "
                                   "{problem}.", filename=repr(filename), index=index_of.get(bp.statement_id, -1),
                                   name=repr(bp.name), problem=problem))
            lei = normalise_identifier("LEI", value)
            other = seen.setdefault(lei, rid)
            if other != rid and interp.parties[other].name != bp.name:
                raise UserError(tr("The file {filename} cannot be imported: statement {index} gives {name} the LEI "
                                   "{lei}, which the file also gives {other}; one LEI names one legal entity.",
                                   filename=repr(filename), index=index_of.get(bp.statement_id, -1),
                                   name=repr(bp.name), lei=lei, other=repr(interp.parties[other].name)))


def _resolve(session: Session, bp: bods.BodsParty, decisions: Mapping[str, int | None],
             created: set[int]) -> tuple[Party | None, PartyMatch]:
    """The register's party for a BODS party not imported before (None: create it)."""
    if bp.record_id in decisions:
        chosen = decisions[bp.record_id]
        if chosen is None:
            return None, PartyMatch(bp.record_id, bp.name, "new")
        party = session.get(Party, chosen)
        if party is None or party.archived_at is not None:
            raise NotFound(tr("No party has the id {pid} (given for record {record}).", pid=chosen,
                              record=bp.record_id))
        return party, PartyMatch(bp.record_id, bp.name, "chosen", party.id, party.name)
    found = match_incoming(session, Incoming(bp.kind, bp.name, bp.identifiers, bp.birth_date, bp.nationality),
                           frozenset(created))
    if found.party is not None:
        return found.party, PartyMatch(bp.record_id, bp.name, found.how, found.party.id, found.party.name)
    return None, PartyMatch(bp.record_id, bp.name, found.how, None, None, found.reason,
                            tuple((int(p.id), p.name) for p in found.candidates if p.id is not None))


def _already_recorded(session: Session, holder: int, subject: int, i: bods.BodsInterest, start: date | None,
                      end: date | None) -> bool:
    """Whether the register already has this interest between these parties (same type, share and dates)."""
    rows = session.exec(select(Interest).where(
        Interest.interested_party_id == holder, Interest.subject_id == subject, Interest.interest_type == i.type,
        col(Interest.archived_at).is_(None)))
    return any(r.share_exact == i.share_exact and r.share_min == i.share_min and r.share_max == i.share_max
               and r.start_date == start and r.end_date == end for r in rows)


def _add_identifiers(session: Session, party: Party, identifiers: list[tuple[str, str, str | None]]) -> None:
    """Record the file's identifiers the party does not have yet (an LEI of another party is refused)."""
    assert party.id is not None
    have = {(s, v) for s, v in session.exec(select(col(PartyIdentifier.scheme), col(PartyIdentifier.value))
                                            .where(PartyIdentifier.party_id == party.id))}
    for scheme, value, issuer in identifiers:
        stored = normalise_identifier(scheme, value)
        if (scheme, stored) in have:
            continue
        if scheme == "LEI":
            require_lei_free(session, stored, party.id, party.name)
        session.add(PartyIdentifier(party_id=party.id, scheme=scheme, value=stored, issuer=issuer))
        have.add((scheme, stored))


def import_statements(engine: Engine, statements: list[dict[str, Any]], filename: str, vendor: str | None = None,
                      actor: str | None = None, *, dry_run: bool = False,
                      decisions: Mapping[str, int | None] | None = None) -> ImportSummary:
    interp = bods.interpret(statements)
    index_of = {st["statementId"]: n for n, st in enumerate(statements)}
    _check_identifiers(interp, index_of, filename)
    try:
        return _import(engine, interp, statements, index_of, filename, vendor, actor, dry_run, decisions or {})
    except _DryRun as done:
        return done.summary


def _import(engine: Engine, interp: bods.Interpretation, statements: list[dict[str, Any]],
            index_of: Mapping[str, int], filename: str, vendor: str | None, actor: str | None, dry_run: bool,
            decisions: Mapping[str, int | None]) -> ImportSummary:
    created = updated = made = ended = skipped = matched = present = 0
    vendor_name: str | None = None
    matches: list[PartyMatch] = []
    created_ids: set[int] = set()  # parties made from this file: other records are other entities
    with unit_of_work(engine, actor) as session:
        existing: dict[str, Party] = {}
        record_ids = list(interp.parties) + [r for rel in interp.relationships for i in rel.interests
                                             for r in (i.subject, i.holder)]
        for chunk_start in range(0, len(record_ids), 500):
            chunk = record_ids[chunk_start:chunk_start + 500]
            for p in session.exec(select(Party).where(col(Party.bods_record_id).in_(chunk))):
                if p.bods_record_id:
                    existing[p.bods_record_id] = p
        for rid, bp in interp.parties.items():
            party = existing.get(rid)
            if party is None:
                party, match = _resolve(session, bp, decisions, created_ids)
                matches.append(match)
                if match.how == "uncertain":
                    continue
                if party is not None:  # already in the register: one party per real entity
                    if not party.bods_record_id:
                        party.bods_record_id, party.bods_statement_id = rid, bp.statement_id
                    party.is_listed = party.is_listed or bp.listed
                    session.add(party)
                    session.flush()
                    _add_identifiers(session, party, bp.identifiers)
                    existing[rid] = party
                    matched += 1
                    continue
                party = Party(kind=bp.kind, name=bp.name, entity_type=bp.entity_type, jurisdiction=bp.jurisdiction,
                              country=bp.country, nationality=bp.nationality, birth_date=bp.birth_date,
                              is_listed=bp.listed, bods_record_id=rid, bods_statement_id=bp.statement_id)
                session.add(party)
                session.flush()
                _add_identifiers(session, party, bp.identifiers)
                session.flush()
                assert party.id is not None
                created_ids.add(party.id)
                existing[rid] = party
                created += 1
            elif party.bods_statement_id != bp.statement_id:
                party.name, party.kind = bp.name, bp.kind
                party.entity_type = bp.entity_type or party.entity_type
                party.jurisdiction = bp.jurisdiction or party.jurisdiction
                party.nationality = bp.nationality or party.nationality
                party.is_listed = party.is_listed or bp.listed
                party.bods_statement_id = bp.statement_id
                session.add(party)
                updated += 1
        uncertain = [m for m in matches if m.how == "uncertain"]
        if uncertain and not dry_run:
            raise UserError(tr("The file {filename} was not imported: {count} of its parties may already be in the "
                               "register, and Vetta will not guess. {first} (`vetta import bods --dry-run` lists "
                               "them all.)", filename=repr(filename), count=len(uncertain),
                               first=uncertain[0].sentence()))
        session.flush()
        undecided = {m.record_id for m in uncertain}
        done_statements = set(session.exec(select(col(Interest.bods_statement_id)).where(
            col(Interest.bods_statement_id).in_([r.statement_id for r in interp.relationships]))).all())
        for rel in interp.relationships:
            if rel.statement_id in done_statements:
                skipped += 1
                continue
            index = index_of.get(rel.statement_id, -1)
            if any(i.subject in undecided or i.holder in undecided for i in rel.interests):
                continue  # a dry run with uncertain parties: their interests wait for the decision
            for i in rel.interests:
                for ref, role in ((i.subject, tr("subject")), (i.holder, tr("interested party"))):
                    if ref not in existing:
                        raise UserError(tr("The file {filename} cannot be imported: statement {index} names "
                                           "the {role} {ref}, which is neither in the file nor in the "
                                           "database.",
                                           filename=repr(filename), index=index, role=role, ref=repr(ref)))
                if existing[i.subject].id == existing[i.holder].id:
                    raise UserError(tr("The file {filename} cannot be imported: statement {index} says "
                                       "{name} holds an interest in itself.",
                                       filename=repr(filename), index=index, name=repr(existing[i.subject].name)))
                _check_share(i, filename, index)
            open_rows = list(session.exec(select(Interest).where(
                Interest.bods_record_id == rel.record_id, col(Interest.end_date).is_(None),
                col(Interest.archived_at).is_(None))))
            new_start = min((i.start for i in rel.interests if i.start), default=None)
            restated = bool(open_rows) and rel.status != "closed" and not (
                new_start is not None and all(r.start_date is not None and r.start_date < new_start
                                              for r in open_rows))
            boundary = rel.statement_date if restated else None
            for row in open_rows:
                if rel.status == "closed":
                    end = min((i.end for i in rel.interests if i.end), default=rel.statement_date)
                elif boundary is not None:
                    end = bods.previous_end(boundary, None, row.start_date)
                else:
                    end = bods.previous_end(new_start, rel.statement_date, row.start_date)
                if end is None:
                    continue
                if row.start_date is not None and end < row.start_date:
                    end = row.start_date
                row.end_date = end
                session.add(row)
                ended += 1
            if rel.status == "closed":
                done_statements.add(rel.statement_id)
                continue
            for i in rel.interests:
                start, details = i.start, i.details
                if boundary is not None and (start is None or start < boundary):
                    # a later statement restates the interest: it applies from its statement date
                    details = "\n".join(x for x in (details, f"BODS startDate {i.start or 'not given'}; "
                                                     f"restated on {boundary.isoformat()}") if x)
                    start = boundary
                subject_pk, holder_pk = existing[i.subject].id, existing[i.holder].id
                assert subject_pk is not None and holder_pk is not None
                end_date = i.end if (i.end is None or start is None or i.end >= start) else start
                if _already_recorded(session, holder_pk, subject_pk, i, start, end_date):
                    present += 1  # the register has this very interest (e.g. a file exported from here)
                    continue
                session.add(Interest(
                    subject_id=subject_pk, interested_party_id=holder_pk,
                    interest_type=i.type, direct_or_indirect=i.direct_or_indirect
                    if i.direct_or_indirect in ("direct", "indirect", "unknown") else "unknown",
                    share_exact=i.share_exact, share_min=i.share_min, share_max=i.share_max,
                    share_min_exclusive=i.min_exclusive, share_max_exclusive=i.max_exclusive,
                    beneficial_ownership_or_control=i.beneficial, start_date=start, end_date=end_date,
                    details=details, source=f"BODS file {Path(filename).name}"[:500],
                    bods_statement_id=i.statement_id, bods_record_id=i.record_id))
                made += 1
            session.flush()
            done_statements.add(rel.statement_id)
        if vendor:
            key = search_key(vendor)
            named = [p for rid, p in existing.items() if p.name == vendor] or \
                [p for rid, p in existing.items()
                 if key in (search_key(p.name), search_key(interp.parties[rid].name if rid in interp.parties else ""))]
            if not named:
                raise UserError(tr("The file {filename} has no entity called {vendor} to mark as a vendor.",
                                   filename=repr(filename), vendor=repr(vendor)))
            party = named[0]
            if party.kind != "entity":
                raise UserError(tr("{vendor} in {filename} is a person; only an entity can be a vendor.",
                                   vendor=repr(vendor), filename=repr(filename)))
            if session.exec(select(Vendor).where(Vendor.party_id == party.id)).first() is None:
                assert party.id is not None
                session.add(Vendor(party_id=party.id))
            vendor_name = party.name
        summary = ImportSummary(filename, len(statements), created, updated, made, ended, skipped, vendor_name,
                                matched, tuple(matches), dry_run, present)
        if dry_run:
            raise _DryRun(summary)
    return summary


def _web(session: Session, subject_id: int) -> tuple[list[Party], list[Interest]]:
    interests = list(session.exec(select(Interest).where(col(Interest.archived_at).is_(None))))
    held_by: dict[int, list[Interest]] = {}
    for i in interests:
        held_by.setdefault(i.subject_id, []).append(i)
    seen = {subject_id}
    stack = [subject_id]
    chosen: list[Interest] = []
    while stack:
        node = stack.pop()
        for i in held_by.get(node, ()):
            chosen.append(i)
            if i.interested_party_id not in seen:
                seen.add(i.interested_party_id)
                stack.append(i.interested_party_id)
    parties = list(session.exec(select(Party).where(col(Party.id).in_(seen)).order_by(col(Party.id))))
    return parties, chosen


def export_statements_for(engine: Engine, subject: int | str, today: date | None = None) -> list[dict[str, Any]]:
    """The ownership web of ``subject`` (everything upstream, all dates) as BODS 0.4 statements."""
    today = today or date.today()
    with read_session(engine) as session:
        sid = resolve_party_id(session, subject)
        parties, interests = _web(session, sid)
        idents: dict[int, list[tuple[str, str, str | None]]] = {}
        for ident in session.exec(select(PartyIdentifier).where(
                col(PartyIdentifier.party_id).in_([p.id for p in parties]))):
            idents.setdefault(ident.party_id, []).append((ident.scheme, ident.value, ident.issuer))
        org = session.exec(select(Organisation)).first()
        publisher = (org.name if org and org.name else "") or "Vetta"
        eparties = []
        for p in parties:
            assert p.id is not None
            eparties.append(bods.ExportParty(p.id, p.kind, p.name, p.bods_record_id or f"vetta-party-{p.id}",
                                             p.entity_type, p.jurisdiction, p.nationality,
                                             tuple(idents.get(p.id, ())), p.version))
        einterests = []
        for i in interests:
            assert i.id is not None
            einterests.append(bods.ExportInterest(
                i.id, i.interested_party_id, i.subject_id, i.interest_type, i.direct_or_indirect, i.share_exact,
                i.share_min, i.share_max, i.share_min_exclusive, i.share_max_exclusive,
                i.beneficial_ownership_or_control, i.start_date, i.end_date, i.details or "", i.version))
    subject_party = next(p for p in eparties if p.id == sid)
    # subject first, so declarationSubject is declared before it is used
    eparties.sort(key=lambda p: (p.id != sid, p.id))
    return bods.export_statements(subject_party, eparties, einterests, today, publisher)


def export_bods(engine: Engine, subject: int | str, path: Path) -> int:
    """Write the web of ``subject`` to ``path`` (a JSON array); returns the number of statements."""
    statements = export_statements_for(engine, subject)
    bods.validate(statements, str(path))
    try:
        path.write_text(json.dumps(statements, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(tr("The file {path} cannot be written: {strerror}.",
                           path=repr(str(path)), strerror=exc.strerror)) from exc
    return len(statements)
