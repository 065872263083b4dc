"""A paged PDF org chart: one page per manager, with bookmarks nested like the org.

Each page shows one manager, their own manager above (with the page number
where that manager's team is drawn) and their direct reports below; a report
who manages others shows the size of their team and the page it continues on.

The default (direct) route is :func:`orgpath.render.pdfwriter.paged_pdf`:
standard paper, written page by page. With ``route="graphviz"``, each page is
a small chart drawn by Graphviz (``neato -n2``, positions from
:mod:`orgpath.render.layout`) as a one-page PDF; :mod:`pypdf` joins the
pages and adds an outline (bookmarks) whose nesting follows the reporting
lines. Graphviz keeps one renderer for every format, and pypdf is pure Python.

>>> from orgpath.org import demo_org
>>> pdf = paged_pdf(demo_org())
>>> import io, pypdf
>>> r = pypdf.PdfReader(io.BytesIO(pdf))
>>> len(r.pages), [o.title for o in r.outline if not isinstance(o, list)]
(3, ['Ada Boss — CEO'])
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

import networkx as nx
import pypdf

from orgpath import org as orgq
from orgpath import settings
from orgpath.render.escape import clean_text
from orgpath.render.graphviz import Runner, default_runner
from orgpath.render.layout import tidy_layout
from orgpath.render.orgchart import ChartError, View, org_dot
from orgpath.render.words import count_text, words

__all__ = ["paged_pdf", "page_order"]

_PAGE_SIZE = 'size="16.5,11.7"'  # fit each page on A3 landscape at most


def page_order(G: nx.DiGraph, root: str | None = None) -> list[str]:
    """The managers that get a page, depth first from the roots (or ``root``).

    >>> from orgpath.org import demo_org
    >>> page_order(demo_org())
    ['ceo', 's', 'e']
    """
    if root is not None and root not in G:
        raise ChartError(str(orgq.PersonNotFound(root)))
    succ = G._succ
    out = []
    stack = list(reversed([root] if root is not None else orgq.roots(G)))
    while stack:
        v = stack.pop()
        if succ[v]:
            out.append(v)
            stack.extend(reversed(list(succ[v])))
    return out


def _title(p) -> str:
    """A bookmark's text: name and title, without control or bidi control characters."""
    return clean_text(p.name + (f" — {p.title}" if p.title else ""))


def paged_pdf(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
    max_pages: int | None = None,
    progress: Callable[[str], None] | None = None,
    runner: Runner | None = None,
    route: str = "direct",
    paper: str | None = None,
    orientation: str | None = None,
    out: BinaryIO | None = None,
) -> bytes:
    """A PDF with one page per manager (of the whole org or below ``root``).

    Written by :func:`orgpath.render.pdfwriter.paged_pdf` on standard ``paper``
    (``a4``, ``letter``, ``a3``; default a4) in ``orientation`` (``landscape``,
    the default, or ``portrait``) unless ``route="graphviz"``, which draws each
    page at its own size and takes no paper. With ``out`` the direct route
    writes the PDF there page by page and returns ``b""``. ``max_pages``
    defaults to the ``max_org_pdf_pages`` setting. Raises
    :class:`~orgpath.render.orgchart.ChartError` for an unknown paper or
    orientation, when nobody manages anyone or when there would be more than
    ``max_pages`` pages, and :class:`~orgpath.render.graphviz.RenderError` when
    Graphviz fails.
    """
    if route != "graphviz":
        from orgpath.render import pdfwriter

        return pdfwriter.paged_pdf(G, root=root, lang=lang, ladder_graph=ladder_graph,
                                   paper=paper or "a4", orientation=orientation or "landscape",
                                   max_pages=max_pages, progress=progress, out=out)
    if paper is not None or orientation is not None:
        raise ChartError("the Graphviz route draws each page at its own size; paper and "
                         "orientation are for the direct route")
    if max_pages is None:
        max_pages = settings.get("max_org_pdf_pages")
    step = progress or (lambda stage: None)
    managers = page_order(G, root)
    if not managers:
        raise ChartError("nobody in this org has reports, so there are no pages to draw")
    if len(managers) > max_pages:
        raise ChartError(
            f"the org has {len(managers):,} managers, more than the limit of {max_pages:,} "
            "pages; start lower (a root) or draw one chart instead")
    step("layout")
    page_of = {m: i for i, m in enumerate(managers)}
    hc = orgq._headcounts(G)
    sources = [_page_dot(G, m, page_of, hc, lang=lang, ladder_graph=ladder_graph)
               for m in managers]
    step("draw")
    pages = _draw_pages(runner or default_runner(), sources)
    step("write")
    data = _join(G, managers, pages)
    if out is not None:
        out.write(data)
        return b""
    return data


def _page_dot(G: nx.DiGraph, m: str, page_of: dict[str, int], hc: dict[str, int], *,
              lang: str, ladder_graph: nx.MultiDiGraph | None) -> str:
    """The DOT of manager ``m``'s page: their manager above, ``m``, their reports below."""
    w = words(lang)
    node, pred, succ = G._node, G._pred, G._succ
    boss = next(iter(pred[m]), None)
    T = nx.DiGraph(org=G.graph.get("org"))
    notes: dict[str, str] = {}
    if boss is not None:
        T.add_node(boss, **node[boss])
        where = f"{w['page']} {page_of[boss] + 1}" if boss in page_of else w["not_in_pdf"]
        notes[boss] = f"↑ {w['manager']} · {where}"
        T.add_edge(boss, m)
    T.add_node(m, **node[m])
    notes[m] = f"{w['team_of']} {count_text(hc[m], lang)}"
    for r in succ[m]:
        T.add_node(r, **node[r])
        T.add_edge(m, r)
        if succ[r]:
            notes[r] = (f"{w['team_of']} {count_text(hc[r], lang)} · {w['page']} "
                        f"{page_of[r] + 1}")
    top = boss if boss is not None else m
    layout = tidy_layout(T, [top])
    return org_dot(G, View(T, [top], m), layout, lang=lang, ladder_graph=ladder_graph,
                   notes=notes, graph_attrs=_PAGE_SIZE)


def _draw_pages(runner: Runner, sources: list[str]) -> list[bytes]:
    """Each page drawn as a one-page PDF, on up to four cores."""
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda src: runner.render(src, "pdf", "neato", pinned=2),
                             sources))


def _join(G: nx.DiGraph, managers: list[str], pages: list[bytes]) -> bytes:
    """The pages in one PDF, with bookmarks nested like the reporting lines."""
    writer = pypdf.PdfWriter()
    for data in pages:
        writer.add_page(pypdf.PdfReader(io.BytesIO(data)).pages[0])
    items: dict[str, object] = {}
    for i, m in enumerate(managers):
        boss = next(iter(G._pred[m]), None)
        items[m] = writer.add_outline_item(
            title=_title(G._node[m]["person"]), page_number=i, parent=items.get(boss))
    org = G.graph.get("org")
    writer.add_metadata({"/Title": clean_text(org.title) if org is not None else "Org chart",
                         "/Producer": "orgpath"})
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
