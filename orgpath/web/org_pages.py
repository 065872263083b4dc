"""Org pages: ``/orgs/<org>`` (zoomable chart, search by name or title) and
``/orgs/<org>/people/<id>`` (chain of command, reports, head count, ladder role
with next roles and who holds them), in English and Danish.

The charts come from :mod:`orgpath.web.org_charts` (drawn once, cached, inlined);
the person's facts from :mod:`orgpath.serialize`, the API's shapes.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from orgpath import org as orgq
from orgpath import serialize
from orgpath.render import RenderError
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.render.orgchart import ChartError
from orgpath.store import Entry
from orgpath.web.charting import svg_markup
from orgpath.web.common import raw_arg, text_arg
from orgpath.web.errors import Problem, from_exception
from orgpath.web.exports import page_offer
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.org_charts import chart_options, cli_command, org_chart_bytes
from orgpath.web.org_common import ladder_entry_of, ladder_graph_of, org_entry, person_id
from orgpath.web.templating import count

bp = Blueprint("orgs", __name__)
bp.after_request(remember_lang)

#: Most people the org page draws at once; bigger orgs start at the top, PAGE_DEPTH deep.
PAGE_MAX_PEOPLE = 300
PAGE_DEPTH = 2
#: Most search hits the org page lists.
PAGE_HITS = 100


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


@bp.get("/orgs/<org>/people/<pid>")
def person_page(org: str, pid: str):
    lang = page_lang()
    entry = org_entry(org)
    G = entry.graph
    pid = person_id(G, pid)
    ladder = ladder_entry_of(entry)
    LG = ladder_graph_of(ladder)
    svg, svg_error = _inline(org, entry, {"root": None, "depth": None, "neighbourhood": pid,
                                          "compact": False}, lang)
    return render_template(
        "person.html", org=entry.value, oid=org, G=G, pid=pid, p=orgq.person(G, pid),
        detail=serialize.person_detail(G, pid, LG, lang),
        chain=list(reversed(orgq.chain_of_command(G, pid))), svg=svg, svg_error=svg_error,
        ladder=ladder.value if ladder else None, lid=ladder.id if ladder else None,
        role_next=serialize.next_role_list(G, pid, LG, lang),
    )
