"""Orgs on the web: pages in both languages, the org API (against OpenAPI), charts, errors."""

from __future__ import annotations

import json
import os
import time
import xml.etree.ElementTree as ET

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OA = "/api/v1/orgs/acme"
PROBLEM = "application/problem+json"


def text(resp) -> str:
    return resp.get_data(as_text=True)


# --- pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("url", ["/", "/orgs/acme", "/orgs/acme?q=assistent",
                                 "/orgs/acme/people/am1", "/orgs/acme/people/vp",
                                 "/orgs/acme/people/pa", "/orgs/acme?root=dir&depth=1"])
def test_org_pages_in_both_languages(org_client, url, lang):
    sep = "&" if "?" in url else "?"
    resp = org_client.get(f"{url}{sep}lang={lang}")
    assert resp.status_code == 200, text(resp)[:300]
    assert f'<html lang="{lang}">' in text(resp)


def test_index_lists_the_org(org_client):
    body = text(org_client.get("/?lang=en"))
    assert 'href="/orgs/acme"' in body
    assert "9 people" in body
    assert "9 personer" in text(org_client.get("/?lang=da"))


def test_org_page_chart_and_search(org_client):
    body = text(org_client.get("/orgs/acme?q=assistent&lang=en"))
    assert "<h1><bdi>Acme Accounts</bdi></h1>" in body
    assert 'href="/orgs/acme/people/pa"' in body
    assert 'href="/orgs/acme/people/aam"' in body
    assert 'xlink:href="/orgs/acme/people/am1"' in body  # boxes link to people
    assert "data-zoom" in body
    assert 'href="/orgs/acme/chart.pdf?pages=1&amp;download=1&amp;lang=en"' in body  # paged PDF
    assert "Eva &lt;Exec&gt;" in body
    assert "Eva <Exec>" not in body
    assert "Nobody matches" in text(org_client.get("/orgs/acme?q=zzzz"))
    da = text(org_client.get("/orgs/acme?lang=da"))
    assert "Organisationsdiagram" in da
    assert "Find en person" in da


def test_org_page_draws_compact_unless_asked_and_links_the_other_layout(org_client):
    def chart_width(body: str) -> float:
        svg = body[body.index("<svg"): body.index("</svg>") + 6]
        return float(ET.fromstring(svg).get("viewBox").split()[2])

    compact = text(org_client.get("/orgs/acme?lang=en"))
    wide = text(org_client.get("/orgs/acme?lang=en&compact=0"))
    assert chart_width(compact) < chart_width(wide)
    assert "Show every team side by side" in compact
    assert "compact=0" in compact
    assert "Stack teams in columns" in wide
    assert "compact=1" in compact.split("chart.svg", 1)[1].split('"', 1)[0]  # exports match
    assert "Vis alle teams side om side" in text(org_client.get("/orgs/acme?lang=da"))


def test_person_page_english(org_client):
    body = text(org_client.get("/orgs/acme/people/am1?lang=en"))
    assert "<h1><bdi>Anna Andersen</bdi></h1>" in body
    # chain of command as breadcrumbs, top first
    crumbs = body[body.index('class="crumbs"'):body.index("</nav>", body.index('class="crumbs"'))]
    assert crumbs.index("Vera Præst") < crumbs.index("Dina Direktør") < crumbs.index("Anna")
    assert 'href="/ladders/account-management/roles/account-manager"' in body
    assert 'id="person-next-roles"' in body
    assert "Lars Leder" in body  # holder of the next role
    assert 'href="mailto:anna@example.com"' in body
    assert "<svg" in body


def test_person_page_danish_shows_kundechef(org_client):
    body = text(org_client.get("/orgs/acme/people/am1?lang=da"))
    assert ">Kundechef</a>" in body
    assert "Ledende kundechef" in body
    assert "Hvem har den" in body


def test_manager_page_lists_reports_and_headcount(org_client):
    body = text(org_client.get("/orgs/acme/people/dir"))
    assert '<dd id="headcount">6</dd>' in body
    assert 'id="direct-reports"' in body
    assert "Bo Berg" in body


def test_person_without_role(org_client):
    assert "has no role on a career ladder" in text(org_client.get("/orgs/acme/people/pa"))


@pytest.mark.parametrize("lang,words", [("en", "Not found"), ("da", "Ikke fundet")])
def test_org_error_pages(org_client, lang, words):
    resp = org_client.get(f"/orgs/acme/people/am3?lang={lang}")
    assert resp.status_code == 404
    assert words in text(resp)
    assert 'href="/orgs/acme/people/am1"' in text(resp)  # suggestion
    resp = org_client.get(f"/orgs/acmee?lang={lang}")
    assert resp.status_code == 404
    assert 'href="/orgs/acme"' in text(resp)


# --- API ---------------------------------------------------------------------------------


def ok(c, url):
    resp = c.get(url)
    assert resp.status_code == 200, text(resp)[:300]
    assert resp.mimetype == "application/json"
    assert resp.headers["ETag"]
    return resp.get_json()


def test_org_api(org_client):
    assert {"id": "acme", "title": "Acme Accounts", "ladder": "account-management",
            "people": 9} in ok(org_client, "/api/v1/orgs")
    data = ok(org_client, OA)
    assert data["roots"] == [{"id": "vp", "name": "Vera Præst", "title": "VP Accounts"}]
    assert data["depth"] == 4
    assert data["managers"] == 3
    found = ok(org_client, OA + "/people?q=SOREN")
    assert [p["id"] for p in found["people"]] == ["assoc"]
    assert ok(org_client, OA + "/people?limit=2")["total"] == 9
    assert len(ok(org_client, OA + "/people?limit=2")["people"]) == 2
    person = ok(org_client, OA + "/people/am1")
    assert person["role"] == {"id": "account-manager", "title": "Account Manager", "level": 3}
    assert person["manager"]["id"] == "dir"
    assert person["headcount"] == 0
    assert ok(org_client, OA + "/people/am1?lang=da")["role"]["title"] == "Kundechef"
    chain = ok(org_client, OA + "/people/aam/chain")
    assert [p["id"] for p in chain["chain"]] == ["aam", "lead", "dir", "vp"]
    reports = ok(org_client, OA + "/people/dir/reports?depth=2")
    assert reports["headcount"] == 6
    assert {r["id"]: r["depth"] for r in reports["reports"]}["aam"] == 2
    assert len(ok(org_client, OA + "/people/dir/reports")["reports"]) == 4
    nxt = ok(org_client, OA + "/people/am1/next-roles?lang=da")
    assert nxt["role"]["title"] == "Kundechef"
    lead = next(n for n in nxt["next"] if n["id"] == "lead-account-manager")
    assert lead["title"] == "Ledende kundechef"
    assert lead["holders"][0]["id"] == "lead"
    assert ok(org_client, OA + "/people/pa/next-roles") == {
        "person": {"id": "pa", "name": "Per Assistent", "title": "Executive Assistant"},
        "ladder": "account-management", "role": None, "next": []}


def test_org_etag_and_304(org_client):
    first = org_client.get(OA + "/people/am1")
    again = org_client.get(OA + "/people/am1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert org_client.get(OA + "/people/am1?lang=da").headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("url,status,param", [
    ("/api/v1/orgs/acmee", 404, None), (OA + "/people/nobody", 404, None),
    (OA + "/people/nobody/chain", 404, None), (OA + "/people/%00/reports", 404, None),
    (OA + "/people/dir/reports?depth=abc", 400, "depth"),
    (OA + "/people/dir/reports?depth=0", 400, "depth"),
    (OA + "/people?limit=0", 400, "limit"), (OA + "/people?q=" + "x" * 500, 400, "q"),
    (OA + "?lang=fr", 400, "lang"), ("/orgs/acme/chart.exe", 400, "format"),
    ("/orgs/acme/chart.svg?pages=1", 400, "pages"),
    ("/orgs/acme/chart.svg?root=dir&around=am1", 400, "around"),
    ("/orgs/acme/chart.svg?depth=-1", 400, "depth"),
    ("/orgs/acme/chart.svg?depth=11", 400, "depth"),  # above max_depth (10)
    (OA + "/people?limit=1001", 400, "limit"),  # above max_people_page (1000)
    (OA + "/people/dir/reports?depth=11", 400, "depth"),
    ("/orgs/acme/chart.svg?root=nobody", 404, None), ("/orgs/nope/chart.svg", 404, None),
    ("/api/v1/orgs/" + "é" * 3000, 404, None),
])
def test_org_errors_are_problems(org_client, url, status, param):
    resp = org_client.get(url)
    assert resp.status_code == status, text(resp)[:300]
    assert resp.mimetype == PROBLEM, text(resp)[:300]
    body = resp.get_json()
    assert body["status"] == status
    assert body["detail"]
    if param:
        assert body["parameter"] == param


def test_empty_values_mean_not_given(org_client):
    assert ok(org_client, OA + "/people?limit=")["total"] == 9
    assert len(ok(org_client, OA + "/people?limit=")["people"]) == 9  # the default, 50
    assert ok(org_client, OA + "/people/dir/reports?depth=")["depth"] == 1
    assert org_client.get("/orgs/acme/chart.json?depth=&download=").status_code == 200


def test_limits_are_the_apps_settings(org_graphs_dir):
    from orgpath.web import create_app

    c = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir), "MAX_DEPTH": 2,
                    "MAX_PEOPLE_PAGE": 3}).test_client()
    assert c.get(OA + "/people?limit=4").status_code == 400
    assert c.get(OA + "/people?limit=3").status_code == 200
    assert c.get(OA + "/people/dir/reports?depth=3").get_json()["parameter"] == "depth"
    assert c.get("/orgs/acme/chart.json?depth=3").status_code == 400
    assert c.get("/orgs/acme/chart.json?depth=2").status_code == 200


def test_unknown_person_suggests(org_client):
    body = org_client.get(OA + "/people/am3").get_json()
    assert body["type"].endswith("person-not-found")
    assert "am1" in body["suggestions"]


# --- charts ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["svg", "png", "pdf", "dot", "json", "pdf?pages=1",
                                   "svg?root=dir&depth=1", "svg?around=lead&compact=1",
                                   "json?lang=da", "svg?download=1"])
def test_org_charts(org_client, query):
    resp = org_client.get(f"/orgs/acme/chart.{query}")
    assert resp.status_code == 200, text(resp)[:300]
    fmt = query.split("?")[0]
    data = resp.data
    if fmt == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        assert b"Eva &lt;Exec&gt;" in data or b"Eva &#60;Exec&#62;" in data
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "png":
        assert data.startswith(b"\x89PNG")
    elif fmt == "json":
        assert len(json.loads(data)["boxes"]) == 9
    if "download=1" in query:
        assert resp.headers["Content-Disposition"] == (
            'attachment; filename="acme-org-en.svg"; filename*=UTF-8\'\'acme-org-en.svg')
    assert resp.headers["ETag"]


def test_org_chart_too_large_is_422(org_graphs_dir):
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                      "MAX_ORG_CHART_PEOPLE": 3})
    resp = app.test_client().get("/orgs/acme/chart.svg")
    assert resp.status_code == 422
    assert resp.mimetype == PROBLEM
    assert app.test_client().get("/orgs/acme").status_code == 200  # page shows a notice


def test_people_file_edit_is_seen(org_client, org_graphs_dir):
    assert org_client.get(OA + "/people/am2").get_json()["name"] == "Bo Berg"
    path = org_graphs_dir / "acme.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Bo Berg", "Bo Bjerg"),
                    encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    # The store's loader thread reads the edit (never a request): wait for it.
    deadline = time.monotonic() + 30
    while org_client.get(OA + "/people/am2").get_json()["name"] != "Bo Bjerg":
        assert time.monotonic() < deadline, "the edit was never served"
        time.sleep(0.05)
    assert b"Bo Bjerg" in org_client.get("/orgs/acme/people/am2").data


# --- OpenAPI -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/api/v1/orgs", OA, OA + "/people", OA + "/people?q=anna", OA + "/people/am1",
    OA + "/people/vp", OA + "/people/am1/chain", OA + "/people/dir/reports?depth=3",
    OA + "/people/am1/next-roles", OA + "/people/pa/next-roles", OA + "/people/nobody",
    OA + "/people/dir/reports?depth=x", "/api/v1/orgs/nope", "/orgs/acme/chart.json",
    "/orgs/acme/chart.svg?root=nobody", "/orgs/acme/layout.json", "/orgs/nope/layout.json",
])
def test_org_answers_match_the_openapi_document(org_client, url):
    import re

    doc = org_client.get("/api/v1/openapi.json").get_json()
    resp = org_client.get(url)
    path = url.split("?")[0]
    candidates = []
    for template in doc["paths"]:
        rx = re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(template))
        if re.fullmatch(rx, path):
            candidates.append(template)
    assert candidates, path
    template = max(candidates, key=lambda t: len(re.sub(r"\{\w+\}", "", t)))
    declared = doc["paths"][template]["get"]["responses"][str(resp.status_code)]
    media = resp.mimetype
    pointer = "/".join(t.replace("~", "~0").replace("/", "~1") for t in (
        "paths", template, "get", "responses", str(resp.status_code), "content", media,
        "schema"))
    assert media in declared["content"]
    registry = Registry().with_resource(
        "urn:doc", Resource.from_contents(doc, default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"urn:doc#/{pointer}"}, registry=registry)
    errors = list(validator.iter_errors(resp.get_json()))
    assert not errors, [e.message[:200] for e in errors[:5]]


def test_people_answers_are_private_and_charts_download_under_any_name(org_graphs_dir):
    """People data never goes to a shared cache; an org file named 日本 downloads cleanly."""
    from orgpath.web import create_app

    (org_graphs_dir / "日本.csv").write_text("id,name,manager_id\n1,Ann,\n2,Bo,1\n",
                                            encoding="utf-8")
    client = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir)}).test_client()
    for url in ("/api/v1/orgs/acme/people/am1", "/orgs/acme/chart.svg"):
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp.headers["Cache-Control"].startswith("private")
    resp = client.get("/orgs/日本/chart.svg?download=1")
    assert resp.status_code == 200
    assert "filename*=UTF-8''%E6%97%A5%E6%9C%AC-org-en.svg" in resp.headers["Content-Disposition"]


def test_org_lists_and_decks_download_from_the_web(org_client):
    """chart.csv, chart.xlsx and chart.pptx come from the same format registry as the charts."""
    import io

    import openpyxl
    from pptx import Presentation

    resp = org_client.get("/orgs/acme/chart.csv?root=dir&download=1")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = resp.get_data(as_text=True).splitlines()
    assert len(rows) == 1 + 7  # the header and Dina's team of seven (dir and six below)
    assert "attachment" in resp.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(org_client.get("/orgs/acme/chart.xlsx").data))
    assert book.active.max_row == 1 + 9
    deck = Presentation(io.BytesIO(org_client.get("/orgs/acme/chart.pptx").data))
    names = {sh.text_frame.text.split("\n")[0] for s in deck.slides for sh in s.shapes
             if sh.has_text_frame}
    assert "Dina Direktør" in names
    refused = org_client.get("/orgs/acme/chart.pptx?around=am1")
    assert refused.status_code == 422
