"""Pinned org charts written as SVG text straight from the tidy layout, streaming.

The Graphviz route (:mod:`orgpath.render.orgchart`: DOT with ``pos="x,y!"``,
then ``neato -n2``) only copies the positions orgpath computed, so for pinned
charts this module writes the same drawing itself: the same boxes, texts,
colours, connectors, dashed vacancies and dotted lines, the same element
structure (``<g class="node">`` with ``<title>n0</title>``, links with
``xlink:title``) and the same coordinates (``y`` up, as Graphviz writes them).
It writes in chunks to a binary file, so a chart of a million people never
exists as one string unless the caller asks for bytes.

Every text from the people file is escaped for XML; control and bidi
formatting characters (which could reorder what a reader sees) become spaces.

>>> from orgpath.org import demo_org
>>> from orgpath.render.orgchart import chart_view
>>> from orgpath.render.layout import tidy_layout
>>> G = demo_org()
>>> v = chart_view(G)
>>> svg = org_svg(G, v, tidy_layout(v.tree, v.roots))
>>> svg.count(b'class="node"'), svg.count(b'class="edge"')
(7, 3)
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import BinaryIO, NamedTuple

import networkx as nx

from orgpath import org as orgq
from orgpath.bulk import gc_paused
from orgpath.model import Person
from orgpath.render.escape import clean_text, dot_url
from orgpath.render.layout import Box, Layout
from orgpath.render.orgchart import _CHAR_WIDTH, View, _colour, _role_title, _short
from orgpath.render.words import words

__all__ = ["BoxText", "box_texts", "clip_line", "org_svg", "write_svg", "xml_text"]

Link = Callable[[Person], "str | None"]

PAD = 10.8  # points round the drawing: Graphviz's pad="0.15"
FONT = "Helvetica,sans-Serif"
FONT_SIZE = 10.0
LINE = 12.0  # distance between the baselines of a box's lines
BORDER = "#5b6b7f"
CONNECTOR = "#8a94a6"
DOTTED = "#c2410c"  # dotted-line managers, and the person in focus
VACANT_TEXT = "#555555"
_CHUNK = 1 << 16

_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def xml_text(text: str) -> str:
    """``text`` safe inside an XML element or double-quoted attribute: no control or bidi
    control characters, right-to-left text isolated (see ``escape.clean_text``).

    >>> xml_text('<a href="x">&\\u202e</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    text = clean_text(text)
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = text.translate(_XML)
    return text


def _url(url: str) -> str | None:
    """A link as the Graphviz route writes it (:func:`~orgpath.render.escape.dot_url`):
    percent-encoded, ``&`` as ``&amp;``; None for a scheme other than http(s) or a path."""
    return dot_url(url)


class BoxText(NamedTuple):
    """What one box shows and how: its lines, tooltip, fill, and its person."""

    lines: list[str]
    tip: str
    fill: str
    person: Person


def box_texts(
    G: nx.DiGraph,
    view: View,
    layout: Layout,
    *,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
    notes: dict[str, str] | None = None,
    char_width: float = _CHAR_WIDTH,
) -> Iterator[tuple[object, Box, BoxText]]:
    """Each box of ``layout`` in order with its texts, as the Graphviz route labels it.

    Lines are the name (``Vacant`` for an open position), the title (or the
    ladder role's title), ``+N in team`` for a cut-off manager and a note.
    Texts are plain (not escaped); long ones are shortened with ``…``.
    """
    nodes = view.tree._node
    notes = notes or {}
    first = next(iter(layout.boxes.values()), None)
    limit = int(((first.width if first else 170.0) - 12) / char_width)
    cut = view.cut
    hc = orgq._headcounts(G) if cut else {}
    w = words(lang)
    vacant, in_team = w["vacant"], w["in_team"]
    colours: dict[str, str] = {}
    roles: dict[str | None, str] = {}
    for v, b in layout.boxes.items():
        p: Person = nodes[v]["person"]
        name = p.name
        if p.vacant:
            name = vacant if name in ("", "Vacant", vacant) else f"{vacant}: {name}"
        lines = [_short(name, limit) if len(name) > limit else name]
        title = p.title
        if not title and p.role:
            title = roles.get(p.role)
            if title is None:
                title = roles[p.role] = _role_title(p.role, ladder_graph, lang)
        if title:
            lines.append(title if len(title) <= limit + 3 else _short(title, limit + 3))
        if v in cut and hc.get(v):
            lines.append(f"+{hc[v]:,} {in_team}")
        if v in notes:
            lines.append(notes[v])
        tip = p.name
        if p.title:
            tip += " — " + p.title
        if p.department:
            tip += " · " + p.department
        yield v, b, BoxText(lines, tip, _colour(p.department, colours), p)


def clip_line(a: Box, b: Box) -> tuple[float, float, float, float]:
    """The straight line between two boxes' centres, cut where it leaves each box.

    This is how Graphviz draws an edge without given points (the dotted lines).

    >>> clip_line(Box(0, 0, 10, 10), Box(20, 0, 10, 10))
    (10.0, 5.0, 20.0, 5.0)
    """
    ax, ay, bx, by = a.x + a.width / 2, a.y + a.height / 2, b.x + b.width / 2, b.y + b.height / 2
    dx, dy = bx - ax, by - ay

    def frac(box: Box) -> float:
        fx = box.width / 2 / abs(dx) if dx else float("inf")
        fy = box.height / 2 / abs(dy) if dy else float("inf")
        return min(fx, fy, 0.5)

    ta, tb = frac(a), frac(b)
    return ax + dx * ta, ay + dy * ta, bx - dx * tb, by - dy * tb


def write_svg(
    out: BinaryIO,
    G: nx.DiGraph,
    view: View,
    layout: Layout,
    *,
    lang: str = "en",
    link: Link | None = None,
    ladder_graph: nx.MultiDiGraph | None = None,
    notes: dict[str, str] | None = None,
    title: str | None = None,
) -> None:
    """Write the chart of ``view`` as SVG (UTF-8) to ``out``, a few kilobytes at a time.

    ``title`` is the chart's ``<title>`` (default: the org's title and "org
    chart"); its ``<desc>`` says how many people it shows.
    """
    with gc_paused():
        _write(out, G, view, layout, lang, link, ladder_graph, notes, title)


def org_svg(G: nx.DiGraph, view: View, layout: Layout, **options) -> bytes:
    """:func:`write_svg` into bytes."""
    buf = io.BytesIO()
    write_svg(buf, G, view, layout, **options)
    return buf.getvalue()


def _bounds(layout: Layout) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of the boxes (Graphviz crops the canvas to them)."""
    boxes = layout.boxes.values()
    if not boxes:
        return 0.0, 0.0, layout.width, layout.height
    first = next(iter(boxes))
    return (min(map(itemgetter(0), boxes)), min(map(itemgetter(1), boxes)),
            max(map(itemgetter(0), boxes)) + first.width,
            max(map(itemgetter(1), boxes)) + first.height)


def _write(out, G, view, layout, lang, link, ladder_graph, notes, title) -> None:
    # Coordinates as Graphviz writes them: the canvas is cropped to the boxes, and
    # y runs up from the bottom of the lowest box (so it is negative).
    X0, Y0, X1, Y1 = _bounds(layout)
    W, H = X1 - X0, Y1 - Y0
    w = words(lang)
    org = G.graph.get("org")
    if title is None:
        title = w["org_chart"].capitalize()
        if org is not None and org.title:
            title = f"{org.title} — {w['org_chart']}"
    n = len(layout.boxes)
    parts: list[str] = []
    add = parts.append

    def flush() -> None:
        out.write("".join(parts).encode("utf-8"))
        parts.clear()

    add('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<svg width="{W + 2 * PAD:.0f}pt" height="{H + 2 * PAD:.0f}pt"\n'
        f' viewBox="0.00 0.00 {W + 2 * PAD:.2f} {H + 2 * PAD:.2f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'role="img">\n'
        f"<title>{xml_text(title)}</title>\n"
        f"<desc>{xml_text(w['chart_desc'].format(people=f'{n:,}'))}</desc>\n"
        f'<g id="graph0" class="graph" transform="scale(1 1) rotate(0) '
        f'translate({PAD} {H + PAD:.2f})">\n'
        f'<polygon fill="white" stroke="transparent" points="{-PAD},{PAD} {-PAD},{-H - PAD:.2f} '
        f'{W + PAD:.2f},{-H - PAD:.2f} {W + PAD:.2f},{PAD} {-PAD},{PAD}"/>\n')
    boxes = layout.boxes
    num = {v: k for k, v in enumerate(boxes)}
    succ = view.tree._succ
    # Connectors first (Graphviz's outputorder=edgesfirst): one group per manager.
    e = 0
    for u, segs in layout.connectors.items():
        e += 1
        head = num[next(iter(succ[u]))]
        add(f'<g id="edge{e}" class="edge">\n<title>n{num[u]}&#45;&gt;n{head}</title>\n')
        for x1, y1, x2, y2 in segs:
            add(f'<path fill="none" stroke="{CONNECTOR}" d="M{x1 - X0:.1f},{y1 - Y1:.1f}'
                f'L{x2 - X0:.1f},{y2 - Y1:.1f}"/>\n')
        add("</g>\n")
        if len(parts) > 512:
            flush()
    nodes = view.tree._node
    for v, b in boxes.items():
        for m in nodes[v]["person"].dotted_managers:
            if m in boxes and m != v:
                e += 1
                x1, y1, x2, y2 = clip_line(boxes[m], b)
                add(f'<g id="edge{e}" class="edge">\n<title>n{num[m]}&#45;&gt;n{num[v]}</title>\n'
                    f'<path fill="none" stroke="{DOTTED}" stroke-width="1.2" '
                    f'stroke-dasharray="5,2" d="M{x1 - X0:.1f},{y1 - Y1:.1f}L{x2 - X0:.1f},'
                    f'{y2 - Y1:.1f}"/>\n'
                    "</g>\n")
    focus = view.focus
    text_attrs = f'font-family="{FONT}" font-size="{FONT_SIZE:.2f}"'
    for k, (v, b, t) in enumerate(box_texts(G, view, layout, lang=lang,
                                            ladder_graph=ladder_graph, notes=notes)):
        p = t.person
        x1 = b.x - X0
        y1 = b.y - Y1
        cx, cy = x1 + b.width / 2, y1 + b.height / 2
        sx1, sx2 = f"{x1:.1f}", f"{x1 + b.width:.1f}"
        sy1, sy2 = f"{y1:.1f}", f"{y1 + b.height:.1f}"
        scx = f"{cx:.1f}"
        href = ""
        if link is not None:
            url = _url(link(p))
            if url:
                href = f' xlink:href="{url}" target="_top"'
        stroke, width, dash, colour = BORDER, "", "", ""
        if v == focus:
            stroke, width = DOTTED, ' stroke-width="2.5"'
        if p.vacant:
            dash, colour = ' stroke-dasharray="5,2"', f' fill="{VACANT_TEXT}"'
        add(f'<g id="node{k + 1}" class="node">\n<title>n{k}</title>\n'
            f'<g id="a_node{k + 1}"><a{href} xlink:title="{xml_text(t.tip)}">\n'
            f'<polygon fill="{t.fill}" stroke="{stroke}"{width}{dash} points="{sx2},{sy1} '
            f'{sx1},{sy1} {sx1},{sy2} {sx2},{sy2} {sx2},{sy1}"/>\n')
        y = cy - (len(t.lines) - 1) * LINE / 2 + 3
        for line in t.lines:
            add(f'<text text-anchor="middle" x="{scx}" y="{y:.1f}" '
                f"{text_attrs}{colour}>{xml_text(line)}</text>\n")
            y += LINE
        add("</a>\n</g>\n</g>\n")
        if len(parts) > 2048:
            flush()
    add("</g>\n</svg>\n")
    flush()
