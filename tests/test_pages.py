"""HTML pages in English and Danish, language choice, search, error pages, escaping, catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import orgpath
from orgpath.resources import package_path

L = "/ladders/account-management"
PAGES = [
    "/",
    L,
    f"{L}/roles/account-manager",
    f"{L}/roles/vp-of-account-management",
    f"{L}/roles/assistant-account-manager",
    f"{L}/path?from=account-manager&to=vp-of-account-management",
    f"{L}/path",
    f"{L}/reporting",
    "/search?q=account",
    "/search",
]


def text(resp) -> str:
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_page_in_both_languages(client, url, lang):
    sep = "&" if "?" in url else "?"
    resp = client.get(f"{url}{sep}lang={lang}")
    assert resp.status_code == 200, text(resp)[:500]
    assert resp.mimetype == "text/html"
    body = text(resp)
    assert f'<html lang="{lang}">' in body
    assert ("Karrierestiger" in body) == (lang == "da")  # breadcrumb / heading / footer
    assert "Traceback" not in body


def test_index_lists_ladders_with_thumbnail_and_count(client):
    body = text(client.get("/?lang=en"))
    assert "Account Management" in body
    assert "7 roles" in body
    assert "/ladders/account-management/chart.svg" in body
    body = text(client.get("/?lang=da"))
    assert "Kundeforvaltning" in body
    assert "7 roller" in body


def test_ladder_page_has_inline_diagram_table_and_exports(client):
    body = text(client.get(f"{L}?lang=en"))
    assert "<svg" in body
    assert "<?xml" not in body
    assert "data-zoom" in body
    assert 'href="/ladders/account-management/roles/account-manager"' in body
    for fmt in ("svg", "png", "pdf", "dot", "json", "graphml", "mmd"):
        assert f"chart.{fmt}?" in body
    assert "Roles by level and track" in body
    assert "svg-pan-zoom.min.js" in body


def test_role_page_english(client):
    body = text(client.get(f"{L}/roles/account-manager?lang=en"))
    assert "<h1><bdi>Account Manager</bdi></h1>" in body
    assert "Kontoadministrator" in body  # alias
    assert "Level 3" in body
    assert "relationship-management" in body
    assert "45,000–85,000 USD per year" in body
    assert "Indeed.com" in body
    # next roles with years, previous roles, reporting chain, focus diagram, plan form
    assert 'id="next-roles"' in body
    assert "Director of Account Management" in body
    assert 'id="previous-roles"' in body
    assert "Associate Account Manager" in body
    assert 'class="chain"' in body
    # the planner proposes the next role up, not the top
    assert 'name="to"' in body
    assert 'value="lead-account-manager" selected' in body
    assert body.count("<svg") == 1


def test_role_page_danish_shows_kundechef(client):
    resp = client.get(f"{L}/roles/account-manager?lang=da")
    body = text(resp)
    assert "<h1><bdi>Kundechef</bdi></h1>" in body
    assert "Næste roller" in body
    assert "Tidligere roller" in body
    assert "45.000–85.000 USD om året" in body
    assert "Direktør for kundeforvaltning" in body
    assert "Spor: Kundeforvaltning" in body  # the track's Danish title, not its id


def test_role_named_by_title_redirects_to_id(client):
    resp = client.get(f"{L}/roles/Kundechef?lang=da")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"{L}/roles/account-manager?lang=da")


def test_path_page_shows_best_and_alternatives(client):
    body = text(client.get(f"{L}/path?from=assistant-account-manager"
                           f"&to=vp-of-account-management&lang=en"))
    assert "Best path" in body
    assert "Alternative 1" in body
    assert body.count('class="path-result"') <= 5
    assert 'class="node role onpath"' in body  # the best path highlighted inline
    assert "Skills to gain" in body
    assert "Cumulative" in body
    assert "view=path" in body
    assert "alt=1" in body


def test_path_page_accepts_titles_and_years(client):
    body = text(client.get(f"{L}/path?from=Kundechef&to=VP+of+Account+Management&by=years"))
    assert "Best path" in body
    assert 'value="years" selected' in body


def test_path_page_without_a_path(client):
    body = text(client.get(f"{L}/path?from=vp-of-account-management&to=account-manager"))
    assert 'id="no-path"' in body


def test_path_page_bad_by_is_a_friendly_400(client):
    resp = client.get(f"{L}/path?from=a&to=b&by=fast&lang=da")
    assert resp.status_code == 400
    assert "En værdi i adressen kan ikke bruges" in text(resp)


def test_reporting_page(client):
    body = text(client.get(f"{L}/reporting?lang=en"))
    assert 'class="tree"' in body
    assert "<svg" in body


def test_search_single_exact_hit_redirects(client):
    resp = client.get("/search?q=kundechef")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"{L}/roles/account-manager")
    resp = client.get("/search?q=Director+of+Accounts")  # alias
    assert resp.headers["Location"].endswith(f"{L}/roles/director-of-account-management")


def test_search_lists_partial_hits_in_either_language(client):
    body = text(client.get("/search?q=kunde&lang=da"))
    assert "Assisterende kundechef" in body
    assert "Ledende kundechef" in body
    body = text(client.get("/search?q=account+man&lang=en"))
    assert "Lead Account Manager" in body


def test_search_no_hit_and_escaping(client):
    resp = client.get("/search?q=<script>alert(1)</script>")
    assert resp.status_code == 200
    body = text(resp)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_lang_cookie_is_remembered(client):
    resp = client.get("/?lang=da")
    assert "lang=da" in resp.headers["Set-Cookie"]
    body = text(client.get(f"{L}/roles/account-manager"))
    assert "<h1><bdi>Kundechef</bdi></h1>" in body
    body = text(client.get(f"{L}/roles/account-manager?lang=en"))
    assert "<h1><bdi>Account Manager</bdi></h1>" in body


def test_accept_language_header(client):
    body = text(client.get("/", headers={"Accept-Language": "da-DK,da;q=0.9,en;q=0.5"}))
    assert '<html lang="da">' in body
    body = text(client.get("/", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in body


def test_unknown_lang_on_a_page_falls_back(client):
    resp = client.get("/?lang=xx")
    assert resp.status_code == 200
    assert "Set-Cookie" not in resp.headers


def test_switcher_keeps_the_query(client):
    body = text(client.get(f"{L}/path?from=account-manager&to=lead-account-manager&lang=en"))
    assert 'href="/ladders/account-management/path?from=account-manager&amp;' \
           'to=lead-account-manager&amp;lang=da"' in body


@pytest.mark.parametrize("lang,words", [("en", "Not found"), ("da", "Ikke fundet")])
def test_error_pages_in_the_chosen_language(client, lang, words):
    for url in ["/nope", "/ladders/nope", f"{L}/roles/acount-manager"]:
        resp = client.get(f"{url}?lang={lang}")
        assert resp.status_code == 404
        assert resp.mimetype == "text/html"
        assert words in text(resp)


def test_unknown_role_page_suggests_close_roles(client):
    body = text(client.get(f"{L}/roles/acount-manager"))
    assert f'href="{L}/roles/account-manager"' in body


def test_unknown_ladder_page_suggests(client):
    body = text(client.get("/ladders/account-managment"))
    assert 'href="/ladders/account-management"' in body


@pytest.mark.parametrize("url", [
    "/ladders/%00", "/ladders/..%2F..%2Fetc%2Fpasswd", "/ladders/" + "x" * 5000,
    f"{L}/roles/%00", f"{L}/roles/" + "é" * 3000, f"{L}/path?from=%00&to=x",
    "/search?q=" + "q" * 5000, "/search?q=%00", "/search?q=%F0%9F%A6%84", f"{L}/roles/🦄",
    "/ladders/../../etc/passwd", "/static/../../pyproject.toml",
])
def test_weird_inputs_never_500(client, url):
    resp = client.get(url)
    assert resp.status_code < 500, url
    assert "Traceback" not in text(resp)


def test_post_to_a_page_is_405_not_500(client):
    resp = client.post("/")
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]


def test_static_assets(client):
    assert client.get("/static/orgpath.css").status_code == 200
    assert client.get("/static/orgpath.js").status_code == 200
    resp = client.get("/static/svg-pan-zoom.min.js")
    assert resp.status_code == 200
    assert b"svg-pan-zoom v3" in resp.data
    assert client.get("/static/svg-pan-zoom.LICENSE").status_code == 200


# --- the catalogs ---------------------------------------------------------------------


def test_every_danish_entry_is_translated_and_mo_is_current():
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = package_path("translations", "da", "LC_MESSAGES")
    with open(folder / "messages.po", "rb") as f:
        po = read_po(f, locale="da")
    untranslated = [m.id for m in po if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not untranslated
    assert not [m.id for m in po if m.id and m.fuzzy]
    with open(folder / "messages.mo", "rb") as f:
        mo = read_mo(f)

    def pairs(catalog):
        return {_key(m.id): _key(m.string) for m in catalog if m.id}

    assert pairs(po) == pairs(mo), "messages.mo is older than messages.po: compile it"


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def test_every_interface_string_is_in_the_catalog():
    """Strings in templates and web code that are not in the .po would show in English."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(orgpath.__file__).resolve().parent.parent
    if not (root / "babel.cfg").exists():
        pytest.skip("not a source checkout")
    with open(package_path("translations", "da", "LC_MESSAGES", "messages.po"), "rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    found = set()
    for sub, method in (("templates", "jinja2"), ("orgpath/web", "python")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for _file, _line, msg, _c, _ctx in extract_from_dir(root / sub, [(pattern, method)]):
            found.add(msg if isinstance(msg, str) else tuple(msg))
    missing = {m for m in found if m not in known}
    assert not missing, f"run the catalog update (docs/web.md): {sorted(map(str, missing))}"


def test_no_safe_filter_on_user_text():
    """Only our Graphviz SVG is marked safe (in Python, charts.inline_svg)."""
    root = Path(orgpath.__file__).resolve().parent.parent / "templates"
    for path in root.rglob("*.html"):
        assert not re.search(r"\|\s*safe\b", path.read_text()), path
