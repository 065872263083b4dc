"""Tidy tree layout: properties on many random trees (hypothesis)."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgpath.render.layout import ASSISTANT_GAP, HGAP, INDENT, tidy_layout

EPS = 1e-6


@st.composite
def forests(draw, max_nodes=40):
    """A random forest as a DiGraph (edges manager → report) plus a set of assistants."""
    n = draw(st.integers(1, max_nodes))
    T = nx.DiGraph()
    T.add_node(0)
    for i in range(1, n):
        parent = draw(st.integers(-1, i - 1))  # -1: another root
        T.add_node(i)
        if parent >= 0:
            T.add_edge(parent, i)
    assistants = set(draw(st.sets(st.integers(0, n - 1), max_size=3)))
    return T, assistants


def preorder(T):
    roots = [v for v in T if T.in_degree(v) == 0]
    out = []
    stack = list(reversed(roots))
    while stack:
        v = stack.pop()
        out.append(v)
        stack.extend(reversed(list(T.successors(v))))
    return out


def rows(L):
    by = defaultdict(list)
    for v, b in L.boxes.items():
        by[round(b.y, 6)].append((b.x, v))
    return by


def check_common(T, L):
    assert set(L.boxes) == set(T)
    # no two boxes overlap, at least the gap apart
    for row in rows(L).values():
        row.sort()
        for (x1, a), (x2, b) in zip(row, row[1:], strict=False):
            assert x2 >= x1 + L.boxes[a].width + min(HGAP, ASSISTANT_GAP) - EPS, (a, b)
    # inside the drawing
    for b in L.boxes.values():
        assert b.x >= -EPS
        assert b.y >= -EPS
        assert b.x + b.width <= L.width + EPS
        assert b.y + b.height <= L.height + EPS
    # one connector per reporting line
    assert sorted((u, v) for u, v, _ in L.edges) == sorted(T.edges())


@settings(max_examples=150, deadline=None)
@given(forests())
def test_plain_layout_properties(data):
    T, _ = data
    L = tidy_layout(T, assistants=())
    check_common(T, L)
    cx = {v: b.cx for v, b in L.boxes.items()}
    # a manager is centred over their first and last report
    for v in T:
        kids = list(T.successors(v))
        if kids:
            assert abs(cx[v] - (cx[kids[0]] + cx[kids[-1]]) / 2) < EPS
            assert all(L.boxes[k].y > L.boxes[v].y for k in kids)
    # subtrees never interleave: each row reads in depth-first order
    order = {v: i for i, v in enumerate(preorder(T))}
    for row in rows(L).values():
        ids = [v for _, v in sorted(row)]
        assert ids == sorted(ids, key=order.__getitem__)


@settings(max_examples=100, deadline=None)
@given(forests())
def test_assistants_sit_beside_their_manager(data):
    T, assistants = data
    L = tidy_layout(T, assistants=assistants)
    check_common(T, L)
    for a in assistants:
        managers = list(T.predecessors(a))
        if not managers or T.out_degree(a):
            assert a not in L.assistants
            continue
        m = managers[0]
        assert a in L.assistants
        assert L.boxes[a].y == L.boxes[m].y


@settings(max_examples=100, deadline=None)
@given(forests())
def test_compact_layout_properties(data):
    T, _ = data
    L = tidy_layout(T, assistants=(), compact=True)
    check_common(T, L)
    for v in T:
        kids = list(T.successors(v))
        if len(kids) >= 2 and all(T.out_degree(k) == 0 for k in kids):
            ys = [L.boxes[k].y for k in kids]
            assert ys == sorted(ys)
            assert len(set(ys)) == len(ys)  # one column, in order
            for k in kids:
                assert k in L.stacked
                assert abs(L.boxes[k].x - (L.boxes[v].x + INDENT)) < EPS


def test_same_shaped_subtrees_drawn_alike():
    S = nx.balanced_tree(2, 3, create_using=nx.DiGraph)
    T = nx.DiGraph()
    T.add_edge("r", ("a", 0))
    T.add_edge("r", "mid")
    T.add_edge("r", ("b", 0))
    T.add_edges_from((("a", u), ("a", v)) for u, v in S.edges())
    T.add_edges_from((("b", u), ("b", v)) for u, v in S.edges())
    L = tidy_layout(T)
    da = {v: L.boxes[("a", v)].x - L.boxes[("a", 0)].x for v in S}
    db = {v: L.boxes[("b", v)].x - L.boxes[("b", 0)].x for v in S}
    assert da == db


def test_compact_is_narrower_for_wide_teams():
    T = nx.DiGraph([("boss", f"r{i}") for i in range(12)])
    plain, compact = tidy_layout(T), tidy_layout(T, compact=True)
    assert compact.width < plain.width / 5
    assert compact.height > plain.height


def test_roots_side_by_side():
    T = nx.DiGraph([("a", "a1"), ("b", "b1")])
    L = tidy_layout(T)
    assert L.boxes["a"].y == L.boxes["b"].y
    assert L.boxes["a"].x + L.boxes["a"].width < L.boxes["b"].x


def test_deep_chain_is_not_recursive():
    T = nx.path_graph(100_000, create_using=nx.DiGraph)
    L = tidy_layout(T)
    assert L.boxes[99_999].y > L.boxes[0].y
    assert L.boxes[99_999].x == L.boxes[0].x


def test_not_a_forest():
    with pytest.raises(ValueError, match="not a forest"):
        tidy_layout(nx.DiGraph([(0, 0), (1, 2), (2, 1)]))
    with pytest.raises(ValueError, match="not a tree"):
        tidy_layout(nx.DiGraph([(1, 3), (2, 3)]))


def test_as_dict():
    d = tidy_layout(nx.DiGraph([("a", "b")])).as_dict()
    assert set(d) == {"width", "height", "boxes", "edges"}
    assert d["edges"][0]["from"] == "a"


@settings(max_examples=60, deadline=None)
@given(forests(), st.booleans())
def test_grid_holds_what_the_dicts_say(data, compact):
    T, assistants = data
    L = tidy_layout(T, assistants=assistants, compact=compact)
    g = L.grid
    assert len(g) == len(L) == T.number_of_nodes()
    assert g.ids == list(L.boxes)  # the same drawing order
    for k, v in enumerate(g.ids):
        b = L.boxes[v]
        assert (g.x[k], g.y[k], g.box_width, g.box_height) == tuple(b)
        assert g.kind[k] == (2 if v in L.assistants else 1 if v in L.stacked else 0)
        assert g.row[k] == L.rows[v]
        p = g.parent[k]
        assert (g.ids[p] if p >= 0 else None) == next(iter(T.predecessors(v)), None)
    managers = [g.ids[u] for u in g.lines_of]
    assert managers == list(L.connectors) == [v for v in preorder(T) if T.out_degree(v)]
    for j, u in enumerate(managers):
        assert g.ids[g.line_head[j]] == next(iter(T.successors(u)))
        start = g.line_end[j - 1] if j else 0
        segs = [tuple(g.segs[4 * s:4 * s + 4]) for s in range(start, g.line_end[j])]
        assert segs == L.connectors[u]


def test_a_hand_made_layout_has_a_grid_and_empty_parts():
    from orgpath.render.layout import Box, Layout

    L = Layout({"a": Box(0.0, 0.0, 10.0, 5.0), "b": Box(20.0, 15.0, 10.0, 5.0)}, 30.0, 20.0,
               connectors={"a": [(5.0, 5.0, 25.0, 15.0)]})
    assert L.edges == []
    assert L.rows == {}
    g = L.grid
    assert g.ids == ["a", "b"]
    assert list(g.x) == [0.0, 20.0]
    assert list(g.segs) == [5.0, 5.0, 25.0, 15.0]
    assert len(Layout({}, 720.0, 72.0)) == 0


def test_roots_given_twice_or_under_another_root():
    T = nx.DiGraph([("a", "b"), ("b", "c")])
    with pytest.raises(ValueError, match="'a' is reached twice"):
        tidy_layout(T, roots=["a", "a"])
    with pytest.raises(ValueError, match="'b' is reached twice"):
        tidy_layout(T, roots=["a", "b"])
    with pytest.raises(ValueError, match="'a' is on a cycle or under one"):
        tidy_layout(T, roots=["b"])
    with pytest.raises(ValueError, match="root 'x' is not in the graph"):
        tidy_layout(T, roots=["x"])
