"""The stake solver: multiply-and-sum along chains, exact with cycles, ranges, groups, control."""

from __future__ import annotations

import random

import pytest

from desktop.core.ownership.layout import layered_layout
from desktop.core.ownership.stakes import components, control_closure, effective_stakes, group_stake


def maps(edges: list[tuple[int, int, float, float]]) -> tuple[dict, dict]:
    holdings: dict[int, list[tuple[int, float, float]]] = {}
    held_by: dict[int, list[int]] = {}
    for h, s, lo, hi in edges:
        holdings.setdefault(h, []).append((s, lo, hi))
        held_by.setdefault(s, []).append(h)
    return holdings, held_by


def neumann(edges: list[tuple[int, int, float, float]], n: int, subject: int, terms: int = 400) -> list[float]:
    """Reference: sum of A^k[i][subject] for k = 1..terms (plain matrix powers, no cleverness)."""
    a = [[0.0] * n for _ in range(n)]
    for h, s, lo, _hi in edges:
        a[h][s] += lo
    col = [a[i][subject] for i in range(n)]
    total = col[:]
    for _ in range(terms):
        col = [sum(a[i][k] * col[k] for k in range(n)) for i in range(n)]
        total = [t + c for t, c in zip(total, col, strict=True)]
    return total


def test_chain_multiplies() -> None:
    holdings, held_by = maps([(1, 2, 1.0, 1.0), (2, 3, 0.49, 0.49), (4, 3, 0.33, 0.33), (5, 4, 0.6, 0.6)])
    v = effective_stakes(3, holdings, held_by)
    assert v[1] == pytest.approx((0.49, 0.49))
    assert v[5] == pytest.approx((0.198, 0.198))
    assert v[3] == (0.0, 0.0)


def test_atlas_cross_holding_matches_closed_form() -> None:
    # H holds 80% of S, S holds 10% of H, F holds 90% of H.  x_H = 0.8 + 0.8 * 0.1 * x_H.
    holdings, held_by = maps([(1, 0, 0.8, 0.8), (0, 1, 0.1, 0.1), (2, 1, 0.9, 0.9)])
    v = effective_stakes(0, holdings, held_by)
    assert v[1][0] == pytest.approx(0.8 / 0.92, abs=1e-12)
    assert v[2][0] == pytest.approx(0.9 * 0.8 / 0.92, abs=1e-12)
    assert v[0][0] == pytest.approx(0.1 * 0.8 / 0.92, abs=1e-12)  # the subject's holding of itself


def test_random_cyclic_webs_equal_the_power_series() -> None:
    rng = random.Random(7)
    for _ in range(20):
        n = 12
        edges: list[tuple[int, int, float, float]] = []
        for s in range(n):
            holders = rng.sample(range(n), 3)
            left = 1.0
            for h in holders:
                if h == s:
                    continue
                share = round(rng.uniform(0, left * 0.9), 3)
                left -= share
                edges.append((h, s, share, share))
        holdings, held_by = maps(edges)
        v = effective_stakes(0, holdings, held_by)
        ref = neumann(edges, n, 0)
        for i in range(n):
            assert v.get(i, (0.0, 0.0))[0] == pytest.approx(min(ref[i], 1.0), abs=1e-9)


def test_ranges_are_carried_and_capped() -> None:
    holdings, held_by = maps([(1, 2, 0.25, 0.5), (2, 3, 0.5, 1.0), (4, 3, 0.0, 1.0), (3, 4, 0.0, 1.0)])
    v = effective_stakes(3, holdings, held_by)
    assert v[1][0] == pytest.approx(0.125)
    # the unknown cross-holding makes the upper bound diverge: each stake is capped at 100% on the way
    assert v[4][1] == 1.0 and v[2][1] == 1.0
    assert v[1][1] == pytest.approx(0.5)
    assert v[2][0] == pytest.approx(0.5)
    assert all(0.0 <= lo <= hi <= 1.0 for lo, hi in v.values())


def test_group_is_counted_once() -> None:
    # parent 100% of arm; arm 49% of vendor; parent also 10% directly; both 50% of X, X 20% of vendor
    edges = [(1, 2, 1.0, 1.0), (2, 9, 0.49, 0.49), (1, 9, 0.1, 0.1), (1, 5, 0.5, 0.5), (2, 5, 0.5, 0.5),
             (5, 9, 0.2, 0.2)]
    holdings, held_by = maps(edges)
    v = effective_stakes(9, holdings, held_by)
    assert v[1][0] == pytest.approx(0.49 + 0.1 + 0.5 * 0.2 + 0.5 * 0.2)
    lo, hi = group_stake(frozenset({1, 2}), 9, holdings, held_by)
    assert lo == pytest.approx(0.49 + 0.1 + 0.2) and hi == pytest.approx(lo)


def test_control_through_controlled_entities_and_board() -> None:
    votes = {1: [(2, 60.0), (3, 30.0)], 2: [(3, 25.0)], 4: [(5, 10.0)]}
    assert control_closure([1], votes, {}, 50.0) == {2, 3}  # 30 + 25 through controlled 2
    assert control_closure([4], votes, {4: {5}}, 50.0) == {5}
    assert control_closure([2], votes, {}, 50.0) == set()


def test_components_dependency_order() -> None:
    holdings, _ = maps([(1, 2, 1, 1), (2, 1, 1, 1), (3, 1, 1, 1)])
    comps = components({1, 2, 3}, holdings)
    assert [sorted(c) for c in comps] == [[1, 2], [3]]


def test_layout_puts_subject_at_bottom() -> None:
    pos = layered_layout(1, [(2, 1), (3, 1), (4, 2), (1, 4)])
    assert pos[1].layer == 0 and pos[2].layer == 1 and pos[4].layer == 2
    assert pos[1].y > pos[2].y > pos[4].y
    assert {pos[2].x, pos[3].x} == {-110.0, 110.0}
