"""``GET /healthz``: what is loaded and what failed to load (``Store.health()``).

Always 200 while the process can answer: a broken file leaves the last good
version serving, so the service is ``degraded``, not down. Load balancers
should look at ``status``.
"""

from __future__ import annotations

from flask import Blueprint, Response

from orgpath.web.auth import sees_details
from orgpath.web.cache import dumps
from orgpath.web.common import store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    health = store().health()
    if not sees_details():
        health = {"status": health["status"]}
    resp = Response(dumps(health), 200, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp
