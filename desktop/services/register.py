"""The vendor register: ids selected and ordered in SQL, rows fetched by id on demand.

Everything a user can filter or sort on is expressed in SQL (correlated subqueries for the latest
rating, the last signed assessment and the flags), so the register never walks vendors in Python.

One concern: the register's SQL (search, filters, sort order and rows by id); kept together because the
filters, the search clause and the row query share the same correlated subqueries and must stay in step.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, exists, func, or_, text, union
from sqlalchemy import select as sa_select
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
from desktop.core.i18n import N_, tr
from desktop.services.exposure import FILTERS as EXPOSURE_FILTERS
from desktop.services.exposure import NO_EXPOSURE, Exposure, row_exposure

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
# values separated by char(31)) and pg_trgm GIN indexes on PostgreSQL. Whether an SQLite database has
# it is looked up once per engine.
SEARCH_TABLE = "register_search"
_has_search_index: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def has_search_index(engine: Engine) -> bool:
    """True when ``engine`` is SQLite with the FTS5 search index of migration 0003."""
    if engine.dialect.name != "sqlite":
        return False
    found = _has_search_index.get(engine)
    if found is None:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": SEARCH_TABLE}).first() \
                is not None
        _has_search_index[engine] = found
    return found


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _fts_matching(key: str, raw: str) -> Any:
    """Party ids whose index row contains the term: one FTS5 MATCH over the trigram index.

    The normalised name is matched with the normalised term, aliases, identifiers and tags with the
    term as typed (FTS5 folds case, also of non-ASCII letters, as PostgreSQL's ILIKE does).
    """
    query = f"name : {_fts_phrase(key)} OR {{aliases identifiers tags}} : {_fts_phrase(raw)}"
    return text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts_query") \
        .bindparams(fts_query=query).columns(rowid=Integer)


def _fts_clause(key: str, raw: str) -> ColumnElement[bool]:
    return col(Party.id).in_(_fts_matching(key, raw))


def _related_parties(matching: Any, raw: str, dialect: str) -> list[Any]:
    """Party ids of vendors related to a matching party: it holds a (non-archived) interest in the vendor
    (shareholder, votes, board, management), or it is the vendor's most exposed competitor group or a
    competitor-linked person of it (the stored exposure; only exposed vendors are scanned, through the
    severity index). SELECTs of one party-id column, to be UNIONed with the matching ids, so the register
    keeps looking parties up by id instead of testing every row."""
    holders = sa_select(col(Interest.subject_id)).where(
        col(Interest.archived_at).is_(None), col(Interest.interested_party_id).in_(matching))
    exposed = col(VendorExposure.competitor).like(raw) | col(VendorExposure.linked_names).like(raw) \
        if dialect == "sqlite" else \
        col(VendorExposure.competitor).ilike(raw) | col(VendorExposure.linked_names).ilike(raw)
    vendor_t = Vendor.__table__.alias("v_exposed")  # type: ignore[attr-defined]
    by_exposure = sa_select(vendor_t.c.party_id).join(VendorExposure, col(VendorExposure.vendor_id) == vendor_t.c.id)\
        .where(col(VendorExposure.severity) > 0, exposed)
    return [holders, by_exposure]


def _other_fts_clause(raw: str) -> ColumnElement[bool]:
    """Party ids whose aliases, identifiers or tags contain the term (the FTS5 index, without names)."""
    matching = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :fts_other") \
        .bindparams(fts_other=f"{{aliases identifiers tags}} : {_fts_phrase(raw)}").columns(rowid=Integer)
    return col(Party.id).in_(matching)


def fts_usable(text: str) -> bool:
    """Whether the trigram index can answer a search for ``text`` (three characters, no LIKE wildcards)."""
    return min(len(search_key(text)), len(text.strip())) > 2 and not any(c in text for c in "%_\x1f")


# A search matching more parties than this is "dense": the register then walks the name index and
# tests each row (stopping at the page's LIMIT) instead of sorting every match by name.
DENSE_MATCHES = 2000


def _search_clause(text: str, dialect: str = "sqlite", fts: bool = False, dense: bool = False) -> ColumnElement[bool]:
    key = f"%{search_key(text)}%"
    raw = f"%{text.strip()}%"
    if fts and fts_usable(text):
        # LIKE wildcards typed by the user keep the plain LIKE path below, as do short terms (a
        # trigram index needs three characters).
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


def _cert_expiring_clause(today: date, days: int) -> ColumnElement[bool]:
    return exists().where(
        col(Certification.vendor_id) == col(Vendor.id), col(Certification.archived_at).is_(None),
        col(Certification.valid_until) >= today, col(Certification.valid_until) <= today + timedelta(days=days))


def _contract_expiring_clause(today: date, days: int) -> ColumnElement[bool]:
    return exists().where(
        col(Contract.vendor_id) == col(Vendor.id), col(Contract.archived_at).is_(None),
        col(Contract.end_date) >= today, col(Contract.end_date) <= today + timedelta(days=days))


def filtered_statement(query: RegisterQuery, columns: Sequence[Any] | None = None, dialect: str = "sqlite",
                       fts: bool = False, dense: bool = False) -> Any:
    """The SELECT of the register for ``query`` (columns default to the vendor id), ordered.

    ``fts``: the database has the SQLite search index (``has_search_index(engine)``); ``dense``: the
    search term matches many parties (``is_dense_search``), so names are tested row by row in name order.
    """
    today = _today(query)
    stmt = sa_select(*(columns or [col(Vendor.id)])).select_from(Vendor).join(
        Party, col(Party.id) == col(Vendor.party_id))
    if not query.include_archived:
        stmt = stmt.where(col(Vendor.archived_at).is_(None))
    if query.search.strip():
        stmt = stmt.where(_search_clause(query.search, dialect, fts, dense))
    if query.status:
        stmt = stmt.where(col(Vendor.status) == query.status)
    if query.tier:
        stmt = stmt.where(col(Vendor.tier) == query.tier)
    if query.rating == "none":
        stmt = stmt.where(latest_rating_expr().is_(None))
    elif query.rating:
        stmt = stmt.where(latest_rating_expr() == query.rating)
    if query.review_overdue:
        stmt = stmt.where(_overdue_clause(today))
    if query.stale:
        stmt = stmt.where(_stale_clause())
    if query.expiring_within_days is not None:
        days = query.expiring_within_days
        stmt = stmt.where(or_(_cert_expiring_clause(today, days), _contract_expiring_clause(today, days)))
    severity = func.coalesce(col(VendorExposure.severity), 0)
    if query.exposure in EXPOSURE_FILTERS or query.sort == "exposure":
        stmt = stmt.outerjoin(VendorExposure, col(VendorExposure.vendor_id) == col(Vendor.id))
    if query.exposure in EXPOSURE_FILTERS:
        stmt = stmt.where(severity.in_(EXPOSURE_FILTERS[query.exposure]))
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


def is_dense_search(conn: Any, query: RegisterQuery) -> bool:
    """True when ``query`` is a page in name order whose search term matches over DENSE_MATCHES parties.

    Sorting every match by name costs time in proportion to the matches (tens of milliseconds for a
    three-letter term in 100,000 vendors); walking the name index and stopping at the page's LIMIT
    costs little when matches are dense. The trigram index tells which case this is cheaply: it
    returns at most DENSE_MATCHES + 1 rowids.
    """
    if query.sort not in ("name", "") or not fts_usable(query.search):
        return False
    key, raw = search_key(query.search), query.search.strip()
    sparse = _last_sparse.get(conn.engine.pool)
    if sparse is not None and sparse[0] in key and sparse[1] in raw:
        # The user typed on from a term that matched few parties: a term containing it matches fewer
        # still (no probe; a wrong guess would only cost the exact, slower plan, never a wrong list).
        return False
    phrase_key, phrase_raw = _fts_phrase(key), _fts_phrase(raw)
    probe = text(f"SELECT count(*) FROM (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q LIMIT :n)")
    found = conn.execute(probe, {"q": f"name : {phrase_key} OR {{aliases identifiers tags}} : {phrase_raw}",
                                 "n": DENSE_MATCHES + 1}).scalar_one()
    dense = int(found) > DENSE_MATCHES
    if not dense:
        _last_sparse[conn.engine.pool] = (key, raw)
    return dense


# per database (its connection pool): the last search term found to match few parties
_last_sparse: weakref.WeakKeyDictionary[Any, tuple[str, str]] = weakref.WeakKeyDictionary()


def vendor_ids(engine: Engine, query: RegisterQuery = RegisterQuery(), *, limit: int | None = None,
               offset: int = 0) -> list[int]:
    """The ids of the vendors matching ``query``, in display order (all filtering in SQL); a page if ``limit``."""
    fts = has_search_index(engine)
    with engine.connect() as conn:
        dense = fts and limit is not None and bool(query.search.strip()) and is_dense_search(conn, query)
        stmt = filtered_statement(query, dialect=engine.dialect.name, fts=fts, dense=dense)
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
            col(VendorExposure.linked_names), col(VendorExposure.as_of),
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
    out: dict[int, VendorRow] = {}
    with engine.connect() as conn:
        for r in conn.execute(_rows_statement(), params):
            flags = tuple(f for f, on in zip(FLAGS, (r.f_overdue, r.f_stale, r.f_cert, r.f_contract), strict=True)
                          if on)
            out[r[0]] = VendorRow(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], r[7] or "", r[8],
                                  r.latest_rating, r.last_signed, flags, row_exposure(r))
        if search and min(len(search.strip()), len(search_key(search))) > 2:
            reasons = search_reasons(conn, out, search, engine.dialect.name, lang)
            out.update({vid: replace(row, match_reason=reasons[vid]) for vid, row in out.items() if vid in reasons})
    return out


# How a related party stands to the vendor, in a search result's reason ("via Contoso Ventures LLC (shareholder)").
RELATION_LABELS = {
    "shareholding": N_("shareholder"), "voting_rights": N_("holds votes"), "board_member": N_("board member"),
    "board_chair": N_("board chair"), "senior_managing_official": N_("senior managing official"),
    "appointment_of_board": N_("appoints the board"),
}
_RELATION_ORDER = ("shareholding", "voting_rights", "board_chair", "board_member", "senior_managing_official")


def search_reasons(conn: Any, rows: dict[int, VendorRow], search: str, dialect: str = "sqlite",
                   lang: str | None = None) -> dict[int, str]:
    """Why each of ``rows`` matches ``search`` when its own name, aliases, identifiers and tags do not:
    the related party that matches, in words."""
    key, raw = search_key(search), search.strip()
    like_raw = f"%{raw}%"
    party_ids = {r.party_id: vid for vid, r in rows.items() if key not in search_key(r.name)}
    if not party_ids:
        return {}
    pids = sorted(party_ids)

    def match(column: Any) -> Any:
        return column.like(like_raw) if dialect == "sqlite" else column.ilike(like_raw)

    holder = Party.__table__.alias("p_holder")  # type: ignore[attr-defined]
    found: dict[int, tuple[int, str]] = {}
    for subject, name, kind, title in conn.execute(
            sa_select(col(Interest.subject_id), holder.c.name, col(Interest.interest_type), col(Interest.role_title))
            .join(holder, holder.c.id == col(Interest.interested_party_id))
            .where(col(Interest.subject_id).in_(pids), col(Interest.archived_at).is_(None),
                   holder.c.name_normalised.like(f"%{key}%"))
            .order_by(holder.c.name_normalised)):
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
    own.update(int(p) for (p,) in conn.execute(sa_select(col(PartyAlias.party_id)).where(
        col(PartyAlias.party_id).in_(pids), match(col(PartyAlias.name)))))
    own.update(int(p) for (p,) in conn.execute(sa_select(col(PartyIdentifier.party_id)).where(
        col(PartyIdentifier.party_id).in_(pids), match(col(PartyIdentifier.value)))))
    own.update(int(p) for (p,) in conn.execute(sa_select(col(Vendor.party_id)).join(
        VendorTag, col(VendorTag.vendor_id) == col(Vendor.id)).where(col(Vendor.party_id).in_(pids),
                                                                     match(col(VendorTag.tag)))))
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
