"""The OpenAPI 3.1 document describes what the server really does.

* It is a valid OpenAPI 3.1 document (openapi-spec-validator, when installed).
* Every machine route of the app is documented, and every documented path exists.
* Real answers of every endpoint (successes and problems) validate against the
  schema the document declares for their path, status and media type
  (jsonschema, draft 2020-12, ``$ref``\\ s resolved inside the document).

Plain jsonschema rather than schemathesis: the answers are few and known, the
schemas are strict (``additionalProperties: false``), and this keeps the test
fast and deterministic under ``pytest -n 2``.
"""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

A = "/api/v1/ladders/account-management"
R = A + "/roles/account-manager"
DOC_URI = "urn:orgpath:openapi"


def bundled() -> str:
    from orgpath.resources import _bundled

    return str(_bundled("graphs"))

SAMPLES = [
    "/api/v1/ladders", "/api/v1/ladders?lang=da", "/api/v1/ladders?lang=xx",
    A, A + "?lang=da", "/api/v1/ladders/nope",
    A + "/roles", A + "/roles?lang=da", "/api/v1/ladders/nope/roles",
    R, R + "?lang=da", A + "/roles/vp-of-account-management", A + "/roles/acount-manager",
    A + "/roles/assistant-account-manager",
    R + "/next", R + "/next?depth=3&kind=promotion", R + "/next?depth=abc", R + "/next?kind=x",
    A + "/roles/vp-of-account-management/next", A + "/roles/nobody/next",
    R + "/previous", R + "/previous?depth=2&lang=da", R + "/previous?depth=0",
    R + "/chain", A + "/roles/vp-of-account-management/chain", A + "/roles/x/chain",
    A + "/paths?from=assistant-account-manager&to=vp-of-account-management&k=5",
    A + "/paths?from=Kundechef&to=vp-of-account-management&by=years&lang=da",
    A + "/paths?from=account-manager&to=account-manager",
    A + "/paths?from=vp-of-account-management&to=account-manager",
    A + "/paths?from=account-manager&to=vp-of-account-management&k=0",
    A + "/paths?from=account-manager&to=vp-of-account-management&by=fast",
    A + "/paths?to=x",
    "/ladders/account-management/chart.json", "/ladders/account-management/chart.exe",
    "/ladders/account-management/chart.svg?view=bogus",
    "/ladders/account-management/chart.svg?view=focus&focus=nobody",
    "/ladders/nope/chart.svg",
    A + "/matrix", A + "/matrix?track=sales&category=commercial&lang=da", A + "/matrix?track=x",
    A + "/compare?a=account-manager&b=lead-account-manager",
    A + "/compare?a=vp-of-account-management&b=assistant-account-manager&lang=da",
    A + "/gap?from=account-manager&to=vp-of-account-management&have=strategic-planning:2",
    A + "/gap?from=account-manager&to=vp-of-account-management&have=strategy:2",
    "/ladders/account-management/matrix.exe",
    "/healthz", "/api/v1/openapi.json",
]


@pytest.fixture(scope="module")
def doc():
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": bundled()})
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _registry(doc) -> Registry:
    return Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))


def _templates(doc):
    out = []
    for template in doc["paths"]:
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        out.append((template, re.compile(f"^{pattern}$")))
    # the most specific (longest literal) first
    out.sort(key=lambda t: -len(re.sub(r"\{\w+\}", "", t[0])))
    return out


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _operation(doc, path: str):
    for template, rx in _templates(doc):
        if rx.match(path):
            return template, doc["paths"][template]["get"]
    raise AssertionError(f"{path} is not documented")


def test_document_is_valid_openapi_31(doc):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_every_ref_resolves(doc):
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"])
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_routes_and_document_agree(app, doc):
    documented = set(doc["paths"])
    served = set()
    for rule in app.url_map.iter_rules():
        pages = ("pages.", "orgs.", "frameworks.", "org_list.people_page")
        if rule.endpoint == "static" or rule.endpoint.startswith(pages):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).replace("{fmt}", "{format}")
        served.add(path)
    assert served - documented == set(), "routes missing from the OpenAPI document"
    adapter = app.url_map.bind("localhost")
    for template in documented:  # each documented path is served by a machine route
        method = next(iter(doc["paths"][template])).upper()
        endpoint, _ = adapter.match(re.sub(r"\{\w+\}", "x", template), method=method)
        assert not endpoint.startswith(("pages.", "orgs.", "org_list.people_page")), template


def test_limits_come_from_the_settings():
    from orgpath.web import create_app

    app = create_app({"TESTING": True, "GRAPHS": bundled(), "MAX_DEPTH": 4,
                      "MAX_PEOPLE_PAGE": 7, "MAX_K": 3})
    doc = app.test_client().get("/api/v1/openapi.json").get_json()

    def schema(path: str, name: str) -> dict:
        params = doc["paths"][path]["get"]["parameters"]
        return next(p for p in params if p["name"] == name)["schema"]["anyOf"][0]

    assert schema("/api/v1/ladders/{ladder}/roles/{role}/next", "depth")["maximum"] == 4
    assert schema("/api/v1/orgs/{org}/people/{pid}/reports", "depth")["maximum"] == 4
    assert schema("/orgs/{org}/chart.{format}", "depth")["maximum"] == 4
    assert schema("/api/v1/orgs/{org}/people", "limit")["maximum"] == 7
    assert schema("/api/v1/ladders/{ladder}/paths", "k")["maximum"] == 3
    c = app.test_client()
    assert c.get("/api/v1/orgs/agency/people?limit=8").status_code == 400
    assert c.get("/api/v1/orgs/agency/people?limit=7").status_code == 200


def test_every_operation_declares_its_problems(doc):
    for path, item in doc["paths"].items():
        if path in ("/healthz", "/api/v1/openapi.json", "/metrics") or "exports" in path:
            continue  # no query parameters, no heavy work: neither 400 nor 503
        responses = item["get"]["responses"]
        for status in ("400", "503"):
            assert status in responses, (path, status)
        if "chart." in path:
            for status in ("404", "422", "504"):
                assert status in responses, (path, status)


def test_operation_ids_are_unique(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("url", SAMPLES)
def test_answers_match_their_declared_schema(client, doc, url):
    resp = client.get(url)
    assert resp.status_code < 500, url
    path = url.split("?")[0]
    template, op = _operation(doc, path)
    declared = op["responses"].get(str(resp.status_code))
    assert declared, f"{template} does not declare status {resp.status_code}"
    media = resp.mimetype
    assert media in declared["content"], f"{template} {resp.status_code} does not declare {media}"
    pointer = "/".join(_escape(x) for x in (
        "paths", template, "get", "responses", str(resp.status_code), "content", media, "schema"))
    schema = {"$ref": f"{DOC_URI}#/{pointer}"}  # so nested $refs resolve inside the document
    validator = Draft202012Validator(schema, registry=_registry(doc))
    errors = sorted(validator.iter_errors(resp.get_json()), key=lambda e: e.path)
    assert not errors, f"{url}: " + "; ".join(
        f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])
    if resp.status_code == 200 and "headers" in declared:
        for header in declared["headers"]:
            assert header in resp.headers, (url, header)


@pytest.mark.parametrize("param", ["lang", "depth", "kind", "k", "by", "from", "to"])
def test_documented_parameters_exist(doc, param):
    names = {p["name"] for item in doc["paths"].values() for op in item.values()
             for p in op.get("parameters", [])}
    assert param in names


def test_bench_baseline_is_documented_only_when_on():
    from orgpath.web import create_app

    on = create_app({"TESTING": True, "GRAPHS": bundled(), "BENCH_BASELINE": True})
    c = on.test_client()
    assert c.get("/api/v1/ping").get_json() == {"ok": True, "service": "orgpath"}
    assert "/api/v1/ping" in c.get("/api/v1/openapi.json").get_json()["paths"]
    off = create_app({"TESTING": True, "GRAPHS": bundled()}).test_client()
    assert off.get("/api/v1/ping").status_code == 404
