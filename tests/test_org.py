"""Queries over an org graph, on the demo org and the bundled sample."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from orgpath import org as O
from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.model import Org, Person
from orgpath.peoplefile import read_org

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"


@pytest.fixture(scope="module")
def ladder():
    lad, _ = read_ladder(GRAPHS / "account-management.yaml")
    return ladder_graph(lad)


@pytest.fixture(scope="module")
def agency(ladder):
    org, diags = read_org(GRAPHS / "agency.csv", ladder)
    assert org is not None, diags
    return O.org_graph(org)


def test_graph_shape(agency):
    assert nx.is_forest(agency)
    assert O.roots(agency) == ["a01"]
    assert agency.graph["org"].title == "Nordlys & Partners"
    assert agency.nodes["a12"]["person"].name == "Sofie Dahl"


def test_chain_reports_headcount(agency):
    assert O.chain_of_command(agency, "a12") == ["a12", "a08", "a06", "a02", "a01"]
    assert O.direct_reports(agency, "a08") == ["a11", "a12", "a13", "a14"]
    assert O.all_reports(agency, "a06", depth=1) == ["a08", "a09"]
    assert len(O.all_reports(agency, "a06")) == 10
    assert O.headcount(agency, "a01") == len(agency) - 1
    assert O.headcount(agency, "a06") == 10
    assert O.headcount(agency, "a40") == 0
    assert O.manager_of(agency, "a01") is None


def test_unknown_person_suggests(agency):
    with pytest.raises(O.PersonNotFound, match="did you mean"):
        O.chain_of_command(agency, "a1200")


def test_span_depth_roles_search(agency):
    spans = O.span_of_control(agency)
    assert spans["a01"] == 4
    assert "a40" not in spans
    assert O.org_depth(agency) == 5  # a01 > a02 > a06 > a08 > a11
    assert O.people_with_role(agency, "lead-account-manager") == ["a08", "a09", "a10"]
    assert O.find_people(agency, "SOREN") == ["a03"]
    assert O.find_people(agency, "designer") == ["a30", "a31", "a32"]
    assert O.find_people(agency, "a05")[0] == "a05"
    assert O.find_people(agency, "  ") == []


def test_next_roles_with_holders(agency, ladder):
    nxt = O.next_roles_with_holders(agency, "a11", ladder)  # an account manager
    kinds = {(n.role, n.kind) for n in nxt}
    assert ("lead-account-manager", "promotion") in kinds
    lead = next(n for n in nxt if n.role == "lead-account-manager")
    assert lead.holders == ["a08", "a09", "a10"]
    assert nxt[0].kind == "promotion"
    assert O.next_roles_with_holders(agency, "a01", ladder) == []  # no ladder role


def test_neighbourhood(agency):
    ids = O.neighbourhood(agency, "a08")
    assert ids[:3] == ["a01", "a02", "a06"]
    assert "a09" in ids  # a peer
    assert "a11" in ids
    assert "a10" not in ids
    sub = agency.subgraph(ids)
    assert nx.is_tree(sub)
    assert O.neighbourhood(agency, "a01")[0] == "a01"


def test_subtree_and_levels():
    G = O.demo_org()
    T = O.subtree(G, "ceo", 1)
    assert sorted(T) == ["ceo", "e", "pa", "s"]
    assert "_levels" not in T.graph
    assert O.levels(G) == {"ceo": 0, "pa": 1, "s": 1, "e": 1, "s1": 2, "s2": 2, "e1": 2}


def test_deep_chain_is_iterative():
    n = 50_000
    people = [Person("0", "root")] + [Person(str(i), f"p{i}", str(i - 1)) for i in range(1, n)]
    G = O.org_graph(Org("chain", "Chain", tuple(people)))
    assert O.headcount(G, "0") == n - 1
    assert O.org_depth(G) == n
    assert len(O.chain_of_command(G, str(n - 1))) == n


# --- the loaded org's memory shape (issue 15) -------------------------------------------


def test_node_data_reads_like_a_dict_and_refuses_writes(agency):
    data = agency.nodes["a12"]
    assert data["person"].name == "Sofie Dahl"
    assert data.get("person") is data["person"]
    assert data.get("assistant") is None
    assert "person" in data
    assert "title" not in data
    assert dict(data) == {"person": data["person"]}
    assert dict(agency.nodes(data="person"))["a12"] is data["person"]
    with pytest.raises(KeyError):
        data["title"]
    with pytest.raises(TypeError):
        data["person"] = None  # org graphs are not changed once built


def test_copies_and_subtrees_get_plain_dicts(agency):
    copy = agency.copy()
    assert type(copy.nodes["a12"]) is dict
    assert copy.nodes["a12"]["person"] is agency.nodes["a12"]["person"]
    sub = O.subtree(agency, "a08")
    assert sub.nodes["a12"]["person"].name == "Sofie Dahl"
    copy.nodes["a12"]["seen"] = True  # a copy is the caller's to change
    assert "seen" not in agency.nodes["a12"]


def test_edges_carry_no_data(agency):
    assert all(d == {} for _, _, d in agency.edges(data=True))
    assert sorted(agency.successors("a08")) == sorted(
        p.id for p in agency.graph["org"].people if p.manager_id == "a08")


def test_graph_of_an_org_whose_manager_is_not_a_person():
    # an Org built in code may name a manager it does not hold: a bare node, as networkx adds
    G = O.org_graph(Org("x", "X", (Person("a", "Ann", "boss"),)))
    assert list(G.predecessors("a")) == ["boss"]
    assert dict(G.nodes["boss"]) == {}


def test_person_has_no_dict_per_instance():
    p = Person("a", "Ann")
    assert not hasattr(p, "__dict__")
    with pytest.raises(AttributeError):
        p.name = "Bo"


def test_adjacency_reads_like_dicts_and_refuses_changes(agency):
    leaf = next(v for v in agency if not agency._succ[v])
    boss = O.manager_of(agency, leaf)
    assert dict(agency._pred[leaf]) == {boss: {}}
    assert list(agency.predecessors(leaf)) == [boss]
    assert agency.in_degree(leaf) == 1
    assert list(agency.successors(leaf)) == []
    assert list(reversed(agency._succ[boss])) == list(agency._succ[boss])[::-1]
    with pytest.raises(TypeError):
        agency._succ[leaf]["x"] = {}
    # copies are plain networkx graphs the caller may change
    copy = agency.copy()
    copy.add_edge(leaf, "new")
    assert list(copy.successors(leaf)) == ["new"]
    assert list(agency.successors(leaf)) == []


def test_graph_survives_pickle_and_deepcopy(agency):
    import copy
    import pickle

    for again in (pickle.loads(pickle.dumps(agency)), copy.deepcopy(agency)):
        assert sorted(again.edges) == sorted(agency.edges)
        assert again.nodes["a12"]["person"] == agency.nodes["a12"]["person"]
        assert O.chain_of_command(again, "a12") == O.chain_of_command(agency, "a12")
