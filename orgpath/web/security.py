"""HTTP hygiene for every response, and which proxies to believe.

:func:`init_app` adds one ``after_request`` that sets, on every answer (pages,
API, charts, static files, errors):

* ``Content-Security-Policy``: scripts only from ``/static`` (no inline script),
  ``frame-ancestors`` from the ``frame_ancestors`` setting. A response that
  already has a stricter policy (chart SVGs) keeps it, with ``frame-ancestors``
  added;
* ``X-Frame-Options`` matching ``frame_ancestors`` when that is ``'self'`` or
  ``'none'`` (older browsers);
* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``.

It also wraps the WSGI app so that ``X-Forwarded-For``/``X-Forwarded-Proto``
are honoured (werkzeug's ``ProxyFix``, one hop) only when the peer address is
in ``trusted_proxies``; from anyone else they are ignored. A request that came
over HTTPS (directly, or through a trusted proxy) gets ``Secure`` cookies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from orgpath.settings import SettingError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The policy of pages (and anything that does not bring its own).
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'")
_FRAME_OPTIONS = {"'self'": "SAMEORIGIN", "'none'": "DENY"}


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` as networks; :class:`SettingError` names a bad entry."""
    nets = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise SettingError(f"setting trusted_proxies: {part!r} is not an IP address "
                               "or CIDR range") from None
    return tuple(nets)


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` (one hop) for requests from trusted peers only."""

    def __init__(self, app: Any, networks: Iterable[Network]):
        self.app = app
        self.networks = tuple(networks)
        self.proxied = ProxyFix(app, x_for=1, x_proto=1)

    def trusted(self, peer: str | None) -> bool:
        """Is ``peer`` (``REMOTE_ADDR``) one of the trusted proxies?"""
        if not peer:
            return False
        try:
            addr = ipaddress.ip_address(peer.split("%", 1)[0])
        except ValueError:
            return False
        return any(addr in net for net in self.networks)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if self.networks and self.trusted(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.app(environ, start_response)


def _csp(existing: str | None, frame_ancestors: str) -> str:
    policy = existing or PAGE_CSP
    if "frame-ancestors" not in policy:
        policy = f"{policy}; frame-ancestors {frame_ancestors}"
    return policy


def init_app(app: Flask) -> None:
    """Install the security headers and the trusted-proxy middleware."""
    frame_ancestors = str(app.config["FRAME_ANCESTORS"]).strip() or "'self'"
    frame_options = _FRAME_OPTIONS.get(frame_ancestors)
    networks = parse_networks(str(app.config["TRUSTED_PROXIES"]))
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]

    page_csp = _csp(None, frame_ancestors)
    fixed = [("Referrer-Policy", "same-origin")]
    if frame_options:
        fixed.append(("X-Frame-Options", frame_options))

    @app.after_request
    def _headers(resp: Response) -> Response:
        # Headers.add, not set: a scan per header is measurable on the fastest routes.
        h = resp.headers
        policy = h.get("Content-Security-Policy")
        if policy is None:
            h.add("Content-Security-Policy", page_csp)
        elif "frame-ancestors" not in policy:
            h["Content-Security-Policy"] = _csp(policy, frame_ancestors)
        if "X-Content-Type-Options" not in h:
            h.add("X-Content-Type-Options", "nosniff")
        for name, value in fixed:
            h.add(name, value)
        return resp


def frame_ancestors_csp(policy: str) -> str:
    """``policy`` with this app's ``frame-ancestors`` added (for answers with their own CSP)."""
    from flask import current_app

    return _csp(policy, str(current_app.config["FRAME_ANCESTORS"]).strip() or "'self'")


__all__ = ["PAGE_CSP", "TrustedProxies", "frame_ancestors_csp", "init_app", "parse_networks"]
