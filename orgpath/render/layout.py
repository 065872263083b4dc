"""A tidy tree layout for org charts, in linear time and without recursion.

:func:`tidy_layout` places one box per node of a forest (edges manager →
report) with Buchheim, Jünger and Leipert's linear-time version of Walker's
algorithm ("Improving Walker's algorithm to run in linear time", 2002):

* a manager is centred over their reports; no two boxes overlap;
* the subtrees of siblings never interleave, and same-shaped subtrees are
  drawn alike (the algorithm only looks at the shape);
* every walk is iterative, so a 100,000-deep chain is fine;
* several roots are drawn side by side (under an invisible super-root);
* ``assistants`` (leaf reports) sit on their manager's row, right then left;
* ``compact=True`` stacks the reports of a manager whose reports are all
  leaves in one column under the manager, which makes wide teams narrow.

Boxes may have different left and right extents around the point that is
centred (a manager with an assistant is wider on the assistant's side), so
the separation of two neighbours is ``right(a) + gap + left(b)``.

Coordinates are points, origin top left, ``y`` growing down, as in SVG.

>>> import networkx as nx
>>> T = nx.DiGraph([("a", "b"), ("a", "c")])
>>> L = tidy_layout(T, box_width=10, box_height=10, hgap=2, vgap=5, margin=0)
>>> [tuple(L.boxes[n]) for n in "abc"]
[(6.0, 0.0, 10.0, 10.0), (0.0, 15.0, 10.0, 10.0), (12.0, 15.0, 10.0, 10.0)]
>>> L.width, L.height
(22.0, 25.0)
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from orgpath.bulk import gc_paused

__all__ = ["Box", "Layout", "tidy_layout", "BOX_WIDTH", "BOX_HEIGHT"]

BOX_WIDTH = 170.0  # points
BOX_HEIGHT = 54.0
HGAP = 14.0  # between neighbouring boxes of a row
VGAP = 34.0  # between rows
ROOT_GAP = 40.0  # between the trees of different roots
INDENT = 22.0  # how far a compact column is shifted right of its manager
ASSISTANT_GAP = 18.0


class Box(NamedTuple):
    """A box: top-left corner and size, in points (``y`` grows down)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        """The x of the box's centre."""
        return self.x + self.width / 2


Point = tuple[float, float]


@dataclass
class Layout:
    """Where every box goes, the connector lines and the total size."""

    boxes: dict[Hashable, Box]
    width: float
    height: float
    #: (manager, report, polyline) for each reporting line, drawn orthogonally.
    edges: list[tuple[Hashable, Hashable, tuple[Point, ...]]] = field(default_factory=list)
    #: each manager's connector lines merged into straight pieces ``(x1, y1, x2, y2)``:
    #: trunk, bus and drops (or a column's trunk and stubs, or lines to assistants)
    connectors: dict[Hashable, list[tuple[float, float, float, float]]] = field(
        default_factory=dict)
    #: nodes drawn in a compact column under their manager
    stacked: set[Hashable] = field(default_factory=set)
    #: nodes drawn beside their manager
    assistants: set[Hashable] = field(default_factory=set)
    #: row of each node (0 for the roots)
    rows: dict[Hashable, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON-ready data: size, boxes by id and edges with their points."""
        return {
            "width": self.width,
            "height": self.height,
            "boxes": {str(k): b._asdict() for k, b in self.boxes.items()},
            "edges": [{"from": str(u), "to": str(v), "points": [list(p) for p in pts]}
                      for u, v, pts in self.edges],
        }


def _default_assistants(T: nx.DiGraph) -> set:
    out = set()
    for v, d in T._node.items():
        p = d.get("person")
        if d.get("assistant") or (p is not None and getattr(p, "assistant", False)):
            out.add(v)
    return out


def tidy_layout(
    T: nx.DiGraph,
    roots: Sequence[Hashable] | None = None,
    *,
    compact: bool = False,
    assistants: Collection[Hashable] | None = None,
    box_width: float = BOX_WIDTH,
    box_height: float = BOX_HEIGHT,
    hgap: float = HGAP,
    vgap: float = VGAP,
    root_gap: float = ROOT_GAP,
    indent: float = INDENT,
    margin: float = 8.0,
) -> Layout:
    """Lay out the forest ``T`` (edges manager → report) as a tidy org chart.

    ``roots`` defaults to the nodes without a manager, in node order; reports
    keep the order of ``T``'s successors. ``assistants`` defaults to the nodes
    whose ``person`` attribute has ``assistant=True``; an assistant who has
    reports of their own is drawn as an ordinary report. Raises ``ValueError``
    when ``T`` is not a forest.

    >>> T = nx.DiGraph([("m", "r1"), ("m", "r2"), ("m", "r3")])
    >>> wide = tidy_layout(T).width
    >>> narrow = tidy_layout(T, compact=True).width
    >>> narrow < wide
    True
    """
    with gc_paused():
        tree = _Tree.of(T, roots, assistants=assistants, compact=compact,
                        box_width=box_width, indent=indent)
        x, depth = _buchheim(tree.kids, tree.le, tree.re, gap=float(hgap), root_gap=root_gap,
                             root=tree.root)
        spacing = _Spacing(float(box_width), float(box_height), float(hgap), float(vgap),
                           float(indent), float(margin))
        return _place(tree, x, depth, spacing)


@dataclass
class _Spacing:
    """Box size and the gaps of a layout, in points."""

    W: float
    H: float
    hgap: float
    vgap: float
    indent: float
    margin: float


@dataclass
class _Tree:
    """The forest numbered in preorder, shaped for the Buchheim walk.

    Index ``root`` (= n) is an invisible super-root over the real roots;
    assistants are taken out of ``kids`` (kept in ``side``), and the reports of
    a compact manager are chained into one column.
    """

    T: nx.DiGraph
    ids: list[Hashable]
    index: dict[Hashable, int]
    kids: list[list[int]]
    le: list[float]  # extent of each box left of the point that is centred
    re: list[float]  # ... and right of it
    side: dict[int, list[int]]  # the assistants of each manager who has some
    stacked: set[Hashable]  # drawn in a compact column
    parent: list[int]  # each node's manager (-1 for a root)
    managers: list[tuple[Hashable, list[int]]]  # (manager, all reports' indices)

    @property
    def root(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, T: nx.DiGraph, roots: Sequence[Hashable] | None, *,
           assistants: Collection[Hashable] | None, compact: bool, box_width: float,
           indent: float) -> _Tree:
        ids, index = _preorder(T, roots)
        if assistants is None:
            assistants = _default_assistants(T)
        succ = T._succ
        n = len(ids)
        half = float(box_width) / 2
        tree = cls(T, ids, index, [[]] * (n + 1), [half] * (n + 1), [half] * (n + 1), {},
                   set(), [-1] * (n + 1), [])
        tree.kids[n] = [index[r] for r in (roots if roots is not None else
                                           [v for v, p in T._pred.items() if not p])]
        tree.le[n] = tree.re[n] = 0.0
        for i, v in enumerate(ids):
            ch = [index[c] for c in succ[v]]
            if ch:
                tree._shape(i, v, ch, assistants, compact=compact, W=float(box_width),
                            indent=indent)
        return tree

    def _shape(self, i: int, v: Hashable, ch: list[int], assistants: Collection[Hashable], *,
               compact: bool, W: float, indent: float) -> None:
        """Give manager ``i`` its reports: assistants beside, a column, or a row below."""
        succ, ids, half = self.T._succ, self.ids, W / 2
        self.managers.append((v, ch))
        regular = []
        for c in ch:
            self.parent[c] = i
            if ids[c] in assistants and not succ[ids[c]]:
                self.side.setdefault(i, []).append(c)
            else:
                regular.append(c)
        if i in self.side:
            k = len(self.side[i])
            self.re[i] = half + ((k + 1) // 2) * (W + ASSISTANT_GAP)
            self.le[i] = half + (k // 2) * (W + ASSISTANT_GAP)
        if compact and len(regular) >= 2 and all(not succ[ids[c]] for c in regular):
            self.kids[i] = [regular[0]]
            for a, b in zip(regular, regular[1:], strict=False):
                self.kids[a] = [b]
            for c in regular:
                self.le[c] = half - indent
                self.re[c] = half + indent
            self.stacked.update(ids[c] for c in regular)
        else:
            self.kids[i] = regular


def _preorder(T: nx.DiGraph, roots: Sequence[Hashable] | None,
              ) -> tuple[list[Hashable], dict[Hashable, int]]:
    """The nodes in preorder and their numbers; ValueError unless ``T`` is a forest."""
    succ = T._succ
    if roots is None:
        roots = [v for v, p in T._pred.items() if not p]
    for r in roots:
        if r not in succ:
            raise ValueError(f"root {r!r} is not in the graph")
    ids: list[Hashable] = []
    index: dict[Hashable, int] = {}
    stack = list(reversed(roots))
    while stack:
        v = stack.pop()
        if v in index:
            raise ValueError(f"not a tree: {v!r} is reached twice")
        index[v] = len(ids)
        ids.append(v)
        ch = succ[v]
        if ch:
            stack.extend(reversed(ch))
    if len(ids) != len(succ):
        missing = next(v for v in succ if v not in index)
        raise ValueError(f"not a forest: {missing!r} is on a cycle or under one")
    return ids, index


def _place(tree: _Tree, x: list[float], depth: list[int], sp: _Spacing) -> Layout:
    """Boxes where the walk put them (the leftmost extent on the margin), then the lines."""
    ids, le, re, n = tree.ids, tree.le, tree.re, len(tree.ids)
    placed = [i for i in range(n) if depth[i] > 0]
    left = min((x[i] - le[i] for i in placed), default=0.0)
    right = max((x[i] + re[i] for i in placed), default=0.0)
    dx = sp.margin - left
    step = sp.H + sp.vgap
    half = sp.W / 2
    boxes: dict[Hashable, Box] = {}
    cx = [0.0] * n
    for i, v in enumerate(ids):
        if depth[i] < 0:  # an assistant: placed below, with its manager
            continue
        c = cx[i] = x[i] + dx
        y = sp.margin + (depth[i] - 1) * step
        boxes[v] = Box(c - half + (sp.indent if v in tree.stacked else 0.0), y, sp.W, sp.H)
        for k, a in enumerate(tree.side.get(i, ())):
            off = (k // 2 + 1) * (sp.W + ASSISTANT_GAP) * (1 if k % 2 == 0 else -1)
            boxes[ids[a]] = Box(c + off - half, y, sp.W, sp.H)
    rows_n = max(depth) if n else 0
    width = (right - left) + 2 * sp.margin if n else 2 * sp.margin
    height = rows_n * step - sp.vgap + 2 * sp.margin if n else 2 * sp.margin
    edges, asst, side_lines = _edges(tree, boxes, cx, depth=depth, sp=sp)
    rows = {ids[i]: (depth[i] - 1 if depth[i] > 0 else depth[tree.parent[i]] - 1)
            for i in range(n)}
    connectors = {u: _manager_lines(tree, u, ch, boxes, cx=cx, depth=depth,
                                    side_lines=side_lines.get(u, ()), sp=sp)
                  for u, ch in tree.managers}
    return Layout(boxes, width, height, edges=edges, connectors=connectors,
                  stacked=tree.stacked, assistants=asst, rows=rows)


_Edge = tuple[Hashable, Hashable, tuple[Point, ...]]


def _edges(tree: _Tree, boxes: dict[Hashable, Box], cx: list[float], *, depth: list[int],
           sp: _Spacing) -> tuple[list[_Edge], set[Hashable], dict[Hashable, list[_Edge]]]:
    """Each reporting line, orthogonal: down from the manager, along a bus, down to the report.

    Also the assistants and, by manager, the lines to their assistants.
    """
    ids, H = tree.ids, sp.H
    edges: list[_Edge] = []
    asst = set()
    side_lines: dict[Hashable, list[_Edge]] = {}
    for i, v in enumerate(ids):
        p = tree.parent[i]
        if p < 0:
            continue
        u = ids[p]
        bp, bc = boxes[u], boxes[v]
        if depth[i] < 0:  # assistant beside the manager
            asst.add(v)
            side = tree.side[p]
            k = side.index(i)
            prev = bp if k < 2 else boxes[ids[side[k - 2]]]
            right = bc.x > bp.x
            start = prev.x + sp.W if right else prev.x
            end = bc.x if right else bc.x + sp.W
            ym = bp.y + H / 2
            edges.append((u, v, ((start, ym), (end, ym))))
            side_lines.setdefault(u, []).append(edges[-1])
        elif v in tree.stacked:
            trunk = bp.x + sp.indent / 2
            ym = bc.y + H / 2
            edges.append((u, v, ((trunk, bp.y + H), (trunk, ym), (bc.x, ym))))
        else:
            xp, xc = cx[p], cx[i]
            y0, y1 = bp.y + H, bc.y
            if abs(xp - xc) < 1e-6:
                edges.append((u, v, ((xp, y0), (xp, y1))))
            else:
                ym = y0 + sp.vgap / 2
                edges.append((u, v, ((xp, y0), (xp, ym), (xc, ym), (xc, y1))))
    return edges, asst, side_lines


def _manager_lines(tree: _Tree, u: Hashable, ch: list[int], boxes: dict[Hashable, Box], *,
                   cx: list[float], depth: list[int], side_lines: Sequence[_Edge],
                   sp: _Spacing) -> list[tuple[float, float, float, float]]:
    """A manager's connector lines merged into straight pieces: trunk, bus and drops,
    a column's trunk and stubs, and the lines to assistants."""
    ids, H = tree.ids, sp.H
    bp = boxes[u]
    y0 = bp.y + H
    segs: list[tuple[float, float, float, float]] = []
    normal = [c for c in ch if depth[c] > 0 and ids[c] not in tree.stacked]
    column = [c for c in ch if ids[c] in tree.stacked]
    if normal:
        xp = cx[tree.index[u]]
        xs = [cx[c] for c in normal]
        y1 = y0 + sp.vgap
        lo, hi = min(xs), max(xs)
        if lo == hi == xp:
            segs.append((xp, y0, xp, y1))
        else:
            ym = y0 + sp.vgap / 2
            segs.append((xp, y0, xp, ym))
            segs.append((min(lo, xp), ym, max(hi, xp), ym))
            segs += [(x_, ym, x_, y1) for x_ in xs]
    if column:
        trunk = bp.x + sp.indent / 2
        last = boxes[ids[column[-1]]]
        segs.append((trunk, y0, trunk, last.y + H / 2))
        for c in column:
            b = boxes[ids[c]]
            segs.append((trunk, b.y + H / 2, b.x, b.y + H / 2))
    for _, _v, pts in side_lines:
        (x1, y1_), (x2, y2) = pts
        segs.append((x1, y1_, x2, y2))
    return segs


def _buchheim(
    kids: list[list[int]], le: list[float], re: list[float], *, gap: float, root_gap: float,
    root: int,
) -> tuple[list[float], list[int]]:
    """x of every node's centre and its depth (-1 for nodes outside ``kids``: assistants)."""
    N = len(kids)
    parent = [-1] * N
    number = [0] * N
    order: list[int] = []
    depth = [-1] * N
    depth[root] = 0
    stack = [root]
    while stack:  # preorder
        v = stack.pop()
        order.append(v)
        d = depth[v] + 1
        for k, c in enumerate(kids[v]):
            parent[c] = v
            number[c] = k + 1
            depth[c] = d
        stack.extend(kids[v])
    prelim = [0.0] * N
    mod = [0.0] * N
    shift = [0.0] * N
    change = [0.0] * N
    thread = [-1] * N
    ancestor = list(range(N))
    mid = [0.0] * N

    def nleft(v: int) -> int:
        k = kids[v]
        return k[0] if k else thread[v]

    def nright(v: int) -> int:
        k = kids[v]
        return k[-1] if k else thread[v]

    # First walk: children before parents (reverse preorder).
    for v in reversed(order):
        ch = kids[v]
        if not ch:
            continue
        sep_extra = root_gap if v == root else gap
        default_anc = ch[0]
        prev = -1
        leftmost = ch[0]
        for w in ch:
            if prev < 0:
                prelim[w] = mid[w] if kids[w] else 0.0
                prev = w
                continue
            prelim[w] = prelim[prev] + re[prev] + le[w] + sep_extra
            if kids[w]:
                mod[w] = prelim[w] - mid[w]
            # apportion(w): push w's subtree right of the forest to its left
            vir = vor = w
            vil = prev
            vol = leftmost
            sir = sor = mod[w]
            sil = mod[vil]
            sol = mod[vol]
            while True:
                nr = nright(vil)
                nl = nleft(vir)
                if nr < 0 or nl < 0:
                    break
                vil, vir = nr, nl
                vol = nleft(vol)
                vor = nright(vor)
                ancestor[vor] = w
                s = (prelim[vil] + sil) - (prelim[vir] + sir) + re[vil] + le[vir] + gap
                if s > 0:
                    a = ancestor[vil]
                    if parent[a] != v:
                        a = default_anc
                    # move_subtree(a, w, s)
                    subtrees = number[w] - number[a]
                    change[w] -= s / subtrees
                    shift[w] += s
                    change[a] += s / subtrees
                    prelim[w] += s
                    mod[w] += s
                    sir += s
                    sor += s
                sil += mod[vil]
                sir += mod[vir]
                sol += mod[vol]
                sor += mod[vor]
            nr = nright(vil)
            if nr >= 0 and nright(vor) < 0:
                thread[vor] = nr
                mod[vor] += sil - sor
            nl = nleft(vir)
            if nl >= 0 and nleft(vol) < 0:
                thread[vol] = nl
                mod[vol] += sir - sol
                default_anc = w
            prev = w
        # execute_shifts(v)
        sh = chg = 0.0
        for w in reversed(ch):
            prelim[w] += sh
            mod[w] += sh
            chg += change[w]
            sh += shift[w] + chg
        mid[v] = (prelim[ch[0]] + prelim[ch[-1]]) / 2
    prelim[root] = mid[root]

    # Second walk: x = prelim + the sum of the ancestors' mods.
    x = [0.0] * N
    acc = [0.0] * N  # sum of mods of the ancestors of each node
    for v in order:
        x[v] = prelim[v] + acc[v]
        m = acc[v] + mod[v]
        for c in kids[v]:
            acc[c] = m
    return x, depth
