"""Pinned org charts written as SVG text straight from the tidy layout, streaming.

The Graphviz route (:mod:`orgpath.render.orgchart`: DOT with ``pos="x,y!"``,
then ``neato -n2``) only copies the positions orgpath computed, so for pinned
charts this module writes the same drawing itself: the same boxes, texts,
colours, connectors, dashed vacancies and dotted lines, the same element
structure (``<g class="node">``, links with ``xlink:title``; but each box's
``<title>`` is the person's tooltip, not an internal id, and connectors are
``aria-hidden``) and the same coordinates (``y`` up, as Graphviz writes them).
It writes in chunks to a binary file, so a chart of a million people never
exists as one string unless the caller asks for bytes.

Every text from the people file is escaped for XML; control and bidi
formatting characters (which could reorder what a reader sees) are dropped.
It reads the layout's :class:`~orgpath.render.layout.Grid` (no per-box dicts)
and works out what repeats once: escaped titles and tooltip ends, the start of
a rectangle by look, the y strings of a row.

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
from array import array
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

import networkx as nx
import numpy as np

from orgpath import org as orgq
from orgpath.bulk import gc_paused
from orgpath.model import Person
from orgpath.render.escape import clean_text, dot_url, isolate
from orgpath.render.layout import BOX_WIDTH, Box, Grid, Layout
from orgpath.render.orgchart import _CHAR_WIDTH, View, _colour, _role_title, _short
from orgpath.render.words import count_text, words

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
    if text.__class__ is str and text.isprintable():
        # No control or bidi control character (none is printable): what clean_text
        # would do is only the isolate and the spaces, done here without its regexes.
        if not text.isascii():
            text = isolate(text)
        text = " ".join(text.split())
    else:
        text = clean_text(text)
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = text.translate(_XML)
    return text


class _Escaped(dict):
    """:func:`xml_text` of each distinct string, worked out once (titles repeat a lot)."""

    def __missing__(self, text: str) -> str:
        out = self[text] = xml_text(text)
        return out


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


class _Labels:
    """What boxes say, as the Graphviz route labels them, each title worked out once.

    ``name(p)``, ``title(p)`` and ``more(v)`` are a box's lines (plain text, long
    ones shortened with ``…``); ``tip(p)`` its tooltip, ``fill(p)`` its colour.
    """

    def __init__(self, G: nx.DiGraph, view: View, *, lang: str,
                 ladder_graph: nx.MultiDiGraph | None, notes: dict[str, str] | None,
                 box_width: float, char_width: float = _CHAR_WIDTH) -> None:
        self.limit = int((box_width - 12) / char_width)
        self.cut = view.cut
        self.headcounts = orgq._headcounts(G) if view.cut else {}
        self.notes = notes or {}
        w = words(lang)
        self.vacant, self.in_team = w["vacant"], w["in_team"]
        self.lang, self.ladder_graph = lang, ladder_graph
        self.colours: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._roles: dict[str | None, str] = {}

    def name(self, p: Person) -> str:
        name = p.name
        if p.vacant:
            vacant = self.vacant
            name = vacant if name in ("", "Vacant", vacant) else f"{vacant}: {name}"
        return _short(name, self.limit) if len(name) > self.limit else name

    def title(self, p: Person) -> str:
        """The title line ("" for none): the title, else the ladder role's title."""
        title = p.title
        if title:
            line = self._titles.get(title)
            if line is None:
                line = self._titles[title] = self._shorten(title)
            return line
        if not p.role:
            return ""
        line = self._roles.get(p.role)
        if line is None:
            line = self._roles[p.role] = self._shorten(
                _role_title(p.role, self.ladder_graph, self.lang))
        return line

    def _shorten(self, title: str) -> str:
        return title if len(title) <= self.limit + 3 else _short(title, self.limit + 3)

    def more(self, v: object) -> list[str]:
        """The lines after the title: a cut-off manager's team size, a note."""
        out = []
        if v in self.cut and self.headcounts.get(v):
            out.append(f"+{count_text(self.headcounts[v], self.lang)} {self.in_team}")
        if v in self.notes:
            out.append(self.notes[v])
        return out

    @staticmethod
    def tip(p: Person) -> str:
        tip = p.name
        if p.title:
            tip += " — " + p.title
        if p.department:
            tip += " · " + p.department
        return tip

    def fill(self, p: Person) -> str:
        return _colour(p.department, self.colours)

    def fill_of(self, department: str | None) -> str:
        return _colour(department, self.colours)


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
    first = next(iter(layout.boxes.values()), None)
    labels = _Labels(G, view, lang=lang, ladder_graph=ladder_graph, notes=notes,
                     box_width=first.width if first else BOX_WIDTH, char_width=char_width)
    for v, b in layout.boxes.items():
        p: Person = nodes[v]["person"]
        lines = [labels.name(p)]
        title = labels.title(p)
        if title:
            lines.append(title)
        if labels.cut or labels.notes:
            lines += labels.more(v)
        yield v, b, BoxText(lines, labels.tip(p), labels.fill(p), p)


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


def _bounds(g: Grid, layout: Layout) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of the boxes (Graphviz crops the canvas to them)."""
    if not len(g):
        return 0.0, 0.0, layout.width, layout.height
    return min(g.x), min(g.y), max(g.x) + g.box_width, max(g.y) + g.box_height


def _shifted(values: array, dx: float, dy: float) -> np.ndarray:
    """Flat ``x, y, x, y ...`` moved by ``(-dx, -dy)``, as float64 (the same sums as Python's)."""
    out = np.array(values, dtype=np.float64)
    out[0::2] -= dx
    out[1::2] -= dy
    return out


_PATH = '<path fill="none" stroke="' + CONNECTOR + '" d="M%.1f,%.1fL%.1f,%.1f"/>\n'
_BOX_END = "</a>\n</g>\n</g>\n"


def _write(out, G, view, layout, lang, link, ladder_graph, notes, title) -> None:
    # Coordinates as Graphviz writes them: the canvas is cropped to the boxes, and
    # y runs up from the bottom of the lowest box (so it is negative).
    g = layout.grid
    X0, Y0, X1, Y1 = _bounds(g, layout)
    W, H = X1 - X0, Y1 - Y0
    w = words(lang)
    org = G.graph.get("org")
    if title is None:
        title = w["org_chart"].capitalize()
        if org is not None and org.title:
            title = f"{org.title} — {w['org_chart']}"
    n = len(g)
    parts: list[str] = []
    add = parts.append

    def flush() -> None:
        out.write("".join(parts).encode("utf-8"))
        parts.clear()

    add('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<svg width="{W + 2 * PAD:.0f}pt" height="{H + 2 * PAD:.0f}pt"\n'
        f' viewBox="0.00 0.00 {W + 2 * PAD:.2f} {H + 2 * PAD:.2f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'role="{"img" if link is None else "group"}">\n'
        f"<title>{xml_text(title)}</title>\n"
        f"<desc>{xml_text(w['chart_desc'].format(people=count_text(n, lang)))}</desc>\n"
        f'<g id="graph0" class="graph" transform="scale(1 1) rotate(0) '
        f'translate({PAD} {H + PAD:.2f})">\n'
        f'<polygon fill="white" stroke="transparent" points="{-PAD},{PAD} {-PAD},{-H - PAD:.2f} '
        f'{W + PAD:.2f},{-H - PAD:.2f} {W + PAD:.2f},{PAD} {-PAD},{PAD}"/>\n')
    _connectors(add, flush, parts, g, X0, Y1)
    nodes = view.tree._node
    _dotted(add, g, nodes, X0, Y1)
    flush()
    _boxes(add, flush, parts, g, nodes, X0=X0, Y1=Y1, focus=view.focus, link=link,
           labels=_Labels(G, view, lang=lang, ladder_graph=ladder_graph, notes=notes,
                          box_width=g.box_width))
    add("</g>\n</svg>\n")
    flush()


def _connectors(add, flush, parts, g: Grid, X0: float, Y1: float) -> None:
    """Connectors first (Graphviz's outputorder=edgesfirst): one group per manager."""
    ends = g.line_end
    per_block = 4096  # managers formatted from one slice of the moved coordinates
    for lo in range(0, len(g.lines_of), per_block):
        hi = min(lo + per_block, len(g.lines_of))
        first = ends[lo - 1] if lo else 0
        flat = _shifted(g.segs[4 * first:4 * ends[hi - 1]], X0, Y1).tolist()
        a = 0
        for j in range(lo, hi):
            b = 4 * (ends[j] - first)
            add(f'<g id="edge{j + 1}" class="edge" aria-hidden="true">\n')
            add(_PATH * ((b - a) // 4) % tuple(flat[a:b]))
            add("</g>\n")
            a = b
        flush()


def _dotted(add, g: Grid, nodes: dict, X0: float, Y1: float) -> None:
    """Dashed lines from the dotted-line managers shown in the chart, after the connectors."""
    ids = g.ids
    # In the nodes' own order (memory order: no lookup per person), then in box order.
    people = {v: ms for v, d in nodes.items() if (ms := d["person"].dotted_managers)}
    if not people:
        return
    need = people.keys() | {m for ms in people.values() for m in ms}
    num = {v: k for k, v in enumerate(ids) if v in need}
    wanted = sorted((num[v], v, ms) for v, ms in people.items() if v in num)
    W, H = g.box_width, g.box_height
    e = len(g.lines_of)
    for k, v, ms in wanted:
        b = Box(g.x[k], g.y[k], W, H)
        for m in ms:
            if m in num and m != v:
                e += 1
                i = num[m]
                x1, y1, x2, y2 = clip_line(Box(g.x[i], g.y[i], W, H), b)
                add(f'<g id="edge{e}" class="edge" aria-hidden="true">\n'
                    f'<path fill="none" stroke="{DOTTED}" stroke-width="1.2" '
                    f'stroke-dasharray="5,2" d="M{x1 - X0:.1f},{y1 - Y1:.1f}L{x2 - X0:.1f},'
                    f'{y2 - Y1:.1f}"/>\n'
                    "</g>\n")


def _boxes(add, flush, parts, g: Grid, nodes: dict, *, X0: float, Y1: float,
           focus: object, link: Link | None, labels: _Labels) -> None:
    """Each box: its group, link and tooltip, the rectangle and the lines of text.

    What repeats is worked out once: by (title, role, department) the escaped title
    line, the escaped end of the tooltip and the rectangle's start; by row the y of
    the rectangles and of the text lines. An ordinary box (named, not vacant, not in
    focus, two lines or one) is one f-string; any other goes through :func:`_box`.
    """
    ids, gx, gy = g.ids, g.x, g.y
    W, H = g.box_width, g.box_height
    hw = W / 2
    kinds: dict[tuple, tuple[str, bool, str, bool, str, str]] = {}
    tips = _TipEnds()
    looks: dict[tuple[str | None, bool], tuple[str, str]] = {}
    limit = labels.limit
    plain = not (labels.cut or labels.notes)
    for k in range(len(ids)):
        if len(parts) > 2048:
            flush()
        v = ids[k]
        p: Person = nodes[v]["person"]
        kind = kinds.get((p.title, p.role, p.department))
        if kind is None:  # first of its kind: the colour of a new department is taken here
            title = labels.title(p)
            end, whole = tips[p.title, p.department]
            poly, tail = _look(looks, labels, p.department, False)
            kind = kinds[p.title, p.role, p.department] = (
                xml_text(title), 2 if title else 1, end, whole, poly, tail, {})
        title, nl, end, whole, poly, tail, ys_of = kind  # a blank title keeps its line
        name = p.name
        if p.vacant or v == focus or not plain or len(name) > limit:
            add(_box(k, v, p, x1=gx[k] - X0, y1=gy[k] - Y1, W=W, H=H, link=link,
                     labels=labels, looks=looks, focus=focus))
        else:
            if name.isprintable() and (name.isascii() or isolate(name) is name):
                # printable, no right-to-left letters: xml_text's shortcut, without the call,
                # and the tooltip is this name and the escaped end (see _TipEnds)
                name = " ".join(name.split())
                if "&" in name or "<" in name or ">" in name or '"' in name:
                    name = name.translate(_XML)
                tip = name + end if name and whole else xml_text(labels.tip(p))
            else:
                name = xml_text(name)
                tip = xml_text(labels.tip(p))
            y = gy[k]
            ys = ys_of.get(y)
            if ys is None:
                ys = ys_of[y] = _row_ys(y - Y1, nl, H, tail)
            href = ""
            if link is not None:
                url = _url(link(p))
                if url:
                    href = f' xlink:href="{url}" target="_top"'
            x1 = gx[k] - X0
            sx1 = f"{x1:.1f}"
            sx2 = f"{x1 + W:.1f}"
            scx = f"{x1 + hw:.1f}"
            sy1, sy2 = ys[0], ys[1]
            if name and title:  # the common box: one string
                add(f'<g id="node{k + 1}" class="node">\n<title>{tip}</title>\n'
                    f'<g id="a_node{k + 1}"><a{href} xlink:title="{tip}">\n'
                    f'{poly}{sx2},{sy1} {sx1},{sy1} {sx1},{sy2} {sx2},{sy2} {sx2},{sy1}"/>\n'
                    f'<text text-anchor="middle" x="{scx}{ys[2]}{name}</text>\n'
                    f'<text text-anchor="middle" x="{scx}{ys[3]}{title}</text>\n{_BOX_END}')
                continue
            head = (f'<g id="node{k + 1}" class="node">\n<title>{tip}</title>\n'
                    f'<g id="a_node{k + 1}"><a{href} xlink:title="{tip}">\n'
                    f'{poly}{sx2},{sy1} {sx1},{sy1} {sx1},{sy2} {sx2},{sy2} {sx2},{sy1}"/>\n')
            if not name:
                add(head)
                add(f'<text text-anchor="middle" x="{scx}{ys[3]}{title}</text>\n{_BOX_END}'
                    if title else _BOX_END)
            else:
                add(f'{head}<text text-anchor="middle" x="{scx}{ys[2]}{name}</text>\n'
                    f'{_BOX_END}')


def _look(looks: dict, labels: _Labels, dept: str | None, vacant: bool) -> tuple[str, str]:
    """The start of a box's rectangle (fill, border, dashes) and the end of its text tags."""
    look = looks.get((dept, vacant))
    if look is None:
        fill = labels.fill_of(dept)
        dash, colour = (' stroke-dasharray="5,2"', f' fill="{VACANT_TEXT}"') if vacant \
            else ("", "")
        look = looks[dept, vacant] = (
            f'<polygon fill="{fill}" stroke="{BORDER}"{dash} points="',
            f' font-family="{FONT}" font-size="{FONT_SIZE:.2f}"{colour}>')
    return look


def _row_ys(y1: float, nl: int, H: float, tail: str) -> tuple[str, ...]:
    """A box's top and bottom y and, for each of ``nl`` lines, ``" y="…"`` and ``tail``."""
    y = y1 + H / 2 - (nl - 1) * LINE / 2 + 3
    texts = []
    for _ in range(nl):
        texts.append(f'" y="{y:.1f}"{tail}')
        y += LINE
    return (f"{y1:.1f}", f"{y1 + H:.1f}", *texts)


def _box(k: int, v: object, p: Person, *, x1: float, y1: float, W: float, H: float,
         link: Link | None, labels: _Labels, looks: dict, focus: object) -> str:
    """One box of any kind: vacant, in focus, a long name, more lines."""
    poly, tail = _look(looks, labels, p.department, p.vacant)
    if v == focus:
        poly = poly.replace(f'stroke="{BORDER}"', f'stroke="{DOTTED}" stroke-width="2.5"')
    lines = [xml_text(labels.name(p))]
    title = labels.title(p)
    if title:
        lines.append(xml_text(title))
    lines += map(xml_text, labels.more(v))
    nl = len(lines)
    ys = _row_ys(y1, nl, H, tail)
    href = ""
    if link is not None:
        url = _url(link(p))
        if url:
            href = f' xlink:href="{url}" target="_top"'
    sx1, sx2, scx = f"{x1:.1f}", f"{x1 + W:.1f}", f"{x1 + W / 2:.1f}"
    sy1, sy2 = ys[0], ys[1]
    tip = xml_text(labels.tip(p))
    out = [f'<g id="node{k + 1}" class="node">\n<title>{tip}</title>\n'
           f'<g id="a_node{k + 1}"><a{href} xlink:title="{tip}">\n'
           f'{poly}{sx2},{sy1} {sx1},{sy1} {sx1},{sy2} {sx2},{sy2} {sx2},{sy1}"/>\n']
    for i in range(nl):
        if lines[i]:  # an empty line keeps its place but, as in Graphviz, no element
            out.append(f'<text text-anchor="middle" x="{scx}{ys[i + 2]}{lines[i]}</text>\n')
    out.append(_BOX_END)
    return "".join(out)


class _TipEnds(dict):
    """The escaped end of a tooltip (`` — title · department``) by (title, department), and
    whether escaped name + end is the escaped whole tooltip.

    It is when the escaped name is not empty and no part holds right-to-left text
    (which :func:`xml_text` would isolate as a whole): control characters go one by
    one, entities are per character, and the end starts with a space, so the words
    of the name and of the end are split and joined apart.
    """

    def __missing__(self, key: tuple[str | None, str | None]) -> tuple[str, bool]:
        title, dept = key
        end = (" — " + title if title else "") + (" · " + dept if dept else "")
        escaped = xml_text(end)
        whole = isolate(end) == end  # no right-to-left letters
        out = self[key] = ((" " + escaped if escaped else ""), whole)
        return out
