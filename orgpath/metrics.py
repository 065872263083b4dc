"""Prometheus metrics of the server and the job workers (``prometheus-client``).

Every process records into the metrics below. Under gunicorn, ``orgpath serve``
sets ``PROMETHEUS_MULTIPROC_DIR`` to a private temporary folder before the
workers start, so each worker writes its own files there and :func:`exposition`
adds them up (prometheus-client's multiprocess mode). Without it (tests, the
development server) the process's own registry is answered.

>>> observe_render("orgchart", 0.5)
>>> b"orgpath_render_seconds_count" in exposition()[0]
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "orgpath_request_seconds", "Seconds to answer a request, by route and method.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
RENDER_SECONDS = Histogram(
    "orgpath_render_seconds", "Seconds to draw a chart or export (cache misses only).",
    ["kind"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600))
CACHE = Counter("orgpath_cache_total", "Cache look-ups by cache, layer and result.",
                ["cache", "layer", "result"])
JOBS = Counter("orgpath_jobs_total", "Export jobs by event: queued, started, succeeded, "
               "failed, retried.", ["event"])
JOBS_RUNNING = Gauge("orgpath_jobs_running", "Export jobs running in this process now.",
                     multiprocess_mode="livesum")
JOB_STATES = Gauge("orgpath_jobs_now", "Export jobs by state, as the job store says at scrape "
                   "time (succeeded and failed: kept jobs, or totals with Redis).", ["state"],
                   multiprocess_mode="mostrecent")
FILES = Gauge("orgpath_files", "Files of the graphs folder by kind and state (loaded, failed).",
              ["kind", "state"], multiprocess_mode="mostrecent")


def observe_render(kind: str, seconds: float) -> None:
    """Record one drawing of ``kind`` (``chart``, ``orgchart``, ``export``)."""
    RENDER_SECONDS.labels(kind).observe(seconds)


def cache_event(cache: str, layer: str, hit: bool) -> None:
    """Record one look-up of ``cache`` in ``layer`` (``local`` or ``shared``)."""
    CACHE.labels(cache, layer, "hit" if hit else "miss").inc()


def job_event(event: str) -> None:
    """Record a job event (``queued``, ``started``, ``succeeded``, ``failed``, ``retried``)."""
    JOBS.labels(event).inc()


def set_jobs(counts: dict[str, int]) -> None:
    """Jobs by state, from :meth:`orgpath.jobs.Jobs.counts`."""
    for state, n in counts.items():
        JOB_STATES.labels(state).set(n)


def set_files(health: dict) -> None:
    """Files loaded and failed, from :meth:`orgpath.store.Store.health`."""
    failed = {e["file"] for e in health.get("errors", [])}
    for kind in ("ladders", "orgs"):
        names = {e["file"] for e in health.get(kind, [])}
        FILES.labels(kind, "loaded").set(len(names - failed))
    FILES.labels("any", "failed").set(len(failed))


def _registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> tuple[bytes, str]:
    """``(body, content type)`` of every metric in the Prometheus text format."""
    return generate_latest(_registry()), CONTENT_TYPE_LATEST


def mark_dead(pid: int) -> None:
    """Forget a dead gunicorn worker's live gauges (gunicorn's ``child_exit`` hook)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def names() -> Iterable[str]:
    """The metric names orgpath exports (for docs and tests)."""
    return ("orgpath_request_seconds", "orgpath_render_seconds", "orgpath_cache_total",
            "orgpath_jobs_total", "orgpath_jobs_running", "orgpath_jobs_now", "orgpath_files")


__all__ = ["cache_event", "exposition", "job_event", "mark_dead", "names", "observe_render",
           "set_files", "set_jobs"]
