"""Effective stakes through chains: the multiply-and-sum method, exact with cycles.

With the share matrix A (A[i][j] = fraction of j held directly by i), the stake of i in the subject
s summed over every ownership path is N[i][s] where N = A + A^2 + A^3 + ... = (I - A)^-1 - I.
N satisfies N[i][s] = A[i][s] + sum_j A[i][j] N[j][s], so only the subject's upstream subgraph
matters. We find it, split it into strongly connected components (Tarjan), and solve the
components in dependency order: a component without cycles is one multiplication per edge; a
component with a cycle (cross-holdings) is solved exactly as a small dense linear system by
Gaussian elimination. The work is linear in the size of the upstream subgraph plus the cube of
the largest cycle component, which in real ownership webs is tiny.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# holder -> [(held entity, lo fraction, hi fraction)]
Holdings = Mapping[int, Sequence[tuple[int, float, float]]]
# entity -> [holders]
HeldBy = Mapping[int, Iterable[int]]

_DENSE_LIMIT = 60  # components larger than this are solved iteratively


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


def components(nodes: set[int], holdings: Holdings) -> list[list[int]]:
    """Strongly connected components of ``nodes`` (edges holder -> held), dependencies first."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    result: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pos = work[-1]
            succ = holdings.get(node, ())
            advanced = False
            while pos < len(succ):
                nxt = succ[pos][0]
                pos += 1
                if nxt not in nodes:
                    continue
                if nxt not in index:
                    work[-1] = (node, pos)
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                    advanced = True
                    break
                if nxt in on_stack and index[nxt] < low[node]:
                    low[node] = index[nxt]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                comp: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                result.append(comp)
    return result


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
    if n <= _DENSE_LIMIT:
        matrix = [[0.0] * n for _ in range(n)]
        for k in range(n):
            matrix[k][k] = 1.0
            for j, share in inner[k]:
                matrix[k][j] -= share
        solved = _solve_dense(matrix, rhs)
        if solved is not None and all(v >= -1e-9 for v in solved):
            return [max(0.0, v) for v in solved]
    # Large or divergent component (shares in a cycle adding to 100% or more): fixed-point
    # iteration from zero is monotone; it converges to the exact limit or we cap at 100%.
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


def effective_stakes(subject: int, holdings: Holdings, held_by: HeldBy,
                     exclude: frozenset[int] = frozenset()) -> dict[int, tuple[float, float]]:
    """N[i][subject] as a (lo, hi) fraction for every i upstream of ``subject`` (the subject included:
    its value is what it holds of itself through cycles). Values are capped at 1 (100%)."""
    nodes = upstream(subject, held_by, exclude)
    values: dict[int, tuple[float, float]] = {}
    for comp in components(nodes, holdings):
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
                got = values.get(held)
                if got is not None:
                    acc_lo += s_lo * got[0]
                    acc_hi += s_hi * got[1]
            if not cyclic:
                low = min(acc_lo, 1.0)
                values[node] = (low, max(low, min(acc_hi, 1.0)))
                continue
        lo = _solve_component(comp, holdings, subject, values, 0)
        hi = _solve_component(comp, holdings, subject, values, 1)
        for k, node in enumerate(comp):
            low = min(lo[k], 1.0)
            values[node] = (low, max(low, min(hi[k], 1.0)))
    return values


def group_stake(members: frozenset[int], subject: int, holdings: Holdings,
                held_by: HeldBy) -> tuple[float, float]:
    """The stake of a set of parties treated as one node: paths start at a member and never pass
    through another member, so a stake held through a member is counted once."""
    values = effective_stakes(subject, holdings, held_by, exclude=members - {subject})
    lo = hi = 0.0
    for member in members:
        if member == subject:
            continue
        for held, s_lo, s_hi in holdings.get(member, ()):
            if held in members and held != subject:
                continue
            if held == subject:
                lo += s_lo
                hi += s_hi
            if held in values:
                lo += s_lo * values[held][0]
                hi += s_hi * values[held][1]
    return (min(lo, 1.0), min(hi, 1.0))


def control_closure(seeds: Iterable[int], votes: Mapping[int, Sequence[tuple[int, float]]],
                    board_control: Mapping[int, Iterable[int]], threshold: float) -> set[int]:
    """The entities controlled by ``seeds`` acting together: more than ``threshold`` (a fraction) of the
    votes held by the seeds and the entities they already control, or the right to appoint a board
    majority. The seeds themselves are not in the result."""
    seed_set = set(seeds)
    controlled: set[int] = set()
    tally: dict[int, float] = {}
    queue = list(seed_set)
    done: set[int] = set()
    while queue:
        node = queue.pop()
        if node in done:
            continue
        done.add(node)
        for held, share in votes.get(node, ()):
            if held in seed_set or held in controlled:
                continue
            total = tally.get(held, 0.0) + share
            tally[held] = total
            if total > threshold + 1e-12:
                controlled.add(held)
                queue.append(held)
        for held in board_control.get(node, ()):
            if held not in seed_set and held not in controlled:
                controlled.add(held)
                queue.append(held)
    return controlled
