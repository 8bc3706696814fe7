"""Qt side of the translation system: one QTranslator over the shared catalogue."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.core import i18n


class CatalogueTranslator(QTranslator):
    """Answers Qt's ``tr()`` lookups from resources/translations/<lang>.yaml."""

    def __init__(self, language: str, parent: QCoreApplication | None = None) -> None:
        super().__init__(parent)
        self._language = language

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:  # type: ignore[override]
        # None becomes a null QString: "no translation here", so Qt falls back to the source text.
        return i18n.translate(source, self._language, context)  # type: ignore[return-value]

    def isEmpty(self) -> bool:  # noqa: N802
        return self._language == "en"


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
