"""Qt side of the translation system: one QTranslator over the gettext catalogue of desktop.core.i18n.

Qt asks ``translate(context, source, disambiguation, n)`` for every ``self.tr()`` and
``QCoreApplication.translate()``; the answer is one or two dictionary lookups in the compiled catalogue:

* ``self.tr("Text")`` in class ``C``: the message with context ``C`` if the catalogue has one
  (``msgctxt "C"``), else the plain message;
* ``self.tr("Text", "Context")``: Qt's disambiguation is the gettext context;
* ``self.tr("%n change", "%n changes", n)``: Qt's numerus form is gettext's ``ngettext``. The second
  argument carries the English plural (where Qt has its disambiguation), so English gets its plural
  too: the translator is installed for English as well, and answers only these calls there. Qt
  replaces ``%n`` in the answer with ``n``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.core import i18n


class CatalogueTranslator(QTranslator):
    """Answers Qt's ``tr()`` lookups from resources/locale/<lang>/LC_MESSAGES/vetta.mo."""

    def __init__(self, language: str, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._catalogue = i18n.catalogue(language)

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        cat = self._catalogue
        if n >= 0:
            hit = cat.plural(source, n, context)
            if hit is None and disambiguation:  # the English plural, or the catalogue has no forms yet
                hit = source if n == 1 else disambiguation
            return hit  # type: ignore[return-value]
        if disambiguation:
            hit = cat.text(source, disambiguation)
            if hit is not None:
                return hit
        # None becomes a null QString: "no translation here", so Qt falls back to the source text.
        return cat.text(source, context)  # type: ignore[return-value]

    def isEmpty(self) -> bool:  # noqa: N802
        return False  # it answers plural forms in English too

    def language(self) -> str:
        return self._language


_installed: list[QTranslator] = []


def install(app: QCoreApplication, preference: str | None) -> str:
    """Install the translators for ``preference`` ('', 'en' or 'es'); returns the language used."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    language = i18n.set_language(preference)
    QLocale.setDefault(QLocale(QLocale.Language.Spanish if language == "es" else QLocale.Language.English,
                               QLocale.Country.Spain if language == "es" else QLocale.Country.UnitedKingdom))
    if language != "en":
        qt = QTranslator(app)
        if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    ours = CatalogueTranslator(language, app)
    app.installTranslator(ours)
    _installed.append(ours)
    return language
