"""The org list view in Chromium (issue #10): at 360 px wide the page never scrolls sideways
(the table scrolls inside its own box), and the filters work without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM

#: The page's own width beyond the window: what a reader would have to scroll sideways.
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def narrow(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="da-DK",
                                  viewport={"width": 360, "height": 740})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.mark.parametrize("url", ["/orgs/agency/people?lang=da",
                                 "/orgs/agency/people?lang=en&sort=-headcount&per_page=10",
                                 "/search?q=a&lang=da"])
def test_no_horizontal_overflow_at_360px(narrow, url):
    narrow.goto(url)
    assert narrow.evaluate(OVERFLOW) <= 0


def test_the_table_scrolls_in_its_box_and_filters_without_script(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 360, "height": 740})
    pg = context.new_page()
    pg.goto("/orgs/agency/people?lang=en")
    box = pg.locator(".list-table")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # the table is wider: it scrolls
    assert pg.evaluate(OVERFLOW) <= 0
    pg.select_option("#list-department", "Creative")
    pg.locator("#list-filters button[type=submit]").click()
    expect(pg.locator("#list-count")).to_contain_text("of 9 people")
    assert "department=Creative" in pg.url
    pg.locator('th a[data-sort="name"]').click()
    expect(pg.locator('th[aria-sort="ascending"] a[data-sort="name"]')).to_have_count(1)
    context.close()
