"""Ladder commands: validate, roles, next, path, chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import networkx as nx

from orgpath import ladderfile, queries, serialize
from orgpath.cli.output import emit_json, table, years
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.model import LANGUAGES
from orgpath.safeio import Limits
from orgpath.store import MANIFEST_SUFFIX, ORG_SUFFIXES, Store
from orgpath.text import printable

lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default="en",
                           show_default=True, help="Language of role titles.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
ladder_option = click.option("--ladder", "ladder_id", metavar="ID",
                             help="Ladder id. [default: the only one, or account-management]")


def _graph(store: Store, ladder_id: str | None) -> nx.MultiDiGraph:
    return store.graph(ladder_id or store.default_ladder_id())


def _title(G: nx.MultiDiGraph, rid: str, lang: str) -> str:
    """A role's title for the terminal (control characters stripped)."""
    return printable(G.nodes[rid]["role"].name(lang))


def _validate_file(path: Path, limits: Limits) -> list[Diagnostic]:
    """Check one file of a graphs folder as what its name says it is (and nothing else)."""
    if path.name.endswith(ORG_SUFFIXES):
        from orgpath.peoplefile import read_org

        return read_org(path, limits=limits)[1]
    if path.name.endswith(MANIFEST_SUFFIX):
        from orgpath.peoplefile import read_manifest

        return read_manifest(path, limits=limits)[1]
    return ladderfile.read_ladder(path, limits=limits)[1]


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@json_option
@click.pass_obj
def validate(store: Store, files: tuple[Path, ...], as_json: bool) -> None:
    """Check ladder, people and org manifest files; with no FILES, all of the graphs folder.

    Prints each problem as FILE:LINE:COL: error|warning: MESSAGE. Exits 1 when
    any file has an error, 0 when there are only warnings. Folders, FIFOs and
    devices are refused unread; sizes, nesting, YAML aliases and load time are
    bounded by the settings (max_ladder_bytes, max_people_bytes, ...).
    """
    limits = Limits.from_environment()
    if not files:
        folder = store.folder
        files = tuple(sorted(
            p for p in folder.iterdir()
            if p.name.endswith(ladderfile.SUFFIXES + ORG_SUFFIXES)
        )) if folder.is_dir() else ()
        if not files:
            raise click.ClickException(f"no ladder files in {folder}")
    report = []
    failed = False
    for path in files:
        diags = _validate_file(path, limits)
        bad = any(d.severity == ERROR for d in diags)
        failed |= bad
        report.append({"file": str(path), "ok": not bad,
                       "diagnostics": [d.as_dict() for d in diags]})
        if not as_json:
            for d in diags:
                click.echo(str(d), err=True)
            if not bad:
                note = f" ({len(diags)} warning{'s' * (len(diags) != 1)})" if diags else ""
                click.echo(printable(f"{path}: ok{note}"))
    if as_json:
        emit_json(report)
    if failed:
        if not as_json:
            n = sum(1 for r in report if not r["ok"])
            click.echo(f"{n} of {len(report)} file{'s' * (len(report) != 1)} rejected", err=True)
        raise SystemExit(1)


@click.command()
@ladder_option
@lang_option
@json_option
@click.pass_obj
def roles(store: Store, ladder_id: str | None, lang: str, as_json: bool) -> None:
    """List the roles of a ladder, most senior first."""
    G = _graph(store, ladder_id)
    ordered = [r for level in queries.roles_by_level(G).values() for r in level]
    if as_json:
        emit_json([serialize.role_summary(G, r, lang) for r in ordered])
        return
    rows = [[r, _title(G, r, lang), G.nodes[r]["level"], G.nodes[r]["track"] or "",
             queries.manager(G, r) or ""] for r in ordered]
    click.echo(table(["id", "title", "level", "track", "reports to"], rows))


def _role_command(fn: Callable) -> Callable:
    return click.pass_obj(json_option(lang_option(ladder_option(fn))))


@click.command("next")
@click.argument("role")
@click.option("--depth", type=click.IntRange(1, 20), default=1, show_default=True,
              help="How many moves ahead.")
@click.option("--kind", type=click.Choice(queries.MOVE_KINDS), help="Only this kind of move.")
@_role_command
def next_(store: Store, role: str, depth: int, kind: str | None, ladder_id: str | None,
          lang: str, as_json: bool) -> None:
    """Roles one can move to from ROLE (an id, title or alias)."""
    G = _graph(store, ladder_id)
    rid = queries.find_role(G, role)
    hops = queries.next_roles(G, rid, kind=kind, depth=depth)
    if as_json:
        emit_json({"role": serialize.role_ref(G, rid, lang),
                   "next": [serialize.hop(G, h, lang) for h in hops]})
        return
    click.echo(f"Next roles from {_title(G, rid, lang)} ({rid}):")
    if not hops:
        click.echo("  none: this is the top of its ladder")
        return
    rows = [[h.role, _title(G, h.role, lang), h.kind, years(h.years), h.depth] for h in hops]
    click.echo(table(["id", "title", "kind", "years", "depth"], rows))


@click.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--by", type=click.Choice(queries.BY), default="steps", show_default=True,
              help="Rank paths by number of moves or by total typical years.")
@click.option("-k", "k", type=click.IntRange(1, 20), default=1, show_default=True,
              help="How many paths: the best and k-1 alternatives.")
@_role_command
def path(store: Store, source: str, target: str, by: str, k: int, ladder_id: str | None,
         lang: str, as_json: bool) -> None:
    """Career paths from FROM to TO (ids, titles or aliases)."""
    G = _graph(store, ladder_id)
    a, b = queries.find_role(G, source), queries.find_role(G, target)
    found = queries.career_paths(G, a, b, by=by, k=k)
    if as_json:
        emit_json({"from": a, "to": b, "by": by,
                   "paths": [serialize.career_path(G, p, lang) for p in found]})
        return
    for n, p in enumerate(found, 1):
        head = "Best path" if n == 1 else f"Alternative {n - 1}"
        click.echo(f"{head}: {len(p.steps)} moves, {years(p.total_years)} years")
        rows = [[i, _title(G, s.target, lang), s.kind, years(s.years),
                 years(s.cumulative_years), ", ".join(s.skills_gained),
                 "" if s.salary_change is None else f"{s.salary_change:+,.0f}"]
                for i, s in enumerate(p.steps, 1)]
        click.echo(f"  start: {_title(G, a, lang)}")
        click.echo(table(["step", "to", "kind", "years", "total", "skills to gain",
                          "salary change"], rows))
        if p.salary_change is not None:
            click.echo(f"  salary change: {p.salary_change:+,.0f} {printable(p.currency)}")
        if n < len(found):
            click.echo()


@click.command()
@click.argument("role")
@_role_command
def chain(store: Store, role: str, ladder_id: str | None, lang: str, as_json: bool) -> None:
    """The reporting chain from ROLE up to the top, and who reports to ROLE."""
    G = _graph(store, ladder_id)
    rid = queries.find_role(G, role)
    up = queries.reporting_chain(G, rid)
    reports = queries.direct_reports(G, rid)
    if as_json:
        emit_json({"role": serialize.role_ref(G, rid, lang),
                   "chain": [serialize.role_ref(G, r, lang) for r in up],
                   "direct_reports": [serialize.role_ref(G, r, lang) for r in reports]})
        return
    for depth, r in enumerate(up):
        arrow = "" if depth == 0 else "  " * (depth - 1) + "└ reports to "
        click.echo(f"{arrow}{_title(G, r, lang)} ({r})")
    if reports:
        click.echo("Direct reports: " + ", ".join(_title(G, r, lang) for r in reports))


COMMANDS = (validate, roles, next_, path, chain)
