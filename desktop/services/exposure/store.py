"""Computing and storing the exposure of given vendors (table ``vendor_exposure``), inside the caller's
transaction, and reading the stored rows back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from db.models import Vendor, VendorExposure
from db.types import utcnow
from desktop.core.ownership import analyze_graph
from desktop.core.ownership.model import Thresholds
from desktop.services.exposure.levels import Exposure, exposure_of, row_exposure
from desktop.services.exposure.webs import WebIndex, _chunks, load_webs


def _thresholds(session: Session) -> Thresholds:
    from desktop.services.ownership import load_thresholds

    return load_thresholds(session)


def compute(session: Session, vendor_ids: Iterable[int], today: date | None = None) -> dict[int, Exposure]:
    """The exposure of these vendors as of ``today`` (default: today), read through ``session``."""
    day = today or date.today()
    conn = session.connection()
    party_of: dict[int, int] = {}
    for chunk in _chunks(vendor_ids):
        party_of.update((int(v or 0), int(p)) for v, p in conn.execute(
            select(col(Vendor.id), col(Vendor.party_id)).where(col(Vendor.id).in_(chunk))))
    if not party_of:
        return {}
    graph = load_webs(session, party_of.values())
    thresholds = _thresholds(session)
    index = WebIndex(graph)
    out: dict[int, Exposure] = {}
    for vendor_id, party in party_of.items():
        if party not in graph.parties:  # an archived party: nothing to analyse
            out[vendor_id] = Exposure(as_of=day)
            continue
        sub = index.subgraph(party)
        if not sub.competitors:
            out[vendor_id] = Exposure(as_of=day)
            continue
        out[vendor_id] = exposure_of(analyze_graph(sub, party, day, thresholds, lang="en", max_paths=1))
    return out


def _row(vendor_id: int, e: Exposure) -> dict[str, Any]:
    return {"vendor_id": vendor_id, "severity": e.severity, "stake": e.stake, "competitor": e.competitor,
            "economic_min": e.economic[0], "economic_max": e.economic[1], "voting_min": e.voting[0],
            "voting_max": e.voting[1], "controlled": e.controlled, "controlled_via": e.controlled_via,
            "board_seats": e.board_seats, "linked_people": e.linked_people,
            "linked_names": "\n".join(e.linked_names), "as_of": e.as_of, "computed_at": utcnow()}


def store(conn: Connection, exposures: dict[int, Exposure]) -> None:
    """Replace the stored rows of these vendors."""
    for chunk in _chunks(exposures):
        conn.execute(delete(VendorExposure).where(col(VendorExposure.vendor_id).in_(chunk)))
        conn.execute(insert(VendorExposure), [_row(v, exposures[v]) for v in chunk])


def recompute(session: Session, vendor_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute and store these vendors' exposure inside the caller's transaction; how many."""
    exposures = compute(session, vendor_ids, today)
    store(session.connection(), exposures)
    return len(exposures)


def stored(conn: Connection, vendor_ids: Sequence[int]) -> dict[int, Exposure]:
    """The stored exposure of these vendors."""
    out: dict[int, Exposure] = {}
    for chunk in _chunks(vendor_ids):
        for row in conn.execute(select(VendorExposure).where(col(VendorExposure.vendor_id).in_(chunk))):
            out[int(row.vendor_id)] = row_exposure(row)
    return out
