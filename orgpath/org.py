"""An :class:`~orgpath.model.Org` as a ``networkx.DiGraph``, and plain queries over it.

``org_graph(org)`` has one node per person id (attribute ``person``, the
:class:`~orgpath.model.Person`) and one edge manager → report; reports keep
the order of the file. ``G.graph["org"]`` is the org. Dotted lines are not
edges (they would break the tree); read them from ``person.dotted_managers``.

Derived data (levels, head counts, role index) is computed once and cached on
``G.graph``, since org graphs are not changed after they are built. Like
networkx's own algorithms, the functions read the graph's adjacency dicts
(``G._succ``, ``G._pred``) directly: the public views cost 3x on 100,000 people.

The examples use :func:`demo_org`, a seven-person org:

>>> G = demo_org()
>>> sorted(G.successors("ceo"))
['e', 'pa', 's']
"""

from __future__ import annotations

import statistics
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from typing import NamedTuple

import networkx as nx

from orgpath.bulk import gc_paused
from orgpath.errors import NotFoundError
from orgpath.model import Org, Person
from orgpath.queries import fold

__all__ = [
    "NextRole",
    "PersonNode",
    "PersonNotFound",
    "all_reports",
    "chain_of_command",
    "demo_org",
    "direct_reports",
    "find_people",
    "headcount",
    "levels",
    "manager_of",
    "neighbourhood",
    "next_roles_with_holders",
    "org_depth",
    "org_graph",
    "org_stats",
    "people_with_role",
    "person",
    "roots",
    "span_of_control",
    "subtree",
    "warm",
]


class PersonNotFound(NotFoundError):
    """No person with that id; ``suggestions`` are close ids or names."""

    def __init__(self, pid: str, suggestions: list[str] | None = None):
        self.pid = pid
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__("person", str(pid), suggestions,
                         message=f"no person with id {pid!r}{hint}")


def org_graph(org: Org) -> nx.DiGraph:
    """The reporting tree of ``org``: edges manager → report, node attribute ``person``.

    Built lean for orgs of a million people, and read-only: a node's data is a
    :class:`PersonNode`, a person's predecessors a one-entry mapping, a person
    without reports shares one empty mapping, and every edge the same empty data
    dict. Reading it is as with any ``DiGraph`` (views, algorithms, ``copy()``,
    ``subgraph``); changing it in place raises ``TypeError``: copy it first.

    >>> G = demo_org()
    >>> sorted(G.successors("s"))
    ['s1', 's2']
    >>> G.nodes["s"]["person"].name, G.graph["org"].id
    ('Søren Sales', 'demo')
    """
    G = nx.DiGraph(org=org, id=org.id)
    # Filled in place (G._adj is G._succ), as add_nodes_from/add_edges_from would but
    # without a dict per node's data, per leaf, per manager line and per edge.
    node, succ, pred = G._node, G._succ, G._pred
    edge, nobody = _NO_ATTRIBUTES, _NOBODY
    with gc_paused():  # 100,000 small objects: the collector would only slow this down
        for p in org.people:
            if p.id not in node:
                succ[p.id] = pred[p.id] = nobody
            node[p.id] = PersonNode(p)
        for p in org.people:
            m, v = p.manager_id, p.id
            if m is None:
                continue
            if m not in node:  # not a person of the org: a bare node, as networkx adds it
                node[m], succ[m], pred[m] = {}, nobody, nobody
            reports = succ[m]
            if reports is nobody:
                succ[m] = reports = {}
            reports[v] = edge
            up = pred[v]
            # one manager each, unless an Org made in code repeats a person's id
            pred[v] = _Manager(m) if up is nobody else {**up, m: edge}
    return G


_NO_ATTRIBUTES: dict = {}  # the data of every org graph edge (never written to)


class _Adjacency(Mapping):
    """Read-only neighbours of one org graph node: ``{neighbour: edge data}``."""

    __slots__ = ()

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self))

    def copy(self) -> dict:
        return dict(self)

    def __repr__(self) -> str:
        return repr(dict(self))


class _Nobody(_Adjacency):
    """No neighbours: the one mapping every person without reports (or manager) shares."""

    __slots__ = ()

    def __getitem__(self, key: str) -> dict:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, key: object) -> bool:
        return False

    def get(self, key: str, default: object = None) -> object:
        return default

    def __reduce__(self) -> str:
        return "_NOBODY"  # a copy or pickle is the same one


_NOBODY = _Nobody()


class _Manager(_Adjacency):
    """A person's one manager: ``{manager_id: edge data}`` in 48 bytes (a dict: 184)."""

    __slots__ = ("id",)

    def __init__(self, manager_id: str):
        self.id = manager_id

    def __getitem__(self, key: str) -> dict:
        if key == self.id:
            return _NO_ATTRIBUTES
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter((self.id,))

    def __len__(self) -> int:
        return 1

    def __contains__(self, key: object) -> bool:
        return key == self.id

    def get(self, key: str, default: object = None) -> object:
        return _NO_ATTRIBUTES if key == self.id else default


class PersonNode(Mapping):
    """The attributes of an org graph node, ``{"person": Person}``, read-only.

    A one-slot mapping (48 bytes) in place of a dict (184 bytes): 14 MB less for
    100,000 people. Reads work as on a dict (``G.nodes[v]["person"]``, ``.get``,
    ``**data``, ``dict(data)``); writing to it raises ``TypeError``.

    >>> d = PersonNode(Person("a", "Ann"))
    >>> d["person"].name, d.get("title"), dict(d) == {"person": d.person}
    ('Ann', None, True)
    """

    __slots__ = ("person",)

    def __init__(self, person: Person):
        self.person = person

    def __getitem__(self, key: str) -> Person:
        if key == "person":
            return self.person
        raise KeyError(key)

    def get(self, key: str, default: object = None) -> object:
        return self.person if key == "person" else default

    def __contains__(self, key: object) -> bool:
        return key == "person"

    def __iter__(self) -> Iterator[str]:
        return iter(("person",))

    def __len__(self) -> int:
        return 1

    def copy(self) -> dict:
        """A plain dict of the attributes (what networkx copies a node's data with)."""
        return {"person": self.person}

    def __repr__(self) -> str:
        return f"{{'person': {self.person!r}}}"


def demo_org() -> nx.DiGraph:
    """A small org graph for examples and tests: a CEO, an assistant, two teams.

    >>> len(demo_org())
    7
    """
    return org_graph(Org("demo", "Demo", (
        Person("ceo", "Ada Boss", title="CEO"),
        Person("pa", "Pat Aide", "ceo", title="Assistant", assistant=True),
        Person("s", "Søren Sales", "ceo", title="Head of Sales", role="lead"),
        Person("e", "Eve Eng", "ceo", title="Head of Engineering"),
        Person("s1", "Sam Seller", "s", title="Seller", role="am"),
        Person("s2", "Sue Seller", "s", title="Seller", role="am"),
        Person("e1", "Ed Coder", "e", title="Engineer"),
    )))


def _check(G: nx.DiGraph, pid: str) -> None:
    if pid not in G:
        import difflib

        close = difflib.get_close_matches(str(pid), [str(n) for n in G], n=3)
        exc = PersonNotFound(pid, close)
        exc.graph = G
        raise exc


def person(G: nx.DiGraph, pid: str) -> Person:
    """The :class:`~orgpath.model.Person` ``pid``; raises :class:`PersonNotFound`.

    >>> G = demo_org()
    >>> person(G, "e1").name
    'Ed Coder'
    """
    _check(G, pid)
    return G.nodes[pid]["person"]


def manager_of(G: nx.DiGraph, pid: str) -> str | None:
    """The id of ``pid``'s manager, or ``None`` for a root.

    >>> G = demo_org()
    >>> manager_of(G, "s1"), manager_of(G, "ceo")
    ('s', None)
    """
    _check(G, pid)
    for m in G._pred[pid]:
        return m
    return None


def roots(G: nx.DiGraph) -> list[str]:
    """The people without a manager, in file order.

    >>> G = demo_org()
    >>> roots(G)
    ['ceo']
    """
    return [n for n, pred in G._pred.items() if not pred]


def chain_of_command(G: nx.DiGraph, pid: str) -> list[str]:
    """``pid``, their manager, that manager's manager ... up to the root.

    >>> G = demo_org()
    >>> chain_of_command(G, "s2")
    ['s2', 's', 'ceo']
    """
    _check(G, pid)
    pred = G._pred
    chain = [pid]
    seen = {pid}
    while pred[chain[-1]]:
        m = next(iter(pred[chain[-1]]))
        if m in seen:  # not a tree; stop rather than loop
            break
        seen.add(m)
        chain.append(m)
    return chain


def direct_reports(G: nx.DiGraph, pid: str) -> list[str]:
    """The people who report to ``pid`` directly, in file order.

    >>> G = demo_org()
    >>> direct_reports(G, "ceo")
    ['pa', 's', 'e']
    """
    _check(G, pid)
    return list(G._succ[pid])


def all_reports(G: nx.DiGraph, pid: str, depth: int | None = None) -> list[str]:
    """Everyone below ``pid`` (breadth first), at most ``depth`` levels down.

    >>> G = demo_org()
    >>> all_reports(G, "ceo", depth=1)
    ['pa', 's', 'e']
    >>> all_reports(G, "s")
    ['s1', 's2']
    """
    _check(G, pid)
    succ = G._succ
    out: list[str] = []
    frontier = [pid]
    level = 0
    while frontier and (depth is None or level < depth):
        nxt = [c for v in frontier for c in succ[v]]
        out += nxt
        frontier = nxt
        level += 1
    return out


def subtree(G: nx.DiGraph, pid: str, depth: int | None = None) -> nx.DiGraph:
    """A new tree graph of ``pid`` and their reports down to ``depth`` levels.

    >>> G = demo_org()
    >>> sorted(subtree(G, "s").edges())
    [('s', 's1'), ('s', 's2')]
    """
    nodes = [pid, *all_reports(G, pid, depth)]
    T = nx.DiGraph(**G.graph)
    for k in [k for k in T.graph if k.startswith("_")]:
        del T.graph[k]
    T.add_nodes_from((n, G.nodes[n]) for n in nodes)
    T.add_edges_from((m, v) for v in nodes[1:] for m in G._pred[v])
    return T


def _preorder(G: nx.DiGraph) -> list[str]:
    """Every node, managers before their reports (iterative, so deep chains are fine)."""
    succ = G._succ
    order: list[str] = []
    stack = list(reversed(roots(G)))
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(reversed(list(succ[v])))
    return order


def levels(G: nx.DiGraph) -> dict[str, int]:
    """Each person's level: 0 for a root, 1 for their reports, ... (cached on ``G``).

    >>> G = demo_org()
    >>> levels(G)["s1"]
    2
    """
    lv = G.graph.get("_levels")
    if lv is None:
        lv = {}
        succ = G._succ
        for r in roots(G):
            lv[r] = 0
            queue = deque([r])
            while queue:
                v = queue.popleft()
                d = lv[v] + 1
                for c in succ[v]:
                    lv[c] = d
                    queue.append(c)
        G.graph["_levels"] = lv
    return lv


def _headcounts(G: nx.DiGraph) -> dict[str, int]:
    hc = G.graph.get("_headcount")
    if hc is None:
        hc = dict.fromkeys(G._succ, 0)
        pred = G._pred
        for v in reversed(_preorder(G)):
            for m in pred[v]:
                hc[m] += hc[v] + 1
        G.graph["_headcount"] = hc
    return hc


def headcount(G: nx.DiGraph, pid: str) -> int:
    """How many people report to ``pid``, directly or not (subtree sizes are cached).

    >>> G = demo_org()
    >>> headcount(G, "ceo"), headcount(G, "s"), headcount(G, "s1")
    (6, 2, 0)
    """
    _check(G, pid)
    return _headcounts(G)[pid]


def span_of_control(G: nx.DiGraph) -> dict[str, int]:
    """Each manager's number of direct reports (people without reports are left out).

    >>> G = demo_org()
    >>> span_of_control(G)
    {'ceo': 3, 's': 2, 'e': 1}
    """
    return {v: len(s) for v, s in G._succ.items() if s}


def org_depth(G: nx.DiGraph) -> int:
    """The number of management levels: 1 when nobody has a manager, 0 for no people.

    >>> G = demo_org()
    >>> org_depth(G)
    3
    """
    lv = levels(G)
    return max(lv.values()) + 1 if lv else 0


def org_stats(G: nx.DiGraph) -> dict:
    """Head counts, levels, spans of control and departments of an org graph.

    >>> s = org_stats(demo_org())
    >>> s["people"], s["managers"], s["levels"], s["span_max"], s["span_mean"], s["assistants"]
    (7, 3, 3, 3, 2, 1)
    >>> s["departments"]
    {'-': 7}
    """
    spans = list(span_of_control(G).values())
    persons = [d["person"] for d in G._node.values()]
    return {
        "people": len(G),
        "roots": len(roots(G)),
        "managers": len(spans),
        "levels": org_depth(G),
        "span_mean": round(statistics.mean(spans), 2) if spans else 0,
        "span_median": statistics.median(spans) if spans else 0,
        "span_max": max(spans, default=0),
        "vacant": sum(p.vacant for p in persons),
        "assistants": sum(p.assistant for p in persons),
        "dotted_lines": sum(len(p.dotted_managers) for p in persons),
        "departments": dict(Counter(p.department or "-" for p in persons).most_common()),
    }


def _role_index(G: nx.DiGraph) -> dict[str, list[str]]:
    idx = G.graph.get("_by_role")
    if idx is None:
        idx = {}
        for v, d in G._node.items():
            r = d["person"].role
            if r is not None:
                idx.setdefault(r, []).append(v)
        G.graph["_by_role"] = idx
    return idx


def people_with_role(G: nx.DiGraph, role_id: str) -> list[str]:
    """The people whose ladder role is ``role_id``, in file order.

    >>> G = demo_org()
    >>> people_with_role(G, "am")
    ['s1', 's2']
    """
    return list(_role_index(G).get(role_id, ()))


def _search_index(G: nx.DiGraph) -> tuple[list[str], list[str], list[str]]:
    """Ids, folded names and folded titles, in file order (cached on ``G``)."""
    index = G.graph.get("_search")
    if index is None:
        # Three columns, not a tuple per person, and one folded string per distinct name
        # or title (titles repeat): 100,000 people's index is 2.5 MB instead of 20.
        folded: dict[str, str] = {}

        def once(text: str) -> str:
            out = folded.get(text)
            if out is None:
                out = folded[text] = fold(text)
            return out

        people = [d["person"] for d in G._node.values()]
        index = (list(G._node), [once(p.name) for p in people],
                 [once(p.title or "") for p in people])
        G.graph["_search"] = index
    return index


def warm(G: nx.DiGraph) -> None:
    """Build now the caches the queries keep on ``G``: levels, head counts, the search
    and the role index.

    For a process about to fork workers that share ``G`` (gunicorn's preload): built
    there once, the workers share them instead of each building its own, which would
    also read, and so un-share, every person (CPython writes a reference count on each
    read, and a written page is the worker's own).

    >>> G = demo_org()
    >>> warm(G)
    >>> sorted(k for k in G.graph if k.startswith("_"))
    ['_by_role', '_headcount', '_levels', '_search']
    """
    levels(G)
    _headcounts(G)
    _search_index(G)
    _role_index(G)


def find_people(G: nx.DiGraph, q: str, limit: int | None = None) -> list[str]:
    """People whose name or title contains ``q``, ignoring case and accents.

    Name matches come before title matches; an exact id match comes first.

    >>> G = demo_org()
    >>> find_people(G, "soren"), find_people(G, "SELLER")
    (['s'], ['s1', 's2'])
    """
    needle = fold(q.strip())
    if not needle:
        return []
    index = _search_index(G)
    ids, names, titles = index
    first = [q] if q in G._succ else []
    by_name = [v for v, n in zip(ids, names, strict=True) if needle in n and v not in first]
    named = set(by_name)
    by_title = [v for v, t in zip(ids, titles, strict=True)
                if needle in t and v not in named and v not in first]
    out = first + by_name + by_title
    return out if limit is None else out[:limit]


class NextRole(NamedTuple):
    """A role one move away from a person's, and who holds it today."""

    role: str  # ladder role id
    kind: str  # "promotion" or "lateral"
    holders: list[str]  # person ids


def next_roles_with_holders(
    G: nx.DiGraph, pid: str, ladder_graph: nx.MultiDiGraph
) -> list[NextRole]:
    """The roles ``pid`` can move to next in the ladder, each with its holders in the org.

    Follows the ladder graph's ``promotion`` and ``lateral`` out-edges of the
    person's role; promotions come first. A person without a ladder role (or
    with a role the ladder does not have) has no next roles.

    >>> G = demo_org()
    >>> from orgpath.model import Ladder, Role, Move
    >>> from orgpath.graph import ladder_graph
    >>> L = ladder_graph(Ladder("x", {"en": "X"}, (Role("am", {"en": "AM"}, 1),
    ...     Role("lead", {"en": "Lead"}, 2)), (Move("am", "lead"),)))
    >>> next_roles_with_holders(G, "s1", L)
    [NextRole(role='lead', kind='promotion', holders=['s'])]
    """
    role = person(G, pid).role
    if role is None or role not in ladder_graph:
        return []
    out: list[NextRole] = []
    seen: set[tuple[str, str]] = set()
    for kind in ("promotion", "lateral"):
        for _, target, key in ladder_graph.out_edges(role, keys=True):
            if key == kind and (target, kind) not in seen:
                seen.add((target, kind))
                out.append(NextRole(target, kind, people_with_role(G, target)))
    return out


def neighbourhood(G: nx.DiGraph, pid: str) -> list[str]:
    """``pid``'s surroundings: the chain up to the root, peers, reports two levels down.

    Managers come before their reports, so ``G.subgraph(result)`` is a tree.

    >>> G = demo_org()
    >>> neighbourhood(G, "s")
    ['ceo', 'pa', 's', 'e', 's1', 's2']
    """
    chain = chain_of_command(G, pid)
    out = list(reversed(chain[1:]))
    succ = G._succ
    if len(chain) > 1:
        out += succ[chain[1]]  # peers, pid among them, in file order
    else:
        out.append(pid)
    out += all_reports(G, pid, depth=2)
    return out

