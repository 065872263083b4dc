"""The JSON API: every endpoint in both languages, caching headers, and every error path."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

A = "/api/v1/ladders/account-management"
PROBLEM = "application/problem+json"


def ok(client, url, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/json"
    return resp.get_json()


def problem(client, url, status, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == PROBLEM
    body = resp.get_json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["detail"]
    return body


#: The bundled ladder's English description (graphs/account-management.yaml).
DESCRIPTION = ("Client-facing careers that look after existing customer accounts: from "
               "assistant account manager up to vice president of account management, with "
               "the account executive as a sales-side neighbour of the account manager.")


def test_ladders(client):
    data = ok(client, "/api/v1/ladders")
    assert data == [{"id": "account-management", "title": "Account Management",
                     "description": DESCRIPTION, "roles": 7}]
    assert ok(client, "/api/v1/ladders?lang=da")[0]["title"] == "Kundeforvaltning"


def test_ladder(client):
    data = ok(client, A)
    assert data["id"] == "account-management"
    assert data["roles"] == 7
    assert data["levels"][0] == {"level": 6, "roles": ["vp-of-account-management"]}
    assert {"from": "account-manager", "to": "account-executive", "kind": "lateral",
            "years": 2, "requires": [], "source": "assumption"} in data["moves"]
    assert data["entry_roles"] == ["assistant-account-manager"]
    assert data["top_roles"] == ["vp-of-account-management"]
    assert ok(client, A + "?lang=da")["title"] == "Kundeforvaltning"


def test_roles_match_the_cli(client, cli):
    data = ok(client, A + "/roles")
    assert [r["id"] for r in data][0] == "vp-of-account-management"
    result = cli("roles", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == data
    da = ok(client, A + "/roles?lang=da")
    assert "Kundechef" in [r["title"] for r in da]


def test_role(client):
    data = ok(client, A + "/roles/account-manager")
    assert data["title"] == "Account Manager"
    assert data["level"] == 3
    assert data["salary"]["currency"] == "USD"
    assert data["reports_to"]["id"] == "director-of-account-management"
    assert {h["id"] for h in data["next"]} == {
        "director-of-account-management", "lead-account-manager", "account-executive"}
    da = ok(client, A + "/roles/account-manager?lang=da")
    assert da["title"] == "Kundechef"
    assert da["id"] == "account-manager"
    assert da["summary"].startswith("Kundens")


@pytest.mark.parametrize("name", ["Kundechef", "account manager", "ACCOUNT MANAGER",
                                  "Kontoadministrator"])
def test_role_by_title_or_alias_answers_with_id(client, name):
    assert ok(client, f"{A}/roles/{name}")["id"] == "account-manager"


def test_next_matches_the_cli(client, cli):
    data = ok(client, A + "/roles/account-manager/next?depth=2")
    result = cli("next", "account-manager", "--depth", "2", "--json")
    assert json.loads(result.output) == data
    assert {h["depth"] for h in data["next"]} == {1, 2}
    only = ok(client, A + "/roles/account-manager/next?kind=lateral")
    assert [h["id"] for h in only["next"]] == ["account-executive"]
    da = ok(client, A + "/roles/Kundechef/next?lang=da")
    assert da["role"] == {"id": "account-manager", "title": "Kundechef", "level": 3}


def test_previous(client):
    data = ok(client, A + "/roles/account-manager/previous")
    assert {h["id"] for h in data["previous"]} == {"associate-account-manager",
                                                    "account-executive"}
    assert ok(client, A + "/roles/vp-of-account-management/previous?kind=promotion&depth=3")


def test_chain_matches_the_cli(client, cli):
    data = ok(client, A + "/roles/account-manager/chain")
    assert [r["id"] for r in data["chain"]] == [
        "account-manager", "director-of-account-management", "vp-of-account-management"]
    assert json.loads(cli("chain", "account-manager", "--json").output) == data
    da = ok(client, A + "/roles/account-manager/chain?lang=da")
    assert da["chain"][0]["title"] == "Kundechef"


def test_paths_match_the_cli(client, cli):
    url = A + "/paths?from=assistant-account-manager&to=vp-of-account-management&k=3"
    data = ok(client, url)
    assert data["from"] == "assistant-account-manager"
    assert data["by"] == "steps"
    assert len(data["paths"]) == 3
    result = cli("path", "assistant-account-manager", "vp-of-account-management", "-k", "3",
                 "--json")
    assert json.loads(result.output) == data
    by_years = ok(client, A + "/paths?from=Kundechef&to=VP+of+Account+Management&by=years")
    assert by_years["from"] == "account-manager"
    assert by_years["to"] == "vp-of-account-management"
    assert by_years["paths"][0]["total_years"] == 9


def test_api_reads_accept_language(client):
    data = ok(client, A + "/roles/account-manager", headers={"Accept-Language": "da"})
    assert data["title"] == "Kundechef"
    resp = client.get(A + "/roles/account-manager", headers={"Accept-Language": "da"})
    assert "Accept-Language" in resp.headers["Vary"]


# --- caching ---------------------------------------------------------------------------


def test_etag_and_304(client):
    url = A + "/roles/account-manager/next"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert "max-age=" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'W/{etag}, "x"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_depends_on_normalized_args_and_lang(client):
    tag = lambda u: client.get(u).headers["ETag"]  # noqa: E731
    base = tag(A + "/roles/account-manager/next")
    assert tag(A + "/roles/Kundechef/next") == base  # same role, named differently
    assert tag(A + "/roles/account-manager/next?depth=1") == base
    assert tag(A + "/roles/account-manager/next?lang=da") != base
    assert tag(A + "/roles/account-manager/next?depth=2") != base


# --- errors ------------------------------------------------------------------------------


def test_unknown_ladder(client):
    body = problem(client, "/api/v1/ladders/account-managment", 404)
    assert body["type"].endswith("ladder-not-found")
    assert body["suggestions"] == ["account-management"]
    assert "account-managment" in body["detail"]


def test_unknown_role_suggests(client):
    body = problem(client, A + "/roles/acount-manager", 404)
    assert body["type"].endswith("role-not-found")
    assert "account-manager" in body["suggestions"]
    assert "Account Manager" in body["detail"]  # named as people read it; ids in suggestions
    problem(client, A + "/roles/nobody/next", 404)
    problem(client, A + "/paths?from=nobody&to=account-manager", 404)


def test_no_path_is_404_no_path(client):
    body = problem(client, A + "/paths?from=vp-of-account-management&to=account-manager", 404)
    assert body["type"].endswith("no-path")


@pytest.mark.parametrize("url,param", [
    (A + "/roles/account-manager/next?depth=abc", "depth"),
    (A + "/roles/account-manager/next?depth=0", "depth"),
    (A + "/roles/account-manager/next?depth=99999", "depth"),
    (A + "/roles/account-manager/next?kind=x", "kind"),
    (A + "/roles/account-manager/previous?kind=up", "kind"),
    (A + "/paths?from=account-manager&to=vp-of-account-management&k=0", "k"),
    (A + "/paths?from=account-manager&to=vp-of-account-management&k=1000", "k"),
    (A + "/paths?from=account-manager&to=vp-of-account-management&k=two", "k"),
    (A + "/paths?from=account-manager&to=vp-of-account-management&by=fast", "by"),
    (A + "/paths?to=vp-of-account-management", "from"),
    (A + "/paths?from=account-manager", "to"),
    (A + "/paths?from=" + "a" * 1000 + "&to=b", "from"),
    (A + "/roles?lang=fr", "lang"),
    ("/api/v1/ladders?lang=xx", "lang"),
])
def test_bad_parameters_are_400_naming_them(client, url, param):
    body = problem(client, url, 400)
    assert body["parameter"] == param
    assert param in body["detail"]


def test_unknown_api_url_and_method(client):
    body = problem(client, "/api/v1/nothing", 404)
    assert body["type"] == "about:blank"
    resp = client.post(A)
    assert resp.status_code == 405
    assert resp.mimetype == PROBLEM


@pytest.mark.parametrize("url", [
    "/api/v1/ladders/%00", "/api/v1/ladders/..%2F..%2Fetc%2Fpasswd",
    "/api/v1/ladders/../../etc/passwd", "/api/v1/ladders/" + "x" * 10000,
    A + "/roles/%00", A + "/roles/%00/next", A + "/roles/" + "é" * 5000,
    A + "/roles/🦄/chain", A + "/paths?from=%00&to=%00", A + "/paths?from=%FF&to=x",
    A + "/roles/account-manager/next?depth=1e9", A + "/roles/account-manager/next?depth=-1",
    A + "/roles/account-manager/next?depth=%00", A + "/roles/account-manager?lang=%00",
    "/api/v1/ladders/account-management%0Aroles",
])
def test_weird_inputs_get_problems_not_500(client, url):
    resp = client.get(url)
    assert 400 <= resp.status_code < 500, url
    assert resp.mimetype == PROBLEM
    assert resp.get_json()["status"] == resp.status_code


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s and s not in ".."))
def test_any_role_name_is_answered_cleanly(client, name):
    from urllib.parse import quote

    resp = client.get(f"{A}/roles/{quote(name, safe='')}/next")
    assert resp.status_code in (200, 404), (name, resp.status_code)
    if resp.status_code == 404:
        assert resp.mimetype == PROBLEM


def test_catch_all_answers_a_problem_and_logs(app, caplog):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    resp = app.test_client().get("/api/v1/boom")
    assert resp.status_code == 500
    assert resp.mimetype == PROBLEM
    assert "boom" not in resp.get_json()["detail"]
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_healthz(client):
    data = ok(client, "/healthz")
    assert data["status"] == "ok"
    assert data["ladders"] == [{"id": "account-management", "file": "account-management.yaml",
                                "roles": 7}]
    assert data["errors"] == []


def test_not_found_speaks_the_callers_language_and_names_the_suggestions(client):
    """Issue 10: problem details follow ?lang and Accept-Language; suggestions are
    named for people (ids stay in ``suggestions`` for machines)."""
    en = client.get(A + "/roles/acount-manager").get_json()
    assert en["detail"].startswith("No role matches 'acount-manager'. Did you mean: ")
    assert en["suggestions"][0] == "account-manager"
    assert en["suggestion_labels"][0] == "Account Manager"
    da = client.get(A + "/roles/acount-manager", headers={"Accept-Language": "da"}).get_json()
    assert da["detail"].startswith("Ingen rolle matcher 'acount-manager'. Mente du: Kundechef")
    assert da["suggestion_labels"][0] == "Kundechef"
    assert da["suggestions"] == en["suggestions"]
    person = client.get("/api/v1/orgs/agency/people/a2?lang=da").get_json()
    assert person["detail"].startswith("Der er ingen person med id 'a2'. Mente du: ")
    assert len(person["suggestion_labels"]) == len(person["suggestions"])
    assert all(" — " in label for label in person["suggestion_labels"])  # name — title
    page = client.get("/orgs/agency/people/a2?lang=da").get_data(as_text=True)
    assert "Mente du: " in page
    assert f'<bdi>{person["suggestion_labels"][0]}</bdi>' in page


def test_bad_parameters_are_explained_in_the_callers_language(client):
    url = A + "/roles/account-manager/next?depth=x"
    en = client.get(url).get_json()
    assert en["detail"] == "depth must be a whole number, not 'x'."
    da = client.get(url + "&lang=da").get_json()
    assert da["detail"] == "depth skal være et helt tal, ikke 'x'."
    assert da["parameter"] == "depth"
    header = client.get(A + "/roles/account-manager/next?depth=99",
                        headers={"Accept-Language": "da"}).get_json()
    assert header["detail"] == "depth skal være mellem 1 og 10, ikke 99."
