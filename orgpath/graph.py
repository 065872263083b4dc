"""Ladder model → networkx graph.

``ladder_graph`` returns a ``networkx.MultiDiGraph`` whose nodes are role ids
and whose edges are keyed by their kind:

* ``promotion``: a move up, ``u → v``.
* ``lateral``: a sideways move. Lateral moves go both ways, so each is stored
  in both directions; the direction written in the file has ``declared=True``.
* ``reports_to``: ``u`` reports to ``v`` (primary line).
* ``dotted``: ``u`` has a dotted line to ``v``.

Node attributes: ``role`` (the :class:`~orgpath.model.Role`), ``level``,
``track`` and ``title`` (English). Edge attributes: ``kind``, and for moves
``years``, ``requires``, ``source``. ``G.graph["ladder"]`` holds the
:class:`~orgpath.model.Ladder`.
"""

from __future__ import annotations

import networkx as nx

from orgpath.model import Ladder, Move, Role

PROMOTION = "promotion"
LATERAL = "lateral"
REPORTS_TO = "reports_to"
DOTTED = "dotted"
MOVE_KINDS = (PROMOTION, LATERAL)
REPORTING_KINDS = (REPORTS_TO, DOTTED)


def ladder_graph(ladder: Ladder) -> nx.MultiDiGraph:
    """Build the graph of a ladder.

    Examples
    --------
    >>> from orgpath.model import Ladder, Role, Move
    >>> lad = Ladder("x", {"en": "X"}, (Role("a", {"en": "A"}, 1),
    ...     Role("b", {"en": "B"}, 2, reports_to=())), (Move("a", "b"),))
    >>> G = ladder_graph(lad)
    >>> list(G.edges(keys=True))
    [('a', 'b', 'promotion')]
    """
    G = nx.MultiDiGraph(ladder=ladder, id=ladder.id)
    for role in ladder.roles:
        G.add_node(
            role.id,
            role=role,
            level=role.level,
            track=role.track,
            title=role.name("en"),
        )
    for move in ladder.moves:
        attrs = {"years": move.years, "requires": move.requires, "source": move.source}
        G.add_edge(
            move.source_role, move.target_role, key=move.kind, kind=move.kind,
            declared=True, **attrs,
        )
        if move.kind == LATERAL and not G.has_edge(move.target_role, move.source_role, LATERAL):
            G.add_edge(
                move.target_role, move.source_role, key=LATERAL, kind=LATERAL,
                declared=False, **attrs,
            )
    for role in ladder.roles:
        for i, manager in enumerate(role.reports_to):
            kind = REPORTS_TO if i == 0 else DOTTED
            G.add_edge(role.id, manager, key=kind, kind=kind)
    return G


def moves_graph(G: nx.MultiDiGraph, kinds: tuple[str, ...] = MOVE_KINDS) -> nx.DiGraph:
    """The career moves of ``G`` as a simple ``DiGraph`` (for path algorithms).

    Cached on ``G`` since graphs are not changed after they are built.

    >>> from orgpath.model import Ladder, Role, Move
    >>> lad = Ladder("x", {"en": "X"}, (Role("a", {"en": "A"}, 1),
    ...     Role("b", {"en": "B"}, 1)), (Move("a", "b", "lateral"),))
    >>> sorted(moves_graph(ladder_graph(lad)).edges())
    [('a', 'b'), ('b', 'a')]
    """
    cache = G.graph.setdefault("_moves", {})
    if kinds not in cache:
        D = nx.DiGraph()
        D.add_nodes_from(G.nodes(data=True))
        for u, v, k, d in G.edges(keys=True, data=True):
            if k in kinds and not D.has_edge(u, v):
                D.add_edge(u, v, **d)
        cache[kinds] = D
    return cache[kinds]


def demo_graph() -> nx.MultiDiGraph:
    """A four-role example ladder, used by the documentation's examples.

    junior → senior → lead, and senior ↔ expert (lateral) → lead.

    >>> sorted(demo_graph().edges(keys=True))[:2]
    [('expert', 'lead', 'promotion'), ('expert', 'lead', 'reports_to')]
    """
    roles = (
        Role("junior", {"en": "Junior", "da": "Junior"}, 1, skills=("a",), reports_to=("lead",)),
        Role("senior", {"en": "Senior", "da": "Senior"}, 2, skills=("a", "b"),
             reports_to=("lead",)),
        Role("expert", {"en": "Expert", "da": "Ekspert"}, 2, skills=("c",), reports_to=("lead",)),
        Role("lead", {"en": "Team Lead", "da": "Teamleder"}, 3, aliases=("Chef",)),
    )
    moves = (
        Move("junior", "senior", years=2), Move("senior", "lead", years=3),
        Move("senior", "expert", "lateral", years=1), Move("expert", "lead", years=1),
    )
    return ladder_graph(Ladder("demo", {"en": "Demo"}, roles, moves))
