"""The graphs folder: every ladder and org in it, re-read when a file changes.

A file that fails to load never replaces the last good version of it: the
old one keeps being served and the new file's diagnostics are kept for
:meth:`Store.health`.

Two ways to use it:

* one-shot (the CLI): every read first calls :meth:`Store.refresh`, which
  loads what changed, now;
* background (the web, ``Store(folder, background=True)``): one loader thread
  per store looks at the folder every ``reload_interval`` seconds and loads new
  or changed files; reads never load, they get the last good version of each
  file until the new one is fully loaded and checked.

A version is taken only when its file was stable across the whole read: its
stamp (mtime, size, inode, ctime; and its manifest's) is the same before and
after the read, and had not changed for ``settle_time`` seconds before it. So a
file rewritten in place is never served half-written. Files and symlinks that
resolve outside the folder are refused unless ``allow_outside_links``; FIFOs,
sockets, devices and directories are skipped, never opened.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from orgpath import ladderfile, settings
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.errors import NotFoundError
from orgpath.graph import ladder_graph
from orgpath.model import Ladder, Org
from orgpath.queries import nearest
from orgpath.safeio import Limits

log = logging.getLogger(__name__)

DEFAULT_LADDER = "account-management"
ORG_SUFFIXES = (".csv", ".people.json", ".scim.json", ".graph.json", ".xlsx")
MANIFEST_SUFFIX = ".org.yaml"

Stamp = tuple[int, int, int, int]  # (mtime_ns, size, inode, ctime_ns)


class NotFound(NotFoundError):
    """No ladder or org of that id; ``suggestions`` are close ids.

    ``broken`` names the files of that kind that failed to load, ``loading``
    those still being loaded for the first time (the id may be in one of them).
    """

    def __init__(self, what: str, ident: str, suggestions: list[str],
                 broken: list[str] | None = None, loading: list[str] | None = None):
        self.broken = broken or []
        self.loading = loading or []
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        if self.broken:
            hint += (f"; {', '.join(self.broken)} failed to load: "
                     "run `orgpath validate` to see why")
        if self.loading:
            hint += f"; {', '.join(self.loading)} still loading: try again shortly"
        super().__init__(what, ident, suggestions, message=f"no {what} {ident!r}{hint}")


@dataclass(frozen=True)
class Entry:
    """One good version of one file: what requests are answered from.

    Never changed once made: a reload makes a new one, so a request that holds
    an entry sees one consistent version (value, graph and ETag version).
    """

    path: Path
    kind: str  # "ladder" or "org"
    id: str
    value: Any  # the Ladder or Org
    graph: nx.Graph
    version: str  # from the files' stamps, for ETags
    diagnostics: tuple[Diagnostic, ...] = ()  # warnings of this version


@dataclass
class _File:
    """The loader's record of one file of the folder (only the loader changes it)."""

    path: Path
    kind: str
    good: Entry | None = None  # the last good version
    stamp: tuple | None = None  # the stamp of the last finished attempt
    diagnostics: list[Diagnostic] = field(default_factory=list)  # of the last attempt
    failed: bool = False  # the last attempt had errors
    refused: str | None = None  # why it is not read at all (outside link, special file)
    seen: tuple | None = None  # the stamp last observed, and when (for settle_time)
    seen_at: float = 0.0
    changing_since: float | None = None  # when it was first found changed but unsettled
    busy: threading.Thread | None = None  # a load that overran load_timeout, still running

    @property
    def loading(self) -> bool:
        """Not loaded yet: no attempt of it has finished."""
        return self.stamp is None and self.refused is None


@dataclass(frozen=True)
class _View:
    """What readers see, swapped in whole by the loader."""

    good: Mapping[str, Mapping[str, Entry]]  # kind → id → entry
    files: tuple[_File, ...]  # sorted by path; copies, safe to read
    loading: tuple[str, ...]  # names of files not loaded yet
    listed: bool  # the folder has been looked at once


_EMPTY = _View({"ladder": {}, "org": {}}, (), (), False)


def _kind_of_name(name: str) -> str | None:
    if name.startswith(".") or name.endswith(MANIFEST_SUFFIX):
        return None
    if name.endswith(ORG_SUFFIXES):
        return "org"
    if name.endswith(ladderfile.SUFFIXES):
        return "ladder"
    return None


def _manifest_path(path: Path) -> Path | None:
    for suffix in ORG_SUFFIXES:
        if path.name.endswith(suffix):
            return path.with_name(path.name[: -len(suffix)] + MANIFEST_SUFFIX)
    return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Refused(Exception):
    """A file is not read: it links outside the folder or is not a regular file."""


def _call_reader(fn: Callable[..., Any], *args: Any, values: Mapping[str, Any]) -> Any:
    """Call a reader with ``limits=`` from the settings ``values``."""
    return fn(*args, limits=Limits.from_settings(dict(values)))


_START_LOCKS: dict[int, threading.Lock] = {}  # by process id
_BACKGROUND: weakref.WeakSet[Store] = weakref.WeakSet()  # the stores with a loader thread


def _loader(ref: weakref.ReferenceType[Store]) -> None:
    """The loader thread: a pass over the folder every ``reload_interval`` seconds."""
    while True:
        store = ref()
        if store is None or store._closed or store._paused:
            return
        interval = store.values["reload_interval"]
        try:
            unsettled = store._pass()
            if unsettled:  # look again as soon as the first of them can have settled
                interval = min(interval, store._until_settled(unsettled))
        except Exception:  # never let the loader die of one bad pass
            log.exception("loading the graphs folder failed; trying again")
        wake = store._wake
        del store  # not kept alive by this frame while it sleeps
        wake.wait(interval)
        wake.clear()


class Store:
    """All ladders and orgs of one folder, reloaded when their files change.

    ``values`` are the settings (``settings.load()`` by default): the loading
    limits, ``reload_interval``, ``settle_time``, ``load_timeout`` and
    ``allow_outside_links``. With ``background=True`` reads never load (see
    the module's docstring); :meth:`start` or the first read starts the loader.
    ``kinds`` limits what is read: the CLI's ladder commands read ladders only.

    >>> from orgpath.resources import default_graphs_dir
    >>> store = Store(default_graphs_dir())
    >>> "account-management" in store.ladder_ids()
    True
    """

    def __init__(self, folder: str | Path, *, values: Mapping[str, Any] | None = None,
                 background: bool = False, kinds: tuple[str, ...] = ("ladder", "org")):
        self.folder = Path(folder)
        self.kinds = frozenset(kinds)
        self.values = dict(settings.load() if values is None else values)
        self.background = background
        self._files: dict[Path, _File] = {}
        self._view = _EMPTY
        self._lock = threading.RLock()  # one pass over the folder at a time
        self._ready = threading.Event()  # set while no file is waiting for its first load
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        self._paused = False  # pause() asked the loader to end (before a fork)
        self._abandon = False  # ...and forks went ahead before it did: keep nothing more
        self._folder_error: str | None = None
        if background:
            _BACKGROUND.add(self)

    # --- the loader thread ----------------------------------------------------------

    def start(self) -> None:
        """Start the loader thread if it is not running in this process (it died, or a fork
        copied the store without it)."""
        pid = os.getpid()
        self._paused = self._abandon = False
        if self._closed or (self._pid == pid and self._thread is not None
                            and self._thread.is_alive()):
            return
        with _START_LOCKS.setdefault(pid, threading.Lock()):  # a lock no fork copied held
            if self._pid not in (0, pid):  # forked (gunicorn --preload): fresh locks
                self._lock, self._wake = threading.RLock(), threading.Event()
                ready, self._ready = self._ready.is_set(), threading.Event()
                if ready:
                    self._ready.set()
            self._pid = pid
            if self._thread is None or not self._thread.is_alive():
                # It holds the store only weakly: it ends when the store is dropped.
                self._thread = threading.Thread(target=_loader, args=(weakref.ref(self),),
                                                name="orgpath-store-loader", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Stop the loader thread (the store keeps serving what it has)."""
        self._closed = True
        self._wake.set()

    def pause(self, timeout: float | None) -> bool:
        """End the loader thread once its current pass is done, waiting up to ``timeout``
        seconds for it; whether it ended. :meth:`start` (or the next read) runs it again.

        For a process about to fork workers that share what it loaded (threads do not
        survive a fork). When the pass is not done in time the caller forks anyway: the
        pass then stops and keeps nothing more (the files it had not finished show as
        loading in the workers, which load them), and later calls do not wait again.
        """
        self._paused = True
        self._wake.set()
        t = self._thread
        if t is None or t is threading.current_thread():
            return True
        t.join(0 if self._abandon else timeout)
        if t.is_alive():
            self._abandon = True
            return False
        return True

    def wait_ready(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds (None: as long as it takes) until no file is waiting
        for its first load."""
        if self.background:
            self.start()
        else:
            self.refresh()
        return self._ready.wait(timeout)

    # --- loading --------------------------------------------------------------------

    def refresh(self) -> None:
        """Load what changed in the folder now, waiting for files being written to settle.

        A file still changing after ``load_timeout`` seconds is reported failed.
        """
        while unsettled := self._pass():
            time.sleep(self._until_settled(unsettled))

    def _pass(self) -> list[_File]:
        """One look at the folder: load every new or changed file that has settled.

        Returns the files that changed but were not read because they had not settled
        (or changed while being read).
        """
        with self._lock:
            listed = self._list()
            changed = not self._view.listed or set(listed) != set(self._files)
            for gone in set(self._files) - set(listed):
                del self._files[gone]
            order = sorted(listed.items(), key=lambda kv: (kv[1] != "ladder", kv[0]))
            for path, kind in order:
                if path not in self._files or self._files[path].kind != kind:
                    self._files[path] = _File(path, kind)
                    changed = True
            if changed:  # new files show as loading at once, removed ones go
                self._publish(listed=True)
            unsettled = []
            for path, _kind in order:
                if self._abandon:  # forked mid-pass: each worker loads the rest itself
                    break
                f = self._files[path]
                outcome = self._attempt(f)
                if outcome == "unsettled":
                    unsettled.append(f)
                elif outcome == "done":
                    self._publish()  # each file is served as soon as it is loaded
            return unsettled

    def _list(self) -> dict[Path, str]:
        try:
            with os.scandir(self.folder) as listing:
                names = [e.name for e in listing]
        except OSError as exc:
            if exc.strerror != self._folder_error:  # once, not on every look
                log.error("cannot read the graphs folder %s: %s", self.folder, exc.strerror)
            self._folder_error = exc.strerror
            return {}
        self._folder_error = None
        return {self.folder / n: k for n in names
                if (k := _kind_of_name(n)) is not None and k in self.kinds}

    def _stat(self, path: Path) -> os.stat_result:
        """``path``'s stat, refusing links out of the folder and anything not a regular file."""
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(path)
            if not self.values["allow_outside_links"] and \
                    not _inside(real, os.path.realpath(self.folder)):
                raise _Refused("it links outside the graphs folder")
            try:
                st = os.stat(path)
            except OSError:
                raise _Refused("it is a broken link") from None
        if stat.S_ISDIR(st.st_mode):
            raise _Refused("it is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("it is not a regular file (a FIFO, socket or device)")
        return st

    def _stamp(self, f: _File) -> tuple:
        """The stamps of a file and of its manifest; raises ``_Refused`` or ``OSError``."""
        st = self._stat(f.path)
        own: Stamp = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
        manifest = _manifest_path(f.path) if f.kind == "org" else None
        mstamp = None
        if manifest is not None and os.path.lexists(manifest):
            try:
                mst = self._stat(manifest)
            except _Refused as exc:
                raise _Refused(f"its manifest {manifest.name}: {exc}") from None
            mstamp = (mst.st_mtime_ns, mst.st_size, mst.st_ino, mst.st_ctime_ns)
        return (own, mstamp)

    def _settled(self, f: _File, stamp: tuple) -> bool:
        """Whether ``stamp`` has been unchanged for ``settle_time`` seconds."""
        settle = self.values["settle_time"]
        if settle <= 0:
            return True
        now = time.monotonic()
        if stamp != f.seen:
            f.seen, f.seen_at = stamp, now
        # ctime cannot be set by users: an old one means nothing touched the inode since.
        newest = max(s[3] for s in stamp if s is not None)
        if time.time_ns() - newest >= settle * 1e9:
            return True
        return now - f.seen_at >= settle

    def _until_settled(self, files: list[_File]) -> float:
        """Seconds until the first of ``files`` has been unchanged for ``settle_time``:
        by its ctime (the same moment in every worker, however late each first saw it),
        or since this process first saw its stamp, whichever comes first."""
        now, wall = time.monotonic(), time.time_ns()
        settle = self.values["settle_time"]

        def left(f: _File) -> float:
            if not f.seen:
                return settle
            newest = max(s[3] for s in f.seen if s is not None)
            return min(f.seen_at + settle - now, settle - (wall - newest) / 1e9)

        return max(0.01, min(left(f) for f in files))

    def _attempt(self, f: _File) -> str:
        """Load ``f`` if it changed: ``unchanged``, ``done`` or ``unsettled`` (try later)."""
        try:
            before = self._stamp(f)
        except _Refused as exc:
            if f.refused == str(exc):
                return "unchanged"
            log.warning("%s: not read: %s", f.path.name, exc)
            f.refused, f.good, f.stamp, f.failed = str(exc), None, None, False
            f.diagnostics = [self._diag(f.path, f"not read: {exc}")]
            return "done"
        except OSError:  # gone between the listing and now
            return "unchanged"
        was_refused, f.refused = f.refused, None
        if before == f.stamp and not was_refused:
            return "unchanged"
        if f.busy is not None and f.busy.is_alive():
            return "unchanged"  # an overrunning load of it still runs: wait for it to end
        if not self._settled(f, before):
            return self._not_yet(f, before)
        too_big = self._too_big(f, before)
        if too_big:
            self._finish(f, before, None, None, [too_big])
            return "done"
        value, graph, diags = self._load(f)
        if self._abandon:  # the workers were forked without it: they read it themselves
            return "unchanged"
        try:
            after = self._stamp(f)
        except (OSError, _Refused):
            after = None
        if after != before:
            f.seen = None  # changed while being read: try again once it settles
            return self._not_yet(f, before)
        if value is not None and f.kind == "ladder":
            clash = self._owner("ladder", value.id, f.path)
            if clash is not None:
                diags = [*diags, Diagnostic(
                    str(f.path), 1, 1, ERROR,
                    f"ladder id '{value.id}' is already used by {clash.path.name}")]
                value = graph = None
        self._finish(f, before, value, graph, diags)
        return "done"

    def _not_yet(self, f: _File, stamp: tuple) -> str:
        """``unsettled``, or ``done`` with ``f`` failed once it kept changing for too long."""
        now = time.monotonic()
        if f.changing_since is None:
            f.changing_since = now
        if now - f.changing_since < self.values["load_timeout"]:
            return "unsettled"
        self._finish(f, ("kept changing", stamp), None, None, [self._diag(
            f.path, f"the file kept changing for {self.values['load_timeout']:g} s "
            "(setting load_timeout); not read")])  # a stamp no file has: read it once settled
        return "done"

    def _too_big(self, f: _File, stamp: tuple) -> Diagnostic | None:
        own, mstamp = stamp
        limit_name = "max_ladder_bytes" if f.kind == "ladder" else "max_people_bytes"
        checks = [(f.path, own[1], limit_name)]
        if mstamp is not None:
            checks.append((_manifest_path(f.path), mstamp[1], "max_manifest_bytes"))
        for path, size, name in checks:
            if size > self.values[name]:
                return self._diag(path, f"the file is {size:,} bytes; the limit is "
                                  f"{self.values[name]:,} (setting {name})")
        return None

    def _load(self, f: _File) -> tuple[Any, Any, list[Diagnostic]]:
        """Run the reader in a thread of its own, so that ``load_timeout`` can end the wait."""
        box: dict[str, Any] = {}
        ladders = {g.id: g.graph for g in self._view.good["ladder"].values()}
        ladders.update({x.good.id: x.good.graph for x in self._files.values()
                        if x.kind == "ladder" and x.good is not None})

        def work() -> None:
            try:
                box["result"] = self._read(f, ladders)
            except Exception as exc:  # RecursionError, MemoryError, a reader's bug
                box["error"] = exc

        t = threading.Thread(target=work, name=f"orgpath-load-{f.path.name}", daemon=True)
        t.start()
        t.join(self.values["load_timeout"])
        if t.is_alive():
            f.busy = t
            return None, None, [self._diag(f.path, "loading took longer than "
                                           f"{self.values['load_timeout']:g} s "
                                           "(setting load_timeout); given up")]
        f.busy = None
        if "error" in box:
            exc = box["error"]
            log.error("%s: the reader raised %s", f.path, type(exc).__name__,
                      exc_info=not isinstance(exc, RecursionError | MemoryError))
            what = {RecursionError: "the file is nested too deeply",
                    MemoryError: "the file needs too much memory"}.get(type(exc))
            return None, None, [self._diag(f.path, what or "the file could not be read "
                                           f"({type(exc).__name__})")]
        return box["result"]

    def _read(self, f: _File, ladders: dict[str, nx.MultiDiGraph]
              ) -> tuple[Any, Any, list[Diagnostic]]:
        """Read one file (in the load thread: touches nothing of the store)."""
        if f.kind == "ladder":
            value, diags = _call_reader(ladderfile.read_ladder, f.path, values=self.values)
            return value, (ladder_graph(value) if value is not None else None), diags
        from orgpath.org import org_graph  # the people half of the store
        from orgpath.peoplefile import read_org

        value, diags = _call_reader(read_org, f.path, self._org_ladder(f.path, ladders),
                                    values=self.values)
        return value, (org_graph(value) if value is not None else None), diags

    def _finish(self, f: _File, stamp: tuple, value: Any, graph: Any,
                diags: list[Diagnostic]) -> None:
        f.stamp, f.diagnostics, f.changing_since = stamp, list(diags), None
        if value is None:
            f.failed = True
            for d in diags:
                if d.severity == ERROR:
                    log.error("%s", d)
            if f.good is not None:
                log.error("%s: keeping the last good version", f.path)
            return
        f.failed = False
        # The same in every worker (a stamp, not a per-process hash), new with any change.
        version = hashlib.blake2b(repr((f.path.name, stamp)).encode(),
                                  digest_size=12).hexdigest()
        f.good = Entry(f.path, f.kind, value.id, value, graph, version, tuple(diags))

    def _diag(self, path: Path, message: str) -> Diagnostic:
        return Diagnostic(str(path), None, None, ERROR, message)

    def _owner(self, kind: str, ident: str, path: Path) -> Entry | None:
        for f in self._files.values():
            if f.kind == kind and f.good is not None and f.good.id == ident and f.path != path:
                return f.good
        return None

    def _org_ladder(self, path: Path, ladders: dict[str, nx.MultiDiGraph]
                    ) -> nx.MultiDiGraph | None:
        """The ladder graph an org's roles come from (its manifest's ``ladder``)."""
        from orgpath.peoplefile import read_manifest

        manifest = _manifest_path(path)
        wanted = None
        if manifest is not None and manifest.exists():
            data, _ = _call_reader(read_manifest, manifest, values=self.values)
            wanted = (data or {}).get("ladder")
        if wanted is None and len(ladders) == 1:
            wanted = next(iter(ladders))
        return ladders.get(wanted) if wanted else None

    def _publish(self, listed: bool | None = None) -> None:
        """Swap in a new view of the good entries (readers never see a half-made one)."""
        good: dict[str, dict[str, Entry]] = {"ladder": {}, "org": {}}
        files = sorted(self._files.values(), key=lambda f: f.path)
        for f in files:
            if f.good is not None:
                good[f.kind].setdefault(f.good.id, f.good)
        copies = tuple(_File(f.path, f.kind, f.good, f.stamp, list(f.diagnostics), f.failed,
                             f.refused) for f in files)
        loading = tuple(f.path.name for f in files if f.loading)
        self._view = _View(good, copies, loading,
                           self._view.listed if listed is None else listed)
        if self._view.listed and not loading:
            self._ready.set()
        else:
            self._ready.clear()

    # --- reading --------------------------------------------------------------------

    def _current(self) -> _View:
        if self.background:
            self.start()
        else:
            self.refresh()
        return self._view

    def ladder_ids(self) -> list[str]:
        """Ids of the ladders that loaded."""
        return sorted(self._current().good["ladder"])

    def ladders(self) -> list[Ladder]:
        """Every ladder that loaded, by id."""
        good = self._current().good["ladder"]
        return [good[k].value for k in sorted(good)]

    def entry(self, kind: str, ident: str) -> Entry:
        """The last good version of a ladder or org; raises :class:`NotFound`."""
        view = self._current()
        good = view.good[kind]
        if ident not in good:
            files = [f for f in view.files if f.kind == kind]
            broken = [f.path.name for f in files if f.failed]
            loading = [f.path.name for f in files if f.loading]
            raise NotFound(kind, ident, nearest(good, ident), broken, loading)
        return good[ident]

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
        """Ids of the orgs that loaded."""
        return sorted(self._current().good["org"])

    def orgs(self) -> list[Org]:
        """Every org that loaded, by id."""
        good = self._current().good["org"]
        return [good[k].value for k in sorted(good)]

    def health(self, details: bool = True) -> dict:
        """What is loaded, loading and failed: ``{"status", "ladders", "orgs", "errors"}``.

        ``status`` is ``loading`` while a file waits for its first load (then a
        ``loading`` list names them), ``degraded`` when a file failed or was
        refused, else ``ok``. File names are relative to the folder. Without
        ``details`` a diagnostic gives only its file and line (its message can
        quote the file); with them, the message too.
        """
        view = self._current()
        problems = []
        for f in view.files:
            if not (f.failed or f.refused):
                continue
            errors = [d for d in f.diagnostics if d.severity == ERROR]
            problems.append({
                "file": f.path.name,
                "serving": "last good version" if f.good else "nothing",
                "diagnostics": [self._public_diag(d, details, f.refused) for d in errors],
            })
        out: dict[str, Any] = {
            "status": "loading" if view.loading else "degraded" if problems else "ok",
            "ladders": [{"id": f.good.id, "file": f.path.name, "roles": len(f.good.value.roles)}
                        for f in view.files if f.kind == "ladder" and f.good],
            "orgs": [{"id": f.good.id, "file": f.path.name,
                      "people": len(f.good.value.people)}
                     for f in view.files if f.kind == "org" and f.good],
            "errors": problems,
        }
        if view.loading:
            out["loading"] = list(view.loading)
        return out

    def _relative(self, name: str) -> str:
        """A diagnostic's file name relative to the folder (never an absolute path)."""
        try:
            return Path(name).relative_to(self.folder).as_posix()
        except ValueError:
            return Path(name).name

    def _public_diag(self, d: Diagnostic, details: bool, refused: str | None) -> dict:
        rel = self._relative(d.file)
        where = rel if d.line is None else f"{rel}:{d.line}"
        if details or refused:  # a refusal's reason is ours, not the file's text
            return {"file": rel, "line": d.line, "col": d.col, "severity": d.severity,
                    "message": d.message, "text": f"{where}: {d.severity}: {d.message}"}
        return {"file": rel, "line": d.line, "text": f"{where}: {d.severity}"}


def before_fork(timeout: float | None,
                prepare: Callable[[Entry], None] | None = None) -> bool:
    """Pause the loader thread of every background store of this process (see
    :meth:`Store.pause`), as gunicorn's master does before it forks preloaded workers;
    whether all of them ended within ``timeout`` seconds (each).

    ``prepare`` is then called with each loaded entry of the stores whose loader ended
    (to build, once, what the workers will share).
    """
    ended = True
    for s in list(_BACKGROUND):
        if not s.pause(timeout):
            ended = False
            continue
        if prepare is not None:
            for f in list(s._files.values()):
                if f.good is not None:
                    prepare(f.good)
    return ended


def after_fork() -> None:
    """In a forked worker: run the loader thread of every background store again, so the
    worker reloads changed files into its own memory."""
    for s in list(_BACKGROUND):
        s.start()
