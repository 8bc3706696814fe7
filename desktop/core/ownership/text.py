"""How the ownership analysis writes figures, roles, dates and paths for a reader (English or Spanish).

Every sentence goes through ``desktop.core.i18n.tr`` (Spanish in resources/translations/es.yaml);
percentages use the reader's decimal separator (19.8% / 19,8%), dates are written in words
(12 Jun 2025 / 12 jun 2025).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from desktop.core.i18n import N_, format_date, tr
from desktop.core.ownership.model import InterestInfo, Range

# Interest types as a reader sees them (the data keeps the type code).
TYPE_LABELS = {
    "shareholding": N_("shareholding"), "voting_rights": N_("voting rights"), "board_member": N_("board member"),
    "board_chair": N_("board chair"), "appointment_of_board": N_("appointment of board"),
    "senior_managing_official": N_("senior managing official"),
    "other_influence_or_control": N_("other influence or control"), "rights_by_contract": N_("rights by contract"),
    "trust_role": N_("trust role"), "nominee": N_("nominee"), "unknown": N_("unknown"),
}

# A path with more parties than this is written as its first party, a count and its last hop.
LONG_PATH = 6


def fmt_pct(value: float, lang: str = "en") -> str:
    """49 -> '49%', 19.8 -> '19.8%' ('19,8%' in Spanish); at most two decimals."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    if lang == "es":
        text = text.replace(".", ",")
    return f"{text}%"


def fmt_range(rng: Range, lang: str = "en") -> str:
    """[49, 49] -> '49%'; [25, 50] -> '25-50%'."""
    lo, hi = rng
    if abs(hi - lo) < 1e-9:
        return fmt_pct(lo, lang)
    return f"{fmt_pct(lo, lang)[:-1]}-{fmt_pct(hi, lang)}"


def type_label(kind: str, lang: str = "en") -> str:
    """An interest type for a reader: 'voting_rights' -> 'voting rights' / 'derechos de voto'."""
    label = TYPE_LABELS.get(kind)
    return tr(label, lang) if label else kind.replace("_", " ")


def day_text(day: date, lang: str = "en") -> str:
    """A date in words: 12 Jun 2025 / 12 jun 2025."""
    return format_date(day, lang)


def role_label(i: InterestInfo) -> str:
    """The role as data (English; kept in the JSON): the title, 'owner of 60%' or the type."""
    if i.role_title:
        return i.role_title
    if i.type == "shareholding":
        return f"owner of {fmt_range(i.share_range)}"
    return i.type.replace("_", " ")


def role_at(i: InterestInfo, entity: str, lang: str = "en") -> str:
    """A role with its entity, for sentences: 'Chief AI Officer at Contoso', 'owner of 60% of Founders'."""
    if i.type == "shareholding" and not i.role_title:
        return tr("owner of {share} of {entity}", lang, share=fmt_range(i.share_range, lang), entity=entity)
    role = i.role_title or type_label(i.type, lang)
    return tr("{role} at {entity}", lang, role=role, entity=entity)


def role_clause(i: InterestInfo, entity: str, as_of: date, lang: str, person: str | None = None) -> str:
    """What a person's role was or is, with its dates in words: '... was Chief Executive Officer at
    Scalewise until 12 Jun 2025', '... has been Chief AI Officer at Contoso since 13 Jun 2025'.
    Without ``person`` the clause continues a sentence ('and has been ...')."""
    what = role_at(i, entity, lang)
    who = person or ""
    if i.end is not None and i.end < as_of:
        text = tr("{person} was {role} until {end}", lang, person=who, role=what, end=day_text(i.end, lang))
    elif i.start is not None:
        text = tr("{person} has been {role} since {start}", lang, person=who, role=what,
                  start=day_text(i.start, lang))
    else:
        text = tr("{person} is {role}", lang, person=who, role=what)
    return text.strip()


def hop_text(name: str, share: Range | None, lang: str, note: str = "") -> str:
    """One party of a path with the share the previous party holds in it: 'Contoso Ventures LLC (100%)'."""
    if share is None:
        return f"{name} ({note})" if note else name
    figure = fmt_range(share, lang)
    return f"{name} ({figure}, {note})" if note else f"{name} ({figure})"


def path_text(hops: Sequence[str], lang: str, figure: str = "") -> str:
    """Parties joined by arrows; a long path keeps its first party and last hop and counts the rest:
    'Contoso Platforms Inc. -> 19 holding companies -> Scalewise Data Inc. (49%)'."""
    if len(hops) > LONG_PATH:
        middle = len(hops) - 2
        summary = tr("1 holding company", lang) if middle == 1 else \
            tr("{count} holding companies", lang, count=middle)
        hops = [hops[0], summary, hops[-1]]
    text = " -> ".join(hops)
    return f"{text} = {figure}" if figure else text
