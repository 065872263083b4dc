"""``orgpath export``: draw a ladder, a path, a focus role or the reporting lines to a file.

The format comes from ``--format``, else from the suffix of ``-o FILE``, else
SVG. ``-o -`` (the default) writes to stdout. Files are written atomically
(a temporary file renamed into place), so a failure, or SIGTERM, never leaves
half a file. ``-o FILE`` is refused over an input file or inside the graphs
folder unless ``--force``.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import click
import networkx as nx

from orgpath import queries, settings
from orgpath.cli.errors import CleanGroup
from orgpath.model import LANGUAGES
from orgpath.render import FORMATS, RANKDIRS, format_for, render_chart
from orgpath.render.exporters import DRAWN
from orgpath.render.graphviz import PNG_DPI, default_runner
from orgpath.text import printable

BINARY = (*DRAWN[1:], "pptx", "xlsx")  # never to a terminal


@click.group("export", cls=CleanGroup)
def export() -> None:
    """Draw a chart of a ladder: svg, png, pdf, dot, json, graphml, mmd (Mermaid) or pptx.

    pptx (PowerPoint, editable shapes) is made by 'ladder' and 'path'.

    \b
    Examples:
      orgpath export ladder -o ladder.svg
      orgpath export ladder --lang da --salary -o stige.pdf
      orgpath export path --from "assistant account manager" --to kundechef -o path.png
      orgpath export ladder --dpi 300 -o ladder.png
      orgpath export focus --focus account-manager --depth 2 --format mmd
      orgpath export reporting --format json -o -
      orgpath export path --from "assistant account manager" --to kundechef -o path.pptx
    """


force_option = click.option(
    "--force", is_flag=True,
    help="Write -o FILE even over one of the input files or inside the graphs folder.")


def png_options(fn: Callable) -> Callable:
    """``--dpi`` and ``--scale``: the resolution of a PNG."""
    fn = click.option("--scale", type=click.FloatRange(min=0, min_open=True), metavar="X",
                      help=f"PNG only: X times the default resolution ({PNG_DPI} dpi).")(fn)
    return click.option("--dpi", type=click.IntRange(1), metavar="N",
                        help=f"PNG only: the resolution in dots per inch. [default: {PNG_DPI}]"
                        )(fn)


def png_dpi(dpi: int | None, scale: float | None, fmt: str) -> int | None:
    """The resolution ``--dpi`` or ``--scale`` asks for (None: the default); usage errors
    for both at once or for a format other than PNG."""
    if dpi is None and scale is None:
        return None
    if dpi is not None and scale is not None:
        raise click.UsageError("give --dpi or --scale, not both")
    if fmt != "png":
        raise click.UsageError(f"--dpi and --scale are for PNG, not {fmt}")
    return dpi if dpi is not None else max(1, round(scale * PNG_DPI))


def _common(fn: Callable) -> Callable:
    options = [
        click.option("--ladder", "ladder_id", metavar="ID",
                     help="Ladder id. [default: the only one, or account-management]"),
        click.option("--format", "fmt", type=click.Choice((*FORMATS, "pptx")),
                     help="Output format. [default: from -o's suffix, else svg]"),
        click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
                     help="Language of role titles (English when a title has no translation)."),
        click.option("--rankdir", type=click.Choice(RANKDIRS, case_sensitive=False),
                     help="Direction: BT (bottom up), TB or LR. [default: BT; TB for reporting]"),
        click.option("--salary", is_flag=True, help="Show salary bands in the boxes."),
        click.option("--audience", default="all", show_default=True,
                     metavar="public|authenticated|group:NAME|all",
                     help="Draw only what this audience may see (the ladder's access: rules)."),
        click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
                     help="Where to write; '-' is stdout."),
        click.option("--base-url", metavar="URL",
                     help="Link each box to its role page on the orgpath site at URL "
                          "(e.g. https://careers.example.com)."),
        force_option,
        png_options,
    ]
    for option in reversed(options):
        fn = option(fn)
    return click.pass_obj(fn)


def _graph(store, ladder_id: str | None, audience: str = "all") -> nx.MultiDiGraph:
    from orgpath.audience import Audience, ladder_view
    from orgpath.graph import ladder_graph

    G = store.graph(ladder_id or store.default_ladder_id())
    try:
        who = Audience.parse(audience)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--audience") from None
    view = ladder_view(G.graph["ladder"], who)
    if view is None:
        raise click.UsageError(f"the audience {audience} may not see ladder {G.graph['id']!r} "
                               "(its access: view)")
    return G if view is G.graph["ladder"] else ladder_graph(view)


def _resolve_format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    if output == "-":
        return "svg"
    found = "pptx" if output.lower().endswith(".pptx") else format_for(output)
    if found is None:
        raise click.UsageError(
            f"cannot tell the format from {output!r}; use --format "
            f"({', '.join(FORMATS)}, pptx) or a file name ending .svg, .png, .pdf, .dot, "
            ".json, .graphml, .mmd or .pptx (ladder and path)"
        )
    return found


def check_output(output: str, *, inputs: Iterable[str | Path | None] = (),
                 graphs: str | Path | None = None, force: bool = False) -> None:
    """Refuse (exit 1, nothing written) an ``output`` that is an input or in the graphs folder.

    ``inputs`` are the files the chart was drawn from (the ladder, the people
    file, its manifest); ``graphs`` is the graphs folder, whose files the server
    reads. Symlinks are followed. ``force`` allows both.
    """
    if output == "-" or force:
        return
    target = Path(output).resolve()
    for source in inputs:
        if source is not None and Path(source).resolve() == target:
            raise click.ClickException(
                printable(f"{output} is an input of this chart ({source}); refusing to write "
                          "over it (use another -o FILE, or --force)"))
    if graphs is not None and Path(graphs).resolve() in target.parents:
        raise click.ClickException(
            printable(f"{output} is in the graphs folder ({graphs}), whose files are read as "
                      "ladders and orgs; refusing to write there (use --force to write anyway)"))


def write_output(data: bytes | Callable[[BinaryIO], None], output: str, fmt: str, *,
                 inputs: Iterable[str | Path | None] = (), graphs: str | Path | None = None,
                 force: bool = False) -> None:
    """Write ``data`` to stdout (``-``) or atomically to the file ``output``.

    ``data`` may be a function that writes to a binary file (for output too big to
    hold). See :func:`check_output` for ``inputs``, ``graphs`` and ``force``.
    """
    check_output(output, inputs=inputs, graphs=graphs, force=force)
    if callable(data) and output == "-":
        buf = io.BytesIO()
        data(buf)
        data = buf.getvalue()
    if output == "-":
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", sys.stdout)
        if fmt in BINARY and stream.isatty():
            raise click.UsageError(f"{fmt} is binary; write it to a file with -o FILE")
        stream.write(data)
        stream.flush()
        return
    target = Path(output)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"no such folder: {folder}")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def role_links(base_url: str, ladder_id: str, lang: str) -> Callable[[str], str]:
    """Role page URLs on the orgpath site at ``base_url``.

    >>> role_links("https://x.example/", "am", "da")("lead")
    'https://x.example/ladders/am/roles/lead?lang=da'
    """
    base = base_url.rstrip("/")
    return lambda rid: f"{base}/ladders/{quote(ladder_id)}/roles/{quote(rid)}?lang={lang}"


def _emit(store, G: nx.MultiDiGraph, view: str, fmt: str | None, output: str,
          base_url: str | None, *, force: bool, dpi: int | None = None,
          scale: float | None = None, **options) -> None:
    fmt = _resolve_format(fmt, output)
    resolution = png_dpi(dpi, scale, fmt)
    if resolution is not None:
        options["runner"] = default_runner().at_dpi(resolution)
    where = {"inputs": [G.graph["ladder"].path], "graphs": store.folder, "force": force}
    check_output(output, **where)  # before drawing: a refused -o costs nothing
    if base_url:
        options["link"] = role_links(base_url, G.graph["id"], options.get("lang", "en"))
    if fmt == "pptx":
        data = _pptx(G, view, **options)
    else:
        options.setdefault("max_nodes", settings.get("max_chart_roles"))
        data = render_chart(G, view, fmt, **options)
    write_output(data, output, fmt, **where)
    if output != "-":
        click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)


def _pptx(G: nx.MultiDiGraph, view: str, *, lang: str = "en", path=None, **_ignored) -> bytes:
    """A PowerPoint deck of the ladder (``view`` ladder) or of a path and the ladder."""
    from orgpath.render.pptx import ladder_pptx

    if view not in ("ladder", "path"):
        raise click.UsageError("pptx is made for 'export ladder' and 'export path'")
    return ladder_pptx(G, lang=lang, path=path)


@export.command("ladder")
@_common
def ladder_cmd(store, ladder_id, fmt, lang, rankdir, salary, audience, output, base_url,
               force, dpi, scale) -> None:
    """Every role by level, every promotion and lateral move."""
    G = _graph(store, ladder_id, audience)
    _emit(store, G, "ladder", fmt, output, base_url, force=force, lang=lang, rankdir=rankdir,
          salary=salary, dpi=dpi, scale=scale)


@export.command("path")
@click.option("--from", "source", required=True, metavar="ROLE",
              help="Start role: id, title or alias.")
@click.option("--to", "target", required=True, metavar="ROLE", help="Goal role.")
@click.option("--by", type=click.Choice(queries.BY), default="steps", show_default=True,
              help="Best path by number of moves or by total typical years.")
@click.option("--only-path", is_flag=True, help="Draw only the path's roles.")
@_common
def path_cmd(store, source, target, by, only_path, ladder_id, fmt, lang, rankdir, salary,
             audience, output, base_url, force, dpi, scale) -> None:
    """The ladder with the best path from --from to --to highlighted."""
    G = _graph(store, ladder_id, audience)
    a, b = queries.find_role(G, source), queries.find_role(G, target)
    best = queries.career_paths(G, a, b, by=by, k=1)[0]
    _emit(store, G, "path", fmt, output, base_url, force=force, path=best.roles,
          only_path=only_path, lang=lang, rankdir=rankdir, salary=salary, dpi=dpi, scale=scale)


@export.command("focus")
@click.option("--focus", "role", required=True, metavar="ROLE",
              help="The role in the middle: id, title or alias.")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True,
              help="How many moves before and after.")
@_common
def focus_cmd(store, role, depth, ladder_id, fmt, lang, rankdir, salary, audience, output,
              base_url, force, dpi, scale) -> None:
    """One role, the roles before and after it, and its reporting chain."""
    G = _graph(store, ladder_id, audience)
    rid = queries.find_role(G, role)
    _emit(store, G, "focus", fmt, output, base_url, force=force, focus=rid, depth=depth,
          lang=lang, rankdir=rankdir, salary=salary, dpi=dpi, scale=scale)


@export.command("reporting")
@_common
def reporting_cmd(store, ladder_id, fmt, lang, rankdir, salary, audience, output, base_url,
                  force, dpi, scale) -> None:
    """Reporting lines between roles: top role at the top, dotted lines dashed."""
    G = _graph(store, ladder_id, audience)
    _emit(store, G, "reporting", fmt, output, base_url, force=force, lang=lang,
          rankdir=rankdir, salary=salary, dpi=dpi, scale=scale)


COMMANDS = [export]
