"""Org pages: ``/orgs/<org>`` (zoomable chart, search by name or title) and
``/orgs/<org>/people/<id>`` (chain of command, reports, head count, ladder role
with next roles and who holds them), in English and Danish.

The charts come from :mod:`orgpath.web.org_charts` (drawn once, cached, inlined);
the person's facts from :mod:`orgpath.serialize`, the API's shapes.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
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
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.org_charts import chart_options, org_chart_bytes
from orgpath.web.org_common import ladder_entry_of, ladder_graph_of, org_entry, person_id

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


def _exports(org: str, shown: dict, lang: str) -> list[tuple[str, str]]:
    exports = [(f, url_for("org_charts.org_chart_file", org=org, fmt=f, download=1, lang=lang,
                           **shown))
               for f in ORG_FORMATS]
    exports.append(("pdf-pages", url_for("org_charts.org_chart_file", org=org, fmt="pdf",
                                         pages=1, download=1, lang=lang)))
    return exports


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
        svg_error=svg_error, exports=_exports(org, shown, lang), roots=orgq.roots(G),
        depth=orgq.org_depth(G),
        limited=opts["depth"] is not None and opts["root"] is None, compact=opts["compact"],
        other_layout=url_for("orgs.org_page", org=org, lang=lang,
                             **{**shown, "compact": int(not opts["compact"])}),
        ladder=ladder.value if ladder else None,
        person_ref=lambda p: serialize.person_ref(G, p),
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
