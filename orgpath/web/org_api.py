"""The org JSON API under ``/api/v1/orgs``: orgs, people search, a person, chain, reports.

Shapes come from :mod:`orgpath.serialize`, the same as ``orgpath people ... --json``.
Answers are cached per worker and carry an ETag, like the ladder API
(:mod:`orgpath.web.api`). :func:`openapi_parts` is this blueprint's part of the
OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, current_app

from orgpath import serialize
from orgpath.web.cache import json_response
from orgpath.web.common import check_lang, int_arg, visible_entries
from orgpath.web.i18n import api_lang
from orgpath.web.openapi import (
    HIDDEN_NOTE,
    INT,
    STR,
    depth_param,
    integer,
    json_ok,
    lang_param,
    nullable,
    obj,
    operation,
    param,
    problem,
    ref,
)
from orgpath.web.org_common import (
    ladder_entry_of,
    ladder_graph_of,
    org_entry,
    person_id,
    versions,
)
from orgpath.web.org_list import list_params, list_query, role_titles, run_query

bp = Blueprint("orgs_api", __name__, url_prefix="/api/v1/orgs")


def people_json(key: tuple, produce: Callable[[], Any]) -> Response:
    """A cached JSON answer about people: ``Cache-Control: private`` (never a shared cache)."""
    return json_response(key, produce, private=True)

#: Fields of a person an audience may not see: absent from answers, never blank.
HIDEABLE = ("email", "photo_url", "dotted_managers")

def _lang() -> str:
    return check_lang(api_lang())


@bp.get("")
def list_orgs():
    lang = _lang()
    entries = visible_entries("org")
    return people_json(("orgs", tuple(e.version for e in entries), lang),
                         lambda: [serialize.org_summary(e.value) for e in entries])


@bp.get("/<org>")
def get_org(org: str):
    lang = _lang()
    entry = org_entry(org)
    return people_json(("org", entry.version, org, lang),
                         lambda: serialize.org_detail(entry.graph, entry.version))


@bp.get("/<org>/people")
def people(org: str):
    """The org list view's query as JSON (:mod:`orgpath.web.org_list`): one page of rows."""
    lang = _lang()
    entry = org_entry(org)
    query = list_query()
    ladder = ladder_entry_of(entry)

    def produce() -> dict:
        page = run_query(entry, query, role_titles(ladder, lang))
        return serialize.people_page(entry.graph, page, ladder_graph_of(ladder), lang)

    return people_json(("people", *versions(entry, ladder), org, query.key(), lang), produce)


def _person_with_ladder(org: str, pid: str, slug: str, shape: Callable[..., Any]) -> Response:
    """A person's answer that also reads the org's ladder: ``shape(G, pid, LG, lang)``."""
    lang = _lang()
    entry = org_entry(org)
    G = entry.graph
    pid = person_id(G, pid)
    ladder = ladder_entry_of(entry)
    return people_json((slug, *versions(entry, ladder), org, pid, lang),
                       lambda: shape(G, pid, ladder_graph_of(ladder), lang))


@bp.get("/<org>/people/<pid>")
def person(org: str, pid: str):
    return _person_with_ladder(org, pid, "person", serialize.person_detail)


@bp.get("/<org>/people/<pid>/chain")
def person_chain(org: str, pid: str):
    lang = _lang()
    entry = org_entry(org)
    pid = person_id(entry.graph, pid)
    return people_json(("pchain", entry.version, org, pid, lang),
                         lambda: serialize.person_chain(entry.graph, pid))


@bp.get("/<org>/people/<pid>/reports")
def person_reports(org: str, pid: str):
    lang = _lang()
    entry = org_entry(org)
    pid = person_id(entry.graph, pid)
    depth = int_arg("depth", 1, 1, current_app.config["MAX_DEPTH"])
    return people_json(("preports", entry.version, org, pid, depth, lang),
                         lambda: serialize.person_reports(entry.graph, pid, depth))


@bp.get("/<org>/people/<pid>/next-roles")
def person_next_roles(org: str, pid: str):
    return _person_with_ladder(org, pid, "pnext", serialize.person_next_roles)


# --- OpenAPI -----------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    person_ref = {"id": STR, "name": STR, "title": nullable("string")}
    people = {"type": "array", "items": ref("PersonRef")}
    summary = {"id": STR, "title": STR, "ladder": nullable("string"), "people": INT}
    detail = {
        **person_ref, "role": nullable(ref("RoleRef")), "department": nullable("string"),
        "email": {"type": "string", "description": "Absent when none, or hidden from you."},
        "photo_url": {"type": "string",
                      "description": "Absent when none, no consent, or hidden from you."},
        "assistant": {"type": "boolean"}, "vacant": {"type": "boolean"},
        "level": INT, "headcount": INT, "manager": nullable(ref("PersonRef")),
        "dotted_managers": {**people, "description": "Absent when hidden from you."},
        "direct_reports": people}
    return {
        "PersonRef": obj(person_ref),
        "OrgSummary": obj(summary),
        "OrgDetail": obj({**summary, "version": STR, "roots": people, "depth": INT,
                          "managers": INT}),
        "PersonRow": obj({
            **person_ref, "department": nullable("string"), "role": nullable(ref("RoleRef")),
            "manager": nullable(ref("PersonRef")), "reports": INT, "headcount": INT,
            "vacant": {"type": "boolean"},
            "email": {"type": "string", "description": "Absent when none, or hidden from you."}},
            required=["id", "name", "title", "department", "role", "manager", "reports",
                      "headcount", "vacant"]),
        "PeopleList": obj({
            "q": nullable("string"),
            "total": {**INT, "description": "People matching the search and filters."},
            "page": INT, "per_page": INT, "pages": INT,
            "people": {"type": "array", "items": ref("PersonRow")}}),
        "PersonDetail": obj(detail, required=[k for k in detail if k not in HIDEABLE]),
        "PersonChain": obj({"person": ref("PersonRef"), "chain": people}),
        "PersonReports": obj({
            "person": ref("PersonRef"),
            "depth": {**nullable("integer"),
                      "description": "Levels down; null (CLI --all only): every level."},
            "headcount": INT,
            "reports": {"type": "array", "items": obj(
                {**person_ref, "depth": INT, "manager": nullable("string")})}}),
        "PersonNextRoles": obj({
            "person": ref("PersonRef"), "ladder": nullable("string"),
            "role": nullable(ref("RoleRef")),
            "next": {"type": "array", "items": obj({
                "id": STR, "title": STR, "level": INT,
                "kind": {"enum": ["promotion", "lateral"]}, "years": nullable("number"),
                "holders": people})}}),
    }


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Schemas and paths of the org API, for :func:`orgpath.web.openapi.document`."""
    org = param("org", "path", {"type": "string"}, "Org id (the people file's name).")
    pid = param("pid", "path", {"type": "string"}, "Person id, as in the people file.")
    cap = int(config["MAX_PEOPLE_PAGE"])
    tags = ("orgs",)
    nf = {"404": problem("Unknown org or person; `suggestions` lists close ids."
                         + HIDDEN_NOTE)}

    def person_op(summary: str, op_id: str, schema: str, *extra: dict) -> dict:
        return operation(summary, op_id, [org, pid, *extra, lang_param()],
                         json_ok(ref(schema)), tags=tags, errors=nf)

    base = "/api/v1/orgs/{org}/people/{pid}"
    paths = {
        "/api/v1/orgs": operation(
            "Every org", "listOrgs", [lang_param()],
            json_ok({"type": "array", "items": ref("OrgSummary")}), tags=tags,
            errors={"404": None, "400": problem("lang is not valid.")}),
        "/api/v1/orgs/{org}": operation("One org", "getOrg", [org, lang_param()],
                                        json_ok(ref("OrgDetail")), tags=tags, errors=nf),
        "/api/v1/orgs/{org}/people": operation(
            "The org's people, searched, filtered, sorted and paged (the list view's query; "
            "all people, in file order, without parameters)",
            "findPeople",
            [org, *list_params(config),
             param("limit", "query", integer(1, cap, int(config["PEOPLE_PAGE_SIZE"])),
                   "The older name of per_page (read when per_page is not given)."),
             lang_param()],
            json_ok(ref("PeopleList")), tags=tags, errors=nf),
        base: person_op("One person", "getPerson", "PersonDetail"),
        base + "/chain": person_op("Chain of command, the person first", "personChain",
                                   "PersonChain"),
        base + "/reports": person_op("Reports down to depth levels", "personReports",
                                     "PersonReports", depth_param(config, "Levels down")),
        base + "/next-roles": person_op("The person's next ladder roles and who holds them",
                                        "personNextRoles", "PersonNextRoles"),
    }
    return {"schemas": _schemas(), "paths": paths}


bp.openapi_parts = openapi_parts
