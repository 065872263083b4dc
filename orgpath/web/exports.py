"""Export jobs over HTTP: ``POST /api/v1/exports``, then follow the job URL to the file.

* ``POST /api/v1/exports`` with ``{"org", "format", "view": {root, depth, around,
  compact, pages}, "paper", "orientation", "lang", "audience"}`` answers ``202``
  with the job (``Location``: its URL); ``paper`` (a4, letter, a3) and
  ``orientation`` (landscape, portrait) are for the paged PDF;
* ``GET /api/v1/exports/<id>``: the job's state, stage and progress (0–100), then
  the download URL or the error;
* ``GET /api/v1/exports/<id>/file``: the finished export (an attachment).

The jobs run on :class:`orgpath.jobs.Jobs` (a thread pool in the server, or RQ
workers with ``redis_url``). The org page offers the job for orgs of more than
``job_budget`` people, with a progress bar (``static/exports.js``).
:func:`openapi_parts` is this blueprint's part of the OpenAPI document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, url_for

from orgpath import settings
from orgpath.audience import audience_text
from orgpath.jobs import ExportSpec, JobError, Jobs, orientations, papers, validate
from orgpath.model import LANGUAGES
from orgpath.render import formats
from orgpath.render.orgchart import FORMATS as ORG_FORMATS
from orgpath.web import auth
from orgpath.web.cache import dumps
from orgpath.web.common import content_disposition
from orgpath.web.errors import Problem
from orgpath.web.openapi import INT, STR, nullable, obj, operation, param, problem, ref
from orgpath.web.org_common import org_entry, person_id

bp = Blueprint("exports", __name__, url_prefix="/api/v1/exports")


def jobs() -> Jobs:
    """This process's :class:`~orgpath.jobs.Jobs`."""
    return current_app.extensions["orgpath.jobs"]


def _answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(dumps(data), status, headers or {}, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def job_json(state: dict) -> dict[str, Any]:
    """The public shape of a job's state."""
    spec = state["spec"]
    done = state["state"] == "succeeded"
    return {
        "id": state["id"], "state": state["state"], "stage": state["stage"],
        "progress": state["progress"], "org": spec["org"], "format": spec["fmt"],
        "url": url_for("exports.job", job_id=state["id"]),
        "download": url_for("exports.job_file", job_id=state["id"]) if done else None,
        "size": state["size"], "error": state["error"], "note": state["note"],
        "attempts": state["attempts"], "worker": state.get("worker"),
    }


def _queue_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return (OSError,)
    return (OSError, RedisError)


def _unavailable(exc: BaseException) -> Problem:
    p = Problem(503, "jobs-unavailable", "Jobs unavailable",
                f"The job store cannot be reached now ({type(exc).__name__}); try again "
                "shortly.")
    p.headers = {"Retry-After": "5"}
    return p


def _mine(state: dict | None) -> dict | None:
    """The job's state if this request's asker submitted it (or is an admin), else None."""
    if state is None:
        return None
    asker = auth.audience()
    if asker.admin or state["spec"].get("audience") == audience_text(asker):
        return state
    return None


def _status(job_id: str) -> dict | None:
    if len(job_id) > 64:
        return None
    try:
        return jobs().status(job_id)
    except _queue_errors() as exc:
        raise _unavailable(exc) from None


def _not_found() -> Problem:
    return Problem(404, "job-not-found", "Export job not found",
                   "There is no export job with that id (finished jobs are kept "
                   f"{current_app.config['JOB_RESULT_TTL']} s).")


@bp.post("")
def submit():
    data = request.get_json(silent=True)
    if data is None:
        raise Problem(400, "bad-request", "Bad request",
                      "The body must be JSON (Content-Type: application/json) with org and "
                      "format.")
    try:
        spec = validate(data, formats=ORG_FORMATS, langs=LANGUAGES,
                        max_text=int(current_app.config["MAX_QUERY_LENGTH"]),
                        max_depth=int(current_app.config["MAX_DEPTH"]))
    except JobError as exc:
        raise Problem(400, "bad-request", "Bad export request", str(exc)) from None
    entry = org_entry(spec.org)  # 404 for an org the asker may not see
    for pid in (spec.root, spec.around):
        if pid is not None:
            person_id(entry.graph, pid)
    # Whatever the body says, the job draws what the asker may see, and only they fetch it.
    spec = dataclasses.replace(spec, audience=audience_text(auth.audience()))
    try:
        job_id = jobs().submit(spec)
        state = jobs().status(job_id)
    except _queue_errors() as exc:
        raise _unavailable(exc) from None
    return _answer(job_json(state), 202, {"Location": url_for("exports.job", job_id=job_id)})


@bp.get("/<job_id>")
def job(job_id: str):
    state = _mine(_status(job_id))
    if state is None:
        raise _not_found()
    return _answer(job_json(state))


@bp.get("/<job_id>/file")
def job_file(job_id: str):
    state = _mine(_status(job_id))
    if state is None:
        raise _not_found()
    if state["state"] != "succeeded":
        raise Problem(409, "job-not-finished", "Export not ready",
                      f"The export is {state['state']}"
                      + (f": {state['error']}" if state["error"] else "; follow the job URL."))
    try:
        body = jobs().result(job_id)
    except _queue_errors() as exc:
        raise _unavailable(exc) from None
    if body is None:
        raise _not_found()
    spec = ExportSpec(**state["spec"])
    resp = Response(body, 200, mimetype=formats.get(spec.fmt).media_type)
    resp.headers["Content-Disposition"] = content_disposition(spec.filename())
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def init_app(app: Flask) -> None:
    """Give the app its :class:`~orgpath.jobs.Jobs` (backend from the settings)."""
    values = {s.name: app.config[s.key] for s in settings.SETTINGS}
    app.extensions["orgpath.jobs"] = Jobs(values, app.extensions["orgpath"])


def page_offer(people: int) -> bool:
    """True when an org page should offer its exports as jobs (more than ``job_budget``)."""
    return people > int(current_app.config["JOB_BUDGET"])


# --- OpenAPI -----------------------------------------------------------------------------


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The export job paths and the ``ExportRequest``/``ExportJob`` schemas."""
    text = {"type": "string", "minLength": 1, "maxLength": int(config["MAX_QUERY_LENGTH"])}
    view = obj({"root": text, "depth": {"type": "integer", "minimum": 0,
                                        "maximum": int(config["MAX_DEPTH"])},
                "around": text, "compact": {"type": "boolean"}, "pages": {"type": "boolean"}},
               required=[], **{"not": {"required": ["root", "around"]}})
    props = {"org": text, "format": {"enum": list(ORG_FORMATS)}, "view": view,
             "lang": {"enum": list(LANGUAGES)}, "audience": text}
    paged = {"required": ["view"], "properties": {"view": {
        "required": ["pages"], "properties": {"pages": {"const": True}}}}}
    rules = [{"if": paged, "then": {"properties": {"format": {"const": "pdf"}}}}]
    props["paper"] = {"enum": list(papers()), "description": "The paged PDF's paper "
                      "(view.pages true); default a4."}
    props["orientation"] = {"enum": list(orientations()), "description": "The paged PDF's "
                            "orientation (view.pages true); default landscape."}
    rules.append({"if": {"required": ["paper"]}, "then": paged})
    rules.append({"if": {"required": ["orientation"]}, "then": paged})
    schemas = {
        "ExportRequest": obj(props, required=["org", "format"], allOf=rules,
                             description="view.pages needs format pdf; paper and "
                                         "orientation need view.pages; root or around, "
                                         "not both."),
        "ExportJob": obj({
            "id": STR, "state": {"enum": ["queued", "running", "succeeded", "failed"]},
            "stage": STR, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "org": STR, "format": STR, "url": STR, "download": nullable("string"),
            "size": nullable("integer"), "error": nullable("string"),
            "note": nullable("string"), "attempts": INT,
            "worker": {**nullable("string"), "description": "Who ran the last attempt: "
                       "backend (threads or rq), host and process."}}),
    }
    job_id = param("job_id", "path", {"type": "string", "maxLength": 64}, "The job's id.")
    job_ok = {"description": "The job.", "content": {"application/json": {
        "schema": ref("ExportJob")}}}
    post = operation("Export an org chart as a job", "submitExport", [], {
        "description": "Accepted: follow Location.", "headers": {"Location": {
            "description": "The job URL.", "schema": STR}},
        "content": {"application/json": {"schema": ref("ExportJob")}}},
        tags=("exports",), errors={"404": problem("Unknown org or person."),
                                   "400": problem("The body is not valid; `detail` names "
                                                  "the field."),
                                   "304": None,
                                   "503": problem("The job store (Redis) cannot be reached; "
                                                  "Retry-After.")})["get"]
    post["requestBody"] = {"required": True, "content": {"application/json": {
        "schema": ref("ExportRequest")}}}
    post["responses"]["202"] = post["responses"].pop("200")
    files = {formats.get(f).mimetype: {"schema": {"type": "string"}} for f in ORG_FORMATS}
    plain = {"304": None, "503": None, "400": None}
    return {"schemas": schemas, "paths": {
        "/api/v1/exports": {"post": post},
        "/api/v1/exports/{job_id}": operation(
            "An export job's state and progress", "getExport", [job_id], job_ok,
            tags=("exports",), errors={**plain, "404": problem("Unknown or expired job.")}),
        "/api/v1/exports/{job_id}/file": operation(
            "A finished export", "getExportFile", [job_id],
            {"description": "The file.", "content": files}, tags=("exports",),
            errors={**plain, "404": problem("Unknown or expired job."),
                    "409": problem("The job has not succeeded (yet).")}),
    }}


bp.openapi_parts = openapi_parts

