"""The parts of a sentence of the trail: the state of each event's record right after it (replayed from the
trail), a field's value for a reader, and the record as a noun phrase (``Phrases``; ``Describer`` in
``sentences`` builds the sentences on it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import AuditEvent, ChecklistTemplate, Competitor, Contract, EvidenceFile, SigningIdentity
from desktop.core.i18n import format_date, format_number, ntr, tr
from desktop.core.ownership.model import ROLE_TYPES
from desktop.core.ownership.text import fmt_pct
from desktop.services.audit import AuditEntry
from desktop.services.history.fields import (
    DATE_FIELDS,
    ENUM_VALUES,
    PERCENT_FIELDS,
    TIME_FIELDS,
    _count,
    _quoted,
    _size,
)
from desktop.services.history.names import _Names, _parse


class Phrases:
    """Record states, values and record names for the sentences of one batch, in ``lang`` (it caches names)."""

    def __init__(self, session: Session, lang: str) -> None:
        self.lang = lang
        self.names = _Names(session)
        self.states: dict[int, dict[str, Any]] = {}  # event id -> the record after the event

    # ------------------------------------------------------------------ record states

    def load_states(self, entries: Iterable[AuditEntry]) -> None:
        """The state of each entry's record right after it (one query per record type)."""
        wanted: dict[str, set[int]] = {}
        upto = 0
        for e in entries:
            if e.record_id is not None:
                wanted.setdefault(e.record_type, set()).add(e.record_id)
            upto = max(upto, e.seq)
        ids_by_seq: dict[tuple[str, int, int], dict[str, Any]] = {}
        for table, ids in wanted.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                rows = self.names.session.exec(select(
                    col(AuditEvent.record_id), col(AuditEvent.seq), col(AuditEvent.action),
                    col(AuditEvent.changes_json)).where(
                    col(AuditEvent.record_type) == table, col(AuditEvent.record_id).in_(ordered[start:start + 500]),
                    col(AuditEvent.seq) <= upto).order_by(col(AuditEvent.record_id), col(AuditEvent.seq)))
                state: dict[str, Any] = {}
                current: int | None = None
                for rid, seq, action, changes in rows:
                    if rid != current:
                        state, current = {}, rid
                    for key, pair in _parse(changes).items():
                        if not (isinstance(pair, list) and len(pair) == 2):
                            continue
                        if action == "delete":  # the row is gone: keep what it held, to name it
                            state.setdefault(key, pair[0])
                        else:
                            state[key] = pair[1]
                    ids_by_seq[(table, int(rid or 0), int(seq))] = dict(state)
        for e in entries:
            if e.record_id is not None:
                self.states[e.id] = ids_by_seq.get((e.record_type, e.record_id, e.seq), {})
            else:
                self.states[e.id] = {c.field: (c.after if c.after is not None else c.before) for c in e.changes}

    # ------------------------------------------------------------------ values

    def value(self, table: str, name: str, value: Any, state: dict[str, Any]) -> str:
        """A field's value for a reader."""
        lang = self.lang
        if value is None or value == "":
            return tr("(empty)", lang)
        if isinstance(value, dict) and "sha256" in value:
            return tr("a file of {size}", lang, size=_size(value.get("size"), lang))
        if isinstance(value, bool):
            return tr("yes", lang) if value else tr("no", lang)
        if name in PERCENT_FIELDS and isinstance(value, int | float):
            return fmt_pct(float(value), lang)
        if name in DATE_FIELDS and isinstance(value, str):
            try:
                return format_date(date.fromisoformat(value[:10]), lang)
            except ValueError:
                return value
        if name in TIME_FIELDS and isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return tr("{day} at {time} UTC", lang, day=format_date(moment.date(), lang), time=f"{moment:%H:%M}")
        enum = ENUM_VALUES.get(f"{table}.{name}") or ENUM_VALUES.get(name)
        if enum is not None and isinstance(value, str):
            return tr(enum[value], lang) if value in enum else value
        if name in ("interested_party_id", "subject_id", "party_id", "of_party_id"):
            return self.names.party(value)
        if name == "vendor_id":
            return self.names.vendor(value)
        if name == "competitor_id":
            return self.names.simple("competitor", Competitor, value, "name")
        if name == "contract_id":
            return self.names.simple("contract", Contract, value, "title")
        if name == "evidence_id":
            return self.names.simple("evidence_file", EvidenceFile, value, "filename")
        if name == "identity_id":
            return self.names.simple("signing_identity", SigningIdentity, value, "name")
        if name == "template_id":
            title = "title_es" if lang == "es" else "title_en"
            return self.names.simple("checklist_template", ChecklistTemplate, value, title)
        if name in ("assessment_id", "previous_id") and isinstance(value, int):
            return tr("assessment #{number}", lang, number=value)
        if name == "findings_json":
            return ntr("{n} finding", "{n} findings", _count(value), lang)
        if name == "facts_json":
            return ntr("{n} fact", "{n} facts", _count(value), lang)
        if name == "conditions_json":
            return ntr("{n} condition", "{n} conditions", _count(value), lang)
        if name in ("value_json", "suggested_json"):
            return self.answer_value(value, state)
        if name in ("definition_json", "source_yaml", "chain_pem", "suggestion_explanation"):
            return tr("a new text", lang)
        if name in ("size", "evidence_max_bytes") and isinstance(value, int):
            return _size(value, lang)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value, lang)
        if isinstance(value, str):
            return _quoted(value, lang) if name in ("notes", "details", "justification", "rationale",
                                                    "description", "services", "scope", "service") else value
        return _quoted(json.dumps(value, ensure_ascii=False), lang)

    def answer_value(self, raw: Any, state: dict[str, Any]) -> str:
        """An answer as the reader chose it: “No”, “ISO/IEC 27001”, “24”."""
        try:
            value = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            value = raw
        question = self.names.question(state.get("assessment_id"), str(state.get("question_key", "")))
        values = value if isinstance(value, list) else [value]
        words = []
        for v in values:
            if question is not None and isinstance(v, str):
                words.append(question.option_label(v, self.lang))
            elif isinstance(v, str):
                from desktop.core.checklist.schema import yes_no_label

                words.append(yes_no_label(v, self.lang))
            elif isinstance(v, int | float) and not isinstance(v, bool):
                words.append(format_number(v, self.lang))
            else:
                words.append(str(v))
        return _quoted(", ".join(words), self.lang)

    # ------------------------------------------------------------------ naming records

    def thing(self, table: str, rid: int | None, s: dict[str, Any]) -> str:
        """The record as a noun phrase: "Contoso Ventures LLC's shareholding in Scalewise Data Inc."."""
        lang, n = self.lang, self.names
        if table == "interest":
            holder, subject = n.party(s.get("interested_party_id")), n.party(s.get("subject_id"))
            kind = str(s.get("interest_type", ""))
            if kind == "shareholding":
                return tr("{holder}'s shareholding in {subject}", lang, holder=holder, subject=subject)
            if kind == "voting_rights":
                return tr("{holder}'s voting rights in {subject}", lang, holder=holder, subject=subject)
            if kind in ROLE_TYPES:
                role = s.get("role_title") or tr(ENUM_VALUES["interest_type"][kind], lang)
                return tr("{holder}'s role as {role} at {subject}", lang, holder=holder, role=role, subject=subject)
            label = ENUM_VALUES["interest_type"].get(kind)
            return tr("{holder}'s interest in {subject} ({type})", lang, holder=holder, subject=subject,
                      type=tr(label, lang) if label else kind)
        if table == "party":
            name = s.get("name") or n.party(rid)
            return tr("the person {name}", lang, name=name) if s.get("kind") == "person" else \
                tr("the company {name}", lang, name=name)
        if table == "vendor":
            return tr("the vendor {name}", lang, name=n.party(s.get("party_id")))
        if table == "party_alias":
            return tr("the other name “{alias}” of {party}", lang, alias=s.get("name", ""),
                      party=n.party(s.get("party_id")))
        if table == "party_identifier":
            return tr("the identifier {scheme} {value} of {party}", lang, scheme=s.get("scheme", ""),
                      value=s.get("value", ""), party=n.party(s.get("party_id")))
        if table == "contract":
            kind = self.value("contract", "kind", s.get("kind"), s)
            if kind[1:2].islower():  # "Contrato marco de servicios (MSA)" inside a sentence
                kind = kind[:1].lower() + kind[1:]
            if s.get("title"):
                return tr("the {kind} “{title}” of {vendor}", lang, kind=kind, title=s["title"],
                          vendor=n.vendor(s.get("vendor_id")))
            return tr("the {kind} of {vendor}", lang, kind=kind, vendor=n.vendor(s.get("vendor_id")))
        if table == "certification":
            return tr("the certificate “{standard}” of {vendor}", lang, standard=s.get("standard", ""),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "commitment":
            return tr("the guarantee “{kind}” of {vendor}", lang, kind=self.value("commitment", "kind",
                                                                                 s.get("kind"), s),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "data_location":
            return tr("the data location {country} ({purpose}) of {vendor}", lang, country=s.get("country", ""),
                      purpose=self.value("data_location", "purpose", s.get("purpose", "storage"), s),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "subprocessor":
            return tr("the subprocessor {party} of {vendor}", lang, party=n.party(s.get("party_id")),
                      vendor=n.vendor(s.get("vendor_id")))
        if table == "competitor":
            return tr("the competitor {name}", lang, name=s.get("name") or f"#{rid}")
        if table == "competitor_affiliate":
            return tr("the affiliate {name} of the competitor {competitor}", lang, name=s.get("name", ""),
                      competitor=self.value("competitor_affiliate", "competitor_id", s.get("competitor_id"), s))
        if table == "evidence_file":
            return tr("the file “{name}”", lang, name=s.get("filename") or f"#{rid}")
        if table == "evidence_link":
            target = s.get("record_type", "")
            return tr("the link of the file “{name}” to {record}", lang,
                      name=n.simple("evidence_file", EvidenceFile, s.get("evidence_id"), "filename"),
                      record=tr("{kind} #{number}", lang, kind=tr(str(target).replace("_", " "), lang),
                                number=s.get("record_id", "?")))
        if table == "assessment":
            return tr("assessment #{number}", lang, number=rid)
        if table == "answer":
            return tr("the answer to {question} in assessment #{number}", lang, question=s.get("question_key", "?"),
                      number=s.get("assessment_id", "?"))
        if table == "signoff":
            return tr("the sign-off of assessment #{number}", lang, number=s.get("assessment_id", "?"))
        if table == "signing_identity":
            return tr("the signing identity {name}", lang, name=s.get("name") or f"#{rid}")
        if table == "trust_root":
            return tr("the trusted certificate {name}", lang, name=s.get("subject") or f"#{rid}")
        if table == "checklist_template":
            title = s.get("title_es" if lang == "es" else "title_en") or s.get("key", "")
            return tr("the checklist template “{title}” (version {version})", lang, title=title,
                      version=s.get("version", 1))
        if table == "checklist_question":
            return tr("the question {key} of a checklist template", lang, key=s.get("key", "?"))
        if table == "vendor_tag":
            return tr("the tag “{tag}” of {vendor}", lang, tag=s.get("tag", ""), vendor=n.vendor(s.get("vendor_id")))
        if table == "organisation":
            return tr("the settings", lang)
        kind_words = tr(table.replace("_", " "), lang)
        return tr("{kind} #{number}", lang, kind=kind_words, number=rid) if rid is not None else kind_words
