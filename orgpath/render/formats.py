"""Every output format, declared once: name, media type, suffixes, who draws it, its writers.

Ladder charts (:func:`orgpath.render.render_chart`), org charts
(:func:`orgpath.render.orgchart.org_chart`), the web and the CLI all look
formats up here. A writer is named ``"module:function"`` and imported when it
is first used, so this module imports no writer (and no writer imports it back):

* a ladder writer is called ``writer(G, chart)``, or for a format Graphviz
  draws ``writer(G, chart, fmt=name, runner=runner)``;
* an org writer is called ``writer(job)`` with an
  :class:`orgpath.render.orgchart.OrgJob`;
* a matrix writer (the competency matrix, :mod:`orgpath.render.matrix`) is called
  ``writer(job, fmt=name, runner=runner)`` with a :class:`orgpath.render.matrix.MatrixJob`.

To add a format, add one :class:`Format` to :data:`REGISTRY` and write its
writer(s); the web routes, the OpenAPI enum, ``--format`` choices and the
suffixes of ``-o`` follow.

>>> get("svg").media_type, by_suffix("chart.GV").name
('image/svg+xml', 'dot')
>>> [f.name for f in for_chart("org")]
['svg', 'png', 'pdf', 'dot', 'json', 'pptx', 'csv', 'xlsx']
>>> names("matrix")
('svg', 'pdf', 'csv', 'xlsx')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

__all__ = ["REGISTRY", "Format", "by_suffix", "for_chart", "get", "lookup", "media_types",
           "names", "suffixes"]

Kind = Literal["ladder", "org", "matrix"]


@dataclass(frozen=True)
class Format:
    """One output format.

    ``media_type`` is the whole ``Content-Type`` (at most one ``charset``);
    ``drawn`` says Graphviz draws it; ``binary`` that it is not text.
    """

    name: str
    media_type: str
    suffixes: tuple[str, ...]
    drawn: bool
    binary: bool
    ladder: str | None = None  # "module:function" writing a ladder chart
    org: str | None = None  # "module:function" writing an org chart
    laid_out: bool = True  # the org writer needs the tidy layout (lists and decks do not)
    matrix: str | None = None  # "module:function" writing a competency matrix

    @property
    def mimetype(self) -> str:
        """The media type without parameters (``text/vnd.graphviz``)."""
        return self.media_type.split(";", 1)[0].strip()

    @property
    def suffix(self) -> str:
        """The suffix of a file of this format (``.svg``)."""
        return self.suffixes[0]

    def writer(self, kind: Kind) -> Callable[..., bytes]:
        """The function that writes a chart of ``kind`` in this format (ValueError if none)."""
        where = getattr(self, kind)
        if where is None:
            raise ValueError(f"{kind} charts cannot be written as {self.name}; use one of "
                             f"{', '.join(names(kind))}")
        module, _, func = where.partition(":")
        return getattr(importlib.import_module(module), func)


_EXP = "orgpath.render.exporters"
_ORG = "orgpath.render.orgchart"
_MAT = "orgpath.render.matrix"
_PPTX = "orgpath.render.pptx"
_SHEETS = "orgpath.render.sheets"

#: Every format, in the order menus list them.
REGISTRY: tuple[Format, ...] = (
    Format("svg", "image/svg+xml", (".svg",), drawn=True, binary=False,
           ladder=f"{_EXP}:draw_chart", org=f"{_ORG}:draw_org", matrix=f"{_MAT}:draw_matrix"),
    Format("png", "image/png", (".png",), drawn=True, binary=True,
           ladder=f"{_EXP}:draw_chart", org=f"{_ORG}:draw_org"),
    Format("pdf", "application/pdf", (".pdf",), drawn=True, binary=True,
           ladder=f"{_EXP}:draw_chart", org=f"{_ORG}:draw_org", matrix=f"{_MAT}:draw_matrix"),
    Format("dot", "text/vnd.graphviz; charset=utf-8", (".dot", ".gv"), drawn=False,
           binary=False, ladder=f"{_EXP}:to_dot", org=f"{_ORG}:write_dot"),
    Format("json", "application/json", (".json",), drawn=False, binary=False,
           ladder=f"{_EXP}:to_json", org=f"{_ORG}:write_json"),
    Format("graphml", "application/graphml+xml", (".graphml",), drawn=False, binary=False,
           ladder=f"{_EXP}:to_graphml"),
    Format("mmd", "text/vnd.mermaid; charset=utf-8", (".mmd", ".mermaid"), drawn=False,
           binary=False, ladder=f"{_EXP}:to_mermaid"),
    Format("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
           (".pptx",), drawn=False, binary=True, ladder=f"{_PPTX}:write_ladder",
           org=f"{_PPTX}:write_org", laid_out=False),
    Format("csv", "text/csv; charset=utf-8", (".csv",), drawn=False, binary=False,
           org=f"{_SHEETS}:write_csv", matrix=f"{_MAT}:write_csv",
           laid_out=False),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           (".xlsx",), drawn=False, binary=True, org=f"{_SHEETS}:write_xlsx",
           matrix=f"{_MAT}:write_xlsx", laid_out=False),
)
_BY_NAME = {f.name: f for f in REGISTRY}
_BY_SUFFIX = {s: f for f in REGISTRY for s in f.suffixes}


def get(name: str) -> Format:
    """The format called ``name``; KeyError if there is none."""
    return _BY_NAME[name]


def lookup(name: str, kind: Kind | None = None) -> Format | None:
    """The format called ``name`` (that ``kind`` of chart can be written in), else None."""
    f = _BY_NAME.get(name)
    if f is None or (kind is not None and getattr(f, kind) is None):
        return None
    return f


def by_suffix(filename: str, kind: Kind | None = None) -> Format | None:
    """The format a file name's suffix asks for (any case), else None.

    >>> by_suffix("ladder.SVG").name, by_suffix("notes.txt"), by_suffix("x.mmd", "org")
    ('svg', None, None)
    """
    f = _BY_SUFFIX.get(PurePath(filename).suffix.lower())
    if f is None or (kind is not None and getattr(f, kind) is None):
        return None
    return f


def for_chart(kind: Kind) -> tuple[Format, ...]:
    """The formats a ``"ladder"`` or ``"org"`` chart can be written in."""
    return tuple(f for f in REGISTRY if getattr(f, kind) is not None)


def names(kind: Kind) -> tuple[str, ...]:
    """The names of :func:`for_chart` ``(kind)``."""
    return tuple(f.name for f in for_chart(kind))


def media_types(kind: Kind) -> dict[str, str]:
    """Format name → media type, for ``kind`` of chart."""
    return {f.name: f.media_type for f in for_chart(kind)}


def suffixes(kind: Kind) -> dict[str, str]:
    """File suffix → format name, for ``kind`` of chart."""
    return {s: f.name for f in for_chart(kind) for s in f.suffixes}

