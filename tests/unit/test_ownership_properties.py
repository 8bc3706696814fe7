"""Property tests: the fast solver against plain references on small random webs with cycles.

- economic stake = entries of (I - A)^-1 - I, computed here by plain Gauss-Jordan inversion;
- group stake = the same with the members merged into one node (their mutual holdings dropped);
- control of the subject = the control closure of each party on its own;
- large cycle components (solved by sparse elimination) against the dense solver.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from desktop.core.ownership.stakes import (
    _solve_dense,
    _solve_sparse,
    control_closure,
    effective_stakes,
    group_stake,
    reaches_control,
)

Edge = tuple[int, int, float]


def invert(a: list[list[float]]) -> list[list[float]]:
    """Plain Gauss-Jordan inversion with partial pivoting (the reference, no cleverness)."""
    n = len(a)
    m = [row[:] + [1.0 if i == j else 0.0 for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col][col]
        m[col] = [v / p for v in m[col]]
        for r in range(n):
            if r != col and m[r][col]:
                f = m[r][col]
                m[r] = [v - f * w for v, w in zip(m[r], m[col], strict=True)]
    return [row[n:] for row in m]


def reference_stakes(n: int, edges: list[Edge], subject: int) -> list[float]:
    """Column ``subject`` of (I - A)^-1 - I."""
    a = [[0.0] * n for _ in range(n)]
    for h, s, share in edges:
        a[h][s] += share
    inv = invert([[(1.0 if i == j else 0.0) - a[i][j] for j in range(n)] for i in range(n)])
    return [inv[i][subject] - (1.0 if i == subject else 0.0) for i in range(n)]


def maps(edges: list[Edge]) -> tuple[dict[int, list[tuple[int, float, float]]], dict[int, list[int]]]:
    holdings: dict[int, list[tuple[int, float, float]]] = {}
    held_by: dict[int, list[int]] = {}
    for h, s, share in edges:
        holdings.setdefault(h, []).append((s, share, share))
        held_by.setdefault(s, []).append(h)
    return holdings, held_by


@st.composite
def webs(draw: st.DrawFn, max_parties: int = 9) -> tuple[int, list[Edge]]:
    """Random webs with cross-holdings: every entity is held at most 95% in total (so the series
    converges), holders anywhere (cycles of any length), one interest per holder/entity pair."""
    n = draw(st.integers(min_value=2, max_value=max_parties))
    edges: list[Edge] = []
    for entity in range(n):
        holders = draw(st.lists(st.integers(0, n - 1).filter(lambda h, e=entity: h != e),
                                max_size=4, unique=True))
        left = 0.95
        for h in holders:
            share = draw(st.floats(min_value=0.0, max_value=1.0)) * left
            left -= share
            edges.append((h, entity, share))
    return n, edges


@settings(max_examples=300, deadline=None)
@given(webs(), st.data())
def test_stakes_equal_the_inverse_matrix(web: tuple[int, list[Edge]], data: st.DataObject) -> None:
    n, edges = web
    subject = data.draw(st.integers(0, n - 1))
    holdings, held_by = maps(edges)
    got = effective_stakes(subject, holdings, held_by)
    ref = reference_stakes(n, edges, subject)
    # Cross-holdings can add up to more than 100% (A holds 95% of B, B 95% of A); Vetta caps every
    # stake at 100% on the way, where the plain inverse does not: compare where no cap applies.
    assume(max(ref) <= 1.0 - 1e-9)
    for i in range(n):
        lo, hi = got.get(i, (0.0, 0.0))
        assert lo == hi
        assert abs(lo - min(ref[i], 1.0)) < 1e-9, (i, lo, ref[i])


@settings(max_examples=200, deadline=None)
@given(webs(), st.data())
def test_group_stake_equals_the_merged_node(web: tuple[int, list[Edge]], data: st.DataObject) -> None:
    n, edges = web
    subject = data.draw(st.integers(0, n - 1))
    members = frozenset(data.draw(st.lists(st.integers(0, n - 1).filter(lambda m: m != subject),
                                           min_size=1, max_size=3, unique=True)))
    holdings, held_by = maps(edges)
    lo, hi = group_stake(members, subject, holdings, held_by)
    # Reference: merge the members into node n; paths from the group never pass through a member,
    # so holdings *into* members are dropped (the merged node is only a start).
    merged = n
    new_edges: list[Edge] = []
    for h, s, share in edges:
        if s in members:
            continue
        new_edges.append((merged if h in members else h, s, share))
    ref_all = reference_stakes(n + 1, new_edges, subject)
    assume(max(ref_all[:merged]) <= 1.0 - 1e-9)  # no cap on the way (see above)
    ref = ref_all[merged]
    assert lo == hi
    assert abs(lo - min(ref, 1.0)) < 1e-9


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.0, 100.0)), max_size=20),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3),
    st.integers(0, n - 1))))
def test_reaches_control_agrees_with_the_closure(case: tuple[int, list[tuple[int, int, float]],
                                                             list[tuple[int, int]], int]) -> None:
    n, vote_edges, board_edges, subject = case
    votes: dict[int, list[tuple[int, float]]] = {}
    for h, s, share in vote_edges:
        if h != s:
            votes.setdefault(h, []).append((s, share))
    board: dict[int, set[int]] = {}
    for h, s in board_edges:
        board.setdefault(h, set()).add(s)
    for pid in range(n):
        expected = subject != pid and subject in control_closure([pid], votes, board, 50.0)
        assert reaches_control(pid, subject, votes, board, 50.0) == expected


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 70), st.data())
def test_sparse_elimination_equals_dense(n: int, data: st.DataObject) -> None:
    rows: list[dict[int, float]] = [{k: 1.0} for k in range(n)]
    for k in range(n):  # a ring (one strongly connected component) plus random chords
        rows[(k + 1) % n][k] = rows[(k + 1) % n].get(k, 0.0) - data.draw(st.floats(0.05, 0.5))
    for _ in range(data.draw(st.integers(0, n))):
        r, c = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
        if r != c:
            rows[r][c] = rows[r].get(c, 0.0) - data.draw(st.floats(0.0, 0.3))
    # keep it column-diagonally dominant like a share matrix: each entity held at most 95%
    for c in range(n):
        held = -sum(row.get(c, 0.0) for r, row in enumerate(rows) if r != c)
        if held > 0.95:
            for r, row in enumerate(rows):
                if r != c and c in row:
                    row[c] *= 0.95 / held
    rhs = [data.draw(st.floats(0.0, 1.0)) for _ in range(n)]
    dense = _solve_dense([[row.get(c, 0.0) for c in range(n)] for row in rows], rhs)
    sparse = _solve_sparse(rows, rhs)
    assert dense is not None and sparse is not None
    assert all(abs(a - b) < 1e-9 for a, b in zip(dense, sparse, strict=True))
