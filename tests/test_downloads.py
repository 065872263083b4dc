"""Downloads (issue #10): names by org, view and language; PNGs at a resolution; and pages that
never link a download the server would refuse for its size (they say why and give the command).

Real Graphviz through the Flask test client; PNG sizes read from the file's header.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from orgpath.web import create_app

from .conftest import bundled_graphs

L = "/ladders/account-management"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def make(**config):
    return create_app({"TESTING": True, "GRAPHS": str(bundled_graphs()), **config}).test_client()


@pytest.fixture(scope="module")
def client():
    return make()


def download_links(html: str, list_id: str) -> list[str]:
    block = re.search(rf'<ul class="exports" id="{list_id}">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', block.group(1))]


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize("url, name", [
    ("/orgs/agency/chart.pdf?root=a12&download=1&lang=da", "agency-org-a12-da.pdf"),
    ("/orgs/agency/chart.svg?root=a02&depth=1&download=1&lang=en", "agency-org-a02-d1-en.svg"),
    ("/orgs/agency/chart.svg?around=a12&download=1&lang=da", "agency-org-a12-da.svg"),
    ("/orgs/agency/chart.pdf?pages=1&download=1&lang=da", "agency-org-pages-da.pdf"),
    ("/orgs/agency/chart.png?dpi=144&root=a12&download=1&lang=en",
     "agency-org-a12-en-144dpi.png"),
    (f"{L}/chart.svg?view=path&from=account-manager&to=vp-of-account-management&download=1"
     "&lang=da", "account-management-path-da.svg"),
    (f"{L}/chart.svg?view=focus&focus=account-manager&download=1&lang=en",
     "account-management-focus-account-manager-en.svg"),
])
def test_downloads_are_named_by_org_view_person_and_language(client, url, name):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}")


def test_download_names_keep_to_safe_characters(tmp_path: Path):
    import shutil

    folder = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    (folder / "odd.csv").write_text('id,name,manager_id\n"a/b c",Ann,\n2,Bo,"a/b c"\n',
                                    encoding="utf-8")
    c = create_app({"TESTING": True, "GRAPHS": str(folder)}).test_client()
    resp = c.get("/orgs/odd/chart.svg?root=a%2Fb%20c&download=1&lang=en")
    assert resp.status_code == 200
    assert 'filename="odd-org-a_b_c-en.svg"' in resp.headers["Content-Disposition"]


# --- PNG resolution -------------------------------------------------------------------------


@pytest.mark.parametrize("base", [f"{L}/chart.png?x=1", "/orgs/agency/chart.png?root=a02"])
def test_png_grows_with_dpi_and_scale(client, base):
    plain = png_size(client.get(base).data)
    double = png_size(client.get(base + "&dpi=192").data)
    half = png_size(client.get(base + "&scale=0.5").data)
    assert double[0] > plain[0] * 1.7
    assert double[1] > plain[1] * 1.7
    assert half[0] < plain[0] * 0.6
    assert png_size(client.get(base + "&scale=2").data) == double


@pytest.mark.parametrize("url, parameter", [
    (f"{L}/chart.png?dpi=abc", "dpi"), (f"{L}/chart.png?dpi=0", "dpi"),
    (f"{L}/chart.png?dpi=601", "dpi"), (f"{L}/chart.png?scale=-1", "scale"),
    (f"{L}/chart.png?scale=7", "scale"), (f"{L}/chart.png?scale=two", "scale"),
    (f"{L}/chart.png?dpi=100&scale=2", "scale"), (f"{L}/chart.svg?dpi=100", "dpi"),
    ("/orgs/agency/chart.pdf?scale=2", "scale"), ("/orgs/agency/chart.png?dpi=1e3", "dpi"),
])
def test_bad_resolutions_are_400_naming_the_parameter(client, url, parameter):
    resp = client.get(url)
    assert resp.status_code == 400
    assert resp.get_json()["parameter"] == parameter


@pytest.mark.parametrize("url, parameter", [
    ("/orgs/agency/chart.png?dpi=300", "dpi"), (f"{L}/chart.png?scale=3", "scale")])
def test_png_over_the_pixel_budget_is_422_naming_parameter_and_limit(url, parameter):
    c = make(MAX_PNG_PIXELS=2_000_000)
    resp = c.get(url)
    assert resp.status_code == 422
    problem = resp.get_json()
    assert problem["parameter"] == parameter
    assert "2,000,000" in problem["detail"]
    assert "max_png_pixels" in problem["detail"]
    assert "orgpath export" in problem["detail"]
    fits = int(re.search(r"At most dpi=(\d+)", problem["detail"]).group(1))
    ok = c.get(re.sub(r"(dpi|scale)=[\d.]+", f"dpi={fits}", url))
    assert ok.status_code == 200
    width, height = png_size(ok.data)
    assert width * height <= 2_000_000


def test_openapi_declares_the_resolution(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in (f"{L.replace('account-management', '{ladder}')}/chart.png",
                 "/orgs/{org}/chart.png"):
        params = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
        assert params["dpi"]["schema"]["anyOf"][0]["maximum"] == 600
        assert "scale" in params
        assert "422" in doc["paths"][path]["get"]["responses"]


def test_cli_export_takes_dpi_and_scale(runner, tmp_path):
    from orgpath.cli import main

    g = ["--graphs", str(bundled_graphs())]
    sizes = {}
    for name, extra in (("plain", []), ("dpi", ["--dpi", "192"]), ("scale", ["--scale", "2"])):
        out = tmp_path / f"{name}.png"
        r = runner.invoke(main, [*g, "export", "ladder", *extra, "-o", str(out)])
        assert r.exit_code == 0, r.output
        sizes[name] = png_size(out.read_bytes())
    assert sizes["dpi"] == sizes["scale"]
    assert sizes["dpi"][0] > sizes["plain"][0] * 1.7
    out = tmp_path / "team.png"
    r = runner.invoke(main, [*g, "export", "org", "--people", "agency", "--root", "a02",
                             "--dpi", "48", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert png_size(out.read_bytes())[0] < 0.6 * png_size(
        make().get("/orgs/agency/chart.png?root=a02").data)[0]
    r = runner.invoke(main, [*g, "export", "org", "--people", "agency", "--dpi", "200",
                             "-o", str(tmp_path / "x.svg")])
    assert r.exit_code == 2
    assert "--dpi and --scale are for PNG" in r.output
    assert not (tmp_path / "x.svg").exists()


# --- a link is never offered for something the server will refuse -------------------------


@pytest.mark.parametrize("config, refused", [
    ({}, set()),
    ({"MAX_ORG_CHART_PEOPLE": 10},
     {"svg", "png", "pdf", "dot", "json", "pptx", "csv", "xlsx"}),
    # 15 managers: 15 pages and 15 slides, just over 14 and just at 15
    ({"MAX_ORG_PDF_PAGES": 14}, {"pdf-pages", "pptx"}),
    ({"MAX_ORG_PDF_PAGES": 15}, set()),
])
def test_org_page_links_only_what_the_server_answers(config, refused):
    c = make(**config)
    html = c.get("/orgs/agency?lang=en").get_data(as_text=True)
    links = download_links(html, "org-downloads")
    for href in links:
        assert c.get(href).status_code == 200, href
    said = set(" ".join(re.findall(r'data-refused="([^"]+)"', html)).split())
    assert said == refused
    assert len(links) + len(said) == 9
    if refused:
        assert "Make it without the server:" in html
        assert "orgpath export org --people agency" in html


def test_a_refused_download_would_really_be_refused():
    c = make(MAX_ORG_PDF_PAGES=14)
    assert c.get("/orgs/agency/chart.pdf?pages=1&download=1").status_code == 422
    html = c.get("/orgs/agency?lang=en").get_data(as_text=True)
    assert "ORGPATH_MAX_ORG_PDF_PAGES=15 orgpath export org --people agency --pages " \
           "per-manager" in html
    c = make(MAX_ORG_CHART_PEOPLE=10)
    problem = c.get("/orgs/agency/chart.svg").get_json()
    assert "Make it without the server: orgpath export org --people agency" in problem["detail"]


@pytest.mark.parametrize("page", ["", "/reporting", "/roles/account-manager",
                                  "/path?from=account-manager&to=vp-of-account-management"])
def test_ladder_pages_link_only_what_the_server_answers(page):
    c = make(MAX_CHART_ROLES=3)
    html = c.get(f"{L}{page}{'&' if '?' in page else '?'}lang=en").get_data(as_text=True)
    assert 'download data-format' not in html
    assert 'data-refused="svg"' in html
    assert "max_chart_roles" in html
    assert "orgpath export" in html
    for href in re.findall(r'href="(/ladders/[^"]*chart\.[^"]*)"', html):
        assert c.get(href.replace("&amp;", "&")).status_code == 200
    open_html = make().get(f"{L}{page}").get_data(as_text=True)
    assert 'data-refused' not in open_html
    assert 'download data-format="png"' in open_html


@pytest.mark.parametrize("limit, offered", [(3, True), (2, False)])
def test_paged_pdf_link_counts_pages_of_wide_teams(tmp_path: Path, limit, offered):
    """One manager with 45 reports fills three A4 pages: the page knows it, as the server does."""
    import shutil

    folder = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    rows = ["id,name,manager_id", "m,Mona Manager,"]
    rows += [f"r{i:02d},Report {i:02d},m" for i in range(45)]
    (folder / "wide.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    c = create_app({"TESTING": True, "GRAPHS": str(folder),
                    "MAX_ORG_PDF_PAGES": limit}).test_client()
    html = c.get("/orgs/wide?lang=en").get_data(as_text=True)
    links = [h for h in download_links(html, "org-downloads") if "pages=1" in h]
    assert bool(links) is offered
    status = c.get("/orgs/wide/chart.pdf?pages=1&download=1").status_code
    assert status == (200 if offered else 422)
    if not offered:
        assert 'data-refused="pdf-pages' in html


def test_the_command_offered_for_a_refused_ladder_chart_works(tmp_path: Path):
    """The CLI reads max_chart_roles too; the page's command raises it for that one run."""
    import html as htmllib
    import os
    import shlex
    import subprocess
    import sys

    page = make(MAX_CHART_ROLES=3).get(f"{L}?lang=en").get_data(as_text=True)
    command = next(htmllib.unescape(c) for c in re.findall(r"<code>([^<]*)</code>", page)
                   if "orgpath export" in c and c.rstrip().endswith(".svg"))
    words = shlex.split(command)
    assign, exe, args = words[0], words[1], words[2:]
    assert exe == "orgpath"
    assert assign.startswith("ORGPATH_MAX_CHART_ROLES=")
    env = {**os.environ, "ORGPATH_GRAPHS": str(bundled_graphs()),
           "ORGPATH_MAX_CHART_ROLES": "3"}
    run = [sys.executable, "-m", "orgpath", *args]
    refused = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "at most 3 can be drawn" in refused.stderr  # the setting, not a literal of its own
    key, value = assign.split("=", 1)
    done = subprocess.run(run, cwd=tmp_path, env={**env, key: value}, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / args[-1]).read_bytes().lstrip().startswith((b"<?xml", b"<svg"))
