"""The home dashboard: what needs attention, each item pointing at its record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.models import Assessment, AssessmentStatus, Certification, Contract, Party, Vendor
from desktop.core.i18n import N_
from desktop.services.register import latest_rating_expr

HORIZONS = (30, 60, 90)


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


@dataclass
class Dashboard:
    today: date
    ratings: dict[str, int] = field(default_factory=dict)  # rating (or "none") -> vendors
    reviews: list[DashboardItem] = field(default_factory=list)  # due within 30 days or overdue
    expiring: list[DashboardItem] = field(default_factory=list)  # certificates and contracts within 90 days
    stale: list[DashboardItem] = field(default_factory=list)

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
    with engine.connect() as conn:
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
    return out
