"""People files (CSV or ``*.people.json``) → :class:`~orgpath.model.Org` plus diagnostics.

A people file has one row per person: ``id``, ``name``, ``manager_id`` (empty
for a root) and optionally ``title``, ``role``, ``department``, ``email``,
``photo_url``, ``assistant``, ``dotted_managers`` (``;``-separated ids) and
``vacant``. Header names other tools export (``parentId``, ``reports_to``,
``Supervisor ID``, ``Employee ID``, ``full name``, ``job title`` ...) are
accepted, ignoring case, spaces, ``_``, ``-`` and ``.``. CSV files may start
with a UTF-8 byte-order mark and use ``,``, ``;`` or tab as delimiter.

Every problem is reported at once as a :class:`~orgpath.diagnostics.Diagnostic`
whose ``line`` is the row's line in the file (the header is line 1). Any error
rejects the whole file. ``<name>.org.yaml`` beside ``<name>.csv`` (or
``<name>.people.json``) is the org's manifest: ``title`` and ``ladder``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "demo.csv").write_text("Person ID;Full Name;Reports To\\n1;Ann;\\n2;Bob;1\\n")
>>> org, diags = read_org(d / "demo.csv")
>>> [(p.id, p.name, p.manager_id) for p in org.people], diags
([('1', 'Ann', None), ('2', 'Bob', '1')], [])
>>> _ = (d / "bad.csv").write_text("id,name,manager_id\\n1,Ann,\\n2,Bob,7\\n")
>>> org, diags = read_org(d / "bad.csv")
>>> org is None, str(diags[0]).endswith("bad.csv:3: error: 'Bob' (2): unknown manager '7'")
(True, True)
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from orgpath.audience import parse_access
from orgpath.bulk import gc_paused
from orgpath.diagnostics import ERROR, WARNING, Diagnostic
from orgpath.model import Org, Person
from orgpath.safeio import (
    Deadline,
    Limits,
    Refused,
    YamlDoc,
    decode,
    parse_json,
    parse_yaml,
    read_bytes,
    read_text,
)
from orgpath.text import did_you_mean

__all__ = [
    "COLUMNS",
    "MAX_SHOWN",
    "load_manifest",
    "manifest_path",
    "org_id_for",
    "read_manifest",
    "read_org",
]

#: Errors (and, separately, warnings) shown before "... and N more".
MAX_SHOWN = 50

#: Canonical column → header names accepted for it (compared after :func:`_norm_header`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "person id", "personid", "employee id", "employeeid", "emp id", "empid",
           "staff id", "staffid", "user id", "userid", "node id", "nodeid", "key", "uid",
           # BambooHR, Personio, HiBob, Workday; Danish HR exports
           "employee #", "employee number", "employee no", "worker id", "personnel number",
           "medarbejdernummer", "medarbejder-id", "medarbejder id", "lønnummer", "medarbejdernr"),
    "name": ("name", "full name", "fullname", "display name", "employee name", "person name",
             "employee", "person", "worker", "legal name", "preferred name",
             "navn", "fulde navn", "fuldt navn", "medarbejder", "medarbejdernavn"),
    "manager_id": ("manager_id", "manager id", "manager", "parent id", "parentid", "parent",
                   "pid", "reports to", "reportsto", "reports to id", "supervisor id",
                   "supervisorid", "supervisor", "boss id", "boss", "line manager",
                   "line manager id", "manager employee id",
                   # an email or a name is resolved to the id (see _resolve_managers)
                   "supervisor email", "manager email", "reports to email", "manager's email",
                   "supervisor name", "manager name", "reports to name", "line manager email",
                   "employee id of manager", "manager employee number", "worker's manager",
                   "leder", "nærmeste leder", "leders medarbejdernummer", "leder id",
                   "leders e-mail", "leders navn"),
    "title": ("title", "job title", "jobtitle", "position", "position title", "designation",
              "business title", "job", "stilling", "stillingsbetegnelse", "titel",
              "jobtitel"),
    "role": ("role", "role id", "ladder role", "job role", "job code", "level", "rolle"),
    "department": ("department", "dept", "department name", "team", "division", "unit",
                   "cost center", "afdeling", "afdelingsnavn"),
    "email": ("email", "e-mail", "email address", "mail", "work email", "work e-mail",
              "e-mailadresse", "arbejdsmail"),
    "photo_url": ("photo_url", "photo", "photo url", "image", "image url", "picture",
                  "avatar", "avatar url", "img", "foto", "billede"),
    "assistant": ("assistant", "is assistant", "isassistant", "assistent"),
    "dotted_managers": ("dotted_managers", "dotted managers", "dotted manager", "dotted line",
                        "dotted lines", "dotted line managers", "dotted line manager",
                        "matrix manager", "matrix managers", "stiplet linje"),
    "vacant": ("vacant", "is vacant", "vacancy", "open position", "open", "ledig",
               "ledig stilling"),
    "photo_consent": ("photo_consent", "photo consent", "consent", "image consent",
                      "fotosamtykke", "samtykke til foto"),
    "opted_out": ("opted_out", "opted out", "opt out", "objected", "hidden", "hide",
                  "fravalgt", "skjult"),
    # Worked-out columns of orgpath's own CSV/XLSX export (orgpath.render.sheets):
    # known, so reading an export back is quiet, and not used.
    "org_level": ("org level", "niveau i organisationen"),
    "manager_name": ("manager's name", "leders fulde navn"),
    "chain_of_command": ("chain of command", "ledelseskæde"),
    "direct_reports": ("direct reports", "direkte medarbejdere"),
    "headcount": ("headcount below", "medarbejdere under i alt"),
}
REQUIRED = ("id", "name", "manager_id")
_BOOLS = {
    **dict.fromkeys(("true", "yes", "y", "1", "x", "ja", "True", "TRUE", "Yes", "YES"), True),
    **dict.fromkeys(("false", "no", "n", "0", "", "nej", "False", "FALSE", "No", "NO"), False),
}
_MANIFEST_KEYS = {"title", "ladder", "description", "id", "encoding", "sheet",
                  "access"}
#: ``encoding:`` values a manifest may give, and the codec each means.
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "cp1252": "cp1252", "windows-1252": "cp1252",
             "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1"}


def _hr_reader(filename: str):
    """The reader of an HR file kind (``.xlsx``, ``.scim.json``, ``.graph.json``), or None."""
    from orgpath import hrfiles

    low = filename.lower()
    return next((read for suffix, read in hrfiles.READERS.items() if low.endswith(suffix)), None)


def _norm_header(text: str) -> str:
    out = str(text).strip().lstrip("\ufeff").casefold()
    for ch in " _-.":
        out = out.replace(ch, "")
    return out


_ALIASES: dict[str, str] = {
    _norm_header(alias): canon for canon, aliases in COLUMNS.items() for alias in aliases
}


# --- manifest ---------------------------------------------------------------------------


def org_id_for(path: Path) -> str:
    """The org id of a people file: its name without ``.csv``/``.people.json``.

    >>> org_id_for(Path("graphs/agency.csv")), org_id_for(Path("x/big.people.json"))
    ('agency', 'big')
    """
    name = Path(path).name
    for suffix in (".people.json", ".scim.json", ".graph.json", ".csv", ".xlsx", ".json"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return Path(path).stem


def manifest_path(path: Path) -> Path:
    """Where the manifest of the people file ``path`` lives (it may not exist).

    >>> manifest_path(Path("graphs/agency.csv")).as_posix()
    'graphs/agency.org.yaml'
    """
    path = Path(path)
    return path.with_name(org_id_for(path) + ".org.yaml")


def read_manifest(path: Path, *,
                  limits: Limits | None = None) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Read an ``*.org.yaml`` manifest: ``({"title": ..., "ladder": ...}, diagnostics)``.

    Never raises on bad input; a broken manifest gives ``{}`` and an error.
    ``limits`` (default: from the settings) bound its size
    (``max_manifest_bytes``), nesting, YAML aliases and load time.
    """
    limits = limits or Limits.from_environment()
    name = str(path)
    doc = YamlDoc(name, root="manifest")
    try:
        text = read_text(path, max_bytes=limits.max_manifest_bytes, setting="max_manifest_bytes")
        data = parse_yaml(text, doc, limits=limits, what="manifest", allow_empty=True)
    except Refused as refused:
        return {}, [refused.diagnostic]
    except Exception as exc:  # noqa: BLE001  (the last guard: a reader never raises)
        return {}, [_internal(name, exc)]
    if doc.diagnostics:
        return {}, doc.diagnostics
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic(name, 1, None, ERROR,
                               "a manifest must be a mapping (title: ..., ladder: ...)")]
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _MANIFEST_KEYS:
            doc.warning((key, "<key>"), f"unknown manifest key {key!r} ignored"
                        + did_you_mean(str(key), sorted(_MANIFEST_KEYS)))
        elif key == "access":
            try:
                out[key] = parse_access(value, "org")
            except ValueError as exc:
                doc.error((key,), str(exc))
        elif value is not None and not isinstance(value, str):
            doc.error((key,), f"{key!r} must be text")
        elif key == "encoding" and value is not None and value.lower() not in ENCODINGS:
            doc.error((key,), f"encoding {value!r} is not one of "
                              f"{', '.join(sorted(set(ENCODINGS.values())))}")
        elif value is not None:
            out[key] = value
    return out, doc.diagnostics


def _internal(name: str, exc: Exception) -> Diagnostic:
    return Diagnostic(name, None, None, ERROR, "the file could not be read "
                      f"({type(exc).__name__}: {str(exc)[:200]}); please report this")


def load_manifest(path: Path, *, limits: Limits | None = None) -> dict[str, Any]:
    """The manifest's fields (``title``, ``ladder``), or ``{}`` when missing or broken.

    >>> load_manifest(Path("/nonexistent.org.yaml"))
    {}
    """
    return read_manifest(path, limits=limits)[0]


# --- reading rows -----------------------------------------------------------------------


def _sniff(header_line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of , ; tab outside quotes."""
    # quoted parts dropped first: counting in C stays fast on a header of megabytes
    outside = "".join(header_line.split('"')[::2])
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def _lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them, read from a
    StringIO of about ``chunk`` characters at a time, cut after a ``\n``.

    A StringIO holds its text as 4 bytes a character: over a whole 116 MB file
    (1,000,000 people) that was 464 MB more at the peak of a load.
    """
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start + chunk)
        end = n if end < 0 else end + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


def _csv_rows(text: str, name: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    reader = csv.reader(_lines(text), delimiter=_sniff(first), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise Refused(Diagnostic(name, 1, None, ERROR, "the file is empty")) from None
    except csv.Error as exc:
        raise Refused(Diagnostic(name, 1, None, ERROR,
                                   f"cannot read the header: {exc}")) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise Refused(Diagnostic(name, reader.line_num, None, ERROR,
                                           f"malformed CSV: {exc}")) from None
            start, last = last + 1, reader.line_num
            if row and any(row):
                yield start, row

    return header, rows()


def _json_rows(text: str, name: str, rep: _Report,
               limits: Limits) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Objects of a JSON people file as (line, values) in the order of a common header.

    Duplicate keys (a second ``"people"``, an ``"id"`` given twice) are errors in ``rep``.
    """
    whole, duplicates = parse_json(text, name, limits=limits)
    for d in duplicates:
        rep.error(d.line, d.message)
    shape = 'a JSON people file is a list of people or {"people": [...]}'
    if isinstance(whole, dict):
        items = whole.get("people")
        if not isinstance(items, list):
            raise Refused(Diagnostic(name, 1, None, ERROR, shape))
    elif isinstance(whole, list):
        items = whole
    else:
        raise Refused(Diagnostic(name, 1, None, ERROR, shape))
    lines = _object_lines(text, items, is_list=isinstance(whole, list))
    # Each object may spell its keys its own way: map every key to its column
    # name first (an unknown key stays as it is and is warned about once).
    header: list[str] = []
    known: dict[str, int] = {}
    column: dict[str, str] = {}
    for obj in items:
        if isinstance(obj, dict):
            for k in obj:
                if k not in column:
                    column[k] = _ALIASES.get(_norm_header(str(k)), str(k))
                c = column[k]
                if c not in known:
                    known[c] = len(header)
                    header.append(c)

    def value(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return ";".join(value(x) for x in v)
        return str(v)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for ln, obj in zip(lines, items, strict=True):
            if not isinstance(obj, dict):
                raise Refused(Diagnostic(name, ln, None, ERROR,
                                           "each person must be a JSON object"))
            row = [""] * len(header)
            for k, v in obj.items():
                i = known[column[k]]
                if not row[i]:  # the first spelling given wins
                    row[i] = value(v)
            yield ln, row

    return header, rows()


_PEOPLE_KEY = re.compile(r'(?<!\\)"people"\s*:\s*\[')


def _object_lines(text: str, items: list, *, is_list: bool) -> list[int | None]:
    """The line each item of the people list starts on (None for each when unsure).

    Decodes the items once more from where the list starts (at C speed) and
    checks each against the parsed one, so text that is not laid out as
    expected (a second "people" key, escaped text) never gives wrong lines.
    """
    unknown: list[int | None] = [None] * len(items)
    if is_list:
        i = text.find("[") + 1
    else:
        m = _PEOPLE_KEY.search(text)
        if m is None:
            return unknown
        i = m.end()
    dec = json.JSONDecoder()
    lines: list[int | None] = []
    line, seen = 1 + text.count("\n", 0, i), i
    try:
        for item in items:
            while text[i] in " \t\r\n,":
                i += 1
            line += text.count("\n", seen, i)
            seen = i
            obj, i = dec.raw_decode(text, i)
            if obj != item:
                return unknown
            lines.append(line)
    except (IndexError, ValueError, RecursionError):
        return unknown
    return lines


def _decode(raw: bytes, name: str, rep: _Report | None = None,
            encoding: str | None = None) -> str:
    """A people file's text: UTF-8 (:func:`orgpath.safeio.decode`), the manifest's
    ``encoding``, or Windows-1252 with a warning saying how to silence it."""
    codec = ENCODINGS.get(encoding.lower(), "utf-8") if encoding else "utf-8"
    if codec != "utf-8":
        try:
            return raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise Refused(Diagnostic(
                name, raw[: exc.start].count(b"\n") + 1, None, ERROR,
                f"the file is not {encoding} text (invalid byte 0x{raw[exc.start]:02x} at byte "
                f"offset {exc.start}); fix the manifest's encoding")) from None
    try:
        return decode(raw, name)
    except Refused as refused:
        if rep is None or encoding is not None:
            raise
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise refused from None
        bad = refused.diagnostic.message.split("(", 1)[-1].split(")", 1)[0].replace("invalid ", "")
        rep.warning(refused.diagnostic.line,
                    f"the file is not UTF-8 ({bad}); read it as Windows-1252 (cp1252). To "
                    f"silence this, add 'encoding: cp1252' to "
                    f"{manifest_path(Path(name)).name} or save the file as UTF-8")
        return text


# --- the org ---

_PERSON_FIELDS = ("id", "name", "manager_id", "title", "role", "department", "email",
                  "photo_url", "assistant", "dotted_managers", "vacant", "row",
                  "photo_consent", "opted_out")


def _person_factory() -> Callable[..., Person]:
    """A fast ``Person(*values)`` for bulk loading (values in :data:`_PERSON_FIELDS` order).

    A frozen dataclass sets each field through ``object.__setattr__``, a third of
    the time of reading 100,000 rows. When ``Person`` is the slotted frozen
    dataclass this module knows (same fields, no ``__post_init__``), set its slots
    through their descriptors instead; otherwise use the constructor.
    """
    plain = (
        tuple(f.name for f in dataclasses.fields(Person)) == _PERSON_FIELDS
        and not hasattr(Person, "__post_init__")
        and getattr(Person, "__slots__", None) == _PERSON_FIELDS
    )
    if not plain:
        return Person
    new = object.__new__
    setters = tuple(Person.__dict__[f].__set__ for f in _PERSON_FIELDS)

    def make(*values: Any) -> Person:
        p = new(Person)
        for put, v in zip(setters, values, strict=True):
            put(p, v)
        return p

    return make


_new_person = _person_factory()


# --- reading people ------------------------------------------------------------------


class _Report:
    """Collects diagnostics, keeping the first MAX_SHOWN of each severity."""

    def __init__(self, name: str):
        self.name = name
        self.sheet: str | None = None  # set by a workbook reader: then fields get columns
        self.columns: dict[str, int] = {}  # canonical field → 0-based column
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.more_errors = 0
        self.more_warnings = 0

    def _diag(self, line: int | None, severity: str, message: str, field: str | int | None
              ) -> Diagnostic:
        if self.sheet is None:
            return Diagnostic(self.name, line, None, severity, message)
        col = field if isinstance(field, int) or field is None else self.columns.get(field)
        return Diagnostic(self.name, line, None if col is None else col + 1, severity, message,
                          sheet=self.sheet)

    def error(self, line: int | None, message: str, field: str | int | None = None) -> None:
        """Record an error; ``field`` (a column name or 0-based index) places it in a sheet."""
        if len(self.errors) < MAX_SHOWN:
            self.errors.append(self._diag(line, ERROR, message, field))
        else:
            self.more_errors += 1

    def warning(self, line: int | None, message: str, field: str | int | None = None) -> None:
        if len(self.warnings) < MAX_SHOWN:
            self.warnings.append(self._diag(line, WARNING, message, field))
        else:
            self.more_warnings += 1

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_SHOWN

    def result(self) -> list[Diagnostic]:
        out = sorted(self.errors, key=lambda d: d.line or 0)
        if self.more_errors:
            out.append(Diagnostic(self.name, None, None, ERROR,
                                  f"... and {self.more_errors:,} more errors"))
        out += sorted(self.warnings, key=lambda d: d.line or 0)
        if self.more_warnings:
            out.append(Diagnostic(self.name, None, None, WARNING,
                                  f"... and {self.more_warnings:,} more warnings"))
        return out


def _who(pid: str, name: str) -> str:
    return f"{name!r} ({pid})" if name else f"({pid})"


def _suggest(word: str, known: Iterable[str]) -> str:
    return did_you_mean(word, known, n=3, style="; did you mean {}?")


def _role_resolver(ladder_graph: nx.MultiDiGraph):
    """A function: role text → ladder role id (or None), with close matches for warnings."""
    from orgpath import queries

    cache: dict[str, str | None] = {}

    def resolve(text: str) -> str | None:
        if text not in cache:
            try:
                cache[text] = queries.find_role(ladder_graph, text)
            except LookupError:
                cache[text] = None
        return cache[text]

    def suggest(text: str) -> list[str]:
        try:
            queries.find_role(ladder_graph, text)
        except queries.RoleNotFound as exc:
            return list(getattr(exc, "suggestions", None) or [])
        return []

    return resolve, suggest


def read_org(
    path: Path, ladder_graph: nx.MultiDiGraph | None = None, *, limits: Limits | None = None
) -> tuple[Org | None, list[Diagnostic]]:
    """Read and check a people file (CSV or ``*.people.json``). Never raises on bad input.

    Returns the :class:`~orgpath.model.Org` (``None`` when the file has errors)
    and every diagnostic (errors first, by row). With ``ladder_graph``, each
    person's ``role`` (an id, a title in any language or an alias, ignoring case
    and accents) is resolved to the ladder's role id; unknown roles are warnings.
    The manifest beside the file gives the org's ``title`` and ``ladder``.
    ``limits`` (default: from the settings) bound the file's size
    (``max_people_bytes``), its people (``max_org_people``), JSON nesting and the
    load time; special files (FIFOs, devices, folders) are refused unread.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "loop.csv"
    >>> _ = p.write_text("id,name,manager_id\\na,Ann,b\\nb,Bob,a\\n")
    >>> org, diags = read_org(p)
    >>> print(diags[0].message)
    reporting cycle: 'Ann' (a) → 'Bob' (b) → 'Ann' (a) (rows 2, 3)
    """
    path = Path(path)
    name = str(path)
    limits = limits or Limits.from_environment()
    rep = _Report(name)
    manifest: dict[str, Any] = {}
    mpath = manifest_path(path)
    if mpath.exists():
        manifest, mdiags = read_manifest(mpath, limits=limits)
        for d in mdiags:
            (rep.errors if d.severity == ERROR else rep.warnings).append(d)
    try:
        raw = read_bytes(path, max_bytes=limits.max_people_bytes, setting="max_people_bytes")
        hr_reader = _hr_reader(path.name)
        if hr_reader is not None:
            header, rows = hr_reader(raw, name, manifest, rep)
        else:
            text = _decode(raw, name, rep, manifest.get("encoding"))
            del raw
            if path.name.lower().endswith(".json"):
                header, rows = _json_rows(text, name, rep, limits)
            else:
                header, rows = _csv_rows(text, name)
        with gc_paused():
            people = _people(header, rows, rep, ladder_graph, limits=limits,
                             deadline=Deadline(limits.load_timeout, name))
    except Refused as exc:
        return None, [exc.diagnostic, *rep.result()]
    except Exception as exc:  # noqa: BLE001  (the last guard: a reader never raises)
        return None, [_internal(name, exc), *rep.result()]
    if people is None or rep.errors:
        return None, rep.result()
    org = Org(
        id=org_id_for(path),
        title=manifest.get("title") or org_id_for(path),
        people=tuple(people),
        ladder=manifest.get("ladder") or (ladder_graph.graph.get("id") if ladder_graph else None),
        path=name,
        access=manifest.get("access"),
    )
    return org, rep.result()


def _people(
    header: list[str],
    rows: Iterator[tuple[int, list[str]]],
    rep: _Report,
    ladder_graph: nx.MultiDiGraph | None,
    *,
    limits: Limits,
    deadline: Deadline,
) -> list[Person] | None:
    # header → column index of each canonical field
    col: dict[str, int] = {}
    for i, h in enumerate(header):
        canon = _ALIASES.get(_norm_header(h))
        if canon is None:
            if h.strip():
                rep.warning(1, f"unknown column {h.strip()!r} ignored")
        elif canon in col:
            rep.warning(1, f"column {h.strip()!r} ignored: {header[col[canon]].strip()!r} "
                           f"already gives {canon}")
        else:
            col[canon] = i
    rep.columns = col
    missing = [c for c in REQUIRED if c not in col]
    if missing:
        for c in missing:
            names = ", ".join(COLUMNS[c][:6])
            rep.error(1, f"missing required column '{c}' (accepted names include {names})")
        return None
    ncols = len(header)
    width = ncols + 1  # one always-empty column stands in for absent optional ones
    pad = [""] * width
    i_id, i_name, i_mgr = col["id"], col["name"], col["manager_id"]
    i_title, i_role, i_dept, i_email, i_photo, i_asst, i_dotted, i_vacant = (
        col.get(c, ncols) for c in ("title", "role", "department", "email", "photo_url",
                                    "assistant", "dotted_managers", "vacant"))
    i_consent, i_out = col.get("photo_consent", ncols), col.get("opted_out", ncols)

    resolve = suggest = None
    if ladder_graph is not None:
        resolve, suggest = _role_resolver(ladder_graph)

    bools = _BOOLS

    def flag(value: str, line: int, field: str) -> bool:
        """A true/false cell: the exact spelling first (the common case), then folded."""
        found = bools.get(value)
        if found is None:
            found = bools.get(value.strip().casefold())
            if found is None:
                rep.error(line, f"{field} must be true/false/yes/no/1/0, not {value.strip()!r}",
                          field)
                return False
        return found

    people: list[Person] = []
    append = people.append
    first_row: dict[str, int] = {}
    new_person = _new_person
    share = {}.setdefault  # one string object per repeated value; dropped after the load
    most = limits.max_org_people
    for count, (line, row) in enumerate(rows):
        deadline.check()
        if count == most:
            rep.error(line, f"more than {most:,} people: the limit is the setting "
                            "max_org_people")
            return None
        n = len(row)
        if n == ncols:
            row.append("")
        else:
            if n > ncols and any(v.strip() for v in row[ncols:]):
                rep.error(line, f"row has {n} fields but the header has {ncols}")
                continue
            row = (row + pad)[:width]
        pid = row[i_id].strip()
        pname = row[i_name].strip()
        vacant = flag(row[i_vacant], line, "vacant")
        if not pid:
            rep.error(line, f"{pname!r}: missing id" if pname else "missing id", "id")
            continue
        if pid in first_row:
            rep.error(line, f"duplicate id '{pid}' (rows {first_row[pid]} and {line})", "id")
            continue
        pid = share(pid, pid)
        first_row[pid] = line
        if not pname:
            if vacant:
                pname = "Vacant"
            else:
                rep.error(line, f"({pid}): missing name", "name")
        assistant = flag(row[i_asst], line, "assistant")
        role = row[i_role].strip() or None
        if role is not None and resolve is not None:
            rid = resolve(role)
            if rid is None:
                hint = suggest(role)
                rep.warning(line, f"{_who(pid, pname)}: unknown role {role!r}"
                            + (f"; did you mean {', '.join(hint)}?" if hint else ""), "role")
            role = rid
        v = row[i_dotted]
        dotted: tuple[str, ...] = ()
        if v:
            dotted = tuple(dict.fromkeys(
                share(d, d) for d in (x.strip() for x in v.replace(",", ";").split(";")) if d))
        # Titles, departments, roles and manager ids repeat: keep one string of each
        # (a manager id becomes the manager's own id string).
        append(new_person(
            pid, pname, share(mgr, mgr) if (mgr := row[i_mgr].strip()) else None,
            share(t, t) if (t := row[i_title].strip()) else None,
            None if role is None else share(role, role),
            share(dep, dep) if (dep := row[i_dept].strip()) else None,
            row[i_email].strip() or None, row[i_photo].strip() or None, assistant,
            dotted, vacant, line,
            flag(row[i_consent], line, "photo_consent") if row[i_consent].strip() else None,
            flag(row[i_out], line, "opted_out"),
        ))
    if not people and not rep.errors:
        rep.error(2, "the file has a header but no people")
        return None
    _resolve_managers(people, first_row, rep)
    _check_links(people, first_row, rep)
    return people


def _resolve_managers(people: list[Person], rows: dict[str, int], rep: _Report) -> None:
    """Managers given by email or by name (not an id) become ids, in place.

    A value that is an id stays. Otherwise one person with that email (ignoring
    case), else one person with that name (also written "Last, First"), is the
    manager; several are an error that names them; none is left for
    :func:`_check_links` to report.
    """
    unresolved = [p for p in people if p.manager_id is not None and p.manager_id not in rows]
    if not unresolved:
        return
    by_email: dict[str, list[Person]] = {}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        if p.email:
            by_email.setdefault(p.email.casefold(), []).append(p)
        by_name.setdefault(" ".join(p.name.split()).casefold(), []).append(p)
    for p in unresolved:
        key = " ".join(p.manager_id.split()).casefold()
        found = by_email.get(key) or by_name.get(key) or []
        if not found and key.count(",") == 1:  # "Lee, Ann" as HR systems list names
            last, first = (part.strip() for part in key.split(","))
            found = by_name.get(f"{first} {last}") or []
        if len(found) == 1:
            object.__setattr__(p, "manager_id", found[0].id)  # frozen, but not yet shared
        elif len(found) > 1:
            who = ", ".join(f"{_who(c.id, c.name)} row {c.row}" for c in found[:10])
            rep.error(p.row, f"{_who(p.id, p.name)}: manager {p.manager_id!r} could be any of "
                             f"{who}; give the manager's id", "manager_id")
            object.__setattr__(p, "manager_id", None)  # reported; keep it out of later checks


def _check_links(people: list[Person], rows: dict[str, int], rep: _Report) -> None:
    """Managers exist, nobody manages themselves, no cycles; dotted lines make sense."""
    names = {p.id: p.name for p in people}
    parent: dict[str, str] = {}
    for p in people:
        m = p.manager_id
        if m is None:
            pass
        elif m == p.id:
            rep.error(p.row, f"{_who(p.id, p.name)} is their own manager", "manager_id")
        elif m not in names:
            hint = "" if rep.full else _suggest(m, names)
            rep.error(p.row, f"{_who(p.id, p.name)}: unknown manager {m!r}{hint}", "manager_id")
        else:
            parent[p.id] = m
        for d in p.dotted_managers:
            if d == m:
                rep.warning(p.row, f"{_who(p.id, p.name)}: dotted-line manager {d!r} is also "
                                   "the direct manager")
            elif d == p.id:
                rep.warning(p.row, f"{_who(p.id, p.name)}: is their own dotted-line manager")
            elif d not in names:
                hint = "" if len(rep.warnings) >= MAX_SHOWN else _suggest(d, names)
                rep.warning(p.row, f"{_who(p.id, p.name)}: unknown dotted-line manager "
                                   f"{d!r} ignored{hint}")
        if p.assistant and m is None:
            rep.warning(p.row, f"{_who(p.id, p.name)} is an assistant but has no manager")
    # Cycles: every person has at most one manager, so walk up from each person,
    # colouring the path; meeting the current path again closes a cycle. Linear.
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in parent:
        if start in state:
            continue
        walk = []
        v: str | None = start
        while v is not None and v not in state:
            state[v] = 1
            walk.append(v)
            v = parent.get(v)
        if v is not None and state[v] == 1:
            cycle = walk[walk.index(v):]
            first = min(range(len(cycle)), key=lambda k: rows[cycle[k]])
            cycle = cycle[first:] + cycle[:first]
            # walk goes report → manager; name them in that order
            chain = " → ".join(_who(c, names[c]) for c in [*cycle, cycle[0]])
            where = ", ".join(str(rows[c]) for c in sorted(cycle, key=rows.__getitem__))
            rep.error(rows[cycle[0]], f"reporting cycle: {chain} (rows {where})", "manager_id")
        for w in walk:
            state[w] = 2
