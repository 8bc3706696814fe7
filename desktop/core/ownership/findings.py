"""The findings of the ownership analysis: each one a plain statement of what is wrong, in the reader's
language, naming the competitor and the paths that explain its figure (docs/ownership.md lists them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from desktop.core.competitors import Match
from desktop.core.i18n import N_, tr
from desktop.core.ownership.groups import MAX_GROUP_PATHS, Group, member_chain, stake_paths
from desktop.core.ownership.holdings import Holdings, control_path
from desktop.core.ownership.model import OWNERSHIP_TYPES, Graph, Range, Thresholds
from desktop.core.ownership.people import Tie
from desktop.core.ownership.results import Finding, PartyResult, SubprocessorResult
from desktop.core.ownership.text import (
    day_text,
    fmt_pct,
    fmt_range,
    hop_text,
    path_text,
    role_at,
    role_clause,
    type_label,
)

_EPS = 1e-9


def join_names(items: Sequence[str], lang: str) -> str:
    """'A', 'A and B', 'A, B and C' ('y' in Spanish)."""
    if len(items) <= 1:
        return "".join(items)
    return tr("{first} and {last}", lang, first=", ".join(items[:-1]), last=items[-1])


@dataclass
class Context:
    graph: Graph
    holdings: Holdings
    thresholds: Thresholds
    as_of: date
    lang: str
    name: Mapping[int, str]

    @property
    def subject(self) -> str:
        return self.name[self.holdings.subject]

    def finding(self, severity: str, code: str, message: str, parties: list[str], threshold: float | None,
                competitor: str | None = None, paths: list[str] | None = None) -> Finding:
        return Finding(severity, code, message, parties, threshold, self.as_of, competitor, paths or [])


def _pct(fraction_range: tuple[float, float]) -> Range:
    return (min(fraction_range[0] * 100, 100.0), min(fraction_range[1] * 100, 100.0))


def _share(ctx: Context, holder: int, held: int, which: str) -> Range:
    pairs = ctx.holdings.web.econ if which == "econ" else ctx.holdings.web.votes
    return pairs.get((holder, held), (0.0, 0.0))


def _chain_hops(ctx: Context, group: Group, chain: list[int], which: str) -> list[str]:
    """The parties that make a path's first party part of the group, as text: the competitor's own party,
    each controlled entity with the share held in it, a linked person with the role that links them."""
    hops: list[str] = []
    for k, node in enumerate(chain):
        if k == 0:
            roles = group.linked.get(node)
            if roles:
                hops.append(hop_text(ctx.name[node], None, ctx.lang,
                                     note=role_at(roles[0], ctx.name[roles[0].subject], ctx.lang)))
            else:
                hops.append(ctx.name[node])
            continue
        share = _share(ctx, chain[k - 1], node, which)
        note = "" if share[0] >= 100.0 - _EPS else tr("controlled", ctx.lang)
        hops.append(hop_text(ctx.name[node], share, ctx.lang, note=note))
    return hops


def _control_hop(ctx: Context, holder: int, held: int, with_votes: bool = False) -> str:
    """One step of a control path: the votes held, or the right to appoint the board majority."""
    votes = _share(ctx, holder, held, "votes")
    if held in ctx.holdings.web.board_control.get(holder, ()) and votes[0] <= ctx.thresholds.control:
        return hop_text(ctx.name[held], None, ctx.lang, note=tr("right to appoint a board majority", ctx.lang))
    if with_votes:
        return tr("{name} ({share} of votes)", ctx.lang, name=ctx.name[held], share=fmt_range(votes, ctx.lang))
    return hop_text(ctx.name[held], votes, ctx.lang)


def group_paths(ctx: Context, group: Group, which: str, total: Range) -> list[str]:
    """Every simple path that makes up the group's figure, largest first (at most MAX_GROUP_PATHS; the
    rest, and what cross-holdings add through their cycles, summed in one more line)."""
    found = []
    for nodes, (lo, hi) in stake_paths(group, ctx.holdings, which):
        found.append((hi, lo, nodes))
        if len(found) >= MAX_GROUP_PATHS * 10:
            break
    found.sort(key=lambda t: (-t[0], -t[1], [ctx.name[n] for n in t[2]]))
    out: list[str] = []
    listed_lo = listed_hi = 0.0
    for hi, lo, nodes in found[:MAX_GROUP_PATHS]:
        chain = member_chain(group, nodes[0], ctx.holdings, ctx.thresholds)
        hops = _chain_hops(ctx, group, chain, which)
        for a, b in zip(nodes, nodes[1:], strict=False):
            hops.append(hop_text(ctx.name[b], _share(ctx, a, b, which), ctx.lang))
        out.append(path_text(hops, ctx.lang, fmt_range(_pct((lo, hi)), ctx.lang)))
        listed_lo += lo
        listed_hi += hi
    rest = (max(total[0] / 100 - listed_lo, 0.0), max(total[1] / 100 - listed_hi, 0.0))
    if rest[1] > 0.00005:
        key = N_("and {count} more paths, with cross-holdings: {share}") if len(found) > MAX_GROUP_PATHS else \
            N_("through cross-holdings (cycles of ownership): {share}")
        out.append(tr(key, ctx.lang, count=len(found) - MAX_GROUP_PATHS, share=fmt_range(_pct(rest), ctx.lang)))
    return out


def _via(ctx: Context, group: Group, parts: dict[int, tuple[float, float]]) -> tuple[str, int]:
    """Who the group holds through ('Contoso Ventures LLC'), with each one's share when there are several."""
    ranked = sorted(parts.items(), key=lambda kv: (-kv[1][1], ctx.name[kv[0]]))
    labels: list[str] = []
    for pid, part in ranked:
        label = ctx.name[pid]
        roles = group.linked.get(pid)
        if roles:
            label = tr("{name}, {role}", ctx.lang, name=label, role=role_at(roles[0], ctx.name[roles[0].subject],
                                                                             ctx.lang))
        elif pid not in group.members:
            chain = member_chain(group, pid, ctx.holdings, ctx.thresholds)
            if len(chain) > 1 and chain[0] in group.linked:
                label = tr("{name}, controlled by {person}", ctx.lang, name=label, person=ctx.name[chain[0]])
        if len(ranked) > 1:
            label = f"{label} ({fmt_range(_pct(part), ctx.lang)})"
        labels.append(label)
    return join_names(labels, ctx.lang), len(ranked)


def group_findings(ctx: Context, group: Group) -> list[Finding]:
    out: list[Finding] = []
    lang, th = ctx.lang, ctx.thresholds
    econ, votes = fmt_range(group.econ, lang), fmt_range(group.votes, lang)
    in_web = ctx.holdings.nodes
    who = [group.name, *sorted({ctx.name[m] for m in group.influence if m in in_web} - {group.name})]
    subject = ctx.holdings.subject
    if group.controls:
        person_control = [p for p in group.linked
                          if control_path([p], subject, ctx.holdings.votes_lo, ctx.holdings.web.board_control,
                                          th.control)]
        for person in sorted(person_control, key=lambda p: ctx.name[p]):
            out.append(person_control_finding(ctx, group, person))
        if group.members_control or not person_control:
            seeds = group.members if group.members_control else set(group.influence) - {subject}
            path = control_path(seeds, subject, ctx.holdings.votes_lo, ctx.holdings.web.board_control, th.control)
            paths: list[str] = []
            if path:
                chain = member_chain(group, path[0], ctx.holdings, th)
                hops = _chain_hops(ctx, group, chain, "votes")
                hops += [_control_hop(ctx, a, b) for a, b in zip(path, path[1:], strict=False)]
                paths.append(path_text(hops, lang))
            message = tr("{group} controls {subject} ({votes} of votes, {econ} of its economic interest): {path}. "
                         "Control means more than {threshold} of the votes or the right to appoint a board "
                         "majority.", lang, group=group.name, subject=ctx.subject, votes=votes, econ=econ,
                         path="; ".join(paths) or ctx.subject, threshold=fmt_pct(th.control, lang))
            out.append(ctx.finding("blocker", "COMPETITOR_CONTROL", message, who, float(th.control), group.name,
                                   paths))
    for which, rng, code in (("econ", group.econ, "COMPETITOR_ECONOMIC_STAKE"),
                             ("votes", group.votes, "COMPETITOR_VOTING_STAKE")):
        if rng[1] <= 0 or (which == "votes" and group.controls):
            continue
        parts = group.econ_parts if which == "econ" else group.vote_parts
        via, count = _via(ctx, group, parts)
        direct = count == 1 and next(iter(parts)) == group.info.party_id
        if which == "econ":
            key = (N_("{group} holds {econ} of {subject}'s economic interest directly ({votes} of votes).") if direct
                   else N_("{group} holds {econ} of {subject}'s economic interest through {via} ({votes} of votes).")
                   if count == 1 else
                   N_("{group} holds {econ} of {subject}'s economic interest ({votes} of votes) through {via}."))
        else:
            key = (N_("{group} holds {votes} of the votes in {subject} directly ({econ} of its economic interest).")
                   if direct else
                   N_("{group} holds {votes} of the votes in {subject} through {via} ({econ} of its economic interest).")
                   if count == 1 else
                   N_("{group} holds {votes} of the votes in {subject} ({econ} of its economic interest) through {via}."))
        message = tr(key, lang, group=group.name, econ=econ, votes=votes, subject=ctx.subject, via=via)
        severity = "major" if rng[1] >= th.significant_influence else "minor"
        out.append(ctx.finding(severity, code, message, who, float(th.significant_influence), group.name,
                               group_paths(ctx, group, which, rng)))
    for seat, link in group.seat_people:
        message = tr("{person} sits on the board of {subject} ({role}) and {link} ({group} group).", lang,
                     person=ctx.name[seat.holder], subject=ctx.subject,
                     role=seat.role_title or type_label(seat.type, lang),
                     link=role_clause(link, ctx.name[link.subject], ctx.as_of, lang), group=group.name)
        out.append(ctx.finding("major", "COMPETITOR_BOARD_SEAT", message, [ctx.name[seat.holder], group.name], None,
                               group.name))
    return out


def person_control_finding(ctx: Context, group: Group, person: int) -> Finding:
    """A person linked to the competitor controls the subject, directly or through entities."""
    holdings, th, lang = ctx.holdings, ctx.thresholds, ctx.lang
    path = control_path([person], holdings.subject, holdings.votes_lo, holdings.web.board_control, th.control) \
        or [person, holdings.subject]
    hops = [ctx.name[person]]
    hops += [_control_hop(ctx, a, b, with_votes=True) for a, b in zip(path, path[1:], strict=False)]
    text = path_text(hops, lang)
    role = group.linked[person][0]
    message = tr("{person} controls {subject} and {link} ({group} group): {path}.", lang,
                 person=ctx.name[person], subject=ctx.subject,
                 link=role_clause(role, ctx.name[role.subject], ctx.as_of, lang), group=group.name, path=text)
    who = [ctx.name[person], group.name, *[ctx.name[n] for n in path[1:-1]]]
    return ctx.finding("blocker", "COMPETITOR_LINKED_PERSON_CONTROL", message, who, float(th.control), group.name,
                       [text])


def tie_findings(ctx: Context, ties: list[Tie]) -> list[Finding]:
    """One finding per person and group: the most senior vendor-side role with the smallest gap."""
    out: list[Finding] = []
    reported: set[int] = set()
    for t in ties:
        if t.holder in reported:
            continue
        reported.add(t.holder)
        extra = ""
        if t.others:
            extra = " " + (tr("(1 more role pair is listed in the people ties)", ctx.lang) if t.others == 1 else
                           tr("({count} more role pairs are listed in the people ties)", ctx.lang, count=t.others))
        out.append(ctx.finding("major", "PEOPLE_TIE_COMPETITOR", t.tie.message + extra,
                               [t.tie.person, t.tie.competitor], float(ctx.thresholds.people_lookback_months),
                               t.tie.competitor))
    return out


def party_paths(ctx: Context, party: PartyResult) -> list[str]:
    """A party's paths into the subject as text (economic shares)."""
    out = []
    for path in party.paths:
        hops = [hop_text(h.name, h.share, ctx.lang) for h in path]
        out.append(path_text(hops, ctx.lang))
    return out


def general_findings(ctx: Context, rows: list[PartyResult], chain: set[int], matches: dict[int, list[Match]],
                     lookback_start: date) -> list[Finding]:
    """Unknown shares, possible watchlist matches, beneficial owners, owners nobody identified, recent changes."""
    out: list[Finding] = []
    lang, th, name, holdings = ctx.lang, ctx.thresholds, ctx.name, ctx.holdings
    parties = ctx.graph.parties
    for i in holdings.web.unknown:
        if i.subject in chain and i.holder in parties:
            message = tr("The share of {holder} in {subject} ({type}) is not recorded; it is counted as 0-100%.",
                         lang, holder=name[i.holder], subject=name[i.subject], type=type_label(i.type, lang))
            out.append(ctx.finding("minor", "UNKNOWN_SHARE", message, [name[i.holder], name[i.subject]], None))
    listed = holdings.nodes | {holdings.subject}
    for pid, found in sorted(matches.items()):
        for match in found:
            if match.method == "possible" and pid in listed:
                message = tr("{party} looks like {watch} on the competitor watchlist ({score} similar); confirm or "
                             "reject the match.", lang, party=name[pid], watch=match.watch_name,
                             score=fmt_pct(round(match.score), lang))
                out.append(ctx.finding("info", "POSSIBLE_COMPETITOR_MATCH", message, [name[pid], match.competitor],
                                       None, match.competitor))
    threshold = th.beneficial_ownership
    for row in rows:
        e, v = row.economic, row.voting
        if max(e[1], v[1]) < threshold:
            continue
        note = ""
        if max(e[0], v[0]) < threshold:
            note = tr(" (possibly: the share is only known as a range)", lang)
        elif row.kind == "entity" and parties[row.id].is_listed:
            note = tr("; it is a listed company", lang)
        econ, votes = fmt_range(e, lang), fmt_range(v, lang)
        paths = party_paths(ctx, row)
        message = tr("{party} holds {econ} economic and {votes} votes in {subject} (beneficial ownership "
                     "threshold {threshold}){note}.", lang, party=row.name, econ=econ, votes=votes,
                     subject=ctx.subject, threshold=fmt_pct(threshold, lang), note=note)
        out.append(ctx.finding("info", "BENEFICIAL_OWNER", message, [row.name], float(threshold), paths=paths))
        if row.kind == "entity" and not parties[row.id].is_listed and not holdings.has_holders(row.id):
            message = tr("{party} holds {econ} of the economic interest and {votes} of the votes in {subject}, but "
                         "nobody is recorded as owning or running it and it is not listed: identify the natural "
                         "persons behind it.", lang, party=row.name, econ=econ, votes=votes, subject=ctx.subject)
            out.append(ctx.finding("minor", "OWNER_NOT_IDENTIFIED", message, [row.name], float(threshold),
                                   paths=paths))
    out.extend(recent_changes(ctx, chain, lookback_start))
    return out


def recent_changes(ctx: Context, chain: set[int], lookback_start: date) -> list[Finding]:
    """Shareholdings and voting rights in the web that started or ended within the look-back window
    (an interest of 0% changes nothing and is not reported)."""
    out: list[Finding] = []
    lang, name, parties = ctx.lang, ctx.name, ctx.graph.parties
    months = ctx.thresholds.people_lookback_months
    acquired = N_("{holder} acquired a {type} interest of {share} in {entity} on {day}, within the last {months} months.")
    gave_up = N_("{holder} gave up a {type} interest of {share} in {entity} on {day}, within the last {months} months.")
    as_of = ctx.as_of
    for i in ctx.graph.interests:
        start, end = i.start, i.end
        if not ((start is not None and lookback_start < start <= as_of)
                or (end is not None and lookback_start < end <= as_of)):
            continue
        if i.type not in OWNERSHIP_TYPES or i.subject not in chain or i.holder not in parties:
            continue
        if i.share_known and i.share_range[1] <= 0:
            continue
        for key, when in ((acquired, start), (gave_up, end)):
            if when is not None and lookback_start < when <= as_of:
                message = tr(key, lang, holder=name[i.holder], type=type_label(i.type, lang),
                             share=fmt_range(i.share_range, lang), entity=name[i.subject], day=day_text(when, lang),
                             months=months)
                out.append(ctx.finding("minor", "RECENT_OWNERSHIP_CHANGE", message, [name[i.holder], name[i.subject]],
                                       float(months)))
    return out


def subprocessor_findings(ctx: Context, subs: list[SubprocessorResult],
                          group_paths_of: Callable[[int, str], list[str]]) -> list[Finding]:
    """A subprocessor at any depth that a competitor owns, controls or staffs."""
    out: list[Finding] = []
    lang, th = ctx.lang, ctx.thresholds
    for s in subs:
        chain = " -> ".join(s.path)
        parties = [s.name, *([s.competitor] if s.competitor else [])]
        if s.competitor_controlled and s.competitor:
            message = tr("{chain}: the subprocessor {sub} is controlled by {group} ({votes} of votes, {econ} of its "
                         "economic interest).", lang, chain=chain, sub=s.name, group=s.competitor,
                         votes=fmt_range(s.voting, lang), econ=fmt_range(s.economic, lang))
            out.append(ctx.finding("blocker", "SUBPROCESSOR_COMPETITOR_CONTROL", message, parties, float(th.control),
                                   s.competitor, [chain, *group_paths_of(s.id, "COMPETITOR_CONTROL")]))
        elif s.competitor_owned and s.competitor:
            severity = "major" if max(s.economic[1], s.voting[1]) >= th.significant_influence else "minor"
            message = tr("{chain}: {group} holds {econ} of the subprocessor {sub}'s economic interest ({votes} of "
                         "votes).", lang, chain=chain, sub=s.name, group=s.competitor,
                         econ=fmt_range(s.economic, lang), votes=fmt_range(s.voting, lang))
            out.append(ctx.finding(severity, "SUBPROCESSOR_COMPETITOR_STAKE", message, parties,
                                   float(th.significant_influence), s.competitor,
                                   [chain, *group_paths_of(s.id, "COMPETITOR_ECONOMIC_STAKE")]))
        if s.competitor_staffed:
            for group in s.competitors:
                message = tr("{chain}: a person linked to {group} sits on the board of the subprocessor {sub} or "
                             "manages it.", lang, chain=chain, group=group, sub=s.name)
                out.append(ctx.finding("major", "SUBPROCESSOR_COMPETITOR_PEOPLE", message, [s.name, group], None,
                                       group, [chain]))
    return out

