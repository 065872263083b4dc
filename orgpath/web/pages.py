"""HTML pages: the ladders, a ladder, a role, a career path, reporting lines, search.

Every page speaks English and Danish (see :mod:`orgpath.web.i18n`): interface
strings through Flask-Babel, role texts from the ladder file.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from orgpath import queries
from orgpath.model import localize
from orgpath.render import FORMATS
from orgpath.web.charts import ChartArgs, career_paths, inline_svg
from orgpath.web.common import (
    choice_arg,
    ladder_entry,
    resolve_role,
    text_arg,
    visible_entries,
)
from orgpath.web.i18n import page_lang, remember_lang

bp = Blueprint("pages", __name__)
bp.after_request(remember_lang)

#: Most paths the path page shows: the best and this many minus one alternatives.
PATHS_SHOWN = 5


def _titles(G, lang: str) -> dict[str, str]:
    """Every role's title in ``lang``, by id: what templates print for a role."""
    return {rid: G.nodes[rid]["role"].name(lang) for rid in G}


def _exports(ladder_id: str, lang: str, **params) -> list[tuple[str, str]]:
    return [(fmt, url_for("charts.chart", ladder=ladder_id, fmt=fmt, lang=lang, download=1,
                          **params)) for fmt in FORMATS]


def _role_options(G, lang: str) -> list[tuple[str, str]]:
    ordered = [r for level in queries.roles_by_level(G).values() for r in level]
    return [(r, G.nodes[r]["role"].name(lang)) for r in ordered]


@bp.get("/")
def index():
    lang = page_lang()
    ladders = []
    for lad in (e.value for e in visible_entries("ladder")):
        ladders.append({
            "id": lad.id, "title": lad.name(lang),
            "description": localize(lad.description, lang),
            "roles": len(lad.roles),
            "thumbnail": url_for("charts.chart", ladder=lad.id, fmt="svg", lang=lang),
        })
    return render_template("index.html", ladders=ladders, orgs=_org_list())


def _org_list() -> list[dict]:
    orgs = [e.value for e in visible_entries("org")]
    return [{"id": o.id, "title": o.title, "people": len(o.people), "ladder": o.ladder}
            for o in orgs]


@bp.get("/ladders/<ladder>")
def ladder(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G, lad = entry.graph, entry.value
    levels = queries.roles_by_level(G)
    tracks = list(queries.roles_by_track(G))
    grid = [(level, [[r for r in ids if G.nodes[r]["track"] == t] for t in tracks])
            for level, ids in levels.items()]
    svg, svg_error = inline_svg(ladder, entry, ChartArgs(lang=lang))
    return render_template(
        "ladder.html", ladder=lad, lid=ladder, titles=_titles(G, lang), tracks=tracks, grid=grid,
        svg=svg, svg_error=svg_error, exports=_exports(ladder, lang),
        options=_role_options(G, lang), entry_roles=queries.entry_roles(G),
    )


def _canonical_role(G, ladder: str, role: str, endpoint: str):
    rid = resolve_role(G, role)
    if rid != role:
        args = {k: v for k, v in request.args.items()}
        return rid, redirect(url_for(endpoint, ladder=ladder, role=rid, **args))
    return rid, None


@bp.get("/ladders/<ladder>/roles/<role>")
def role(ladder: str, role: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    rid, moved = _canonical_role(G, ladder, role, "pages.role")
    if moved:
        return moved
    r = G.nodes[rid]["role"]
    svg, svg_error = inline_svg(ladder, entry, ChartArgs(view="focus", focus=rid, lang=lang))
    targets = [(i, t) for i, t in _role_options(G, lang) if i != rid]
    tops = queries.top_roles(G)
    return render_template(
        "role.html", lid=ladder, ladder=entry.value, titles=_titles(G, lang), rid=rid, role=r,
        summary=localize(r.summary, lang),
        responsibilities=localize(r.responsibilities, lang, ()),
        next_hops=queries.next_roles(G, rid), previous_hops=queries.previous_roles(G, rid),
        chain=queries.reporting_chain(G, rid), dotted=queries.dotted_lines(G, rid),
        reports=queries.direct_reports(G, rid), svg=svg, svg_error=svg_error,
        targets=targets, default_target=next((t for t in tops if t != rid), None),
        exports=_exports(ladder, lang, view="focus", focus=rid),
    )


@bp.get("/ladders/<ladder>/path")
def path(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    by = choice_arg("by", queries.BY, "steps")
    raw_from, raw_to = text_arg("from"), text_arg("to")
    a = resolve_role(G, raw_from, "from") if raw_from else None
    b = resolve_role(G, raw_to, "to") if raw_to else None
    found, none_found = [], False
    if a and b:
        try:
            found = career_paths(entry, a, b, by, PATHS_SHOWN)
        except queries.NoPath:
            none_found = True
    results = []
    for i, p in enumerate(found):
        params = {"view": "path", "from": a, "to": b, "by": by, "alt": i}
        if i == 0:
            svg, svg_error = inline_svg(ladder, entry,
                                        ChartArgs(view="path", path=tuple(p.roles), lang=lang))
        else:
            svg, svg_error = None, None
        results.append({
            "path": p, "svg": svg, "svg_error": svg_error,
            "img": url_for("charts.chart", ladder=ladder, fmt="svg", lang=lang, **params),
            "exports": _exports(ladder, lang, **params),
        })
    return render_template(
        "path.html", lid=ladder, ladder=entry.value, titles=_titles(G, lang), a=a, b=b, by=by,
        results=results,
        none_found=none_found, options=_role_options(G, lang),
    )


@bp.get("/ladders/<ladder>/reporting")
def reporting(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    svg, svg_error = inline_svg(ladder, entry, ChartArgs(view="reporting", lang=lang))
    tops = [r for r in G if queries.manager(G, r) is None]
    tops.sort(key=lambda r: (-G.nodes[r]["level"], r))
    return render_template(
        "reporting.html", lid=ladder, ladder=entry.value, titles=_titles(G, lang), svg=svg,
        svg_error=svg_error,
        tops=tops, direct_reports=lambda r: queries.direct_reports(G, r),
        exports=_exports(ladder, lang, view="reporting"),
    )


@bp.get("/search")
def search():
    lang = page_lang()
    q = (text_arg("q") or "").strip()
    hits, exact = [], []
    if q:
        for lentry in visible_entries("ladder"):
            lid, G = lentry.id, lentry.graph
            for rid in queries.search_roles(G, q):
                hits.append({"ladder": lid, "role": rid, "title": G.nodes[rid]["role"].name(lang),
                             "ladder_title": G.graph["ladder"].name(lang),
                             "level": G.nodes[rid]["level"]})
            try:
                exact.append((lid, queries.find_role(G, q)))
            except queries.RoleNotFound:
                pass
        if len(exact) == 1:
            lid, rid = exact[0]
            return redirect(url_for("pages.role", ladder=lid, role=rid))
    return render_template("search.html", q=q, hits=hits)


@bp.get("/ladders")
def ladders():
    return redirect(url_for("pages.index"))
