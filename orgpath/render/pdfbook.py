"""A small streaming PDF writer for many simple pages: boxes, lines and text.

Why not cairo for the paged PDF: cairo records each page and replays it
through its PDF emitter at ``show_page``; that costs about 0.35 ms a page
of ten boxes (0.06 ms for an empty page), which alone is 45 s for the
130,000 pages of a 1,000,000-person org. Here a page's content stream is a
few formatted lines of text, compressed and written to the output on a second
thread while the next page is drawn; nothing but object offsets and bookmark
entries stays in memory. Pages hang in a page tree of nodes of at most 256
kids (readers such as pypdf refuse one flat list of 100,000 pages).

* Text uses DejaVu Sans (and Bold), the copy matplotlib ships (a dependency),
  embedded at the end as a TrueType subset (fontTools) of the glyphs used,
  with widths and a ``ToUnicode`` map (text can be searched and copied).
  Glyphs keep their font ids, so pages are written before the subset is known.
  A character the font lacks prints as its blank glyph, as with cairo.
* :meth:`Canvas.text` measures a string once per (string, font) and keeps
  its encoding; the cache is dropped when it grows past a bound.
* Bookmarks (nested), internal links (``/Dest`` to a page), document title,
  creator and language (``/Lang``), and the bookmarks pane opened.

>>> import io, pypdf
>>> out = io.BytesIO()
>>> book = PdfBook(out, size=(200.0, 100.0), pages=1, title="Tést", lang="da")
>>> p = book.canvas()
>>> p.text(10, 20, "Søren", 12)
>>> book.add_page(p)
>>> _ = book.outline("Søren", 0)
>>> book.finish()
>>> r = pypdf.PdfReader(io.BytesIO(out.getvalue()))
>>> r.pages[0].extract_text(), r.metadata.title, r.outline[0].title
('Søren', 'Tést', 'Søren')
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import importlib.util
import io
import queue
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

__all__ = ["Canvas", "PdfBook", "font_files"]

#: Most kids of one node of the page tree.
_FANOUT = 256
#: PDFs of more pages than this are compressed and written on a second thread.
_THREAD_PAGES = 64
#: Distinct strings measured and encoded per font before the cache starts afresh.
_CACHE_BOUND = 200_000


def font_files() -> tuple[Path, Path]:
    """DejaVu Sans and DejaVu Sans Bold: the TrueType files matplotlib ships."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise RuntimeError("matplotlib is not installed: the PDF writer uses its DejaVu fonts")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _pdf_text(s: str) -> str:
    """A PDF text string: UTF-16BE with its byte order mark, as hex (nothing to escape)."""
    return "<feff" + s.encode("utf-16-be").hex() + ">"


@dataclass(frozen=True)
class _Metrics:
    """What a font file says about its glyphs, read once per process."""

    hex: dict[str, str]  # character -> glyph id, four hex digits
    width: dict[str, float]  # character -> advance, thousandths of the font size
    gid_width: dict[int, float]
    missing_width: float
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap: int


@functools.lru_cache(maxsize=4)
def _metrics(path: Path) -> _Metrics:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as f:
        scale = 1000.0 / f["head"].unitsPerEm
        metrics = f["hmtx"].metrics
        order = f.getGlyphOrder()
        gid = {g: i for i, g in enumerate(order)}
        cmap = f.getBestCmap()
        head, hhea = f["head"], f["hhea"]
        cap = getattr(f["OS/2"], "sCapHeight", hhea.ascent) if "OS/2" in f else hhea.ascent
        return _Metrics(
            hex={chr(cp): f"{gid[g]:04x}" for cp, g in cmap.items()},
            width={chr(cp): metrics[g][0] * scale for cp, g in cmap.items()},
            gid_width={gid[g]: metrics[g][0] * scale for g in order},
            missing_width=metrics[order[0]][0] * scale,
            bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
            ascent=round(hhea.ascent * scale), descent=round(hhea.descent * scale),
            cap=round(cap * scale))


@functools.lru_cache(maxsize=16)
def _subset(path: Path, chars: frozenset[str]) -> bytes:
    """The font file cut down to the glyphs of ``chars`` (glyph ids kept)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.retain_gids = True
    opts.notdef_outline = True
    opts.layout_features = []
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    opts.hinting = False
    opts.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF", "kern"]
    font = TTFont(str(path), recalcTimestamp=False)  # the same PDF every time
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(ch) for ch in chars])
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    return buf.getvalue()


class _Font:
    """One font of one PDF: the file's metrics, the strings encoded, the characters used."""

    def __init__(self, path: Path, name: str, resource: str) -> None:
        self.path, self.name, self.resource = path, name, resource
        m = self.metrics = _metrics(path)
        self.hex, self.width, self.missing_width = m.hex, m.width, m.missing_width
        self.used: set[str] = set()
        self.cache: dict[str, tuple[str, float]] = {}

    def encode(self, s: str) -> tuple[str, float]:
        """``s`` as glyph ids in hex and its width in thousandths of the font size."""
        hit = self.cache.get(s)
        if hit is not None:
            return hit
        hx, wd = self.hex, self.width
        code = "".join([hx.get(ch, "0000") for ch in s])
        w = sum([wd.get(ch, self.missing_width) for ch in s])
        self.used.update(s)
        if len(self.cache) >= _CACHE_BOUND:
            self.cache.clear()
        self.cache[s] = (code, w)
        return code, w

    def subset(self) -> tuple[bytes, dict[int, str]]:
        """The font file cut down to the glyphs used, and those glyphs' characters."""
        chars = frozenset(ch for ch in self.used if ch in self.hex)
        glyphs: dict[int, str] = {}
        for ch in sorted(chars):
            glyphs.setdefault(int(self.hex[ch], 16), ch)
        return _subset(self.path, chars), glyphs


@dataclass
class Canvas:
    """One page's drawing, in points with ``y`` growing down; :meth:`PdfBook.add_page` writes it.

    Shapes are kept by style and drawn in a few runs: every fill colour's
    rectangles as one path, every border style's as one path, all lines of a
    style as one path; texts in one text object.
    """

    book: PdfBook
    fills: dict[str, list[str]] = field(default_factory=dict)
    borders: dict[tuple[str, float, bool], list[str]] = field(default_factory=dict)
    strokes: dict[tuple[str, float, bool], list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    links: list[tuple[float, float, float, float, int]] = field(default_factory=list)
    #: content drawn the same on every page (see :meth:`ops`), added after the page's own
    tail: str = ""
    _font: tuple[str, float] = ("", 0.0)
    _colour: str = ""

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None,
             border: str | None = None, *, width: float = 1.0, dash: bool = False) -> None:
        """A rectangle filled with ``fill`` and/or outlined in ``border`` (``#rrggbb``)."""
        self.rect_ops(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re\n", fill, border, width=width,
                      dash=dash)

    def rect_ops(self, r: str, fill: str | None, border: str | None = None, *,
                 width: float = 1.0, dash: bool = False) -> None:
        """A rectangle given as its path operators (``x y w h re``), made once, drawn often."""
        if fill is not None:
            self.fills.setdefault(fill, []).append(r)
        if border is not None:
            self.borders.setdefault((border, width, dash), []).append(r)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, *,
             width: float = 1.0, dash: bool = False) -> None:
        """A straight line."""
        self.strokes.setdefault((colour, width, dash), []).append(
            f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l\n")

    def path(self, ops: str, colour: str, *, width: float = 1.0, dash: bool = False) -> None:
        """Lines given as path operators (``x y m x y l``), made once, drawn often."""
        self.strokes.setdefault((colour, width, dash), []).append(ops)

    def text(self, x: float, y: float, s: str, size: float, *, bold: bool = False,
             colour: str = "#000000", anchor: str = "start") -> None:
        """``s`` (already cleaned of control characters) with its baseline at ``y``.

        ``anchor``: ``start``, ``middle`` or ``end`` of the text at ``x``.
        """
        font = self.book.fonts[bold]
        code, w = font.encode(s)
        if anchor != "start":
            x -= w * size / (2000.0 if anchor == "middle" else 1000.0)
        t = self.texts
        if self._font != (font.resource, size):
            self._font = (font.resource, size)
            t.append(f"/{font.resource} {size:g} Tf\n")
        if colour != self._colour:
            self._colour = colour
            t.append(_rgb(colour) + " rg\n")
        t.append(f"1 0 0 -1 {x:.2f} {y:.2f} Tm <{code}>Tj\n")

    def width(self, s: str, size: float, *, bold: bool = False) -> float:
        """The advance width of ``s`` at ``size`` points."""
        return self.book.fonts[bold].encode(s)[1] * size / 1000.0

    def centred(self, cx: float, y: float, lines: list[str], size: float, step: float, *,
                colour: str = "#000000") -> None:
        """Lines of regular text centred on ``cx``, the first baseline at ``y``, ``step`` apart.

        The same as :meth:`text` with ``anchor="middle"`` for each line, in one call.
        """
        font = self.book.fonts[False]
        t = self.texts
        if self._font != (font.resource, size):
            self._font = (font.resource, size)
            t.append(f"/{font.resource} {size:g} Tf\n")
        if colour != self._colour:
            self._colour = colour
            t.append(_rgb(colour) + " rg\n")
        cache, encode, half = font.cache, font.encode, size / 2000.0
        for s in lines:
            code, w = cache.get(s) or encode(s)
            t.append(f"1 0 0 -1 {cx - w * half:.2f} {y:.2f} Tm <{code}>Tj\n")
            y += step

    def link(self, x: float, y: float, w: float, h: float, page: int) -> None:
        """Clicking the area goes to page ``page`` (0-based)."""
        self.links.append((x, y, w, h, page))

    def content(self, height: float) -> bytes:
        """The content stream: flip to ``y`` down, :meth:`ops`, then the :attr:`tail`."""
        return f"1 0 0 -1 0 {height:.2f} cm\n{self.ops()}{self.tail}".encode("ascii")

    def ops(self) -> str:
        """The drawing as operators: fills, borders, lines, then the texts; every run sets
        its own colour, width, dash and font, so the result can be any page's tail."""
        out = []
        for colour, rs in self.fills.items():
            out.append(_rgb(colour) + " rg\n")
            out += rs
            out.append("f\n")
        for (colour, width, dash), rs in self.borders.items():
            out.append(f"{_rgb(colour)} RG {width:g} w {'[5 2] 0' if dash else '[] 0'} d\n")
            out += rs
            out.append("S\n")
        for (colour, width, dash), ls in self.strokes.items():
            out.append(f"{_rgb(colour)} RG {width:g} w {'[5 2] 0' if dash else '[] 0'} d\n")
            out += ls
            out.append("S\n")
        if self.texts:
            out.append("BT\n")
            out += self.texts
            out.append("ET\n")
        return "".join(out)


_RGB: dict[str, str] = {}


def _rgb(colour: str) -> str:
    s = _RGB.get(colour)
    if s is None:
        s = _RGB[colour] = " ".join(f"{int(colour[i:i + 2], 16) / 255:.3g}" for i in (1, 3, 5))
    return s


@dataclass
class _Item:
    title: str
    page: int
    parent: int  # index of the parent item, -1 at the top
    open: bool
    kids: list[int] = field(default_factory=list)


class PdfBook:
    """A PDF of ``pages`` pages of one ``size`` (points), written to ``out`` as it is drawn.

    Draw a page on :meth:`canvas`, write it with :meth:`add_page` (pages in
    order), add bookmarks with :meth:`outline`, then :meth:`finish`.
    Links and bookmarks may point at pages not written yet.
    """

    def __init__(self, out: BinaryIO, *, size: tuple[float, float], pages: int, title: str,
                 lang: str, creator: str = "orgpath") -> None:
        regular, bold = font_files()
        self.out = out
        self.pos = 0
        self.width, self.height = size
        self.pages = pages
        self.title, self.lang, self.creator = title, lang, creator
        self.fonts = {False: _Font(regular, "DejaVuSans", "F1"),
                      True: _Font(bold, "DejaVuSans-Bold", "F2")}
        self.offsets: dict[int, int] = {}
        # Fixed numbers: 1 catalog, 2 page tree, 3 info, 4 outline root, 5 resources,
        # 6-15 the two fonts (five objects each), then a page and its content per page.
        self._font_objs = {False: 6, True: 11}
        self._first_page = 16
        # The page tree: pages under nodes of at most _FANOUT kids, those under nodes of
        # their own, up to the root (2 0 R); readers refuse one flat list of 100,000 pages.
        self._levels: list[int] = []  # node counts per level, from the pages' parents up
        n = pages
        while n > _FANOUT:
            n = -(-n // _FANOUT)
            self._levels.append(n)
        self._tree_first = self._first_page + 2 * pages
        self._next = self._tree_first + sum(self._levels)
        self._written = 0
        self._items: list[_Item] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        # Pages are compressed and written on a second thread (zlib and file writes let go
        # of the GIL), so drawing the next page overlaps them; small PDFs need no thread.
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if pages > _THREAD_PAGES:
            self._queue = queue.Queue(maxsize=256)
            self._thread = threading.Thread(target=self._writer, name="orgpath-pdf-writer",
                                            daemon=True)
            self._thread.start()

    def __enter__(self) -> PdfBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the writer thread (after the pages handed to it); finish calls it too."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _writer(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._emit(*item)
                except BaseException as exc:  # handed to the drawing thread by close()
                    self._error = exc

    def _emit(self, objs: list[tuple[int, str]], num: int, content: bytes) -> None:
        for n, body in objs:
            self._obj(n, body)
        self._stream(num, content)

    # -- low level

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def _obj(self, num: int, body: str | bytes) -> None:
        self.offsets[num] = self.pos
        if isinstance(body, str):
            body = body.encode("latin-1")
        self._write(b"%d 0 obj\n%s\nendobj\n" % (num, body))

    def _stream(self, num: int, data: bytes, extra: str = "") -> None:
        packed = zlib.compress(data, 3)  # 6 takes twice as long for 10 % less
        self._obj(num, b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n%s\nendstream"
                  % (len(packed), extra.encode("latin-1"), packed))

    def _new(self) -> int:
        self._next += 1
        return self._next - 1

    def _node(self, level: int, child: int) -> str:
        """The reference of the page-tree node at ``level`` over its ``child``-th kid."""
        if level >= len(self._levels):
            return "2 0 R"
        return f"{self._tree_first + sum(self._levels[:level]) + child // _FANOUT} 0 R"

    def _write_page_tree(self) -> None:
        kids = [self.page_ref(i) for i in range(self.pages)]
        counts = [1] * self.pages
        for level, n in enumerate(self._levels):
            base = self._tree_first + sum(self._levels[:level])
            refs, sums = [], []
            for k in range(n):
                part = slice(k * _FANOUT, (k + 1) * _FANOUT)
                total = sum(counts[part])
                self._obj(base + k, f"<< /Type /Pages /Parent {self._node(level + 1, k)} "
                                    f"/Kids [{' '.join(kids[part])}] /Count {total} >>")
                refs.append(f"{base + k} 0 R")
                sums.append(total)
            kids, counts = refs, sums
        self._obj(2, f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {self.pages} >>")

    def page_ref(self, page: int) -> str:
        """The indirect reference of page ``page`` (0-based)."""
        return f"{self._first_page + 2 * page} 0 R"

    # -- pages, bookmarks

    def canvas(self, tail: str = "") -> Canvas:
        """An empty page; ``tail``: operators drawn after its own (:meth:`Canvas.ops`)."""
        return Canvas(self, tail=tail)

    def add_page(self, canvas: Canvas) -> None:
        """Write the next page."""
        if self._written >= self.pages:
            raise ValueError(f"this PDF was planned with {self.pages} pages")
        num = self._first_page + 2 * self._written
        self._written += 1
        H = self.height
        annots = ""
        objs: list[tuple[int, str]] = []
        if canvas.links:
            refs = []
            for x, y, w, h, page in canvas.links:
                n = self._new()
                objs.append((n, f"<< /Type /Annot /Subtype /Link /Rect [{x:.2f} "
                                f"{H - y - h:.2f} {x + w:.2f} {H - y:.2f}] /Border [0 0 0] "
                                f"/Dest [{self.page_ref(page)} /Fit] >>"))
                refs.append(f"{n} 0 R")
            annots = f" /Annots [{' '.join(refs)}]"
        objs.append((num, f"<< /Type /Page /Parent {self._node(0, self._written - 1)} "
                          f"/MediaBox [0 0 {self.width:.2f} "
                          f"{H:.2f}] /Resources 5 0 R /Contents {num + 1} 0 R{annots} >>"))
        item = (objs, num + 1, canvas.content(H))
        if self._queue is None:
            self._emit(*item)
            return
        if self._error is not None:
            self.close()  # raises the writer's error
        self._queue.put(item)

    def outline(self, title: str, page: int, parent: int = -1, *, open_: bool = False) -> int:
        """A bookmark to ``page`` under bookmark ``parent`` (-1: top level); its handle."""
        self._items.append(_Item(title, page, parent, open_))
        n = len(self._items) - 1
        if parent >= 0:
            self._items[parent].kids.append(n)
        return n

    # -- the end

    def finish(self) -> None:
        """Fonts, bookmarks, page tree, catalog, info and the cross-reference table."""
        if self._written != self.pages:
            raise ValueError(f"{self._written} of {self.pages} pages were written")
        self.close()
        for bold, font in self.fonts.items():
            self._write_font(self._font_objs[bold], font)
        self._obj(5, "<< /Font << /F1 6 0 R /F2 11 0 R >> >>")
        self._write_outline()
        self._write_page_tree()
        lang = f" /Lang {_pdf_text(self.lang)}" if self.lang else ""
        self._obj(1, f"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R "
                     f"/PageMode /UseOutlines{lang} >>")
        self._obj(3, f"<< /Title {_pdf_text(self.title)} /Creator {_pdf_text(self.creator)} "
                     f"/Producer {_pdf_text(self.creator)} >>")
        size = self._next
        xref = self.pos
        rows = ["xref\n", f"0 {size}\n", "0000000000 65535 f \n"]
        offsets = self.offsets
        for n in range(1, size):
            off = offsets.get(n)
            rows.append(f"{off:010d} 00000 n \n" if off is not None else "0000000000 65535 f \n")
        rows.append(f"trailer\n<< /Size {size} /Root 1 0 R /Info 3 0 R >>\n"
                    f"startxref\n{xref}\n%%EOF\n")
        self._write("".join(rows).encode("ascii"))

    def _write_font(self, first: int, font: _Font) -> None:
        data, glyphs = font.subset()
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha1(data).digest()[:6])
        name = f"{tag}+{font.name}"
        t0, cid, desc, file_, tounicode = range(first, first + 5)
        widths = " ".join(f"{g} [{font.metrics.gid_width[g]:.0f}]" for g in sorted(glyphs))
        self._obj(t0, f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
                      f"/DescendantFonts [{cid} 0 R] /ToUnicode {tounicode} 0 R >>")
        self._obj(cid, f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} "
                       "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                       f" /FontDescriptor {desc} 0 R /CIDToGIDMap /Identity "
                       f"/DW {font.missing_width:.0f} /W [{widths}] >>")
        m = font.metrics
        bbox = " ".join(map(str, m.bbox))
        self._obj(desc, f"<< /Type /FontDescriptor /FontName /{name} /Flags 32 "
                        f"/FontBBox [{bbox}] /ItalicAngle 0 /Ascent {m.ascent} "
                        f"/Descent {m.descent} /CapHeight {m.cap} /StemV 80 "
                        f"/FontFile2 {file_} 0 R >>")
        self._stream(file_, data, f" /Length1 {len(data)}")
        self._stream(tounicode, _cmap(glyphs).encode("ascii"))

    def _write_outline(self) -> None:
        items = self._items
        nums = [self._new() for _ in items]
        top = [i for i, it in enumerate(items) if it.parent < 0]
        # How many items an item shows: its kids when open (and theirs when those are
        # open); a parent is always added before its kids, so go backwards.
        shown = [0] * len(items)
        for i in range(len(items) - 1, -1, -1):
            if items[i].open:
                shown[i] = sum(1 + shown[k] for k in items[i].kids)
        for i, it in enumerate(items):
            sibs = items[it.parent].kids if it.parent >= 0 else top
            k = bisect.bisect_left(sibs, i)  # kids are added in handle order
            parts = [f"/Title {_pdf_text(it.title)}",
                     f"/Parent {nums[it.parent] if it.parent >= 0 else 4} 0 R",
                     f"/Dest [{self.page_ref(it.page)} /Fit]"]
            if k > 0:
                parts.append(f"/Prev {nums[sibs[k - 1]]} 0 R")
            if k + 1 < len(sibs):
                parts.append(f"/Next {nums[sibs[k + 1]]} 0 R")
            if it.kids:
                count = shown[i] if it.open else -len(it.kids)
                parts.append(f"/First {nums[it.kids[0]]} 0 R /Last {nums[it.kids[-1]]} 0 R "
                             f"/Count {count}")
            self._obj(nums[i], "<< " + " ".join(parts) + " >>")
        count = len(top) + sum(shown[i] for i in top)
        first_last = f" /First {nums[top[0]]} 0 R /Last {nums[top[-1]]} 0 R" if top else ""
        self._obj(4, f"<< /Type /Outlines{first_last} /Count {count} >>")


def _cmap(glyphs: dict[int, str]) -> str:
    """A ToUnicode CMap from glyph ids (two bytes each) to their characters."""
    rows = ["/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"]
    items = sorted(glyphs.items())
    for k in range(0, len(items), 100):
        chunk = items[k:k + 100]
        rows.append(f"{len(chunk)} beginbfchar\n")
        rows += [f"<{g:04x}> <{ch.encode('utf-16-be').hex()}>\n" for g, ch in chunk]
        rows.append("endbfchar\n")
    rows.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    return "".join(rows)
