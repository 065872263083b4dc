"""PowerPoint decks of orgs and ladders, made of real, editable shapes (python-pptx).

* :func:`org_pptx`: one slide per manager, in the order of the paged PDF
  (:func:`orgpath.render.paged.page_order`): the manager, their own manager
  above (a link to that slide), and their direct reports below; a report who
  leads a team says ``team of N · slide P`` and links to that slide. A team
  of more than ``PER_SLIDE`` continues on the next slides (``(2/3)``).
* :func:`ladder_pptx`: a slide of the whole ladder (roles by level, promotions
  as arrows, lateral moves dashed), and with ``path=`` first a slide of the
  path, its roles in order with the typical years of each step.

Boxes are rounded rectangles holding their text; lines are connectors whose
ends are glued to the boxes' connection points (top 0, left 1, bottom 2,
right 3), so they follow a box that is moved. Slides are 16:9. Photos come
only from files in the graphs folder (``photos/<id>.jpg|png``, or a ``photo``
cell naming a file there); nothing is fetched.

>>> from orgpath.org import demo_org
>>> import io, pptx
>>> deck = pptx.Presentation(io.BytesIO(org_pptx(demo_org())))
>>> len(deck.slides)
3
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls
from pptx.util import Emu, Inches, Pt

from orgpath import org as orgq
from orgpath import settings
from orgpath.photos import find_photo
from orgpath.render.orgchart import ChartError
from orgpath.render.paged import page_order
from orgpath.render.words import count_text, words

__all__ = ["ladder_pptx", "org_pptx", "PER_SLIDE", "WIDE", "STANDARD"]

#: Slide sizes (width, height) in inches.
WIDE = (13.333, 7.5)
STANDARD = (10.0, 7.5)

#: Most reports drawn on one slide; a wider team continues on the next slides.
PER_SLIDE = 28
_TOP, _LEFT, _BOTTOM, _RIGHT = 0, 1, 2, 3  # connection points of a (rounded) rectangle
_MARGIN = Inches(0.4)
_GAP_X, _GAP_Y = Inches(0.15), Inches(0.3)
_MIN_BOX_W = Inches(1.55)
_MIN_BOX_H = Inches(0.42)
_INK, _GREY, _LINE, _ACCENT = "222222", "666666", "888888", "1F5FA8"
_PALETTE = ("EEF4FB", "EEF8F0", "FDF3E7", "F4EFFA", "FBEEF1", "EEF8F8", "F8F7E8", "F1F1F1")
_PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_DECK_WORDS = {
    "en": {"slide": "slide", "team_of": "team of", "manager": "manager", "steps": "steps",
           "years": "years", "the_path": "Path", "level": "Level",
           "not_in_deck": "not in this deck"},
    "da": {"slide": "dias", "team_of": "team på", "manager": "leder", "steps": "skridt",
           "years": "år", "the_path": "Vej", "level": "Niveau",
           "not_in_deck": "ikke i dette sæt"},
}


def _text(text: str) -> str:
    """Text escaped for XML, without the control characters XML cannot hold."""
    return (_CONTROL.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


@dataclass(frozen=True)
class _Shape:
    """A drawn box: its shape id on the slide and its bounds in EMU."""

    id: int
    x: int
    y: int
    w: int
    h: int

    def point(self, idx: int) -> tuple[int, int]:
        """Where connection point ``idx`` (top 0, left 1, bottom 2, right 3) is."""
        x, y, w, h = self.x, self.y, self.w, self.h
        return {0: (x + w // 2, y), 1: (x, y + h // 2), 2: (x + w // 2, y + h),
                3: (x + w, y + h // 2)}[idx]


def _xfrm(x: int, y: int, w: int, h: int, flip: str = "") -> str:
    return (f'<a:xfrm{flip}><a:off x="{int(x)}" y="{int(y)}"/>'
            f'<a:ext cx="{int(w)}" cy="{int(h)}"/></a:xfrm>')


def _colour(rgb: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{rgb}"/></a:solidFill>'


class _Slide:
    """One slide's shapes, written as DrawingML text and added to the slide at once.

    python-pptx's object API builds each element through several XPath
    look-ups: a 5,000-person deck took over a minute. The XML it would write is
    written here directly (the same elements), and python-pptx keeps the
    package: slides, relationships, images.
    """

    def __init__(self, deck: _Deck, slide):
        self.deck, self.slide = deck, slide
        self.parts: list[str] = []
        self.next_id = 2  # 1 is the slide's shape tree

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def heading(self, text: str, sub: str = "") -> None:
        d = self.deck
        sid = self._id()
        frame = _xfrm(_MARGIN, Inches(0.2), d.width - 2 * _MARGIN, Inches(0.5))
        runs = self._run(text, 20, True, _INK)
        if sub:
            runs += self._run("   " + sub, 12, False, _GREY)
        self.parts.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{sid}" name="Title {sid}"/><p:cNvSpPr txBox="1"/>'
            f'<p:nvPr/></p:nvSpPr><p:spPr>{frame}'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
            f'<p:txBody><a:bodyPr wrap="square" rtlCol="0"><a:spAutoFit/></a:bodyPr><a:lstStyle/>'
            f'<a:p>{runs}</a:p></p:txBody></p:sp>')

    def _run(self, text: str, size: float, bold: bool, rgb: str) -> str:
        b = ' b="1"' if bold else ""
        return (f'<a:r><a:rPr lang="{self.deck.lang_tag}" sz="{int(size * 100)}"{b} dirty="0">'
                f'{_colour(rgb)}</a:rPr><a:t>{_text(text)}</a:t></a:r>')

    def box(self, x: int, y: int, w: int, h: int, lines: Sequence[tuple[str, float, bool]],
            *, fill: str = "FFFFFF", dashed: bool = False, strong: bool = False,
            photo: Path | None = None, target=None) -> _Shape:
        """A rounded box holding ``lines`` of (text, point size, bold); ``target``: a slide."""
        sid = self._id()
        link = ""
        if target is not None:
            rid = self.slide.part.relate_to(target.part, RT.SLIDE)
            link = f'<a:hlinkClick r:id="{rid}" action="ppaction://hlinksldjump"/>'
        left = int(Inches(0.06))
        pic = ""
        if photo is not None:
            side = h - int(Inches(0.1))
            _, rid = self.slide.part.get_or_add_image_part(str(photo))
            pid = self._id()
            pic = (f'<p:pic><p:nvPicPr><p:cNvPr id="{pid}" name="Photo {pid}"/><p:cNvPicPr>'
                   '<a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
                   f'<p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
                   f'</p:blipFill><p:spPr>{_xfrm(x + Inches(0.05), y + Inches(0.05), side, side)}'
                   '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>')
            left = side + int(Inches(0.1))
        paras = "".join(
            f'<a:p><a:pPr algn="ctr"/>{self._run(t, size, bold, _INK if bold else _GREY)}</a:p>'
            for t, size, bold in lines)
        dash = '<a:prstDash val="dash"/>' if dashed else ""
        line = (f'<a:ln w="{int(Pt(2 if strong else 1))}">'
                f'{_colour(_ACCENT if strong else _LINE)}{dash}</a:ln>')
        self.parts.append(
            f'<p:sp><p:nvSpPr><p:cNvPr id="{sid}" name="Box {sid}">{link}</p:cNvPr><p:cNvSpPr/>'
            f'<p:nvPr/></p:nvSpPr><p:spPr>{_xfrm(x, y, w, h)}<a:prstGeom prst="roundRect">'
            '<a:avLst><a:gd name="adj" fmla="val 12000"/></a:avLst></a:prstGeom>'
            f'{_colour(fill)}{line}</p:spPr><p:txBody><a:bodyPr wrap="square" lIns="{left}" '
            f'tIns="{int(Inches(0.03))}" rIns="{int(Inches(0.06))}" bIns="{int(Inches(0.03))}" '
            f'anchor="ctr" rtlCol="0"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}'
            f'</p:txBody></p:sp>{pic}')
        return _Shape(sid, int(x), int(y), int(w), int(h))

    def connect(self, a: _Shape, a_idx: int, b: _Shape, b_idx: int, *, elbow: bool = True,
                dashed: bool = False, arrow: bool = False, colour: str = _LINE) -> None:
        """A connector glued from ``a``'s point ``a_idx`` to ``b``'s point ``b_idx``."""
        cid = self._id()
        (bx, by), (ex, ey) = a.point(a_idx), b.point(b_idx)
        flip = (' flipH="1"' if ex < bx else "") + (' flipV="1"' if ey < by else "")
        geom = "bentConnector3" if elbow and bx != ex and by != ey else "straightConnector1"
        dash = '<a:prstDash val="dash"/>' if dashed else ""
        tail = '<a:tailEnd type="triangle"/>' if arrow else ""
        self.parts.append(
            f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{cid}" name="Connector {cid}"/><p:cNvCxnSpPr>'
            f'<a:stCxn id="{a.id}" idx="{a_idx}"/><a:endCxn id="{b.id}" idx="{b_idx}"/>'
            f'</p:cNvCxnSpPr><p:nvPr/></p:nvCxnSpPr><p:spPr>'
            f'{_xfrm(min(bx, ex), min(by, ey), abs(ex - bx), abs(ey - by), flip)}'
            f'<a:prstGeom prst="{geom}"><a:avLst/></a:prstGeom>'
            f'<a:ln w="{int(Pt(1.25))}">{_colour(colour)}{dash}{tail}</a:ln></p:spPr></p:cxnSp>')

    def done(self) -> None:
        """Add the shapes to the slide (one parse per slide)."""
        tree = parse_xml(f"<p:spTree {_NS}>{''.join(self.parts)}</p:spTree>")
        self.slide.shapes._spTree.extend(list(tree))
        self.parts = []


_NS = nsdecls("p", "a", "r")


class _Deck:
    """A presentation of blank slides of one size."""

    def __init__(self, size: tuple[float, float], title: str, lang: str):
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(size[0]), Inches(size[1])
        self.width, self.height = self.prs.slide_width, self.prs.slide_height
        self.layout = self.prs.slide_layouts[6]  # blank
        self.lang_tag = "da-DK" if lang == "da" else "en-GB"
        props = self.prs.core_properties
        props.title = _CONTROL.sub("", title)
        props.language = self.lang_tag
        props.author = "orgpath"

    def slide(self) -> _Slide:
        return _Slide(self, self.prs.slides.add_slide(self.layout))

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _grid(n: int, avail_w: int, avail_h: int) -> tuple[int, int, int, int]:
    """(columns, rows, box width, box height) for ``n`` boxes in an area."""
    rows = 1
    while True:
        cols = -(-n // rows)
        w = (avail_w - (cols - 1) * _GAP_X) // cols
        h = (avail_h - (rows - 1) * _GAP_Y) // rows
        if w >= _MIN_BOX_W or h < _MIN_BOX_H * 2:
            break
        rows += 1
    return cols, rows, min(w, Inches(2.6)), max(min(h, Inches(0.9)), Emu(1))


def _photo(p, folder: Path | None, org: Any = None) -> Path | None:
    """A JPEG or PNG photo of ``p`` inside ``folder``, or None (:func:`orgpath.photos.find_photo`:
    never a URL, never outside the folder, never when the org's audience view hides it)."""
    return find_photo(p, folder, org, suffixes=_PHOTO_SUFFIXES)


def _role_title(role: str | None, ladder_graph: nx.MultiDiGraph | None, lang: str) -> str:
    if role is None or ladder_graph is None or role not in ladder_graph:
        return ""
    return ladder_graph.nodes[role]["role"].name(lang)


def org_pptx(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
    photos: Path | None = None,
    size: tuple[float, float] = WIDE,
    max_slides: int | None = None,
) -> bytes:
    """A deck with one slide per manager (of the whole org or below ``root``).

    ``photos`` is the graphs folder photos may come from. Raises
    :class:`~orgpath.render.orgchart.ChartError` when nobody has reports, or
    when there would be more than ``max_slides`` slides (default: the
    ``max_org_pdf_pages`` setting).
    """
    org_ = G.graph.get("org")  # its audience view says whose photos may be shown
    managers = page_order(G, root)
    if not managers:
        raise ChartError("nobody in this org has reports, so there are no slides to make")
    limit = settings.get("max_org_pdf_pages") if max_slides is None else max_slides
    succ = G._succ
    # (manager, first report, part, parts): a team wider than one slide continues
    pages = []
    for m in managers:
        parts = -(-len(succ[m]) // PER_SLIDE)
        pages += [(m, k * PER_SLIDE, k + 1, parts) for k in range(parts)]
    if len(pages) > limit:
        raise ChartError(f"the org needs {len(pages):,} slides ({len(managers):,} managers), "
                         f"more than the limit of {limit:,}; start lower (a root)")
    w = {**words(lang), **_DECK_WORDS.get(lang, _DECK_WORDS["en"])}
    org = G.graph.get("org")
    title = org.title if org is not None else "Org chart"
    deck = _Deck(size, title, lang)
    slides = [deck.slide() for _ in pages]
    slide_of: dict[str, object] = {}
    number: dict[str, int] = {}
    for i, (m, _, _, _) in enumerate(pages):
        if m not in number:
            slide_of[m], number[m] = slides[i].slide, i + 1
    node, pred = G._node, G._pred
    hc = orgq._headcounts(G)
    colours: dict[str, str] = {}

    def fill(p) -> str:
        if not p.department:
            return "FFFFFF"
        if p.department not in colours:
            colours[p.department] = _PALETTE[len(colours) % len(_PALETTE)]
        return colours[p.department]

    def lines(p, size: int, note: str = "") -> list[tuple[str, int, bool]]:
        out = [(w["vacant"] if p.vacant and p.name == "Vacant" else p.name, size, True)]
        sub = p.title or _role_title(p.role, ladder_graph, lang)
        if sub:
            out.append((sub, size - 2, False))
        if note:
            out.append((note, size - 2, False))
        return out

    W, H = deck.width, deck.height
    bw, bh = Inches(2.6), Inches(0.85)
    for (m, start, part, parts), slide in zip(pages, slides, strict=True):
        pm = node[m]["person"]
        more = f" ({part}/{parts})" if parts > 1 else ""
        slide.heading(title, f"{pm.name}{more} · {w['slide']} {number[m] + part - 1}/"
                             f"{len(pages)}")
        y = Inches(0.85)
        boss = next(iter(pred[m]), None)
        boss_shape = None
        if boss is not None:
            pb = node[boss]["person"]
            where = (f"{w['slide']} {number[boss]}" if boss in slide_of else w["not_in_deck"])
            boss_shape = slide.box((W - bw) // 2, y, bw, Inches(0.65),
                                  lines(pb, 10, f"↑ {w['manager']} · {where}"),
                                  fill=fill(pb), dashed=pb.vacant, target=slide_of.get(boss))
            y += Inches(0.65) + _GAP_Y
        mshape = slide.box((W - bw) // 2, y, bw, bh,
                          lines(pm, 12, f"{w['team_of']} {count_text(hc[m], lang)}"), fill=fill(pm),
                          dashed=pm.vacant, strong=True, photo=_photo(pm, photos, org_))
        if boss_shape is not None:
            slide.connect(boss_shape, _BOTTOM, mshape, _TOP)
        y += bh + _GAP_Y * 1.5
        reports = list(succ[m])[start:start + PER_SLIDE]
        avail_w = W - 2 * _MARGIN
        cols, rows, rw, rh = _grid(len(reports), avail_w, H - y - _MARGIN)
        size = 11 if rw >= Inches(1.9) and rh >= Inches(0.7) else 9 if rh >= Inches(0.55) else 7
        row_w = cols * rw + (cols - 1) * _GAP_X
        for i, r in enumerate(reports):
            pr = node[r]["person"]
            x = _MARGIN + (avail_w - row_w) // 2 + (i % cols) * (rw + _GAP_X)
            ry = y + (i // cols) * (rh + _GAP_Y)
            note = (f"{w['team_of']} {count_text(hc[r], lang)} · {w['slide']} {number[r]}"
                    if succ[r] else "")
            shape = slide.box(int(x), int(ry), int(rw), int(rh), lines(pr, size, note),
                             fill=fill(pr), dashed=pr.vacant, photo=_photo(pr, photos, org_),
                             target=slide_of.get(r))
            slide.connect(mshape, _BOTTOM, shape, _TOP)
        slide.done()
    return deck.save()


def _step_years(G: nx.MultiDiGraph, a: str, b: str) -> float | None:
    data = G.get_edge_data(a, b) or {}
    for kind in ("promotion", "lateral"):
        if kind in data:
            return data[kind].get("years")
    return None


def ladder_pptx(
    G: nx.MultiDiGraph,
    *,
    lang: str = "en",
    path: Sequence[str] | None = None,
    size: tuple[float, float] = WIDE,
) -> bytes:
    """A slide of the whole ladder; with ``path`` (role ids), first a slide of that path.

    On the ladder slide the path's roles and steps are drawn in the accent colour.
    """
    ladder = G.graph.get("ladder")
    title = ladder.name(lang) if ladder is not None else str(G.graph.get("id", "Ladder"))
    w = {**words(lang), **_DECK_WORDS.get(lang, _DECK_WORDS["en"])}
    deck = _Deck(size, title, lang)
    W, H = deck.width, deck.height
    on_path = set(path or ())
    steps = set(zip(path or (), (path or ())[1:], strict=False))

    def name(rid: str) -> str:
        return G.nodes[rid]["role"].name(lang)

    if path:
        years = [_step_years(G, a, b) for a, b in zip(path, path[1:], strict=False)]
        total = sum(y for y in years if y is not None)
        slide = deck.slide()
        slide.heading(f"{w['the_path']}: {name(path[0])} → {name(path[-1])}",
                     f"{len(path) - 1} {w['steps']}" + (f" · {total:g} {w['years']}"
                                                        if total else ""))
        cols, rows, bw_, bh_ = _grid(len(path), W - 2 * _MARGIN, H - Inches(1.2) - _MARGIN)
        bw_, bh_ = min(bw_, Inches(2.2)), min(bh_, Inches(0.9))
        prev = None
        for i, rid in enumerate(path):
            x = _MARGIN + (i % cols) * (bw_ + _GAP_X * 2)
            y = Inches(1.2) + (i // cols) * (bh_ + _GAP_Y * 2)
            shape = slide.box(int(x), int(y), int(bw_), int(bh_),
                             [(name(rid), 11, True),
                              (f"{w['level']} {G.nodes[rid].get('level')}", 9, False)],
                             fill=_PALETTE[0], strong=True)
            if prev is not None:
                slide.connect(prev, _RIGHT, shape, _LEFT, arrow=True, colour=_ACCENT)
            prev = shape
        slide.done()

    slide = deck.slide()
    slide.heading(title, w["ladder"])
    by_level: dict[int, list[str]] = {}
    for rid, data in G.nodes(data=True):
        by_level.setdefault(data.get("level") or 0, []).append(rid)
    levels = sorted(by_level)
    top = Inches(0.9)
    avail_h = H - top - _MARGIN
    n_rows = len(levels)
    bh = max(min(Inches(0.75), (avail_h - (n_rows - 1) * _GAP_Y) // max(n_rows, 1)), Emu(1))
    shapes = {}
    for k, lv in enumerate(reversed(levels)):  # the highest level at the top
        roles = sorted(by_level[lv], key=lambda r: (G.nodes[r].get("track") or "", r))
        cols, _, bw, _ = _grid(len(roles), W - 2 * _MARGIN, bh)
        bw = min(bw, Inches(2.4))
        row_w = len(roles) * bw + (len(roles) - 1) * _GAP_X
        y = top + k * (bh + _GAP_Y)
        size = 10 if bh >= Inches(0.6) else 8
        for i, rid in enumerate(roles):
            x = (W - row_w) // 2 + i * (bw + _GAP_X)
            shapes[rid] = slide.box(int(x), int(y), int(bw), int(bh),
                                   [(name(rid), size, True),
                                    (f"{w['level']} {lv}", size - 2, False)],
                                   fill=_PALETTE[0] if rid in on_path else "FFFFFF",
                                   strong=rid in on_path)
    for a, b, kind, data in G.edges(keys=True, data=True):
        if kind == "promotion":
            hot = (a, b) in steps
            slide.connect(shapes[a], _TOP, shapes[b], _BOTTOM, arrow=True,
                         colour=_ACCENT if hot else _LINE)
        elif kind == "lateral" and data.get("declared"):
            hot = (a, b) in steps or (b, a) in steps
            slide.connect(shapes[a], _RIGHT, shapes[b], _LEFT, dashed=True,
                         colour=_ACCENT if hot else _LINE)
    slide.done()
    return deck.save()


def write_org(job) -> bytes:
    """The format registry's ``pptx`` org writer: a deck of the chart's team.

    A deck is per team, so a neighbourhood view is refused (use a root); ``depth``
    is not applied (a deck shows every team below the root, a slide each).
    """
    if job.view.focus is not None:
        raise ChartError("a PowerPoint deck shows whole teams: ask for a root, not a "
                         "neighbourhood")
    org = job.G.graph.get("org")
    folder = Path(org.path).parent if org is not None and org.path else None
    root = job.view.roots[0] if job.view.tree is not job.G and len(job.view.roots) == 1 \
        else None
    return org_pptx(job.G, root=root, lang=job.lang, ladder_graph=job.ladder_graph,
                    photos=folder)


def write_ladder(G: nx.MultiDiGraph, chart) -> bytes:
    """The format registry's ``pptx`` ladder writer: the ladder, with the chart's path first."""
    return ladder_pptx(G, lang=chart.lang, path=list(chart.path) or None)
