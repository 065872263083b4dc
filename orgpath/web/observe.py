"""What operators watch: ``GET /metrics`` (Prometheus), request timings and JSON logs.

:func:`init_app` times every request into ``orgpath_request_seconds`` (labelled
by the route's rule, never the raw path, so ids do not explode the series) and,
with the ``json_logs`` setting, logs each request and every ``orgpath`` log
record as one JSON object per line.

``/metrics`` answers according to ``metrics_access``: ``loopback`` (the default)
only to a peer on 127.0.0.1 or ::1 that is not relaying someone else (no
``X-Forwarded-For`` or ``Forwarded`` header, so a reverse proxy on the same
machine does not open it to the world), ``anyone``, or ``off`` (404).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

from orgpath import metrics
from orgpath.web.common import store
from orgpath.web.errors import Problem
from orgpath.web.openapi import operation, problem

bp = Blueprint("observe", __name__)
log = logging.getLogger("orgpath.web.requests")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and any ``extra`` fields."""

    FIELDS = ("method", "route", "path", "status", "seconds", "remote", "job")

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
               + f".{int(record.msecs):03d}Z", "level": record.levelname.lower(),
               "logger": record.name, "message": record.getMessage()}
        for name in self.FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def use_json_logs() -> None:
    """Send the ``orgpath`` loggers' records to stderr as JSON lines (once per process)."""
    root = logging.getLogger("orgpath")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.propagate = False
    root.setLevel(logging.INFO)


def _loopback_peer() -> bool:
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False
    try:
        return ipaddress.ip_address(request.environ.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics_view():
    access = current_app.config["METRICS_ACCESS"]
    if access == "off":
        raise Problem(404, "not-found", "Not found", "Metrics are turned off "
                      "(the metrics_access setting).")
    if access == "loopback" and not _loopback_peer():
        raise Problem(403, "forbidden", "Forbidden",
                      "Metrics are answered on the loopback address only (the "
                      "metrics_access setting).")
    metrics.set_files(store().health())
    try:
        metrics.set_jobs(current_app.extensions["orgpath.jobs"].counts())
    except Exception as exc:  # Redis down: the other metrics still answer
        logging.getLogger("orgpath.web").warning("job counts unavailable: %s", exc)
    body, ctype = metrics.exposition()
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=ctype)


def _start() -> None:
    g.orgpath_t0 = time.perf_counter()


def _finish(resp: Response) -> Response:
    t0 = g.pop("orgpath_t0", None)
    if t0 is None:
        return resp
    seconds = time.perf_counter() - t0
    route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
    metrics.REQUEST_SECONDS.labels(route, request.method, str(resp.status_code)).observe(seconds)
    if current_app.config["JSON_LOGS"]:
        log.info("request", extra={"method": request.method, "route": route,
                                   "path": request.path, "status": resp.status_code,
                                   "seconds": round(seconds, 4),
                                   "remote": request.remote_addr})
    return resp


def init_app(app: Flask) -> None:
    """Time every request, log as JSON when ``json_logs`` is set, and serve ``/metrics``."""
    if app.config["JSON_LOGS"]:
        use_json_logs()
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)


def openapi_parts(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``GET /metrics``: the Prometheus text format."""
    ok = {"description": "Every metric (Prometheus text format 0.0.4).",
          "content": {"text/plain": {"schema": {"type": "string"}}}}
    return {"paths": {"/metrics": operation(
        "Prometheus metrics", "metrics", [], ok, tags=("service",),
        errors={"304": None, "400": None, "503": None,
                "403": problem("Not from the loopback address (metrics_access)."),
                "404": problem("Metrics are off (metrics_access).")})}}


bp.openapi_parts = openapi_parts

__all__ = ["JsonFormatter", "init_app", "use_json_logs"]
