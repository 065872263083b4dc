"""Answers as JSON-ready dicts: one shape for the API and the CLI's ``--json``.

Ids are always present; titles come in the requested language (English fallback).

>>> from orgpath.graph import demo_graph
>>> from orgpath.queries import next_roles
>>> G = demo_graph()
>>> hop(G, next_roles(G, "expert")[0], "da")
{'id': 'lead', 'title': 'Teamleder', 'level': 3, 'kind': 'promotion', 'years': 1,
 'depth': 1, 'via': 'expert'}
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from orgpath import queries
from orgpath.model import Ladder, Role, Salary, localize


def salary(s: Salary | None) -> dict | None:
    if s is None:
        return None
    return {"currency": s.currency, "min": s.min, "max": s.max, "period": s.period,
            "source": s.source}


def role_ref(G: nx.MultiDiGraph, rid: str, lang: str = "en") -> dict[str, Any]:
    """``{"id", "title", "level"}`` of a role."""
    r: Role = G.nodes[rid]["role"]
    return {"id": rid, "title": r.name(lang), "level": r.level}


def role_detail(G: nx.MultiDiGraph, rid: str, lang: str = "en") -> dict[str, Any]:
    """Everything about one role, with its neighbours as references."""
    r: Role = queries.role(G, rid)
    boss = queries.manager(G, rid)
    return {
        "id": r.id,
        "title": r.name(lang),
        "titles": dict(r.title),
        "aliases": list(r.aliases),
        "level": r.level,
        "track": r.track,
        "track_title": track_title(G, r.track, lang),
        "summary": localize(r.summary, lang) or None,
        "responsibilities": list(localize(r.responsibilities, lang, ())),
        "skills": list(r.skills),
        "salary": salary(r.salary),
        "codes": dict(r.codes),
        "source": r.source,
        "reports_to": role_ref(G, boss, lang) if boss else None,
        "dotted_lines": [role_ref(G, x, lang) for x in queries.dotted_lines(G, rid)],
        "direct_reports": [role_ref(G, x, lang) for x in queries.direct_reports(G, rid)],
        "next": [hop(G, h, lang) for h in queries.next_roles(G, rid)],
        "previous": [hop(G, h, lang) for h in queries.previous_roles(G, rid)],
    }


def track_title(G: nx.MultiDiGraph, track: str | None, lang: str = "en") -> str | None:
    """The title of a track in ``lang`` (see :meth:`orgpath.model.Ladder.track_name`)."""
    if track is None:
        return None
    ladder = G.graph.get("ladder")
    return ladder.track_name(track, lang) if ladder else track


def role_summary(G: nx.MultiDiGraph, rid: str, lang: str = "en") -> dict[str, Any]:
    """A role as listed in tables: id, title, level, track, primary manager."""
    r: Role = G.nodes[rid]["role"]
    return {"id": rid, "title": r.name(lang), "level": r.level, "track": r.track,
            "aliases": list(r.aliases), "reports_to": queries.manager(G, rid)}


def hop(G: nx.MultiDiGraph, h: queries.Hop, lang: str = "en") -> dict[str, Any]:
    """A next or previous role."""
    return {**role_ref(G, h.role, lang), "kind": h.kind, "years": h.years, "depth": h.depth,
            "via": h.via}


def career_path(G: nx.MultiDiGraph, p: queries.CareerPath, lang: str = "en") -> dict[str, Any]:
    """A path with its steps."""
    return {
        "roles": [role_ref(G, r, lang) for r in p.roles],
        "steps": [
            {"from": s.source, "to": s.target, "to_title": G.nodes[s.target]["role"].name(lang),
             "kind": s.kind, "years": s.years, "cumulative_years": s.cumulative_years,
             "skills_gained": list(s.skills_gained), "requires": list(s.requires),
             "salary_change": s.salary_change}
            for s in p.steps
        ],
        "total_years": p.total_years,
        "skills_gained": list(p.skills_gained),
        "salary_change": p.salary_change,
        "currency": p.currency,
    }


def ladder_summary(ladder: Ladder, lang: str = "en") -> dict[str, Any]:
    """A ladder as listed: id, title, description, role count."""
    return {"id": ladder.id, "title": ladder.name(lang),
            "description": localize(ladder.description, lang) or None,
            "roles": len(ladder.roles)}
