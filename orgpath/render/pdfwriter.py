"""Org charts as PDF straight from the layout: the whole org (cairo), or paged (pdfbook).

Why cairo (pycairo) for the whole-org page: it is C, it embeds subsets of
system fonts found by fontconfig (Danish and non-Latin names print), and it
writes metadata itself. Cairo 1.16 has no setter for the document language, so
:func:`set_lang` appends it as a PDF incremental update.

Why not cairo for the paged PDF: cairo replays each recorded page through its
PDF emitter at ``show_page``, about 0.35 ms for a page of ten boxes, which is
45 s for the 130,000 pages of a 1,000,000-person org. The paged PDF is written
by :mod:`orgpath.render.pdfbook` instead: each page's content stream is a few
lines of text built here (the legend, the line under the title, the connector
shapes and box outlines made once and reused), compressed and written on a
second thread while the next page is drawn.

* :func:`whole_pdf` — one page the size of the chart, with a title, the date
  and a legend;
* :func:`paged_pdf` — standard paper (``a4``, ``letter``, ``a3``; portrait or
  landscape), one manager's team a page, depth first: the manager's own
  manager above (with that page's number, and a link to it), the manager, the
  direct reports in a grid (a report who manages others shows
  ``team of N · page P`` and links there); a team too big for one page
  continues on the next pages (``(2/3)`` in the title). Each page has a title
  (manager, org, date), a page number and a legend; bookmarks nest like the
  org; the PDF has a title and ``/Lang``. With ``out`` it goes to a file page
  by page. The only page cap is the ``max_org_pdf_pages`` setting.

>>> from orgpath.org import demo_org
>>> import io, pypdf
>>> r = pypdf.PdfReader(io.BytesIO(paged_pdf(demo_org(), date="2026-01-02")))
>>> len(r.pages), [o.title for o in r.outline if not isinstance(o, list)]
(3, ['Ada Boss — CEO'])
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import cairo
import networkx as nx

from orgpath import org as orgq
from orgpath import settings
from orgpath.bulk import gc_paused
from orgpath.render.escape import clean_text
from orgpath.render.layout import Box, Layout
from orgpath.render.orgchart import ChartError, View, _colour, _role_title, _short
from orgpath.render.paged import page_order
from orgpath.render.pdfbook import Canvas, PdfBook
from orgpath.render.svgwriter import (
    BORDER,
    CONNECTOR,
    DOTTED,
    VACANT_TEXT,
    Link,
    box_texts,
    clip_line,
    org_svg,
    write_svg,
)
from orgpath.render.words import count_text, words

__all__ = ["PAPERS", "direct_chart", "page_size", "paged_pdf", "set_lang", "whole_pdf"]

#: Paper sizes in points, portrait.
PAPERS: dict[str, tuple[float, float]] = {
    "a4": (595.28, 841.89), "letter": (612.0, 792.0), "a3": (841.89, 1190.55)}
ORIENTATIONS = ("landscape", "portrait")
FONT = "DejaVu Sans"  # wide Unicode coverage; fontconfig substitutes if it is missing
MARGIN = 30.0
PAGE_BOX = (144.0, 48.0)  # a box on a paged PDF: 5 columns on A4 landscape
PAGE_FONT = 7.5
PAGE_GAP = (12.0, 22.0)  # between boxes of a row, between rows


@functools.lru_cache(maxsize=256)
def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def page_size(paper: str = "a4", orientation: str = "landscape") -> tuple[float, float]:
    """Width and height in points of ``paper`` in ``orientation``; ChartError if unknown.

    >>> page_size("a4", "portrait")
    (595.28, 841.89)
    """
    if paper not in PAPERS:
        raise ChartError(f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}")
    if orientation not in ORIENTATIONS:
        raise ChartError(f"unknown orientation {orientation!r}; use landscape or portrait")
    w, h = PAPERS[paper]
    return (h, w) if orientation == "landscape" else (w, h)


class _Pen:
    """Draws boxes, lines and texts on a cairo context (y grows down)."""

    def __init__(self, c: cairo.Context, size: float) -> None:
        self.c = c
        self.size = size
        self.line = size * 1.2
        c.select_font_face(FONT)
        c.set_font_size(size)
        c.set_line_width(1.0)
        self.pending: list[tuple[Box, list[str], str, bool, bool]] = []
        self.fonts = {False: c.get_font_face()}
        c.select_font_face(FONT, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD)
        self.fonts[True] = c.get_font_face()
        c.set_font_face(self.fonts[False])

    def text(self, x: float, y: float, s: str, *, size: float | None = None, bold: bool = False,
             colour: str = "#000000", anchor: str = "start", measure: bool = False) -> float:
        """Write ``s`` with its baseline at ``y`` (``anchor``: start, middle or end).

        Returns its width when measured (``measure``, or an anchor other than start), else 0.
        """
        c = self.c
        s = clean_text(s)  # user text: no control or bidi control characters
        if size is not None or bold:
            c.set_font_face(self.fonts[bold])
            c.set_font_size(size or self.size)
        c.set_source_rgb(*_rgb(colour))
        width = c.text_extents(s).x_advance if measure or anchor != "start" else 0.0
        c.move_to(x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0), y)
        c.show_text(s)
        if size is not None or bold:
            c.set_font_face(self.fonts[False])
            c.set_font_size(self.size)
        return width

    def box(self, b: Box, lines: list[str], fill: str, *, vacant: bool = False,
            focus: bool = False) -> None:
        """Queue a box; :meth:`flush` draws the queue (fills, borders, texts in a few runs)."""
        self.pending.append((b, lines, fill, vacant, focus))

    def flush(self) -> None:
        """Draw the queued boxes: one path per fill colour and border style (fewer PDF ops)."""
        c = self.c
        fills: dict[str, list[Box]] = {}
        borders: dict[tuple[bool, bool], list[Box]] = {}
        for b, _, fill, vacant, focus in self.pending:
            fills.setdefault(fill, []).append(b)
            borders.setdefault((vacant, focus), []).append(b)
        for fill, bs in fills.items():
            for b in bs:
                c.rectangle(b.x, b.y, b.width, b.height)
            c.set_source_rgb(*_rgb(fill))
            c.fill()
        for (vacant, focus), bs in borders.items():
            for b in bs:
                c.rectangle(b.x, b.y, b.width, b.height)
            c.set_source_rgb(*_rgb(DOTTED if focus else BORDER))
            c.set_line_width(2.5 if focus else 1.0)
            c.set_dash([5.0, 2.0] if vacant else [])
            c.stroke()
        c.set_dash([])
        c.set_line_width(1.0)
        step, lift = self.line, self.size * 0.35
        extents, move, show = c.text_extents, c.move_to, c.show_text
        for grey in (False, True):
            c.set_source_rgb(*_rgb(VACANT_TEXT if grey else "#000000"))
            for b, lines, _, vacant, _ in self.pending:
                if vacant != grey or not lines:
                    continue
                cx = b.x + b.width / 2
                y = b.y + b.height / 2 - (len(lines) - 1) * step / 2 + lift
                for s in lines:
                    move(cx - extents(s).x_advance / 2, y)
                    show(s)
                    y += step
        self.pending.clear()

    def lines(self, segs, colour: str = CONNECTOR, *, dash: bool = False,
              width: float = 1.0) -> None:
        c = self.c
        for x1, y1, x2, y2 in segs:
            c.move_to(x1, y1)
            c.line_to(x2, y2)
        c.set_source_rgb(*_rgb(colour))
        c.set_line_width(width)
        if dash:
            c.set_dash([5.0, 2.0])
        c.stroke()
        c.set_dash([])
        c.set_line_width(1.0)

    def legend(self, x: float, y: float, w: dict[str, str], *, paged: bool) -> None:
        """The legend, one line with its baseline at ``y``."""
        s = self.size
        items = [("box", w["legend_person"]), ("vacant", w["legend_vacant"])]
        items.append(("focus", w["legend_focus"]) if paged else ("dotted", w["legend_dotted"]))
        for kind, label in items:
            sample = Box(x, y - s, 2 * s, s * 1.2)
            if kind == "dotted":
                self.lines([(x, y - s / 2, x + 2 * s, y - s / 2)], DOTTED, dash=True, width=1.2)
            else:
                self.box(sample, [], "#eef4fb" if kind == "box" else "#ffffff",
                         vacant=kind == "vacant", focus=kind == "focus")
            x += 2.6 * s
            x += self.text(x, y, label, measure=True) + 1.6 * s


def set_lang(pdf: bytes, lang: str, *, outlines: bool = False) -> bytes:
    """``pdf`` with ``/Lang`` added to its catalog, as an incremental update.

    ``outlines=True`` also opens the bookmarks pane (``/PageMode /UseOutlines``).

    Expects the classic cross-reference table cairo writes; other PDFs are
    returned unchanged.
    """
    tail = pdf[-4096:]
    root = re.search(rb"/Root (\d+) 0 R", tail)
    start = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
    size = re.search(rb"/Size (\d+)", tail)
    info = re.search(rb"/Info (\d+) 0 R", tail)
    if not (root and start and size) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", lang):
        return pdf
    num = root.group(1)
    m = re.search(rb"(?m)^" + num + rb" 0 obj\s*(<<.*?>>)\s*endobj", pdf[: int(start.group(1))],
                  re.S)
    if m is None or b"/Lang" in m.group(1):
        return pdf
    body = (m.group(1)[:-2] + b" /Lang (" + lang.encode() + b")"
            + (b" /PageMode /UseOutlines" if outlines else b"") + b" >>")
    offset = len(pdf) + (0 if pdf.endswith(b"\n") else 1)
    obj = num + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(obj) + offset
    trailer = (b"trailer\n<< /Size " + size.group(1) + b" /Root " + num + b" 0 R"
               + (b" /Info " + info.group(1) + b" 0 R" if info else b"")
               + b" /Prev " + start.group(1) + b" >>\n")
    return b"".join([pdf, b"" if pdf.endswith(b"\n") else b"\n", obj,
                     b"xref\n" + num + b" 1\n" + b"%010d 00000 n \n" % offset, trailer,
                     b"startxref\n%d\n%%%%EOF\n" % xref])


def _metadata(surface: cairo.PDFSurface, title: str) -> None:
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "orgpath")


def _org_title(G: nx.DiGraph, w: dict[str, str]) -> str:
    org = G.graph.get("org")
    return org.title if org is not None and org.title else w["org_chart"].capitalize()


def whole_pdf(
    out: BinaryIO,
    G: nx.DiGraph,
    view: View,
    layout: Layout,
    *,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
    date: str | None = None,
) -> None:
    """Write the chart of ``view`` as a one-page PDF: title, date, the chart, a legend."""
    w = words(lang)
    head, foot = 44.0, 30.0
    W = max(layout.width, 420.0) + 2 * MARGIN
    H = layout.height + head + foot + MARGIN
    surface = cairo.PDFSurface(out, W, H)
    title = _org_title(G, w)
    _metadata(surface, f"{title} — {w['org_chart']}")
    c = cairo.Context(surface)
    pen = _Pen(c, 10.0)
    with gc_paused():
        pen.text(MARGIN, MARGIN + 4, title, size=16, bold=True)
        pen.text(MARGIN, MARGIN + 20, f"{w['org_chart']} · {date or _today()}", size=9,
                 colour=VACANT_TEXT)
        c.translate(MARGIN, head)
        nodes = view.tree._node
        boxes = layout.boxes
        pen.lines(seg for segs in layout.connectors.values() for seg in segs)
        dotted = [clip_line(boxes[m], b) for v, b in boxes.items()
                  for m in nodes[v]["person"].dotted_managers if m in boxes and m != v]
        pen.lines(dotted, DOTTED, dash=True, width=1.2)
        for v, b, t in box_texts(G, view, layout, lang=lang, ladder_graph=ladder_graph):
            pen.box(b, t.lines, t.fill, vacant=t.person.vacant, focus=v == view.focus)
        pen.flush()
        c.translate(-MARGIN, -head)
        pen.legend(MARGIN, H - foot + 6, w, paged=False)
        pen.flush()
    surface.finish()


def _today() -> str:
    return _dt.date.today().isoformat()


def direct_chart(
    G: nx.DiGraph,
    view: View,
    layout: Layout,
    fmt: str,
    *,
    lang: str = "en",
    link: Link | None = None,
    ladder_graph: nx.MultiDiGraph | None = None,
    out: BinaryIO | None = None,
) -> bytes:
    """The chart as ``svg`` or ``pdf`` bytes, written straight from ``layout``.

    With ``out``, an SVG is streamed there (a PDF is written whole) and ``b""`` returned.
    """
    if fmt == "svg" and out is not None:
        write_svg(out, G, view, layout, lang=lang, link=link, ladder_graph=ladder_graph)
        return b""
    if fmt == "svg":
        return org_svg(G, view, layout, lang=lang, link=link, ladder_graph=ladder_graph)
    if fmt != "pdf":
        raise ChartError(f"the direct route writes svg and pdf, not {fmt!r}")
    buf = io.BytesIO()
    whole_pdf(buf, G, view, layout, lang=lang, ladder_graph=ladder_graph)
    data = set_lang(buf.getvalue(), lang)
    if out is not None:
        out.write(data)
        return b""
    return data


@dataclass
class _Page:
    manager: str
    part: int  # 0 for the first page of a team
    parts: int
    reports: list[str]


def _plan(G: nx.DiGraph, root: str | None, per_page: int) -> tuple[list[_Page], dict[str, int]]:
    pages: list[_Page] = []
    first: dict[str, int] = {}
    succ = G._succ
    for m in page_order(G, root):
        reports = list(succ[m])
        k = max(1, math.ceil(len(reports) / per_page))
        first[m] = len(pages)
        for i in range(k):
            pages.append(_Page(m, i, k, reports[i * per_page:(i + 1) * per_page]))
    return pages, first


def paged_pdf(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
    paper: str = "a4",
    orientation: str = "landscape",
    max_pages: int | None = None,
    date: str | None = None,
    progress: Callable[[str], None] | None = None,
    out: BinaryIO | None = None,
) -> bytes:
    """A PDF of the org (or below ``root``) on standard paper, one manager's team a page.

    ``max_pages`` defaults to the ``max_org_pdf_pages`` setting; ``date``
    (printed on every page) to today. With ``out``, the PDF is written there
    page by page and ``b""`` returned. Raises :class:`ChartError` for a bad
    paper, an org where nobody has reports, or too many pages (before anything
    is written).
    """
    step = progress or (lambda stage: None)
    pw, ph = page_size(paper, orientation)
    if max_pages is None:
        max_pages = settings.get("max_org_pdf_pages")
    bw, bh = PAGE_BOX
    gx, gy = PAGE_GAP
    head, foot = 46.0, 30.0
    cols = max(1, int((pw - 2 * MARGIN + gx) // (bw + gx)))
    top = MARGIN + head
    grid_top = top + 2 * (bh + gy)
    rows = max(1, int((ph - MARGIN - foot - grid_top + gy) // (bh + gy)))
    step("layout")
    # One pause for the plan and the drawing: each pause ends in a full collection.
    with gc_paused():
        return _write_paged(G, _plan(G, root, cols * rows), max_pages=max_pages,
                            geometry=_Geometry(pw, ph, cols, rows, grid_top, top), lang=lang,
                            ladder_graph=ladder_graph, date=date, step=step, out=out)


def _write_paged(G: nx.DiGraph, plan: tuple[list[_Page], dict[str, int]], *, max_pages: int,
                 geometry: _Geometry, lang: str, ladder_graph: nx.MultiDiGraph | None,
                 date: str | None, step: Callable[[str], None], out: BinaryIO | None) -> bytes:
    """The planned pages checked against ``max_pages``, drawn and written (see paged_pdf)."""
    pages, first = plan
    if not pages:
        raise ChartError("nobody in this org has reports, so there are no pages to draw")
    if len(pages) > max_pages:
        raise ChartError(
            f"the PDF would have {len(pages):,} pages, more than the limit of {max_pages:,} "
            "(setting max_org_pdf_pages; max_job_pages for export jobs); start lower (a root) "
            "or draw one chart instead")
    w = words(lang)
    title = clean_text(_org_title(G, w))
    date = clean_text(date or _today())
    step("draw")
    sink = out if out is not None else io.BytesIO()
    book = PdfBook(sink, size=(geometry.pw, geometry.ph), pages=len(pages),
                   title=f"{title} — {w['org_chart']}",
                   lang=lang if _LANG.fullmatch(lang) else "")
    with book:
        _draw_pages(book, G, pages, first, geometry=geometry, lang=lang,
                    ladder_graph=ladder_graph, title=title, date=date)
        step("write")
        book.finish()
    return b"" if out is not None else sink.getvalue()


_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*")


@dataclass(frozen=True)
class _Geometry:
    """Where things go on a page of the paged PDF."""

    pw: float
    ph: float
    cols: int
    rows: int
    grid_top: float
    top: float


def _draw_pages(book: PdfBook, G: nx.DiGraph, pages: list[_Page], first: dict[str, int], *,
                geometry: _Geometry, lang: str, ladder_graph: nx.MultiDiGraph | None,
                title: str, date: str) -> None:
    """Draw and write every page, and a bookmark for each team's first page."""
    pw, ph, cols, grid_top, top = (geometry.pw, geometry.ph, geometry.cols, geometry.grid_top,
                                   geometry.top)
    bw, bh = PAGE_BOX
    gx, gy = PAGE_GAP
    w = words(lang)
    node, pred, succ = G._node, G._pred, G._succ
    hc = orgq._headcounts(G)
    limit = int((bw - 8) / (PAGE_FONT * 0.55))
    colours: dict[str, str] = {}
    roles: dict[str | None, str] = {}
    outline: dict[str, int] = {}
    vacant_word = w["vacant"]
    page_word, team_of = w["page"], w["team_of"]
    boss_note = f"↑ {w['manager']} · "
    subtitle = f"{title} · {date}"
    total = len(pages)
    xs = [(pw - (cols * (bw + gx) - gx)) / 2 + i * (bw + gx) for i in range(cols)]
    mid = pw / 2
    step, lift = PAGE_FONT * 1.2, PAGE_FONT * 0.35
    legend = _legend_items(w)
    people: dict[str, tuple[list[str], str, bool]] = {}
    cleaned: dict[str, str] = {}  # titles (and many names) repeat

    def clean(s: str) -> str:
        c = cleaned.get(s)
        if c is None:
            c = cleaned[s] = clean_text(s)
        return c

    def person(v: str) -> tuple[list[str], str, bool]:
        """A box's name and title lines, its fill and whether the position is vacant."""
        hit = people.get(v)
        if hit is not None:
            return hit
        p = node[v]["person"]
        name = p.name
        if p.vacant:
            name = vacant_word if name in ("", "Vacant", vacant_word) else f"{vacant_word}: {name}"
        name = clean(name)
        out_ = [_short(name, limit) if len(name) > limit else name]
        t = p.title
        if not t and p.role:
            t = roles.get(p.role)
            if t is None:
                t = roles[p.role] = _role_title(p.role, ladder_graph, lang)
        if t:
            t = clean(t)
            out_.append(_short(t, limit) if len(t) > limit else t)
        hit = (out_, _colour(p.department, colours), p.vacant)
        if succ[v]:  # managers are drawn on several pages; reports once
            people[v] = hit
        return hit

    grid = {(i, r): f"{xs[i]:.2f} {grid_top + r * (bh + gy):.2f} {bw:.2f} {bh:.2f} re\n"
            for i in range(cols) for r in range(geometry.rows)}
    bx = mid - bw / 2
    my = top + bh + gy
    grid[-1, -1] = f"{bx:.2f} {top:.2f} {bw:.2f} {bh:.2f} re\n"  # the manager's manager
    grid[-1, 0] = f"{bx:.2f} {my:.2f} {bw:.2f} {bh:.2f} re\n"  # the manager
    connectors: dict[tuple[bool, int], str] = {}

    def lines_of(boss: bool, k: int) -> str:
        """The connector lines of a page with (or without) a boss and ``k`` reports."""
        segs = [(mid, top + bh, mid, my)] if boss else []
        nrows = -(-k // cols)
        if k:
            segs.append((mid, my + bh, mid, grid_top + (nrows - 1) * (bh + gy) - gy / 2))
        for r in range(nrows):
            n_row = min(cols, k - r * cols)
            y = grid_top + r * (bh + gy)
            bus = y - gy / 2
            segs.append((min(xs[0] + bw / 2, mid), bus, max(xs[n_row - 1] + bw / 2, mid), bus))
            segs += [(xs[i] + bw / 2, bus, xs[i] + bw / 2, y) for i in range(n_row)]
        return "".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l\n" for x1, y1, x2, y2 in segs)

    def box(pg: Canvas, at: tuple[int, int], x: float, y: float, v: str, note: str | None, *,
            focus: bool = False) -> None:
        texts, fill, vacant = person(v)
        if note:
            texts = [*texts, note]
        pg.rect_ops(grid[at], fill, DOTTED if focus else BORDER, width=2.5 if focus else 1.0,
                    dash=vacant)
        pg.centred(x + bw / 2, y + bh / 2 - (len(texts) - 1) * step / 2 + lift, texts,
                   PAGE_FONT, step, colour=VACANT_TEXT if vacant else "#000000")

    # What every page shows alike: the line under the title, and the legend.
    fixed = book.canvas()
    fixed.text(MARGIN, MARGIN + 27, subtitle, 8.5, colour=VACANT_TEXT)
    _legend(fixed, MARGIN, ph - MARGIN, legend)
    tail = fixed.ops()

    for n, page in enumerate(pages):
        m = page.manager
        boss = next(iter(pred[m]), None)
        mp = node[m]["person"]
        heading = clean_text(mp.name + (f" — {mp.title}" if mp.title else ""))
        if page.parts > 1:
            heading += f" ({page.part + 1}/{page.parts})"
        pg = book.canvas(tail)
        pg.text(MARGIN, MARGIN + 12, _short(heading, 110) if len(heading) > 110 else heading,
                13, bold=True)
        pg.text(pw - MARGIN, ph - MARGIN, f"{page_word} {n + 1} / {total}", 8, anchor="end")
        if boss is not None:
            where = f"{page_word} {first[boss] + 1}" if boss in first else w["not_in_pdf"]
            box(pg, (-1, -1), bx, top, boss, boss_note + where)
            if boss in first:
                pg.link(bx, top, bw, bh, first[boss])
        box(pg, (-1, 0), bx, my, m, f"{team_of} {count_text(hc[m], lang)}", focus=True)
        reports = page.reports
        key = (boss is not None, len(reports))
        ops = connectors.get(key)
        if ops is None:
            ops = connectors[key] = lines_of(*key)
        if ops:
            pg.path(ops, CONNECTOR)
        for k, v in enumerate(reports):
            r, i = divmod(k, cols)
            x, y = xs[i], grid_top + r * (bh + gy)
            if succ[v] and v in first:
                box(pg, (i, r), x, y, v,
                    f"{team_of} {count_text(hc[v], lang)} · {page_word} {first[v] + 1}")
                pg.link(x, y, bw, bh, first[v])
            else:
                box(pg, (i, r), x, y, v, None)
        book.add_page(pg)
        if page.part == 0:
            parent = outline.get(boss, -1) if boss is not None else -1
            outline[m] = book.outline(heading, n, parent, open_=parent < 0)


def _legend_items(w: dict[str, str]) -> list[tuple[str, str]]:
    return [("box", w["legend_person"]), ("vacant", w["legend_vacant"]),
            ("focus", w["legend_focus"])]


def _legend(pg: Canvas, x: float, y: float, items: list[tuple[str, str]]) -> None:
    """The paged PDF's legend, one line with its baseline at ``y``."""
    s = PAGE_FONT
    for kind, label in items:
        pg.rect(x, y - s, 2 * s, s * 1.2, "#eef4fb" if kind == "box" else "#ffffff",
                DOTTED if kind == "focus" else BORDER, width=2.5 if kind == "focus" else 1.0,
                dash=kind == "vacant")
        x += 2.6 * s
        pg.text(x, y, label, s)
        x += pg.width(label, s) + 1.6 * s
