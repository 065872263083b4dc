"""HR files in: Excel workbooks, legacy encodings, HR column names, SCIM and Graph JSON.

Every input file is made here (openpyxl, json, encode) and read through
``peoplefile.read_org``, the one public entry point.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from orgpath.cli.people import people
from orgpath.diagnostics import ERROR, WARNING
from orgpath.hrfiles import ENTERPRISE
from orgpath.peoplefile import read_org


def xlsx(path: Path, rows: list[list], sheet: str = "Ark1", extra: dict | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for name, more in (extra or {}).items():
        other = wb.create_sheet(name)
        for r in more:
            other.append(r)
    wb.save(path)
    return path


def strs(diags, severity=None) -> list[str]:
    return [str(d) for d in diags if severity is None or d.severity == severity]


DANISH = ["Medarbejdernummer", "Fulde navn", "Nærmeste leder", "Stillingsbetegnelse",
          "Afdeling", "E-mail"]


# --- Excel ------------------------------------------------------------------------------


def test_xlsx_with_danish_headers_loads(tmp_path):
    p = xlsx(tmp_path / "firma.xlsx", [
        DANISH,
        ["00123", "Søren Kierkegaard", None, "Direktør", "Ledelse", "sk@firma.dk"],
        ["00124", "Karen Blixen", "00123", "Økonomichef", "Økonomi", "kb@firma.dk"],
    ])
    org, diags = read_org(p)
    assert diags == []
    assert [(x.id, x.name, x.manager_id, x.title, x.department, x.email)
            for x in org.people] == [
        ("00123", "Søren Kierkegaard", None, "Direktør", "Ledelse", "sk@firma.dk"),
        ("00124", "Karen Blixen", "00123", "Økonomichef", "Økonomi", "kb@firma.dk"),
    ]
    assert org.id == "firma"


def test_xlsx_numeric_id_becomes_text_with_a_warning_naming_the_cell(tmp_path):
    p = xlsx(tmp_path / "agency.xlsx", [
        ["Employee #", "Name", "Reports To"],
        ["00123", "Ann", None],   # a text cell: leading zeros kept
        [124.0, "Bob", "00123"],  # a number cell
        [125, "Cy", 124.0],
    ])
    org, diags = read_org(p)
    assert [x.id for x in org.people] == ["00123", "124", "125"]
    assert org.people[2].manager_id == "124"
    assert strs(diags) == [
        f"{p}:Ark1:R3:C1: warning: Employee # cells are numbers (124.0 read as '124'); "
        "leading zeros are lost, so format the column as text",
        f"{p}:Ark1:R4:C3: warning: Reports To cells are numbers (124.0 read as '124'); "
        "leading zeros are lost, so format the column as text",
    ]


def test_xlsx_errors_name_sheet_row_and_column(tmp_path):
    rows = [["id", "Navn", "Leder"], ["1", "Ann", None]]
    rows += [[str(i), f"P{i}", "1"] for i in range(2, 6)]
    rows.append(["7", "Eve", "nobody"])  # sheet row 7, manager in column 3
    p = xlsx(tmp_path / "agency.xlsx", rows)
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R7:C3: error: 'Eve' (7): unknown manager 'nobody'"]
    assert diags[0].as_dict()["sheet"] == "Ark1"


def test_xlsx_duplicate_id_and_missing_name_point_at_their_columns(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["Navn", "id", "Leder"], ["Ann", "1", None],
                                   ["Bob", "1", "1"], [None, "3", "1"]])
    _, diags = read_org(p)
    assert strs(diags, ERROR) == [
        f"{p}:Ark1:R3:C2: error: duplicate id '1' (rows 2 and 3)",
        f"{p}:Ark1:R4:C1: error: (3): missing name",
    ]


def test_xlsx_date_in_id_column_is_an_error(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None],
                                   [dt.datetime(2024, 1, 5), "Bob", "1"]])
    org, diags = read_org(p)
    assert org is None
    assert strs(diags, ERROR)[0] == (
        f"{p}:Ark1:R3:C1: error: id cell is a date (2024-01-05 00:00:00); format the column "
        "as text and type the ids again")


def test_xlsx_dates_elsewhere_become_iso_text(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager", "department"],
                                   ["1", "Ann", None, dt.datetime(2024, 1, 5)]])
    org, _ = read_org(p)
    assert org.people[0].department == "2024-01-05"


def test_xlsx_manifest_names_the_sheet(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["notes"], ["not people"]],
             extra={"Medarbejdere": [["id", "navn", "leder"], ["1", "Ann", None]]})
    (tmp_path / "x.org.yaml").write_text("sheet: Medarbejdere\n")
    org, diags = read_org(p)
    assert diags == []
    assert [x.name for x in org.people] == ["Ann"]


def test_xlsx_unknown_sheet_names_the_sheets_there(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"]])
    (tmp_path / "x.org.yaml").write_text("sheet: Staff\n")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: no sheet 'Staff' in the workbook (it has 'Ark1')"]


def test_not_a_workbook_is_a_clean_error(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("id,name,manager\n1,Ann,\n")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: not an Excel workbook (.xlsx is a zip file; save the "
                           "file as 'Excel Workbook (.xlsx)')"]


def test_workbook_unpacking_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    monkeypatch.setenv("ORGPATH_MAX_PEOPLE_BYTES", "2000")
    org, diags = read_org(p)
    assert org is None
    assert "larger than 2,000 bytes, the limit (setting max_people_bytes" in strs(diags)[0]


def test_pictures_in_a_workbook_are_neither_unpacked_nor_counted(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {"xl/media/image1.png": lambda _: bytes(3_000_000)})  # 3 MB unpacked, tiny zipped
    monkeypatch.setenv("ORGPATH_MAX_PEOPLE_BYTES", "1000000")
    org, diags = read_org(p)
    assert strs(diags) == []
    assert [q.name for q in org.people] == ["Ann"]


def test_an_xml_part_unpacking_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {"xl/extra.xml": lambda _: b" " * 3_000_000})
    monkeypatch.setenv("ORGPATH_MAX_PEOPLE_BYTES", "1000000")
    org, diags = read_org(p)
    assert org is None
    assert "unpacks to" in strs(diags)[0]
    assert "(max_people_bytes)" in strs(diags)[0]


def test_cli_validate_reads_a_workbook(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [DANISH, ["1", "Ann", None, "CEO", "Ledelse", "a@x.dk"]])
    r = CliRunner().invoke(people, ["validate", str(p)])
    assert r.exit_code == 0
    assert r.stdout.strip() == f"{p}: ok, 1 people"


def rezip(path: Path, change: dict) -> Path:
    """Rewrite members of the zip at ``path``: member name → function of its bytes."""
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members:
            z.writestr(member, change.get(member, lambda b: b)(data))
        for member in change.keys() - {m for m, _ in members}:  # new members
            z.writestr(member, change[member](b""))
    return path


SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def raw_sheet(path: Path, sheet_data: str, shared: str | None = None) -> Path:
    """A one-sheet workbook ('Ark1') whose <sheetData> (and <sst>) are written by hand."""
    xlsx(path, [["placeholder"]])
    change = {SHEET: lambda _: (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>").encode()}
    if shared is not None:
        change["xl/sharedStrings.xml"] = lambda _: (
            f'<?xml version="1.0" encoding="UTF-8"?>{shared}').encode()
    return rezip(path, change)


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def test_xlsx_formulas_give_their_cached_values(tmp_path):
    p = xlsx(tmp_path / "f.xlsx", [["id", "name", "manager", "department"],
                                   ["1", "Ann", None, "Board"],
                                   ["2", "=B2&\" Lee\"", "=A2", "=D2"]])
    # openpyxl writes no results; Excel saves each formula with its last value
    rezip(p, {SHEET: lambda b: b
              .replace(b'<c r="B3"><f>B2&amp;" Lee"</f><v></v></c>',
                       b'<c r="B3" t="str"><f>B2&amp;" Lee"</f><v>Ann Lee</v></c>')
              .replace(b'<c r="C3"><f>A2</f><v></v></c>',
                       b'<c r="C3" t="str"><f>A2</f><v>1</v></c>')
              .replace(b'<c r="D3"><f>D2</f><v></v></c>',
                       b'<c r="D3" t="str"><f>D2</f><v>Board</v></c>')})
    org, diags = read_org(p)
    assert diags == []
    assert [(x.id, x.name, x.manager_id, x.department) for x in org.people] == [
        ("1", "Ann", None, "Board"), ("2", "Ann Lee", "1", "Board")]


def test_xlsx_formula_errors_are_named_by_cell(tmp_path):
    p = xlsx(tmp_path / "f.xlsx", [["id", "name", "manager", "department"],
                                   ["1", "Ann", None, "=1/0"],
                                   ["2", "Bob", "=NA()", "Sales"]])
    rezip(p, {SHEET: lambda b: b
              .replace(b'<c r="D2"><f>1/0</f><v></v></c>',
                       b'<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
              .replace(b'<c r="C3"><f>NA()</f><v></v></c>',
                       b'<c r="C3" t="e"><f>NA()</f><v>#N/A</v></c>')})
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [
        f"{p}:Ark1:R3:C3: error: manager cell holds a formula error (#N/A); fix the formula "
        "or type the value",
        f"{p}:Ark1:R2:C4: warning: department cell holds a formula error (#DIV/0!), read as "
        "empty",
    ]


def test_xlsx_row_of_only_a_formula_error_is_not_skipped_silently(tmp_path):
    p = xlsx(tmp_path / "f.xlsx", [["id", "name", "manager"], ["1", "Ann", None],
                                   ["=1/0", None, None]])
    rezip(p, {SHEET: lambda b: b.replace(b'<c r="A3"><f>1/0</f><v></v></c>',
                                         b'<c r="A3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')})
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R3:C1: error: id cell holds a formula error (#DIV/0!); "
                           "fix the formula or type the value"]


def test_xlsx_header_only_has_no_people(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"]])
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R2: error: the file has a header but no people"]


def test_xlsx_empty_workbook(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [])
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R1: error: the sheet is empty"]


def test_xlsx_empty_first_row_is_named(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [[], [], ["id", "name", "manager"], ["1", "Ann", None]])
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R1: error: row 1, the header, is empty (the sheet's "
                           "cells start at row 3); put the column names in row 1"]


def test_xlsx_starting_in_column_b_keeps_the_sheets_column_numbers(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [[None, "id", "name", "manager"], [None, "1", "Ann", None],
                                   [None, "2", "Bob", "9"]])
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:Ark1:R3:C4: error: 'Bob' (2): unknown manager '9'"]


def test_xlsx_cells_without_references_are_placed_in_order(tmp_path):
    # some writers leave out r="A1": a cell is then one right of the one before
    p = raw_sheet(tmp_path / "x.xlsx",
                  "<row>" + inline("id") + inline("name") + inline("manager") + "</row>"
                  "<row>" + inline("1") + inline("Ann") + "</row>"
                  '<row r="5">' + inline("2") + inline("Bob") + inline("1") + "</row>")
    org, diags = read_org(p)
    assert diags == []
    assert [(x.id, x.name, x.manager_id, x.row) for x in org.people] == [
        ("1", "Ann", None, 2), ("2", "Bob", "1", 5)]


def test_xlsx_two_far_apart_cells_are_refused_before_reading(tmp_path):
    # a grid from A1 to XFD1048576 would need 17 billion cells in memory
    p = xlsx(tmp_path / "bomb.xlsx", [["id", "name", "manager"]])
    wb = openpyxl.load_workbook(p)
    wb.active["XFD1048576"] = 1
    wb.save(p)
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: sheet 'Ark1' spans A1:XFD1048576, 17,179,869,184 "
                           "cells, more than the limit of 10,000,000 (setting max_sheet_cells)"]


def test_xlsx_far_apart_cells_without_references_are_refused_too(tmp_path):
    p = raw_sheet(tmp_path / "bomb.xlsx",
                  "<row>" + inline("id") + "</row>"
                  '<row r="1000000">' + "<c><v>1</v></c>" * 20 + "</row>")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: sheet 'Ark1' spans A1:T1000000, 20,000,000 cells, "
                           "more than the limit of 10,000,000 (setting max_sheet_cells)"]


def test_xlsx_cell_beyond_excels_grid_is_refused(tmp_path):
    p = raw_sheet(tmp_path / "bomb.xlsx", '<row r="1"><c r="A1"><v>1</v></c>'
                                          '<c r="ZZZZ1"><v>1</v></c></row>')
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: sheet 'Ark1' has a cell beyond Excel's last cell "
                           "XFD1048576 (row 1, column 475,254): the workbook is damaged"]


def test_xlsx_sheet_cells_limit_is_a_setting(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    monkeypatch.setenv("ORGPATH_MAX_SHEET_CELLS", "5")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: sheet 'Ark1' spans A1:C2, 6 cells, more than the "
                           "limit of 5 (setting max_sheet_cells)"]


def test_xlsx_zip_bomb_is_refused_by_its_unpacked_size(tmp_path, monkeypatch):
    p = xlsx(tmp_path / "bomb.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {SHEET: lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * 2_000_000)})
    assert p.stat().st_size < 100_000
    monkeypatch.setenv("ORGPATH_MAX_PEOPLE_BYTES", "1000000")
    org, diags = read_org(p)
    assert org is None
    assert len(diags) == 1
    assert str(diags[0]).startswith(f"{p}: error: the workbook unpacks to 2,0")
    assert str(diags[0]).endswith("bytes, more than the limit of 1,000,000 (max_people_bytes)")


def test_xlsx_member_larger_than_its_header_says_is_refused(tmp_path):
    p = xlsx(tmp_path / "bomb.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {SHEET: lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b" " * 100_000)})
    data = bytearray(p.read_bytes())
    name = SHEET.encode()
    # understate the sheet's unpacked size in its local header and the central directory
    for sig, name_len_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30),
                                               (b"PK\x01\x02", 28, 24, 46)):
        i = data.find(sig)
        while i != -1:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if data[i + name_at:i + name_at + n] == name:
                struct.pack_into("<I", data, i + size_at, 1000)
            i = data.find(sig, i + 4)
    p.write_bytes(bytes(data))
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: the workbook is damaged: Bad CRC-32 for file "
                           f"'{SHEET}'"]


def shared_strings(words: list[str], count: int | None = None) -> str:
    n = len(words) if count is None else count
    return (f'<sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">'
            + "".join(f"<si><t>{w}</t></si>" for w in words) + "</sst>")


SHARED_ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
               '<c r="C1" t="s"><v>2</v></c></row>'
               '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c></row>')
WORDS = ["Medarbejdernummer", "Navn", "Leder", "00123", "Søren"]


def test_xlsx_shared_strings_as_excel_writes_them(tmp_path):
    p = raw_sheet(tmp_path / "x.xlsx", SHARED_ROWS, shared_strings(WORDS))
    org, diags = read_org(p)
    assert diags == []
    assert [(x.id, x.name) for x in org.people] == [("00123", "Søren")]


def test_xlsx_shared_strings_claiming_too_many_is_refused(tmp_path):
    # calamine would reserve room for every claimed string before reading one
    p = raw_sheet(tmp_path / "x.xlsx", SHARED_ROWS, shared_strings(WORDS, 99_999_999_999))
    org, diags = read_org(p)
    assert org is None
    assert len(diags) == 1
    assert str(diags[0]).startswith(f"{p}: error: the workbook is damaged: "
                                    "xl/sharedStrings.xml claims 99,999,999,999 shared strings")


def test_xlsx_damaged_sheet_xml_is_a_clean_error(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {SHEET: lambda b: b[:len(b) // 2]})
    org, diags = read_org(p)
    assert org is None
    assert len(diags) == 1
    assert diags[0].severity == ERROR
    assert str(diags[0]).startswith(f"{p}:Ark1: error: cannot read the sheet: ")


def test_xlsx_entity_bomb_is_not_expanded(tmp_path):
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], ["1", "Ann", None]])
    rezip(p, {SHEET: lambda b: b
              .replace(b"<worksheet", f"<!DOCTYPE w [{''.join(lol)}]><worksheet".encode(), 1)
              .replace(b"<t>Ann</t>", b"<t>&lol9;</t>")})
    org, diags = read_org(p)
    assert org is None
    assert len(diags) == 1
    assert str(diags[0]).startswith(f"{p}:Ark1: error: cannot read the sheet: ")
    assert "entity `&lol9;`" in diags[0].message  # calamine's words: not expanded


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"),
     "the workbook is password-protected (encrypted); save a copy without a password"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le"),
     "an old Excel 97-2003 workbook (.xls) named .xlsx; save it as 'Excel Workbook (.xlsx)'"),
], ids=["encrypted", "xls"])
def test_ole_files_named_xlsx_are_named(tmp_path, content, message):
    p = tmp_path / "x.xlsx"
    p.write_bytes(content)
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: {message}"]


@pytest.mark.parametrize(("members", "message"), [
    ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
      "content.xml": "<office:document-content/>"},
     "an OpenDocument spreadsheet (.ods) named .xlsx; save it as 'Excel Workbook (.xlsx)'"),
    ({"xl/workbook.bin": "\x83\x01", "[Content_Types].xml": "<Types/>"},
     "an Excel binary workbook (.xlsb) named .xlsx; save it as 'Excel Workbook (.xlsx)'"),
    ({"word/document.xml": "<w:document/>"},
     "not an Excel workbook: the zip has no xl/workbook.xml"),
], ids=["ods", "xlsb", "docx"])
def test_other_zips_named_xlsx_are_named(tmp_path, members, message):
    p = tmp_path / "x.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        for member, text in members.items():
            z.writestr(member, text)
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}: error: {message}"]


def test_cli_validate_names_a_refused_workbook_in_one_line(tmp_path):
    p = raw_sheet(tmp_path / "bomb.xlsx", '<row r="1"><c r="A1"><v>1</v></c>'
                                          '<c r="XFD1048576"><v>1</v></c></row>')
    r = CliRunner().invoke(people, ["validate", str(p)])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert f"{p}: error: sheet 'Ark1' spans A1:XFD1048576" in r.output


# --- encodings --------------------------------------------------------------------------


def test_cp1252_csv_loads_with_a_warning_saying_how_to_silence_it(tmp_path):
    p = tmp_path / "kontor.csv"
    p.write_bytes("Medarbejdernummer;Navn;Leder\n1;Søren Ærø;\n2;Åse;1\n".encode("cp1252"))
    org, diags = read_org(p)
    assert [x.name for x in org.people] == ["Søren Ærø", "Åse"]
    assert strs(diags) == [
        f"{p}:2: warning: the file is not UTF-8 (byte 0xf8 at byte offset 32); read it as "
        "Windows-1252 (cp1252). To silence this, add 'encoding: cp1252' to kontor.org.yaml "
        "or save the file as UTF-8"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_manifest_encoding_reads_quietly(tmp_path, encoding):
    p = tmp_path / "kontor.csv"
    p.write_bytes("id,name,manager_id\n1,Søren,\n2,Jørgen,1\n".encode(encoding))
    (tmp_path / "kontor.org.yaml").write_text(f"encoding: {encoding}\n")
    org, diags = read_org(p)
    assert diags == []
    assert [x.name for x in org.people] == ["Søren", "Jørgen"]


def test_manifest_encoding_that_does_not_fit_is_an_error(tmp_path):
    p = tmp_path / "k.csv"
    p.write_bytes(b"id,name,manager_id\n1,\x81,\n")
    (tmp_path / "k.org.yaml").write_text("encoding: cp1252\n")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f"{p}:2: error: the file is not cp1252 text (invalid byte 0x81 at "
                           "byte offset 21); fix the manifest's encoding"]


def test_unknown_manifest_encoding_is_an_error(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text("id,name,manager_id\n1,Ann,\n")
    (tmp_path / "k.org.yaml").write_text("encoding: ebcdic\n")
    org, diags = read_org(p)
    assert org is None
    assert "encoding 'ebcdic' is not one of cp1252, latin-1, utf-8" in strs(diags)[0]


# --- column names and managers by email or name -----------------------------------------


def test_bamboohr_style_headers_with_supervisor_email(tmp_path):
    p = tmp_path / "bamboo.csv"
    p.write_text("Employee #,Full Name,Job Title,Department,Work Email,Supervisor Email\n"
                 "10,Ann Lee,CEO,Exec,ann@x.com,\n"
                 "11,Bob Ray,CTO,Tech,bob@x.com,ANN@x.com\n"
                 "12,Cy Oh,Dev,Tech,cy@x.com,bob@x.com\n")
    org, diags = read_org(p)
    assert diags == []
    assert [(x.id, x.manager_id) for x in org.people] == [("10", None), ("11", "10"),
                                                          ("12", "11")]


def test_manager_by_name_is_resolved_when_unambiguous(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("id,navn,nærmeste leder\n1,Ann Lee,\n2,Bob Ray,Ann  Lee\n3,Cy,2\n")
    org, diags = read_org(p)
    assert diags == []
    assert [x.manager_id for x in org.people] == [None, "1", "2"]


def test_manager_written_last_comma_first(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text('Employee #,Name,Reports To\n1,Ann Lee,\n2,Bob Ray,"Lee, Ann"\n')
    org, diags = read_org(p)
    assert diags == []
    assert org.people[1].manager_id == "1"


def test_ambiguous_manager_name_names_the_candidates(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("id,name,manager\n1,Ann Lee,\n2,Ann Lee,1\n3,Bob,Ann Lee\n")
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [
        f"{p}:4: error: 'Bob' (3): manager 'Ann Lee' could be any of 'Ann Lee' (1) row 2, "
        "'Ann Lee' (2) row 3; give the manager's id"]


def test_unknown_manager_name_is_still_an_unknown_manager(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("id,name,manager\n1,Ann Lee,\n2,Bob,Zed Zed\n")
    _, diags = read_org(p)
    assert strs(diags) == [f"{p}:3: error: 'Bob' (2): unknown manager 'Zed Zed'"]


# --- SCIM and Microsoft Graph -----------------------------------------------------------


def scim_user(uid: str, name: str, manager: str | None, *, title="Engineer", dept="R&D"):
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": uid, "userName": f"{uid}@example.com", "displayName": name, "title": title,
        "emails": [{"value": f"{uid}@example.com", "type": "work", "primary": True}],
        ENTERPRISE: {"employeeNumber": uid.upper(), "department": dept},
    }
    if manager is not None:
        user[ENTERPRISE]["manager"] = {"value": manager, "displayName": "?"}
    return user


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def test_scim_list_response_with_enterprise_manager(tmp_path):
    p = write_json(tmp_path / "dir.scim.json", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 3, "itemsPerPage": 3, "startIndex": 1,
        "Resources": [scim_user("u1", "Ann Ceo", None, title="CEO", dept="Board"),
                      scim_user("u2", "Bo Øster", "u1", title="CTO"),
                      scim_user("u3", "Cy", "u2")],
    })
    org, diags = read_org(p)
    assert diags == []
    assert org.id == "dir"
    assert [(x.id, x.name, x.manager_id, x.title, x.department, x.email)
            for x in org.people] == [
        ("u1", "Ann Ceo", None, "CEO", "Board", "u1@example.com"),
        ("u2", "Bo Øster", "u1", "CTO", "R&D", "u2@example.com"),
        ("u3", "Cy", "u2", "Engineer", "R&D", "u3@example.com"),
    ]


def test_scim_errors_carry_the_line_of_the_user(tmp_path):
    data = {"Resources": [scim_user("u1", "Ann", None), scim_user("u2", "Bo", "ghost")]}
    p = write_json(tmp_path / "dir.scim.json", data)
    org, diags = read_org(p)
    assert org is None
    text = p.read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if '"id": "u2"' in t)
    # the error is on the line where the user's object opens
    assert text[diags[0].line - 1].strip() == "{"
    assert diags[0].line < line
    assert line - diags[0].line < 10
    assert str(diags[0]).endswith("error: 'Bo' (u2): unknown manager 'ghost'")


def test_scim_not_a_list_response(tmp_path):
    p = write_json(tmp_path / "dir.scim.json", {"users": []})
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [f'{p}:1: error: a SCIM ListResponse: expected {{"Resources": [...]}} '
                           "or a list of users"]


def graph_user(uid: str, name: str, manager: dict | None, **more):
    user = {"id": uid, "displayName": name, "jobTitle": "Consultant", "department": "Sales",
            "mail": f"{name.split()[0].lower()}@contoso.com",
            "userPrincipalName": f"{uid}@contoso.onmicrosoft.com", **more}
    if manager is not None:
        user["manager"] = manager
    return user


def test_graph_users_with_expanded_manager(tmp_path):
    boss = "0a1b2c3d-0000-0000-0000-000000000001"
    p = write_json(tmp_path / "entra.graph.json", {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(manager())",
        "value": [
            graph_user(boss, "Adele Vance", None, jobTitle="CEO"),
            graph_user("0a1b2c3d-0000-0000-0000-000000000002", "Alex Wilber",
                       {"@odata.type": "#microsoft.graph.user", "id": boss,
                        "displayName": "Adele Vance"}, mail=None),
        ],
    })
    org, diags = read_org(p)
    assert diags == []
    assert [(x.name, x.manager_id, x.title, x.email) for x in org.people] == [
        ("Adele Vance", None, "CEO", "adele@contoso.com"),
        ("Alex Wilber", boss, "Consultant",
         "0a1b2c3d-0000-0000-0000-000000000002@contoso.onmicrosoft.com"),
    ]


def test_graph_errors_carry_line_numbers(tmp_path):
    p = tmp_path / "entra.graph.json"
    p.write_text('{"value": [\n'
                 '  {"id": "1", "displayName": "Ann"},\n'
                 '  {"id": "2", "displayName": "Bob", "manager": "1"},\n'
                 '  {"id": "2", "displayName": "Cy", "manager": {"id": "1"}}\n'
                 ']}\n')
    org, diags = read_org(p)
    assert org is None
    assert strs(diags) == [
        f"{p}:3: error: manager must be an object (use $expand=manager)",
        f"{p}:4: error: duplicate id '2' (rows 3 and 4)",
    ]


def test_graph_json_syntax_error_has_its_line(tmp_path):
    p = tmp_path / "entra.graph.json"
    p.write_text('{"value": [\n  {"id": "1",}\n]}\n')
    org, diags = read_org(p)
    assert org is None
    assert diags[0].line == 2
    assert "not valid JSON" in diags[0].message


def test_warnings_stay_warnings(tmp_path):
    p = xlsx(tmp_path / "x.xlsx", [["id", "name", "manager"], [1, "Ann", None]])
    _, diags = read_org(p)
    assert [d.severity for d in diags] == [WARNING]
