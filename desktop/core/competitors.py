"""Competitor watchlist matching: identifiers (LEI), normalised legal names, fuzzy names.

Exact matches (a linked party, the same valid LEI, the same normalised name) count as matches.
Fuzzy matches are only *possible* matches: the user confirms or rejects them; a confirmed one
counts as a match, a rejected one is never proposed again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from stdnum import lei as stdnum_lei

# Legal-form words removed from the end of a name before comparing (after dots are dropped, so
# "S.L." is "sl" and "S.Coop." is "scoop").
LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "sl", "slu", "sa", "sau", "gmbh", "plc", "scoop",
    "sas", "sasu", "sarl", "lp", "llp", "corp", "corporation", "co", "company", "ag", "bv", "nv", "srl",
    "spa", "oy", "ab", "as", "aps", "kg", "gmbhcokg", "pty", "pte", "kk", "se", "sca", "cv", "scp",
    "coop",
})
FUZZY_THRESHOLD = 88.0


_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")  # s.l. -> sl., s.coop. -> scoop.
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise_name(name: str) -> str:
    """Case-, accent-, punctuation- and legal-form-free form of an organisation name."""
    if name.isascii():  # most names: no accents to strip (the same result, several times faster)
        text = name.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    if "&" in text:
        text = text.replace("&", " and ")
    if "." in text:
        text = _INNER_DOT.sub("", text)
    words = text.split()
    if not "".join(words).isalnum():
        words = _PUNCTUATION.sub(" ", " ".join(words)).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    # "GmbH & Co. KG" and similar leave "and" before the form
    while len(words) > 1 and words[-1] == "and":
        words.pop()
        while len(words) > 1 and words[-1] in LEGAL_FORMS:
            words.pop()
    return " ".join(words)


def valid_lei(value: str | None) -> bool:
    return bool(value) and bool(stdnum_lei.is_valid(str(value)))


def clean_lei(value: str) -> str:
    return str(stdnum_lei.compact(value))


@dataclass(frozen=True)
class WatchName:
    competitor_id: int
    competitor: str  # the competitor's name (group name)
    name: str  # the watchlist name (competitor or affiliate)
    lei: str | None = None
    party_id: int | None = None


@dataclass(frozen=True)
class Match:
    party_id: int
    competitor_id: int
    competitor: str
    watch_name: str
    method: str  # link | identifier | name | confirmed | possible
    score: float = 100.0

    @property
    def certain(self) -> bool:
        return self.method != "possible"


def _adder(found: dict[int, Match]) -> Callable[[Match], None]:
    def add(m: Match) -> None:
        if m.competitor_id not in found:
            found[m.competitor_id] = m

    return add


def match_parties(
    parties: Mapping[int, str],
    watch: Iterable[WatchName],
    identifiers: Mapping[int, list[tuple[str, str]]] | None = None,
    aliases: Mapping[int, list[str]] | None = None,
    decisions: Mapping[tuple[int, int], str] | None = None,
) -> dict[int, list[Match]]:
    """Matches of ``parties`` (id -> name) against the watchlist, best first per party."""
    identifiers = identifiers or {}
    aliases = aliases or {}
    decisions = decisions or {}
    watch = list(watch)
    by_lei: dict[str, list[WatchName]] = {}
    by_name: dict[str, list[WatchName]] = {}
    by_party: dict[int, list[WatchName]] = {}
    for w in watch:
        if w.lei and valid_lei(w.lei):
            by_lei.setdefault(clean_lei(w.lei), []).append(w)
        by_name.setdefault(normalise_name(w.name), []).append(w)
        if w.party_id is not None:
            by_party.setdefault(w.party_id, []).append(w)
    watch_keys = list(by_name)
    keys_of = {pid: [normalise_name(n) for n in [name, *aliases.get(pid, ())]] for pid, name in parties.items()}
    fuzzy = _fuzzy_hits(keys_of, watch_keys)
    # only parties that some rule below can match (most parties of a web match nothing)
    lei_holders = {pid for pid, idents in identifiers.items() if pid in parties
                   and any(scheme == "LEI" and clean_lei(value) in by_lei for scheme, value in idents if value)}
    maybe = set(fuzzy) | lei_holders | {pid for pid, keys in keys_of.items() if any(k in by_name for k in keys)}
    maybe.update(pid for pid in by_party if pid in parties)
    maybe.update(pid for _cid, pid in decisions if pid in parties)
    result: dict[int, list[Match]] = {}
    for pid in sorted(maybe):
        found: dict[int, Match] = {}
        add = _adder(found)

        for w in by_party.get(pid, ()):
            add(Match(pid, w.competitor_id, w.competitor, w.name, "link"))
        for scheme, value in identifiers.get(pid, ()):
            if scheme == "LEI" and valid_lei(value):
                for w in by_lei.get(clean_lei(value), ()):
                    add(Match(pid, w.competitor_id, w.competitor, w.name, "identifier"))
        for key in keys_of[pid]:
            for w in by_name.get(key, ()):
                add(Match(pid, w.competitor_id, w.competitor, w.name, "name"))
        for _key_pos, wkey_pos, score in sorted(fuzzy.get(pid, ())):
            for w in by_name[watch_keys[wkey_pos]]:
                if w.competitor_id in found:
                    continue
                decision = decisions.get((w.competitor_id, pid))
                if decision == "rejected":
                    continue
                method = "confirmed" if decision == "confirmed" else "possible"
                add(Match(pid, w.competitor_id, w.competitor, w.name, method, score))
        for (cid, dpid), decision in decisions.items():
            if dpid == pid and decision == "confirmed" and cid not in found:
                comp = next((w for w in watch if w.competitor_id == cid), None)
                if comp is not None:
                    add(Match(pid, cid, comp.competitor, comp.name, "confirmed"))
        if found:
            result[pid] = sorted(found.values(), key=lambda m: (not m.certain, -m.score))
    return result


def _fuzzy_hits(keys_of: Mapping[int, list[str]], watch_keys: list[str]) -> dict[int, list[tuple[int, int, float]]]:
    """party -> [(position of its name or alias, position of the watchlist name, score)] for every pair at
    or above FUZZY_THRESHOLD that is not an exact match. One C-speed scan of all names per watchlist name
    (watchlists are short, webs are long)."""
    choices: list[str] = []
    owners: list[tuple[int, int]] = []
    for pid, keys in keys_of.items():
        for pos, key in enumerate(keys):
            if key:
                choices.append(key)
                owners.append((pid, pos))
    hits: dict[int, list[tuple[int, int, float]]] = {}
    if not choices:
        return hits
    for wpos, wkey in enumerate(watch_keys):
        for key, score, index in process.extract(wkey, choices, scorer=fuzz.token_sort_ratio, processor=None,
                                                 score_cutoff=FUZZY_THRESHOLD, limit=None):
            if key == wkey:
                continue
            pid, pos = owners[index]
            hits.setdefault(pid, []).append((pos, wpos, float(score)))
    return hits
