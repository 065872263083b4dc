"""Text that cannot lie: what a user typed is what every chart shows, in text, tooltips and links.

Graphviz escapes (``\\N \\G \\L \\E \\T \\H \\l \\r \\n``) and entities (``&amp;``)
stay literal; bidi controls are taken out; right-to-left text is isolated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from orgpath.graph import ladder_graph
from orgpath.model import Ladder, Move, Org, Person, Role
from orgpath.org import org_graph
from orgpath.render import render_chart
from orgpath.render.escape import BIDI_CONTROLS, clean_text, dot_url
from orgpath.render.orgchart import org_chart

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
ESCAPES = r"a\N b\G c\L d\E e\T f\H g\l h\r i\n j\\ k"
ENTITY = "Smith &amp; Sons &lt;b&gt; &#45;"
SPOOF = "Eve \u202egnp.exe\u202c \u2066x\u2069 \u200e\u200f\u061c"
SPOOF_SHOWN = "Eve gnp.exe x"


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def tooltips(root: ET.Element) -> list[str]:
    return [a.get(f"{XLINK}title") for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}title")]


def hrefs(root: ET.Element) -> list[str]:
    return [a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a") if a.get(f"{XLINK}href")]


def org_svg(name: str, title: str = "Boss", link: str = "/p/1") -> ET.Element:
    G = org_graph(Org("o", "O", (Person("1", name, title=title, department="Dept"),
                                 Person("2", "Two", "1"))))
    return ET.fromstring(org_chart(G, "svg", link=lambda p: link if p.id == "1" else None))


@pytest.mark.parametrize("name", [ESCAPES, ENTITY])
def test_org_names_and_tooltips_are_literal(name):
    root = org_svg(name[:26], title=name[:29])
    assert name[:26] in texts(root)
    assert name[:29] in texts(root)
    assert f"{name[:26]} — {name[:29]} · Dept" in tooltips(root)


def test_org_links_are_literal():
    root = org_svg("A", link='/p/x\\N"y&amp;<z>')
    assert hrefs(root) == ["/p/x%5CN%22y&amp;%3Cz%3E"]


def test_org_links_with_other_schemes_are_dropped():
    root = org_svg("A", link="javascript:alert(1)")
    assert hrefs(root) == []


def test_org_bidi_controls_are_taken_out():
    root = org_svg(SPOOF)
    shown = [t for t in texts(root) if t.startswith("Eve")]
    assert shown == [SPOOF_SHOWN]
    for text in texts(root) + tooltips(root):
        assert not BIDI_CONTROLS & set(text)


def test_org_right_to_left_names_are_isolated():
    root = org_svg("\u05d3\u05d5\u05d3 1")
    assert "\u2068\u05d3\u05d5\u05d3 1\u2069" in texts(root)


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_org_strange_names_draw_in_every_format(fmt):
    G = org_graph(Org("o", "O", (Person("1", ESCAPES[:26]), Person("2", SPOOF, "1"))))
    assert len(org_chart(G, fmt)) > 100


def ladder_svg(title: str, summary: str, track: str = "t") -> ET.Element:
    roles = (Role("a", {"en": title}, 1, summary={"en": summary}, track=track),
             Role("b", {"en": "B"}, 2, track=track))
    G = ladder_graph(Ladder("s", {"en": "S"}, roles, (Move("a", "b"),)))
    return ET.fromstring(render_chart(G, "ladder", "svg", link=lambda r: f"/r/{r}\\N"))


@pytest.mark.parametrize("text", [ESCAPES, ENTITY])
def test_ladder_texts_and_tooltips_are_literal(text):
    root = ladder_svg(text, text)
    assert text in " ".join(texts(root)).replace("  ", " ")
    assert text in tooltips(root)
    assert "/r/a%5CN" in hrefs(root)


def test_ladder_bidi_controls_are_taken_out():
    root = ladder_svg(SPOOF, SPOOF)
    assert SPOOF_SHOWN in texts(root)
    assert SPOOF_SHOWN in tooltips(root)
    for text in texts(root) + tooltips(root):
        assert not BIDI_CONTROLS & set(text)


def test_clean_text_and_dot_url():
    assert clean_text("a\tb\u202e") == "a b"
    assert clean_text("\u0627\u0628") == "\u2068\u0627\u0628\u2069"
    assert dot_url("data:text/html,x") is None
    assert dot_url("https://example.com/a b") == "https://example.com/a%20b"


def test_paged_pdf_bookmarks_have_no_bidi_controls():
    import io

    import pypdf

    from orgpath.render.paged import paged_pdf

    G = org_graph(Org("o", "O", (Person("1", SPOOF, title="CEO"), Person("2", "Two", "1"))))
    reader = pypdf.PdfReader(io.BytesIO(paged_pdf(G)))
    assert [o.title for o in reader.outline] == [f"{SPOOF_SHOWN} — CEO"]
