"""Export jobs: heavy org exports drawn away from the request, on two backends.

One interface, :class:`Jobs`: :meth:`~Jobs.submit` an :class:`ExportSpec`,
read its :meth:`~Jobs.status` (state, progress, error) and, once it succeeded,
its :meth:`~Jobs.result` (the file's bytes).

* **Embedded** (``redis_url`` empty, the default): a thread pool in the server
  process (``job_threads``); states and results are files in ``jobs_folder``,
  so every gunicorn worker of one server sees every job.
* **RQ** (``redis_url`` set): states live in Redis and the drawing runs on
  ``orgpath worker`` processes (RQ workers), on as many machines as needed.
  Results go to ``jobs_folder`` (a folder every replica and worker mounts) or
  to Redis (``job_results``).

A running job writes a heartbeat every few seconds. A job whose heartbeat is
older than ``job_heartbeat`` seconds lost its worker (killed, machine gone):
whoever looks next (a status request, or any worker's sweep) runs it again,
up to ``job_retries`` times, else marks it failed with a message that says so.
A job nobody takes within ``job_timeout`` seconds fails the same way, so no
job ever hangs. Job ids are random (``secrets``): knowing one is the right to
download the export.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orgpath import metrics, settings
from orgpath.text import download_name

log = logging.getLogger("orgpath.jobs")

QUEUE = "orgpath-exports"
_REDIS_PREFIX = "orgpath:job:"
_ACTIVE = "orgpath:jobs:active"
FINAL = ("succeeded", "failed")
#: How far each drawing stage (``progress`` callbacks of the writers) has come, in percent.
STAGES = {"queued": 0, "load": 5, "layout": 15, "dot": 35, "draw": 50, "write": 90,
          "done": 100}


class JobError(ValueError):
    """A job request that cannot be accepted; the message names the field."""


@dataclass(frozen=True)
class ExportSpec:
    """What to export: the org, the view, the format, the paper (and its orientation), who asks.

    ``paper`` and ``orientation`` are for the paged PDF only (``None``: a4, landscape).
    """

    org: str
    fmt: str
    root: str | None = None
    depth: int | None = None
    around: str | None = None
    compact: bool = False
    pages: bool = False
    paper: str | None = None
    lang: str = "en"
    audience: str = ""
    orientation: str | None = None

    def filename(self) -> str:
        """The download name, as the chart's own (org, view, person, depth, paper,
        language): ``agency-org-pages-letter-da.pdf``."""
        depth = f"d{self.depth}" if self.depth is not None and not self.pages else None
        return download_name(self.org, "org", "pages" if self.pages else None,
                             self.around or self.root, depth, self.paper,
                             self.orientation, self.lang, fmt=self.fmt)

    def key(self, version: str) -> tuple:
        """The cache-style key of this export of the file ``version`` (same in every process)."""
        return ("export", version, self.org, self.fmt, self.root, self.depth, self.around,
                self.compact, self.pages, self.paper, self.orientation, self.lang,
                self.audience)


# --- where states and results are kept ------------------------------------------------------


class FolderStates:
    """Job states as JSON files in a folder (every process of one machine, or a shared mount)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.folder / ".lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def get(self, job_id: str) -> dict | None:
        try:
            return json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def put(self, state: dict) -> None:
        with self._locked():
            _atomic_write(self._path(state["id"]), json.dumps(state).encode("utf-8"))

    def update(self, job_id: str, expect: Mapping[str, Any] | None = None,
               **fields: Any) -> bool:
        """Change fields of a job; with ``expect``, only if those fields still hold (else False)."""
        with self._locked():
            state = self.get(job_id)
            if state is None or any(state.get(k) != v for k, v in (expect or {}).items()):
                return False
            state.update(fields)
            _atomic_write(self._path(job_id), json.dumps(state).encode("utf-8"))
            return True

    def active(self) -> list[str]:
        out = []
        for p in self.folder.glob("*.json"):
            state = self.get(p.stem)
            if state is not None and state["state"] not in FINAL:
                out.append(p.stem)
        return out

    def finished(self) -> dict[str, int]:
        """Kept jobs that succeeded and failed."""
        out = {"succeeded": 0, "failed": 0}
        for p in self.folder.glob("*.json"):
            state = self.get(p.stem)
            if state is not None and state["state"] in out:
                out[state["state"]] += 1
        return out

    def forget_old(self, ttl: float) -> None:
        """Delete states and results untouched for ``ttl`` seconds."""
        cutoff = time.time() - ttl
        for p in self.folder.glob("*.*"):
            with contextlib.suppress(OSError):
                if p.name != ".lock" and p.stat().st_mtime < cutoff:
                    p.unlink()


class RedisStates:
    """Job states in Redis (shared by every replica and worker), each kept ``ttl`` seconds."""

    def __init__(self, conn: Any, ttl: int):
        self.conn, self.ttl = conn, ttl

    def get(self, job_id: str) -> dict | None:
        raw = self.conn.get(_REDIS_PREFIX + job_id)
        return json.loads(raw) if raw else None

    def put(self, state: dict) -> None:
        self.conn.set(_REDIS_PREFIX + state["id"], json.dumps(state), ex=self.ttl)
        self.conn.sadd(_ACTIVE, state["id"])

    def update(self, job_id: str, expect: Mapping[str, Any] | None = None,
               **fields: Any) -> bool:
        import redis

        key = _REDIS_PREFIX + job_id
        with self.conn.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    state = json.loads(raw) if raw else None
                    if state is None or any(state.get(k) != v
                                            for k, v in (expect or {}).items()):
                        pipe.unwatch()
                        return False
                    state.update(fields)
                    pipe.multi()
                    pipe.set(key, json.dumps(state), ex=self.ttl)
                    if state["state"] in FINAL:
                        pipe.srem(_ACTIVE, job_id)
                        if fields.get("state") in FINAL:
                            pipe.incr(f"orgpath:jobs:{fields['state']}")
                    pipe.execute()
                    return True
                except redis.WatchError:
                    continue

    def active(self) -> list[str]:
        ids = [i.decode() if isinstance(i, bytes) else i for i in self.conn.smembers(_ACTIVE)]
        gone = [i for i in ids if not self.conn.exists(_REDIS_PREFIX + i)]
        if gone:
            self.conn.srem(_ACTIVE, *gone)
        return [i for i in ids if i not in gone]

    def finished(self) -> dict[str, int]:
        """Jobs that succeeded and failed since Redis started."""
        return {k: int(self.conn.get(f"orgpath:jobs:{k}") or 0)
                for k in ("succeeded", "failed")}

    def forget_old(self, ttl: float) -> None:
        """Redis forgets by itself (every key has a TTL)."""


class FolderResults:
    """Finished exports as files ``<id>.result`` (written whole, then renamed into place)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def put(self, job_id: str, body: bytes) -> None:
        _atomic_write(self.folder / f"{job_id}.result", body)

    def get(self, job_id: str) -> bytes | None:
        try:
            return (self.folder / f"{job_id}.result").read_bytes()
        except FileNotFoundError:
            return None


class RedisResults:
    """Finished exports as Redis values, each kept ``ttl`` seconds."""

    def __init__(self, conn: Any, ttl: int):
        self.conn, self.ttl = conn, ttl

    def put(self, job_id: str, body: bytes) -> None:
        self.conn.set(_REDIS_PREFIX + job_id + ":result", body, ex=self.ttl)

    def get(self, job_id: str) -> bytes | None:
        return self.conn.get(_REDIS_PREFIX + job_id + ":result")


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- drawing one export ------------------------------------------------------------------


def draw_export(store: Any, spec: ExportSpec, values: Mapping[str, Any],
                progress: Callable[[str], None]) -> tuple[bytes, str]:
    """``(bytes, version)`` of the export ``spec`` drawn from ``store`` (a :class:`Store`).

    ``values`` are the settings (lower-case names); Graphviz may run for
    ``job_timeout`` seconds. Raises the writers' own errors
    (:class:`~orgpath.render.orgchart.ChartError`, ``RenderError``, ``LookupError``).
    """
    from orgpath.audience import EVERYTHING, audience_from_text, org_view
    from orgpath.org import org_graph
    from orgpath.render.graphviz import runner_from_settings
    from orgpath.render.orgchart import org_chart
    from orgpath.render.paged import paged_pdf

    progress("load")
    entry = store.entry("org", spec.org)
    # The export shows what the person who asked may see: the web sets spec.audience to
    # its asker's; a job submitted from Python or the CLI (no audience) shows everything,
    # as `orgpath export` does for whoever has the files.
    asker = audience_from_text(spec.audience) if spec.audience else EVERYTHING
    view = org_view(entry.value, asker)
    if view is None:
        raise LookupError(f"no org {spec.org!r}")
    graph = entry.graph if view is entry.value else org_graph(view)
    ladder = None
    if entry.value.ladder:
        with contextlib.suppress(LookupError):
            ladder = store.entry("ladder", entry.value.ladder)
    LG = ladder.graph if ladder is not None else None
    runner = runner_from_settings({**values, "graphviz_timeout": values["job_timeout"]})
    if spec.pages:
        body = paged_pdf(graph, root=spec.root, lang=spec.lang, ladder_graph=LG,
                         max_pages=int(values["max_job_pages"]), progress=progress,
                         runner=runner, paper=spec.paper, orientation=spec.orientation)
    else:
        body = org_chart(graph, spec.fmt, root=spec.root, depth=spec.depth,
                         neighbourhood=spec.around, compact=spec.compact, lang=spec.lang,
                         ladder_graph=LG, max_nodes=int(values["max_org_people"]),
                         progress=progress, runner=runner)
    return body, entry.version


# --- the jobs ------------------------------------------------------------------------------


class Jobs:
    """Submit exports, follow them, fetch their results; the backend comes from the settings.

    ``values`` are the settings (lower-case names, as :func:`orgpath.settings.load`
    gives); ``store`` is the :class:`~orgpath.store.Store` the embedded pool
    draws from (workers make their own from the ``graphs`` setting).
    """

    def __init__(self, values: Mapping[str, Any], store: Any = None):
        self.values = dict(values)
        self.store = store
        self.redis_url = self.values["redis_url"]
        self.heartbeat = float(self.values["job_heartbeat"])
        self.timeout = float(self.values["job_timeout"])
        self.retries = int(self.values["job_retries"])
        ttl = int(self.values["job_result_ttl"])
        folder = self.values["jobs_folder"]
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="orgpath-jobs-"))
        self.values["jobs_folder"] = str(self.folder)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        if self.redis_url:
            import redis

            self.conn = redis.Redis.from_url(self.redis_url, socket_connect_timeout=5)
            self.states: FolderStates | RedisStates = RedisStates(
                self.conn, max(ttl, int(self.timeout) * 2))
        else:
            if self.values["job_results"] == "redis":
                raise settings.SettingError("setting job_results: redis needs redis_url")
            self.conn = None
            self.states = FolderStates(self.folder)
            self.states.forget_old(ttl)
        self.results: FolderResults | RedisResults = (
            RedisResults(self.conn, ttl) if self.values["job_results"] == "redis"
            else FolderResults(self.folder))

    @property
    def backend(self) -> str:
        """``rq`` or ``threads``."""
        return "rq" if self.redis_url else "threads"

    # -- the web side

    def submit(self, spec: ExportSpec) -> str:
        """Queue ``spec``; its new random job id."""
        job_id = secrets.token_urlsafe(18)
        now = time.time()
        self.states.put({"id": job_id, "spec": asdict(spec), "state": "queued", "stage":
                         "queued", "progress": 0, "attempts": 1, "error": None,
                         "created": now, "heartbeat": now, "finished": None, "size": None,
                         "version": None, "note": None, "worker": None})
        metrics.job_event("queued")
        self._dispatch(job_id, 1)
        return job_id

    def status(self, job_id: str) -> dict | None:
        """The job's state (after recovering it if its worker died), or None if unknown."""
        state = self.states.get(job_id)
        if state is not None and state["state"] not in FINAL and self._recover(state):
            state = self.states.get(job_id)
        return state

    def result(self, job_id: str) -> bytes | None:
        """The finished export's bytes, or None."""
        state = self.states.get(job_id)
        if state is None or state["state"] != "succeeded":
            return None
        return self.results.get(job_id)

    def counts(self) -> dict[str, int]:
        """Jobs queued and running now, and jobs succeeded and failed (kept ones, or totals)."""
        out = {"queued": 0, "running": 0, "succeeded": 0, "failed": 0}
        for job_id in self.states.active():
            state = self.states.get(job_id)
            if state is not None and state["state"] in out:
                out[state["state"]] += 1
        out.update(self.states.finished())
        return out

    def sweep(self) -> int:
        """Recover every active job whose worker died; how many were retried or failed."""
        n = 0
        for job_id in self.states.active():
            state = self.states.get(job_id)
            if state is not None and state["state"] not in FINAL and self._recover(state):
                n += 1
        return n

    # -- retries and failures of lost jobs

    def _recover(self, state: dict) -> bool:
        now = time.time()
        attempt = state["attempts"]
        if state["state"] == "queued":
            if now - state["created"] <= self.timeout:
                return False
            why = (f"no worker took this export within {self.timeout:g} s (job_timeout); "
                   "is `orgpath worker` running?" if self.backend == "rq" else
                   f"the server did not start this export within {self.timeout:g} s")
            return self._fail(state, why)
        if now - state["heartbeat"] <= self.heartbeat:
            return False
        if attempt <= self.retries:
            note = (f"the worker drawing this export stopped (no heartbeat for "
                    f"{self.heartbeat:g} s); running it again (attempt {attempt + 1} of "
                    f"{self.retries + 1})")
            if self.states.update(state["id"], expect={"attempts": attempt, "state": "running"},
                                  state="queued", stage="queued", progress=0,
                                  attempts=attempt + 1, heartbeat=now, created=now, note=note):
                log.warning("job %s: %s", state["id"], note)
                metrics.job_event("retried")
                self._dispatch(state["id"], attempt + 1)
                return True
            return False
        return self._fail(state, f"the worker drawing this export stopped (no heartbeat for "
                                 f"{self.heartbeat:g} s) on each of {attempt} attempts; "
                                 "it was not run again")

    def _fail(self, state: dict, why: str) -> bool:
        ok = self.states.update(state["id"], expect={"attempts": state["attempts"],
                                                     "state": state["state"]},
                                state="failed", error=why, finished=time.time())
        if ok:
            log.warning("job %s failed: %s", state["id"], why)
            metrics.job_event("failed")
        return ok

    # -- running

    def _dispatch(self, job_id: str, attempt: int) -> None:
        if self.redis_url:
            from rq import Queue

            Queue(QUEUE, connection=self.conn).enqueue(
                "orgpath.jobs.execute", job_id, attempt, job_timeout=int(self.timeout) + 1,
                result_ttl=0, failure_ttl=int(self.values["job_result_ttl"]),
                description=f"orgpath export {job_id}")
            return
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(int(self.values["job_threads"]),
                                                thread_name_prefix="orgpath-job")
        self._pool.submit(self.run, job_id, attempt)

    def run(self, job_id: str, attempt: int) -> None:
        """Draw the job (attempt ``attempt``), keeping its heartbeat, state and result."""
        state = self.states.get(job_id)
        if state is None or state["state"] in FINAL or state["attempts"] != attempt:
            return  # finished, failed or handed to a newer attempt meanwhile
        mine = {"attempts": attempt}
        if not self.states.update(job_id, expect=mine, state="running", stage="load",
                                  progress=STAGES["load"], heartbeat=time.time(),
                                  worker=f"{self.backend} {socket.gethostname()} "
                                         f"pid {os.getpid()}"):
            return
        metrics.job_event("started")
        metrics.JOBS_RUNNING.inc()
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.heartbeat / 4):
                self.states.update(job_id, expect=mine, heartbeat=time.time())

        def progress(stage: str) -> None:
            self.states.update(job_id, expect=mine, stage=stage,
                               progress=STAGES.get(stage, 50), heartbeat=time.time())

        beater = threading.Thread(target=beat, daemon=True, name=f"orgpath-beat-{job_id[:6]}")
        beater.start()
        t0 = time.perf_counter()
        try:
            spec = ExportSpec(**state["spec"])
            body, version = draw_export(self.store or _worker_store(self.values), spec,
                                        self.values, progress)
            self.results.put(job_id, body)
            if self.states.update(job_id, expect=mine, state="succeeded", stage="done",
                                  progress=100, size=len(body), version=version,
                                  finished=time.time()):
                metrics.job_event("succeeded")
                metrics.observe_render("export", time.perf_counter() - t0)
        except Exception as exc:  # every failure ends the job with a message, never a hang
            why = _why(exc, self.timeout)
            if type(exc).__name__ not in _EXPECTED:
                log.exception("job %s failed", job_id)
            if self.states.update(job_id, expect=mine, state="failed", error=why,
                                  finished=time.time()):
                metrics.job_event("failed")
        finally:
            stop.set()
            metrics.JOBS_RUNNING.dec()

    def close(self) -> None:
        """Stop taking jobs (running ones finish)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)


_EXPECTED = {"ChartError", "RenderError", "GraphvizTimeout", "NotFound", "PersonNotFound",
             "JobTimeoutException", "GraphvizMissing"}


def _why(exc: Exception, timeout: float) -> str:
    name = type(exc).__name__
    if name == "JobTimeoutException":
        return f"the export took longer than {timeout:g} s (job_timeout)"
    if name in _EXPECTED:
        return str(exc)
    return f"the export failed unexpectedly ({name}); the server log has the details"


# --- the worker side -------------------------------------------------------------------------

_stores: dict[str, Any] = {}
_stores_lock = threading.Lock()


def _worker_store(values: Mapping[str, Any]) -> Any:
    """The worker's :class:`~orgpath.store.Store` of the ``graphs`` folder, refreshed."""
    from orgpath.resources import default_graphs_dir
    from orgpath.store import Store

    folder = str(values["graphs"] or default_graphs_dir())
    with _stores_lock:
        store = _stores.get(folder)
        if store is None:
            store = _stores[folder] = Store(folder, values=values)
    store.refresh()
    return store


def execute(job_id: str, attempt: int) -> None:
    """What an RQ worker runs: attempt ``attempt`` of the job ``job_id`` (settings from env)."""
    Jobs(settings.load()).run(job_id, attempt)


def papers() -> tuple[str, ...]:
    """Paper sizes a paged PDF can be drawn on (``paper`` of a job)."""
    from orgpath.render.pdfwriter import PAPERS

    return tuple(PAPERS)


def orientations() -> tuple[str, ...]:
    """Orientations of a paged PDF's paper (``orientation`` of a job)."""
    from orgpath.render.pdfwriter import ORIENTATIONS

    return tuple(ORIENTATIONS)


_ABSENT = object()


def validate(data: Any, *, formats: tuple[str, ...], langs: tuple[str, ...],
             max_text: int, max_depth: int) -> ExportSpec:
    """An :class:`ExportSpec` from a request's JSON; :class:`JobError` names the bad field.

    As strict as the ``ExportRequest`` schema: no unknown fields, no nulls, no empty text.
    """
    if not isinstance(data, dict):
        raise JobError("the body must be a JSON object with org and format")
    known = {"org", "format", "view", "audience", "lang", "paper", "orientation"}
    extra = sorted(set(data) - known)
    if extra:
        raise JobError(f"unknown field {extra[0]!r}; use {', '.join(sorted(known))}")
    view = data.get("view", {})
    if not isinstance(view, dict):
        raise JobError("view must be an object (root, depth, around, compact, pages)")
    vknown = {"root", "depth", "around", "compact", "pages"}
    vextra = sorted(set(view) - vknown)
    if vextra:
        raise JobError(f"unknown field view.{vextra[0]}; use {', '.join(sorted(vknown))}")

    def text(name: str, value: Any, required: bool = False) -> str | None:
        if value is _ABSENT:
            if required:
                raise JobError(f"{name} is required")
            return None
        if not isinstance(value, str) or not 1 <= len(value) <= max_text:
            raise JobError(f"{name} must be text of 1 to {max_text} characters")
        return value

    def flag(name: str, value: Any) -> bool:
        if value is _ABSENT:
            return False
        if not isinstance(value, bool):
            raise JobError(f"{name} must be true or false")
        return value

    org = text("org", data.get("org", _ABSENT), True)
    fmt = data.get("format", _ABSENT)
    if fmt is _ABSENT:
        raise JobError("format is required")
    if fmt not in formats:
        raise JobError(f"format must be one of {', '.join(formats)}, not {str(fmt)[:40]!r}")
    depth = view.get("depth", _ABSENT)
    if depth is _ABSENT:
        depth = None
    elif isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= max_depth:
        raise JobError(f"view.depth must be a whole number from 0 to {max_depth}")
    root = text("view.root", view.get("root", _ABSENT))
    around = text("view.around", view.get("around", _ABSENT))
    if root and around:
        raise JobError("view: use either root (a subtree) or around (a neighbourhood)")
    pages = flag("view.pages", view.get("pages", _ABSENT))
    if pages and fmt != "pdf":
        raise JobError("view.pages (one page per manager) needs format pdf")
    paper = text("paper", data.get("paper", _ABSENT))
    orientation = text("orientation", data.get("orientation", _ABSENT))
    for name, value, choices in (("paper", paper, papers()),
                                 ("orientation", orientation, orientations())):
        if value is None:
            continue
        if value not in choices:
            raise JobError(f"{name} must be one of {', '.join(choices)}, not {value[:40]!r}")
        if not pages:
            raise JobError(f"{name} applies to the paged PDF (view.pages true) only")
    lang = data.get("lang", "en")
    if lang not in langs:
        raise JobError(f"lang must be one of {', '.join(langs)}")
    return ExportSpec(org=org, fmt=fmt, root=root, depth=depth, around=around,
                      compact=flag("view.compact", view.get("compact", _ABSENT)), pages=pages,
                      paper=paper, orientation=orientation, lang=lang,
                      audience=text("audience", data.get("audience", _ABSENT)) or "")


__all__ = ["ExportSpec", "JobError", "Jobs", "draw_export", "execute", "orientations", "papers",
           "validate"]
