"""The vendor register: ids selected and ordered in SQL, rows fetched by id on demand.

Everything a user can filter or sort on is expressed in SQL (correlated subqueries for the latest
rating, the last signed assessment and the flags), so the register never walks vendors in Python.

One concern: the register's SQL (search, filters, sort order and rows by id); kept together because the
filters, the search clause and the row query share the same correlated subqueries and must stay in step.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, exists, func, or_, text, union
from sqlalchemy import column as sa_column
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select

from db.models import (
    DECIDED_STATUSES,
    Assessment,
    Certification,
    Contract,
    Interest,
    Party,
    PartyAlias,
    PartyIdentifier,
    SignOff,
    Vendor,
    VendorExposure,
    VendorTag,
    search_key,
)
from desktop.core.i18n import N_, current_language, tr
from desktop.services.exposure import FILTERS as EXPOSURE_FILTERS
from desktop.services.exposure import NO_EXPOSURE, NONE, Exposure, row_exposure

SORT_COLUMNS = (
    "name", "country", "services", "tier", "status", "latest_rating", "last_signed", "next_review_due", "exposure",
)
RATINGS = ("neutral", "conditionally_neutral", "not_neutral", "none")
DEFAULT_EXPIRY_DAYS = 90

# Flag codes shown in the register's "Flags" column.
FLAG_REVIEW_OVERDUE = "review_overdue"
FLAG_STALE = "assessment_stale"
FLAG_CERT_EXPIRING = "certificate_expiring"
FLAG_CONTRACT_EXPIRING = "contract_expiring"
FLAGS = (FLAG_REVIEW_OVERDUE, FLAG_STALE, FLAG_CERT_EXPIRING, FLAG_CONTRACT_EXPIRING)
# English labels, translated where they are shown (flag_label).
FLAG_LABELS = {
    FLAG_REVIEW_OVERDUE: N_("review overdue"), FLAG_STALE: N_("assessment stale"),
    FLAG_CERT_EXPIRING: N_("certificate expiring"), FLAG_CONTRACT_EXPIRING: N_("contract expiring"),
}


def flag_label(flag: str, lang: str | None = None) -> str:
    """A flag in words, in ``lang`` (default: the current language)."""
    return tr(FLAG_LABELS[flag], lang) if flag in FLAG_LABELS else flag


@dataclass(frozen=True)
class VendorRow:
    id: int
    party_id: int
    name: str
    country: str
    services: str
    tier: str
    status: str
    internal_owner: str
    next_review_due: date | None
    latest_rating: str | None = None
    last_signed: datetime | None = None
    flags: tuple[str, ...] = ()
    exposure: Exposure = NO_EXPOSURE  # the stored competitor exposure (desktop/services/exposure/)
    match_reason: str = ""  # why a search lists it when its own name does not match: "via Contoso Ventures LLC (shareholder)"


@dataclass(frozen=True)
class RegisterQuery:
    search: str = ""
    status: str | None = None
    tier: str | None = None
    rating: str | None = None  # one of RATINGS ("none": never decided)
    review_overdue: bool = False
    stale: bool = False
    expiring_within_days: int | None = None  # certificate or contract ending within N days
    exposure: str | None = None  # competitor exposure: a key of exposure.FILTERS (any, control, stake, people, none)
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False
    today: date | None = None  # fixed "today" for tests; None means date.today()

    def with_(self, **changes: Any) -> RegisterQuery:
        return replace(self, **changes)


def _today(query: RegisterQuery) -> date:
    return query.today or date.today()


# Migration 0003 builds an FTS5 trigram index over the searchable text of every party on SQLite
# (table ``register_search``: normalised name, aliases, identifiers and its vendor's tags, several
# values separated by char(31)) and pg_trgm GIN indexes on PostgreSQL. Migration 0009 adds, on SQLite,
# the same text in name order (table ``register_search_order``, covering index on name_key, party_id,
# other) for searches that match many parties. Whether an SQLite database has them is looked up once
# per engine.
SEARCH_TABLE = "register_search"
ORDER_TABLE = "register_search_order"
_order = sa_table(ORDER_TABLE, sa_column("party_id", Integer), sa_column("name_key"), sa_column("other"))
_search_objects: weakref.WeakKeyDictionary[Engine, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def _objects(engine: Engine) -> tuple[bool, bool]:
    if engine.dialect.name != "sqlite":
        return False, False
    found = _search_objects.get(engine)
    if found is None:
        with engine.connect() as conn:
            names = {str(r[0]) for r in conn.execute(
                text("SELECT name FROM sqlite_master WHERE name IN (:a, :b)"), {"a": SEARCH_TABLE, "b": ORDER_TABLE})}
        found = _search_objects[engine] = (SEARCH_TABLE in names, ORDER_TABLE in names)
    return found


def has_search_index(engine: Engine) -> bool:
    """True when ``engine`` is SQLite with the FTS5 search index of migration 0003."""
    return _objects(engine)[0]


def has_search_order(engine: Engine) -> bool:
    """True when ``engine`` is SQLite with the name-ordered search table of migration 0009."""
    return _objects(engine)[1]


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts_query(key: str, raw: str) -> str:
    """The FTS5 query for a term: the normalised name must contain ``key``, aliases, identifiers and tags
    the term as typed (FTS5 folds case, also of non-ASCII letters, as PostgreSQL's ILIKE does). When
    the key is just the typed term in lower case, one phrase over every column says the same and
    costs half: the trigram lists are read once."""
    if raw.isascii() and key == raw.lower():
        return _fts_phrase(raw)
    return f"name : {_fts_phrase(key)} OR {{aliases identifiers tags}} : {_fts_phrase(raw)}"


def _fts_matching(key: str, raw: str) -> Any:
    """Party ids whose index row contains the term: one FTS5 MATCH over the trigram index."""
    return text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts_query") \
        .bindparams(fts_query=_fts_query(key, raw)).columns(rowid=Integer)


def _listed_ids(ids: Sequence[int]) -> Any:
    """The party ids already found by the trigram index, as one JSON parameter (SQLite's json_each)."""
    return text("SELECT value FROM json_each(:fts_ids)").bindparams(fts_ids=json.dumps(list(ids))) \
        .columns(value=Integer)


def _exposed_parties(raw: str, dialect: str) -> Any:
    """Party ids of vendors whose stored exposure names a matching competitor group or competitor-linked
    person (only exposed vendors are scanned, through the severity index)."""
    exposed = col(VendorExposure.competitor).like(raw) | col(VendorExposure.linked_names).like(raw) \
        if dialect == "sqlite" else \
        col(VendorExposure.competitor).ilike(raw) | col(VendorExposure.linked_names).ilike(raw)
    vendor_t = Vendor.__table__.alias("v_exposed")  # type: ignore[attr-defined]
    return sa_select(vendor_t.c.party_id).join(VendorExposure, col(VendorExposure.vendor_id) == vendor_t.c.id)\
        .where(col(VendorExposure.severity) > 0, exposed)


def _related_parties(matching: Any, raw: str, dialect: str) -> list[Any]:
    """Party ids of vendors related to a matching party: it holds a (non-archived) interest in the vendor
    (shareholder, votes, board, management), or it is the vendor's most exposed competitor group or a
    competitor-linked person of it (the stored exposure). SELECTs of one party-id column, to be UNIONed
    with the matching ids, so the register keeps looking parties up by id instead of testing every row."""
    holders = sa_select(col(Interest.subject_id)).where(
        col(Interest.archived_at).is_(None), col(Interest.interested_party_id).in_(matching))
    return [holders, _exposed_parties(raw, dialect)]


def walk_safe(text: str) -> bool:
    """Whether the name-ordered walk (migration 0009) gives exactly the plain LIKE's results for ``text``:
    no LIKE wildcards and no separator, so a match lies inside one value of the row's text."""
    return bool(text.strip()) and not any(c in text for c in "%_\x1f")


def _walk_clause(text: str, related: bool, fts_other: bool = False) -> ColumnElement[bool]:
    """Each party in name order tested on its own row of the name-ordered table (name, then its other
    texts); with ``related``, also the vendors a matching party holds an interest in (one index lookup
    per walked party) or whose stored exposure matches: the related parties of ``_related_parties``.
    ``fts_other``: aliases, identifiers and tags are looked up in the trigram index instead (its case
    folding of non-ASCII letters, which SQLite's LIKE lacks), as the index path does for such a term."""
    key = f"%{search_key(text)}%"
    raw = f"%{text.strip()}%"

    def matches(row: Any) -> ColumnElement[bool]:
        other = row.c.party_id.in_(_other_fts_ids(text.strip())) if fts_other else row.c.other.like(raw)
        return or_(row.c.name_key.like(key), other)

    if not related:
        return matches(_order)
    holder = _order.alias("holder_order")
    holds = exists().where(
        col(Interest.subject_id) == _order.c.party_id, col(Interest.archived_at).is_(None),
        holder.c.party_id == col(Interest.interested_party_id), matches(holder))
    return or_(matches(_order), holds, _order.c.party_id.in_(_exposed_parties(raw, "sqlite")))


def _other_fts_ids(raw: str) -> Any:
    """Party ids whose aliases, identifiers or tags contain the term (the FTS5 index, without names)."""
    return text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts_other") \
        .bindparams(fts_other=f"{{aliases identifiers tags}} : {_fts_phrase(raw)}").columns(rowid=Integer)


def _other_fts_clause(raw: str) -> ColumnElement[bool]:
    return col(Party.id).in_(_other_fts_ids(raw))


def fts_usable(text: str) -> bool:
    """Whether the trigram index can answer a search for ``text`` (three characters, no LIKE wildcards)."""
    return min(len(search_key(text)), len(text.strip())) > 2 and not any(c in text for c in "%_\x1f")


# A search matching more parties than this is "dense": the register then walks the name index and
# tests each row (stopping at the page's LIMIT) instead of sorting every match by name.
DENSE_MATCHES = 2000


def _search_clause(text: str, dialect: str = "sqlite", fts: bool = False, dense: bool = False,
                   fts_ids: Sequence[int] | None = None) -> ColumnElement[bool]:
    key = f"%{search_key(text)}%"
    raw = f"%{text.strip()}%"
    if fts and fts_usable(text):
        # LIKE wildcards typed by the user keep the plain LIKE path below, as do short terms (a
        # trigram index needs three characters).
        if fts_ids is not None:  # the index's answer, already read by search_plan: not matched twice
            listed = _listed_ids(fts_ids).subquery("fts_ids")
            ids = sa_select(listed.c.value)
            found = union(ids, *_related_parties(ids, raw, dialect))
            return col(Party.id).in_(sa_select(found.subquery().c[0]))
        matching = _fts_matching(search_key(text), text.strip())
        if dense:
            # A term matching thousands of parties ("spe", "data"): listing every vendor they hold an
            # interest in would cost the full trigram match on every keystroke; only the stored exposure
            # (competitor group, competitor-linked people) is searched, which scans exposed vendors only.
            exposed = _related_parties(matching, raw, dialect)[1]
            return or_(col(Party.name_normalised).like(key), _other_fts_clause(text.strip()),
                       col(Party.id).in_(exposed))
        m = matching.cte("fts_matching")  # one trigram match, read twice (SQLite materialises it)
        ids = sa_select(m.c.rowid)
        found = union(ids, *_related_parties(ids, raw, dialect))
        return col(Party.id).in_(sa_select(found.subquery().c[0]))
    if dialect == "sqlite":  # SQLite's LIKE ignores ASCII case already and avoids lower() per row
        alias_match = col(PartyAlias.name).like(raw)
        ident_match = col(PartyIdentifier.value).like(raw)
        tag_match = col(VendorTag.tag).like(raw)
    else:
        alias_match = col(PartyAlias.name).ilike(raw)
        ident_match = col(PartyIdentifier.value).ilike(raw)
        tag_match = col(VendorTag.tag).ilike(raw)
    if len(text.strip()) <= 2:
        # Short terms match most of the register: test each row while walking the name index, so the
        # first page comes early (LIMIT) instead of collecting and sorting nearly every id.
        return or_(
            col(Party.name_normalised).like(key),
            col(Party.id).in_(select(col(PartyAlias.party_id)).where(alias_match)),
            col(Party.id).in_(select(col(PartyIdentifier.party_id)).where(ident_match)),
            col(Vendor.id).in_(select(col(VendorTag.vendor_id)).where(tag_match)),
        )
    # One set of matching party ids (each source scanned once), then the register joins it:
    # cheaper than testing four conditions on every row of a large register.
    party_t = Party.__table__.alias("p_search")  # type: ignore[attr-defined]
    vendor_t = Vendor.__table__.alias("v_search")  # type: ignore[attr-defined]
    matching = union(
        sa_select(party_t.c.id).where(party_t.c.name_normalised.like(key)),
        sa_select(col(PartyAlias.party_id)).where(alias_match),
        sa_select(col(PartyIdentifier.party_id)).where(ident_match),
        sa_select(vendor_t.c.party_id).join(VendorTag, col(VendorTag.vendor_id) == vendor_t.c.id).where(tag_match),
    )
    ids = sa_select(matching.subquery().c[0])
    found = union(ids, *_related_parties(ids, raw, dialect))
    return col(Party.id).in_(sa_select(found.subquery().c[0]))


@cache
def latest_rating_expr() -> Any:
    """The rating of the vendor's most recently decided assessment (correlated scalar subquery).

    Built once: SQLAlchemy expressions are immutable, and building the alias costs a millisecond.
    """
    a = Assessment.__table__.alias("a_latest")  # type: ignore[attr-defined]
    return (
        sa_select(a.c.rating)
        .where(a.c.vendor_id == col(Vendor.id), a.c.status.in_([s.value for s in DECIDED_STATUSES]))
        .order_by(a.c.decided_at.desc(), a.c.series_version.desc())
        .limit(1)
        .correlate(Vendor.__table__)  # type: ignore[attr-defined]
        .scalar_subquery()
    )


@cache
def last_signed_expr() -> Any:
    """When the vendor's last signed decision was made (signoff rows of its assessments)."""
    a = Assessment.__table__.alias("a_signed")  # type: ignore[attr-defined]
    s = SignOff.__table__.alias("s_signed")  # type: ignore[attr-defined]
    return (
        sa_select(func.max(s.c.decided_at))
        .select_from(s.join(a, a.c.id == s.c.assessment_id))
        .where(a.c.vendor_id == col(Vendor.id))
        .correlate(Vendor.__table__)  # type: ignore[attr-defined]
        .scalar_subquery()
    )


def _stale_clause() -> ColumnElement[bool]:
    return exists().where(col(Assessment.vendor_id) == col(Vendor.id), col(Assessment.stale_since).is_not(None))


def _overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(col(Vendor.next_review_due).is_not(None), col(Vendor.next_review_due) < today)


def filtered_statement(query: RegisterQuery, columns: Sequence[Any] | None = None, dialect: str = "sqlite",
                       fts: bool = False, dense: bool = False, *, plan: SearchPlan | None = None) -> Any:
    """The SELECT of the register for ``query`` (columns default to the vendor id), ordered.

    ``fts``: the database has the SQLite search index (``has_search_index(engine)``); ``dense``: the
    search term matches many parties, so names are tested row by row in name order; ``plan``: how
    ``search_plan`` found the indexes should answer this search (it overrides ``dense``).
    """
    today = _today(query)
    plan = plan or SearchPlan(dense=dense)
    stmt = sa_select(*(columns or [col(Vendor.id)])).select_from(Vendor).join(
        Party, col(Party.id) == col(Vendor.party_id))
    if not query.include_archived:
        stmt = stmt.where(col(Vendor.archived_at).is_(None))
    if query.search.strip() and plan.walk:
        stmt = stmt.join(_order, _order.c.party_id == col(Party.id)).where(
            _walk_clause(query.search, related=len(query.search.strip()) > 2, fts_other=plan.fts_other))
    elif query.search.strip():
        stmt = stmt.where(_search_clause(query.search, dialect, fts, plan.dense, plan.fts_ids))
    if query.status:
        stmt = stmt.where(col(Vendor.status) == query.status)
    if query.tier:
        stmt = stmt.where(col(Vendor.tier) == query.tier)
    # A filter that keeps few vendors is written as "the vendor's id is in this list" (read from an index
    # or one scan of the smaller table), so SQLite starts from the list and sorts the few rows, instead of
    # walking every vendor in name order and testing each with a correlated subquery (200-300 ms at
    # 100,000 vendors). The lists are necessary conditions; the exact tests stay where they are needed.
    if query.rating == "none":
        stmt = stmt.where(latest_rating_expr().is_(None))
    elif query.rating:
        rated = sa_select(col(Assessment.vendor_id)).where(
            col(Assessment.rating) == query.rating, col(Assessment.status).in_([s.value for s in DECIDED_STATUSES]))
        stmt = stmt.where(col(Vendor.id).in_(rated), latest_rating_expr() == query.rating)
    if query.review_overdue:
        stmt = stmt.where(_overdue_clause(today))
    if query.stale:
        stmt = stmt.where(col(Vendor.id).in_(
            sa_select(col(Assessment.vendor_id)).where(col(Assessment.stale_since).is_not(None))))
    if query.expiring_within_days is not None:
        end = today + timedelta(days=query.expiring_within_days)
        stmt = stmt.where(col(Vendor.id).in_(union(
            sa_select(col(Certification.vendor_id)).where(
                col(Certification.archived_at).is_(None), col(Certification.valid_until) >= today,
                col(Certification.valid_until) <= end),
            sa_select(col(Contract.vendor_id)).where(
                col(Contract.archived_at).is_(None), col(Contract.end_date) >= today, col(Contract.end_date) <= end),
        )))
    severity = func.coalesce(col(VendorExposure.severity), 0)
    levels = EXPOSURE_FILTERS.get(query.exposure or "")
    if query.sort == "exposure" or (levels is not None and NONE in levels):
        stmt = stmt.outerjoin(VendorExposure, col(VendorExposure.vendor_id) == col(Vendor.id))
    if levels is not None and NONE in levels:  # no exposure: most vendors, also those without a stored row
        stmt = stmt.where(severity.in_(levels))
    elif levels is not None:  # exposed vendors: few, listed by the severity index
        stmt = stmt.where(col(Vendor.id).in_(
            sa_select(col(VendorExposure.vendor_id)).where(col(VendorExposure.severity).in_(levels))))
    sort_columns: dict[str, Any] = {
        "name": col(Party.name_normalised),
        "country": col(Party.country),
        "services": col(Vendor.services),
        "tier": col(Vendor.tier),
        "status": col(Vendor.status),
        "latest_rating": latest_rating_expr(),
        "last_signed": last_signed_expr(),
        "next_review_due": col(Vendor.next_review_due),
        "exposure": severity,
    }
    if plan.walk:  # name order is the walked index's order (search_plan walks ascending name order only)
        return stmt.order_by(_order.c.name_key, _order.c.party_id)
    column = sort_columns.get(query.sort, sort_columns["name"])
    order = column.desc() if query.descending else column.asc()
    if query.sort == "exposure":  # by severity, then by the stake, then by name
        stake = func.coalesce(col(VendorExposure.stake), 0.0)
        by_stake = stake.desc() if query.descending else stake.asc()
        by_name = col(Party.name_normalised).asc()
        return stmt.order_by(order, by_stake, by_name, col(Vendor.id))
    # Name order ties on party.id (1:1 with the vendor), so SQLite walks the name index and stops early.
    tie = col(Party.id) if query.sort in ("name", "") or query.sort not in sort_columns else col(Vendor.id)
    return stmt.order_by(order, tie)


@dataclass(frozen=True)
class SearchPlan:
    """How SQLite's search indexes answer a search (``search_plan``)."""

    dense: bool = False  # the term matches over DENSE_MATCHES parties
    walk: bool = False  # walk the name-ordered table of migration 0009, testing each party, stopping at LIMIT
    fts_ids: tuple[int, ...] | None = None  # the trigram index's whole answer (a term matching few parties)
    fts_other: bool = False  # the walk looks aliases, identifiers and tags up in the trigram index


def search_plan(conn: Any, query: RegisterQuery, fts: bool, order: bool) -> SearchPlan:
    """Choose how to answer ``query``'s search on SQLite (``fts``, ``order``: the indexes it has).

    A term matching few parties: the trigram index lists them (read once, here; at most DENSE_MATCHES
    ids) and the register sorts that short list. A term matching many ("spe", "data"), or a term too
    short for the trigram index: sorting every match costs time in proportion to the matches, so the
    register walks the parties in name order and stops at the page's LIMIT. The walk gives the plain
    LIKE's results exactly when the term holds no LIKE wildcard; for a non-ASCII term of three
    characters or more it looks aliases, identifiers and tags up in the trigram index, so it gives the
    index path's results (FTS5 folds the case of non-ASCII letters; SQLite's LIKE does not).
    """
    term = query.search
    name_order = query.sort in ("name", "")
    walk = order and name_order and not query.descending and walk_safe(term)
    if not (fts and fts_usable(term)):
        return SearchPlan(walk=walk)
    key, raw = search_key(term), term.strip()
    found = [int(r[0]) for r in conn.execute(
        text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q LIMIT :n"),
        {"q": _fts_query(key, raw), "n": DENSE_MATCHES + 1})]
    if len(found) <= DENSE_MATCHES:
        return SearchPlan(fts_ids=tuple(found))
    if walk:  # a non-ASCII term keeps the trigram index's case folding for aliases, identifiers and tags
        return SearchPlan(dense=True, walk=True, fts_other=not raw.isascii())
    return SearchPlan(dense=name_order)


def vendor_ids(engine: Engine, query: RegisterQuery = RegisterQuery(), *, limit: int | None = None,
               offset: int = 0) -> list[int]:
    """The ids of the vendors matching ``query``, in display order (all filtering in SQL); a page if ``limit``."""
    fts, order = _objects(engine)
    with engine.connect() as conn:
        plan = search_plan(conn, query, fts, order) if query.search.strip() else SearchPlan()
        if limit is None and plan.dense and not plan.walk:
            plan = SearchPlan()  # the whole list (an export) keeps every related vendor: no shortcut
        stmt = filtered_statement(query, dialect=engine.dialect.name, fts=fts, plan=plan)
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        return [int(r[0]) for r in conn.execute(stmt) if r[0] is not None]


def count_vendors(engine: Engine, query: RegisterQuery = RegisterQuery()) -> int:
    stmt = sa_select(func.count()).select_from(
        filtered_statement(query, dialect=engine.dialect.name, fts=has_search_index(engine)).order_by(None).subquery())
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def first_page(engine: Engine, query: RegisterQuery, size: int) -> tuple[list[int], bool]:
    """The first ``size`` ids, and whether more match (no COUNT over the whole register)."""
    ids = vendor_ids(engine, query, limit=size + 1)
    return ids[:size], len(ids) > size


@cache
def _rows_statement() -> Any:
    """The page query of ``vendor_rows``, built once (building it cost more than running it): the ids,
    today and the end of the expiry window are parameters."""
    day, end = bindparam("day", type_=Date), bindparam("day_end", type_=Date)
    cert = exists().where(
        col(Certification.vendor_id) == col(Vendor.id), col(Certification.archived_at).is_(None),
        col(Certification.valid_until) >= day, col(Certification.valid_until) <= end)
    contract = exists().where(
        col(Contract.vendor_id) == col(Vendor.id), col(Contract.archived_at).is_(None),
        col(Contract.end_date) >= day, col(Contract.end_date) <= end)
    return (
        sa_select(
            col(Vendor.id), col(Vendor.party_id), col(Party.name), col(Party.country), col(Vendor.services),
            col(Vendor.tier), col(Vendor.status), col(Vendor.internal_owner), col(Vendor.next_review_due),
            latest_rating_expr().label("latest_rating"), last_signed_expr().label("last_signed"),
            and_(col(Vendor.next_review_due).is_not(None), col(Vendor.next_review_due) < day).label("f_overdue"),
            _stale_clause().label("f_stale"), cert.label("f_cert"), contract.label("f_contract"),
            col(VendorExposure.severity), col(VendorExposure.competitor), col(VendorExposure.economic_min),
            col(VendorExposure.economic_max), col(VendorExposure.voting_min), col(VendorExposure.voting_max),
            col(VendorExposure.controlled), col(VendorExposure.controlled_via), col(VendorExposure.board_seats),
            col(VendorExposure.linked_names), col(VendorExposure.as_of), col(Party.name_normalised),
        )
        .join(Party, col(Party.id) == col(Vendor.party_id))
        .outerjoin(VendorExposure, col(VendorExposure.vendor_id) == col(Vendor.id))
        .where(col(Vendor.id).in_(bindparam("ids", expanding=True)))
    )


def vendor_rows(engine: Engine, ids: Sequence[int], *, today: date | None = None,
                expiry_days: int = DEFAULT_EXPIRY_DAYS, search: str = "", lang: str | None = None
                ) -> dict[int, VendorRow]:
    """The display rows of the given vendors, keyed by id (one query for the whole page); with ``search``,
    the reason of each row listed through a related party (``match_reason``)."""
    if not ids:
        return {}
    day = today or date.today()
    params = {"ids": list(ids), "day": day, "day_end": day + timedelta(days=expiry_days)}
    with engine.connect() as conn:
        found = conn.execute(_rows_statement(), params).all()
        exposures = {r[0]: row_exposure(r) for r in found}
        reasons: dict[int, str] = {}
        if search and min(len(search.strip()), len(search_key(search))) > 2:
            candidates = {r[0]: _Candidate(r[1], r.name_normalised, exposures[r[0]]) for r in found}
            reasons = _reasons(conn, candidates, search, engine.dialect.name, lang or current_language(),
                               has_search_order(engine))
    return {r[0]: VendorRow(
        r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], r[7] or "", r[8], r.latest_rating, r.last_signed,
        tuple(f for f, on in zip(FLAGS, (r.f_overdue, r.f_stale, r.f_cert, r.f_contract), strict=True) if on),
        exposures[r[0]], reasons.get(r[0], "")) for r in found}


# How a related party stands to the vendor, in a search result's reason ("via Contoso Ventures LLC (shareholder)").
RELATION_LABELS = {
    "shareholding": N_("shareholder"), "voting_rights": N_("holds votes"), "board_member": N_("board member"),
    "board_chair": N_("board chair"), "senior_managing_official": N_("senior managing official"),
    "appointment_of_board": N_("appoints the board"),
}
_RELATION_ORDER = ("shareholding", "voting_rights", "board_chair", "board_member", "senior_managing_official")


@dataclass(frozen=True)
class _Candidate:
    """What a search's reason needs of a listed vendor."""

    party_id: int
    name_key: str  # its party's normalised name
    exposure: Exposure


@cache
def _holders_statement() -> Any:
    """The matching holders of interests in the listed vendors' parties, closest names first."""
    holder = Party.__table__.alias("p_holder")  # type: ignore[attr-defined]
    return (
        sa_select(col(Interest.subject_id), holder.c.name, col(Interest.interest_type), col(Interest.role_title))
        .join(holder, holder.c.id == col(Interest.interested_party_id))
        .where(col(Interest.subject_id).in_(bindparam("pids", expanding=True)), col(Interest.archived_at).is_(None),
               holder.c.name_normalised.like(bindparam("key_like")))
        .order_by(holder.c.name_normalised)
    )


@cache
def _own_statements(dialect: str, order: bool) -> tuple[Any, ...]:
    """Which of the given parties match by their own aliases, identifiers or tags: one query on the
    name-ordered table of migration 0009 (SQLite), else one per table."""
    pids: Any = bindparam("pids", expanding=True)
    raw: Any = bindparam("raw_like")
    if order:
        return (sa_select(_order.c.party_id).where(_order.c.party_id.in_(pids), _order.c.other.like(raw)),)

    def match(column: Any) -> Any:
        return column.like(raw) if dialect == "sqlite" else column.ilike(raw)

    return (
        sa_select(col(PartyAlias.party_id)).where(col(PartyAlias.party_id).in_(pids), match(col(PartyAlias.name))),
        sa_select(col(PartyIdentifier.party_id)).where(col(PartyIdentifier.party_id).in_(pids),
                                                       match(col(PartyIdentifier.value))),
        sa_select(col(Vendor.party_id)).join(VendorTag, col(VendorTag.vendor_id) == col(Vendor.id))
        .where(col(Vendor.party_id).in_(pids), match(col(VendorTag.tag))),
    )


def _reasons(conn: Any, rows: dict[int, _Candidate], search: str, dialect: str, lang: str,
             order: bool) -> dict[int, str]:
    key, raw = search_key(search), search.strip()
    party_ids = {r.party_id: vid for vid, r in rows.items() if key not in r.name_key}
    if not party_ids:
        return {}
    found: dict[int, tuple[int, str]] = {}
    for subject, name, kind, title in conn.execute(_holders_statement(),
                                                   {"pids": sorted(party_ids), "key_like": f"%{key}%"}):
        rank = _RELATION_ORDER.index(kind) if kind in _RELATION_ORDER else len(_RELATION_ORDER)
        if subject in found and rank >= found[subject][0]:
            continue  # a closer relation already explains this vendor (the words are built only for the kept one)
        role = title or (tr(RELATION_LABELS[kind], lang) if kind in RELATION_LABELS else kind.replace("_", " "))
        found[subject] = (rank, tr("via {party} ({relation})", lang, party=name, relation=role))
    out = {party_ids[p]: t for p, (_rank, t) in found.items()}
    for vid in party_ids.values():
        if vid in out:
            continue
        e = rows[vid].exposure
        person = next((n for n in e.linked_names if key in search_key(n)), None)
        if person:
            out[vid] = tr("via {party} (competitor-linked person)", lang, party=person)
        elif e.competitor and key in search_key(e.competitor):
            out[vid] = tr("via {party} (competitor group)", lang, party=e.competitor)
    if not out:
        return out
    # a vendor listed for its own other names, identifiers or tags needs no reason
    pids = sorted(p for p, v in party_ids.items() if v in out)
    own: set[int] = set()
    for statement in _own_statements(dialect, order and walk_safe(search)):
        own.update(int(p) for (p,) in conn.execute(statement, {"pids": pids, "raw_like": f"%{raw}%"}))
    return {party_ids[p]: out[party_ids[p]] for p in pids if p not in own}


def register_rows(engine: Engine, query: RegisterQuery = RegisterQuery()) -> list[VendorRow]:
    """All rows matching ``query`` in order (for export and the CLI); fetched in pages."""
    ids = vendor_ids(engine, query)
    out: list[VendorRow] = []
    for start in range(0, len(ids), 500):
        page = ids[start:start + 500]
        rows = vendor_rows(engine, page, today=query.today,
                           expiry_days=query.expiring_within_days or DEFAULT_EXPIRY_DAYS, search=query.search)
        out.extend(rows[i] for i in page if i in rows)
    return out
