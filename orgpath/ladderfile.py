"""Ladder files (YAML or JSON) → :class:`~orgpath.model.Ladder` plus diagnostics.

Every problem is reported at once, each with its file, line and column; a file
with an error gives no ladder. The format is described in ``docs/ladder-format.md``.

>>> ladder, diags = parse_ladder('''
... id: demo
... title: Demo
... roles:
...   - {id: a, title: A, level: 1, reports_to: [b]}
...   - {id: b, title: B, level: 2}
... moves:
...   - {from: a, to: b, years: 2}
... ''', "demo.yaml")
>>> [r.id for r in ladder.roles], diags
(['a', 'b'], [])
>>> _, diags = parse_ladder("id: demo\\ntitle: Demo\\nroles:\\n  - {id: a, title: A}\\n", "x.yaml")
>>> print(diags[0])
x.yaml:4:5: error: role 'a': missing required field 'level'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from orgpath import queries
from orgpath.audience import parse_access
from orgpath.bulk import gc_paused
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.graph import LATERAL, PROMOTION, REPORTS_TO, ladder_graph, moves_graph
from orgpath.model import LANGUAGES, Access, Ladder, Move, Role, Salary, ScaleLevel, Skill
from orgpath.safeio import Deadline, Limits, Refused, YamlDoc, parse_yaml, read_text
from orgpath.text import HINTED_PROBLEMS, did_you_mean

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG = re.compile(r"^[a-z]{2}$")
SUFFIXES = (".yaml", ".yml", ".json")

LADDER_FIELDS = {"id", "title", "description", "tracks", "roles", "moves", "access", "skills",
                 "scale", "categories", "sources"}
ROLE_FIELDS = {
    "id", "title", "aliases", "level", "track", "reports_to", "summary", "responsibilities",
    "skills", "salary", "codes", "source",
}
MOVE_FIELDS = {"from", "to", "kind", "years", "requires", "source"}
SALARY_FIELDS = {"currency", "min", "max", "period", "source"}
SKILL_FIELDS = {"title", "description", "category", "codes"}
SCALE_FIELDS = {"level", "title", "description"}

#: The shape of codes in the classifications orgpath knows; other systems are free text.
#: ESCO URIs name a concept by UUID; ISCO-08 unit groups have 4 digits; DISCO-08, the
#: Danish extension employers report to Statistics Denmark, has 6.
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ROLE_CODES = {
    "esco": (re.compile(rf"^https?://data\.europa\.eu/esco/occupation/{_UUID}$"),
             "an ESCO occupation URI (http://data.europa.eu/esco/occupation/<uuid>)"),
    "isco08": (re.compile(r"^[0-9]{4}$"), "a 4-digit ISCO-08 unit group code"),
    "disco08": (re.compile(r"^[0-9]{6}$"), "a 6-digit DISCO-08 code"),
}
SKILL_CODES = {
    "esco": (re.compile(rf"^https?://data\.europa\.eu/esco/skill/{_UUID}$"),
             "an ESCO skill URI (http://data.europa.eu/esco/skill/<uuid>)"),
}

_Doc = YamlDoc  # the data of one file, the line:col of each value, and its diagnostics


# --- field checks --------------------------------------------------------------------


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


class _Fields:
    """Checks the fields of one mapping (a ladder, role, move or salary)."""

    def __init__(self, doc: _Doc, data: dict, path: tuple, label: str, allowed: set[str]):
        self.doc, self.data, self.path, self.label = doc, data, path, label
        for key in data:
            if key not in allowed:
                did = did_you_mean(str(key), sorted(allowed), cutoff=0.6)
                doc.error(path + (key, "<key>"), f"{label}: unknown field '{key}'{did}")

    def err(self, key: str, message: str) -> None:
        self.doc.error(self.path + (key,), f"{self.label}: {message}")

    def get(self, key: str, check: Callable[[Any], Any], required: bool = False,
            default: Any = None) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                self.doc.error(self.path, f"{self.label}: missing required field '{key}'")
            return default
        try:
            return check(self.data[key])
        except _Bad as bad:
            self.err(key, f"field '{key}' {bad}")
            return default


class _Bad(ValueError):
    pass


def _text(value: Any) -> dict[str, str]:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        if not str(value).strip():
            raise _Bad("must not be empty")
        return {"en": str(value)}
    if isinstance(value, dict) and value:
        out = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANG.match(lang):
                raise _Bad(f"has language key {lang!r}: use a two-letter code such as "
                           f"{' or '.join(LANGUAGES)}")
            if not isinstance(text, str):
                raise _Bad(f"must be text in '{lang}', not {_kind_of(text)}")
            if not text.strip():
                raise _Bad(f"must not be empty in '{lang}'")
            out[lang] = text
        return out
    raise _Bad(f"must be text or a mapping of language to text, not {_kind_of(value)}")


def _text_list(value: Any) -> dict[str, tuple[str, ...]]:
    if isinstance(value, list):
        return {"en": _strings(value)}
    if isinstance(value, dict):
        out = {}
        for lang, items in value.items():
            if not isinstance(lang, str) or not LANG.match(lang):
                raise _Bad(f"has language key {lang!r}: use a two-letter code")
            out[lang] = _strings(items)
        return out
    raise _Bad(f"must be a list or a mapping of language to list, not {_kind_of(value)}")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad(f"must be a list, not {_kind_of(value)}")
    for item in value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise _Bad(f"must be a list of text, but holds {_kind_of(item)}")
    return tuple(str(v) for v in value)


def _slugs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    items = _strings(value)
    for item in items:
        if not SLUG.match(item):
            raise _Bad(f"holds {item!r}, which is not an id (lowercase letters, digits and '-')")
    return items


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise _Bad(f"{value!r} is not a valid id: use lowercase letters, digits and '-' "
                   "(for example 'account-manager')")
    return value


def _role_skills(value: Any) -> tuple[tuple[str, ...], dict[str, int]]:
    """A role's ``skills``: a list of ids, or a mapping of id to expected level (or null)."""
    if not isinstance(value, dict):
        return _slugs(value), {}
    levels = {}
    for key, level in value.items():
        _slug(key)
        if level is not None:
            try:
                levels[key] = _int(level)
            except _Bad as bad:
                raise _Bad(f"gives '{key}' a level that {bad}") from None
    return tuple(str(k) for k in value), levels


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number, not {_kind_of(value)} {value!r}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"must be a number, not {_kind_of(value)} {value!r}")
    if value < 0:
        raise _Bad(f"must not be negative, not {value!r}")
    return value


def _str(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(f"must be text, not {_kind_of(value)}")
    return str(value)


def _codes(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Bad(f"must be a mapping of code system to code, not {_kind_of(value)}")
    return {str(k): _str(v) for k, v in value.items()}


def _tracks(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise _Bad(f"must be a mapping of track id to its title, not {_kind_of(value)}")
    out = {}
    for key, title in value.items():
        track = _slug(key)
        try:
            out[track] = _text(title)
        except _Bad as bad:
            raise _Bad(f"'{track}' {bad}") from None
    return out


def _access(value: Any) -> Access:
    try:
        return parse_access(value, "ladder")
    except ValueError as exc:
        raise _Bad(str(exc).removeprefix("access").lstrip(".: ")) from None


def _sources(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise _Bad(f"must be a mapping of source to its title, not {_kind_of(value)}")
    out = {}
    for key, title in value.items():
        try:
            out[str(key)] = _text(title)
        except _Bad as bad:
            raise _Bad(f"'{key}' {bad}") from None
    return out


def _mapping(doc: _Doc, value: Any, path: tuple, label: str) -> dict | None:
    if isinstance(value, dict):
        return value
    doc.error(path, f"{label} must be a mapping, not {_kind_of(value)}")
    return None


# --- the document --------------------------------------------------------------------


def _salary(doc: _Doc, value: Any, path: tuple, label: str) -> Salary | None:
    data = _mapping(doc, value, path, f"{label}: field 'salary'")
    if data is None:
        return None
    f = _Fields(doc, data, path, f"{label}: salary", SALARY_FIELDS)
    currency = f.get("currency", _str, required=True)
    low, high = f.get("min", _number), f.get("max", _number)
    if low is None and high is None:
        doc.error(path, f"{label}: salary needs 'min' or 'max'")
    if low is not None and high is not None and low > high:
        f.err("min", f"min {low} is above max {high}")
    if currency is None:
        return None
    return Salary(currency, low, high, f.get("period", _str, default="year"),
                  f.get("source", _str))


def _role(doc: _Doc, value: Any, i: int) -> Role | None:
    path = ("roles", i)
    data = _mapping(doc, value, path, f"roles[{i}]")
    if data is None:
        return None
    rid = data.get("id")
    label = f"role '{rid}'" if isinstance(rid, str) else f"roles[{i}]"
    f = _Fields(doc, data, path, label, ROLE_FIELDS)
    rid = f.get("id", _slug, required=True)
    title = f.get("title", _text, required=True)
    level = f.get("level", _int, required=True)
    skills, levels = f.get("skills", _role_skills, default=((), {}))
    role = Role(
        id=rid or "", title=title or {}, level=level if level is not None else 0,
        aliases=f.get("aliases", _strings, default=()),
        track=f.get("track", _slug),
        reports_to=f.get("reports_to", _slugs, default=()),
        summary=f.get("summary", _text, default={}),
        responsibilities=f.get("responsibilities", _text_list, default={}),
        skills=skills,
        skill_levels=levels,
        salary=_salary(doc, data["salary"], path + ("salary",), label)
        if data.get("salary") is not None else None,
        codes=f.get("codes", _codes, default={}),
        source=f.get("source", _str),
        line=doc.at(path)[0],
    )
    return role if rid and title and level is not None else None


def _move(doc: _Doc, value: Any, i: int) -> Move | None:
    path = ("moves", i)
    data = _mapping(doc, value, path, f"moves[{i}]")
    if data is None:
        return None
    label = f"move from '{data.get('from')}' to '{data.get('to')}'" \
        if "from" in data and "to" in data else f"moves[{i}]"
    f = _Fields(doc, data, path, label, MOVE_FIELDS)
    source, target = f.get("from", _slug, required=True), f.get("to", _slug, required=True)
    kind = f.get("kind", _str, default=PROMOTION)
    if kind not in (PROMOTION, LATERAL):
        f.err("kind", f"kind must be 'promotion' or 'lateral', not {kind!r}")
        kind = None
    move = Move(source or "", target or "", kind or PROMOTION, f.get("years", _number),
                f.get("requires", _slugs, default=()), f.get("source", _str),
                line=doc.at(path)[0])
    return move if source and target and kind else None


def _skills(doc: _Doc, value: Any) -> dict[str, Skill]:
    """The ``skills:`` section: skill id → title (text) or {title, description, category, codes}."""
    data = _mapping(doc, value, ("skills",), "ladder: 'skills'")
    out: dict[str, Skill] = {}
    for key, raw in (data or {}).items():
        path = ("skills", key)
        if not isinstance(key, str) or not SLUG.match(key):
            doc.error(path + ("<key>",), f"skills: {key!r} is not a valid skill id: use "
                      "lowercase letters, digits and '-' (for example 'negotiation')")
            continue
        label = f"skill '{key}'"
        if isinstance(raw, str):
            raw = {"title": raw}
        item = _mapping(doc, raw, path, label)
        if item is None:
            continue
        f = _Fields(doc, item, path, label, SKILL_FIELDS)
        title = f.get("title", _text, required=True)
        codes = f.get("codes", _codes, default={})
        for system, code in codes.items():
            _check_code(doc, path + ("codes", system), label, system, code, SKILL_CODES)
        if title:
            out[key] = Skill(key, title, f.get("description", _text, default={}),
                             f.get("category", _slug), codes, line=doc.at(path)[0])
    return out


def _scale(doc: _Doc, value: Any) -> tuple[ScaleLevel, ...]:
    """The ``scale:`` section: a list of {level, title, description}, lowest first."""
    if not isinstance(value, list) or not value:
        doc.error(("scale",), f"ladder: 'scale' must be a non-empty list of levels, "
                  f"not {_kind_of(value)}")
        return ()
    out: list[ScaleLevel] = []
    for i, raw in enumerate(value):
        path = ("scale", i)
        item = _mapping(doc, raw, path, f"scale[{i}]")
        if item is None:
            continue
        f = _Fields(doc, item, path, f"scale[{i}]", SCALE_FIELDS)
        level, title = f.get("level", _int, required=True), f.get("title", _text, required=True)
        if level is None or not title:
            continue
        if out and level <= out[-1].level:
            f.err("level", f"level {level} must be above the level before it "
                  f"({out[-1].level}): write the scale lowest first")
            continue
        out.append(ScaleLevel(level, title, f.get("description", _text, default={})))
    return tuple(out)


def _check_code(doc: _Doc, path: tuple, label: str, system: str, code: str,
                known: dict[str, tuple[re.Pattern, str]]) -> None:
    if system in known and not known[system][0].match(code):
        doc.error(path, f"{label}: code {system} {code!r} is not {known[system][1]}")


def _check_skills(doc: _Doc, roles: list[tuple[int, Role]], moves: list[tuple[int, Move]],
                  skills: dict[str, Skill], scale: tuple[ScaleLevel, ...],
                  categories: dict[str, Any], declared_skills: bool) -> None:
    """Unknown skills and categories, levels off the scale, role codes of the wrong shape."""
    known = sorted(skills)
    levels = [s.level for s in scale]
    span = f"{levels[0]}–{levels[-1]}" if levels else ""
    if categories:
        for sid, skill in skills.items():
            if skill.category is not None and skill.category not in categories:
                doc.error(("skills", sid, "category"),
                          f"skill '{sid}': unknown category '{skill.category}'"
                          + _suggestion(doc, skill.category, sorted(categories)))
    for i, role in roles:
        label = f"role '{role.id}'"
        for j, sid in enumerate(role.skills):
            # the mapping form records positions by skill id, the list form by index
            keyed = ("roles", i, "skills", sid) in doc.where
            where = ("roles", i, "skills", sid, "<key>") if keyed else ("roles", i, "skills", j)
            if declared_skills and sid not in skills:
                doc.error(where, f"{label}: unknown skill '{sid}'" + _suggestion(doc, sid, known))
        for sid, level in role.skill_levels.items():
            where = ("roles", i, "skills", sid)
            if levels and level not in levels:
                doc.error(where, f"{label}: skill '{sid}' has level {level}, which is not on "
                          f"the scale ({span})")
            elif not levels and level < 1:
                doc.error(where, f"{label}: skill '{sid}' has level {level}; levels start at 1")
        for system, code in role.codes.items():
            _check_code(doc, ("roles", i, "codes", system), label, system, code, ROLE_CODES)
    if declared_skills:
        for i, move in moves:
            for j, sid in enumerate(move.requires):
                if sid not in skills:
                    doc.error(("moves", i, "requires", j),
                              f"move from '{move.source_role}' to '{move.target_role}': "
                              f"requires unknown skill '{sid}'" + _suggestion(doc, sid, known))


def _check_levels_drop(doc: _Doc, roles: list[Role], moves: list[tuple[int, Move]]) -> None:
    """Warn when a promotion expects less of a skill than the role it starts from."""
    by_id = {r.id: r for r in roles}
    for i, move in moves:
        if move.kind != PROMOTION:
            continue
        a, b = by_id[move.source_role], by_id[move.target_role]
        for sid, before in a.skill_levels.items():
            after = b.skill_levels.get(sid)
            if after is not None and after < before:
                doc.warning(("moves", i),
                            f"promotion from '{a.id}' to '{b.id}': the expected level of "
                            f"skill '{sid}' drops from {before} to {after}")


def _suggestion(doc: _Doc, name: str, known: list[str]) -> str:
    # a fuzzy match costs a pass over every id: only for the first problems of a file
    if len(doc.diagnostics) >= HINTED_PROBLEMS:
        return ""
    return did_you_mean(name, known, cutoff=0.5)


def _check_references(
    doc: _Doc, roles: list[tuple[int, Role]], moves: list[tuple[int, Move]], declared: set[str]
) -> bool:
    """Duplicate ids, unknown roles, self-moves. ``declared``: every id written, even on
    roles with other errors, so those are not reported as unknown as well."""
    ok = True
    first: dict[str, int] = {}
    for i, role in roles:
        if role.id in first:
            doc.error(("roles", i, "id"),
                      f"duplicate role id '{role.id}' (first defined on line {first[role.id]})")
            ok = False
        else:
            first[role.id] = doc.at(("roles", i, "id"))[0] or 0
    known = sorted(declared)
    for i, role in roles:
        for j, boss in enumerate(role.reports_to):
            if boss not in declared:
                doc.error(("roles", i, "reports_to", j),
                          f"role '{role.id}': reports_to names unknown role '{boss}'"
                          + _suggestion(doc, boss, known))
                ok = False
            elif boss == role.id:
                doc.error(("roles", i, "reports_to", j),
                          f"role '{role.id}': a role cannot report to itself")
                ok = False
        if len(set(role.reports_to)) != len(role.reports_to):
            doc.error(("roles", i, "reports_to"),
                      f"role '{role.id}': reports_to names the same role twice")
            ok = False
    seen: dict[tuple, int] = {}
    for i, move in moves:
        label = f"move from '{move.source_role}' to '{move.target_role}'"
        for end, key in ((move.source_role, "from"), (move.target_role, "to")):
            if end not in declared:
                doc.error(("moves", i, key),
                          f"{label}: unknown role '{end}'" + _suggestion(doc, end, known))
                ok = False
        if move.source_role == move.target_role:
            doc.error(("moves", i), f"{label}: a role cannot move to itself")
            ok = False
        pair = (move.source_role, move.target_role, move.kind)
        if move.kind == LATERAL:
            pair = (*sorted(pair[:2]), LATERAL)
        if pair in seen:
            doc.error(("moves", i), f"{label}: duplicate {move.kind} move "
                      f"(first on line {seen[pair]})")
            ok = False
        else:
            seen[pair] = doc.at(("moves", i))[0] or 0
    return ok


def _check_cycles(doc: _Doc, G: nx.MultiDiGraph, roles: list[Role]) -> None:
    order = {r.id: i for i, r in enumerate(roles)}

    def loops(kind: str) -> list[list[str]]:
        # each cycle starts at its role written first in the file; at most five are named
        D = nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k == kind)
        if nx.is_directed_acyclic_graph(D):  # the common case, one linear pass
            return []
        found = []
        for cycle in itertools.islice(nx.simple_cycles(D), 100):
            i = min(range(len(cycle)), key=lambda j: order[cycle[j]])
            found.append(cycle[i:] + cycle[:i])
        return sorted(found, key=lambda c: (len(c), order[c[0]]))[:5]

    for cycle in loops(PROMOTION):
        loop = " -> ".join([*cycle, cycle[0]])
        doc.error(("moves",), f"promotion moves form a cycle: {loop}")
    for cycle in loops(REPORTS_TO):
        loop = " -> ".join([*cycle, cycle[0]])
        doc.error(("roles", order[cycle[0]], "reports_to"),
                  f"reporting lines form a cycle: {loop}")


def _check_shape(
    doc: _Doc, G: nx.MultiDiGraph, roles: list[Role], moves: list[tuple[int, Move]]
) -> None:
    """Warnings: the ladder is accepted but probably not what was meant."""
    where = {r.id: ("roles", i) for i, r in enumerate(roles)}
    level = {r.id: r.level for r in roles}
    for i, move in moves:
        u, v = move.source_role, move.target_role
        if move.kind == PROMOTION and level[v] < level[u]:
            doc.warning(("moves", i),
                        f"promotion from '{u}' (level {level[u]}) to '{v}' (level {level[v]}) "
                        "goes to a lower level")
    entries = queries.entry_roles(G)
    D = moves_graph(G)
    reached = _reachable(D, entries)
    up = _highest_reachable(D, level)
    top = max(level.values())
    for r in roles:
        if r.id not in reached:
            doc.warning(where[r.id], f"role '{r.id}' cannot be reached from any entry role "
                        f"({', '.join(entries)})")
        if r.level < top and up[r.id] <= r.level:
            doc.warning(where[r.id], f"role '{r.id}' (level {r.level}) has no way up: "
                        "no move leads to a more senior role")
        if r.level < top and not r.reports_to:
            doc.warning(where[r.id], f"role '{r.id}' (level {r.level}) has no reporting line")


def _reachable(D: nx.DiGraph, starts: list[str]) -> set[str]:
    """Every role some move path leads to from ``starts`` (and ``starts``): one walk."""
    seen = set(starts)
    todo = [s for s in starts if s in D]
    while todo:
        for v in D.successors(todo.pop()):
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


def _highest_reachable(D: nx.DiGraph, level: dict[str, int]) -> dict[str, int]:
    """Per role, the highest level among itself and the roles moves lead to from it.

    What :func:`orgpath.queries.has_way_up` asks of one role, for all roles at
    once: over the graph of strongly connected parts (laterals make cycles), in
    reverse topological order. Linear, where a walk per role is quadratic.
    """
    C = nx.condensation(D)
    best: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(C))):
        members = C.nodes[c]["members"]
        best[c] = max([*(level[m] for m in members), *(best[s] for s in C.successors(c))])
    mapping = C.graph["mapping"]
    return {r: best[mapping[r]] if r in mapping else level[r] for r in level}


def parse_ladder(text: str, filename: str = "<ladder>", *,
                 limits: Limits | None = None) -> tuple[Ladder | None, list[Diagnostic]]:
    """Parse and check the text of a ladder file. Never raises on bad input.

    ``limits`` (default: from the settings) bound nesting, YAML aliases and time.
    Diagnostics come sorted by line and column.
    """
    doc = _Doc(filename)
    try:
        with gc_paused():  # tens of thousands of small objects: no full collections meanwhile
            ladder = _parse(doc, text, limits or Limits.from_environment())
    except Refused as refused:
        return None, [refused.diagnostic]
    except Exception as exc:  # noqa: BLE001  (the last guard: a reader never raises)
        return None, [_internal(filename, exc)]
    return ladder, sorted(doc.diagnostics, key=lambda d: (d.line or 0, d.col or 0))


def _internal(filename: str, exc: Exception) -> Diagnostic:
    return Diagnostic(filename, None, None, ERROR, "the file could not be read "
                      f"({type(exc).__name__}: {str(exc)[:200]}); please report this")


def _parse(doc: _Doc, text: str, limits: Limits) -> Ladder | None:
    data = parse_yaml(text, doc, limits=limits, json_text=doc.file.endswith(".json"),
                      what="ladder", deadline=Deadline(limits.load_timeout, doc.file))
    if data is None:
        return None
    if not isinstance(data, dict):
        doc.error((), f"a ladder file must be a mapping with 'id', 'title' and 'roles', "
                  f"not {_kind_of(data)}")
        return None
    f = _Fields(doc, data, (), "ladder", LADDER_FIELDS)
    lid = f.get("id", _slug, required=True)
    title = f.get("title", _text, required=True)
    description = f.get("description", _text, default={})
    tracks = f.get("tracks", _tracks, default={})
    access = f.get("access", _access)
    categories = f.get("categories", _tracks, default={})
    sources = f.get("sources", _sources, default={})
    skills = _skills(doc, data["skills"]) if data.get("skills") is not None else {}
    scale = _scale(doc, data["scale"]) if data.get("scale") is not None else ()
    raw_roles = data.get("roles")
    if not isinstance(raw_roles, list) or not raw_roles:
        doc.error(("roles",) if "roles" in data else (),
                  "ladder: 'roles' must be a non-empty list of roles"
                  if "roles" in data else "ladder: missing required field 'roles'")
        raw_roles = []
    raw_moves = data.get("moves") or []
    if not isinstance(raw_moves, list):
        doc.error(("moves",), f"ladder: 'moves' must be a list, not {_kind_of(raw_moves)}")
        raw_moves = []
    indexed = [(i, r) for i, v in enumerate(raw_roles) if (r := _role(doc, v, i))]
    roles = [r for _, r in indexed]
    moves = [(i, m) for i, v in enumerate(raw_moves) if (m := _move(doc, v, i))]
    declared = {v["id"] for v in raw_roles if isinstance(v, dict) and isinstance(v.get("id"), str)}
    _check_references(doc, indexed, moves, declared)
    if tracks:
        for i, role in indexed:
            if role.track is not None and role.track not in tracks:
                doc.error(("roles", i, "track"),
                          f"role '{role.id}': unknown track '{role.track}'"
                          + _suggestion(doc, role.track, sorted(tracks)))
    _check_skills(doc, indexed, moves, skills, scale, categories,
                  declared_skills=data.get("skills") is not None)
    if any(d.severity == ERROR for d in doc.diagnostics):
        return None
    ladder = Ladder(lid, title, tuple(roles), tuple(m for _, m in moves), description,
                    path=doc.file, tracks=tracks, access=access, skills=skills, scale=scale,
                    categories=categories, sources=sources)
    G = ladder_graph(ladder)
    _check_cycles(doc, G, roles)
    if any(d.severity == ERROR for d in doc.diagnostics):
        return None
    _check_shape(doc, G, roles, moves)
    _check_levels_drop(doc, roles, moves)
    return ladder


def read_ladder(path: str | Path, *,
                limits: Limits | None = None) -> tuple[Ladder | None, list[Diagnostic]]:
    """Read and check a ladder file. Never raises on bad input.

    Returns the ladder (None when the file has errors) and every diagnostic.
    ``limits`` (default: from the settings) bound the file's size
    (``max_ladder_bytes``), nesting, YAML aliases and load time; special files
    (FIFOs, devices, folders) are refused without being read.
    """
    limits = limits or Limits.from_environment()
    try:
        text = read_text(path, max_bytes=limits.max_ladder_bytes, setting="max_ladder_bytes")
    except Refused as refused:
        return None, [refused.diagnostic]
    return parse_ladder(text, str(path), limits=limits)
