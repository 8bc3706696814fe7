"""The Qt-free parts of the ownership graph: the layered layout with bends, the edges in words."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.ownership.edges import OWNERSHIP, ROLE, web_edges
from desktop.core.ownership.layout import web_layout
from desktop.core.ownership.model import InterestInfo

# 0 the vendor; 1 investment arm, 2 founders' holding, 3 fund, 4 interim CEO; 5 competitor, 6 co-founder;
# 7 the CEO who owns 60% of 2, sits on 0's board and works for 5
SCALEWISE = [(1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (6, 2), (7, 2), (7, 0), (7, 5)]


def test_every_holder_sits_above_what_it_holds_and_long_edges_bend_around_layers() -> None:
    layout = web_layout(0, SCALEWISE, node_width=200, bend_width=30, gap=40, y_gap=100)
    nodes = layout.nodes
    assert set(nodes) == set(range(8))
    assert nodes[0].y == max(n.y for n in nodes.values()) and nodes[0].x == 0.0
    for h, s in SCALEWISE:
        assert nodes[h].layer > nodes[s].layer
    assert nodes[7].layer == 3  # above the competitor it works for (layer 2)
    # the CEO's edge to the vendor crosses layers 2 and 1: one bend on each, clear of the boxes there
    bends = layout.routes[(7, 0)]
    assert [y for _x, y in bends] == [100.0, 200.0]
    for x, y in bends:
        for n in nodes.values():
            if n.y == y:
                assert abs(n.x - x) >= 100 + 15 + 40 - 1e-6
    assert layout.routes[(1, 0)] == []
    # boxes of one layer never overlap
    for lyr in range(layout.top + 1):
        xs = sorted(n.x for n in nodes.values() if n.layer == lyr)
        assert all(b - a >= 240 - 1e-6 for a, b in zip(xs, xs[1:], strict=False))


def test_a_cycle_is_drawn_without_looping() -> None:
    layout = web_layout(1, [(2, 1), (3, 1), (4, 2), (1, 4)])
    assert set(layout.nodes) == {1, 2, 3, 4}
    assert layout.nodes[4].layer > layout.nodes[2].layer > layout.nodes[1].layer
    assert (1, 4) in layout.routes  # the edge closing the cycle is still drawn


@given(st.lists(st.tuples(st.integers(0, 25), st.integers(0, 25)), max_size=80))
def test_any_web_lays_out(edges: list[tuple[int, int]]) -> None:
    layout = web_layout(0, edges)
    assert 0 in layout.nodes
    for (h, s), route in layout.routes.items():
        assert h in layout.nodes and s in layout.nodes
        assert len(route) == max(0, layout.nodes[h].layer - layout.nodes[s].layer - 1)


def interest(iid: int, holder: int, subject: int, kind: str, **kw: object) -> InterestInfo:
    return InterestInfo(iid, holder, subject, kind, **kw)  # type: ignore[arg-type]


def test_edges_say_stakes_and_roles_with_dates() -> None:
    interests = [
        interest(1, 2, 1, "shareholding", share_exact=49.0, start=date(2025, 6, 13)),
        interest(2, 2, 1, "voting_rights", share_exact=0.0, start=date(2025, 6, 13)),
        interest(3, 3, 1, "senior_managing_official", role_title="Chief Executive Officer",
                 start=date(2016, 8, 1), end=date(2025, 6, 12)),
        interest(4, 3, 1, "board_member", start=date(2016, 8, 1)),
        interest(5, 4, 1, "senior_managing_official", role_title="CTO", start=date(2010, 1, 1),
                 end=date(2020, 1, 1)),  # ended before the look-back window
        interest(6, 5, 1, "shareholding", share_exact=10.0, end=date(2024, 1, 1)),  # sold: not drawn
        interest(7, 9, 1, "shareholding", share_exact=5.0),  # not a node of the graph
    ]
    edges = web_edges(interests, {1, 2, 3, 4, 5}, date(2025, 9, 1), date(2023, 9, 1))
    assert [(e.holder, e.held, e.kind, e.lines, e.ended) for e in edges] == [
        (2, 1, OWNERSHIP, ["49% / votes 0%"], False),
        (3, 1, ROLE, ["board member, since 1 Aug 2016",
                      "Chief Executive Officer, 1 Aug 2016 – 12 Jun 2025 (ended)"], False),
    ]
    assert edges[1].tooltip({1: "Scalewise", 3: "Alex"}) == (
        "Alex → Scalewise:\nboard member, since 1 Aug 2016\n"
        "Chief Executive Officer, 1 Aug 2016 – 12 Jun 2025 (ended)")
    spanish = web_edges(interests, {1, 2, 3}, date(2025, 9, 1), date(2023, 9, 1), lang="es")
    assert [e.lines for e in spanish] == [
        ["49% / votos 0%"],
        ["miembro del consejo, desde el 1 ago 2016",
         "Chief Executive Officer, 1 ago 2016 – 12 jun 2025 (finalizado)"]]
    only_ended = web_edges(interests[2:3], {1, 3}, date(2025, 9, 1), date(2023, 9, 1))
    assert only_ended[0].ended
