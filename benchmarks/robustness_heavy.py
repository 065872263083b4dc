"""Other users' latency while four clients hammer the heaviest URLs, against a quiet baseline.

Starts ``orgpath serve`` (gunicorn, 2 gthread workers, default budgets) on a free
port over a private copy of the bundled graphs plus a dense ladder (60 roles,
1,770 moves) and a big org (``--people``, default 3,000), warms the light URLs,
then measures, in the same run:

1. **baseline**: one user browsing light URLs (API answers, pages, a cached
   chart, ``/healthz``) on a quiet server;
2. **hammered**: the same user while ``--hammers`` clients (default 4) request
   heavy URLs that all miss the chart cache (dense-ladder charts, big org charts,
   paged PDFs).

It prints the user's median and p99 latency in each phase, their ratio, the
user's non-200 answers, and the hammering clients' answers by status (5xx
counts). Targets while hammered: median < 50 ms, p99 < 500 ms, no 5xx for the
user. Usage::

    .venv/bin/python benchmarks/robustness_heavy.py [--requests 300] [--hammers 4]
                                                    [--people 3000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/http.py would shadow the standard library's http package: keep this
# script's folder off sys.path (as benchmarks/http.py itself does).
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import collections
import itertools
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import bundled_graphs, free_port, stop, wait_for  # noqa: E402
from tests.test_web_hygiene import dense_ladder  # noqa: E402
from tests.test_web_load import LIGHT, heavy_urls, start_server  # noqa: E402

#: The light URLs plus a chart every worker has drawn by the end of the baseline phase.
BROWSE = [*LIGHT, "/ladders/account-management/chart.svg"]

TARGET_MEDIAN_MS, TARGET_P99_MS = 50.0, 500.0


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
    except OSError:
        return 0  # connection failed


def browse(base: str, n: int) -> tuple[list[float], collections.Counter]:
    """``n`` light requests in turn: latencies (ms) and answers by status."""
    times, statuses = [], collections.Counter()
    for url in itertools.islice(itertools.cycle(BROWSE), n):
        t0 = time.perf_counter()
        statuses[fetch(base + url)] += 1
        times.append((time.perf_counter() - t0) * 1000)
    return times, statuses


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=300, help="light requests per phase")
    ap.add_argument("--hammers", type=int, default=4, help="clients hammering heavy URLs")
    ap.add_argument("--people", type=int, default=3000, help="people in the big org")
    opts = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="orgpath-bench-"))
    folder = root / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    (folder / "dense.yaml").write_text(dense_ladder(), encoding="utf-8")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    str(opts.people), "--seed", "3", "-o", str(folder / "big.csv")], check=True)
    port = free_port()
    proc = start_server(folder, port, root / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc, timeout=120)
        for url in BROWSE * 4:
            fetch(base + url)
        quiet, quiet_status = browse(base, opts.requests)

        urls, lock, done = itertools.cycle(heavy_urls()), threading.Lock(), threading.Event()
        heavy_status: collections.Counter = collections.Counter()

        def hammer() -> None:
            while not done.is_set():
                with lock:
                    url = next(urls)
                heavy_status[fetch(base + url)] += 1

        clients = [threading.Thread(target=hammer, daemon=True) for _ in range(opts.hammers)]
        for t in clients:
            t.start()
        time.sleep(1.0)  # let the hammering start
        loaded, loaded_status = browse(base, opts.requests)
        done.set()
        for t in clients:
            t.join(180)
        log = (root / "server.log").read_text(errors="replace")
    finally:
        stop(proc)
        shutil.rmtree(root, ignore_errors=True)

    print(f"other user: {opts.requests} light requests per phase; {opts.hammers} clients "
          f"hammering heavy URLs; big org of {opts.people} people")
    print(f"{'phase':<10} {'median ms':>10} {'p99 ms':>8}  answers")
    for name, times, st in (("baseline", quiet, quiet_status), ("hammered", loaded,
                                                                   loaded_status)):
        print(f"{name:<10} {statistics.median(times):>10.1f} {p99(times):>8.1f}  "
              f"{dict(sorted(st.items()))}")
    ratio = statistics.median(loaded) / statistics.median(quiet)
    print(f"ratio hammered/baseline: median {ratio:.2f}, p99 {p99(loaded) / p99(quiet):.2f}")
    print(f"hammering answers: {dict(sorted(heavy_status.items()))} "
          f"(5xx: {sum(v for k, v in heavy_status.items() if k >= 500)}, "
          f"connection failures: {heavy_status.get(0, 0)})")
    print(f"worker timeouts in the log: {log.count('WORKER TIMEOUT')}")
    ok = (statistics.median(loaded) < TARGET_MEDIAN_MS and p99(loaded) < TARGET_P99_MS
          and set(loaded_status) == {200})
    print(f"targets (median < {TARGET_MEDIAN_MS:g} ms, p99 < {TARGET_P99_MS:g} ms, all 200): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
