"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of what the server answers.

The schemas are strict (``additionalProperties: false``) and
``tests/test_openapi.py`` validates real answers of every endpoint against
them, so this document and the code cannot drift apart silently.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, current_app

from orgpath.model import LANGUAGES
from orgpath.queries import BY, MOVE_KINDS
from orgpath.render import FORMATS, MEDIA_TYPES, RANKDIRS, VIEWS
from orgpath.web.cache import cached_response, dumps

bp = Blueprint("openapi", __name__)

API_VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required,
            "additionalProperties": False, **extra}


def _nullable(t: str | dict) -> dict:
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
                "parameter": {**STR, "description": "The query parameter that is wrong."},
                "allowed": {**IDS, "description": "The values the parameter accepts."},
            },
            "required": ["type", "title", "status", "detail", "instance"],
            "additionalProperties": False,
        },
        "LadderSummary": _obj({"id": STR, "title": STR, "description": _nullable("string"),
                               "roles": {**INT, "description": "How many roles."}}),
        "LadderDetail": _obj({
            "id": STR, "title": STR, "description": _nullable("string"), "roles": INT,
            "titles": {"type": "object", "additionalProperties": STR},
            "version": {**STR, "description": "Content hash of the ladder file."},
            "levels": {"type": "array", "items": _obj({"level": INT, "roles": IDS})},
            "tracks": {"type": "array", "items": _obj({"track": _nullable("string"),
                                                       "title": _nullable("string"),
                                                       "roles": IDS})},
            "moves": {"type": "array", "items": _ref("Move")},
            "entry_roles": IDS, "top_roles": IDS,
        }),
        "Move": _obj({"from": STR, "to": STR, "kind": {"enum": list(MOVE_KINDS)},
                      "years": _nullable("number"), "requires": IDS,
                      "source": _nullable("string")}),
        "RoleRef": _obj(_role_ref_props()),
        "RoleSummary": _obj({"id": STR, "title": STR, "level": INT,
                             "track": _nullable("string"), "aliases": IDS,
                             "reports_to": _nullable("string")}),
        "Salary": _obj({"currency": STR, "min": _nullable("number"),
                        "max": _nullable("number"), "period": STR,
                        "source": _nullable("string")}),
        "Hop": _obj({**_role_ref_props(), "kind": {"enum": list(MOVE_KINDS)},
                     "years": _nullable("number"), "depth": {**INT, "minimum": 1},
                     "via": STR}),
        "RoleDetail": _obj({
            "id": STR, "title": STR, "titles": {"type": "object", "additionalProperties": STR},
            "aliases": IDS, "level": INT, "track": _nullable("string"),
            "track_title": _nullable("string"), "summary": _nullable("string"),
            "responsibilities": IDS, "skills": IDS,
            "salary": _nullable(_ref("Salary")),
            "codes": {"type": "object", "additionalProperties": STR},
            "source": _nullable("string"), "reports_to": _nullable(_ref("RoleRef")),
            "dotted_lines": {"type": "array", "items": _ref("RoleRef")},
            "direct_reports": {"type": "array", "items": _ref("RoleRef")},
            "next": {"type": "array", "items": _ref("Hop")},
            "previous": {"type": "array", "items": _ref("Hop")},
        }),
        "NextRoles": _obj({"role": _ref("RoleRef"),
                           "next": {"type": "array", "items": _ref("Hop")}}),
        "PreviousRoles": _obj({"role": _ref("RoleRef"),
                               "previous": {"type": "array", "items": _ref("Hop")}}),
        "Chain": _obj({"role": _ref("RoleRef"),
                       "chain": {"type": "array", "items": _ref("RoleRef"),
                                 "description": "The role, then its managers up to the top."},
                       "direct_reports": {"type": "array", "items": _ref("RoleRef")}}),
        "Step": _obj({"from": STR, "to": STR, "to_title": STR,
                      "kind": {"enum": list(MOVE_KINDS)}, "years": _nullable("number"),
                      "cumulative_years": _nullable("number"), "skills_gained": IDS,
                      "requires": IDS, "salary_change": _nullable("number")}),
        "CareerPath": _obj({"roles": {"type": "array", "items": _ref("RoleRef")},
                            "steps": {"type": "array", "items": _ref("Step")},
                            "total_years": _nullable("number"), "skills_gained": IDS,
                            "salary_change": _nullable("number"),
                            "currency": _nullable("string")}),
        "Paths": _obj({"from": STR, "to": STR, "by": {"enum": list(BY)},
                       "paths": {"type": "array", "items": _ref("CareerPath"),
                                 "minItems": 1}}),
        "Health": _obj({
            "status": {"enum": ["ok", "degraded"]},
            "ladders": {"type": "array", "items": _obj({"id": STR, "file": STR,
                                                         "roles": INT})},
            "orgs": {"type": "array", "items": _obj({"id": STR, "file": STR, "people": INT})},
            "errors": {"type": "array", "items": _obj({
                "file": STR, "serving": {"enum": ["last good version", "nothing"]},
                "diagnostics": {"type": "array", "items": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": STR, "line": _nullable("integer"),
                                   "message": STR}}},
            })},
        }),
        **_extra_schemas(),
    }


def _extra_schemas() -> dict[str, Any]:
    """Component schemas of the org API (orgs.py)."""
    from orgpath.web.history import openapi_parts as history_parts
    from orgpath.web.orgs import openapi_parts

    return openapi_parts()["schemas"] | history_parts()["schemas"]


def _param(name: str, where: str, schema: dict, description: str,
           required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema, "description": description}


LANG = _param("lang", "query", {"enum": list(LANGUAGES)},
              "Language of titles and texts (else Accept-Language, else en).")
LADDER = _param("ladder", "path", STR, "Ladder id, e.g. account-management.")
ROLE = _param("role", "path", STR,
              "Role id; if it is not an id, a title or alias (any language) is tried.")
DEPTH = _param("depth", "query", {"type": "integer", "minimum": 1, "default": 1},
               "How many moves away (at most MAX_DEPTH, default 10).")
KIND = _param("kind", "query", {"enum": list(MOVE_KINDS)}, "Only this kind of move.")

_ETAG = {"ETag": {"schema": STR, "description": "Strong validator; send it as If-None-Match."},
         "Cache-Control": {"schema": STR}}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json_ok(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "headers": _ETAG,
            "content": {"application/json": {"schema": schema}}}


def _get(summary: str, op_id: str, params: list, ok: dict, *, errors: dict | None = None,
         tags: tuple[str, ...] = ("ladders",)) -> dict:
    responses = {"200": ok, "304": {"description": "Not modified (If-None-Match matched)."}}
    responses.update(errors or {})
    responses.setdefault("400", _problem("A parameter is not valid; `parameter` names it."))
    responses.setdefault("404", _problem("Unknown ladder or role; `suggestions` lists ids."))
    return {"get": {"summary": summary, "operationId": op_id, "tags": list(tags),
                    "parameters": params, "responses": responses}}


def paths() -> dict[str, Any]:
    arr = lambda name: {"type": "array", "items": _ref(name)}  # noqa: E731
    chart_media = {MEDIA_TYPES[f].split(";")[0]: {"schema": {"type": "string"}}
                   for f in FORMATS}
    chart_media["application/json"] = {"schema": {"type": "object"}}
    role_params = [LADDER, ROLE, LANG]
    out = {
        "/api/v1/ladders": _get("Every ladder", "listLadders", [LANG],
                                _json_ok(arr("LadderSummary")), errors={"404": None}),
        "/api/v1/ladders/{ladder}": _get("One ladder: levels, tracks, moves", "getLadder",
                                         [LADDER, LANG], _json_ok(_ref("LadderDetail"))),
        "/api/v1/ladders/{ladder}/roles": _get(
            "The roles of a ladder, most senior first", "listRoles", [LADDER, LANG],
            _json_ok(arr("RoleSummary"))),
        "/api/v1/ladders/{ladder}/roles/{role}": _get(
            "Everything about one role", "getRole", role_params, _json_ok(_ref("RoleDetail"))),
        "/api/v1/ladders/{ladder}/roles/{role}/next": _get(
            "Roles one can move to", "nextRoles", [*role_params, DEPTH, KIND],
            _json_ok(_ref("NextRoles"))),
        "/api/v1/ladders/{ladder}/roles/{role}/previous": _get(
            "Roles one moves here from", "previousRoles", [*role_params, DEPTH, KIND],
            _json_ok(_ref("PreviousRoles"))),
        "/api/v1/ladders/{ladder}/roles/{role}/chain": _get(
            "The reporting chain up, and who reports in", "reportingChain", role_params,
            _json_ok(_ref("Chain"))),
        "/api/v1/ladders/{ladder}/paths": _get(
            "The k best career paths between two roles", "careerPaths",
            [LADDER,
             _param("from", "query", STR, "Start role: id, title or alias.", True),
             _param("to", "query", STR, "Target role: id, title or alias.", True),
             _param("by", "query", {"enum": list(BY), "default": "steps"},
                    "Rank by number of moves or total typical years."),
             _param("k", "query", {"type": "integer", "minimum": 1, "default": 1},
                    "How many paths (at most MAX_K, default 10)."),
             LANG],
            _json_ok(_ref("Paths")),
            errors={"404": _problem("Unknown ladder or role, or no path (type no-path).")}),
        "/ladders/{ladder}/chart.{format}": _get(
            "A diagram of the ladder", "ladderChart",
            [LADDER,
             _param("format", "path", {"enum": list(FORMATS)}, "File format."),
             _param("view", "query", {"enum": list(VIEWS), "default": "ladder"}, "What to draw."),
             _param("from", "query", STR, "view=path: start role."),
             _param("to", "query", STR, "view=path: target role."),
             _param("by", "query", {"enum": list(BY)}, "view=path: how paths are ranked."),
             _param("alt", "query", {"type": "integer", "minimum": 0, "maximum": 9},
                    "view=path: 0 is the best path, 1 the first alternative, ..."),
             _param("only", "query", {"enum": ["path"]}, "view=path: draw only the path."),
             _param("focus", "query", STR, "view=focus: the role in the middle."),
             DEPTH,
             _param("rankdir", "query", {"enum": list(RANKDIRS)}, "Direction of the layout."),
             _param("salary", "query", {"enum": ["0", "1"]}, "Show salary bands in boxes."),
             _param("download", "query", {"enum": ["0", "1"]},
                    "Answer with Content-Disposition: attachment."),
             LANG],
            {"description": "The chart file.", "headers": _ETAG, "content": chart_media},
            errors={"422": _problem("The chart is too large or cannot be drawn."),
                    "503": _problem("Graphviz is not available."),
                    "504": _problem("Graphviz took too long.")},
            tags=("charts",)),
        "/healthz": {"get": {
            "summary": "What is loaded and what failed (file:line errors)",
            "operationId": "health", "tags": ["service"],
            "responses": {"200": {"description": "status ok or degraded",
                                  "content": {"application/json":
                                              {"schema": _ref("Health")}}}}}},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi", "tags": ["service"],
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json":
                                              {"schema": {"type": "object"}}}},
                          "304": {"description": "Not modified."}}}},
    }
    out["/api/v1/ladders"]["get"]["responses"].pop("404")
    out["/api/v1/ladders"]["get"]["responses"]["400"] = _problem("lang is not valid.")
    from orgpath.web.orgs import openapi_parts

    out.update(openapi_parts()["paths"])
    from orgpath.web.history import openapi_parts as history_parts

    out.update(history_parts()["paths"])
    return out


@functools.lru_cache(maxsize=4)
def document(baseline: bool = False) -> dict[str, Any]:
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
                "query strings may be named by id, title or alias; answers always carry ids."),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/"}],
        "tags": [{"name": "ladders"}, {"name": "charts"}, {"name": "orgs"},
                 {"name": "service"}],
        "paths": paths(),
        "components": {"schemas": schemas()},
    }
    if baseline:
        doc["paths"]["/api/v1/ping"] = {"get": {
            "summary": "Constant JSON (only when BENCH_BASELINE is set)",
            "operationId": "ping", "tags": ["service"],
            "responses": {"200": {"description": "pong", "content": {"application/json": {
                "schema": _obj({"ok": {"type": "boolean"}, "service": STR})}}}}}}
    return doc


@bp.get("/api/v1/openapi.json", endpoint="document")
def document_view() -> Response:
    baseline = bool(current_app.config["BENCH_BASELINE"])
    return cached_response("orgpath.api_cache", ("openapi", API_VERSION, baseline),
                           lambda: dumps(document(baseline)), "application/json")
