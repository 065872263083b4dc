"""Graph queries on the bundled ladder and on a small fixture ladder."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from orgpath import queries as q
from orgpath.graph import ladder_graph, moves_graph
from orgpath.ladderfile import read_ladder
from orgpath.resources import default_graphs_dir

DATA = Path(__file__).parent / "data"


def load(path: Path) -> nx.MultiDiGraph:
    ladder, diags = read_ladder(path)
    assert ladder is not None, [str(d) for d in diags]
    return ladder_graph(ladder)


@pytest.fixture(scope="module")
def am() -> nx.MultiDiGraph:
    return load(default_graphs_dir() / "account-management.yaml")


@pytest.fixture(scope="module")
def eng() -> nx.MultiDiGraph:
    return load(DATA / "ladder-engineering.yaml")


def test_graph_tells_edge_kinds_apart(eng):
    kinds = {k for _, _, k in eng.edges(keys=True)}
    assert kinds == {"promotion", "lateral", "reports_to", "dotted"}
    assert eng.has_edge("engineer", "qa-engineer", "lateral")
    assert eng.has_edge("qa-engineer", "engineer", "lateral")  # lateral goes both ways
    assert eng.edges["engineer", "qa-engineer", "lateral"]["declared"] is True
    assert eng.edges["qa-engineer", "engineer", "lateral"]["declared"] is False
    assert eng.has_edge("senior-engineer", "principal-engineer", "dotted")


@pytest.mark.parametrize("text, expected", [
    ("account-manager", "account-manager"),
    ("Account Manager", "account-manager"),
    ("kundechef", "account-manager"),
    ("KUNDECHEF", "account-manager"),
    ("Kontoadministrator", "account-manager"),
    ("Director of Accounts", "director-of-account-management"),
    ("director of accounts", "director-of-account-management"),
    ("account manager", "account-manager"),
])
def test_find_role_by_id_title_alias_any_language(am, text, expected):
    assert q.find_role(am, text) == expected


def test_find_role_ignores_accents(eng):
    assert q.find_role(eng, "udviklingsdirektor") == "director"
    assert q.find_role(eng, "Udviklingsdirektør") == "director"


def test_find_role_suggests_close_matches(am):
    with pytest.raises(q.RoleNotFound) as err:
        q.find_role(am, "acount manager")
    assert err.value.suggestions[0] == "account-manager"
    assert "did you mean account-manager" in str(err.value)


def test_search_roles_finds_substrings_in_both_languages(am):
    assert "account-manager" in q.search_roles(am, "kundech")
    assert q.search_roles(am, "executive") == ["account-executive"]
    assert q.search_roles(am, "") == []


def test_next_roles_of_account_manager(am):
    hops = q.next_roles(am, "account-manager")
    assert {(h.role, h.kind) for h in hops} == {
        ("lead-account-manager", "promotion"),
        ("director-of-account-management", "promotion"),
        ("account-executive", "lateral"),
    }
    assert all(h.depth == 1 and h.via == "account-manager" for h in hops)
    promos = q.next_roles(am, "account-manager", kind="promotion")
    assert {h.kind for h in promos} == {"promotion"}


def test_next_roles_to_a_depth(eng):
    hops = q.next_roles(eng, "junior-engineer", kind="promotion", depth=3)
    by_depth = {}
    for h in hops:
        by_depth.setdefault(h.depth, set()).add(h.role)
    assert by_depth == {1: {"engineer", "qa-engineer"}, 2: {"senior-engineer"},
                        3: {"engineering-manager", "principal-engineer"}}
    assert q.next_roles(eng, "director") == []
    with pytest.raises(ValueError, match="kind must be one of"):
        q.next_roles(eng, "engineer", kind="sideways")
    with pytest.raises(ValueError, match="depth must be at least 1"):
        q.next_roles(eng, "engineer", depth=0)
    with pytest.raises(q.RoleNotFound):
        q.next_roles(eng, "nobody")


def test_previous_roles(eng):
    assert {h.role for h in q.previous_roles(eng, "senior-engineer")} == {
        "engineer", "qa-engineer"}
    assert q.previous_roles(eng, "junior-engineer") == []


def test_path_from_assistant_to_vp_exists(am):
    best = q.shortest_path(am, "assistant-account-manager", "vp-of-account-management")
    assert best.roles[0] == "assistant-account-manager"
    assert best.roles[-1] == "vp-of-account-management"
    D = moves_graph(am)
    assert all(D.has_edge(u, v) for u, v in zip(best.roles, best.roles[1:], strict=False))
    assert len(best.steps) == nx.shortest_path_length(D, best.roles[0], best.roles[-1])


def test_shortest_by_steps_and_by_years_differ(eng):
    by_steps = q.shortest_path(eng, "junior-engineer", "senior-engineer", by="steps")
    by_years = q.shortest_path(eng, "junior-engineer", "senior-engineer", by="years")
    assert len(by_steps.steps) == 2
    assert by_years.roles == ["junior-engineer", "engineer", "senior-engineer"]
    assert by_years.total_years == 5
    steps_alts = q.career_paths(eng, "junior-engineer", "senior-engineer", by="steps", k=5)
    # every simple path, shortest first: the two 2-step ways, then the two using the lateral
    assert [len(p.steps) for p in steps_alts] == [2, 2, 3, 3]
    assert len({tuple(p.roles) for p in steps_alts}) == 4
    years = [p.total_years for p in q.career_paths(eng, "junior-engineer", "senior-engineer",
                                                   by="years", k=5)]
    assert years == sorted(years)


def test_path_steps_carry_years_skills_and_salary(eng):
    p = q.shortest_path(eng, "junior-engineer", "engineering-manager", by="years")
    assert p.roles == ["junior-engineer", "engineer", "senior-engineer", "engineering-manager"]
    assert [s.years for s in p.steps] == [2, 3, 3]
    assert [s.cumulative_years for s in p.steps] == [2, 5, 8]
    assert [s.skills_gained for s in p.steps] == [("design",), ("mentoring",),
                                                  ("people-management",)]
    assert p.skills_gained == ("design", "mentoring", "people-management")
    assert p.steps[0].requires == ("design",)
    assert p.steps[0].salary_change == 600000 - 450000
    assert p.salary_change == 900000 - 450000
    assert p.currency == "DKK"


def test_salary_change_unknown_across_currencies(eng):
    p = q.shortest_path(eng, "engineering-manager", "director")
    assert p.salary_change is None
    assert p.steps[0].salary_change is None


def test_no_path_and_bad_arguments(eng):
    with pytest.raises(q.NoPath):
        q.career_paths(eng, "director", "junior-engineer")
    with pytest.raises(ValueError, match="by must be one of"):
        q.career_paths(eng, "junior-engineer", "director", by="fun")
    with pytest.raises(ValueError, match="k must be at least 1"):
        q.career_paths(eng, "junior-engineer", "director", k=0)
    same = q.career_paths(eng, "engineer", "engineer")
    assert same[0].roles == ["engineer"]
    assert same[0].total_years == 0


def test_reporting_chain_and_reports(am, eng):
    assert q.reporting_chain(am, "assistant-account-manager") == [
        "assistant-account-manager", "lead-account-manager", "director-of-account-management",
        "vp-of-account-management"]
    assert q.reporting_chain(am, "vp-of-account-management") == ["vp-of-account-management"]
    assert q.manager(eng, "senior-engineer") == "engineering-manager"
    assert q.dotted_lines(eng, "senior-engineer") == ["principal-engineer"]
    assert set(q.direct_reports(eng, "engineering-manager")) == {
        "junior-engineer", "engineer", "senior-engineer", "qa-engineer"}
    assert set(q.all_reports(eng, "director")) == set(eng) - {"director"}


def test_entry_top_level_and_track(eng, am):
    assert q.entry_roles(eng) == ["junior-engineer"]
    assert q.top_roles(eng) == ["director"]
    assert q.top_roles(am) == ["vp-of-account-management"]
    assert "assistant-account-manager" in q.entry_roles(am)
    levels = q.roles_by_level(eng)
    assert list(levels) == [5, 4, 3, 2, 1]
    assert levels[4] == ["engineering-manager", "principal-engineer"]
    tracks = q.roles_by_track(eng)
    assert tracks["quality"] == ["qa-engineer"]
    assert "quality" in tracks
    assert None in tracks


def test_every_bundled_role_has_a_way_up_but_the_top(am):
    top = set(q.top_roles(am))
    for rid in am:
        assert q.has_way_up(am, rid) == (rid not in top)
