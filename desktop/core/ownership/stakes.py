"""Effective stakes through chains: the multiply-and-sum method, exact with cycles.

With the share matrix A (A[i][j] = fraction of j held directly by i), the stake of i in the subject
s summed over every ownership path is N[i][s] where N = A + A^2 + A^3 + ... = (I - A)^-1 - I.
N satisfies N[i][s] = A[i][s] + sum_j A[i][j] N[j][s], so only the subject's upstream subgraph
matters. We find it, split it into strongly connected components (Tarjan), and solve the
components in dependency order: a component without cycles is one multiplication per edge; a
component with a cycle (cross-holdings) is solved exactly as a small dense linear system by
Gaussian elimination. The work is linear in the size of the upstream subgraph plus the cube of
the largest cycle component, which in real ownership webs is tiny.

Control is one walk too (``control_walk``): ``control_closure``, ``reaches_control`` and
``holdings.control_path`` read its result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

# holder -> [(held entity, lo fraction, hi fraction)]
Holdings = Mapping[int, Sequence[tuple[int, float, float]]]
# entity -> [holders]
HeldBy = Mapping[int, Iterable[int]]

_DENSE_LIMIT = 60  # larger cycle components are solved by sparse elimination


def upstream(subject: int, held_by: HeldBy, exclude: frozenset[int] = frozenset()) -> set[int]:
    """The subject and every party with a chain of holdings into it (excluded nodes cut chains)."""
    seen = {subject}
    stack = [subject]
    while stack:
        node = stack.pop()
        for holder in held_by.get(node, ()):
            if holder not in seen and holder not in exclude:
                seen.add(holder)
                stack.append(holder)
    return seen


def strongly_connected(roots: Iterable[int], successors: Callable[[int], Iterable[int]]) -> list[list[int]]:
    """Strongly connected components of what ``roots`` reach through ``successors`` (the one Tarjan walk
    of Vetta, iterative). A component comes after every component it reaches: successors first."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    result: list[list[int]] = []
    counter = 0
    for root in roots:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[int, Iterator[int]]] = [(root, iter(successors(root)))]
        while work:
            node, succ = work[-1]
            advanced = False
            for nxt in succ:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    i = index[nxt]
                    if i < low[node]:
                        low[node] = i
            if advanced:
                continue
            work.pop()
            ln = low[node]
            if work:
                parent = work[-1][0]
                if ln < low[parent]:
                    low[parent] = ln
            if ln == index[node]:
                top = stack.pop()
                if top == node:  # the common case: a party in no cycle
                    on_stack.discard(top)
                    result.append([top])
                    continue
                comp = [top]
                on_stack.discard(top)
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                result.append(comp)
    return result


def components(nodes: set[int], holdings: Holdings) -> list[list[int]]:
    """Strongly connected components of ``nodes`` (edges holder -> held), dependencies first."""
    return strongly_connected(nodes, lambda node: (held for held, _lo, _hi in holdings.get(node, ())
                                                   if held in nodes))


def _solve_dense(matrix: list[list[float]], rhs: list[float]) -> list[float] | None:
    """Solve matrix * x = rhs by Gaussian elimination with partial pivoting; None if singular."""
    n = len(rhs)
    a = [row[:] + [rhs[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        piv = a[col][col]
        for r in range(col + 1, n):
            factor = a[r][col] / piv
            if factor:
                row_r, row_c = a[r], a[col]
                for c in range(col, n + 1):
                    row_r[c] -= factor * row_c[c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        acc = a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))
        x[r] = acc / a[r][r]
    return x


def _solve_sparse(rows: list[dict[int, float]], rhs: list[float]) -> list[float] | None:
    """Solve (I - A) x = rhs for a large cycle component by sparse Gaussian elimination (rows as dicts,
    diagonal pivots: I - A is diagonally dominant by columns when no entity is held more than 100%).
    Exact up to rounding, like the dense solver; None when a pivot vanishes."""
    n = len(rhs)
    a = [dict(row) for row in rows]
    b = rhs[:]
    # column -> rows below the diagonal that still have an entry there
    below: list[set[int]] = [set() for _ in range(n)]
    for r, row in enumerate(a):
        for c in row:
            if c < r:
                below[c].add(r)
    for col in range(n):
        row_c = a[col]
        piv = row_c.get(col, 0.0)
        if abs(piv) < 1e-12:
            return None
        upper = [(c, v) for c, v in row_c.items() if c > col]
        for r in below[col]:
            row_r = a[r]
            factor = row_r.pop(col) / piv
            if not factor:
                continue
            for c, v in upper:
                if c in row_r:
                    row_r[c] -= factor * v
                else:
                    row_r[c] = -factor * v
                    if c < r:
                        below[c].add(r)
            b[r] -= factor * b[col]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        row = a[r]
        acc = b[r]
        for c, v in row.items():
            if c > r:
                acc -= v * x[c]
        x[r] = acc / row[r]
    return x


def _solve_component(comp: list[int], holdings: Holdings, subject: int, values: dict[int, tuple[float, float]],
                     which: int) -> list[float]:
    pos = {node: k for k, node in enumerate(comp)}
    n = len(comp)
    rhs = [0.0] * n
    inner: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for k, node in enumerate(comp):
        acc = 0.0
        for held, lo, hi in holdings.get(node, ()):
            share = lo if which == 0 else hi
            if not share:
                continue
            if held == subject:
                acc += share
            if held in pos:
                inner[k].append((pos[held], share))
            elif held in values:
                acc += share * values[held][which]
        rhs[k] = acc
    if n == 1 and not inner[0]:
        return [rhs[0]]
    solved: list[float] | None
    if n <= _DENSE_LIMIT:
        matrix = [[0.0] * n for _ in range(n)]
        for k in range(n):
            matrix[k][k] = 1.0
            for j, share in inner[k]:
                matrix[k][j] -= share
        solved = _solve_dense(matrix, rhs)
    else:
        rows: list[dict[int, float]] = []
        for k in range(n):
            row = {k: 1.0}
            for j, share in inner[k]:
                row[j] = row.get(j, 0.0) - share
            rows.append(row)
        solved = _solve_sparse(rows, rhs)
    if solved is not None and all(v >= -1e-9 and v <= 1e300 for v in solved):
        return [max(0.0, v) for v in solved]
    # Divergent component (shares in a cycle adding to 100% or more): fixed-point iteration from
    # zero is monotone; it converges to the exact limit or we cap at 100%.
    x = [0.0] * n
    for _ in range(10_000):
        delta = 0.0
        for k in range(n):
            new = rhs[k] + sum(share * x[j] for j, share in inner[k])
            new = min(new, 1.0)
            delta = max(delta, abs(new - x[k]))
            x[k] = new
        if delta < 1e-13:
            break
    return x


def _reverse_components(subject: int, held_by: HeldBy, exclude: frozenset[int]) -> list[list[int]]:
    """Strongly connected components of the subject's upstream subgraph, dependencies first (an entity
    before its holders). One Tarjan walk (``strongly_connected``) from the subject over the *held-by*
    edges finds the upstream parties and their components together; Tarjan emits holders before what
    they hold, so the list is reversed."""
    if exclude:
        result = strongly_connected([subject], lambda node: (h for h in held_by.get(node, ()) if h not in exclude))
    else:
        result = strongly_connected([subject], lambda node: held_by.get(node, ()))
    result.reverse()
    return result


def effective_stakes(subject: int, holdings: Holdings, held_by: HeldBy,
                     exclude: frozenset[int] = frozenset()) -> dict[int, tuple[float, float]]:
    """N[i][subject] as a (lo, hi) fraction for every i upstream of ``subject`` (the subject included:
    its value is what it holds of itself through cycles). Values are capped at 1 (100%)."""
    return _solve_in_order(_reverse_components(subject, held_by, exclude), subject, holdings)


def _solve_in_order(comps: Iterable[list[int]], subject: int,
                    holdings: Holdings) -> dict[int, tuple[float, float]]:
    values: dict[int, tuple[float, float]] = {}
    get = values.get
    for comp in comps:
        if len(comp) == 1:  # no cycle through this node: one multiply-and-add per holding
            node = comp[0]
            acc_lo = acc_hi = 0.0
            cyclic = False
            for held, s_lo, s_hi in holdings.get(node, ()):
                if held == node:
                    cyclic = True
                    break
                if held == subject:
                    acc_lo += s_lo
                    acc_hi += s_hi
                got = get(held)
                if got is not None:
                    acc_lo += s_lo * got[0]
                    acc_hi += s_hi * got[1]
            if not cyclic:
                low = acc_lo if acc_lo < 1.0 else 1.0
                high = acc_hi if acc_hi < 1.0 else 1.0
                values[node] = (low, high if high > low else low)
                continue
        lo = _solve_component(comp, holdings, subject, values, 0)
        hi = _solve_component(comp, holdings, subject, values, 1)
        for k, node in enumerate(comp):
            low = min(lo[k], 1.0)
            values[node] = (low, max(low, min(hi[k], 1.0)))
    return values


def _downstream(starts: Iterable[int], holdings: Holdings, exclude: frozenset[int]) -> set[int]:
    """``starts`` and everything they hold directly or through chains, not passing ``exclude``."""
    seen = {s for s in starts if s not in exclude}
    stack = list(seen)
    while stack:
        node = stack.pop()
        for held, _lo, _hi in holdings.get(node, ()):
            if held not in seen and held not in exclude:
                seen.add(held)
                stack.append(held)
    return seen


def group_stake(members: frozenset[int], subject: int, holdings: Holdings,
                held_by: HeldBy) -> tuple[float, float]:
    """The stake of a set of parties treated as one node: paths start at a member and never pass
    through another member, so a stake held through a member is counted once."""
    return group_breakdown(members, subject, holdings)[0]


def group_breakdown(members: frozenset[int], subject: int, holdings: Holdings
                    ) -> tuple[tuple[float, float], dict[int, tuple[float, float]], dict[int, tuple[float, float]]]:
    """``group_stake`` with its parts: (the group's stake, each member's contribution, the stake in the
    subject of every non-member the members hold into). The contributions add up to the stake
    (before the cap at 100%).

    Only the stakes of what the members hold are needed, and a stake depends only on what lies
    downstream of it, so the solve is limited to the members' downstream part of the web (usually a
    few entities near the subject) instead of the whole upstream web."""
    exclude = members - {subject}
    starts: list[int] = []
    for member in members:
        if member == subject:
            continue
        starts.extend(held for held, _lo, _hi in holdings.get(member, ()) if held not in exclude)
    nodes = _downstream(starts, holdings, exclude)
    values = _solve_in_order(components(nodes, holdings), subject, holdings)
    lo = hi = 0.0
    parts: dict[int, tuple[float, float]] = {}
    for member in members:
        if member == subject:
            continue
        m_lo = m_hi = 0.0
        for held, s_lo, s_hi in holdings.get(member, ()):
            if held in members and held != subject:
                continue
            if held == subject:
                m_lo += s_lo
                m_hi += s_hi
            if held in values:
                m_lo += s_lo * values[held][0]
                m_hi += s_hi * values[held][1]
        if m_hi > 0:
            parts[member] = (m_lo, m_hi)
        lo += m_lo
        hi += m_hi
    return (min(lo, 1.0), min(hi, 1.0)), parts, values


def control_walk(seeds: Iterable[int], votes: Mapping[int, Sequence[tuple[int, float]]],
                 board_control: Mapping[int, Iterable[int]], threshold: float,
                 stop_at: int | None = None) -> dict[int, int]:
    """The one control walk: every entity ``seeds`` acting together control (more than ``threshold`` of
    its votes, held by the seeds and the entities they already control, or the right to appoint a board
    majority), mapped to the party it is controlled through: the board appointer, or the largest of the
    votes that add up to control (the first seen among equals). The seeds themselves are not in the
    result. With ``stop_at`` the walk ends as soon as that entity is controlled (the closure only grows,
    so whether it is controlled, and through whom, cannot change afterwards)."""
    seed_set = set(seeds)
    parent: dict[int, int] = {}
    tally: dict[int, float] = {}
    best: dict[int, tuple[float, int]] = {}  # held -> (largest vote share seen, from whom)
    queue = list(seed_set)
    done: set[int] = set()
    while queue:
        node = queue.pop()
        if node in done:
            continue
        done.add(node)
        for held, share in votes.get(node, ()):
            if held in seed_set or held in parent:
                continue
            total = tally.get(held, 0.0) + share
            tally[held] = total
            if share > best.get(held, (-1.0, 0))[0]:
                best[held] = (share, node)
            if total > threshold + 1e-12:
                parent[held] = best[held][1]
                if held == stop_at:
                    return parent
                queue.append(held)
        for held in board_control.get(node, ()):
            if held not in seed_set and held not in parent:
                parent[held] = node
                if held == stop_at:
                    return parent
                queue.append(held)
    return parent


def control_closure(seeds: Iterable[int], votes: Mapping[int, Sequence[tuple[int, float]]],
                    board_control: Mapping[int, Iterable[int]], threshold: float) -> set[int]:
    """The entities controlled by ``seeds`` acting together (``control_walk``); the seeds themselves are
    not in the result."""
    return set(control_walk(seeds, votes, board_control, threshold))


def reaches_control(seed: int, target: int, votes: Mapping[int, Sequence[tuple[int, float]]],
                    board_control: Mapping[int, Iterable[int]], threshold: float) -> bool:
    """Whether ``target`` is in ``control_closure([seed], ...)``: the same walk, stopped as soon as the
    target is controlled."""
    return target in control_walk([seed], votes, board_control, threshold, stop_at=target)
