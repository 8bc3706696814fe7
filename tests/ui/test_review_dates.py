"""One next-review date everywhere (issue 15.9, 16.2): after approved, approved-with-conditions and
rejected decisions, the register, the vendor editor's Assessments tab, Home's data, the report model and
`vetta assessment show --json` all give the date sign-off stored (and none after a rejection)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from PySide6.QtCore import Qt

from db.engine import read_session
from db.models import Assessment
from desktop.core.dates import add_months
from desktop.services.dashboard import dashboard
from desktop.services.identities import new_identity
from desktop.services.register import RegisterQuery, register_rows
from desktop.services.reports import build_report_model
from desktop.services.signoff import approve
from desktop.ui.assessments_tab import AssessmentsModel
from tests.e2e.conftest import vetta  # noqa: F401  (the real `vetta` program, as in tests/e2e)
from tests.unit.test_report_builder import CANNED_OWNERSHIP, make_assessment

DUE = (date.today() + timedelta(days=180)).isoformat()
DECISIONS = {
    "Approved Vendor Inc.": ("approved", {}),
    "Conditional Vendor Inc.": ("approved-with-conditions",
                                {"conditions": [{"text": "Divest.", "owner": "Legal", "due": DUE}]}),
    "Rejected Vendor Inc.": ("rejected", {}),
}


def test_every_screen_gives_the_stored_next_review(qtbot, sqlite_engine, sqlite_url, vetta) -> None:  # noqa: F811
    engine = sqlite_engine
    new_identity(engine, "Alice Approver", actor="Alice Approver")
    built = {}
    for name, (decision, extra) in DECISIONS.items():
        b = make_assessment(engine, vendor_name=name, tier="high", n_evidence=1)
        approve(engine, b.assessment_id, identity="Alice Approver", approver="Alice Approver", decision=decision,
                ownership=CANNED_OWNERSHIP, **extra)
        built[name] = b
    year = add_months(date.today(), 12)  # a high-tier vendor: 12 months
    expected = {"Approved Vendor Inc.": year, "Conditional Vendor Inc.": year, "Rejected Vendor Inc.": None}

    register = {r.name: r.next_review_due for r in register_rows(engine, RegisterQuery())}
    home = {i.vendor_name: i.due for i in dashboard(engine, today=year - timedelta(days=1)).reviews}
    for name, b in built.items():
        with read_session(engine) as s:
            stored = s.get(Assessment, b.assessment_id).next_review_due
        assert stored == expected[name], name
        assert register[name] == expected[name], name
        assert home.get(name) == expected[name], name  # Home lists the vendor's one review, or none
        tab = AssessmentsModel(engine, b.vendor_id)
        header = [tab.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.columnCount())]
        shown = tab.index(0, header.index("Next review")).data()
        assert shown == (expected[name].isoformat() if expected[name] else "—"), name
        model = build_report_model(engine, b.assessment_id, "en", ownership=CANNED_OWNERSHIP)
        assert model.next_review_due == (expected[name].isoformat() if expected[name] else ""), name
        r = vetta("--db", sqlite_url, "assessment", "show", str(b.assessment_id), "--json")
        assert r.returncode == 0, r.stderr
        shown_cli = json.loads(r.stdout)["next_review_due"]
        assert shown_cli == (expected[name].isoformat() if expected[name] else None), name
