"""The sentence of each audit event (``Describer.describe``), its kind of change, and the batch entry points
``tell`` and ``describe_entries`` (one read transaction per batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from db.engine import read_session
from desktop.core.i18n import N_, ntr, tr
from desktop.core.ownership.model import ROLE_TYPES
from desktop.core.ownership.text import fmt_pct
from desktop.services.audit import AuditEntry
from desktop.services.history.fields import PERCENT_FIELDS, QUIET_FIELDS, _count, _quoted, field_label
from desktop.services.history.kinds import _TABLES_OF_KIND
from desktop.services.history.phrases import Phrases


class Describer(Phrases):
    """Sentences for audit entries, in ``lang``; one instance per batch (it caches names)."""

    # ------------------------------------------------------------------ sentences

    def kind(self, e: AuditEntry) -> str:
        """The kind of change (a key of KINDS), as ``kind_clause`` files it."""
        s = self.states.get(e.id, {})
        if e.record_type == "interest":
            return "people" if s.get("interest_type") in ROLE_TYPES else "ownership"
        if e.record_type == "party":
            return "people" if s.get("kind") == "person" else "vendor"
        return next((k for k, tables in _TABLES_OF_KIND.items() if e.record_type in tables), "")

    def describe(self, e: AuditEntry) -> str:
        text = self._describe(e)
        if text.endswith(".."):  # "... S.Coop.." after a name ending in a full stop
            text = text[:-1]
        if self.lang == "es":  # the sentence puts "de" / "a" before a phrase that starts with "el"
            text = text.replace(" de el ", " del ").replace(" a el ", " al ")
        return text

    def _describe(self, e: AuditEntry) -> str:
        s = self.states.get(e.id, {})
        lang, actor, table = self.lang, e.actor, e.record_type
        thing = self.thing(table, e.record_id, s)
        changes = [c for c in e.changes if c.field not in ("id",)]
        if e.action == "create":
            return self._created(e, s, thing)
        if e.action == "archive":
            return tr("{actor} archived {thing}.", lang, actor=actor, thing=thing)
        if e.action == "restore":
            return tr("{actor} restored {thing}.", lang, actor=actor, thing=thing)
        if e.action == "delete":
            if table == "vendor_tag":
                return tr("{actor} removed the tag “{tag}” from {vendor}.", lang, actor=actor, tag=s.get("tag", ""),
                          vendor=self.names.vendor(s.get("vendor_id")))
            return tr("{actor} deleted {thing}.", lang, actor=actor, thing=thing)
        if table == "assessment" and any(c.field == "status" for c in changes):
            status = str(s.get("status", ""))
            number = e.record_id
            sentence = {
                "in_review": N_("{actor} submitted assessment #{number} for approval."),
                "draft": N_("{actor} reopened assessment #{number}."),
                "approved": N_("{actor} approved assessment #{number}."),
                "approved_with_conditions": N_("{actor} approved assessment #{number} with conditions."),
                "rejected": N_("{actor} rejected assessment #{number}."),
            }.get(status)
            if sentence:
                return tr(sentence, lang, actor=actor, number=number)
        if table == "answer" and any(c.field == "value_json" for c in changes):
            return self._answered(e, s)
        shown = [c for c in changes if c.field not in QUIET_FIELDS] or changes
        if table == "interest" and shown and all(c.field in PERCENT_FIELDS for c in shown) and len(shown) == 1:
            c = shown[0]
            before, after = self.value(table, c.field, c.before, s), self.value(table, c.field, c.after, s)
            if s.get("start_date"):
                return tr("{actor} changed {thing} from {before} to {after} (effective {day}).", lang, actor=actor,
                          thing=thing, before=before, after=after,
                          day=self.value(table, "start_date", s["start_date"], s))
            return tr("{actor} changed {thing} from {before} to {after}.", lang, actor=actor, thing=thing,
                      before=before, after=after)
        if table == "organisation":
            parts = "; ".join(self._change(table, c.field, c.before, c.after, s) for c in shown)
            return tr("{actor} changed the settings: {changes}.", lang, actor=actor, changes=parts)
        if len(shown) == 1:
            c = shown[0]
            label = field_label(table, c.field, lang)
            before, after = self.value(table, c.field, c.before, s), self.value(table, c.field, c.after, s)
            if c.before is None or c.before == "":
                return tr("{actor} set {field} of {thing} to {after}.", lang, actor=actor, field=label, thing=thing,
                          after=after)
            if c.after is None or c.after == "":
                return tr("{actor} cleared {field} of {thing} (it was {before}).", lang, actor=actor, field=label,
                          thing=thing, before=before)
            return tr("{actor} changed {field} of {thing} from {before} to {after}.", lang, actor=actor, field=label,
                      thing=thing, before=before, after=after)
        if not shown:
            return tr("{actor} saved {thing} without changes.", lang, actor=actor, thing=thing)
        parts = "; ".join(self._change(table, c.field, c.before, c.after, s) for c in shown)
        return tr("{actor} changed {thing}: {changes}.", lang, actor=actor, thing=thing, changes=parts)

    def _change(self, table: str, name: str, before: Any, after: Any, s: dict[str, Any]) -> str:
        lang = self.lang
        label = field_label(table, name, lang)
        if before is None or before == "":
            return tr("{field} set to {after}", lang, field=label, after=self.value(table, name, after, s))
        if after is None or after == "":
            return tr("{field} cleared (it was {before})", lang, field=label, before=self.value(table, name, before, s))
        return tr("{field} from {before} to {after}", lang, field=label, before=self.value(table, name, before, s),
                  after=self.value(table, name, after, s))

    def _created(self, e: AuditEntry, s: dict[str, Any], thing: str) -> str:
        lang, actor, table = self.lang, e.actor, e.record_type
        if table == "assessment":
            return tr("{actor} started assessment #{number} of {vendor}.", lang, actor=actor, number=e.record_id,
                      vendor=self.names.vendor(s.get("vendor_id")))
        if table == "answer":
            question, number = s.get("question_key", "?"), s.get("assessment_id", "?")
            if s.get("value_json") is not None:
                return self._answered(e, s)
            if s.get("suggested_json") is not None:
                return tr("{actor} added {question} to assessment #{number}; the rules suggest {value}.", lang,
                          actor=actor, question=question, number=number,
                          value=self.answer_value(s["suggested_json"], s))
            return tr("{actor} added {question} to assessment #{number}, not answered yet.", lang, actor=actor,
                      question=question, number=number)
        if table == "signoff":
            decision = self.value(table, "decision", s.get("decision"), s)
            conditions = _count(s.get("conditions_json", "[]"))
            if conditions:
                return tr("{actor} signed the decision on assessment #{number}: {decision}, {conditions}.", lang,
                          actor=actor, number=s.get("assessment_id", "?"), decision=decision,
                          conditions=ntr("{n} condition", "{n} conditions", conditions, lang))
            return tr("{actor} signed the decision on assessment #{number}: {decision}.", lang, actor=actor,
                      number=s.get("assessment_id", "?"), decision=decision)
        if table == "vendor_tag":
            return tr("{actor} tagged {vendor} “{tag}”.", lang, actor=actor, vendor=self.names.vendor(s.get("vendor_id")),
                      tag=s.get("tag", ""))
        if table == "competitor_match":
            party, watch = self.names.party(s.get("party_id")), s.get("watch_name", "")
            if s.get("status") == "confirmed":
                return tr("{actor} confirmed that {party} is the competitor {watch}.", lang, actor=actor, party=party,
                          watch=watch)
            return tr("{actor} decided that {party} is not the competitor {watch}.", lang, actor=actor, party=party,
                      watch=watch)
        if table == "organisation":
            return tr("{actor} created the settings of {name}.", lang, actor=actor, name=s.get("name", ""))
        details: list[str] = []
        if table == "interest":
            if s.get("interest_type") in ("shareholding", "voting_rights"):
                if s.get("share_exact") is not None:
                    details.append(self.value(table, "share_exact", s["share_exact"], s))
                elif s.get("share_min") is not None or s.get("share_max") is not None:
                    high = s.get("share_max")
                    details.append(tr("{low} to {high}", lang, low=fmt_pct(float(s.get("share_min") or 0.0), lang),
                                      high=fmt_pct(100.0 if high is None else float(high), lang)))
            if s.get("start_date"):
                details.append(tr("from {day}", lang, day=self.value(table, "start_date", s["start_date"], s)))
            if s.get("end_date"):
                details.append(tr("until {day}", lang, day=self.value(table, "end_date", s["end_date"], s)))
        elif table == "contract":
            if s.get("reference"):
                details.append(str(s["reference"]))
            for key, word in (("start_date", N_("from {day}")), ("end_date", N_("until {day}"))):
                if s.get(key):
                    details.append(tr(word, lang, day=self.value(table, key, s[key], s)))
        elif table == "certification":
            if s.get("valid_until"):
                details.append(tr("valid until {day}", lang, day=self.value(table, "valid_until", s["valid_until"], s)))
        if details:
            return tr("{actor} added {thing} ({details}).", lang, actor=actor, thing=thing, details=", ".join(details))
        return tr("{actor} added {thing}.", lang, actor=actor, thing=thing)

    def _answered(self, e: AuditEntry, s: dict[str, Any]) -> str:
        lang, actor = self.lang, e.actor
        question = s.get("question_key", "?")
        change = next((c for c in e.changes if c.field == "value_json"), None)
        before = change.before if change is not None else None
        after = change.after if change is not None else s.get("value_json")
        if after is None:
            text = tr("{actor} withdrew the answer to {question}.", lang, actor=actor, question=question)
        elif before is None and s.get("source") == "rule" and e.action == "create":
            text = tr("The rules answered {question} {value} when {actor} started assessment #{number}.", lang,
                      question=question, value=self.answer_value(after, s), actor=actor,
                      number=s.get("assessment_id", "?"))
        elif before is None and s.get("source") == "vendor":
            text = tr("{actor} recorded the vendor's answer to {question}: {value}.", lang, actor=actor,
                      question=question, value=self.answer_value(after, s))
        elif before is None:
            text = tr("{actor} answered {question} {value}.", lang, actor=actor, question=question,
                      value=self.answer_value(after, s))
        else:
            text = tr("{actor} changed the answer to {question} from {before} to {after}.", lang, actor=actor,
                      question=question, before=self.answer_value(before, s), after=self.answer_value(after, s))
        justification = next((c.after for c in e.changes if c.field == "justification"), None)
        if justification:
            text += " " + tr("Justification: {text}.", lang, text=_quoted(str(justification), lang))
        return text


@dataclass(frozen=True)
class Told:
    """An audit event as a reader sees it."""

    summary: str
    kind: str  # a key of KINDS ('' for none)


def tell(engine: Engine, entries: list[AuditEntry], lang: str = "en") -> dict[int, Told]:
    """Event id -> its sentence and kind of change, in ``lang`` (one read transaction for the batch)."""
    if not entries:
        return {}
    with read_session(engine) as session:
        describer = Describer(session, lang)
        describer.load_states(entries)
        return {e.id: Told(describer.describe(e), describer.kind(e)) for e in entries}


def describe_entries(engine: Engine, entries: list[AuditEntry], lang: str = "en") -> dict[int, str]:
    """Event id -> the sentence a reader sees, in ``lang``."""
    return {event_id: told.summary for event_id, told in tell(engine, entries, lang).items()}
