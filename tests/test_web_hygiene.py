"""HTTP hygiene and budgets through the Flask test client (real Graphviz, no mocks).

Security headers, Content-Disposition, conditional requests, charsets, private
caching, trusted proxies, bidi-safe pages, the heavy-work limiter, the request
budget and the failure cache.
"""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask import Blueprint

from orgpath.settings import SettingError
from orgpath.web import create_app
from orgpath.web.budget import Busy, HeavyLimiter
from orgpath.web.cache import json_response
from orgpath.web.common import content_disposition

L = "/ladders/account-management"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


def dense_ladder(n: int = 60) -> str:
    """A ladder of ``n`` roles where every role may be promoted to every later one."""
    lines = ["id: dense", "title: Dense ladder", "roles:"]
    lines += [f"  - {{id: r{i:02d}, title: Role {i}, level: {i // 6 + 1}}}" for i in range(n)]
    lines.append("moves:")
    lines += [f"  - {{from: r{i:02d}, to: r{j:02d}, kind: promotion}}"
              for i in range(n) for j in range(i + 1, n)]
    return "\n".join(lines) + "\n"


def make_app(folder: Path, **config):
    return create_app({"TESTING": True, "GRAPHS": str(folder), **config})


@pytest.fixture
def dense_dir(graphs_dir: Path) -> Path:
    (graphs_dir / "dense.yaml").write_text(dense_ladder(), encoding="utf-8")
    return graphs_dir


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.sources = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            src = dict(attrs).get("src")
            if src:
                self.sources.append(src)
            elif dict(attrs).get("type") != "application/ld+json":
                # a JSON-LD data block (schema.org on role pages) is never run: CSP's
                # script-src does not apply to it, so it is not an inline script
                self.inline += 1


# --- security headers ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", f"{L}", "/api/v1/ladders", f"{L}/chart.svg",
                                 "/static/orgpath.js", "/no/such/page", "/api/v1/nothing",
                                 "/healthz"])
def test_every_response_has_the_security_headers(client, url):
    h = client.get(url).headers
    assert "frame-ancestors 'self'" in h["Content-Security-Policy"]
    assert h["X-Frame-Options"] == "SAMEORIGIN"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"


def test_page_csp_allows_no_inline_script(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script_src.split() == ["'self'"]
    assert "'unsafe-inline'" not in script_src


@pytest.mark.parametrize("url", ["/", L, f"{L}/roles/account-manager", f"{L}/reporting",
                                 f"{L}/path?from=account-manager&to=vp-of-account-management",
                                 "/search?q=manager"])
def test_pages_have_no_inline_script(client, url):
    parser = _Scripts()
    parser.feed(client.get(url).get_data(as_text=True))
    assert parser.inline == 0
    assert parser.sources  # the page does load its scripts, from files
    assert all(src.startswith("/static/") for src in parser.sources)


def test_svg_chart_keeps_its_stricter_policy(client):
    csp = client.get(f"{L}/chart.svg").headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert csp.endswith("frame-ancestors 'self'")


def test_frame_ancestors_none_means_deny(graphs_dir):
    h = make_app(graphs_dir, FRAME_ANCESTORS="'none'").test_client().get("/").headers
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Frame-Options"] == "DENY"


def test_frame_ancestors_other_sites_have_no_x_frame_options(graphs_dir):
    app = make_app(graphs_dir, FRAME_ANCESTORS="https://intranet.example")
    h = app.test_client().get("/").headers
    assert "frame-ancestors https://intranet.example" in h["Content-Security-Policy"]
    assert "X-Frame-Options" not in h


# --- Content-Disposition, charset, conditional requests ------------------------------------


@pytest.mark.parametrize("name", ["日本-org.svg", 'say "hi"-org.pdf', "cr\r\nlf-org.png",
                                  "Ærø Kommune-org.json", "back\\slash/-org.dot"])
def test_content_disposition_for_any_name(name):
    value = content_disposition(name)
    assert value.isascii()
    assert "\r" not in value
    assert "\n" not in value
    fallback = re.fullmatch(r'attachment; filename="([^"\\]*)"; filename\*=UTF-8\'\'(\S+)',
                            value)
    assert fallback is not None
    assert fallback.group(1).endswith(name.rsplit(".", 1)[1])
    exact = unquote(fallback.group(2), encoding="utf-8")
    assert exact == re.sub(r'[\x00-\x1f"\\/]', "_", name)


def test_chart_download_header(client):
    resp = client.get(f"{L}/chart.png?download=1")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == (
        "attachment; filename=\"account-management-ladder-en.png\"; "
        "filename*=UTF-8''account-management-ladder-en.png")


@pytest.mark.parametrize("fmt", ["dot", "mmd", "svg", "json"])
def test_one_charset_parameter(client, fmt):
    ctype = client.get(f"{L}/chart.{fmt}").headers["Content-Type"]
    assert ctype.count("charset") <= 1


def test_org_dot_says_utf8_once(org_client):
    assert org_client.get("/orgs/acme/chart.dot").headers["Content-Type"] == (
        "text/vnd.graphviz; charset=utf-8")


def test_text_charts_say_utf8_once(client):
    assert client.get(f"{L}/chart.dot").headers["Content-Type"] == (
        "text/vnd.graphviz; charset=utf-8")


@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_answers_304(client, header):
    first = client.get(f"{L}/chart.svg?download=1")
    etag = first.headers["ETag"]
    again = client.get(f"{L}/chart.svg?download=1",
                       headers={"If-None-Match": header.format(etag=etag)})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "Content-Disposition" not in again.headers


def test_other_etag_gets_the_body(client):
    resp = client.get(f"{L}/chart.svg", headers={"If-None-Match": '"nope"'})
    assert resp.status_code == 200
    assert b"<svg" in resp.data[:1000]


def test_public_answers_are_public(client):
    h = client.get("/api/v1/ladders").headers
    assert h["Cache-Control"] == "public, max-age=60"
    assert h["Vary"] == "Accept-Language"


def test_private_flag_for_people_data(graphs_dir):
    app = make_app(graphs_dir)
    bp = Blueprint("private_probe", __name__)

    @bp.get("/probe")
    def probe():
        return json_response(("probe", 1), lambda: {"name": "Anna"}, private=True)

    app.register_blueprint(bp)
    c = app.test_client()
    resp = c.get("/probe")
    assert resp.headers["Cache-Control"] == "private, max-age=60"
    assert resp.headers["Vary"] == "Accept-Language, Cookie, Authorization"
    again = c.get("/probe", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, max-age=60"


# --- proxies and Secure cookies -------------------------------------------------------------


def _lang_cookie(resp) -> str:
    return next(v for v in resp.headers.getlist("Set-Cookie") if v.startswith("lang="))


def test_cookie_is_not_secure_over_http(client):
    assert "Secure" not in _lang_cookie(client.get("/?lang=da"))


def test_cookie_is_secure_over_https(client):
    assert "Secure" in _lang_cookie(client.get("/?lang=da", base_url="https://localhost"))


def test_forwarded_proto_from_a_trusted_proxy(graphs_dir):
    c = make_app(graphs_dir, TRUSTED_PROXIES="10.0.0.0/8, ::1").test_client()
    resp = c.get("/?lang=da", headers={"X-Forwarded-Proto": "https"},
                 environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert "Secure" in _lang_cookie(resp)


def test_forwarded_proto_from_anyone_else_is_ignored(graphs_dir):
    c = make_app(graphs_dir, TRUSTED_PROXIES="10.0.0.0/8").test_client()
    resp = c.get("/?lang=da", headers={"X-Forwarded-Proto": "https"},
                 environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert "Secure" not in _lang_cookie(resp)


def test_forwarded_proto_without_trusted_proxies_is_ignored(client):
    resp = client.get("/?lang=da", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in _lang_cookie(resp)


def test_bad_trusted_proxies_stop_start_up(graphs_dir):
    with pytest.raises(SettingError, match="trusted_proxies: 'intranet' is not"):
        make_app(graphs_dir, TRUSTED_PROXIES="10.0.0.0/8, intranet")


# --- text that cannot lie -------------------------------------------------------------------


def test_bidi_controls_are_removed_and_names_isolated(org_graphs_dir):
    csv = (org_graphs_dir / "acme.csv").read_text(encoding="utf-8")
    csv = csv.replace("Anna Andersen", f"Anna {RLO}nesrednA")
    csv = csv.replace("Bo Berg", "Bo &amp; Berg")
    (org_graphs_dir / "acme.csv").write_text(csv, encoding="utf-8")
    c = make_app(org_graphs_dir).test_client()
    page = c.get("/orgs/acme/people/am1").get_data(as_text=True)
    assert RLO not in page
    assert "<h1><bdi>Anna nesrednA</bdi></h1>" in page
    org = c.get("/orgs/acme?q=Bo").get_data(as_text=True)
    assert "<bdi>Bo &amp;amp; Berg</bdi>" in org


def test_bidi_in_a_role_title(graphs_dir):
    path = graphs_dir / "account-management.yaml"
    text = path.read_text(encoding="utf-8")
    assert "Account Manager" in text
    path.write_text(text.replace("title: {en: Assistant Account Manager",
                                 f"title: {{en: Assistant Account {RLO}reganaM", 1),
                    encoding="utf-8")
    c = make_app(graphs_dir).test_client()
    for url in ("/", L, f"{L}/reporting", "/search?q=account"):
        body = c.get(url).get_data(as_text=True)
        assert RLO not in body
    assert "<bdi>Assistant Account reganaM</bdi>" in c.get(f"{L}/reporting").get_data(as_text=True)


# --- heavy work: limiter, budget, failure cache --------------------------------------------


def test_limiter_is_reentrant_and_bounded():
    lim = HeavyLimiter(1)
    with lim.slot(wait=0):
        assert lim.busy == 1
        with lim.slot(wait=0):  # nested heavy work shares the slot
            assert lim.busy == 1
    assert lim.busy == 0


def test_limiter_decorator_refuses_when_full():
    lim = HeavyLimiter(1)
    held, release = threading.Event(), threading.Event()

    def hold():
        with lim.slot(wait=0):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(10)

    @lim.limited(wait=0)
    def work():
        return "done"

    with pytest.raises(Busy) as info:
        work()
    release.set()
    t.join(10)
    assert info.value.status == 503
    assert info.value.headers["Retry-After"] == "1"
    assert work() == "done"


@contextmanager
def holding_the_slot(app):
    """Another thread holds the app's only heavy slot for the ``with`` block."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with app.extensions["orgpath.heavy"].slot(wait=0):
            held.set()
            release.wait(20)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(10)
    try:
        yield
    finally:
        release.set()
        t.join(10)


def test_busy_answers_503_with_retry_after_and_the_cli(graphs_dir):
    app = make_app(graphs_dir, HEAVY_CONCURRENCY=1, HEAVY_QUEUE_WAIT=0)
    c = app.test_client()
    cached = c.get(f"{L}/chart.svg")
    assert cached.status_code == 200
    with holding_the_slot(app):
        busy = c.get(f"{L}/chart.svg?rankdir=LR")
        again_cached = c.get(f"{L}/chart.svg")  # cached answers never take a slot
        page = c.get(f"{L}/reporting")  # a page still answers, with a note for its diagram
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    problem = busy.get_json()
    assert problem["type"] == "urn:orgpath:problem:busy"
    assert "orgpath export ladder --ladder account-management --rankdir LR" in problem["detail"]
    assert again_cached.status_code == 200
    assert page.status_code == 200
    assert "The diagram cannot be drawn right now." in page.get_data(as_text=True)
    assert c.get(f"{L}/chart.svg?rankdir=LR").status_code == 200  # not remembered as failed


def test_graphviz_timeout_is_remembered(dense_dir):
    app = make_app(dense_dir, GRAPHVIZ_TIMEOUT=0.3, FAILURE_CACHE_SECONDS=60)
    c = app.test_client()
    first = c.get("/ladders/dense/chart.svg")
    assert first.status_code == 504
    runs = app.extensions["orgpath.runner"].stats.calls
    second = c.get("/ladders/dense/chart.svg")
    assert second.status_code == 504
    assert second.get_json()["detail"] == first.get_json()["detail"]
    assert app.extensions["orgpath.runner"].stats.calls == runs  # Graphviz not run again
    other = c.get(f"{L}/chart.svg")  # other charts are not affected
    assert other.status_code == 200


def test_without_failure_cache_the_work_is_redone(dense_dir):
    app = make_app(dense_dir, GRAPHVIZ_TIMEOUT=0.3, FAILURE_CACHE_SECONDS=0)
    c = app.test_client()
    assert c.get("/ladders/dense/chart.svg").status_code == 504
    runs = app.extensions["orgpath.runner"].stats.calls
    assert c.get("/ladders/dense/chart.svg").status_code == 504
    assert app.extensions["orgpath.runner"].stats.calls > runs


def test_request_budget_answers_503_and_is_remembered(dense_dir):
    app = make_app(dense_dir, GRAPHVIZ_TIMEOUT=30, REQUEST_BUDGET=0.2, FAILURE_CACHE_SECONDS=60)
    c = app.test_client()
    over = c.get("/ladders/dense/chart.png")
    assert over.status_code == 503
    assert over.headers["Retry-After"] == "60"
    problem = over.get_json()
    assert problem["type"] == "urn:orgpath:problem:over-budget"
    assert "orgpath export ladder --ladder dense" in problem["detail"]
    again = c.get("/ladders/dense/chart.png")
    assert again.status_code == 503
    assert again.get_json()["type"] == "urn:orgpath:problem:over-budget"


def test_dense_ladder_page_still_answers(dense_dir):
    app = make_app(dense_dir, GRAPHVIZ_TIMEOUT=0.3)
    resp = app.test_client().get("/ladders/dense")
    assert resp.status_code == 200
    assert "The diagram cannot be drawn right now." in resp.get_data(as_text=True)


def test_paths_api_runs_as_heavy_work(graphs_dir):
    app = make_app(graphs_dir, HEAVY_CONCURRENCY=1, HEAVY_QUEUE_WAIT=0)
    c = app.test_client()
    url = ("/api/v1/ladders/account-management/paths"
           "?from=account-manager&to=vp-of-account-management")
    with holding_the_slot(app):
        busy = c.get(url)
    assert busy.status_code == 503
    assert c.get(url).status_code == 200


def test_every_not_found_is_one_404_and_loading_is_a_503(app):
    """Role, ladder/org and person lookups share one base; a file still loading is no 404."""
    from orgpath.errors import NotFoundError
    from orgpath.org import PersonNotFound
    from orgpath.queries import RoleNotFound
    from orgpath.store import NotFound
    from orgpath.web.errors import from_exception

    for exc in (RoleNotFound("x", ["y"]), NotFound("org", "x", ["y"]), PersonNotFound("x", ["y"])):
        assert isinstance(exc, NotFoundError)
        with app.test_request_context("/api/v1/x"):
            problem = from_exception(exc)
        assert problem.status == 404
        assert problem.extra["suggestions"] == ["y"]
    with app.test_request_context("/api/v1/orgs/big"):
        problem = from_exception(NotFound("org", "big", [], loading=["big.csv"]))
    assert problem.status == 503
    assert problem.headers["Retry-After"] == "2"
