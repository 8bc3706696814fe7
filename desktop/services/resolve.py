"""One resolver for every command that names a party or a vendor: `vetta analyze`, `vetta assessment new`,
`vetta audit log --vendor`, `vetta export bods`, ...

A name is looked up, in order, as: the exact name; the case- and accent-free name; a recorded alias
(former, trading or other name); an identifier (LEI, VAT, registry number, DUNS; spaces and case do
not matter); last, a part of one vendor's name ("scalew"). The first step that finds exactly one party
wins; a step that finds several refuses with their ids, so nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Party, PartyAlias, PartyIdentifier, Vendor, search_key
from desktop.core.errors import NotFound, UserError
from desktop.core.i18n import tr


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def _distinct(parties: Iterable[Party]) -> list[Party]:
    seen: dict[int, Party] = {}
    for p in parties:
        if p.id is not None and p.archived_at is None:
            seen.setdefault(int(p.id), p)
    return list(seen.values())


def candidates(session: Session, text: str,
               within: Callable[[list[Party]], list[Party]] | None = None) -> list[Party]:
    """The parties ``text`` names, by the first step of the module docstring that finds any (several
    when ambiguous; empty when none). ``within`` keeps only some of them (e.g. the vendors)."""
    keep = within or (lambda found: found)
    text = text.strip()
    if not text:
        return []
    active = col(Party.archived_at).is_(None)
    steps: list[Callable[[], list[Party]]] = [
        lambda: list(session.exec(select(Party).where(Party.name == text, active))),
        lambda: list(session.exec(select(Party).where(Party.name_normalised == search_key(text), active))),
        lambda: _by_alias(session, text),
        lambda: _by_identifier(session, text),
    ]
    for step in steps:
        found = keep(_distinct(step()))
        if found:
            return found
    return []


def _by_alias(session: Session, text: str) -> list[Party]:
    key = search_key(text)
    ids = {pid for pid, alias in session.exec(select(col(PartyAlias.party_id), col(PartyAlias.name)))
           if search_key(alias) == key}
    return list(session.exec(select(Party).where(col(Party.id).in_(sorted(ids))))) if ids else []


def _by_identifier(session: Session, text: str) -> list[Party]:
    value = _compact(text)
    if len(value) < 4:  # a short fragment is not an identifier
        return []
    ids = session.exec(select(col(PartyIdentifier.party_id)).where(
        func.upper(func.replace(col(PartyIdentifier.value), " ", "")) == value)).all()
    return list(session.exec(select(Party).where(col(Party.id).in_(sorted(set(ids)))))) if ids else []


def _ambiguous(text: str, parties: list[Party]) -> UserError:
    ids = ", ".join(str(p.id) for p in sorted(parties, key=lambda p: int(p.id or 0)))
    return UserError(tr("The name {text} matches several parties (ids {ids}); give the id instead.",
                        text=repr(text), ids=ids))


def resolve_party(session: Session, subject: int | str) -> Party:
    """A party by id, name, alias or identifier (vendors are parties; a number is a party id)."""
    if isinstance(subject, int):
        party = session.get(Party, subject)
        if party is None or party.archived_at is not None:
            raise NotFound(tr("No party has the id {subject}.", subject=subject))
        return party
    text = subject.strip()
    if not text:
        raise UserError(tr("Give a party or vendor name, or a party id."))
    found = candidates(session, text)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise _ambiguous(text, found)
    if text.isdigit():
        return resolve_party(session, int(text))
    vendors = _vendors_containing(session, text)
    if len(vendors) == 1:
        party = session.get(Party, vendors[0].party_id)
        if party is not None:
            return party
    raise NotFound(tr("No party or vendor is called {text}.", text=repr(text)))


def _vendors_containing(session: Session, text: str) -> list[Vendor]:
    """Vendors whose name contains ``text`` (case- and accent-free): the last resort of both resolvers."""
    like = f"%{search_key(text)}%"
    return list(session.exec(select(Vendor).join(Party, col(Party.id) == col(Vendor.party_id))
                             .where(col(Party.name_normalised).like(like), col(Party.archived_at).is_(None))))


def resolve_party_id(session: Session, subject: int | str) -> int:
    party = resolve_party(session, subject)
    assert party.id is not None
    return int(party.id)


def resolve_vendor(session: Session, ref: int | str) -> Vendor:
    """A vendor by its number, or by name, alias or identifier of its party; a unique part of a name is
    accepted last (``scalew`` finds Scalewise Data Inc. when no other vendor contains it)."""
    if isinstance(ref, int) or str(ref).strip().isdigit():
        vendor = session.get(Vendor, int(ref))
        if vendor is None:
            raise NotFound(tr("There is no vendor #{ref}; see `vetta vendors list`.", ref=ref))
        return vendor
    text = str(ref).strip()
    by_party: dict[int, Vendor] = {}

    def vendors_only(found: list[Party]) -> list[Party]:
        ids = [int(p.id) for p in found if p.id is not None]
        by_party.update((int(v.party_id), v) for v in session.exec(select(Vendor).where(
            col(Vendor.party_id).in_(ids))))
        return [p for p in found if int(p.id or 0) in by_party]

    found = candidates(session, text, within=vendors_only)
    rows = [by_party[int(p.id or 0)] for p in found]
    if not rows and text:
        rows = _vendors_containing(session, text)
    if not rows:
        raise NotFound(tr("No vendor is called {ref}; see `vetta vendors list`.", ref=repr(ref)))
    if len(rows) > 1:
        raise UserError(tr("{ref} matches {count} vendors; give the vendor id or the full name.",
                           ref=repr(ref), count=len(rows)))
    return rows[0]
