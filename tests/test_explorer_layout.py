"""``/orgs/<org>/layout.json``: the whole org laid out for the explorer, gzipped columns."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

from tests.conftest import REPO

URL = "/orgs/acme/layout.json"
GZ = {"Accept-Encoding": "gzip, deflate"}


def test_layout_is_gzipped_for_browsers_and_plain_for_others(org_client):
    zipped = org_client.get(URL, headers=GZ)
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    plain = org_client.get(URL)
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()


def test_layout_columns_are_preorder_with_parents_and_boxes(org_client):
    d = org_client.get(URL).get_json()
    n = len(d["ids"])
    assert n == 9
    for col in ("names", "titles", "dept", "x", "y", "parent"):
        assert len(d[col]) == n, col
    assert d["ids"][0] == "vp"
    assert d["parent"][0] == -1
    for i in range(1, n):
        assert 0 <= d["parent"][i] < i  # a manager comes before their reports
    by_id = dict(zip(d["ids"], range(n), strict=True))
    assert d["ids"][d["parent"][by_id["am1"]]] == "dir"
    assert d["names"][by_id["ae"]] == "Eva <Exec>"  # data, escaped by the client (textContent)
    assert d["departments"][d["dept"][by_id["ae"]]] == "Sales"
    w, h = d["box"]
    boxes = [(d["x"][i], d["y"][i]) for i in range(n)]
    for a in range(n):
        for b in range(a + 1, n):
            (xa, ya), (xb, yb) = boxes[a], boxes[b]
            overlap = xa < xb + w and xb < xa + w and ya < yb + h and yb < ya + h
            assert not overlap, (d["ids"][a], d["ids"][b])
    assert max(d["x"]) + w <= d["width"]
    assert max(d["y"]) + h <= d["height"]


def test_layout_is_private_cached_and_answers_304(org_client):
    first = org_client.get(URL, headers=GZ)
    assert first.headers["Cache-Control"].startswith("private")
    again = org_client.get(URL, headers={**GZ, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_org_is_a_404_problem(org_client):
    resp = org_client.get("/orgs/nope/layout.json")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_the_org_page_offers_the_explorer_and_keeps_the_server_chart(org_client):
    html = org_client.get("/orgs/acme").get_data(as_text=True)
    assert 'data-layout="/orgs/acme/layout.json"' in html
    assert '<input id="explorer-q" type="search"' in html
    assert 'id="static-chart"' in html
    assert "<svg" in html  # the chart without JavaScript
    assert "/static/vendor/d3-zoom.bundle.min.js" in html


def test_20000_people_fit_the_payload_budget(tmp_path):
    """3 MB for 100,000 people is 0.6 MB for 20,000 (the benchmark measures 100,000)."""
    from orgpath.web import create_app

    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    "20000", "--seed", "1", "-o", str(tmp_path / "big.csv")], check=True)
    client = create_app({"TESTING": True, "GRAPHS": str(tmp_path)}).test_client()
    resp = client.get("/orgs/big/layout.json", headers=GZ)
    assert resp.status_code == 200
    assert len(resp.data) <= 0.6 * 2**20
    assert len(json.loads(gzip.decompress(resp.data))["ids"]) == 20000
