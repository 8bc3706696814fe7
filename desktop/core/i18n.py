"""One translation system for the UI, the services, the storage layer's messages and locale-aware formatting.

Source strings are written in English in the code and marked for extraction:

* ``tr("Text {name}", lang, name=value)`` (Qt-free code) and ``self.tr("Text")`` (Qt widgets);
* ``ntr("{n} vendor", "{n} vendors", n, lang)`` for a real plural (gettext's ``ngettext``);
  Qt widgets write ``self.tr("%n change", "%n changes", n)`` (see desktop/ui/translator.py);
* ``ptr("Context", "Text", lang)`` when the same English needs another rendering in one place
  (gettext's ``pgettext``); ``nptr`` for both;
* ``N_("Text")`` / ``NP_("Context", "Text")`` where a text is defined away from where it is shown.

Translations live in gettext catalogues: ``resources/locale/<lang>/LC_MESSAGES/vetta.po``, extracted and
updated with Babel (``python -m desktop.core.i18n_tools update``; docs/translation.md). At run time the
compiled ``vetta.mo`` beside it is read, on the first translation only (the CLI's parser imports this
module and must stay light). A missing or stale ``.mo`` (older than its ``.po``) is compiled then
(desktop/core/i18n_tools.py); the PyInstaller bundle ships it compiled at build time.

Lookups are dictionary accesses: ``Catalogue.text(msgid, context)``. A context entry overrides the plain
one for that context only; the Qt translator passes the widget's class name (or the disambiguation of
``self.tr(text, "Context")``) as the context, so ``msgctxt "AssessmentsModel"`` shortens one header.

``tests/unit/test_translations.py`` fails when a visible string is unmarked or has no Spanish translation.
"""

from __future__ import annotations

import locale
import os
import struct
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop.resources import resource

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
DOMAIN = "vetta"
_current: str | None = None


_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
_system: tuple[tuple[str, ...], str] | None = None  # (the variables' values, the language they gave)


def system_language() -> str:
    """The language of the user's session (LC_ALL, LC_MESSAGES, LANG, then the C library).

    Asked for every string shown (through ``current_language``), so it is worked out again only when
    the variables change: the C library's answer alone costs more than a search keystroke can spare."""
    global _system
    values = tuple(os.environ.get(var, "") for var in _LOCALE_VARS)
    if _system is not None and _system[0] == values:
        return _system[1]
    language = next((_supported(v) for v in values if v and v not in ("C", "POSIX", "C.UTF-8")), None)
    if language is None:
        try:
            code = locale.getlocale()[0] or ""
        except ValueError:
            code = ""
        language = _supported(code)
    _system = (values, language)
    return language


def _supported(code: str) -> str:
    wanted = code[:2].lower()
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def resolve_language(preference: str | None) -> str:
    """'' or None follows the system; otherwise one of ``LANGUAGES``."""
    if preference in LANGUAGES:
        return str(preference)
    return system_language()


def set_language(language: str | None) -> str:
    global _current
    _current = resolve_language(language)
    return _current


def current_language() -> str:
    if _current:
        return _current
    preference = os.environ.get("VETTA_LANGUAGE")
    if preference in LANGUAGES:
        return str(preference)
    return system_language()


# ------------------------------------------------------------------------------------------ catalogues

CONTEXT_SEPARATOR = "\x04"  # gettext's: "context\x04msgid" is the key of a message with a context


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


class Catalogue(Mapping[str, str]):
    """The compiled messages of one language.

    As a mapping (kept for the tests and tools written against the YAML catalogue) its keys are the
    English texts, ``"Context|Text"`` for a message with a context, and the singular of a plural
    message (whose value is its first form).
    """

    def __init__(self, language: str, messages: dict[str, str] | None = None,
                 plurals: dict[str, tuple[str, ...]] | None = None,
                 plural: Callable[[int], int] = _english_plural) -> None:
        self.language = language
        self._messages = messages or {}
        self._plurals = plurals or {}
        self._plural = plural
        self._view: dict[str, str] | None = None

    def text(self, msgid: str, context: str | None = None) -> str | None:
        """The translation of ``msgid`` (for ``context`` first, when given), or None."""
        if context:
            hit = self._messages.get(context + CONTEXT_SEPARATOR + msgid)
            if hit:
                return hit
        return self._messages.get(msgid)

    def plural(self, singular: str, n: int, context: str | None = None) -> str | None:
        """The form of the plural message ``singular`` for ``n``, or None when it is not translated."""
        forms = None
        if context:
            forms = self._plurals.get(context + CONTEXT_SEPARATOR + singular)
        if forms is None:
            forms = self._plurals.get(singular)
        if not forms:
            return None
        index = self._plural(n)
        return forms[index] if 0 <= index < len(forms) else forms[-1]

    def _mapping(self) -> dict[str, str]:
        if self._view is None:
            view: dict[str, str] = {}
            for key, value in (*self._messages.items(), *((k, v[0]) for k, v in self._plurals.items())):
                context, _, msgid = key.rpartition(CONTEXT_SEPARATOR)
                view[f"{context}|{msgid}" if context else msgid] = value
            self._view = view
        return self._view

    def __getitem__(self, key: str) -> str:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


def parse_mo(data: bytes, language: str) -> Catalogue:
    """Read a GNU ``.mo`` file (what ``pybabel compile`` and ``msgfmt`` write)."""
    if len(data) < 20:
        raise ValueError("not a .mo file: too short")
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else ""
    if not order:
        raise ValueError("not a .mo file: wrong magic number")
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    plural: Callable[[int], int] = _english_plural
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i:originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[translations + 8 * i:translations + 8 * i + 8])
        key = data[ooff:ooff + olen].decode("utf-8")
        value = data[toff:toff + tlen].decode("utf-8")
        if not key:  # the header: only the plural rule matters here
            plural = _plural_rule(value) or plural
        elif "\x00" in key:
            plurals[key.split("\x00", 1)[0]] = tuple(value.split("\x00"))
        else:
            messages[key] = value
    return Catalogue(language, messages, plurals, plural)


def _plural_rule(header: str) -> Callable[[int], int] | None:
    for line in header.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            expression = value.split("plural=", 1)[-1].strip().rstrip(";")
            import gettext  # stdlib; only its C-expression compiler is used

            return gettext.c2py(expression)
    return None


def catalogue_files(language: str) -> tuple[Path, Path]:
    """The ``.po`` (source) and ``.mo`` (compiled) files of ``language``."""
    folder = resource("locale", language, "LC_MESSAGES")
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


@lru_cache(maxsize=8)
def catalogue(language: str) -> Catalogue:
    """The translations for ``language`` (empty for English, the source language), loaded once."""
    if language == "en":
        return Catalogue("en")
    po, mo = catalogue_files(language)
    if po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime):
        from desktop.core.i18n_tools import compile_catalogue  # Babel, only when the .mo is missing or stale

        return parse_mo(compile_catalogue(po, mo), language)
    if not mo.is_file():
        return Catalogue(language)
    return parse_mo(mo.read_bytes(), language)


# ---------------------------------------------------------------------------------------- translating

def translate(text: str, language: str | None = None, context: str | None = None) -> str | None:
    """The translation of ``text``, or None when there is none (English, or missing)."""
    return catalogue(language or current_language()).text(text, context)


def translate_plural(singular: str, plural: str, n: int, language: str | None = None,
                     context: str | None = None) -> str:
    """gettext's ``npgettext``: the translated form for ``n``, else the English singular or plural."""
    cat = catalogue(language or current_language())
    return cat.plural(singular, n, context) or (singular if n == 1 else plural)


def tr(text: str, language: str | None = None, /, **values: Any) -> str:
    """Translate ``text`` (falls back to the English source) and fill ``{named}`` placeholders."""
    result = translate(text, language) or text
    return result.format(**values) if values else result


def ptr(context: str, text: str, language: str | None = None, /, **values: Any) -> str:
    """``tr`` for the rendering of ``text`` in ``context`` (gettext's ``pgettext``)."""
    result = translate(text, language, context) or text
    return result.format(**values) if values else result


def ntr(singular: str, plural: str, n: int, language: str | None = None, /, **values: Any) -> str:
    """The form of a plural message for ``n`` (gettext's ``ngettext``); ``{n}`` is filled with ``n``
    unless ``values`` say otherwise."""
    return translate_plural(singular, plural, n, language).format(**{"n": n, **values})


def nptr(context: str, singular: str, plural: str, n: int, language: str | None = None, /, **values: Any) -> str:
    """``ntr`` in ``context`` (gettext's ``npgettext``)."""
    return translate_plural(singular, plural, n, language, context).format(**{"n": n, **values})


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for translation where it is defined; translate it where it is shown."""
    return text


def NP_(context: str, text: str) -> str:  # noqa: N802 - gettext's pgettext_noop
    """Mark ``text`` in ``context`` for translation where it is defined; ``ptr(context, text)`` shows it."""
    return text


# ---------------------------------------------------------------------------------------- formatting

def _babel_locale(language: str | None) -> str:
    return {"es": "es_ES", "en": "en_GB"}.get(language or current_language(), "en_GB")


def format_date(value: date | datetime | None, language: str | None = None, fmt: str = "medium") -> str:
    from babel import dates as babel_dates  # on first use: the CLI starts faster

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


# The storage layer (db/) may not import desktop: it translates its error messages through the
# translator installed here (db/messages.py). Every entry point (GUI, CLI, tests) imports this module.
def _install_db_translator() -> None:
    from db import messages

    messages.set_translator(tr)


_install_db_translator()
