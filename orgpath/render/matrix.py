"""The competency matrix as files: CSV and XLSX for spreadsheets, SVG and PDF for print.

Rows are roles (by track, then level), columns skills (by category); a cell holds
the expected level, ``✓`` for a skill listed without a level, and nothing for a
skill the role does not list. SVG and PDF draw one Graphviz HTML-like table.

>>> from orgpath.frameworks import competency_matrix, demo_framework
>>> F = demo_framework()
>>> print(matrix_csv(F, competency_matrix(F, category="people")).decode("utf-8-sig"))
role,title,track,level,Mentoring,Hiring
junior,Junior,Individual contributor,1,,
senior,Senior,Individual contributor,2,✓,
staff,Staff,Individual contributor,3,2,
manager,Manager,Manager,3,3,2
director,Director,Manager,4,3,3
<BLANKLINE>
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass

import networkx as nx

from orgpath.frameworks import Matrix, categories_in_order
from orgpath.model import Ladder
from orgpath.render import formats
from orgpath.render.graphviz import Runner, default_runner

#: What the matrix can be written as (from the format registry), with the media types.
MATRIX_FORMATS: dict[str, str] = formats.media_types("matrix")


@dataclass(frozen=True)
class MatrixJob:
    """What a matrix writer needs: the ladder graph, the matrix and the language."""

    G: nx.MultiDiGraph
    matrix: Matrix
    lang: str = "en"
LISTED = "✓"  # a skill the role lists without a level
_HEAD = {"en": ("role", "title", "track", "level"), "da": ("rolle", "titel", "spor", "niveau")}


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ``'`` before = + - @ etc.).

    >>> spreadsheet_text("=HYPERLINK(1)"), spreadsheet_text("Sales")
    ("'=HYPERLINK(1)", 'Sales')
    """
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _cell(m: Matrix, rid: str, sid: str) -> str:
    if sid not in m.cells[rid]:
        return ""
    level = m.cells[rid][sid]
    return LISTED if level is None else str(level)


def _rows(G: nx.MultiDiGraph, m: Matrix, lang: str) -> list[list[str | int]]:
    lad: Ladder = G.graph["ladder"]
    head: list[str | int] = [*_HEAD.get(lang, _HEAD["en"]),
                             *(lad.skill_name(s, lang) for s in m.skills)]
    rows = [head]
    for r in m.roles:
        role = G.nodes[r]["role"]
        track = lad.track_name(role.track, lang) if role.track else ""
        rows.append([r, role.name(lang), track, role.level, *(_cell(m, r, s) for s in m.skills)])
    return rows


def matrix_csv(G: nx.MultiDiGraph, m: Matrix, lang: str = "en") -> bytes:
    """The matrix as CSV (UTF-8 with a byte-order mark, so spreadsheets read æøå)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in _rows(G, m, lang):
        writer.writerow([spreadsheet_text(c) if isinstance(c, str) else c for c in row])
    return out.getvalue().encode("utf-8-sig")


def matrix_xlsx(G: nx.MultiDiGraph, m: Matrix, lang: str = "en") -> bytes:
    """The matrix as an Excel workbook: a header row, levels as numbers, frozen headings."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lad: Ladder = G.graph["ladder"]
    wb = Workbook()
    ws = wb.active
    ws.title = "matrix" if lang == "en" else "matrix-" + lang
    for row in _rows(G, m, lang):
        ws.append([int(c) if isinstance(c, str) and c.isdigit() else
                   spreadsheet_text(c) if isinstance(c, str) else c for c in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "E2"
    ws.column_dimensions["B"].width = max(12, *(len(str(c.value or "")) for c in ws["B"]))
    scale = wb.create_sheet("scale")
    scale.append(["level", "title"])
    for step in lad.scale:
        scale.append([step.level, spreadsheet_text(step.name(lang))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def matrix_dot(G: nx.MultiDiGraph, m: Matrix, lang: str = "en") -> str:
    """The matrix as DOT: one node holding an HTML-like table (every text escaped)."""
    lad: Ladder = G.graph["ladder"]
    e = html.escape
    cats = categories_in_order(G)
    groups = [(c, [s for s in m.skills if (lad.skills[s].category if s in lad.skills
                                            else None) == c]) for c in cats]
    groups = [(c, ids) for c, ids in groups if ids]
    head1 = '<TD ROWSPAN="2" BGCOLOR="#eeeeee"><B>&nbsp;</B></TD>' + "".join(
        f'<TD COLSPAN="{len(ids)}" BGCOLOR="#dde7f0"><B>{e(lad.category_name(c, lang) or "—")}'
        f"</B></TD>" for c, ids in groups)
    head2 = "".join(f'<TD BGCOLOR="#eeeeee">{e(lad.skill_name(s, lang))}</TD>'
                    for _, ids in groups for s in ids)
    order = [s for _, ids in groups for s in ids]
    rows = []
    for r in m.roles:
        role = G.nodes[r]["role"]
        cells = "".join(f"<TD>{e(_cell(m, r, s))}</TD>" for s in order)
        rows.append(f'<TR><TD ALIGN="LEFT">{e(role.name(lang))} ({role.level})</TD>{cells}</TR>')
    table = (f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
             f"<TR>{head1}</TR><TR>{head2}</TR>{''.join(rows)}</TABLE>")
    title = e(lad.name(lang))
    return ("digraph matrix {\n"
            f'  graph [label=<{title}>, labelloc=t, fontname="Helvetica"];\n'
            '  node [shape=plaintext, fontname="Helvetica", fontsize=11];\n'
            f"  matrix [label=<{table}>];\n}}\n")


def write_csv(job: MatrixJob, **_: object) -> bytes:
    """Registry writer: the matrix as CSV."""
    return matrix_csv(job.G, job.matrix, job.lang)


def write_xlsx(job: MatrixJob, **_: object) -> bytes:
    """Registry writer: the matrix as XLSX."""
    return matrix_xlsx(job.G, job.matrix, job.lang)


def draw_matrix(job: MatrixJob, *, fmt: str, runner: Runner | None = None) -> bytes:
    """Registry writer: the matrix drawn by Graphviz as ``fmt`` (svg, pdf)."""
    return (runner or default_runner()).render(matrix_dot(job.G, job.matrix, job.lang), fmt)


def render_matrix(G: nx.MultiDiGraph, m: Matrix, fmt: str, lang: str = "en", *,
                  runner: Runner | None = None) -> bytes:
    """The matrix in ``fmt``, any format the registry has a matrix writer for."""
    spec = formats.lookup(fmt, "matrix")
    if spec is None:
        raise ValueError(f"format must be one of {', '.join(MATRIX_FORMATS)}, not {fmt!r}")
    return spec.writer("matrix")(MatrixJob(G, m, lang), fmt=fmt, runner=runner)
