"""Memory of a loaded org, and of the org shared between ``orgpath serve``'s workers.

    .venv/bin/python benchmarks/org_memory.py                 # 20,000 and 100,000 people
    .venv/bin/python benchmarks/org_memory.py --big           # and 1,000,000
    .venv/bin/python benchmarks/org_memory.py --no-serve      # the loading part only

Three parts, on ``make_org`` orgs (seed 1) written to a private temporary folder:

1. **Per loaded org**: each figure is the resident memory (RSS) a fresh Python process
   gains, after ``gc.collect()``, from holding the org (what a web worker holds):

   * ``dicts``: the rows as a list of dicts from ``csv.DictReader`` (the baseline);
   * ``old shape``: what orgpath held before issue 15 item 2: a frozen ``Person``
     dataclass with a ``__dict__`` per person and the file's strings as read, in a
     networkx graph built with ``add_nodes_from``/``add_edges_from`` (a dict per node and
     per edge);
   * ``loaded``: the org as the store holds it now (``Store`` entry: the ``Org`` and its
     graph, diagnostics), plus the view the default audience gets (``auth=none``: a
     signed-in colleague);
   * ``+ indexes``: the same after the caches requests build on the graph (levels, head
     counts, the search index, the role index, ``org_stats``).

   CPU seconds are those of the load (user + sys).
2. **Breakdown** of the 100,000-person org with ``tracemalloc`` (exact bytes Python
   allocated) and ``sys.getsizeof`` walks: people, their strings by field, tuples, the
   graph's dicts, node data, the store's extras, the view, the indexes.
3. **Serving**: ``orgpath serve --workers N`` over the 100,000-person org, with the
   ``preload`` setting on and off. For the master and each worker: RSS, PSS (each
   shared page divided among the processes sharing it), shared and private memory from
   ``/proc/<pid>/smaps_rollup``, once the org is loaded and again after requests that
   read every person (stats, searches, a chain). The ratio is the total PSS with
   preload over the total without.

Wall times on a busy machine say little; the figures here are memory, and CPU seconds.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1e6
SIZES = (20_000, 100_000)
BIG = 1_000_000


def rss() -> int:
    """This process's resident bytes now."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def write_org(folder: Path, people: int) -> Path:
    """``make_org``'s org of ``people`` (seed 1) as ``folder/big.csv``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_org", ROOT / "benchmarks" / "make_org.py")
    make_org = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_org)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        make_org.write_csv(make_org.make_org(people, seed=1), out)
    return path


# --- part 1: one shape per fresh process -----------------------------------------------


def _old_shape(path: Path):
    """The org as orgpath held it before: ``__dict__`` people, strings as read, networkx's
    own ``add_nodes_from``/``add_edges_from``."""
    from dataclasses import dataclass

    import networkx as nx

    @dataclass(frozen=True)
    class OldPerson:
        id: str
        name: str
        manager_id: str | None = None
        title: str | None = None
        role: str | None = None
        department: str | None = None
        email: str | None = None
        photo_url: str | None = None
        assistant: bool = False
        dotted_managers: tuple[str, ...] = ()
        vacant: bool = False
        row: int | None = None
        photo_consent: bool | None = None
        opted_out: bool = False

    people = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            p = object.__new__(OldPerson)
            dotted = tuple(d for d in r["dotted_managers"].split(";") if d)
            object.__setattr__(p, "__dict__", {
                "id": r["id"], "name": r["name"] or "Vacant", "manager_id": r["manager_id"] or None,
                "title": r["title"] or None, "role": r["role"] or None,
                "department": r["department"] or None, "email": r["email"] or None,
                "photo_url": None, "assistant": r["assistant"] == "yes",
                "dotted_managers": dotted, "vacant": r["vacant"] == "yes", "row": line,
                "photo_consent": None, "opted_out": False})
            people.append(p)
    people = tuple(people)
    G = nx.DiGraph()
    G.add_nodes_from((p.id, {"person": p}) for p in people)
    G.add_edges_from((p.manager_id, p.id) for p in people if p.manager_id is not None)
    return people, G


def _loaded(folder: Path):
    """The org as the web holds it: the store's entry and the default audience's view."""
    from orgpath import settings
    from orgpath.audience import AUTHENTICATED, Views
    from orgpath.org import org_graph
    from orgpath.store import Store

    # the limits of a server that serves orgs of a million people (--big)
    values = {**settings.load(), "settle_time": 0.0, "max_org_people": 2 * BIG,
              "max_people_bytes": 1 << 30, "load_timeout": 3600.0}
    store = Store(folder, values=values, kinds=("org",))
    entry = store.entry("org", "big")
    views = Views(values["audience_views"])
    view = views.get("org", entry.id, entry.version, entry.value, entry.graph,
                     AUTHENTICATED, org_graph)
    return store, views, view


def _indexes(graph) -> None:
    from orgpath import org as O

    O.levels(graph)
    O.headcount(graph, O.roots(graph)[0])
    O.find_people(graph, "anna")
    O.people_with_role(graph, "account-manager")
    O.org_stats(graph)


def child(kind: str, folder: Path) -> dict:
    """Measure one shape in this (fresh) process."""
    import networkx  # noqa: F401  (imports are not the org's memory)

    from orgpath import audience, org, peoplefile, store  # noqa: F401

    path = folder / "big.csv"
    gc.collect()
    r0, c0 = rss(), cpu()
    out: dict = {}
    if kind == "dicts":
        with path.open(encoding="utf-8", newline="") as fh:
            held = list(csv.DictReader(fh))
    elif kind == "old":
        held = _old_shape(path)
    else:
        held = _loaded(folder)
    c1 = cpu()
    gc.collect()
    out.update(mb=(rss() - r0) / MB, cpu=c1 - c0)
    if kind == "loaded":
        _indexes(held[2][1])
        gc.collect()
        out["mb_indexes"] = (rss() - r0) / MB
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return out


def run_child(kind: str, folder: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- part 2: where the bytes go --------------------------------------------------------


def _unique_size(objs) -> tuple[int, int]:
    seen: set[int] = set()
    total = 0
    for o in objs:
        if o is not None and id(o) not in seen:
            seen.add(id(o))
            total += sys.getsizeof(o)
    return total, len(seen)


def breakdown(folder: Path) -> list[tuple[str, float, str]]:
    """``(what, MB, note)`` rows for the org in ``folder``."""
    import tracemalloc

    from orgpath import org as O
    from orgpath.audience import AUTHENTICATED, Views
    from orgpath.peoplefile import read_org

    rows: list[tuple[str, float, str]] = []
    tracemalloc.start()
    org, diags = read_org(folder / "big.csv")
    gc.collect()
    a = tracemalloc.get_traced_memory()[0]
    rows.append(("Org from read_org (tracemalloc)", a / MB, f"{len(org.people):,} people"))
    G = O.org_graph(org)
    gc.collect()
    b = tracemalloc.get_traced_memory()[0]
    rows.append(("org_graph (tracemalloc)", (b - a) / MB, ""))
    view = Views(32).get("org", org.id, "v", org, G, AUTHENTICATED, O.org_graph)
    gc.collect()
    c = tracemalloc.get_traced_memory()[0]
    rows.append(("default audience's view (tracemalloc)", (c - b) / MB,
                 "the org itself: nothing hidden" if view[0] is org else "a copy"))
    _indexes(G)
    gc.collect()
    d = tracemalloc.get_traced_memory()[0]
    rows.append(("indexes: levels, head counts, search, roles (tracemalloc)", (d - c) / MB, ""))
    tracemalloc.stop()

    people = org.people
    rows.append(("  Person objects", sum(sys.getsizeof(p) for p in people) / MB,
                 f"{sys.getsizeof(people[0])} bytes each (slots)"))
    rows.append(("  the people tuple", sys.getsizeof(people) / MB, ""))
    for field in ("id", "name", "email", "manager_id", "title", "role", "department"):
        size, n = _unique_size(getattr(p, field) for p in people)
        note = f"{n:,} distinct objects"
        if field == "manager_id":
            note += " (the managers' own id strings: counted under id too)"
        rows.append((f"  strings: {field}", size / MB, note))
    size, n = _unique_size(p.dotted_managers for p in people if p.dotted_managers)
    rows.append(("  dotted-line tuples", size / MB, f"{n:,} (empty ones: the one ())"))
    size, n = _unique_size(p.row for p in people)
    rows.append(("  row numbers (ints)", size / MB, ""))
    outer = sum(sys.getsizeof(x) for x in (G._node, G._succ, G._pred))
    rows.append(("  graph: the three outer dicts", outer / MB, "_node, _succ, _pred"))
    rows.append(("  graph: node data (PersonNode)",
                 sum(sys.getsizeof(x) for x in G._node.values()) / MB, ""))
    rows.append(("  graph: successor dicts", sum(sys.getsizeof(x) for x in G._succ.values()) / MB,
                 ""))
    rows.append(("  graph: predecessor dicts",
                 sum(sys.getsizeof(x) for x in G._pred.values()) / MB, ""))
    edge_data, n = _unique_size(d for _, _, d in G.edges(data=True))
    rows.append(("  graph: edge data", edge_data / MB, f"{n} dict shared by every edge"))
    rows.append(("  diagnostics kept", sum(sys.getsizeof(x) for x in diags) / MB,
                 f"{len(diags)} (the file text is not kept)"))
    return rows


# --- part 3: orgpath serve ------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS, shared and private MB of a process (``/proc/<pid>/smaps_rollup``)."""
    kb: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                kb[parts[0].rstrip(":")] = int(parts[1])
    return {"rss": kb["Rss"] * 1e3 / MB, "pss": kb["Pss"] * 1e3 / MB,
            "shared": (kb["Shared_Clean"] + kb["Shared_Dirty"]) * 1e3 / MB,
            "private": (kb["Private_Clean"] + kb["Private_Dirty"]) * 1e3 / MB}


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (gunicorn's workers)."""
    out: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as fh:
            out += [int(x) for x in fh.read().split()]
    return sorted(out)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_server(folder: Path, port: int, *, workers: int, preload: bool,
                 log: Path) -> subprocess.Popen:
    """``orgpath --graphs FOLDER serve`` (gunicorn) with the ``preload`` setting."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ORGPATH_GRAPHS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "orgpath", "--graphs", str(folder), "serve", "--port", str(port),
         "--workers", str(workers), "--setting", "preload", "true" if preload else "false"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_loaded(base: str, proc: subprocess.Popen, workers: int, timeout: float = 600) -> None:
    """Until four answers per worker in a row say every file is loaded (without preload
    each worker loads its own copy, and any of them may answer)."""
    deadline = time.monotonic() + timeout
    ok = 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            status, body = get(base + "/healthz")
        except OSError:
            status, body = 0, b""
        ok = ok + 1 if status == 200 and json.loads(body)["status"] == "ok" else 0
        if ok >= 4 * workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the org was not loaded within {timeout:g} s")


def touch(base: str, rounds: int) -> None:
    """Requests that read every person: stats, searches (each new), a chain."""
    for i in range(rounds):
        for path in ("/api/v1/orgs/big", f"/api/v1/orgs/big/people?q=a{i}&limit=5",
                     f"/api/v1/orgs/big/people?q=jensen{i}&limit=5",
                     "/api/v1/orgs/big/people/E000100/chain"):
            status, _ = get(base + path + ("&" if "?" in path else "?") + f"lang=en&n={i}")
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")


def serve_memory(folder: Path, *, workers: int, preload: bool, rounds: int = 0,
                 log: Path | None = None) -> dict:
    """Each process's memory under ``orgpath serve`` once the folder is loaded (``idle``)
    and, with ``rounds``, after that many rounds of :func:`touch` (``touched``)."""
    port = free_port()
    log = log or folder.parent / f"serve-{'preload' if preload else 'no-preload'}.log"
    proc = start_server(folder, port, workers=workers, preload=preload, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_loaded(base, proc, workers)
        time.sleep(1.0)  # not a measurement: the workers' loaders end their pass and sleep
        pids = children(proc.pid)
        out = {"master": proc.pid, "workers": pids,
               "idle": {pid: smaps(pid) for pid in [proc.pid, *pids]}}
        if rounds:
            touch(base, rounds)
            out["touched"] = {pid: smaps(pid) for pid in [proc.pid, *pids]}
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _print_serve(name: str, got: dict) -> dict[str, float]:
    """Print each process's memory; the total PSS per state."""
    totals = {}
    for state in ("idle", "touched"):
        if state not in got:
            continue
        for pid, m in got[state].items():
            who = "master" if pid == got["master"] else "worker"
            print(f"  {name:<8} {state:<8} {who:<7} {m['rss']:7.1f} {m['pss']:7.1f} "
                  f"{m['shared']:7.1f} {m['private']:8.1f}")
        totals[state] = sum(m["pss"] for m in got[state].values())
        print(f"  {name:<8} {state:<8} total PSS {totals[state]:.1f}")
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", action="store_true", help="also 1,000,000 people")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--workers", type=int, default=2, help="orgpath serve workers (default 2)")
    ap.add_argument("--rounds", type=int, default=4,
                    help="request rounds that read every person (default 4)")
    ap.add_argument("--no-serve", action="store_true", help="skip part 3")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    sizes = [*args.sizes, *([BIG] if args.big else [])]
    work = Path(tempfile.mkdtemp(prefix="orgpath-orgmem-"))
    try:
        print("Part 1: MB a fresh process holds for one org (RSS after gc.collect; CPU s)")
        print(f"{'people':>9} {'dicts':>7} {'old shape':>10} {'loaded':>8} {'+indexes':>9} "
              f"{'loaded/old':>11} {'loaded/dicts':>13} {'cpu old':>8} {'cpu now':>8}")
        folders = {}
        for n in sizes:
            folders[n] = work / f"org{n}"
            write_org(folders[n], n)
            r = {k: run_child(k, folders[n]) for k in ("dicts", "old", "loaded")}
            print(f"{n:>9,} {r['dicts']['mb']:7.1f} {r['old']['mb']:10.1f} "
                  f"{r['loaded']['mb']:8.1f} {r['loaded']['mb_indexes']:9.1f} "
                  f"{r['loaded']['mb'] / r['old']['mb']:11.2f} "
                  f"{r['loaded']['mb'] / r['dicts']['mb']:13.2f} "
                  f"{r['old']['cpu']:8.2f} {r['loaded']['cpu']:8.2f}", flush=True)
        n = 100_000 if 100_000 in folders else sizes[-1]
        print(f"\nPart 2: where the bytes of the {n:,}-person org go (MB)")
        for what, mb, note in breakdown(folders[n]):
            print(f"  {what:<58} {mb:8.1f}  {note}")
        if not args.no_serve:
            folder = folders[n]
            print(f"\nPart 3: orgpath serve --workers {args.workers}, {n:,} people "
                  f"(MB; touched: after {args.rounds} rounds of requests reading everyone)")
            print(f"  {'preload':<8} {'state':<8} {'process':<7} {'RSS':>7} {'PSS':>7} "
                  f"{'shared':>7} {'private':>8}")
            on = _print_serve("on", serve_memory(folder, workers=args.workers, preload=True,
                                                 rounds=args.rounds))
            off = _print_serve("off", serve_memory(folder, workers=args.workers,
                                                   preload=False, rounds=args.rounds))
            for state in on:
                print(f"  total PSS {state}, preload on / off: {on[state] / off[state]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
