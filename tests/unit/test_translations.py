"""Every visible string has a Spanish translation; the catalogue is well-formed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from desktop.core import i18n
from desktop.core.i18n_extract import all_messages

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def test_every_visible_string_has_a_spanish_translation():
    catalogue = i18n.catalogue("es")
    missing = sorted({f"{m.file}:{m.line}: {m.text!r}" for m in all_messages(ROOT) if m.text not in catalogue})
    assert not missing, "strings without a Spanish translation in resources/translations/es.yaml:\n" + "\n".join(
        missing)


def test_translations_keep_their_placeholders():
    for source, target in i18n.catalogue("es").items():
        text = source.split("|", 1)[-1]
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(target)), source


def test_tr_translates_and_formats():
    assert i18n.tr("{count} vendors", "es", count=3) == "3 proveedores"
    assert i18n.tr("{count} vendors", "en", count=3) == "3 vendors"
    assert i18n.tr("a string nobody translated", "es") == "a string nobody translated"


def test_language_follows_the_system_with_an_override(monkeypatch):
    monkeypatch.setenv("LC_ALL", "es_ES.UTF-8")
    assert i18n.resolve_language("") == "es"
    assert i18n.resolve_language("en") == "en"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.resolve_language(None) == "en"


def test_locale_formatting():
    assert i18n.format_date(date(2026, 3, 5), "es") == "5 mar 2026"
    assert i18n.format_date(date(2026, 3, 5), "en") == "5 Mar 2026"
    assert i18n.format_number(1234567.5, "es", 2) == "1.234.567,50"
    assert i18n.format_number(1234567.5, "en", 2) == "1,234,567.50"
    assert i18n.format_currency(4200000, "USD", "en") == "US$4,200,000.00"
    assert "4.200.000,00" in i18n.format_currency(4200000, "EUR", "es")
