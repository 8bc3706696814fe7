"""When a vendor is reviewed next: one rule for every screen, the report and the CLI.

- A decision schedules the next review (``schedule``): approved or approved with conditions →
  the decision date plus the vendor's tier interval (organisation settings, defaults
  ``db.models.DEFAULT_REVIEW_MONTHS``); rejected → no review (a rejected vendor is not in use, so
  there is nothing to review on a schedule). Sign-off stores the result on the assessment and on
  the vendor, in the same transaction as the decision.
- Afterwards nothing recomputes it: every screen shows the STORED date (``assessment_next_review``
  for one assessment, the vendor's ``next_review_due`` for the register, Home and the report), so a
  changed interval or tier never makes two screens disagree about a decision already taken. The
  vendor's date may be moved by hand in the vendor editor; that is the vendor's next review from then on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.engine import read_session
from db.models import DEFAULT_REVIEW_MONTHS, AssessmentStatus, Organisation, Vendor
from desktop.core.dates import add_months
from desktop.core.errors import NotFound
from desktop.core.i18n import tr

# the decisions that keep a vendor in use, and so schedule its next review
SCHEDULING_DECISIONS = frozenset({AssessmentStatus.APPROVED.value, AssessmentStatus.APPROVED_WITH_CONDITIONS.value})


def interval_months(org: Organisation | None, tier: str) -> int:
    """Months between reviews for ``tier``: the organisation's setting, else the default."""
    months = getattr(org, f"review_months_{tier}", None) if org is not None else None
    return int(months or DEFAULT_REVIEW_MONTHS.get(tier, DEFAULT_REVIEW_MONTHS["medium"]))


def schedule(session: Session, vendor_id: int, decision: str, decided_on: date) -> date | None:
    """The next review a decision of ``decision`` on ``decided_on`` schedules (None when rejected)."""
    if decision not in SCHEDULING_DECISIONS:
        return None
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        raise NotFound(tr("There is no vendor #{vendor_id}.", vendor_id=vendor_id))
    org = session.exec(select(Organisation).order_by(col(Organisation.id))).first()
    return add_months(decided_on, interval_months(org, vendor.tier))


def next_review_due(engine_or_session: Engine | Session, vendor_id: int, decided_on: date,
                    decision: str = AssessmentStatus.APPROVED.value) -> date | None:
    """``schedule`` in its own read session (for callers holding an engine)."""
    if isinstance(engine_or_session, Session):
        return schedule(engine_or_session, vendor_id, decision, decided_on)
    with read_session(engine_or_session) as session:
        return schedule(session, vendor_id, decision, decided_on)


def assessment_next_review(status: str, stored: date | None) -> date | None:
    """The next review an assessment scheduled: the stored date, and none unless it was approved."""
    return stored if status in SCHEDULING_DECISIONS else None
