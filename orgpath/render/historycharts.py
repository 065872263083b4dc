"""Charts of history, drawn with matplotlib (Agg, no display): headcount over time and an
org chart coloured by a diff.

The diff chart is laid out by orgpath's own tidy layout
(:func:`orgpath.render.layout.tidy_layout`) over the new version plus a faint
"ghost" of everyone who left (under their old manager when that person is
still there), so the Graphviz org chart renderer is untouched. Text is written
as text (``svg.fonttype = none``; matplotlib escapes it for XML), so names are
searchable in the SVG and the PDF.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from orgpath.model import Person

#: status → (fill, edge, label) of the diff chart's boxes.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "joined": ("#d9f2d9", "#2e7d32"),
    "moved": ("#dbe8fb", "#1f5fbf"),
    "retitled": ("#fff1c7", "#b28704"),
    "left": ("#f4f4f4", "#b0b0b0"),
    "same": ("#ffffff", "#8a8a8a"),
}
LEGEND_ORDER = ("joined", "moved", "retitled", "left", "same")
HEADCOUNT_FORMATS = ("svg", "png")
DIFF_FORMATS = ("svg", "pdf", "png")
_MEDIA = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}

_lock = threading.Lock()  # rcParams are global; one save at a time per process


def media_type(fmt: str) -> str:
    return _MEDIA[fmt]


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "orgpath"  # same input, same bytes (ETags)
    return Figure(figsize=(width, height))


def _save(fig, fmt: str) -> bytes:
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else ({"CreationDate": None} if fmt == "pdf" else {})
    with _lock:
        fig.savefig(buf, format=fmt, metadata=meta, bbox_inches="tight")
    return buf.getvalue()


def headcount_chart(series: Sequence[Mapping[str, Any]], fmt: str, *, title: str,
                    department: str | None = None, labels: Mapping[str, str] | None = None) \
        -> bytes:
    """Headcount after each commit (a step line), with one line per department.

    ``series`` is :meth:`orgpath.history.History.headcount`; ``department``
    draws only that department. ``labels`` translate "People", "Date", "All".
    """
    if fmt not in HEADCOUNT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(HEADCOUNT_FORMATS)}")
    words = {"people": "People", "date": "Date", "all": "All", **(labels or {})}
    fig = _figure(8, 4)
    ax = fig.add_subplot()
    dates = [p["date"] for p in series]
    if department is None:
        ax.step(dates, [p["people"] for p in series], where="post", linewidth=2.2,
                label=words["all"], color="#222222")
        depts = sorted({d for p in series for d in p["departments"]})
    else:
        depts = [department]
    for d in depts:
        ax.step(dates, [p["departments"].get(d, 0) for p in series], where="post",
                linewidth=1.2, label=d)
    ax.set_title(title)
    ax.set_ylabel(words["people"])
    ax.set_xlabel(words["date"])
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)
    fig.autofmt_xdate()
    return _save(fig, fmt)


def diff_graph(old: nx.DiGraph, new: nx.DiGraph, status: Mapping[str, str]) -> nx.DiGraph:
    """The new org plus ghosts of those who left (``status[pid] == "left"``), as one forest."""
    T = nx.DiGraph()
    for pid, data in new.nodes(data=True):
        T.add_node(pid, person=data["person"])
    T.add_edges_from(new.edges())
    for pid, st in status.items():
        if st != "left" or pid not in old:
            continue
        p: Person = old.nodes[pid]["person"]
        T.add_node(pid, person=p)
        if p.manager_id and p.manager_id in T and p.manager_id in new:
            T.add_edge(p.manager_id, pid)
    # the ghosts' own reports who also left stay under them
    for pid, st in status.items():
        if st == "left" and pid in old:
            for r in old.successors(pid):
                if status.get(r) == "left" and not T.in_edges(r):
                    T.add_edge(pid, r)
    return T


def diff_chart(old: nx.DiGraph, new: nx.DiGraph, status: Mapping[str, str], fmt: str, *,
               title: str, labels: Mapping[str, str] | None = None,
               max_people: int) -> bytes:
    """The org chart of ``new`` coloured by ``status`` (person id → joined/moved/retitled/left).

    Those who left are drawn as faint ghosts; a legend names the colours. Raises
    :class:`ValueError` when more than ``max_people`` boxes would be drawn.
    """
    from matplotlib.patches import FancyBboxPatch, Patch

    from orgpath.render.layout import tidy_layout

    if fmt not in DIFF_FORMATS:
        raise ValueError(f"format must be one of {', '.join(DIFF_FORMATS)}")
    T = diff_graph(old, new, status)
    if len(T) > max_people:
        raise ValueError(f"the diff chart would draw {len(T):,} people; the limit is "
                         f"{max_people:,}")
    words = {k: k for k in LEGEND_ORDER} | dict(labels or {})
    lay = tidy_layout(T, compact=True)
    scale = 1 / 72  # layout points → inches
    fig = _figure(max(4.0, lay.width * scale), max(2.5, lay.height * scale + 0.8))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.axis("off")
    boxes = lay.boxes
    for _u, v, points in lay.edges:
        ghost = status.get(v) == "left"
        ax.plot([x for x, _ in points], [y for _, y in points],
                color="#c8c8c8" if ghost else "#777777", linewidth=0.8,
                linestyle="--" if ghost else "-", zorder=1)
    for pid, box in boxes.items():
        st = status.get(pid, "same")
        fill, edge = STATUS_STYLE[st]
        p: Person = T.nodes[pid]["person"]
        ghost = st == "left"
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.width, box.height,
                                    boxstyle="round,pad=0,rounding_size=4", facecolor=fill,
                                    edgecolor=edge, linewidth=1.6 if st != "same" else 0.8,
                                    linestyle="--" if ghost else "-", alpha=0.55 if ghost else 1,
                                    zorder=2))
        colour = "#9a9a9a" if ghost else "#111111"
        ax.text(box.cx, box.y + box.height * 0.38, _short(p.name, 26), ha="center", va="center",
                fontsize=7.5, color=colour, zorder=3, fontweight="bold")
        if p.title:
            ax.text(box.cx, box.y + box.height * 0.70, _short(p.title, 30), ha="center",
                    va="center", fontsize=6.5, color=colour, zorder=3)
    handles = [Patch(facecolor=STATUS_STYLE[s][0], edgecolor=STATUS_STYLE[s][1],
                     label=words[s], linestyle="--" if s == "left" else "-")
               for s in LEGEND_ORDER]
    fig.legend(handles=handles, loc="upper right", fontsize=7, frameon=True, title=title,
               title_fontsize=8)
    return _save(fig, fmt)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
