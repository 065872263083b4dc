"""History on the web, from git: changes lists, diffs, ``?as_of=``, headcount and diff charts.

Pages (a blueprint nested in ``pages``): ``/orgs/<org>/changes`` and
``/ladders/<ladder>/changes`` list the commits that touched the file with a
summary each; ``?from=REV&to=REV`` (revisions or dates) shows one diff in full,
with the coloured org chart for orgs. Machine routes (``history_api``):
``/api/v1/{orgs,ladders}/<id>/changes`` and ``.../diff``,
``/api/v1/orgs/<org>/headcount``, ``/orgs/<org>/headcount.{svg,png}`` and
``/orgs/<org>/diff-chart.{svg,pdf}``. Without git the pages say so (200) and
the API answers a ``history-unavailable`` problem.

:func:`as_of_entry` is the hook the existing routes call for ``?as_of=YYYY-MM-DD``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from orgpath import gitrepo
from orgpath.diagnostics import InputError
from orgpath.diff import Diff, as_rows
from orgpath.gitrepo import NoRepository, RevisionError, Version
from orgpath.history import History, history_for
from orgpath.render import formats
from orgpath.store import Entry
from orgpath.web.cache import json_response
from orgpath.web.charting import chart_response
from orgpath.web.common import check_lang, int_arg, raw_arg, store, text_arg, whole_entry
from orgpath.web.errors import Problem, bad_param, from_exception, problem_response
from orgpath.web.i18n import api_lang, page_lang

bp = Blueprint("history", __name__)
api_bp = Blueprint("history_api", __name__)



def nest(pages_bp: Blueprint) -> None:
    """Put the history pages inside the ``pages`` blueprint (once, before its first use)."""
    if not any(child is bp for child, _ in pages_bp._blueprints):
        pages_bp.register_blueprint(bp)


# --- errors ------------------------------------------------------------------------------


def _problem(exc: BaseException) -> Problem:
    if isinstance(exc, NoRepository):
        return Problem(404, "history-unavailable", "No history",
                       "The graphs folder is not inside a git repository, so there is no "
                       "history to show.")
    if isinstance(exc, RevisionError):
        return Problem(400, "bad-revision", "Bad revision", str(exc)[:300])
    if isinstance(exc, InputError):
        first = exc.diagnostics[0] if exc.diagnostics else None
        return Problem(422, "version-unreadable", "That version cannot be read",
                       str(first)[:300] if first else "The file did not load.")
    return from_exception(exc)


@api_bp.errorhandler(Exception)
def _api_error(exc: Exception):
    from orgpath.web.errors import handle

    if isinstance(exc, NoRepository | RevisionError | InputError):
        return problem_response(_problem(exc))
    resp = handle(exc)
    if resp.mimetype != "application/problem+json":  # a machine route never answers HTML
        return problem_response(from_exception(exc))
    return resp


@bp.errorhandler(RevisionError)
@bp.errorhandler(InputError)
def _page_error(exc: Exception):
    from orgpath.web.errors import _page

    return _page(_problem(exc))


def as_of_entry(kind: str, ident: str) -> Entry | None:
    """The entry as of ``?as_of=YYYY-MM-DD``, or None when the request has no ``as_of``.

    Called by ``common.ladder_entry`` and ``orgs._org_entry``; errors become problems
    (400 for a bad date, 404 for no git or a file that did not exist yet).
    """
    raw = raw_arg("as_of")
    if not raw:
        return None
    try:
        day = gitrepo.parse_date(raw[:40])
        current = store().entry(kind, ident)
        return history_for(store()).entry_at(current, day.isoformat())
    except RevisionError as exc:
        if "did not exist" in str(exc) or "no commit" in str(exc):
            raise Problem(404, f"{kind}-not-found", f"{kind.capitalize()} not found",
                          str(exc)[:300], suggestions=[]) from None
        raise bad_param("as_of", str(exc)[:300]) from None
    except NoRepository as exc:
        raise _problem(exc) from None
    except InputError as exc:
        raise _problem(exc) from None


# --- shared ------------------------------------------------------------------------------


def _history() -> History:
    return history_for(store())


def _entry(kind: str, ident: str) -> Entry:
    if len(ident) > current_app.config["MAX_QUERY_LENGTH"] or "\x00" in ident:
        raise Problem(404, f"{kind}-not-found", f"{kind.capitalize()} not found",
                      f"There is no {kind} with that id.", suggestions=[])
    return whole_entry(kind, ident)  # the audience: history is all or nothing


def _rev_arg(name: str, default: str | None) -> str | None:
    value = text_arg(name, default=default)
    if value is None:
        return None
    try:
        if not gitrepo._DATE.match(value):
            gitrepo.check_rev(value)
    except RevisionError as exc:
        raise bad_param(name, str(exc)[:300]) from None
    return value


def _pair(h: History, entry: Entry) -> tuple[Version, Version]:
    """The two versions ``?from=`` and ``?to=`` name (``to`` defaults to HEAD)."""
    old_rev = _rev_arg("from", None)
    if old_rev is None:
        raise bad_param("from", "The query parameter 'from' (a revision or a date) is "
                                "required.")
    new_rev = _rev_arg("to", "HEAD")
    return h.version(entry, old_rev), h.version(entry, new_rev)


def _diff_answer(kind: str, ident: str, h: History, entry: Entry, old: Version, new: Version,
                 d: Diff) -> dict[str, Any]:
    return {kind: ident, "from": old.commit.as_dict(), "to": new.commit.as_dict(),
            **d.as_dict()}


def category_name(category: str) -> str:
    """A change category in the page's language."""
    names = {
        "joined": _("joined"), "left": _("left"), "moved": _("moved"),
        "promoted": _("promoted"), "role-changed": _("role changed"),
        "retitled": _("retitled"), "department-changed": _("department changed"),
        "vacancy-opened": _("vacancy opened"), "vacancy-filled": _("vacancy filled"),
        "dotted-added": _("dotted line added"), "dotted-removed": _("dotted line removed"),
        "added-roles": _("roles added"), "removed-roles": _("roles removed"),
        "renamed-roles": _("roles renamed"), "level-changed": _("level changed"),
        "track-changed": _("track changed"), "reporting-changed": _("reporting line changed"),
        "moves-added": _("moves added"), "moves-removed": _("moves removed"),
        "moves-changed": _("moves changed"), "skills-changed": _("skills changed"),
        "salary-changed": _("salary band changed"),
    }
    return names.get(category, category)


def _page(**kw):
    return render_template(**kw, category_name=category_name)


# --- pages -------------------------------------------------------------------------------


def _changes_page(kind: str, ident: str):
    lang = page_lang()
    entry = _entry(kind, ident)
    title = entry.value.title if kind == "org" else entry.value.name(lang)
    h = _history()
    base = {"kind": kind, "ident": ident, "title": title, "lang": lang}
    if h.repo is None:
        return _page(template_name_or_list="changes.html", **base, no_git=True, changes=[],
                     total=0, page=1, pages=1)
    if raw_arg("from"):
        old, new = _pair(h, entry)
        d = h.diff(entry, old, new)
        chart = None
        if kind == "org":
            chart = {f: url_for("history_api.diff_chart", org=ident, fmt=f, lang=lang,
                                **{"from": old.commit.id, "to": new.commit.id})
                     for f in ("svg", "pdf")}
        return _page(template_name_or_list="diff.html", **base, old=old, new=new, diff=d,
                     rows=as_rows(d),
                     chart=chart, counts={k: v for k, v in d.by_category().items() if v})
    size = current_app.config["MAX_PEOPLE_PAGE"]
    per_page = min(20, size)
    page = int_arg("page", 1, 1, 10**6)
    total, changes = h.changes(entry, offset=(page - 1) * per_page, limit=per_page)
    headcount = None
    if kind == "org":
        headcount = {f: url_for("history_api.headcount_chart", org=ident, fmt=f, lang=lang)
                     for f in ("svg", "png")}
        depts = sorted({d for p in h.headcount(entry) for d in p["departments"]})
        headcount["departments"] = [
            (d, url_for("history_api.headcount_chart", org=ident, fmt="svg", lang=lang,
                        department=d)) for d in depts]
    return _page(template_name_or_list="changes.html", **base, no_git=False, changes=changes,
                 total=total, page=page, pages=max(1, -(-total // per_page)),
                 headcount=headcount)


@bp.get("/orgs/<org>/changes")
def org_changes(org: str):
    return _changes_page("org", org)


@bp.get("/ladders/<ladder>/changes")
def ladder_changes(ladder: str):
    return _changes_page("ladder", ladder)


# --- API ---------------------------------------------------------------------------------


def _api_changes(kind: str, ident: str):
    check_lang(api_lang())
    entry = _entry(kind, ident)
    h = _history()
    h.require()
    limit = int_arg("limit", 20, 1, current_app.config["MAX_PEOPLE_PAGE"])
    offset = int_arg("offset", 0, 0, current_app.config["MAX_HISTORY_COMMITS"])
    versions = h.log(entry)
    head = versions[0].commit.id if versions else ""

    def produce():
        total, page = h.changes(entry, offset=offset, limit=limit)
        return {kind: ident, "total": total, "offset": offset, "changes": page}

    return json_response(("changes", kind, ident, head, entry.version, offset, limit), produce,
                         private=kind == "org")


def _api_diff(kind: str, ident: str):
    check_lang(api_lang())
    entry = _entry(kind, ident)
    h = _history()
    h.require()
    old, new = _pair(h, entry)
    return json_response(("diff", kind, ident, old.blob, new.blob, old.commit.id,
                          new.commit.id),
                         lambda: _diff_answer(kind, ident, h, entry, old, new,
                                              h.diff(entry, old, new)),
                         private=kind == "org")


@api_bp.get("/api/v1/orgs/<org>/changes")
def org_changes_api(org: str):
    return _api_changes("org", org)


@api_bp.get("/api/v1/ladders/<ladder>/changes")
def ladder_changes_api(ladder: str):
    return _api_changes("ladder", ladder)


@api_bp.get("/api/v1/orgs/<org>/diff")
def org_diff_api(org: str):
    return _api_diff("org", org)


@api_bp.get("/api/v1/ladders/<ladder>/diff")
def ladder_diff_api(ladder: str):
    return _api_diff("ladder", ladder)


def _department(entry_series: list[dict]) -> str | None:
    dept = text_arg("department")
    if dept is None:
        return None
    known = sorted({d for p in entry_series for d in p["departments"]})
    if dept not in known:
        raise bad_param("department", f"no department {dept[:60]!r} in this org's history",
                        allowed=known[:50])
    return dept


@api_bp.get("/api/v1/orgs/<org>/headcount")
def headcount_api(org: str):
    check_lang(api_lang())
    entry = _entry("org", org)
    h = _history()
    series = h.headcount(entry)
    dept = _department(series)
    head = series[-1]["commit"] if series else ""

    def produce():
        return {"org": org, "department": dept, "points": [
            {"date": p["date"].isoformat(), "commit": p["commit"],
             "people": p["departments"].get(dept, 0) if dept else p["people"],
             "departments": {} if dept else p["departments"]} for p in series]}

    return json_response(("headcount", org, head, entry.version, dept), produce, private=True)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    """A 400 naming the formats a history chart can be drawn in."""
    if fmt not in allowed:
        raise bad_param("format", f"format must be one of {', '.join(allowed)}, "
                        f"not {fmt[:40]!r}.", allowed=list(allowed))


@api_bp.get("/orgs/<org>/headcount.<fmt>")
def headcount_chart(org: str, fmt: str):
    from orgpath.render.historycharts import HEADCOUNT_FORMATS
    from orgpath.render.historycharts import headcount_chart as draw

    _check_format(fmt, HEADCOUNT_FORMATS)
    lang = check_lang(api_lang())
    entry = _entry("org", org)
    series = _history().headcount(entry)
    dept = _department(series)
    head = series[-1]["commit"] if series else ""
    title = entry.value.title + (f" · {dept}" if dept else "")
    with force_locale(lang):  # a chart speaks its ?lang, whatever the page cookie says
        words = {"people": _("People"), "date": _("Date"), "all": _("Everyone")}
    return chart_response(
        ("headcount", org, head, entry.version, dept, fmt, lang),
        lambda: draw(series, fmt, title=title, department=dept, labels=words),
        formats.get(fmt).media_type,
        fmt=fmt, private=True)


@api_bp.get("/orgs/<org>/diff-chart.<fmt>")
def diff_chart(org: str, fmt: str):
    from orgpath.render.historycharts import DIFF_FORMATS
    from orgpath.render.historycharts import diff_chart as draw

    _check_format(fmt, DIFF_FORMATS)
    lang = check_lang(api_lang())
    entry = _entry("org", org)
    h = _history()
    h.require()
    old, new = _pair(h, entry)
    with force_locale(lang):
        words = {"joined": _("Joined"), "moved": _("Moved"),
                 "retitled": _("New title or role"), "left": _("Left"),
                 "same": _("Unchanged")}
        title = _("Changes %(old)s → %(new)s", old=old.commit.time.date().isoformat(),
                  new=new.commit.time.date().isoformat())

    def produce() -> bytes:
        a, b = h.entry_at(entry, old.commit.id), h.entry_at(entry, new.commit.id)
        status = h.diff(entry, old, new).status_by_person()
        try:
            return draw(a.graph, b.graph, status, fmt, title=title, labels=words,
                        max_people=int(current_app.config["MAX_ORG_CHART_PEOPLE"]))
        except ValueError as exc:
            raise Problem(422, "render-failed", "Chart cannot be drawn", str(exc)) from None

    return chart_response(("diffchart", org, old.blob, new.blob, fmt, lang), produce,
                          formats.get(fmt).media_type, fmt=fmt, private=True)


# --- OpenAPI -----------------------------------------------------------------------------


def openapi_parts(config: Mapping[str, Any]) -> dict[str, Any]:
    """Schemas and paths of the history API, merged into the OpenAPI document."""
    from orgpath.diff import CATEGORIES
    from orgpath.web.openapi import (
        INT,
        STR,
        chart_errors,
        integer,
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

    commit = {"id": STR, "short": STR, "date": {**STR, "format": "date-time"}, "author": STR,
              "message": STR}
    change = {"type": "object", "required": ["category", "id"],
              "properties": {"category": {"enum": list(CATEGORIES)}, "id": STR}}
    schemas = {
        "Commit": obj(commit),
        "FileChange": obj({**commit, "blob": STR, "previous": nullable("string"),
                            "summary": nullable({"type": "object",
                                                  "additionalProperties": INT})}),
        "Diff": {"type": "object", "properties": {
            "org": STR, "ladder": STR, "from": ref("Commit"), "to": ref("Commit"),
            "kind": {"enum": ["org", "ladder"]},
            "summary": {"type": "object", "additionalProperties": INT},
            "totals": {"type": "object", "additionalProperties": INT},
            "changes": {"type": "array", "items": change},
            "teams": {"type": "array", "items": obj({"manager": STR, "name": STR,
                                                      "before": INT, "after": INT})}},
            "required": ["from", "to", "kind", "summary", "totals", "changes", "teams"],
            "additionalProperties": False},
        "Headcount": obj({"org": STR, "department": nullable("string"), "points": {
            "type": "array", "items": obj({
                "date": {**STR, "format": "date-time"}, "commit": STR, "people": INT,
                "departments": {"type": "object", "additionalProperties": INT}})}}),
    }
    for kind in ("org", "ladder"):
        schemas[f"{kind.capitalize()}Changes"] = obj({
            kind: STR, "total": INT, "offset": INT,
            "changes": {"type": "array", "items": ref("FileChange")}})
    tags = ("history",)
    nogit = problem("Unknown id, or no git history (type history-unavailable).")
    revs = [param("from", "query", text(config, min_length=1),
                  "Old version: a revision (HEAD~3, a tag, a commit id) or a date YYYY-MM-DD.",
                  True),
            param("to", "query", text(config), "New version (default HEAD).")]
    paths: dict[str, Any] = {}
    for kind, plural in (("org", "orgs"), ("ladder", "ladders")):
        ident = param(kind, "path", STR, f"{kind.capitalize()} id.")
        paths[f"/api/v1/{plural}/{{{kind}}}/changes"] = operation(
            "Commits that changed the file, newest first, each with a diff summary",
            f"{kind}Changes",
            [ident, param("offset", "query", integer(0), "Skip this "
                           "many commits."),
             param("limit", "query", integer(1, int(config["MAX_PEOPLE_PAGE"])),
                    "Most commits answered (at most the max_people_page setting)."), lang_param()],
            json_ok(ref(f"{kind.capitalize()}Changes")), tags=tags, errors={"404": nogit})
        paths[f"/api/v1/{plural}/{{{kind}}}/diff"] = operation(
            "What changed between two versions", f"{kind}Diff", [ident, *revs, lang_param()],
            json_ok(ref("Diff")), tags=tags,
            errors={"404": nogit, "422": problem("A version does not load.")})
    org = param("org", "path", STR, "Org id.")
    dept = param("department", "query", text(config), "Only this department.")
    paths["/api/v1/orgs/{org}/headcount"] = operation(
        "People after each commit that changed the org, in all and per department",
        "orgHeadcount", [org, dept, lang_param()], json_ok(ref("Headcount")), tags=tags,
        errors={"404": nogit})
    chart_problems = {**chart_errors("Unknown org, or no git history (history-unavailable)."),
                      "422": problem("Too many people, or a version does not load.")}
    paths["/orgs/{org}/headcount.{format}"] = operation(
        "Headcount over time (matplotlib)", "orgHeadcountChart",
        [org, param("format", "path", {"enum": ["svg", "png"]}, "File format."), dept,
         lang_param()],
        {"description": "The chart.", "content": {
            "image/svg+xml": {"schema": STR}, "image/png": {"schema": STR}}},
        tags=("charts",), errors=chart_problems)
    paths["/orgs/{org}/diff-chart.{format}"] = operation(
        "The org chart coloured by a diff: joined, moved, retitled, left (a ghost)",
        "orgDiffChart",
        [org, param("format", "path", {"enum": ["svg", "pdf", "png"]}, "File format."),
         *revs, lang_param()],
        {"description": "The chart.", "content": {
            "image/svg+xml": {"schema": STR}, "application/pdf": {"schema": STR},
            "image/png": {"schema": STR}}},
        tags=("charts",), errors=chart_problems)
    return {"schemas": schemas, "paths": paths}


api_bp.openapi_parts = openapi_parts
