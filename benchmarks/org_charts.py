"""How fast and how big: people files, org charts and Graphviz, measured in one run.

    .venv/bin/python benchmarks/org_charts.py [--quick] [--writers-only [--svg-only]]
        [--graphviz-max N] [--sizes 100000,1000000]

Each line prints the measured value, the target, a baseline measured in the
same run and the ratio to that baseline. Orgs come from
``benchmarks/make_org.py`` (seed 1). ``--quick`` uses smaller orgs (a smoke
run; the targets are for the full sizes). Nothing here is a test assertion.

The last part measures the direct chart writers (SVG and PDF written from the
layout) at 100,000 and 1,000,000 people, each next to the same export through
the Graphviz route in the same run: the whole ``orgpath export org`` process
(wall, CPU = user + system, peak memory, and the peak of a process that only
loads the org) and the chart drawn in process from the loaded org (wall and
CPU; a Graphviz route's CPU includes its Graphviz children). On a busy machine
read the CPU seconds and the ratios. ``--graphviz-max`` skips Graphviz-route
baselines above that many people (they take many minutes), with a note.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import pypdf  # noqa: E402
from make_org import make_org, write_csv  # noqa: E402


def report(name: str, value: float, unit: str, target: str, baseline: float, base_name: str,
           cpu: float | None = None, base_cpu: float | None = None):
    """One line: value, target, the same-run baseline and the ratio (and CPU seconds if given)."""
    ratio = value / baseline if baseline else float("nan")
    line = (f"{name:<44} {value:9.3f} {unit:<3} target {target:<9} "
            f"baseline {base_name} {baseline:8.3f} {unit:<3} ratio {ratio:6.2f}")
    if cpu is not None:
        line += f"  cpu {cpu:.3f} s"
        if base_cpu is not None:
            line += f" ÷ {base_cpu:.3f} s = {cpu / base_cpu if base_cpu else float('nan'):.2f}"
    print(line, flush=True)


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its waited-for children (Graphviz)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def make_csv(folder: Path, n: int) -> Path:
    path = folder / f"org{n}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(make_org(n, seed=1), fh)
    return path


_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from orgpath.peoplefile import read_org
org, diags = read_org(Path(sys.argv[1]))
t1 = time.perf_counter()
assert org is not None, diags[:3]
out = {"read": t1 - t0, "people": len(org.people)}
if sys.argv[2] == "chart":
    from orgpath.org import org_graph
    from orgpath.render.orgchart import org_chart
    G = org_graph(org)
    svg = org_chart(G, "svg")
    out["svg_bytes"] = len(svg)
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["children_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""

_BASE = r"""
import csv, json, resource, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = list(csv.reader(fh))
import networkx
out = {"read": time.perf_counter() - t0,
       "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
print(json.dumps(out))
"""


def child(code: str, *args: str) -> tuple[dict, float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=HERE.parent, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1]), time.perf_counter() - t


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def timed_cpu(fn, *args, **kwargs) -> tuple[float, float]:
    """Wall and CPU seconds of one call (its answer dropped at once: it may be 650 MB)."""
    c, t = cpu_seconds(), time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t, cpu_seconds() - c


def run_graphviz(args: list[str], src: str, timeout: float = 900) -> float:
    t = time.perf_counter()
    subprocess.run(args, input=src.encode(), capture_output=True, check=True, timeout=timeout)
    return time.perf_counter() - t


#: Orgs above the default max_org_people (250,000) are the point here: lift the limits.
BIG_ORG_ENV = {"ORGPATH_MAX_ORG_PEOPLE": "100000000", "ORGPATH_MAX_PEOPLE_BYTES": "4GiB",
               "ORGPATH_LOAD_TIMEOUT": "3600", "ORGPATH_MAX_ORG_PDF_PAGES": "100000000"}

_LOAD_ONLY = r"""
import json, resource, sys
from pathlib import Path
from orgpath.org import org_graph
from orgpath.peoplefile import read_org
org, diags = read_org(Path(sys.argv[1]))
assert org is not None, diags[:3]
G = org_graph(org)
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def export_proc(csv_path: Path, out: Path, *extra: str) -> tuple[float, float, float]:
    """``orgpath export org`` as a whole process: wall seconds, CPU seconds (user + system)
    and peak memory (MB)."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", sys.executable, "-m", "orgpath",
                           "export", "org", "--people", str(csv_path), "--max-nodes",
                           "100000000", "-o", str(out), *extra],
                          capture_output=True, text=True, cwd=HERE.parent,
                          env={**os.environ, **BIG_ORG_ENV})
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"export failed: {proc.stderr[-2000:]}")
    user, system, peak = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak) / 1024


def writers(folder: Path, sizes: tuple[int, ...], graphviz_max: int, runner,
            paged_graphviz_max: int = 100_000, *, pdf: bool = True) -> None:
    """Direct SVG/PDF writers against the Graphviz route, in process and as whole processes."""
    from orgpath.org import org_graph
    from orgpath.peoplefile import read_org
    from orgpath.render import paged
    from orgpath.render.orgchart import org_chart
    from orgpath.render.pdfwriter import paged_pdf

    svg_target = {100_000: "<= 2 s", 1_000_000: "<= 15 s"}
    pdf_target = {100_000: "<= 10 s", 1_000_000: "<= 60 s"}
    os.environ.update(BIG_ORG_ENV)  # read_org below, in this process
    print(f"# direct writers; Graphviz-route baselines up to {graphviz_max:,} people; load "
          f"average {os.getloadavg()[0]:.2f}", flush=True)
    nan = float("nan")
    for n in sizes:
        path = make_csv(folder, n)
        out = folder / "out"
        skip = n > graphviz_max
        note = f"  (Graphviz route skipped above {graphviz_max:,} people: many minutes)"
        # whole process: read + graph + layout + write the SVG file, peak memory
        wall, cpu, peak = export_proc(path, out.with_suffix(".svg"))
        gv_wall, gv_cpu, gv_peak = (nan,) * 3 if skip else export_proc(
            path, out.with_suffix(".svg"), "--route", "graphviz")
        report(f"export org SVG {n:,}, whole process", wall, "s", "", gv_wall, "graphviz",
               cpu, None if skip else gv_cpu)
        report("  peak memory of that process", peak, "MB", "<= 1536 MB" if n == 1_000_000
               else "", gv_peak, "graphviz")
        loaded, _ = child(_LOAD_ONLY, str(path))
        print(f"{'  of which read_org + org_graph alone':<44} {loaded['rss_mb']:9.1f} MB "
              "(the loaded org: a fresh process that only loads the file)", flush=True)
        # in process, from the loaded org (as the server draws)
        org, _ = read_org(path)
        G = org_graph(org)
        del org
        t, c = timed_cpu(org_chart, G, "svg", max_nodes=n)
        t_gv, c_gv = (nan, None) if skip else timed_cpu(org_chart, G, "svg", max_nodes=n,
                                                       route="graphviz", runner=runner)
        report(f"whole-org SVG {n:,}, loaded org", t, "s", svg_target.get(n, ""), t_gv,
               "graphviz", c, c_gv)
        if not pdf:
            if skip:
                print(note, flush=True)
            del G
            continue
        c = cpu_seconds()
        t, pdf_bytes = timed(paged_pdf, G, max_pages=10**9)
        c = cpu_seconds() - c
        pages = len(pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages)
        del pdf_bytes
        skip_paged = n > paged_graphviz_max
        t_gv, c_gv = (nan, None) if skip_paged else timed_cpu(
            paged.paged_pdf, G, max_pages=10**9, runner=runner, route="graphviz")
        report(f"paged PDF {n:,} ({pages:,} A4 pages)", t, "s", pdf_target.get(n, ""), t_gv,
               "graphviz", c, c_gv)
        if skip or skip_paged:
            print(note if skip else f"  (Graphviz-route paged PDF skipped above "
                  f"{paged_graphviz_max:,} people: one Graphviz run per page)", flush=True)
        del G


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small orgs, a smoke run")
    ap.add_argument("--writers-only", action="store_true",
                    help="only the direct-writer figures (the last part)")
    ap.add_argument("--graphviz-max", type=int, default=100_000, metavar="N",
                    help="skip Graphviz-route baselines above N people  [default: 100000]")
    ap.add_argument("--paged-graphviz-max", type=int, default=100_000, metavar="N",
                    help="skip the Graphviz-route paged PDF above N people  [default: 100000]")
    ap.add_argument("--svg-only", action="store_true",
                    help="with --writers-only: the SVG figures, not the paged PDF")
    ap.add_argument("--sizes", type=lambda t: tuple(int(x) for x in t.split(",")),
                    help="org sizes for the direct-writer part, e.g. 100000,1000000")
    args = ap.parse_args(argv)
    big, mid, small = (10_000, 2_000, 1_000) if args.quick else (100_000, 20_000, 5_000)
    sizes = args.sizes or ((10_000, 20_000) if args.quick else (100_000, 1_000_000))
    if args.writers_only:
        from orgpath.render.graphviz import Runner

        with tempfile.TemporaryDirectory() as tmp:
            writers(Path(tmp), sizes, args.graphviz_max,
                    Runner(max_input=1 << 30, timeout=900, cache_bytes=0),
                    args.paged_graphviz_max, pdf=not args.svg_only)
        return 0

    from orgpath.org import all_reports, org_graph
    from orgpath.peoplefile import read_org
    from orgpath.render.graphviz import Runner
    from orgpath.render.layout import tidy_layout
    from orgpath.render.orgchart import chart_view, org_chart, org_dot

    runner = Runner(max_input=1 << 30, timeout=900, cache_bytes=0)  # no cache: real draws
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"# orgs from make_org.py seed 1: {big:,}, {mid:,}, {small:,} people; load average "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        paths = {n: make_csv(folder, n) for n in (big, mid, small)}

        # 1. import + validate, fresh process; baseline: csv.reader + import networkx
        got, wall = child(_CHILD, str(paths[big]), "read")
        base, base_wall = child(_BASE, str(paths[big]))
        report(f"import+validate {big:,} people (in process)", got["read"], "s", "<= 2 s",
               base["read"], "csv.reader")
        report("  same, whole python process", wall, "s", "", base_wall, "csv proc")

        # 2. whole-org SVG, from a loaded org graph; baseline: neato -n2 alone on its DOT
        graphs = {}
        for n in (mid, big):
            org, _ = read_org(paths[n])
            G = graphs[n] = org_graph(org)
            t, svg = timed(org_chart, G, "svg", runner=runner)
            view = chart_view(G)
            src = org_dot(G, view, tidy_layout(view.tree, view.roots))
            neato = run_graphviz(["neato", "-n2", "-Tsvg"], src)
            target = "<= 2 s" if n == mid else "<= 10 s"
            report(f"whole-org SVG, {n:,} people", t, "s", target, neato, "neato -n2")

        # 3. neighbourhood chart in the big org (warm: the org is loaded, as in the server)
        G = graphs[big]
        rng = random.Random(1)
        ids = list(G)
        org_chart(G, "svg", neighbourhood=ids[1], runner=runner)  # warm caches once
        times = []
        for pid in rng.sample(ids, 15):
            times.append(timed(org_chart, G, "svg", neighbourhood=pid, runner=runner)[0])
        empty = statistics.median(
            run_graphviz(["neato", "-n2", "-Tsvg"], "digraph{}") for _ in range(5))
        report(f"neighbourhood SVG in {big:,} (median of 15)", statistics.median(times) * 1000,
               "ms", "<= 100 ms", empty * 1000, "empty neato")

        # 4. peak memory: read + graph + layout + DOT + SVG of the big org, fresh process
        got, _ = child(_CHILD, str(paths[big]), "chart")
        report(f"peak memory, {big:,} people + whole SVG", got["rss_mb"], "MB", "< 1024 MB",
               base["rss_mb"], "csv+networkx")
        print(f"{'  Graphviz child process peak':<44} {got['children_rss_mb']:9.1f} MB", flush=True)

        # 5. plain `dot -Tsvg` on the same small chart (no pins) vs orgpath end to end
        org, _ = read_org(paths[small])
        G = org_graph(org)
        t_orgpath, _ = timed(org_chart, G, "svg", runner=runner)
        view = chart_view(G)
        plain = org_dot(G, view, tidy_layout(view.tree, view.roots), pinned=False)
        t_dot = run_graphviz(["dot", "-Tsvg"], plain)
        report(f"plain dot -Tsvg, {small:,} people", t_dot, "s", "", t_orgpath, "orgpath")
        print(f"{'  dot_time / orgpath_time':<44} {t_dot / t_orgpath:9.1f}     target >= 20",
              flush=True)
        n_sub = len(all_reports(G, next(iter(G))))
        print(f"# {small:,}-person org: {n_sub:,} below the CEO; Python {sys.version.split()[0]}; "
              f"load average at the end {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        writers(folder, sizes, args.graphviz_max, runner, args.paged_graphviz_max)
    return 0


if __name__ == "__main__":
    sys.exit(main())
