"""Names of records by table and id for the sentences of the trail: as they are now in the database, else as
the trail last recorded them (a row that is gone is still named).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from db.models import Assessment, AuditEvent, ChecklistQuestion, Party, Vendor


@dataclass
class _Names:
    """Names of records by table and id: as they are now, else as the trail last recorded them."""

    session: Session
    cache: dict[tuple[str, int], str] = field(default_factory=dict)
    questions: dict[tuple[Any, str], Any] = field(default_factory=dict)

    def _from_trail(self, table: str, rid: int, fields: tuple[str, ...]) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for changes in self.session.exec(select(col(AuditEvent.changes_json)).where(
                col(AuditEvent.record_type) == table, col(AuditEvent.record_id) == rid).order_by(col(AuditEvent.seq))):
            for key, pair in _parse(changes).items():
                if key in fields and isinstance(pair, list) and len(pair) == 2:
                    state[key] = pair[1] if pair[1] is not None else pair[0]
        return state

    def party(self, pid: Any) -> str:
        if not isinstance(pid, int):
            return "?"
        key = ("party", pid)
        if key not in self.cache:
            row = self.session.get(Party, pid)
            name = row.name if row is not None else self._from_trail("party", pid, ("name",)).get("name")
            self.cache[key] = str(name) if name else f"#{pid}"
        return self.cache[key]

    def vendor(self, vid: Any) -> str:
        if not isinstance(vid, int):
            return "?"
        key = ("vendor", vid)
        if key not in self.cache:
            row = self.session.get(Vendor, vid)
            party = row.party_id if row is not None else self._from_trail("vendor", vid, ("party_id",)).get("party_id")
            self.cache[key] = self.party(party) if party is not None else f"#{vid}"
        return self.cache[key]

    def simple(self, table: str, model: Any, rid: Any, attr: str) -> str:
        if not isinstance(rid, int):
            return "?"
        key = (table, rid)
        if key not in self.cache:
            row = self.session.get(model, rid)
            value = getattr(row, attr) if row is not None else self._from_trail(table, rid, (attr,)).get(attr)
            self.cache[key] = str(value) if value else f"#{rid}"
        return self.cache[key]

    def question(self, assessment_id: Any, question_key: str) -> Any:
        """The checklist question of an assessment's template (for option labels), or None."""
        key = (assessment_id, question_key)
        if key not in self.questions:
            self.questions[key] = self._load_question(assessment_id, question_key)
        return self.questions[key]

    def _load_question(self, assessment_id: Any, question_key: str) -> Any:
        from desktop.core.checklist.schema import Question

        assessment = self.session.get(Assessment, assessment_id) if isinstance(assessment_id, int) else None
        if assessment is None:
            return None
        row = self.session.exec(select(ChecklistQuestion).where(
            col(ChecklistQuestion.template_id) == assessment.template_id,
            col(ChecklistQuestion.key) == question_key)).first()
        try:
            return Question.model_validate_json(row.definition_json) if row is not None else None
        except ValueError:
            return None


def _parse(changes_json: str) -> dict[str, Any]:
    try:
        raw = json.loads(changes_json)
    except ValueError:
        return {}
    return raw if isinstance(raw, dict) else {}
