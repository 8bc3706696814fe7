"""Helpers for the assessment tests: canned ownership analyses of the demo vendors and passing answers.

The canned analyses follow exactly the documented shape of ``desktop.services.ownership.analyze``;
they stand in for it until that module is merged (tests/db/test_assessment_demo_outcomes.py uses
the real one).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from db.engine import read_session
from db.models import Party
from desktop.core.checklist import Question, load_template_file
from desktop.core.checklist.scoring import outcome

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "resources" / "checklists" / "ai-data-vendor-neutrality.yaml"


def empty_analysis(party_id: int, name: str, as_of: date | None) -> dict[str, Any]:
    return {"subject": {"id": party_id, "name": name}, "as_of": as_of, "thresholds": {}, "parties": [],
            "competitor_groups": [], "people_ties": [], "findings": []}


def scalewise_analysis(party_id: int, as_of: date | None) -> dict[str, Any]:
    a = empty_analysis(party_id, "Scalewise Data Inc.", as_of)
    a["parties"] = [{"id": 2, "name": "Contoso Ventures LLC", "kind": "entity", "economic": [49.0, 49.0],
                     "voting": [0.0, 0.0], "controls": False, "competitor": True,
                     "competitor_group": "Contoso Platforms Inc.", "paths": []}]
    a["competitor_groups"] = [{"competitor": "Contoso Platforms Inc.", "economic": [49.0, 49.0],
                               "voting": [0.0, 0.0], "controls": False, "board_seats": 0,
                               "members": ["Contoso Ventures LLC"]}]
    a["people_ties"] = [{"person": "Alex Marlow", "vendor_role": "Chief Executive Officer",
                         "competitor": "Contoso Platforms Inc.", "competitor_role": "Chief AI Officer",
                         "gap_days": 1, "message": "Alex Marlow left Scalewise Data Inc. as Chief Executive Officer "
                         "on 2025-06-12 and became Chief AI Officer of Contoso Platforms Inc. 1 day later."}]
    a["findings"] = [
        {"severity": "blocker", "code": "COMPETITOR_ECONOMIC_STAKE", "message": "Contoso Platforms Inc. holds 49% "
         "of the economic interest through Contoso Ventures LLC.", "parties": [], "threshold": 20, "as_of": as_of},
        {"severity": "blocker", "code": "PEOPLE_TIE_COMPETITOR", "message": "CEO moved to Contoso.",
         "parties": [], "threshold": None, "as_of": as_of},
        {"severity": "major", "code": "RECENT_OWNERSHIP_CHANGE", "message": "New shareholder on 2025-06-13.",
         "parties": [], "threshold": None, "as_of": as_of},
    ]
    return a


def quillstream_analysis(party_id: int, as_of: date | None) -> dict[str, Any]:
    a = empty_analysis(party_id, "Quillstream Transcription Ltd", as_of)
    a["competitor_groups"] = [{"competitor": "Fabrikam AI Ltd", "economic": [60.0, 60.0], "voting": [60.0, 60.0],
                               "controls": True, "board_seats": 0, "members": ["Fabrikam Labs GmbH"]}]
    a["findings"] = [{"severity": "blocker", "code": "COMPETITOR_CONTROL", "message": "Fabrikam controls it.",
                      "parties": [], "threshold": 50, "as_of": as_of}]
    return a


def canned_analyze(engine: Engine, subject: int | str, as_of: date | None) -> dict[str, Any]:
    with read_session(engine) as session:
        party = session.get(Party, int(subject))
        assert party is not None
        name = party.name
    if name.startswith("Scalewise"):
        return scalewise_analysis(int(subject), as_of)
    if name.startswith("Quillstream"):
        return quillstream_analysis(int(subject), as_of)
    return empty_analysis(int(subject), name, as_of)


def default_template():
    return load_template_file(DEFAULT)[0]


def passing_value(q: Question) -> Any:
    """A value for ``q`` whose outcome is pass (what a clean vendor would answer)."""
    candidates: list[Any]
    if q.answer_type == "yes_no_partial_na":
        candidates = ["no", "yes"]
    elif q.answer_type == "single_choice":
        candidates = [o.value for o in q.options]
    elif q.answer_type == "multiple_choice":
        candidates = [[o.value] for o in q.options]
    elif q.answer_type == "number":
        candidates = [24, 1, 100]
    elif q.answer_type == "date":
        candidates = ["2025-01-15"]
    else:
        candidates = ["Documented in the vendor file."]
    for c in candidates:
        if outcome(q, c) == "pass":
            return c
    raise AssertionError(f"no passing value for {q.id}")
