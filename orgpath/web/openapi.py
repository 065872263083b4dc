"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of what the server answers.

The document is built per app from its settings (``max_depth``, ``max_k``,
``max_people_page``, ``max_query_length`` become ``maximum``/``maxLength``), from
the ladder and service parts below, and from the fragment each blueprint owns:
a blueprint with an ``openapi_parts(config)`` attribute (see
:func:`orgpath.web.org_api.openapi_parts`) adds its schemas and paths. The
helpers it builds them with are public here (:func:`param`, :func:`operation`,
:func:`json_ok`, :func:`problem` ...), and this module imports no blueprint.

The schemas are strict (``additionalProperties: false``); ``tests/test_openapi.py``
validates real answers against them and ``tests/test_schemathesis.py`` runs
Schemathesis against a live gunicorn, so the document and the code cannot
drift apart silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Blueprint, Response, current_app

from orgpath.model import LANGUAGES
from orgpath.queries import BY, MOVE_KINDS
from orgpath.render import FORMATS, MEDIA_TYPES, RANKDIRS, VIEWS
from orgpath.web.cache import cached_response, dumps

bp = Blueprint("openapi", __name__)

API_VERSION = "1.0.0"


def ref(name: str) -> dict:
    """A ``$ref`` to the component schema ``name``."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    """A strict object schema: every property required unless ``required`` says otherwise."""
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required,
            "additionalProperties": False, **extra}


def nullable(t: str | dict) -> dict:
    """A JSON type name or a schema, or null."""
    if isinstance(t, str):
        return {"type": [t, "null"]}
    return {"oneOf": [t, {"type": "null"}]}


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
IDS = {"type": "array", "items": STR}


def _role_ref_props() -> dict:
    return {"id": STR, "title": STR, "level": INT}


def schemas() -> dict[str, Any]:
    """The component schemas of the ladder API, problems and health."""
    return {**_problem_schema(), **_ladder_schemas(), **_role_schemas(), **_path_schemas(),
            **_health_schema()}


def _problem_schema() -> dict[str, Any]:
    return {
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "properties": {
                "type": {"type": "string", "format": "uri-reference",
                         "description": "urn:orgpath:problem:<slug>, or about:blank"},
                "title": STR, "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": STR, "instance": STR,
                "suggestions": {**IDS, "description": "Close ids, for not-found problems."},
                "suggestion_labels": {
                    "type": "array", "items": STR,
                    "description": "The suggestions as people read them, in the same order: a "
                                   "person's name and title, a role's title in the answer's "
                                   "language (the id where there is nothing better)."},
                "parameter": {**STR, "description": "The query parameter that is wrong."},
                "allowed": {**IDS, "description": "The values the parameter accepts."},
            },
            "required": ["type", "title", "status", "detail", "instance"],
            "additionalProperties": False,
        },
    }


def _ladder_schemas() -> dict[str, Any]:
    return {
        "LadderSummary": obj({"id": STR, "title": STR, "description": nullable("string"),
                               "roles": {**INT, "description": "How many roles."}}),
        "LadderDetail": obj({
            "id": STR, "title": STR, "description": nullable("string"), "roles": INT,
            "titles": {"type": "object", "additionalProperties": STR},
            "version": {**STR, "description": "Content hash of the ladder file."},
            "levels": {"type": "array", "items": obj({"level": INT, "roles": IDS})},
            "tracks": {"type": "array", "items": obj({"track": nullable("string"),
                                                       "title": nullable("string"),
                                                       "roles": IDS})},
            "moves": {"type": "array", "items": ref("Move")},
            "entry_roles": IDS, "top_roles": IDS,
        }),
        "Move": obj({"from": STR, "to": STR, "kind": {"enum": list(MOVE_KINDS)},
                      "years": nullable("number"), "requires": IDS,
                      "source": nullable("string")}),
    }


def _role_schemas() -> dict[str, Any]:
    detail = {
        "id": STR, "title": STR, "titles": {"type": "object", "additionalProperties": STR},
        "aliases": IDS, "level": INT, "track": nullable("string"),
        "track_title": nullable("string"), "summary": nullable("string"),
        "responsibilities": IDS, "skills": IDS,
        "expected": {"type": "object", "additionalProperties": nullable("integer"),
                     "description": "Skill id → expected proficiency level (null: the "
                                    "role lists the skill without a level)."},
        "salary": nullable(ref("Salary")),
        "codes": {"type": "object", "additionalProperties": STR},
        "source": nullable("string"), "reports_to": nullable(ref("RoleRef")),
        "dotted_lines": {"type": "array", "items": ref("RoleRef")},
        "direct_reports": {"type": "array", "items": ref("RoleRef")},
        "next": {"type": "array", "items": ref("Hop")},
        "previous": {"type": "array", "items": ref("Hop")},
    }
    return {
        "RoleRef": obj(_role_ref_props()),
        "RoleSummary": obj({"id": STR, "title": STR, "level": INT,
                             "track": nullable("string"), "aliases": IDS,
                             "reports_to": nullable("string")}),
        "Salary": obj({"currency": STR, "min": nullable("number"),
                        "max": nullable("number"), "period": STR,
                        "source": nullable("string")}),
        "Hop": obj({**_role_ref_props(), "kind": {"enum": list(MOVE_KINDS)},
                     "years": nullable("number"), "depth": {**INT, "minimum": 1},
                     "via": STR}),
        # salary is absent when a role has none or the audience may not see it
        "RoleDetail": obj(detail, required=[k for k in detail if k != "salary"]),
        "NextRoles": obj({"role": ref("RoleRef"),
                           "next": {"type": "array", "items": ref("Hop")}}),
        "PreviousRoles": obj({"role": ref("RoleRef"),
                               "previous": {"type": "array", "items": ref("Hop")}}),
        "Chain": obj({"role": ref("RoleRef"),
                       "chain": {"type": "array", "items": ref("RoleRef"),
                                 "description": "The role, then its managers up to the top."},
                       "direct_reports": {"type": "array", "items": ref("RoleRef")}}),
    }


def _path_schemas() -> dict[str, Any]:
    return {
        "Step": obj({"from": STR, "to": STR, "to_title": STR,
                      "kind": {"enum": list(MOVE_KINDS)}, "years": nullable("number"),
                      "cumulative_years": nullable("number"), "skills_gained": IDS,
                      "requires": IDS, "salary_change": nullable("number"),
                      "track_switch": {"type": "boolean",
                                       "description": "The step moves to another track."}}),
        "CareerPath": obj({"roles": {"type": "array", "items": ref("RoleRef")},
                            "steps": {"type": "array", "items": ref("Step")},
                            "total_years": nullable("number"), "skills_gained": IDS,
                            "salary_change": nullable("number"),
                            "currency": nullable("string")}),
        "Paths": obj({"from": STR, "to": STR, "by": {"enum": list(BY)},
                       "paths": {"type": "array", "items": ref("CareerPath"),
                                 "minItems": 1}}),
    }


def _health_schema() -> dict[str, Any]:
    return {
        "Health": obj({
            "status": {"enum": ["ok", "loading", "degraded"]},
            "loading": {**IDS, "description": "Files waiting for their first load."},
            "ladders": {"type": "array", "items": obj({"id": STR, "file": STR,
                                                         "roles": INT})},
            "orgs": {"type": "array", "items": obj({"id": STR, "file": STR, "people": INT})},
            "errors": {"type": "array", "items": obj({
                "file": STR, "serving": {"enum": ["last good version", "nothing"]},
                "diagnostics": {"type": "array", "items": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": STR, "line": nullable("integer"),
                                   "message": STR}}},
            })},
        }, required=["status", "ladders", "orgs", "errors"],
           description="Diagnostics' messages only for the admin group or loopback; others "
           "see only the ladders and orgs (and their files' errors) they may see."),
    }


# --- building blocks for every blueprint's fragment ----------------------------------------

#: A flag as the server reads it (``1``, ``0``, ``true``, ``no``, ... in any case, or empty).
FLAG = {"type": "string",
        "pattern": "^(|[01]|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]|[yY][eE][sS]|[nN][oO]"
                   "|[oO][nN]|[oO][fF][fF])$"}

ETAG_HEADERS = {
    "ETag": {"schema": STR, "description": "Strong validator; send it as If-None-Match."},
    "Cache-Control": {"schema": STR}}


def param(name: str, where: str, schema: dict, description: str,
          required: bool = False) -> dict:
    """A parameter object; path parameters are always required."""
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema, "description": description}


def text(config: Mapping[str, Any], *, min_length: int = 0) -> dict:
    """A query text as the server accepts it: at most ``max_query_length`` characters, no NUL."""
    out = {"type": "string", "maxLength": int(config["MAX_QUERY_LENGTH"]),
           "pattern": "^[^\\u0000]*$"}
    if min_length:
        out["minLength"] = min_length
    return out


def or_empty(schema: dict) -> dict:
    """``schema``, or the empty string: the server reads ``name=`` as "not given".

    >>> or_empty({"enum": ["a"]})
    {'enum': ['a', '']}
    >>> or_empty({"type": "integer", "default": 1})
    {'anyOf': [{'type': 'integer'}, {'const': ''}], 'default': 1}
    """
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], ""]}
    inner = {k: v for k, v in schema.items() if k != "default"}
    out: dict[str, Any] = {"anyOf": [inner, {"const": ""}]}
    if "default" in schema:
        out["default"] = schema["default"]
    return out


def choice(values: Iterable[str], default: str | None = None) -> dict:
    """A query parameter that is one of ``values`` (or empty: the default)."""
    out: dict[str, Any] = {"enum": [*values, ""]}
    if default is not None:
        out["default"] = default
    return out


def integer(minimum: int, maximum: int | None = None, default: int | None = None) -> dict:
    """An integer query parameter (or empty: the default), ``minimum`` to ``maximum``."""
    out: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        out["maximum"] = maximum
    if default is not None:
        out["default"] = default
    return or_empty(out)


def lang_param() -> dict:
    """``lang``: the language of titles and texts."""
    return param("lang", "query", {"enum": list(LANGUAGES)},
                 "Language of titles and texts (else Accept-Language, else en).")


def depth_param(config: Mapping[str, Any], description: str, *, minimum: int = 1,
                default: int | None = 1) -> dict:
    """``depth``, capped by the ``max_depth`` setting."""
    cap = int(config["MAX_DEPTH"])
    return param("depth", "query", integer(minimum, cap, default),
                 f"{description} (at most {cap}, the max_depth setting).")


def png_params(config: Mapping[str, Any]) -> list[dict]:
    """``dpi`` and ``scale``: a PNG's resolution, capped by the ``max_png_dpi`` setting."""
    top = int(config["MAX_PNG_DPI"])
    return [
        param("dpi", "query", integer(1, top),
              f"Resolution in dots per inch (default 96, at most {top}, the max_png_dpi "
              "setting; not with scale). A PNG over max_png_pixels answers 422."),
        param("scale", "query", or_empty({"type": "number", "minimum": 0.011,
                                          "maximum": top / 96}),
              "Resolution as a multiple of 96 dpi (2: twice as many pixels each way; not "
              "with dpi)."),
    ]


def problem(description: str) -> dict:
    """A response answered as ``application/problem+json`` (the ``Problem`` schema)."""
    return {"description": description,
            "content": {"application/problem+json": {"schema": ref("Problem")}}}


def json_ok(schema: dict, description: str = "OK") -> dict:
    """A 200 JSON answer with ETag and Cache-Control."""
    return {"description": description, "headers": ETAG_HEADERS,
            "content": {"application/json": {"schema": schema}}}


BUSY = "Over the time budget, or too busy (Retry-After says when to try again)."
UNAUTHORIZED = ("An Authorization: Bearer token was sent and is unknown, revoked or expired "
                "(WWW-Authenticate: Bearer). Without the header the request is anonymous.")
#: How a caller says who they are (docs/privacy.md); anonymous is allowed too (``{}``).
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token from `orgpath token create NAME --groups ...`; "
                              "it acts with its groups. Works in every auth mode."},
    "cookie": {"type": "apiKey", "in": "cookie", "name": "session",
               "description": "The session cookie set by signing in at /login "
                              "(auth=oidc)."},
}
HIDDEN_NOTE = (" Something hidden from you answers 404 too, as if it did not exist; sign "
               "in or send a token with the right groups.")


def operation(summary: str, op_id: str, params: list, ok: dict, *,
              errors: dict | None = None, tags: tuple[str, ...] = ("ladders",)) -> dict:
    """A GET path item: 200, 304, 400 (a parameter), 404, 503 (budget) and ``errors``.

    ``errors`` adds or replaces responses by status; a ``None`` value removes one.
    """
    responses = {"200": ok, "304": {"description": "Not modified (If-None-Match matched)."},
                 "400": problem("A parameter is not valid; `parameter` names it."),
                 "401": problem(UNAUTHORIZED),
                 "404": problem("Unknown ladder or role; `suggestions` lists ids."),
                 "503": problem(BUSY)}
    for status, response in (errors or {}).items():
        if response is None:
            responses.pop(status, None)
        else:
            responses[status] = response
    return {"get": {"summary": summary, "operationId": op_id, "tags": list(tags),
                    "parameters": params, "responses": responses}}


def chart_errors(not_found: str) -> dict:
    """The problems a chart can answer besides a bad parameter."""
    return {"404": problem(not_found),
            "422": problem("The chart is too large or cannot be drawn."),
            "503": problem("Graphviz is not available, or the server is too busy "
                           "(Retry-After)."),
            "504": problem("Graphviz took too long.")}


# --- the ladder API, ladder charts and the service ---------------------------------------


def _ladder_api_paths(config: Mapping[str, Any]) -> dict[str, Any]:
    arr = lambda name: {"type": "array", "items": ref(name)}  # noqa: E731
    ladder = param("ladder", "path", STR, "Ladder id, e.g. account-management.")
    role = param("role", "path", STR,
                 "Role id; if it is not an id, a title or alias (any language) is tried.")
    role_params = [ladder, role, lang_param()]
    walk = [*role_params, depth_param(config, "How many moves away"),
            param("kind", "query", choice(MOVE_KINDS), "Only this kind of move.")]
    paths_params = [
        ladder,
        param("from", "query", text(config, min_length=1), "Start role: id, title or alias.",
              True),
        param("to", "query", text(config, min_length=1), "Target role: id, title or alias.",
              True),
        param("by", "query", choice(BY, "steps"),
              "Rank by number of moves or total typical years."),
        param("k", "query", integer(1, int(config["MAX_K"]), 1),
              f"How many paths (at most {config['MAX_K']}, the max_k setting)."),
        lang_param()]
    return {
        "/api/v1/ladders": operation(
            "Every ladder", "listLadders", [lang_param()], json_ok(arr("LadderSummary")),
            errors={"404": None, "400": problem("lang is not valid.")}),
        "/api/v1/ladders/{ladder}": operation(
            "One ladder: levels, tracks, moves", "getLadder", [ladder, lang_param()],
            json_ok(ref("LadderDetail"))),
        "/api/v1/ladders/{ladder}/roles": operation(
            "The roles of a ladder, most senior first", "listRoles", [ladder, lang_param()],
            json_ok(arr("RoleSummary"))),
        "/api/v1/ladders/{ladder}/roles/{role}": operation(
            "Everything about one role", "getRole", role_params, json_ok(ref("RoleDetail"))),
        "/api/v1/ladders/{ladder}/roles/{role}/next": operation(
            "Roles one can move to", "nextRoles", walk, json_ok(ref("NextRoles"))),
        "/api/v1/ladders/{ladder}/roles/{role}/previous": operation(
            "Roles one moves here from", "previousRoles", walk, json_ok(ref("PreviousRoles"))),
        "/api/v1/ladders/{ladder}/roles/{role}/chain": operation(
            "The reporting chain up, and who reports in", "reportingChain", role_params,
            json_ok(ref("Chain"))),
        "/api/v1/ladders/{ladder}/paths": operation(
            "The k best career paths between two roles", "careerPaths", paths_params,
            json_ok(ref("Paths")),
            errors={"404": problem("Unknown ladder or role, or no path (type no-path).")}),
    }


def _ladder_chart_path(config: Mapping[str, Any]) -> dict[str, Any]:
    from orgpath.web.charts import MAX_ALT

    chart_media = {MEDIA_TYPES[f].split(";")[0]: {"schema": {"type": "string"}}
                   for f in FORMATS}
    chart_media["application/json"] = {"schema": {"type": "object"}}
    params = [
        param("ladder", "path", STR, "Ladder id, e.g. account-management."),
        param("view", "query", choice(VIEWS, "ladder"), "What to draw."),
        param("from", "query", text(config), "view=path: start role."),
        param("to", "query", text(config), "view=path: target role."),
        param("by", "query", choice(BY, "steps"), "view=path: how paths are ranked."),
        param("alt", "query", integer(0, MAX_ALT), "view=path: 0 is the best path, 1 the first "
              "alternative, ..."),
        param("only", "query", choice(["path"]), "view=path: draw only the path."),
        param("focus", "query", text(config), "view=focus: the role in the middle."),
        depth_param(config, "view=focus: how many moves around the role"),
        param("rankdir", "query", choice(RANKDIRS), "Direction of the layout."),
        param("salary", "query", FLAG, "Show salary bands in boxes (1 or 0)."),
        param("download", "query", FLAG, "1: answer with Content-Disposition: attachment."),
        lang_param()]
    others = [f for f in FORMATS if f != "png"]
    fmt = param("format", "path", {"enum": others}, "File format (PNG: see chart.png).")
    png_media = {MEDIA_TYPES["png"]: {"schema": {"type": "string"}}}
    errors = chart_errors("Unknown ladder or role; `suggestions` lists ids.")
    return {
        "/ladders/{ladder}/chart.{format}": operation(
            "A diagram of the ladder", "ladderChart", [params[0], fmt, *params[1:]],
            {"description": "The chart file.", "headers": ETAG_HEADERS,
             "content": {k: v for k, v in chart_media.items() if k not in png_media}},
            errors=errors, tags=("charts",)),
        "/ladders/{ladder}/chart.png": operation(
            "A diagram of the ladder as PNG, at a resolution", "ladderChartPng",
            [*params[:-1], *png_params(config), params[-1]],
            {"description": "The PNG.", "headers": ETAG_HEADERS, "content": png_media},
            errors=errors, tags=("charts",)),
    }


def _service_paths() -> dict[str, Any]:
    return {
        "/healthz": {"get": {
            "summary": "What is loaded and what failed (file:line errors)",
            "operationId": "health", "tags": ["service"],
            "responses": {"200": {"description": "status ok or degraded",
                                  "content": {"application/json":
                                              {"schema": ref("Health")}}},
                          "401": problem(UNAUTHORIZED)}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi", "tags": ["service"],
            "responses": {"200": {"description": "OpenAPI 3.1", "headers": ETAG_HEADERS,
                                  "content": {"application/json":
                                              {"schema": {"type": "object"}}}},
                          "304": {"description": "Not modified."}}}},
    }


def paths(config: Mapping[str, Any]) -> dict[str, Any]:
    """The paths of the ladder API, ladder charts and the service (not the blueprints')."""
    return {**_ladder_api_paths(config), **_ladder_chart_path(config), **_service_paths()}


#: ``openapi_parts(config) -> {"schemas": {...}, "paths": {...}}`` of a blueprint.
Fragment = Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]]


def document(config: Mapping[str, Any], fragments: tuple[Fragment, ...] = (),
             baseline: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document for an app's settings and its blueprints' fragments."""
    all_paths, all_schemas = paths(config), schemas()
    for fragment in fragments:
        part = fragment(config)
        all_schemas.update(part.get("schemas", {}))
        all_paths.update(part.get("paths", {}))
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "orgpath API",
            "version": API_VERSION,
            "summary": "Career ladders and org charts: roles, next roles, paths, charts.",
            "description": (
                "Read-only JSON over the ladders (and orgs) of a graphs folder. Every JSON "
                "answer and chart carries an ETag and Cache-Control; If-None-Match gives 304. "
                "Errors are RFC 9457 problem details (application/problem+json). Roles in "
                "query strings may be named by id, title or alias; answers always carry ids. "
                "Limits (maximum, maxLength) are this server's settings. What an answer holds "
                "depends on who asks (the access: rules of each ladder and org): send a "
                "bearer token or the session cookie; hidden orgs, ladders and people answer "
                "404 and hidden fields are absent."),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/"}],
        "tags": [{"name": "ladders"}, {"name": "charts"}, {"name": "orgs"},
                 {"name": "exports"}, {"name": "service"}],
        "paths": all_paths,
        "components": {"schemas": all_schemas, "securitySchemes": SECURITY_SCHEMES},
        "security": [{}, {"bearer": []}, {"cookie": []}],
    }
    if baseline:
        doc["paths"]["/api/v1/ping"] = {"get": {
            "summary": "Constant JSON (only when BENCH_BASELINE is set)",
            "operationId": "ping", "tags": ["service"],
            "responses": {"200": {"description": "pong", "content": {"application/json": {
                "schema": obj({"ok": {"type": "boolean"}, "service": STR})}}}}}}
    return doc


#: The settings the document is built from (its cache key).
DOCUMENT_SETTINGS = ("MAX_DEPTH", "MAX_K", "MAX_PEOPLE_PAGE", "MAX_QUERY_LENGTH",
                     "PEOPLE_PAGE_SIZE", "MAX_LIST_CSV_ROWS", "MAX_ORG_PEOPLE", "MAX_PNG_DPI",
                     "BENCH_BASELINE")


def app_fragments() -> tuple[Fragment, ...]:
    """The ``openapi_parts`` of the current app's blueprints, in registration order."""
    return tuple(bp.openapi_parts for bp in current_app.blueprints.values()
                 if callable(getattr(bp, "openapi_parts", None)))


@bp.get("/api/v1/openapi.json", endpoint="document")
def document_view() -> Response:
    config = current_app.config
    key = ("openapi", API_VERSION, *(config[k] for k in DOCUMENT_SETTINGS),
           tuple(current_app.blueprints))
    return cached_response(
        "orgpath.api_cache", key,
        lambda: dumps(document(config, app_fragments(), bool(config["BENCH_BASELINE"]))),
        "application/json")
