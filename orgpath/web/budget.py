"""Budgets for expensive requests: a concurrency limit, a time budget, remembered failures.

Charts, paged PDFs and path searches are *heavy*: one of them can keep a CPU
busy for seconds. :func:`heavy` runs such work so that it can never take the
worker down with it:

* it first looks in the failure cache: a chart that timed out, was too large or
  could not be drawn a moment ago fails again at once (``failure_cache_seconds``),
  without a slot and without redoing the work;
* it takes a slot of the worker's :class:`HeavyLimiter` (``heavy_concurrency``
  slots), waiting at most ``heavy_queue_wait`` seconds, else a 503 with
  ``Retry-After`` that names the CLI command that can do the job offline;
* it runs the work in its own thread and waits at most ``request_budget``
  seconds; past that the request is answered 503 (and remembered as failed),
  while the work finishes in the background still holding its slot, so at most
  ``heavy_concurrency`` heavy jobs ever run per worker.

Cached successes never get here: callers look in their response cache first
(see :func:`orgpath.web.cache.cached_response`) and call :func:`heavy` only to
produce what is missing. The org routes use the same function.
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from cachetools import TTLCache
from flask import Flask, current_app

from orgpath.errors import NotFoundError
from orgpath.render.graphviz import GraphvizMissing, RenderError
from orgpath.render.orgchart import ChartError
from orgpath.web.errors import Problem, from_exception

T = TypeVar("T")

#: True while this context holds a heavy slot: nested heavy work runs inline.
_holding: contextvars.ContextVar[bool] = contextvars.ContextVar("orgpath_heavy", default=False)


class Busy(Problem):
    """Every heavy slot stayed taken for the whole queue wait: 503 with ``Retry-After``."""

    def __init__(self, waited: float, cli: str | None = None):
        hint = f" To make it without the server, run: {cli}" if cli else ""
        super().__init__(
            503, "busy", "Too busy",
            f"The server is drawing other charts; none finished within {waited:g} s. "
            f"Try again shortly.{hint}")
        self.headers = {"Retry-After": str(_retry(waited))}


class OverBudget(Problem):
    """The work took longer than the request budget: 503 with ``Retry-After``."""

    def __init__(self, budget: float, retry: float, cli: str | None = None):
        hint = f" To make it without the server, run: {cli}" if cli else ""
        super().__init__(
            503, "over-budget", "Took too long",
            f"This request needs more than the {budget:g} s one request may take.{hint}")
        self.headers = {"Retry-After": str(_retry(retry))}


def _retry(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class HeavyLimiter:
    """At most ``slots`` heavy jobs at once in this process.

    Use it as a context manager (``with limiter.slot(wait=2.0): ...``) or a
    decorator (``@limiter.limited(wait=2.0)``). A job that finds no free slot
    within ``wait`` seconds gets :class:`Busy`. Re-entrant per context: heavy
    work started from inside heavy work does not take a second slot (so it
    can never deadlock on itself).
    """

    def __init__(self, slots: int):
        self.slots = slots
        self._sem = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._busy = 0

    @property
    def busy(self) -> int:
        """Slots taken now."""
        with self._lock:
            return self._busy

    @contextmanager
    def slot(self, wait: float, cli: str | None = None) -> Iterator[None]:
        """Hold a slot for the ``with`` block; :class:`Busy` after ``wait`` seconds."""
        if _holding.get():
            yield
            return
        if not self._sem.acquire(timeout=max(wait, 0.0)):
            raise Busy(wait, cli)
        token = _holding.set(True)
        with self._lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
            _holding.reset(token)
            self._sem.release()

    def limited(self, wait: float) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """A decorator: every call of the function holds a slot."""
        def wrap(fn: Callable[..., T]) -> Callable[..., T]:
            def inner(*args: Any, **kwargs: Any) -> T:
                with self.slot(wait):
                    return fn(*args, **kwargs)
            inner.__doc__, inner.__name__ = fn.__doc__, fn.__name__
            return inner
        return wrap


class FailureCache:
    """Problems of failed heavy work by key, each kept for ``seconds``; thread-safe."""

    def __init__(self, seconds: float, maxsize: int):
        self.seconds = seconds
        self._items: TTLCache | None = (TTLCache(maxsize=maxsize, ttl=seconds)
                                        if seconds > 0 else None)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Problem | None:
        if self._items is None:
            return None
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, problem: Problem) -> None:
        if self._items is None:
            return
        with self._lock:
            self._items[key] = problem


def _remembered(exc: BaseException) -> Problem | None:
    """The problem to remember for a failure, or None for failures not worth keeping.

    Timeouts, "too large" and "cannot draw" are properties of the request and the
    file version, so they are kept; a busy server, a missing Graphviz, a lookup
    miss or a bug are not.
    """
    if isinstance(exc, Busy | GraphvizMissing | NotFoundError):
        return None
    if isinstance(exc, OverBudget):
        return exc
    if isinstance(exc, RenderError | ChartError | Problem):
        p = from_exception(exc)
        return p if 400 <= p.status < 500 or p.status == 504 else None
    return None


def limiter() -> HeavyLimiter:
    """This worker's limiter (``heavy_concurrency`` slots)."""
    return current_app.extensions["orgpath.heavy"]


def failures() -> FailureCache:
    """This worker's failure cache (``failure_cache_seconds``)."""
    return current_app.extensions["orgpath.failures"]


def heavy(key: Hashable, work: Callable[[], T], *, cli: str | None = None) -> T:
    """``work()`` under the heavy-work rules: failure cache, a slot, the request budget.

    ``key`` names the work (the same tuple a response cache uses is best): a failure
    is remembered under it. ``cli`` is the command line that can do the same job
    without the server; it is named in 503 problems. Raises the remembered or new
    :class:`~orgpath.web.errors.Problem` (or the work's own exception).
    """
    known = failures().get(key)
    if known is not None:
        raise known
    if _holding.get():  # already inside heavy work: this is part of it
        return work()
    config = current_app.config
    wait, budget = float(config["HEAVY_QUEUE_WAIT"]), float(config["REQUEST_BUDGET"])
    lim, failed = limiter(), failures()
    box: dict[str, Any] = {}
    started, done = threading.Event(), threading.Event()

    def run() -> None:
        try:
            with lim.slot(wait, cli):
                box["t0"] = time.monotonic()
                started.set()
                box["value"] = work()
        except BaseException as exc:  # handed to the request thread below
            box["error"] = exc
            p = _remembered(exc)
            if p is not None:
                failed.put(key, p)
        finally:
            started.set()
            done.set()

    ctx = contextvars.copy_context()  # current_app, request and g travel with it
    threading.Thread(target=ctx.run, args=(run,), daemon=True, name="orgpath-heavy").start()
    started.wait()  # at most ``wait`` seconds: the slot's own timeout
    if not done.wait(budget):
        over = OverBudget(budget, failed.seconds or budget, cli)
        failed.put(key, over)
        raise over
    if "error" in box:
        raise box["error"]
    return box["value"]


def init_app(app: Flask) -> None:
    """Give the app its limiter and failure cache (one per worker process)."""
    app.extensions["orgpath.heavy"] = HeavyLimiter(int(app.config["HEAVY_CONCURRENCY"]))
    app.extensions["orgpath.failures"] = FailureCache(
        float(app.config["FAILURE_CACHE_SECONDS"]), int(app.config["FAILURE_CACHE_ENTRIES"]))


__all__ = ["Busy", "FailureCache", "HeavyLimiter", "OverBudget", "heavy", "init_app",
           "limiter"]
