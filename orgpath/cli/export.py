"""``orgpath export``: draw a ladder, a path, a focus role or the reporting lines to a file.

The format comes from ``--format``, else from the suffix of ``-o FILE``, else
SVG. ``-o -`` (the default) writes to stdout. Files are written atomically
(a temporary file renamed into place), so a failure never leaves half a file.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import click
import networkx as nx

from orgpath import queries
from orgpath.cli.errors import CleanGroup
from orgpath.model import LANGUAGES
from orgpath.render import FORMATS, RANKDIRS, format_for, render_chart
from orgpath.render.exporters import DRAWN

BINARY = DRAWN[1:]  # png, pdf: never to a terminal


@click.group("export", cls=CleanGroup)
def export() -> None:
    """Draw a chart of a ladder: svg, png, pdf, dot, json, graphml or mmd (Mermaid).

    \b
    Examples:
      orgpath export ladder -o ladder.svg
      orgpath export ladder --lang da --salary -o stige.pdf
      orgpath export path --from "assistant account manager" --to kundechef -o path.png
      orgpath export focus --focus account-manager --depth 2 --format mmd
      orgpath export reporting --format json -o -
    """


def _common(fn: Callable) -> Callable:
    options = [
        click.option("--ladder", "ladder_id", metavar="ID",
                     help="Ladder id. [default: the only one, or account-management]"),
        click.option("--format", "fmt", type=click.Choice(FORMATS),
                     help="Output format. [default: from -o's suffix, else svg]"),
        click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
                     help="Language of role titles (English when a title has no translation)."),
        click.option("--rankdir", type=click.Choice(RANKDIRS, case_sensitive=False),
                     help="Direction: BT (bottom up), TB or LR. [default: BT; TB for reporting]"),
        click.option("--salary", is_flag=True, help="Show salary bands in the boxes."),
        click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
                     help="Where to write; '-' is stdout."),
        click.option("--base-url", metavar="URL",
                     help="Link each box to its role page on the orgpath site at URL "
                          "(e.g. https://careers.example.com)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return click.pass_obj(fn)


def _graph(store, ladder_id: str | None) -> nx.MultiDiGraph:
    return store.graph(ladder_id or store.default_ladder_id())


def _resolve_format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    if output == "-":
        return "svg"
    found = format_for(output)
    if found is None:
        raise click.UsageError(
            f"cannot tell the format from {output!r}; use --format "
            f"({', '.join(FORMATS)}) or a file name ending .svg, .png, .pdf, .dot, .json, "
            ".graphml or .mmd"
        )
    return found


def write_output(data: bytes | Callable[[BinaryIO], None], output: str, fmt: str) -> None:
    """Write ``data`` to stdout (``-``) or atomically to the file ``output``.

    ``data`` may be a function that writes to a binary file (for output too big to hold).
    """
    if callable(data):
        buf = io.BytesIO() if output == "-" else None
        if buf is not None:
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


def _emit(G: nx.MultiDiGraph, view: str, fmt: str | None, output: str, base_url: str | None,
          **options) -> None:
    fmt = _resolve_format(fmt, output)
    if base_url:
        options["link"] = role_links(base_url, G.graph["id"], options.get("lang", "en"))
    data = render_chart(G, view, fmt, **options)
    write_output(data, output, fmt)
    if output != "-":
        click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)


@export.command("ladder")
@_common
def ladder_cmd(store, ladder_id, fmt, lang, rankdir, salary, output, base_url) -> None:
    """Every role by level, every promotion and lateral move."""
    G = _graph(store, ladder_id)
    _emit(G, "ladder", fmt, output, base_url, lang=lang, rankdir=rankdir, salary=salary)


@export.command("path")
@click.option("--from", "source", required=True, metavar="ROLE",
              help="Start role: id, title or alias.")
@click.option("--to", "target", required=True, metavar="ROLE", help="Goal role.")
@click.option("--by", type=click.Choice(queries.BY), default="steps", show_default=True,
              help="Best path by number of moves or by total typical years.")
@click.option("--only-path", is_flag=True, help="Draw only the path's roles.")
@_common
def path_cmd(store, source, target, by, only_path, ladder_id, fmt, lang, rankdir, salary,
             output, base_url) -> None:
    """The ladder with the best path from --from to --to highlighted."""
    G = _graph(store, ladder_id)
    a, b = queries.find_role(G, source), queries.find_role(G, target)
    best = queries.career_paths(G, a, b, by=by, k=1)[0]
    _emit(G, "path", fmt, output, base_url, path=best.roles, only_path=only_path, lang=lang,
          rankdir=rankdir, salary=salary)


@export.command("focus")
@click.option("--focus", "role", required=True, metavar="ROLE",
              help="The role in the middle: id, title or alias.")
@click.option("--depth", type=click.IntRange(1, 10), default=1, show_default=True,
              help="How many moves before and after.")
@_common
def focus_cmd(store, role, depth, ladder_id, fmt, lang, rankdir, salary, output,
              base_url) -> None:
    """One role, the roles before and after it, and its reporting chain."""
    G = _graph(store, ladder_id)
    rid = queries.find_role(G, role)
    _emit(G, "focus", fmt, output, base_url, focus=rid, depth=depth, lang=lang, rankdir=rankdir,
          salary=salary)


@export.command("reporting")
@_common
def reporting_cmd(store, ladder_id, fmt, lang, rankdir, salary, output, base_url) -> None:
    """Reporting lines between roles: top role at the top, dotted lines dashed."""
    G = _graph(store, ladder_id)
    _emit(G, "reporting", fmt, output, base_url, lang=lang, rankdir=rankdir, salary=salary)


COMMANDS = [export]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(export())
