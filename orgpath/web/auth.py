"""Who is asking: the one place a request becomes a :class:`Viewer`.

In every mode an ``Authorization: Bearer <token>`` header is checked against the
tokens file (:mod:`orgpath.tokens`): a wrong or expired token answers 401. Else,
by the ``auth`` setting:

* ``none`` — everyone who can reach the port counts as signed in, without groups (what
  orgpath did before access control; allowed on loopback, ``orgpath serve`` checks);
* ``proxy`` — user, email and groups come from the ``proxy_*_header`` headers, but
  only when the request's peer address (the TCP peer, never ``X-Forwarded-For``)
  is in ``trusted_proxies``; from anywhere else the headers are ignored;
* ``oidc`` — orgpath signs people in itself with OpenID Connect (Authlib): ``/login``,
  ``/auth/callback``, ``/logout``; the session cookie is HttpOnly, SameSite=Lax and
  Secure over HTTPS.

:func:`viewer` is computed once per request, on first use. Every answer that
depended on who asks (``common.view_of`` says so) gets ``Vary`` on the headers that
identify people, and answers for a signed-in viewer are ``Cache-Control: private``.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface

from orgpath.audience import Audience
from orgpath.settings import SettingError
from orgpath.tokens import Token, TokenBook
from orgpath.web.errors import Problem
from orgpath.web.i18n import page_lang, remember_lang
from orgpath.web.security import parse_networks

MODES = ("none", "proxy", "oidc")


@dataclass(frozen=True)
class Viewer:
    """The person (or token) behind a request."""

    user: str | None = None
    email: str | None = None
    groups: frozenset[str] = frozenset()
    is_admin: bool = False
    authenticated: bool = False
    via: str | None = None  # "token", "proxy", "oidc"

    @cached_property
    def audience(self) -> Audience:
        """The :class:`~orgpath.audience.Audience` answers are built for."""
        return Audience(self.authenticated, self.groups, self.user, self.email, self.is_admin)


ANONYMOUS = Viewer()
#: Everyone under auth=none: today's behaviour, a trusted colleague (not an admin, no groups).
LOCAL = Viewer(authenticated=True, via="none")


def _in(addr: str | None, nets: tuple) -> bool:
    if not addr or not nets:
        return False
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in n for n in nets)


def peer_address() -> str | None:
    """The TCP peer of the request (before any X-Forwarded-For rewriting)."""
    env = request.environ
    orig = env.get("werkzeug.proxy_fix.orig")
    if orig and orig.get("REMOTE_ADDR"):
        return orig["REMOTE_ADDR"]
    return env.get("REMOTE_ADDR")


class _Auth:
    def __init__(self, app: Flask):
        cfg = app.config
        self.mode = cfg["AUTH"] or "none"
        self.proxies = parse_networks(cfg["TRUSTED_PROXIES"])
        self.tokens = TokenBook(cfg["TOKENS_FILE"] or None)
        self.admin = cfg["ADMIN_GROUP"] or None
        self.user_h = "HTTP_" + cfg["PROXY_USER_HEADER"].upper().replace("-", "_")
        self.email_h = "HTTP_" + cfg["PROXY_EMAIL_HEADER"].upper().replace("-", "_")
        self.groups_h = "HTTP_" + cfg["PROXY_GROUPS_HEADER"].upper().replace("-", "_")
        vary = ["Authorization", "Cookie"]
        if self.mode == "proxy":
            vary += [cfg["PROXY_USER_HEADER"], cfg["PROXY_EMAIL_HEADER"],
                     cfg["PROXY_GROUPS_HEADER"]]
        self.vary = vary
        self.vary_text = ", ".join(vary)
        self._token_viewers: dict[Token, Viewer] = {}

    def token_viewer(self, token: Token) -> Viewer:
        """The viewer of a token, made once per token (a token is re-read as a new object)."""
        v = self._token_viewers.get(token)
        if v is None:
            if len(self._token_viewers) > 1000:
                self._token_viewers.clear()
            v = self._token_viewers[token] = self.make("token:" + token.name, None,
                                                       token.groups, "token")
        return v

    def make(self, user: str | None, email: str | None, groups, via: str) -> Viewer:
        gs = frozenset(x.strip() for x in groups if x and x.strip())
        return Viewer(user or email, email or None, gs,
                      self.admin is not None and self.admin in gs, True, via)


def _unauthorized(detail: str) -> Problem:
    p = Problem(401, "unauthorized", "Unauthorized", detail)
    p.headers["WWW-Authenticate"] = 'Bearer realm="orgpath", error="invalid_token"'
    return p


def _identify(auth: _Auth) -> Viewer:
    env = request.environ
    header = env.get("HTTP_AUTHORIZATION")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer":
            token = token.strip()
            found = auth.tokens.check(token) if token else None
            if found is None:
                raise _unauthorized("The bearer token is not valid (unknown or revoked).")
            if found.expires is not None and found.expired():
                raise _unauthorized(f"The bearer token {found.name!r} has expired.")
            return auth.token_viewer(found)
    if auth.mode == "proxy":
        if not _in(peer_address(), auth.proxies):
            return ANONYMOUS
        user, email = env.get(auth.user_h, "").strip(), env.get(auth.email_h, "").strip()
        if not user and not email:
            return ANONYMOUS
        return auth.make(user, email, env.get(auth.groups_h, "").split(","), "proxy")
    if auth.mode == "oidc" and current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        who = session.get("viewer")
        if isinstance(who, dict):
            return auth.make(who.get("user"), who.get("email"), who.get("groups") or (), "oidc")
    return LOCAL if auth.mode == "none" else ANONYMOUS


def viewer() -> Viewer:
    """Who is asking (computed once per request); a bad bearer token raises a 401 problem."""
    v = g.get("orgpath_viewer")
    if v is None:
        v = _identify(current_app.extensions["orgpath.auth"])
        g.orgpath_viewer = v
    return v


def audience() -> Audience:
    """The audience of this request's answers."""
    return viewer().audience


def _mark(response: Response) -> Response:
    v = g.get("orgpath_viewer")
    if v is None:
        return response
    auth: _Auth = current_app.extensions["orgpath.auth"]
    h = response.headers
    signed = v.authenticated and v.via != "none"  # under auth=none all share one audience
    if not signed and not g.get("orgpath_audience_matters"):
        return response  # the same answer for everyone: nothing to vary on
    vary = h.get("Vary")
    if vary is None:
        h["Vary"] = auth.vary_text
    else:
        have = {x.strip().lower() for x in vary.split(",")}
        extra = [x for x in auth.vary if x.lower() not in have]
        if extra:
            h["Vary"] = ", ".join([vary, *extra])
    if signed:
        cc = h.get("Cache-Control")
        if cc is None:
            h["Cache-Control"] = "private, no-cache"
        elif "public" in cc:
            h["Cache-Control"] = cc.replace("public", "private")
    return response


class _Sessions(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


# --- OpenID Connect --------------------------------------------------------------------

bp = Blueprint("auth", __name__)
bp.after_request(remember_lang)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme) is followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or urlsplit(target).netloc:
        return url_for("pages.index")
    return target


@bp.get("/login")
def login():
    lang = page_lang()
    nxt = _safe_next(request.args.get("next"))
    return render_template("login.html", lang=lang,
                           start=url_for("auth.login_start", next=nxt, lang=lang))


@bp.get("/login/start")
def login_start():
    session["next"] = _safe_next(request.args.get("next"))
    client = current_app.extensions["orgpath.oidc"]
    return client.authorize_redirect(url_for("auth.callback", _external=True))


@bp.get("/auth/callback")
def callback():
    from authlib.integrations.base_client import OAuthError

    client = current_app.extensions["orgpath.oidc"]
    try:
        token = client.authorize_access_token()
    except OAuthError as exc:
        raise Problem(401, "sign-in-failed", "Sign-in failed",
                      f"The identity provider refused the sign-in: {exc.error}.") from None
    claims: dict[str, Any] = dict(token.get("userinfo") or {})
    claim = current_app.config["OIDC_GROUPS_CLAIM"]
    if claim not in claims:
        claims.update(client.userinfo(token=token))
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    domains = [d.strip().lower().lstrip("@") for d in
               current_app.config["OIDC_EMAIL_DOMAINS"].split(",") if d.strip()]
    if domains and (email is None or email.rsplit("@", 1)[-1].lower() not in domains):
        raise Problem(403, "sign-in-refused", "Sign-in refused",
                      "Your email address is not in a domain allowed to sign in here.")
    groups = claims.get(claim) or []
    if isinstance(groups, str):
        groups = groups.split(",")
    nxt = _safe_next(session.pop("next", None))
    session.clear()
    session["viewer"] = {"user": str(claims.get("preferred_username") or email
                                     or claims.get("sub")),
                         "email": email, "groups": [str(x) for x in groups][:200]}
    return redirect(nxt)


@bp.get("/logout")
def logout():
    session.clear()
    g.orgpath_viewer = ANONYMOUS
    return render_template("logout.html", lang=page_lang())


def login_url() -> str | None:
    """The sign-in page for templates (``None`` unless auth=oidc)."""
    if current_app.extensions["orgpath.auth"].mode != "oidc":
        return None
    return url_for("auth.login", next=request.full_path.rstrip("?"))


def init_app(app: Flask) -> None:
    """Check the auth settings, and register the viewer, its headers and (oidc) the pages."""
    auth = _Auth(app)
    app.extensions["orgpath.auth"] = auth
    cfg = app.config
    app.session_interface = _Sessions()
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    if auth.mode == "oidc":
        missing = [n for n in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "SECRET_KEY") if not cfg[n]]
        if missing:
            raise SettingError(f"setting auth=oidc needs {', '.join(m.lower() for m in missing)}"
                               " (ORGPATH_" + ", ORGPATH_".join(missing) + "); see "
                               "docs/privacy.md")
        from authlib.integrations.flask_client import OAuth

        oauth = OAuth(app)
        app.extensions["orgpath.oidc"] = oauth.register(
            "oidc", client_id=cfg["OIDC_CLIENT_ID"], client_secret=cfg["OIDC_CLIENT_SECRET"],
            server_metadata_url=cfg["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile"})
        app.register_blueprint(bp)
    app.secret_key = cfg["SECRET_KEY"] or secrets.token_hex(32)
    app.after_request(_mark)
    app.jinja_env.globals["login_url"] = login_url
    app.jinja_env.globals["viewer"] = viewer


__all__ = ["ANONYMOUS", "Viewer", "audience", "init_app",
           "peer_address", "viewer"]
