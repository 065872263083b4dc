"""The framework pages in a real Chromium against real gunicorn: axe finds no violations on
the matrix, compare and role pages in both languages, and the self-assessment round-trips
through the URL.

axe-core comes from the ``axe-playwright-python`` package (its bundled ``axe.min.js``).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import NEEDS_CHROMIUM

B = "/ladders/account-management"

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("url", [
    B + "/matrix", B + "/matrix?track=sales", B + "/compare",
    B + "/compare?a=vp-of-account-management&b=assistant-account-manager",
    B + "/roles/account-manager?to=director-of-account-management&have=people-management:1",
    B + "/path?from=director-of-account-management&to=account-executive",
])
def test_no_axe_violations(page, url, lang):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    results = Axe().run(page)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"]]
    assert violations == []


def test_self_assessment_round_trip(page):
    from playwright.sync_api import expect

    page.goto(B + "/roles/account-manager?lang=en")
    page.select_option("#gap-to", "director-of-account-management")
    page.select_option("#have-people-management", "people-management:3")
    page.get_by_role("button", name="Show what is missing").click()
    expect(page).to_have_url(re.compile(r"have=people-management%3A3"))
    gap = page.locator("#gap")
    expect(gap).to_contain_text("Strategic planning")
    expect(gap).not_to_contain_text("People management")
    expect(page.locator("#have-people-management")).to_have_value("people-management:3")
