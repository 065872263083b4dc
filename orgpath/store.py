"""The graphs folder: every ladder and org in it, re-read when a file changes.

A file that fails to load never replaces the last good version of it: the
old one keeps being served and the new file's diagnostics are kept for
:meth:`Store.health`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from orgpath import ladderfile
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.graph import ladder_graph
from orgpath.model import Ladder, Org
from orgpath.queries import nearest

log = logging.getLogger(__name__)

DEFAULT_LADDER = "account-management"
ORG_SUFFIXES = (".csv", ".people.json")
MANIFEST_SUFFIX = ".org.yaml"


class NotFound(LookupError):
    """No ladder or org of that id; ``suggestions`` are close ids."""

    def __init__(self, what: str, ident: str, suggestions: list[str],
                 broken: list[str] | None = None):
        self.what, self.ident, self.suggestions = what, ident, suggestions
        self.broken = broken or []  # names of files of that kind that failed to load
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        if broken:
            hint += (f"; {', '.join(broken)} failed to load: "
                     "run `orgpath validate` to see why")
        super().__init__(f"no {what} {ident!r}{hint}")


@dataclass
class Entry:
    """One file of the folder and what it last gave."""

    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size) of the last read
    kind: str  # "ladder" or "org"
    id: str | None = None
    value: Any = None  # the last good Ladder or Org
    graph: nx.Graph | None = None
    version: str = ""  # content hash of the last good version, for ETags
    diagnostics: list[Diagnostic] = field(default_factory=list)  # of the last read
    failed: bool = False  # the last read had errors (value is older, or None)
    loaded_at: float = 0.0


def _kind(path: Path) -> str | None:
    return _kind_of_name(path.name)


def _kind_of_name(name: str) -> str | None:
    if name.startswith(".") or name.endswith(MANIFEST_SUFFIX):
        return None
    if name.endswith(ORG_SUFFIXES):
        return "org"
    if name.endswith(ladderfile.SUFFIXES):
        return "ladder"
    return None


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    manifest = _manifest_path(path)
    if manifest is not None and manifest.exists():
        mst = manifest.stat()
        stamp = (max(stamp[0], mst.st_mtime_ns), stamp[1] + mst.st_size)
    return stamp


def _manifest_path(path: Path) -> Path | None:
    for suffix in ORG_SUFFIXES:
        if path.name.endswith(suffix):
            return path.with_name(path.name[: -len(suffix)] + MANIFEST_SUFFIX)
    return None


def _digest(*paths: Path | None) -> str:
    h = hashlib.blake2b(digest_size=12)
    for p in paths:
        if p is not None and p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


class Store:
    """All ladders and orgs of one folder, reloaded when their files change.

    >>> from orgpath.resources import default_graphs_dir
    >>> store = Store(default_graphs_dir())
    >>> "account-management" in store.ladder_ids()
    True
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._entries: dict[Path, Entry] = {}
        self._lock = threading.Lock()
        self._scanned_at = 0.0
        self._good_cache: dict[str, dict[str, Entry]] = {}  # emptied when anything changes
        self._listed_mtime: int | None = None  # the folder's mtime when it was last listed
        self._manifests: dict[Path, str | None] = {}  # org file → its manifest's path

    # --- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the files that changed since the last call (cheap when none did)."""
        with self._lock:
            # The common case, kept cheap: the folder's own mtime says no file was added,
            # removed or renamed, and one stat per file says none was edited.
            try:
                dir_mtime = os.stat(self.folder).st_mtime_ns
            except OSError:
                dir_mtime = None
            if dir_mtime is not None and dir_mtime == self._listed_mtime \
                    and self._stamps_unchanged():
                self._scanned_at = time.time()
                return
            try:
                with os.scandir(self.folder) as listing:
                    found = [(e.name, e.path) for e in listing if e.is_file()]
            except OSError as exc:
                log.error("cannot read the graphs folder %s: %s", self.folder, exc.strerror)
                found = []
            # Trust the folder's mtime next time only once it is clearly older than this
            # listing: a file added within the same clock tick could leave it unchanged.
            settled = dir_mtime is not None and time.time_ns() - dir_mtime > 2_000_000_000
            self._listed_mtime = dir_mtime if settled else None
            if self._unchanged(found):
                self._scanned_at = time.time()
                return
            self._good_cache = {}
            paths = {Path(p) for _, p in found}
            for gone in set(self._entries) - paths:
                del self._entries[gone]
            wanted = sorted((p for p in paths if _kind(p)), key=lambda p: (_kind(p) != "ladder", p))
            for path in wanted:
                try:
                    stamp = _stamp(path)
                except OSError:
                    continue
                entry = self._entries.get(path)
                if entry is not None and entry.stamp == stamp:
                    continue
                if entry is None:
                    entry = self._entries[path] = Entry(path, stamp, _kind(path))
                entry.stamp = stamp
                self._load(entry)
            self._scanned_at = time.time()

    def _unchanged(self, found: list[tuple[str, str]]) -> bool:
        """Whether the folder holds exactly the files last read, each with the same stamp."""
        wanted = {name for name, _ in found if _kind_of_name(name)}
        if len(wanted) != len(self._entries):
            return False
        if any(entry.path.name not in wanted for entry in self._entries.values()):
            return False
        return self._stamps_unchanged()

    def _stamps_unchanged(self) -> bool:
        """Whether every file read (and an org's manifest) still has the stamp it was read with."""
        for entry in self._entries.values():
            try:
                st = os.stat(entry.path)
            except OSError:
                return False
            stamp = (st.st_mtime_ns, st.st_size)
            if entry.kind == "org":  # as _stamp(): the manifest beside it counts too
                manifest = self._manifests.get(entry.path, "")
                if manifest == "":
                    m = _manifest_path(entry.path)
                    manifest = self._manifests[entry.path] = str(m) if m else None
                if manifest is not None:
                    try:
                        mst = os.stat(manifest)
                        stamp = (max(stamp[0], mst.st_mtime_ns), stamp[1] + mst.st_size)
                    except FileNotFoundError:
                        pass
                    except OSError:
                        return False
            if stamp != entry.stamp:
                return False
        return True

    def _load(self, entry: Entry) -> None:
        if entry.kind == "ladder":
            value, diags = ladderfile.read_ladder(entry.path)
            if value is not None:
                clash = self._owner("ladder", value.id, entry.path)
                if clash is not None:
                    diags = [*diags, Diagnostic(
                        str(entry.path), 1, 1, ERROR,
                        f"ladder id '{value.id}' is already used by {clash.path.name}")]
                    value = None
            graph = ladder_graph(value) if value is not None else None
        else:
            from orgpath.org import org_graph  # the people half of the store
            from orgpath.peoplefile import read_org

            value, diags = read_org(entry.path, self._org_ladder(entry.path))
            graph = org_graph(value) if value is not None else None
        entry.diagnostics = diags
        if value is None:
            entry.failed = True
            for d in diags:
                if d.severity == ERROR:
                    log.error("%s", d)
            if entry.value is not None:
                log.error("%s: keeping the last good version", entry.path)
            return
        entry.failed = False
        entry.value, entry.graph, entry.id = value, graph, value.id
        entry.version = _digest(entry.path, _manifest_path(entry.path))
        entry.loaded_at = time.time()

    def _owner(self, kind: str, ident: str, path: Path) -> Entry | None:
        for e in self._entries.values():
            if e.kind == kind and e.id == ident and e.path != path and e.value is not None:
                return e
        return None

    def _org_ladder(self, path: Path) -> nx.MultiDiGraph | None:
        """The ladder graph an org's roles come from (its manifest's ``ladder``)."""
        from orgpath.peoplefile import load_manifest

        manifest = _manifest_path(path)
        wanted = None
        if manifest is not None and manifest.exists():
            wanted = (load_manifest(manifest) or {}).get("ladder")
        ladders = {e.id: e for e in self._entries.values() if e.kind == "ladder" and e.value}
        if wanted is None and len(ladders) == 1:
            wanted = next(iter(ladders))
        entry = ladders.get(wanted) if wanted else None
        return entry.graph if entry else None

    # --- reading --------------------------------------------------------------------

    def _good(self, kind: str) -> dict[str, Entry]:
        self.refresh()
        good = self._good_cache.get(kind)
        if good is None:
            good = {e.id: e for e in sorted(self._entries.values(), key=lambda e: e.path)
                    if e.kind == kind and e.value is not None}
            self._good_cache[kind] = good
        return good

    def ladder_ids(self) -> list[str]:
        """Ids of the ladders that loaded."""
        return sorted(self._good("ladder"))

    def ladders(self) -> list[Ladder]:
        """Every ladder that loaded, by id."""
        good = self._good("ladder")
        return [good[k].value for k in sorted(good)]

    def entry(self, kind: str, ident: str) -> Entry:
        """The file entry of a ladder or org; raises :class:`NotFound`."""
        good = self._good(kind)
        if ident not in good:
            broken = [e.path.name for e in self._entries.values() if e.kind == kind and e.failed]
            raise NotFound(kind, ident, nearest(good, ident), broken)
        return good[ident]

    def ladder(self, ident: str) -> Ladder:
        return self.entry("ladder", ident).value

    def graph(self, ident: str) -> nx.MultiDiGraph:
        """The ladder graph of ``ident`` (see :mod:`orgpath.graph`)."""
        return self.entry("ladder", ident).graph

    def default_ladder_id(self) -> str:
        """The only ladder, else ``account-management``, else the first one."""
        ids = self.ladder_ids()
        if len(ids) == 1 or (ids and DEFAULT_LADDER not in ids):
            return ids[0]
        return DEFAULT_LADDER

    def org_ids(self) -> list[str]:
        return sorted(self._good("org"))

    def orgs(self) -> list[Org]:
        good = self._good("org")
        return [good[k].value for k in sorted(good)]

    def org(self, ident: str) -> Org:
        return self.entry("org", ident).value

    def org_graph(self, ident: str) -> nx.DiGraph:
        return self.entry("org", ident).graph

    def health(self) -> dict:
        """What is loaded and what failed: ``{"status", "ladders", "orgs", "errors"}``."""
        self.refresh()
        entries = sorted(self._entries.values(), key=lambda e: e.path)
        problems = [
            {"file": e.path.name, "serving": "last good version" if e.value else "nothing",
             "diagnostics": [d.as_dict() | {"text": str(d)} for d in e.diagnostics
                             if d.severity == ERROR]}
            for e in entries if e.failed
        ]
        return {
            "status": "degraded" if problems else "ok",
            "ladders": [{"id": e.id, "file": e.path.name, "roles": len(e.value.roles)}
                        for e in entries if e.kind == "ladder" and e.value],
            "orgs": [{"id": e.id, "file": e.path.name, "people": len(e.value.people)}
                     for e in entries if e.kind == "org" and e.value],
            "errors": problems,
        }
