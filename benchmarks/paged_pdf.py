"""The paged PDF (one page per manager) at 100,000 and 1,000,000 people, against Graphviz.

    .venv/bin/python benchmarks/paged_pdf.py [--sizes 100000,1000000] [--graphviz-size 5000]
                                             [--no-cli]

For each size (orgs from ``benchmarks/make_org.py``, seed 1), it prints the
wall and CPU seconds of ``pdfwriter.paged_pdf`` on the loaded org, written to
a file (as the CLI does), the page count and the time per page; then the
same for ``orgpath export org --pages per-manager`` as a whole process (read,
check, draw; CPU and peak memory of the process). The baseline is the
Graphviz route (``paged.paged_pdf(..., route="graphviz")``, one Graphviz run
per page) at ``--graphviz-size`` people, where it finishes in minutes, next to
the direct route on the same org; ratios are per page. CPU seconds are user +
sys (``resource.getrusage``; the Graphviz route's include its Graphviz
children). Nothing here is a test assertion.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# Above the default limits on purpose: these orgs are the point of the benchmark.
LIMITS = {"ORGPATH_MAX_ORG_PEOPLE": "2000000", "ORGPATH_MAX_ORG_PDF_PAGES": "100000000",
          "ORGPATH_MAX_PEOPLE_BYTES": str(1 << 30)}
os.environ.update(LIMITS)

from make_org import make_org, write_csv  # noqa: E402

TARGET = {100_000: 10.0, 1_000_000: 60.0}


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def make_csv(folder: Path, n: int) -> Path:
    path = folder / f"org{n}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(make_org(n, seed=1), fh)
    return path


def pages_of(path: Path) -> int:
    """The page count from the page tree's root (2 0 R, found through the xref; no full parse)."""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - 1024))
        start = re.search(rb"startxref\s+(\d+)", fh.read())
        if start is not None:
            fh.seek(int(start.group(1)))
            head = fh.read(64)
            m = re.match(rb"xref\n0 \d+\n", head)
            if m is not None:
                fh.seek(int(start.group(1)) + m.end() + 2 * 20)
                fh.seek(int(fh.read(10)))
                count = re.search(rb"^2 0 obj\n<< /Type /Pages .*? /Count (\d+) >>",
                                  fh.read(16384), re.S)
                if count is not None:
                    return int(count.group(1))
    import pypdf  # a PDF written by another writer (the Graphviz route's pypdf)

    return len(pypdf.PdfReader(path).pages)


def line(name: str, wall: float, cpu_s: float, pages: int, extra: str = "") -> None:
    print(f"{name:<46} {wall:8.2f} s wall {cpu_s:8.2f} s CPU {pages:>9,} pages "
          f"{1000 * wall / pages:7.3f} ms/page{extra}", flush=True)


def direct(G, out: Path) -> tuple[float, float, int]:
    from orgpath.render.pdfwriter import paged_pdf

    t0, c0 = time.perf_counter(), cpu()
    with open(out, "wb") as fh:
        paged_pdf(G, max_pages=10**9, out=fh)
    wall, used = time.perf_counter() - t0, cpu() - c0
    return wall, used, pages_of(out)


def graphviz(G, out: Path) -> tuple[float, float, int]:
    from orgpath.render import paged
    from orgpath.render.graphviz import Runner

    runner = Runner(max_input=1 << 30, timeout=900, cache_bytes=0)  # no cache: real draws
    t0, c0 = time.perf_counter(), cpu() + cpu(resource.RUSAGE_CHILDREN)
    out.write_bytes(paged.paged_pdf(G, max_pages=10**9, runner=runner, route="graphviz"))
    wall = time.perf_counter() - t0
    return wall, cpu() + cpu(resource.RUSAGE_CHILDREN) - c0, pages_of(out)


def whole_process(csv: Path, out: Path) -> tuple[float, float, float]:
    """``orgpath export org --pages per-manager`` in a fresh process: wall, CPU, peak MB."""
    cmd = [sys.executable, "-m", "orgpath", "export", "org", "--people", str(csv),
           "--pages", "per-manager", "-o", str(out), "--force"]
    t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **LIMITS},
                          cwd=HERE.parent, check=False)
    wall, used = time.perf_counter() - t0, cpu(resource.RUSAGE_CHILDREN) - c0
    if proc.returncode != 0:
        raise SystemExit(f"export failed: {proc.stderr[-2000:]}")
    return wall, used, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def load(csv: Path):
    from orgpath.org import org_graph
    from orgpath.peoplefile import read_org

    org, diags = read_org(csv)
    if org is None:
        raise SystemExit(f"{csv}: {diags[:3]}")
    return org_graph(org)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=lambda t: tuple(int(x) for x in t.split(",")),
                    default=(100_000, 1_000_000), help="org sizes  [default: 100000,1000000]")
    ap.add_argument("--graphviz-size", type=int, default=5_000, metavar="N",
                    help="org size of the Graphviz-route baseline  [default: 5000]; 0 skips it")
    ap.add_argument("--no-cli", action="store_true", help="skip the whole-process runs")
    args = ap.parse_args(argv)
    print(f"# paged PDF, make_org seed 1; load average {os.getloadavg()[0]:.2f} on "
          f"{os.cpu_count()} CPUs; A4 landscape", flush=True)
    per_page: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="orgpath-bench-") as tmp:
        folder = Path(tmp)
        if args.graphviz_size:
            n = args.graphviz_size
            G = load(make_csv(folder, n))
            wall, used, pages = direct(G, folder / "direct.pdf")
            line(f"direct, {n:,} people", wall, used, pages)
            per_page["direct"] = wall / pages
            gwall, gused, gpages = graphviz(G, folder / "graphviz.pdf")
            line(f"graphviz route, {n:,} people (baseline)", gwall, gused, gpages,
                 f"  ratio per page {per_page['direct'] / (gwall / gpages):.3f}")
            per_page["graphviz"] = gwall / gpages
            del G
        for n in args.sizes:
            csv = make_csv(folder, n)
            G = load(csv)
            wall, used, pages = direct(G, folder / "direct.pdf")
            extra = f"  target <= {TARGET[n]:g} s" if n in TARGET else ""
            if "graphviz" in per_page:
                extra += f"  ratio per page to graphviz {wall / pages / per_page['graphviz']:.3f}"
            line(f"direct, {n:,} people, loaded org", wall, used, pages, extra)
            del G
            if not args.no_cli:
                wall, used, peak = whole_process(csv, folder / "cli.pdf")
                print(f"{'  orgpath export org, whole process':<46} {wall:8.2f} s wall "
                      f"{used:8.2f} s CPU  peak {peak:,.0f} MB  "
                      f"{(folder / 'cli.pdf').stat().st_size / 2**20:,.0f} MB file", flush=True)
            csv.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
