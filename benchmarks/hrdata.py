"""HR data in and out: reading a big workbook, writing a big deck, measured in one run.

    .venv/bin/python benchmarks/hrdata.py [--quick]

* Read a 100,000-row ``.xlsx`` people file with ``read_org`` (target <= 5 s),
  and the reader alone (``hrfiles.read_xlsx``, python-calamine after its zip,
  size and extent checks); baseline: openpyxl's read-only iteration of the same
  file alone, the reader orgpath used before. Then the same rows as Excel saves
  them, the text in a shared strings table (openpyxl writes inline strings).
* A 5,000-person org as a PowerPoint deck (target <= 10 s); baseline: the same
  org's paged PDF (one page per manager, the deck's nearest relative).
* The same org as XLSX and CSV (no target; baseline: the deck).

Each line gives wall and CPU seconds (this process's user + system time; the
Graphviz children of the paged PDF are not in it) and the ratios to the
baseline measured in the same run; on a shared machine read the CPU figures.
Orgs come from ``benchmarks/make_org.py`` (seed 1). ``--quick`` uses 10,000
rows and 1,000 people (a smoke run; the targets are for the full sizes).
Nothing here is a test assertion.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_org import FIELDS, make_org  # noqa: E402

# benchmarks/http.py would shadow the standard library's http (python-pptx needs it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]


def report(name: str, value: tuple[float, float], target: str, baseline: tuple[float, float],
           base_name: str) -> None:
    (wall, cpu), (bwall, bcpu) = value, baseline
    print(f"{name:<34} {wall:7.3f} s ({cpu:6.3f} s CPU)  target {target:<8} "
          f"baseline {base_name:<20} {bwall:7.3f} s ({bcpu:6.3f} s CPU)  "
          f"ratio {wall / bwall:5.2f} (CPU {cpu / bcpu:5.2f})", flush=True)


def timed(fn):
    """((wall, CPU) seconds, result) of ``fn()``."""
    t0, c0 = time.perf_counter(), _cpu()
    out = fn()
    return (time.perf_counter() - t0, _cpu() - c0), out


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def write_xlsx(people: list[dict[str, str]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ark1")
    ws.append(list(FIELDS))
    for p in people:
        ws.append([p[f] for f in FIELDS])
    wb.save(path)


def to_shared_strings(src: Path, dst: Path) -> None:
    """``src`` (openpyxl's inline strings) as Excel writes it: text in a shared strings table."""
    import re
    import zipfile

    strings: dict[bytes, int] = {}

    def shared(m: re.Match) -> bytes:
        idx = strings.setdefault(m.group(2), len(strings))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (m.group(1), idx)

    ns = b"http://schemas.openxmlformats.org"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="(\w+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>',
                              shared, data).replace(b' t="inlineStr"></c>', b"></c>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument'
                                    b'.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="'
                                    + ns + b'/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            z.writestr(info.filename, data)
        z.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="'
                   + ns + b'/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                   % (len(strings), len(strings),
                      b"".join(b"<si><t>%s</t></si>" % t for t in strings)))


def openpyxl_alone(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    return n


def reader_alone(path: Path) -> int:
    from orgpath.hrfiles import read_xlsx
    from orgpath.peoplefile import _Report

    _, rows = read_xlsx(path.read_bytes(), str(path), {}, _Report(str(path)))
    return 1 + sum(1 for _ in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    ap.add_argument("--read-only", action="store_true", help="only the .xlsx reading part")
    args = ap.parse_args()
    rows, deck_people = (10_000, 1_000) if args.quick else (100_000, 5_000)

    import openpyxl  # noqa: F401  (imports are not part of the timings)
    import python_calamine  # noqa: F401

    from orgpath.org import org_graph
    from orgpath.peoplefile import read_org
    from orgpath.render.paged import page_order, paged_pdf
    from orgpath.render.pptx import org_pptx
    from orgpath.render.sheets import org_csv, org_xlsx

    load = os.getloadavg()[0]
    print(f"# make_org.py seed 1; {rows:,} rows, {deck_people:,} people; "
          f"load average {load:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xlsx"
        write_xlsx(make_org(rows, seed=1), path)
        base, n = timed(lambda: openpyxl_alone(path))
        alone, n2 = timed(lambda: reader_alone(path))
        assert n2 == n, (n2, n)
        t, (org, diags) = timed(lambda: read_org(path))
        assert org is not None, diags[:3]
        assert len(org.people) == n - 1
        report(f"read_org .xlsx, {rows:,} rows", t, "<= 5 s", base, "openpyxl read-only")
        report("  the reader alone (calamine)", alone, "", base, "openpyxl read-only")
        excel = Path(tmp) / "excel.xlsx"
        to_shared_strings(path, excel)
        base, n = timed(lambda: openpyxl_alone(excel))
        t, (org, diags) = timed(lambda: read_org(excel))
        assert org is not None, diags[:3]
        assert len(org.people) == n - 1
        report("  same, shared strings (as Excel)", t, "<= 5 s", base, "openpyxl read-only")
        if args.read_only:
            return

        small = Path(tmp) / "deck.csv"
        import csv

        with open(small, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, FIELDS, lineterminator="\n")
            w.writeheader()
            w.writerows(make_org(deck_people, seed=1))
        G = org_graph(read_org(small)[0])
        pages = len(page_order(G))
        base, _ = timed(lambda: paged_pdf(G, max_pages=pages))
        t, deck = timed(lambda: org_pptx(G, max_slides=pages))
        report(f"org_pptx, {deck_people:,} people ({pages} slides)", t, "<= 10 s", base,
               "paged PDF, same org")
        tx, _ = timed(lambda: org_xlsx(G))
        report(f"org_xlsx, {deck_people:,} people", tx, "", t, "the deck")
        tc, _ = timed(lambda: org_csv(G))
        report(f"org_csv, {deck_people:,} people", tc, "", t, "the deck")
        print(f"# deck {len(deck):,} bytes; load average at the end {os.getloadavg()[0]:.2f}; "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
