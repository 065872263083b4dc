"""The org list view: ``/orgs/<org>/people`` (an HTML table) and ``/orgs/<org>/people.csv``.

One resource in two formats (and the org API's people list, :mod:`orgpath.web.org_api`,
answers the same query as JSON): ``q`` (id, name, title, department, and email where
the audience may see it), ``department``, ``role``, ``manager`` (a person id: their
direct reports), ``vacant`` (1 or 0), ``sort`` (a column, ``-column`` descending),
``page`` and ``per_page`` (at most ``max_people_page``). The CSV holds exactly the
rows the page shows, or every match with ``all=1`` (at most ``max_list_csv_rows``),
written by :func:`orgpath.render.sheets.org_csv` (formulas defused).

Everything is read from the audience's view of the org (:func:`orgpath.web.common.view_of`):
hidden people are not there, and a hidden email is neither a column, a sort nor a match.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from orgpath import orglist, serialize
from orgpath.orglist import ListError, ListPage, ListQuery
from orgpath.render.sheets import org_csv
from orgpath.store import Entry
from orgpath.web.cache import cached_response
from orgpath.web.charting import download_name
from orgpath.web.common import bool_arg, content_disposition, int_arg, raw_arg, text_arg
from orgpath.web.errors import Problem, bad_param
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.openapi import (
    FLAG,
    HIDDEN_NOTE,
    integer,
    lang_param,
    operation,
    param,
    problem,
    text,
)
from orgpath.web.org_common import ladder_entry_of, ladder_graph_of, org_entry, versions

bp = Blueprint("org_list", __name__)
bp.after_request(remember_lang)

#: The query parameters of the list, in the order URLs carry them.
PARAMS = ("q", "department", "role", "manager", "vacant", "sort", "page", "per_page")


def list_query(*, per_page_param: str = "per_page") -> ListQuery:
    """The list query of this request's parameters, each checked (400 naming it).

    ``limit`` (the org API's older name for ``per_page``) is read when ``per_page``
    is not given.
    """
    cfg = current_app.config
    vacant = None if raw_arg("vacant") in (None, "") else bool_arg("vacant")
    size_name = per_page_param if raw_arg(per_page_param) not in (None, "") else (
        "limit" if raw_arg("limit") not in (None, "") else per_page_param)
    return ListQuery(
        q=(text_arg("q") or "").strip(), department=text_arg("department"),
        role=text_arg("role"), manager=text_arg("manager"), vacant=vacant,
        sort=text_arg("sort"),
        page=int_arg("page", 1, 1, int(cfg["MAX_ORG_PEOPLE"])),
        per_page=int_arg(size_name, int(cfg["PEOPLE_PAGE_SIZE"]), 1,
                         int(cfg["MAX_PEOPLE_PAGE"])))


def role_titles(ladder: Entry | None, lang: str) -> dict[str, str]:
    """Each ladder role's title in ``lang``, by id (empty without a ladder)."""
    LG = ladder_graph_of(ladder)
    return {} if LG is None else {r: LG.nodes[r]["role"].name(lang) for r in LG}


def run_query(entry: Entry, query: ListQuery, titles: Mapping[str, str]) -> ListPage:
    """:func:`orgpath.orglist.list_people`, a wrong ``sort`` or ``page`` a 400 naming it."""
    try:
        return orglist.list_people(entry.graph, query, role_titles=titles)
    except ListError as exc:
        extra = {"allowed": exc.allowed} if exc.allowed else {}
        raise bad_param(exc.parameter, str(exc), **extra) from None


def _args(**changes: Any) -> dict[str, Any]:
    """This request's list parameters (and ``lang``, ``as_of``) with ``changes``; empty ones
    dropped."""
    args = {k: request.args[k] for k in (*PARAMS, "lang", "as_of") if request.args.get(k)}
    args.update(changes)
    args["org"] = request.view_args["org"]
    return {k: v for k, v in args.items() if v not in (None, "")}


def csv_cli(org: str) -> str:
    """The command that writes the whole org as CSV without the server."""
    return " ".join(shlex.quote(w) for w in
                    ("orgpath", "export", "org", "--people", org, "-o", f"{org}-org.csv"))


def _too_many(org: str, total: int) -> str:
    limit = int(current_app.config["MAX_LIST_CSV_ROWS"])
    return (f"{total:,} people match, more than the {limit:,} rows (max_list_csv_rows) a "
            f"download of every match may hold; narrow the filters, download page by "
            f"page, or run: {csv_cli(org)}")


def _sort_links(page: ListPage) -> dict[str, tuple[str, str | None]]:
    """Each column's header link (the next order on a click) and its ``aria-sort``."""
    current = page.query.sort
    out = {}
    for col in page.columns:
        if current == col:
            out[col] = (url_for("org_list.people_page", **_args(sort=f"-{col}", page=None)),
                        "ascending")
        elif current == f"-{col}":
            out[col] = (url_for("org_list.people_page", **_args(sort=col, page=None)),
                        "descending")
        else:
            out[col] = (url_for("org_list.people_page", **_args(sort=col, page=None)), None)
    return out


@bp.get("/orgs/<org>/people")
def people_page(org: str):
    lang = page_lang()
    entry = org_entry(org)
    G = entry.graph
    ladder = ladder_entry_of(entry)
    titles = role_titles(ladder, lang)
    query = list_query()
    page = run_query(entry, query, titles)
    LG = ladder_graph_of(ladder)
    rows = [serialize.person_row(G, v, LG, lang) for v in page.ids]
    cap = int(current_app.config["MAX_FILTER_CHOICES"])
    bosses = orglist.managers(G)
    people_by_id = G._node
    vacancies = any(d["person"].vacant for d in G._node.values())
    csv_all_ok = page.total <= int(current_app.config["MAX_LIST_CSV_ROWS"])
    return render_template(
        "org_list.html", org=entry.value, oid=org, page=page, rows=rows, query=query,
        departments=orglist.departments(G),
        roles=[(r, titles.get(r, r)) for r in orglist.roles(G)],
        managers=[(m, people_by_id[m]["person"].name) for m in bosses]
        if len(bosses) <= cap else None,
        vacancies=vacancies, sort_links=_sort_links(page),
        prev_url=url_for("org_list.people_page", **_args(page=page.page - 1))
        if page.page > 1 else None,
        next_url=url_for("org_list.people_page", **_args(page=page.page + 1))
        if page.page < page.pages else None,
        csv_url=url_for("org_list.people_csv", **_args()),
        csv_all_url=url_for("org_list.people_csv", **_args(page=None, all=1))
        if csv_all_ok else None,
        csv_all_why=None if csv_all_ok else _too_many(org, page.total),
        json_url=url_for("orgs_api.people", **_args()),
        reports_url=lambda pid: url_for("org_list.people_page", org=org,
                                        **({"lang": request.args["lang"]}
                                           if request.args.get("lang") else {}),
                                        manager=pid),
        column_names=column_names(), lang=lang,
        ladder_id=ladder.id if ladder else None,
    )


def column_names() -> dict[str, str]:
    """The list's column headers in the page's language."""
    return {"name": _("Name"), "title": _("Title"), "department": _("Department"),
            "role": _("Role"), "manager": _("Manager"), "reports": _("Direct reports"),
            "headcount": _("Head count below"), "vacant": _("Vacancy"), "email": _("Email")}


@bp.get("/orgs/<org>/people.csv")
def people_csv(org: str):
    lang = check_lang_arg()
    entry = org_entry(org)
    ladder = ladder_entry_of(entry)
    query = list_query()
    every = bool_arg("all")
    if every:
        query = dataclasses.replace(query, page=1, per_page=None)
    page = run_query(entry, query, role_titles(ladder, lang))
    if every and page.total > int(current_app.config["MAX_LIST_CSV_ROWS"]):
        raise Problem(422, "too-many-rows", "Too many rows", _too_many(org, page.total),
                      parameter="all")
    ids = page.ids
    part = "all" if every else f"p{page.page}" if page.pages > 1 else None
    name = download_name(org, "people", part, lang, fmt="csv")
    key = ("people-csv", *versions(entry, ladder), org, query.key(), every, lang)
    return cached_response("orgpath.api_cache", key,
                           lambda: org_csv(entry.graph, ids=ids, lang=lang), "text/csv",
                           {"Content-Disposition": content_disposition(name)}, private=True)


def check_lang_arg() -> str:
    """The file's language: ``?lang=`` (checked), else the page language."""
    from orgpath.web.common import check_lang

    raw = raw_arg("lang")
    return check_lang(raw) if raw else page_lang()


# --- OpenAPI -----------------------------------------------------------------------------


def list_params(config: Mapping[str, Any]) -> list[dict]:
    """The list query's parameters, shared with the org API's people list."""
    cap = int(config["MAX_PEOPLE_PAGE"])
    size = int(config["PEOPLE_PAGE_SIZE"])
    sorts = [*orglist.COLUMNS, *(f"-{c}" for c in orglist.COLUMNS)]
    return [
        param("q", "query", text(config),
              "Text in the id, name, title, department or email (where you may see emails), "
              "any case or accents."),
        param("department", "query", text(config), "Only this department (any case)."),
        param("role", "query", text(config), "Only this ladder role id."),
        param("manager", "query", text(config), "Only this person's direct reports (an id)."),
        param("vacant", "query", FLAG, "1: only vacant positions; 0: only filled ones."),
        param("sort", "query", {"anyOf": [{"enum": sorts}, {"const": ""}]},
              "A column, -column for descending (email only where you may see emails). "
              "Without it: file order, best matches first with q."),
        param("page", "query", integer(1, int(config["MAX_ORG_PEOPLE"]), 1),
              "The page (1 is the first); past the last page: 400."),
        param("per_page", "query", integer(1, cap, size),
              f"People a page (at most {cap}, the max_people_page setting)."),
    ]


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The list view's CSV: ``/orgs/{org}/people.csv``."""
    org = param("org", "path", {"type": "string"}, "Org id (the people file's name).")
    rows = int(config["MAX_LIST_CSV_ROWS"])
    errors = {"404": problem("Unknown org; `suggestions` lists close ids." + HIDDEN_NOTE),
              "422": problem(f"all=1 and more than {rows} people match (the "
                             "max_list_csv_rows setting); `detail` gives the CLI command.")}
    ok = {"description": "The rows shown (or every match), as CSV.",
          "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {"paths": {"/orgs/{org}/people.csv": operation(
        "The org list view's rows as CSV", "orgPeopleCsv",
        [org, *list_params(config),
         param("all", "query", FLAG, f"1: every match (at most {rows}), not one page."),
         lang_param()], ok, tags=("orgs",), errors=errors)}}


bp.openapi_parts = openapi_parts
