"""History from git: past versions of ladders and orgs, diffs between them, headcount over time.

Glue between :mod:`orgpath.gitrepo` (reading git), the readers
(:mod:`orgpath.ladderfile`, :mod:`orgpath.peoplefile`) and :mod:`orgpath.diff`.
A past version is parsed from its blob (a people file through a private
temporary folder, so the reader and its checks are the same as for the
working tree) and cached by blob id, so a second ``as_of`` view is a lookup.

:func:`entry_as_of` answers an object shaped like the store's
:class:`~orgpath.store.Entry` (``value``, ``graph``, ``version``, ``id``), which
the web's existing routes use unchanged for ``?as_of=YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from orgpath import gitrepo, ladderfile, settings
from orgpath.diagnostics import ERROR, Diagnostic, InputError
from orgpath.diff import Diff, diff_ladder, diff_people, diff_people_csv
from orgpath.gitrepo import Repo, RevisionError, Version
from orgpath.graph import ladder_graph
from orgpath.model import Ladder, Org
from orgpath.store import ORG_SUFFIXES, Entry, Store

__all__ = ["History", "diff_blobs", "entry_as_of", "history_for", "kind_of", "load_blob",
           "parse_side"]


def kind_of(name: str) -> str | None:
    """``"org"``, ``"ladder"`` or None for a file name.

    >>> kind_of("agency.csv"), kind_of("account-management.yaml"), kind_of("a.org.yaml")
    ('org', 'ladder', None)
    """
    if name.endswith(".org.yaml"):
        return None
    if name.endswith(ORG_SUFFIXES):
        return "org"
    if name.endswith(ladderfile.SUFFIXES):
        return "ladder"
    return None


def manifest_name(name: str) -> str | None:
    """The manifest beside the people file ``name`` (a path), or None for a ladder.

    >>> manifest_name("graphs/agency.csv")
    'graphs/agency.org.yaml'
    """
    for suffix in ORG_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)] + ".org.yaml"
    return None


def _max_bytes(kind: str) -> int:
    return settings.get("max_people_bytes" if kind == "org" else "max_ladder_bytes")


# --- reading one version ----------------------------------------------------------------


def load_blob(kind: str, name: str, data: bytes, *, manifest: bytes | None = None,
              ladder: nx.MultiDiGraph | None = None) -> Ladder | Org:
    """Parse one version of a file; :class:`InputError` (file:line) when it does not load.

    ``name`` is the file's name as the user should see it (``HEAD~2:graphs/a.csv``).
    """
    if kind == "ladder":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError([Diagnostic(name, data[: exc.start].count(b"\n") + 1, None, ERROR,
                                         "the file is not UTF-8 text")]) from None
        value, diags = ladderfile.parse_ladder(text, name)
        if value is None:
            raise InputError([d for d in diags if d.severity == ERROR])
        return value
    from orgpath.peoplefile import read_org

    base = os.path.basename(name.split(":")[-1]) or "people.csv"
    folder = tempfile.mkdtemp(prefix="orgpath-history-")  # private: mode 0700, random name
    try:
        path = Path(folder) / base
        path.write_bytes(data)
        mname = manifest_name(base)
        if manifest is not None and mname:
            (Path(folder) / mname).write_bytes(manifest)
        value, diags = read_org(path, ladder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if value is None:
        raise InputError([Diagnostic(name, d.line, d.col, d.severity, d.message)
                          for d in diags if d.severity == ERROR])
    return value


def diff_blobs(kind: str, name: str, old: bytes, new: bytes, *,
               ladder: nx.MultiDiGraph | None = None) -> Diff:
    """The :class:`~orgpath.diff.Diff` between two versions of one file."""
    if kind == "org" and name.endswith(".csv"):
        try:
            a, b = old.decode("utf-8-sig"), new.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError([Diagnostic(name, None, None, ERROR,
                                         "the file is not UTF-8 text")]) from None
        return diff_people_csv(a, b, name=name, ladder_graph=ladder)
    va = load_blob(kind, f"old:{name}", old, ladder=ladder)
    vb = load_blob(kind, f"new:{name}", new, ladder=ladder)
    if kind == "ladder":
        return diff_ladder(va, vb)
    return diff_people(va, vb, ladder_graph=ladder)


def parse_side(spec: str) -> tuple[str | None, str]:
    """``REV:path`` → ``(REV, path)``; a plain path → ``(None, path)``.

    >>> parse_side("HEAD~3:graphs/agency.csv"), parse_side("graphs/agency.csv")
    (('HEAD~3', 'graphs/agency.csv'), (None, 'graphs/agency.csv'))
    """
    if ":" in spec and not os.path.exists(spec):
        rev, _, path = spec.partition(":")
        return gitrepo.check_rev(rev), path
    return None, spec


# --- the history of a store's folder --------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One commit that changed a file, with its diff against the version before."""

    version: Version
    previous: Version | None


class _Lru:
    def __init__(self, size: int):
        self.size, self._d, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make: Callable[[], Any]):
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        value = make()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


class History:
    """The git history of one store's folder. ``repo`` is None when there is no git."""

    def __init__(self, store: Store):
        self.store = store
        self.repo: Repo | None = gitrepo.discover(store.folder)
        size = settings.get("history_cache_entries")
        self._entries = _Lru(size)
        self._diffs = _Lru(size * 8)
        self._counts = _Lru(settings.get("max_history_commits"))

    def require(self) -> Repo:
        """The repository; :class:`~orgpath.gitrepo.NoRepository` when there is none."""
        if self.repo is None:
            raise gitrepo.NoRepository(f"{self.store.folder} is not inside a git repository")
        return self.repo

    def path_of(self, entry: Entry) -> str:
        """The repository path of a store entry's file."""
        return self.require().in_folder(entry.path.name)

    def _ladder_for(self, entry: Entry) -> nx.MultiDiGraph | None:
        if entry.kind != "org" or not entry.value.ladder:
            return None
        try:
            return self.store.entry("ladder", entry.value.ladder).graph
        except LookupError:
            return None

    def log(self, entry: Entry) -> list[Version]:
        """Every commit that changed the entry's file (or an org's manifest), newest first."""
        path = self.path_of(entry)
        return self.require().log(path, also=manifest_name(path))

    def version(self, entry: Entry, rev: str) -> Version:
        """The entry's file at ``rev`` (a revision or a date ``YYYY-MM-DD``)."""
        repo = self.require()
        c = repo.resolve(rev)
        oid = repo.blob_id(c, self.path_of(entry))
        if oid is None:
            raise RevisionError(f"{entry.path.name} did not exist at {rev[:60]}")
        return Version(gitrepo._commit(c), oid)

    def entry_at(self, entry: Entry, rev: str) -> Entry:
        """A store-like :class:`~orgpath.store.Entry` of the file as it was at ``rev``."""
        v = self.version(entry, rev)
        repo = self.require()
        path = self.path_of(entry)
        mname = manifest_name(path)
        mid = repo.blob_id(repo.resolve(v.commit.id), mname) if mname else None
        ladder = self._ladder_for(entry)

        def make() -> Entry:
            data = repo.read_blob(v.blob, _max_bytes(entry.kind))
            manifest = repo.read_blob(mid, settings.get("max_manifest_bytes")) if mid else None
            value = load_blob(entry.kind, f"{v.commit.short}:{path}", data, manifest=manifest,
                              ladder=ladder)
            if entry.kind == "org":
                from orgpath.org import org_graph

                graph = org_graph(value)
            else:
                graph = ladder_graph(value)
            return Entry(path=entry.path, kind=entry.kind, id=entry.id, value=value,
                         graph=graph, version=f"git-{v.blob[:16]}-{mid or ''}"[:40])

        return self._entries.get((entry.kind, entry.id, v.blob, mid), make)

    def diff(self, entry: Entry, old: Version, new: Version) -> Diff:
        """The diff between two versions of the entry's file (cached by blob ids)."""
        repo = self.require()
        ladder = self._ladder_for(entry)

        def make() -> Diff:
            limit = _max_bytes(entry.kind)
            return diff_blobs(entry.kind, self.path_of(entry), repo.read_blob(old.blob, limit),
                              repo.read_blob(new.blob, limit), ladder=ladder)

        return self._diffs.get((old.blob, new.blob), make)

    def changes(self, entry: Entry, *, offset: int = 0, limit: int = 20,
                summaries: bool = True) -> tuple[int, list[dict[str, Any]]]:
        """``(total, page)``: the commits that changed the file, newest first, with summaries."""
        versions = self.log(entry)
        page = []
        for i in range(offset, min(offset + limit, len(versions))):
            v = versions[i]
            prev = versions[i + 1] if i + 1 < len(versions) else None
            item = {**v.commit.as_dict(), "blob": v.blob, "previous": prev.commit.id
                    if prev else None, "summary": None}
            if summaries and prev is not None and prev.blob != v.blob:
                try:
                    d = self.diff(entry, prev, v)
                    item["summary"] = {k: n for k, n in d.by_category().items() if n}
                except InputError:
                    item["summary"] = None  # a broken version: listed, not summarised
            elif summaries and prev is not None:
                item["summary"] = {}
            page.append(item)
        return len(versions), page

    def headcount(self, entry: Entry) -> list[dict[str, Any]]:
        """People in all and per department after each commit that changed an org, oldest first."""
        repo = self.require()
        out = []
        for v in reversed(self.log(entry)):
            def count(v=v) -> tuple[int, Counter]:
                try:
                    data = repo.read_blob(v.blob, _max_bytes("org"))
                    return _count_people(entry.path.name, data)
                except (RevisionError, InputError, ValueError):
                    return 0, Counter()
            total, depts = self._counts.get(v.blob, count)
            out.append({"date": v.commit.time, "commit": v.commit.short, "people": total,
                        "departments": dict(depts)})
        return out


def _count_people(name: str, data: bytes) -> tuple[int, Counter]:
    """How many people a people file holds, in all and per department (vacancies excluded)."""
    if name.endswith(".csv"):
        from orgpath.diff import _Rows

        rows = _Rows(data.decode("utf-8-sig"), name)
        i_dept, i_vac = rows.col.get("department"), rows.col.get("vacant")
        depts: Counter = Counter()
        total = 0
        for row in rows.rows.values():
            if i_vac is not None and i_vac < len(row) and \
                    row[i_vac].strip().casefold() in ("true", "yes", "y", "1", "x", "ja"):
                continue
            total += 1
            dept = row[i_dept].strip() if i_dept is not None and i_dept < len(row) else ""
            depts[dept or "—"] += 1
        return total, depts
    org = load_blob("org", name, data)
    people = [p for p in org.people if not p.vacant]
    return len(people), Counter(p.department or "—" for p in people)


_HISTORIES: weakref.WeakKeyDictionary[Store, History] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def history_for(store: Store) -> History:
    """The one :class:`History` of ``store`` (made on first use)."""
    with _LOCK:
        h = _HISTORIES.get(store)
        if h is None:
            h = _HISTORIES[store] = History(store)
        return h


def entry_as_of(store: Store, kind: str, ident: str, date: str | dt.date) -> Entry:
    """The store entry ``kind``/``ident`` as it was at the end of ``date`` (``YYYY-MM-DD``).

    Raises :class:`~orgpath.store.NotFound` for an unknown id,
    :class:`~orgpath.gitrepo.NoRepository` without git and
    :class:`~orgpath.gitrepo.RevisionError` for a bad date or a file that did not
    exist yet. The answer is cached by blob id.
    """
    day = date if isinstance(date, dt.date) else gitrepo.parse_date(date)
    current = store.entry(kind, ident)
    return history_for(store).entry_at(current, day.isoformat())
