"""Career frameworks: skills with expected levels, read off a ladder graph.

Pure functions over the graph of :func:`orgpath.graph.ladder_graph`:
:func:`competency_matrix` (roles × skills), :func:`compare_roles` (what changes
between two roles), :func:`skill_gap` ("what am I missing") and
:func:`explain_no_path` (why there is no path, and what is near). The planner's
defaults come from :func:`default_source` and :func:`default_target`.

The examples use :func:`demo_framework`: two tracks (IC and manager), four skills
on a 1–3 scale.

>>> F = demo_framework()
>>> expected_levels(F, "senior")
{'coding': 3, 'design': 2, 'mentoring': None}
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from orgpath import queries
from orgpath.graph import PROMOTION, ladder_graph, moves_graph
from orgpath.model import Ladder, Move, Org, Person, Role, ScaleLevel, Skill

#: How many nearest reachable roles :func:`explain_no_path` offers.
NEAREST = 3

# Reasons :func:`explain_no_path` gives, most telling first.
SAME_ROLE = "same-role"
BELOW = "below"
ENTRY_ROLE = "entry-role"
OTHER_TRACK = "other-track"
SAME_LEVEL = "same-level"
UNREACHABLE = "unreachable"
REASONS = (SAME_ROLE, BELOW, ENTRY_ROLE, OTHER_TRACK, SAME_LEVEL, UNREACHABLE)


def demo_framework() -> nx.MultiDiGraph:
    """A five-role example with two tracks, a 1–3 scale and four skills.

    junior → senior → staff (IC track); senior → manager → director (manager track).
    """
    scale = (ScaleLevel(1, {"en": "Aware", "da": "Bevidst"}),
             ScaleLevel(2, {"en": "Practising", "da": "Øvet"}),
             ScaleLevel(3, {"en": "Expert", "da": "Ekspert"}))
    skills = {
        "coding": Skill("coding", {"en": "Coding", "da": "Programmering"}, category="craft"),
        "design": Skill("design", {"en": "Design", "da": "Design"}, category="craft"),
        "mentoring": Skill("mentoring", {"en": "Mentoring", "da": "Mentorskab"},
                           category="people"),
        "hiring": Skill("hiring", {"en": "Hiring", "da": "Rekruttering"}, category="people"),
    }
    roles = (
        Role("junior", {"en": "Junior"}, 1, track="ic", skills=("coding",),
             skill_levels={"coding": 1}),
        Role("senior", {"en": "Senior"}, 2, track="ic", skills=("coding", "design", "mentoring"),
             skill_levels={"coding": 3, "design": 2}),
        Role("staff", {"en": "Staff"}, 3, track="ic", skills=("coding", "design", "mentoring"),
             skill_levels={"coding": 3, "design": 3, "mentoring": 2}),
        Role("manager", {"en": "Manager"}, 3, track="manager",
             skills=("coding", "mentoring", "hiring"),
             skill_levels={"coding": 2, "mentoring": 3, "hiring": 2}),
        Role("director", {"en": "Director"}, 4, track="manager", skills=("hiring", "mentoring"),
             skill_levels={"hiring": 3, "mentoring": 3}),
    )
    moves = (Move("junior", "senior", years=2), Move("senior", "staff", years=3),
             Move("senior", "manager", years=3), Move("manager", "director", years=4))
    return ladder_graph(Ladder(
        "demo-framework", {"en": "Demo framework"}, roles, moves,
        tracks={"ic": {"en": "Individual contributor", "da": "Specialist"},
                "manager": {"en": "Manager", "da": "Leder"}},
        skills=skills, scale=scale,
        categories={"craft": {"en": "Craft", "da": "Fag"},
                    "people": {"en": "People", "da": "Mennesker"}}))


def ladder_of(G: nx.MultiDiGraph) -> Ladder:
    return G.graph["ladder"]


def expected_levels(G: nx.MultiDiGraph, rid: str) -> dict[str, int | None]:
    """Each skill of a role with its expected level (None: listed without a level)."""
    r = queries.role(G, rid)
    return {s: r.skill_levels.get(s) for s in r.skills}


# --- the competency matrix -----------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """Roles (by track, then level) × skills (by category); ``cells[role][skill]`` is the
    expected level, None when the role lists the skill without one; absent when it does not
    list it."""

    roles: list[str]
    skills: list[str]
    cells: dict[str, dict[str, int | None]]
    track: str | None = None
    category: str | None = None


def tracks_in_order(G: nx.MultiDiGraph) -> list[str | None]:
    """The tracks of a ladder: declared ones in file order, then others, then no track."""
    declared = list(ladder_of(G).tracks)
    used = {G.nodes[r]["track"] for r in G}
    rest = sorted(t for t in used if t is not None and t not in declared)
    return [t for t in declared if t in used] + rest + ([None] if None in used else [])


def categories_in_order(G: nx.MultiDiGraph) -> list[str | None]:
    """The skill categories in use: declared ones in file order, then others, then none."""
    lad = ladder_of(G)
    used = {_category(lad, s) for s in all_skills(G)}
    declared = [c for c in lad.categories if c in used]
    rest = sorted(c for c in used if c is not None and c not in lad.categories)
    return declared + rest + ([None] if None in used else [])


def _category(lad: Ladder, skill: str) -> str | None:
    return lad.skills[skill].category if skill in lad.skills else None


def all_skills(G: nx.MultiDiGraph) -> list[str]:
    """Every skill declared or used by a role: declared ones in file order, then the rest."""
    lad = ladder_of(G)
    used = {s for r in G for s in G.nodes[r]["role"].skills}
    return list(lad.skills) + sorted(used - set(lad.skills))


def competency_matrix(G: nx.MultiDiGraph, track: str | None = None,
                      category: str | None = None) -> Matrix:
    """The expected level of every skill in every role, optionally of one track or category.

    Raises ``ValueError`` for a track or category the ladder does not use.

    >>> F = demo_framework()
    >>> m = competency_matrix(F, track="ic")
    >>> m.roles, m.skills
    (['junior', 'senior', 'staff'], ['coding', 'design', 'mentoring', 'hiring'])
    >>> m.cells["senior"]
    {'coding': 3, 'design': 2, 'mentoring': None}
    >>> competency_matrix(F, category="people").skills
    ['mentoring', 'hiring']
    >>> competency_matrix(F, track="sales")
    Traceback (most recent call last):
    ...
    ValueError: the ladder has no track 'sales' (tracks: ic, manager)
    """
    lad = ladder_of(G)
    tracks = tracks_in_order(G)
    if track is not None and track not in tracks:
        known = ", ".join(t for t in tracks if t)
        raise ValueError(f"the ladder has no track {track!r} (tracks: {known or 'none'})")
    cats = categories_in_order(G)
    if category is not None and category not in cats:
        known = ", ".join(c for c in cats if c)
        raise ValueError(f"the ladder has no skill category {category!r} "
                         f"(categories: {known or 'none'})")
    order = {t: i for i, t in enumerate(tracks)}
    roles = sorted((r for r in G if track is None or G.nodes[r]["track"] == track),
                   key=lambda r: (order[G.nodes[r]["track"]], G.nodes[r]["level"], r))
    corder = {c: i for i, c in enumerate(cats)}
    skills = [s for s in all_skills(G) if category is None or _category(lad, s) == category]
    skills.sort(key=lambda s: corder[_category(lad, s)])  # stable: file order within
    wanted = set(skills)
    cells = {r: {s: lv for s, lv in expected_levels(G, r).items() if s in wanted}
             for r in roles}
    return Matrix(roles, skills, cells, track, category)


# --- comparing two roles -------------------------------------------------------------------


@dataclass(frozen=True)
class SkillChange:
    """A skill in a comparison: its level in the first and in the second role."""

    skill: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Comparison:
    """What changes from role ``a`` to role ``b``."""

    a: str
    b: str
    level_change: int
    track_change: bool
    salary_change: float | None
    currency: str | None
    gained: list[SkillChange]
    lost: list[SkillChange]
    raised: list[SkillChange]
    lowered: list[SkillChange]
    kept: list[SkillChange]
    responsibilities_added: dict[str, list[str]]
    responsibilities_dropped: dict[str, list[str]]
    path: queries.CareerPath | None
    no_path: NoPathReason | None


def compare_roles(G: nx.MultiDiGraph, a: str, b: str) -> Comparison:
    """Level, track and salary change, skills gained/lost/raised, responsibilities, path.

    >>> F = demo_framework()
    >>> c = compare_roles(F, "senior", "manager")
    >>> c.level_change, c.track_change, [x.skill for x in c.gained]
    (1, True, ['hiring'])
    >>> [(x.skill, x.before, x.after) for x in c.raised], [x.skill for x in c.lost]
    ([('mentoring', None, 3)], ['design'])
    >>> c.path.roles, c.path.total_years
    (['senior', 'manager'], 3.0)
    >>> compare_roles(F, "staff", "junior").no_path.reasons
    ['below', 'entry-role']
    """
    ra, rb = queries.role(G, a), queries.role(G, b)
    la, lb = expected_levels(G, a), expected_levels(G, b)
    gained = [SkillChange(s, None, lb[s]) for s in lb if s not in la]
    lost = [SkillChange(s, la[s], None) for s in la if s not in lb]
    raised, lowered, kept = [], [], []
    for s in lb:
        if s not in la:
            continue
        change = SkillChange(s, la[s], lb[s])
        if la[s] == lb[s] or lb[s] is None:
            kept.append(change)
        elif la[s] is None or lb[s] > la[s]:
            raised.append(change)
        else:
            lowered.append(change)
    added, dropped = {}, {}
    for lang in sorted(set(ra.responsibilities) | set(rb.responsibilities)):
        before, after = ra.responsibilities.get(lang, ()), rb.responsibilities.get(lang, ())
        added[lang] = [x for x in after if x not in before]
        dropped[lang] = [x for x in before if x not in after]
    path, why = None, None
    try:
        if a != b:
            path = queries.shortest_path(G, a, b)
    except queries.NoPath:
        pass
    if path is None:
        why = explain_no_path(G, a, b)
    delta = queries.salary_delta(ra, rb)
    return Comparison(
        a, b, rb.level - ra.level, ra.track != rb.track, delta,
        ra.salary.currency if delta is not None else None,
        gained, lost, raised, lowered, kept, added, dropped, path, why)


# --- what am I missing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """A skill the target role expects that the person lacks or has at a lower level."""

    skill: str
    required: int | None
    have: int | None
    gap: int | None  # required - have (have 0 when missing); None when no level is given
    status: str  # "missing" or "short"
    steps_needing: int  # how many roles along the path expect the skill
    built_by: list[str]  # roles on the way (not the current one) that expect it, in order


@dataclass(frozen=True)
class Gap:
    """What stands between a current role (and optional self-assessment) and a target."""

    current: str
    target: str
    have: dict[str, int | None]
    missing: list[Shortfall]
    path: queries.CareerPath | None
    no_path: NoPathReason | None


def level_choices(G: nx.MultiDiGraph) -> list[int]:
    """The levels one can rate oneself at: the scale's, else 1 up to the highest expected.

    >>> level_choices(demo_framework())
    [1, 2, 3]
    """
    lad = ladder_of(G)
    if lad.scale:
        return [s.level for s in lad.scale]
    top = max((lv for r in G for lv in G.nodes[r]["role"].skill_levels.values()), default=1)
    return list(range(1, top + 1))


def check_levels(G: nx.MultiDiGraph, have: dict[str, int]) -> dict[str, int]:
    """Check a self-assessment: known skills (when the ladder declares them), levels on scale.

    >>> F = demo_framework()
    >>> check_levels(F, {"codng": 2})
    Traceback (most recent call last):
    ...
    ValueError: unknown skill 'codng' (did you mean coding?)
    >>> check_levels(F, {"coding": 9})
    Traceback (most recent call last):
    ...
    ValueError: skill 'coding': level 9 is not on the scale (0–3)
    """
    lad = ladder_of(G)
    known = all_skills(G)
    levels = [s.level for s in lad.scale]
    for skill, level in have.items():
        if skill not in known:
            close = queries.nearest(known, skill)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"unknown skill {skill!r}{hint}")
        if levels and level != 0 and level not in levels:
            raise ValueError(f"skill {skill!r}: level {level} is not on the scale "
                             f"(0–{levels[-1]})")
        if level < 0:
            raise ValueError(f"skill {skill!r}: level {level} must not be negative")
    return have


def skill_gap(G: nx.MultiDiGraph, current: str, target: str,
              have: dict[str, int] | None = None) -> Gap:
    """The skills ``target`` expects beyond what one has, most needed along the path first.

    What one has is the current role's expected levels, overridden by ``have`` (a
    self-assessment; level 0 means "not at all"). A skill listed without a level counts
    as had when the target gives no level either.

    >>> F = demo_framework()
    >>> g = skill_gap(F, "junior", "staff")
    >>> [(s.skill, s.required, s.have, s.gap, s.steps_needing) for s in g.missing]
    [('design', 3, None, 3, 2), ('coding', 3, 1, 2, 2), ('mentoring', 2, None, 2, 2)]
    >>> g.missing[0].built_by
    ['senior', 'staff']
    >>> [s.skill for s in skill_gap(F, "junior", "staff", have={"design": 3}).missing]
    ['coding', 'mentoring']
    """
    queries.role(G, current), queries.role(G, target)
    held: dict[str, int | None] = expected_levels(G, current)
    held.update(check_levels(G, dict(have or {})))
    path, why = None, None
    if current != target:
        try:
            path = queries.shortest_path(G, current, target)
        except queries.NoPath:
            why = explain_no_path(G, current, target)
    on_way = path.roles[1:] if path else [target]
    out = []
    for skill, required in expected_levels(G, target).items():
        had = held.get(skill)
        if skill in held and had != 0 and (required is None or had is None):
            continue  # had, and no level to compare
        if skill in held and had != 0 and had >= required:
            continue
        missing = skill not in held or had == 0
        gap = None if required is None else required - (0 if missing else had)
        builders = [r for r in on_way if skill in G.nodes[r]["role"].skills]
        out.append(Shortfall(skill, required, None if skill not in held else had, gap,
                             "missing" if missing else "short", len(builders), builders))
    out.sort(key=lambda s: (-s.steps_needing, -(s.gap or 0), s.skill))
    return Gap(current, target, held, out, path, why)


# --- paths that explain themselves ---------------------------------------------------------


@dataclass(frozen=True)
class NoPathReason:
    """Why there is no career path from ``a`` to ``b``, and what is near.

    ``reasons``: codes from :data:`REASONS`. ``other_tracks``: for ``other-track``, the
    tracks ``b`` is reached from. ``nearest``: roles reachable from ``a``, closest to ``b``
    first. ``reverse``: the best path from ``b`` to ``a`` if there is one.
    """

    a: str
    b: str
    reasons: list[str]
    other_tracks: list[str] = field(default_factory=list)
    nearest: list[str] = field(default_factory=list)
    reverse: list[str] | None = None


def explain_no_path(G: nx.MultiDiGraph, a: str, b: str) -> NoPathReason:
    """Why no moves lead from ``a`` to ``b``: the target is the same, below, an entry role,
    only reached from another track, or at the same level with no sideways move.

    >>> F = demo_framework()
    >>> why = explain_no_path(F, "manager", "staff")
    >>> why.reasons, why.other_tracks, why.nearest, why.reverse
    (['other-track', 'same-level'], ['ic'], ['director'], None)
    >>> why = explain_no_path(F, "director", "junior")
    >>> why.reasons, why.reverse
    (['below', 'entry-role'], ['junior', 'senior', 'manager', 'director'])
    """
    queries.role(G, a), queries.role(G, b)
    D = moves_graph(G)
    if a == b:
        return NoPathReason(a, b, [SAME_ROLE])
    if nx.has_path(D, a, b):
        raise ValueError(f"there is a career path from {a!r} to {b!r}")
    level, track = G.nodes[a]["level"], G.nodes[a]["track"]
    reasons = []
    if G.nodes[b]["level"] < level:
        reasons.append(BELOW)
    ancestors = nx.ancestors(D, b)
    if not ancestors:
        reasons.append(ENTRY_ROLE)
    other: list[str] = []
    if ancestors and G.nodes[b]["track"] != track and ancestors.isdisjoint(
            r for r in G if G.nodes[r]["track"] == track):
        reasons.append(OTHER_TRACK)
        tracks = {G.nodes[r]["track"] for r in ancestors} - {track}
        other = sorted(t for t in tracks if t is not None)
    if G.nodes[b]["level"] == level:
        reasons.append(SAME_LEVEL)
    if not reasons:
        reasons.append(UNREACHABLE)
    reach = nx.descendants(D, a)
    U = D.to_undirected(as_view=True)
    dist = nx.single_source_shortest_path_length(U, b)
    blevel = G.nodes[b]["level"]
    near = sorted((r for r in reach if r in dist),
                  key=lambda r: (dist[r], abs(G.nodes[r]["level"] - blevel), r))[:NEAREST]
    reverse = queries.shortest_path(G, b, a).roles if nx.has_path(D, b, a) else None
    return NoPathReason(a, b, reasons, other, near, reverse)


#: Each reason in plain English (the CLI and the API's problem detail; pages translate).
REASON_TEXT = {
    SAME_ROLE: "it is the same role",
    BELOW: "the target is below the start role: moves go up or sideways",
    ENTRY_ROLE: "the target is an entry role: no move leads to it",
    OTHER_TRACK: "the target is reached only from another track",
    SAME_LEVEL: "the target is at the same level and no sideways move leads there",
    UNREACHABLE: "no sequence of moves leads from the start role to the target",
}


def reasons_text(G: nx.MultiDiGraph, why: NoPathReason, lang: str = "en") -> list[str]:
    """The reasons of ``why`` as English sentences (track names in ``lang``).

    >>> F = demo_framework()
    >>> reasons_text(F, explain_no_path(F, "manager", "staff"))
    ['the target is reached only from another track (Individual contributor)',
     'the target is at the same level and no sideways move leads there']
    """
    lad = ladder_of(G)
    out = []
    for code in why.reasons:
        text = REASON_TEXT[code]
        if code == OTHER_TRACK and why.other_tracks:
            text += " (" + ", ".join(lad.track_name(t, lang) for t in why.other_tracks) + ")"
        out.append(text)
    return out


def default_source(G: nx.MultiDiGraph, came_from: str | None = None) -> str | None:
    """Where the planner starts: the role the user came from, else the first entry role.

    >>> F = demo_framework()
    >>> default_source(F), default_source(F, "staff")
    ('junior', 'staff')
    """
    if came_from is not None and came_from in G:
        return came_from
    entries = queries.entry_roles(G)
    return entries[0] if entries else None


def default_target(G: nx.MultiDiGraph, source: str | None) -> str | None:
    """A role above ``source`` that can be reached: a promotion (on the same track first),
    else the nearest higher role reachable; None at the top.

    >>> F = demo_framework()
    >>> default_target(F, "junior"), default_target(F, "director")
    ('senior', None)
    """
    if source is None or source not in G:
        return None
    level, track = G.nodes[source]["level"], G.nodes[source]["track"]
    ups = [h.role for h in queries.next_roles(G, source, kind=PROMOTION)
           if G.nodes[h.role]["level"] > level]
    if ups:  # the same track first
        return min(ups, key=lambda r: (G.nodes[r]["track"] != track, G.nodes[r]["level"], r))
    D = moves_graph(G)
    higher = [r for r in nx.descendants(D, source) if G.nodes[r]["level"] > level]
    dist = nx.single_source_shortest_path_length(D, source)
    return min(higher, key=lambda r: (dist[r], G.nodes[r]["level"], r)) if higher else None


def track_switches(G: nx.MultiDiGraph, path: queries.CareerPath) -> list[bool]:
    """For each step of ``path``: whether it moves to another track.

    >>> F = demo_framework()
    >>> track_switches(F, queries.shortest_path(F, "junior", "manager"))
    [False, True]
    """
    return [G.nodes[s.source]["track"] != G.nodes[s.target]["track"] for s in path.steps]


# --- people on the ladder ----------------------------------------------------------------------


@dataclass(frozen=True)
class Holders:
    """The people of the orgs using a ladder who hold one role, and its vacant positions."""

    people: list[tuple[str, Person]] = field(default_factory=list)  # (org id, person)
    vacancies: list[tuple[str, Person]] = field(default_factory=list)

    @property
    def headcount(self) -> int:
        return len(self.people)


def people_on_ladder(orgs: list[Org], ladder_id: str) -> dict[str, Holders]:
    """Each role id of ``ladder_id`` held in ``orgs`` (those that use the ladder).

    >>> from orgpath.model import Org, Person
    >>> org = Org("o", "O", (Person("1", "Ann", role="senior"), Person("2", "", role="senior",
    ...       vacant=True)), ladder="demo-framework")
    >>> h = people_on_ladder([org], "demo-framework")["senior"]
    >>> h.headcount, [p.name for _, p in h.people], len(h.vacancies)
    (1, ['Ann'], 1)
    """
    out: dict[str, Holders] = {}
    for org in orgs:
        if org.ladder != ladder_id:
            continue
        for p in org.people:
            if p.role is None:
                continue
            h = out.setdefault(p.role, Holders())
            (h.vacancies if p.vacant else h.people).append((org.id, p))
    return out


def headcount_by_level(G: nx.MultiDiGraph, people: dict[str, Holders]) -> dict[int, int]:
    """How many people hold a role of each level, most senior level first."""
    return {level: sum(people[r].headcount for r in ids if r in people)
            for level, ids in queries.roles_by_level(G).items()}
