"""An org, a team or a search as a spreadsheet: CSV or XLSX, one row per person.

Columns: id, name, title, role, org level (0 at the top), department, manager
id and name, chain of command (names from the top down), direct reports,
headcount below, vacant, then email, photo, assistant and dotted-line managers
so that reading the file back gives the same org (the worked-out columns are
known to :mod:`orgpath.peoplefile` and ignored). Headers are English or
Danish; both are accepted header names.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) get a leading ``'``, as OWASP
advises against CSV injection.

>>> from orgpath.org import demo_org
>>> print(org_csv(demo_org(), root="s").decode().splitlines()[1])
s,Søren Sales,Head of Sales,lead,1,,ceo,Ada Boss,Ada Boss › Søren Sales,2,2,false,,,false,
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence

import networkx as nx

from orgpath import org as orgq

__all__ = ["COLUMNS", "org_csv", "org_rows", "org_xlsx", "safe_cell"]

#: Column keys, in order, with their English and Danish headers.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "id", "Medarbejdernummer"),
    ("name", "name", "Navn"),
    ("title", "title", "Stilling"),
    ("role", "role", "Rolle"),
    ("org_level", "org level", "Niveau i organisationen"),
    ("department", "department", "Afdeling"),
    ("manager_id", "manager_id", "Leders medarbejdernummer"),
    ("manager_name", "manager's name", "Leders fulde navn"),
    ("chain_of_command", "chain of command", "Ledelseskæde"),
    ("direct_reports", "direct reports", "Direkte medarbejdere"),
    ("headcount", "headcount below", "Medarbejdere under i alt"),
    ("vacant", "vacant", "Ledig"),
    ("email", "email", "E-mail"),
    ("photo_url", "photo", "Foto"),
    ("assistant", "assistant", "Assistent"),
    ("dotted_managers", "dotted_managers", "Stiplet linje"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: str) -> str:
    """``value`` made inert for spreadsheets: a leading ``'`` before formula starters.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-2"), safe_cell("Ann")
    ("'=HYPERLINK(1)", "'-2", 'Ann')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _people_ids(G: nx.DiGraph, root: str | None, ids: Sequence[str] | None) -> list[str]:
    if ids is not None:
        for pid in ids:
            orgq.person(G, pid)  # PersonNotFound for an unknown id
        return list(ids)
    if root is not None:
        return [root, *orgq.all_reports(G, root)]
    return orgq._preorder(G)


def org_rows(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    ids: Sequence[str] | None = None,
    lang: str = "en",
) -> Iterator[list[str | int]]:
    """The header row, then one row per person (the whole org, ``root``'s team or ``ids``).

    Numbers (level, direct reports, headcount) stay numbers; text is raw, not
    yet made safe (see :func:`safe_cell`). Unknown ids raise
    :class:`~orgpath.org.PersonNotFound`.
    """
    people = _people_ids(G, root, ids)
    yield [da if lang == "da" else en for _, en, da in COLUMNS]
    node, pred, succ = G._node, G._pred, G._succ
    level = orgq.levels(G)
    hc = orgq._headcounts(G)
    chains: dict[str, str] = {}  # chain of command text of each manager seen

    def chain(pid: str) -> str:
        # Walk up to the first manager whose chain is known; cache on the way down.
        walk = []
        v: str | None = pid
        while v is not None and v not in chains:
            walk.append(v)
            v = next(iter(pred[v]), None)
        text = chains.get(v, "") if v is not None else ""
        for w in reversed(walk):
            name = node[w]["person"].name
            text = f"{text} › {name}" if text else name
            chains[w] = text
        return chains[pid]

    for pid in people:
        p = node[pid]["person"]
        boss = next(iter(pred[pid]), None)
        yield [
            p.id, p.name, p.title or "", p.role or "", level[pid], p.department or "",
            boss or "", node[boss]["person"].name if boss is not None else "", chain(pid),
            len(succ[pid]), hc[pid], "true" if p.vacant else "false", p.email or "",
            p.photo_url or "", "true" if p.assistant else "false",
            ";".join(p.dotted_managers),
        ]


def org_csv(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    ids: Sequence[str] | None = None,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
) -> bytes:
    """The org (or ``root``'s team, or the people ``ids``) as UTF-8 CSV with formulas defused."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in org_rows(G, root=root, ids=ids, lang=lang):
        w.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return out.getvalue().encode("utf-8")


def org_xlsx(
    G: nx.DiGraph,
    *,
    root: str | None = None,
    ids: Sequence[str] | None = None,
    lang: str = "en",
    ladder_graph: nx.MultiDiGraph | None = None,
) -> bytes:
    """The same rows as an Excel workbook: bold header, autofilter, frozen header row.

    Written with openpyxl's write-only mode. Text is always stored as text
    (never a formula) and also gets the ``'`` of :func:`safe_cell`, so a copy
    pasted or saved as CSV elsewhere stays inert.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    org = G.graph.get("org")
    ws = wb.create_sheet(("Organisation" if lang == "da" else "Org")
                         if org is None else _sheet_title(org.title))
    rows = org_rows(G, root=root, ids=ids, lang=lang)
    header = next(rows)
    ws.freeze_panes = "A2"
    widths = [max(10, len(h) + 2) for h in header]
    widths[1] = widths[8] = 28
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    bold = Font(bold=True)
    cells = []
    for h in header:
        c = WriteOnlyCell(ws, value=h)
        c.font = bold
        cells.append(c)
    ws.append(cells)
    n = 1
    for row in rows:
        ws.append([_xlsx_text(ws, v) if isinstance(v, str) and v else v for v in row])
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_text(ws, value: str):
    from openpyxl.cell import WriteOnlyCell

    value = safe_cell(_ILLEGAL.sub("", value))
    if value.startswith("'") or value.startswith("="):
        c = WriteOnlyCell(ws, value=value)
        c.data_type = "s"  # openpyxl would take a leading "=" as a formula
        return c
    return value


def _sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL.sub("", title)).strip()[:31] or "Org"


def write_csv(job) -> bytes:
    """The format registry's ``csv`` org writer: the people of the chart's view."""
    return org_csv(job.G, ids=list(job.view.tree), lang=job.lang,
                   ladder_graph=job.ladder_graph)


def write_xlsx(job) -> bytes:
    """The format registry's ``xlsx`` org writer: the people of the chart's view."""
    return org_xlsx(job.G, ids=list(job.view.tree), lang=job.lang,
                    ladder_graph=job.ladder_graph)
