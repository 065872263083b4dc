"""The org list view (issue #10): /orgs/<org>/people, its CSV, the paged people API and search.

Everything through the Flask test client over a tmp graphs folder: the bundled
graphs, an org of 1,200 people with 26 namesakes ("Søren Jensen"), an org whose
texts start like spreadsheet formulas, and the access-controlled "secret" org of
``test_access.py`` (emails and vacancies for group ``hr`` only, a person who objected).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser

import pytest

from orgpath import org as orgq
from orgpath.text import fold
from orgpath.web import create_app

from .conftest import bundled_graphs
from .test_access import SECRET_MANIFEST, _secret_csv, proxy_headers

BIG = 1200
NAMESAKES = 26
DEPTS = [f"Dept {i:02d}" for i in range(1, 25)]


def _big_csv() -> str:
    rows = ["id,name,manager_id,title,department,email"]
    rows.append("b0000,Chief Boss,,CEO,Board,boss@big.example")
    for i, dept in enumerate(DEPTS, start=1):
        rows.append(f"b{i:04d},Head {i:02d},b0000,Head of {dept},{dept},h{i}@big.example")
    for n in range(len(DEPTS) + 1, BIG):
        head = 1 + n % len(DEPTS)
        name = "Søren Jensen" if n <= len(DEPTS) + NAMESAKES else f"Person {n:04d}"
        rows.append(f"b{n:04d},{name},b{head:04d},Consultant,{DEPTS[head - 1]},")
    return "\n".join(rows) + "\n"


HOSTILE_CSV = ('id,name,manager_id,title,department\n'
               'h1,=HYPERLINK("http://evil.example"),,+SUM(A1),@cmd\n'
               'h2,-2+3,h1,Plain,Ops\n')


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("list") / "graphs"
    shutil.copytree(bundled_graphs(), d)
    (d / "big.csv").write_text(_big_csv(), encoding="utf-8")
    (d / "hostile.csv").write_text(HOSTILE_CSV, encoding="utf-8")
    (d / "secret.csv").write_text(_secret_csv(), encoding="utf-8")
    (d / "secret.org.yaml").write_text(SECRET_MANIFEST, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def app(folder):
    return create_app({"TESTING": True, "GRAPHS": str(folder)})


@pytest.fixture
def client(app):
    return app.test_client()


def body(resp) -> str:
    return resp.get_data(as_text=True)


class _Rows(HTMLParser):
    """The person ids of the table's rows and the download list's links, in order."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.sorted: dict[str, str] = {}
        self.links: list[str] = []
        self._in_downloads = False
        self._th_sort: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-person-id" in a:
            self.ids.append(a["data-person-id"])
        if tag == "th" and "aria-sort" in a:
            self._th_sort = a["aria-sort"]
        if tag == "a" and self._th_sort and "data-sort" in a:
            self.sorted[a["data-sort"]] = self._th_sort
            self._th_sort = None
        if tag == "ul" and a.get("id") in ("list-downloads", "org-downloads"):
            self._in_downloads = True
        if tag == "a" and self._in_downloads:
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_downloads = False


def parse(resp) -> _Rows:
    assert resp.status_code == 200, body(resp)[:500]
    p = _Rows()
    p.feed(body(resp))
    return p


def csv_rows(resp) -> list[list[str]]:
    assert resp.status_code == 200, body(resp)[:500]
    return list(csv.reader(io.StringIO(body(resp))))


# --- the HTML table -------------------------------------------------------------------------


def test_org_page_links_the_list(client):
    assert 'href="/orgs/agency/people"' in body(client.get("/orgs/agency?lang=en"))


def test_list_shows_everyone_with_count_and_columns(client):
    resp = client.get("/orgs/agency/people?lang=en")
    rows = parse(resp)
    assert len(rows.ids) == 40
    text = body(resp)
    assert "1–40 of 40 people" in text
    for header in ("Name", "Department", "Manager", "Direct reports", "Email"):
        assert f">{header}</a></th>" in text
    # a row: the name links to the person page, the manager to theirs, the role to the ladder
    assert 'href="/orgs/agency/people/a06"' in text
    assert 'href="/ladders/account-management/roles/director-of-account-management"' in text


def test_pages_have_prev_and_next_and_count(client):
    first = client.get("/orgs/big/people?per_page=100&lang=en")
    text = body(first)
    assert "1–100 of 1,200 people" in text
    assert 'rel="next"' in text
    assert 'rel="prev"' not in text
    second = parse(client.get("/orgs/big/people?per_page=100&page=2&lang=en"))
    assert len(second.ids) == 100
    assert set(second.ids).isdisjoint(parse(first).ids)
    last = body(client.get("/orgs/big/people?per_page=100&page=12&lang=en"))
    assert "1,101–1,200 of 1,200 people" in last
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last


def test_sort_by_column_both_ways_with_aria_sort(client, app):
    G = app.extensions["orgpath"].entry("org", "agency").graph
    up = parse(client.get("/orgs/agency/people?sort=headcount"))
    down = parse(client.get("/orgs/agency/people?sort=-headcount"))
    heads = [orgq.headcount(G, v) for v in down.ids]
    assert heads == sorted(heads, reverse=True)
    assert down.ids[0] == "a01"
    assert up.ids[-1] == "a01"
    assert up.sorted == {"headcount": "ascending"}
    assert down.sorted == {"headcount": "descending"}
    names = parse(client.get("/orgs/agency/people?sort=name"))
    shown = [fold(G.nodes[v]["person"].name) for v in names.ids]
    assert shown == sorted(shown)


def test_filters_narrow_the_rows(client, app):
    G = app.extensions["orgpath"].entry("org", "agency").graph
    creative = parse(client.get("/orgs/agency/people?department=creative"))
    assert len(creative.ids) == 9
    assert {G.nodes[v]["person"].department for v in creative.ids} == {"Creative"}
    team = parse(client.get("/orgs/agency/people?manager=a02"))
    assert set(team.ids) == set(G.successors("a02"))
    role = parse(client.get("/orgs/agency/people?role=account-manager"))
    assert role.ids
    assert {G.nodes[v]["person"].role for v in role.ids} == {"account-manager"}
    vacant = parse(client.get("/orgs/agency/people?vacant=1"))
    assert vacant.ids == ["a18"]
    filled = parse(client.get("/orgs/agency/people?vacant=0"))
    assert "a18" not in filled.ids
    assert len(filled.ids) == 39
    found = parse(client.get("/orgs/agency/people?q=design"))  # titles
    assert {"a30", "a31", "a32"} <= set(found.ids)
    by_dept = parse(client.get("/orgs/agency/people?q=finance"))  # department
    assert {v for v in G if G.nodes[v]["person"].department == "Finance"} <= set(by_dept.ids)


def test_filter_form_works_without_javascript(client):
    text = body(client.get("/orgs/agency/people?department=Creative&lang=en"))
    form = re.search(r'<form[^>]*id="list-filters"[^>]*>', text).group(0)
    assert 'method="get"' in form
    assert '<option value="Creative" selected>' in text
    assert '<select id="list-manager" name="manager">' in text


@pytest.mark.parametrize("url, parameter", [
    ("/orgs/agency/people?sort=bogus", "sort"),
    ("/orgs/agency/people?page=0", "page"),
    ("/orgs/agency/people?page=3", "page"),
    ("/orgs/agency/people?per_page=0", "per_page"),
    ("/orgs/agency/people?per_page=1001", "per_page"),
    ("/orgs/agency/people?vacant=maybe", "vacant"),
    ("/orgs/agency/people.csv?sort=-nope", "sort"),
    ("/api/v1/orgs/agency/people?page=2", "page"),
    ("/api/v1/orgs/agency/people?sort=shoe", "sort"),
    ("/api/v1/orgs/agency/people?per_page=x", "per_page"),
])
def test_bad_parameters_are_400_naming_them(client, url, parameter):
    sep = "&" if "?" in url else "?"
    resp = client.get(url)
    assert resp.status_code == 400
    if url.startswith("/api/") or ".csv" in url:
        assert resp.get_json()["parameter"] == parameter
    else:
        assert parameter in body(client.get(url + sep + "lang=en"))


# --- the CSV ----------------------------------------------------------------------------


def test_csv_rows_equal_the_rows_shown(client):
    query = "sort=-department&per_page=7&page=2&q=a"
    shown = parse(client.get(f"/orgs/agency/people?{query}")).ids
    rows = csv_rows(client.get(f"/orgs/agency/people.csv?{query}&lang=en"))
    assert rows[0][:3] == ["id", "name", "title"]
    assert [r[0] for r in rows[1:]] == shown
    assert len(shown) == 7


def test_csv_of_every_match_and_its_limit(folder):
    small = create_app({"TESTING": True, "GRAPHS": str(folder), "MAX_LIST_CSV_ROWS": 30})
    c = small.test_client()
    rows = csv_rows(c.get("/orgs/agency/people.csv?q=creative&all=1"))
    assert len(rows) == 1 + 9
    over = c.get("/orgs/agency/people.csv?all=1")
    assert over.status_code == 422
    problem = over.get_json()
    assert problem["parameter"] == "all"
    assert "max_list_csv_rows" in problem["detail"]
    assert "orgpath export org --people agency" in problem["detail"]
    # the page offers no link it would refuse: it says why and gives the command instead
    page = c.get("/orgs/agency/people?lang=en")
    links = parse(page).links
    assert not any("all=1" in href for href in links)
    assert "max_list_csv_rows" in body(page)
    for href in links:
        assert c.get(href.replace("&amp;", "&")).status_code == 200
    narrow = parse(c.get("/orgs/agency/people?department=Creative&lang=en")).links
    assert any("all=1" in href for href in narrow)


def test_csv_defuses_formulas(client):
    text = body(client.get("/orgs/hostile/people.csv?lang=en"))
    rows = list(csv.reader(io.StringIO(text)))
    first = rows[1]
    assert first[1] == "'=HYPERLINK(\"http://evil.example\")"
    assert first[2] == "'+SUM(A1)"
    assert "'@cmd" in first
    assert rows[2][1] == "'-2+3"


def test_csv_is_a_private_attachment_named_by_org_view_and_language(client):
    resp = client.get("/orgs/big/people.csv?per_page=100&page=3&lang=da")
    assert resp.headers["Content-Disposition"].startswith(
        'attachment; filename="big-people-p3-da.csv"')
    assert resp.headers["Cache-Control"].startswith("private")
    every = client.get("/orgs/agency/people.csv?all=1&lang=en")
    assert 'filename="agency-people-all-en.csv"' in every.headers["Content-Disposition"]


# --- who may see what --------------------------------------------------------------------


@pytest.fixture(scope="module")
def access_app(folder):
    return create_app({"TESTING": True, "GRAPHS": str(folder), "AUTH": "proxy",
                       "TRUSTED_PROXIES": "127.0.0.1", "ADMIN_GROUP": "admins"})


def _get(app, url: str, groups: str | None):
    return app.test_client().get(url, headers=proxy_headers(groups),
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"})


@pytest.mark.parametrize("groups", [None, "", "it"])
def test_hidden_people_and_fields_never_show(access_app, groups):
    page = _get(access_app, "/orgs/secret/people?per_page=1000&lang=en", groups)
    text = body(page)
    assert "Olga Objector" not in text  # objected: admin group only
    assert "hidden.example" not in text  # emails: group hr only
    assert ">Email</a>" not in text
    assert 'data-person-id="vac"' not in text  # vacancies: group hr only
    csv_text = body(_get(access_app, "/orgs/secret/people.csv?all=1", groups))
    assert "hidden.example" not in csv_text
    assert "Olga Objector" not in csv_text
    # a hidden field can be neither searched nor sorted by
    found = _get(access_app, "/api/v1/orgs/secret/people?q=hidden.example", groups).get_json()
    assert found["total"] == 0
    by_email = _get(access_app, "/api/v1/orgs/secret/people?sort=email", groups)
    assert by_email.status_code == 400
    assert by_email.get_json()["parameter"] == "sort"
    assert "Olga" not in body(_get(access_app, "/search?q=olga", groups))


def test_hr_sees_emails_and_can_search_and_sort_by_them(access_app):
    text = body(_get(access_app, "/orgs/secret/people?sort=-email&lang=en", "hr"))
    assert ">Email" in text
    assert "p23.secret@hidden.example" in text
    found = _get(access_app, "/api/v1/orgs/secret/people?q=p05.secret", "hr").get_json()
    assert [p["id"] for p in found["people"]] == ["p05"]
    assert found["people"][0]["email"] == "p05.secret@hidden.example"
    assert "Olga Objector" not in text  # still only the admin group


# --- the API -----------------------------------------------------------------------------


def test_api_pages_with_total_and_keeps_its_old_fields(client):
    data = client.get("/api/v1/orgs/big/people?per_page=25&page=2&sort=name").get_json()
    assert data["total"] == BIG
    assert data["page"] == 2
    assert data["per_page"] == 25
    assert data["pages"] == 48
    assert len(data["people"]) == 25
    row = data["people"][0]
    for key in ("id", "name", "title", "department", "manager", "reports", "headcount"):
        assert key in row
    old = client.get("/api/v1/orgs/big/people?limit=3").get_json()  # the older parameter
    assert old["per_page"] == 3
    assert len(old["people"]) == 3
    assert old["q"] is None


def test_api_rows_tell_namesakes_apart(client):
    data = client.get("/api/v1/orgs/big/people?q=s%C3%B8ren+jensen&per_page=1000").get_json()
    assert data["total"] == NAMESAKES
    told = {(p["department"], p["manager"]["id"]) for p in data["people"]}
    assert len(told) == len(DEPTS)  # 26 namesakes under 24 heads: each head's pair differs


# --- search ------------------------------------------------------------------------------


def test_search_counts_pages_and_shows_department_and_manager(client):
    first = body(client.get("/search?q=S%C3%B8ren+Jensen&per_page=10&lang=en"))
    assert "1–10 of 26 people" in first
    assert 'rel="next"' in first
    hits = re.findall(r'<li data-person-id="(b\d+)">(.*?)</li>', first, re.S)
    assert len(hits) == 10
    for _pid, li in hits:
        assert "Dept " in li
        assert "manager" in li
        assert re.search(r'href="/orgs/big/people/b00\d\d">Head \d\d', li.replace("<bdi>", ""))
    last = body(client.get("/search?q=S%C3%B8ren+Jensen&per_page=10&page=3&lang=en"))
    assert "21–26 of 26 people" in last
    assert 'rel="prev"' in last
    assert client.get("/search?q=S%C3%B8ren+Jensen&per_page=10&page=4").status_code == 400


# --- Danish numbers ------------------------------------------------------------------------


def test_danish_pages_group_thousands_with_a_dot(client):
    assert "1.200 personer" in body(client.get("/orgs/big?lang=da"))
    assert "1,200 people" in body(client.get("/orgs/big?lang=en"))
    listed = body(client.get("/orgs/big/people?sort=-headcount&lang=da"))
    assert "1–50 af 1.200 personer" in listed
    assert '<td class="num">1.199</td>' in listed
    assert "1.200 personer" in body(client.get("/?lang=da"))
    english = body(client.get("/orgs/big/people?sort=-headcount&lang=en"))
    assert '<td class="num">1,199</td>' in english


def test_list_page_in_danish(client):
    text = body(client.get("/orgs/agency/people?lang=da"))
    assert "Afdeling" in text
    assert "Kun ledige stillinger" in text
    assert "CSV af denne side" in text
