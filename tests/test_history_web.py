"""History on the web: changes pages, diffs, ?as_of=, headcount and diff charts, the API.

Over the real repository of ``tests/history_repo.py`` (Flask test client, and once
through gunicorn), and over a folder without git.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import urllib.request
from pathlib import Path

import pytest


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_history_{name}",
                                                  Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


history_repo = _load("history_repo")
live = _load("conftest")  # start_gunicorn, wait_for, stop, free_port


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return history_repo.make_repo(tmp_path_factory.mktemp("history-web"))


@pytest.fixture(scope="module")
def client(repo):
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(repo / "graphs")}).test_client()


@pytest.fixture(scope="module")
def nogit_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nogit") / "graphs"
    folder.mkdir()
    (folder / "sales.yaml").write_text(history_repo.LADDER_1, encoding="utf-8")
    (folder / "acme.csv").write_text(history_repo.ORG_1, encoding="utf-8")
    (folder / "acme.org.yaml").write_text(history_repo.MANIFEST_1, encoding="utf-8")
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(folder)}).test_client()


def html(resp) -> str:
    return resp.get_data(as_text=True)


# --- pages ------------------------------------------------------------------------------


def test_org_changes_page_lists_commits_with_summaries(client):
    r = client.get("/orgs/acme/changes")
    assert r.status_code == 200
    page = html(r)
    assert "Rename the org" in page
    assert "Hire Hana, open a position, Dan leaves" in page
    assert 'data-category="promoted"' in page
    assert "Test Author" in page
    assert "2024-03-20" in page
    assert 'id="headcount-chart"' in page
    assert "/orgs/acme/headcount.svg?lang=en&amp;department=Growth" in page


def test_ladder_changes_page(client):
    page = html(client.get("/ladders/sales/changes"))
    assert "Ladder: rename mid, chief replaces head" in page
    assert 'data-category="renamed-roles"' in page


def test_changes_page_in_danish(client):
    page = html(client.get("/orgs/acme/changes?lang=da"))
    assert "Ændringer i Acme Sales &amp; Growth" in page
    assert "forfremmet" in page


def test_diff_page_shows_the_diff_in_full(client):
    r = client.get("/orgs/acme/changes?from=2024-01-10&to=2024-03-20")
    assert r.status_code == 200
    page = html(r)
    for category in ("joined", "left", "moved", "promoted", "retitled", "department-changed",
                     "dotted-added"):
        assert f'<tr data-category="{category}">' in page, category
    assert "Hana &lt;New&gt;" in page  # escaped
    assert "Hana <New>" not in page
    assert 'id="diff-chart"' in page
    assert 'id="teams"' in page


def test_ladder_diff_page(client):
    page = html(client.get("/ladders/sales/changes?from=HEAD~4&to=HEAD"))
    assert '<tr data-category="renamed-roles">' in page
    assert '<tr data-category="moves-changed">' in page
    assert 'id="diff-chart"' not in page


def test_bad_revision_on_a_page_is_a_friendly_400(client):
    r = client.get("/orgs/acme/changes?from=HEAD;rm")
    assert r.status_code == 400
    assert r.mimetype == "text/html"
    assert "is not a revision" in html(r)


def test_unknown_revision_on_a_page(client):
    r = client.get("/orgs/acme/changes?from=nope")
    assert r.status_code == 400
    assert "unknown revision" in html(r)


# --- as_of on existing routes -------------------------------------------------------------


def test_as_of_on_the_org_api(client):
    now = client.get("/api/v1/orgs/acme").get_json()
    jan = client.get("/api/v1/orgs/acme?as_of=2024-01-31").get_json()
    assert now["title"] == "Acme Sales & Growth"
    assert jan["title"] == "Acme Sales"
    assert jan["people"] == 6
    assert jan["version"] != now["version"]


def test_as_of_on_a_person(client):
    gone = client.get("/api/v1/orgs/acme/people/d1?as_of=2024-01-31")
    assert gone.status_code == 200
    assert gone.get_json()["name"] == "Dan Gone"
    assert client.get("/api/v1/orgs/acme/people/d1").status_code == 404


def test_as_of_on_the_org_page_and_chart(client):
    page = html(client.get("/orgs/acme?as_of=2024-01-31"))
    assert "Dan Gone" in page
    svg = client.get("/orgs/acme/chart.svg?as_of=2024-01-31")
    assert svg.status_code == 200
    assert "Dan Gone" in svg.get_data(as_text=True)
    assert "Dan Gone" not in client.get("/orgs/acme/chart.svg").get_data(as_text=True)


def test_as_of_on_the_ladder_api_and_page(client):
    roles = client.get("/api/v1/ladders/sales/roles?as_of=2024-02-01").get_json()
    assert "head" in [r["id"] for r in roles]
    assert "chief" not in [r["id"] for r in roles]
    assert client.get("/ladders/sales?as_of=2024-02-01").status_code == 200
    chart = client.get("/ladders/sales/chart.svg?as_of=2024-02-01").get_data(as_text=True)
    assert "Sales Rep" in chart


@pytest.mark.parametrize("url, status", [
    ("/api/v1/orgs/acme?as_of=2024-13-01", 400),
    ("/api/v1/orgs/acme?as_of=yesterday", 400),
    ("/api/v1/orgs/acme?as_of=2023-01-01", 404),
])
def test_as_of_problems(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert r.mimetype == "application/problem+json"


# --- the API --------------------------------------------------------------------------------


def test_changes_api(client):
    data = client.get("/api/v1/orgs/acme/changes").get_json()
    assert data["total"] == 4
    assert [c["message"] for c in data["changes"]][-1] == "First ladder and org"
    assert data["changes"][1]["summary"]["promoted"] == 1
    assert data["changes"][-1]["previous"] is None
    paged = client.get("/api/v1/orgs/acme/changes?offset=1&limit=1").get_json()
    assert [c["message"] for c in paged["changes"]] == [data["changes"][1]["message"]]


def test_diff_api(client):
    data = client.get("/api/v1/orgs/acme/diff?from=HEAD~4&to=HEAD").get_json()
    assert data["summary"]["joined"] == 2
    assert data["from"]["date"].startswith("2024-01-10")
    ladder = client.get("/api/v1/ladders/sales/diff?from=2024-01-10").get_json()
    assert ladder["summary"]["level-changed"] == 1


def test_diff_api_needs_from(client):
    r = client.get("/api/v1/orgs/acme/diff")
    assert r.status_code == 400
    assert r.get_json()["parameter"] == "from"


def test_headcount_api(client):
    data = client.get("/api/v1/orgs/acme/headcount").get_json()
    assert [p["people"] for p in data["points"]] == [6, 6, 7, 7]
    assert data["points"][1]["departments"] == {"Sales": 5, "Support": 1}
    growth = client.get("/api/v1/orgs/acme/headcount?department=Growth").get_json()
    assert [p["people"] for p in growth["points"]] == [0, 0, 1, 1]
    bad = client.get("/api/v1/orgs/acme/headcount?department=Nope")
    assert bad.status_code == 400


# --- charts -------------------------------------------------------------------------------


def test_headcount_chart_svg_and_png(client):
    svg = client.get("/orgs/acme/headcount.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert "Acme Sales &amp; Growth" in text
    assert "Support" in text
    png = client.get("/orgs/acme/headcount.png?department=Sales")
    assert png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    img = Image.open(io.BytesIO(png.get_data()))
    assert img.width > 300


def test_diff_chart_colours_and_ghosts(client):
    r = client.get("/orgs/acme/diff-chart.svg?from=2024-01-10&to=2024-03-20")
    assert r.status_code == 200
    svg = r.get_data(as_text=True)
    assert "Dan Gone" in svg  # the ghost of who left
    assert "Hana &lt;New&gt;" in svg
    for colour in ("#d9f2d9", "#dbe8fb", "#fff1c7", "#f4f4f4"):  # joined, moved, retitled, left
        assert colour in svg, colour
    for label in ("Joined", "Moved", "New title or role", "Left", "Unchanged"):  # the legend
        assert f">{label}</text>" in svg, label


def test_diff_chart_pdf_text(client):
    from pypdf import PdfReader

    r = client.get("/orgs/acme/diff-chart.pdf?from=2024-01-10&to=2024-03-20&lang=da")
    assert r.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(r.get_data())).pages[0].extract_text()
    assert "Dan Gone" in text
    assert "Ansat" in text  # the legend, in Danish


def test_diff_chart_respects_the_people_limit(repo):
    from orgpath.web import create_app

    c = create_app({"TESTING": True, "GRAPHS": str(repo / "graphs"),
                    "MAX_ORG_CHART_PEOPLE": 3}).test_client()
    r = c.get("/orgs/acme/diff-chart.svg?from=HEAD~4")
    assert r.status_code == 422
    assert "the limit is 3" in r.get_json()["detail"]


def test_chart_format_is_checked(client):
    r = client.get("/orgs/acme/headcount.gif")
    assert r.status_code == 400
    assert r.get_json()["allowed"] == ["svg", "png"]


# --- without git --------------------------------------------------------------------------


def test_without_git_the_pages_say_so(nogit_client):
    r = nogit_client.get("/orgs/acme/changes")
    assert r.status_code == 200
    assert 'id="no-history"' in html(r)
    assert nogit_client.get("/ladders/sales/changes").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/orgs/acme/changes", "/api/v1/orgs/acme/diff?from=HEAD",
                                 "/api/v1/orgs/acme/headcount", "/orgs/acme/headcount.svg",
                                 "/api/v1/orgs/acme?as_of=2024-01-01"])
def test_without_git_the_api_answers_a_problem(nogit_client, url):
    r = nogit_client.get(url)
    assert r.status_code == 404
    assert r.get_json()["type"] == "urn:orgpath:problem:history-unavailable"


def test_without_git_everything_else_works(nogit_client):
    assert nogit_client.get("/api/v1/orgs/acme").get_json()["people"] == 6
    assert nogit_client.get("/orgs/acme").status_code == 200


# --- the real server --------------------------------------------------------------------------


def test_history_through_gunicorn(repo, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(repo, folder)  # the server reads its own copy of the repository
    port = live.free_port()
    proc = live.start_gunicorn(folder / "graphs", port, workers=1, log=tmp_path / "log")
    base = f"http://127.0.0.1:{port}"
    try:
        live.wait_for(base + "/healthz", proc)
        with urllib.request.urlopen(base + "/orgs/acme/changes") as resp:
            assert "Rename the org" in resp.read().decode()
        with urllib.request.urlopen(base + "/orgs/acme/headcount.png") as resp:
            assert resp.read()[:4] == b"\x89PNG"
        with urllib.request.urlopen(base + "/api/v1/orgs/acme?as_of=2024-01-31") as resp:
            assert b'"people":6' in resp.read()
    finally:
        live.stop(proc)
