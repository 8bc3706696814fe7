"""BODS 0.4 import and export (one unit of work per import; nothing is written on any error)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import Interest, Organisation, Party, PartyIdentifier, Vendor
from desktop.core import bods
from desktop.core.errors import UserError
from desktop.core.i18n import tr
from desktop.services.ownership import resolve_party_id


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

    @property
    def message(self) -> str:
        text = (f"Imported {self.file}: {self.statements} statements, {self.parties_created} new parties, "
                f"{self.parties_updated} updated, {self.interests_created} new interests, "
                f"{self.interests_ended} ended")
        if self.statements_already_imported:
            text += f", {self.statements_already_imported} statements were already imported"
        if self.vendor:
            text += f"; {self.vendor} is a vendor"
        return text + "."


def import_bods(engine: Engine, path: Path, vendor: str | None = None, actor: str | None = None) -> ImportSummary:
    """Validate ``path`` against BODS 0.4 and import it whole, or refuse it whole."""
    statements = bods.load_file(path)
    return import_statements(engine, statements, str(path), vendor, actor)


def _check_share(i: bods.BodsInterest, filename: str, index: int) -> None:
    lo = i.share_exact if i.share_exact is not None else i.share_min
    hi = i.share_exact if i.share_exact is not None else i.share_max
    if lo is not None and hi is not None and lo > hi:
        raise UserError(tr("The file {filename} cannot be imported: relationship statement {statement_id} "
                           "(number {index}) gives a share range from {lo} to {hi}, whose minimum is above "
                           "its maximum.",
                           filename=repr(filename), statement_id=repr(i.statement_id), index=index, lo=lo, hi=hi))


def import_statements(engine: Engine, statements: list[dict[str, Any]], filename: str, vendor: str | None = None,
                      actor: str | None = None) -> ImportSummary:
    interp = bods.interpret(statements)
    index_of = {st["statementId"]: n for n, st in enumerate(statements)}
    created = updated = made = ended = skipped = 0
    vendor_name: str | None = None
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
                party = Party(kind=bp.kind, name=bp.name, entity_type=bp.entity_type, jurisdiction=bp.jurisdiction,
                              country=bp.country, nationality=bp.nationality, birth_date=bp.birth_date,
                              bods_record_id=rid, bods_statement_id=bp.statement_id)
                session.add(party)
                session.flush()
                assert party.id is not None
                for scheme, value, issuer in bp.identifiers:
                    session.add(PartyIdentifier(party_id=party.id, scheme=scheme, value=value, issuer=issuer))
                existing[rid] = party
                created += 1
            elif party.bods_statement_id != bp.statement_id:
                party.name, party.kind = bp.name, bp.kind
                party.entity_type = bp.entity_type or party.entity_type
                party.jurisdiction = bp.jurisdiction or party.jurisdiction
                party.nationality = bp.nationality or party.nationality
                party.bods_statement_id = bp.statement_id
                session.add(party)
                updated += 1
        session.flush()
        done_statements = set(session.exec(select(col(Interest.bods_statement_id)).where(
            col(Interest.bods_statement_id).in_([r.statement_id for r in interp.relationships]))).all())
        for rel in interp.relationships:
            if rel.statement_id in done_statements:
                skipped += 1
                continue
            index = index_of.get(rel.statement_id, -1)
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
                session.add(Interest(
                    subject_id=subject_pk, interested_party_id=holder_pk,
                    interest_type=i.type, direct_or_indirect=i.direct_or_indirect
                    if i.direct_or_indirect in ("direct", "indirect", "unknown") else "unknown",
                    share_exact=i.share_exact, share_min=i.share_min, share_max=i.share_max,
                    share_min_exclusive=i.min_exclusive, share_max_exclusive=i.max_exclusive,
                    beneficial_ownership_or_control=i.beneficial, start_date=start,
                    end_date=i.end if (i.end is None or start is None or i.end >= start) else start,
                    details=details, source=f"BODS file {Path(filename).name}"[:500],
                    bods_statement_id=i.statement_id, bods_record_id=i.record_id))
                made += 1
            session.flush()
            done_statements.add(rel.statement_id)
        if vendor:
            matches = [p for p in existing.values() if p.name == vendor] or \
                      [p for p in existing.values() if p.name.casefold() == vendor.casefold()]
            if not matches:
                raise UserError(tr("The file {filename} has no entity called {vendor} to mark as a vendor.",
                                   filename=repr(filename), vendor=repr(vendor)))
            party = matches[0]
            if party.kind != "entity":
                raise UserError(tr("{vendor} in {filename} is a person; only an entity can be a vendor.",
                                   vendor=repr(vendor), filename=repr(filename)))
            if session.exec(select(Vendor).where(Vendor.party_id == party.id)).first() is None:
                assert party.id is not None
                session.add(Vendor(party_id=party.id))
            vendor_name = party.name
    return ImportSummary(filename, len(statements), created, updated, made, ended, skipped, vendor_name)


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
