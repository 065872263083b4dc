"""Access control and privacy (issue #11): who is asking, and what each audience may see.

A generated org ("secret") whose emails, photo file names, dotted lines and vacancies are
for group ``hr`` only, with a person who objected (admin group only) and one without photo
consent; an org ("board") only group ``hr`` may see at all. Every answer is read back as
bytes (zip members unpacked, PDF text extracted with pypdf) and searched.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import zipfile

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from orgpath.audience import AUTHENTICATED, EVERYTHING, PUBLIC, Audience, org_view
from orgpath.cli import main
from orgpath.peoplefile import read_manifest, read_org
from orgpath.web import create_app

from .conftest import bundled_graphs, free_port, start_gunicorn, stop, wait_for

N = 24
EMAILS = [f"p{i:02d}.secret@hidden.example" for i in range(N)]
PHOTOS = [f"face-{i:02d}-q7z.jpg" for i in range(N)]
OPTED_OUT = "Olga Objector"
NO_CONSENT_PHOTO = "face-noconsent-k3.jpg"


def _secret_csv() -> str:
    rows = ["id,name,manager_id,title,role,department,email,photo_url,dotted_managers,vacant,"
            "photo_consent,opted_out"]
    for i in range(N):
        boss = "" if i == 0 else f"p{(i - 1) // 3:02d}"
        dotted = "p01" if i == 7 else ""
        rows.append(f"p{i:02d},Person {i:02d},{boss},Title {i:02d},,Dept,{EMAILS[i]},"
                    f"photos/{PHOTOS[i]},{dotted},,yes,")
    rows.append("vac,,p02,Open Seat,,Dept,,,,yes,,")
    rows.append(f"obj,{OPTED_OUT},p01,Objector,,Dept,,,,,,yes")
    rows.append(f"nc,Nora Noconsent,p01,Designer,,Dept,,photos/{NO_CONSENT_PHOTO},,,no,")
    rows.append("under,Uma Under,obj,Report of the objector,,Dept,,,,,,")
    return "\n".join(rows) + "\n"


SECRET_MANIFEST = """title: Secret Org
ladder: account-management
access:
  view: public
  fields:
    email: group:hr
    photo: group:hr
    dotted: group:hr
    vacancies: group:hr
"""
BOARD_CSV = "id,name,manager_id,email\nb1,Bente Board,,bente@board.example\n"
BOARD_MANIFEST = "title: Board\naccess:\n  view: group:hr\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("access") / "graphs"
    shutil.copytree(bundled_graphs(), d)
    (d / "secret.csv").write_text(_secret_csv(), encoding="utf-8")
    (d / "secret.org.yaml").write_text(SECRET_MANIFEST, encoding="utf-8")
    (d / "board.csv").write_text(BOARD_CSV, encoding="utf-8")
    (d / "board.org.yaml").write_text(BOARD_MANIFEST, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def tokens(folder):
    path = folder.parent / "tokens.json"
    r = CliRunner()
    made = {}
    for name, groups in (("hr-bot", "hr"), ("it-bot", "it"), ("admin-bot", "admins")):
        res = r.invoke(main, ["token", "create", name, "--groups", groups,
                              "--tokens-file", str(path)])
        assert res.exit_code == 0, res.output
        made[name] = res.stdout.strip()
    res = r.invoke(main, ["token", "create", "old", "--groups", "hr", "--expires",
                          "2001-01-01", "--tokens-file", str(path)])
    assert res.exit_code == 0, res.output
    made["old"] = res.stdout.strip()
    return path, made


@pytest.fixture(scope="module")
def app(folder, tokens):
    # generous budgets: the suite shares two cores, and a busy 503 is not what is tested here
    return create_app({"GRAPHS": str(folder), "AUTH": "proxy", "TRUSTED_PROXIES": "127.0.0.1",
                       "ADMIN_GROUP": "admins", "TOKENS_FILE": str(tokens[0]),
                       "HEAVY_QUEUE_WAIT": 120.0, "REQUEST_BUDGET": 300.0,
                       "GRAPHVIZ_TIMEOUT": 120.0})


TRUSTED = {"REMOTE_ADDR": "127.0.0.1"}
UNTRUSTED = {"REMOTE_ADDR": "10.9.9.9"}


def proxy_headers(groups: str | None) -> dict[str, str]:
    if groups is None:
        return {}
    return {"X-Forwarded-User": "someone", "X-Forwarded-Email": "someone@corp.example",
            "X-Forwarded-Groups": groups}


#: The audiences that must never see emails or photos of the secret org.
LOW = {"anonymous": None, "authenticated": "", "group:it": "it,sales"}


def everything_in(body: bytes) -> bytes:
    """The bytes of an answer and of what it contains (zip members, PDF text)."""
    out = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            out += [z.read(n) for n in z.namelist()]
    if body[:5] == b"%PDF-":
        reader = PdfReader(io.BytesIO(body))
        out += [(p.extract_text() or "").encode() for p in reader.pages]
        out.append(repr(reader.metadata).encode())
    return b"\n".join(out)


def urls(org: str = "secret") -> list[str]:
    base = f"/api/v1/orgs/{org}"
    out = [f"/orgs/{org}", f"/orgs/{org}/people/p00", f"/orgs/{org}/people/p07",
           f"/orgs/{org}?q=Person", base, f"{base}/people?limit=1000",
           f"{base}/people?q=person", f"{base}/people/p00", f"{base}/people/p07",
           f"{base}/people/p00/chain", f"{base}/people/p00/reports?depth=10",
           f"{base}/people/p01/next-roles", "/api/v1/orgs", "/",
           f"/orgs/{org}/chart.pdf?pages=1", f"/orgs/{org}/chart.svg?around=p07"]
    out += [f"/orgs/{org}/chart.{fmt}" for fmt in
            ("svg", "png", "pdf", "dot", "json", "csv", "xlsx", "pptx")]
    return out


@pytest.mark.parametrize("who", list(LOW))
def test_no_email_or_photo_name_in_any_answer(app, who):
    c = app.test_client()
    for url in urls():
        resp = c.get(url, headers=proxy_headers(LOW[who]), environ_base=TRUSTED)
        assert resp.status_code == 200, (url, resp.status_code)
        data = everything_in(resp.data)
        for secret in (*EMAILS, *PHOTOS, NO_CONSENT_PHOTO):
            assert secret.encode() not in data, f"{secret} in {url} for {who}"
        assert OPTED_OUT.encode() not in data, f"opted-out person in {url} for {who}"


def test_hr_sees_emails_and_photos_but_not_the_objector(app):
    c = app.test_client()
    hr = proxy_headers("hr")
    person = c.get("/api/v1/orgs/secret/people/p05", headers=hr, environ_base=TRUSTED).json
    assert person["email"] == EMAILS[5]
    assert person["photo_url"] == f"photos/{PHOTOS[5]}"
    csv = c.get("/orgs/secret/chart.csv", headers=hr, environ_base=TRUSTED).data
    assert EMAILS[11].encode() in csv
    for url in urls():
        body = everything_in(c.get(url, headers=hr, environ_base=TRUSTED).data)
        assert OPTED_OUT.encode() not in body, url
        assert NO_CONSENT_PHOTO.encode() not in body, url


def test_hidden_fields_are_absent_not_blank(app):
    c = app.test_client()
    anon = c.get("/api/v1/orgs/secret/people/p07", environ_base=TRUSTED).json
    assert "email" not in anon
    assert "photo_url" not in anon
    assert "dotted_managers" not in anon
    hr = c.get("/api/v1/orgs/secret/people/p07", headers=proxy_headers("hr"),
               environ_base=TRUSTED).json
    assert [m["id"] for m in hr["dotted_managers"]] == ["p01"]
    boxes = c.get("/orgs/secret/chart.json", environ_base=TRUSTED).json["boxes"]
    assert all("email" not in b for b in boxes)


def test_vacancies_hidden_and_reports_of_hidden_people_move_up(app):
    c = app.test_client()
    anon = c.get("/api/v1/orgs/secret/people?limit=1000", environ_base=TRUSTED).json
    ids = {p["id"] for p in anon["people"]}
    assert "vac" not in ids
    assert "obj" not in ids
    chain = c.get("/api/v1/orgs/secret/people/under/chain", environ_base=TRUSTED).json
    assert [p["id"] for p in chain["chain"]] == ["under", "p01", "p00"]
    hr = c.get("/api/v1/orgs/secret/people?limit=1000", headers=proxy_headers("hr"),
               environ_base=TRUSTED).json
    assert "vac" in {p["id"] for p in hr["people"]}


def test_admin_group_sees_the_objector_but_never_a_photo_without_consent(app):
    c = app.test_client()
    admin = proxy_headers("admins")
    people = c.get("/api/v1/orgs/secret/people?limit=1000", headers=admin,
                   environ_base=TRUSTED).json["people"]
    assert OPTED_OUT in {p["name"] for p in people}
    nc = c.get("/api/v1/orgs/secret/people/nc", headers=admin, environ_base=TRUSTED).json
    assert "photo_url" not in nc
    assert c.get("/api/v1/orgs/secret/people/obj", environ_base=TRUSTED).status_code == 404


def test_hidden_org_is_404_and_never_suggested(app):
    c = app.test_client()
    for who in ("anonymous", "authenticated", "group:it"):
        h = proxy_headers(LOW[who])
        for url in ("/api/v1/orgs/board", "/orgs/board", "/orgs/board/chart.svg",
                    "/api/v1/orgs/board/people/b1"):
            assert c.get(url, headers=h, environ_base=TRUSTED).status_code == 404, (url, who)
        miss = c.get("/api/v1/orgs/boar", headers=h, environ_base=TRUSTED).json
        assert "board" not in miss["suggestions"]
        listed = c.get("/api/v1/orgs", headers=h, environ_base=TRUSTED).json
        assert "board" not in {o["id"] for o in listed}
        assert b"Bente" not in c.get("/", headers=h, environ_base=TRUSTED).data
    hr = proxy_headers("hr")
    assert c.get("/api/v1/orgs/board", headers=hr, environ_base=TRUSTED).status_code == 200
    assert "board" in {o["id"] for o in c.get("/api/v1/orgs", headers=hr,
                                              environ_base=TRUSTED).json}


def test_proxy_headers_from_an_untrusted_address_are_ignored(app):
    c = app.test_client()
    hr = proxy_headers("hr")
    spoofed = c.get("/api/v1/orgs/board", headers=hr, environ_base=UNTRUSTED)
    assert spoofed.status_code == 404
    forwarded = c.get("/api/v1/orgs/board", environ_base=UNTRUSTED,
                      headers={**hr, "X-Forwarded-For": "127.0.0.1"})
    assert forwarded.status_code == 404
    honoured = c.get("/api/v1/orgs/board", headers=hr, environ_base=TRUSTED)
    assert honoured.status_code == 200


@pytest.mark.parametrize(("url", "marker"), [
    ("/api/v1/orgs/secret/people/p03", EMAILS[3]), ("/orgs/secret/chart.svg", "Open Seat"),
    ("/orgs/secret/chart.csv", EMAILS[3]), ("/orgs/secret/people/p03", EMAILS[3])])
def test_an_answer_for_hr_is_never_served_to_an_anonymous_request(app, url, marker):
    c = app.test_client()
    hr = proxy_headers("hr")
    tags = {}
    for _ in range(3):
        got = c.get(url, headers=hr, environ_base=TRUSTED)
        assert marker.encode() in got.data
        assert "private" in got.headers["Cache-Control"]
        assert {"Authorization", "Cookie", "X-Forwarded-Groups"} <= set(got.vary)
        tags["hr"] = got.headers.get("ETag")
        anon = c.get(url, environ_base=TRUSTED)
        assert anon.status_code == 200
        assert marker.encode() not in anon.data
        assert "Authorization" in anon.vary
        tags["anon"] = anon.headers.get("ETag")
        # the HR answer's ETag must not let an anonymous cache revalidate into it
        if tags["hr"]:
            again = c.get(url, environ_base=TRUSTED, headers={"If-None-Match": tags["hr"]})
            assert again.status_code == 200
            assert marker.encode() not in again.data
    if tags["hr"] and tags["anon"]:
        assert tags["hr"] != tags["anon"]


# --- tokens ----------------------------------------------------------------------------


def test_tokens_file_keeps_only_hashes_and_is_private(tokens):
    path, made = tokens
    text = path.read_text()
    assert all(tok not in text for tok in made.values())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    listed = CliRunner().invoke(main, ["token", "list", "--json", "--tokens-file", str(path)])
    rows = json.loads(listed.stdout)
    assert {r["name"] for r in rows} == {"hr-bot", "it-bot", "admin-bot", "old"}
    assert [r["expired"] for r in rows if r["name"] == "old"] == [True]
    assert all(tok not in listed.stdout for tok in made.values())


def test_bearer_tokens_grant_their_groups(app, tokens):
    _, made = tokens
    c = app.test_client()
    hr = c.get("/api/v1/orgs/secret/people/p02", environ_base=UNTRUSTED,
               headers={"Authorization": f"Bearer {made['hr-bot']}"})
    assert hr.json["email"] == EMAILS[2]
    assert "private" in hr.headers["Cache-Control"]
    it = c.get("/api/v1/orgs/secret/people/p02", environ_base=UNTRUSTED,
               headers={"Authorization": f"Bearer {made['it-bot']}"})
    assert "email" not in it.json
    board = c.get("/api/v1/orgs/board", environ_base=UNTRUSTED,
                  headers={"Authorization": f"Bearer {made['hr-bot']}"})
    assert board.status_code == 200


@pytest.mark.parametrize("header", ["Bearer op_wrong", "Bearer ", "bearer op_x"])
def test_a_wrong_token_is_401(app, header):
    resp = app.test_client().get("/api/v1/orgs/secret", headers={"Authorization": header})
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert resp.mimetype == "application/problem+json"


def test_an_expired_token_is_401_and_no_header_is_anonymous(app, tokens):
    _, made = tokens
    c = app.test_client()
    old = c.get("/api/v1/orgs/board", headers={"Authorization": f"Bearer {made['old']}"})
    assert old.status_code == 401
    assert "expired" in old.json["detail"]
    assert c.get("/api/v1/orgs/board").status_code == 404
    assert c.get("/api/v1/orgs/secret").status_code == 200


def test_a_revoked_token_stops_working(folder, tmp_path):
    path = tmp_path / "t.json"
    r = CliRunner()
    tok = r.invoke(main, ["token", "create", "temp", "--groups", "hr",
                          "--tokens-file", str(path)]).stdout.strip()
    app = create_app({"GRAPHS": str(folder), "AUTH": "proxy", "TOKENS_FILE": str(path)})
    c = app.test_client()
    auth = {"Authorization": f"Bearer {tok}"}
    assert c.get("/api/v1/orgs/board", headers=auth).status_code == 200
    res = r.invoke(main, ["token", "revoke", "temp", "--tokens-file", str(path)])
    assert res.exit_code == 0
    assert c.get("/api/v1/orgs/board", headers=auth).status_code == 401
    again = r.invoke(main, ["token", "revoke", "temp", "--tokens-file", str(path)])
    assert again.exit_code == 2
    assert "no token called 'temp'" in again.output


def test_token_commands_need_a_file_and_good_names(tmp_path, monkeypatch):
    monkeypatch.delenv("ORGPATH_TOKENS_FILE", raising=False)
    r = CliRunner()
    res = r.invoke(main, ["token", "list"])
    assert res.exit_code == 2
    assert "ORGPATH_TOKENS_FILE" in res.output
    res = r.invoke(main, ["token", "create", "bad name", "--tokens-file",
                          str(tmp_path / "t.json")])
    assert res.exit_code == 2
    assert "token name 'bad name'" in res.output


# --- health, serve, readers, CLI -----------------------------------------------------------


def test_healthz_details_for_admin_group_or_loopback_only(app, tokens):
    _, made = tokens
    c = app.test_client()
    outside = c.get("/healthz", environ_base=UNTRUSTED).json
    assert outside["status"] == "ok"
    assert {o["id"] for o in outside["orgs"]} == {"secret"}  # public; board and agency hidden
    admin = c.get("/healthz", environ_base=UNTRUSTED,
                  headers={"Authorization": f"Bearer {made['admin-bot']}"}).json
    assert "board" in {o["id"] for o in admin["orgs"]}
    local = c.get("/healthz", environ_base=TRUSTED).json
    assert local["status"] == "ok"


def test_serve_refuses_a_public_address_without_auth(monkeypatch):
    monkeypatch.delenv("ORGPATH_AUTH", raising=False)
    res = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert res.exit_code == 2
    assert "--setting auth proxy" in res.output
    assert "--setting auth none" in res.output
    res = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--setting", "auth", "oidc"])
    assert res.exit_code == 2
    assert "oidc_issuer" in res.output


def test_serve_check_accepts_loopback_and_an_explicit_choice():
    from orgpath import settings
    from orgpath.cli.serve import check_auth

    values = settings.load({})
    check_auth("127.0.0.1", values)
    check_auth("::1", values)
    check_auth("0.0.0.0", {**values, "auth": "proxy"})
    check_auth("0.0.0.0", {**values, "auth": "none"})


def test_readers_check_access_sections(tmp_path):
    m = tmp_path / "x.org.yaml"
    m.write_text("access:\n  view: friends\n", encoding="utf-8")
    _, diags = read_manifest(m)
    assert [d.message for d in diags] == [
        "access.view: 'friends' is not one of public, authenticated, group:<name>"]
    m.write_text("access:\n  fields:\n    salary: public\n", encoding="utf-8")
    _, diags = read_manifest(m)
    assert "unknown field 'salary'" in diags[0].message
    lad = tmp_path / "lad.yaml"
    text = (bundled_graphs() / "account-management.yaml").read_text(encoding="utf-8")
    lad.write_text(text + "access:\n  view: self\n", encoding="utf-8")
    from orgpath.ladderfile import read_ladder

    ladder, diags = read_ladder(lad)
    assert ladder is None
    bad = [d for d in diags if d.severity == "error"]
    assert "'self' is not one of public, authenticated, group:<name>" in bad[0].message
    assert bad[0].line is not None


def test_cli_export_applies_an_audience(folder):
    r = CliRunner()
    base = ["--graphs", str(folder), "export", "org", "--people", "secret", "--format", "csv",
            "-o", "-"]
    everything = r.invoke(main, base)
    assert EMAILS[4] in everything.stdout
    assert OPTED_OUT in everything.stdout
    public = r.invoke(main, [*base, "--audience", "public"])
    assert public.exit_code == 0
    assert EMAILS[4] not in public.stdout
    assert OPTED_OUT not in public.stdout
    hr = r.invoke(main, [*base, "--audience", "group:hr"])
    assert EMAILS[4] in hr.stdout
    board = r.invoke(main, ["--graphs", str(folder), "export", "org", "--people", "board",
                            "--format", "csv", "--audience", "authenticated"])
    assert board.exit_code == 2
    assert "may not see org 'board'" in board.output


def test_ladder_salary_rule(tmp_path):
    lad = tmp_path / "graphs"
    lad.mkdir()
    text = (bundled_graphs() / "account-management.yaml").read_text(encoding="utf-8")
    (lad / "account-management.yaml").write_text(
        text + "access:\n  fields:\n    salary: group:hr\n", encoding="utf-8")
    app = create_app({"GRAPHS": str(lad), "AUTH": "proxy", "TRUSTED_PROXIES": "127.0.0.1"})
    c = app.test_client()
    for fmt in ("json", "graphml", "mmd", "dot", "svg"):
        anon = c.get(f"/ladders/account-management/chart.{fmt}?salary=1")
        assert anon.status_code == 200
        assert b"45000" not in anon.data, fmt
        assert b"45,000" not in anon.data, fmt
    role = "/api/v1/ladders/account-management/roles/account-manager"
    hr = c.get(role, environ_base=TRUSTED, headers=proxy_headers("hr"))
    anon = c.get(role)
    assert b"45000" in hr.data
    assert b"45000" not in anon.data
    assert "salary" not in anon.get_json()  # absent, not blanked
    cli = CliRunner().invoke(main, ["--graphs", str(lad), "export", "ladder", "--salary",
                                    "--format", "dot", "--audience", "public"])
    assert "45" not in "".join(line for line in cli.stdout.splitlines() if "USD" in line)
    assert "USD" not in cli.stdout


def test_audience_views_unit(folder):
    org, _ = read_org(folder / "secret.csv")
    assert org_view(org, PUBLIC) is not None
    hr = org_view(org, Audience(True, frozenset({"hr"})))
    assert {p.id for p in hr.people} == {p.id for p in org.people} - {"obj"}
    assert org_view(org, EVERYTHING).people[-1].id == "under"
    me = org_view(org, Audience(True, frozenset(), "x", EMAILS[3]))
    assert me.photo_hidden >= {"nc"}
    assert org_view(org, AUTHENTICATED).photos_hidden


# --- the real server, auth=proxy, the bundled sample ------------------------------------


def _get(url: str, headers: dict[str, str]):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.parametrize("trusted", ["127.0.0.1", "127.0.0.2"])
def test_gunicorn_proxy_mode_bundled_sample(tmp_path, trusted):
    folder = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    port = free_port()
    proc = start_gunicorn(folder, port, workers=1, log=tmp_path / "g.log",
                          extra_env={"ORGPATH_AUTH": "proxy",
                                     "ORGPATH_TRUSTED_PROXIES": trusted})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc)
        hr = {"X-Forwarded-User": "hanne", "X-Forwarded-Groups": "hr"}
        status, body = _get(base + "/api/v1/orgs/agency/people/a02", hr)
        anon_status, anon_body = _get(base + "/api/v1/orgs/agency/people/a02", {})
        csv_status, csv = _get(base + "/orgs/agency/chart.csv", {})
    finally:
        stop(proc)
    assert anon_status == 404
    assert b"@nordlys.example" not in anon_body
    assert csv_status == 404
    assert b"@nordlys.example" not in csv
    if trusted == "127.0.0.1":  # the peer is the trusted proxy: its headers count
        assert status == 200
        assert json.loads(body)["email"] == "oliver.hughes@nordlys.example"
    else:  # the same headers from a peer that is not trusted are ignored
        assert status == 404
        assert b"@nordlys.example" not in body


def test_self_and_manager_rules(folder):
    import dataclasses

    from orgpath.model import Access

    org, _ = read_org(folder / "secret.csv")
    org = dataclasses.replace(org, access=Access("authenticated", {"email": "self",
                                                                    "photo": "manager"}))

    def emails(who: Audience) -> dict[str, str]:
        return {p.id: p.email for p in org_view(org, who).people if p.email}

    # p04 reports to p01, who reports to p00
    p04 = Audience(True, frozenset(), "u4", EMAILS[4])
    assert emails(p04) == {"p04": EMAILS[4]}
    p00 = Audience(True, frozenset(), "u0", EMAILS[0].upper())  # any case
    assert emails(p00) == {"p00": EMAILS[0]}
    photos = {p.id for p in org_view(org, p00).people if p.photo_url}
    assert "p04" in photos
    assert "p00" not in photos
    assert not any(p.photo_url for p in org_view(org, p04).people if p.id == "p01")
    assert emails(Audience(True, frozenset({"hr"}))) == {}


def test_openapi_declares_security_and_401(app, tokens):
    doc = app.test_client().get("/api/v1/openapi.json").json
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["cookie"]["in"] == "cookie"
    assert {} in doc["security"]
    for path, item in doc["paths"].items():
        if path in ("/api/v1/ping", "/api/v1/openapi.json"):  # never ask who is asking
            continue
        for method in item.values():
            assert "401" in method["responses"], path
    assert "hidden" in doc["paths"]["/api/v1/orgs/{org}"]["get"]["responses"]["404"][
        "description"]
    bad = app.test_client().get("/api/v1/orgs", headers={"Authorization": "Bearer nope"})
    assert set(bad.json) == {"type", "title", "status", "detail", "instance"}


@pytest.mark.parametrize(("base", "secure"), [("https://orgpath.example", True),
                                              ("http://127.0.0.1", False)])
def test_session_cookie_is_httponly_lax_and_secure_over_https(folder, base, secure):
    app = create_app({"GRAPHS": str(folder), "AUTH": "oidc",
                      "OIDC_ISSUER": "http://127.0.0.1:9/", "OIDC_CLIENT_ID": "x",
                      "SECRET_KEY": "k" * 32})
    c = app.test_client()
    with c.session_transaction(base_url=base) as s:
        s["viewer"] = {"user": "hanne", "email": "hanne@nordlys.example", "groups": ["hr"]}
    cookie = c.get_cookie("session", domain=base.split("//")[1])
    assert cookie is not None
    assert cookie.http_only is True
    assert cookie.same_site == "Lax"
    assert cookie.secure is secure


def test_oidc_needs_its_settings(folder):
    from orgpath.settings import SettingError

    with pytest.raises(SettingError, match="secret_key"):
        create_app({"GRAPHS": str(folder), "AUTH": "oidc", "OIDC_ISSUER": "http://x/",
                    "OIDC_CLIENT_ID": "x"})


def test_no_setup_on_loopback_serves_the_sample_org_to_its_user():
    c = create_app({"AUTH": ""}).test_client()
    page = c.get("/api/v1/orgs/agency/people/a02")
    assert page.status_code == 200
    assert page.json["email"] == "oliver.hughes@nordlys.example"


def test_history_is_for_those_who_see_all_of_it(tmp_path):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "_history_repo_access", Path(__file__).with_name("history_repo.py"))
    history_repo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(history_repo)
    root = history_repo.make_repo(tmp_path)
    app = create_app({"GRAPHS": str(root / "graphs"), "AUTH": "proxy",
                      "TRUSTED_PROXIES": "127.0.0.1", "ADMIN_GROUP": "admins"})
    c = app.test_client()
    urls = ("/api/v1/orgs/acme/changes", "/orgs/acme/changes",
            "/api/v1/orgs/acme/diff?from=2024-01-10&to=2024-03-20",
            "/orgs/acme?as_of=2024-02-20")
    for url in urls:  # the org is for signed-in people (the default): anonymous gets 404
        assert c.get(url, environ_base=TRUSTED).status_code == 404, url
    signed = proxy_headers("")
    for url in urls:  # the default rules show a signed-in colleague everything: history too
        assert c.get(url, headers=signed, environ_base=TRUSTED).status_code == 200, url
    (root / "graphs" / "acme.org.yaml").write_text(
        "title: Acme\naccess:\n  fields:\n    vacancies: group:hr\n", encoding="utf-8")
    app = create_app({"GRAPHS": str(root / "graphs"), "AUTH": "proxy",
                      "TRUSTED_PROXIES": "127.0.0.1", "ADMIN_GROUP": "admins"})
    c = app.test_client()
    changes = c.get(urls[0], headers=signed, environ_base=TRUSTED)
    assert changes.status_code == 404  # vacancies are hidden from them, and history shows them
    assert "history" in changes.json["detail"]
    assert c.get(urls[0], headers=proxy_headers("admins"),
                 environ_base=TRUSTED).status_code == 200
    assert c.get(urls[3], headers=signed, environ_base=TRUSTED).status_code == 200
