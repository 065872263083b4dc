"""Which language a request gets: ``?lang=``, the ``lang`` cookie (pages), ``Accept-Language``.

Pages remember a ``?lang=`` choice in a cookie; the API is stateless and reads
only ``?lang=`` and ``Accept-Language``. The choice is made once per request
and kept on ``flask.g``; Flask-Babel's locale selector reads the same value,
so API routes, which never translate, never pay for Babel.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, current_app, g, request

from orgpath.model import DEFAULT_LANGUAGE, LANGUAGES

#: Language codes the site speaks, with their own names for the switcher.
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}
COOKIE_MAX_AGE = 365 * 24 * 3600


def _from_header() -> str | None:
    header = request.environ.get("HTTP_ACCEPT_LANGUAGE")
    if not header:
        return None
    return request.accept_languages.best_match(LANGUAGES)


def requested_lang() -> str | None:
    """``?lang=`` if it names a language we speak (anything else is ignored on pages)."""
    args = request.args
    value = args["lang"] if "lang" in args else None
    return value if value in LANGUAGES else None


def page_lang() -> str:
    """The language of an HTML page: ``?lang=``, the cookie, ``Accept-Language``, English."""
    lang = g.get("lang")
    if lang is None:
        lang = requested_lang()
        if lang is None:
            cookie = request.cookies.get(current_app.config["LANG_COOKIE"])
            lang = cookie if cookie in LANGUAGES else (_from_header() or DEFAULT_LANGUAGE)
        g.lang = lang
    return lang


def api_lang() -> str:
    """The language of a JSON answer or chart: ``?lang=``, ``Accept-Language``, English.

    An unknown ``?lang=`` is a client error here (the caller raises a 400 for it).
    """
    if request.query_string:
        args = request.args
        if "lang" in args:
            return args["lang"]
    return _from_header() or DEFAULT_LANGUAGE


def babel_locale() -> str:
    """Flask-Babel's locale selector."""
    try:
        return page_lang()
    except RuntimeError:  # outside a request
        return DEFAULT_LANGUAGE


def url_with_lang(lang: str) -> str:
    """The current URL with ``lang`` set (for the switcher)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"


def remember_lang(response: Response) -> Response:
    """After a page request with ``?lang=``: keep the choice in a cookie.

    The cookie is ``Secure`` when the request came over HTTPS (directly, or via a
    trusted proxy's ``X-Forwarded-Proto``; see :mod:`orgpath.web.security`).
    """
    lang = requested_lang()
    name = current_app.config["LANG_COOKIE"]
    if lang is not None and request.cookies.get(name) != lang:
        response.set_cookie(name, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
