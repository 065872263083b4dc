"""The org explorer in a real Chromium against real gunicorn: search, expand/collapse,
the whole of a 20,000-person org, the keyboard tree, the URL, a 360 px phone.

The server's folder holds the Acme sample org and a 20,000-person org written by
``benchmarks/make_org.py`` (seed 1).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import NEEDS_CHROMIUM
from tests.conftest import REPO, add_acme, served

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("explorer")
    folder = root / "graphs"
    folder.mkdir()
    add_acme(folder)
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    "20000", "--seed", "1", "-o", str(folder / "big.csv")], check=True)
    # ready once the big org has loaded (not 503)
    with served(folder, root / "gunicorn.log", ready=("/healthz", "/api/v1/orgs/big"),
                timeout=120) as (base, _):
        yield base


def new_page(browser, server, width=1280, height=900, locale="en-GB"):
    context = browser.new_context(base_url=server, locale=locale,
                                  viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, pg, errors


@pytest.fixture
def page(browser, server):
    context, pg, errors = new_page(browser, server)
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#explorer[data-ready='1']")


def js(page, body: str):
    """Run ``body`` in the page with ``e``, the explorer (``window.orgpathExplorer``)."""
    return page.evaluate("() => { const e = window.orgpathExplorer; " + body + " }")


def box(page, pid: str):
    return page.locator(f".explorer-boxes [data-person-id='{pid}']")


def frame_centre(page) -> tuple[float, float]:
    b = page.locator(".explorer-frame").bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def box_centre(page, pid: str) -> tuple[float, float]:
    b = box(page, pid).bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def test_without_javascript_the_server_chart_shows(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    pg = context.new_page()
    pg.goto("/orgs/acme")
    assert pg.locator("#static-chart figure.diagram svg").count() == 1
    assert pg.locator("#explorer").is_hidden()
    context.close()


def test_the_explorer_replaces_the_server_chart_and_opens_on_the_top(page):
    ready(page, "/orgs/acme")
    assert page.locator("#static-chart").is_hidden()
    assert box(page, "vp").count() == 1
    top = box(page, "vp")
    assert top.get_attribute("role") == "treeitem"
    assert top.get_attribute("tabindex") == "0"
    assert page.locator(".explorer-boxes [tabindex='0']").count() == 1  # one tab stop


def test_search_centres_and_highlights_the_first_hit(page):
    from playwright.sync_api import expect

    ready(page, "/orgs/big")
    deep = page.evaluate("() => { const e = window.orgpathExplorer; let best = 0;"
                         " for (let i = 0; i < e.n; i++) if (e.depth[i] > e.depth[best]) best = i;"
                         " return [e.d.ids[best], e.d.names[best]]; }")
    pid, name = deep
    assert box(page, pid).count() == 0  # deep in a closed team
    page.fill("#explorer-q", pid)
    expect(page.locator("#explorer-hits li").first).to_contain_text(name)
    page.press("#explorer-q", "Enter")
    hit = box(page, pid)
    expect(hit).to_have_class(re.compile(r"\bhit\b"))
    cx, cy = box_centre(page, pid)
    fx, fy = frame_centre(page)
    assert abs(cx - fx) < 2
    assert abs(cy - fy) < 2
    # the chain of command is open and drawn above
    chain = js(page, f"let i = e.index.get('{pid}'); const out = [];"
                     " while (e.parent[i] >= 0) { i = e.parent[i];"
                     " out.push([e.d.ids[i], e.open[i]]); } return out;")
    assert chain
    assert all(is_open == 1 for _, is_open in chain)
    assert f"focus={pid}" in page.url


def test_search_as_you_type_counts_and_shows_department_and_manager(page):
    from playwright.sync_api import expect

    ready(page, "/orgs/acme")
    page.fill("#explorer-q", "account")
    expect(page.locator("#explorer-count")).to_have_text("9 matches")  # names, titles, departments
    page.fill("#explorer-q", "anna")
    first = page.locator("#explorer-hits li").first
    expect(first).to_have_text("Anna Andersen Account Manager · Accounts · → Dina Direktør")


def test_expand_and_collapse_in_place(page):
    from playwright.sync_api import expect

    ready(page, "/orgs/acme")
    kids = page.evaluate("() => { const e = window.orgpathExplorer;"
                         " for (let i = 0; i < e.n; i++) if (e.depth[i] === 2 && e.size[i] > 1)"
                         " return [e.d.ids[i], e.kids(i).map(j => e.d.ids[j])]; }")
    team, reports = kids
    manager = box(page, team)
    expect(manager).to_have_attribute("aria-expanded", "false")
    before = manager.bounding_box()
    assert box(page, reports[0]).count() == 0
    manager.click()
    expect(manager).to_have_attribute("aria-expanded", "true")
    expect(box(page, reports[0])).to_have_count(1)
    after = manager.bounding_box()
    assert abs(after["y"] - before["y"]) < 1  # in place
    assert f"open={team}" in page.url
    manager.click()
    expect(manager).to_have_attribute("aria-expanded", "false")
    expect(box(page, reports[0])).to_have_count(0)


def test_whole_org_zoom_out_at_20000_people(page):
    from playwright.sync_api import expect

    ready(page, "/orgs/big")
    page.get_by_role("button", name="Open every team").click()
    page.get_by_role("button", name="Whole org").click()
    expect(page.locator(".explorer-boxes [data-person-id]")).to_have_count(0)  # blocks, no text
    drawn = page.evaluate("() => { const e = window.orgpathExplorer; e.draw();"
                          " return [e.inView.length, e.n]; }")
    assert drawn[0] == drawn[1] == 20000
    # the canvas has department colours in it
    coloured = page.evaluate(
        "() => { const c = document.querySelector('.explorer-canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
        " for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }")
    assert coloured > 100
    page.keyboard.press("Tab")  # nothing breaks; zoom back in with the keyboard
    page.locator(".explorer-frame").focus()
    for _ in range(40):
        page.keyboard.press("+")
    k = page.evaluate("() => window.orgpathExplorer.transform.k")
    assert k >= 0.75
    # readable again: whatever is in view is drawn as boxes with text, not blocks
    in_view = js(page, "e.draw(); return e.inView.length;")
    expect(page.locator(".explorer-boxes [data-person-id]")).to_have_count(in_view)


def test_keyboard_walk_of_the_tree(page):
    from playwright.sync_api import expect

    ready(page, "/orgs/acme")
    top = box(page, "vp")
    top.focus()
    page.keyboard.press("ArrowDown")
    first = js(page, "return e.d.ids[e.kids(0)[0]];")
    second = page.evaluate("() => { const e = window.orgpathExplorer; const k = e.kids(0);"
                           " return k.length > 1 ? e.d.ids[k[1]] : null; }")
    expect(box(page, first)).to_be_focused()
    if second:
        page.keyboard.press("ArrowRight")
        expect(box(page, second)).to_be_focused()
        page.keyboard.press("ArrowLeft")
        expect(box(page, first)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(top).to_be_focused()
    assert page.locator(".explorer-boxes [tabindex='0']").count() == 1


def test_arrow_keys_pan_and_zoom_keys_on_the_frame(page):
    ready(page, "/orgs/acme")
    page.locator(".explorer-frame").focus()
    before = js(page, "return [e.transform.x, e.transform.k];")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("+")
    after = js(page, "return [e.transform.x, e.transform.k];")
    assert after[0] != before[0]
    assert after[1] > before[1]


def test_the_wheel_scrolls_the_page_until_the_chart_is_clicked(page):
    ready(page, "/orgs/acme")
    k0 = page.evaluate("() => window.orgpathExplorer.transform.k")
    fx, fy = frame_centre(page)
    page.mouse.move(fx, fy)
    page.mouse.wheel(0, 300)
    page.wait_for_function("() => window.scrollY > 0")
    assert page.evaluate("() => window.orgpathExplorer.transform.k") == k0
    fx, fy = frame_centre(page)
    page.mouse.click(fx, fy)
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"() => window.orgpathExplorer.transform.k !== {k0}")


def test_the_view_is_shared_through_the_url(page):
    ready(page, "/orgs/acme?focus=am1&z=1.5")
    from playwright.sync_api import expect

    expect(box(page, "am1")).to_have_count(1)
    cx, cy = box_centre(page, "am1")
    fx, fy = frame_centre(page)
    assert abs(cx - fx) < 2
    assert abs(page.evaluate("() => window.orgpathExplorer.transform.k") - 1.5) < 0.01


@pytest.mark.parametrize("url", ["/orgs/acme", "/orgs/big", "/orgs/acme/people/am1"])
def test_nothing_overflows_a_360_px_phone(browser, server, url):
    context, pg, errors = new_page(browser, server, width=360, height=740)
    pg.goto(url)
    if "people" not in url:
        pg.wait_for_selector("#explorer[data-ready='1']")
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
    assert not errors


def test_danish_explorer(browser, server):
    from playwright.sync_api import expect

    context, pg, errors = new_page(browser, server, locale="da-DK")
    pg.goto("/orgs/acme?lang=da")
    pg.wait_for_selector("#explorer[data-ready='1']")
    expect(pg.get_by_role("button", name="Hele organisationen")).to_be_visible()
    context.close()
    assert not errors


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make node-deps)")
@pytest.mark.parametrize("lang", ["en", "da"])
def test_axe_finds_nothing_in_the_explorer(browser, server, lang):
    """WCAG 2.2 AA and best practices, on the explorer with readable boxes and search hits."""
    context = browser.new_context(base_url=server, bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(f"/orgs/acme?lang={lang}")
    pg.wait_for_selector("#explorer[data-ready='1']")
    pg.fill("#explorer-q", "anna")
    pg.wait_for_selector("#explorer-hits li")
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("""() => axe.run({include: ['#explorer']}, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    context.close()
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert found == []
