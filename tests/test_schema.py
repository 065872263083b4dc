"""The ladder JSON Schema, its fixtures, and the data of the bundled default ladder.

The schema checks shape only; orgpath/ladderfile.py is the authority on references
and cycles. The data tests read the bundled ladder with plain yaml + networkx so they
do not depend on the project's own loader.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import networkx as nx
import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "orgpath" / "schema" / "ladder.schema.json"
LADDER_PATH = ROOT / "graphs" / "account-management.yaml"
DATA = Path(__file__).resolve().parent / "data"

ARTICLES = ("000_d9c63b88a3211052.txt", "001_fe30a5818d833962.txt")
ALLOWED_SOURCES = {*ARTICLES, "assumption"}
REQUIRED_IDS = {
    "assistant-account-manager",
    "associate-account-manager",
    "account-manager",
    "lead-account-manager",
    "director-of-account-management",
    "vp-of-account-management",
    "account-executive",
}
ENTRY = "assistant-account-manager"
TOP = "vp-of-account-management"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def ladder() -> dict:
    return yaml.safe_load(LADDER_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def roles(ladder) -> dict[str, dict]:
    return {r["id"]: r for r in ladder["roles"]}


@pytest.fixture(scope="module")
def promotions(ladder) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(r["id"] for r in ladder["roles"])
    for m in ladder.get("moves", []):
        if m.get("kind", "promotion") == "promotion":
            G.add_edge(m["from"], m["to"])
    return G


@pytest.fixture(scope="module")
def all_moves(ladder) -> nx.DiGraph:
    """Promotions one way, lateral moves both ways."""
    G = nx.DiGraph()
    G.add_nodes_from(r["id"] for r in ladder["roles"])
    for m in ladder.get("moves", []):
        G.add_edge(m["from"], m["to"])
        if m.get("kind") == "lateral":
            G.add_edge(m["to"], m["from"])
    return G


def _errors(validator, instance) -> list:
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


# --- the schema itself -------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema(schema):
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert schema["additionalProperties"] is False


def test_every_object_in_the_schema_closes_its_keys(schema):
    """Unknown keys are errors: every object with properties sets additionalProperties."""
    open_objects = []

    def walk(node, where):
        if isinstance(node, dict):
            if "properties" in node and node.get("additionalProperties") is not False:
                open_objects.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "#")
    assert open_objects == []


# --- the bundled ladder against the schema ------------------------------------------------


def test_bundled_ladder_validates(validator, ladder):
    assert [e.message for e in _errors(validator, ladder)] == []


def test_bundled_ladder_as_json_validates(validator, ladder):
    """The same structure written as JSON is accepted too."""
    assert _errors(validator, json.loads(json.dumps(ladder))) == []


# --- fixtures: one fault each, rejected for that reason ----------------------------------


def _fixture(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_minimal_fixture_is_valid(validator):
    """The base the bad fixtures are made from is itself valid (so each has one fault)."""
    assert _errors(validator, _fixture("schema-minimal.yaml")) == []


@pytest.mark.parametrize(
    ("name", "keyword", "path", "needle"),
    [
        ("schema-missing-level.yaml", "required", ["roles", 1], "'level'"),
        ("schema-bad-id.yaml", "pattern", ["id"], "Demo_Ladder"),
        ("schema-unknown-key.yaml", "additionalProperties", ["roles", 0], "reportsto"),
        ("schema-bad-kind.yaml", "enum", ["moves", 0, "kind"], "demotion"),
        ("schema-negative-years.yaml", "minimum", ["moves", 0, "years"], "-1"),
    ],
)
def test_bad_fixture_is_rejected_for_the_right_reason(validator, name, keyword, path, needle):
    errors = _errors(validator, _fixture(name))
    assert len(errors) == 1, [e.message for e in errors]
    (error,) = errors
    assert error.validator == keyword
    assert list(error.absolute_path) == path
    assert needle in error.message


def _loader_errors(doc: dict) -> list[str]:
    """Errors orgpath's own loader reports for ``doc`` written out as YAML."""
    from orgpath.ladderfile import parse_ladder

    _, diags = parse_ladder(yaml.safe_dump(doc, allow_unicode=True), "mutated.yaml")
    return [str(d) for d in diags if d.severity == "error"]


def _mutated(change) -> dict:
    doc = copy.deepcopy(_fixture("schema-minimal.yaml"))
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["roles"][0].update(title={"english": "Junior"}), ["roles", 0, "title"]),
        (lambda d: d["roles"][0].update(title=""), ["roles", 0, "title"]),
        (lambda d: d["roles"][0].update(level=1.5), ["roles", 0, "level"]),
        (lambda d: d["roles"][0].update(level=True), ["roles", 0, "level"]),
        (lambda d: d["roles"][0].update(reports_to=["lead", "lead"]), ["roles", 0, "reports_to"]),
        (lambda d: d["roles"][0].update(reports_to="Lead"), ["roles", 0, "reports_to"]),
        (lambda d: d["roles"][0].update(skills=["Sales"]), ["roles", 0, "skills"]),
        (lambda d: d["roles"][0].update(responsibilities={"en": "x"}),
         ["roles", 0, "responsibilities"]),
        (lambda d: d["roles"][0].update(salary={"currency": "USD"}), ["roles", 0, "salary"]),
        (lambda d: d["roles"][0].update(salary={"min": 1}), ["roles", 0, "salary"]),
        (lambda d: d["roles"][0].update(salary={"currency": "USD", "min": -5}),
         ["roles", 0, "salary", "min"]),
        (lambda d: d["roles"][0].update(summary={"en": "  "}), ["roles", 0, "summary"]),
        (lambda d: d["moves"][0].pop("to"), ["moves", 0]),
        (lambda d: d["moves"][0].update(years="two"), ["moves", 0, "years"]),
        (lambda d: d.pop("roles"), []),
        (lambda d: d.update(roles=[]), ["roles"]),
        (lambda d: d.update(version=2), []),
    ],
    ids=[
        "lang-code", "empty-title", "float-level", "bool-level", "reports-to-twice",
        "reports-to-bad-slug", "skill-slug", "responsibilities-string", "salary-no-amount",
        "salary-no-currency", "salary-negative", "blank-summary",
        "move-without-to", "years-string", "no-roles", "empty-roles", "unknown-top-key",
    ],
)
def test_schema_rejects(validator, change, path):
    doc = _mutated(change)
    errors = _errors(validator, doc)
    assert errors, "expected the schema to reject this"
    assert [list(e.absolute_path) for e in errors] == [path]
    assert _loader_errors(doc), "orgpath accepts what the schema rejects"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["roles"][0].update(reports_to="lead"),
        lambda d: d["roles"][0].update(skills="sales", aliases=["Junior", 2]),
        lambda d: d["roles"][0].update(codes={"isco08": 1420, "disco08": "142010", "esco": "http://data.europa.eu/esco/occupation/0b2a4a5e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"}),
        lambda d: d["roles"][0].update(responsibilities=["one", "two"]),
        lambda d: d["roles"][0].update(salary={"currency": "DKK", "max": 600000}),
        lambda d: d["moves"][0].update(kind="lateral", requires="sales"),
        lambda d: d.update(title={"en": "Demo", "da": "Demo"}),
        lambda d: d.pop("moves"),
    ],
    ids=["one-manager-as-text", "one-skill-as-text", "numeric-code", "plain-list",
         "max-only", "lateral", "bilingual-title", "no-moves"],
)
def test_schema_accepts_what_orgpath_accepts(validator, change):
    doc = _mutated(change)
    assert [e.message for e in _errors(validator, doc)] == []
    assert _loader_errors(doc) == []


def test_schema_agrees_with_ladderfile_on_the_fixtures(validator):
    """The schema and orgpath's own loader reject the same fixtures."""
    from orgpath.ladderfile import read_ladder

    for path in sorted(DATA.glob("schema-*.yaml")):
        _, diags = read_ladder(path)
        loader_rejects = any(d.severity == "error" for d in diags)
        schema_rejects = bool(_errors(validator, _fixture(path.name)))
        assert loader_rejects == schema_rejects, (path.name, [str(d) for d in diags])


def test_orgpath_loads_the_bundled_ladder_without_diagnostics():
    from orgpath.ladderfile import read_ladder

    ladder, diags = read_ladder(LADDER_PATH)
    assert [str(d) for d in diags] == []
    assert ladder is not None
    assert ladder.id == "account-management"


# --- the bundled ladder's data -------------------------------------------------------------


def test_required_roles_present(roles):
    assert REQUIRED_IDS <= set(roles)


def test_role_ids_unique(ladder):
    ids = [r["id"] for r in ladder["roles"]]
    assert len(ids) == len(set(ids))


def test_every_role_and_move_names_its_source(ladder):
    for item in [*ladder["roles"], *ladder["moves"]]:
        assert item.get("source") in ALLOWED_SOURCES, item.get("id", item)


def test_both_articles_are_used(ladder):
    used = {item["source"] for item in [*ladder["roles"], *ladder["moves"]]}
    assert set(ARTICLES) <= used


def test_every_move_has_years(ladder):
    for m in ladder["moves"]:
        assert isinstance(m.get("years"), int | float), m
        assert m["years"] >= 0, m


def test_every_role_is_bilingual(ladder):
    for r in ladder["roles"]:
        for field in ("title", "summary"):
            text = r[field]
            assert isinstance(text, dict), (r["id"], field)
            assert text.get("en", "").strip(), (r["id"], field)
            assert text.get("da", "").strip(), (r["id"], field)
        resp = r["responsibilities"]
        assert resp.get("en"), r["id"]
        assert resp.get("da"), r["id"]
        assert len(resp["en"]) == len(resp["da"]), r["id"]


def test_the_danish_is_not_the_english(ladder):
    for r in ladder["roles"]:
        assert r["summary"]["en"] != r["summary"]["da"], r["id"]


def test_names_from_the_articles(roles):
    am = roles["account-manager"]
    assert am["title"]["da"] == "Kundechef"
    assert "Kontoadministrator" in am["aliases"]
    assert "Director of Accounts" in roles["director-of-account-management"]["aliases"]
    ae_names = {roles["account-executive"]["title"]["da"], *roles["account-executive"]["aliases"]}
    assert {"Kontoansvarlig", "Kontochef", "Kontoleder"} <= ae_names


def test_salaries_as_the_articles_state_them(roles):
    am = roles["account-manager"]["salary"]
    assert (am["currency"], am["min"], am["max"], am["period"]) == ("USD", 45000, 85000, "year")
    # sources cite the articles by title, never by file name
    assert "Indeed.com" in am["source"]
    assert 'the article "Account Manager"' in am["source"]
    assert ARTICLES[0] not in am["source"]
    ae = roles["account-executive"]["salary"]
    assert (ae["currency"], ae["min"], ae["max"], ae["period"]) == ("USD", 57504, 57504, "year")
    assert "Glassdoor.com" in ae["source"]
    assert "May 2021" in ae["source"]
    assert 'the article "Account Executive"' in ae["source"]
    assert ARTICLES[1] not in ae["source"]


def test_levels(roles):
    assert roles[ENTRY]["level"] == 1
    assert roles[TOP]["level"] == 6
    assert roles["account-executive"]["level"] == roles["account-manager"]["level"] == 3


def test_references_point_at_roles(ladder, roles):
    for r in ladder["roles"]:
        for manager in r.get("reports_to", []):
            assert manager in roles, (r["id"], manager)
    for m in ladder["moves"]:
        assert m["from"] in roles, m
        assert m["to"] in roles, m
        assert m["from"] != m["to"], m


def test_promotions_form_a_dag(promotions):
    assert nx.is_directed_acyclic_graph(promotions), nx.find_cycle(promotions)


def test_promotions_go_up_and_laterals_stay_level(ladder, roles):
    for m in ladder["moves"]:
        low, high = roles[m["from"]]["level"], roles[m["to"]]["level"]
        if m.get("kind", "promotion") == "promotion":
            assert high > low, m
        else:
            assert high == low, m


def test_promotion_path_from_assistant_to_vp(promotions):
    path = nx.shortest_path(promotions, ENTRY, TOP)
    assert path[0] == ENTRY
    assert path[-1] == TOP
    assert nx.has_path(promotions, "account-manager", "director-of-account-management")
    assert promotions.has_edge("account-manager", "director-of-account-management")


def test_lateral_between_account_manager_and_executive(ladder):
    laterals = {
        frozenset((m["from"], m["to"])) for m in ladder["moves"] if m.get("kind") == "lateral"
    }
    assert frozenset(("account-manager", "account-executive")) in laterals


def test_reporting_lines(ladder, roles):
    tops = [r["id"] for r in ladder["roles"] if not r.get("reports_to")]
    assert tops == [TOP]
    assert roles[ENTRY]["reports_to"][0] == "lead-account-manager"
    assert roles["associate-account-manager"]["reports_to"][0] == "lead-account-manager"
    lines = nx.DiGraph(
        (r["id"], r["reports_to"][0]) for r in ladder["roles"] if r.get("reports_to")
    )
    assert nx.is_directed_acyclic_graph(lines)
    for r in roles:
        assert nx.has_path(lines, r, TOP), r


def test_every_role_is_reachable_and_has_a_way_up(ladder, roles, all_moves):
    for r in roles:
        assert nx.has_path(all_moves, ENTRY, r), r
        if r == TOP:
            continue
        above = {v for v in nx.descendants(all_moves, r) if roles[v]["level"] > roles[r]["level"]}
        assert above, f"{r} has no way up"


def test_some_moves_require_skills(ladder):
    assert any(m.get("requires") for m in ladder["moves"])
