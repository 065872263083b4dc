"""Explorer boxes and the person page in a real Chromium against real gunicorn: photos and
initials, two-line titles that are never cut, the ladder role's title when a person has
none, dotted lines on hover and focus, the legend, the person page's neighbourhood
(readable for a VP of a 20,000-person org), its fallback without JavaScript and the
collapsible list of everyone below.

The folder holds a small org written here (a photo made by Pillow in ``photos/``) and a
20,000-person org written by ``benchmarks/make_org.py`` (seed 1).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from tests.browser.conftest import NEEDS_CHROMIUM
from tests.conftest import REPO, served

pytestmark = NEEDS_CHROMIUM

LONG = "Senior Principal Strategic Partnerships and Enterprise Account Development Lead"
CSV = f"""id,name,manager_id,title,role,department,dotted_managers,vacant
boss,Vera Præst,,Chief Executive Officer,,Executive,,
sales,Dina Direktør,boss,,director-of-account-management,Sales,,
ops,Otto Drift,boss,Head of Operations,,Operations,,
am1,Anna Andersen,sales,Account Manager,account-manager,Sales,,
am2,Bo Berg,sales,Director of Strategic Account Management,account-manager,Sales,ops,
long,Lea Lang,sales,{LONG},account-manager,Sales,,
open,,sales,Account Manager,account-manager,Sales,,yes
op1,Ole Olsen,ops,Operations Analyst,,Operations,,
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("person-page")
    folder = root / "graphs"
    (folder / "photos").mkdir(parents=True)
    (folder / "acme.csv").write_text(CSV, encoding="utf-8")
    (folder / "acme.org.yaml").write_text("title: Acme\nladder: account-management\n",
                                          encoding="utf-8")
    (folder / "account-management.yaml").write_bytes(
        (REPO / "graphs" / "account-management.yaml").read_bytes())
    Image.new("RGB", (400, 300), (200, 40, 40)).save(folder / "photos" / "am1.jpg")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    "20000", "--seed", "1", "-o", str(folder / "big.csv")], check=True)
    (folder / "big.org.yaml").write_text("title: Big\nladder: account-management\n",
                                         encoding="utf-8")
    # ready once the big org has loaded (not 503)
    with served(folder, root / "gunicorn.log", ready=("/healthz", "/api/v1/orgs/big"),
                timeout=120) as (base, _):
        yield base


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#explorer[data-ready='1']")


def box(page, pid: str):
    return page.locator(f".explorer-boxes [data-person-id='{pid}']")


def open_sales(page) -> None:
    ready(page, "/orgs/acme?focus=am2&z=1")
    box(page, "open").wait_for()


def test_a_photo_where_there_is_one_and_initials_elsewhere(page):
    open_sales(page)
    img = box(page, "am1").locator(".op-face img")
    assert img.count() == 1
    assert img.get_attribute("alt") == ""
    assert img.get_attribute("loading") == "lazy"
    photo = "document.querySelector(\"[data-person-id='am1'] img\")"
    page.wait_for_function(f"() => {photo}.naturalWidth > 0")
    natural = page.evaluate(f"() => {photo}.naturalWidth")
    assert natural in (96, 192)
    face = box(page, "am2").locator(".op-face")
    assert face.locator("img").count() == 0
    assert face.inner_text() == "BB"


def test_a_title_takes_two_lines_and_is_never_cut(page):
    open_sales(page)
    title = box(page, "am2").locator(".op-title")
    assert title.inner_text() == "Director of Strategic Account Management"
    size = title.evaluate("el => [el.scrollHeight, el.clientHeight, "
                          "parseFloat(getComputedStyle(el).fontSize), "
                          "parseFloat(getComputedStyle(el).lineHeight)]")
    scroll, client, font, line = size
    assert scroll <= client + 1          # nothing hidden below
    assert font >= 9
    assert client / line > 1.5          # it wrapped onto a second line
    assert client / line < 2.5          # and not a third
    text_bottom = title.bounding_box()["y"] + title.bounding_box()["height"]
    box_bottom = box(page, "am2").bounding_box()["y"] + box(page, "am2").bounding_box()["height"]
    assert text_bottom <= box_bottom


def test_a_title_too_long_for_the_box_is_whole_in_the_tooltip_and_accessible_name(page):
    open_sales(page)
    b = box(page, "long")
    assert LONG in b.get_attribute("aria-label")
    assert LONG in b.get_attribute("title")
    font = b.locator(".op-title").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font >= 9


@pytest.mark.parametrize("lang,want", [("en", "Director of Account Management"),
                                       ("da", "Direktør for kundeforvaltning")])
def test_the_ladder_role_title_when_a_person_has_none_in_the_page_language(page, lang, want):
    ready(page, f"/orgs/acme?focus=sales&z=1.5&lang={lang}")
    assert box(page, "sales").locator(".op-title").inner_text() == want


def test_vacancies_dashed_and_the_headcount_badge(page):
    open_sales(page)
    vacant = box(page, "open")
    assert "vacant" in vacant.get_attribute("class")
    assert vacant.evaluate("el => getComputedStyle(el).borderTopStyle") == "dashed"
    assert box(page, "sales").locator(".op-count").inner_text() == "4"
    assert box(page, "am1").locator(".op-count").count() == 0


def test_the_legend_explains_departments_vacancies_headcount_and_dotted_lines(page):
    open_sales(page)
    legend = page.locator(".explorer-legend")
    assert legend.locator("li", has_text="Sales").count() == 1
    assert legend.locator("li[data-key='vacant']").count() == 1
    assert legend.locator("li[data-key='headcount']").count() == 1
    dotted = legend.locator("li[data-key='dotted']")
    assert "dotted-line manager" in dotted.inner_text()


def dotted_lines(page) -> int:
    return page.locator(".op-dotted path").count()


def test_dotted_lines_show_on_hover_and_focus(page):
    open_sales(page)
    assert dotted_lines(page) == 0
    box(page, "am2").hover()
    page.wait_for_function("() => document.querySelectorAll('.op-dotted path').length === 1")
    assert "dotted-end" in box(page, "am2").get_attribute("class")
    page.mouse.move(5, 5)
    page.wait_for_function("() => document.querySelectorAll('.op-dotted path').length === 0")
    box(page, "am2").focus()
    page.wait_for_function("() => document.querySelectorAll('.op-dotted path').length === 1")
    dash = page.locator(".op-dotted path").evaluate("el => getComputedStyle(el).strokeDasharray")
    assert dash not in ("none", "")


def test_dotted_lines_of_the_search_hit(page):
    ready(page, "/orgs/acme")
    page.fill("#explorer-q", "Bo Berg")
    page.press("#explorer-q", "Enter")
    page.wait_for_function("() => document.querySelectorAll('.op-dotted path').length === 1")


def test_the_person_page_opens_the_explorer_on_the_person_with_dotted_lines(page):
    ready(page, "/orgs/acme/people/am2")
    assert page.locator("#static-chart").is_hidden()
    assert box(page, "am2").count() == 1
    assert box(page, "sales").count() == 1   # the manager
    assert box(page, "boss").count() == 1    # the chain above
    assert dotted_lines(page) == 1           # drawn without pointing at anything
    assert page.url.endswith("/orgs/acme/people/am2")  # the page's URL is left alone


def test_a_vp_of_20000_people_is_readable_on_the_person_page(page, server):
    import json
    import urllib.request

    with urllib.request.urlopen(server + "/api/v1/orgs/big/people?q=VP%20of&limit=5") as r:
        vp = json.loads(r.read())["people"][0]["id"]
    with urllib.request.urlopen(f"{server}/api/v1/orgs/big/people/{vp}") as r:
        detail = json.loads(r.read())
    reports = [x["id"] for x in detail["direct_reports"]]
    assert len(reports) > 6
    ready(page, f"/orgs/big/people/{vp}")
    assert box(page, vp).count() == 1
    assert box(page, detail["manager"]["id"]).count() == 1
    frame = page.locator(".explorer-frame").bounding_box()
    for pid in reports:   # every direct report is a box inside the frame
        b = box(page, pid).bounding_box()
        assert b is not None, pid
        assert b["x"] >= frame["x"] - 1
        assert b["x"] + b["width"] <= frame["x"] + frame["width"] + 1
        assert b["y"] + b["height"] <= frame["y"] + frame["height"] + 1
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.explorer-boxes .op-name, .explorer-boxes .op-title')).map(el =>
        parseFloat(getComputedStyle(el).fontSize) * window.orgpathExplorer.transform.k)""")
    assert len(sizes) >= 2 * len(reports)
    assert min(sizes) >= 9
    assert frame["height"] > 300  # not a thin strip


def test_the_person_page_leaves_its_own_layout_for_the_whole_org(page):
    ready(page, "/orgs/acme/people/am2")
    page.click("button[data-act='fit']")
    page.wait_for_function("() => !document.querySelector('#explorer').classList.contains('local')")
    page.click("button[data-act='around']")
    page.wait_for_function("() => document.querySelector('#explorer').classList.contains('local')")
    box(page, "am2").wait_for()


def test_without_javascript_the_fallback_is_the_chain_and_the_team(browser, server):
    import json
    import urllib.request
    import xml.etree.ElementTree as ET

    with urllib.request.urlopen(server + "/api/v1/orgs/big/people?q=VP%20of&limit=5") as r:
        vp = json.loads(r.read())["people"][0]["id"]
    with urllib.request.urlopen(f"{server}/api/v1/orgs/big/people/{vp}") as r:
        reports = len(json.loads(r.read())["direct_reports"])
    context = browser.new_context(base_url=server, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(f"/orgs/big/people/{vp}")
    assert pg.locator("#explorer").is_hidden()
    svg = pg.locator("#static-chart svg")
    assert svg.count() == 1
    boxes = pg.locator("#static-chart svg g.node").count()
    assert boxes == reports + 2   # the CEO, the VP and the VP's direct reports
    view = ET.fromstring(svg.evaluate("el => el.outerHTML")).get("viewBox").split()
    width, height = float(view[2]), float(view[3])
    assert width / height < 8   # not a strip
    context.close()


def test_everyone_below_as_a_collapsible_tree(page):
    page.goto("/orgs/acme/people/boss")
    tree = page.locator("#direct-reports")
    sales = tree.locator("li[data-person-id='sales'] > details")
    am1 = tree.locator("li[data-person-id='am1']")
    assert am1.is_hidden()
    sales.locator("summary").click(position={"x": 2, "y": 5})
    assert am1.is_visible()
    sales.locator("summary").click(position={"x": 2, "y": 5})
    assert am1.is_hidden()
    row = tree.locator("li[data-person-id='sales']")
    assert "Director of Account Management" in row.inner_text()
    assert sales.locator("summary a").count() == 0  # a link in a toggle is nested interactive


def test_the_person_page_offers_the_neighbourhood_downloads(page, server):
    page.goto("/orgs/acme/people/am1")
    links = page.locator("#around-downloads a")
    assert [links.nth(k).get_attribute("data-format") for k in range(links.count())] == \
        ["svg", "png", "pdf"]
    for k in range(links.count()):
        resp = page.request.get(links.nth(k).get_attribute("href"))
        assert resp.status == 200
        assert "attachment" in resp.headers["content-disposition"]
    title = page.locator("#person-title").inner_text()
    assert title == "Account Manager"
    sales = page.goto("/orgs/acme/people/sales")
    assert sales.status == 200
    assert page.locator("#person-title").inner_text() == "Director of Account Management"
