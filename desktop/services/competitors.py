"""The competitor watchlist: add, list, and the user's decisions on possible (fuzzy) matches.

A *possible match* is a party whose name or alias looks like a watchlist name (rapidfuzz, see
desktop/core/competitors.py) without an exact link, LEI or normalised-name match. It is identified by
``"<party id>-<competitor id>"``. Confirming it makes the party a member of that competitor's group in
every analysis; rejecting it means it is never proposed again. Each decision is one ``competitor_match``
row, so the audit trail records who decided what and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session, unit_of_work
from db.models import (
    Competitor,
    CompetitorAffiliate,
    CompetitorMatch,
    MatchStatus,
    Party,
    PartyAlias,
    PartyIdentifier,
)
from desktop.core.competitors import WatchName, clean_lei, match_parties, normalise_name, valid_lei
from desktop.core.errors import NotFound, UserError, ValidationError
from desktop.core.i18n import tr


@dataclass(frozen=True)
class CompetitorRow:
    id: int
    name: str
    lei: str | None
    party_id: int | None
    affiliates: list[str] = field(default_factory=list)


def _party_for(session: object, name: str, lei: str | None) -> int | None:
    """The party this watchlist name is, when it is unambiguous (same valid LEI or same normalised name)."""
    from sqlmodel import Session

    assert isinstance(session, Session)
    if lei:
        row = session.exec(select(col(PartyIdentifier.party_id)).where(
            PartyIdentifier.scheme == "LEI", PartyIdentifier.value == lei)).first()
        if row is not None:
            return int(row)
    key = normalise_name(name)
    hits = [p.id for p in session.exec(select(Party).where(col(Party.archived_at).is_(None),
                                                           Party.kind == "entity"))
            if normalise_name(p.name) == key]
    return int(hits[0]) if len(hits) == 1 and hits[0] is not None else None


def _check_lei(lei: str | None, what: str) -> str | None:
    if lei is None or not lei.strip():
        return None
    if not valid_lei(lei):
        raise ValidationError(tr("The LEI {lei} given for {what} is not a valid LEI (ISO 17442 check "
                                 "digits).", lei=repr(lei), what=what),
                              field="lei")
    return clean_lei(lei)


def add_competitor(engine: Engine, name: str, lei: str | None = None, affiliates: list[str] | None = None,
                   actor: str | None = None) -> CompetitorRow:
    """Add a competitor (or add affiliates to an existing one of the same name)."""
    name = name.strip()
    if not name:
        raise ValidationError(tr("A competitor needs a name."), field="name")
    lei = _check_lei(lei, name)
    with unit_of_work(engine, actor) as session:
        comp = session.exec(select(Competitor).where(Competitor.name == name)).first()
        if comp is None:
            comp = Competitor(name=name, lei=lei, party_id=_party_for(session, name, lei))
            session.add(comp)
            session.flush()
        elif lei and comp.lei and comp.lei != lei:
            raise UserError(tr("The competitor {name} is already on the watchlist with the LEI {lei}.",
                               name=repr(name), lei=comp.lei))
        elif lei and not comp.lei:
            comp.lei = lei
            session.add(comp)
        assert comp.id is not None
        have = {a.name for a in session.exec(select(CompetitorAffiliate).where(
            CompetitorAffiliate.competitor_id == comp.id))}
        for aff in affiliates or []:
            aff = aff.strip()
            if aff and aff not in have:
                session.add(CompetitorAffiliate(competitor_id=comp.id, name=aff,
                                                party_id=_party_for(session, aff, None)))
                have.add(aff)
        session.flush()
        return CompetitorRow(comp.id, comp.name, comp.lei, comp.party_id, sorted(have))


def list_competitors(engine: Engine) -> list[CompetitorRow]:
    with read_session(engine) as session:
        affs: dict[int, list[str]] = {}
        for a in session.exec(select(CompetitorAffiliate).order_by(col(CompetitorAffiliate.name))):
            affs.setdefault(a.competitor_id, []).append(a.name)
        rows = []
        for c in session.exec(select(Competitor).where(col(Competitor.archived_at).is_(None))
                              .order_by(col(Competitor.name))):
            assert c.id is not None
            rows.append(CompetitorRow(c.id, c.name, c.lei, c.party_id, affs.get(c.id, [])))
        return rows


def decide_match(engine: Engine, competitor: str, party_id: int, watch_name: str, confirmed: bool,
                 actor: str | None = None) -> None:
    """Record the user's decision on a possible match: confirmed counts as a match, rejected is never
    proposed again."""
    status = MatchStatus.CONFIRMED.value if confirmed else MatchStatus.REJECTED.value
    with unit_of_work(engine, actor) as session:
        comp = session.exec(select(Competitor).where(Competitor.name == competitor)).first()
        if comp is None or comp.id is None:
            raise NotFound(tr("No competitor called {competitor} is on the watchlist.",
                              competitor=repr(competitor)))
        if session.get(Party, party_id) is None:
            raise NotFound(tr("No party has the id {party_id}.", party_id=party_id))
        row = session.exec(select(CompetitorMatch).where(
            CompetitorMatch.competitor_id == comp.id, CompetitorMatch.party_id == party_id)).first()
        if row is not None and row.status == status:
            return  # already decided so: nothing to record
        if row is None:
            row = CompetitorMatch(competitor_id=comp.id, party_id=party_id, watch_name=watch_name, status=status,
                                  decided_by=session.info.get("actor", ""))
        else:
            row.status = status
            row.decided_by = session.info.get("actor", "")
        session.add(row)


# --------------------------------------------------------------------------- possible matches


@dataclass(frozen=True)
class MatchRow:
    id: str  # "<party id>-<competitor id>"
    party_id: int
    party: str
    competitor_id: int
    competitor: str
    watch_name: str  # the competitor or affiliate name the party looks like
    score: float  # similarity in percent (0 when the names no longer look alike)
    status: str  # pending | confirmed | rejected
    decided_by: str = ""
    decided_at: datetime | None = None


@dataclass(frozen=True)
class _Decision:
    status: str
    decided_by: str
    decided_at: datetime | None
    watch_name: str


def match_id(party_id: int, competitor_id: int) -> str:
    return f"{party_id}-{competitor_id}"


def list_matches(engine: Engine, party_ids: set[int] | None = None, status: str | None = None) -> list[MatchRow]:
    """Every possible match of an entity against the watchlist (pending, confirmed or rejected), by party
    name; ``party_ids`` limits them to some parties (a vendor's web), ``status`` to one status."""
    with read_session(engine) as session:
        names = {int(pid): name for pid, name in session.exec(
            select(col(Party.id), col(Party.name)).where(col(Party.archived_at).is_(None), Party.kind == "entity"))
            if pid is not None and (party_ids is None or int(pid) in party_ids)}
        identifiers: dict[int, list[tuple[str, str]]] = {}
        for pid, scheme, value in session.exec(select(col(PartyIdentifier.party_id), col(PartyIdentifier.scheme),
                                                      col(PartyIdentifier.value))):
            if int(pid) in names:
                identifiers.setdefault(int(pid), []).append((scheme, value))
        aliases: dict[int, list[str]] = {}
        for pid, alias in session.exec(select(col(PartyAlias.party_id), col(PartyAlias.name))):
            if int(pid) in names:
                aliases.setdefault(int(pid), []).append(alias)
        competitors = {int(c.id): c for c in session.exec(select(Competitor).where(
            col(Competitor.archived_at).is_(None))) if c.id is not None}
        watch = [WatchName(cid, c.name, c.name, c.lei, c.party_id) for cid, c in competitors.items()]
        for a in session.exec(select(CompetitorAffiliate)):
            comp = competitors.get(a.competitor_id)
            if comp is not None:
                watch.append(WatchName(a.competitor_id, comp.name, a.name, a.lei, a.party_id))
        decided = {(m.party_id, m.competitor_id): _Decision(m.status, m.decided_by, m.updated_at, m.watch_name)
                   for m in session.exec(select(CompetitorMatch))
                   if m.party_id in names and m.competitor_id in competitors}
        competitor_names = {cid: c.name for cid, c in competitors.items()}
    rows: dict[tuple[int, int], MatchRow] = {}
    for pid, found in match_parties(names, watch, identifiers, aliases).items():
        for m in found:
            if m.method != "possible":
                continue
            row = decided.get((pid, m.competitor_id))
            rows[(pid, m.competitor_id)] = MatchRow(
                match_id(pid, m.competitor_id), pid, names[pid], m.competitor_id, m.competitor, m.watch_name,
                round(m.score, 1), row.status if row else "pending", row.decided_by if row else "",
                row.decided_at if row else None)
    for (pid, cid), row in decided.items():  # decisions on names that no longer look alike stay listed
        if (pid, cid) not in rows:
            rows[(pid, cid)] = MatchRow(match_id(pid, cid), pid, names[pid], cid, competitor_names[cid],
                                        row.watch_name, 0.0, row.status, row.decided_by, row.decided_at)
    out = [r for r in rows.values() if status is None or r.status == status]
    return sorted(out, key=lambda r: (r.status != "pending", r.party.casefold(), r.competitor.casefold()))


def _parse_id(value: str) -> tuple[int, int]:
    party, _, competitor = value.strip().partition("-")
    if not (party.isdigit() and competitor.isdigit()):
        raise UserError(tr("{value} is not a match id; ids look like 12-3 (party 12, competitor 3), see "
                           "`vetta competitors matches`.", value=repr(value)))
    return int(party), int(competitor)


def decide(engine: Engine, match: str, confirmed: bool, actor: str | None = None) -> MatchRow:
    """Confirm or reject the possible match ``match`` (an id from ``list_matches``)."""
    party_id, competitor_id = _parse_id(match)
    known = {r.id: r for r in list_matches(engine, party_ids={party_id})}
    row = known.get(match_id(party_id, competitor_id))
    if row is None:
        raise NotFound(tr("There is no possible match {match}; `vetta competitors matches` lists them.",
                          match=repr(match)))
    decide_match(engine, row.competitor, party_id, row.watch_name, confirmed, actor=actor)
    return next(r for r in list_matches(engine, party_ids={party_id}) if r.id == row.id)
