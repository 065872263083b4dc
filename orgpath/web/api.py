"""The JSON API under ``/api/v1``: ladders, roles, next/previous roles, chains and paths.

Shapes come from :mod:`orgpath.serialize`, the same as the CLI's ``--json``.
Answers are cached per worker by (endpoint, the file's content version,
normalized arguments, language) and carry an ETag; see :mod:`orgpath.web.cache`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, request

from orgpath import frameworks, queries, serialize
from orgpath.web.cache import json_response
from orgpath.web.charts import career_paths
from orgpath.web.common import (
    check_lang,
    choice_arg,
    int_arg,
    ladder_entry,
    resolve_role,
    text_arg,
    visible_entries,
)
from orgpath.web.errors import Problem
from orgpath.web.i18n import api_lang

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _lang() -> str:
    return check_lang(api_lang())


@bp.get("/ladders")
def ladders():
    lang = _lang()
    entries = visible_entries("ladder")
    key = ("ladders", tuple(e.version for e in entries), lang)
    return json_response(key, lambda: [serialize.ladder_summary(e.value, lang) for e in entries])


def ladder_detail(entry, lang: str) -> dict[str, Any]:
    G, lad = entry.graph, entry.value
    return {
        **serialize.ladder_summary(lad, lang),
        "titles": dict(lad.title),
        "version": entry.version,
        "levels": [{"level": lv, "roles": ids}
                   for lv, ids in queries.roles_by_level(G).items()],
        "tracks": [{"track": tr, "title": serialize.track_title(G, tr, lang), "roles": ids}
                   for tr, ids in queries.roles_by_track(G).items()],
        "moves": [{"from": m.source_role, "to": m.target_role, "kind": m.kind,
                   "years": m.years, "requires": list(m.requires), "source": m.source}
                  for m in lad.moves],
        "entry_roles": queries.entry_roles(G),
        "top_roles": queries.top_roles(G),
    }


@bp.get("/ladders/<ladder>")
def ladder(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    return json_response(("ladder", entry.version, ladder, lang),
                         lambda: ladder_detail(entry, lang))


@bp.get("/ladders/<ladder>/roles")
def roles(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph

    def produce():
        ordered = [r for level in queries.roles_by_level(G).values() for r in level]
        return [serialize.role_summary(G, r, lang) for r in ordered]

    return json_response(("roles", entry.version, ladder, lang), produce)


@bp.get("/ladders/<ladder>/roles/<role>")
def role(ladder: str, role: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    rid = resolve_role(G, role)
    return json_response(("role", entry.version, ladder, rid, lang),
                         lambda: serialize.role_detail(G, rid, lang))


def _walk(ladder: str, role: str, forward: bool):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    rid = resolve_role(G, role)
    if request.query_string:
        depth = int_arg("depth", 1, 1, current_app.config["MAX_DEPTH"])
        kind = choice_arg("kind", queries.MOVE_KINDS, None)
    else:  # the common case: no parameters to parse
        depth, kind = 1, None
    name = "next" if forward else "previous"
    walk = queries.next_roles if forward else queries.previous_roles

    def produce():
        return {"role": serialize.role_ref(G, rid, lang),
                name: [serialize.hop(G, h, lang) for h in walk(G, rid, kind=kind, depth=depth)]}

    return json_response((name, entry.version, ladder, rid, depth, kind, lang), produce)


@bp.get("/ladders/<ladder>/roles/<role>/next")
def next_roles(ladder: str, role: str):
    return _walk(ladder, role, True)


@bp.get("/ladders/<ladder>/roles/<role>/previous")
def previous_roles(ladder: str, role: str):
    return _walk(ladder, role, False)


@bp.get("/ladders/<ladder>/roles/<role>/chain")
def chain(ladder: str, role: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    rid = resolve_role(G, role)

    def produce():
        return {"role": serialize.role_ref(G, rid, lang),
                "chain": [serialize.role_ref(G, r, lang) for r in queries.reporting_chain(G, rid)],
                "direct_reports": [serialize.role_ref(G, r, lang)
                                   for r in queries.direct_reports(G, rid)]}

    return json_response(("chain", entry.version, ladder, rid, lang), produce)


@bp.get("/ladders/<ladder>/paths")
def paths(ladder: str):
    lang = _lang()
    entry = ladder_entry(ladder)
    G = entry.graph
    a = resolve_role(G, text_arg("from", required=True), "from")
    b = resolve_role(G, text_arg("to", required=True), "to")
    by = choice_arg("by", queries.BY, "steps")
    k = int_arg("k", 1, 1, current_app.config["MAX_K"])

    def produce():
        try:
            found = career_paths(entry, a, b, by, k)  # heavy work: a slot and the budget
        except queries.NoPath:
            raise no_path_problem(G, a, b, lang) from None
        return {"from": a, "to": b, "by": by,
                "paths": [serialize.career_path(G, p, lang) for p in found]}

    return json_response(("paths", entry.version, ladder, a, b, by, k, lang), produce)


def no_path_problem(G, a: str, b: str, lang: str) -> Problem:
    """A 404 ``no-path`` problem that says why, with the nearest reachable roles as suggestions."""
    why = frameworks.explain_no_path(G, a, b)
    detail = (f"There is no career path from {a!r} to {b!r}: "
              + "; ".join(frameworks.reasons_text(G, why, lang)) + ".")
    if why.reverse:
        detail += f" The other way round there is one ({' → '.join(why.reverse)})."
    return Problem(404, "no-path", "No career path", detail, suggestions=why.nearest)


def register_baseline(app: Flask) -> None:
    """``GET /api/v1/ping``: a bare constant-JSON route, the HTTP benchmark's baseline."""

    @app.get("/api/v1/ping")
    def ping():
        return {"ok": True, "service": "orgpath"}
