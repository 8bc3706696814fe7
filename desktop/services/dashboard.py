"""The home dashboard: what needs attention, each item pointing at its record.

``dashboard(engine)`` is one call, in one read transaction (the window runs it off the GUI thread):
vendors by latest rating, by competitor exposure (with the most exposed vendors), reviews due by month,
certificates and contracts expired or expiring by period, stale signed assessments. Counts come from
SQL (CASE sums, portable to SQLite and PostgreSQL); item lists are capped at ``limit``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.models import Assessment, AssessmentStatus, Certification, Contract, Party, Vendor, VendorExposure
from desktop.core.dates import add_months
from desktop.core.i18n import N_
from desktop.services.exposure import LEVELS, Exposure, row_exposure
from desktop.services.register import latest_rating_expr

HORIZONS = (30, 60, 90)
REVIEW_MONTHS = 6  # months of reviews shown after the overdue ones
# Expiry periods: (key, first day offset, last day offset) from today, inclusive.
EXPIRY_PERIODS = (("expired", -90, -1), ("30", 0, 30), ("60", 31, 60), ("90", 61, 90))
EXPOSED_SHOWN = 8


@dataclass(frozen=True)
class DashboardItem:
    kind: str  # review | certification | contract | stale
    record_type: str  # vendor | assessment | certification | contract
    record_id: int
    vendor_id: int
    vendor_name: str
    label: str
    due: date | None
    days: int | None  # days from today to ``due`` (negative: overdue)


@dataclass(frozen=True)
class ExposedVendor:
    vendor_id: int
    name: str
    exposure: Exposure


@dataclass
class Bucket:
    """One bar of a chart: a month of reviews or an expiry period, its count and (up to a limit) its items."""

    key: str  # "overdue" or "YYYY-MM" for reviews; a key of EXPIRY_PERIODS for expiry
    start: date | None
    end: date | None
    count: int = 0
    items: list[DashboardItem] = field(default_factory=list)


@dataclass
class Dashboard:
    today: date
    ratings: dict[str, int] = field(default_factory=dict)  # rating (or "none") -> vendors
    reviews: list[DashboardItem] = field(default_factory=list)  # due within 30 days or overdue
    expiring: list[DashboardItem] = field(default_factory=list)  # certificates and contracts within 90 days
    stale: list[DashboardItem] = field(default_factory=list)
    exposure: dict[str, int] = field(default_factory=dict)  # exposure level (exposure.LEVELS) -> vendors
    exposed: list[ExposedVendor] = field(default_factory=list)  # the most exposed vendors, most severe first
    review_months: list[Bucket] = field(default_factory=list)  # overdue, then this month and the next ones
    certificates: list[Bucket] = field(default_factory=list)  # by EXPIRY_PERIODS
    contracts: list[Bucket] = field(default_factory=list)

    def expiring_within(self, days: int) -> list[DashboardItem]:
        return [i for i in self.expiring if i.days is not None and i.days <= days]


def _i(value: Any) -> int:
    return int(value)


def _days(due: date | None, today: date) -> int | None:
    return (due - today).days if due is not None else None


def dashboard(engine: Engine, today: date | None = None, review_horizon: int = 30, limit: int = 200) -> Dashboard:
    day = today or date.today()
    out = Dashboard(day)
    live = col(Vendor.archived_at).is_(None)
    with engine.connect() as conn, conn.begin():  # one read transaction: every figure from the same state
        rating = latest_rating_expr()
        inner = sa_select(rating.label("r")).select_from(Vendor).where(live).subquery()
        for r, n in conn.execute(sa_select(inner.c.r, func.count()).group_by(inner.c.r)):
            out.ratings[r or "none"] = _i(n)
        horizon = day + timedelta(days=review_horizon)
        base = sa_select(col(Vendor.id), col(Party.name)).join(Party, col(Party.id) == col(Vendor.party_id))
        for vid, name, due in conn.execute(
                base.add_columns(col(Vendor.next_review_due)).where(
                    live, col(Vendor.next_review_due).is_not(None), col(Vendor.next_review_due) <= horizon)
                .order_by(col(Vendor.next_review_due)).limit(limit)):
            out.reviews.append(DashboardItem("review", "vendor", _i(vid), _i(vid), name, N_("Vendor review"), due, _days(due, day)))
        # one date per vendor: the one its latest decision scheduled (desktop.services.reviews), never
        # again the dates of superseded assessments
        decided = [AssessmentStatus.APPROVED.value, AssessmentStatus.APPROVED_WITH_CONDITIONS.value,
                   AssessmentStatus.REJECTED.value]
        out.reviews.sort(key=lambda i: (i.due or day, i.vendor_name))
        end = day + timedelta(days=max(HORIZONS))
        for cid, vid, name, standard, due in conn.execute(
                sa_select(col(Certification.id), col(Vendor.id), col(Party.name), col(Certification.standard),
                          col(Certification.valid_until))
                .join(Vendor, col(Vendor.id) == col(Certification.vendor_id))
                .join(Party, col(Party.id) == col(Vendor.party_id))
                .where(live, col(Certification.archived_at).is_(None), col(Certification.valid_until) >= day,
                       col(Certification.valid_until) <= end).limit(limit)):
            out.expiring.append(DashboardItem("certification", "certification", _i(cid), _i(vid), name, standard, due,
                                              _days(due, day)))
        for cid, vid, name, kind, title, due in conn.execute(
                sa_select(col(Contract.id), col(Vendor.id), col(Party.name), col(Contract.kind), col(Contract.title),
                          col(Contract.end_date))
                .join(Vendor, col(Vendor.id) == col(Contract.vendor_id))
                .join(Party, col(Party.id) == col(Vendor.party_id))
                .where(live, col(Contract.archived_at).is_(None), col(Contract.end_date) >= day,
                       col(Contract.end_date) <= end).limit(limit)):
            out.expiring.append(DashboardItem("contract", "contract", _i(cid), _i(vid), name,
                                              f"{kind} {title}".strip(), due, _days(due, day)))
        out.expiring.sort(key=lambda i: (i.due or day, i.vendor_name))
        for aid, vid, name, version, stale in conn.execute(
                sa_select(col(Assessment.id), col(Vendor.id), col(Party.name), col(Assessment.series_version),
                          col(Assessment.stale_since))
                .join(Vendor, col(Vendor.id) == col(Assessment.vendor_id))
                .join(Party, col(Party.id) == col(Vendor.party_id))
                .where(live, col(Assessment.stale_since).is_not(None), col(Assessment.status).in_(decided))
                .order_by(col(Assessment.stale_since).desc()).limit(limit)):
            since = stale.date() if isinstance(stale, datetime) else None
            out.stale.append(DashboardItem("stale", "assessment", _i(aid), _i(vid), name, f"Assessment v{version}",
                                           since, _days(since, day)))
        _exposure(conn, out, live)
        _review_months(conn, out, live, limit)
        _expiry(conn, out, live, limit)
    return out


def _exposure(conn: Any, out: Dashboard, live: Any) -> None:
    severity = func.coalesce(col(VendorExposure.severity), 0)
    counted = sa_select(severity, func.count()).select_from(Vendor).outerjoin(
        VendorExposure, col(VendorExposure.vendor_id) == col(Vendor.id)).where(live).group_by(severity)
    out.exposure = {level: 0 for level in LEVELS}
    for level, n in conn.execute(counted):
        out.exposure[LEVELS[int(level)]] = _i(n)
    rows = conn.execute(
        sa_select(col(Vendor.id), col(Party.name), VendorExposure.__table__)  # type: ignore[attr-defined]
        .join(Party, col(Party.id) == col(Vendor.party_id))
        .join(VendorExposure, col(VendorExposure.vendor_id) == col(Vendor.id))
        .where(live, col(VendorExposure.severity) > 0)
        .order_by(col(VendorExposure.severity).desc(), col(VendorExposure.stake).desc(), col(Party.name_normalised))
        .limit(EXPOSED_SHOWN))
    out.exposed = [ExposedVendor(_i(r[0]), r[1], row_exposure(r)) for r in rows]


def _buckets_count(conn: Any, column: Any, buckets: list[Bucket], where: list[Any], base: Any) -> None:
    """Fill each bucket's count with one query (a CASE sum per bucket)."""
    sums = []
    for b in buckets:
        cond = [column.is_not(None)]
        if b.start is not None:
            cond.append(column >= b.start)
        if b.end is not None:
            cond.append(column <= b.end)
        sums.append(func.coalesce(func.sum(case((and_(*cond), 1), else_=0)), 0))
    row = conn.execute(base.with_only_columns(*sums).where(*where)).one()
    for b, n in zip(buckets, row, strict=True):
        b.count = _i(n)


def _review_months(conn: Any, out: Dashboard, live: Any, limit: int) -> None:
    day = out.today
    first = day.replace(day=1)
    buckets = [Bucket("overdue", None, day - timedelta(days=1))]
    for k in range(REVIEW_MONTHS):
        start = add_months(first, k)
        buckets.append(Bucket(start.strftime("%Y-%m"), max(start, day), add_months(first, k + 1) - timedelta(days=1)))
    due = col(Vendor.next_review_due)
    base = sa_select(col(Vendor.id)).select_from(Vendor)
    _buckets_count(conn, due, buckets, [live], base)
    for b in buckets:
        if not b.count:
            continue
        cond = [live, due.is_not(None), due <= b.end] + ([due >= b.start] if b.start is not None else [])
        for vid, name, when in conn.execute(
                sa_select(col(Vendor.id), col(Party.name), due).join(Party, col(Party.id) == col(Vendor.party_id))
                .where(*cond).order_by(due, col(Party.name_normalised)).limit(limit)):
            b.items.append(DashboardItem("review", "vendor", _i(vid), _i(vid), name, N_("Vendor review"), when,
                                         _days(when, day)))
    out.review_months = buckets


def _expiry(conn: Any, out: Dashboard, live: Any, limit: int) -> None:
    day = out.today
    kinds: tuple[tuple[list[Bucket], Any, Any, Any, Any, Any, str], ...] = (
        (out.certificates, col(Certification.id), col(Certification.vendor_id), col(Certification.archived_at),
         col(Certification.valid_until), col(Certification.standard), "certification"),
        (out.contracts, col(Contract.id), col(Contract.vendor_id), col(Contract.archived_at), col(Contract.end_date),
         col(Contract.kind) + " " + col(Contract.title), "contract"))
    for target, record_id, vendor_id, archived_at, column, label, kind in kinds:
        buckets = [Bucket(key, day + timedelta(days=a), day + timedelta(days=b)) for key, a, b in EXPIRY_PERIODS]
        archived = archived_at.is_(None)
        base = sa_select(record_id).join(Vendor, col(Vendor.id) == vendor_id)
        _buckets_count(conn, column, buckets, [live, archived], base)
        for b in buckets:
            if not b.count:
                continue
            for rid, vid, name, what, when in conn.execute(
                    sa_select(record_id, col(Vendor.id), col(Party.name), label, column)
                    .join(Vendor, col(Vendor.id) == vendor_id)
                    .join(Party, col(Party.id) == col(Vendor.party_id))
                    .where(live, archived, column >= b.start, column <= b.end)
                    .order_by(column, col(Party.name_normalised)).limit(limit)):
                b.items.append(DashboardItem(kind, kind, _i(rid), _i(vid), name, str(what or "").strip(), when,
                                             _days(when, day)))
        target.extend(buckets)
