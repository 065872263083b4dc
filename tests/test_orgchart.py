"""Org charts drawn by Graphviz for real: SVG boxes, escaping, views, JSON, paged PDF."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest

from orgpath import org as O
from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.model import Org, Person
from orgpath.peoplefile import read_org
from orgpath.render.orgchart import ChartError, org_chart, org_dot
from orgpath.render.paged import paged_pdf

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module")
def ladder():
    lad, _ = read_ladder(GRAPHS / "account-management.yaml")
    return ladder_graph(lad)


@pytest.fixture(scope="module")
def agency(ladder):
    org, _ = read_org(GRAPHS / "agency.csv", ladder)
    return O.org_graph(org)


def nodes(svg: bytes) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def texts(node: ET.Element) -> list[str]:
    return [t.text for t in node.iter(f"{SVG}text")]


def test_one_box_per_person(agency, ladder):
    svg = org_chart(agency, "svg", ladder_graph=ladder)
    boxes = nodes(svg)
    assert len(boxes) == len(agency)
    names = {texts(b)[0] for b in boxes}
    assert "Mette Kjær" in names
    assert "Vacant" in names
    # each box is named by its person's tooltip (what screen readers read), not an id
    titles = [b.find(f"{SVG}title").text for b in boxes]
    assert "Mette Kjær — Chief Executive Officer · Executive" in titles
    assert not [t for t in titles if t.startswith("n") and t[1:].isdigit()]


def test_vacant_dashed_dotted_lines_and_danish(agency, ladder):
    svg = org_chart(agency, "svg", ladder_graph=ladder, lang="da")
    root = ET.fromstring(svg)
    vacant = next(b for b in nodes(svg) if texts(b)[0] == "Ledig")  # Danish for "Vacant"
    assert any(e.get("stroke-dasharray") for e in vacant.iter() if e.tag != f"{SVG}g")
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 2  # the two dotted lines
    all_text = [t for b in nodes(svg) for t in texts(b)]
    assert "Kundechef" in all_text  # account-manager's Danish title (no own title)
    cut = org_chart(agency, "svg", ladder_graph=ladder, lang="da", depth=1)
    assert "+19 i teamet" in [t for b in nodes(cut) for t in texts(b)]  # the VP's team


NASTY = ['<script>alert(1)</script>', '"]; evil -> x [label="', "back\\slash \\N", "a & b"]


def test_user_text_is_escaped():
    people = [Person("1", NASTY[0], title=NASTY[1])]
    people += [Person(str(i), n, "1", department=n) for i, n in enumerate(NASTY[1:], 2)]
    G = O.org_graph(Org("x", "X", tuple(people)))
    src = org_dot(G)
    assert "evil ->" not in src.replace('\\"]; evil ->', "")  # only inside a quoted label
    svg = org_chart(G, "svg", link=lambda p: f"/people/{p.id}?a=1&b=<2>")
    assert b"<script>" not in svg
    boxes = nodes(svg)
    assert len(boxes) == 4
    labels = [texts(b) for b in boxes]
    assert labels[0] == [NASTY[0], NASTY[1]]
    assert [t[0] for t in labels[1:]] == NASTY[1:]
    links = [a.get(f"{XLINK}href") for a in ET.fromstring(svg).iter(f"{SVG}a")
             if a.get(f"{XLINK}href")]
    assert links[0] == "/people/1?a=1&b=%3C2%3E"


def test_subtree_depth_and_neighbourhood(agency):
    svg = org_chart(agency, "svg", root="a02", depth=1)
    labels = [texts(b) for b in nodes(svg)]
    assert len(labels) == 3
    assert any(t[-1] == "+10 in team" for t in labels)  # a06's team is cut off
    data = json.loads(org_chart(agency, "json", neighbourhood="a08"))
    ids = [b["id"] for b in data["boxes"]]
    assert sorted(ids) == sorted(O.neighbourhood(agency, "a08"))
    assert [b["id"] for b in data["boxes"] if b["focus"]] == ["a08"]
    assert len(data["edges"]) == len(ids) - 1


def test_json_positions_and_people(agency):
    data = json.loads(org_chart(agency, "json", compact=True, link=lambda p: f"/p/{p.id}"))
    assert data["org"] == {"id": "agency", "title": "Nordlys & Partners"}
    assert len(data["boxes"]) == len(agency)
    b = next(b for b in data["boxes"] if b["id"] == "a05")
    assert b["assistant"]
    assert b["url"] == "/p/a05"
    assert {"x", "y", "width", "height", "name", "title", "role"} <= set(b)
    assert any(b["stacked"] for b in data["boxes"])
    assert len(data["dotted"]) == 2


def test_dot_and_png_and_pdf(agency):
    dot = org_chart(agency, "dot").decode()
    assert dot.startswith("digraph org {")
    assert dot.count('!"') == len(agency)
    assert org_chart(agency, "png", root="a03").startswith(b"\x89PNG")
    assert org_chart(agency, "pdf", root="a03").startswith(b"%PDF")


def test_bad_requests(agency):
    with pytest.raises(ChartError, match="more than the limit of 10"):
        org_chart(agency, "svg", max_nodes=10)
    with pytest.raises(ChartError, match="no person with id 'zz'"):
        org_chart(agency, "svg", root="zz")
    with pytest.raises(ChartError, match="unknown format"):
        org_chart(agency, "gif")
    with pytest.raises(ChartError, match="depth must be"):
        org_chart(agency, "svg", depth=-1)


def test_paged_pdf(agency):
    pdf = paged_pdf(agency)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    managers = [v for v in agency if agency.out_degree(v)]
    assert len(reader.pages) == len(managers)
    top = reader.outline
    assert top[0].title == "Mette Kjær — Chief Executive Officer"
    assert isinstance(top[1], list)  # nested: the CEO's direct managers
    titles = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                titles.append(it.title)

    walk(top)
    assert len(titles) == len(managers)
    first = reader.pages[0].extract_text()
    assert "Oliver Hughes" in first
    assert "page 2" in first
    second = reader.pages[1].extract_text()
    assert "↑ manager · page 1" in second


def test_paged_pdf_needs_a_manager():
    G = O.org_graph(Org("x", "X", (Person("1", "Solo"),)))
    with pytest.raises(ChartError, match="no pages"):
        paged_pdf(G)


def drawing(svg: bytes) -> dict:
    """What an SVG draws (texts with positions, paths, polygons), its canvas and ids."""
    root = ET.fromstring(svg)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    return {
        "texts": sorted((t.text, t.get("x"), t.get("y")) for t in root.iter(f"{SVG}text")),
        "paths": sorted(p.get("d") for p in root.iter(f"{SVG}path")),
        "polygons": sorted(p.get("points") for p in root.iter(f"{SVG}polygon")),
        "links": sorted(a.get(f"{XLINK}href") or "" for a in root.iter(f"{SVG}a")),
        "canvas": (root.get("viewBox"), root.find(f"{SVG}g").get("transform")),
        "boxes": len(nodes(svg)),
        "unique_ids": len(ids) == len(set(ids)),
    }


@pytest.mark.parametrize("parts", [2, 3])
def test_big_svg_drawn_in_parts_is_the_same_drawing(agency, ladder, monkeypatch, parts):
    from orgpath.render import orgchart

    link = lambda p: f"/people/{p.id}?a=1&b=2"  # noqa: E731
    whole = org_chart(agency, "svg", ladder_graph=ladder, link=link, route="graphviz")
    monkeypatch.setattr(orgchart, "SPLIT_AT", 2)
    monkeypatch.setattr(orgchart, "MAX_PARTS", parts)
    monkeypatch.setattr(orgchart.os, "cpu_count", lambda: parts)
    split = org_chart(agency, "svg", ladder_graph=ladder, link=link, route="graphviz")
    assert split != whole  # it really was drawn in parts
    a, b = drawing(whole), drawing(split)
    assert b["boxes"] == len(agency)
    assert b["unique_ids"]
    assert a == b
