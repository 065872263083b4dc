"""HTML pages: the ladders, a ladder, a role, a career path, reporting lines, search.

Every page speaks English and Danish (see :mod:`orgpath.web.i18n`): interface
strings through Flask-Babel, role texts from the ladder file.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import networkx as nx
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from orgpath import frameworks, queries
from orgpath.graph import moves_graph
from orgpath.model import localize
from orgpath.render import FORMATS
from orgpath.web.charts import ChartArgs, career_paths, cli_command, inline_svg
from orgpath.web.common import (
    choice_arg,
    int_arg,
    ladder_entry,
    raw_arg,
    resolve_role,
    text_arg,
    visible_entries,
)
from orgpath.web.errors import bad_param
from orgpath.web.frameworks import have_arg, people_on
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.templating import count

bp = Blueprint("pages", __name__)
bp.after_request(remember_lang)

#: Most paths the path page shows: the best and this many minus one alternatives.
PATHS_SHOWN = 5


def _titles(G, lang: str) -> dict[str, str]:
    """Every role's title in ``lang``, by id: what templates print for a role."""
    return {rid: G.nodes[rid]["role"].name(lang) for rid in G}


def _exports(ladder_id: str, G, lang: str, path: tuple[str, ...] | None = None,
             **params) -> list[tuple]:
    """The page's downloads as ``(format, url)``; a format the server would refuse for its
    size is ``(format, None, why, the command that makes it without the server)``."""
    limit = int(current_app.config["MAX_CHART_ROLES"])
    if len(G) <= limit:  # every view draws at most the ladder's roles
        return [(fmt, url_for("charts.chart", ladder=ladder_id, fmt=fmt, lang=lang, download=1,
                              **params)) for fmt in FORMATS]
    args = ChartArgs(view=params.get("view", "ladder"), path=path, focus=params.get("focus"),
                     lang=lang)
    why = _("The ladder has %(num)s roles, more than the limit of %(limit)s "
            "(max_chart_roles).", num=count(len(G)), limit=count(limit))
    return [(fmt, None, why, cli_command(ladder_id, fmt, args, roles=len(G))) for fmt in FORMATS]


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
    people = people_on(ladder)
    return render_template(
        "ladder.html", ladder=lad, lid=ladder, titles=_titles(G, lang), tracks=tracks, grid=grid,
        people=people,
        level_headcount=frameworks.headcount_by_level(G, people) if people else None,
        svg=svg, svg_error=svg_error, exports=_exports(ladder, G, lang),
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
    reachable = nx.descendants(moves_graph(G), rid)
    # only roles one can get to: a planner offering unreachable targets only disappoints
    targets = [(i, t) for i, t in _role_options(G, lang) if i in reachable]
    up = frameworks.default_target(G, rid)
    gap_to = resolve_role(G, text_arg("to"), "to") if text_arg("to") else None
    have = have_arg(G)
    gap = frameworks.skill_gap(G, rid, gap_to, have) if gap_to and gap_to != rid else None
    assessed = {**frameworks.expected_levels(G, rid), **have}
    return render_template(
        "role.html", lid=ladder, ladder=entry.value, titles=_titles(G, lang), G=G, rid=rid,
        role=r, summary=localize(r.summary, lang),
        responsibilities=localize(r.responsibilities, lang, ()),
        next_hops=queries.next_roles(G, rid), previous_hops=queries.previous_roles(G, rid),
        chain=queries.reporting_chain(G, rid), dotted=queries.dotted_lines(G, rid),
        reports=queries.direct_reports(G, rid), svg=svg, svg_error=svg_error,
        targets=targets, default_target=up, compare_next=up,
        exports=_exports(ladder, G, lang, view="focus", focus=rid),
        expected=frameworks.expected_levels(G, rid),
        assess_skills=_assess_skills(G, rid, reachable), assessed=assessed,
        level_choices=frameworks.level_choices(G),
        gap_to=gap_to or up, gap=gap, people=people_on(ladder).get(rid),
        jsonld=occupation_jsonld(G, rid, lang),
    )


def _assess_skills(G, rid: str, reachable: set[str]) -> list[str]:
    """The skills of a role and of every role reachable from it, in the ladder's order."""
    wanted = {s for r in (rid, *reachable) for s in G.nodes[r]["role"].skills}
    return [s for s in frameworks.all_skills(G) if s in wanted]


def occupation_jsonld(G, rid: str, lang: str) -> dict:
    """schema.org ``Occupation`` of a role: name, description, skills, codes, salary."""
    lad = G.graph["ladder"]
    r = G.nodes[rid]["role"]
    data: dict = {"@context": "https://schema.org", "@type": "Occupation",
                  "name": r.name(lang), "inLanguage": lang}
    if r.summary:
        data["description"] = localize(r.summary, lang)
    if r.skills:
        data["skills"] = ", ".join(lad.skill_name(s, lang) for s in r.skills)
    if r.responsibilities:
        data["responsibilities"] = list(localize(r.responsibilities, lang, ()))
    codes = [c for c in (r.codes.get("isco08"), r.codes.get("disco08")) if c]
    if codes:
        data["occupationalCategory"] = codes
    if r.codes.get("esco"):
        data["sameAs"] = r.codes["esco"]
    s = r.salary
    if s is not None:
        bounds = {k: v for k, v in (("minValue", s.min), ("maxValue", s.max)) if v is not None}
        salary = {"@type": "MonetaryAmount", "currency": s.currency, **bounds,
                  "value": {"@type": "QuantitativeValue", **bounds,
                            "unitText": s.period.upper()}}
        if s.source:
            salary["description"] = lad.source_name(s.source, lang)
        data["estimatedSalary"] = salary
    return data


@bp.get("/ladders/<ladder>/path")
def path(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    by = choice_arg("by", queries.BY, "steps")
    raw_from, raw_to = text_arg("from"), text_arg("to")
    a = resolve_role(G, raw_from, "from") if raw_from else frameworks.default_source(
        G, _came_from(ladder))
    b = resolve_role(G, raw_to, "to") if raw_to else frameworks.default_target(G, a)
    found, why = [], None
    same = a is not None and a == b
    if a and b and not same:
        try:
            found = career_paths(entry, a, b, by, PATHS_SHOWN)
        except queries.NoPath:
            why = frameworks.explain_no_path(G, a, b)
    results = []
    for i, p in enumerate(found):
        params = {"view": "path", "from": a, "to": b, "by": by, "alt": i}
        # every alternative drawn inline, so each can be zoomed and clicked like the best
        svg, svg_error = inline_svg(ladder, entry,
                                    ChartArgs(view="path", path=tuple(p.roles), lang=lang))
        results.append({
            "path": p, "svg": svg, "svg_error": svg_error,
            "switches": frameworks.track_switches(G, p),
            "route": " → ".join(G.nodes[r]["role"].name(lang) for r in p.roles),
            "exports": _exports(ladder, G, lang, path=tuple(p.roles), **params),
        })
    return render_template(
        "path.html", lid=ladder, ladder=entry.value, titles=_titles(G, lang), G=G, a=a, b=b,
        by=by, results=results, none_found=why is not None, why=why, same=same,
        options=_role_options(G, lang),
    )


def _came_from(ladder: str) -> str | None:
    """The role whose page sent the user here (from the Referer), if it was one of ours."""
    ref = request.referrer
    if not ref:
        return None
    path = urlsplit(ref).path
    prefix = url_for("pages.ladder", ladder=ladder) + "/roles/"
    if not path.startswith(prefix):
        return None
    return path[len(prefix):] or None


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
        exports=_exports(ladder, G, lang, view="reporting"),
    )


@bp.get("/search")
def search():
    lang = page_lang()
    q = (text_arg("q") or "").strip()
    hits, exact = [], []
    cfg = current_app.config
    page = int_arg("page", 1, 1, int(cfg["MAX_ORG_PEOPLE"]))
    per_page = int_arg("per_page", int(cfg["PEOPLE_PAGE_SIZE"]), 1, int(cfg["MAX_PEOPLE_PAGE"]))
    people: dict = {"hits": [], "total": 0, "page": page, "pages": 1, "per_page": per_page}
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
        if len(exact) == 1 and raw_arg("page") is None:
            lid, rid = exact[0]
            return redirect(url_for("pages.role", ladder=lid, role=rid))
        people = _people_hits(q, page, per_page)
    return render_template("search.html", q=q, hits=hits, people=people,
                           page_url=lambda n: url_for("pages.search", q=q, page=n,
                                                      per_page=raw_arg("per_page") or None))


def _people_hits(q: str, page: int, per_page: int) -> dict:
    """One page of the people matching ``q`` in every org the audience may see, each with
    their department and manager (so namesakes can be told apart), and how many matched."""
    from orgpath import orglist, serialize

    matches = []
    for oentry in visible_entries("org"):
        found = orglist.list_people(oentry.graph, orglist.ListQuery(q=q)).matching
        matches += [(oentry, pid) for pid in found]
    total = len(matches)
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise bad_param("page", f"page must be between 1 and {pages} ({total} people match, "
                        f"{per_page} a page), not {page}.")
    start = (page - 1) * per_page
    shown = [{"org": e.id, "org_title": e.value.title,
              **serialize.person_row(e.graph, pid)}
             for e, pid in matches[start:start + per_page]]
    return {"hits": shown, "total": total, "page": page, "pages": pages,
            "per_page": per_page, "first": start + 1 if shown else 0,
            "last": start + len(shown)}


@bp.get("/ladders")
def ladders():
    return redirect(url_for("pages.index"))
