"""Labels of enumerations for the window, from their one home in the Qt-free core (never a second table)."""

from __future__ import annotations

from desktop.core.checklist.scoring import RATINGS, rating_label
from desktop.core.i18n import current_language


def rating_labels() -> dict[str, str]:
    """Each rating code and its words in the window's language ("Conditionally neutral", "Condicionalmente neutral")."""
    return {code: rating_label(code, current_language()) for code in RATINGS}
