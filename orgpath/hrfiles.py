"""HR file kinds as people files: Excel workbooks, SCIM 2.0 and Microsoft Graph JSON.

Each reader turns one kind of file into the ``(header, rows)`` stream that
:func:`orgpath.peoplefile._people` checks, where ``rows`` yields
``(line, [cell text, ...])``, so ids, managers, cycles and every message are
shared with CSV. ``READERS`` maps a file-name suffix to its reader;
:func:`orgpath.peoplefile.read_org` picks one by suffix.

* ``.xlsx``: the first sheet, or the manifest's ``sheet:``; read with openpyxl
  in read-only mode. ``line`` is the sheet row, and diagnostics name the sheet,
  row and column (``agency.xlsx:Ark1:R7:C3: error: ...``).
* ``.scim.json``: a SCIM 2.0 ``ListResponse`` of ``User`` resources (RFC 7643);
  the manager is the enterprise extension's ``manager.value``.
* ``.graph.json``: Microsoft Graph (Entra ID) users, ``{"value": [...]}`` or a
  list, fetched with ``$expand=manager``.

``line`` of a JSON user is the line its object starts on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from orgpath import settings
from orgpath.diagnostics import ERROR, Diagnostic
from orgpath.peoplefile import _ALIASES, _decode, _norm_header, _Report
from orgpath.safeio import Limits, Refused, check_nesting

__all__ = ["READERS", "ENTERPRISE", "read_xlsx", "read_scim", "read_graph"]

Rows = tuple[list[str], Iterator[tuple[int, list[str]]]]
Reader = Callable[[bytes, str, dict, _Report], Rows]

#: The SCIM enterprise user extension's schema URN.
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

#: Columns whose cells are ids: numbers and dates there are suspicious.
_ID_FIELDS = ("id", "manager_id", "dotted_managers")


# --- Excel ------------------------------------------------------------------------------


def read_xlsx(raw: bytes, name: str, manifest: dict, rep: _Report) -> Rows:
    """Rows of a workbook's first sheet (or the manifest's ``sheet``) as text cells.

    Integral numbers lose their ``.0``; in an id column that is warned about
    once per column (leading zeros of a number are already lost), and a date in
    an id column is an error. Other dates become ISO dates.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def reject(message: str) -> Refused:
        return Refused(Diagnostic(name, None, None, ERROR, message))

    buf = io.BytesIO(raw)
    try:
        with zipfile.ZipFile(buf) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise reject("not an Excel workbook (.xlsx is a zip file; save the file as "
                     "'Excel Workbook (.xlsx)')") from None
    limit = settings.get("max_people_bytes")
    if unpacked > limit:
        raise reject(f"the workbook unpacks to {unpacked:,} bytes, more than the limit of "
                     f"{limit:,} (max_people_bytes)")
    try:
        wb = openpyxl.load_workbook(buf, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise reject(f"cannot read the workbook: {exc}") from None
    wanted = manifest.get("sheet")
    if wanted is not None:
        if wanted not in wb.sheetnames:
            raise reject(f"no sheet {wanted!r} in the workbook (it has "
                         f"{', '.join(repr(s) for s in wb.sheetnames)})")
        ws = wb[wanted]
    else:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise reject("the workbook has no worksheets")
    rep.sheet = ws.title
    it = ws.iter_rows(values_only=True)
    header_row = next(it, None)
    if header_row is None:
        wb.close()
        raise Refused(Diagnostic(name, 1, None, ERROR, "the sheet is empty",
                                   sheet=ws.title))
    header = [_text(v) for v in header_row]
    id_cols = {i for i, h in enumerate(header)
               if _ALIASES.get(_norm_header(h)) in _ID_FIELDS}
    warned: set[int] = set()

    def cell(v: Any, line: int, i: int) -> str:
        if i in id_cols:
            if isinstance(v, dt.datetime | dt.date | dt.time):
                rep.error(line, f"{header[i]} cell is a date ({v}); format the column as "
                                "text and type the ids again", i)
                return ""
            if isinstance(v, int | float) and not isinstance(v, bool) and i not in warned:
                warned.add(i)
                rep.warning(line, f"{header[i]} cells are numbers ({float(v)!r} read as "
                                  f"{_text(v)!r}); leading zeros are lost, so format the "
                                  "column as text", i)
        return _text(v)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(it, start=2):
                if all(v is None for v in values):
                    continue
                yield line, [v if type(v) is str else cell(v, line, i)
                             for i, v in enumerate(values)]
        finally:
            wb.close()

    return header, rows()


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
