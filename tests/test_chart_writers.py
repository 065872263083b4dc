"""The direct chart writers: SVG and PDF straight from the layout, checked against Graphviz."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from orgpath import org as O
from orgpath.cli import main as cli
from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.model import Org, Person
from orgpath.peoplefile import read_org
from orgpath.render.orgchart import ChartError, org_chart
from orgpath.render.pdfwriter import PAPERS, page_size, paged_pdf

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
NUM = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def ladder():
    lad, _ = read_ladder(GRAPHS / "account-management.yaml")
    return ladder_graph(lad)


@pytest.fixture(scope="module")
def agency(ladder):
    org, _ = read_org(GRAPHS / "agency.csv", ladder)
    return O.org_graph(org)


def drawn(svg: bytes) -> dict:
    """What an SVG draws: each box (texts, rectangle, fill, dashed, link), connector segments."""
    root = ET.fromstring(svg)
    boxes = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        poly = g.find(f".//{SVG}polygon")
        xs = [float(v) for v in NUM.findall(poly.get("points"))]
        a = g.find(f".//{SVG}a")
        boxes.append({
            "texts": tuple(t.text for t in g.iter(f"{SVG}text")),
            "text_xy": [(float(t.get("x")), float(t.get("y"))) for t in g.iter(f"{SVG}text")],
            "rect": (min(xs[0::2]), min(xs[1::2]), max(xs[0::2]), max(xs[1::2])),
            "fill": poly.get("fill"),
            "dashed": bool(poly.get("stroke-dasharray")),
            "href": a.get(f"{XLINK}href") if a is not None else None,
            "tip": a.get(f"{XLINK}title") if a is not None else None,
        })
    plain, dotted = [], []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "edge":
            continue
        for p in g.iter(f"{SVG}path"):
            nums = [float(v) for v in NUM.findall(p.get("d"))]
            seg = (nums[0], nums[1], nums[-2], nums[-1])
            (dotted if p.get("stroke-dasharray") else plain).append(seg)
    return {"boxes": boxes, "plain": plain, "dotted": dotted, "viewBox": root.get("viewBox")}


def close(a, b, tol: float) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("options", [{}, {"compact": True, "lang": "da"},
                                     {"neighbourhood": "a08"}, {"root": "a02", "depth": 1}])
def test_both_routes_draw_the_same_chart(agency, ladder, options):
    link = lambda p: f"/orgs/agency/people/{p.id}?a=1&b=<2>"  # noqa: E731
    via_dot = drawn(org_chart(agency, "svg", ladder_graph=ladder, link=link, route="graphviz",
                              **options))
    direct = drawn(org_chart(agency, "svg", ladder_graph=ladder, link=link, **options))
    assert direct["viewBox"] == via_dot["viewBox"]
    assert len(direct["boxes"]) == len(via_dot["boxes"])
    assert {b["texts"] for b in direct["boxes"]} == {b["texts"] for b in via_dot["boxes"]}
    for d, g in zip(direct["boxes"], via_dot["boxes"], strict=True):
        assert d["texts"] == g["texts"]
        assert close(d["rect"], g["rect"], 0.5)
        for dxy, gxy in zip(d["text_xy"], g["text_xy"], strict=True):
            assert close(dxy, gxy, 1.5)  # Graphviz's core font metrics move baselines by 1 pt
        assert (d["fill"], d["dashed"], d["href"], d["tip"]) == (
            g["fill"], g["dashed"], g["href"], g["tip"])
    assert len(direct["plain"]) == len(via_dot["plain"])
    for d, g in zip(sorted(direct["plain"]), sorted(via_dot["plain"]), strict=True):
        assert close(d, g, 0.5)
    assert len(direct["dotted"]) == len(via_dot["dotted"])
    for d, g in zip(sorted(direct["dotted"]), sorted(via_dot["dotted"]), strict=True):
        assert close(d, g, 1.5)


NASTY = ['<script>alert(1)</script>', 'x"/><a href="evil">', "r\u202eevil\u202c", "a & b\x07"]


def test_svg_escapes_every_user_text():
    people = [Person("1", NASTY[0], title=NASTY[1], department=NASTY[2])]
    people += [Person(str(i), n, "1", title=n, department=n) for i, n in enumerate(NASTY[1:], 2)]
    G = O.org_graph(Org("x", 'Org <"&>', tuple(people)))
    svg = org_chart(G, "svg", link=lambda p: f"/p/{p.id}?q=\"<{p.name}>\"")
    root = ET.fromstring(svg)  # well-formed XML despite the names
    assert b"<script>" not in svg
    assert "\u202e" not in svg.decode()
    assert root.find(f"{SVG}title").text == 'Org <"&> — org chart'
    assert root.find(f"{SVG}desc").text == "An org chart of 4 people."
    names = [b["texts"][0] for b in drawn(svg)["boxes"]]
    assert names == [NASTY[0], NASTY[1], "revil", "a & b"]  # controls dropped, as on the DOT route
    hrefs = [b["href"] for b in drawn(svg)["boxes"]]
    assert hrefs[0] == "/p/1?q=%22%3C%3Cscript%3Ealert(1)%3C/script%3E%3E%22"


def test_unknown_route(agency):
    with pytest.raises(ChartError, match="unknown route"):
        org_chart(agency, "svg", route="fast")


def test_whole_org_pdf_has_title_date_legend_and_language(agency, ladder):
    pdf = org_chart(agency, "pdf", ladder_graph=ladder, lang="da")
    r = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(r.pages) == 1
    text = r.pages[0].extract_text()
    assert "Nordlys & Partners" in text
    assert re.search(r"organisationsdiagram · \d{4}-\d\d-\d\d", text)
    assert "ledig stilling" in text  # the legend, in Danish
    assert "Mette Kjær" in text
    assert "Kundechef" in text
    assert r.metadata.title == "Nordlys & Partners — organisationsdiagram"
    assert r.trailer["/Root"]["/Lang"] == "da"


def outline_titles(items, depth=0, out=None) -> list[tuple[int, str]]:
    out = [] if out is None else out
    for it in items:
        if isinstance(it, list):
            outline_titles(it, depth + 1, out)
        else:
            out.append((depth, it.title))
    return out


def test_paged_pdf_pages_bookmarks_and_metadata(agency):
    pdf = paged_pdf(agency, date="2026-11-23")
    r = pypdf.PdfReader(io.BytesIO(pdf))
    managers = [v for v in agency if agency.out_degree(v)]
    assert len(r.pages) == len(managers)
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in r.pages}
    assert sizes == {(842, 595)}  # A4 landscape, every page
    titles = outline_titles(r.outline)
    assert len(titles) == len(managers)
    assert titles[0] == (0, "Mette Kjær — Chief Executive Officer")
    assert titles[1][0] == 1  # the CEO's managers are nested under her
    first = r.pages[0].extract_text()
    assert "Nordlys & Partners · 2026-11-23" in first
    assert f"page 1 / {len(managers)}" in first
    assert "vacant position" in first  # the legend
    assert "page 2" in first  # a report's team continues on page 2
    assert "↑ manager · page 1" in r.pages[1].extract_text()
    assert r.metadata.title == "Nordlys & Partners — org chart"
    assert r.trailer["/Root"]["/Lang"] == "en"
    assert r.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def wide_org(n: int) -> Org:
    people = [Person("boss", "Big Boss", title="CEO")]
    people += [Person(f"p{i}", f"Person {i:03}", "boss") for i in range(n)]
    people += [Person("q", "Quinn Lead", "p0"), Person("q1", "Quinn Report", "q")]
    return Org("wide", "Wide & Co", tuple(people))


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_wide_team_continues_on_numbered_pages(paper, orientation):
    G = O.org_graph(wide_org(70))
    r = pypdf.PdfReader(io.BytesIO(paged_pdf(G, paper=paper, orientation=orientation)))
    w, h = page_size(paper, orientation)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in r.pages} == {(round(w), round(h))}
    texts = [p.extract_text() for p in r.pages]
    boss_pages = [t for t in texts if t.startswith("Big Boss")]
    assert len(boss_pages) >= 2  # 70 reports do not fit on one page
    assert boss_pages[0].startswith(f"Big Boss — CEO (1/{len(boss_pages)})")
    people = re.findall(r"Person \d{3}", "".join(boss_pages))
    assert sorted(people) == [f"Person {i:03}" for i in range(70)]  # each once
    last = len(r.pages)
    assert f"page {last} / {last}" in texts[-1]
    assert texts[-2].startswith("Person 000")  # the one report with a team, then theirs
    assert texts[-1].startswith("Quinn Lead")
    assert f"team of 2 · page {last - 1}" in "".join(boss_pages)
    assert outline_titles(r.outline) == [(0, f"Big Boss — CEO (1/{len(boss_pages)})"),
                                         (1, "Person 000"), (2, "Quinn Lead")]


def test_paged_pdf_page_limit_and_bad_paper(agency, monkeypatch):
    with pytest.raises(ChartError, match="more than the limit of 3"):
        paged_pdf(agency, max_pages=3)
    monkeypatch.setenv("ORGPATH_MAX_ORG_PDF_PAGES", "2")
    with pytest.raises(ChartError, match="max_org_pdf_pages"):
        paged_pdf(agency)
    with pytest.raises(ChartError, match="unknown paper"):
        paged_pdf(agency, paper="a5")
    with pytest.raises(ChartError, match="unknown orientation"):
        paged_pdf(agency, orientation="sideways")


def test_cli_paged_pdf_on_letter_and_graphviz_route(tmp_path):
    out = tmp_path / "book.pdf"
    runner = CliRunner()
    res = runner.invoke(cli, ["export", "org", "--people", str(GRAPHS / "agency.csv"),
                              "--pages", "per-manager", "--paper", "letter", "--portrait",
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    r = pypdf.PdfReader(out)
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in r.pages} == {(612, 792)}
    svg = tmp_path / "org.svg"
    res = runner.invoke(cli, ["export", "org", "--people", str(GRAPHS / "agency.csv"),
                              "--route", "graphviz", "-o", str(svg)])
    assert res.exit_code == 0, res.output
    assert b"Generated by graphviz" in svg.read_bytes()
    res = runner.invoke(cli, ["export", "org", "--people", str(GRAPHS / "agency.csv"),
                              "--paper", "a3", "-o", str(svg)])
    assert res.exit_code == 2
    assert "--paper" in res.output


def test_cli_streams_the_direct_svg_to_the_file(tmp_path, agency, ladder):
    out = tmp_path / "org.svg"
    res = CliRunner().invoke(cli, ["export", "org", "--people", str(GRAPHS / "agency.csv"),
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert f"(svg, {out.stat().st_size:,} bytes)" in res.output
    assert out.read_bytes() == org_chart(agency, "svg", ladder_graph=ladder)
    assert [p.name for p in tmp_path.iterdir()] == ["org.svg"]  # no temporary file left


def test_cli_leaves_no_half_written_svg(tmp_path):
    out = tmp_path / "org.svg"
    res = CliRunner().invoke(cli, ["export", "org", "--people", str(GRAPHS / "agency.csv"),
                                   "--max-nodes", "5", "-o", str(out)])
    assert res.exit_code == 1
    assert "more than the limit of 5" in res.output
    assert list(tmp_path.iterdir()) == []


# Texts on which the direct writer's shortcuts (a tooltip made of the escaped name and an
# escaped end shared by title and department; printable text escaped without clean_text)
# must give what clean_text and the Graphviz route give: empty and blank names, control
# and bidi characters, right-to-left letters in any part, entities, runs of spaces.
TRICKY = [
    ("Ada Lovelace", "Chief \u05d0\u05d1 Officer", "Sales"),
    ("", "Engineer", "Sales"),
    ("   ", "Engineer", "Data"),
    ("a\x07b  c ", "  Lead  ", " Ops "),
    ("Eve\u202egnp.exe", "Head", "Legal & <Co>"),
    ("\u05d3\u05d5\u05d3 Levi", "Manager", "Sales"),
    ("Søren Østergaard", "Chef", "\u0627\u0644\u0645\u0628\u064a\u0639\u0627\u062a"),
    ("Tom \"T\" O'Neil", 'x"/><a href="evil">', ""),
    ("Zoë\u00a0Nbsp", "", "Design"),
    ("Plain Name", "", ""),
    ("x" * 60, "y" * 60, "z"),
]


def test_tricky_texts_and_tooltips_match_the_graphviz_route():
    people = [Person("0", "Boss", title="CEO", department="Sales")]
    people += [Person(str(i), n, "0", title=t or None, department=d or None)
               for i, (n, t, d) in enumerate(TRICKY, 1)]
    G = O.org_graph(Org("t", "Tricky", tuple(people)))
    direct = drawn(org_chart(G, "svg"))["boxes"]
    via_dot = drawn(org_chart(G, "svg", route="graphviz"))["boxes"]
    assert len(direct) == len(people)
    for d, g in zip(direct, via_dot, strict=True):
        assert d["tip"] == g["tip"]
        assert d["texts"] == g["texts"]
        for dxy, gxy in zip(d["text_xy"], g["text_xy"], strict=True):
            assert close(dxy, gxy, 1.5)
    tips = {b["tip"] for b in direct}
    # right-to-left letters in the title: the whole tooltip is isolated, not the title alone
    assert "\u2068Ada Lovelace — Chief \u05d0\u05d1 Officer · Sales\u2069" in tips
    assert "— Engineer · Sales" in tips  # an empty name: no leading space
    assert "ab c — Lead · Ops" in tips  # controls dropped, spaces collapsed


def test_svg_written_in_chunks_equals_the_bytes(tmp_path):
    people = [Person("0", "Boss", title="CEO")]
    people += [Person(f"m{i}", f"Manager {i}", "0", title="Lead", department=f"D{i % 15}")
               for i in range(40)]
    people += [Person(f"p{i}", f"Person {i}", f"m{i % 40}", title="Engineer",
                      department=f"D{i % 15}", vacant=i % 97 == 0,
                      dotted_managers=(f"m{(i + 1) % 40}",) if i % 50 == 0 else ())
               for i in range(6000)]
    G = O.org_graph(Org("c", "Chunks", tuple(people)))
    whole = org_chart(G, "svg")
    path = tmp_path / "c.svg"
    with open(path, "wb") as fh:
        assert org_chart(G, "svg", out=fh) == b""
    assert path.read_bytes() == whole
    d = drawn(whole)
    assert len(d["boxes"]) == len(people)
    assert len(d["dotted"]) == 120
    assert sum(b["dashed"] for b in d["boxes"]) == 62
    assert len({b["fill"] for b in d["boxes"]}) == 11  # white (the CEO) and 10 colours


def test_svg_names_boxes_for_people_not_by_internal_ids(agency):
    """Screen readers read a group's <title>: the person's tooltip, never ``n0``."""
    root = ET.fromstring(org_chart(agency, "svg", link=lambda p: f"/people/{p.id}"))
    assert root.get("role") == "group"  # links inside: not one flat image
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    titles = [g.find(f"{SVG}title").text for g in nodes]
    tips = [g.find(f".//{SVG}a").get(f"{XLINK}title") for g in nodes]
    assert titles == tips
    assert any(t.startswith("Mette Kjær") for t in titles)
    assert not [t for t in titles if re.fullmatch(r"n\d+", t)]
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert edges
    assert {g.get("aria-hidden") for g in edges} == {"true"}  # lines say nothing by themselves
    assert all(g.find(f"{SVG}title") is None for g in edges)
    unlinked = ET.fromstring(org_chart(agency, "svg"))
    assert unlinked.get("role") == "img"
