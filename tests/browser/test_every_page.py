"""Every page of the app, in English and Danish, in a real Chromium against real gunicorn.

The pages come from the Flask url_map: every GET rule that answers HTML (not ``/api/``,
``/static/``, files such as ``chart.<fmt>``, nor the machine routes below). Each rule's URL
is built from ``ARGS`` (an example value per argument name), plus the extra URLs in
``MORE``; a new page is tested as soon as it is registered, and a page with an argument no
table knows fails ``test_every_page_has_an_example`` naming the rule. For each URL and
language:

* axe-core (WCAG 2.0/2.1/2.2 A and AA plus best practices) finds nothing;
* at 360 × 740 nothing is wider than the page;
* ``page.pdf()`` read back with pypdf holds the text of every diagram box the screen shows
  (the SVG nodes' ``<text>``, the explorer's ``[data-person-id]`` boxes), each diagram on a
  single paper page, no text outside the paper, and under print media no diagram clipped
  by its frame.

Each page is loaded once (``checked``): axe and print at 1280 px, then the same page resized
to 360 px; the three tests assert their part of the findings. One gunicorn (``auth=oidc``
with ``oidc-provider-mock``, so the sign-in and sign-out pages are pages too; the browser
signs in once) over a git repository holding the bundled graphs and
``tests/history_repo.py``'s ladder and org (an English-only ladder, and history for the
changes pages). Also: English-only titles marked ``lang="en"`` on Danish pages, and the
zoom buttons, keys and focus of a diagram. Run it with::

    .venv/bin/python -m pytest tests/browser/test_every_page.py -p no:xdist
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import NEEDS_CHROMIUM, oidc_env
from tests.conftest import bundled_graphs, served

pytestmark = NEEDS_CHROMIUM

_spec = importlib.util.spec_from_file_location(
    "history_repo", Path(__file__).parent.parent / "history_repo.py")
history_repo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(history_repo)

LANGS = ("en", "da")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
#: More paper pages than this for one screen page means something printed wrongly.
MAX_PDF_PAGES = 12

#: An example value for each URL argument, by name.
ARGS = {"ladder": "account-management", "role": "account-manager", "org": "agency",
        "pid": "a02"}
#: More URLs for some rules: other ladders and orgs, queries, the other branches of a page.
MORE = {
    "/ladders/<ladder>": ["/ladders/sales"],  # English role titles on Danish pages
    "/ladders/<ladder>/roles/<role>": [
        "/ladders/sales/roles/mid",
        "/ladders/account-management/roles/account-manager"
        "?to=director-of-account-management&have=people-management:1"],
    "/ladders/<ladder>/path": [
        "/ladders/account-management/path?from=assistant-account-manager"
        "&to=vp-of-account-management",
        "/ladders/account-management/path?from=director-of-account-management"
        "&to=account-executive"],  # no path: the reasons
    "/ladders/<ladder>/compare": [
        "/ladders/account-management/compare?a=account-manager&b=lead-account-manager"],
    "/search": ["/search?q=manager", "/search?q=nothing-matches-this"],
    "/orgs/<org>": ["/orgs/acme", "/orgs/agency?q=account"],
    "/orgs/<org>/people/<pid>": ["/orgs/acme/people/e"],
    "/orgs/<org>/changes": ["/orgs/acme/changes",
                            "/orgs/acme/changes?from=2024-01-10&to=2024-03-20"],
    "/ladders/<ladder>/changes": ["/ladders/sales/changes",
                                  "/ladders/sales/changes?from=2024-01-10&to=2024-04-26"],
}
#: Error pages, which no rule names.
ERRORS = ["/no-such-page", "/ladders/no-such-ladder", "/ladders/account-management/roles/nobody"]
#: GET routes that answer no page (redirects to the provider, machine answers).
NOT_PAGES = {"auth.login_start", "auth.callback", "health.healthz", "observe.metrics_view"}


def _app():
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(bundled_graphs()), "AUTH": "oidc",
                       "OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "orgpath-test",
                       "OIDC_CLIENT_SECRET": "not-secret", "SECRET_KEY": "k" * 32})


def page_rules(app) -> list:
    """The url_map's rules that answer an HTML page."""
    rules = []
    for rule in app.url_map.iter_rules():
        last = rule.rule.rsplit("/", 1)[-1]
        if ("GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint == "static"
                or rule.rule.startswith("/api/") or "." in last):
            continue
        rules.append(rule)
    return sorted(rules, key=lambda r: r.rule)


def page_urls(rules) -> tuple[list[tuple[str, str]], list[str]]:
    """(rule, url) for every page, and the rules with an argument no table gives."""
    urls, missing = [], []
    for rule in rules:
        unknown = sorted(a for a in rule.arguments if a not in ARGS)
        if unknown:
            if rule.rule not in MORE:
                missing.append(f"{rule.rule} (no example for {', '.join(unknown)})")
        else:
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<{arg}>", ARGS[arg])
            urls.append((rule.rule, path))
        urls.extend((rule.rule, u) for u in MORE.get(rule.rule, []))
    urls.extend(("(error)", u) for u in ERRORS)
    return urls, missing


RULES = page_rules(_app())
URLS, MISSING = page_urls(RULES)
CASES = [pytest.param(url, lang, id=f"{url}-{lang}") for _, url in URLS for lang in LANGS]


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


# --- the server -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(provider, tmp_path_factory):
    """gunicorn over a git repository: the history repo's ladder and org, the bundled graphs."""
    root = history_repo.make_repo(tmp_path_factory.mktemp("every-page"))
    folder = root / "graphs"
    for f in bundled_graphs().iterdir():
        if f.is_file():
            shutil.copy(f, folder / f.name)
    history_repo.git(root, "add", "-A")
    history_repo.git(root, "commit", "-q", "-m", "The bundled graphs", date="2024-06-01")
    with served(folder, root.parent / "gunicorn.log", extra_env=oidc_env(provider)) as (base, _):
        yield base


@pytest.fixture(scope="module")
def signed_in(browser, server) -> dict:
    """The cookies of a signed-in browser (signed in once through the provider)."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login?next=/")
    page.locator("#sign-in-start").click()
    page.get_by_role("button", name="hanne").click()
    page.wait_for_url(server + "/")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser, server, signed_in):
    """``open_page(url, lang, viewport)``: a signed-in page, loaded with its diagrams drawn."""
    contexts = []
    errors: list[str] = []

    def opener(url: str, lang: str, viewport: dict = DESKTOP):
        context = browser.new_context(base_url=server, storage_state=signed_in,
                                      viewport=viewport, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(with_lang(url, lang))
        ready(page)
        return page

    yield opener
    for c in contexts:
        c.close()
    assert errors == []


def ready(page) -> None:
    """Wait until every zoomable diagram is set up and the explorer has loaded (or given up)."""
    page.wait_for_function("""() => {
        const zooms = [...document.querySelectorAll('[data-zoom]')];
        const ex = document.getElementById('explorer');
        return zooms.every(z => z.classList.contains('zoom-ready'))
            && (!ex || ex.hidden || ex.dataset.ready === '1');
    }""")


# --- the checks -------------------------------------------------------------------------


def test_every_page_has_an_example():
    """A page rule with an argument ARGS does not know needs its URLs in MORE."""
    assert MISSING == []


def test_the_table_names_only_real_rules():
    rules = {r.rule for r in RULES}
    assert sorted(set(MORE) - rules) == []


OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const fits = el => el.getBoundingClientRect().right <= width + 1;
    // inside a box that fits and scrolls sideways (a wide table) is fine
    const scrolled = el => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const ox = getComputedStyle(p).overflowX;
            if (['auto', 'scroll', 'hidden'].includes(ox) && fits(p)) return true;
        }
        return false;
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().width > 0 && !fits(el) && !scrolled(el))
        .map(el => name(el) + ' ' + Math.round(el.getBoundingClientRect().right));
    return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 6)};
}"""


BOX_TEXTS = """() => {
    const texts = [];
    for (const t of document.querySelectorAll('.zoom svg g.node text')) {
        const s = t.textContent.trim();
        if (s) texts.push(s);
    }
    for (const b of document.querySelectorAll('.explorer-boxes [data-person-id] .op-name')) {
        const r = b.getBoundingClientRect();
        if (r.width > 0 && b.textContent.trim()) texts.push(b.textContent.trim());
    }
    return texts;
}"""

DIAGRAMS = """() => [...document.querySelectorAll('figure.diagram .zoom')].map(z => {
    const texts = [...z.querySelectorAll('svg g.node text')].map(t => t.textContent.trim())
        .filter(Boolean);
    return {id: z.closest('figure').id, texts};
})"""

CLIPPED = """() => {
    window.dispatchEvent(new Event('beforeprint'));
    const out = [];
    for (const z of document.querySelectorAll('figure.diagram .zoom')) {
        const svg = z.querySelector('svg');
        if (!svg || !z.getClientRects().length) continue;
        const a = z.getBoundingClientRect(), b = svg.getBoundingClientRect();
        const g = svg.querySelector('g.graph').getBoundingClientRect();
        if (b.height > a.height + 1 || b.width > a.width + 1 || g.right > b.right + 1
            || g.bottom > b.bottom + 1 || g.left < b.left - 1 || g.top < b.top - 1)
            out.push(z.closest('figure').id);
    }
    window.dispatchEvent(new Event('afterprint'));
    return out;
}"""


EMPTY_HEADINGS = """() => {
    const shown = el => el.getClientRects().length > 0;
    return [...document.querySelectorAll('main h1, main h2, main h3')].filter(h => {
        if (!shown(h)) return false;
        for (let n = h.nextElementSibling; n; n = n.nextElementSibling) {
            if (shown(n) && (n.textContent.trim() || n.querySelector('svg, img'))) {
                return /^H[1-3]$/.test(n.tagName) && n.tagName <= h.tagName;
            }
        }
        return true;
    }).map(h => h.tagName + ' ' + h.textContent.trim());
}"""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_pdf(data: bytes) -> tuple[list[str], list[tuple[str, int]]]:
    """Each paper page's text, and the text drawn outside its page (text, page number)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages, outside = [], []
    for n, pg in enumerate(reader.pages, 1):
        box = pg.mediabox
        left, bottom, right, top = (float(box.left), float(box.bottom), float(box.right),
                                    float(box.top))

        def visit(text, cm, tm, font_dict, font_size, n=n, box=(left, bottom, right, top)):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1):
                outside.append((text.strip()[:40], n))

        pages.append(pg.extract_text(visitor_text=visit))
    return pages, outside


def check_page(page) -> dict:
    """Everything the three per-page tests assert, from one load of the page: axe and print at
    desktop width, then the overflow at 360 px (the same page, resized)."""
    from axe_playwright_python.sync_playwright import Axe

    found: dict = {}
    axe = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    found["axe"] = [(v["id"], [n["target"] for n in v["nodes"]][:4])
                    for v in axe.response["violations"]]
    found["boxes"] = page.evaluate(BOX_TEXTS)
    found["diagrams"] = page.evaluate(DIAGRAMS)
    found["heading"] = page.locator("h1").first.inner_text()
    found["pages"], found["outside"] = read_pdf(page.pdf(format="A4"))
    page.emulate_media(media="print")
    found["clipped"] = page.evaluate(CLIPPED)
    found["empty_headings"] = page.evaluate(EMPTY_HEADINGS)
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")
    found["overflow"] = page.evaluate(OVERFLOW)
    return found


@pytest.fixture(scope="module")
def checked(browser, server, signed_in):
    """``checked(url, lang)``: the findings of ``check_page``, each page loaded once."""
    cache: dict[tuple[str, str], dict] = {}

    def get(url: str, lang: str) -> dict:
        if (url, lang) not in cache:
            context = browser.new_context(base_url=server, storage_state=signed_in,
                                          viewport=DESKTOP, locale="en-GB")
            page = context.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            try:
                page.goto(with_lang(url, lang))
                ready(page)
                cache[(url, lang)] = {**check_page(page), "errors": errors}
            finally:
                context.close()
        return cache[(url, lang)]

    return get


@pytest.mark.parametrize(("url", "lang"), CASES)
def test_axe_finds_nothing(checked, url, lang):
    found = checked(url, lang)
    assert found["axe"] == []
    assert found["errors"] == []  # JavaScript errors


@pytest.mark.parametrize(("url", "lang"), CASES)
def test_nothing_overflows_at_360_px(checked, url, lang):
    found = checked(url, lang)["overflow"]
    assert found["wide"] == []
    assert found["scroll"] <= found["width"]


@pytest.mark.parametrize(("url", "lang"), CASES)
def test_print_shows_every_box(checked, url, lang):
    found = checked(url, lang)
    pages = found["pages"]
    text = squash("".join(pages))
    assert squash(found["heading"]) in text
    assert 1 <= len(pages) <= MAX_PDF_PAGES
    assert found["outside"] == []
    assert [b for b in found["boxes"] if squash(b) not in text] == []
    # each diagram whole on one paper page
    split = [d["id"] for d in found["diagrams"] if d["texts"] and not any(
        all(squash(t) in squash(p) for t in d["texts"]) for p in pages)]
    assert split == []
    assert found["clipped"] == []
    assert found["empty_headings"] == []


def test_pages_with_diagrams_are_checked(open_page):
    """The print test compares real boxes: the ladder page and the org page show some."""
    page = open_page("/ladders/account-management", "en")
    assert "Account Manager" in page.evaluate(BOX_TEXTS)
    page = open_page("/orgs/acme", "en")
    assert "Ann Boss" in page.evaluate(BOX_TEXTS)


#: Role titles of the history repo's ladder with no Danish title (junior has one).
ENGLISH_ONLY = ["Account Rep", "Senior Rep", "Lead Rep", "Head of Sales"]

UNMARKED = """(names) => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const t = n.textContent.trim();
        if (!names.includes(t) || n.parentElement.closest('title, script')) continue;
        const marked = n.parentElement.closest('[lang]');
        if (!marked || marked.getAttribute('lang') !== 'en') out.push(t);
    }
    return out;
}"""


@pytest.mark.parametrize("url", ["/ladders/sales", "/ladders/sales/roles/mid",
                                 "/ladders/sales/path?from=junior&to=chief",
                                 "/ladders/sales/reporting"])
def test_english_text_on_danish_pages_is_marked(open_page, url):
    """Every English-only role title on a Danish page (links, headings, options, chart boxes)
    sits inside an element marked lang="en"."""
    page = open_page(url, "da")
    shown = page.evaluate("(names) => names.filter(n => document.body.textContent.includes(n))",
                          ENGLISH_ONLY)
    assert shown != []
    assert page.evaluate(UNMARKED, ENGLISH_ONLY) == []


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The WCAG contrast ratio of two sRGB colours."""
    def lum(c):
        ch = [x / 255 for x in c[:3]]
        ch = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


#: The ladder diagram's pan/zoom transform, read after svg-pan-zoom's next frame.
VIEWPORT = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() =>
    done(document.querySelector('#diagram .svg-pan-zoom_viewport').getAttribute('transform')))))"""


def test_zoom_buttons_keys_and_focus(open_page):
    """The zoom controls are named buttons; on the diagram arrow keys pan and + − 0 zoom; the
    focus outline has at least 3:1 against the page; a link tabbed to is panned into view."""
    from playwright.sync_api import expect

    page = open_page("/ladders/account-management", "en")
    for name in ("Zoom in", "Zoom out", "Whole diagram"):
        expect(page.get_by_role("button", name=name)).to_be_visible()
    expect(page.locator("#diagram figcaption")).to_contain_text("arrow keys")
    start = page.evaluate(VIEWPORT)
    zoom = page.locator("#diagram .zoom")
    zoom.focus()
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
    assert outline[0] == "solid"
    assert float(outline[1].removesuffix("px")) >= 2
    assert contrast(rgb(outline[2]), (255, 255, 255)) >= 3
    page.keyboard.press("ArrowLeft")
    panned = page.evaluate(VIEWPORT)
    assert panned != start
    page.keyboard.press("0")
    assert page.evaluate(VIEWPORT) == start
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    zoomed = page.evaluate(VIEWPORT)
    assert zoomed != start
    # tab through the diagram's links: each one focused is panned into the frame
    zoom.focus()
    outside, visited = [], []
    for _ in range(8):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => new Promise(done => requestAnimationFrame(() =>
            requestAnimationFrame(() => {
                const a = document.activeElement, z = a.closest('.zoom');
                if (!z) return done(null);
                const r = a.getBoundingClientRect(), f = z.getBoundingClientRect();
                const x = r.x + r.width / 2, y = r.y + r.height / 2;
                done([x >= f.left && x <= f.right && y >= f.top && y <= f.bottom,
                      a.textContent.trim().slice(0, 40)]);
            })))""")
        if where is None:
            break
        visited.append(where[1])
        if not where[0]:
            outside.append(where[1])
    assert len(visited) >= 3
    assert outside == []
