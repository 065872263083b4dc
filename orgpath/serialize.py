"""Answers as JSON-ready dicts: one shape for the API and the CLI's ``--json``.

Ids are always present; titles come in the requested language (English fallback).
Ladder shapes take a ladder graph (:mod:`orgpath.graph`); people shapes take an
org graph (:mod:`orgpath.org`) and, for roles, the ladder graph its roles come from.

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

from orgpath import frameworks, queries
from orgpath import org as orgq
from orgpath.model import LANGUAGES, Ladder, Org, Person, Role, Salary, localize
from orgpath.render.words import words


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
    """Everything about one role, with its neighbours as references.

    ``salary`` is absent when the role has no band, or when the audience may not see
    bands (:mod:`orgpath.audience` takes them out of the ladder): never a blank.
    """
    r: Role = queries.role(G, rid)
    boss = queries.manager(G, rid)
    out = {
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
        "expected": frameworks.expected_levels(G, rid),
        "salary": salary(r.salary),
        "codes": dict(r.codes),
        "source": r.source,
        "reports_to": role_ref(G, boss, lang) if boss else None,
        "dotted_lines": [role_ref(G, x, lang) for x in queries.dotted_lines(G, rid)],
        "direct_reports": [role_ref(G, x, lang) for x in queries.direct_reports(G, rid)],
        "next": [hop(G, h, lang) for h in queries.next_roles(G, rid)],
        "previous": [hop(G, h, lang) for h in queries.previous_roles(G, rid)],
    }
    if r.salary is None:
        del out["salary"]
    return out


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
             "salary_change": s.salary_change, "track_switch": switch}
            for s, switch in zip(p.steps, frameworks.track_switches(G, p), strict=True)
        ],
        "total_years": p.total_years,
        "skills_gained": list(p.skills_gained),
        "salary_change": p.salary_change,
        "currency": p.currency,
    }


# --- career frameworks ---------------------------------------------------------------------
# The shapes of the matrix, compare and gap answers (API and ``orgpath compare/gap --json``).


def skill_detail(G: nx.MultiDiGraph, sid: str, lang: str = "en") -> dict[str, Any]:
    """A skill: id, title, description, category (id and title) and codes."""
    lad: Ladder = G.graph["ladder"]
    sk = lad.skills.get(sid)
    category = sk.category if sk else None
    return {"id": sid, "title": lad.skill_name(sid, lang),
            "description": localize(sk.description, lang) or None if sk else None,
            "category": category,
            "category_title": lad.category_name(category, lang) or None,
            "codes": dict(sk.codes) if sk else {}}


def scale(G: nx.MultiDiGraph, lang: str = "en") -> list[dict[str, Any]]:
    """The ladder's proficiency scale, lowest first."""
    return [{"level": s.level, "title": s.name(lang),
             "description": localize(s.description, lang) or None}
            for s in G.graph["ladder"].scale]


def matrix(G: nx.MultiDiGraph, m: frameworks.Matrix, lang: str = "en") -> dict[str, Any]:
    """A competency matrix: the skills (columns) and each role with its expected levels.

    >>> F = frameworks.demo_framework()
    >>> d = matrix(F, frameworks.competency_matrix(F, category="people"))
    >>> [s["id"] for s in d["skills"]], d["roles"][3]["levels"]
    (['mentoring', 'hiring'], {'mentoring': 3, 'hiring': 2})
    """
    return {"ladder": G.graph["id"], "track": m.track, "category": m.category,
            "scale": scale(G, lang),
            "skills": [skill_detail(G, s, lang) for s in m.skills],
            "roles": [{**role_ref(G, r, lang), "track": G.nodes[r]["track"],
                       "track_title": track_title(G, G.nodes[r]["track"], lang),
                       "levels": m.cells[r]} for r in m.roles]}


def _role_card(G: nx.MultiDiGraph, rid: str, lang: str) -> dict[str, Any]:
    r: Role = G.nodes[rid]["role"]
    return {**role_ref(G, rid, lang), "track": r.track,
            "track_title": track_title(G, r.track, lang), "salary": salary(r.salary)}


def _change(G: nx.MultiDiGraph, c: frameworks.SkillChange, lang: str) -> dict[str, Any]:
    return {"id": c.skill, "title": G.graph["ladder"].skill_name(c.skill, lang),
            "before": c.before, "after": c.after}


def no_path(G: nx.MultiDiGraph, why: frameworks.NoPathReason | None,
            lang: str = "en") -> dict[str, Any] | None:
    """Why there is no path: reason codes, the tracks the target is reached from, the
    nearest reachable roles and the way back, if any."""
    if why is None:
        return None
    return {"from": why.a, "to": why.b, "reasons": list(why.reasons),
            "other_tracks": [{"track": t, "title": track_title(G, t, lang)}
                             for t in why.other_tracks],
            "nearest": [role_ref(G, r, lang) for r in why.nearest],
            "reverse": [role_ref(G, r, lang) for r in why.reverse]
            if why.reverse is not None else None}


def comparison(G: nx.MultiDiGraph, c: frameworks.Comparison, lang: str = "en") -> dict[str, Any]:
    """Two roles side by side: level, track and salary change, skills, responsibilities, path.

    >>> F = frameworks.demo_framework()
    >>> d = comparison(F, frameworks.compare_roles(F, "senior", "manager"))
    >>> d["level_change"], [x["id"] for x in d["skills"]["gained"]], d["path"]["total_years"]
    (1, ['hiring'], 3.0)
    """
    def changes(items: list[frameworks.SkillChange]) -> list[dict[str, Any]]:
        return [_change(G, x, lang) for x in items]

    return {
        "a": _role_card(G, c.a, lang), "b": _role_card(G, c.b, lang),
        "level_change": c.level_change, "track_change": c.track_change,
        "salary_change": c.salary_change, "currency": c.currency,
        "skills": {"gained": changes(c.gained), "lost": changes(c.lost),
                   "raised": changes(c.raised), "lowered": changes(c.lowered),
                   "kept": changes(c.kept)},
        "responsibilities": {"added": list(localize(c.responsibilities_added, lang, [])),
                             "dropped": list(localize(c.responsibilities_dropped, lang, []))},
        "path": career_path(G, c.path, lang) if c.path is not None else None,
        "no_path": no_path(G, c.no_path, lang),
    }


def gap(G: nx.MultiDiGraph, g: frameworks.Gap, lang: str = "en") -> dict[str, Any]:
    """What is missing from ``current`` (and a self-assessment) to ``target``.

    >>> F = frameworks.demo_framework()
    >>> d = gap(F, frameworks.skill_gap(F, "junior", "senior"))
    >>> [(x["id"], x["status"], x["gap"]) for x in d["missing"]]
    [('coding', 'short', 2), ('design', 'missing', 2), ('mentoring', 'missing', None)]
    """
    lad: Ladder = G.graph["ladder"]
    return {
        "current": role_ref(G, g.current, lang), "target": role_ref(G, g.target, lang),
        "have": g.have,
        "missing": [{"id": x.skill, "title": lad.skill_name(x.skill, lang),
                     "required": x.required, "have": x.have, "gap": x.gap, "status": x.status,
                     "steps_needing": x.steps_needing,
                     "built_by": [role_ref(G, r, lang) for r in x.built_by]}
                    for x in g.missing],
        "path": career_path(G, g.path, lang) if g.path is not None else None,
        "no_path": no_path(G, g.no_path, lang),
    }


def ladder_summary(ladder: Ladder, lang: str = "en") -> dict[str, Any]:
    """A ladder as listed: id, title, description, role count."""
    return {"id": ladder.id, "title": ladder.name(lang),
            "description": localize(ladder.description, lang) or None,
            "roles": len(ladder.roles)}


# --- people ------------------------------------------------------------------------------
# The shapes of the org API and of ``orgpath people ... --json``. ``G`` is an org graph
# (:func:`orgpath.org.org_graph`); ``LG`` the ladder graph its roles come from, or None.


def person_ref(G: nx.DiGraph, pid: str) -> dict[str, Any]:
    """``{"id", "name", "title"}`` of a person (``title`` as in the file, or None).

    >>> from orgpath.org import demo_org
    >>> person_ref(demo_org(), "s1")
    {'id': 's1', 'name': 'Sam Seller', 'title': 'Seller'}
    """
    p: Person = G._node[pid]["person"]
    return {"id": pid, "name": p.name, "title": p.title}


def _person_role(G: nx.DiGraph, pid: str, LG: nx.MultiDiGraph | None,
                 lang: str) -> dict[str, Any] | None:
    role = orgq.person(G, pid).role
    if role is None or LG is None or role not in LG:
        return None
    return role_ref(LG, role, lang)


def person_detail(G: nx.DiGraph, pid: str, LG: nx.MultiDiGraph | None = None,
                  lang: str = "en") -> dict[str, Any]:
    """Everything about one person: role on the ladder, manager, reports, head count.

    >>> from orgpath.org import demo_org
    >>> d = person_detail(demo_org(), "s")
    >>> d["manager"], [r["id"] for r in d["direct_reports"]], d["headcount"], d["level"]
    ({'id': 'ceo', 'name': 'Ada Boss', 'title': 'CEO'}, ['s1', 's2'], 2, 1)
    """
    p: Person = orgq.person(G, pid)
    boss = orgq.manager_of(G, pid)
    out = {
        **person_ref(G, pid),
        "role": _person_role(G, pid, LG, lang),
        "department": p.department, "email": p.email, "photo_url": p.photo_url,
        "assistant": p.assistant, "vacant": p.vacant,
        "level": orgq.levels(G).get(pid, 0),
        "headcount": orgq.headcount(G, pid),
        "manager": person_ref(G, boss) if boss is not None else None,
        "dotted_managers": [person_ref(G, m) for m in p.dotted_managers if m in G],
        "direct_reports": [person_ref(G, r) for r in orgq.direct_reports(G, pid)],
    }
    return _without_hidden(out, G)


def _without_hidden(out: dict[str, Any], G: nx.DiGraph) -> dict[str, Any]:
    """Leave out what an audience may not see (:mod:`orgpath.audience` emptied it):
    no email or photo key when there is none to show, no dotted lines when hidden."""
    if out["email"] is None:
        del out["email"]
    if out["photo_url"] is None:
        del out["photo_url"]
    org = G.graph.get("org")
    if org is not None and org.dotted_hidden:
        del out["dotted_managers"]
    return out


def org_summary(org: Org) -> dict[str, Any]:
    """An org as listed: id, title, ladder id, number of people.

    >>> from orgpath.org import demo_org
    >>> org_summary(demo_org().graph["org"])
    {'id': 'demo', 'title': 'Demo', 'ladder': None, 'people': 7}
    """
    return {"id": org.id, "title": org.title, "ladder": org.ladder, "people": len(org.people)}


def org_detail(G: nx.DiGraph, version: str = "") -> dict[str, Any]:
    """An org with its roots, number of levels and of managers; ``version`` is the file's hash.

    >>> from orgpath.org import demo_org
    >>> d = org_detail(demo_org(), "v1")
    >>> d["roots"], d["depth"], d["managers"], d["version"]
    ([{'id': 'ceo', 'name': 'Ada Boss', 'title': 'CEO'}], 3, 3, 'v1')
    """
    return {**org_summary(G.graph["org"]), "version": version,
            "roots": [person_ref(G, r) for r in orgq.roots(G)],
            "depth": orgq.org_depth(G), "managers": len(orgq.span_of_control(G))}


def person_row(G: nx.DiGraph, pid: str, LG: nx.MultiDiGraph | None = None,
               lang: str = "en") -> dict[str, Any]:
    """One person as the list view shows them: who they are, where, under whom, how many.

    ``email`` is absent when there is none to show (or it is hidden from the audience).

    >>> from orgpath.org import demo_org
    >>> row = person_row(demo_org(), "s1")
    >>> row["manager"], row["reports"], row["headcount"], row["vacant"]
    ({'id': 's', 'name': 'Søren Sales', 'title': 'Head of Sales'}, 0, 0, False)
    """
    p: Person = G._node[pid]["person"]
    boss = next(iter(G._pred[pid]), None)
    out = {
        "id": pid, "name": p.name, "title": p.title, "department": p.department,
        "role": _person_role(G, pid, LG, lang),
        "manager": person_ref(G, boss) if boss is not None else None,
        "reports": len(G._succ[pid]), "headcount": orgq._headcounts(G)[pid],
        "vacant": p.vacant,
    }
    if p.email:
        out["email"] = p.email
    return out


def people_page(G: nx.DiGraph, page, LG: nx.MultiDiGraph | None = None,
                lang: str = "en") -> dict[str, Any]:
    """A page of the list view (:class:`orgpath.orglist.ListPage`) as the API answers it.

    ``total`` counts every match; ``people`` holds this page's rows
    (:func:`person_row`), ``page`` and ``per_page`` say which they are.
    """
    return {"q": page.query.q or None, "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages,
            "people": [person_row(G, v, LG, lang) for v in page.ids]}


def people_list(G: nx.DiGraph, q: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """People whose id, name, title, department or visible email contains ``q``
    (everyone, in file order, without ``q``); the first page of ``limit`` of them.

    >>> from orgpath.org import demo_org
    >>> found = people_list(demo_org(), "seller", limit=1)
    >>> found["q"], found["total"], [p["id"] for p in found["people"]], found["pages"]
    ('seller', 2, ['s1'], 2)
    """
    from orgpath.orglist import ListQuery, list_people

    page = list_people(G, ListQuery(q=(q or "").strip(), per_page=limit))
    return people_page(G, page)


def person_chain(G: nx.DiGraph, pid: str) -> dict[str, Any]:
    """The chain of command: the person first, then each manager up to the top.

    >>> from orgpath.org import demo_org
    >>> [p["id"] for p in person_chain(demo_org(), "s2")["chain"]]
    ['s2', 's', 'ceo']
    """
    return {"person": person_ref(G, orgq.person(G, pid).id),
            "chain": [person_ref(G, x) for x in orgq.chain_of_command(G, pid)]}


def person_reports(G: nx.DiGraph, pid: str, depth: int | None = 1) -> dict[str, Any]:
    """The people below ``pid`` down to ``depth`` levels (None: every level), breadth first.

    Each report carries its ``depth`` below ``pid`` and its ``manager``'s id.

    >>> from orgpath.org import demo_org
    >>> r = person_reports(demo_org(), "ceo", 2)
    >>> r["headcount"], [(x["id"], x["depth"], x["manager"]) for x in r["reports"]][-2:]
    (6, [('s2', 2, 's'), ('e1', 2, 'e')])
    """
    lv = orgq.levels(G)
    base = lv.get(pid, 0)
    return {"person": person_ref(G, orgq.person(G, pid).id), "depth": depth,
            "headcount": orgq.headcount(G, pid),
            "reports": [{**person_ref(G, r), "depth": lv.get(r, 0) - base,
                         "manager": orgq.manager_of(G, r)}
                        for r in orgq.all_reports(G, pid, depth)]}


def next_role_list(G: nx.DiGraph, pid: str, LG: nx.MultiDiGraph | None,
                   lang: str = "en") -> list[dict[str, Any]]:
    """The ladder roles one move from ``pid``'s, each with its holders in the org."""
    if LG is None:
        return []
    role = orgq.person(G, pid).role
    return [{**role_ref(LG, n.role, lang), "kind": n.kind,
             "years": LG.edges[role, n.role, n.kind].get("years"),
             "holders": [person_ref(G, h) for h in n.holders]}
            for n in orgq.next_roles_with_holders(G, pid, LG)]


def person_next_roles(G: nx.DiGraph, pid: str, LG: nx.MultiDiGraph | None = None,
                      lang: str = "en") -> dict[str, Any]:
    """A person's ladder role and the roles they can move to next, with who holds them.

    >>> from orgpath.org import demo_org
    >>> from orgpath.graph import ladder_graph
    >>> from orgpath.model import Move
    >>> LG = ladder_graph(Ladder("x", {"en": "X"}, (Role("am", {"en": "AM"}, 1),
    ...     Role("lead", {"en": "Lead"}, 2)), (Move("am", "lead", years=2),)))
    >>> n = person_next_roles(demo_org(), "s1", LG)
    >>> n["ladder"], n["role"]
    ('x', {'id': 'am', 'title': 'AM', 'level': 1})
    >>> n["next"]
    [{'id': 'lead', 'title': 'Lead', 'level': 2, 'kind': 'promotion', 'years': 2,
      'holders': [{'id': 's', 'name': 'Søren Sales', 'title': 'Head of Sales'}]}]
    """
    return {"person": person_ref(G, orgq.person(G, pid).id),
            "ladder": LG.graph.get("id") if LG is not None else None,
            "role": _person_role(G, pid, LG, lang), "next": next_role_list(G, pid, LG, lang)}


#: The words of :mod:`orgpath.render.words` the explorer prints (its legend, empty boxes).
_LAYOUT_WORDS = ("vacant", "in_team", "legend_vacant", "legend_dotted", "legend_headcount",
                 "dotted_hint")


def org_layout(G: nx.DiGraph, layout: Any, version: str = "", *,
               ladder_graph: nx.MultiDiGraph | None = None,
               photos: frozenset[str] | set[str] = frozenset(),
               photo_url: str = "") -> dict[str, Any]:
    """An org's whole laid-out chart as columns, for the browser's explorer.

    ``layout`` is :func:`orgpath.render.layout.tidy_layout` of ``G``. People come in
    preorder (a manager before their reports, reports in file order), so ``parent[i]``
    (an index, ``-1`` for a root) is always below ``i``. ``x``/``y`` are the boxes'
    top-left corners in whole points; ``dept`` indexes ``departments`` (``-1``: none);
    ``vacant`` and ``dotted`` (``[person, manager]`` index pairs) are sparse.

    Every language at once, so one cached answer serves every page: ``roles`` are the
    ladder role titles per language and ``role`` the ``[person, role]`` pairs of people
    without a title of their own (the box shows the role's title); ``words`` the few
    words the explorer prints (:mod:`orgpath.render.words`). ``photo`` lists the people
    with a photo this view may show (``photos``, ids), fetched from ``photo_url`` with
    ``__ID__`` replaced.

    >>> from orgpath.org import demo_org
    >>> from orgpath.render.layout import tidy_layout
    >>> G = demo_org()
    >>> d = org_layout(G, tidy_layout(G), "v1")
    >>> d["ids"][:2], d["parent"][:2], len(d["x"]) == len(G)
    (['ceo', 'pa'], [-1, 0], True)
    """
    order: list[str] = []
    stack = list(reversed(orgq.roots(G)))
    succ = G._succ
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(reversed(list(succ[v])))
    index = {v: i for i, v in enumerate(order)}
    pred = G._pred
    depts: dict[str, int] = {}
    people: list[Person] = [G._node[v]["person"] for v in order]
    boxes = layout.boxes
    dept = [depts.setdefault(p.department, len(depts)) if p.department else -1 for p in people]
    roles: dict[str, int] = {}
    fallback = [[i, roles.setdefault(p.role, len(roles))] for i, p in enumerate(people)
                if not p.title and p.role and ladder_graph is not None and p.role in ladder_graph]
    lnodes = ladder_graph.nodes if ladder_graph is not None else {}
    org = G.graph.get("org")
    return {
        "version": version,
        "width": round(layout.width), "height": round(layout.height),
        "box": [round(boxes[order[0]].width), round(boxes[order[0]].height)] if order else [0, 0],
        "ids": order,
        "names": [p.name for p in people],
        "titles": [p.title or "" for p in people],
        "dept": dept,
        "departments": list(depts),
        "x": [round(boxes[v].x) for v in order],
        "y": [round(boxes[v].y) for v in order],
        "parent": [index[next(iter(pred[v]))] if pred[v] else -1 for v in order],
        "vacant": [i for i, p in enumerate(people) if p.vacant],
        "dotted": [] if org is not None and org.dotted_hidden else
                  [[i, index[m]] for i, p in enumerate(people)
                   for m in p.dotted_managers if m in index],
        "role": fallback,
        "roles": {lang: [lnodes[r]["role"].name(lang) for r in roles] for lang in LANGUAGES},
        "photo": [i for i, v in enumerate(order) if v in photos],
        "photo_url": photo_url,
        "words": {lang: {k: w[k] for k in _LAYOUT_WORDS}
                  for lang in LANGUAGES for w in (words(lang),)},
    }
