"""``orgpath export``: files, formats from suffixes, stdout, clean errors, atomic writes."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from orgpath.cli.export import export
from orgpath.store import Store

GRAPHS = Path(__file__).parent / "data" / "render-graphs"


@pytest.fixture(scope="module")
def store():
    return Store(GRAPHS)


def run(store, *args: str):
    return CliRunner().invoke(export, list(args), obj=store, catch_exceptions=False)


def role_boxes(svg: bytes) -> int:
    root = ET.fromstring(svg)
    return sum("role" in (g.get("class") or "").split()
               for g in root.iter("{http://www.w3.org/2000/svg}g"))


@pytest.mark.parametrize("args,boxes", [
    (["ladder"], 6),
    (["path", "--from", "Elev", "--to", "head of craft"], 6),
    (["path", "--from", "trainee", "--to", "head", "--only-path"], 4),
    (["path", "--from", "trainee", "--to", "head", "--by", "years", "--only-path"], 5),
    (["focus", "--focus", "Specialist", "--depth", "1"], 5),
    (["reporting"], 6),
])
def test_writes_svg_files(store, tmp_path, args, boxes):
    out = tmp_path / "chart.svg"
    result = run(store, *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert role_boxes(out.read_bytes()) == boxes
    assert f"wrote {out} (svg," in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]  # no temp file left


@pytest.mark.parametrize("name,magic", [
    ("c.png", b"\x89PNG"), ("c.pdf", b"%PDF"), ("c.dot", b"digraph"), ("c.gv", b"digraph"),
    ("c.json", b"{"), ("c.graphml", b"<?xml"), ("c.mmd", b"%%"),
])
def test_format_from_suffix(store, tmp_path, name, magic):
    out = tmp_path / name
    result = run(store, "ladder", "--ladder", "render-demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_format_option_wins_over_suffix(store, tmp_path):
    out = tmp_path / "chart.svg"
    assert run(store, "ladder", "--format", "dot", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"digraph")


def test_stdout_is_binary_safe(store):
    result = run(store, "ladder", "--format", "png", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    result = run(store, "reporting", "--format", "graphml")  # stdout is the default
    H = nx.read_graphml(io.BytesIO(result.stdout_bytes))
    assert len(H) == 6


def test_options_reach_the_chart(store):
    out = run(store, "ladder", "--format", "dot", "--lang", "da", "--rankdir", "lr",
              "--salary").stdout
    assert "rankdir=LR" in out
    assert "Elev" in out
    assert "DKK 300.000" in out
    data = json.loads(run(store, "focus", "--focus", "trainee", "--depth", "3",
                          "--format", "json").stdout)
    assert len(data["nodes"]) == 6


def test_base_url_links_boxes_to_role_pages(store):
    plain = ET.fromstring(run(store, "ladder").stdout_bytes)
    assert not [a for a in plain.iter("{http://www.w3.org/2000/svg}a")
                if a.get("{http://www.w3.org/1999/xlink}href")]
    svg = ET.fromstring(run(store, "reporting", "--lang", "da",
                            "--base-url", "https://careers.example.com/").stdout_bytes)
    hrefs = {a.get("{http://www.w3.org/1999/xlink}href")
             for a in svg.iter("{http://www.w3.org/2000/svg}a")} - {None}
    assert len(hrefs) == 6
    assert all(h.startswith("https://careers.example.com/ladders/") and h.endswith("?lang=da")
               for h in hrefs)


@pytest.mark.parametrize("args,code,message", [
    (["focus", "--focus", "Trainy"], 1, "no role matches 'Trainy' (did you mean trainee"),
    (["path", "--from", "head", "--to", "trainee"], 1, "no career path from 'head'"),
    (["ladder", "--ladder", "nope"], 1, "no ladder 'nope'"),
    (["ladder", "-o", "chart.txt"], 2, "cannot tell the format from 'chart.txt'"),
    (["ladder", "--format", "gif"], 2, "Invalid value for '--format'"),
    (["focus"], 2, "Missing option '--focus'"),
    (["ladder", "-o", "/nonexistent/dir/x.svg"], 1, "no such folder"),
])
def test_errors_are_one_clean_line(store, args, code, message):
    result = run(store, *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_failure_leaves_an_existing_file_alone(store, tmp_path):
    out = tmp_path / "chart.svg"
    out.write_text("old")
    result = run(store, "focus", "--focus", "nobody", "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


def test_render_error_is_clean(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    from orgpath.render import graphviz

    monkeypatch.setattr(graphviz, "_default", graphviz.Runner("dot"))
    result = run(store, "reporting", "-o", str(tmp_path / "r.svg"))
    assert result.exit_code == 1
    assert "Graphviz is not installed" in result.stderr
    assert not (tmp_path / "r.svg").exists()
