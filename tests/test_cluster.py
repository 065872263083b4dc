"""A small cluster on loopback, with the real programs: redis-server, two ``orgpath serve``
instances, one ``orgpath worker`` and nginx balancing between the instances.

It checks what more than one machine needs (docs/deploy.md, "The cluster test"):

* a chart drawn through one instance is answered by the other from the shared
  Redis cache: same ETag, and no render counted in the second one's ``/metrics``;
* a paged-PDF job of a 100,000-person org (``ORGPATH_CLUSTER_PEOPLE``)
  submitted through nginx completes on the worker;
* killing the worker and the process drawing the job (as when a machine dies)
  mid-job, then starting another worker, completes the job on a second attempt;
* stopping one instance while requests flow loses none that nginx can retry.

Everything listens on free loopback ports and keeps its files in a private
temporary folder; nginx runs in the foreground with ``-p``/``-c``/``-e`` there.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import REPO, add_acme, bundled_graphs, free_port, stop, wait_for
from tests.redis_helpers import start_redis
from tests.test_observe import metric

pytestmark = pytest.mark.slow

PEOPLE = int(os.environ.get("ORGPATH_CLUSTER_PEOPLE", "100000"))


def _nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.skip("nginx is not installed (make system-deps installs it)")
    return found


NGINX_CONF = """\
# Written by tests/test_cluster.py: loopback only, every path in this folder.
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    upstream orgpath {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=5s;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location /metrics {{ return 404; }}
        location / {{
            proxy_pass http://orgpath;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def start_nginx(folder: Path, port: int, upstreams: tuple[int, int]) -> subprocess.Popen:
    """nginx in the foreground on 127.0.0.1:``port``, config and files in ``folder``."""
    binary = _nginx()
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    # As root nginx would hand its workers to "nobody", who cannot enter pytest's private
    # folders; this test-only nginx listens on loopback, so its workers stay root.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, dir=folder, a=upstreams[0], b=upstreams[1],
                                      port=port), encoding="utf-8")
    return subprocess.Popen([binary, "-p", str(folder), "-c", str(conf), "-e",
                             str(folder / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def serve(graphs: Path, port: int, env: dict, log: Path) -> subprocess.Popen:
    """``orgpath serve`` (gunicorn, one worker) with ``env``'s settings."""
    return subprocess.Popen(
        [sys.executable, "-m", "orgpath", "--graphs", str(graphs), "serve", "--port", str(port),
         "--workers", "1"],
        cwd=REPO, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115


def worker(graphs: Path, env: dict, log: Path) -> subprocess.Popen:
    """``orgpath worker`` in a process group of its own (so the test can kill its jobs too)."""
    return subprocess.Popen(
        [sys.executable, "-m", "orgpath", "--graphs", str(graphs), "worker"],
        cwd=REPO, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True)


def get(url: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def post_json(url: str, data: dict) -> tuple[int, dict, dict]:
    req = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"{}")


def poll(url: str, until, limit: float) -> dict:
    """GET the job ``url`` until ``until(state)``; fails after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    state: dict = {}
    while time.monotonic() < deadline:
        status, _, body = get(url)
        assert status == 200, body[:300]
        state = json.loads(body)
        if until(state):
            return state
        time.sleep(0.25)
    raise AssertionError(f"job {url} did not get there within {limit:g} s: {state}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    graphs = root / "graphs"
    shutil.copytree(bundled_graphs(), graphs)
    add_acme(graphs)
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    str(PEOPLE), "--seed", "7", "-o", str(graphs / "big.csv")], check=True)
    redis_port, a, b, front = free_port(), free_port(), free_port(), free_port()
    procs: dict[str, subprocess.Popen] = {}
    procs["redis"] = start_redis(root / "redis", redis_port)
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "ORGPATH_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "ORGPATH_CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
           "ORGPATH_JOBS_FOLDER": str(root / "jobs"),
           "ORGPATH_JOB_HEARTBEAT": "3", "ORGPATH_JOB_RETRIES": "1",
           "ORGPATH_TRUSTED_PROXIES": "127.0.0.1"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each `orgpath serve` makes its own
    logs = root / "logs"
    logs.mkdir()
    try:
        procs["a"] = serve(graphs, a, env, logs / "a.log")
        procs["b"] = serve(graphs, b, env, logs / "b.log")
        procs["worker"] = worker(graphs, env, logs / "worker.log")
        procs["nginx"] = start_nginx(root / "nginx", front, (a, b))
        for name, port in (("a", a), ("b", b), ("nginx", front)):
            wait_for(f"http://127.0.0.1:{port}/healthz", procs[name], timeout=120)
        for port in (a, b):  # the store loads in the background: wait for the big org
            deadline = time.monotonic() + 300
            while json.loads(get(f"http://127.0.0.1:{port}/healthz")[2])["status"] != "ok":
                assert time.monotonic() < deadline, "the graphs folder did not finish loading"
                time.sleep(0.5)
        yield {"a": f"http://127.0.0.1:{a}", "b": f"http://127.0.0.1:{b}",
               "front": f"http://127.0.0.1:{front}", "procs": procs, "graphs": graphs,
               "env": env, "logs": logs}
    finally:
        for name in ("nginx", "worker", "a", "b", "redis"):
            proc = procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            if name == "worker":
                os.killpg(proc.pid, signal.SIGTERM)
            stop(proc)


def test_a_chart_drawn_by_one_instance_is_served_by_the_other(cluster):
    url = "/orgs/acme/chart.svg?compact=1&lang=da"
    status, first, body_a = get(cluster["a"] + url)
    assert status == 200
    status, second, body_b = get(cluster["b"] + url)
    assert status == 200
    assert second["ETag"] == first["ETag"]
    assert body_b == body_a
    _, _, text = get(cluster["b"] + "/metrics")
    text = text.decode()
    assert metric(text, "orgpath_render_seconds_count", kind="orgchart") == 0
    assert metric(text, "orgpath_cache_total", cache="chart_cache", layer="shared",
                  result="hit") >= 1
    _, _, text_a = get(cluster["a"] + "/metrics")
    assert metric(text_a.decode(), "orgpath_render_seconds_count", kind="orgchart") == 1


def test_metrics_are_not_served_through_nginx(cluster):
    assert get(cluster["front"] + "/metrics")[0] == 404


def test_a_paged_pdf_job_submitted_through_nginx_completes_on_the_worker(cluster):
    front = cluster["front"]
    status, headers, job = post_json(front + "/api/v1/exports", {
        "org": "big", "format": "pdf", "view": {"pages": True}})
    assert status == 202, job
    seen = set()

    def finished(state: dict) -> bool:
        seen.add(state["stage"])
        return state["state"] in ("succeeded", "failed")

    done = poll(front + headers["Location"], finished, limit=600)
    assert done["state"] == "succeeded", done
    assert done["worker"].startswith("rq ")
    assert "load" in seen or len(seen) > 1  # progress was reported on the way
    status, fheaders, pdf = get(front + done["download"])
    assert status == 200
    assert fheaders["Content-Type"] == "application/pdf"
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages > PEOPLE // 20  # one page per manager


def test_killing_the_worker_mid_job_then_starting_another_completes_it(cluster):
    front, procs = cluster["front"], cluster["procs"]
    status, headers, job = post_json(front + "/api/v1/exports", {
        "org": "big", "format": "pdf", "view": {"pages": True}, "lang": "da"})
    assert status == 202, job
    url = front + headers["Location"]
    running = poll(url, lambda s: s["state"] == "running", limit=120)
    assert running["attempts"] == 1
    old = procs["worker"]
    # As if its machine died: the worker, and the process drawing the job (RQ's work
    # horse, which RQ puts in a process group of its own; the state names its pid).
    horse = int(running["worker"].rsplit(" pid ", 1)[1])
    os.killpg(old.pid, signal.SIGKILL)
    os.kill(horse, signal.SIGKILL)
    old.wait(timeout=10)
    procs["worker"] = worker(cluster["graphs"], cluster["env"], cluster["logs"] / "worker.log")
    done = poll(url, lambda s: s["state"] in ("succeeded", "failed"), limit=600)
    assert done["state"] == "succeeded", done
    assert done["attempts"] == 2
    assert "stopped" in done["note"]
    status, _, pdf = get(front + done["download"])
    assert status == 200
    assert pdf.startswith(b"%PDF")


def test_stopping_one_instance_under_load_loses_no_request(cluster):
    front, procs = cluster["front"], cluster["procs"]
    results: list[int] = []
    errors: list[str] = []
    halt = threading.Event()

    def load() -> None:
        paths = ("/api/v1/orgs/acme", "/healthz", "/api/v1/orgs/acme/people?q=a",
                 "/orgs/acme/chart.svg")
        i = 0
        while not halt.is_set():
            try:
                status, _, _ = get(front + paths[i % len(paths)], timeout=30)
                results.append(status)
            except OSError as exc:
                errors.append(repr(exc))
            i += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    stop(procs["b"])  # SIGTERM: gunicorn finishes what it has, then refuses connections
    time.sleep(2.5)
    halt.set()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) > 20
    assert set(results) == {200}
