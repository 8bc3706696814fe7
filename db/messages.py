"""Translate the storage layer's messages without knowing the application.

``db`` may not import ``desktop`` (import-linter enforces it), so it cannot reach the catalogue. Instead
its user-facing sentences go through ``tr("... {name} ...", name=value)`` here, which calls the
translator the application installs with ``set_translator`` (``desktop.core.i18n`` installs its own
``tr`` when it is imported; that module is where the current language lives). Until then, and for
any program that uses ``db`` alone, the English source is filled in as it is.

``desktop/core/i18n_extract.py`` collects these ``tr("...")`` and ``N_("...")`` strings from ``db/``
like any other, so ``tests/unit/test_translations.py`` checks they have a Spanish translation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translator = Callable[..., str]


def _english(text: str, /, **values: Any) -> str:
    return text.format(**values) if values else text


_translator: Translator = _english


def set_translator(translator: Translator | None) -> None:
    """Install ``translator(text, /, **values) -> str``; None restores plain English."""
    global _translator
    _translator = translator or _english


def tr(text: str, /, **values: Any) -> str:
    """``text`` in the application's current language, with its ``{named}`` placeholders filled."""
    return _translator(text, **values)


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for translation where it is defined; translate it with ``tr`` where it is shown."""
    return text
