"""A vendor's competitor exposure in words: the register cell, its tooltip and the details in sentences.
"""

from __future__ import annotations

from desktop.core.i18n import ntr, tr
from desktop.core.ownership.text import fmt_range
from desktop.services.exposure.levels import CONTROL, NONE, PEOPLE, STAKE, Exposure, level_label


def exposure_text(e: Exposure, lang: str | None = None) -> str:
    """The register cell: 'Controlled by Contoso through Alex Marlow', 'Contoso: 49% econ., 0% votes'."""
    if e.severity == CONTROL:
        if e.controlled_via:
            return tr("Controlled by {competitor} through {via}", lang, competitor=e.competitor or "",
                      via=e.controlled_via)
        return tr("Controlled by {competitor}", lang, competitor=e.competitor or "")
    if e.severity == STAKE:
        if e.stake <= 0:
            return ntr("{competitor}: {count} board seat", "{competitor}: {count} board seats", e.board_seats, lang,
                       competitor=e.competitor or "", count=e.board_seats)
        return tr("{competitor}: {economic} econ., {voting} votes", lang, competitor=e.competitor or "",
                  economic=fmt_range(e.economic, lang or "en"), voting=fmt_range(e.voting, lang or "en"))
    if e.severity == PEOPLE:
        return ntr("{competitor}: {count} linked person", "{competitor}: {count} linked people", e.linked_people,
                   lang, competitor=e.competitor or "", count=e.linked_people)
    return ""


def exposure_details(e: Exposure, lang: str | None = None) -> str:
    """Every figure in sentences (the cell's tooltip)."""
    if e.severity == NONE:
        return tr("No competitor on the watchlist holds a stake in this vendor, controls it or is linked to its people.",
                  lang)
    lines = []
    if e.severity >= STAKE:
        lines.append(tr("{competitor} group: {economic} of the economic interest, {voting} of the votes.", lang,
                        competitor=e.competitor or "", economic=fmt_range(e.economic, lang or "en"),
                        voting=fmt_range(e.voting, lang or "en")))
    if e.controlled:
        lines.append(tr("The group controls the vendor through {via}.", lang, via=e.controlled_via)
                     if e.controlled_via else tr("The group controls the vendor.", lang))
    if e.board_seats:
        lines.append(ntr("{count} seat on the vendor's board.", "{count} seats on the vendor's board.", e.board_seats,
                         lang, count=e.board_seats))
    if e.linked_names:
        lines.append(tr("Competitor-linked people: {names}.", lang, names=", ".join(e.linked_names)))
    if e.as_of:
        from desktop.core.i18n import format_date

        lines.append(tr("As the ownership analysis finds it on {day}.", lang, day=format_date(e.as_of, lang)))
    return "\n".join(lines)


def exposure_tooltip(e: Exposure, lang: str | None = None) -> str:
    """The level in a word, then every figure."""
    return tr("Competitor exposure: {level}", lang, level=level_label(e.level, lang)) + "\n" + exposure_details(e, lang)
