"""Orgs on the web: pages, the JSON API and org charts.

Pages: ``/orgs/<org>`` (zoomable chart, search by name or title) and
``/orgs/<org>/people/<id>`` (chain of command, reports, head count, ladder role
with next roles and who holds them). API under ``/api/v1/orgs``; charts at
``/orgs/<org>/chart.<format>?root=&depth=&around=&compact=&pages=``. Same
caching (ETag from the file versions) and error rules as the ladder half.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from flask import Blueprint, current_app, render_template, url_for

from orgpath import org as orgq
from orgpath import serialize
from orgpath.model import Person
from orgpath.render import RenderError
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.render.orgchart import ChartError, org_chart
from orgpath.store import Entry
from orgpath.web.cache import cached_response, etag_for, json_response
from orgpath.web.common import bool_arg, check_lang, int_arg, raw_arg, store, text_arg
from orgpath.web.errors import Problem, bad_param
from orgpath.web.i18n import api_lang, page_lang, remember_lang

bp = Blueprint("orgs", __name__)
bp.after_request(remember_lang)
api_bp = Blueprint("orgs_api", __name__, url_prefix="/api/v1/orgs")
charts_bp = Blueprint("org_charts", __name__)

MEDIA = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
         "dot": "text/vnd.graphviz; charset=utf-8", "json": "application/json"}
#: Most people the org page draws at once; bigger orgs start at the top, PAGE_DEPTH deep.
PAGE_MAX_PEOPLE = 300
PAGE_DEPTH = 2


def _org_entry(org_id: str) -> Entry:
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if len(org_id) > limit or "\x00" in org_id:
        raise Problem(404, "org-not-found", "Org not found", "There is no org with that id.",
                      suggestions=[])
    from orgpath.web.history import as_of_entry  # ?as_of=YYYY-MM-DD: the file from git

    return as_of_entry("org", org_id) or store().entry("org", org_id)


def _ladder_entry(entry: Entry) -> Entry | None:
    """The ladder an org's roles come from, if it is loaded."""
    lid = entry.value.ladder
    if not lid:
        return None
    try:
        return store().entry("ladder", lid)
    except LookupError:
        return None


def _person_id(G: nx.DiGraph, pid: str) -> str:
    if len(pid) > current_app.config["MAX_QUERY_LENGTH"] or "\x00" in pid:
        raise orgq.PersonNotFound(pid[:80], [])
    orgq.person(G, pid)  # raises PersonNotFound with close ids
    return pid


def _versions(entry: Entry, ladder: Entry | None) -> tuple[str, str]:
    return entry.version, ladder.version if ladder is not None else ""


# --- JSON shapes -------------------------------------------------------------------------


def person_ref(G: nx.DiGraph, pid: str) -> dict[str, Any]:
    p: Person = G._node[pid]["person"]
    return {"id": pid, "name": p.name, "title": p.title}


def person_detail(G: nx.DiGraph, pid: str, LG, lang: str) -> dict[str, Any]:
    p: Person = orgq.person(G, pid)
    boss = orgq.manager_of(G, pid)
    role = None
    if p.role and LG is not None and p.role in LG:
        role = serialize.role_ref(LG, p.role, lang)
    return {
        **person_ref(G, pid),
        "role": role,
        "department": p.department, "email": p.email, "photo_url": p.photo_url,
        "assistant": p.assistant, "vacant": p.vacant,
        "level": orgq.levels(G).get(pid, 0),
        "headcount": orgq.headcount(G, pid),
        "manager": person_ref(G, boss) if boss is not None else None,
        "dotted_managers": [person_ref(G, m) for m in p.dotted_managers if m in G],
        "direct_reports": [person_ref(G, r) for r in orgq.direct_reports(G, pid)],
    }


def next_roles(G: nx.DiGraph, pid: str, LG, lang: str) -> list[dict[str, Any]]:
    if LG is None:
        return []
    out = []
    for n in orgq.next_roles_with_holders(G, pid, LG):
        years = LG.edges[orgq.person(G, pid).role, n.role, n.kind].get("years")
        out.append({**serialize.role_ref(LG, n.role, lang), "kind": n.kind, "years": years,
                    "holders": [person_ref(G, h) for h in n.holders]})
    return out


def org_summary(entry: Entry) -> dict[str, Any]:
    org = entry.value
    return {"id": org.id, "title": org.title, "ladder": org.ladder, "people": len(org.people)}


# --- API ---------------------------------------------------------------------------------


def _lang() -> str:
    return check_lang(api_lang())


@api_bp.get("")
def list_orgs():
    lang = _lang()
    s = store()
    entries = [s.entry("org", i) for i in s.org_ids()]
    return json_response(("orgs", tuple(e.version for e in entries), lang),
                         lambda: [org_summary(e) for e in entries])


@api_bp.get("/<org>")
def get_org(org: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph

    def produce():
        return {**org_summary(entry), "version": entry.version,
                "roots": [person_ref(G, r) for r in orgq.roots(G)],
                "depth": orgq.org_depth(G), "managers": len(orgq.span_of_control(G))}

    return json_response(("org", entry.version, org, lang), produce)


@api_bp.get("/<org>/people")
def people(org: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph
    q = (text_arg("q") or "").strip()
    limit = int_arg("limit", 50, 1, 1000)

    def produce():
        ids = orgq.find_people(G, q, limit) if q else list(G)[:limit]
        return {"q": q or None, "total": len(orgq.find_people(G, q)) if q else len(G),
                "people": [person_ref(G, p) for p in ids]}

    return json_response(("people", entry.version, org, q, limit, lang), produce)


@api_bp.get("/<org>/people/<pid>")
def person(org: str, pid: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph
    pid = _person_id(G, pid)
    ladder = _ladder_entry(entry)
    LG = ladder.graph if ladder else None
    return json_response(("person", *_versions(entry, ladder), org, pid, lang),
                         lambda: person_detail(G, pid, LG, lang))


@api_bp.get("/<org>/people/<pid>/chain")
def person_chain(org: str, pid: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph
    pid = _person_id(G, pid)
    return json_response(
        ("pchain", entry.version, org, pid, lang),
        lambda: {"person": person_ref(G, pid),
                 "chain": [person_ref(G, x) for x in orgq.chain_of_command(G, pid)]})


@api_bp.get("/<org>/people/<pid>/reports")
def person_reports(org: str, pid: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph
    pid = _person_id(G, pid)
    depth = int_arg("depth", 1, 1, current_app.config["MAX_DEPTH"])

    def produce():
        lv = orgq.levels(G)
        base = lv.get(pid, 0)
        return {"person": person_ref(G, pid), "depth": depth,
                "headcount": orgq.headcount(G, pid),
                "reports": [{**person_ref(G, r), "depth": lv.get(r, 0) - base,
                             "manager": orgq.manager_of(G, r)}
                            for r in orgq.all_reports(G, pid, depth)]}

    return json_response(("preports", entry.version, org, pid, depth, lang), produce)


@api_bp.get("/<org>/people/<pid>/next-roles")
def person_next_roles(org: str, pid: str):
    lang = _lang()
    entry = _org_entry(org)
    G = entry.graph
    pid = _person_id(G, pid)
    ladder = _ladder_entry(entry)
    LG = ladder.graph if ladder else None

    def produce():
        p = orgq.person(G, pid)
        role = (serialize.role_ref(LG, p.role, lang)
                if LG is not None and p.role and p.role in LG else None)
        return {"person": person_ref(G, pid), "ladder": ladder.id if ladder else None,
                "role": role, "next": next_roles(G, pid, LG, lang)}

    return json_response(("pnext", *_versions(entry, ladder), org, pid, lang), produce)


# --- charts ------------------------------------------------------------------------------


def _chart_options(G: nx.DiGraph) -> dict[str, Any]:
    root = raw_arg("root") or None
    around = raw_arg("around") or None
    for value in (root, around):
        if value is not None:
            _person_id(G, value)
    if root and around:
        raise bad_param("around", "use either root (a subtree) or around (a neighbourhood).")
    depth_raw = raw_arg("depth")
    depth = None if not depth_raw else int_arg("depth", 1, 0, 100)
    return {"root": root, "depth": depth, "neighbourhood": around,
            "compact": bool_arg("compact")}


def _draw(org_id: str, entry: Entry, ladder: Entry | None, fmt: str, opts: dict, pages: bool,
          lang: str) -> bytes:
    from orgpath.web.charts import runner

    G = entry.graph

    def link(p: Person) -> str:
        return url_for("orgs.person_page", org=org_id, pid=p.id)

    limit = int(current_app.config["MAX_ORG_CHART_PEOPLE"])
    try:
        if pages:
            from orgpath.render.paged import paged_pdf

            return paged_pdf(G, root=opts["root"], lang=lang,
                             ladder_graph=ladder.graph if ladder else None, runner=runner())
        return org_chart(G, fmt, **opts, lang=lang, link=link,
                         ladder_graph=ladder.graph if ladder else None, max_nodes=limit,
                         runner=runner())
    except ChartError as exc:
        raise Problem(422, "render-failed", "Chart cannot be drawn", str(exc)) from None


def org_chart_bytes(org_id: str, entry: Entry, fmt: str, opts: dict, lang: str,
                    pages: bool = False) -> bytes:
    ladder = _ladder_entry(entry)
    key = _chart_key(org_id, entry, ladder, fmt, opts, pages, lang)
    cache = current_app.extensions["orgpath.chart_cache"]
    hit = cache.get(key)
    if hit is not None:
        return hit[0]
    body = _draw(org_id, entry, ladder, fmt, opts, pages, lang)
    cache.put(key, body, etag_for(key))
    return body


def _chart_key(org_id, entry, ladder, fmt, opts, pages, lang) -> tuple:
    return ("orgchart", *_versions(entry, ladder), org_id, fmt, opts["root"], opts["depth"],
            opts["neighbourhood"], opts["compact"], pages, lang)


@charts_bp.get("/orgs/<org>/chart.<fmt>")
def org_chart_file(org: str, fmt: str):
    if fmt not in ORG_FORMATS:
        raise bad_param("format", f"format must be one of {', '.join(ORG_FORMATS)}, "
                        f"not {fmt[:40]!r}.", allowed=list(ORG_FORMATS))
    lang = check_lang(api_lang())
    entry = _org_entry(org)
    opts = _chart_options(entry.graph)
    pages = bool_arg("pages")
    if pages and fmt != "pdf":
        raise bad_param("pages", "pages=1 (one page per manager) needs format pdf.")
    ladder = _ladder_entry(entry)
    headers = {"X-Content-Type-Options": "nosniff"}
    if fmt == "svg":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if bool_arg("download"):
        headers["Content-Disposition"] = f'attachment; filename="{org}-org.{fmt}"'
    key = _chart_key(org, entry, ladder, fmt, opts, pages, lang)
    return cached_response("orgpath.chart_cache", key,
                           lambda: _draw(org, entry, ladder, fmt, opts, pages, lang),
                           MEDIA[fmt], headers)


# --- pages -------------------------------------------------------------------------------


def _inline(org_id: str, entry: Entry, opts: dict, lang: str):
    from markupsafe import Markup

    try:
        body = org_chart_bytes(org_id, entry, "svg", opts, lang).decode("utf-8")
    except (Problem, RenderError) as exc:
        return None, getattr(exc, "detail", str(exc))
    start = body.find("<svg")
    # Our Graphviz output: every people-file text in it was escaped before DOT.
    return Markup(body[start:] if start >= 0 else ""), None


@bp.get("/orgs/<org>")
def org_page(org: str):
    lang = page_lang()
    entry = _org_entry(org)
    G = entry.graph
    q = (text_arg("q") or "").strip()
    hits = orgq.find_people(G, q, 100) if q else []
    opts = _chart_options(G)
    if raw_arg("compact") is None:
        opts["compact"] = True  # a page is narrow: stack leaf-only teams unless asked not to
    if opts["root"] is None and opts["neighbourhood"] is None and opts["depth"] is None \
            and len(G) > PAGE_MAX_PEOPLE:
        opts["depth"] = PAGE_DEPTH
    svg, svg_error = _inline(org, entry, opts, lang)
    shown = {k: v for k, v in (("root", opts["root"]), ("depth", opts["depth"]),
                               ("compact", int(opts["compact"]))) if v is not None}
    exports = [(f, url_for("org_charts.org_chart_file", org=org, fmt=f, download=1, lang=lang,
                           **shown))
               for f in ORG_FORMATS]
    exports.append(("pdf-pages", url_for("org_charts.org_chart_file", org=org, fmt="pdf",
                                         pages=1, download=1, lang=lang)))
    ladder = _ladder_entry(entry)
    return render_template(
        "org.html", org=entry.value, oid=org, G=G, people_q=q, hits=hits, svg=svg,
        svg_error=svg_error, exports=exports, roots=orgq.roots(G), depth=orgq.org_depth(G),
        limited=opts["depth"] is not None and opts["root"] is None, compact=opts["compact"],
        other_layout=url_for("orgs.org_page", org=org, lang=lang,
                             **{**shown, "compact": int(not opts["compact"])}),
        ladder=ladder.value if ladder else None, person_ref=lambda p: person_ref(G, p),
    )


@bp.get("/orgs/<org>/people/<pid>")
def person_page(org: str, pid: str):
    lang = page_lang()
    entry = _org_entry(org)
    G = entry.graph
    pid = _person_id(G, pid)
    ladder = _ladder_entry(entry)
    LG = ladder.graph if ladder else None
    detail = person_detail(G, pid, LG, lang)
    p = orgq.person(G, pid)
    svg, svg_error = _inline(org, entry, {"root": None, "depth": None, "neighbourhood": pid,
                                          "compact": False}, lang)
    role_next = next_roles(G, pid, LG, lang)
    return render_template(
        "person.html", org=entry.value, oid=org, G=G, pid=pid, p=p, detail=detail,
        chain=list(reversed(orgq.chain_of_command(G, pid))), svg=svg, svg_error=svg_error,
        ladder=ladder.value if ladder else None, lid=ladder.id if ladder else None,
        role_next=role_next,
    )


# --- OpenAPI -----------------------------------------------------------------------------


def openapi_parts() -> dict[str, Any]:
    """Schemas and paths of the org API, merged into the OpenAPI document."""
    from orgpath.web.openapi import (
        INT,
        LANG,
        STR,
        _get,
        _json_ok,
        _nullable,
        _obj,
        _param,
        _problem,
        _ref,
    )

    ref = {"id": STR, "name": STR, "title": _nullable("string")}
    ORG = _param("org", "path", STR, "Org id (the people file's name).")
    PID = _param("pid", "path", STR, "Person id, as in the people file.")
    schemas = {
        "PersonRef": _obj(ref),
        "OrgSummary": _obj({"id": STR, "title": STR, "ladder": _nullable("string"),
                            "people": INT}),
        "OrgDetail": _obj({"id": STR, "title": STR, "ladder": _nullable("string"),
                           "people": INT, "version": STR,
                           "roots": {"type": "array", "items": _ref("PersonRef")},
                           "depth": INT, "managers": INT}),
        "PeopleList": _obj({"q": _nullable("string"), "total": INT,
                            "people": {"type": "array", "items": _ref("PersonRef")}}),
        "PersonDetail": _obj({
            **ref, "role": _nullable(_ref("RoleRef")), "department": _nullable("string"),
            "email": _nullable("string"), "photo_url": _nullable("string"),
            "assistant": {"type": "boolean"}, "vacant": {"type": "boolean"},
            "level": INT, "headcount": INT, "manager": _nullable(_ref("PersonRef")),
            "dotted_managers": {"type": "array", "items": _ref("PersonRef")},
            "direct_reports": {"type": "array", "items": _ref("PersonRef")}}),
        "PersonChain": _obj({"person": _ref("PersonRef"),
                             "chain": {"type": "array", "items": _ref("PersonRef")}}),
        "PersonReports": _obj({
            "person": _ref("PersonRef"), "depth": INT, "headcount": INT,
            "reports": {"type": "array", "items": _obj(
                {**ref, "depth": INT, "manager": _nullable("string")})}}),
        "PersonNextRoles": _obj({
            "person": _ref("PersonRef"), "ladder": _nullable("string"),
            "role": _nullable(_ref("RoleRef")),
            "next": {"type": "array", "items": _obj({
                "id": STR, "title": STR, "level": INT, "kind": {"enum": ["promotion",
                                                                         "lateral"]},
                "years": _nullable("number"),
                "holders": {"type": "array", "items": _ref("PersonRef")}})}}),
    }
    tags = ("orgs",)
    nf = {"404": _problem("Unknown org or person; `suggestions` lists close ids.")}
    paths = {
        "/api/v1/orgs": _get("Every org", "listOrgs", [LANG],
                             _json_ok({"type": "array", "items": _ref("OrgSummary")}),
                             tags=tags, errors={"400": _problem("lang is not valid.")}),
        "/api/v1/orgs/{org}": _get("One org", "getOrg", [ORG, LANG],
                                   _json_ok(_ref("OrgDetail")), tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people": _get(
            "Find people by name or title (all people, in file order, without q)",
            "findPeople",
            [ORG, _param("q", "query", STR, "Text in the name or title (any case/accents)."),
             _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000,
                                       "default": 50}, "Most people answered."), LANG],
            _json_ok(_ref("PeopleList")), tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people/{pid}": _get(
            "One person", "getPerson", [ORG, PID, LANG], _json_ok(_ref("PersonDetail")),
            tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people/{pid}/chain": _get(
            "Chain of command, the person first", "personChain", [ORG, PID, LANG],
            _json_ok(_ref("PersonChain")), tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people/{pid}/reports": _get(
            "Reports down to depth levels", "personReports",
            [ORG, PID, _param("depth", "query", {"type": "integer", "minimum": 1,
                                                 "default": 1}, "Levels down."), LANG],
            _json_ok(_ref("PersonReports")), tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people/{pid}/next-roles": _get(
            "The person's next ladder roles and who holds them", "personNextRoles",
            [ORG, PID, LANG], _json_ok(_ref("PersonNextRoles")), tags=tags, errors=nf),
        "/orgs/{org}/chart.{format}": _get(
            "An org chart", "orgChart",
            [ORG, _param("format", "path", {"enum": list(ORG_FORMATS)}, "File format."),
             _param("root", "query", STR, "Draw the subtree of this person."),
             _param("depth", "query", {"type": "integer", "minimum": 0, "maximum": 100},
                    "Levels below the root (or the top)."),
             _param("around", "query", STR, "Draw this person's neighbourhood."),
             _param("compact", "query", {"enum": ["0", "1"]}, "Stack leaf reports."),
             _param("pages", "query", {"enum": ["0", "1"]},
                    "pdf only: one page per manager, with bookmarks."),
             _param("download", "query", {"enum": ["0", "1"]}, "Content-Disposition."), LANG],
            {"description": "The chart file.", "content": {
                m.split(";")[0]: {"schema": {"type": "object"} if f == "json"
                                  else {"type": "string"}} for f, m in MEDIA.items()}},
            tags=("charts",),
            errors={**nf, "422": _problem("Too many people or cannot be drawn."),
                    "503": _problem("Graphviz is not available."),
                    "504": _problem("Graphviz took too long.")}),
    }
    return {"schemas": schemas, "paths": paths}
