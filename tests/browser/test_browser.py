"""A real Chromium (Debian's, through Playwright) against the real gunicorn server.

Skipped only when ``/usr/bin/chromium`` is missing (``make test`` installs it);
``playwright install`` is not used: it cannot download browsers here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.browser.conftest import NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True,
                                  locale="en-GB", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def role_box(page, title: str):
    """The link of a role's box in the inline diagram (Graphviz node ``<a>``)."""
    node = page.locator("figure.diagram svg g.node.role").filter(
        has=page.locator("title", has_text=re.compile(f"^{re.escape(title)}$")))
    return node.locator("a").first


def test_ladder_to_role_to_path_danish_and_download(page, tmp_path):
    from playwright.sync_api import expect

    page.goto("/")
    expect(page.locator("h1")).to_have_text("Career ladders")
    page.get_by_role("link", name="Account Management").first.click()
    expect(page).to_have_url(re.compile(r"/ladders/account-management$"))
    expect(page.locator(".zoom.zoom-ready")).to_be_visible()  # svg-pan-zoom is on

    # click the Account Manager box of the diagram
    role_box(page, "Account Manager").click()
    expect(page).to_have_url(re.compile(r"/ladders/account-management/roles/account-manager$"))
    expect(page.locator("h1")).to_have_text("Account Manager")
    nxt = page.locator("#next-roles")
    expect(nxt).to_contain_text("Director of Account Management")
    expect(nxt).to_contain_text("Lead Account Manager")

    # plan a path to the VP and see it highlighted
    page.select_option("#plan-to", label="Vice President of Account Management")
    page.get_by_role("button", name="Show paths").click()
    expect(page).to_have_url(re.compile(r"/path\?from=account-manager&to=vp-of-account-management"))
    expect(page.locator("#path-0 h2")).to_have_text("Best path")
    on_path = page.locator("#path-0 svg g.node.role.onpath")
    expect(on_path).to_have_count(3)
    expect(page.locator("#path-0 table.steps")).to_contain_text(
        "Vice President of Account Management")

    # switch to Danish
    page.locator("nav.lang a[data-lang=da]").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("h1")).to_contain_text("Kundechef")
    expect(page.locator("#path-0 h2")).to_have_text("Bedste vej")

    # download the SVG and check it parses
    with page.expect_download() as info:
        page.locator("#path-0 .exports a[data-format=svg]").click()
    download = info.value
    assert download.suggested_filename == "account-management-path-da.svg"  # view, language
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    root = ET.parse(saved).getroot()
    assert root.tag.endswith("svg")
    assert "Kundechef" in saved.read_text(encoding="utf-8")


def test_danish_is_remembered_and_search_finds_kundechef(page):
    from playwright.sync_api import expect

    page.goto("/?lang=da")
    expect(page.locator("h1")).to_have_text("Karrierestiger")
    page.fill("#site-q", "kundechef")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/roles/account-manager$"))
    expect(page.locator("h1")).to_have_text("Kundechef")  # the cookie kept Danish


def test_diagram_zoom_controls(page):
    from playwright.sync_api import expect

    page.goto("/ladders/account-management/reporting")
    viewport = page.locator(".zoom svg g.svg-pan-zoom_viewport")
    expect(viewport).to_have_count(1)
    before = viewport.get_attribute("transform")
    page.get_by_role("button", name="Zoom in").click()  # the page's own button
    page.wait_for_function(
        "([el, t]) => el.getAttribute('transform') !== t",
        arg=[viewport.element_handle(), before])


def test_open_a_person_from_the_org_chart(page):
    from playwright.sync_api import expect

    page.goto("/?lang=en")
    page.get_by_role("link", name="Acme Accounts").click()
    expect(page).to_have_url(re.compile(r"/orgs/acme$"))
    # the explorer replaces the server-drawn chart: select Anna's box, open her page
    page.locator("#explorer .explorer-boxes [data-person-id=am1]").click()
    page.locator("#explorer-selected a").click()
    expect(page).to_have_url(re.compile(r"/orgs/acme/people/am1\?lang=en$"))
    expect(page.locator("h1")).to_have_text("Anna Andersen")
    expect(page.locator("nav.crumbs")).to_contain_text("Dina Direktør")
    expect(page.locator("#person-next-roles")).to_contain_text("Lars Leder")
    page.locator("nav.lang a[data-lang=da]").click()
    expect(page.locator("#career-h")).to_have_text("Karriere")
    expect(page.locator("article.person")).to_contain_text("Kundechef")
