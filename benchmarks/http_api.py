"""HTTP throughput of the real server, against a bare constant-JSON Flask route.

Starts gunicorn (``-w 2``, the same command ``orgpath serve`` runs) on a free
port with ``ORGPATH_BENCH_BASELINE=1`` (which adds ``GET /api/v1/ping``, a
route returning a constant small JSON), warms it, then drives three URLs with
Debian's ``wrk`` for a fixed time each and prints requests per second:

* ``/api/v1/ping``: the baseline (the same app, server and settings);
* ``/api/v1/ladders/account-management/roles/account-manager/next``;
* ``/ladders/account-management/chart.svg`` (a cached chart).

and the two ratios to the baseline (the target is >= 0.8 for both). The URLs
are measured in interleaved rounds (A B C, A B C, ...) and each figure is the
median of its rounds, so a burst of other load on the machine hits all three
alike instead of skewing one ratio. The server is stopped at the end. Usage::

    .venv/bin/python benchmarks/http_api.py [--duration 10] [--rounds 3] [--threads 2]
                                        [--connections 16]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.8
URLS = {
    "baseline /api/v1/ping": "/api/v1/ping",
    "next roles (JSON)": "/api/v1/ladders/account-management/roles/account-manager/next",
    "chart.svg (cached)": "/ladders/account-management/chart.svg",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "ORGPATH_BENCH_BASELINE": "1"}
    env.setdefault("ORGPATH_GRAPHS", str(REPO / "graphs"))
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "orgpath.web:create_app()"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wait(base: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def warm(base: str, path: str, n: int = 50) -> None:
    for _ in range(n):
        with urllib.request.urlopen(base + path, timeout=30) as resp:
            assert resp.status == 200, (path, resp.status)
            resp.read()


def wrk(url: str, duration: int, threads: int, connections: int, *,
        headers: dict[str, str] | None = None) -> float:
    """Requests per second wrk reaches on ``url`` (sending ``headers``)."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    if "Non-2xx" in out or "Socket errors" in out:
        print(out, file=sys.stderr)
    return float(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=10, help="seconds per URL and round [10]")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds [3]")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads [2]")
    ap.add_argument("--connections", type=int, default=16, help="wrk connections [16]")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make browser-deps installs it)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(port, args.workers)
    try:
        wait(base, proc)
        for path in URLS.values():
            warm(base, path)
        print(f"gunicorn -w {args.workers}; wrk -t{args.threads} -c{args.connections} "
              f"-d{args.duration}s x {args.rounds} interleaved rounds; {os.cpu_count()} CPUs")
        runs: dict[str, list[float]] = {name: [] for name in URLS}
        for _ in range(args.rounds):
            for name, path in URLS.items():
                runs[name].append(wrk(base + path, args.duration, args.threads,
                                      args.connections))
        rps = {name: statistics.median(r) for name, r in runs.items()}
        for name in URLS:
            rounds = " ".join(f"{x:.0f}" for x in runs[name])
            print(f"  {name:28} {rps[name]:9.0f} req/s (median of {rounds})")
        baseline = rps["baseline /api/v1/ping"]
        ok = True
        for name in list(URLS)[1:]:
            ratio = rps[name] / baseline
            ok &= ratio >= TARGET
            print(f"  ratio {name:22} {ratio:5.2f} (target >= {TARGET})")
        return 0 if ok else 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
