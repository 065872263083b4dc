"""Questions about a career ladder, as plain functions over a ladder graph.

Every function takes the ``networkx.MultiDiGraph`` built by
:func:`orgpath.graph.ladder_graph` and role ids. Use :func:`find_role` to turn
what a person typed (an id, a title or an alias, in any language) into an id.

The examples use :func:`orgpath.graph.demo_graph`:

>>> from orgpath.graph import demo_graph
>>> G = demo_graph()
>>> sorted(G)
['expert', 'junior', 'lead', 'senior']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from orgpath.errors import NotFoundError
from orgpath.graph import DOTTED, MOVE_KINDS, REPORTS_TO, moves_graph
from orgpath.model import Role
from orgpath.text import fold, nearest  # re-exported: other modules import them from here

BY = ("steps", "years")
#: Weight of a move without ``years`` when paths are ranked by years.
UNKNOWN_YEARS_WEIGHT = 1.0


class RoleNotFound(NotFoundError):
    """No role matches ``query``; ``suggestions`` are the closest role ids."""

    def __init__(self, query: str, suggestions: list[str] | None = None, *,
                 graph: nx.MultiDiGraph | None = None):
        self.query = query
        self.graph = graph
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__("role", query, suggestions,
                         message=f"no role matches {query!r}{hint}")


class NoPath(LookupError):
    """There is no career path between two roles."""

    def __init__(self, source: str, target: str):
        self.source, self.target = source, target
        super().__init__(f"no career path from {source!r} to {target!r}")


@dataclass(frozen=True)
class Hop:
    """A role reached from another one by ``depth`` moves; ``kind``/``years`` of the last move."""

    role: str
    kind: str
    years: float | None
    depth: int
    via: str  # the role the last move starts from


@dataclass(frozen=True)
class Step:
    """One move along a career path."""

    source: str
    target: str
    kind: str
    years: float | None
    cumulative_years: float | None
    skills_gained: tuple[str, ...]
    requires: tuple[str, ...]
    salary_change: float | None


@dataclass(frozen=True)
class CareerPath:
    """A way from one role to another."""

    roles: list[str]
    steps: list[Step] = field(default_factory=list)
    total_years: float | None = None  # None when a move has no typical years
    skills_gained: tuple[str, ...] = ()
    salary_change: float | None = None
    currency: str | None = None


def role(G: nx.MultiDiGraph, role_id: str) -> Role:
    """The :class:`~orgpath.model.Role` of ``role_id``.

    >>> role(G, "lead").name("da")
    'Teamleder'
    """
    try:
        return G.nodes[role_id]["role"]
    except KeyError:
        raise RoleNotFound(role_id, _suggest(G, role_id), graph=G) from None


# --- finding roles -----------------------------------------------------------------


def _names(r: Role) -> Iterable[str]:
    yield r.id
    yield from r.title.values()
    yield from r.aliases


def _index(G: nx.MultiDiGraph) -> dict[str, str]:
    """Folded id/title/alias → role id, built once per graph."""
    idx = G.graph.get("_names")
    if idx is None:
        idx = {}
        for rid, data in G.nodes(data=True):
            for name in _names(data["role"]):
                idx.setdefault(fold(name), rid)
                idx.setdefault(fold(name.replace("-", " ")), rid)
        G.graph["_names"] = idx
    return idx


def _suggest(G: nx.MultiDiGraph, query: str, n: int = 3) -> list[str]:
    idx = _index(G)
    close = nearest(idx, fold(query), n=n * 3)
    return list(dict.fromkeys(idx[c] for c in close))[:n]


def find_role(G: nx.MultiDiGraph, query: str) -> str:
    """The id of the role named ``query``: an id, a title or an alias in any language.

    Matching ignores case and accents. Raises :class:`RoleNotFound` with close
    matches when nothing matches.

    >>> find_role(G, "teamleder"), find_role(G, "CHEF"), find_role(G, "junior")
    ('lead', 'lead', 'junior')
    >>> find_role(G, "Team Leed")
    Traceback (most recent call last):
    ...
    orgpath.queries.RoleNotFound: no role matches 'Team Leed' (did you mean lead?)
    >>> find_role(G, "ior")
    Traceback (most recent call last):
    ...
    orgpath.queries.RoleNotFound: no role matches 'ior' (did you mean junior, senior?)
    """
    if query in G:
        return query
    found = _index(G).get(fold(query))
    if found is None:
        raise RoleNotFound(query, search_roles(G, query, limit=3), graph=G)
    return found


def search_roles(G: nx.MultiDiGraph, query: str, limit: int = 20) -> list[str]:
    """Role ids whose id, title or alias contains ``query`` (case/accent-insensitive).

    Exact matches come first, then prefix matches, then the rest; close
    spellings are tried when nothing contains the text.

    >>> search_roles(G, "ior")
    ['junior', 'senior']
    """
    q = fold(query)
    if not q:
        return []
    ranked: dict[str, int] = {}
    for name, rid in _index(G).items():
        if q in name:
            rank = 0 if name == q else 1 if name.startswith(q) else 2
            ranked[rid] = min(rank, ranked.get(rid, 3))
    if not ranked:
        return _suggest(G, query, limit)
    return sorted(ranked, key=lambda r: (ranked[r], G.nodes[r]["level"], r))[:limit]


# --- moves ---------------------------------------------------------------------------


def _walk(G: nx.MultiDiGraph, start: str, kinds: tuple[str, ...], depth: int, forward: bool):
    role(G, start)  # raises RoleNotFound
    D = moves_graph(G)
    neighbours = D.successors if forward else D.predecessors
    seen = {start}
    frontier = [start]
    hops: list[Hop] = []
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in sorted(neighbours(u), key=lambda r: (-G.nodes[r]["level"], r)):
                data = D.edges[u, v] if forward else D.edges[v, u]
                if data["kind"] not in kinds or v in seen:
                    continue
                seen.add(v)
                nxt.append(v)
                hops.append(Hop(v, data["kind"], data.get("years"), d, u))
        frontier = nxt
    return hops


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return MOVE_KINDS
    if kind not in MOVE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(MOVE_KINDS)}, not {kind!r}")
    return (kind,)


def next_roles(
    G: nx.MultiDiGraph, role_id: str, kind: str | None = None, depth: int = 1
) -> list[Hop]:
    """Roles one can move to from ``role_id``, up to ``depth`` moves away.

    ``kind`` limits the moves followed to ``"promotion"`` or ``"lateral"``.

    >>> [(h.role, h.kind, h.years) for h in next_roles(G, "senior")]
    [('lead', 'promotion', 3), ('expert', 'lateral', 1)]
    >>> [(h.role, h.depth) for h in next_roles(G, "junior", kind="promotion", depth=2)]
    [('senior', 1), ('lead', 2)]
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    return _walk(G, role_id, _kinds(kind), depth, forward=True)


def previous_roles(
    G: nx.MultiDiGraph, role_id: str, kind: str | None = None, depth: int = 1
) -> list[Hop]:
    """Roles from which one moves to ``role_id``, up to ``depth`` moves back.

    >>> [h.role for h in previous_roles(G, "lead")]
    ['expert', 'senior']
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    return _walk(G, role_id, _kinds(kind), depth, forward=False)


def _years_weight(u: str, v: str, d: dict) -> float:
    years = d.get("years")
    return UNKNOWN_YEARS_WEIGHT if years is None else float(years)


def salary_delta(a: Role, b: Role) -> float | None:
    """Midpoint of ``b``'s band minus ``a``'s; None unless both are known in one currency/period."""
    sa, sb = a.salary, b.salary
    if not sa or not sb or sa.currency != sb.currency or sa.period != sb.period:
        return None
    if sa.midpoint is None or sb.midpoint is None:
        return None
    return sb.midpoint - sa.midpoint


def describe_path(G: nx.MultiDiGraph, roles: list[str]) -> CareerPath:
    """Steps, years, skills gained and salary change along ``roles``.

    Skills gained are the skills of the roles reached that the start role
    lacks; salary change compares band midpoints in the same currency.

    >>> p = describe_path(G, ["junior", "senior", "expert"])
    >>> p.total_years, p.skills_gained, [s.skills_gained for s in p.steps]
    (3.0, ('b', 'c'), [('b',), ('c',)])
    """
    D = moves_graph(G)
    have = set(role(G, roles[0]).skills)
    gained: list[str] = []
    steps: list[Step] = []
    total: float | None = 0.0
    for u, v in itertools.pairwise(roles):
        if not D.has_edge(u, v):
            raise NoPath(u, v)
        data = D.edges[u, v]
        years = data.get("years")
        total = None if total is None or years is None else total + years
        new = tuple(s for s in role(G, v).skills if s not in have)
        have.update(new)
        gained.extend(new)
        steps.append(
            Step(u, v, data["kind"], years, total, new, tuple(data.get("requires") or ()),
                 salary_delta(role(G, u), role(G, v)))
        )
    first, last = role(G, roles[0]), role(G, roles[-1])
    change = salary_delta(first, last) if len(roles) > 1 else None
    return CareerPath(
        roles=list(roles), steps=steps, total_years=total, skills_gained=tuple(gained),
        salary_change=change, currency=first.salary.currency if change is not None else None,
    )


def career_paths(
    G: nx.MultiDiGraph, source: str, target: str, by: str = "steps", k: int = 1
) -> list[CareerPath]:
    """The ``k`` best career paths from ``source`` to ``target``, best first.

    ``by="steps"`` ranks by the number of moves, ``by="years"`` by the total
    typical years (moves without years count as ``UNKNOWN_YEARS_WEIGHT``).
    Alternatives are simple paths (no role twice), from
    :func:`networkx.shortest_simple_paths`. Raises :class:`NoPath`.

    >>> [p.roles for p in career_paths(G, "junior", "lead", k=2)]
    [['junior', 'senior', 'lead'], ['junior', 'senior', 'expert', 'lead']]
    >>> career_paths(G, "junior", "lead", by="years")[0].roles
    ['junior', 'senior', 'expert', 'lead']
    """
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    if k < 1:
        raise ValueError("k must be at least 1")
    role(G, source), role(G, target)
    if source == target:
        return [describe_path(G, [source])]
    D = moves_graph(G)
    weight = _years_weight if by == "years" else None
    try:
        found = list(itertools.islice(nx.shortest_simple_paths(D, source, target, weight), k))
    except nx.NetworkXNoPath:
        raise NoPath(source, target) from None
    return [describe_path(G, p) for p in found]


def shortest_path(G: nx.MultiDiGraph, source: str, target: str, by: str = "steps") -> CareerPath:
    """The best career path from ``source`` to ``target``.

    >>> shortest_path(G, "junior", "lead").total_years
    5.0
    """
    return career_paths(G, source, target, by=by, k=1)[0]


# --- reporting lines ----------------------------------------------------------------


def manager(G: nx.MultiDiGraph, role_id: str) -> str | None:
    """The role ``role_id`` reports to on its primary line, or None at the top."""
    role(G, role_id)
    for _, v, k in G.out_edges(role_id, keys=True):
        if k == REPORTS_TO:
            return v
    return None


def reporting_chain(G: nx.MultiDiGraph, role_id: str) -> list[str]:
    """``role_id`` and the roles above it on primary reporting lines, up to the top.

    >>> reporting_chain(G, "junior")
    ['junior', 'lead']
    """
    chain = [role_id]
    boss = manager(G, role_id)
    while boss is not None and boss not in chain:  # validation rejects cycles
        chain.append(boss)
        boss = manager(G, boss)
    return chain


def dotted_lines(G: nx.MultiDiGraph, role_id: str) -> list[str]:
    """Roles ``role_id`` has a dotted reporting line to."""
    role(G, role_id)
    return [v for _, v, k in G.out_edges(role_id, keys=True) if k == DOTTED]


def direct_reports(G: nx.MultiDiGraph, role_id: str) -> list[str]:
    """Roles reporting to ``role_id`` on their primary line, most senior first.

    >>> direct_reports(G, "lead")
    ['expert', 'senior', 'junior']
    """
    role(G, role_id)
    found = [u for u, _, k in G.in_edges(role_id, keys=True) if k == REPORTS_TO]
    return sorted(found, key=lambda r: (-G.nodes[r]["level"], r))


def all_reports(G: nx.MultiDiGraph, role_id: str) -> list[str]:
    """Every role below ``role_id`` on primary reporting lines, breadth first.

    >>> all_reports(G, "lead")
    ['expert', 'senior', 'junior']
    """
    seen, order, frontier = {role_id}, [], [role_id]
    while frontier:
        nxt = []
        for r in frontier:
            for sub in direct_reports(G, r):
                if sub not in seen:
                    seen.add(sub)
                    order.append(sub)
                    nxt.append(sub)
        frontier = nxt
    return order


# --- the shape of a ladder -----------------------------------------------------------


def entry_roles(G: nx.MultiDiGraph) -> list[str]:
    """Where people join: roles at the lowest level and roles no move leads to.

    >>> entry_roles(G)
    ['junior']
    """
    if not len(G):
        return []
    low = min(level for _, level in G.nodes(data="level"))
    D = moves_graph(G)
    found = [r for r in G if G.nodes[r]["level"] == low or D.in_degree(r) == 0]
    return sorted(found, key=lambda r: (G.nodes[r]["level"], r))


def top_roles(G: nx.MultiDiGraph) -> list[str]:
    """Roles at the highest level of the ladder.

    >>> top_roles(G)
    ['lead']
    """
    if not len(G):
        return []
    high = max(level for _, level in G.nodes(data="level"))
    return sorted(r for r, level in G.nodes(data="level") if level == high)


def roles_by_level(G: nx.MultiDiGraph) -> dict[int, list[str]]:
    """Role ids grouped by level, most senior level first.

    >>> roles_by_level(G)
    {3: ['lead'], 2: ['expert', 'senior'], 1: ['junior']}
    """
    levels: dict[int, list[str]] = {}
    for r, level in sorted(G.nodes(data="level"), key=lambda x: (-x[1], x[0])):
        levels.setdefault(level, []).append(r)
    return levels


def roles_by_track(G: nx.MultiDiGraph) -> dict[str | None, list[str]]:
    """Role ids grouped by track (``None`` for roles without one), junior first.

    >>> list(roles_by_track(G))
    [None]
    """
    tracks: dict[str | None, list[str]] = {}
    for r in sorted(G, key=lambda r: (G.nodes[r]["level"], r)):
        tracks.setdefault(G.nodes[r]["track"], []).append(r)
    return tracks


def has_way_up(G: nx.MultiDiGraph, role_id: str) -> bool:
    """Whether some role of a higher level can be reached from ``role_id`` by moves.

    >>> has_way_up(G, "expert"), has_way_up(G, "lead")
    (True, False)
    """
    level = role(G, role_id).level
    return any(G.nodes[r]["level"] > level for r in nx.descendants(moves_graph(G), role_id))




__all__ = [
    "BY", "CareerPath", "Hop", "NoPath", "RoleNotFound", "Step", "all_reports", "career_paths",
    "describe_path", "direct_reports", "dotted_lines", "entry_roles", "find_role", "fold",
    "has_way_up", "manager", "nearest", "next_roles", "previous_roles",
    "reporting_chain", "role", "roles_by_level", "roles_by_track", "salary_delta", "search_roles",
    "shortest_path", "top_roles",
]
