"""Org charts: ``/orgs/<org>/chart.<format>?root=&depth=&around=&compact=&pages=&download=``,
and ``/orgs/<org>/layout.json``, the whole laid-out org for the browser's explorer.

Drawn by :func:`orgpath.render.orgchart.org_chart` (``pages=1``: the paged PDF of
:mod:`orgpath.render.paged`), cached per worker by (file versions, normalized
arguments, language) with an ETag, like ladder charts (:mod:`orgpath.web.charts`).
:func:`openapi_parts` is this blueprint's part of the OpenAPI document.
"""

from __future__ import annotations

import gzip
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
from flask import Blueprint, Response, current_app, request, url_for

from orgpath import serialize
from orgpath.model import Person
from orgpath.photos import folder_stamp, org_folder, photo_ids
from orgpath.render import formats
from orgpath.render.layout import tidy_layout
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.render.orgchart import ChartError, chart_view, org_chart
from orgpath.store import Entry
from orgpath.web.budget import heavy
from orgpath.web.cache import cache_headers, cached_body, dumps
from orgpath.web.charting import (
    chart_body,
    chart_response,
    check_png_pixels,
    download_name,
    png_dpi,
)
from orgpath.web.common import bool_arg, check_lang, int_arg, raw_arg
from orgpath.web.errors import Problem, bad_param
from orgpath.web.i18n import api_lang
from orgpath.web.openapi import (
    ETAG_HEADERS,
    FLAG,
    HIDDEN_NOTE,
    INT,
    STR,
    chart_errors,
    depth_param,
    json_ok,
    lang_param,
    obj,
    operation,
    param,
    png_params,
    problem,
    text,
)
from orgpath.web.org_common import ladder_entry_of, ladder_graph_of, org_entry, person_id, versions

bp = Blueprint("org_charts", __name__)


def chart_options(G: nx.DiGraph) -> dict[str, Any]:
    """``root``, ``depth``, ``neighbourhood`` (``around=``) and ``compact`` from the query."""
    root = raw_arg("root") or None
    around = raw_arg("around") or None
    for value in (root, around):
        if value is not None:
            person_id(G, value)
    if root and around:
        raise bad_param("around", "use either root (a subtree) or around (a neighbourhood).")
    depth_raw = raw_arg("depth")
    depth = None if not depth_raw else int_arg("depth", 1, 0, current_app.config["MAX_DEPTH"])
    return {"root": root, "depth": depth, "neighbourhood": around,
            "compact": bool_arg("compact")}


def _draw(org_id: str, entry: Entry, ladder: Entry | None, fmt: str, opts: dict, pages: bool,
          lang: str, *, dpi: int | None = None) -> bytes:
    from orgpath.web.charts import runner

    def link(p: Person) -> str:
        return url_for("orgs.person_page", org=org_id, pid=p.id)

    LG = ladder_graph_of(ladder)
    run = runner().at_dpi(dpi)
    try:
        if pages:
            from orgpath.render.paged import paged_pdf

            return paged_pdf(entry.graph, root=opts["root"], lang=lang, ladder_graph=LG,
                             max_pages=int(current_app.config["MAX_ORG_PDF_PAGES"]),
                             runner=run)
        return org_chart(entry.graph, fmt, **opts, lang=lang, link=link, ladder_graph=LG,
                         max_nodes=int(current_app.config["MAX_ORG_CHART_PEOPLE"]),
                         runner=run)
    except ChartError as exc:
        raise Problem(422, "render-failed", "Chart cannot be drawn",
                      f"{exc}. Make it without the server: "
                      f"{cli_command(org_id, fmt, opts, pages, lang, dpi=dpi)}") from None


def _chart_key(org_id: str, entry: Entry, ladder: Entry | None, fmt: str, opts: dict,
               pages: bool, lang: str, dpi: int | None = None) -> tuple:
    return ("orgchart", *versions(entry, ladder), org_id, fmt, opts["root"], opts["depth"],
            opts["neighbourhood"], opts["compact"], pages, lang, dpi)


def file_name(org_id: str, fmt: str, opts: dict, pages: bool, lang: str,
              dpi: int | None = None) -> str:
    """The download's name: org, view, person, depth, language (``agency-org-a12-da.pdf``)."""
    depth = f"d{opts['depth']}" if opts["depth"] is not None and not pages else None
    return download_name(org_id, "org", "pages" if pages else None,
                         opts["neighbourhood"] or opts["root"], depth, lang,
                         f"{dpi}dpi" if dpi else None, fmt=fmt)


def cli_command(org_id: str, fmt: str, opts: dict, pages: bool, lang: str, *,
                dpi: int | None = None) -> str:
    """The ``orgpath export org`` command line that draws the same chart without the server."""
    words = ["orgpath", "export", "org", "--people", org_id]
    if pages:
        words += ["--pages", "per-manager"]
    if opts["root"]:
        words += ["--root", opts["root"]]
    if opts["depth"] is not None:
        words += ["--depth", str(opts["depth"])]
    if opts["neighbourhood"]:
        words += ["--neighbourhood", opts["neighbourhood"]]
    if opts["compact"]:
        words.append("--compact")
    if dpi:
        words += ["--dpi", str(dpi)]
    words += ["--lang", lang, "-o", file_name(org_id, fmt, opts, pages, lang, dpi)]
    return " ".join(shlex.quote(w) for w in words)


def org_chart_bytes(org_id: str, entry: Entry, fmt: str, opts: dict, lang: str) -> bytes:
    """An org chart (from the chart cache, or drawn now as heavy work and kept), for pages."""
    ladder = ladder_entry_of(entry)
    key = _chart_key(org_id, entry, ladder, fmt, opts, False, lang)
    return chart_body(key, lambda: _draw(org_id, entry, ladder, fmt, opts, False, lang),
                      cli=cli_command(org_id, fmt, opts, False, lang))


@bp.get("/orgs/<org>/chart.<fmt>")
def org_chart_file(org: str, fmt: str):
    if fmt not in ORG_FORMATS:
        raise bad_param("format", f"format must be one of {', '.join(ORG_FORMATS)}, "
                        f"not {fmt[:40]!r}.", allowed=list(ORG_FORMATS))
    lang = check_lang(api_lang())
    entry = org_entry(org)
    opts = chart_options(entry.graph)
    pages = bool_arg("pages")
    if pages and fmt != "pdf":
        raise bad_param("pages", "pages=1 (one page per manager) needs format pdf.")
    ladder = ladder_entry_of(entry)
    dpi, dpi_param = png_dpi(fmt)
    cli = cli_command(org, fmt, opts, pages, lang, dpi=dpi)
    if dpi is not None:
        _check_png(entry.graph, opts, dpi, dpi_param, cli)
    key = _chart_key(org, entry, ladder, fmt, opts, pages, lang, dpi)
    return chart_response(
        key, lambda: _draw(org, entry, ladder, fmt, opts, pages, lang, dpi=dpi),
        formats.get(fmt).media_type, fmt=fmt, private=True,
        filename=file_name(org, fmt, opts, pages, lang, dpi) if bool_arg("download") else None,
        cli=cli)


def _check_png(G: nx.DiGraph, opts: dict, dpi: int, param: str, cli: str) -> None:
    """A 422 naming ``param`` when the chart at ``dpi`` is over the pixel budget.

    Lays the chart out (as :func:`~orgpath.render.orgchart.org_chart` will) to learn its
    size; a chart over ``max_org_chart_people`` is left to ``org_chart``'s own 422.
    """
    try:
        view = chart_view(G, root=opts["root"], depth=opts["depth"],
                          neighbourhood=opts["neighbourhood"])
    except ChartError:
        return  # org_chart says what is wrong
    if len(view.tree) > int(current_app.config["MAX_ORG_CHART_PEOPLE"]):
        return
    layout = tidy_layout(view.tree, view.roots, compact=opts["compact"])
    check_png_pixels(layout.width + 2 * PNG_PAD, layout.height + 2 * PNG_PAD, dpi, param,
                     cli=cli)


#: The margin (points) Graphviz draws around an org chart (its ``pad``, 0.15 inch).
PNG_PAD = 10.8


def _layout_gzip(org_id: str, entry: Entry, ladder: Entry | None, folder: Path | None) -> bytes:
    G = entry.graph
    org = G.graph.get("org")
    data = serialize.org_layout(
        G, tidy_layout(G, compact=True), entry.version, ladder_graph=ladder_graph_of(ladder),
        photos=photo_ids((G._node[v]["person"] for v in G), folder, org),
        photo_url=url_for("orgs.person_photo", org=org_id, pid="__ID__"))
    return gzip.compress(dumps(data), compresslevel=6, mtime=0)


@bp.get("/orgs/<org>/layout.json")
def org_layout(org: str):
    """The whole org laid out once per file version (compact tidy tree), as gzipped columns.

    Sent with ``Content-Encoding: gzip`` to clients that accept it (every browser),
    unpacked for the rest; cached per worker and private, like every people answer.
    """
    entry = org_entry(org)
    ladder = ladder_entry_of(entry)
    folder = org_folder(entry.value)
    # photos added or removed change the photos/ folder's stamp, hence the key
    key = ("org-layout", *versions(entry, ladder), org, *folder_stamp(folder))
    body, etag = cached_body("orgpath.chart_cache", key,
                             lambda: heavy(key, lambda: _layout_gzip(org, entry, ladder, folder)))
    headers = cache_headers(private=True)
    headers.append(("ETag", etag))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers.append(("Content-Encoding", "gzip"))
    else:
        body = gzip.decompress(body)
    resp = Response(body, 200, headers, content_type="application/json")
    resp.vary.add("Accept-Encoding")
    if "HTTP_IF_NONE_MATCH" in request.environ:
        resp.make_conditional(request)
    return resp


# --- OpenAPI -----------------------------------------------------------------------------


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The chart paths: ``chart.pdf`` (with ``pages``) and ``chart.{format}`` for the rest.

    ``pages=1`` is only valid for PDF, which a schema cannot say about one templated
    path, so the PDF has a path of its own.
    """
    org = param("org", "path", {"type": "string"}, "Org id (the people file's name).")
    common = [
        param("root", "query", text(config), "Draw the subtree of this person."),
        depth_param(config, "Levels below the root (or the top)", minimum=0, default=None),
        param("around", "query", text(config),
              "Draw this person's neighbourhood (not with root)."),
        param("compact", "query", FLAG, "1: stack leaf reports in columns."),
        param("download", "query", FLAG, "1: answer with Content-Disposition: attachment."),
        lang_param()]
    errors = chart_errors("Unknown org or person; `suggestions` lists close ids." + HIDDEN_NOTE)

    def body(names: list[str]) -> dict:
        return {"description": "The chart file.", "headers": ETAG_HEADERS, "content": {
            formats.get(f).mimetype: {"schema": {"type": "object"} if f == "json"
                                     else {"type": "string"}} for f in names}}

    others = [f for f in ORG_FORMATS if f not in ("pdf", "png")]
    fmt = param("format", "path", {"enum": others},
                "File format (PDF: see chart.pdf; PNG: chart.png).")
    pages = param("pages", "query", FLAG, "1: one page per manager, with bookmarks.")
    ints = {"type": "array", "items": INT}
    layout = obj({
        "version": STR, "width": INT, "height": INT, "box": ints,
        "ids": {"type": "array", "items": STR}, "names": {"type": "array", "items": STR},
        "titles": {"type": "array", "items": STR}, "dept": ints,
        "departments": {"type": "array", "items": STR}, "x": ints, "y": ints, "parent": ints,
        "vacant": ints, "dotted": {"type": "array", "items": ints},
        "role": {"type": "array", "items": ints},
        "roles": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
        "photo": ints, "photo_url": STR,
        "words": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": STR}}})
    return {"paths": {
        "/orgs/{org}/layout.json": operation(
            "The whole org laid out for the explorer: columns in preorder (gzip)", "orgLayout",
            [org], json_ok(layout), tags=("charts",),
            errors={"404": problem("Unknown org; `suggestions` lists close ids.")}),
        "/orgs/{org}/chart.{format}": operation("An org chart", "orgChart", [org, fmt, *common],
                                                body(others), tags=("charts",), errors=errors),
        "/orgs/{org}/chart.png": operation("An org chart as PNG, at a resolution",
                                           "orgChartPng",
                                           [org, *common[:-1], *png_params(config), common[-1]],
                                           body(["png"]), tags=("charts",), errors=errors),
        "/orgs/{org}/chart.pdf": operation("An org chart as PDF, or a paged PDF", "orgChartPdf",
                                           [org, *common, pages], body(["pdf"]),
                                           tags=("charts",), errors=errors),
    }}


bp.openapi_parts = openapi_parts
