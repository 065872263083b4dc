"""Charts over HTTP: every format, views, downloads, ETags, limits and render errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

C = "/ladders/account-management/chart"
PROBLEM = "application/problem+json"
MEDIA = {
    "svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
    "dot": "text/vnd.graphviz", "json": "application/json",
    "graphml": "application/graphml+xml", "mmd": "text/vnd.mermaid",
}


@pytest.mark.parametrize("fmt", list(MEDIA))
def test_every_format(client, fmt):
    resp = client.get(f"{C}.{fmt}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == MEDIA[fmt]
    assert resp.headers["ETag"]
    assert "max-age" in resp.headers["Cache-Control"]
    assert "Content-Disposition" not in resp.headers
    data = resp.data
    if fmt == "svg":
        ET.fromstring(data)
    elif fmt == "png":
        assert data.startswith(b"\x89PNG")
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "json":
        assert len(json.loads(data)["nodes"]) == 7
    elif fmt == "graphml":
        ET.fromstring(data)
    elif fmt == "dot":
        assert b"digraph" in data
    elif fmt == "mmd":
        first, second = data.decode("utf-8").splitlines()[:2]
        assert first.startswith("%% ")
        assert second.startswith("flowchart ")


@pytest.mark.parametrize("fmt", ["svg", "pdf", "mmd"])
def test_download_names_the_file(client, fmt):
    resp = client.get(f"{C}.{fmt}?view=reporting&download=1&lang=da")
    assert resp.headers["Content-Disposition"] == (  # ladder, view and language
        f'attachment; filename="account-management-reporting-da.{fmt}"; '
        f"filename*=UTF-8''account-management-reporting-da.{fmt}")


def test_svg_boxes_link_to_role_pages(client):
    svg = client.get(f"{C}.svg").get_data(as_text=True)
    assert 'xlink:href="/ladders/account-management/roles/account-manager"' in svg


def test_views_and_options(client):
    path = client.get(f"{C}.svg?view=path&from=Kundechef&to=vp-of-account-management")
    assert path.status_code == 200
    assert b"onpath" in path.data
    only = client.get(f"{C}.json?view=path&from=account-manager&to=vp-of-account-management"
                      "&only=path")
    assert len(only.get_json()["nodes"]) == 3
    alt = client.get(f"{C}.json?view=path&from=assistant-account-manager"
                     "&to=vp-of-account-management&alt=1")
    assert alt.status_code == 200
    focus = client.get(f"{C}.json?view=focus&focus=account-manager&depth=2")
    assert focus.status_code == 200
    lr = client.get(f"{C}.dot?rankdir=LR&salary=1&lang=da")
    assert b"rankdir=LR" in lr.data
    assert b"Kundechef" in lr.data


def test_danish_chart(client):
    svg = client.get(f"{C}.svg?lang=da").get_data(as_text=True)
    assert "Kundechef" in svg
    assert "Niveau" in svg


def test_etag_304_and_normalization(client):
    a = client.get(f"{C}.svg?view=focus&focus=Kundechef")
    b = client.get(f"{C}.svg?view=focus&focus=account-manager&depth=1")
    assert a.headers["ETag"] == b.headers["ETag"]
    again = client.get(f"{C}.svg?view=focus&focus=account-manager",
                       headers={"If-None-Match": a.headers["ETag"]})
    assert again.status_code == 304
    assert not again.data
    assert client.get(f"{C}.svg?lang=da").headers["ETag"] != client.get(f"{C}.svg").headers["ETag"]
    assert client.get(f"{C}.png").headers["ETag"] != client.get(f"{C}.svg").headers["ETag"]


def test_second_request_is_served_from_the_cache(app):
    c = app.test_client()
    c.get(f"{C}.png?view=reporting")
    from orgpath.web.charts import runner

    with app.app_context():
        calls = runner().stats.calls
    c.get(f"{C}.png?view=reporting")
    with app.app_context():
        assert runner().stats.calls == calls


@pytest.mark.parametrize("query,param", [
    (".exe", "format"), (".svg?view=bogus", "view"), (".svg?rankdir=RL", "rankdir"),
    (".svg?view=path&to=account-manager", "from"), (".svg?view=path&from=account-manager", "to"),
    (".svg?view=focus", "focus"), (".svg?view=focus&focus=account-manager&depth=abc", "depth"),
    (".svg?view=path&from=account-manager&to=vp-of-account-management&alt=9", "alt"),
    (".svg?view=path&from=account-manager&to=vp-of-account-management&by=fast", "by"),
    (".svg?salary=maybe", "salary"), (".svg?download=yes-please", "download"),
    (".svg?lang=fr", "lang"), (".svg?only=everything", "only"),
])
def test_bad_parameters(client, query, param):
    resp = client.get(C + query)
    assert resp.status_code == 400
    assert resp.mimetype == PROBLEM
    assert resp.get_json()["parameter"] == param


def test_unknown_role_and_ladder(client):
    body = client.get(f"{C}.svg?view=focus&focus=acount-manager").get_json()
    assert body["status"] == 404
    assert "account-manager" in body["suggestions"]
    resp = client.get("/ladders/nope/chart.svg")
    assert resp.status_code == 404
    assert resp.mimetype == PROBLEM
    resp = client.get(f"{C}.svg?view=path&from=vp-of-account-management&to=account-manager")
    assert resp.status_code == 404
    assert resp.get_json()["type"].endswith("no-path")


def test_too_large_is_422():
    from orgpath.resources import _bundled
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": str(_bundled("graphs")),
                      "MAX_CHART_ROLES": 3})
    resp = app.test_client().get(f"{C}.svg")
    assert resp.status_code == 422
    assert resp.mimetype == PROBLEM
    assert "render-failed" in resp.get_json()["type"]
    # the ladder page still shows, with a notice instead of the diagram
    page = app.test_client().get("/ladders/account-management")
    assert page.status_code == 200
    assert b"cannot be drawn" in page.data


def test_timeout_is_504():
    from orgpath.resources import _bundled
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": str(_bundled("graphs")),
                      "GRAPHVIZ_TIMEOUT": 1e-6})
    resp = app.test_client().get(f"{C}.png?view=reporting&rankdir=LR")
    assert resp.status_code == 504
    assert resp.get_json()["type"].endswith("render-timeout")


def test_missing_graphviz_is_503(monkeypatch):
    from orgpath.resources import _bundled
    from orgpath.web import create_app

    monkeypatch.setenv("ORGPATH_DOT", "/nonexistent/dot")
    app = create_app({"TESTING": True, "GRAPHS": str(_bundled("graphs"))})
    c = app.test_client()
    resp = c.get(f"{C}.pdf")
    assert resp.status_code == 503
    assert resp.mimetype == PROBLEM
    org = c.get("/orgs/agency/chart.png")  # PNG org charts are still drawn by Graphviz
    assert org.status_code == 503
    assert org.get_json()["type"].endswith("render-unavailable")
    assert c.get("/orgs/agency/chart.svg").status_code == 200  # SVG is written directly
    assert c.get(f"{C}.mmd").status_code == 200  # formats without Graphviz still work
    assert c.get("/ladders/account-management").status_code == 200


@pytest.mark.parametrize("url", [
    f"{C}.%00", f"{C}.svg?view=focus&focus=%00", f"{C}.svg?view=focus&focus=" + "x" * 5000,
    "/ladders/%2e%2e/chart.svg", f"{C}.svg?view=path&from=🦄&to=💼", f"{C}." + "s" * 3000,
    f"{C}.svg?depth=99999999999999999999",
])
def test_weird_chart_requests(client, url):
    resp = client.get(url)
    assert 400 <= resp.status_code < 500
    assert resp.mimetype == PROBLEM
