"""``GET /healthz``: what is loaded, loading and failed to load (``Store.health()``).

Always 200 while the process can answer: a broken file leaves the last good
version serving, so the service is ``degraded``, not down; ``loading`` while a
file waits for its first load. Load balancers should look at ``status``.

Everyone gets the status, the counts and file names relative to the folder.
Only requests allowed to see details get the diagnostics' messages (they can
quote a file's content): for now those from a loopback address, judged by the
connection's address, never by a header, and not when a proxy relayed it.
``orgpath validate`` prints the full diagnostics on the server itself.
"""

from __future__ import annotations

import ipaddress

from flask import Blueprint, Response, request

from orgpath.web.cache import dumps
from orgpath.web.common import store

bp = Blueprint("health", __name__)

#: Headers a reverse proxy adds: a relayed request is not local, whatever its address.
_RELAYED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def may_see_details() -> bool:
    """Whether this request may see diagnostics' messages: it came from loopback, directly."""
    if any(h in request.headers for h in _RELAYED):
        return False
    # The address of the connection itself, even if a proxy fix rewrote REMOTE_ADDR.
    env = request.environ
    addr = env.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or env.get("REMOTE_ADDR")
    try:
        return ipaddress.ip_address(str(addr).split("%")[0]).is_loopback
    except ValueError:
        return False


@bp.get("/healthz")
def healthz():
    resp = Response(dumps(store().health(details=may_see_details())), 200,
                    mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp
