"""Errors: RFC 9457 problem details for the API and charts, friendly pages for people.

Every error a request can cause becomes a :class:`Problem` (status, a ``type``
URN, a title, a helpful ``detail`` and extras such as ``suggestions`` or
``parameter``). API, chart and health routes (and unknown ``/api/`` URLs)
answer ``application/problem+json``; pages render ``error.html`` in the
page's language. A catch-all handler logs anything unexpected and still
answers a problem, never an HTML traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from orgpath.errors import NotFoundError
from orgpath.queries import NoPath
from orgpath.render.graphviz import GraphvizMissing, GraphvizTimeout, RenderError
from orgpath.render.orgchart import ChartError
from orgpath.store import NotFound
from orgpath.web.cache import dumps

log = logging.getLogger("orgpath.web")

PROBLEM_TYPE = "urn:orgpath:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"
#: Blueprints whose errors are problem+json rather than pages.
MACHINE_BLUEPRINTS = frozenset({"api", "charts", "health", "openapi", "orgs_api", "org_charts",
                                "exports", "observe", "frameworks_api"})
#: Machine routes in a blueprint of pages (the list view's CSV): problem+json too.
MACHINE_ENDPOINTS = frozenset({"org_list.people_csv"})
#: Problems that pages answer as problem+json too: a bad bearer token is a machine's.
_MACHINE_SLUGS = frozenset({"unauthorized"})


class Problem(Exception):
    """An error to answer with: HTTP status, problem type slug, title and detail."""

    def __init__(self, status: int, slug: str, title: str, detail: str, **extra: Any):
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.extra = extra
        #: Extra response headers (``Retry-After``), not part of the JSON body.
        self.headers: dict[str, str] = {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": PROBLEM_TYPE + self.slug if self.slug else "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": _instance(),
            **self.extra,
        }


def _instance() -> str:
    try:
        path = request.path
    except RuntimeError:
        return ""
    return path[:500]


def bad_param(name: str, detail: str, **extra: Any) -> Problem:
    """A 400 naming the parameter that is wrong."""
    return Problem(400, "bad-parameter", "Bad parameter", detail, parameter=name, **extra)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _not_found_text(what: str, ident: str) -> str:
    """How a 404 detail starts, in the request's language."""
    if what == "role":
        return _("No role matches %(ident)s.", ident=repr(ident))
    if what == "person":
        return _("There is no person with id %(ident)s.", ident=repr(ident))
    if what == "org":
        return _("There is no organisation %(ident)s.", ident=repr(ident))
    if what == "ladder":
        return _("There is no ladder %(ident)s.", ident=repr(ident))
    return _("There is no %(what)s %(ident)s.", what=what, ident=repr(ident))


def _labels(what: str, suggestions: list[str], graph: Any) -> list[str]:
    """Each suggestion as people read it: a person's name and title, a role's title in
    the request's language; the id itself where there is nothing better."""
    if graph is None:
        return list(suggestions)
    lang, out = str(get_locale() or "en"), []
    for s in suggestions:
        data = graph.nodes[s] if s in graph else {}
        if what == "person" and "person" in data:
            p = data["person"]
            out.append(f"{p.name} — {p.title}" if p.title else p.name or s)
        elif what == "role" and "role" in data:
            out.append(data["role"].name(lang))
        else:
            out.append(s)
    return out


def not_found(what: str, ident: str, suggestions: list[str], *,
              broken: bool = False, graph: Any = None) -> Problem:
    """The one 404 problem of every "not found": ``<what>-not-found`` with suggestions,
    in the request's language, the suggestions named for people (``suggestion_labels``,
    in the order of the ids in ``suggestions``)."""
    ident = _short(str(ident))
    labels = _labels(what, suggestions, graph)
    hint = " " + _("Did you mean: %(names)s?", names=", ".join(labels)) if labels else ""
    if broken:
        hint += " " + _("Some files failed to load; /healthz says why.")
    return Problem(404, f"{what}-not-found", f"{what.capitalize()} not found",
                   _not_found_text(what, ident) + hint, suggestions=list(suggestions),
                   suggestion_labels=labels)


def from_exception(exc: BaseException) -> Problem:
    """The problem an exception stands for."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, NotFound) and exc.loading and not exc.suggestions:
        # The id may be in a file still being read for the first time: not a 404 yet.
        p = Problem(503, "loading", "Still loading",
                    _("The %(what)s files are still being loaded; try again shortly.",
                      what=exc.what))
        p.headers["Retry-After"] = "2"
        return p
    if isinstance(exc, NotFoundError):
        return not_found(exc.what, exc.ident, exc.suggestions,
                         broken=bool(getattr(exc, "broken", None)), graph=exc.graph)
    if isinstance(exc, ChartError):
        return Problem(422, "render-failed", "Chart cannot be drawn", str(exc))
    if isinstance(exc, NoPath):
        return Problem(404, "no-path", "No career path",
                       _("There is no career path from %(a)s to %(b)s.", a=repr(exc.source),
                         b=repr(exc.target)))
    if isinstance(exc, GraphvizTimeout):
        return Problem(504, "render-timeout", "Chart took too long", str(exc))
    if isinstance(exc, GraphvizMissing):
        return Problem(503, "render-unavailable", "Charts unavailable", str(exc))
    if isinstance(exc, RenderError):
        return Problem(422, "render-failed", "Chart cannot be drawn", str(exc))
    if isinstance(exc, HTTPException):
        code = exc.code or 500
        detail = exc.description or exc.name
        if code == 404:
            detail = _("There is nothing at %(path)s.", path=repr(_instance()[:200]))
        return Problem(code, "", exc.name, detail)
    return Problem(500, "internal", "Internal Server Error",
                   _("Something went wrong on our side; it has been logged."))


def problem_response(p: Problem) -> Response:
    """The ``application/problem+json`` answer of a problem (never cached by clients)."""
    resp = Response(dumps(p.as_dict()), p.status, mimetype=PROBLEM_MEDIA_TYPE)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers.update(p.headers)
    return resp


def _wants_problem() -> bool:
    if request.blueprint in MACHINE_BLUEPRINTS or request.endpoint in MACHINE_ENDPOINTS:
        return True
    if request.blueprint is None:  # no route matched
        path = request.path
        return path.startswith("/api/") or "/chart." in path
    return False


def _page(p: Problem) -> Response:
    try:
        html = render_template("error.html", problem=p)
    except Exception:  # the error page itself failed: plain text, never a traceback
        log.exception("the error page failed")
        return Response(f"{p.status} {p.title}\n{p.detail}\n", p.status, mimetype="text/plain")
    resp = Response(html, p.status, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers.update(p.headers)
    return resp


def _problem_lang() -> str:
    """The language of an error: the API's (``?lang``, ``Accept-Language``) for machine
    routes, the page's (with its cookie) for pages; English when it is not one we speak."""
    from orgpath.model import LANGUAGES
    from orgpath.web.i18n import api_lang, page_lang

    lang = api_lang() if _wants_problem() else page_lang()
    return lang if lang in LANGUAGES else "en"


def handle(exc: BaseException) -> Response:
    with force_locale(_problem_lang()):
        p = from_exception(exc)
    if p.status >= 500 and not isinstance(exc, RenderError | Problem | HTTPException):
        log.error("unhandled error on %s %s", request.method, request.path[:200],
                  exc_info=exc)
    resp = problem_response(p) if _wants_problem() else _page(p)
    if isinstance(exc, HTTPException) and exc.code == 405:
        resp.headers["Allow"] = ", ".join(exc.valid_methods or ())
    if p.slug in _MACHINE_SLUGS and not _wants_problem():
        resp = problem_response(p)
    return resp


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, handle)
    app.register_error_handler(HTTPException, handle)
