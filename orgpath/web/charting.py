"""Chart responses shared by ladder and org charts: cache, budget, headers, inline SVG.

A chart route builds its cache key (the entry versions plus the normalized
arguments) and a ``draw()`` that makes the bytes, then calls
:func:`chart_response` (a file) or :func:`inline_chart` (an SVG for a page).
Both answer from the chart cache when they can; otherwise ``draw()`` runs as
heavy work (:func:`orgpath.web.budget.heavy`: a slot, the request budget,
failures remembered briefly).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response
from markupsafe import Markup

from orgpath.render.graphviz import RenderError
from orgpath.render.orgchart import ChartError
from orgpath.web.budget import heavy
from orgpath.web.cache import cached_body, cached_response
from orgpath.web.common import content_disposition
from orgpath.web.errors import Problem, from_exception
from orgpath.web.security import frame_ancestors_csp

log = logging.getLogger("orgpath.web")

CHART_CACHE = "orgpath.chart_cache"
#: A chart SVG opened on its own runs nothing and loads nothing (its styles are inline).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def chart_body(key: tuple, draw: Callable[[], bytes], *, cli: str | None = None) -> bytes:
    """The chart's bytes: cached, or drawn now as heavy work (and cached)."""
    return cached_body(CHART_CACHE, key, lambda: heavy(key, draw, cli=cli))[0]


def chart_response(key: tuple, draw: Callable[[], bytes], media: str, *, fmt: str,
                   filename: str | None = None, private: bool = False,
                   cli: str | None = None) -> Response:
    """A chart file: cached with ETag/304, the SVG CSP for ``svg``, and a download name.

    ``filename`` (any text) makes it an attachment; ``private=True`` for charts of
    people; ``cli`` is the command that draws the same chart offline (named in 503s).
    """
    headers = {}
    if fmt == "svg":
        headers["Content-Security-Policy"] = frame_ancestors_csp(SVG_CSP)
    if filename is not None:
        headers["Content-Disposition"] = content_disposition(filename)
    return cached_response(CHART_CACHE, key, lambda: heavy(key, draw, cli=cli), media, headers,
                           private=private)


def svg_markup(body: bytes) -> Markup:
    """Our Graphviz SVG ready to inline in a page: the XML prolog and comments cut off.

    Safe to mark up only because orgpath wrote it: every user text in it was
    escaped before it reached DOT.
    """
    text = body.decode("utf-8")
    start = text.find("<svg")
    return Markup(text[start:] if start >= 0 else "")


def inline_chart(key: tuple, draw: Callable[[], bytes], *,
                 cli: str | None = None) -> tuple[Markup | None, str | None]:
    """``(svg, None)`` for a page, or ``(None, why)`` when it cannot be drawn now.

    A page still shows when its chart fails (timeout, too large, busy server).
    """
    try:
        return svg_markup(chart_body(key, draw, cli=cli)), None
    except (RenderError, ChartError, Problem) as exc:
        log.warning("inline chart %s failed: %s", key[:4], exc)
        return None, from_exception(exc).detail


__all__ = ["SVG_CSP", "chart_body", "chart_response", "inline_chart", "svg_markup"]
