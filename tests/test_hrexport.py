"""HR files out: PowerPoint decks, CSV and XLSX of an org, read back with their own libraries."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pptx
import pypdf
import pytest
from click.testing import CliRunner
from pptx.enum.shapes import MSO_SHAPE_TYPE

from orgpath import org as orgq
from orgpath.cli.export import export
from orgpath.cli.people import org as org_cmd
from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.peoplefile import read_org
from orgpath.render.orgchart import ChartError
from orgpath.render.paged import page_order
from orgpath.render.pptx import PER_SLIDE, ladder_pptx, org_pptx
from orgpath.render.sheets import org_csv, org_xlsx, safe_cell

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"
AGENCY = GRAPHS / "agency.csv"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def ladder():
    lad, _ = read_ladder(GRAPHS / "account-management.yaml")
    return ladder_graph(lad)


@pytest.fixture(scope="module")
def agency(ladder):
    org, diags = read_org(AGENCY, ladder)
    assert org is not None, diags
    return orgq.org_graph(org)


@pytest.fixture(scope="module")
def deck(agency, ladder):
    return pptx.Presentation(io.BytesIO(org_pptx(agency, ladder_graph=ladder)))


def texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


# --- PowerPoint -------------------------------------------------------------------------


def test_one_slide_per_manager(deck, agency):
    managers = [v for v in agency if agency.out_degree(v)]
    assert len(deck.slides) == len(managers)


def test_every_person_is_named_in_a_shape(deck, agency):
    words = "\n".join(t for slide in deck.slides for t in texts(slide))
    for p in (d["person"] for _, d in agency.nodes(data=True)):
        assert p.name in words, p.id


def test_slide_shows_the_manager_and_their_reports(deck, agency):
    order = page_order(agency)
    for slide, m in zip(deck.slides, order, strict=True):
        boxes = [t.split("\n")[0] for t in texts(slide)[1:]]  # [0] is the heading
        want = [agency.nodes[r]["person"].name for r in agency.successors(m)]
        assert boxes[-len(want):] == want
        assert agency.nodes[m]["person"].name in boxes


def test_connectors_are_glued_to_shapes_on_their_slide(deck, agency):
    glued = 0
    for slide in deck.slides:
        ids = {s.shape_id for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE}
        for cxn in slide.shapes._spTree.iter(f"{P}cxnSp"):
            st, end = cxn.find(f".//{A}stCxn"), cxn.find(f".//{A}endCxn")
            assert st is not None
            assert end is not None
            assert int(st.get("id")) in ids
            assert int(end.get("id")) in ids
            assert st.get("id") != end.get("id")
            glued += 1
    managers = page_order(agency)
    # one per report below each manager, and one from the boss box on every slide but the top
    assert glued == sum(agency.out_degree(m) for m in managers) + len(managers) - 1


def test_boxes_are_rounded_rectangles(deck):
    slide = deck.slides[0]
    boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert boxes
    for b in boxes:
        assert b.auto_shape_type == pptx.enum.shapes.MSO_SHAPE.ROUNDED_RECTANGLE


def test_team_boxes_link_to_the_slide_where_the_team_continues(deck, agency):
    order = page_order(agency)
    slides = list(deck.slides)
    links = 0
    for slide in slides:
        for shape in slide.shapes:
            target = shape.click_action.target_slide
            if target is None:
                continue
            shown = slides.index(target)
            name = shape.text_frame.text.split("\n")[0]
            assert agency.nodes[order[shown]]["person"].name == name
            assert f"{shown + 1}" in shape.text_frame.text
            links += 1
    # every manager but the top is linked from their manager's slide and back from their own
    assert links == 2 * (len(order) - 1)


def test_deck_is_16_by_9_and_danish_when_asked(agency, ladder):
    d = pptx.Presentation(io.BytesIO(org_pptx(agency, lang="da", ladder_graph=ladder)))
    assert round(d.slide_width / d.slide_height, 2) == 1.78
    words = "\n".join(t for slide in d.slides for t in texts(slide))
    assert "team på" in words
    assert "dias 2" in words
    assert d.core_properties.language == "da-DK"


def test_deck_of_a_team(agency):
    d = pptx.Presentation(io.BytesIO(org_pptx(agency, root="a06")))
    assert len(d.slides) == len(page_order(agency, "a06"))


def test_too_many_slides_is_refused(agency):
    with pytest.raises(ChartError, match="more than the limit of 3; start lower"):
        org_pptx(agency, max_slides=3)


def test_a_wide_team_continues_on_the_next_slides(tmp_path):
    n = 2 * PER_SLIDE + 3
    p = tmp_path / "wide.csv"
    p.write_text("id,name,manager_id\nb,Boss,\n"
                 + "".join(f"r{i},Report {i:03d},b\n" for i in range(n))
                 + "x,Sub,r0\n")
    G = orgq.org_graph(read_org(p)[0])
    d = pptx.Presentation(io.BytesIO(org_pptx(G)))
    slides = list(d.slides)
    assert len(slides) == 4  # the boss's team on 3 slides, then r0's
    heads = [texts(s)[0] for s in slides]
    assert [h.split("· ")[-1] for h in heads] == ["slide 1/4", "slide 2/4", "slide 3/4",
                                                  "slide 4/4"]
    assert "Boss (3/3)" in heads[2]
    names = [t.split("\n")[0] for s in slides[:3] for t in texts(s)[2:]]
    assert names == [f"Report {i:03d}" for i in range(n)]
    # r0's box links to its own slide, the fourth; r0's slide links back to the first
    r0 = next(sh for sh in slides[0].shapes if sh.has_text_frame
              and sh.text_frame.text.startswith("Report 000"))
    assert slides.index(r0.click_action.target_slide) == 3
    back = [sh for sh in slides[3].shapes if sh.click_action.target_slide is not None]
    assert [slides.index(sh.click_action.target_slide) for sh in back] == [0]


def test_user_text_is_escaped(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text('id,name,manager_id,title\n1,"<b>Ann & Co</b>",,"x""y\x01"\n2,Bob,1,\n')
    G = orgq.org_graph(read_org(p)[0])
    d = pptx.Presentation(io.BytesIO(org_pptx(G)))
    assert '<b>Ann & Co</b>\nx"y\nteam of 1' in texts(d.slides[0])


def test_photos_only_from_files_in_the_graphs_folder(tmp_path, agency):
    from PIL import Image

    (tmp_path / "photos").mkdir()
    Image.new("RGB", (8, 8), "red").save(tmp_path / "photos" / "a02.png")
    Image.new("RGB", (8, 8), "blue").save(tmp_path / "outside.png")
    folder = tmp_path / "graphs"
    folder.mkdir()
    (folder / "photos").mkdir()
    Image.new("RGB", (8, 8), "red").save(folder / "photos" / "a02.png")
    p = folder / "x.csv"
    p.write_text("id,name,manager_id,photo\na01,Ann,,../outside.png\na02,Bob,a01,\n"
                 "a03,Cy,a02,https://example.com/cy.png\n")
    G = orgq.org_graph(read_org(p)[0])
    d = pptx.Presentation(io.BytesIO(org_pptx(G, photos=folder)))
    pics = [(i, s) for i, slide in enumerate(d.slides) for s in slide.shapes
            if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert [i for i, _ in pics] == [0, 1]  # Bob as a report on slide 1, as manager on slide 2


def test_ladder_and_path_slides(ladder):
    path = ["assistant-account-manager", "associate-account-manager", "account-manager"]
    d = pptx.Presentation(io.BytesIO(ladder_pptx(ladder, path=path)))
    assert len(d.slides) == 2
    first = "\n".join(texts(d.slides[0]))
    for rid in path:
        assert ladder.nodes[rid]["role"].name("en") in first
    whole = "\n".join(texts(d.slides[1]))
    for rid in ladder:
        assert ladder.nodes[rid]["role"].name("en") in whole
    promotions = sum(1 for _, _, k in ladder.edges(keys=True) if k == "promotion")
    cxns = list(d.slides[1].shapes._spTree.iter(f"{P}cxnSp"))
    assert len(cxns) >= promotions
    ids = {s.shape_id for s in d.slides[1].shapes}
    for c in cxns:
        assert int(c.find(f".//{A}stCxn").get("id")) in ids
        assert int(c.find(f".//{A}endCxn").get("id")) in ids


@pytest.mark.slow
def test_libreoffice_converts_the_deck_to_one_page_per_slide(tmp_path, agency):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (Debian libreoffice-impress) is not installed")
    deck_path = tmp_path / "agency.pptx"
    deck_path.write_bytes(org_pptx(agency))
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_path)],
                   check=True, capture_output=True, timeout=300)
    pdf = pypdf.PdfReader(tmp_path / "agency.pdf")
    assert len(pdf.pages) == len(page_order(agency))


# --- CSV and XLSX -----------------------------------------------------------------------


def rows_of_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_csv_columns_and_worked_out_values(agency):
    rows = rows_of_csv(org_csv(agency))
    head = rows[0]
    assert head[:12] == ["id", "name", "title", "role", "org level", "department", "manager_id",
                         "manager's name", "chain of command", "direct reports",
                         "headcount below", "vacant"]
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert len(by_id) == 40
    a12 = by_id["a12"]
    chain = [agency.nodes[v]["person"].name for v in reversed(orgq.chain_of_command(agency,
                                                                                   "a12"))]
    assert a12["chain of command"] == " › ".join(chain)
    assert a12["org level"] == str(len(chain) - 1)
    assert by_id["a06"]["headcount below"] == str(orgq.headcount(agency, "a06"))
    assert by_id["a06"]["direct reports"] == str(len(orgq.direct_reports(agency, "a06")))
    boss = orgq.manager_of(agency, "a12")
    assert a12["manager_id"] == boss
    assert a12["manager's name"] == agency.nodes[boss]["person"].name


def test_csv_of_a_team_and_of_a_search(agency):
    team = rows_of_csv(org_csv(agency, root="a06"))[1:]
    assert [r[0] for r in team] == ["a06", *orgq.all_reports(agency, "a06")]
    found = orgq.find_people(agency, "account")
    hits = rows_of_csv(org_csv(agency, ids=found))[1:]
    assert [r[0] for r in hits] == found


def test_danish_headers(agency):
    head = rows_of_csv(org_csv(agency, lang="da"))[0]
    assert head[:3] == ["Medarbejdernummer", "Navn", "Stilling"]


FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]


@pytest.fixture
def evil(tmp_path):
    lines = ["id,name,manager_id,title,department"]
    for i, f in enumerate(FORMULAS):
        q = f.replace('"', '""')
        lines.append(f'p{i},"{q}",{"" if i == 0 else "p0"},"{q}","{q}"')
    p = tmp_path / "evil.csv"
    p.write_text("\n".join(lines) + "\n")
    org, diags = read_org(p)
    assert org is not None, diags
    return orgq.org_graph(org)


def test_formula_injection_is_neutralised_in_csv(evil):
    rows = rows_of_csv(org_csv(evil))[1:]
    for row, f in zip(rows, FORMULAS, strict=True):
        value = f.strip()  # the reader strips cells, so a leading tab or CR is gone
        want = "'" + value if value[:1] in "=+-@" else value
        assert row[1] == want
        assert row[2] == want
        assert row[5] == want
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize("value", FORMULAS)
def test_safe_cell_prefixes_every_formula_start(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("a" + value) == "a" + value


def test_formula_injection_is_neutralised_in_xlsx(evil):
    wb = openpyxl.load_workbook(io.BytesIO(org_xlsx(evil)))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        for c in row:
            assert c.data_type != "f", (c.coordinate, c.value)
            if isinstance(c.value, str):
                assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), c.value


def test_xlsx_has_header_filter_and_frozen_panes(agency):
    wb = openpyxl.load_workbook(io.BytesIO(org_xlsx(agency)))
    ws = wb.active
    assert ws.title == "Nordlys & Partners"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O41"  # no dotted lines in the sample: that column is left out
    assert ws["A1"].value == "id"
    assert ws["A1"].font.bold
    assert isinstance(ws["K2"].value, int)  # headcount stays a number


@pytest.mark.parametrize("suffix,write", [(".csv", org_csv), (".xlsx", org_xlsx)])
def test_round_trip_gives_the_same_org(tmp_path, agency, ladder, suffix, write):
    p = tmp_path / f"again{suffix}"
    p.write_bytes(write(agency, lang="da" if suffix == ".xlsx" else "en"))
    again, diags = read_org(p, ladder)
    assert diags == []

    def people(G_or_org):
        return {x.id: dataclasses.replace(x, row=None) for x in G_or_org}

    assert people(again.people) == people((d["person"] for _, d in agency.nodes(data=True)))
    G2 = orgq.org_graph(again)
    assert sorted(G2.edges) == sorted(agency.edges)
    for v in agency:
        assert list(G2.successors(v)) == list(agency.successors(v))


# --- CLI --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["org.pptx", "org.csv", "org.xlsx"])
def test_cli_export_org(tmp_path, name):
    out = tmp_path / name
    r = CliRunner().invoke(org_cmd, ["--people", str(AGENCY), "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    if name.endswith(".pptx"):
        assert len(pptx.Presentation(io.BytesIO(data)).slides) == 15
    elif name.endswith(".csv"):
        assert len(rows_of_csv(data)) == 41
    else:
        assert openpyxl.load_workbook(io.BytesIO(data)).active.max_row == 41


def test_cli_search_to_csv_on_stdout():
    r = CliRunner().invoke(org_cmd, ["--people", str(AGENCY), "--search", "Søren",
                                     "--format", "csv", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = rows_of_csv(r.stdout_bytes)
    assert len(rows) >= 2
    assert all("Søren" in row[1] or "Søren" in ",".join(row) for row in rows[1:])


def test_cli_pptx_refuses_chart_options(tmp_path):
    r = CliRunner().invoke(org_cmd, ["--people", str(AGENCY), "--depth", "1",
                                     "-o", str(tmp_path / "x.pptx")])
    assert r.exit_code == 2
    assert "pptx takes --root" in r.output
    assert not (tmp_path / "x.pptx").exists()


def test_cli_unknown_root_is_one_clean_line(tmp_path):
    r = CliRunner().invoke(org_cmd, ["--people", str(AGENCY), "--root", "nobody",
                                     "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "nobody" in r.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("args,slides", [
    (["ladder"], 1),
    (["path", "--from", "assistant account manager", "--to", "kundechef", "--lang", "da"], 2),
])
def test_cli_export_ladder_and_path_pptx(tmp_path, args, slides):
    out = tmp_path / "x.pptx"
    r = CliRunner().invoke(export, [*args, "-o", str(out)], obj=_store())
    assert r.exit_code == 0, r.output
    assert len(pptx.Presentation(out).slides) == slides


def _store():
    from orgpath.resources import default_graphs_dir
    from orgpath.store import Store

    return Store(default_graphs_dir())
