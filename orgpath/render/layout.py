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
* the result is kept as arrays (:class:`Grid`: one entry per box, the
  connector segments flat); the dicts of :class:`Layout` are built on first read.

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

from array import array
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from orgpath.bulk import gc_paused

__all__ = ["Box", "Grid", "Layout", "tidy_layout", "BOX_WIDTH", "BOX_HEIGHT"]

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
Segment = tuple[float, float, float, float]
_Edge = tuple[Hashable, Hashable, tuple[Point, ...]]


class Layout:
    """Where every box goes, the connector lines and the total size.

    A layout made by :func:`tidy_layout` keeps its boxes in compact columns
    (:attr:`grid`) and builds the per-node dicts and sets below only when one is
    first read, so a writer that reads the grid never pays for them.
    """

    def __init__(
        self,
        boxes: dict[Hashable, Box] | None,
        width: float,
        height: float,
        edges: list[_Edge] | None = None,
        connectors: dict[Hashable, list[Segment]] | None = None,
        stacked: set[Hashable] | None = None,
        assistants: set[Hashable] | None = None,
        rows: dict[Hashable, int] | None = None,
        *,
        grid: Grid | None = None,
    ) -> None:
        self.width = width
        self.height = height
        self._grid = grid
        made = grid is None  # a hand-made layout: what is not given is empty
        self._boxes = boxes if boxes is not None or not made else {}
        self._edges = edges if edges is not None or not made else []
        self._connectors = connectors if connectors is not None or not made else {}
        self._stacked = stacked if stacked is not None or not made else set()
        self._assistants = assistants if assistants is not None or not made else set()
        self._rows = rows if rows is not None or not made else {}

    def __repr__(self) -> str:
        return f"Layout({len(self)} boxes, width={self.width!r}, height={self.height!r})"

    def __len__(self) -> int:
        return len(self._grid.ids) if self._grid is not None else len(self._boxes)

    @property
    def grid(self) -> Grid:
        """The boxes and connector lines as compact columns (made from the dicts if need be)."""
        if self._grid is None:
            self._grid = Grid.of_boxes(self._boxes, self._connectors)
        return self._grid

    @property
    def boxes(self) -> dict[Hashable, Box]:
        """Each box by node, in drawing order (a manager, then their assistants)."""
        if self._boxes is None:
            g = self._grid
            W, H = g.box_width, g.box_height
            self._boxes = {v: Box(x, y, W, H) for v, x, y in zip(g.ids, g.x, g.y, strict=True)}
        return self._boxes

    @property
    def edges(self) -> list[_Edge]:
        """(manager, report, polyline) for each reporting line, drawn orthogonally."""
        if self._edges is None:
            self._edges = self._grid.edges()
        return self._edges

    @property
    def connectors(self) -> dict[Hashable, list[Segment]]:
        """Each manager's connector lines merged into straight pieces ``(x1, y1, x2, y2)``:
        trunk, bus and drops (or a column's trunk and stubs, or lines to assistants)."""
        if self._connectors is None:
            g = self._grid
            s = g.segs
            self._connectors = {
                g.ids[u]: [tuple(s[k:k + 4]) for k in range(4 * a, 4 * b, 4)]
                for u, a, b in zip(g.lines_of, [0, *g.line_end], g.line_end, strict=False)}
        return self._connectors

    @property
    def stacked(self) -> set[Hashable]:
        """Nodes drawn in a compact column under their manager."""
        if self._stacked is None:
            g = self._grid
            self._stacked = {v for v, k in zip(g.ids, g.kind, strict=True) if k == STACKED}
        return self._stacked

    @property
    def assistants(self) -> set[Hashable]:
        """Nodes drawn beside their manager."""
        if self._assistants is None:
            g = self._grid
            self._assistants = {v for v, k in zip(g.ids, g.kind, strict=True) if k == ASSISTANT}
        return self._assistants

    @property
    def rows(self) -> dict[Hashable, int]:
        """Row of each node (0 for the roots), in preorder."""
        if self._rows is None:
            g = self._grid
            self._rows = {g.ids[k]: g.row[k] for k in g.pre}
        return self._rows

    def as_dict(self) -> dict:
        """Plain JSON-ready data: size, boxes by id and edges with their points."""
        return {
            "width": self.width,
            "height": self.height,
            "boxes": {str(k): b._asdict() for k, b in self.boxes.items()},
            "edges": [{"from": str(u), "to": str(v), "points": [list(p) for p in pts]}
                      for u, v, pts in self.edges],
        }


#: :attr:`Grid.kind` of a box: in a row under its manager, in a compact column, or beside.
ROW, STACKED, ASSISTANT = 0, 1, 2


@dataclass(eq=False)
class Grid:
    """A layout as compact columns, one entry per box in drawing order.

    Box ``k`` is node ``ids[k]`` with its top-left corner at ``(x[k], y[k])``;
    ``parent[k]`` is its manager's box (-1 for a root). Manager ``lines_of[j]``
    has the connector segments ``segs[4 * line_end[j - 1]:4 * line_end[j]]``
    (``x1, y1, x2, y2`` each) and ``line_head[j]`` is the box of its first report.
    """

    ids: list[Hashable]
    x: array  # 'd'
    y: array  # 'd'
    box_width: float
    box_height: float
    cx: array = field(default_factory=lambda: array("d"))  # where lines meet a box in a row
    parent: array = field(default_factory=lambda: array("q"))
    kind: bytearray = field(default_factory=bytearray)  # ROW, STACKED or ASSISTANT
    row: array = field(default_factory=lambda: array("q"))
    pre: array = field(default_factory=lambda: array("q"))  # the boxes in preorder
    lines_of: array = field(default_factory=lambda: array("q"))
    line_head: array = field(default_factory=lambda: array("q"))
    line_end: array = field(default_factory=lambda: array("q"))
    segs: array = field(default_factory=lambda: array("d"))
    start: dict[int, int] = field(default_factory=dict)  # assistant → box its line starts at
    vgap: float = VGAP
    indent: float = INDENT

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of_boxes(cls, boxes: dict[Hashable, Box],
                 connectors: dict[Hashable, list[Segment]]) -> Grid:
        """The grid of a hand-made layout: its boxes (of the first box's size) and lines.

        It knows no reporting lines: each manager's ``line_head`` is its own box, and
        ``parent``, ``kind``, ``row`` and ``pre`` are empty.
        """
        first = next(iter(boxes.values()), None)
        W, H = (first.width, first.height) if first else (BOX_WIDTH, BOX_HEIGHT)
        ids = list(boxes)
        num = {v: k for k, v in enumerate(ids)}
        g = cls(ids, array("d", (b.x for b in boxes.values())),
                array("d", (b.y for b in boxes.values())), W, H)
        for u, segs in connectors.items():
            g.lines_of.append(num[u])
            g.line_head.append(num[u])
            for seg in segs:
                g.segs.extend(seg)
            g.line_end.append(len(g.segs) // 4)
        return g

    def edges(self) -> list[_Edge]:
        """Each reporting line as (manager, report, polyline), in preorder."""
        ids, x, y, cx, parent, kind = self.ids, self.x, self.y, self.cx, self.parent, self.kind
        W, H, half_gap, indent = self.box_width, self.box_height, self.vgap / 2, self.indent
        out: list[_Edge] = []
        for i in self.pre:
            p = parent[i]
            if p < 0:
                continue
            u, v = ids[p], ids[i]
            k = kind[i]
            if k == ASSISTANT:  # beside the manager
                s = self.start[i]
                right = x[i] > x[p]
                a = x[s] + W if right else x[s]
                b = x[i] if right else x[i] + W
                ym = y[p] + H / 2
                out.append((u, v, ((a, ym), (b, ym))))
            elif k == STACKED:
                trunk = x[p] + indent / 2
                ym = y[i] + H / 2
                out.append((u, v, ((trunk, y[p] + H), (trunk, ym), (x[i], ym))))
            else:
                xp, xc = cx[p], cx[i]
                y0, y1 = y[p] + H, y[i]
                if abs(xp - xc) < 1e-6:
                    out.append((u, v, ((xp, y0), (xp, y1))))
                else:
                    ym = y0 + half_gap
                    out.append((u, v, ((xp, y0), (xp, ym), (xc, ym), (xc, y1))))
        return out


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
        tree.x, tree.depth = _buchheim(tree.kids, tree.le, tree.re, gap=float(hgap),
                                       root_gap=root_gap, root=tree.root)
        spacing = _Spacing(float(box_width), float(box_height), float(hgap), float(vgap),
                           float(indent), float(margin))
        return _place(tree, spacing)


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

    ids: list[Hashable]
    kids: list[list[int]]
    le: list[float]  # extent of each box left of the point that is centred
    re: list[float]  # ... and right of it
    side: dict[int, list[int]]  # the assistants of each manager who has some
    stacked: bytearray  # 1 for a node drawn in a compact column
    parent: list[int]  # each node's manager (-1 for a root)
    managers: list[tuple[int, list[int]]]  # (manager, all reports), managers in preorder
    x: list[float] = field(default_factory=list)  # from the walk: each node's centre
    depth: list[int] = field(default_factory=list)  # ... and row + 1 (-1: beside a manager)

    @property
    def root(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, T: nx.DiGraph, roots: Sequence[Hashable] | None, *,
           assistants: Collection[Hashable] | None, compact: bool, box_width: float,
           indent: float) -> _Tree:
        if roots is None:
            roots = [v for v, p in T._pred.items() if not p]
        ids, kids_of = _preorder(T, roots)
        if assistants is None:
            assistants = _default_assistants(T)
        n = len(ids)
        half = float(box_width) / 2
        tree = cls(ids, [[]] * (n + 1), [half] * (n + 1), [half] * (n + 1), {},
                   bytearray(n + 1), [-1] * (n + 1), [])
        tree.kids[n] = kids_of.pop()
        tree.le[n] = tree.re[n] = 0.0
        parent, kids, managers = tree.parent, tree.kids, tree.managers
        for i, ch in kids_of:
            managers.append((i, ch))
            for c in ch:
                parent[c] = i
            kids[i] = ch
        if assistants or compact:
            leaf = [not k for k in kids]
            for i, ch in managers:
                tree._shape(i, ch, assistants, leaf, compact=compact, W=float(box_width),
                            indent=indent)
        return tree

    def _shape(self, i: int, ch: list[int], assistants: Collection[Hashable],
               leaf: list[bool], *, compact: bool, W: float, indent: float) -> None:
        """Give manager ``i`` its reports: assistants beside, a column, or a row below."""
        ids, half = self.ids, W / 2
        regular = ch
        if assistants:
            side = [c for c in ch if leaf[c] and ids[c] in assistants]
            if side:
                self.side[i] = side
                regular = [c for c in ch if not (leaf[c] and ids[c] in assistants)]
                k = len(side)
                self.re[i] = half + ((k + 1) // 2) * (W + ASSISTANT_GAP)
                self.le[i] = half + (k // 2) * (W + ASSISTANT_GAP)
        if compact and len(regular) >= 2 and all(leaf[c] for c in regular):
            self.kids[i] = [regular[0]]
            for a, b in zip(regular, regular[1:], strict=False):
                self.kids[a] = [b]
            for c in regular:
                self.le[c] = half - indent
                self.re[c] = half + indent
                self.stacked[c] = 1
        else:
            self.kids[i] = regular


def _preorder(T: nx.DiGraph, roots: Sequence[Hashable],
              ) -> tuple[list[Hashable], list]:
    """The nodes in preorder and, for each node with reports, (its number, its reports'
    numbers) in preorder, then the roots' numbers last; ValueError unless ``T`` is a forest.

    No map from node to number: a node's reports are numbered after it in the order
    they are visited, so each node's manager's number (kept on a second stack) is
    enough. That keeps a million-node walk to one look-up per node.
    """
    succ, pred = T._succ, T._pred
    for r in roots:
        if r not in succ:
            raise ValueError(f"root {r!r} is not in the graph")
    for v, p in pred.items():
        if len(p) > 1:
            raise ValueError(f"not a tree: {v!r} is reached twice")
    n = len(succ)
    ids: list[Hashable] = []
    up: list[int] = []  # the manager's number of each node, -1 for a root
    stack = list(reversed(roots))
    ups = [-1] * len(stack)
    while stack:
        v = stack.pop()
        i = len(ids)
        ids.append(v)
        up.append(ups.pop())
        ch = succ[v]
        if ch:
            stack.extend(reversed(ch))
            ups.extend([i] * len(ch))
            if i > n:  # a root given twice, or under another root
                break
    if len(ids) != n:
        seen: set[Hashable] = set()
        twice = next((v for v in ids if v in seen or seen.add(v)), None)
        if twice is not None:
            raise ValueError(f"not a tree: {twice!r} is reached twice")
        missing = next(v for v in succ if v not in seen)
        raise ValueError(f"not a forest: {missing!r} is on a cycle or under one")
    kids: dict[int, list[int]] = {}  # in preorder of the managers: a first report is i + 1
    top = []
    for j, i in enumerate(up):
        if i < 0:
            top.append(j)
        elif i in kids:
            kids[i].append(j)
        else:
            kids[i] = [j]
    return ids, [*kids.items(), top]


def _place(tree: _Tree, sp: _Spacing) -> Layout:
    """Boxes where the walk put them (the leftmost extent on the margin), then the lines.

    What the walk left on ``tree`` is dropped as soon as it has been read.
    """
    ids, le, re, n = tree.ids, tree.le, tree.re, len(tree.ids)
    x, depth = tree.x, tree.depth
    left = min((x[i] - le[i] for i in range(n) if depth[i] > 0), default=0.0)
    right = max((x[i] + re[i] for i in range(n) if depth[i] > 0), default=0.0)
    tree.kids = tree.le = tree.re = le = re = []
    dx = sp.margin - left
    step = sp.H + sp.vgap
    half = sp.W / 2
    rows_n = max(depth) if n else 0
    ys = [sp.margin + (d - 1) * step for d in range(rows_n + 1)]
    W_gap = sp.W + ASSISTANT_GAP
    # Boxes in drawing order: each placed node, then its assistants (right, left, ...).
    order: list[int] = []
    bx: list[float] = []
    by: list[float] = []
    bcx: list[float] = []
    row: list[int] = []
    kind = bytearray()
    stacked, side, indent = tree.stacked, tree.side, sp.indent
    for i in range(n):
        d = depth[i]
        if d < 0:  # an assistant: placed with its manager
            continue
        c = x[i] + dx
        y = ys[d]
        order.append(i)
        bcx.append(c)
        by.append(y)
        row.append(d - 1)
        if stacked[i]:
            bx.append(c - half + indent)
            kind.append(STACKED)
        else:
            bx.append(c - half)
            kind.append(ROW)
        if i in side:
            for k, a in enumerate(side[i]):
                off = (k // 2 + 1) * W_gap * (1 if k % 2 == 0 else -1)
                order.append(a)
                bx.append(c + off - half)
                bcx.append(c + off)
                by.append(y)
                row.append(d - 1)
                kind.append(ASSISTANT)
    tree.x = tree.depth = x = depth = []
    pos = [0] * n  # preorder number → box
    for k, i in enumerate(order):
        pos[i] = k
    tp = tree.parent
    grid = Grid([ids[i] for i in order], array("d", bx), array("d", by), sp.W, sp.H,
                cx=array("d", bcx),
                parent=array("q", [pos[tp[i]] if tp[i] >= 0 else -1 for i in order]),
                kind=kind, row=array("q", row), pre=array("q", pos),
                vgap=sp.vgap, indent=sp.indent)
    del bx, by, bcx, row, order
    _lines(tree, grid, pos, sp)
    width = (right - left) + 2 * sp.margin if n else 2 * sp.margin
    height = rows_n * step - sp.vgap + 2 * sp.margin if n else 2 * sp.margin
    return Layout(None, width, height, grid=grid)


def _lines(tree: _Tree, g: Grid, pos: list[int], sp: _Spacing) -> None:
    """Each manager's connector lines into ``g``, merged into straight pieces: trunk, bus
    and drops; a column's trunk and stubs; and the lines to assistants."""
    x, y, cx, kind = g.x, g.y, g.cx, g.kind
    W, H, vgap, half_gap, trunk_dx = sp.W, sp.H, sp.vgap, sp.vgap / 2, sp.indent / 2
    segs: list[float] = []
    add = segs.extend
    lines_of, line_head, line_end = [], [], []
    side, start = tree.side, g.start
    for u, ch in tree.managers:
        b = pos[u]
        lines_of.append(b)
        line_head.append(pos[ch[0]])
        y0 = y[b] + H
        xs = []
        column = []
        for c in ch:
            k = pos[c]
            kc = kind[k]
            if kc == ROW:
                xs.append(cx[k])
            elif kc == STACKED:
                column.append(k)
        if xs:
            xp = cx[b]
            y1 = y0 + vgap
            lo, hi = min(xs), max(xs)
            if lo == hi == xp:
                add((xp, y0, xp, y1))
            else:
                ym = y0 + half_gap
                add((xp, y0, xp, ym, lo if lo < xp else xp, ym, hi if hi > xp else xp, ym))
                for x_ in xs:
                    add((x_, ym, x_, y1))
        if column:
            trunk = x[b] + trunk_dx
            add((trunk, y0, trunk, y[column[-1]] + H / 2))
            for k in column:
                ym = y[k] + H / 2
                add((trunk, ym, x[k], ym))
        if u in side:
            sd = side[u]
            ym = y[b] + H / 2
            for j, a in enumerate(sd):
                k = pos[a]
                s = start[k] = b if j < 2 else pos[sd[j - 2]]
                if x[k] > x[b]:
                    add((x[s] + W, ym, x[k], ym))
                else:
                    add((x[s], ym, x[k] + W, ym))
        line_end.append(len(segs) // 4)
    g.lines_of = array("q", lines_of)
    g.line_head = array("q", line_head)
    g.line_end = array("q", line_end)
    g.segs = array("d", segs)


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
            while True:  # nleft/nright inlined: this loop is the hot one
                k = kids[vil]
                nr = k[-1] if k else thread[vil]
                k = kids[vir]
                nl = k[0] if k else thread[vir]
                if nr < 0 or nl < 0:
                    break
                vil, vir = nr, nl
                k = kids[vol]
                vol = k[0] if k else thread[vol]
                k = kids[vor]
                vor = k[-1] if k else thread[vor]
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

    # Second walk: x = prelim + the sum of the ancestors' mods, written over prelim (a
    # million-node walk holds a dozen lists of N: what the first walk leaves goes first).
    parent = number = shift = change = thread = ancestor = mid = []
    x = prelim
    acc = [0.0] * N  # sum of mods of the ancestors of each node
    for v in order:
        a = acc[v]
        x[v] += a
        m = a + mod[v]
        for c in kids[v]:
            acc[c] = m
    return x, depth
