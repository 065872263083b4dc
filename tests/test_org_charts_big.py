"""Org charts of every format through HTTP, up to the configured maximum of people.

A 20,000-person org (``benchmarks/make_org.py --people 20000``) is the default
``max_org_chart_people``: every format answers 200 with a whole file. A lower
limit set as a setting answers 422 with a problem that says why.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from orgpath.settings import BY_NAME
from orgpath.web import create_app

REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
BIG = BY_NAME["max_org_chart_people"].default


def make_org(folder: Path, people: int, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.csv"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    str(people), "--seed", "1", "-o", str(out)], check=True)
    return folder


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    folder = make_org(tmp_path_factory.mktemp("big"), BIG, "big")
    # The request budget is a separate matter (tests/test_web_hygiene.py): here every format
    # must be drawable at the size limit, however busy the machine running the suite is.
    return create_app({"TESTING": True, "GRAPHS": str(folder),
                       "REQUEST_BUDGET": 600.0}).test_client()


def nodes(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


@pytest.mark.slow
def test_svg_of_the_largest_org(big_client):
    r = big_client.get("/orgs/big/chart.svg")
    assert r.status_code == 200
    assert r.mimetype == "image/svg+xml"
    assert len(nodes(ET.fromstring(r.data))) == BIG


@pytest.mark.slow
def test_png_of_the_largest_org_is_scaled_to_fit(big_client):
    r = big_client.get("/orgs/big/chart.png")
    assert r.status_code == 200
    assert r.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.data.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", r.data[16:24])
    assert 0 < width <= 32_767
    assert 0 < height <= 32_767
    assert width * height <= BY_NAME["max_png_pixels"].default


@pytest.mark.slow
def test_pdf_of_the_largest_org(big_client):
    r = big_client.get("/orgs/big/chart.pdf")
    assert r.status_code == 200
    assert len(pypdf.PdfReader(io.BytesIO(r.data)).pages) == 1


@pytest.mark.slow
def test_dot_of_the_largest_org(big_client):
    r = big_client.get("/orgs/big/chart.dot")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/vnd.graphviz; charset=utf-8"
    text = r.data.decode("utf-8")
    assert text.startswith("digraph org {")
    assert text.count('label="') == BIG


@pytest.mark.slow
def test_json_of_the_largest_org(big_client):
    r = big_client.get("/orgs/big/chart.json")
    assert r.status_code == 200
    data = json.loads(r.data)
    assert len(data["boxes"]) == BIG
    assert len({b["id"] for b in data["boxes"]}) == BIG


@pytest.mark.slow
def test_deep_part_of_the_largest_org(big_client):
    r = big_client.get("/orgs/big/chart.svg?depth=8")
    assert r.status_code == 200
    assert len(nodes(ET.fromstring(r.data))) == BIG  # eight levels hold everyone


def test_a_lower_limit_answers_422(tmp_path):
    folder = make_org(tmp_path / "graphs", 60, "small")
    client = create_app({"TESTING": True, "GRAPHS": str(folder),
                         "MAX_ORG_CHART_PEOPLE": 50}).test_client()
    for fmt in ("svg", "png", "pdf", "dot", "json"):
        r = client.get(f"/orgs/small/chart.{fmt}")
        assert r.status_code == 422, fmt
        problem = r.get_json()
        assert problem["type"] == "urn:orgpath:problem:render-failed"
        assert "60 people, more than the limit of 50" in problem["detail"]
    assert client.get("/orgs/small/chart.svg?depth=1").status_code == 200


def test_the_limit_from_the_environment(tmp_path, monkeypatch):
    folder = make_org(tmp_path / "graphs", 60, "small")
    monkeypatch.setenv("ORGPATH_MAX_ORG_CHART_PEOPLE", "50")
    client = create_app({"TESTING": True, "GRAPHS": str(folder)}).test_client()
    r = client.get("/orgs/small/chart.svg")
    assert r.status_code == 422
    assert "more than the limit of 50" in r.get_json()["detail"]
