"""The competitor watchlist: add, list, and the user's decisions on possible matches."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db.engine import read_session, unit_of_work
from db.models import Competitor, CompetitorAffiliate, CompetitorMatch, MatchStatus, Party, PartyIdentifier
from desktop.core.competitors import clean_lei, normalise_name, valid_lei
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
        if row is None:
            row = CompetitorMatch(competitor_id=comp.id, party_id=party_id, watch_name=watch_name, status=status,
                                  decided_by=session.info.get("actor", ""))
        else:
            row.status = status
            row.decided_by = session.info.get("actor", "")
        session.add(row)
