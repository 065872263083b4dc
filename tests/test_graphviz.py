"""The Graphviz runner: real ``dot`` runs, the cache, the limits, failures as RenderError."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from orgpath.render.graphviz import (
    ENGINES,
    FORMATS,
    GraphvizMissing,
    GraphvizTimeout,
    RenderError,
    Runner,
    core_plugin_dir,
    default_runner,
    run_graphviz,
)

SMALL = 'digraph "g" { a -> b; b -> c; }'


def big_graph(n: int = 2500) -> str:
    """A graph dot needs well over a second for."""
    edges = " ".join(f"x{i} -> x{(i * 7919 + 13) % n}; x{i} -> x{(i * 31 + 7) % n};"
                     for i in range(n))
    return "digraph { " + edges + " }"


def test_svg_is_xml_and_second_render_is_cached():
    r = Runner()
    first = r.render(SMALL, "svg")
    ET.fromstring(first)
    second = r.render(SMALL, "svg")
    assert first == second
    s = r.stats
    assert (s.calls, s.hits, s.misses) == (1, 1, 1)
    assert s.cached_items == 1
    assert s.cached_bytes == len(first)


def test_cache_key_includes_format_and_engine():
    r = Runner()
    r.render(SMALL, "svg")
    r.render(SMALL, "svg", "neato")
    r.render(SMALL, "plain")
    r.render(SMALL + " ", "svg")  # another source
    assert r.stats.calls == 4
    assert r.stats.hits == 0


@pytest.mark.parametrize("fmt,check", [
    ("png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("pdf", lambda b: b.startswith(b"%PDF-")),
    ("canon", lambda b: b.lstrip().startswith(b"digraph")),
    ("dot", lambda b: b"pos=" in b),
    ("plain", lambda b: b.startswith(b"graph ")),
    ("json", lambda b: "objects" in json.loads(b)),
])
def test_formats(fmt, check):
    assert check(Runner().render(SMALL, fmt))


def test_every_engine_runs():
    r = Runner()
    for engine in ENGINES:
        ET.fromstring(r.render(SMALL, "svg", engine))


def test_pinned_positions_with_neato():
    src = 'graph { a [pos="0,0!"]; b [pos="300,0!"]; a -- b }'
    plain = Runner().render(src, "plain", "neato", pinned=2).decode()
    xs = {line.split()[1]: float(line.split()[2]) for line in plain.splitlines()
          if line.startswith("node")}
    assert xs["b"] - xs["a"] == pytest.approx(300 / 72, abs=0.01)


def test_pinned_svg_is_drawn_by_the_core_plugins_alone():
    import shutil
    from pathlib import Path

    core = core_plugin_dir(shutil.which("dot"))
    assert core is not None
    names = {p.name for p in Path(core).iterdir()}
    assert any(n.startswith("libgvplugin_core") for n in names)
    assert not any("pango" in n for n in names)  # no Cairo/Pango text measuring
    src = 'digraph { a [pos="0,0!" label="Kundechef <&>" shape=box fixedsize=true]; }'
    r = Runner()
    svg = r.render(src, "svg", "neato", pinned=2)
    assert ET.fromstring(svg).find(".//{http://www.w3.org/2000/svg}text").text == "Kundechef <&>"
    png = r.render(src, "png", "neato", pinned=2)  # PNG still needs Cairo: the full set
    assert png.startswith(b"\x89PNG")
    assert r.stats.calls == 2


@pytest.mark.parametrize("kwargs,message", [
    ({"fmt": "gif"}, "unknown Graphviz format"),
    ({"fmt": "svg", "engine": "sfdp-evil"}, "unknown Graphviz engine"),
    ({"fmt": "svg", "engine": "dot", "pinned": 2}, "pinned positions need"),
])
def test_whitelists(kwargs, message):
    r = Runner()
    with pytest.raises(RenderError, match=message):
        r.render(SMALL, **kwargs)
    assert r.stats.calls == 0


def test_syntax_error_carries_graphviz_stderr():
    r = Runner()
    with pytest.raises(RenderError, match="syntax error"):
        r.render("digraph { a -> }")
    assert r.stats.errors == 1
    with pytest.raises(RenderError):  # failures are not cached
        r.render("digraph { a -> }")
    assert r.stats.calls == 2


def test_missing_binary():
    with pytest.raises(GraphvizMissing, match="Graphviz is not installed"):
        Runner("/nonexistent/bin/dot").render(SMALL)
    with pytest.raises(RenderError, match="not found"):
        Runner("no-such-dot-program").version()


def test_timeout_stops_graphviz():
    r = Runner(timeout=0.05)
    with pytest.raises(GraphvizTimeout, match="took longer than 0.05 s"):
        r.render(big_graph())
    assert r.stats.errors == 1


def test_input_size_cap():
    r = Runner(max_input=100)
    with pytest.raises(RenderError, match="too large"):
        r.render("digraph { " + "a -> b; " * 50 + "}")
    assert r.stats.calls == 0


def test_not_text():
    with pytest.raises(RenderError, match="must be text"):
        Runner().render(b"digraph {}")  # type: ignore[arg-type]


def test_memory_cache_is_bounded_by_bytes():
    one = len(Runner().render('digraph { a0 -> b }', "svg"))
    r = Runner(cache_bytes=one * 4 + 100)
    for i in range(10):
        r.render(f'digraph {{ a{i} -> b }}', "svg")
    s = r.stats
    assert s.cached_bytes <= one * 4 + 100
    assert 0 < s.cached_items < 10
    r.render('digraph { a9 -> b }', "svg")  # the newest is still there
    assert r.stats.hits == 1
    r.render('digraph { a0 -> b }', "svg")  # the oldest was evicted
    assert r.stats.calls == 11


def test_cache_off():
    r = Runner(cache_bytes=0)
    r.render(SMALL)
    r.render(SMALL)
    assert r.stats.calls == 2
    assert r.stats.cached_items == 0


def test_disk_cache_is_shared(tmp_path):
    a = Runner(cache_dir=tmp_path)
    out = a.render(SMALL, "png")
    b = Runner(cache_dir=tmp_path)
    assert b.render(SMALL, "png") == out
    assert b.stats.calls == 0
    assert b.stats.disk_hits == 1
    assert b.render(SMALL, "png") == out  # now from memory
    assert b.stats.disk_hits == 1
    assert b.stats.hits == 2
    assert not list(tmp_path.rglob(".tmp-*"))


def test_clear_and_reset():
    r = Runner()
    r.render(SMALL)
    r.clear_cache()
    r.render(SMALL)
    assert r.stats.calls == 2
    r.reset_stats()
    assert r.stats.calls == 0
    assert r.stats.cached_items == 1


def test_default_runner_and_version():
    assert default_runner() is default_runner()
    assert "graphviz" in default_runner().version().lower()
    assert run_graphviz(SMALL, "svg").lstrip().startswith(b"<?xml")


def test_every_accepted_format_is_drawn():
    r = Runner(cache_bytes=0)
    for fmt in FORMATS:
        assert len(r.render(SMALL, fmt)) > 20, fmt
    assert r.stats.calls == len(FORMATS)
    assert r.stats.errors == 0
