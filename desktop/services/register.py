"""The vendor register: ids selected and ordered in SQL, rows fetched by id on demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select

from db.models import Party, PartyAlias, PartyIdentifier, Vendor, VendorTag, search_key

SORT_COLUMNS = ("name", "country", "services", "tier", "status", "next_review_due")
_TIER_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


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


@dataclass(frozen=True)
class RegisterQuery:
    search: str = ""
    status: str | None = None
    tier: str | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


def _search_clause(text: str) -> ColumnElement[bool]:
    key = f"%{search_key(text)}%"
    raw = f"%{text.strip()}%"
    alias = select(col(PartyAlias.party_id)).where(func.lower(col(PartyAlias.name)).like(raw.lower()))
    ident = select(col(PartyIdentifier.party_id)).where(col(PartyIdentifier.value).ilike(raw))
    tag = select(col(VendorTag.vendor_id)).where(col(VendorTag.tag).ilike(raw))
    return or_(
        col(Party.name_normalised).like(key),
        col(Party.id).in_(alias),
        col(Party.id).in_(ident),
        col(Vendor.id).in_(tag),
    )


def vendor_ids(engine: Engine, query: RegisterQuery = RegisterQuery()) -> list[int]:
    """The ids of the vendors matching ``query``, in display order (all filtering in SQL)."""
    stmt = select(col(Vendor.id)).join(Party, col(Party.id) == col(Vendor.party_id))
    if not query.include_archived:
        stmt = stmt.where(col(Vendor.archived_at).is_(None))
    if query.search.strip():
        stmt = stmt.where(_search_clause(query.search))
    if query.status:
        stmt = stmt.where(col(Vendor.status) == query.status)
    if query.tier:
        stmt = stmt.where(col(Vendor.tier) == query.tier)
    columns: dict[str, Any] = {
        "name": col(Party.name_normalised),
        "country": col(Party.country),
        "services": col(Vendor.services),
        "tier": col(Vendor.tier),
        "status": col(Vendor.status),
        "next_review_due": col(Vendor.next_review_due),
    }
    column = columns.get(query.sort, columns["name"])
    order = column.desc() if query.descending else column.asc()
    stmt = stmt.order_by(order, col(Vendor.id))
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(stmt) if r[0] is not None]


def vendor_rows(engine: Engine, ids: Sequence[int]) -> dict[int, VendorRow]:
    """The display rows of the given vendors, keyed by id (one query)."""
    if not ids:
        return {}
    stmt = (
        sa_select(col(Vendor.id), col(Vendor.party_id), col(Party.name), col(Party.country), col(Vendor.services),
               col(Vendor.tier), col(Vendor.status), col(Vendor.internal_owner), col(Vendor.next_review_due))
        .join(Party, col(Party.id) == col(Vendor.party_id))
        .where(col(Vendor.id).in_(list(ids)))
    )
    with engine.connect() as conn:
        return {
            r[0]: VendorRow(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], r[7] or "", r[8])
            for r in conn.execute(stmt)
            if r[0] is not None
        }
