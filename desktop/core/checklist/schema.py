"""Checklist templates: the pydantic schema and answer values.

A template has an ``id``, a ``version``, bilingual titles and sections of questions. Each question
says how it is answered (``answer_type``), how much it weighs, how severe a failure is, whether it
is required, needs evidence or goes to the vendor, which standards it draws on, what counts as a
failing answer (``fail_if`` or ``pass_if``), what is wrong when it fails (``finding``, a plain
statement; ``{answer}`` in it stands for the answer given) and, optionally, an auto-rule (see rules.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from desktop.core.errors import ValidationError
from desktop.core.i18n import N_, tr

ANSWER_TYPES = ("yes_no_partial_na", "single_choice", "multiple_choice", "number", "date", "text")
SEVERITIES = ("blocker", "major", "minor", "info")
YES_NO_VALUES = ("yes", "no", "partial", "na")
# English labels of the yes/no answers, translated where they are shown (yes_no_label).
YES_NO_LABELS = {"yes": N_("Yes"), "no": N_("No"), "partial": N_("Partially"), "na": N_("Not applicable")}
# Words accepted for yes/no/partial/not applicable, in English and Spanish.
_YES_NO_ALIASES = {
    "yes": "yes", "y": "yes", "si": "yes", "sí": "yes", "true": "yes",
    "no": "no", "n": "no", "false": "no",
    "partial": "partial", "partially": "partial", "parcial": "partial", "parcialmente": "partial",
    "na": "na", "n/a": "na", "not applicable": "na", "no aplica": "na", "not_applicable": "na",
}
IDENT = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"



def yes_no_label(value: str, lang: str | None = None) -> str:
    """A yes/no/partial/na answer in words, in ``lang`` (default: the current language)."""
    return tr(YES_NO_LABELS[value], lang) if value in YES_NO_LABELS else value

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in English and Spanish."""

    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


class Option(Strict):
    value: str = Field(pattern=IDENT)
    label: Text

    @field_validator("value", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        return ("yes" if value else "no") if isinstance(value, bool) else value


class Threshold(Strict):
    """Numeric or date comparison: the answer fails (fail_if) or passes (pass_if) when it holds."""

    lt: float | date | None = None
    le: float | date | None = None
    gt: float | date | None = None
    ge: float | date | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> Threshold:
        if all(v is None for v in (self.lt, self.le, self.gt, self.ge)):
            raise ValueError("give at least one of lt, le, gt, ge")
        return self

    def holds(self, value: float | date) -> bool:
        checks = (("lt", lambda a, b: a < b), ("le", lambda a, b: a <= b),
                  ("gt", lambda a, b: a > b), ("ge", lambda a, b: a >= b))
        for name, fn in checks:
            bound = getattr(self, name)
            if bound is None:
                continue
            if type(bound) is not type(value) and not (
                isinstance(bound, int | float) and isinstance(value, int | float)
            ):
                return False
            if not fn(value, bound):
                return False
        return True


class AutoRule(Strict):
    """When ``when`` holds over the facts, suggest ``answer`` with ``explain``."""

    when: dict[str, Any]
    answer: Any = None
    answer_fact: str | None = None  # suggest the value of this fact instead of a constant
    explain: Text

    @model_validator(mode="after")
    def _one_answer(self) -> AutoRule:
        if (self.answer is None) == (self.answer_fact is None):
            raise ValueError("give answer or answer_fact")
        if self.answer_fact is not None:
            from desktop.core.checklist.facts import FACT_PATHS

            if self.answer_fact not in FACT_PATHS:
                raise ValueError(f"unknown fact {self.answer_fact!r}")
        return self


class Question(Strict):
    id: str = Field(pattern=IDENT)
    text: Text
    finding: Text | None = None  # what is wrong when the answer fails, e.g. "No contract in force covers ..."
    guidance: Text
    answer_type: Literal["yes_no_partial_na", "single_choice", "multiple_choice", "number", "date", "text"]
    options: list[Option] = Field(default_factory=list)
    weight: float = Field(default=1.0, ge=0, le=100)
    severity: Literal["blocker", "major", "minor", "info"] = "minor"
    required: bool = True
    evidence_required: bool = False
    vendor_facing: bool = False
    references: list[str] = Field(default_factory=list)
    fail_if: list[Any] | Threshold | None = None
    pass_if: list[Any] | Threshold | None = None
    condition: Text | None = None  # what the approver should require when this fails
    auto: list[AutoRule] = Field(default_factory=list)

    @field_validator("fail_if", "pass_if", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare yes/no as true/false; the template means the answers.
        if isinstance(value, list):
            return [("yes" if v else "no") if isinstance(v, bool) else v for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.answer_type in ("single_choice", "multiple_choice") and not self.options:
            raise ValueError(f"a {self.answer_type} question needs options")
        if self.answer_type not in ("single_choice", "multiple_choice") and self.options:
            raise ValueError(f"a {self.answer_type} question takes no options")
        if self.fail_if is not None and self.pass_if is not None:
            raise ValueError("give fail_if or pass_if, not both")
        values = self.allowed_values()
        for name in ("fail_if", "pass_if"):
            rule = getattr(self, name)
            if isinstance(rule, list):
                if values is None:
                    raise ValueError(f"{name} as a list of values needs a choice or yes/no question")
                for v in rule:
                    if str(v) not in values:
                        raise ValueError(f"{name} value {v!r} is not one of {', '.join(values)}")
            elif isinstance(rule, Threshold) and self.answer_type not in ("number", "date"):
                raise ValueError(f"{name} thresholds need a number or date question")
        for index, rule_item in enumerate(self.auto):
            if rule_item.answer is None:
                continue
            try:
                parse_value(self, rule_item.answer)
            except ValidationError as exc:
                raise ValueError(f"auto[{index}].answer: {exc}") from None
        return self

    def allowed_values(self) -> list[str] | None:
        if self.answer_type == "yes_no_partial_na":
            return list(YES_NO_VALUES)
        if self.answer_type in ("single_choice", "multiple_choice"):
            return [o.value for o in self.options]
        return None

    def option_label(self, value: str, lang: str = "en") -> str:
        if self.answer_type == "yes_no_partial_na":
            return yes_no_label(value, lang)
        for o in self.options:
            if o.value == value:
                return o.label.get(lang)
        return value


class Section(Strict):
    id: str = Field(pattern=IDENT)
    title: Text
    description: Text | None = None
    questions: list[Question] = Field(min_length=1)


class Template(Strict):
    id: str = Field(pattern=IDENT)
    version: int = Field(ge=1)
    title: Text
    description: Text | None = None
    sections: list[Section] = Field(min_length=1)

    @field_validator("sections")
    @classmethod
    def _unique_ids(cls, sections: list[Section]) -> list[Section]:
        seen_sections: set[str] = set()
        seen: set[str] = set()
        for s in sections:
            if s.id in seen_sections:
                raise ValueError(f"section id {s.id!r} is used twice")
            seen_sections.add(s.id)
            for q in s.questions:
                if q.id in seen:
                    raise ValueError(f"question id {q.id!r} is used twice")
                seen.add(q.id)
        return sections

    def questions(self) -> list[tuple[Section, Question]]:
        return [(s, q) for s in self.sections for q in s.questions]

    def question(self, key: str) -> Question | None:
        for _s, q in self.questions():
            if q.id == key:
                return q
        return None


def parse_value(question: Question, raw: Any) -> Any:
    """The JSON-able stored form of an answer, from user text or a typed value; None clears it.

    Raises ``ValidationError`` with one sentence saying what is allowed.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = question.answer_type
    if kind == "yes_no_partial_na":
        key = str(raw).strip().casefold()
        if isinstance(raw, bool):
            key = "yes" if raw else "no"
        if key not in _YES_NO_ALIASES:
            raise ValidationError(
                tr("{raw} is not an answer to question {id}: use yes, no, partial or na (not applicable).",
                   raw=repr(raw), id=question.id), field=question.id)
        return _YES_NO_ALIASES[key]
    if kind in ("single_choice", "multiple_choice"):
        values = question.allowed_values() or []
        items: list[str]
        if isinstance(raw, list | tuple):
            items = [str(v).strip() for v in raw]
        elif kind == "multiple_choice":
            items = [v.strip() for v in str(raw).split(",") if v.strip()]
        else:
            items = [str(raw).strip()]
        for item in items:
            if item not in values:
                raise ValidationError(
                    tr("{item} is not an answer to question {id}: use one of {values}.",
                       item=repr(item), id=question.id, values=', '.join(values)),
                    field=question.id)
        if kind == "single_choice":
            if len(items) != 1:
                raise ValidationError(tr("Question {id} takes exactly one value.", id=question.id), field=question.id)
            return items[0]
        return [v for v in values if v in items]  # canonical order, no duplicates
    if kind == "number":
        if isinstance(raw, bool):
            raise ValidationError(tr("Question {id} needs a number.", id=question.id), field=question.id)
        try:
            number = float(str(raw).strip().replace(",", ".")) if not isinstance(raw, int | float) else float(raw)
        except ValueError:
            raise ValidationError(tr("{raw} is not a number (question {id}).", raw=repr(raw), id=question.id), field=question.id) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError(tr("{raw} is not a number (question {id}).", raw=repr(raw), id=question.id), field=question.id)
        return int(number) if number.is_integer() else number
    if kind == "date":
        if isinstance(raw, date):
            return raw.isoformat()[:10]
        try:
            return date.fromisoformat(str(raw).strip()[:10]).isoformat()
        except ValueError:
            raise ValidationError(
                tr("{raw} is not a date (question {id}); write it as YYYY-MM-DD.",
                   raw=repr(raw), id=question.id), field=question.id
            ) from None
    text = str(raw).strip()
    if len(text) > 5000:
        raise ValidationError(tr("The answer to question {id} is longer than 5000 characters.",
                                 id=question.id),
                              field=question.id)
    return text
