"""The demo data set (resources/demo/demo.yaml): fictional vendors, one mirroring the seed case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.engine import unit_of_work
from db.models import (
    Certification,
    Commitment,
    Competitor,
    CompetitorAffiliate,
    Contract,
    DataLocation,
    Interest,
    Organisation,
    Party,
    PartyAlias,
    PartyIdentifier,
    Subprocessor,
    Vendor,
    VendorTag,
)
from desktop.core.dates import add_months
from desktop.core.errors import UserError
from desktop.core.i18n import tr
from desktop.resources import resource

_RELATIVE = re.compile(r"^today(?:([+-])(\d+)([dmy]))?$")


def demo_file() -> Path:
    return resource("demo", "demo.yaml")


def parse_demo_date(value: Any, today: date) -> date | None:
    """Absolute dates, or 'today', 'today+20d', 'today-14m', 'today+1y'."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    match = _RELATIVE.match(str(value).strip())
    if not match:
        return date.fromisoformat(str(value))
    sign, amount, unit = match.groups()
    if sign is None:
        return today
    n = int(amount) * (1 if sign == "+" else -1)
    if unit == "d":
        return today + timedelta(days=n)
    return add_months(today, n * (12 if unit == "y" else 1))


@dataclass
class DemoSummary:
    loaded: bool
    vendors: int
    parties: int
    interests: int
    message: str


def _id(obj: Any) -> int:
    """The primary key of a flushed record."""
    assert obj.id is not None, "record not flushed"
    return int(obj.id)


def _share_fields(spec: dict[str, Any]) -> dict[str, Any]:
    if "share" in spec:
        return {"share_exact": float(spec["share"])}
    if "min" in spec or "max" in spec:
        return {"share_min": spec.get("min"), "share_max": spec.get("max")}
    return {}


def load_demo(engine: Engine, actor: str | None = None, today: date | None = None,
              path: Path | None = None) -> DemoSummary:
    """Load the demo set in one transaction. Loading it twice changes nothing."""
    today = today or date.today()
    data = yaml.safe_load((path or demo_file()).read_text(encoding="utf-8"))
    with unit_of_work(engine, actor) as session:
        first_vendor_party = data["parties"][[p["ref"] for p in data["parties"]].index(data["vendors"][0]["party"])]
        if session.exec(select(Party).where(Party.name == first_vendor_party["name"])).first():
            return DemoSummary(False, 0, 0, 0, "The demo data is already in this database; nothing was added.")
        return _load(session, data, today)


def _load(session: Session, data: dict[str, Any], today: date) -> DemoSummary:
    def d(value: Any) -> date | None:
        return parse_demo_date(value, today)

    org = session.exec(select(Organisation)).first()
    if org is None:
        org = Organisation()
    for key, value in data.get("organisation", {}).items():
        setattr(org, key, value)
    session.add(org)

    parties: dict[str, Party] = {}
    for spec in data["parties"]:
        party = Party(
            kind=spec.get("kind", "entity"),
            name=spec["name"],
            country=spec.get("country"),
            jurisdiction=spec.get("jurisdiction"),
            nationality=spec.get("nationality"),
            website=spec.get("website"),
            is_listed=bool(spec.get("is_listed", False)),
            entity_type=spec.get("entity_type", "registeredEntity" if spec.get("kind", "entity") == "entity" else None),
        )
        session.add(party)
        session.flush()
        for ident in spec.get("identifiers", []):
            session.add(PartyIdentifier(party_id=_id(party), scheme=ident["scheme"], value=ident["value"],
                                        issuer=ident.get("issuer")))
        for alias in spec.get("aliases", []):
            session.add(PartyAlias(party_id=_id(party), name=alias))
        parties[spec["ref"]] = party

    vendors: dict[str, Vendor] = {}
    for spec in data["vendors"]:
        vendor = Vendor(
            party_id=_id(parties[spec["party"]]),
            services=spec.get("services", ""),
            tier=spec.get("tier", "medium"),
            status=spec.get("status", "active"),
            internal_owner=spec.get("internal_owner", ""),
            notes=spec.get("notes", ""),
        )
        session.add(vendor)
        session.flush()
        for tag in spec.get("tags", []):
            session.add(VendorTag(vendor_id=_id(vendor), tag=tag))
        vendors[spec["party"]] = vendor

    for spec in data.get("competitors", []):
        comp = Competitor(name=spec["name"], lei=spec.get("lei"),
                          party_id=_id(parties[spec["party"]]) if spec.get("party") else None)
        session.add(comp)
        session.flush()
        for aff in spec.get("affiliates", []):
            session.add(CompetitorAffiliate(
                competitor_id=_id(comp), name=aff["name"], lei=aff.get("lei"),
                party_id=parties[aff["party"]].id if aff.get("party") else None))

    interests = 0
    for spec in data.get("interests", []):
        session.add(Interest(
            interested_party_id=_id(parties[spec["holder"]]),
            subject_id=_id(parties[spec["subject"]]),
            interest_type=spec["type"],
            role_title=spec.get("role", ""),
            start_date=d(spec.get("start")),
            end_date=d(spec.get("end")),
            details=spec.get("details", ""),
            source=spec.get("source", "Vetta demo data"),
            beneficial_ownership_or_control=spec["type"] in ("shareholding", "voting_rights"),
            **_share_fields(spec),
        ))
        interests += 1

    for spec in data.get("contracts", []):
        fields = {k: v for k, v in spec.items() if k not in ("vendor", "signed", "start", "end", "value")}
        session.add(Contract(
            vendor_id=_id(vendors[spec["vendor"]]),
            signed_date=d(spec.get("signed")),
            start_date=d(spec.get("start")),
            end_date=d(spec.get("end")),
            value=Decimal(str(spec["value"])) if "value" in spec else None,
            **fields,
        ))
    for spec in data.get("certifications", []):
        session.add(Certification(
            vendor_id=_id(vendors[spec["vendor"]]), standard=spec["standard"], issuer=spec.get("issuer", ""),
            scope=spec.get("scope", ""), valid_from=d(spec.get("valid_from")), valid_until=d(spec.get("valid_until"))))
    for spec in data.get("commitments", []):
        session.add(Commitment(vendor_id=_id(vendors[spec["vendor"]]), kind=spec["kind"],
                               details=spec.get("details", "")))
    for spec in data.get("data_locations", []):
        session.add(DataLocation(vendor_id=_id(vendors[spec["vendor"]]), country=spec["country"],
                                 purpose=spec.get("purpose", "storage")))
    for spec in data.get("subprocessors", []):
        session.add(Subprocessor(
            vendor_id=_id(vendors[spec["vendor"]]), party_id=_id(parties[spec["party"]]),
            of_party_id=_id(parties[spec["of"]]) if spec.get("of") else None,
            service=spec.get("service", ""), accesses_customer_data=spec.get("accesses_customer_data", True),
            start_date=d(spec.get("start")), end_date=d(spec.get("end"))))
    session.flush()
    return DemoSummary(True, len(vendors), len(parties), interests,
                       f"Loaded the demo data: {len(vendors)} vendors, {len(parties)} parties, {interests} interests.")


def require_demo_file() -> Path:
    path = demo_file()
    if not path.is_file():
        raise UserError(tr("The demo data file {path} is missing from this installation.",
                           path=repr(str(path))))
    return path
