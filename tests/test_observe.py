"""/metrics, JSON logs, and the shared Redis cache (a real redis-server on loopback)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from tests.conftest import REPO, free_port
from tests.redis_helpers import start_redis


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text ``text`` (0 if absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    head = f"{name}{{{want}}}" if labels else name
    total = 0.0
    for line in text.splitlines():
        if line.startswith(head + " ") or (labels and line.startswith(name + "{")
                                           and all(f'{k}="{v}"' in line
                                                   for k, v in labels.items())):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_requests_renders_and_cache(org_client):
    org_client.get("/orgs/acme/chart.svg")
    org_client.get("/orgs/acme/chart.svg")
    resp = org_client.get("/metrics")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    text = resp.data.decode()
    assert metric(text, "orgpath_request_seconds_count",
                  route="/orgs/<org>/chart.<fmt>") >= 2
    assert metric(text, "orgpath_render_seconds_count", kind="orgchart") >= 1
    assert metric(text, "orgpath_cache_total", cache="chart_cache", result="hit") >= 1
    assert metric(text, "orgpath_files", kind="orgs", state="loaded") >= 1
    assert 'orgpath_jobs_now{state="queued"}' in text


def test_metrics_are_loopback_only_by_default(org_client):
    far = org_client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 403
    assert far.mimetype == "application/problem+json"
    relayed = org_client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert relayed.status_code == 403
    assert org_client.get("/metrics").status_code == 200


def test_metrics_access_anyone_and_off(org_graphs_dir):
    from orgpath.web import create_app

    anyone = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                         "METRICS_ACCESS": "anyone"}).test_client()
    resp = anyone.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert resp.status_code == 200
    off = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                      "METRICS_ACCESS": "off"}).test_client()
    assert off.get("/metrics").status_code == 404


def test_json_logs_write_one_object_per_request(org_graphs_dir, capsys):
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir), "JSON_LOGS": True})
    try:
        app.test_client().get("/api/v1/orgs/acme?x=<script>")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
                 if line.startswith("{")]
    finally:
        root = logging.getLogger("orgpath")
        for h in list(root.handlers):
            root.removeHandler(h)
        root.propagate = True
    requests = [r for r in lines if r["message"] == "request"]
    assert requests[-1]["route"] == "/api/v1/orgs/<org>"
    assert requests[-1]["status"] == 200
    assert requests[-1]["method"] == "GET"


def test_etags_are_the_same_in_another_process():
    from orgpath.web.cache import etag_for

    key = ("orgchart", "3f2a", "", "acme", "svg", None, None, None, False, False, "da", "hr")
    code = ("from orgpath.web.cache import etag_for; "
            f"print(etag_for({key!r}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True, env={"PYTHONHASHSEED": "123",
                                                     "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == etag_for(key)


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    proc = start_redis(tmp_path / "redis", port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_two_apps_share_charts_through_redis(org_graphs_dir, redis_url):
    from orgpath.web import create_app

    def app():
        return create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                           "CACHE_URL": redis_url})

    a, b = app().test_client(), app().test_client()
    first = a.get("/orgs/acme/chart.svg?compact=1")
    assert first.status_code == 200
    before = metric(b.get("/metrics").data.decode(), "orgpath_render_seconds_count",
                    kind="orgchart")
    second = b.get("/orgs/acme/chart.svg?compact=1")
    assert second.status_code == 200
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.data == first.data
    text = b.get("/metrics").data.decode()
    # both apps live in this process, so the render count is shared: it did not grow
    assert metric(text, "orgpath_render_seconds_count", kind="orgchart") == before
    assert metric(text, "orgpath_cache_total", cache="chart_cache", layer="shared",
                  result="hit") >= 1
    again = b.get("/orgs/acme/chart.svg?compact=1",
                  headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_redis_down_means_drawing_again_not_an_error(org_graphs_dir):
    from orgpath.web import create_app

    dead = f"redis://127.0.0.1:{free_port()}/0"
    client = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                         "CACHE_URL": dead}).test_client()
    resp = client.get("/api/v1/orgs/acme")
    assert resp.status_code == 200
    assert resp.get_json()["id"] == "acme"
