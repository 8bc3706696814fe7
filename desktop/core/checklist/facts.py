"""The facts auto-rules may use: their paths, types and meaning.

``desktop.services.facts.build_facts`` derives them from the database; rules name them by path
(``contracts.audit_rights``). A rule naming a path not listed here is refused when the template
is loaded, so a typo cannot silently disable a rule. A fact whose value is unknown is ``None``;
every comparison with an unknown fact is false, so a rule never suggests on missing data.
"""

from __future__ import annotations

from typing import Any

# path -> (type, description)
FACT_PATHS: dict[str, tuple[str, str]] = {
    "vendor.name": ("text", "the vendor's name"),
    "vendor.tier": ("text", "criticality tier: critical, high, medium, low"),
    "vendor.country": ("text", "the vendor's country (ISO 3166-1 alpha-2)"),
    "as_of": ("date", "the date the facts describe"),
    "contracts.active_count": ("number", "contracts in force on the date"),
    "contracts.change_of_control_termination": ("bool", "an active contract lets us terminate on change of control"),
    "contracts.ownership_change_notice": ("bool", "an active contract obliges the vendor to notify ownership changes"),
    "contracts.audit_rights": ("bool", "an active contract grants us audit rights"),
    "contracts.exclusivity": ("bool", "an active contract contains an exclusivity clause"),
    "contracts.data_use_restriction": ("bool", "an active contract restricts the use of our data"),
    "contracts.deletion_on_termination": ("bool", "an active contract requires deletion or return at exit"),
    "contracts.min_breach_notice_hours": ("number", "the shortest breach-notification time in active contracts"),
    "certs.soc2_type2_valid": ("bool", "a SOC 2 Type II report valid on the date"),
    "certs.soc2_type2_days_to_expiry": ("number", "days until the valid SOC 2 Type II report expires"),
    "certs.iso27001_valid": ("bool", "an ISO/IEC 27001 certificate valid on the date"),
    "certs.iso27001_days_to_expiry": ("number", "days until the valid ISO/IEC 27001 certificate expires"),
    "certs.iso42001_valid": ("bool", "an ISO/IEC 42001 certificate valid on the date"),
    "certs.iso42001_days_to_expiry": ("number", "days until the valid ISO/IEC 42001 certificate expires"),
    "certs.security_valid": ("bool", "SOC 2 Type II or ISO/IEC 27001 valid on the date"),
    "certs.security_days_to_expiry": ("number", "days until the last valid security attestation expires"),
    "certs.valid": ("list", "standards of the certifications valid on the date"),
    "commitments.kinds": ("list", "kinds of commitment in force"),
    "commitments.logical_segregation": ("bool", "logical segregation committed"),
    "commitments.staff_segregation": ("bool", "staff segregation committed"),
    "commitments.information_barrier": ("bool", "information barrier toward investors committed"),
    "commitments.encryption_at_rest": ("bool", "encryption at rest committed"),
    "commitments.encryption_in_transit": ("bool", "encryption in transit committed"),
    "commitments.data_residency": ("bool", "data residency committed"),
    "commitments.no_training_on_customer_data": ("bool", "no training on our data committed"),
    "commitments.access_logging": ("bool", "access logging committed"),
    "commitments.non_preference": ("bool", "written non-preference commitment"),
    "data.countries": ("list", "countries where our data is stored or processed"),
    "data.location_count": ("number", "number of recorded data locations"),
    "data.outside_eea": ("bool", "some data is stored or processed outside the EEA"),
    "data.outside_eea_countries": ("list", "countries outside the EEA"),
    "subprocessors.count": ("number", "subprocessors in force on the date"),
    "subprocessors.names": ("list", "their names"),
    "subprocessors.analysed": ("bool", "the ownership of every subprocessor was analysed"),
    "subprocessors.competitor_linked": ("bool", "a subprocessor is owned, controlled or staffed by a competitor"),
    "subprocessors.competitor_linked_names": ("list", "those subprocessors at any depth, with their chain and the competitor"),
    "subprocessors.fourth_parties": ("list", "subprocessors of subprocessors (at any depth), with their chain"),
    "ownership.analysed": ("bool", "the ownership analysis ran"),
    "ownership.competitor_max_economic": ("number", "highest economic share (%) any competitor group may hold"),
    "ownership.competitor_max_voting": ("number", "highest voting share (%) any competitor group may hold"),
    "ownership.competitor_controls": ("bool", "a competitor controls the vendor"),
    "ownership.competitor_board_seats": ("number", "board seats held or appointed by competitors"),
    "ownership.competitors": ("list", "competitors present in the ownership web"),
    "ownership.findings": ("list", "codes of the ownership analysis findings"),
    "ownership.finding_messages": ("list", "messages of the blocker and major ownership findings"),
    "ownership.unknown_share": ("bool", "some share in the chain is unknown or a range"),
    "ownership.recent_change": ("bool", "the ownership changed recently"),
    "ownership.unidentified_owners": ("list", "entities with a significant stake whose owners are not recorded and that are not listed"),
    "ownership.owners_identified": ("bool", "every share is known and every significant owner is identified down to natural persons or listed companies"),
    "people.competitor_ties": ("number", "people who moved between the vendor and a competitor"),
    "people.tie_messages": ("list", "descriptions of those moves"),
    "people.competitor_linked": ("number", "people in the vendor's web who hold a role at a competitor on the date"),
    "people.competitor_linked_names": ("list", "those people, with their roles at the competitor"),
    "people.tied_board_members": ("number", "people who moved to a competitor and still sit on the vendor's board"),
}


def lookup(facts: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or None when any part is missing."""
    node: Any = facts
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def put(facts: dict[str, Any], path: str, value: Any) -> None:
    node = facts
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def flatten(facts: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out
