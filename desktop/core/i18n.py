"""One translation system for the UI and the reports, plus locale-aware formatting.

Source strings are written in English in the code (``self.tr("...")`` in Qt widgets, ``tr("...")``
elsewhere). Spanish lives in ``resources/translations/es.yaml``: a mapping from the English text to
its translation. A key ``"Context|English text"`` overrides the plain key for one Qt context (class
name) when the same English word needs two Spanish renderings. The Qt UI installs a QTranslator that
reads the same catalogue (desktop/ui/translator.py), so there is exactly one place to translate.

``tests/unit/test_translations.py`` fails when a visible string has no Spanish translation.
"""

from __future__ import annotations

import locale
import os
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from desktop.resources import resource

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
_current: str | None = None


def system_language() -> str:
    """The language of the user's session (LC_ALL, LC_MESSAGES, LANG, then the C library)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "es" if value.lower().startswith("es") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "es" if code.lower().startswith("es") else DEFAULT_LANGUAGE


def resolve_language(preference: str | None) -> str:
    """'' or None follows the system; otherwise 'en' or 'es'."""
    if preference in LANGUAGES:
        return str(preference)
    return system_language()


def set_language(language: str | None) -> str:
    global _current
    _current = resolve_language(language)
    return _current


def current_language() -> str:
    return _current or resolve_language(os.environ.get("VETTA_LANGUAGE"))


@lru_cache(maxsize=4)
def catalogue(language: str) -> dict[str, str]:
    """The translations for ``language`` (empty for English, the source language)."""
    if language == "en":
        return {}
    import yaml  # on first use: the CLI's parser imports this module and must stay light

    path = resource("translations", f"{language}.yaml")
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the translation file must be a mapping of English text to translation")
    return {str(k): str(v) for k, v in data.items() if v}


def translate(text: str, language: str | None = None, context: str | None = None) -> str | None:
    """The translation of ``text``, or None when there is none (English, or missing)."""
    cat = catalogue(language or current_language())
    if context:
        hit = cat.get(f"{context}|{text}")
        if hit:
            return hit
    return cat.get(text)


def tr(text: str, language: str | None = None, /, **values: Any) -> str:
    """Translate ``text`` (falls back to the English source) and fill ``{named}`` placeholders."""
    result = translate(text, language) or text
    return result.format(**values) if values else result


def _babel_locale(language: str | None) -> str:
    return {"es": "es_ES", "en": "en_GB"}.get(language or current_language(), "en_GB")


def format_date(value: date | datetime | None, language: str | None = None, fmt: str = "medium") -> str:
    from babel import dates as babel_dates  # on first use, like yaml: the CLI starts faster

    if value is None:
        return ""
    if isinstance(value, datetime):
        return babel_dates.format_datetime(value, format=fmt, locale=_babel_locale(language))
    return babel_dates.format_date(value, format=fmt, locale=_babel_locale(language))


def format_number(value: float | int | Decimal, language: str | None = None, digits: int | None = None) -> str:
    from babel import numbers as babel_numbers

    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return babel_numbers.format_decimal(value, format=pattern, locale=_babel_locale(language))
    return babel_numbers.format_decimal(value, locale=_babel_locale(language))


def format_percent(value: float, language: str | None = None, digits: int = 1) -> str:
    """``value`` is already in percent (49.0 -> '49.0 %' in Spanish, '49.0%' in English)."""
    from babel import numbers as babel_numbers

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(value / 100, format=pattern, locale=_babel_locale(language))


def format_currency(value: float | Decimal, currency: str, language: str | None = None) -> str:
    from babel import numbers as babel_numbers

    return babel_numbers.format_currency(value, currency, locale=_babel_locale(language))


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return text


# The storage layer (db/) may not import desktop: it translates its error messages through the
# translator installed here (db/messages.py). Every entry point (GUI, CLI, tests) imports this module.
def _install_db_translator() -> None:
    from db import messages

    messages.set_translator(tr)


_install_db_translator()
