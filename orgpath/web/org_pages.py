"""Org pages: ``/orgs/<org>`` (zoomable chart, search by name or title) and
``/orgs/<org>/people/<id>`` (the explorer opened on the person, a server-drawn chart of
their chain, them and their reports for pages without JavaScript, everyone below as a
tree list, ladder role with next roles and who holds them), in English and Danish;
``/orgs/<org>/people/<id>/photo.jpg``, the person's photo (:mod:`orgpath.photos`).

The charts come from :mod:`orgpath.web.org_charts` (drawn once, cached, inlined);
the person's facts from :mod:`orgpath.serialize`, the API's shapes.
"""

from __future__ import annotations

import logging
from collections import deque
from pathlib import Path
from typing import Any

import networkx as nx
from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from orgpath import org as orgq
from orgpath import photos, serialize
from orgpath.model import Person
from orgpath.render import RenderError
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.render.orgchart import ChartError, org_chart
from orgpath.store import Entry
from orgpath.web.budget import heavy
from orgpath.web.cache import cache_headers, cached_body
from orgpath.web.charting import chart_body, svg_markup
from orgpath.web.common import int_arg, raw_arg, text_arg
from orgpath.web.errors import Problem, bad_param, from_exception
from orgpath.web.exports import page_offer
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.org_charts import chart_options, cli_command, org_chart_bytes
from orgpath.web.org_common import (
    ladder_entry_of,
    ladder_graph_of,
    org_entry,
    person_id,
    versions,
)
from orgpath.web.templating import count

log = logging.getLogger("orgpath.web")

bp = Blueprint("orgs", __name__)
bp.after_request(remember_lang)

#: Most people the org page draws at once; bigger orgs start at the top, PAGE_DEPTH deep.
PAGE_MAX_PEOPLE = 300
PAGE_DEPTH = 2
#: Most search hits the org page lists.
PAGE_HITS = 100
#: The neighbourhood chart a person page offers to download.
AROUND_FORMATS = ("svg", "png", "pdf")


def _inline(org_id: str, entry: Entry, opts: dict, lang: str) -> tuple[Markup | None, str | None]:
    """The page's SVG, or ``(None, why)`` when it cannot be drawn now (the page still shows)."""
    try:
        return svg_markup(org_chart_bytes(org_id, entry, "svg", opts, lang)), None
    except (Problem, RenderError, ChartError) as exc:
        return None, from_exception(exc).detail


def _page_options(G) -> dict:
    opts = chart_options(G)
    if raw_arg("compact") is None:
        opts["compact"] = True  # a page is narrow: stack leaf-only teams unless asked not to
    if opts["root"] is None and opts["neighbourhood"] is None and opts["depth"] is None \
            and len(G) > PAGE_MAX_PEOPLE:
        opts["depth"] = PAGE_DEPTH
    return opts


def _view_size(G, root: str | None, depth: int | None) -> int:
    """How many people a chart of ``root`` (or the whole org) ``depth`` levels down shows."""
    if root is not None:
        return 1 + len(orgq.all_reports(G, root, depth))
    if depth is None:
        return len(G)
    return sum(1 for level in orgq.levels(G).values() if level <= depth)


def _paged_pdf_pages(G, root: str | None) -> int:
    """The pages of the paged PDF (A4 landscape, the web's): a page per manager, more for
    a team wider than a page. Mirrors the grid of :func:`orgpath.render.pdfwriter.paged_pdf`."""
    from orgpath.render import pdfwriter as pw
    from orgpath.render.paged import page_order

    width, height = pw.page_size("a4", "landscape")
    (bw, bh), (gx, gy) = pw.PAGE_BOX, pw.PAGE_GAP
    cols = max(1, int((width - 2 * pw.MARGIN + gx) // (bw + gx)))
    grid_top = pw.MARGIN + _PDF_HEAD + 2 * (bh + gy)
    rows = max(1, int((height - pw.MARGIN - _PDF_FOOT - grid_top + gy) // (bh + gy)))
    per_page = cols * rows
    succ = G._succ
    return sum(max(1, -(-len(succ[m]) // per_page)) for m in page_order(G, root))


#: The paged PDF's heading and footer heights (points), as pdfwriter.paged_pdf lays pages out.
_PDF_HEAD, _PDF_FOOT = 46.0, 30.0


def _refusal(G, fmt: str, opts: dict, pages: bool) -> tuple[str, str] | None:
    """Why the server would refuse this download for its size (422), and the environment the
    command line needs to make it (the CLI reads the same page limit); None if it will not."""
    cfg = current_app.config
    if pages:
        from orgpath.render.paged import page_order

        if not page_order(G, None):
            return _("Nobody in this org has reports, so there are no pages to draw."), ""
        limit, n = int(cfg["MAX_ORG_PDF_PAGES"]), _paged_pdf_pages(G, None)
        if n > limit:
            return (_("The PDF would have %(num)s pages, more than the limit of %(limit)s "
                      "(max_org_pdf_pages).", num=count(n), limit=count(limit)),
                    f"ORGPATH_MAX_ORG_PDF_PAGES={n} ")
        return None
    limit = int(cfg["MAX_ORG_CHART_PEOPLE"])
    n = _view_size(G, opts["root"], opts["depth"])
    if n > limit:
        return _("The chart has %(num)s people, more than the limit of %(limit)s "
                 "(max_org_chart_people).", num=count(n), limit=count(limit)), ""
    if fmt == "pptx":
        from orgpath.render.paged import page_order
        from orgpath.render.pptx import PER_SLIDE

        managers = page_order(G, opts["root"])
        if not managers:
            return _("Nobody in this org has reports, so there are no slides to make."), ""
        slides = sum(-(-len(G._succ[m]) // PER_SLIDE) for m in managers)
        limit = int(cfg["MAX_ORG_PDF_PAGES"])
        if slides > limit:
            return (_("The deck would have %(num)s slides, more than the limit of %(limit)s "
                      "(max_org_pdf_pages).", num=count(slides), limit=count(limit)),
                    f"ORGPATH_MAX_ORG_PDF_PAGES={slides} ")
    return None


def _exports(org: str, G, opts: dict, shown: dict, lang: str) -> list[dict]:
    """The page's downloads: a link for each the server will answer, else why not and the
    command that makes the same file without the server."""
    out = []
    for fmt, pages in [*((f, False) for f in ORG_FORMATS), ("pdf", True)]:
        label = "pdf-pages" if pages else fmt
        refused = _refusal(G, fmt, opts, pages)
        if refused is None:
            params = ({"pages": 1, "download": 1, "lang": lang} if pages
                      else {"download": 1, "lang": lang, **shown})
            out.append({"fmt": label,
                        "url": url_for("org_charts.org_chart_file", org=org, fmt=fmt, **params)})
        else:
            view = {**opts, "root": None, "depth": None, "compact": False} if pages else opts
            why, env = refused
            out.append({"fmt": label, "why": why,
                        "cli": env + cli_command(org, fmt, view, pages, lang)})
    return out


@bp.get("/orgs/<org>")
def org_page(org: str):
    lang = page_lang()
    entry = org_entry(org)
    G = entry.graph
    q = (text_arg("q") or "").strip()
    hits = orgq.find_people(G, q, PAGE_HITS) if q else []
    opts = _page_options(G)
    svg, svg_error = _inline(org, entry, opts, lang)
    shown = {k: v for k, v in (("root", opts["root"]), ("depth", opts["depth"]),
                               ("compact", int(opts["compact"]))) if v is not None}
    ladder = ladder_entry_of(entry)
    return render_template(
        "org.html", org=entry.value, oid=org, G=G, people_q=q, hits=hits, svg=svg,
        svg_error=svg_error, exports=_exports(org, G, opts, shown, lang), roots=orgq.roots(G),
        depth=orgq.org_depth(G),
        limited=opts["depth"] is not None and opts["root"] is None, compact=opts["compact"],
        other_layout=url_for("orgs.org_page", org=org, lang=lang,
                             **{**shown, "compact": int(not opts["compact"])}),
        ladder=ladder.value if ladder else None,
        person_ref=lambda p: serialize.person_ref(G, p),
        job_offer=page_offer(len(G)), job_formats=ORG_FORMATS, lang=lang,
    )


def _around_graph(G: nx.DiGraph, pid: str) -> nx.DiGraph:
    """The chain of command above ``pid``, ``pid``, their direct reports and their
    dotted-line partners (managers and reports by dotted line, drawn dashed): a chart
    that stays readable at any org size (a VP's whole neighbourhood is a thin strip)."""
    ids = [*reversed(orgq.chain_of_command(G, pid)), *orgq.direct_reports(G, pid)]
    keep = set(ids)
    partners = [m for m in G.nodes[pid]["person"].dotted_managers if m in G] + [
        v for v, data in G.nodes(data=True) if pid in data["person"].dotted_managers]
    ids += [v for v in dict.fromkeys(partners) if v not in keep]
    keep = set(ids)
    T = nx.DiGraph(**{k: v for k, v in G.graph.items() if not k.startswith("_")})
    T.add_nodes_from((v, G._node[v]) for v in ids)
    T.add_edges_from((m, v) for v in ids for m in G._pred[v] if m in keep)
    return T


def _around_svg(org_id: str, entry: Entry, pid: str,
                lang: str) -> tuple[Markup | None, str | None]:
    """The person page's chart without JavaScript, or ``(None, why)``."""
    from orgpath.web.charts import runner

    ladder = ladder_entry_of(entry)

    def draw() -> bytes:
        return org_chart(_around_graph(entry.graph, pid), "svg", neighbourhood=pid,
                         compact=True, lang=lang, ladder_graph=ladder_graph_of(ladder),
                         link=lambda p: url_for("orgs.person_page", org=org_id, pid=p.id),
                         max_nodes=int(current_app.config["MAX_ORG_CHART_PEOPLE"]),
                         runner=runner())

    key = ("person-around", *versions(entry, ladder), org_id, pid, lang)
    try:
        return svg_markup(chart_body(key, draw)), None
    except (Problem, RenderError, ChartError) as exc:
        return None, from_exception(exc).detail


def _title(p: Person, LG: nx.MultiDiGraph | None, lang: str) -> str:
    """The person's title, else their ladder role's title in ``lang`` (else empty)."""
    if p.title:
        return p.title
    if p.role and LG is not None and p.role in LG:
        return LG.nodes[p.role]["role"].name(lang)
    return ""


def _team_tree(G: nx.DiGraph, pid: str, budget: int, LG: nx.MultiDiGraph | None,
               lang: str) -> tuple[list[dict[str, Any]], int]:
    """Everyone below ``pid`` as nested dicts, breadth first up to ``budget`` people.

    Each node is ``{id, name, title, vacant, headcount, children, more}``; ``more`` is how
    many direct reports did not fit (the page links to the list view for them). Returns
    the top level and how many people are listed.
    """
    hc = orgq._headcounts(G)
    node = G._node

    def item(v: str) -> dict[str, Any]:
        p: Person = node[v]["person"]
        return {"id": v, "name": p.name, "title": _title(p, LG, lang), "vacant": p.vacant,
                "headcount": hc.get(v, 0), "children": [], "more": 0}

    top = {"children": [], "more": 0}
    queue = deque([(pid, top)])
    shown = 0
    while queue:
        v, parent = queue.popleft()
        reports = orgq.direct_reports(G, v)
        room = max(0, budget - shown)
        for r in reports[:room]:
            child = item(r)
            parent["children"].append(child)
            queue.append((r, child))
        shown += min(len(reports), room)
        parent["more"] = len(reports) - min(len(reports), room)
    return top["children"], top["more"]


@bp.get("/orgs/<org>/people/<pid>")
def person_page(org: str, pid: str):
    lang = page_lang()
    entry = org_entry(org)
    G = entry.graph
    pid = person_id(G, pid)
    ladder = ladder_entry_of(entry)
    LG = ladder_graph_of(ladder)
    p = orgq.person(G, pid)
    svg, svg_error = _around_svg(org, entry, pid, lang)
    tree, tree_more = _team_tree(G, pid, int(current_app.config["MAX_PEOPLE_PAGE"]), LG, lang)
    has_photo = photos.find_photo(p, photos.org_folder(entry.value), G.graph.get("org"))
    return render_template(
        "person.html", org=entry.value, oid=org, G=G, pid=pid, p=p,
        title=_title(p, LG, lang),
        detail=serialize.person_detail(G, pid, LG, lang),
        chain=list(reversed(orgq.chain_of_command(G, pid))), svg=svg, svg_error=svg_error,
        ladder=ladder.value if ladder else None, lid=ladder.id if ladder else None,
        role_next=serialize.next_role_list(G, pid, LG, lang),
        tree=tree, tree_more=tree_more,
        list_url=f"{url_for('orgs.org_page', org=org)}/people",
        photo=url_for("orgs.person_photo", org=org, pid=pid) if has_photo else None,
        around=[(f, url_for("org_charts.org_chart_file", org=org, fmt=f, around=pid,
                            download=1, lang=lang)) for f in AROUND_FORMATS],
        lang=lang,
    )


def _no_photo() -> Problem:
    # one answer for an unknown or hidden person, a hidden photo and no photo at all
    return Problem(404, "photo-not-found", "No photo", "There is no photo of this person to "
                   "show.")


def _encoded(path: Path, rel: str, size: int) -> bytes:
    """The photo re-encoded, or ``b""`` (remembered like a photo) when it cannot be shown."""
    cfg = current_app.config
    try:
        return photos.render_photo(path, size, max_bytes=int(cfg["MAX_PHOTO_BYTES"]),
                                   max_pixels=int(cfg["MAX_PHOTO_PIXELS"]))
    except photos.PhotoError as exc:
        log.warning("photo %s not shown: %s", rel, exc)
        return b""


@bp.get("/orgs/<org>/people/<pid>/photo.jpg")
def person_photo(org: str, pid: str):
    """The person's photo as a square JPEG of ``?size=`` pixels (48, 96 ... max_photo_size).

    404 alike for an unknown person, one the viewer may not see, a photo the viewer may
    not see, no photo and a photo that cannot be decoded (logged with its file name).
    """
    max_size = int(current_app.config["MAX_PHOTO_SIZE"])
    sizes = photos.photo_sizes(max_size)
    size = int_arg("size", photos.default_size(max_size), sizes[0], sizes[-1])
    if size not in sizes:
        raise bad_param("size", f"size must be one of {', '.join(map(str, sizes))}, not "
                        f"{size}.", allowed=list(sizes))
    entry = org_entry(org)
    G = entry.graph
    if len(pid) > current_app.config["MAX_QUERY_LENGTH"] or pid not in G:
        raise _no_photo()
    folder = photos.org_folder(entry.value)
    path = photos.find_photo(G._node[pid]["person"], folder, G.graph.get("org"))
    if path is None or folder is None:
        raise _no_photo()
    try:
        stamp = photos.file_stamp(path)
    except OSError:
        raise _no_photo() from None
    rel = path.relative_to(folder.resolve()).as_posix()
    key = ("photo", org, rel, *stamp, size)
    body, etag = cached_body("orgpath.chart_cache", key,
                             lambda: heavy(key, lambda: _encoded(path, rel, size)))
    if not body:
        raise _no_photo()
    headers = cache_headers(private=True)
    headers.append(("ETag", etag))
    resp = Response(body, 200, headers, content_type="image/jpeg")
    if "HTTP_IF_NONE_MATCH" in request.environ:
        resp.make_conditional(request)
    return resp
