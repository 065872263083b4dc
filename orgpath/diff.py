"""What changed between two versions of an org or a ladder: plain functions over models.

:func:`diff_people` compares two :class:`~orgpath.model.Org`\\ s;
:func:`diff_people_csv` gives the same answer straight from two CSV texts,
building people only for the rows that differ (fast on big files);
:func:`diff_ladder` compares two :class:`~orgpath.model.Ladder`\\ s. Each
returns a :class:`Diff`: ``kind``, ``changes`` (one dict per change, with a
``category``), ``teams`` and ``totals``; :func:`as_markdown` and
:func:`as_rows` print it.

>>> from orgpath.model import Org, Person
>>> old = Org("o", "O", (Person("a", "Ann"), Person("b", "Bob", "a", title="Analyst")))
>>> new = Org("o", "O", (Person("a", "Ann"), Person("b", "Bob", "a", title="Lead"),
...                      Person("c", "Cy", "b")))
>>> d = diff_people(old, new)
>>> [(c["category"], c["id"]) for c in d.changes]
[('joined', 'c'), ('retitled', 'b')]
>>> d.totals["people_before"], d.totals["people_after"]
(2, 3)
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import networkx as nx

from orgpath.diagnostics import ERROR, Diagnostic, InputError
from orgpath.model import Ladder, Org, Person, localize

#: Categories of people changes, in the order they are listed.
PEOPLE_CATEGORIES = ("joined", "left", "moved", "promoted", "role-changed", "retitled",
                     "department-changed", "vacancy-opened", "vacancy-filled",
                     "dotted-added", "dotted-removed")
#: Categories of ladder changes, in the order they are listed.
LADDER_CATEGORIES = ("added-roles", "removed-roles", "renamed-roles", "level-changed",
                     "track-changed", "reporting-changed", "moves-added", "moves-removed",
                     "moves-changed", "skills-changed", "salary-changed")
CATEGORIES = PEOPLE_CATEGORIES + LADDER_CATEGORIES
#: ``--fail-on`` words that name several categories.
ALIASES = {"removed-roles": ("removed-roles",), "any": CATEGORIES,
           "departures": ("left",), "hires": ("joined",), "moves": ("moves-added",
                                                                   "moves-removed",
                                                                   "moves-changed")}


@dataclass
class Diff:
    """The changes between two versions of one file."""

    kind: str  # "org" or "ladder"
    changes: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)  # org only: per manager
    totals: dict[str, int] = field(default_factory=dict)

    def count(self, category: str) -> int:
        """How many changes of ``category``."""
        return sum(1 for c in self.changes if c["category"] == category)

    def by_category(self) -> dict[str, int]:
        """Every category with its count (zero counts included, in listing order)."""
        cats = PEOPLE_CATEGORIES if self.kind == "org" else LADDER_CATEGORIES
        counts = Counter(c["category"] for c in self.changes)
        return {c: counts.get(c, 0) for c in cats}

    def status_by_person(self) -> dict[str, str]:
        """Person id → ``joined``, ``moved``, ``left`` or ``retitled`` (for diff charts)."""
        rank = {"joined": 0, "left": 1, "moved": 2, "promoted": 3, "role-changed": 3,
                "retitled": 3}
        out: dict[str, str] = {}
        for c in self.changes:
            cat = c["category"]
            if cat not in rank:
                continue
            status = "retitled" if rank[cat] == 3 else cat
            if c["id"] not in out or rank[cat] < rank.get(out[c["id"]], 9):
                out[c["id"]] = status
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "summary": self.by_category(), "totals": self.totals,
                "changes": self.changes, "teams": self.teams}


# --- people ------------------------------------------------------------------------------


def _level_of(ladder_graph: nx.MultiDiGraph | None, role: str | None) -> int | None:
    if ladder_graph is None or role is None or role not in ladder_graph:
        return None
    return ladder_graph.nodes[role].get("level")


def _person_changes(pid: str, a: Person, b: Person,
                    ladder_graph: nx.MultiDiGraph | None) -> list[dict[str, Any]]:
    out = []
    who = {"id": pid, "name": b.name}
    if a.manager_id != b.manager_id:
        out.append({**who, "category": "moved", "from": a.manager_id, "to": b.manager_id})
    if a.role != b.role:
        la, lb = _level_of(ladder_graph, a.role), _level_of(ladder_graph, b.role)
        promoted = la is not None and lb is not None and lb > la
        out.append({**who, "category": "promoted" if promoted else "role-changed",
                    "from": a.role, "to": b.role, "level_from": la, "level_to": lb})
    if a.title != b.title:
        out.append({**who, "category": "retitled", "from": a.title, "to": b.title})
    if a.department != b.department:
        out.append({**who, "category": "department-changed", "from": a.department,
                    "to": b.department})
    if a.vacant != b.vacant:
        out.append({**who, "category": "vacancy-opened" if b.vacant else "vacancy-filled",
                    "from": a.name, "to": b.name})
    for m in b.dotted_managers:
        if m not in a.dotted_managers:
            out.append({**who, "category": "dotted-added", "from": None, "to": m})
    for m in a.dotted_managers:
        if m not in b.dotted_managers:
            out.append({**who, "category": "dotted-removed", "from": m, "to": None})
    return out


def _diff_maps(old: Mapping[str, Person], new: Mapping[str, Person], old_teams: Counter,
               new_teams: Counter, totals: dict[str, int],
               ladder_graph: nx.MultiDiGraph | None, names: Mapping[str, str]) -> Diff:
    """The diff of the people that differ (``old``/``new``), given every manager's team size."""
    changes: list[dict[str, Any]] = []
    for pid, p in new.items():
        if pid not in old:
            changes.append({"id": pid, "name": p.name,
                            "category": "vacancy-opened" if p.vacant else "joined", "from": None,
                            "to": p.manager_id, "title": p.title, "vacant": p.vacant})
    for pid, p in old.items():
        if pid not in new:
            changes.append({"id": pid, "name": p.name, "category": "left",
                            "from": p.manager_id, "to": None, "title": p.title,
                            "vacant": p.vacant})
    for pid, b in new.items():
        a = old.get(pid)
        if a is not None:
            changes.extend(_person_changes(pid, a, b, ladder_graph))
    order = {c: i for i, c in enumerate(PEOPLE_CATEGORIES)}
    changes.sort(key=lambda c: (order[c["category"]], c["id"]))
    teams = [{"manager": m, "name": names.get(m, m), "before": old_teams.get(m, 0),
              "after": new_teams.get(m, 0)}
             for m in sorted(set(old_teams) | set(new_teams))
             if old_teams.get(m, 0) != new_teams.get(m, 0)]
    d = Diff("org", changes, teams, totals)
    d.totals.update({c: d.count(c) for c in ("joined", "left", "moved")})
    return d


def _key(p: Person) -> tuple:
    """What of a person a diff compares (not the row it sits on)."""
    return (p.name, p.manager_id, p.title, p.role, p.department, p.vacant, p.dotted_managers)


def diff_people(old: Org, new: Org, *, ladder_graph: nx.MultiDiGraph | None = None) -> Diff:
    """Who joined, left, moved, was promoted or retitled, ... between two versions of an org.

    ``ladder_graph`` (the org's ladder) tells a promotion (the role's level rose)
    from another role change.
    """
    a = {p.id: p for p in old.people}
    b = {p.id: p for p in new.people}
    ka = {k: _key(v) for k, v in a.items()}
    kb = {k: _key(v) for k, v in b.items()}
    changed_a = {k: v for k, v in a.items() if kb.get(k) != ka[k]}
    changed_b = {k: v for k, v in b.items() if ka.get(k) != kb[k]}
    totals = {"people_before": len(a), "people_after": len(b)}
    names = {k: p.name for k, p in a.items()} | {k: p.name for k, p in b.items()}
    return _diff_maps(changed_a, changed_b, Counter(p.manager_id for p in a.values()
                                                    if p.manager_id),
                      Counter(p.manager_id for p in b.values() if p.manager_id), totals,
                      ladder_graph, names)


# --- people, straight from CSV -------------------------------------------------------------


def _norm(text: str) -> str:
    out = str(text).strip().lstrip("\ufeff").casefold()
    for ch in " _-.":
        out = out.replace(ch, "")
    return out


def _aliases() -> dict[str, str]:
    from orgpath.peoplefile import COLUMNS

    return {_norm(alias): canon for canon, aliases in COLUMNS.items() for alias in aliases}


_TRUE = {"true", "yes", "y", "1", "x", "ja"}


def _columns(header: list[str], name: str) -> dict[str, int]:
    """Canonical column → its index (first header that names it); id/name/manager required."""
    aliases = _aliases()
    col: dict[str, int] = {}
    for i, h in enumerate(header):
        canon = aliases.get(_norm(h))
        if canon is not None and canon not in col:
            col[canon] = i
    missing = [c for c in ("id", "name", "manager_id") if c not in col]
    if missing:
        raise InputError([Diagnostic(name, 1, None, ERROR, f"missing required column '{c}'")
                          for c in missing])
    return col


class _Rows:
    """One CSV version: its header's columns and each row's cells by id."""

    def __init__(self, text: str, name: str):
        if text.startswith("\ufeff"):
            text = text[1:]
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        delim = max(counts, key=counts.get) if any(counts.values()) else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError([Diagnostic(name, 1, None, ERROR, "the file is empty")]) from None
        self.col = _columns(header, name)
        self._order: list[int] = []  # set by diff_people_csv when the headers differ
        self.rows: dict[str, list[str]] = {}
        self.teams: Counter = Counter()
        try:
            body = list(reader)
        except csv.Error as exc:
            raise InputError([Diagnostic(name, reader.line_num, None, ERROR,
                                         f"not a readable CSV row: {exc}")]) from None
        if [] in body:
            body = [r for r in body if r]
        if not self._fast(body):
            self._checked(body, name, len(header))
        self.count = len(self.rows)

    @classmethod
    def pair(cls, old: str, new: str, name: str) -> tuple[_Rows, _Rows] | None:
        """Both versions indexed without the CSV reader: each text is split into lines once,
        only the lines found in one version alone are split into cells, and ids and
        managers come from one regular-expression pass. None when a file needs the CSV
        reader (quotes, a changed header, a short row, a duplicate id)."""
        if '"' in old or '"' in new:
            return None
        texts = [t.lstrip("\ufeff").replace("\r\n", "\n") for t in (old, new)]
        lines = [t.split("\n") for t in texts]
        header = lines[0][0]
        if header != lines[1][0]:
            return None
        counts = {d: header.count(d) for d in (",", ";", "\t")}
        delim = max(counts, key=counts.get) if any(counts.values()) else ","
        col = _columns(header.split(delim), name)
        i_id, i_mgr = col["id"], col["manager_id"]
        cell = f"([^{re.escape(delim)}\\n]*)"
        rx = re.compile("(?m)^" + re.escape(delim).join(
            cell for _ in range(max(i_id, i_mgr) + 1)))
        sets = [set(x) for x in lines]
        out = []
        for text, mine, theirs in zip(texts, lines, reversed(sets), strict=True):
            self = cls.__new__(cls)
            self.col, self._order = col, []
            self.count = len(mine) - 1 - mine.count("")
            found = rx.findall(text)[1:]
            if len(found) != self.count:
                return None
            ids = list(map(str.strip, map(itemgetter(i_id), found)))
            pos = dict(zip(ids, range(len(ids)), strict=True))
            if len(pos) != len(ids) or "" in pos:
                return None
            self.teams = Counter(map(str.strip, map(itemgetter(i_mgr), found)))
            self.teams.pop("", None)
            self.rows = {}
            for line in set(mine[1:]) - theirs:
                if line:
                    row = line.split(delim)
                    self.rows[row[i_id].strip()] = row
            self._body = [line for line in mine[1:] if line]
            self._pos, self._delim = pos, delim
            out.append(self)
        return out[0], out[1]

    def row_of(self, pid: str) -> list[str] | None:
        """The cells of ``pid``'s row, changed or not."""
        if pid in self.rows:
            return self.rows[pid]
        pos = getattr(self, "_pos", None)  # set by pair(): rows kept as lines
        if pos is None or pid not in pos:
            return None
        return self._body[pos[pid]].split(self._delim)

    def _fast(self, body: list[list[str]]) -> bool:
        """Index ``body`` with C-speed builtins; False when a row needs a closer look."""
        i_id, i_mgr = self.col["id"], self.col["manager_id"]
        if body and min(map(len, body)) <= max(i_id, i_mgr):
            return False
        ids = list(map(str.strip, map(itemgetter(i_id), body)))
        rows = dict(zip(ids, body, strict=True))
        if len(rows) != len(body) or "" in rows:
            return False
        self.rows = rows
        self.teams = Counter(map(str.strip, map(itemgetter(i_mgr), body)))
        self.teams.pop("", None)
        return True

    def _checked(self, body: list[list[str]], name: str, width: int) -> None:
        """Index ``body`` row by row, stopping at the first bad row with its line."""
        i_id, i_mgr = self.col["id"], self.col["manager_id"]
        rows = self.rows
        for n, row in enumerate(body, start=2):
            try:
                pid = row[i_id].strip()
                mgr = row[i_mgr].strip()
            except IndexError:
                raise InputError([Diagnostic(name, n, None, ERROR,
                                             f"row has {len(row)} fields but the header "
                                             f"has {width}")]) from None
            if not pid:
                raise InputError([Diagnostic(name, n, None, ERROR, "missing id")])
            if pid in rows:
                raise InputError([Diagnostic(name, n, None, ERROR, f"duplicate id '{pid}'")])
            rows[pid] = row
            if mgr:
                self.teams[mgr] += 1

    def cells(self, row: list[str]) -> tuple[str, ...]:
        """The row's values in canonical column order (so a reordered header still compares)."""
        return tuple(row[i].strip() if i < len(row) else "" for i in self._order)

    def person(self, pid: str, resolve) -> Person:
        row = self.rows[pid]

        def get(c: str) -> str:
            i = self.col.get(c)
            return row[i].strip() if i is not None and i < len(row) else ""

        dotted = tuple(dict.fromkeys(
            d.strip() for d in get("dotted_managers").replace(",", ";").split(";") if d.strip()))
        vacant = get("vacant").casefold() in _TRUE
        role = get("role") or None
        return Person(id=pid, name=get("name") or ("Vacant" if vacant else ""),
                      manager_id=get("manager_id") or None, title=get("title") or None,
                      role=resolve(role) if role else None,
                      department=get("department") or None, email=get("email") or None,
                      photo_url=get("photo_url") or None,
                      assistant=get("assistant").casefold() in _TRUE,
                      dotted_managers=dotted, vacant=vacant)


def _role_resolver(ladder_graph: nx.MultiDiGraph | None):
    if ladder_graph is None:
        return lambda text: text
    from orgpath import queries

    cache: dict[str, str] = {}

    def resolve(text: str) -> str:
        if text not in cache:
            try:
                cache[text] = queries.find_role(ladder_graph, text)
            except LookupError:
                cache[text] = text
        return cache[text]

    return resolve


def diff_people_csv(old_text: str, new_text: str, *, name: str = "<people>",
                    ladder_graph: nx.MultiDiGraph | None = None) -> Diff:
    """:func:`diff_people` of two CSV people files' texts, without reading every row twice.

    Rows whose cells are equal in both versions are skipped; only the others
    become people. Raises :class:`~orgpath.diagnostics.InputError` (file and
    line) for a file that has no id/name/manager column, a duplicate id or a
    broken row.

    >>> old = "id,name,manager_id,title\\na,Ann,,CEO\\nb,Bob,a,Analyst\\n"
    >>> new = "id,name,manager_id,title\\na,Ann,,CEO\\nb,Bob,a,Analyst\\nc,Cy,a,\\n"
    >>> [(c["category"], c["id"]) for c in diff_people_csv(old, new).changes]
    [('joined', 'c')]
    """
    fast = _Rows.pair(old_text, new_text, name)
    if fast is not None:
        a, b = fast
    else:
        a = _Rows(old_text, f"{name} (old)")
        b = _Rows(new_text, f"{name} (new)")
    canon = sorted(set(a.col) | set(b.col))
    a._order = [a.col.get(c, 10**6) for c in canon]
    b._order = [b.col.get(c, 10**6) for c in canon]
    resolve = _role_resolver(ladder_graph)
    same_shape = a.col == b.col
    changed_a: dict[str, Person] = {}
    changed_b: dict[str, Person] = {}
    for pid, row in b.rows.items():
        other = a.rows.get(pid)
        if other is not None and (other == row if same_shape else
                                  a.cells(other) == b.cells(row)):
            continue
        changed_b[pid] = b.person(pid, resolve)
        if other is not None:
            changed_a[pid] = a.person(pid, resolve)
    for pid in a.rows.keys() - b.rows.keys():
        changed_a[pid] = a.person(pid, resolve)
    # equal after normalising (whitespace, role spelling): not a change
    for pid in list(changed_b):
        if pid in changed_a and _key(changed_a[pid]) == _key(changed_b[pid]):
            del changed_a[pid], changed_b[pid]
    totals = {"people_before": a.count, "people_after": b.count}
    return _diff_maps(changed_a, changed_b, a.teams, b.teams, totals, ladder_graph,
                      _Names(a, b))


class _Names:
    """A manager's name, looked up only for the teams a diff lists."""

    def __init__(self, *sides: _Rows):
        self.sides = sides

    def get(self, pid: str, default: str) -> str:
        for side in reversed(self.sides):
            row = side.row_of(pid)
            i = side.col["name"]
            if row is not None and i < len(row):
                return row[i].strip() or default
        return default


# --- ladders ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(ch))


def _salary(r) -> dict | None:
    s = r.salary
    return None if s is None else {"currency": s.currency, "min": s.min, "max": s.max,
                                   "period": s.period}


def diff_ladder(old: Ladder, new: Ladder) -> Diff:
    """Roles added, removed and renamed; level, track, reporting, move, skill and salary changes.

    A role is *renamed* when its id stays and its English title changes, or when
    one removed and one added role share a title (ignoring case and accents).

    >>> from orgpath.model import Ladder, Role
    >>> a = Ladder("l", {"en": "L"}, (Role("x", {"en": "X"}, 1), Role("y", {"en": "Y"}, 2)))
    >>> b = Ladder("l", {"en": "L"}, (Role("x", {"en": "Ex"}, 1), Role("y", {"en": "Y"}, 3)))
    >>> [(c["category"], c["id"]) for c in diff_ladder(a, b).changes]
    [('renamed-roles', 'x'), ('level-changed', 'y')]
    """
    ra = {r.id: r for r in old.roles}
    rb = {r.id: r for r in new.roles}
    changes: list[dict[str, Any]] = []
    added = [i for i in rb if i not in ra]
    removed = [i for i in ra if i not in rb]
    by_title = {}
    for i in removed:
        by_title.setdefault(_fold(localize(ra[i].title)), []).append(i)
    for i in list(added):
        twins = by_title.get(_fold(localize(rb[i].title)), [])
        if len(twins) == 1 and twins[0] in removed:
            old_id = twins[0]
            added.remove(i)
            removed.remove(old_id)
            changes.append({"category": "renamed-roles", "id": i, "from": old_id, "to": i,
                            "title": rb[i].name()})
    for i in added:
        changes.append({"category": "added-roles", "id": i, "from": None, "to": rb[i].name(),
                        "level": rb[i].level})
    for i in removed:
        changes.append({"category": "removed-roles", "id": i, "from": ra[i].name(), "to": None,
                        "level": ra[i].level})
    for i, b in rb.items():
        a = ra.get(i)
        if a is None:
            continue
        if a.name() != b.name():
            changes.append({"category": "renamed-roles", "id": i, "from": a.name(),
                            "to": b.name(), "title": b.name()})
        if a.level != b.level:
            changes.append({"category": "level-changed", "id": i, "from": a.level,
                            "to": b.level})
        if a.track != b.track:
            changes.append({"category": "track-changed", "id": i, "from": a.track,
                            "to": b.track})
        if a.reports_to != b.reports_to:
            changes.append({"category": "reporting-changed", "id": i,
                            "from": list(a.reports_to), "to": list(b.reports_to)})
        if a.skills != b.skills:
            changes.append({"category": "skills-changed", "id": i,
                            "added": [s for s in b.skills if s not in a.skills],
                            "removed": [s for s in a.skills if s not in b.skills],
                            "from": list(a.skills), "to": list(b.skills)})
        if _salary(a) != _salary(b):
            changes.append({"category": "salary-changed", "id": i, "from": _salary(a),
                            "to": _salary(b)})
    ma = {(m.source_role, m.target_role, m.kind): m for m in old.moves}
    mb = {(m.source_role, m.target_role, m.kind): m for m in new.moves}
    for k, m in mb.items():
        ident = f"{k[0]} → {k[1]} ({k[2]})"
        if k not in ma:
            changes.append({"category": "moves-added", "id": ident, "from": None,
                            "to": {"years": m.years, "requires": list(m.requires)}})
        elif (ma[k].years, ma[k].requires) != (m.years, m.requires):
            changes.append({"category": "moves-changed", "id": ident,
                            "from": {"years": ma[k].years, "requires": list(ma[k].requires)},
                            "to": {"years": m.years, "requires": list(m.requires)}})
    for k, m in ma.items():
        if k not in mb:
            changes.append({"category": "moves-removed", "id": f"{k[0]} → {k[1]} ({k[2]})",
                            "from": {"years": m.years, "requires": list(m.requires)},
                            "to": None})
    order = {c: i for i, c in enumerate(LADDER_CATEGORIES)}
    changes.sort(key=lambda c: (order[c["category"]], str(c["id"])))
    totals = {"roles_before": len(ra), "roles_after": len(rb), "moves_before": len(ma),
              "moves_after": len(mb)}
    return Diff("ladder", changes, [], totals)


# --- printing ----------------------------------------------------------------------------


def expand_fail_on(words: Iterable[str]) -> set[str]:
    """``--fail-on`` words → categories; :class:`ValueError` naming an unknown word.

    >>> sorted(expand_fail_on(["removed-roles", "departures"]))
    ['left', 'removed-roles']
    """
    out: set[str] = set()
    for w in words:
        w = w.strip()
        if not w:
            continue
        if w in ALIASES:
            out.update(ALIASES[w])
        elif w in CATEGORIES:
            out.add(w)
        else:
            raise ValueError(f"--fail-on: unknown category {w!r} (use any, "
                             f"{', '.join(CATEGORIES)})")
    return out


def show(value: Any) -> str:
    """A change's ``from``/``to`` value as one short line of text."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        if "currency" in value:
            return f"{value.get('min')}–{value.get('max')} {value['currency']}/{value['period']}"
        parts = []
        if value.get("years") is not None:
            parts.append(f"{value['years']:g} y")
        if value.get("requires"):
            parts.append("needs " + ", ".join(value["requires"]))
        return "; ".join(parts) or "—"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "—"
    return str(value)


def as_rows(d: Diff) -> list[list[str]]:
    """One ``[category, id, name, from, to]`` row per change."""
    return [[c["category"], str(c["id"]), str(c.get("name") or c.get("title") or ""),
             show(c.get("from")), show(c.get("to"))] for c in d.changes]


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell (no HTML, no pipes, no line breaks)."""
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for ch in "<>`*_[]":
        out = out.replace(ch, "\\" + ch)
    return out


def as_markdown(d: Diff, title: str) -> str:
    """A pull-request comment: a summary line, a table per category, team sizes."""
    lines = [f"### {_md(title)}", ""]
    counts = {k: v for k, v in d.by_category().items() if v}
    if not counts:
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    lines.append(", ".join(f"**{v}** {k}" for k, v in counts.items()))
    lines.append("")
    lines += ["| change | id | name | from | to |", "|---|---|---|---|---|"]
    for row in as_rows(d):
        lines.append("| " + " | ".join(_md(x) for x in row) + " |")
    if d.teams:
        lines += ["", "| manager | team before | team after |", "|---|---:|---:|"]
        for t in d.teams:
            lines.append(f"| {_md(t['name'])} ({_md(t['manager'])}) | {t['before']} | "
                         f"{t['after']} |")
    if d.totals:
        lines += ["", " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in d.totals.items())]
    return "\n".join(lines) + "\n"
