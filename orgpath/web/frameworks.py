"""Career frameworks on the web: the competency matrix, comparing roles, "what am I missing".

Two blueprints: ``frameworks_api`` answers JSON (``/api/v1/ladders/<l>/matrix``,
``/compare``, ``/gap``) and the matrix files (``/ladders/<l>/matrix.<csv|xlsx|svg|pdf>``),
with its OpenAPI fragment; ``frameworks`` serves the pages (``/ladders/<l>/matrix``,
``/ladders/<l>/compare``). Shapes come from :mod:`orgpath.serialize`, the same as
``orgpath matrix/compare/gap --json``.

A self-assessment travels in the URL as repeated ``have=skill:level`` values (or one
comma-separated list), never stored.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

import networkx as nx
from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup

from orgpath import frameworks, queries, serialize
from orgpath.model import Ladder
from orgpath.render import formats
from orgpath.render.matrix import MATRIX_FORMATS, render_matrix
from orgpath.web.cache import json_response
from orgpath.web.charting import chart_response
from orgpath.web.charts import runner
from orgpath.web.common import (
    bool_arg,
    check_lang,
    ladder_entry,
    resolve_role,
    text_arg,
    visible_entries,
)
from orgpath.web.errors import Problem, bad_param
from orgpath.web.i18n import api_lang, page_lang, remember_lang
from orgpath.web.openapi import (
    FLAG,
    INT,
    STR,
    json_ok,
    lang_param,
    nullable,
    obj,
    operation,
    param,
    problem,
    ref,
    text,
)

api = Blueprint("frameworks_api", __name__)
bp = Blueprint("frameworks", __name__)
bp.after_request(remember_lang)


# --- checked arguments -------------------------------------------------------------------------


def have_arg(G: nx.MultiDiGraph) -> dict[str, int]:
    """The self-assessment in ``have``: ``skill:level`` values, repeated or comma-separated."""
    out: dict[str, int] = {}
    limit = current_app.config["MAX_QUERY_LENGTH"]
    for raw in request.args.getlist("have"):
        for item in raw.split(","):
            item = item.strip()
            if not item:
                continue
            skill, sep, level = item.partition(":")
            if not sep or not level.strip().isdigit() or len(item) > limit:
                raise bad_param("have", f"have must be skill:level values such as coding:2, "
                                f"not {item[:40]!r}.")
            out[skill.strip()] = int(level)
    try:
        return frameworks.check_levels(G, out)
    except ValueError as exc:
        raise bad_param("have", f"{exc}.") from None


def matrix_of(G: nx.MultiDiGraph) -> frameworks.Matrix:
    """The matrix for the ``track`` and ``category`` parameters; 404 when one is unknown."""
    track, category = text_arg("track"), text_arg("category")
    tracks = [t for t in frameworks.tracks_in_order(G) if t is not None]
    categories = [c for c in frameworks.categories_in_order(G) if c is not None]
    # an unknown track or category is a thing not found (like an unknown role), not a bad
    # parameter: any text is a well-formed id
    for what, value, known in (("track", track, tracks), ("category", category, categories)):
        if value is not None and value not in known:
            raise Problem(404, f"{what}-not-found", f"{what.capitalize()} not found",
                          f"The ladder has no {what} {value[:80]!r} "
                          f"({'; '.join(known) or 'none'}).",
                          suggestions=queries.nearest(known, value) or known)
    return frameworks.competency_matrix(G, track=track, category=category)


def _lang() -> str:
    return check_lang(api_lang())


# --- the API and the matrix files ---------------------------------------------------------------


@api.get("/api/v1/ladders/<ladder>/matrix")
def matrix_api(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    m = matrix_of(entry.graph)
    return json_response(("matrix", entry.version, ladder, m.track, m.category, lang),
                         lambda: serialize.matrix(entry.graph, m, lang))


@api.get("/api/v1/ladders/<ladder>/compare")
def compare_api(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    a = resolve_role(G, text_arg("a", required=True), "a")
    b = resolve_role(G, text_arg("b", required=True), "b")
    return json_response(("compare", entry.version, ladder, a, b, lang),
                         lambda: serialize.comparison(G, frameworks.compare_roles(G, a, b), lang))


@api.get("/api/v1/ladders/<ladder>/gap")
def gap_api(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    a = resolve_role(G, text_arg("from", required=True), "from")
    b = resolve_role(G, text_arg("to", required=True), "to")
    have = have_arg(G)
    key = ("gap", entry.version, ladder, a, b, tuple(sorted(have.items())), lang)
    return json_response(key, lambda: serialize.gap(G, frameworks.skill_gap(G, a, b, have), lang))


@api.get("/ladders/<ladder>/matrix.<fmt>")
def matrix_file(ladder: str, fmt: str):
    if fmt not in MATRIX_FORMATS:
        raise bad_param("format", f"format must be one of {', '.join(MATRIX_FORMATS)}, "
                        f"not {fmt[:40]!r}.", allowed=list(MATRIX_FORMATS))
    lang = _lang()
    entry = ladder_entry(ladder)
    m = matrix_of(entry.graph)
    spreadsheet = not formats.get(fmt).drawn  # CSV and XLSX are always files to save
    name = None
    if spreadsheet or bool_arg("download"):
        parts = [ladder, "matrix", m.track, m.category, lang]
        name = "-".join(p for p in parts if p) + f".{fmt}"
    key = ("matrix-file", entry.version, ladder, fmt, m.track, m.category, lang)
    words = ["orgpath", "matrix", "--ladder", ladder, "--lang", lang]
    for option, value in (("--track", m.track), ("--category", m.category)):
        words += [option, value] if value else []
    words += ["-o", name or f"{ladder}-matrix.{fmt}"]
    cli = " ".join(shlex.quote(w) for w in words)  # the same file without the server
    return chart_response(key, lambda: render_matrix(entry.graph, m, fmt, lang, runner=runner()),
                          MATRIX_FORMATS[fmt], fmt=fmt, filename=name, cli=cli)


# --- pages ---------------------------------------------------------------------------------------


def people_on(ladder: str) -> dict[str, frameworks.Holders]:
    """Who holds each role of ``ladder`` in the orgs that use it (empty when none does).

    Only the orgs, and the people in them, this request's audience may see (the web's one
    enforcement point, :func:`orgpath.web.common.visible_entries`).
    """
    return frameworks.people_on_ladder([e.value for e in visible_entries("org")], ladder)


def role_options(G: nx.MultiDiGraph, lang: str) -> list[tuple[str, str]]:
    """Every role as (id, title), by track then level, for the forms' selects."""
    order = {t: i for i, t in enumerate(frameworks.tracks_in_order(G))}
    ids = sorted(G, key=lambda r: (order[G.nodes[r]["track"]], G.nodes[r]["level"], r))
    return [(r, G.nodes[r]["role"].name(lang)) for r in ids]


def matrix_downloads(ladder: str, m: frameworks.Matrix, lang: str) -> list[tuple[str, str]]:
    return [(fmt, url_for("frameworks_api.matrix_file", ladder=ladder, fmt=fmt, lang=lang,
                          track=m.track, category=m.category, download=1))
            for fmt in MATRIX_FORMATS]


@bp.get("/ladders/<ladder>/matrix")
def matrix_page(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    m = matrix_of(G)
    return render_template(
        "matrix.html", lid=ladder, ladder=entry.value, G=G, titles=titles_of(G, lang), m=m,
        tracks=[t for t in frameworks.tracks_in_order(G) if t is not None],
        categories=[c for c in frameworks.categories_in_order(G) if c is not None],
        groups=_groups(G, m), downloads=matrix_downloads(ladder, m, lang),
        people=people_on(ladder))


def _groups(G: nx.MultiDiGraph, m: frameworks.Matrix) -> list[tuple[str | None, list[str]]]:
    lad = G.graph["ladder"]

    def cat(s: str) -> str | None:
        return lad.skills[s].category if s in lad.skills else None

    out = [(c, [s for s in m.skills if cat(s) == c]) for c in frameworks.categories_in_order(G)]
    return [(c, ids) for c, ids in out if ids]


@bp.get("/ladders/<ladder>/compare")
def compare_page(ladder: str):
    lang = page_lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    raw_a, raw_b = text_arg("a"), text_arg("b")
    a = resolve_role(G, raw_a, "a") if raw_a else frameworks.default_source(G)
    b = resolve_role(G, raw_b, "b") if raw_b else frameworks.default_target(G, a)
    c = frameworks.compare_roles(G, a, b) if a and b and a != b else None
    return render_template(
        "compare.html", lid=ladder, ladder=entry.value, G=G, titles=titles_of(G, lang), a=a,
        b=b, c=c,
        same=a is not None and a == b, options=role_options(G, lang),
        gap=frameworks.skill_gap(G, a, b) if c is not None else None)


def titles_of(G: nx.MultiDiGraph, lang: str) -> dict[str, str]:
    """Every role's title in ``lang``, by id (what the templates' ``role_link`` prints)."""
    return {rid: G.nodes[rid]["role"].name(lang) for rid in G}


@bp.app_context_processor
def _framework_helpers() -> dict[str, Any]:
    from flask_babel import gettext as _

    from orgpath.web.templating import bidi

    def reason_text(code: str, why: frameworks.NoPathReason, titles: dict[str, str],
                    ladder: Ladder) -> Markup:
        """One reason there is no path, in the page's language (role names isolated)."""
        lang = page_lang()
        names = {"role": bidi(titles[why.b]), "a": bidi(titles[why.a]), "b": bidi(titles[why.b]),
                 "tracks": bidi(", ".join(ladder.track_name(t, lang) for t in why.other_tracks))}
        if code == frameworks.OTHER_TRACK and why.other_tracks:
            text = _("%(role)s is reached only from another track: %(tracks)s.")
        else:
            text = {
                frameworks.SAME_ROLE: _("It is the same role."),
                frameworks.BELOW: _("%(role)s is below where you start: moves go up or "
                                    "sideways."),
                frameworks.ENTRY_ROLE: _("%(role)s is an entry role: people join the ladder "
                                         "there, no move leads to it."),
                frameworks.OTHER_TRACK: _("%(role)s is reached only from another track."),
                frameworks.SAME_LEVEL: _("%(role)s is at the same level, and no move sideways "
                                         "leads there."),
                frameworks.UNREACHABLE: _("No series of moves leads from %(a)s to %(b)s."),
            }[code]
        # the catalogue's text escaped, the (already isolated and escaped) names put in
        return Markup.escape(text) % names

    return {"reason_text": reason_text}


# --- the OpenAPI fragment ------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    levels = {"type": "object", "additionalProperties": nullable("integer")}
    role_ref = ref("RoleRef")
    return {
        "Skill": obj({"id": STR, "title": STR, "description": nullable("string"),
                      "category": nullable("string"), "category_title": nullable("string"),
                      "codes": {"type": "object", "additionalProperties": STR}}),
        "ScaleLevel": obj({"level": INT, "title": STR, "description": nullable("string")}),
        "Matrix": obj({
            "ladder": STR, "track": nullable("string"), "category": nullable("string"),
            "scale": {"type": "array", "items": ref("ScaleLevel")},
            "skills": {"type": "array", "items": ref("Skill")},
            "roles": {"type": "array", "items": obj({
                "id": STR, "title": STR, "level": INT, "track": nullable("string"),
                "track_title": nullable("string"),
                "levels": {**levels, "description": "Skill id → expected level (null: listed "
                                                    "without a level); absent: not listed."}})}}),
        "SkillChange": obj({"id": STR, "title": STR, "before": nullable("integer"),
                            "after": nullable("integer")}),
        "RoleCard": obj({"id": STR, "title": STR, "level": INT, "track": nullable("string"),
                         "track_title": nullable("string"),
                         "salary": nullable(ref("Salary"))}),
        "NoPath": obj({
            "from": STR, "to": STR,
            "reasons": {"type": "array", "items": {"enum": list(frameworks.REASONS)},
                        "minItems": 1},
            "other_tracks": {"type": "array", "items": obj({"track": STR, "title": STR})},
            "nearest": {"type": "array", "items": role_ref,
                        "description": "Roles reachable from `from`, closest to `to` first."},
            "reverse": nullable({"type": "array", "items": role_ref})}),
        "Comparison": obj({
            "a": ref("RoleCard"), "b": ref("RoleCard"), "level_change": INT,
            "track_change": {"type": "boolean"}, "salary_change": nullable("number"),
            "currency": nullable("string"),
            "skills": obj({k: {"type": "array", "items": ref("SkillChange")}
                           for k in ("gained", "lost", "raised", "lowered", "kept")}),
            "responsibilities": obj({"added": {"type": "array", "items": STR},
                                     "dropped": {"type": "array", "items": STR}}),
            "path": nullable(ref("CareerPath")), "no_path": nullable(ref("NoPath"))}),
        "Gap": obj({
            "current": role_ref, "target": role_ref, "have": levels,
            "missing": {"type": "array", "items": obj({
                "id": STR, "title": STR, "required": nullable("integer"),
                "have": nullable("integer"), "gap": nullable("integer"),
                "status": {"enum": ["missing", "short"]},
                "steps_needing": {**INT, "minimum": 0},
                "built_by": {"type": "array", "items": role_ref}})},
            "path": nullable(ref("CareerPath")), "no_path": nullable(ref("NoPath"))}),
    }


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Schemas and paths of the framework API, for :func:`orgpath.web.openapi.document`."""
    ladder = param("ladder", "path", STR, "Ladder id, e.g. account-management.")
    role = text(config, min_length=1)
    filters = [param("track", "query", text(config), "Only the roles of this track (an id)."),
               param("category", "query", text(config),
                     "Only the skills of this category (an id).")]
    have = param("have", "query", {"type": "array", "items": text(config)},
                 "Your own skill levels as skill:level (repeat, or separate with commas; "
                 "0: not at all). Unnamed skills count at `from`'s expected level.")
    have["explode"] = True
    files = {MATRIX_FORMATS[f].split(";")[0]: {"schema": {"type": "string"}}
             for f in MATRIX_FORMATS}
    nf = {"404": problem("Unknown ladder or role; `suggestions` lists ids.")}
    return {"schemas": _schemas(), "paths": {
        "/api/v1/ladders/{ladder}/matrix": operation(
            "The competency matrix: roles × skills with expected levels", "competencyMatrix",
            [ladder, *filters, lang_param()], json_ok(ref("Matrix")), errors=nf),
        "/api/v1/ladders/{ladder}/compare": operation(
            "Two roles side by side", "compareRoles",
            [ladder, param("a", "query", role, "First role: id, title or alias.", True),
             param("b", "query", role, "Second role: id, title or alias.", True),
             lang_param()], json_ok(ref("Comparison")), errors=nf),
        "/api/v1/ladders/{ladder}/gap": operation(
            "What am I missing: skills the target expects beyond mine", "skillGap",
            [ladder, param("from", "query", role, "Current role: id, title or alias.", True),
             param("to", "query", role, "Target role: id, title or alias.", True),
             have, lang_param()], json_ok(ref("Gap")), errors=nf),
        "/ladders/{ladder}/matrix.{format}": operation(
            "The competency matrix as CSV, XLSX, SVG or PDF", "matrixFile",
            [ladder, param("format", "path", {"enum": list(MATRIX_FORMATS)}, "File format."),
             *filters, param("download", "query", FLAG,
                             "1: answer with Content-Disposition: attachment."),
             lang_param()],
            {"description": "The file.", "content": files},
            errors={**nf, "503": problem("Graphviz is not available, or the server is too "
                                         "busy (Retry-After)."),
                    "504": problem("Graphviz took too long.")},
            tags=("charts",)),
    }}


api.openapi_parts = openapi_parts
