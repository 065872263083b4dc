"""Reading and checking ladder files: every error and warning, with its line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from orgpath.ladderfile import parse_ladder, read_ladder
from orgpath.resources import default_graphs_dir

DATA = Path(__file__).parent / "data"


def check(text: str, name: str = "t.yaml"):
    return parse_ladder(textwrap.dedent(text).lstrip("\n"), name)


def messages(text: str, name: str = "t.yaml") -> list[str]:
    return [str(d) for d in check(text, name)[1]]


GOOD = """
id: demo
title: {en: Demo, da: Demo}
roles:
  - id: a
    title: {en: Alpha, da: Alfa}
    level: 1
    reports_to: [c]
  - id: b
    title: Beta
    level: 2
    reports_to: [c]
  - id: c
    title: Gamma
    level: 3
moves:
  - {from: a, to: b, years: 2}
  - {from: b, to: c, years: 3}
"""


def test_good_file_gives_a_ladder_and_no_diagnostics():
    ladder, diags = check(GOOD)
    assert diags == []
    assert ladder.id == "demo"
    assert [r.id for r in ladder.roles] == ["a", "b", "c"]
    assert ladder.roles[0].title == {"en": "Alpha", "da": "Alfa"}
    assert ladder.roles[1].title == {"en": "Beta"}
    assert ladder.roles[0].line == 4
    assert [(m.source_role, m.target_role, m.years) for m in ladder.moves] == [
        ("a", "b", 2), ("b", "c", 3)]


def test_bundled_ladder_is_clean():
    ladder, diags = read_ladder(default_graphs_dir() / "account-management.yaml")
    assert [str(d) for d in diags] == []
    assert ladder is not None
    assert len(ladder.roles) >= 7


def test_json_with_the_same_structure_is_accepted(tmp_path):
    data = yaml.safe_load(GOOD)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data, indent=2))
    ladder, diags = read_ladder(path)
    assert diags == []
    assert ladder.id == "demo"


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "id": "x",\n  "title": "X"\n  "roles": []\n}\n')
    ladder, diags = read_ladder(path)
    assert ladder is None
    assert [str(d) for d in diags] == [
        f"{path}:4:3: error: invalid JSON: Expecting ',' delimiter"]


def test_yaml_syntax_error_names_line():
    ladder, diags = check("id: x\ntitle: [unclosed\nroles: []\n")
    assert ladder is None
    assert len(diags) == 1
    assert diags[0].line == 3
    assert str(diags[0]).startswith("t.yaml:3:")
    assert "invalid YAML" in diags[0].message


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: Kundechef Ø\n".encode("latin-1"))
    ladder, diags = read_ladder(path)
    assert ladder is None
    assert str(diags[0]) == (f"{path}:2: error: the file is not UTF-8 text (invalid byte 0xd8 "
                             "at byte offset 23); save it as UTF-8")


def test_missing_file_is_a_diagnostic_not_a_traceback(tmp_path):
    ladder, diags = read_ladder(tmp_path / "nope.yaml")
    assert ladder is None
    assert "cannot read file" in str(diags[0])


def test_missing_required_fields():
    assert messages("""
        id: demo
        roles:
          - id: a
            title: A
          - title: B
            level: 2
        moves:
          - {to: a}
        """) == [
        "t.yaml:1:1: error: ladder: missing required field 'title'",
        "t.yaml:3:5: error: role 'a': missing required field 'level'",
        "t.yaml:5:5: error: roles[1]: missing required field 'id'",
        "t.yaml:8:5: error: moves[0]: missing required field 'from'",
    ]


def test_wrong_types():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: three}
          - {id: b, title: [B], level: 2, skills: selling}
          - {id: c, title: C, level: 3, aliases: {x: 1}}
        moves:
          - {from: a, to: b, years: soon}
        """) == [
        "t.yaml:4:30: error: role 'a': field 'level' must be a whole number, not text 'three'",
        "t.yaml:5:20: error: role 'b': field 'title' must be text or a mapping of language "
        "to text, not a list",
        "t.yaml:6:42: error: role 'c': field 'aliases' must be a list, not a mapping",
        "t.yaml:8:29: error: move from 'a' to 'b': field 'years' must be a number, "
        "not text 'soon'",
    ]


def test_bad_ids():
    assert messages("""
        id: Demo Ladder
        title: Demo
        roles:
          - {id: Account Manager, title: A, level: 1}
        """) == [
        "t.yaml:1:5: error: ladder: field 'id' 'Demo Ladder' is not a valid id: use lowercase "
        "letters, digits and '-' (for example 'account-manager')",
        "t.yaml:4:10: error: role 'Account Manager': field 'id' 'Account Manager' is not a "
        "valid id: use lowercase letters, digits and '-' (for example 'account-manager')",
    ]


def test_unknown_field_suggests_the_right_one():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, levle: 1}
        """) == [
        "t.yaml:4:5: error: role 'a': missing required field 'level'",
        "t.yaml:4:23: error: role 'a': unknown field 'levle' (did you mean 'level'?)",
    ]


def test_duplicate_keys_are_caught():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - id: a
            title: A
            level: 1
            level: 2
        """) == ["t.yaml:7:5: error: roles.0: duplicate key 'level' (first on line 6)"]


def test_duplicate_role_ids():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1}
          - {id: a, title: A again, level: 2}
        """) == ["t.yaml:5:10: error: duplicate role id 'a' (first defined on line 4)"]


def test_unknown_roles_get_a_suggestion():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: account-manager, title: A, level: 1, reports_to: [director]}
          - {id: director-of-accounts, title: D, level: 2}
        moves:
          - {from: account-manager, to: director-of-account}
        """) == [
        "t.yaml:4:60: error: role 'account-manager': reports_to names unknown role 'director' "
        "(did you mean 'director-of-accounts'?)",
        "t.yaml:7:33: error: move from 'account-manager' to 'director-of-account': unknown "
        "role 'director-of-account' (did you mean 'director-of-accounts'?)",
    ]


def test_self_move_and_duplicate_move():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [b]}
          - {id: b, title: B, level: 2}
        moves:
          - {from: a, to: a}
          - {from: a, to: b}
          - {from: a, to: b}
        """) == [
        "t.yaml:7:5: error: move from 'a' to 'a': a role cannot move to itself",
        "t.yaml:9:5: error: move from 'a' to 'b': duplicate promotion move (first on line 8)",
    ]


def test_promotion_cycle_is_named():
    diags = messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [c]}
          - {id: b, title: B, level: 2, reports_to: [c]}
          - {id: c, title: C, level: 3}
        moves:
          - {from: a, to: b}
          - {from: b, to: c}
          - {from: c, to: a}
        """)
    assert diags == ["t.yaml:8:3: error: promotion moves form a cycle: a -> b -> c -> a"]


def test_lateral_moves_do_not_count_as_cycles():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [c]}
          - {id: b, title: B, level: 1, reports_to: [c]}
          - {id: c, title: C, level: 2}
        moves:
          - {from: a, to: b, kind: lateral}
          - {from: a, to: c}
          - {from: b, to: c}
        """)
    assert ladder is not None
    assert diags == []


def test_reporting_cycle_is_named():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [b]}
          - {id: b, title: B, level: 2, reports_to: [a]}
        moves:
          - {from: a, to: b}
        """) == ["t.yaml:4:45: error: reporting lines form a cycle: a -> b -> a"]


def test_bad_kind():
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1}
        moves:
          - {from: a, to: a, kind: sideways}
        """) == [
        "t.yaml:6:28: error: move from 'a' to 'a': kind must be 'promotion' or 'lateral', "
        "not 'sideways'",
    ]


def test_every_error_is_reported_at_once():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A}
          - {id: b, level: 2}
          - {id: c, title: C, level: x}
        """)
    assert ladder is None
    assert len(diags) == 3


def test_warnings_are_reported_but_accepted():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [top]}
          - {id: b, title: B, level: 2, reports_to: [top]}
          - {id: stuck, title: Stuck, level: 2, reports_to: [top]}
          - {id: loner, title: Loner, level: 2}
          - {id: top, title: Top, level: 3}
          - {id: island, title: Island, level: 2, reports_to: [top]}
        moves:
          - {from: a, to: b}
          - {from: b, to: top}
          - {from: a, to: stuck}
          - {from: loner, to: top}
          - {from: top, to: island}
        """)
    assert ladder is not None
    assert [str(d) for d in diags] == [
        "t.yaml:6:5: warning: role 'stuck' (level 2) has no way up: no move leads to a more "
        "senior role",
        "t.yaml:7:5: warning: role 'loner' (level 2) has no reporting line",
        "t.yaml:9:5: warning: role 'island' has no way up: no move leads to a more senior role"
        .replace("'island' has", "'island' (level 2) has"),
        "t.yaml:15:5: warning: promotion from 'top' (level 3) to 'island' (level 2) goes to a "
        "lower level",
    ]


def test_unreachable_role_is_a_warning():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [c]}
          - {id: b1, title: B1, level: 2, reports_to: [c]}
          - {id: b2, title: B2, level: 2, reports_to: [c]}
          - {id: c, title: C, level: 3}
        moves:
          - {from: a, to: c}
          - {from: b1, to: b2, kind: lateral}
          - {from: b1, to: c}
          - {from: b2, to: c}
        """)
    assert ladder is not None
    assert [str(d) for d in diags] == [
        "t.yaml:5:5: warning: role 'b1' cannot be reached from any entry role (a)",
        "t.yaml:6:5: warning: role 'b2' cannot be reached from any entry role (a)",
    ]


@pytest.mark.parametrize("text, message", [
    ("", "t.yaml:1:1: error: the file is empty"),
    ("- a\n- b\n", "t.yaml:1:1: error: a ladder file must be a mapping with 'id', 'title' "
                   "and 'roles', not a list"),
    ("id: x\ntitle: X\nroles: []\n", "t.yaml:3:8: error: ladder: 'roles' must be a non-empty "
                                     "list of roles"),
    ("a: 1\n---\nb: 2\n", "t.yaml:1:1: error: one ladder per file: found several documents"),
])
def test_shapes_that_are_not_ladders(text, message):
    assert messages(text) == [message]


def test_blank_text_is_refused():
    assert messages("""
        id: demo
        title: {en: Demo, da: "  "}
        roles:
          - {id: a, title: A, level: 1}
        """) == ["t.yaml:2:8: error: ladder: field 'title' must not be empty in 'da'"]


def test_diagnostics_come_sorted_by_line():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, reports_to: [zz]}
          - {id: b, title: B, level: 2}
        moves:
          - {from: a, to: b, kind: wrong}
          - {from: q, to: b}
        """)
    assert [str(d) for d in diags] == [
        "t.yaml:4:46: error: role 'a': reports_to names unknown role 'zz'",
        "t.yaml:7:28: error: move from 'a' to 'b': kind must be 'promotion' or 'lateral', "
        "not 'wrong'",
        "t.yaml:8:12: error: move from 'q' to 'b': unknown role 'q'",
    ]


def test_salary_is_read_and_checked():
    ladder, diags = check("""
        id: demo
        title: Demo
        roles:
          - id: a
            title: A
            level: 1
            salary: {currency: USD, min: 45000, max: 85000, source: Indeed.com}
        """)
    assert diags == []
    s = ladder.roles[0].salary
    assert (s.currency, s.min, s.max, s.period, s.midpoint) == ("USD", 45000, 85000, "year",
                                                                65000)
    assert messages("""
        id: demo
        title: Demo
        roles:
          - {id: a, title: A, level: 1, salary: {currency: USD, min: 9, max: 1}}
        """) == ["t.yaml:4:62: error: role 'a': salary: min 9 is above max 1"]


def test_tracks_have_titles_and_roles_must_use_them():
    ladder, diags = check("""
        id: demo
        title: Demo
        tracks:
          sales: {en: Sales, da: Salg}
        roles:
          - {id: a, title: A, level: 1, track: sales}
        """)
    assert diags == []
    assert ladder.track_name("sales", "da") == "Salg"
    assert messages("""
        id: demo
        title: Demo
        tracks:
          sales: {en: Sales, da: Salg}
        roles:
          - {id: a, title: A, level: 1, track: sale}
        """) == ["t.yaml:6:40: error: role 'a': unknown track 'sale' (did you mean 'sales'?)"]
    assert messages("""
        id: demo
        title: Demo
        tracks: [sales]
        roles:
          - {id: a, title: A, level: 1}
        """) == ["t.yaml:3:9: error: ladder: field 'tracks' must be a mapping of track id to "
                 "its title, not a list"]
