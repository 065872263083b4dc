"""The org explorer in Debian's Chromium, against d3-org-chart on the same people.

Writes an org with ``benchmarks/make_org.py`` (``--people``, default 100,000) into a
private temporary folder, starts gunicorn (``-w 1``) on it and measures, with
Playwright driving ``/usr/bin/chromium`` (headless, 1280×900):

* the layout payload (``/orgs/big/layout.json``, gzip) and the server's first
  layout of the file (once per file version; later answers come from the cache);
* time to interactive: navigation to the explorer drawn and pannable (the page and
  the layout already cached by the server, as for every visit after the first);
* frame times (requestAnimationFrame intervals, median and max) while zooming and
  panning one step per frame: at a readable zoom, at 0.1 and at the whole org with
  every team open;
* search to centred (Enter in the search box to the next frame);
* opening a team of about 500 people (toggle and draw);
* the renderer's JS heap (CDP ``Performance.getMetrics``) and DOM nodes.

The baseline is d3-org-chart (pinned in ``package-lock.json``; ``make node-deps``)
fully expanded on the same people, in the same run, with ``--baseline-people``
(default 20,000: at 100,000 it takes minutes) people; the explorer is measured
at that size too, so every ratio compares like with like. Usage::

    .venv/bin/python benchmarks/explorer.py [--people 100000] [--baseline-people 20000]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-precise-memory-info"]
NODE = REPO / "node_modules"
VIEW = {"width": 1280, "height": 900}

#: Steps one frame each: zoom in/out and pan, repeated, measured by rAF intervals.
FRAME_JS = """async ([steps, act]) => {
  const times = [];
  let last = performance.now();
  for (let s = 0; s < steps; s++) {
    act(s);
    await new Promise(r => requestAnimationFrame(() => r()));
    const now = performance.now(); times.push(now - last); last = now;
  }
  return times;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


def loaded(url: str, timeout: float = 600) -> None:
    """Wait until ``/healthz`` no longer says ``loading`` (big files take a while)."""
    end = time.monotonic() + timeout
    while json.loads(get(url))["status"] == "loading":
        if time.monotonic() > end:
            raise SystemExit(f"{url} still says loading after {timeout:.0f} s")
        time.sleep(0.5)


def get(url: str, headers: dict | None = None, timeout: float = 300) -> bytes:
    """The body of ``url``, retried while the server answers 503 (a file still loading)."""
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                        timeout=timeout) as r:
                return r.read()
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or time.monotonic() > end:
                raise
            time.sleep(0.5)


def frames(page, steps: int, body: str) -> list[float]:
    """rAF intervals (ms) over ``steps`` frames, ``body`` run once per frame (``s``: step)."""
    js = FRAME_JS.replace("act(s);", body)
    return page.evaluate(js.replace("async ([steps, act])", "async ([steps])"), [steps])


def stat(ms: list[float]) -> tuple[float, float]:
    return statistics.median(ms), max(ms)


def heap_mb(page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.detach()
    return metrics["JSHeapUsedSize"] / 2**20


def renderer_mb() -> float:
    """The largest resident size (MB) of Chromium's renderer processes: the page's own
    (the benchmark keeps one page open at a time)."""
    best = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if b"--type=renderer" not in (proc / "cmdline").read_bytes():
                continue
            status = (proc / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                best = max(best, int(line.split()[1]) / 1024)
    return best


def dom_nodes(page) -> int:
    return page.evaluate("() => document.getElementsByTagName('*').length")


def explorer(browser, base: str, org: str) -> dict[str, float]:
    """Every figure of the explorer on ``/orgs/<org>`` (the layout already cached)."""
    ctx = browser.new_context(base_url=base, viewport=VIEW)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    t0 = time.perf_counter()
    page.goto(f"/orgs/{org}")
    page.wait_for_selector("#explorer[data-ready='1']")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
    out = {"interactive_s": time.perf_counter() - t0}
    e = "const e = window.orgpathExplorer;"
    out["frames_readable"] = stat(frames(
        page, 60, e + "e.sel.call(e.zoom.scaleBy, s % 2 ? 1.05 : 1 / 1.05);"
        " e.sel.call(e.zoom.translateBy, s % 4 < 2 ? 9 : -9, 0);"))
    page.evaluate("() => { const e = window.orgpathExplorer; e.centreOn(0, 0.1); }")
    out["frames_mid"] = stat(frames(
        page, 60, e + "e.sel.call(e.zoom.scaleBy, s % 2 ? 1.1 : 1 / 1.1);"
        " e.sel.call(e.zoom.translateBy, s % 4 < 2 ? 30 : -30, 0);"))
    page.get_by_role("button", name="Open every team").click()
    page.get_by_role("button", name="Whole org").click()
    out["frames_whole"] = stat(frames(
        page, 60, e + "e.sel.call(e.zoom.scaleBy, s % 2 ? 1.2 : 1 / 1.2);"
        " e.sel.call(e.zoom.translateBy, s % 4 < 2 ? 40 : -40, 0);"))
    out["drawn_whole"] = page.evaluate("() => window.orgpathExplorer.inView.length")
    page.get_by_role("button", name="Close teams").click()
    # search: the deepest person, Enter to centred (the next frame drawn)
    pid = page.evaluate("() => { const e = window.orgpathExplorer; let b = 0;"
                        " for (let i = 0; i < e.n; i++) if (e.depth[i] > e.depth[b]) b = i;"
                        " return e.d.ids[b]; }")
    page.fill("#explorer-q", pid)
    page.wait_for_selector("#explorer-hits li")
    out["search_ms"] = page.evaluate("""() => new Promise(r => {
      const t = performance.now(), q = document.getElementById('explorer-q');
      q.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
      requestAnimationFrame(() => r(performance.now() - t)); })""")
    # a team of about 500: the manager whose subtree is closest to 500 people
    out["expand_ms"], out["team"] = page.evaluate("""() => new Promise(r => {
      const e = window.orgpathExplorer; let b = 0;
      for (let i = 0; i < e.n; i++)
        if (Math.abs(e.size[i] - 501) < Math.abs(e.size[b] - 501)) b = i;
      for (let j = b; j < b + e.size[b]; j++) e.open[j] = 0;
      e.openChain(b); e.centreOn(b, 1); e.draw();
      const t = performance.now();
      for (let j = b; j < b + e.size[b]; j++) if (e.size[j] > 1) e.open[j] = 1;
      e.toggle(b, true);
      requestAnimationFrame(() => r([performance.now() - t, e.size[b] - 1])); })""")
    out["heap_mb"] = heap_mb(page)
    out["renderer_mb"] = renderer_mb()
    out["dom_nodes"] = dom_nodes(page)
    ctx.close()
    return out


BASELINE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<script src="/d3.min.js"></script><script src="/d3-flextree.min.js"></script>
<script src="/d3-org-chart.min.js"></script></head>
<body style="margin:0"><div id="c" style="width:1280px;height:900px"></div></body></html>"""


def baseline(browser, people: list[dict]) -> dict[str, float]:
    """d3-org-chart, fully expanded, on ``people`` (served from a routed fake origin)."""
    ctx = browser.new_context(viewport=VIEW)
    files = {"/": (BASELINE_HTML.encode(), "text/html"),
             "/d3.min.js": ((NODE / "d3/dist/d3.min.js").read_bytes(), "text/javascript"),
             "/d3-flextree.min.js": ((NODE / "d3-flextree/build/d3-flextree.min.js")
                                     .read_bytes(), "text/javascript"),
             "/d3-org-chart.min.js": ((NODE / "d3-org-chart/build/d3-org-chart.min.js")
                                      .read_bytes(), "text/javascript"),
             "/data.json": (json.dumps(people).encode(), "application/json")}

    def serve(route):
        path = "/" + route.request.url.split("/", 3)[3]
        body, media = files[path]
        route.fulfill(body=body, content_type=media)

    ctx.route("http://bench.invalid/**", serve)
    page = ctx.new_page()
    page.set_default_timeout(900_000)
    t0 = time.perf_counter()
    page.goto("http://bench.invalid/")
    page.evaluate("""async () => {
      const data = await (await fetch('/data.json')).json();
      window.chart = new d3.OrgChart().container('#c').data(data).duration(0)
        .nodeWidth(() => 170).nodeHeight(() => 54)
        .nodeContent(d => `<div style="border:1px solid #555;height:52px;font:12px sans-serif">`
          + `<b>${d.data.name}</b><br>${d.data.title}</div>`)
        .render().expandAll().fit({animate: false});
      await new Promise(r => requestAnimationFrame(() => r()));
    }""")
    out = {"interactive_s": time.perf_counter() - t0}
    z = ("const st = window.chart.getChartState();"
         " st.svg.call(st.zoomBehavior.scaleBy, s % 2 ? 1.2 : 1 / 1.2);")
    out["frames_whole"] = stat(frames(page, 6, z))
    out["heap_mb"] = heap_mb(page)
    out["renderer_mb"] = renderer_mb()
    out["dom_nodes"] = dom_nodes(page)
    ctx.close()
    return out


def read_people(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [{"id": r["id"], "parentId": r["manager_id"] or None, "name": r["name"],
                 "title": r["title"]} for r in csv.DictReader(f)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--baseline-people", type=int, default=20_000)
    ap.add_argument("--no-baseline", action="store_true", help="skip d3-org-chart")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    if not args.no_baseline and not (NODE / "d3-org-chart").is_dir():
        raise SystemExit("d3-org-chart is missing: run `make node-deps` (npm ci) first")
    tmp = Path(tempfile.mkdtemp(prefix="orgpath-explorer-"))
    sizes = {"big": args.people, "base": args.baseline_people}
    for name, n in sizes.items():
        subprocess.run([sys.executable, str(REPO / "benchmarks/make_org.py"), "--people", str(n),
                        "--seed", "1", "-o", str(tmp / f"{name}.csv")], check=True)
    port = free_port()
    env = {**os.environ, "ORGPATH_GRAPHS": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "--timeout", "300",
                             "-b", f"127.0.0.1:{port}", "orgpath.web:create_app()"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait(base + "/healthz", proc)
        loaded(base + "/healthz")
        payload = {}
        for name in sizes:
            get(f"{base}/api/v1/orgs/{name}")  # loaded
            t = time.perf_counter()
            body = get(f"{base}/orgs/{name}/layout.json", {"Accept-Encoding": "gzip"})
            payload[name] = (len(body), len(gzip.decompress(body)), time.perf_counter() - t)
            get(f"{base}/orgs/{name}")  # the page's server-drawn top levels, cached like the layout
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            res = {name: explorer(browser, base, name) for name in sizes}
            d3oc = None if args.no_baseline else baseline(browser, read_people(tmp / "base.csv"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"chromium {CHROMIUM}, viewport 1280x900, gunicorn -w 1")
    for name, n in sizes.items():
        gz, raw, first = payload[name]
        r = res[name]
        print(f"\nexplorer, {n:,} people")
        print(f"  layout.json       {gz / 2**20:.2f} MB gzip ({raw / 2**20:.1f} MB raw); "
              f"first layout on the server {first:.1f} s (once per file version)")
        print(f"  interactive       {r['interactive_s']:.2f} s after navigation")
        for key, label in (("frames_readable", "readable zoom"), ("frames_mid", "zoom 0.1"),
                           ("frames_whole", f"whole org, {r['drawn_whole']:,} drawn")):
            med, mx = r[key]
            print(f"  frames {label:<24} median {med:5.1f} ms, max {mx:6.1f} ms")
        print(f"  search to centred {r['search_ms']:.1f} ms")
        print(f"  open a team       {r['expand_ms']:.1f} ms ({r['team']} people)")
        print(f"  JS heap           {r['heap_mb']:.0f} MB; renderer process "
              f"{r['renderer_mb']:.0f} MB resident; {r['dom_nodes']:,} DOM elements")
    if d3oc:
        ex = res["base"]
        n = args.baseline_people
        print(f"\nd3-org-chart 3.1.1, {n:,} people, fully expanded (baseline)")
        print(f"  interactive       {d3oc['interactive_s']:.2f} s")
        med, mx = d3oc["frames_whole"]
        print(f"  frames zooming    median {med:.1f} ms, max {mx:.1f} ms")
        print(f"  JS heap           {d3oc['heap_mb']:.0f} MB; renderer process "
              f"{d3oc['renderer_mb']:.0f} MB resident; {d3oc['dom_nodes']:,} DOM elements")
        print(f"\nratios at {n:,} people (explorer / d3-org-chart; below 1 is better)")
        print(f"  interactive       {ex['interactive_s'] / d3oc['interactive_s']:.3f}")
        print(f"  zoom frame median {ex['frames_whole'][0] / d3oc['frames_whole'][0]:.3f}")
        print(f"  zoom frame max    {ex['frames_whole'][1] / d3oc['frames_whole'][1]:.3f}")
        print(f"  JS heap           {ex['heap_mb'] / d3oc['heap_mb']:.3f}")
        print(f"  renderer resident {ex['renderer_mb'] / d3oc['renderer_mb']:.3f}")
        print(f"  DOM elements      {ex['dom_nodes'] / d3oc['dom_nodes']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
