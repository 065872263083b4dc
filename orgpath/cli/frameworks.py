"""Career-framework commands: matrix, compare, gap."""

from __future__ import annotations

import click
import networkx as nx

from orgpath import frameworks, queries, serialize
from orgpath.cli.export import write_output
from orgpath.cli.ladder import _graph, _role_command, _title, json_option, lang_option
from orgpath.cli.ladder import ladder_option as ladder_opt
from orgpath.cli.output import emit_json, table, years
from orgpath.model import Ladder
from orgpath.render import formats
from orgpath.render.matrix import MATRIX_FORMATS, render_matrix
from orgpath.store import Store


def _level(lad: Ladder, level: int | None) -> str:
    return "-" if level is None else str(level)


def _explain(G: nx.MultiDiGraph, why: frameworks.NoPathReason, lang: str) -> None:
    click.echo(f"No career path from {_title(G, why.a, lang)} to {_title(G, why.b, lang)}:")
    for text in frameworks.reasons_text(G, why, lang):
        click.echo(f"  - {text}")
    if why.nearest:
        click.echo("  Nearest roles you can reach: "
                   + ", ".join(_title(G, r, lang) for r in why.nearest))
    if why.reverse:
        click.echo("  The other way round: " + " → ".join(_title(G, r, lang) for r in why.reverse))


@click.command()
@click.option("--track", help="Only the roles of this track (an id).")
@click.option("--category", help="Only the skills of this category (an id).")
@click.option("-o", "--output", metavar="FILE",
              help="Write the matrix to FILE; its suffix picks the format: "
                   + ", ".join(f".{f}" for f in MATRIX_FORMATS) + ".")
@ladder_opt
@lang_option
@json_option
@click.pass_obj
def matrix(store: Store, track: str | None, category: str | None, output: str | None,
           ladder_id: str | None, lang: str, as_json: bool) -> None:
    """The competency matrix: each role's expected level of each skill (- : listed, no level)."""
    G = _graph(store, ladder_id)
    m = frameworks.competency_matrix(G, track=track or None, category=category or None)
    if output:
        spec = formats.by_suffix(output, "matrix")
        if spec is None:
            raise click.BadParameter(
                f"{output!r}: name a file ending in "
                + ", ".join(f".{f}" for f in MATRIX_FORMATS), param_hint="-o")
        write_output(render_matrix(G, m, spec.name, lang), output, spec.name)
        return
    if as_json:
        emit_json(serialize.matrix(G, m, lang))
        return
    lad: Ladder = G.graph["ladder"]
    rows = [[_title(G, r, lang), *("" if s not in m.cells[r] else _level(lad, m.cells[r][s])
                                   for s in m.skills)] for r in m.roles]
    click.echo(table(["role", *(lad.skill_name(s, lang) for s in m.skills)], rows))


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@_role_command
def compare(store: Store, a: str, b: str, ladder_id: str | None, lang: str,
            as_json: bool) -> None:
    """Compare role A with role B: level, track, salary, skills, responsibilities, path."""
    G = _graph(store, ladder_id)
    ra, rb = queries.find_role(G, a), queries.find_role(G, b)
    c = frameworks.compare_roles(G, ra, rb)
    if as_json:
        emit_json(serialize.comparison(G, c, lang))
        return
    lad: Ladder = G.graph["ladder"]
    A, B = G.nodes[ra]["role"], G.nodes[rb]["role"]
    click.echo(f"{A.name(lang)} → {B.name(lang)}")
    click.echo(f"  level: {A.level} → {B.level} ({c.level_change:+d})")
    tracks = [lad.track_name(t, lang) if t else "-" for t in (A.track, B.track)]
    click.echo(f"  track: {tracks[0]} → {tracks[1]}" + (" (track switch)" if c.track_change
                                                        else ""))
    if c.salary_change is not None:
        click.echo(f"  salary band midpoint: {c.salary_change:+,.0f} {c.currency}")
    rows = []
    for label, items in (("gained", c.gained), ("raised", c.raised), ("lowered", c.lowered),
                         ("lost", c.lost), ("kept", c.kept)):
        rows += [[lad.skill_name(x.skill, lang), label, _level(lad, x.before),
                  _level(lad, x.after)] for x in items]
    if rows:
        click.echo(table(["skill", "change", A.id, B.id], rows))
    for label, texts in (("responsibilities added", c.responsibilities_added),
                         ("responsibilities dropped", c.responsibilities_dropped)):
        items = texts.get(lang) or texts.get("en") or []
        for item in items:
            click.echo(f"  {label}: {item}")
    if c.path is not None:
        click.echo(f"Best path: {len(c.path.steps)} steps, {years(c.path.total_years)} years: "
                   + " → ".join(_title(G, r, lang) for r in c.path.roles))
    elif c.no_path is not None:
        _explain(G, c.no_path, lang)


def _have(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for value in values:
        skill, sep, level = value.partition("=")
        if not sep or not skill.strip() or not level.strip().isdigit():
            raise click.BadParameter(f"{value!r}: write SKILL=LEVEL, e.g. negotiation=2",
                                     param_hint="--have")
        out[skill.strip()] = int(level)
    return out


@click.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--have", "have", multiple=True, metavar="SKILL=LEVEL",
              help="Your own level of a skill (repeatable; 0: not at all). Skills you do not "
                   "name count at FROM's expected level.")
@_role_command
def gap(store: Store, source: str, target: str, have: tuple[str, ...], ladder_id: str | None,
        lang: str, as_json: bool) -> None:
    """What am I missing: the skills TO expects beyond FROM's (or yours), most needed first."""
    G = _graph(store, ladder_id)
    a, b = queries.find_role(G, source), queries.find_role(G, target)
    g = frameworks.skill_gap(G, a, b, have=_have(have))
    if as_json:
        emit_json(serialize.gap(G, g, lang))
        return
    lad: Ladder = G.graph["ladder"]
    click.echo(f"From {_title(G, a, lang)} to {_title(G, b, lang)}:")
    if not g.missing:
        click.echo("  nothing missing: you meet every expected skill level")
    else:
        rows = [[lad.skill_name(x.skill, lang), x.status, _level(lad, x.have),
                 _level(lad, x.required), "" if x.gap is None else x.gap, x.steps_needing,
                 ", ".join(_title(G, r, lang) for r in x.built_by)] for x in g.missing]
        click.echo(table(["skill", "status", "have", "needed", "gap", "steps needing",
                          "built in"], rows))
    if g.no_path is not None:
        _explain(G, g.no_path, lang)


COMMANDS = (matrix, compare, gap)
