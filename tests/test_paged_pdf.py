"""The paged PDF written by orgpath's own PDF writer (render/pdfbook.py), and paper in export jobs.

Everything is read back with pypdf: page sizes, texts (through the embedded
fonts' ToUnicode maps), bookmarks, links, metadata.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from orgpath import org as O
from orgpath.cli import main as cli
from orgpath.model import Org, Person
from orgpath.render import paged
from orgpath.render.orgchart import ChartError
from orgpath.render.pdfwriter import page_size, paged_pdf
from tests.test_jobs import follow

from .conftest import load_benchmark

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"


def size_of(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def small_org() -> Org:
    people = [Person("ceo", "Åse Øster", title="Chief", department="Board"),
              Person("a", "Łukasz Żółw", "ceo", title="Head of Δ"),
              Person("b", "Bo\x1b[31m \u202eRed", "ceo", title="Lead", vacant=True),
              Person("a1", "Zoë Ünal", "a", department="Data"),
              Person("a2", "Ida Ny", "a"),
              Person("b1", "Kim Ko", "b")]
    return Org("small", "Små & Co", tuple(people))


def test_texts_read_back_through_the_embedded_font():
    r = reader(paged_pdf(O.org_graph(small_org()), date="2026-11-23"))
    assert len(r.pages) == 3  # ceo, a, b
    first = r.pages[0].extract_text()
    assert first.startswith("Åse Øster — Chief")
    assert "Små & Co · 2026-11-23" in first
    assert "Łukasz Żółw" in first
    assert "Head of Δ" in first
    assert "page 1 / 3" in first
    assert "team of 2 · page 2" in first
    fonts = r.pages[0]["/Resources"]["/Font"]
    names = sorted(str(f.get_object()["/BaseFont"]).split("+")[1] for f in fonts.values())
    assert names == ["DejaVuSans", "DejaVuSans-Bold"]
    for f in fonts.values():
        desc = f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert len(desc["/FontFile2"].get_data()) < 100_000  # a subset, not the whole font


def test_control_and_bidi_characters_never_reach_the_pdf():
    pdf = paged_pdf(O.org_graph(small_org()))
    text = "".join(p.extract_text() for p in reader(pdf).pages)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "Vacant: Bo[31m Red" in text


def test_links_go_to_each_team_and_back_to_the_manager():
    G = O.org_graph(small_org())
    r = reader(paged_pdf(G))
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(r.pages)}

    def targets(i: int) -> list[int]:
        out = []
        for a in r.pages[i].get("/Annots", []):
            a = a.get_object()
            assert a["/Subtype"] == "/Link"
            out.append(pages[a["/Dest"][0].idnum])
        return sorted(out)

    assert targets(0) == [1, 2]  # the two reports with teams
    assert targets(1) == [0]  # up to the manager's page
    assert targets(2) == [0]
    assert r.pages[1].extract_text().startswith("Łukasz Żółw")


def test_bookmarks_nest_like_the_org_and_the_top_is_open():
    r = reader(paged_pdf(O.org_graph(small_org())))
    top = r.outline
    assert [o.title for o in top if not isinstance(o, list)] == ["Åse Øster — Chief"]
    assert [o.title for o in top[1]] == ["Łukasz Żółw — Head of Δ", "Bo[31m Red — Lead"]
    assert r.trailer["/Root"]["/Outlines"]["/Count"] == 3  # the open top and its two kids
    assert [r.get_destination_page_number(o) for o in top[1]] == [1, 2]


def test_every_page_is_one_size_and_numbered_in_a_bigger_org():
    rows = load_benchmark("make_org").make_org(3000, seed=1)
    people = tuple(Person(r["id"], r["name"], r["manager_id"] or None, title=r["title"])
                   for r in rows)
    G = O.org_graph(Org("big", "Big", people))
    r = reader(paged_pdf(G, paper="letter", orientation="portrait"))
    n = len(r.pages)
    managers = [v for v in G if G.out_degree(v)]
    assert n >= len(managers)
    assert {size_of(p) for p in r.pages} == {(612, 792)}
    assert f"page {n} / {n}" in r.pages[-1].extract_text()
    titles = []
    stack = list(r.outline)
    while stack:
        o = stack.pop()
        if isinstance(o, list):
            stack.extend(o)
        else:
            titles.append(o.title)
    assert len(titles) == len(managers)  # one bookmark per team (continued pages have none)


def test_written_to_a_stream_is_the_same_pdf(tmp_path):
    G = O.org_graph(small_org())
    path = tmp_path / "book.pdf"
    with open(path, "wb") as fh:
        assert paged_pdf(G, date="2026-11-23", out=fh) == b""
    assert path.read_bytes() == paged_pdf(G, date="2026-11-23")


def test_the_graphviz_route_takes_no_paper():
    with pytest.raises(ChartError, match="paper and orientation are for the direct route"):
        paged.paged_pdf(O.org_graph(small_org()), route="graphviz", paper="a3")


def test_paged_entry_point_passes_paper_and_orientation():
    r = reader(paged.paged_pdf(O.org_graph(small_org()), paper="a3", orientation="portrait"))
    assert {size_of(p) for p in r.pages} == {tuple(round(v) for v in page_size("a3",
                                                                                "portrait"))}


def test_cli_writes_the_paged_pdf_to_its_file_and_nothing_when_refused(tmp_path, monkeypatch):
    out = tmp_path / "book.pdf"
    args = ["export", "org", "--people", str(GRAPHS / "agency.csv"), "--pages", "per-manager",
            "-o", str(out)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert len(pypdf.PdfReader(out).pages) > 3
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]  # no temporary file left
    out.unlink()
    monkeypatch.setenv("ORGPATH_MAX_ORG_PDF_PAGES", "2")
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1
    assert "max_org_pdf_pages" in res.output
    assert list(tmp_path.iterdir()) == []  # no half-written file


# --- paper in export jobs ---------------------------------------------------------------------


@pytest.fixture
def jc(org_graphs_dir, tmp_path):
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir),
                       "JOBS_FOLDER": str(tmp_path / "jobs")}).test_client()


@pytest.mark.parametrize("paper, orientation, size", [
    ("letter", "portrait", (612, 792)),
    ("a3", None, (1191, 842)),
    (None, "portrait", (595, 842)),
])
def test_a_paged_pdf_job_is_drawn_on_the_asked_paper(jc, paper, orientation, size):
    body = {"org": "acme", "format": "pdf", "view": {"pages": True}}
    if paper:
        body["paper"] = paper
    if orientation:
        body["orientation"] = orientation
    resp = jc.post("/api/v1/exports", json=body)
    assert resp.status_code == 202
    done = follow(jc, resp.get_json()["url"])
    assert done["state"] == "succeeded", done
    r = reader(jc.get(done["download"]).data)
    assert len(r.pages) >= 3
    assert {size_of(p) for p in r.pages} == {size}


@pytest.mark.parametrize("extra, words", [
    ({"paper": "a5", "view": {"pages": True}}, "paper must be one of a4, letter, a3, not 'a5'"),
    ({"paper": 4, "view": {"pages": True}}, "paper must be text"),
    ({"orientation": "sideways", "view": {"pages": True}},
     "orientation must be one of landscape, portrait"),
    ({"orientation": "portrait"}, "orientation applies to the paged PDF (view.pages true)"),
    ({"paper": "a4", "view": {"pages": False}}, "paper applies to the paged PDF"),
])
def test_bad_paper_or_orientation_is_400_naming_the_field(jc, extra, words):
    resp = jc.post("/api/v1/exports", json={"org": "acme", "format": "pdf", **extra})
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    assert words in resp.get_json()["detail"]


def test_openapi_declares_paper_and_orientation(jc):
    doc = jc.get("/api/v1/openapi.json").get_json()
    props = doc["components"]["schemas"]["ExportRequest"]["properties"]
    assert props["paper"]["enum"] == ["a4", "letter", "a3"]
    assert props["orientation"]["enum"] == ["landscape", "portrait"]


class _FullDisk(io.RawIOBase):
    """A file that takes ``room`` bytes, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return len(data)


def tree_org(managers: int) -> Org:
    people = [Person("m0", "Top Boss")]
    people += [Person(f"m{i}", f"Manager {i}", f"m{(i - 1) // 3}") for i in range(1, managers)]
    people += [Person(f"r{i}", f"Report {i}", f"m{i}") for i in range(managers)]
    return Org("tree", "Tree", tuple(people))


def test_a_failed_write_on_the_writer_thread_reaches_the_caller():
    G = O.org_graph(tree_org(300))  # 300 pages: written on the second thread
    with pytest.raises(OSError, match="No space left"):
        paged_pdf(G, out=_FullDisk(50_000))
    assert len(reader(paged_pdf(G)).pages) == 300


def test_many_pages_hang_in_a_tree_of_nodes_each_knowing_its_parent():
    r = reader(paged_pdf(O.org_graph(tree_org(600))))  # more pages than one node holds
    root = r.trailer["/Root"]["/Pages"]
    assert root["/Count"] == 600
    assert len(root["/Kids"]) == 3  # 256 + 256 + 88
    assert [k.get_object()["/Count"] for k in root["/Kids"]] == [256, 256, 88]
    for page in r.pages:
        parent = page["/Parent"].get_object()
        assert page.indirect_reference in parent["/Kids"]
        assert parent["/Parent"].get_object() == root
    assert "page 600 / 600" in r.pages[-1].extract_text()


def test_danish_words_and_language():
    r = reader(paged_pdf(O.org_graph(small_org()), lang="da"))
    assert r.trailer["/Root"]["/Lang"] == "da"
    first = r.pages[0].extract_text()
    assert "side 1 / 3" in first
    assert "team på 2 · side 2" in first
    assert r.metadata.title == "Små & Co — organisationsdiagram"


@pytest.mark.parametrize("managers", [3, 300])  # one thread, and the writer thread + page tree
def test_qpdf_finds_no_error_in_the_structure(tmp_path, managers):
    """pypdf repairs what it can; qpdf --check reports bad offsets, objects and streams."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed (make system-deps installs it)")
    path = tmp_path / "book.pdf"
    G = O.org_graph(small_org() if managers == 3 else tree_org(managers))
    with open(path, "wb") as fh:
        paged_pdf(G, out=fh)
    done = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr
