"""One party per real entity: identifier checks and matching incoming parties against the register.

Every path that records an identifier (vendor form, vendor import, BODS import, demo) checks it here:
an LEI must pass its ISO 17442 check digits (python-stdnum) and must not already name another party
(the database refuses it too: index ``uq_party_identifier_lei``, migration 0005).

``match_incoming`` finds the register's party for a party arriving from a file, by identifier, then
normalised name, then alias. A match is *certain* when exactly one party is found and nothing
contradicts it; otherwise it is *uncertain* and the importer asks (GUI) or reports (CLI) instead of
creating a second party for the same entity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from db.models import Party, PartyAlias, PartyIdentifier, search_key
from desktop.core.competitors import clean_lei, normalise_name, valid_lei
from desktop.core.errors import ValidationError
from desktop.core.i18n import tr

Identifier = tuple[str, str, str | None]  # scheme, value, issuer


def normalise_identifier(scheme: str, value: str) -> str:
    """The stored form: an LEI compact and upper-case; other schemes as given, without surrounding spaces."""
    return clean_lei(value).upper() if scheme == "LEI" else value.strip()


def lei_problem(value: str) -> str | None:
    """None when ``value`` is a valid LEI, else the reason in one phrase."""
    if valid_lei(value):
        return None
    return tr("{lei} is not a valid LEI (20 characters with ISO 17442 check digits)", lei=repr(value))


def lei_owner(session: Session, value: str, other_than: int | None = None) -> Party | None:
    """The party that already has the LEI ``value`` (other than ``other_than``), if any."""
    lei = normalise_identifier("LEI", value)
    stmt = select(Party).join(PartyIdentifier, col(PartyIdentifier.party_id) == col(Party.id)).where(
        PartyIdentifier.scheme == "LEI", PartyIdentifier.value == lei)
    if other_than is not None:
        stmt = stmt.where(col(Party.id) != other_than)
    return session.exec(stmt).first()


def require_lei_free(session: Session, value: str, party_id: int | None, what: str) -> None:
    """Refuse an LEI already recorded for another party (one LEI names one legal entity)."""
    owner = lei_owner(session, value, party_id)
    if owner is not None:
        raise ValidationError(tr("The LEI {lei} given for {what} is already recorded for {owner} (party #{id}); "
                                 "one LEI names one legal entity.", lei=normalise_identifier("LEI", value),
                                 what=what, owner=repr(owner.name), id=owner.id), field="lei")


@dataclass
class Incoming:
    """A party arriving from a file."""

    kind: str  # entity | person
    name: str
    identifiers: Sequence[Identifier] = ()
    birth_date: date | None = None
    nationality: str | None = None


@dataclass
class Resolution:
    party: Party | None  # the register's party (None: a new party)
    how: str  # identifier | name | alias | new | uncertain
    reason: str = ""  # why it is uncertain, in one sentence
    candidates: list[Party] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return self.how != "uncertain"


def _identifier_matches(session: Session, incoming: Incoming) -> list[Party]:
    ids: set[int] = set()
    for scheme, value, issuer in incoming.identifiers:
        if scheme == "OTHER" or not value:
            continue
        stored = normalise_identifier(scheme, value) if scheme != "LEI" or valid_lei(value) else value
        stmt = select(PartyIdentifier).where(PartyIdentifier.scheme == scheme, PartyIdentifier.value == stored)
        for row in session.exec(stmt):
            if scheme == "REGISTRY" and issuer and row.issuer and row.issuer != issuer:
                continue  # the same number in another registry is another company
            ids.add(row.party_id)
    return _active(session, ids)


def _active(session: Session, ids: set[int]) -> list[Party]:
    if not ids:
        return []
    return list(session.exec(select(Party).where(col(Party.id).in_(sorted(ids)), col(Party.archived_at).is_(None))))


def _conflict(session: Session, party: Party, incoming: Incoming) -> str:
    """Why ``party`` cannot be the incoming party although the name says so ('' when nothing contradicts it)."""
    if party.kind != incoming.kind:
        return tr("{name} (#{id}) in the register is {kind}", name=repr(party.name), id=party.id,
                  kind=tr("a person") if party.kind == "person" else tr("a company or other entity"))
    theirs = {(s, v) for s, v in session.exec(select(col(PartyIdentifier.scheme), col(PartyIdentifier.value))
                                              .where(PartyIdentifier.party_id == party.id))}
    for scheme, value, _issuer in incoming.identifiers:
        if scheme in ("LEI", "VAT", "DUNS"):
            stored = normalise_identifier(scheme, value) if scheme != "LEI" or valid_lei(value) else value
            recorded = {v for s, v in theirs if s == scheme}
            if recorded and stored not in recorded:
                return tr("{name} (#{id}) in the register has the {scheme} {value}, the file says {other}",
                          name=repr(party.name), id=party.id, scheme=scheme, value=", ".join(sorted(recorded)),
                          other=stored)
    if incoming.birth_date and party.birth_date and incoming.birth_date != party.birth_date:
        return tr("{name} (#{id}) in the register was born on another day", name=repr(party.name), id=party.id)
    if incoming.nationality and party.nationality and incoming.nationality.upper() != party.nationality.upper():
        return tr("{name} (#{id}) in the register has another nationality", name=repr(party.name), id=party.id)
    return ""


def _decide(session: Session, found: list[Party], incoming: Incoming, how: str) -> Resolution | None:
    if not found:
        return None
    if len(found) > 1:
        names = ", ".join(f"{p.name!r} (#{p.id})" for p in found)
        return Resolution(None, "uncertain", tr("several parties in the register match: {names}", names=names),
                          found)
    reason = _conflict(session, found[0], incoming)
    if reason:
        return Resolution(None, "uncertain", reason, found)
    return Resolution(found[0], how, "", found)


def match_incoming(session: Session, incoming: Incoming, distinct: frozenset[int] = frozenset()) -> Resolution:
    """The register's party for ``incoming``: by identifier, then normalised name, then alias (see the
    module docstring); ``new`` when nothing is alike, ``uncertain`` when something is but not surely.
    ``distinct``: parties known to be other entities (created from other records of the same file), never
    matched by name or alias."""
    by_id = _identifier_matches(session, incoming)
    if by_id:
        if len(by_id) > 1:
            return _decide(session, by_id, incoming, "identifier") or Resolution(None, "new")
        party = by_id[0]
        if party.kind != incoming.kind:
            return Resolution(None, "uncertain", _conflict(session, party, incoming), by_id)
        return Resolution(party, "identifier", "", by_id)
    key = search_key(incoming.name)
    active = col(Party.archived_at).is_(None)
    same_name = [p for p in session.exec(select(Party).where(Party.name_normalised == key, active))
                 if p.id not in distinct]
    decided = _decide(session, same_name, incoming, "name")
    if decided is not None:
        return decided
    alias_ids = {pid for pid, alias in session.exec(select(col(PartyAlias.party_id), col(PartyAlias.name)))
                 if search_key(alias) == key and pid not in distinct}
    decided = _decide(session, _active(session, alias_ids), incoming, "alias")
    if decided is not None:
        return decided
    if incoming.kind == "entity":
        loose = normalise_name(incoming.name)
        first = key.split(" ", 1)[0] if key else ""
        alike = [p for p in session.exec(select(Party).where(
            active, Party.kind == "entity", col(Party.name_normalised).like(f"{first}%")))
            if normalise_name(p.name) == loose and p.id not in distinct]
        if alike:
            names = ", ".join(f"{p.name!r} (#{p.id})" for p in alike)
            return Resolution(None, "uncertain", tr("the register has {names}, the same name with another legal "
                                                    "form", names=names), alike)
    return Resolution(None, "new")
