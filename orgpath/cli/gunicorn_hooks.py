"""gunicorn's configuration under ``orgpath serve`` (``-c python:orgpath.cli.gunicorn_hooks``).

With the ``preload`` setting (the default) ``orgpath serve`` adds ``--preload``:
gunicorn's master builds the app, so it loads the graphs folder once, and the
workers it forks share those memory pages instead of each loading its own copy.
The hooks keep that sharing and the reloading right:

* ``pre_fork`` (master): the store's loader thread ends once its pass is done, so the
  files that had settled are loaded before the fork (threads do not survive a fork);
  files still being written, and whatever is not loaded after ``preload_wait``
  seconds, are left to the workers, which answer meanwhile. Each org's query caches (levels,
  head counts, search and role indexes) are built there once. Then ``gc.freeze()`` moves
  every object loaded so far out of the collector's reach, so a worker's garbage
  collections never write to (and so copy) the shared pages;
* ``post_fork`` (worker): the worker runs its own loader thread, which reloads
  changed files into the worker's own memory as without preloading;
* ``child_exit`` (master): a dead worker's live Prometheus gauges are forgotten.

The master keeps the version it loaded at startup: a worker that gunicorn starts
later begins from it and reloads what changed since. Without ``--preload`` the
hooks find no store in the master and do nothing but the last.
"""

from __future__ import annotations

import gc
from typing import Any

from orgpath import settings


def pre_fork(server: Any, worker: Any) -> None:
    """Before each worker is forked: pause the master's loader, freeze what it loaded."""
    from orgpath import store

    if not store.before_fork(settings.get("preload_wait"), prepare=_warm):
        server.log.warning("orgpath: the graphs folder was not loaded within preload_wait "
                           "seconds; each worker loads what is missing itself")
    gc.collect()
    gc.freeze()


def _warm(entry: Any) -> None:
    """An org's query caches, built once in the master (:func:`orgpath.org.warm`)."""
    if entry.kind == "org":
        from orgpath.org import warm

        warm(entry.graph)


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker: its own loader thread, for files that change from now on."""
    from orgpath import store

    store.after_fork()


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: forget its live gauges (prometheus-client's multiprocess mode)."""
    from orgpath.metrics import mark_dead

    mark_dead(worker.pid)
