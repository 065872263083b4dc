"""Every chart format behind one function, :func:`render_chart`.

* ``svg``, ``png``, ``pdf``: the view's DOT drawn by Graphviz (through the cached
  :class:`~orgpath.render.graphviz.Runner`); SVGs get a ``<title>``/``<desc>``
  and node titles named after the roles.
* ``dot``: the view's DOT source.
* ``json``: networkx node-link data (``nx.node_link_data(H, edges="edges")``)
  of the subgraph the view draws.
* ``graphml``: the same subgraph as GraphML (Role objects flattened into scalar
  attributes), readable with ``nx.read_graphml``.
* ``mmd``: a Mermaid flowchart of the same subgraph, with escaped labels.

>>> from orgpath.graph import demo_graph
>>> svg = render_chart(demo_graph(), "ladder", "svg")
>>> svg.count(b'class="node role"')
4
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Sequence

import networkx as nx

import orgpath.render.formats as formats
from orgpath.graph import DOTTED, LATERAL, REPORTS_TO
from orgpath.model import DEFAULT_LANGUAGE, Role, localize
from orgpath.render.escape import clean_text, unguard_svg
from orgpath.render.graphviz import RenderError, Runner, default_runner
from orgpath.render.views import (
    MAX_NODES,
    Chart,
    LinkFn,
    ViewError,
    build_view,
    name_titles,
    words,
)

#: Every format :func:`render_chart` writes (from :mod:`orgpath.render.formats`).
FORMATS: tuple[str, ...] = formats.names("ladder")
#: The formats Graphviz draws; the others are written by Python.
DRAWN: tuple[str, ...] = tuple(f.name for f in formats.for_chart("ladder") if f.drawn)
MEDIA_TYPES: dict[str, str] = formats.media_types("ladder")
#: File suffix → format (for ``-o chart.svg``).
SUFFIXES: dict[str, str] = formats.suffixes("ladder")


def format_for(filename: str) -> str | None:
    """The format a file name's suffix asks for, or None.

    >>> format_for("ladder.SVG"), format_for("x.gv"), format_for("notes.txt")
    ('svg', 'dot', None)
    """
    f = formats.by_suffix(filename, "ladder")
    return f.name if f is not None else None


# --- SVG ---------------------------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def finish_svg(svg: bytes, chart: Chart) -> bytes:
    """Add the chart's ``<title>`` and ``<desc>``, name node/edge titles, undo escape guards."""
    text = svg.decode("utf-8")
    m = _SVG_OPEN.search(text)
    if m is None:
        raise RenderError("Graphviz returned something that is not an SVG")
    head = (f"\n<title>{html.escape(clean_text(chart.title))}</title>"
            f"\n<desc>{html.escape(clean_text(chart.description))}</desc>")
    text = text[: m.end()] + head + text[m.end():]
    return unguard_svg(name_titles(text, chart.names, chart.langs).encode("utf-8"))


# --- the drawn subgraph ------------------------------------------------------------------


def _flat_role(role: Role, lang: str) -> dict[str, str | int | float | bool]:
    """A role as scalar attributes (no None, no lists), for GraphML and JSON."""
    d: dict[str, str | int | float | bool] = {
        "label": role.name(lang), "level": int(role.level),
    }
    for code, text in sorted(role.title.items()):
        d[f"title_{code}"] = text
    for key, value in (
        ("track", role.track),
        ("aliases", "; ".join(role.aliases)),
        ("reports_to", role.reports_to[0] if role.reports_to else None),
        ("dotted_lines", "; ".join(role.reports_to[1:])),
        ("summary", localize(role.summary, lang)),
        ("skills", "; ".join(role.skills)),
        ("source", role.source),
    ):
        if value:
            d[key] = value
    if role.salary is not None:
        s = role.salary
        d["salary_currency"], d["salary_period"] = s.currency, s.period
        if s.min is not None:
            d["salary_min"] = float(s.min)
        if s.max is not None:
            d["salary_max"] = float(s.max)
    for key, value in sorted(role.codes.items()):
        d[f"code_{key}"] = str(value)
    return d


def drawn_graph(G: nx.MultiDiGraph, chart: Chart) -> nx.MultiDiGraph:
    """The subgraph a chart draws, with flat attributes (edge keys are the kinds)."""
    ladder = G.graph.get("ladder")
    H = nx.MultiDiGraph(
        id=str(G.graph.get("id", "")), title=chart.title, view=chart.view, lang=chart.lang,
        ladder_title=ladder.name(chart.lang) if ladder is not None else "",
    )
    on = set(chart.path)
    for r in chart.roles:
        attrs = _flat_role(G.nodes[r]["role"], chart.lang)
        if chart.path:
            attrs["onpath"] = r in on
        H.add_node(r, **attrs)
    for e in chart.edges:
        attrs: dict[str, str | int | float | bool] = {"kind": e.kind}
        if e.kind == LATERAL:
            attrs["both_ways"] = True
        if e.years is not None:
            attrs["years"] = float(e.years)
        data = (G.get_edge_data(e.source, e.target) or {}).get(e.kind) or {}
        if data.get("requires"):
            attrs["requires"] = "; ".join(data["requires"])
        if chart.path:
            attrs["onpath"] = e.onpath
        if e.step is not None:
            attrs["step"] = e.step
        H.add_edge(e.source, e.target, key=e.kind, **attrs)
    return H


def to_json(G: nx.MultiDiGraph, chart: Chart) -> bytes:
    """Node-link JSON of the drawn subgraph (read back with ``nx.node_link_graph``)."""
    data = nx.node_link_data(drawn_graph(G, chart), edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def to_graphml(G: nx.MultiDiGraph, chart: Chart) -> bytes:
    """GraphML of the drawn subgraph (read back with ``nx.read_graphml``)."""
    buf = io.BytesIO()
    nx.write_graphml(drawn_graph(G, chart), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def mermaid_text(text: str) -> str:
    """``text`` for a Mermaid ``"..."`` label: anything but letters, digits and spaces
    becomes an entity code (``#35;``), so no label can end a node or start markup.

    >>> mermaid_text('a"]; b --> c')
    'a#34;#93;#59; b #45;#45;#62; c'
    """
    return "".join(
        ch if ch.isalnum() or ch == " " else f"#{ord(ch)};" for ch in clean_text(text)
    )


def to_mermaid(G: nx.MultiDiGraph, chart: Chart) -> bytes:
    """A Mermaid flowchart of the drawn subgraph; node ids are opaque, labels escaped."""
    ids = {r: f"n{i}" for i, r in enumerate(chart.roles)}
    lines = [f"%% {mermaid_text(chart.title)}", f"flowchart {chart.rankdir}"]
    for r in chart.roles:
        role = G.nodes[r]["role"]
        level = f"{words(chart.lang)['level']} {role.level}"
        label = f"{mermaid_text(role.name(chart.lang))}<br/>{mermaid_text(level)}"
        lines.append(f'    {ids[r]}["{label}"]')
    for e in chart.edges:
        a, b = ids[e.source], ids[e.target]
        step = f"|{e.step}|" if e.step is not None else ""
        if e.kind == REPORTS_TO:
            lines.append(f"    {b} --- {a}")
        elif e.kind == DOTTED:
            lines.append(f"    {a} -.-> {b}")
        elif e.onpath:
            lines.append(f"    {a} ==>{step} {b}")
        elif e.kind == LATERAL:
            lines.append(f"    {a} <-.-> {b}")
        else:
            lines.append(f"    {a} --> {b}")
    if chart.path:
        on = set(chart.path)
        lines.append("    classDef onpath stroke:#c05621,stroke-width:3px,fill:#fffaf0")
        lines.append("    classDef faded stroke:#cbd5e0,color:#a0aec0")
        path_ids = [ids[r] for r in chart.roles if r in on]
        rest = [ids[r] for r in chart.roles if r not in on]
        lines.append(f"    class {','.join(path_ids)} onpath")
        if rest:
            lines.append(f"    class {','.join(rest)} faded")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- one entry point ---------------------------------------------------------------------


def render_chart(
    G: nx.MultiDiGraph,
    view: str = "ladder",
    fmt: str = "svg",
    *,
    lang: str = DEFAULT_LANGUAGE,
    rankdir: str | None = None,
    path: Sequence[str] | None = None,
    only_path: bool = False,
    focus: str | None = None,
    depth: int = 1,
    salary: bool = False,
    link: LinkFn | None = None,
    max_nodes: int = MAX_NODES,
    runner: Runner | None = None,
) -> bytes:
    """Draw ``view`` of the ladder graph ``G`` as ``fmt``; the bytes of the file.

    ``path`` is a list of role ids (for ``view="path"``), ``focus`` a role id
    (for ``view="focus"``). ``link(role_id)`` gives the URL each box links to.
    Raises :class:`~orgpath.render.graphviz.RenderError` (a
    :class:`~orgpath.render.views.ViewError` for bad view input) and
    :class:`orgpath.queries.RoleNotFound` for a role id not in ``G``.
    """
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    chart = build_view(G, view, lang=lang, rankdir=rankdir, path=path, only_path=only_path,
                       focus=focus, depth=depth, salary=salary, link=link, max_nodes=max_nodes)
    return export_chart(G, chart, fmt, runner=runner)


def export_chart(G: nx.MultiDiGraph, chart: Chart, fmt: str, *,
                 runner: Runner | None = None) -> bytes:
    """Write an already built :class:`~orgpath.render.views.Chart` as ``fmt``."""
    spec = formats.lookup(fmt, "ladder")
    if spec is None:
        raise RenderError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    write = spec.writer("ladder")
    if spec.drawn:
        return write(G, chart, fmt=fmt, runner=runner or default_runner())
    return write(G, chart)


def to_dot(G: nx.MultiDiGraph, chart: Chart) -> bytes:
    """The chart's DOT source."""
    return chart.dot.encode("utf-8")


def draw_chart(G: nx.MultiDiGraph, chart: Chart, *, fmt: str, runner: Runner) -> bytes:
    """The chart drawn by Graphviz as ``fmt`` (an SVG finished by :func:`finish_svg`)."""
    out = runner.render(chart.dot, fmt, "dot")
    return finish_svg(out, chart) if fmt == "svg" else out


__all__ = [
    "DRAWN", "FORMATS", "MEDIA_TYPES", "SUFFIXES", "RenderError", "ViewError", "draw_chart",
    "drawn_graph", "export_chart", "finish_svg", "format_for", "mermaid_text", "render_chart",
    "to_dot", "to_graphml", "to_json", "to_mermaid",
]
