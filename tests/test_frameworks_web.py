"""Career frameworks over HTTP: the matrix page, API and files (CSV, XLSX, SVG, PDF), the
compare page and API, "what am I missing" on the role page and in the API, paths that
explain themselves, people on the ladder, JSON-LD. Both languages; answers checked
against the OpenAPI document; ``--json`` equal to the API.

Runs on a graphs folder with the fixture framework (two tracks, twelve skills), an org
that uses it, and the bundled ladder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from orgpath.cli import main
from orgpath.resources import default_graphs_dir

DATA = Path(__file__).parent / "data"
P = "/ladders/product-engineering"
API = "/api/v1/ladders/product-engineering"
DOC_URI = "urn:orgpath:openapi"

PEOPLE = """id,name,manager_id,title,role,vacant
d1,Dorthe Dahl,,Director,director-of-engineering,
m1,Mads Møller,d1,Manager,engineering-manager,
s1,Sofie Sørensen,m1,Senior,senior-engineer,
s2,<b>Bo</b> Berg,m1,Senior,senior-engineer,
v1,,m1,Open senior position,senior-engineer,yes
e1,Emil Eriksen,s1,Engineer,engineer-1,
"""


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("graphs")
    shutil.copy(DATA / "ladder-framework.yaml", folder)
    shutil.copy(Path(default_graphs_dir()) / "account-management.yaml", folder)
    (folder / "team.csv").write_text(PEOPLE, encoding="utf-8")
    (folder / "team.org.yaml").write_text("title: Team\nladder: product-engineering\n",
                                          encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def app(graphs):
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(graphs)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def doc(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def html(resp) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:400]
    return resp.get_data(as_text=True)


def check_against_document(doc, template: str, resp) -> None:
    pointer = "/".join(x.replace("~", "~0").replace("/", "~1") for x in (
        "paths", template, "get", "responses", str(resp.status_code), "content", resp.mimetype,
        "schema"))
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"{DOC_URI}#/{pointer}"}, registry=registry)
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(resp.get_json())]
    assert errors == []


# --- the API against the OpenAPI document ------------------------------------------------------

ANSWERS = [
    ("/api/v1/ladders/{ladder}/matrix", API + "/matrix", 200),
    ("/api/v1/ladders/{ladder}/matrix", API + "/matrix?track=manager&category=people&lang=da", 200),
    ("/api/v1/ladders/{ladder}/matrix", API + "/matrix?track=sales", 404),
    ("/api/v1/ladders/{ladder}/matrix", "/api/v1/ladders/nope/matrix", 404),
    ("/api/v1/ladders/{ladder}/compare", API + "/compare?a=engineer-2&b=senior-engineer", 200),
    ("/api/v1/ladders/{ladder}/compare", API + "/compare?a=staff-engineer&b=engineer-1", 200),
    ("/api/v1/ladders/{ladder}/compare", API + "/compare?a=Udvikler+I&b=Udviklingschef&lang=da",
     200),
    ("/api/v1/ladders/{ladder}/compare", API + "/compare?a=engineer-1", 400),
    ("/api/v1/ladders/{ladder}/compare", API + "/compare?a=engineer-1&b=enginer-9", 404),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?from=engineer-1&to=staff-engineer", 200),
    ("/api/v1/ladders/{ladder}/gap",
     API + "/gap?from=engineer-1&to=staff-engineer&have=coding:4&have=testing:3,security:1", 200),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?from=engineering-manager&to=staff-engineer",
     200),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?from=engineer-1&to=staff-engineer&have=codng:2",
     400),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?from=engineer-1&to=staff-engineer&have=coding:9",
     400),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?from=engineer-1&to=staff-engineer&have=coding",
     400),
    ("/api/v1/ladders/{ladder}/gap", API + "/gap?to=staff-engineer", 400),
    ("/ladders/{ladder}/matrix.{format}", P + "/matrix.doc", 400),
    ("/ladders/{ladder}/matrix.{format}", P + "/matrix.csv?category=nope", 404),
]


@pytest.mark.parametrize("template, url, status", ANSWERS)
def test_answers_match_the_openapi_document(client, doc, template, url, status):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    check_against_document(doc, template, resp)


def test_matrix_api_cells(client):
    data = client.get(API + "/matrix?track=ic").get_json()
    assert [r["id"] for r in data["roles"]] == ["engineer-1", "engineer-2", "senior-engineer",
                                                "staff-engineer"]
    assert len(data["skills"]) == 12
    assert data["roles"][3]["levels"]["system-design"] == 4
    assert "hiring" not in data["roles"][0]["levels"]
    assert [s["title"] for s in data["scale"]] == ["Aware", "Practising", "Expert", "Leading"]


def test_gap_api_uses_the_self_assessment(client):
    base = client.get(API + "/gap?from=engineer-1&to=engineer-2").get_json()
    assert {m["id"] for m in base["missing"]} == {"coding", "testing", "operations", "feedback"}
    mine = client.get(API + "/gap?from=engineer-1&to=engineer-2&have=coding:2,testing:3"
                      ).get_json()
    assert {m["id"] for m in mine["missing"]} == {"operations", "feedback"}
    assert mine["have"]["testing"] == 3


def test_no_path_answer_explains(client):
    data = client.get(API + "/compare?a=director-of-engineering&b=engineer-1").get_json()
    assert data["path"] is None
    assert data["no_path"]["reasons"] == ["below", "entry-role"]
    assert data["no_path"]["reverse"][0]["id"] == "engineer-1"


@pytest.mark.parametrize("args, api", [
    (["compare", "engineer-2", "Engineering Manager", "--lang", "da"],
     API + "/compare?a=engineer-2&b=engineering-manager&lang=da"),
    (["compare", "staff-engineer", "engineering-manager"],
     API + "/compare?a=staff-engineer&b=engineering-manager"),
    (["gap", "engineer-1", "staff-engineer", "--have", "coding=3", "--have", "security=2"],
     API + "/gap?from=engineer-1&to=staff-engineer&have=coding:3,security:2"),
    (["gap", "director-of-engineering", "engineer-1", "--lang", "da"],
     API + "/gap?from=director-of-engineering&to=engineer-1&lang=da"),
])
def test_cli_json_equals_the_api(client, graphs, args, api):
    out = CliRunner().invoke(main, ["--graphs", str(graphs), *args, "--ladder",
                                    "product-engineering", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == client.get(api).get_json()


# --- the matrix files ---------------------------------------------------------------------------


def test_matrix_csv_reads_back(client):
    resp = client.get(P + "/matrix.csv?lang=da")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert 'filename="product-engineering-matrix-da.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["rolle", "titel", "spor", "niveau", "Programmering"]
    staff = next(r for r in rows if r[0] == "staff-engineer")
    assert staff[1] == "Staff-udvikler"
    assert staff[rows[0].index("Systemdesign")] == "4"
    assert len(rows) == 7


def test_matrix_xlsx_reads_back(client):
    from openpyxl import load_workbook

    resp = client.get(P + "/matrix.xlsx?track=manager")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:4] == ["role", "title", "track", "level"]
    assert [r[0] for r in rows[1:]] == ["engineering-manager", "director-of-engineering"]
    assert rows[2][rows[0].index("Budgeting")] == 3


def test_matrix_svg_and_pdf_are_drawn(client):
    from pypdf import PdfReader

    svg = client.get(P + "/matrix.svg?lang=da&category=people")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert "Rekruttering" in body
    assert "Programmering" not in body
    pdf = client.get(P + "/matrix.pdf")
    assert pdf.data.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Stakeholder management" in text
    assert "Director of Engineering" in text


def test_matrix_files_escape_spreadsheet_formulas(tmp_path):
    from orgpath.web import create_app

    text = (DATA / "ladder-framework.yaml").read_text(encoding="utf-8")
    text = text.replace("title: {en: Engineer I, da: Udvikler I}",
                        "title: {en: '=HYPERLINK(\"http://x\")', da: Udvikler I}")
    (tmp_path / "ladder-framework.yaml").write_text(text, encoding="utf-8")
    c = create_app({"TESTING": True, "GRAPHS": str(tmp_path)}).test_client()
    rows = list(csv.reader(io.StringIO(c.get(P + "/matrix.csv").data.decode("utf-8-sig"))))
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"


# --- pages -------------------------------------------------------------------------------------

PAGES = [P + "/matrix", P + "/matrix?track=ic&category=craft", P + "/compare",
         P + "/compare?a=senior-engineer&b=engineering-manager",
         P + "/compare?a=staff-engineer&b=engineering-manager",
         P + "/roles/engineer-1?to=staff-engineer&have=coding:2",
         P + "/path?from=director-of-engineering&to=engineer-1",
         "/ladders/account-management/matrix", "/ladders/account-management/compare"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_pages_in_both_languages(client, url, lang):
    body = html(client.get(url + ("&" if "?" in url else "?") + f"lang={lang}"))
    assert f'<html lang="{lang}">' in body


def test_matrix_page_in_danish(client):
    body = html(client.get(P + "/matrix?lang=da&track=manager"))
    assert "<h1>Kompetencematrix</h1>" in body
    assert '<th scope="col" data-skill="hiring">Rekruttering</th>' in body
    assert 'data-role="engineer-1"' not in body
    assert '<abbr title="4 · Førende">4</abbr>' in body
    assert 'option value="manager" selected' in body


def test_matrix_page_shows_headcount_of_the_org_using_the_ladder(client):
    body = html(client.get(P + "/matrix"))
    row = re.search(r'<tr data-role="senior-engineer">.*?</tr>', body, re.S).group(0)
    assert re.search(r'<td class="num" title="People in this role">2</td>', row)


def test_matrix_page_unknown_filter_is_a_friendly_404(client):
    resp = client.get(P + "/matrix?category=sales&lang=en")
    assert resp.status_code == 404
    assert "The ladder has no category &#39;sales&#39; (craft; people; business)." in \
        resp.get_data(as_text=True)


def test_matrix_api_unknown_track_suggests(client):
    problem = client.get(API + "/matrix?track=manger").get_json()
    assert problem["type"] == "urn:orgpath:problem:track-not-found"
    assert problem["suggestions"] == ["manager"]


def test_compare_page_side_by_side(client):
    body = html(client.get(P + "/compare?a=senior-engineer&b=engineering-manager"))
    assert "<strong>track switch</strong>" in body
    assert 'data-skill="hiring" data-change="gained"' in body
    assert 'data-skill="coding" data-change="lowered"' in body
    assert "Hire and grow a team" in body
    assert 'id="compare-path"' in body


def test_compare_page_defaults_to_an_entry_role_and_the_role_above(client):
    body = html(client.get(P + "/compare"))
    assert '<option value="engineer-1" selected>' in body
    assert '<option value="engineer-2" selected>' in body


def test_compare_page_refuses_the_same_role_kindly(client):
    body = html(client.get(P + "/compare?a=engineer-1&b=engineer-1"))
    assert 'id="same-role"' in body
    assert 'id="compare-facts"' not in body


def test_compare_page_without_a_path_explains(client):
    body = html(client.get(P + "/compare?a=engineering-manager&b=staff-engineer&lang=da"))
    assert 'data-reason="other-track"' in body
    assert "<bdi>Staff-udvikler</bdi> nås kun fra et andet spor: <bdi>Specialist</bdi>." in body
    assert 'id="nearest"' in body


def test_role_page_links_to_compare_with_the_next_role(client):
    body = html(client.get(P + "/roles/engineer-2"))
    assert ('href="/ladders/product-engineering/compare?a=engineer-2&amp;b=senior-engineer"'
            in body)


def test_role_page_self_assessment_stays_in_the_url(client):
    body = html(client.get(P + "/roles/engineer-1?to=engineer-2&have=coding:2&have=testing:0"))
    assert '<option value="coding:2" selected>' in body
    assert '<option value="testing:0" selected>' in body
    gap = re.search(r'<table id="gap".*?</table>', body, re.S).group(0)
    assert 'data-skill="coding"' not in gap
    assert 'data-skill="testing"' in gap
    assert 'data-skill="operations"' in gap
    assert 'Set-Cookie' not in str(client.get(P + "/roles/engineer-1?have=coding:2").headers)


def test_role_page_bad_self_assessment_is_a_friendly_400(client):
    resp = client.get(P + "/roles/engineer-1?to=engineer-2&have=coding:9")
    assert resp.status_code == 400
    assert "not on the scale" in resp.get_data(as_text=True)


def test_role_page_shows_skill_titles_and_levels(client):
    body = html(client.get(P + "/roles/senior-engineer?lang=da"))
    li = re.search(r'<li data-skill="system-design">.*?</li>', body, re.S).group(0)
    assert "<strong>Systemdesign</strong>" in li
    assert "2 · Praktiserende" in li


def test_role_page_people_escaped_and_vacancies(client):
    body = html(client.get(P + "/roles/senior-engineer"))
    people = re.search(r'<section aria-labelledby="people-h".*?</section>', body, re.S).group(0)
    assert "2 people hold this role." in people
    assert "1 vacancy." in people
    assert "&lt;b&gt;Bo&lt;/b&gt; Berg" in people
    assert "<b>Bo</b>" not in body


def test_role_page_occupation_json_ld(client):
    body = html(client.get(P + "/roles/engineer-1"))
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Occupation"
    assert data["name"] == "Engineer I"
    assert data["occupationalCategory"] == ["2512", "251200"]
    assert data["estimatedSalary"]["currency"] == "DKK"
    assert data["estimatedSalary"]["minValue"] == 420000
    assert data["skills"] == "Coding, Testing, Feedback"


def test_top_role_offers_no_unreachable_targets(client):
    body = html(client.get(P + "/roles/director-of-engineering"))
    assert 'id="no-targets"' in body
    assert 'id="plan-to"' not in body


def test_path_page_defaults_and_same_role(client):
    body = html(client.get(P + "/path"))
    assert '<select id="path-from" name="from"><option value="director-of-engineering">' in body
    assert re.search(r'id="path-from".*?<option value="engineer-1" selected>', body, re.S)
    assert re.search(r'id="path-to".*?<option value="engineer-2" selected>', body, re.S)
    came = html(client.get(P + "/path", headers={"Referer": f"http://localhost{P}/roles/"
                                                            "senior-engineer"}))
    assert re.search(r'id="path-from".*?<option value="senior-engineer" selected>', came, re.S)
    assert re.search(r'id="path-to".*?<option value="staff-engineer" selected>', came, re.S)
    same = html(client.get(P + "/path?from=engineer-1&to=engineer-1"))
    assert 'id="same-role"' in same
    assert "Best path" not in same


def test_path_page_explains_no_path_and_offers_the_reverse(client):
    body = html(client.get(P + "/path?from=director-of-engineering&to=engineer-1"))
    assert 'data-reason="below"' in body
    assert 'data-reason="entry-role"' in body
    assert re.search(r'id="reverse".*?from=engineer-1', body, re.S)


def test_path_page_steps_tracks_and_interactive_alternatives(client):
    body = html(client.get(P + "/path?from=engineer-1&to=director-of-engineering&lang=en"))
    assert "<td>step 4</td>" in body
    assert "track switch: <bdi>Individual contributor</bdi> → <bdi>Manager</bdi>" in body
    labels = re.findall(r'<div class="zoom" data-zoom tabindex="0" role="group" '
                        r'aria-label="([^"]*)"', body)
    assert len(labels) == 2
    assert len(set(labels)) == 2
    assert labels[1].startswith("Alternative 1: diagram of the path Engineer I")
    assert ">step 4 · 4 years · new track<" not in body  # the last step stays on its track
    assert ">step 4 · 4 years<" in body  # the chart's step label


# --- the bundled ladder ---------------------------------------------------------------------------

B = "/ladders/account-management"


def test_bundled_role_page_names_sources_by_article_title(client):
    body = html(client.get(B + "/roles/account-manager?lang=en"))
    assert "000_d9c63b88a3211052.txt" not in body
    assert '<p class="source">Source: Account Manager</p>' in body
    assert "Account Executive" in html(client.get(B + "/roles/account-executive"))
    assert "001_fe30a5818d833962.txt" not in html(client.get(B + "/roles/account-executive"))


def test_bundled_skills_in_danish_with_levels(client):
    body = html(client.get(B + "/roles/account-manager?lang=da"))
    li = re.search(r'<li data-skill="upselling">.*?</li>', body, re.S).group(0)
    assert "<strong>Mersalg</strong>" in li
    assert "2 · Praktiserende" in li
    assert "Sælger mere til eksisterende kunder" in li
    assert "relationship-management</" not in body  # no raw slugs as text


def test_bundled_danish_lateral_move_word(client):
    body = html(client.get(B + "/roles/account-manager?lang=da"))
    assert "sidelæns skift" in body
    assert "sideskift" not in body
    svg = client.get(B + "/chart.svg?lang=da").get_data(as_text=True)
    assert "sideskift" not in svg


def test_bundled_matrix_and_gap(client):
    data = client.get("/api/v1/ladders/account-management/matrix?lang=da").get_json()
    assert len(data["skills"]) == 18
    vp = next(r for r in data["roles"] if r["id"] == "vp-of-account-management")
    assert vp["levels"] == {"executive-leadership": 3, "strategic-planning": 4,
                            "people-management": 4}
    gap = client.get("/api/v1/ladders/account-management/gap?from=associate-account-manager"
                     "&to=director-of-account-management&have=people-management:1").get_json()
    rows = [(m["id"], m["status"], m["have"], m["required"], m["steps_needing"])
            for m in gap["missing"]]
    assert rows == [("cross-team-coordination", "missing", None, 3, 2),
                    ("customer-retention", "missing", None, 3, 2),
                    ("strategic-planning", "missing", None, 3, 1),
                    ("people-management", "short", 1, 3, 1)]
    assert [r["id"] for r in gap["missing"][0]["built_by"]] == [
        "account-manager", "director-of-account-management"]


def test_bundled_impossible_pairs_explain_themselves(client):
    vp_to_assistant = client.get("/api/v1/ladders/account-management/compare"
                                 "?a=vp-of-account-management&b=assistant-account-manager"
                                 ).get_json()["no_path"]
    assert vp_to_assistant["reasons"] == ["below", "entry-role"]
    director_to_ae = client.get("/api/v1/ladders/account-management/compare"
                                "?a=director-of-account-management&b=account-executive"
                                ).get_json()["no_path"]
    assert director_to_ae["reasons"] == ["below"]
    assert director_to_ae["nearest"][0]["id"] == "vp-of-account-management"
    assert director_to_ae["reverse"][-1]["id"] == "director-of-account-management"


def test_bundled_vp_page_offers_no_unreachable_targets(client):
    body = html(client.get(B + "/roles/vp-of-account-management"))
    assert 'id="no-targets"' in body
    assert 'id="compare-next"' not in body


def test_bundled_planner_opens_on_an_entry_role_and_a_role_above(client):
    body = html(client.get(B + "/path"))
    assert re.search(r'id="path-from".*?<option value="assistant-account-manager" selected>',
                     body, re.S)
    assert re.search(r'id="path-to".*?<option value="associate-account-manager" selected>',
                     body, re.S)
    assert "Best path" in body


def test_ladder_page_links_and_headcount_per_level(client):
    body = html(client.get(P))
    assert 'href="/ladders/product-engineering/matrix"' in body
    assert 'href="/ladders/product-engineering/compare"' in body
    assert '<span class="meta" data-headcount="2">2 people</span>' in body  # level 3: seniors
    assert '<span class="meta" data-headcount="0">0 people</span>' in body  # level 2
    bundled = html(client.get(B))
    assert "data-headcount" not in bundled  # no org of this folder uses the bundled ladder


def test_paths_api_no_path_problem_says_why(client, doc):
    resp = client.get("/api/v1/ladders/product-engineering/paths"
                      "?from=engineering-manager&to=staff-engineer")
    assert resp.status_code == 404
    problem = resp.get_json()
    assert problem["type"] == "urn:orgpath:problem:no-path"
    assert problem["detail"] == (
        "There is no career path from 'engineering-manager' to 'staff-engineer': the target is "
        "reached only from another track (Individual contributor); the target is at the same "
        "level and no sideways move leads there.")
    assert problem["suggestions"] == ["director-of-engineering"]
    check_against_document(doc, "/api/v1/ladders/{ladder}/paths", resp)


def test_role_page_names_holders_only_to_those_who_may_see_the_org(org_graphs_dir):
    """People on the ladder come through the web's one enforcement point (issue #11)."""
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir), "AUTH": "proxy",
                      "TRUSTED_PROXIES": "127.0.0.1"})
    c = app.test_client()
    url = "/ladders/account-management/roles/account-manager?lang=en"
    signed_in = c.get(url, headers={"X-Forwarded-User": "ann"},
                      environ_base={"REMOTE_ADDR": "127.0.0.1"})
    anonymous = c.get(url, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert signed_in.status_code == 200
    assert anonymous.status_code == 200
    assert "Anna Andersen" in signed_in.get_data(as_text=True)
    assert "Anna Andersen" not in anonymous.get_data(as_text=True)
