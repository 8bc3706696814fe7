"""The auto-rule language: small declarative condition trees over facts. Nothing is ever eval'd.

A question's ``auto`` is a list of ``{when, answer, explain}``; the first rule whose condition
holds suggests its answer. A condition is a mapping with exactly one of:

- ``all: [cond, ...]`` / ``any: [cond, ...]`` / ``not: cond``
- ``finding_present: CODE`` — the ownership analysis reported a finding with that code
- ``fact: PATH`` with one comparison: ``eq``, ``ne``, ``lt``, ``le``, ``gt``, ``ge``, ``in`` (a list),
  ``contains`` (the fact is a list holding the value), ``known`` (true/false: the fact is known)
- ``always: true``

Comparisons with an unknown fact (None) are false. Explanations may cite facts as ``{path}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.core.checklist.facts import FACT_PATHS, lookup
from desktop.core.errors import UserError
from desktop.core.i18n import tr

_COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "contains", "known")
# {path}, or {path|one|other}: the words for a count of one and for any other count, "#" standing for the
# number ("{contracts.active_count|# contract|# contracts}" -> "1 contract", "3 contracts")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)(?:\|([^|{}]*)\|([^|{}]*))?\}")


class RuleError(Exception):
    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def check_condition(cond: Any, path: tuple[str | int, ...] = ()) -> None:
    """Refuse a malformed condition, naming where it is wrong."""
    if not isinstance(cond, dict) or not cond:
        raise RuleError("a condition must be a mapping such as {fact: PATH, eq: VALUE}", path)
    if "fact" in cond:
        fact = cond["fact"]
        if not isinstance(fact, str) or fact not in FACT_PATHS:
            raise RuleError(f"unknown fact {fact!r}; see the list of facts in docs/checklist.md", (*path, "fact"))
        ops = [k for k in cond if k != "fact"]
        if len(ops) != 1 or ops[0] not in _COMPARISONS:
            raise RuleError(f"give exactly one comparison out of {', '.join(_COMPARISONS)}", path)
        if ops[0] == "in" and not isinstance(cond["in"], list):
            raise RuleError("'in' needs a list of values", (*path, "in"))
        return
    if len(cond) != 1:
        raise RuleError(f"a condition has exactly one operator, found {', '.join(map(str, cond))}", path)
    (op, arg), = cond.items()
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise RuleError(f"'{op}' needs a non-empty list of conditions", (*path, op))
        for i, sub in enumerate(arg):
            check_condition(sub, (*path, op, i))
    elif op == "not":
        check_condition(arg, (*path, "not"))
    elif op == "finding_present":
        if not isinstance(arg, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", arg):
            raise RuleError("'finding_present' needs a finding code such as COMPETITOR_CONTROL", (*path, op))
    elif op == "always":
        if arg is not True:
            raise RuleError("'always' takes true", (*path, op))
    else:
        raise RuleError(f"unknown operator {op!r}; use all, any, not, fact, finding_present or always", (*path, op))


def _comparable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    if isinstance(a, date) or isinstance(b, date):
        return isinstance(a, date) and isinstance(b, date)
    return type(a) is type(b)


def evaluate_condition(cond: dict[str, Any], facts: dict[str, Any], used: set[str] | None = None) -> bool:
    """Whether ``cond`` holds over ``facts``; ``used`` collects the fact paths consulted."""
    if "fact" in cond:
        path = str(cond["fact"])
        if used is not None:
            used.add(path)
        value = lookup(facts, path)
        (op, arg), = ((k, v) for k, v in cond.items() if k != "fact")
        if op == "known":
            return (value is not None) == bool(arg)
        if value is None:
            return False
        if op == "eq":
            return _comparable(value, arg) and bool(value == arg)
        if op == "ne":
            return not (_comparable(value, arg) and value == arg)
        if op == "in":
            return any(_comparable(value, a) and value == a for a in arg)
        if op == "contains":
            return isinstance(value, list) and arg in value
        if not _comparable(value, arg):
            return False
        return bool({"lt": value < arg, "le": value <= arg, "gt": value > arg, "ge": value >= arg}[op])
    (op, arg), = cond.items()
    if op == "all":
        return all(evaluate_condition(c, facts, used) for c in arg)
    if op == "any":
        # evaluate every branch so ``used`` is complete and deterministic
        results = [evaluate_condition(c, facts, used) for c in arg]
        return any(results)
    if op == "not":
        return not evaluate_condition(arg, facts, used)
    if op == "finding_present":
        if used is not None:
            used.add("ownership.findings")
        codes = lookup(facts, "ownership.findings")
        return isinstance(codes, list) and arg in codes
    if op == "always":
        return True
    raise RuleError(f"unknown operator {op!r}")


def condition_facts(cond: Any) -> set[str]:
    """Every fact path a condition may consult (for 'what changed' comparisons)."""
    out: set[str] = set()
    if isinstance(cond, dict):
        if "fact" in cond:
            out.add(str(cond["fact"]))
        if "finding_present" in cond:
            out.add("ownership.findings")
        for key, value in cond.items():
            if key in ("all", "any"):
                for sub in value:
                    out |= condition_facts(sub)
            elif key == "not":
                out |= condition_facts(value)
    return out


def _format(value: Any, lang: str) -> str:
    if value is None:
        return tr("unknown", lang)
    if isinstance(value, bool):
        return tr("yes", lang) if value else tr("no", lang)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        if not value:
            return tr("none", lang)
        return "; ".join(_format(v, lang) for v in value)
    return str(value)


def _localized_lookup(facts: dict[str, Any], path: str, lang: str) -> Any:
    """The fact at ``path``, or its translation at ``path_<lang>`` when the facts hold one.

    Facts that are text (ownership findings, people ties) are computed in English; the services add
    a Spanish version beside them (``ownership.finding_messages_es``) so explanations read in one
    language.
    """
    if lang != "en":
        localized = lookup(facts, f"{path}_{lang}")
        if localized is not None:
            return localized
    return lookup(facts, path)


def render(template: str, facts: dict[str, Any], lang: str = "en") -> str:
    """Replace ``{path}`` with the fact's value, and ``{path|one|other}`` with the form for its count.

    Nothing else is interpreted. A count form is chosen as English and Spanish do (one for exactly 1,
    the other for every other number); a fact that is not a number gets the other form.
    """
    def replace(m: re.Match[str]) -> str:
        value = _localized_lookup(facts, m.group(1), lang)
        if m.group(2) is None:
            return _format(value, lang)
        count = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        form = m.group(2) if count == 1 else m.group(3)
        return form.replace("#", _format(value, lang))

    return _PLACEHOLDER.sub(replace, template)


@dataclass(frozen=True)
class Suggestion:
    value: Any
    explanation_en: str
    explanation_es: str
    rule_index: int
    facts_used: tuple[str, ...] = field(default_factory=tuple)

    def explanation(self, lang: str = "en") -> str:
        return self.explanation_es if lang == "es" else self.explanation_en


def suggest(question: Any, facts: dict[str, Any]) -> Suggestion | None:
    """The first auto-rule of ``question`` that holds, as a suggestion; None when none does."""
    from desktop.core.checklist.schema import parse_value

    for index, rule in enumerate(question.auto):
        used: set[str] = set()
        if evaluate_condition(rule.when, facts, used):
            raw = rule.answer
            if rule.answer_fact is not None:
                used.add(rule.answer_fact)
                raw = lookup(facts, rule.answer_fact)
                if raw is None:
                    continue
            try:
                value = parse_value(question, raw)
            except UserError:
                continue
            if value is None:
                continue
            return Suggestion(
                value=value,
                explanation_en=render(rule.explain.en, facts, "en"),
                explanation_es=render(rule.explain.es, facts, "es"),
                rule_index=index,
                facts_used=tuple(sorted(used)),
            )
    return None
