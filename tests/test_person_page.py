"""The person page over HTTP: the title fallback, the fallback chart of the chain and the
direct reports, the tree list of everyone below (capped, with a link to the list view),
the neighbourhood downloads and the photo.

The sample org (``graphs/agency.csv``): a02 and a12 have no title, only a ladder role.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import bundled_graphs


def text(resp) -> str:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_data(as_text=True)


def section(body: str, marker: str, end: str = "</section>") -> str:
    at = body.index(marker)
    return body[at:body.index(end, at)]


@pytest.mark.parametrize("pid,lang,title", [
    ("a02", "en", "Vice President of Account Management"),
    ("a02", "da", "Vice President for kundeforvaltning"),
    ("a12", "en", "Account Manager"),
    ("a12", "da", "Kundechef"),
])
def test_a_person_with_only_a_ladder_role_gets_its_title(client, pid, lang, title):
    body = text(client.get(f"/orgs/agency/people/{pid}?lang={lang}"))
    assert f'id="person-title"><bdi>{title}</bdi>' in body


def test_reports_without_a_title_show_their_role_title_in_the_tree(client):
    body = text(client.get("/orgs/agency/people/a02?lang=da"))
    tree = section(body, 'id="direct-reports"', "</ul>\n</section>")
    assert "Direktør for kundeforvaltning" in tree


def test_the_fallback_chart_is_the_chain_the_person_and_their_reports(client):
    body = text(client.get("/orgs/agency/people/a02?lang=en"))
    fallback = section(body, 'id="static-chart"', "</figure>")
    svg = fallback[fallback.index("<svg"):fallback.index("</svg>") + 6]
    links = {a.get("{http://www.w3.org/1999/xlink}href")
             for a in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}a")}
    ids = {h.rsplit("/", 1)[1] for h in links if h}
    # the CEO, a02, a02's two directors, and a22, a02's report by dotted line
    assert ids == {"a01", "a02", "a06", "a07", "a22"}
    assert "stroke-dasharray" in svg  # the dotted line itself


def test_everyone_below_as_nested_details(client):
    body = text(client.get("/orgs/agency/people/a02?lang=en"))
    tree = section(body, 'id="direct-reports"', "</ul>\n</section>")
    assert tree.count("<details>") >= 3          # a06, a07 and their leads have teams
    assert 'data-person-id="a12"' in tree        # two levels down
    assert "more — see the list" not in tree


def test_a_long_tree_is_cut_with_a_link_to_the_list_view(tmp_path):
    from orgpath.web import create_app

    c = create_app({"TESTING": True, "GRAPHS": str(bundled_graphs()),
                    "MAX_PEOPLE_PAGE": 3}).test_client()
    body = text(c.get("/orgs/agency/people/a01?lang=en"))
    tree = section(body, 'id="direct-reports"', "</ul>\n</section>")
    assert tree.count("data-person-id=") == 3
    assert 'href="/orgs/agency/people?manager=a01"' in tree
    assert "1 more — see the list" in tree      # a01 has 4 direct reports
    assert 'href="/orgs/agency/people?manager=a02"' in tree  # a02's team did not fit


def test_neighbourhood_downloads(client):
    body = text(client.get("/orgs/agency/people/a12?lang=en"))
    links = section(body, 'id="around-downloads"', "</ul>")
    for fmt in ("svg", "png", "pdf"):
        url = f"/orgs/agency/chart.{fmt}?around=a12&amp;download=1&amp;lang=en"
        assert url in links
        resp = client.get(url.replace("&amp;", "&"))
        assert resp.status_code == 200
        assert resp.headers["Content-Disposition"].startswith("attachment")


def test_the_explorer_is_embedded_on_the_person(client):
    body = text(client.get("/orgs/agency/people/a12?lang=en"))
    assert 'data-focus="a12"' in body
    assert 'data-mode="person"' in body
    assert "/static/explorer.js" in body
    assert "/static/explorer.css" in body


def test_no_photo_means_no_img(client):
    body = text(client.get("/orgs/agency/people/a12?lang=en"))
    assert 'class="person-photo"' not in body
