"""People files: aliases, delimiters, BOM, JSON, every error with its row, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgpath.diagnostics import ERROR, WARNING
from orgpath.graph import ladder_graph
from orgpath.ladderfile import read_ladder
from orgpath.peoplefile import MAX_SHOWN, load_manifest, read_org
from orgpath.resources import default_graphs_dir

DATA = Path(__file__).parent / "data"
GRAPHS = Path(__file__).resolve().parent.parent / "graphs"


@pytest.fixture(scope="module")
def ladder():
    lad, diags = read_ladder(GRAPHS / "account-management.yaml")
    assert lad is not None, diags
    return ladder_graph(lad)


def write(tmp_path: Path, text: str | bytes, name: str = "org.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def messages(diags, severity=None):
    return [(d.line, d.message) for d in diags if severity is None or d.severity == severity]


@pytest.mark.parametrize("id_h, name_h, mgr_h, title_h", [
    ("id", "name", "manager_id", "title"),
    ("PersonID", "full name", "parentId", "job title"),
    ("Person ID", "Full Name", "parent_id", "Position"),
    ("employee_id", "NAME", "pid", "title"),
    ("EmployeeID", "Name", "reports_to", "Job Title"),
    ("ID", "name", "SupervisorID", "position"),
    ("id", "name", "Supervisor ID", "title"),
    ("id", "name", "manager", "title"),
    ("Employee ID", "Display Name", "Reports To", "Designation"),
])
def test_header_aliases(tmp_path, id_h, name_h, mgr_h, title_h):
    p = write(tmp_path, f"{id_h},{name_h},{mgr_h},{title_h}\n1,Ann,,Boss\n2,Bob,1,Help\n")
    org, diags = read_org(p)
    assert diags == []
    assert [(q.id, q.name, q.manager_id, q.title) for q in org.people] == [
        ("1", "Ann", None, "Boss"), ("2", "Bob", "1", "Help")]


def test_semicolon_bom_and_quotes():
    org, diags = read_org(DATA / "people-semicolon-bom.csv")
    assert diags == []
    assert org.people[0].name == "Kjær; Mette"
    assert org.people[1].title == "VP, Accounts"
    assert org.people[1].department == "Client Services"
    assert [p.row for p in org.people] == [2, 3, 4]


def test_tab_delimiter():
    org, diags = read_org(DATA / "people-tab.csv")
    assert diags == []
    assert [(p.id, p.manager_id, p.title) for p in org.people] == [
        ("1", None, "Boss"), ("2", "1", "Helper")]


def test_quoted_newline_keeps_row_numbers(tmp_path):
    p = write(tmp_path, 'id,name,manager_id,title\n1,Ann,,"two\nlines"\n2,Bob,9,x\n')
    org, diags = read_org(p)
    assert org is None
    assert messages(diags) == [(4, "'Bob' (2): unknown manager '9'")]


def test_json_people_with_lines_and_mixed_keys():
    org, diags = read_org(DATA / "people-list.people.json")
    assert diags == []
    assert org.id == "people-list"
    assert [(p.id, p.manager_id, p.assistant, p.dotted_managers, p.row) for p in org.people] == [
        ("1", None, False, (), 3), ("2", "1", True, (), 4), ("3", "1", False, ("2",), 6)]


def test_json_plain_list(tmp_path):
    p = write(tmp_path, '[{"id": 1, "name": "A"}, {"id": 2, "name": "B", "reports_to": 1}]',
              "x.people.json")
    org, diags = read_org(p)
    assert diags == []
    assert [q.manager_id for q in org.people] == [None, "1"]


def test_json_errors(tmp_path):
    org, diags = read_org(write(tmp_path, '{"people": [\n{"id": 1,}]}', "x.people.json"))
    assert org is None
    assert diags[0].line == 2
    assert "not valid JSON" in diags[0].message
    org, diags = read_org(write(tmp_path, '{"folk": []}', "y.people.json"))
    assert org is None
    assert "list of people" in diags[0].message


def test_every_error_with_its_row():
    org, diags = read_org(DATA / "people-errors.csv")
    assert org is None
    name = str(DATA / "people-errors.csv")
    assert [str(d) for d in diags] == [
        f"{name}:4: error: duplicate id '2' (rows 3 and 4)",
        f"{name}:5: error: 'Cy' (3): unknown manager '99'",
        f"{name}:6: error: 'Dee' (4) is their own manager",
        f"{name}:7: error: 'Eve': missing id",
        f"{name}:8: error: (6): missing name",
        f"{name}:9: error: reporting cycle: 'Gus' (7) → 'Hal' (8) → 'Gus' (7) (rows 9, 10)",
    ]


def test_unknown_manager_suggests_close_ids(tmp_path):
    p = write(tmp_path, "id,name,manager_id\nann01,Ann,\nbob,Bob,ann1\n")
    _, diags = read_org(p)
    assert messages(diags) == [(3, "'Bob' (bob): unknown manager 'ann1'; did you mean 'ann01'?")]


def test_missing_required_column(tmp_path):
    _, diags = read_org(write(tmp_path, "id,name,boss_name\n1,Ann,\n"))
    assert diags[0].line == 1
    assert diags[0].severity == ERROR
    assert diags[0].message.startswith("missing required column 'manager_id' (accepted names")
    assert messages(diags, WARNING) == [(1, "unknown column 'boss_name' ignored")]


def test_not_utf8_but_cp1252_loads_with_a_warning():
    org, diags = read_org(DATA / "people-latin1.csv")
    assert org is not None
    assert org.people[1].name == "Jørgen"
    assert messages(diags) == [(3, "the file is not UTF-8 (byte 0xf8 at byte offset 29); read "
                                   "it as Windows-1252 (cp1252). To silence this, add "
                                   "'encoding: cp1252' to people-latin1.org.yaml or save the "
                                   "file as UTF-8")]


def test_neither_utf8_nor_cp1252_names_the_byte(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"id,name,manager_id\n1,Ann,\n2,J\x81rgen,1\n")  # 0x81: not in cp1252
    org, diags = read_org(p)
    assert org is None
    assert messages(diags) == [(3, "the file is not UTF-8 text (invalid byte 0x81 at byte "
                                   "offset 29); save it as UTF-8")]


def test_bad_boolean_and_extra_fields(tmp_path):
    p = write(tmp_path, "id,name,manager_id,assistant\n1,Ann,,maybe\n2,Bob,1,no,extra\n")
    _, diags = read_org(p)
    assert messages(diags) == [
        (2, "assistant must be true/false/yes/no/1/0, not 'maybe'"),
        (3, "row has 5 fields but the header has 4")]


def test_empty_and_header_only(tmp_path):
    assert messages(read_org(write(tmp_path, ""))[1]) == [(1, "the file is empty")]
    assert messages(read_org(write(tmp_path, "id,name,manager_id\n"))[1]) == [
        (2, "the file has a header but no people")]


def test_missing_file(tmp_path):
    org, diags = read_org(tmp_path / "nope.csv")
    assert org is None
    assert "cannot read file" in diags[0].message


def test_first_fifty_errors_then_a_count(tmp_path):
    rows = "".join(f"{i},P{i},missing\n" for i in range(60))
    _, diags = read_org(write(tmp_path, "id,name,manager_id\n" + rows))
    assert len(diags) == MAX_SHOWN + 1
    assert diags[-1].message == "... and 10 more errors"
    assert diags[-1].line is None
    assert diags[0].line == 2


def test_several_roots_and_vacant_without_name(tmp_path):
    p = write(tmp_path, "id,name,manager_id,vacant\n1,Ann,,\n2,Bob,,\n3,,1,yes\n")
    org, diags = read_org(p)
    assert diags == []
    assert [(q.name, q.vacant) for q in org.people] == [
        ("Ann", False), ("Bob", False), ("Vacant", True)]


def test_warnings_do_not_reject(tmp_path, ladder):
    p = write(tmp_path, "id,name,manager_id,role,dotted_managers\n"
                        "1,Ann,,Kundechef,\n"
                        "2,Bob,1,account manger,1\n"
                        "3,Cy,1,ACCOUNT-EXECUTIVE,2;nobody\n")
    org, diags = read_org(p, ladder)
    assert org is not None
    assert messages(diags) == [
        (3, "'Bob' (2): unknown role 'account manger'; did you mean account-manager, "
            "lead-account-manager, associate-account-manager?"),
        (3, "'Bob' (2): dotted-line manager '1' is also the direct manager"),
        (4, "'Cy' (3): unknown dotted-line manager 'nobody' ignored"),
    ]
    assert [q.role for q in org.people] == ["account-manager", None, "account-executive"]


def test_roles_resolve_titles_aliases_accents(tmp_path, ladder):
    p = write(tmp_path, "id,name,manager_id,role\n1,A,,Direktør for kundeforvaltning\n"
                        "2,B,1,director of accounts\n3,C,1,  VP OF ACCOUNT MANAGEMENT \n"
                        "4,D,1,kontoansvarlig\n5,E,1,Kontoadministrator\n")
    org, diags = read_org(p, ladder)
    assert diags == []
    assert [q.role for q in org.people] == [
        "director-of-account-management", "director-of-account-management",
        "vp-of-account-management", "account-executive", "account-manager"]


def test_manifest(tmp_path):
    write(tmp_path, "id,name,manager_id\n1,A,\n", "team.csv")
    write(tmp_path, "title: The Team\nladder: account-management\n", "team.org.yaml")
    org, diags = read_org(tmp_path / "team.csv")
    assert diags == []
    assert (org.id, org.title, org.ladder) == ( "team", "The Team", "account-management")
    assert load_manifest(tmp_path / "team.org.yaml")["ladder"] == "account-management"
    write(tmp_path, "title: [unclosed\n", "team.org.yaml")
    org, diags = read_org(tmp_path / "team.csv")
    assert org is None
    assert diags[0].file.endswith("team.org.yaml")
    assert load_manifest(tmp_path / "team.org.yaml") == {}


def test_bundled_sample_org_loads_clean(ladder):
    path = default_graphs_dir() / "agency.csv"
    if not path.exists():
        path = GRAPHS / "agency.csv"
    org, diags = read_org(path, ladder)
    assert diags == []
    assert 35 <= len(org.people) <= 45
    assert org.ladder == "account-management"
    assert sum(p.assistant for p in org.people) == 1
    assert sum(p.vacant for p in org.people) == 1
    assert sum(bool(p.dotted_managers) for p in org.people) >= 2
    roles = {p.role for p in org.people if p.role}
    assert roles == {n for n in ladder}


def test_repeated_values_are_one_string_each(tmp_path):
    text = ("id,name,manager_id,title,department,role\n"
            "m,Mia,,Chief,Sales,\n"
            "a,Ann,m,Seller,Sales,am\n"
            "b,Bob,m,Seller,Sales,am\n")
    org, diags = read_org(write(tmp_path, text))
    assert diags == []
    m, a, b = org.people
    assert a.title is b.title
    assert a.department is b.department
    assert m.department is a.department
    assert a.role is b.role
    assert a.manager_id is m.id  # the manager's own id string, not a copy of it
    assert b.manager_id is m.id


def test_people_are_slotted_and_equal_to_constructed_ones(tmp_path):
    from orgpath.model import Person

    org, _ = read_org(write(tmp_path, "id,name,manager_id,title\n1,Ann,,CEO\n2,Bob,1,\n"))
    assert org.people[0] == Person("1", "Ann", title="CEO", row=2)
    assert org.people[1] == Person("2", "Bob", "1", row=3)
    assert not hasattr(org.people[1], "__dict__")


def test_rows_and_lines_of_a_file_read_a_megabyte_at_a_time(tmp_path):
    # more than one megabyte, so the text is read in pieces; CRLF rows and quoted
    # newlines on either side of every piece's end keep their line numbers
    rows = ["id,name,manager_id,title"]
    rows.append("p0,Boss Person,,CEO")
    line = 3  # of the next row (the header is line 1)
    for i in range(1, 40_000):
        if i % 7 == 0:
            rows.append(f'p{i},Person {i},p0,"a title over\r\ntwo lines {i}"')
            line += 2
        else:
            rows.append(f"p{i},Person {i},p0,Engineer with a long title {i}")
            line += 1
    rows.append("last,Last Person,nobody,x")
    p = write(tmp_path, "\r\n".join(rows) + "\r\n")
    assert p.stat().st_size > 2_000_000
    org, diags = read_org(p)
    assert org is None
    assert messages(diags) == [(line, "'Last Person' (last): unknown manager 'nobody'")]
    rows[-1] = "last,Last Person,p0,x"
    org, diags = read_org(write(tmp_path, "\r\n".join(rows) + "\r\n"))
    assert diags == []
    assert len(org.people) == 40_001
    assert org.people[7].title == "a title over\r\ntwo lines 7"
    assert org.people[-1].row == line
