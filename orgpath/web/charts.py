"""Charts: ``/ladders/<ladder>/chart.<format>`` for svg, png, pdf, dot, json, graphml, mmd.

Query parameters: ``view`` (ladder, path, focus, reporting), ``from``/``to``
(path; ``by`` and ``alt`` pick the ``alt``-th best path, 0 is the best),
``focus`` and ``depth`` (focus), ``lang``, ``rankdir`` (BT, TB, LR),
``only=path``, ``salary=1`` and ``download=1`` (a ``Content-Disposition``
attachment). Charts are cached per worker by (file version, normalized
arguments, language) and carry an ETag, like the JSON API; drawing one is heavy
work (:mod:`orgpath.web.budget`), answered through :mod:`orgpath.web.charting`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from flask import Blueprint, current_app, request, url_for
from markupsafe import Markup

from orgpath import queries
from orgpath.render import FORMATS, RANKDIRS, VIEWS, Runner, formats, render_chart
from orgpath.render.graphviz import runner_from_settings
from orgpath.store import Entry
from orgpath.web.budget import heavy
from orgpath.web.charting import (
    chart_body,
    chart_response,
    check_png_pixels,
    download_name,
    inline_chart,
    png_dpi,
)
from orgpath.web.common import (
    bool_arg,
    check_lang,
    choice_arg,
    int_arg,
    ladder_entry,
    resolve_role,
    text_arg,
)
from orgpath.web.errors import bad_param
from orgpath.web.i18n import api_lang

bp = Blueprint("charts", __name__)

#: How many alternatives a path chart may reach into (``alt``).
MAX_ALT = 9


@dataclass(frozen=True)
class ChartArgs:
    """A chart request with every argument checked and normalized (role ids, not names)."""

    view: str = "ladder"
    path: tuple[str, ...] | None = None
    focus: str | None = None
    depth: int = 1
    rankdir: str | None = None
    only_path: bool = False
    salary: bool = False
    lang: str = "en"

    def key(self) -> tuple:
        return (self.view, self.path, self.focus, self.depth, self.rankdir, self.only_path,
                self.salary, self.lang)


def runner() -> Runner:
    """The app's Graphviz runner, its limits from the app's settings."""
    app = current_app
    r = app.extensions.get("orgpath.runner")
    if r is None:
        r = runner_from_settings(app.config)
        app.extensions["orgpath.runner"] = r
    return r


def chart_key(ladder_id: str, entry: Entry, fmt: str, args: ChartArgs) -> tuple:
    """The cache key of a ladder chart: file version, format and normalized arguments."""
    return ("chart", entry.version, ladder_id, fmt, *args.key())


def cli_command(ladder_id: str, fmt: str, args: ChartArgs, dpi: int | None = None, *,
                roles: int = 0) -> str:
    """The ``orgpath export`` command line that draws the same chart without the server.

    A ladder of more ``roles`` than the server draws gets the CLI's limit (the same
    ``max_chart_roles`` setting) raised for that one command.
    """
    limit = int(current_app.config["MAX_CHART_ROLES"])
    env = [f"ORGPATH_MAX_CHART_ROLES={roles}"] if roles > limit else []
    words = ["orgpath", "export", "path" if args.view == "path" else args.view,
             "--ladder", ladder_id]
    if args.view == "path" and args.path:
        words += ["--from", args.path[0], "--to", args.path[-1]]
        if args.only_path:
            words.append("--only-path")
    if args.view == "focus" and args.focus:
        words += ["--focus", args.focus, "--depth", str(args.depth)]
    if args.rankdir:
        words += ["--rankdir", args.rankdir]
    if args.salary:
        words.append("--salary")
    if dpi:
        words += ["--dpi", str(dpi)]
    words += ["--lang", args.lang, "-o", file_name(ladder_id, fmt, args, dpi)]
    return " ".join(env + [shlex.quote(w) for w in words])


def file_name(ladder_id: str, fmt: str, args: ChartArgs, dpi: int | None = None) -> str:
    """The download's name: ladder, view, focus role, language
    (``account-management-path-da.svg``)."""
    return download_name(ladder_id, args.view, args.focus, args.lang,
                         f"{dpi}dpi" if dpi else None, fmt=fmt)


def _draw(ladder_id: str, entry: Entry, fmt: str, args: ChartArgs,
          dpi: int | None = None) -> bytes:
    def link(rid: str) -> str:
        return url_for("pages.role", ladder=ladder_id, role=rid)

    return render_chart(
        entry.graph, args.view, fmt, lang=args.lang, rankdir=args.rankdir,
        path=list(args.path) if args.path else None, only_path=args.only_path,
        focus=args.focus, depth=args.depth, salary=args.salary, link=link,
        max_nodes=int(current_app.config["MAX_CHART_ROLES"]), runner=runner().at_dpi(dpi),
    )


def inline_svg(ladder_id: str, entry: Entry, args: ChartArgs) -> tuple[Markup | None, str | None]:
    """A ladder chart for a page: ``(svg, None)``, or ``(None, why it cannot be drawn)``."""
    return inline_chart(chart_key(ladder_id, entry, "svg", args),
                        lambda: _draw(ladder_id, entry, "svg", args),
                        cli=cli_command(ladder_id, "svg", args, roles=len(entry.graph)))


def career_paths(entry: Entry, a: str, b: str, by: str, k: int) -> list[queries.CareerPath]:
    """``queries.career_paths`` as heavy work: a slot, the request budget, failures kept."""
    return heavy(("paths", entry.version, a, b, by, k),
                 lambda: queries.career_paths(entry.graph, a, b, by=by, k=k))


def parse_args(entry: Entry, lang: str) -> ChartArgs:
    """Check and normalize a chart request's query string."""
    G = entry.graph
    view = choice_arg("view", VIEWS, "ladder")
    rankdir = choice_arg("rankdir", RANKDIRS, None)
    only = choice_arg("only", ("path",), None)
    salary = bool_arg("salary")
    depth = int_arg("depth", 1, 1, current_app.config["MAX_DEPTH"])
    path = focus = None
    if view == "path":
        a = resolve_role(G, text_arg("from", required=True), "from")
        b = resolve_role(G, text_arg("to", required=True), "to")
        by = choice_arg("by", queries.BY, "steps")
        alt = int_arg("alt", 0, 0, MAX_ALT)
        found = career_paths(entry, a, b, by, alt + 1)
        if alt >= len(found):
            raise bad_param("alt", f"there are only {len(found)} paths from {a} to {b}; "
                            f"alt must be below {len(found)}.")
        path = tuple(found[alt].roles)
    elif view == "focus":
        focus = resolve_role(G, text_arg("focus", required=True), "focus")
    return ChartArgs(view=view, path=path, focus=focus,
                     depth=depth if view == "focus" else 1, rankdir=rankdir,
                     only_path=only == "path" and view == "path", salary=salary, lang=lang)


@bp.get("/ladders/<ladder>/chart.<fmt>")
def chart(ladder: str, fmt: str):
    if fmt not in FORMATS:
        raise bad_param("format", f"format must be one of {', '.join(FORMATS)}, "
                        f"not {fmt[:40]!r}.", allowed=list(FORMATS))
    plain = not request.query_string  # the common case: no parameters to parse
    lang = check_lang(api_lang())
    entry = ladder_entry(ladder)
    args = ChartArgs(lang=lang) if plain else parse_args(entry, lang)
    download = False if plain else bool_arg("download")
    dpi, dpi_param = (None, None) if plain else png_dpi(fmt)
    cli = cli_command(ladder, fmt, args, dpi, roles=len(entry.graph))
    if dpi is not None:
        _check_png(ladder, entry, args, dpi, dpi_param, cli)
    return chart_response(
        chart_key(ladder, entry, fmt, args) + ((dpi,) if dpi else ()),
        lambda: _draw(ladder, entry, fmt, args, dpi),
        formats.get(fmt).media_type, fmt=fmt, cli=cli,
        filename=file_name(ladder, fmt, args, dpi) if download else None)


_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"', re.S)


def _check_png(ladder_id: str, entry: Entry, args: ChartArgs, dpi: int, param: str,
               cli: str) -> None:
    """A 422 naming ``param`` when the chart at ``dpi`` is over the pixel budget.

    The size comes from the same chart's SVG (cached once a page showed it): Graphviz
    lays it out the same way for every format.
    """
    svg = chart_body(chart_key(ladder_id, entry, "svg", args),
                     lambda: _draw(ladder_id, entry, "svg", args),
                     cli=cli_command(ladder_id, "svg", args, roles=len(entry.graph)))
    m = _SVG_SIZE.search(svg[:4096])
    if m is not None:
        check_png_pixels(float(m.group(1)), float(m.group(2)), dpi, param, cli=cli)
