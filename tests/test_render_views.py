"""Views drawn by real Graphviz: one box per role, path highlighting, languages, escaping."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orgpath.graph import demo_graph, ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.model import Ladder, Move, Role
from orgpath.queries import RoleNotFound
from orgpath.render import RenderError, Runner, ViewError, build_view, render_chart
from orgpath.render.views import dot_text, focus_view, ladder_view, path_view, reporting_view

DATA = Path(__file__).parent / "data" / "render-graphs" / "render-demo.yaml"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
RUNNER = Runner()
PATH = ["trainee", "specialist", "lead", "head"]
EVIL = '"]; evil -> x [label="'
SCRIPT = "<script>alert(1)</script> & co"


@pytest.fixture(scope="module")
def G():
    ladder, diags = read_ladder(DATA)
    assert ladder is not None, diags
    return ladder_graph(ladder)


def svg_of(G, view="ladder", **kw) -> ET.Element:
    return ET.fromstring(render_chart(G, view, "svg", runner=RUNNER, **kw))


def classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in classes(g)]


def title(el: ET.Element) -> str:
    t = el.find(f"{SVG}title")
    return "" if t is None else (t.text or "")


def text(el: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in el.iter(f"{SVG}text"))


def role_names(root: ET.Element) -> list[str]:
    return sorted(title(g) for g in groups(root, "role"))


# --- every view ---------------------------------------------------------------------

VIEWS = [
    ("ladder", {}, ["trainee", "specialist", "coach", "script", "lead", "head"]),
    ("path", {"path": PATH}, ["trainee", "specialist", "coach", "script", "lead", "head"]),
    ("path", {"path": PATH, "only_path": True}, PATH),
    ("focus", {"focus": "specialist"}, ["trainee", "specialist", "coach", "lead", "head"]),
    ("focus", {"focus": "trainee", "depth": 3}, ["trainee", "specialist", "coach", "lead",
                                                 "script", "head"]),
    ("reporting", {}, ["trainee", "specialist", "coach", "script", "lead", "head"]),
]


@pytest.mark.parametrize("view,kw,roles", VIEWS)
def test_one_box_per_role(G, view, kw, roles):
    root = svg_of(G, view, **kw)
    nodes = groups(root, "node")
    boxes = groups(root, "role")
    assert len(boxes) == len(roles)
    assert all(classes(n) & {"role", "level"} for n in nodes)  # nothing else is a node
    assert role_names(root) == sorted(G.nodes[r]["role"].name("en") for r in roles)
    assert build_view(G, view, **kw).roles == tuple(sorted(roles, key=lambda r: (
        (-G.nodes[r]["level"]) if view == "reporting" else G.nodes[r]["level"],
        G.nodes[r]["track"], r)))


@pytest.mark.parametrize("view,kw,roles", VIEWS)
def test_accessible_title_desc_and_node_titles(G, view, kw, roles):
    root = svg_of(G, view, **kw)
    first, second = list(root)[:2]
    assert first.tag == f"{SVG}title"
    assert first.text
    assert second.tag == f"{SVG}desc"
    assert f"{len(roles)} roles" in second.text
    for g in groups(root, "node") + groups(root, "edge") + groups(root, "cluster"):
        assert title(g)
        assert not re.search(r"\b([nl]\d+|cluster_t?\d+)\b", title(g))
    for g in groups(root, "role"):  # every box has a tooltip
        assert any(a.get(f"{XLINK}title") for a in g.iter(f"{SVG}a"))


def test_ladder_layout(G):
    chart = ladder_view(G)
    dot = chart.dot
    assert "rankdir=BT" in dot
    assert "newrank=true" in dot
    # one rank=same row per level, with its level label
    assert len(re.findall(r"\{ rank=same; l\d+;", dot)) == 4
    assert dot.count("subgraph cluster_t") == 2  # tracks craft and people
    # the lateral move is drawn once, both ways, dashed
    laterals = [e for e in chart.edges if e.kind == "lateral"]
    assert len(laterals) == 1
    assert (laterals[0].source, laterals[0].target) == ("specialist", "coach")
    assert len(re.findall(r"dir=both", dot)) == 1
    assert "Level 4" in text(svg_of(G))
    assert "promotion" in text(svg_of(G))  # the legend


@pytest.mark.parametrize("rankdir", ["TB", "LR", "bt"])
def test_rankdir(G, rankdir):
    assert f"rankdir={rankdir.upper()}" in ladder_view(G, rankdir=rankdir).dot


def test_bad_rankdir(G):
    with pytest.raises(ViewError, match="rankdir"):
        ladder_view(G, rankdir="RL")


# --- path ------------------------------------------------------------------------------


def test_path_highlights_exactly_its_edges(G):
    root = svg_of(G, "path", path=PATH)
    on = [g for g in groups(root, "edge") if "onpath" in classes(g)]
    assert sorted(title(g) for g in on) == sorted(
        ["Trainee → Specialist", "Specialist → Team Lead", "Team Lead → Head of Craft"])
    assert sorted(title(g) for g in groups(root, "role") if "onpath" in classes(g)) == sorted(
        ["Trainee", "Specialist", "Team Lead", "Head of Craft"])
    faded = [g for g in groups(root, "edge") if "faded" in classes(g)]
    assert {title(g) for g in faded} == {
        f"Specialist → {EVIL}", f"{EVIL} → {SCRIPT}", f"{SCRIPT} → Head of Craft"}
    assert all("onpath" not in classes(g) for g in faded)
    # numbered steps with years, total years in the graph label
    labels = [text(g) for g in on]
    assert sorted(labels) == ["step 1 · 2 years", "step 2 · 3 years", "step 3 · 4 years"]
    assert "Trainee → Head of Craft: 3 steps, 9 years" in text(root)


def test_path_along_a_lateral_move_against_its_declared_direction():
    G = demo_graph()
    chart = path_view(G, ["expert", "senior"])
    on = [e for e in chart.edges if e.onpath]
    assert [(e.source, e.target, e.kind) for e in on] == [("expert", "senior", "lateral")]
    assert not [e for e in chart.edges if e.kind == "lateral" and not e.onpath]
    root = ET.fromstring(render_chart(G, "path", "svg", path=["expert", "senior"],
                                      runner=RUNNER))
    assert [title(g) for g in groups(root, "onpath") if "edge" in classes(g)] == [
        "Expert → Senior"]


def test_only_path_draws_only_path_edges(G):
    chart = path_view(G, PATH, only_path=True)
    assert all(e.onpath for e in chart.edges)
    assert len(chart.edges) == 3


def test_path_years_unknown(G):
    text_ = text(svg_of(G, "path", path=["specialist", "coach", "script"]))
    assert "≥ 1 year (some steps have no typical time)" in text_


@pytest.mark.parametrize("path,error,match", [
    (["trainee", "head"], ViewError, "no move from 'trainee' to 'head'"),
    (["trainee", "nobody"], RoleNotFound, "nobody"),
    ([], ViewError, "needs a path"),
    (["specialist", "coach", "specialist"], ViewError, "twice"),
])
def test_bad_paths(G, path, error, match):
    with pytest.raises(error, match=match):
        render_chart(G, "path", "svg", path=path, runner=RUNNER)


# --- focus and reporting -------------------------------------------------------------------


def test_focus_marks_the_role_and_draws_its_chain(G):
    chart = focus_view(G, "specialist")
    kinds = sorted((e.source, e.target, e.kind) for e in chart.edges)
    assert kinds == [
        ("lead", "head", "reports_to"),
        ("specialist", "coach", "lateral"),
        ("specialist", "lead", "promotion"),
        ("specialist", "lead", "reports_to"),
        ("trainee", "specialist", "promotion"),
    ]
    root = svg_of(G, "focus", focus="specialist")
    assert [title(g) for g in groups(root, "focus")] == ["Specialist"]


def test_focus_errors(G):
    with pytest.raises(ViewError, match="depth"):
        focus_view(G, "specialist", depth=0)
    with pytest.raises(RoleNotFound):
        focus_view(G, "nobody")
    with pytest.raises(ViewError, match="needs a focus"):
        build_view(G, "focus")


def test_reporting_lines(G):
    chart = reporting_view(G)
    assert "rankdir=TB" in chart.dot
    root = svg_of(G, "reporting")
    edges = groups(root, "reporting")
    primary = [g for g in edges if "reports_to" in classes(g)]
    dotted = [g for g in edges if "dotted" in classes(g)]
    assert len(primary) == 5
    assert len(dotted) == 1
    assert title(dotted[0]) == f"Specialist → {EVIL}"
    assert all(p.get("stroke-dasharray") for g in dotted for p in g.iter(f"{SVG}path"))
    assert not any(p.get("stroke-dasharray") for g in primary for p in g.iter(f"{SVG}path"))
    # the top role is drawn highest (smallest y)
    ys = {title(g): min(float(t.get("y")) for t in g.iter(f"{SVG}text"))
          for g in groups(root, "role")}
    assert min(ys, key=ys.get) == "Head of Craft"


# --- language, salary, links ------------------------------------------------------------


def test_danish(G):
    root = svg_of(G, "ladder", lang="da")
    assert {"Elev", "Træner", "Teamleder", "Fagchef", "Skript & co"} <= set(role_names(root))
    assert "Niveau 1" in text(root)
    assert "forfremmelse" in text(root)
    assert "Karrierestige: Tegnedemo" == list(root)[0].text


def test_unknown_language_falls_back_to_english(G):
    assert "Trainee" in role_names(svg_of(G, "ladder", lang="de"))


def test_names_in_another_language_are_marked():
    """A role with no title in the chart's language shows its English one, marked lang="en"."""
    ladder = Ladder("l", {"en": "L", "da": "L"}, (
        Role("a", {"en": "Junior", "da": "Junior-dansk"}, 1),
        Role("b", {"en": "Senior only in English"}, 2)),
        (Move("a", "b", "promotion"),))
    root = ET.fromstring(render_chart(ladder_graph(ladder), "ladder", "svg", lang="da",
                                      runner=RUNNER))
    marked = {title(g): g.get("lang") for g in groups(root, "role")}
    assert marked == {"Junior-dansk": None, "Senior only in English": "en"}
    english = ET.fromstring(render_chart(ladder_graph(ladder), "ladder", "svg", lang="en",
                                         runner=RUNNER))
    assert [g.get("lang") for g in groups(english, "role")] == [None, None]


def test_salary_band(G):
    assert "DKK 300,000–360,000 / year" in text(svg_of(G, salary=True))
    assert "DKK 300.000–360.000 / år" in text(svg_of(G, salary=True, lang="da"))
    assert "DKK" not in text(svg_of(G))


def test_links_are_escaped_and_unsafe_schemes_dropped(G):
    root = svg_of(G, link=lambda r: f"/roles/{r}?lang=da&x=<1>")
    hrefs = sorted(a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}href"))
    assert len(hrefs) == 6
    # One URL sanitiser for ladder and org charts: markup characters are percent-encoded.
    assert "/roles/trainee?lang=da&x=%3C1%3E" in hrefs
    root = svg_of(G, link=lambda r: "javascript:alert(1)")
    assert not [a for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}href")]


def test_broken_link_function(G):
    with pytest.raises(ViewError, match="link of role"):
        ladder_view(G, link=lambda r: 1 / 0)


# --- safety ---------------------------------------------------------------------------------


def test_injection_titles_are_literal_text(G):
    chart = ladder_view(G)
    assert EVIL not in chart.dot
    assert "<script>" not in chart.dot
    assert not re.search(r"^\s*(evil|x)\b", chart.dot, re.M)
    ids = set(re.findall(r"^\s+([A-Za-z_]\w*) \[", chart.dot, re.M))
    assert all(re.fullmatch(r"[nl]\d+|graph|node|edge", i) for i in ids)
    root = svg_of(G)
    texts = {title(g): text(g) for g in groups(root, "role")}
    assert texts[EVIL].startswith(EVIL)
    assert texts[SCRIPT].startswith(SCRIPT)
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{SVG}script"))
    # canonical DOT shows no node but ours
    canon = subprocess.run(["dot", "-Tcanon"], input=chart.dot.encode(), capture_output=True,
                           check=True).stdout.decode()
    assert "evil" not in re.findall(r"^\t(\w+)\s", canon, re.M)


def strange_graph(name: str):
    roles = (Role("a", {"en": name}, 1, summary={"en": name}), Role("b", {"en": "B"}, 2))
    return ladder_graph(Ladder("s", {"en": name}, roles, (Move("a", "b"),)))


@pytest.mark.parametrize("name", [
    r"back\slash \N \G \E \L end\\",
    "tab\tnew\nline \x01\x1f control",
    "&amp; &lt;entity&gt; &#45; -- comment",
    "'single' \"double\" `tick`",
    "}; digraph { a -> b",
    "<<B>html</B>>",
])
def test_strange_titles(name):
    G = strange_graph(name)
    for view in ("ladder", "reporting"):
        root = ET.fromstring(render_chart(G, view, "svg", runner=RUNNER))
        boxes = groups(root, "role")
        assert len(boxes) == 2
        expected = " ".join(name.replace("\x01", "").replace("\x1f", "").split())
        assert expected in role_names(root)
        got = {title(g): text(g) for g in boxes}
        assert got[expected].replace(" ", "").startswith(expected.replace(" ", ""))


def test_dot_text():
    assert dot_text('a"b<c>&d\\N') == "a&quot;b&lt;c&gt;&amp;d\\\u2060N"


def test_node_cap(G):
    with pytest.raises(ViewError, match="would draw 6 roles; at most 5"):
        render_chart(G, "ladder", "svg", max_nodes=5, runner=RUNNER)
    assert len(path_view(G, PATH, only_path=True, max_nodes=4).roles) == 4


def test_unknown_view(G):
    with pytest.raises(ViewError, match="unknown view"):
        render_chart(G, "sideways", "svg")
    assert issubclass(ViewError, RenderError)


def test_track_clusters_carry_the_track_titles_in_the_chosen_language():
    from orgpath.resources import default_graphs_dir

    lad, _ = read_ladder(default_graphs_dir() / "account-management.yaml")
    AM = ladder_graph(lad)
    labels = {
        lang: {t.text for g in groups(svg_of(AM, lang=lang), "cluster")
                for t in g.iter(f"{SVG}text")}
        for lang in ("en", "da")
    }
    assert {"Account management", "Sales"} <= labels["en"]
    assert {"Kundeforvaltning", "Salg"} <= labels["da"]
    assert "account-management" not in labels["en"] | labels["da"]
