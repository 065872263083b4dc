"""The org list view's query: people filtered, sorted and paged, over an org graph.

One query (:class:`ListQuery`) answers the list page, its CSV and the org API's
people list alike. It reads only the graph it is given, so an audience's view of
an org (:mod:`orgpath.audience`) is all it can show: hidden people are not in the
graph, and hidden fields (email) are empty there, which makes them neither
searchable nor a column (:func:`columns`).

>>> from orgpath.org import demo_org
>>> G = demo_org()
>>> page = list_people(G, ListQuery(sort="-headcount", per_page=2))
>>> page.total, page.ids, page.pages
(7, ['ceo', 's'], 4)
>>> list_people(G, ListQuery(q="seller")).ids
['s1', 's2']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from orgpath import org as orgq
from orgpath.bulk import gc_paused
from orgpath.text import fold

#: The columns of the list, in order; each can be sorted (``email`` only when shown).
COLUMNS: tuple[str, ...] = ("name", "title", "department", "role", "manager", "reports",
                            "headcount", "vacant", "email")


class ListError(ValueError):
    """A list query that cannot be answered; ``parameter`` names the part that is wrong."""

    def __init__(self, parameter: str, message: str, allowed: list[str] | None = None):
        super().__init__(message)
        self.parameter = parameter
        self.allowed = allowed


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: a search, filters, an order and a page (1-based)."""

    q: str = ""
    department: str | None = None
    role: str | None = None
    manager: str | None = None  # a person id: that person's direct reports
    vacant: bool | None = None  # True: only vacancies; False: only filled positions
    sort: str | None = None  # a column, "-column" for descending; None: file order
    page: int = 1
    per_page: int | None = None  # None: every match on one page

    def key(self) -> tuple:
        """The query as a cache key."""
        return (self.q, self.department, self.role, self.manager, self.vacant, self.sort,
                self.page, self.per_page)


@dataclass
class ListPage:
    """One page of the list: the matching people's ids on it and how many matched."""

    query: ListQuery
    total: int  # people matching the search and filters
    ids: list[str]  # this page's people, in order
    page: int
    per_page: int
    columns: tuple[str, ...] = COLUMNS
    matching: list[str] = field(default_factory=list, repr=False)  # every match, in order

    @property
    def pages(self) -> int:
        """How many pages the matches fill (1 when nothing matched)."""
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    @property
    def first(self) -> int:
        """The 1-based position of this page's first person (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.ids else 0

    @property
    def last(self) -> int:
        """The 1-based position of this page's last person (0 when empty)."""
        return self.first + len(self.ids) - 1 if self.ids else 0


def columns(G: nx.DiGraph) -> tuple[str, ...]:
    """The columns this graph can show: ``email`` only when someone's email is visible."""
    if any(d["person"].email for d in G._node.values()):
        return COLUMNS
    return tuple(c for c in COLUMNS if c != "email")


def departments(G: nx.DiGraph) -> list[str]:
    """The departments people are in, sorted (ignoring case and accents)."""
    return sorted({d["person"].department for d in G._node.values()
                   if d["person"].department}, key=fold)


def roles(G: nx.DiGraph) -> list[str]:
    """The ladder role ids people hold, in the order first met."""
    return list(dict.fromkeys(d["person"].role for d in G._node.values() if d["person"].role))


def managers(G: nx.DiGraph) -> list[str]:
    """People with at least one direct report, in file order."""
    return [v for v, s in G._succ.items() if s]


def _index(G: nx.DiGraph) -> dict[str, tuple[str, str, str, str]]:
    """Each person's (name, title, department, email), folded once per graph, by id."""
    index = G.graph.get("_list_index")
    if index is None:
        with gc_paused():
            index = {v: (fold(p.name), fold(p.title or ""), fold(p.department or ""),
                         fold(p.email or ""))
                     for v, d in G._node.items() for p in (d["person"],)}
        G.graph["_list_index"] = index
    return index


def _search(G: nx.DiGraph, q: str) -> list[str]:
    """People whose id, name, title, department or (visible) email contains ``q``.

    Best first: an exact id, then name, title, department and email matches.
    """
    needle = fold(q.strip())
    if not needle:
        return list(G._node)
    first = [q] if q in G._succ else []
    tiers: list[list[str]] = [first, [], [], [], []]
    for v, (name, title, dept, email) in _index(G).items():
        if v in first:
            continue
        for tier, text in enumerate((name, title, dept, email), start=1):
            if needle in text:
                tiers[tier].append(v)
                break
    return [v for tier in tiers for v in tier]


#: The folded text columns, by their place in :func:`_index`'s tuples.
_TEXT = {"name": 0, "title": 1, "department": 2, "email": 3}
#: Columns whose empty values sort last both ways (the rest are numbers or flags).
_TEXT_COLUMNS = frozenset({*_TEXT, "role", "manager"})


def _sort_keys(G: nx.DiGraph, column: str, role_titles: Mapping[str, str]) -> dict[str, Any]:
    """Each person's sort key for ``column``, by id: a dict, so the sort itself calls no
    Python per person. Made per query (kept, one dict a column would cost megabytes
    per org and audience); only the folded texts (:func:`_index`) are kept."""
    with gc_paused():
        if column in _TEXT:
            i = _TEXT[column]
            return {v: t[i] for v, t in _index(G).items()}
        if column == "role":
            return {v: fold(role_titles.get(r, r)) if (r := d["person"].role) else ""
                    for v, d in G._node.items()}
        if column == "manager":
            index, pred = _index(G), G._pred
            return {v: index[m][0] if (m := next(iter(pred[v]), None)) is not None else ""
                    for v in G._node}
        if column == "reports":
            return {v: len(s) for v, s in G._succ.items()}
        if column == "headcount":
            return orgq._headcounts(G)
        return {v: d["person"].vacant for v, d in G._node.items()}  # "vacant"


def list_people(G: nx.DiGraph, query: ListQuery, *,
                role_titles: Mapping[str, str] | None = None) -> ListPage:
    """The page of people ``query`` asks for.

    Without ``sort`` the order is the file's (with ``q``: best matches first).
    Sorting is stable (ties keep that order), and empty values (no title, no
    manager) come last either way. ``role_titles`` (role id → title) sorts roles
    by the title shown rather than the id. Raises :class:`ListError` for a
    ``sort`` column this graph does not show, or a page past the last.
    """
    cols = columns(G)
    if query.sort is not None:
        column = query.sort.removeprefix("-")
        if column not in cols:
            allowed = [*cols, *(f"-{c}" for c in cols)]
            raise ListError("sort", f"sort must be one of {', '.join(cols)} (or -column "
                            f"for descending), not {query.sort[:40]!r}.", allowed)
    node, pred = G._node, G._pred
    ids = _search(G, query.q) if query.q.strip() else list(node)
    if query.department is not None:
        want, index = fold(query.department), _index(G)
        ids = [v for v in ids if index[v][2] == want]
    if query.role is not None:
        ids = [v for v in ids if node[v]["person"].role == query.role]
    if query.manager is not None:
        ids = [v for v in ids if query.manager in pred[v]]
    if query.vacant is not None:
        ids = [v for v in ids if node[v]["person"].vacant == query.vacant]
    if query.sort is not None:
        column = query.sort.removeprefix("-")
        keys = _sort_keys(G, column, role_titles or {})
        empty: list[str] = []
        if column in _TEXT_COLUMNS:  # empty texts last either way
            empty = [v for v in ids if not keys[v]]
            if empty:
                ids = [v for v in ids if keys[v]]
        ids.sort(key=keys.__getitem__, reverse=query.sort.startswith("-"))
        ids += empty
    total = len(ids)
    per_page = query.per_page or max(total, 1)
    pages = max(1, -(-total // per_page))
    if not 1 <= query.page <= pages:
        raise ListError("page", f"page must be between 1 and {pages} ({total} people "
                        f"match, {per_page} a page), not {query.page}.")
    start = (query.page - 1) * per_page
    return ListPage(query, total, ids[start:start + per_page], query.page, per_page, cols,
                    matching=ids)


__all__ = ["COLUMNS", "ListError", "ListPage", "ListQuery", "columns", "departments",
           "list_people", "managers", "roles"]
