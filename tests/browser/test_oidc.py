"""Signing in with OpenID Connect, for real: ``oidc-provider-mock`` as a separate process,
orgpath on gunicorn with ``auth=oidc``, and Debian's Chromium through Playwright.

The org is hidden from anonymous visitors (404); after signing in through the provider
the org and colleagues' emails show; after signing out the org is refused again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import ARGS, CHROMIUM

from ..conftest import bundled_graphs, served
from .conftest import oidc_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed at /usr/bin/chromium "
                              "(make browser-deps installs it)"),
]


@pytest.fixture(scope="module")
def oidc_server(provider, tmp_path_factory):
    root = tmp_path_factory.mktemp("oidc-app")
    folder = root / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    log = root / "gunicorn.log"
    env = oidc_env(provider, ORGPATH_OIDC_EMAIL_DOMAINS="nordlys.example")
    with served(folder, log, extra_env=env) as (base, _):
        yield base, log


def test_sign_in_see_the_org_sign_out_and_be_refused(oidc_server):
    from playwright.sync_api import expect, sync_playwright

    base, log = oidc_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(base_url=base, locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            resp = page.goto("/orgs/agency")
            assert resp.status == 404
            assert "oliver.hughes@nordlys.example" not in page.content()
            page.locator("#sign-in").click()
            expect(page.locator("h1")).to_have_text("Log ind")
            page.locator("#sign-in-start").click()
            # the provider's own page: sign in as the predefined user
            page.get_by_role("button", name="hanne").click()
            page.wait_for_url(f"{base}/orgs/agency")
            expect(page.locator("h1")).to_contain_text("Nordlys")
            expect(page.locator(".account")).to_contain_text("hanne@nordlys.example")
            cookie = next(c for c in context.cookies() if c["name"] == "session")
            assert cookie["httpOnly"] is True
            assert cookie["sameSite"] == "Lax"
            assert cookie["secure"] is False  # plain http on loopback; Secure over HTTPS
            page.goto("/orgs/agency/people/a02")
            expect(page.locator("main")).to_contain_text("oliver.hughes@nordlys.example")
            page.locator("#sign-out").click()
            expect(page.locator("h1")).to_have_text("Logget ud")
            resp = page.goto("/orgs/agency/people/a02")
            assert resp.status == 404
            assert "oliver.hughes@nordlys.example" not in page.content()
        except Exception:
            print(Path(log).read_text(errors="replace")[-3000:])
            raise
        finally:
            context.close()
            browser.close()
