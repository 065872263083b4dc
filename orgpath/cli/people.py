"""``orgpath people ...`` (check and query a people file) and ``orgpath export org``.

A people FILE is a path to a ``.csv`` / ``.people.json`` file, or the id of an
org in the graphs folder (``agency`` for ``graphs/agency.csv``). The ladder its
roles come from is ``--ladder-file FILE``, else ``--ladder ID`` from the graphs
folder's :class:`~orgpath.store.Store`, else what the store (and so the web)
uses: the manifest's ``ladder:``, else the folder's only ladder. ``--json``
prints the shapes of :mod:`orgpath.serialize`, the same as the org API.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import click
import networkx as nx

from orgpath import org as orgq
from orgpath import serialize
from orgpath.cli.errors import CleanCommand, CleanGroup
from orgpath.cli.export import force_option, png_options
from orgpath.diagnostics import ERROR, InputError
from orgpath.model import LANGUAGES
from orgpath.peoplefile import load_manifest, manifest_path, read_org
from orgpath.render import formats
from orgpath.text import printable

SUFFIXES = formats.suffixes("org")
CHART_FORMATS = formats.names("org")
#: Formats written by orgpath.render.pptx / sheets rather than drawn as a chart.
HR_FORMATS = ("pptx", "csv", "xlsx")


# --- loading ----------------------------------------------------------------------------


def _store(ctx: click.Context):
    """The graphs folder's store: the one ``orgpath --graphs`` made, else the default."""
    from orgpath.store import Store

    obj = ctx.find_object(Store)
    if obj is None:
        from orgpath.resources import default_graphs_dir

        obj = Store(default_graphs_dir())
    return obj


def _people_path(ctx: click.Context, people: str) -> Path:
    path = Path(people)
    if path.exists():
        return path
    if "/" not in people and "\\" not in people:
        from orgpath.store import Store

        ladders = _store(ctx)
        try:  # an org id: read the folder's orgs too (the CLI's store reads ladders only)
            return Store(ladders.folder, values=ladders.values).entry("org", people).path
        except LookupError:
            pass
    raise click.ClickException(f"no such people file or org: {people}")


def _ladder(ctx: click.Context, path: Path, ladder_file: Path | None,
            ladder_id: str | None) -> nx.MultiDiGraph | None:
    """The ladder graph an org's roles come from, or None when there is none to use.

    ``--ladder-file``, else ``--ladder``, else as the web's store decides: the
    manifest's ``ladder:``, else the graphs folder's only ladder.
    """
    from orgpath.graph import ladder_graph

    if ladder_file is not None:
        from orgpath.ladderfile import read_ladder

        ladder, diags = read_ladder(ladder_file)
        if ladder is None:
            raise InputError([d for d in diags if d.severity == ERROR])
        return ladder_graph(ladder)
    store = _store(ctx)
    if ladder_id is not None:
        return store.graph(ladder_id)
    mpath = manifest_path(path)
    wanted = (load_manifest(mpath) or {}).get("ladder") if mpath.exists() else None
    if wanted is None:
        ids = store.ladder_ids()
        return store.graph(ids[0]) if len(ids) == 1 else None
    try:
        return store.graph(wanted)
    except LookupError:
        click.echo(f"warning: the manifest's ladder {wanted!r} is not in the graphs folder; "
                   "roles are not checked", err=True)
        return None


def load(ctx: click.Context, people: str, ladder_file: Path | None = None,
         ladder_id: str | None = None) -> tuple[nx.DiGraph, nx.MultiDiGraph | None]:
    """Read a people file (printing its warnings) or fail with its errors."""
    path = _people_path(ctx, people)
    L = _ladder(ctx, path, ladder_file, ladder_id)
    org, diags = read_org(path, L)
    if org is None:
        for d in diags:
            click.echo(str(d), err=True)
        n = sum(1 for d in diags if d.severity == ERROR)
        raise click.ClickException(f"{path}: rejected ({n} error{'s' * (n != 1)} shown)")
    for d in diags:
        click.echo(str(d), err=True)
    return orgq.org_graph(org), L


def for_audience(G: nx.DiGraph, L: nx.MultiDiGraph | None,
                 audience: str) -> tuple[nx.DiGraph, nx.MultiDiGraph | None]:
    """The org and ladder graphs as ``audience`` may see them (``all``: unchanged)."""
    from orgpath.audience import Audience, ladder_view, org_view
    from orgpath.graph import ladder_graph

    try:
        who = Audience.parse(audience)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--audience") from None
    org = G.graph["org"]
    view = org_view(org, who)
    if view is None:
        raise click.UsageError(f"the audience {audience} may not see org {org.id!r} "
                               "(its manifest's access: view)")
    if L is not None:
        lv = ladder_view(L.graph["ladder"], who)
        L = None if lv is None else L if lv is L.graph["ladder"] else ladder_graph(lv)
    return (G if view is org else orgq.org_graph(view)), L


def _ladder_options(fn: Callable) -> Callable:
    fn = click.option("--ladder", "ladder_id", metavar="ID",
                      help="Ladder id in the graphs folder. [default: the manifest's]")(fn)
    fn = click.option("--ladder-file", type=click.Path(dir_okay=False, path_type=Path,
                                                       exists=True),
                      help="Ladder file the roles come from.")(fn)
    return fn


def _people_option(fn: Callable) -> Callable:
    return click.option("--people", "people", required=True, metavar="FILE",
                        help="People file (.csv/.people.json) or org id.")(fn)


def _title(p, L: nx.MultiDiGraph | None) -> str:
    if p.title or not p.role:
        return p.title or ""
    if L is not None and p.role in L:
        return L.nodes[p.role]["role"].name("en")
    return p.role


def _print_people(G: nx.DiGraph, ids: list[str], L: nx.MultiDiGraph | None = None) -> None:
    from orgpath.cli.output import table

    persons = [G.nodes[v]["person"] for v in ids]
    rows = [[p.id, p.name + (" (vacant)" if p.vacant else ""), _title(p, L),
             p.department or ""] for p in persons]
    click.echo(table(["id", "name", "title", "department"], rows))


def _emit(data: object) -> None:
    from orgpath.cli.output import emit_json

    emit_json(data)


_json_option = click.option("--json", "as_json", is_flag=True,
                            help="Print JSON: the API's shape for the same question.")
_lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default="en",
                            show_default=True, help="Language of ladder role titles.")


# --- orgpath people ---------------------------------------------------------------------


@click.group("people", cls=CleanGroup)
def people() -> None:
    """Check and query org charts of people (CSV or .people.json files).

    \b
    Examples:
      orgpath people validate graphs/agency.csv
      orgpath people chain a12 --people agency
      orgpath people show a12 --people agency --json
      orgpath people reports a01 --people agency --depth 2
      orgpath people stats --people agency
    """


@people.command("validate")
@click.argument("file", metavar="FILE")
@_ladder_options
@click.option("--json", "as_json", is_flag=True, help="Print the diagnostics as JSON.")
@click.pass_context
def validate_cmd(ctx, file, ladder_file, ladder_id, as_json) -> None:
    """Check a people file: exit 1 when it has errors (warnings are fine)."""
    path = _people_path(ctx, file)
    L = _ladder(ctx, path, ladder_file, ladder_id)
    org, diags = read_org(path, L)
    n_err = sum(1 for d in diags if d.severity == ERROR)
    if as_json:
        from orgpath.cli.output import emit_json

        emit_json({"file": str(path), "ok": org is not None,
                   "people": len(org.people) if org else None,
                   "diagnostics": [d.as_dict() for d in diags]})
    else:
        for d in diags:
            click.echo(str(d), err=org is None)
        if org is not None:
            w = len(diags)
            click.echo(f"{path}: ok, {len(org.people):,} people"
                       + (f", {w} warning{'s' * (w != 1)}" if w else ""))
        else:
            click.echo(f"{path}: rejected", err=True)
    if n_err:
        ctx.exit(1)


@people.command("show")
@click.argument("pid", metavar="ID")
@_people_option
@_ladder_options
@_lang_option
@_json_option
@click.pass_context
def show_cmd(ctx, pid, people, ladder_file, ladder_id, lang, as_json) -> None:
    """One person: ladder role, manager, direct reports, head count.

    --json prints what GET /api/v1/orgs/<org>/people/<ID> answers.
    """
    G, L = load(ctx, people, ladder_file, ladder_id)
    d = serialize.person_detail(G, pid, L, lang)
    if as_json:
        _emit(d)
        return
    click.echo(f"{d['name']} ({d['id']})" + (f", {d['title']}" if d["title"] else ""))
    if d["role"]:
        click.echo(f"role: {d['role']['title']} ({d['role']['id']}, level {d['role']['level']})")
    boss = d["manager"]
    click.echo("manager: " + (f"{boss['name']} ({boss['id']})" if boss else "none (top)"))
    click.echo(f"direct reports: {len(d['direct_reports'])}, head count: {d['headcount']}")


@people.command("chain")
@click.argument("pid", metavar="ID")
@_people_option
@_ladder_options
@_json_option
@click.pass_context
def chain_cmd(ctx, pid, people, ladder_file, ladder_id, as_json) -> None:
    """The chain of command from person ID up to the top.

    --json prints what GET /api/v1/orgs/<org>/people/<ID>/chain answers.
    """
    G, L = load(ctx, people, ladder_file, ladder_id)
    if as_json:
        _emit(serialize.person_chain(G, pid))
    else:
        _print_people(G, orgq.chain_of_command(G, pid), L)


@people.command("reports")
@click.argument("pid", metavar="ID")
@_people_option
@click.option("--depth", type=click.IntRange(1), default=1, show_default=True,
              help="Levels down.")
@click.option("--all", "everyone", is_flag=True, help="Everyone below, at any depth.")
@_ladder_options
@_json_option
@click.pass_context
def reports_cmd(ctx, pid, people, depth, everyone, ladder_file, ladder_id, as_json) -> None:
    """The people who report to ID (directly, or --depth levels down).

    --json prints what GET /api/v1/orgs/<org>/people/<ID>/reports?depth= answers
    (with --all, "depth" is null).
    """
    G, L = load(ctx, people, ladder_file, ladder_id)
    levels = None if everyone else depth
    if as_json:
        _emit(serialize.person_reports(G, pid, levels))
    else:
        _print_people(G, orgq.all_reports(G, pid, levels), L)


@people.command("find")
@click.argument("query")
@_people_option
@_json_option
@click.pass_context
def find_cmd(ctx, query, people, as_json) -> None:
    """People whose id, name, title, department or email contains QUERY (ignoring case
    and accents), best matches first.

    --json prints what GET /api/v1/orgs/<org>/people?q=QUERY answers, every match on
    one page.
    """
    from orgpath.orglist import ListQuery, list_people

    G, L = load(ctx, people)
    if as_json:
        _emit(serialize.people_list(G, query))
    else:
        _print_people(G, list_people(G, ListQuery(q=query.strip())).ids, L)


@people.command("stats")
@_people_option
@_ladder_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats_cmd(ctx, people, ladder_file, ladder_id, as_json) -> None:
    """Head count, levels, spans of control and departments."""
    G, _ = load(ctx, people, ladder_file, ladder_id)
    s = orgq.org_stats(G)
    if as_json:
        _emit(s)
        return
    for k, v in s.items():
        if k != "departments":
            click.echo(f"{k.replace('_', ' ')}: {v}")
    click.echo(printable("departments: " + ", ".join(f"{d} {n}" for d, n in
                                                     s["departments"].items())))


# --- orgpath export org -----------------------------------------------------------------


def _format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    if output == "-":
        return "svg"
    found = SUFFIXES.get(Path(output).suffix.lower())
    if found is None:
        raise click.UsageError(
            f"cannot tell the format from {output!r}; use --format ({', '.join(CHART_FORMATS)})"
            " or a file name ending .svg, .png, .pdf, .dot, .json, .pptx, .csv or .xlsx")
    return found


@click.command("org", cls=CleanCommand)
@_people_option
@click.option("--root", metavar="ID", help="Draw the team under this person.")
@click.option("--depth", type=click.IntRange(0), help="Levels below the root (or the top).")
@click.option("--neighbourhood", "--neighborhood", "neighbourhood", metavar="ID",
              help="Draw a person's chain up, peers and reports two levels down.")
@click.option("--compact", is_flag=True,
              help="Stack teams without managers in a column (narrower charts).")
@click.option("--pages", type=click.Choice(["per-manager"]),
              help="A paged PDF: one page per manager, with bookmarks.")
@click.option("--search", metavar="TEXT",
              help="csv/xlsx: only the people a search finds (name, id, title, ...).")
@click.option("--paper", type=click.Choice(["a4", "letter", "a3"]),
              help="Paper of a paged PDF.  [default: a4]")
@click.option("--portrait/--landscape", default=False,
              help="Orientation of a paged PDF.  [default: landscape]")
@click.option("--route", type=click.Choice(["direct", "graphviz"]), default="direct",
              show_default=True,
              help="How SVG and PDF are drawn: written straight from orgpath's layout, or "
                   "through Graphviz (neato -n2).")
@click.option("--format", "fmt", type=click.Choice(CHART_FORMATS),
              help="Output format. [default: from -o's suffix, else svg]")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of ladder role titles.")
@click.option("--max-nodes", type=click.IntRange(1), default=200_000, show_default=True,
              help="Refuse charts with more people than this.")
@_ladder_options
@click.option("--audience", "audience", default="all", show_default=True,
              metavar="public|authenticated|group:NAME|all",
              help="Draw only what this audience may see (the access: rules of the "
                   "manifest and ladder, as the web applies them).")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="Where to write; '-' is stdout.")
@force_option
@png_options
@click.pass_context
def org(ctx, people, root, depth, neighbourhood, compact, pages, search, paper, portrait, route,
        fmt, lang, max_nodes, ladder_file, ladder_id, audience, output,
        force, dpi, scale) -> None:
    """Draw an org chart of people: svg, png, pdf, dot or json; or write pptx, csv, xlsx.

    pptx is a deck with one slide per manager; csv and xlsx list the people
    (all, --root's team or a --search) with chain of command and headcounts.

    \b
    Examples:
      orgpath export org --people agency -o agency.svg
      orgpath export org --people agency --root a02 --depth 1 -o team.png
      orgpath export org --people agency --root a02 --dpi 192 -o team@2x.png
      orgpath export org --people agency --neighbourhood a12 --format json -o -
      orgpath export org --people agency --pages per-manager -o agency.pdf
      orgpath export org --people agency --lang da -o agency.pptx
      orgpath export org --people agency --root a02 -o team.xlsx
      orgpath export org --people agency --pages per-manager --paper letter --portrait -o a.pdf
      orgpath export org --people agency --audience public -o public.svg
    """
    from orgpath.cli.export import check_output, png_dpi, write_output
    from orgpath.render.graphviz import default_runner
    from orgpath.render.orgchart import org_chart
    from orgpath.render.paged import paged_pdf
    from orgpath.render.pdfwriter import paged_pdf as paged_pdf_direct

    fmt = _format(fmt, output)
    resolution = png_dpi(dpi, scale, fmt)
    path = _people_path(ctx, people)
    where = {"inputs": [path, manifest_path(path), ladder_file], "graphs": _store(ctx).folder,
             "force": force}
    check_output(output, **where)
    if pages and fmt != "pdf":
        raise click.UsageError("--pages per-manager makes a PDF; use -o FILE.pdf or "
                               "--format pdf")
    if fmt in HR_FORMATS and (pages or neighbourhood or depth is not None or compact):
        raise click.UsageError(f"{fmt} takes --root (and --search for csv/xlsx), not --pages, "
                               "--neighbourhood, --depth or --compact")
    if search is not None and fmt not in ("csv", "xlsx"):
        raise click.UsageError("--search selects rows of a csv or xlsx file")
    if (paper or portrait) and not pages:
        raise click.UsageError("--paper and --portrait are for a paged PDF (--pages per-manager)")
    if neighbourhood and (root or depth is not None):
        raise click.UsageError("--neighbourhood cannot be combined with --root or --depth")
    stages = ["read", "layout", "dot", "draw", "write"]
    # A bar only on a terminal: in a pipe or a log it would be a stray "export org".
    bar_file = sys.stderr if sys.stderr.isatty() else io.StringIO()
    with click.progressbar(length=len(stages), label="export org", file=bar_file,
                           item_show_func=lambda s: s) as bar:
        done = set()

        def progress(stage: str) -> None:
            if stage in stages and stage not in done:
                done.add(stage)
                bar.update(1, stage)

        progress("read")
        G, L = load(ctx, people, ladder_file, ladder_id)
        G, L = for_audience(G, L, audience)  # a person hidden from it is unknown below
        if fmt in HR_FORMATS:
            data = _hr_export(G, fmt, root=root, search=search, lang=lang, ladder_graph=L)
        elif pages and route == "graphviz":
            data = paged_pdf(G, root=root, lang=lang, ladder_graph=L, progress=progress,
                             route="graphviz")
        elif pages:
            def book(out=None) -> bytes:
                return paged_pdf_direct(G, root=root, lang=lang, ladder_graph=L,
                                        paper=paper or "a4", progress=progress, out=out,
                                        orientation="portrait" if portrait else "landscape")

            # Written to the file page by page: 1,000,000 people are 130,000 pages.
            data = book if output != "-" else book()
        else:
            def draw(out=None) -> bytes:
                return org_chart(G, fmt, root=root, depth=depth, neighbourhood=neighbourhood,
                                 compact=compact, lang=lang, ladder_graph=L,
                                 max_nodes=max_nodes, progress=progress, route=route, out=out,
                                 runner=default_runner().at_dpi(resolution))

            # A direct SVG goes to the file as it is written: 1,000,000 people are 650 MB.
            data = draw if fmt == "svg" and route == "direct" and output != "-" else draw()
        progress("write")
        write_output(data, output, fmt, **where)
        bar.update(len(stages) - bar.pos)
    if output != "-":
        size = Path(output).stat().st_size
        click.echo(f"wrote {output} ({fmt}, {size:,} bytes)", err=True)


def _hr_export(G: nx.DiGraph, fmt: str, *, root: str | None, search: str | None, lang: str,
               ladder_graph: nx.MultiDiGraph | None) -> bytes:
    """A deck (pptx) or a list of people (csv, xlsx) of the org, a team or a search."""
    if fmt == "pptx":
        from orgpath.render.pptx import org_pptx

        org = G.graph.get("org")
        folder = Path(org.path).parent if org is not None and org.path else None
        return org_pptx(G, root=root, lang=lang, ladder_graph=ladder_graph, photos=folder)
    from orgpath.render.sheets import org_csv, org_xlsx

    ids = None
    if search is not None:
        ids = orgq.find_people(G, search)
        if root is not None:
            below = {root, *orgq.all_reports(G, root)}
            ids = [i for i in ids if i in below]
    write = org_csv if fmt == "csv" else org_xlsx
    return write(G, root=root if ids is None else None, ids=ids, lang=lang,
                 ladder_graph=ladder_graph)


COMMANDS = (people,)
