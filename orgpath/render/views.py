"""Views of a ladder graph as DOT source: the ladder, a path, a focus role, reporting lines.

Each view function takes the ``networkx.MultiDiGraph`` of
:func:`orgpath.graph.ladder_graph` and plain inputs (role ids, a list of role
ids for a path) and returns a :class:`Chart`: the DOT source plus what it
draws (roles and edges), which the exporters and the SVG post-processing use.

Safety: DOT node ids are opaque (``n0``, ``n1``, ...), never user text; every
text (titles, tooltips, the chart name) goes through
:func:`orgpath.render.escape.dot_text` and every link through
:func:`orgpath.render.escape.dot_url`, so it can contain neither a ``"`` nor a
``<`` nor a Graphviz ``\\N``-style escape. Labels are HTML-like labels built from escaped
text only.

>>> from orgpath.graph import demo_graph
>>> chart = ladder_view(demo_graph())
>>> chart.roles
('junior', 'expert', 'senior', 'lead')
>>> 'rankdir=BT' in chart.dot
True
"""

from __future__ import annotations

import html
import itertools
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from orgpath.graph import DOTTED, LATERAL, PROMOTION, REPORTS_TO
from orgpath.model import DEFAULT_LANGUAGE, Role, Salary, localize
from orgpath.queries import RoleNotFound, nearest, next_roles, previous_roles, reporting_chain
from orgpath.render.escape import clean_text, dot_text, dot_url
from orgpath.render.graphviz import RenderError
from orgpath.render.words import words

VIEWS: tuple[str, ...] = ("ladder", "path", "focus", "reporting")
RANKDIRS: tuple[str, ...] = ("BT", "TB", "LR")
#: Default cap on the roles one chart draws (``max_nodes`` overrides it).
MAX_NODES = 400

LinkFn = Callable[[str], str]

# Colours and fonts in one place.
FONT = "Helvetica"
C_TEXT = "#1a202c"
C_BOX = "#4a5568"
C_FILL = "#ffffff"
C_PROMOTION = "#2b6cb0"
C_LATERAL = "#718096"
C_REPORTS = "#2d3748"
C_DOTTED = "#718096"
C_PATH = "#c05621"
C_PATH_FILL = "#fffaf0"
C_FOCUS_FILL = "#ebf8ff"
C_FADED = "#cbd5e0"
C_FADED_TEXT = "#a0aec0"
C_CLUSTER = "#f7fafc"



class ViewError(RenderError):
    """A view was asked for something it cannot draw (bad input, too many roles)."""


@dataclass(frozen=True)
class DrawnEdge:
    """One edge a chart draws, in role ids."""

    source: str
    target: str
    kind: str  # promotion, lateral, reports_to, dotted
    years: float | None = None
    onpath: bool = False
    step: int | None = None  # 1-based step number on a highlighted path


@dataclass(frozen=True)
class Chart:
    """A view drawn as DOT, with what it contains."""

    view: str
    dot: str
    title: str  # the accessible name (SVG ``<title>``)
    description: str  # the accessible description (SVG ``<desc>``)
    roles: tuple[str, ...]  # role ids drawn; ``roles[i]`` is DOT node ``n{i}``
    edges: tuple[DrawnEdge, ...]
    names: Mapping[str, str] = field(default_factory=dict)  # DOT node id → visible name
    #: DOT node id → the language of its name, where that is not ``lang`` (no translation)
    langs: Mapping[str, str] = field(default_factory=dict)
    lang: str = DEFAULT_LANGUAGE
    rankdir: str = "BT"
    path: tuple[str, ...] = ()  # the highlighted path, if any


# --- escaping ----------------------------------------------------------------------

def _q(escaped: str) -> str:
    return f'"{escaped}"'


# --- boxes ---------------------------------------------------------------------------


def format_salary(salary: Salary | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A pay band as short text, e.g. ``DKK 400,000–550,000 / year``.

    >>> format_salary(Salary("DKK", 400000, 550000))
    'DKK 400,000–550,000 / year'
    >>> format_salary(Salary("USD", None, 60000, "year"), "da")
    'USD 60.000 / år'
    """
    if salary is None or (salary.min is None and salary.max is None):
        return ""

    def num(x: float) -> str:
        s = f"{x:,.0f}"
        return s.replace(",", ".") if lang == "da" else s

    if salary.min is not None and salary.max is not None and salary.min != salary.max:
        amount = f"{num(salary.min)}–{num(salary.max)}"
    else:
        amount = num(salary.min if salary.min is not None else salary.max)  # type: ignore[arg-type]
    period = words(lang).get(salary.period, salary.period)
    return f"{salary.currency} {amount} / {period}"


def _years_text(years: float | None, lang: str) -> str:
    if years is None:
        return ""
    w = words(lang)
    n = f"{years:g}"
    if lang == "da":
        n = n.replace(".", ",")
    return f"{n} {w['year'] if years == 1 else w['years']}"


def _box_label(role: Role, lang: str, salary: bool, wrap: int = 26) -> str:
    w = words(lang)
    title_lines = textwrap.wrap(clean_text(role.name(lang)), wrap) or [role.id]
    title = "<BR/>".join(f"<B>{dot_text(t)}</B>" for t in title_lines)
    parts = [title, f'<FONT POINT-SIZE="10">{dot_text(w["level"])} {role.level}</FONT>']
    if salary and role.salary is not None:
        band = format_salary(role.salary, lang)
        if band:
            parts.append(f'<FONT POINT-SIZE="9">{dot_text(band)}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _attrs(**attrs: str | None) -> str:
    """``key=value`` pairs; values must already be DOT-safe (quoted or HTML ``<...>``)."""
    return ", ".join(f"{k}={v}" for k, v in attrs.items() if v is not None)


class _Builder:
    """Collects a chart's DOT lines and the opaque ids of its roles."""

    def __init__(self, G: nx.MultiDiGraph, roles: Iterable[str], *, view: str, lang: str,
                 rankdir: str, salary: bool, link: LinkFn | None, max_nodes: int) -> None:
        roles = list(dict.fromkeys(roles))
        if len(roles) > max_nodes:
            raise ViewError(
                f"this chart would draw {len(roles)} roles; at most {max_nodes} can be drawn "
                "(draw a path or a focus view instead, or raise the limit)"
            )
        if rankdir not in RANKDIRS:
            raise ViewError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
        self.G, self.view, self.lang, self.rankdir = G, view, lang, rankdir
        self.salary, self.link = salary, link
        self.roles = roles
        self.ids = {r: f"n{i}" for i, r in enumerate(roles)}
        self.names = {self.ids[r]: _role(G, r).name(lang) for r in roles}
        self.langs = {self.ids[r]: other for r in roles
                      if (other := text_lang(_role(G, r).title, lang)) is not None}
        self.lines: list[str] = []
        self.edges: list[DrawnEdge] = []

    def role(self, r: str) -> Role:
        return _role(self.G, r)

    def node(self, r: str, css: str = "", **extra: str | None) -> str:
        role = self.role(r)
        summary = localize(role.summary, self.lang) or role.name(self.lang)
        url = None
        if self.link is not None:
            try:
                url = dot_url(self.link(r))
            except Exception as exc:  # a bad link function must not break the chart
                raise ViewError(f"could not make the link of role {r!r}: {exc}") from None
        attrs = {
            "label": _box_label(role, self.lang, self.salary),
            "tooltip": _q(dot_text(summary, where="attr")),
            "class": _q(("role " + css).strip()),
            "id": _q(f"role-{self.ids[r]}"),
        }
        if url:
            attrs["URL"] = _q(url)
            attrs["target"] = '"_top"'
        attrs.update(extra)
        return f"  {self.ids[r]} [{_attrs(**attrs)}];"

    def edge(self, e: DrawnEdge, **attrs: str | None) -> str:
        self.edges.append(e)
        a, b = self.ids[e.source], self.ids[e.target]
        return f"  {a} -> {b} [{_attrs(**attrs)}];"

    def header(self, title: str, subtitle: str, legend: list[tuple[str, str, str]]) -> None:
        """Graph attributes and the label: title, subtitle and the legend rows."""
        rows = [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16"><B>{dot_text(title)}</B></FONT>'
                "</TD></TR>"]
        if subtitle:
            rows.append(f'<TR><TD ALIGN="LEFT">{dot_text(subtitle)}</TD></TR>')
        if legend:
            cells = "".join(
                f'<TD><FONT COLOR="{color}">{dot_text(glyph)}</FONT> {dot_text(text)}</TD>'
                for glyph, color, text in legend
            )
            rows.append(f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="6"><TR>{cells}'
                        "</TR></TABLE></TD></TR>")
        label = f'<<TABLE BORDER="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'
        graph = _attrs(rankdir=self.rankdir, newrank="true", labelloc="t", labeljust="l",
                       fontname=_q(FONT), fontsize="12", nodesep="0.35", ranksep="0.55",
                       label=label, tooltip=_q(dot_text(title, where="attr")), bgcolor="white")
        node = _attrs(shape="box", style=_q("rounded,filled"), fillcolor=_q(C_FILL),
                      color=_q(C_BOX), fontname=_q(FONT), fontsize="12",
                      fontcolor=_q(C_TEXT), margin=_q("0.15,0.06"))
        edge = _attrs(fontname=_q(FONT), fontsize="10", color=_q(C_PROMOTION), arrowsize="0.8")
        self.lines[:0] = [
            f"digraph {_q(dot_text(title, where='label'))} {{",
            f"  graph [{graph}];",
            f"  node [{node}];",
            f"  edge [{edge}];",
        ]

    def finish(self, title: str, description: str, path: Sequence[str] = ()) -> Chart:
        self.lines.append("}")
        return Chart(
            view=self.view, dot="\n".join(self.lines) + "\n", title=title,
            description=description, roles=tuple(self.roles), edges=tuple(self.edges),
            names=self.names, langs=self.langs, lang=self.lang, rankdir=self.rankdir,
            path=tuple(path),
        )


def _role(G: nx.MultiDiGraph, r: str) -> Role:
    try:
        return G.nodes[r]["role"]
    except KeyError:
        raise RoleNotFound(r, nearest(list(G), r)) from None


def _order(G: nx.MultiDiGraph, roles: Iterable[str]) -> list[str]:
    """Roles junior first, then by track and id: a stable order for DOT ids."""
    return sorted(roles, key=lambda r: (G.nodes[r]["level"], G.nodes[r]["track"] or "", r))


def _ladder_title(G: nx.MultiDiGraph, lang: str) -> str:
    ladder = G.graph.get("ladder")
    return ladder.name(lang) if ladder is not None else str(G.graph.get("id", "ladder"))


def _check_common(lang: str, rankdir: str | None, default: str) -> str:
    if not isinstance(lang, str) or not lang:
        raise ViewError("lang must be a language code such as 'en' or 'da'")
    rd = (rankdir or default).upper()
    if rd not in RANKDIRS:
        raise ViewError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    return rd


# --- the ranked layout shared by the ladder, path and focus views -----------------------


def _ranked_body(b: _Builder, node_css: Mapping[str, str] | None = None,
                 node_extra: Mapping[str, dict] | None = None) -> None:
    """Roles in level rows (``rank=same``) with level labels on the side; tracks as clusters."""
    G, w = b.G, words(b.lang)
    node_css = node_css or {}
    node_extra = node_extra or {}
    levels = sorted({G.nodes[r]["level"] for r in b.roles})
    level_id = {lv: f"l{i}" for i, lv in enumerate(levels)}
    for lv in levels:
        text = f"{w['level']} {lv}"
        attrs = _attrs(label=_q(dot_text(text, where="label")), shape="plain", style="solid",
                       fontcolor=_q(C_LATERAL), fontsize="11",
                       tooltip=_q(dot_text(text, where="attr")),
                       **{"class": '"level"'})
        b.lines.append(f"  {level_id[lv]} [{attrs}];")
        b.names[level_id[lv]] = text
    for lo, hi in itertools.pairwise(levels):
        b.lines.append(f"  {level_id[lo]} -> {level_id[hi]} [style=invis];")
    tracks: dict[str | None, list[str]] = {}
    for r in b.roles:
        tracks.setdefault(G.nodes[r]["track"], []).append(r)
    for i, (track, members) in enumerate(tracks.items()):
        nodes = [b.node(r, node_css.get(r, ""), **node_extra.get(r, {})) for r in members]
        if track is None or len(tracks) == 1 and len(levels) == 1:
            b.lines.extend(nodes)
            continue
        b.lines.append(f"  subgraph cluster_t{i} {{")
        name = G.graph["ladder"].track_name(track, b.lang) if "ladder" in G.graph else track
        b.names[f"cluster_t{i}"] = name
        tracks_text = G.graph["ladder"].tracks.get(track) if "ladder" in G.graph else None
        if (other := text_lang(tracks_text, b.lang)) is not None:
            b.langs[f"cluster_t{i}"] = other
        attrs = _attrs(label=_q(dot_text(name, where="label")),
                       tooltip=_q(dot_text(name, where="attr")),
                       style="filled", color=_q(C_CLUSTER),
                       fillcolor=_q(C_CLUSTER), fontcolor=_q(C_LATERAL), fontsize="11",
                       labelloc="b" if b.rankdir == "BT" else "t")
        b.lines.append(f"    graph [{attrs}];")
        b.lines.extend("  " + n for n in nodes)
        b.lines.append("  }")
    for lv in levels:
        same = [b.ids[r] for r in b.roles if G.nodes[r]["level"] == lv]
        b.lines.append(f"  {{ rank=same; {level_id[lv]}; {'; '.join(same)}; }}")


def _move_attrs(kind: str, faded: bool = False) -> dict[str, str]:
    if kind == LATERAL:
        return {"style": "dashed", "dir": "both", "constraint": "false",
                "color": _q(C_FADED if faded else C_LATERAL),
                "class": _q("move lateral" + (" faded" if faded else ""))}
    return {"color": _q(C_FADED if faded else C_PROMOTION),
            "class": _q("move promotion" + (" faded" if faded else ""))}


def _move_tooltip(b: _Builder, u: str, v: str, kind: str, years: float | None) -> str:
    w = words(b.lang)
    text = f"{b.role(u).name(b.lang)} → {b.role(v).name(b.lang)}: {w[kind]}"
    if years is not None:
        text += f", {_years_text(years, b.lang)}"
    return _q(dot_text(text, where="attr"))


def _moves(G: nx.MultiDiGraph, roles: set[str]) -> list[tuple[str, str, str, float | None]]:
    """Moves among ``roles``, each lateral once (its declared direction)."""
    found = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if u in roles and v in roles and k in (PROMOTION, LATERAL):
            if k == LATERAL and not d.get("declared"):
                continue
            found.append((u, v, k, d.get("years")))
    return sorted(found, key=lambda e: (G.nodes[e[0]]["level"], e[0], e[1], e[2]))


def _legend(lang: str, *, path: bool = False) -> list[tuple[str, str, str]]:
    w = words(lang)
    rows = [("──▶", C_PROMOTION, w["promotion"]), ("◀┄▶", C_LATERAL, w["lateral"])]
    if path:
        rows.insert(0, ("━━▶", C_PATH, w["path"]))
    return rows


def _describe(b: _Builder, title: str) -> str:
    w = words(b.lang)
    kinds = [e.kind for e in b.edges]
    return (f"{title}: {len(b.roles)} {w['desc_roles']}, "
            f"{sum(k in (PROMOTION, LATERAL) for k in kinds)} {w['desc_moves']}.")


# --- views -------------------------------------------------------------------------


def ladder_view(
    G: nx.MultiDiGraph, *, lang: str = DEFAULT_LANGUAGE, rankdir: str | None = None,
    salary: bool = False, link: LinkFn | None = None, max_nodes: int = MAX_NODES,
) -> Chart:
    """Every role by level (bottom up by default), tracks as clusters, every move."""
    rd = _check_common(lang, rankdir, "BT")
    b = _Builder(G, _order(G, G), view="ladder", lang=lang, rankdir=rd, salary=salary,
                 link=link, max_nodes=max_nodes)
    _ranked_body(b)
    for u, v, k, years in _moves(G, set(b.roles)):
        b.lines.append(b.edge(DrawnEdge(u, v, k, years),
                              tooltip=_move_tooltip(b, u, v, k, years), **_move_attrs(k)))
    title = f"{words(lang)['ladder']}: {_ladder_title(G, lang)}"
    b.header(title, "", _legend(lang))
    return b.finish(title, _describe(b, title))


def _path_moves(G: nx.MultiDiGraph, path: Sequence[str]) -> list[tuple[str, float | None]]:
    """(kind, years) of each step of ``path``; raises ViewError if a step is not a move."""
    steps = []
    for u, v in itertools.pairwise(path):
        data = G.get_edge_data(u, v) or {}
        kind = PROMOTION if PROMOTION in data else LATERAL if LATERAL in data else None
        if kind is None:
            raise ViewError(
                f"the path is not a career path: there is no move from {u!r} to {v!r}"
            )
        steps.append((kind, data[kind].get("years")))
    return steps


def path_summary(G: nx.MultiDiGraph, path: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """``"3 steps · 5 years"``-style text for a path (years summed over the steps).

    >>> from orgpath.graph import demo_graph
    >>> path_summary(demo_graph(), ["junior", "senior", "lead"])
    'Junior → Team Lead: 2 steps, 5 years'
    """
    w = words(lang)
    moves = _path_moves(G, path)
    n = len(moves)
    text = f"{_role(G, path[0]).name(lang)} → {_role(G, path[-1]).name(lang)}: "
    text += f"{n} {w['step'] if n == 1 else w['steps']}"
    known = [y for _, y in moves if y is not None]
    if n:
        if len(known) == n:
            text += f", {_years_text(float(sum(known)), lang)}"
        elif known:
            text += f", ≥ {_years_text(float(sum(known)), lang)} ({w['unknown_years']})"
        else:
            text += f", {w['no_years']}"
    return text


def path_view(
    G: nx.MultiDiGraph, path: Sequence[str], *, only_path: bool = False,
    lang: str = DEFAULT_LANGUAGE, rankdir: str | None = None, salary: bool = False,
    link: LinkFn | None = None, max_nodes: int = MAX_NODES,
) -> Chart:
    """The ladder with the career path ``path`` (role ids, first to last) highlighted.

    Roles and moves on the path are emphasised (CSS class ``onpath``) and its
    steps numbered; the rest is faded (class ``faded``). With ``only_path`` only
    the path's roles are drawn.
    """
    rd = _check_common(lang, rankdir, "BT")
    path = list(path)
    if not path:
        raise ViewError("a path needs at least one role")
    for r in path:
        _role(G, r)
    if len(set(path)) != len(path):
        raise ViewError("a path cannot visit a role twice")
    moves = _path_moves(G, path)
    roles = _order(G, path if only_path else G)
    b = _Builder(G, roles, view="path", lang=lang, rankdir=rd, salary=salary, link=link,
                 max_nodes=max_nodes)
    on = set(path)
    css = {r: ("onpath" if r in on else "faded") for r in b.roles}
    extra = {r: {"fillcolor": _q(C_PATH_FILL), "color": _q(C_PATH), "penwidth": "2.5"}
             for r in on}
    extra.update({r: {"color": _q(C_FADED), "fontcolor": _q(C_FADED_TEXT)}
                  for r in b.roles if r not in on})
    _ranked_body(b, css, extra)
    steps = {frozenset((u, v)): i for i, (u, v) in enumerate(itertools.pairwise(path))}
    if not only_path:
        for u, v, k, years in _moves(G, set(b.roles)):
            i = steps.get(frozenset((u, v)))
            if i is not None and moves[i][0] == k:
                continue  # drawn below as a step of the path
            b.lines.append(b.edge(DrawnEdge(u, v, k, years),
                                  tooltip=_move_tooltip(b, u, v, k, years),
                                  **_move_attrs(k, faded=True)))
    w = words(lang)
    for i, ((u, v), (k, years)) in enumerate(zip(itertools.pairwise(path), moves, strict=True)):
        label = f"{w['step']} {i + 1}"  # "step 4 · 4 years", not a bare "4 · 4 years"
        if years is not None:
            label += f" · {_years_text(years, lang)}"
        if G.nodes[u]["track"] != G.nodes[v]["track"]:
            label += f" · {w['track_switch']}"
        b.lines.append(b.edge(
            DrawnEdge(u, v, k, years, onpath=True, step=i + 1),
            color=_q(C_PATH), penwidth="3", fontcolor=_q(C_PATH),
            label=(f'<<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="white"><TR><TD>'
                   f"<B>{dot_text(label)}</B></TD></TR></TABLE>>"),
            style="dashed" if k == LATERAL else "solid",
            constraint="false" if k == LATERAL else None,
            tooltip=_move_tooltip(b, u, v, k, years), **{"class": _q(f"move {k} onpath")},
        ))
    summary = path_summary(G, path, lang)
    title = f"{_ladder_title(G, lang)} — {summary}"
    b.header(_ladder_title(G, lang), summary, _legend(lang, path=True))
    return b.finish(title, _describe(b, title), path)


def focus_view(
    G: nx.MultiDiGraph, role: str, *, depth: int = 1, lang: str = DEFAULT_LANGUAGE,
    rankdir: str | None = None, salary: bool = False, link: LinkFn | None = None,
    max_nodes: int = MAX_NODES,
) -> Chart:
    """``role`` with the roles before and after it (``depth`` moves) and its reporting chain."""
    rd = _check_common(lang, rankdir, "BT")
    _role(G, role)
    if not isinstance(depth, int) or depth < 1:
        raise ViewError("depth must be a whole number of at least 1")
    nxt, prev = next_roles(G, role, depth=depth), previous_roles(G, role, depth=depth)
    chain = reporting_chain(G, role)
    roles = _order(G, {role, *chain, *(h.role for h in nxt), *(h.role for h in prev)})
    b = _Builder(G, roles, view="focus", lang=lang, rankdir=rd, salary=salary, link=link,
                 max_nodes=max_nodes)
    css = {role: "focus"}
    extra = {role: {"fillcolor": _q(C_FOCUS_FILL), "color": _q(C_PROMOTION), "penwidth": "2.5"}}
    _ranked_body(b, css, extra)
    seen: set[tuple[frozenset, str]] = set()
    for u, v, k, years in ([(h.via, h.role, h.kind, h.years) for h in nxt]
                           + [(h.role, h.via, h.kind, h.years) for h in prev]):
        if (frozenset((u, v)), k) in seen:
            continue
        seen.add((frozenset((u, v)), k))
        b.lines.append(b.edge(DrawnEdge(u, v, k, years),
                              tooltip=_move_tooltip(b, u, v, k, years), **_move_attrs(k)))
    w = words(lang)
    for u, v in itertools.pairwise(chain):
        b.lines.append(b.edge(
            DrawnEdge(u, v, REPORTS_TO), style="dotted", color=_q(C_REPORTS), arrowhead="odot",
            constraint="false", tooltip=_q(dot_text(
                f"{b.role(u).name(lang)} {w['reports_to']} {b.role(v).name(lang)}", where="attr")),
            **{"class": '"reporting reports_to"'},
        ))
    name = b.role(role).name(lang)
    title = f"{w['focus']} {name} — {_ladder_title(G, lang)}"
    legend = _legend(lang) + [("┈┈●", C_REPORTS, w["reports_to"])]
    b.header(title, "", legend)
    return b.finish(title, _describe(b, title))


def reporting_view(
    G: nx.MultiDiGraph, *, lang: str = DEFAULT_LANGUAGE, rankdir: str | None = None,
    salary: bool = False, link: LinkFn | None = None, max_nodes: int = MAX_NODES,
) -> Chart:
    """The role-level org chart: top role at the top, primary lines solid, dotted lines dashed."""
    rd = _check_common(lang, rankdir, "TB")
    roles = sorted(G, key=lambda r: (-G.nodes[r]["level"], G.nodes[r]["track"] or "", r))
    b = _Builder(G, roles, view="reporting", lang=lang, rankdir=rd, salary=salary, link=link,
                 max_nodes=max_nodes)
    b.lines.extend(b.node(r) for r in b.roles)
    w = words(lang)
    lines = [(u, v, k) for u, v, k in G.edges(keys=True) if k in (REPORTS_TO, DOTTED)]
    for u, v, k in sorted(lines, key=lambda e: (e[2] != REPORTS_TO, -G.nodes[e[1]]["level"],
                                                e[1], e[0])):
        tip = _q(dot_text(f"{b.role(u).name(lang)} {w[k]} {b.role(v).name(lang)}",
                            where="attr"))
        if k == REPORTS_TO:
            # Drawn manager → report so the manager ranks above; no arrowheads.
            b.edges.append(DrawnEdge(u, v, k))
            attrs = _attrs(dir="none", color=_q(C_REPORTS), penwidth="1.4", tooltip=tip,
                           **{"class": '"reporting reports_to"'})
            b.lines.append(f"  {b.ids[v]} -> {b.ids[u]} [{attrs}];")
        else:
            b.lines.append(b.edge(
                DrawnEdge(u, v, k), style="dashed", color=_q(C_DOTTED), constraint="false",
                arrowhead="empty", tooltip=tip, **{"class": '"reporting dotted"'}))
    title = f"{w['reporting']}: {_ladder_title(G, lang)}"
    legend = [("━━", C_REPORTS, w["reports_to"]), ("┄┄▷", C_DOTTED, w["dotted"])]
    b.header(title, "", legend)
    desc = (f"{title}: {len(b.roles)} {w['desc_roles']}, "
            f"{sum(e.kind == REPORTS_TO for e in b.edges)} {w['reports_to']}, "
            f"{sum(e.kind == DOTTED for e in b.edges)} {w['dotted']}.")
    return b.finish(title, desc)


def build_view(
    G: nx.MultiDiGraph, view: str = "ladder", *, lang: str = DEFAULT_LANGUAGE,
    rankdir: str | None = None, path: Sequence[str] | None = None, only_path: bool = False,
    focus: str | None = None, depth: int = 1, salary: bool = False,
    link: LinkFn | None = None, max_nodes: int = MAX_NODES,
) -> Chart:
    """The chart of ``view`` (one of :data:`VIEWS`) with the options that view takes."""
    common = dict(lang=lang, rankdir=rankdir, salary=salary, link=link, max_nodes=max_nodes)
    if view == "ladder":
        return ladder_view(G, **common)
    if view == "path":
        if not path:
            raise ViewError("the path view needs a path (a list of role ids)")
        return path_view(G, path, only_path=only_path, **common)
    if view == "focus":
        if not focus:
            raise ViewError("the focus view needs a focus role")
        return focus_view(G, focus, depth=depth, **common)
    if view == "reporting":
        return reporting_view(G, **common)
    raise ViewError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")


_NODE_TITLE = re.compile(r"<title>([nl]\d+|cluster_t\d+)</title>")
_EDGE_TITLE = re.compile(r"<title>([nl]\d+)&#45;&gt;([nl]\d+)</title>")
_NODE_GROUP = re.compile(r'(<g id="[^"]*" class="(?:node|cluster)[^"]*")>\n<title>([^<]+)</title>')


def text_lang(texts: Mapping[str, object] | None, lang: str) -> str | None:
    """The language ``localize(texts, lang)`` falls back to, or ``None`` when ``texts`` has
    ``lang`` (or nothing): what a page marks with ``lang=`` (an English-only role title on a
    Danish page is ``"en"``)."""
    if not texts or lang in texts:
        return None
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in texts else next(iter(texts))


def name_titles(svg: str, names: Mapping[str, str],
                langs: Mapping[str, str] | None = None) -> str:
    """Replace Graphviz's ``<title>n3</title>`` (opaque ids) with the names of roles, levels
    and tracks (``l0``, ``cluster_t1``); mark the groups whose text is in another language
    than the chart's with ``lang`` (from ``langs``, DOT id → language)."""

    def group(m: re.Match) -> str:
        other = langs.get(m.group(2)) if langs else None
        return m.group(0) if other is None else (
            f'{m.group(1)} lang="{html.escape(other)}">\n<title>{m.group(2)}</title>')

    def node(m: re.Match) -> str:
        name = names.get(m.group(1))
        return f"<title>{html.escape(clean_text(name))}</title>" if name else m.group(0)

    def edge(m: re.Match) -> str:
        a, b = names.get(m.group(1)), names.get(m.group(2))
        if not a or not b:
            return m.group(0)
        return f"<title>{html.escape(clean_text(a))} → {html.escape(clean_text(b))}</title>"

    if langs:
        svg = _NODE_GROUP.sub(group, svg)
    return _EDGE_TITLE.sub(edge, _NODE_TITLE.sub(node, svg))
