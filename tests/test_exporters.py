"""Every format of every view: magic bytes, DOT re-read by Graphviz, data read back by networkx."""

from __future__ import annotations

import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.render import (
    FORMATS,
    MEDIA_TYPES,
    SUFFIXES,
    RenderError,
    Runner,
    build_view,
    format_for,
    render_chart,
)
from orgpath.render.exporters import drawn_graph, mermaid_text

DATA = Path(__file__).parent / "data" / "render-graphs" / "render-demo.yaml"
RUNNER = Runner()
PATH = ["trainee", "specialist", "lead", "head"]
CASES = {
    "ladder": {},
    "path": {"path": PATH},
    "only-path": {"path": PATH, "only_path": True},
    "focus": {"focus": "specialist", "depth": 2},
    "reporting": {},
}


@pytest.fixture(scope="module")
def G():
    ladder, diags = read_ladder(DATA)
    assert ladder is not None, diags
    return ladder_graph(ladder)


def render(G, case: str, fmt: str, **kw) -> bytes:
    view = "path" if case == "only-path" else case
    return render_chart(G, view, fmt, runner=RUNNER, **CASES[case], **kw)


def chart(G, case: str):
    view = "path" if case == "only-path" else case
    return build_view(G, view, **CASES[case])


def drawn_edges(G, case):
    return sorted((e.source, e.target, e.kind) for e in chart(G, case).edges)


@pytest.mark.parametrize("case", CASES)
def test_png_and_pdf_magic(G, case):
    assert render(G, case, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render(G, case, "pdf").startswith(b"%PDF-")


@pytest.mark.parametrize("case", CASES)
def test_svg_parses(G, case):
    root = ET.fromstring(render(G, case, "svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("case", CASES)
def test_dot_is_read_back_by_graphviz(G, case):
    dot = render(G, case, "dot")
    proc = subprocess.run(["dot", "-Tcanon"], input=dot, capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert not proc.stderr  # not even a warning
    roles = chart(G, case).roles
    for i in range(len(roles)):
        assert re.search(rf"^\s+n{i}\s", proc.stdout.decode(), re.M)


@pytest.mark.parametrize("case", CASES)
def test_graphml_reads_back(G, case):
    H = nx.read_graphml(io.BytesIO(render(G, case, "graphml")))
    c = chart(G, case)
    assert sorted(H.nodes) == sorted(c.roles)
    assert sorted((u, v, d["kind"]) for u, v, d in H.edges(data=True)) == drawn_edges(G, case)
    for r, node in H.nodes(data=True):
        assert node["level"] == G.nodes[r]["level"]  # read back as an int
        assert node["title_en"] == G.nodes[r]["title"]


@pytest.mark.parametrize("case", CASES)
def test_json_reads_back(G, case):
    data = json.loads(render(G, case, "json"))
    H = nx.node_link_graph(data, edges="edges")
    c = chart(G, case)
    assert H.is_directed()
    assert H.is_multigraph()
    assert sorted(H.nodes) == sorted(c.roles)
    assert sorted((u, v, d["kind"]) for u, v, d in H.edges(data=True)) == drawn_edges(G, case)
    assert data["graph"]["view"] == c.view


@pytest.mark.parametrize("case", CASES)
def test_mermaid_contains_every_role(G, case):
    mmd = render(G, case, "mmd").decode()
    assert mmd.splitlines()[1].startswith("flowchart ")
    for r in chart(G, case).roles:
        assert mermaid_text(G.nodes[r]["role"].name("en")) in mmd
    # no label can close its node: quotes appear only around labels
    for line in mmd.splitlines()[2:]:
        assert line.count('"') in (0, 2)
    assert "<script>" not in mmd
    assert '"]; evil' not in mmd


def test_mermaid_path_and_reporting_edges(G):
    mmd = render(G, "path", "mmd").decode()
    assert mmd.count("==>") == 3
    assert "==>|1|" in mmd
    assert "class " in mmd
    rep = render(G, "reporting", "mmd").decode()
    assert rep.count(" --- ") == 5
    assert rep.count(" -.-> ") == 1


def test_exports_follow_the_language(G):
    H = nx.read_graphml(io.BytesIO(render(G, "ladder", "graphml", lang="da")))
    assert H.nodes["trainee"]["label"] == "Elev"
    assert H.nodes["trainee"]["title_en"] == "Trainee"
    assert "Elev" in render(G, "ladder", "mmd", lang="da").decode()


def test_flattened_role_attributes(G):
    H = drawn_graph(G, chart(G, "path"))
    t = H.nodes["trainee"]
    assert t["salary_currency"] == "DKK"
    assert t["salary_min"] == 300000.0
    assert t["reports_to"] == "lead"
    assert t["onpath"] is True
    assert H.nodes["specialist"]["dotted_lines"] == "coach"
    steps = sorted(d["step"] for _, _, d in H.edges(data=True) if d.get("onpath"))
    assert steps == [1, 2, 3]


def test_second_render_costs_no_graphviz_call(G):
    r = Runner()
    first = render_chart(G, "ladder", "svg", runner=r)
    second = render_chart(G, "ladder", "svg", runner=r)
    assert first == second
    assert r.stats.calls == 1
    assert r.stats.hits == 1
    render_chart(G, "ladder", "png", runner=r)
    assert r.stats.calls == 2
    for fmt in ("dot", "json", "graphml", "mmd"):  # no Graphviz at all
        render_chart(G, "ladder", fmt, runner=r)
    assert r.stats.calls == 2


def test_render_errors(G):
    with pytest.raises(RenderError, match="unknown format"):
        render_chart(G, "ladder", "gif")
    with pytest.raises(RenderError, match="not installed"):
        render_chart(G, "ladder", "svg", runner=Runner("/nonexistent/dot"))
    with pytest.raises(RenderError, match="too large"):
        render_chart(G, "ladder", "png", runner=Runner(max_input=200))


#: What the first bytes of a file of each media type look like.
SNIFF = {
    "image/svg+xml": lambda b: ET.fromstring(b).tag == "{http://www.w3.org/2000/svg}svg",
    "image/png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "application/pdf": lambda b: b.startswith(b"%PDF-"),
    "text/vnd.graphviz": lambda b: b.startswith(b"digraph "),
    "application/json": lambda b: isinstance(json.loads(b), dict),
    "application/graphml+xml": lambda b: ET.fromstring(b).tag.endswith("graphml"),
    "text/vnd.mermaid": lambda b: b.startswith(b"%% "),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        lambda b: b.startswith(b"PK\x03\x04") and b"ppt/slides/slide1.xml" in b,
}


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
def test_each_suffix_writes_a_file_of_its_media_type(G, suffix):
    fmt = format_for(f"chart{suffix.upper()}")
    assert fmt in FORMATS
    data = render_chart(G, "ladder", fmt)
    assert SNIFF[MEDIA_TYPES[fmt].split(";")[0]](data)


def test_media_types_carry_one_charset_at_most():
    for fmt in FORMATS:
        assert MEDIA_TYPES[fmt].count("charset") <= 1, fmt


def test_names_without_a_known_suffix():
    assert format_for("x.txt") is None
    assert format_for("noext") is None
