"""HR file kinds as people files: Excel workbooks, SCIM 2.0 and Microsoft Graph JSON.

Each reader turns one kind of file into the ``(header, rows)`` stream that
:func:`orgpath.peoplefile._people` checks, where ``rows`` yields
``(line, [cell text, ...])``, so ids, managers, cycles and every message are
shared with CSV. ``READERS`` maps a file-name suffix to its reader;
:func:`orgpath.peoplefile.read_org` picks one by suffix.

* ``.xlsx``: the first sheet, or the manifest's ``sheet:``; read with calamine
  (python-calamine, Rust) once the zip, its unpacked size and every sheet's
  grid have been checked here. ``line`` is the sheet row, and diagnostics name
  the sheet, row and column (``agency.xlsx:Ark1:R7:C3: error: ...``).
* ``.scim.json``: a SCIM 2.0 ``ListResponse`` of ``User`` resources (RFC 7643);
  the manager is the enterprise extension's ``manager.value``.
* ``.graph.json``: Microsoft Graph (Entra ID) users, ``{"value": [...]}`` or a
  list, fetched with ``$expand=manager``.

``line`` of a JSON user is the line its object starts on.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from orgpath import settings
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.peoplefile import _ALIASES, _decode, _norm_header, _Report
from orgpath.safeio import Deadline, Limits, Refused, check_nesting

__all__ = ["READERS", "ENTERPRISE", "read_xlsx", "read_scim", "read_graph"]

Rows = tuple[list[str], Iterator[tuple[int, list[str]]]]
Reader = Callable[[bytes, str, dict, _Report], Rows]

#: The SCIM enterprise user extension's schema URN.
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

#: Columns whose cells are ids: numbers and dates there are suspicious.
_ID_FIELDS = ("id", "manager_id", "dotted_managers")


# --- Excel ------------------------------------------------------------------------------

#: The first bytes of an OLE2 compound file: an old .xls, or an encrypted .xlsx.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Excel's grid: the last row and column (XFD1048576).
_LAST_ROW, _LAST_COL = 1_048_576, 16_384
_NS_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# The extent check's fast path: every cell start tag is ``<c r="...`` (how Excel,
# LibreOffice and openpyxl write cells). Anything else takes the exact slow path.
_CELL_COL = re.compile(rb'<c r="([A-Za-z]+)')
_CELL_ROW = re.compile(rb'<c r="[A-Za-z]+([0-9]+)')
_ODD_CELL = re.compile(rb"<c[\t\n\r]")  # a cell tag with other white space after its name
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>]")  # such as <x:c r="A1">
_TAG = re.compile(rb"""<(/?)(?:[A-Za-z_][\w.-]*:)?(c|row)"""
                  rb"""((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_R_ATTR = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)([0-9]+)")
_SST = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*>")
_SST_COUNT = re.compile(rb"""(?:uniqueCount|count)\s*=\s*["']\s*\+?([0-9]+)""")
_STR = itertools.repeat(str)
_SLICE = 1 << 21  # bytes scanned per regular expression call (see _slices)
_ERROR_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>]*\st="e"[^>]*>(?:<f[^<]*</f>|<f[^>]*/>)?'
                         rb"<v>([^<]*)</v>")


def read_xlsx(raw: bytes, name: str, manifest: dict, rep: _Report) -> Rows:
    """Rows of a workbook's first sheet (or the manifest's ``sheet``) as text cells.

    Read with calamine (python-calamine) after checks of our own: the file must
    be a zip holding an .xlsx (old .xls, .xlsb, .ods and encrypted workbooks are
    named as such); every member is unpacked here within ``max_people_bytes``
    with its CRC checked, and every sheet's grid must stay within
    ``max_sheet_cells``, so calamine gets only bounded, verified parts.

    Integral numbers lose their ``.0``; in an id column that is warned about
    once per column (leading zeros of a number are already lost), and a date in
    an id column is an error. Other dates become ISO dates. Formulas give their
    cached results; a formula's error (``#DIV/0!``) is warned about and read as
    empty (an error in an id column).
    """
    import python_calamine

    def reject(message: str) -> Refused:
        return Refused(Diagnostic(name, None, None, ERROR, message))

    deadline = Deadline(settings.get("load_timeout"), name)
    parts = _unpack(raw, reject, deadline)
    sheets = _sheet_parts(parts)
    max_cells = settings.get("max_sheet_cells")
    for member, xml in parts.items():
        if member.lower().endswith(".xml"):
            what = f"sheet {sheets[member]!r}" if member in sheets else member
            _check_part(xml, what, max_cells=max_cells, reject=reject, deadline=deadline,
                        strings=member.lower().endswith("sharedstrings.xml"))
    failures = {sheets[m]: _error_cells(parts[m]) for m in sheets if m in parts}
    stored = io.BytesIO(_stored_zip(parts, deadline))
    del parts  # calamine keeps its own copy
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(stored)
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise reject(f"cannot read the workbook: {exc}") from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise reject(f"cannot read the workbook: the reader failed ({exc})") from None
    del stored
    names = [m.name for m in wb.sheets_metadata
             if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    wanted = manifest.get("sheet")
    if wanted is not None:
        if wanted not in wb.sheet_names:
            raise reject(f"no sheet {wanted!r} in the workbook (it has "
                         f"{', '.join(repr(s) for s in wb.sheet_names)})")
        title = wanted
    elif names:
        title = names[0]
    else:
        raise reject("the workbook has no worksheets")
    try:
        ws = wb.get_sheet_by_name(title)
    except (python_calamine.CalamineError, ValueError) as exc:
        raise Refused(Diagnostic(name, None, None, ERROR, f"cannot read the sheet: {exc}",
                                 sheet=title)) from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise Refused(Diagnostic(name, None, None, ERROR, "cannot read the sheet: the "
                                 f"reader failed ({exc})", sheet=title)) from None
    rep.sheet = title
    if ws.start is None:
        raise Refused(Diagnostic(name, 1, None, ERROR, "the sheet is empty", sheet=title))
    top, left = ws.start
    if top > 0:
        raise Refused(Diagnostic(name, 1, None, ERROR, f"row 1, the header, is empty (the "
                                 f"sheet's cells start at row {top + 1}); put the column "
                                 "names in row 1", sheet=title))
    it = ws.iter_rows()
    pad = [""] * left  # columns before the first used one, so C numbers stay the sheet's
    header = [_text(v) for v in pad + next(it)]
    id_cols = {i for i, h in enumerate(header)
               if _ALIASES.get(_norm_header(h)) in _ID_FIELDS}
    warned: set[int] = set()
    failed = failures.get(title, {})

    def cell(v: Any, line: int, i: int) -> str:
        if i in id_cols:
            if isinstance(v, dt.datetime | dt.date | dt.time):
                if not isinstance(v, dt.datetime) and isinstance(v, dt.date):
                    v = dt.datetime.combine(v, dt.time())
                rep.error(line, f"{header[i]} cell is a date ({v}); format the column as "
                                "text and type the ids again", i)
                return ""
            if isinstance(v, int | float) and not isinstance(v, bool) and i not in warned:
                warned.add(i)
                rep.warning(line, f"{header[i]} cells are numbers ({float(v)!r} read as "
                                  f"{_text(v)!r}); leading zeros are lost, so format the "
                                  "column as text", i)
        return _text(v)

    def formula_errors(line: int) -> None:
        for i, shown in failed.pop(line, ()):
            what = header[i] if i < len(header) and header[i] else "the"
            if i in id_cols:
                rep.error(line, f"{what} cell holds a formula error ({shown}); fix the "
                                "formula or type the value", i)
            else:
                rep.warning(line, f"{what} cell holds a formula error ({shown}), read as "
                                  "empty", i)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for line, values in enumerate(it, start=2):
                if failed and line in failed:
                    formula_errors(line)
                if values.count("") == len(values):
                    continue
                if left:
                    values = pad + values
                if all(map(isinstance, values, _STR)):
                    yield line, values
                else:
                    yield line, [v if type(v) is str else cell(v, line, i)
                                 for i, v in enumerate(values)]
        except BaseException as exc:
            if not _is_panic(exc):
                raise
            raise Refused(Diagnostic(name, line + 1, None, ERROR, "cannot read the row: the "
                                     f"reader failed ({exc})", sheet=title)) from None
        finally:
            wb.close()

    if failed and 1 in failed:
        formula_errors(1)
    return header, rows()


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine: pyo3 raises it as ``PanicException``, a
    BaseException, which would pass every ``except Exception`` up to the worker."""
    return type(exc).__name__ == "PanicException"


def _unpack(raw: bytes, reject: Callable[[str], Refused], deadline: Deadline
            ) -> dict[str, bytes]:
    """The workbook's XML parts, unpacked within ``max_people_bytes`` (pictures and
    other binary parts are skipped).

    zipfile reads no more than each member's declared size and checks its CRC,
    so a member whose header understates it (a zip bomb) fails here.
    """
    if raw.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise reject("the workbook is password-protected (encrypted); save a copy "
                         "without a password")
        raise reject("an old Excel 97-2003 workbook (.xls) named .xlsx; save it as "
                     "'Excel Workbook (.xlsx)'")
    limit = settings.get("max_people_bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            # Pictures, printer settings and macros are never read: not unpacked, not counted.
            everything = z.infolist()
            low = {i.filename.lower() for i in everything}
            infos = [i for i in everything
                     if i.filename.lower().endswith((".xml", ".rels")) or i.flag_bits & 0x1]
            unpacked = sum(i.file_size for i in infos)
            if unpacked > limit:
                raise reject(f"the workbook unpacks to {unpacked:,} bytes, more than the "
                             f"limit of {limit:,} (max_people_bytes)")
            if any(i.flag_bits & 0x1 for i in infos):
                raise reject("the workbook is password-protected (encrypted); save a copy "
                             "without a password")
            parts: dict[str, bytes] = {}
            for info in infos:
                deadline.check()
                if not info.is_dir():
                    with z.open(info) as fh:
                        parts[info.filename] = fh.read()
    except zipfile.BadZipFile as exc:
        if not _looks_like_zip(raw):
            raise reject("not an Excel workbook (.xlsx is a zip file; save the file as "
                         "'Excel Workbook (.xlsx)')") from None
        raise reject(f"the workbook is damaged: {exc}") from None
    except (NotImplementedError, RuntimeError, EOFError, OSError, zlib.error) as exc:
        raise reject(f"the workbook is damaged: {exc}") from None
    if any(m.endswith("workbook.bin") for m in low):
        raise reject("an Excel binary workbook (.xlsb) named .xlsx; save it as "
                     "'Excel Workbook (.xlsx)'")
    if "content.xml" in low or "mimetype" in low:
        raise reject("an OpenDocument spreadsheet (.ods) named .xlsx; save it as "
                     "'Excel Workbook (.xlsx)'")
    if "xl/workbook.xml" not in low:
        raise reject("not an Excel workbook: the zip has no xl/workbook.xml")
    return parts


def _looks_like_zip(raw: bytes) -> bool:
    """Whether ``raw`` looks like a zip at all (a local file header first)."""
    return raw.startswith(b"PK\x03\x04")


def _stored_zip(parts: dict[str, bytes], deadline: Deadline) -> bytes:
    """The checked members as an uncompressed zip: what calamine reads is what we checked."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for member, data in parts.items():
            deadline.check()
            z.writestr(member, data)
    return buf.getvalue()


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Zip member → sheet name, from ``xl/workbook.xml`` and its relationships.

    Only used to name sheets in messages and to find formula errors; the
    extent check covers every XML member whether or not it is named here.
    """
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(parts.get("xl/workbook.xml", b""))
        rels = ET.fromstring(parts.get("xl/_rels/workbook.xml.rels", b""))
    except ET.ParseError:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = path
    out = {}
    for el in book.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get(_NS_R) in targets:
            out[targets[el.get(_NS_R)]] = el.get("name") or ""
    return out


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _check_part(xml: bytes, what: str, *, max_cells: int, reject: Callable[[str], Refused],
                deadline: Deadline, strings: bool) -> None:
    """Refuse a part whose cells span more than ``max_cells`` or leave Excel's grid.

    calamine holds a sheet as one dense grid from its first to its last cell,
    so two far-apart cells would be a memory bomb; and it reserves room for as
    many shared strings as the table claims, so that claim must fit the part
    (``strings``: the part is the shared strings table).
    """
    sst = _SST.search(xml) if strings else None
    if sst is not None:
        for m in _SST_COUNT.finditer(sst.group()):
            if int(m.group(1)) > len(xml) // 4 + 1:
                raise reject(f"the workbook is damaged: {what} claims {int(m.group(1)):,} "
                             f"shared strings in {len(xml):,} bytes")
    rows, cols = _extent(xml, deadline)
    if rows > _LAST_ROW or cols > _LAST_COL:
        raise reject(f"{what} has a cell beyond Excel's last cell XFD1048576 "
                     f"(row {rows:,}, column {cols:,}): the workbook is damaged")
    if rows * cols > max_cells:
        raise reject(f"{what} spans A1:{_col_letters(cols)}{rows}, {rows * cols:,} cells, "
                     f"more than the limit of {max_cells:,} (setting max_sheet_cells)")


def _slices(xml: bytes) -> Iterator[tuple[int, int]]:
    """``xml`` as (start, end) slices of about ``_SLICE`` bytes, each ending after a ``>``.

    A regular expression holds the GIL for its whole run: over 50 MB that is a
    pause of a quarter second for the web's other threads while a big file
    loads. No pattern scanned by slice spans a ``>``.
    """
    a, n = 0, len(xml)
    while a < n:
        b = xml.find(b">", min(a + _SLICE, n) - 1)
        b = n if b < 0 else b + 1
        yield a, b
        a = b


def _extent(xml: bytes, deadline: Deadline) -> tuple[int, int]:
    """At least the last row and column (1-based) calamine places a cell of ``xml`` in."""
    n_cells = n_refs = 0
    odd = False
    letters: set[bytes] = set()
    digits: set[bytes] = set()
    for a, b in _slices(xml):
        n_cells += xml.count(b"<c ", a, b) + xml.count(b"<c>", a, b)
        n_refs += xml.count(b'<c r="', a, b)
        odd = odd or bool(_ODD_CELL.search(xml, a, b) or (
            xml.find(b":c", a, b) >= 0 and _PREFIXED_CELL.search(xml, a, b)))
        if n_cells == n_refs and not odd:
            letters.update(_CELL_COL.findall(xml, a, b))
            digits.update(_CELL_ROW.findall(xml, a, b))
    if n_cells and n_cells == n_refs and not odd:
        # every cell has its own reference: the largest ones are the extent
        return (max(map(int, digits), default=0),
                max(map(_col_number, letters), default=0))
    if not n_cells and not odd:
        return 0, 0
    # calamine's own walk: a row's r sets the row, </row> moves to the next; a cell's
    # r sets its place, else it is one right of the cell before
    row = col = rows = cols = 0
    for m in _TAG.finditer(xml):
        deadline.check()
        closing, tag, attrs, empty = m.groups()
        if closing:
            if tag == b"row":
                row, col = row + 1, 0
            continue
        if empty:
            continue
        r = _R_ATTR.search(attrs)
        ref = _REF.fullmatch(r.group(1) if r.group(1) is not None else r.group(2)) \
            if r else None
        if tag == b"row":
            if ref:
                row = int(ref.group(2)) - 1
            continue
        if ref and ref.group(1):
            at_row, col = int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1
        else:
            at_row = row
        rows, cols = max(rows, at_row + 1), max(cols, col + 1)
        col += 1
    return rows, cols


def _error_cells(xml: bytes) -> dict[int, list[tuple[int, str]]]:
    """Row → [(0-based column, shown error)] of the formula errors (``t="e"``) of a sheet."""
    if b't="e"' not in xml:
        return {}
    out: dict[int, list[tuple[int, str]]] = {}
    for m in _ERROR_CELL.finditer(xml):
        out.setdefault(int(m.group(2)), []).append(
            (_col_number(m.group(1)) - 1, m.group(3).decode("utf-8", "replace")))
    return out


def _text(v: Any) -> str:
    """A cell's value as the text a CSV of it would hold."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


# --- directory JSON ---------------------------------------------------------------------

_JSON_HEADER = ["id", "name", "manager_id", "title", "department", "email"]


def _json_users(raw: bytes, name: str, rep: _Report, key: str, what: str
                ) -> list[tuple[int, Any]]:
    """The objects of the list under ``key`` (or of a top-level list), each with its line."""
    text = _decode(raw, name, rep, None)
    check_nesting(text, name, limits=Limits.from_environment(), yaml_text=False)

    def fail(pos: int, msg: str) -> Refused:
        return Refused(Diagnostic(name, text.count("\n", 0, pos) + 1, None, ERROR, msg))

    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(exc.pos, f"not valid JSON: {exc.msg}") from None
    if isinstance(whole, dict) and isinstance(whole.get(key), list):
        items = whole[key]
        pos = text.find("[", text.find(f'"{key}"'))
    elif isinstance(whole, list):
        items, pos = whole, text.find("[")
    else:
        raise fail(0, f'{what}: expected {{"{key}": [...]}} or a list of users')
    dec = json.JSONDecoder()
    out = []
    i, line, seen = pos + 1, 1 + text.count("\n", 0, pos + 1), pos + 1
    for obj in items:
        while text[i] in " \t\r\n,":
            i += 1
        line += text.count("\n", seen, i)
        seen = i
        out.append((line, obj))
        _, i = dec.raw_decode(text, i)
    return out


def _str(v: Any) -> str:
    return "" if v is None or isinstance(v, dict | list) else str(v)


def _field(obj: dict, key: str, line: int, rep: _Report) -> str:
    v = obj.get(key)
    if isinstance(v, dict | list):
        rep.error(line, f"{key!r} must be text, not a JSON {type(v).__name__}")
        return ""
    return _str(v)


def read_scim(raw: bytes, name: str, manifest: dict, rep: _Report) -> Rows:
    """Users of a SCIM 2.0 ``ListResponse`` (``Resources``) as people rows.

    ``id`` is the SCIM id (what ``manager.value`` refers to); the name is
    ``displayName``, else ``name.formatted``, else given and family name, else
    ``userName``; title, department and the primary email as given.
    """
    users = _json_users(raw, name, rep, "Resources", "a SCIM ListResponse")

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, u in users:
            if not isinstance(u, dict):
                rep.error(line, "each SCIM resource must be a JSON object")
                continue
            ent = u.get(ENTERPRISE) or {}
            if not isinstance(ent, dict):
                rep.error(line, f"{ENTERPRISE!r} must be a JSON object")
                ent = {}
            mgr = ent.get("manager")
            if isinstance(mgr, dict):
                manager = _str(mgr.get("value"))
            elif mgr is None or isinstance(mgr, str):
                manager = mgr or ""  # some servers give the id alone
            else:
                rep.error(line, "manager must be an object with a 'value'")
                manager = ""
            nm = u.get("name") if isinstance(u.get("name"), dict) else {}
            full = (_field(u, "displayName", line, rep) or _str(nm.get("formatted"))
                    or " ".join(x for x in (_str(nm.get("givenName")),
                                            _str(nm.get("familyName"))) if x)
                    or _field(u, "userName", line, rep))
            title = _field(u, "title", line, rep)
            dept = _str(ent.get("department"))
            emails = u.get("emails") if isinstance(u.get("emails"), list) else []
            mails = [e for e in emails if isinstance(e, dict) and e.get("value")]
            primary = next((e for e in mails if e.get("primary")), mails[0] if mails else {})
            yield line, [_field(u, "id", line, rep), full, manager, title, dept,
                         _str(primary.get("value"))]

    return list(_JSON_HEADER), rows()


def read_graph(raw: bytes, name: str, manifest: dict, rep: _Report) -> Rows:
    """Microsoft Graph users (``GET /users?$expand=manager``) as people rows.

    ``id`` is the directory object id; the manager is ``manager.id`` (``null``
    or absent for the top); name ``displayName``, title ``jobTitle``,
    ``department``, email ``mail`` else ``userPrincipalName``.
    """
    users = _json_users(raw, name, rep, "value", "a Microsoft Graph users list")

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, u in users:
            if not isinstance(u, dict):
                rep.error(line, "each user must be a JSON object")
                continue
            mgr = u.get("manager")
            if mgr is not None and not isinstance(mgr, dict):
                rep.error(line, "manager must be an object (use $expand=manager)")
                mgr = None
            yield line, [_field(u, "id", line, rep), _field(u, "displayName", line, rep),
                         _str((mgr or {}).get("id")), _field(u, "jobTitle", line, rep),
                         _field(u, "department", line, rep),
                         _field(u, "mail", line, rep) or _field(u, "userPrincipalName", line, rep)]

    return list(_JSON_HEADER), rows()


#: File-name suffix (lower case) → reader.
READERS: dict[str, Reader] = {
    ".xlsx": read_xlsx,
    ".scim.json": read_scim,
    ".graph.json": read_graph,
}
