"""Org charts: an org graph → a tidy layout → DOT with pinned positions → Graphviz.

Graphviz's own ``dot`` layout takes minutes for 20,000 people, so orgpath lays
the tree out itself (:mod:`orgpath.render.layout`) and hands Graphviz a DOT
file whose nodes carry ``pos="x,y!"`` and whose edges carry their polylines;
``neato -n2`` then only draws. Dotted-line managers are dashed lines on top
that do not move the tree; vacant positions are dashed boxes.

Views: the whole org, a subtree from any person to any depth, or a person's
neighbourhood (chain up, peers, reports two levels down). Formats: ``svg``,
``png``, ``pdf``, ``dot`` (the pinned source) and ``json`` (positions and people).

Node ids in the DOT are opaque (``n0``, ``n1`` ...); every text that comes from
the people file goes through :func:`orgpath.render.escape.dot_text` and every
link through :func:`~orgpath.render.escape.dot_url`, the escapers of ladder
charts too, so names, tooltips and links are shown literally.

>>> from orgpath.org import demo_org
>>> svg = org_chart(demo_org(), "svg")
>>> svg.count(b'class="node"')
7
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import BinaryIO

import networkx as nx

import orgpath.render.formats as formats
from orgpath import org as orgq
from orgpath.bulk import gc_paused
from orgpath.model import Person, localize
from orgpath.render.escape import dot_text, dot_url
from orgpath.render.graphviz import RenderError, Runner, default_runner
from orgpath.render.layout import Layout, tidy_layout
from orgpath.render.words import count_text, words

__all__ = [
    "FORMATS",
    "DEFAULT_MAX_NODES",
    "ChartError",
    "OrgJob",
    "View",
    "chart_view",
    "draw_org",
    "org_chart",
    "org_dot",
    "org_json",
    "write_dot",
    "write_json",
]

#: The formats an org chart is written in (from :mod:`orgpath.render.formats`).
FORMATS: tuple[str, ...] = formats.names("org")
DEFAULT_MAX_NODES = 200_000
_PALETTE = ("#eef4fb", "#eef8f0", "#fdf3e7", "#f4effa", "#fbeef1", "#eef8f8", "#f8f7e8",
            "#f1f1f1", "#e9f1fb", "#f9efe9")
_CHAR_WIDTH = 5.6  # average Helvetica width at 10 pt, to shorten long text

Link = Callable[[Person], "str | None"]


class ChartError(ValueError):
    """The chart cannot be drawn as asked (bad view, too many people); the message says why.

    Graphviz failures are :class:`~orgpath.render.graphviz.RenderError` instead.
    """


@dataclass
class View:
    """The tree a chart shows: its graph, roots, the person in focus, cut-off managers."""

    tree: nx.DiGraph
    roots: list[str]
    focus: str | None = None
    #: people shown whose reports are not (their headcount is printed instead)
    cut: frozenset[str] = frozenset()


def chart_view(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    depth: int | None = None,
    neighbourhood: str | None = None,
) -> View:
    """Which people a chart shows: all, ``root`` and ``depth`` levels below, or a neighbourhood.

    Raises :class:`ChartError` for an unknown person or a negative depth.

    >>> from orgpath.org import demo_org
    >>> v = chart_view(demo_org(), root="ceo", depth=1)
    >>> sorted(v.tree), sorted(v.cut)
    (['ceo', 'e', 'pa', 's'], ['e', 's'])
    """
    if depth is not None and depth < 0:
        raise ChartError(f"depth must be 0 or more, not {depth}")
    for who in (root, neighbourhood):
        if who is not None and who not in G:
            raise ChartError(str(orgq.PersonNotFound(who, _close(G, who))))
    if neighbourhood is not None:
        ids = orgq.neighbourhood(G, neighbourhood)
        keep = set(ids)
        T = nx.DiGraph(**{k: v for k, v in G.graph.items() if not k.startswith("_")})
        T.add_nodes_from((v, G._node[v]) for v in ids)
        T.add_edges_from((m, v) for v in ids for m in G._pred[v] if m in keep)
        cut = frozenset(v for v in ids if any(c not in keep for c in G._succ[v]))
        return View(T, [ids[0]], neighbourhood, cut)
    if root is None and depth is None:
        return View(G, orgq.roots(G))
    starts = [root] if root is not None else orgq.roots(G)
    if len(starts) == 1:
        T = orgq.subtree(G, starts[0], depth)
    else:
        T = nx.DiGraph(**{k: v for k, v in G.graph.items() if not k.startswith("_")})
        for r in starts:
            T.update(orgq.subtree(G, r, depth))
    cut = frozenset()
    if depth is not None:
        cut = frozenset(v for v in T if not T._succ[v] and G._succ[v])
    return View(T, starts, root, cut)


def _close(G: nx.DiGraph, who: str) -> list[str]:
    import difflib

    return difflib.get_close_matches(str(who), [str(n) for n in G], n=3)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _role_title(role: str | None, ladder_graph: nx.MultiDiGraph | None, lang: str) -> str:
    if role is None:
        return ""
    if ladder_graph is not None and role in ladder_graph:
        r = ladder_graph.nodes[role].get("role")
        if r is not None:
            return localize(r.title, lang, role)
    return role


def _colour(dept: str | None, cache: dict[str, str]) -> str:
    if not dept:
        return "#ffffff"
    c = cache.get(dept)
    if c is None:
        c = cache[dept] = _PALETTE[len(cache) % len(_PALETTE)]
    return c


def org_dot(
    G: nx.DiGraph,
    view: View | None = None,
    layout: Layout | None = None,
    *,
    compact: bool = False,
    lang: str = "en",
    link: Link | None = None,
    ladder_graph: nx.MultiDiGraph | None = None,
    pinned: bool = True,
    notes: dict[str, str] | None = None,
    graph_attrs: str = "",
) -> str:
    """The DOT source of a chart: every box pinned where ``layout`` puts it.

    ``pinned=False`` leaves positions out, for comparing with Graphviz's own
    ``dot`` layout. ``link(person)`` gives each box's URL (or None). ``notes``
    adds a last line to some boxes (by person id); ``graph_attrs`` is extra
    DOT graph attributes (trusted text, e.g. ``size="11,8"``).

    >>> from orgpath.org import demo_org
    >>> src = org_dot(demo_org())
    >>> 'pos="' in src and "Ada Boss" in src and "ceo" not in src.split("label")[0]
    True
    """
    view = view or chart_view(G)
    if layout is None:
        layout = tidy_layout(view.tree, view.roots, compact=compact)
    boxes = _Boxes(G, view, lang=lang, link=link, ladder_graph=ladder_graph,
                   notes=notes or {})
    with gc_paused():
        return _build_dot(boxes, layout, pinned=pinned, graph_attrs=graph_attrs).source()


@dataclass
class _Dot:
    """A pinned chart's DOT statements, kept apart so the chart can be drawn in parts."""

    header: list[str]
    nodes: list[str]  # node i is ``n{i}``
    points: list[str]  # the pos="x,y!" of node i
    edges: list[tuple[int, int, str]]  # (tail, head, statement): connectors, then dotted

    def source(self) -> str:
        return "\n".join([*self.header, *self.nodes, *(e for _, _, e in self.edges), "}"])

    def parts(self, k: int) -> list[str]:
        """Split into ``k`` sources of about equal size that together draw the chart.

        Boxes go to parts in order; an edge goes with its tail's box and takes an
        invisible stand-in for a head drawn by another part (removed from the SVG).
        """
        n = len(self.nodes)
        cuts = [n * i // k for i in range(k + 1)]
        # Graphviz sizes the canvas (and shifts the drawing) by what a part draws: every
        # part also places the outermost boxes, invisibly, so all share one canvas.
        xy = [tuple(map(float, p[5:].split("!")[0].split(","))) for p in self.points]
        extremes = {min(range(n), key=lambda j: xy[j][0]), max(range(n), key=lambda j: xy[j][0]),
                    min(range(n), key=lambda j: xy[j][1]), max(range(n), key=lambda j: xy[j][1])}
        out = []
        for i in range(k):
            lo, hi = cuts[i], cuts[i + 1]
            mine = [e for e in self.edges if lo <= e[0] < hi]
            stubs = {j for t, h, _ in mine for j in (t, h) if not lo <= j < hi}
            stubs = sorted(stubs | {j for j in extremes if not lo <= j < hi})
            out.append("\n".join([
                *self.header, *self.nodes[lo:hi],
                *(f'n{j} [{self.points[j]}style=invis label=""];' for j in stubs),
                *(e for _, _, e in mine), "}"]))
        return out


@dataclass
class _Boxes:
    """What each person's box says: label, tooltip, link and look, escaped for DOT."""

    G: nx.DiGraph
    view: View
    lang: str = "en"
    link: Link | None = None
    ladder_graph: nx.MultiDiGraph | None = None
    notes: dict[str, str] = field(default_factory=dict)
    limit: int = 28  # characters of a name on one line; set from the box width
    _roles: dict[str | None, str] = field(default_factory=dict)
    _colours: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        w = words(self.lang)
        self.vacant, self.in_team = w["vacant"], w["in_team"]
        self.headcounts = orgq._headcounts(self.G) if self.view.cut else {}

    def label(self, v: str, p: Person) -> str:
        """Name, title, the team size of a cut-off manager and a note, as a quoted label."""
        name = p.name
        if p.vacant:
            name = self.vacant if name in ("", "Vacant", self.vacant) else f"{self.vacant}: {name}"
        lines = [_short(name, self.limit)]
        title = p.title or self._role_title(p.role)
        if title:
            lines.append(_short(title, self.limit + 3))
        if v in self.view.cut and self.headcounts.get(v):
            lines.append(f"+{count_text(self.headcounts[v], self.lang)} {self.in_team}")
        if v in self.notes:
            lines.append(self.notes[v])
        return "\\n".join(dot_text(line, where="label") for line in lines)

    def attrs(self, v: str, p: Person) -> str:
        """The tooltip, colours and link of a box (DOT attributes after the label)."""
        tip = p.name + (" — " + p.title if p.title else "") + (
            " · " + p.department if p.department else "")
        out = f' tooltip="{dot_text(tip, where="attr")}"'
        fill = _colour(p.department, self._colours)
        if fill != "#ffffff":
            out += f' fillcolor="{fill}"'
        if p.vacant:
            out += ' style="filled,dashed" fontcolor="#555555"'
        if v == self.view.focus:
            out += ' penwidth=2.5 color="#c2410c"'
        url = dot_url(self.link(p)) if self.link is not None else None
        if url:
            out += f' URL="{url}" target="_top"'
        return out

    def _role_title(self, role: str | None) -> str:
        if not role:
            return ""
        title = self._roles.get(role)
        if title is None:
            title = self._roles[role] = _role_title(role, self.ladder_graph, self.lang)
        return title


def _header(layout: Layout, *, pinned: bool, graph_attrs: str) -> tuple[list[str], float]:
    """The graph, node and edge defaults of a chart, and the characters a line may hold."""
    first = next(iter(layout.boxes.values()), None)
    bw, bh = (first.width, first.height) if first else (170.0, 54.0)
    graph = (f'graph [splines=line outputorder=edgesfirst pad="0.15" '
             f'bb="0,0,{layout.width:.1f},{layout.height:.1f}" fontname="Helvetica" '
             f'{graph_attrs}];' if pinned else f'graph [fontname="Helvetica" {graph_attrs}];')
    return [
        "digraph org {",
        graph,
        'node [shape=box style=filled fixedsize=true fontname="Helvetica" '
        f'fontsize=10 width={bw / 72:.4f} height={bh / 72:.4f} color="#5b6b7f" '
        'fillcolor="#ffffff" margin="0.05,0.03" penwidth=1];',
        'edge [arrowhead=none color="#8a94a6" penwidth=1];',
    ], int((bw - 12) / _CHAR_WIDTH)


def _build_dot(boxes: _Boxes, layout: Layout, *, pinned: bool, graph_attrs: str) -> _Dot:
    header, boxes.limit = _header(layout, pinned=pinned, graph_attrs=graph_attrs)
    nodes = boxes.view.tree._node
    H = layout.height
    num: dict[str, int] = {}
    out: list[str] = []
    points: list[str] = []
    for k, (v, b) in enumerate(layout.boxes.items()):
        num[v] = k
        p: Person = nodes[v]["person"]
        pos = f'pos="{b.x + b.width / 2:.1f},{H - b.y - b.height / 2:.1f}!" ' if pinned else ""
        points.append(pos)
        out.append(f'n{k} [{pos}label="{boxes.label(v, p)}"{boxes.attrs(v, p)}];')
    edges = _connectors(boxes.view.tree, layout, num) if pinned else [
        (num[u], num[v], f"n{num[u]} -> n{num[v]};") for u, v, _ in layout.edges]
    edges += _dotted(nodes, num)
    return _Dot(header, out, points, edges)


def _connectors(T: nx.DiGraph, layout: Layout, num: dict[str, int]) -> list[tuple[int, int, str]]:
    """One edge per manager: its connectors (trunk, bus, drops) as several splines."""
    H = layout.height
    edges = []
    for u, segs in layout.connectors.items():
        a, b = num[u], num[next(iter(T._succ[u]))]
        pos = ";".join([f"{x1:.1f},{H - y1:.1f} {x1:.1f},{H - y1:.1f} {x2:.1f},{H - y2:.1f} "
                        f"{x2:.1f},{H - y2:.1f}" for x1, y1, x2, y2 in segs])
        edges.append((a, b, f'n{a} -> n{b} [pos="{pos}"];'))
    return edges


def _dotted(nodes: dict, num: dict[str, int]) -> list[tuple[int, int, str]]:
    """Dashed lines from dotted-line managers shown in the chart."""
    return [(num[v], num[m], f'n{num[m]} -> n{num[v]} '
             '[style=dashed color="#c2410c" penwidth=1.2];')
            for v in num for m in nodes[v]["person"].dotted_managers if m in num and m != v]


def org_json(
    G: nx.DiGraph,
    view: View | None = None,
    layout: Layout | None = None,
    *,
    compact: bool = False,
    lang: str = "en",
    link: Link | None = None,
    ladder_graph: nx.MultiDiGraph | None = None,
) -> dict:
    """The chart as data: size, a box per person (position and fields) and the lines.

    >>> from orgpath.org import demo_org
    >>> d = org_json(demo_org())
    >>> len(d["boxes"]), d["boxes"][0]["name"], sorted(d["boxes"][0])[:4]
    (7, 'Ada Boss', ['assistant', 'cut', 'department', 'dotted_managers'])
    """
    view = view or chart_view(G)
    if layout is None:
        layout = tidy_layout(view.tree, view.roots, compact=compact)
    nodes = view.tree._node
    hc = orgq._headcounts(G)
    org = G.graph.get("org")
    boxes = []
    for v, b in layout.boxes.items():
        p: Person = nodes[v]["person"]
        boxes.append({
            "id": v, "name": p.name, "title": p.title,
            "role": p.role, "role_title": _role_title(p.role, ladder_graph, lang) or None,
            "department": p.department, "email": p.email, "photo_url": p.photo_url,
            "manager_id": p.manager_id, "dotted_managers": list(p.dotted_managers),
            "vacant": p.vacant, "assistant": v in layout.assistants,
            "stacked": v in layout.stacked, "focus": v == view.focus,
            "headcount": hc.get(v, 0), "cut": v in view.cut,
            "url": link(p) if link is not None else None,
            "x": b.x, "y": b.y, "width": b.width, "height": b.height,
        })
        box = boxes[-1]  # what an audience may not see is absent (orgpath.audience)
        for k in ("email", "photo_url"):
            if box[k] is None:
                del box[k]
        if org is not None and org.dotted_hidden:
            del box["dotted_managers"]
    shown = layout.boxes
    dotted = [{"from": m, "to": v} for v in shown
              for m in nodes[v]["person"].dotted_managers if m in shown and m != v]
    out = {
        "org": {"id": org.id, "title": org.title} if org is not None else None,
        "lang": lang,
        "width": layout.width,
        "height": layout.height,
        "boxes": boxes,
        "edges": [{"from": u, "to": v, "points": [list(p) for p in pts]}
                  for u, v, pts in layout.edges],
        "dotted": dotted,
    }
    if org is not None and org.dotted_hidden:
        del out["dotted"]
    return out


def org_chart(
    G: nx.DiGraph,
    fmt: str = "svg",
    *,
    root: str | None = None,
    depth: int | None = None,
    neighbourhood: str | None = None,
    compact: bool = False,
    lang: str = "en",
    link: Link | None = None,
    ladder_graph: nx.MultiDiGraph | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    progress: Callable[[str], None] | None = None,
    runner: Runner | None = None,
    route: str = "direct",
    out: BinaryIO | None = None,
) -> bytes:
    """Write an org chart as ``fmt`` (a format of the registry for "org") and return the bytes.

    The view is the whole org, the subtree of ``root`` down to ``depth`` levels,
    or the ``neighbourhood`` of a person. ``progress(stage)`` is called with
    ``"layout"``, ``"dot"``, ``"draw"`` as each stage starts. ``runner``
    defaults to :func:`~orgpath.render.graphviz.default_runner` (limits from
    the settings). SVG and PDF are written straight from the layout
    (:mod:`~orgpath.render.svgwriter`, :mod:`~orgpath.render.pdfwriter`) unless
    ``route="graphviz"``; with a binary file ``out`` such a chart is written
    there as it is made (then the answer is ``b""``). Raises
    :class:`ChartError` for bad arguments or more than ``max_nodes`` people,
    and :class:`~orgpath.render.graphviz.RenderError` when Graphviz fails.

    >>> from orgpath.org import demo_org
    >>> org_chart(demo_org(), "json", neighbourhood="e1").count(b'"id"') > 0
    True
    """
    spec = formats.lookup(fmt, "org")
    if spec is None:
        raise ChartError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if route not in ("direct", "graphviz"):
        raise ChartError(f"unknown route {route!r}; use direct or graphviz")
    step = progress or (lambda stage: None)
    view = chart_view(G, root=root, depth=depth, neighbourhood=neighbourhood)
    n = len(view.tree)
    if n > max_nodes:
        raise ChartError(
            f"the chart has {n:,} people, more than the limit of {max_nodes:,}; "
            "draw part of it (a root and a depth, or a neighbourhood)")
    layout = None
    if spec.laid_out:
        step("layout")
        layout = tidy_layout(view.tree, view.roots, compact=compact)
    job = OrgJob(G, view, layout, fmt=fmt, lang=lang, link=link, ladder_graph=ladder_graph,
                 runner=runner or default_runner(), progress=step, route=route, out=out)
    return spec.writer("org")(job)


@dataclass
class OrgJob:
    """An org chart being written: the view, its layout and how to write it."""

    G: nx.DiGraph
    view: View
    layout: Layout | None  # None for formats that need no drawing (csv, xlsx, pptx)
    fmt: str = "svg"
    lang: str = "en"
    link: Link | None = None
    ladder_graph: nx.MultiDiGraph | None = None
    runner: Runner | None = None
    progress: Callable[[str], None] = lambda stage: None
    route: str = "direct"  # svg and pdf: "direct" (from the layout) or "graphviz"
    out: BinaryIO | None = None  # a direct chart is streamed here when given

    def dot(self, graph_attrs: str = "") -> _Dot:
        """The pinned DOT of the chart."""
        self.progress("dot")
        boxes = _Boxes(self.G, self.view, lang=self.lang, link=self.link,
                       ladder_graph=self.ladder_graph)
        with gc_paused():
            return _build_dot(boxes, self.layout, pinned=True, graph_attrs=graph_attrs)


def write_json(job: OrgJob) -> bytes:
    """The ``json`` writer: :func:`org_json` as UTF-8."""
    job.progress("write")
    data = org_json(job.G, job.view, job.layout, lang=job.lang, link=job.link,
                    ladder_graph=job.ladder_graph)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def write_dot(job: OrgJob) -> bytes:
    """The ``dot`` writer: the pinned DOT source."""
    return job.dot().source().encode("utf-8")


#: Graphviz draws this many boxes a second, about, on one core: a chart's time budget
#: is the runner's timeout plus one second per this many boxes.
BOXES_PER_SECOND = 1000
#: Cairo cannot make a bitmap wider or taller than 32,767 pixels.
CAIRO_MAX_SIDE = 32_767
PNG_DPI = 96  # Graphviz's default resolution for bitmaps


def png_size(layout: Layout, max_pixels: int) -> str:
    """The DOT ``size`` attribute that keeps a PNG within Cairo's limits and ``max_pixels``.

    Empty when the chart fits at full size; else a size in inches that scales it down.

    >>> from orgpath.render.layout import Layout
    >>> png_size(Layout({}, 720.0, 72.0), 10**8)
    ''
    >>> png_size(Layout({}, 2_000_000.0, 700.0), 10**8)
    'size="341.3,0.1"'
    """
    w = layout.width * PNG_DPI / 72
    h = layout.height * PNG_DPI / 72
    scale = min(1.0, (CAIRO_MAX_SIDE - 1) / w, (CAIRO_MAX_SIDE - 1) / h,
                math.sqrt(max_pixels / (w * h)))
    if scale >= 1.0:
        return ""
    return f'size="{layout.width * scale / 72:.1f},{layout.height * scale / 72:.1f}"'


#: Charts of at least this many boxes are drawn as SVG by several Graphviz processes
#: at once (one per core, at most MAX_PARTS), and the parts joined into one SVG.
SPLIT_AT = 3000
MAX_PARTS = 4
_SVG_BODY = re.compile(rb'<polygon fill="white" stroke="transparent" points="[^"]*"/>\n')
_SVG_ID = re.compile(rb' id="([a-z_]*?)(\d+)"')
_STUB = re.compile(rb'<!-- n\d+ -->\n<g id="[^"]+" class="node">\n<title>n\d+</title>\n</g>\n')


def draw_org(job: OrgJob) -> bytes:
    """The svg, png and pdf writer: SVG and PDF straight from the layout (the direct
    route), or the pinned DOT drawn by ``neato -n2`` (PNG, and ``route="graphviz"``).

    Big SVGs are drawn in parts, one Graphviz process per core (at most
    :data:`MAX_PARTS`); a PNG is scaled down to stay a bitmap Cairo can make.
    """
    if job.fmt in ("svg", "pdf") and job.route != "graphviz":
        from orgpath.render.pdfwriter import direct_chart

        job.progress("draw")
        return direct_chart(job.G, job.view, job.layout, job.fmt, lang=job.lang, link=job.link,
                            ladder_graph=job.ladder_graph, out=job.out)
    runner = job.runner or default_runner()
    attrs = png_size(job.layout, runner.max_png_pixels) if job.fmt == "png" else ""
    dot = job.dot(attrs)
    job.progress("draw")
    n = len(job.layout.boxes)
    timeout = runner.timeout + n / BOXES_PER_SECOND
    workers = min(os.cpu_count() or 1, MAX_PARTS)
    if job.fmt == "svg" and n >= SPLIT_AT and workers > 1:
        return _draw_in_parts(runner, dot.parts(workers), timeout)
    return runner.render(dot.source(), job.fmt, "neato", pinned=2, timeout=timeout)


def _draw_in_parts(runner: Runner, sources: list[str], timeout: float) -> bytes:
    """Draw each source in its own Graphviz process, then join the SVGs.

    Every part has the same bounding box, so the same canvas and transform: the
    first part's SVG is kept whole and the others' drawings are appended inside
    its graph group, with their element ids made unique.
    """
    with ThreadPoolExecutor(len(sources)) as pool:
        svgs = list(pool.map(
            lambda src: runner.render(src, "svg", "neato", pinned=2, timeout=timeout), sources))
    end = b"</g>\n</svg>"
    first = svgs[0].rstrip()
    if not first.endswith(end):
        raise RenderError("Graphviz wrote an SVG orgpath cannot join")
    out = [_STUB.sub(b"", first[: -len(end)])]
    for i, svg in enumerate(svgs[1:], 1):
        svg = svg.rstrip()
        body = _SVG_BODY.search(svg)
        if body is None or not svg.endswith(end):
            raise RenderError("Graphviz wrote an SVG orgpath cannot join")
        part = svg[body.end(): -len(end)]
        part = _SVG_ID.sub(rb' id="\1p%d_\2"' % i, part)
        out.append(_STUB.sub(b"", part))
    out.append(end + b"\n")
    return b"".join(out)
