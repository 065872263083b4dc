"""What the org blueprints share: an org's store entry, its ladder's, a checked person id.

Used by :mod:`~orgpath.web.org_api`, :mod:`~orgpath.web.org_charts` and
:mod:`~orgpath.web.org_pages`; unknown orgs and people become 404 problems (with
close ids) through :mod:`orgpath.web.errors`.
"""

from __future__ import annotations

import networkx as nx
from flask import current_app

from orgpath import org as orgq
from orgpath.store import Entry
from orgpath.web.common import store
from orgpath.web.errors import Problem


def org_entry(org_id: str) -> Entry:
    """The store entry of an org (refreshed from disk first); 404 problem if unknown."""
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if len(org_id) > limit or "\x00" in org_id:
        raise Problem(404, "org-not-found", "Org not found", "There is no org with that id.",
                      suggestions=[])
    from orgpath.web.history import as_of_entry  # ?as_of=YYYY-MM-DD: the file from git

    return as_of_entry("org", org_id) or store().entry("org", org_id)


def ladder_entry_of(entry: Entry) -> Entry | None:
    """The entry of the ladder an org's roles come from, if it is loaded."""
    lid = entry.value.ladder
    if not lid:
        return None
    try:
        return store().entry("ladder", lid)
    except LookupError:
        return None


def ladder_graph_of(ladder: Entry | None) -> nx.MultiDiGraph | None:
    """The ladder graph of an entry from :func:`ladder_entry_of`, or None."""
    return ladder.graph if ladder is not None else None


def person_id(G: nx.DiGraph, pid: str) -> str:
    """``pid`` if the org has that person; else :class:`~orgpath.org.PersonNotFound`."""
    if len(pid) > current_app.config["MAX_QUERY_LENGTH"] or "\x00" in pid:
        raise orgq.PersonNotFound(pid[:80], [])
    orgq.person(G, pid)  # raises PersonNotFound with close ids
    return pid


def versions(entry: Entry, ladder: Entry | None) -> tuple[str, str]:
    """The content versions an org answer depends on (the people file, its ladder)."""
    return entry.version, ladder.version if ladder is not None else ""
