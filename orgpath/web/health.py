"""``GET /healthz``: what is loaded, loading and failed to load (``Store.health()``).

Always 200 while the process can answer: a broken file leaves the last good
version serving, so the service is ``degraded``, not down; ``loading`` while a
file waits for its first load. Load balancers should look at ``status``.

Everyone gets the status, the counts and file names relative to the folder.
Only requests allowed to see details get the diagnostics' messages (they can
quote a file's content): the admin group (``admin_group``), and those from a
loopback address, judged by the connection's address, never by a header, and
not when a proxy relayed it. Others see only the ladders and orgs they may see
(:mod:`orgpath.audience`), and the errors of those files.
``orgpath validate`` prints the full diagnostics on the server itself.
"""

from __future__ import annotations

import ipaddress

from flask import Blueprint, Response, request

from orgpath.web.auth import viewer
from orgpath.web.cache import dumps
from orgpath.web.common import store, visible_entries

bp = Blueprint("health", __name__)

#: Headers a reverse proxy adds: a relayed request is not local, whatever its address.
_RELAYED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def may_see_details() -> bool:
    """Whether this request may see diagnostics' messages: the admin group, or it came
    from loopback, directly."""
    if viewer().is_admin:
        return True
    if any(h in request.headers for h in _RELAYED):
        return False
    # The address of the connection itself, even if a proxy fix rewrote REMOTE_ADDR.
    env = request.environ
    addr = env.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or env.get("REMOTE_ADDR")
    try:
        return ipaddress.ip_address(str(addr).split("%")[0]).is_loopback
    except ValueError:
        return False


def _visible_only(health: dict) -> dict:
    """The health answer without the ladders and orgs hidden from the caller (nor the
    errors of their files)."""
    seen = {kind: {e.id for e in visible_entries(kind)} for kind in ("ladder", "org")}
    hidden = set()
    for kind, key in (("ladder", "ladders"), ("org", "orgs")):
        hidden |= {x["file"] for x in health[key] if x["id"] not in seen[kind]}
        health[key] = [x for x in health[key] if x["id"] in seen[kind]]
    # a file that never loaded has no rules to judge it by: its name (not its text) stays
    health["errors"] = [e for e in health["errors"] if e["file"] not in hidden]
    return health


@bp.get("/healthz")
def healthz():
    details = may_see_details()
    health = store().health(details=details)
    if not details:
        health = _visible_only(health)
    resp = Response(dumps(health), 200, mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp
