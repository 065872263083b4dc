"""Rewrite a ladder in place while clients hit the API: wrong answers, 5xx and latency.

    .venv/bin/python benchmarks/robustness_rewrite.py [--rewrites 20] [--atomic 5] [--clients 4]

Starts ``orgpath serve`` (gunicorn, gthread workers, default settings) on a
private copy of the bundled graphs folder. Clients ask for the ladder list, the
role list and one role, and check every answer: 200, 7 roles, a title that one
of the written versions has. The run is done twice in the same process: first
without rewrites (the baseline), then while the ladder is rewritten in place
(truncated, then written in eight pieces cut at line ends) ``--rewrites`` times and
replaced atomically ``--atomic`` times. Prints requests, wrong answers, 5xx and
the clients' median and p99 latency, with the ratio to the baseline. Nothing
here is a test assertion; ``tests/test_store_live.py`` runs it with fewer rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# benchmarks/http.py would shadow the standard library's http package (urllib needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
LADDER = "account-management.yaml"
OLD = "title: {en: Account Manager, da: Kundechef}"
NEW = "title: {en: Key Account Manager, da: Nøglekundechef}"
TITLES = {"Account Manager", "Key Account Manager"}
URLS = ("/api/v1/ladders", "/api/v1/ladders/account-management/roles",
        "/api/v1/ladders/account-management/roles/account-manager")


def bundled_graphs() -> Path:
    inside = REPO / "orgpath" / "graphs"
    return inside if inside.is_dir() else REPO / "graphs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, port: int, *, workers: int = 2,
                 settings: dict[str, str] | None = None, log: Path | None = None
                 ) -> subprocess.Popen:
    """``orgpath --graphs FOLDER serve`` (gunicorn with gthread workers) on ``port``."""
    args = [sys.executable, "-m", "orgpath", "--graphs", str(folder), "serve",
            "--port", str(port), "--workers", str(workers)]
    for name, value in (settings or {}).items():
        args += ["--setting", name, value]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("ORGPATH_GRAPHS", None)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """Status and body of a GET (errors included, never raises on an HTTP status)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> dict:
    """Poll ``/healthz`` until it answers; its first answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            status, body = get(base + "/healthz", timeout=5)
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within {timeout:g} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def wrong(path: str, status: int, body: bytes) -> str | None:
    """Why an answer is wrong, or None when it is one a good version gives."""
    if status != 200:
        return f"{path}: {status}"
    data = json.loads(body)
    if path.endswith("/ladders"):
        roles = [x["roles"] for x in data if x["id"] == "account-management"]
        return None if roles == [7] else f"{path}: roles {roles}"
    if path.endswith("/roles"):
        return None if len(data) == 7 else f"{path}: {len(data)} roles"
    return None if data.get("title") in TITLES else f"{path}: title {data.get('title')!r}"


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    errors_5xx: int = 0
    titles: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        return {"requests": len(lat), "wrong": len(self.wrong), "5xx": self.errors_5xx,
                "median_ms": 1000 * statistics.median(lat) if lat else 0.0,
                "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))] if lat else 0.0,
                "examples": self.wrong[:5], "titles": sorted(self.titles)}


def client(base: str, tally: Tally, done: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    while not done.is_set():
        path = rng.choice(URLS)
        t0 = time.perf_counter()
        try:
            status, body = get(base + path)
        except OSError as exc:
            status, body = 599, str(exc).encode()
        elapsed = time.perf_counter() - t0
        why = wrong(path, status, body)
        with tally.lock:
            tally.latencies.append(elapsed)
            if status >= 500:
                tally.errors_5xx += 1
            if why:
                tally.wrong.append(why)
            elif path.endswith("account-manager"):
                tally.titles.add(json.loads(body)["title"])


def rewrite_in_place(path: Path, text: str, pause: float, chunks: int = 8) -> None:
    """Truncate, then write ``chunks`` pieces cut at line ends, ``pause`` seconds in all
    between them: what editors must not do (each piece leaves a shorter ladder behind)."""
    lines = text.encode("utf-8").splitlines(keepends=True)
    step = max(1, len(lines) // chunks)
    with path.open("r+b") as fh:
        fh.truncate(0)
        for i in range(0, len(lines), step):
            fh.write(b"".join(lines[i:i + step]))
            fh.flush()
            if i + step < len(lines):
                time.sleep(pause / chunks)


def replace_atomically(path: Path, text: str) -> None:
    """The recommended way: write a temporary file beside it, then rename it over."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def rewriter(path: Path, *, rewrites: int, atomic: int, pause: float, seed: int) -> None:
    """Rewrite ``path`` ``rewrites`` times in place and ``atomic`` times by rename, title
    alternating, at random gaps; the last write leaves the new title."""
    rng = random.Random(seed)
    good = path.read_text(encoding="utf-8")
    kinds = ["in place"] * rewrites + ["atomic"] * atomic
    rng.shuffle(kinds)
    for i, kind in enumerate(kinds):
        use_new = (len(kinds) - i) % 2 == 1  # the last one writes the new title
        text = good.replace(OLD, NEW) if use_new else good
        if kind == "atomic":
            replace_atomically(path, text)
        else:
            rewrite_in_place(path, text, pause)
        time.sleep(rng.uniform(0.2, 1.2))


def measure(base: str, *, clients: int, seconds: float | None = None,
            work: threading.Thread | None = None) -> dict:
    """Run ``clients`` client threads for ``seconds``, or while ``work`` runs."""
    tally, done = Tally(), threading.Event()
    threads = [threading.Thread(target=client, args=(base, tally, done, i), daemon=True)
               for i in range(clients)]
    for t in threads:
        t.start()
    if work is not None:
        work.start()
        work.join()
        time.sleep(3.0)  # answers after the last write count too
    else:
        time.sleep(seconds or 0)
    done.set()
    for t in threads:
        t.join(60)
    return tally.summary()


def run(*, rewrites: int = 20, atomic: int = 5, clients: int = 4, workers: int = 2,
        pause: float = 0.2, baseline: bool = True, seed: int = 1,
        settings: dict[str, str] | None = None) -> dict:
    """Both runs on one server over a private copy of the bundled graphs (``settings``:
    ``serve --setting`` pairs)."""
    with tempfile.TemporaryDirectory(prefix="orgpath-rewrite-") as tmp:
        folder = Path(tmp) / "graphs"
        shutil.copytree(bundled_graphs(), folder)
        port = free_port()
        proc = start_server(folder, port, workers=workers, settings=settings,
                            log=Path(tmp) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, proc)
            # every worker has loaded the folder (one /healthz "ok" is only one worker's)
            while any(wrong("/api/v1/ladders", *get(base + "/api/v1/ladders"))
                      for _ in range(4 * workers)):
                time.sleep(0.1)
            work = threading.Thread(target=rewriter, args=(folder / LADDER,), kwargs={
                "rewrites": rewrites, "atomic": atomic, "pause": pause, "seed": seed})
            t0 = time.monotonic()
            out = {"rewrite": measure(base, clients=clients, work=work)}
            if baseline:
                out["baseline"] = measure(base, clients=clients,
                                          seconds=time.monotonic() - t0)
            out["server_alive"] = proc.poll() is None
            out["log"] = (Path(tmp) / "server.log").read_text(errors="replace")
        finally:
            stop(proc)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rewrites", type=int, default=20, help="in-place rewrites (default 20)")
    ap.add_argument("--atomic", type=int, default=5, help="atomic replaces (default 5)")
    ap.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument("--pause", type=float, default=0.2,
                    help="seconds one in-place rewrite takes (default 0.2)")
    args = ap.parse_args(argv)
    out = run(rewrites=args.rewrites, atomic=args.atomic, clients=args.clients,
              workers=args.workers, pause=args.pause)
    base, rw = out["baseline"], out["rewrite"]
    print(f"{'run':<22}{'requests':>9}{'wrong':>7}{'5xx':>5}{'median ms':>11}{'p99 ms':>9}")
    for name, r in (("baseline (no rewrite)", base), ("rewrites", rw)):
        print(f"{name:<22}{r['requests']:>9}{r['wrong']:>7}{r['5xx']:>5}"
              f"{r['median_ms']:>11.1f}{r['p99_ms']:>9.1f}")
    print(f"ratio to baseline: median {rw['median_ms'] / max(base['median_ms'], 1e-9):.2f}, "
          f"p99 {rw['p99_ms'] / max(base['p99_ms'], 1e-9):.2f}")
    print(f"{args.rewrites} in-place rewrites (8 pieces over {args.pause:g} s), "
          f"{args.atomic} atomic replaces; titles seen: {', '.join(rw['titles'])}")
    for example in rw["examples"]:
        print("wrong:", example)
    return 0 if rw["wrong"] == 0 and rw["5xx"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
