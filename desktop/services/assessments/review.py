"""Review dates and staleness of decided assessments: the review an approval would schedule, the material
changes since a decision, and marking the latest decided assessment stale.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session, unit_of_work
from db.models import Assessment, Certification, Vendor
from db.types import utcnow
from desktop.services.assessments.model import DECIDED
from desktop.services.assessments.reading import _load


def next_review_due(engine_or_session: Engine | Session, vendor_id: int, decided_on: date) -> date:
    """The review an approval on ``decided_on`` would schedule (desktop.services.reviews.schedule)."""
    from desktop.services.reviews import next_review_due as scheduled

    due = scheduled(engine_or_session, vendor_id, decided_on)
    assert due is not None  # an approval always schedules one
    return due


def staleness(engine: Engine, assessment_id: int, today: date | None = None,
              lang: str | None = None) -> list[dict[str, Any]]:
    """Material changes to the vendor since the assessment was decided (empty if not decided): everything
    RECORDED after the decision, whatever date it takes effect (desktop.services.staleness), certificates
    that expired since, and ownership events that took effect since. Each entry has ``recorded`` and
    ``effective`` dates; its ``message`` says both."""
    from desktop.services.staleness import recorded_changes

    today = today or date.today()
    with read_session(engine) as session:
        a = _load(session, assessment_id)
        if a.status not in DECIDED or a.decided_at is None:
            return []
        decided_at = a.decided_at
        vendor = session.get(Vendor, a.vendor_id)
        assert vendor is not None
        party_id = vendor.party_id
        changes = recorded_changes(session, a.vendor_id, party_id, decided_at, lang)
        expired = session.exec(select(Certification).where(
            Certification.vendor_id == a.vendor_id, col(Certification.archived_at).is_(None),
            col(Certification.valid_until) >= decided_at.date(), col(Certification.valid_until) < today)).all()
        for c in expired:
            changes.append({"kind": "certificate_expired", "when": str(c.valid_until), "record_type": "certification",
                            "record_id": c.id, "action": "expired", "actor": "",
                            "fields": ["valid_until"], "message": f"{c.standard} expired on {c.valid_until}",
                            "recorded": None, "effective": str(c.valid_until)})
    from desktop.services.ownership import change_feed

    seen = {c["record_id"] for c in changes if c.get("record_type") == "interest"}
    for item in change_feed(engine, party_id, decided_at.date(), today):
        if item.get("interest_id") in seen:
            continue  # already listed as recorded after the decision
        entry = dict(item)
        entry["kind"] = f"ownership_chain_{item.get('kind', 'ownership')}"
        entry.setdefault("recorded", None)
        entry.setdefault("effective", item.get("date"))
        changes.append(entry)
    return changes


def refresh_staleness(engine: Engine, vendor_id: int, *, actor: str | None = None,
                      today: date | None = None) -> list[int]:
    """Mark the vendor's latest decided assessment stale when material changes happened; its id(s)."""
    with read_session(engine) as session:
        latest = session.exec(select(Assessment).where(
            Assessment.vendor_id == vendor_id, col(Assessment.status).in_(sorted(DECIDED)))
            .order_by(col(Assessment.series_version).desc())).first()
        if latest is None or latest.id is None or latest.stale_since is not None:
            return []
        latest_id = latest.id
    changes = staleness(engine, latest_id, today)
    if not changes:
        return []
    with unit_of_work(engine, actor or "vetta") as session:
        a = _load(session, latest_id)
        a.stale_since = utcnow()
        session.add(a)
    return [latest_id]
