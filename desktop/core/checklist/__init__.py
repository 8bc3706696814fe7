"""The neutrality checklist engine: template schema and loader, auto-rules, scoring (Qt- and DB-free)."""

from desktop.core.checklist.loader import TemplateError, load_template_file, load_template_text
from desktop.core.checklist.rules import Suggestion, evaluate_condition, suggest
from desktop.core.checklist.schema import ANSWER_TYPES, Question, Section, Template, parse_value
from desktop.core.checklist.scoring import ScoreResult, outcome, score

__all__ = [
    "ANSWER_TYPES", "Question", "Section", "Template", "TemplateError", "load_template_file",
    "load_template_text", "parse_value", "Suggestion", "evaluate_condition", "suggest", "ScoreResult",
    "outcome", "score",
]
