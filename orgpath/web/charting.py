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
import math
import time
from collections.abc import Callable

from flask import Response, current_app
from markupsafe import Markup

from orgpath import metrics
from orgpath.render.graphviz import PNG_DPI, RenderError
from orgpath.render.orgchart import CAIRO_MAX_SIDE, ChartError
from orgpath.text import download_name
from orgpath.web.budget import heavy
from orgpath.web.cache import cached_body, cached_response
from orgpath.web.common import content_disposition, int_arg, raw_arg
from orgpath.web.errors import Problem, bad_param, from_exception
from orgpath.web.security import frame_ancestors_csp

log = logging.getLogger("orgpath.web")

CHART_CACHE = "orgpath.chart_cache"
#: A chart SVG opened on its own runs nothing and loads nothing (its styles are inline).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def timed(key: tuple, draw: Callable[[], bytes]) -> Callable[[], bytes]:
    """``draw`` that records its duration in ``orgpath_render_seconds`` (kind: ``key[0]``)."""
    def run() -> bytes:
        t0 = time.perf_counter()
        body = draw()
        metrics.observe_render(str(key[0]), time.perf_counter() - t0)
        return body
    return run


def chart_body(key: tuple, draw: Callable[[], bytes], *, cli: str | None = None) -> bytes:
    """The chart's bytes: cached, or drawn now as heavy work (and cached)."""
    return cached_body(CHART_CACHE, key, lambda: heavy(key, timed(key, draw), cli=cli))[0]


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
    return cached_response(CHART_CACHE, key, lambda: heavy(key, timed(key, draw), cli=cli),
                           media, headers, private=private)


#: Runs of what a download name's parts may not hold (letters, digits, ``.``, ``_``, ``-``).
def png_dpi(fmt: str) -> tuple[int | None, str | None]:
    """The resolution asked for by ``dpi=`` or ``scale=`` (times 96), and which was used.

    ``(None, None)`` when neither is given. Either is a 400 naming it when it is not
    a number, not positive, above ``max_png_dpi``, given with the other, or given
    for a format other than PNG.
    """
    raw_dpi, raw_scale = raw_arg("dpi") or None, raw_arg("scale") or None
    if raw_dpi is None and raw_scale is None:
        return None, None
    name = "dpi" if raw_dpi is not None else "scale"
    if raw_dpi is not None and raw_scale is not None:
        raise bad_param("scale", "give dpi or scale, not both.")
    if fmt != "png":
        raise bad_param(name, f"{name} applies to PNG only, not {fmt}.")
    top = int(current_app.config["MAX_PNG_DPI"])
    if name == "dpi":
        dpi = int_arg("dpi", PNG_DPI, 1, top)
    else:
        try:
            scale = float(raw_scale)
        except ValueError:
            raise bad_param("scale", f"scale must be a number, not {raw_scale[:40]!r}.") from None
        most = top / PNG_DPI
        if not (scale > 0 and scale * PNG_DPI >= 1) or scale > most:
            raise bad_param("scale", f"scale must be above 0 and at most {most:g} "
                            f"(max_png_dpi {top} ÷ {PNG_DPI}), not {raw_scale[:40]}.")
        dpi = max(1, round(scale * PNG_DPI))
    return dpi, name


def check_png_pixels(width_pt: float, height_pt: float, dpi: int, param: str, *,
                     cli: str | None = None) -> None:
    """A 422 naming ``param`` when a ``width_pt`` × ``height_pt`` chart at ``dpi`` would be
    more pixels than ``max_png_pixels`` (or wider or taller than a bitmap can be)."""
    budget = int(current_app.config["MAX_PNG_PIXELS"])
    w, h = math.ceil(width_pt * dpi / 72), math.ceil(height_pt * dpi / 72)
    if w * h <= budget and max(w, h) < CAIRO_MAX_SIDE:
        return
    fits = math.floor(min(72 * math.sqrt(budget / max(width_pt * height_pt, 1e-9)),
                          72 * (CAIRO_MAX_SIDE - 1) / max(width_pt, height_pt, 1e-9)))
    hint = (f" At most dpi={fits} (scale={fits / PNG_DPI:.2f}) fits." if fits >= 1
            else " No resolution fits; draw a smaller part.")
    offline = f" Make it without the server: {cli}" if cli else ""
    raise Problem(422, "too-large", "Image too large",
                  f"{param}: the PNG would be {w:,} × {h:,} = {w * h:,} pixels, more than the "
                  f"limit of {budget:,} (max_png_pixels).{hint}{offline}", parameter=param)


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


__all__ = ["SVG_CSP", "chart_body", "chart_response", "check_png_pixels", "download_name",
           "inline_chart",
           "png_dpi", "svg_markup", "timed"]
