"""Career frameworks: skills, the scale and expected levels in ladder files; the matrix,
compare, gap and no-path answers; the ``matrix``, ``compare`` and ``gap`` commands.

Runs on the fixture framework (two tracks, twelve skills) and on the bundled ladder.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath import frameworks, serialize
from orgpath.cli import main
from orgpath.graph import ladder_graph
from orgpath.ladderfile import parse_ladder, read_ladder

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "ladder-framework.yaml"


@pytest.fixture(scope="module")
def F():
    ladder, diags = read_ladder(FIXTURE)
    assert ladder is not None, [str(d) for d in diags]
    return ladder_graph(ladder)


@pytest.fixture
def fw_dir(tmp_path) -> Path:
    shutil.copy(FIXTURE, tmp_path)
    return tmp_path


@pytest.fixture
def cli(fw_dir):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--graphs", str(fw_dir), *args])

    return run


def messages(text: str) -> list[str]:
    return [str(d) for d in parse_ladder(textwrap.dedent(text).lstrip("\n"), "t.yaml")[1]]


HEAD = """
id: t
title: T
scale:
  - {level: 1, title: {en: Aware, da: Bevidst}}
  - {level: 2, title: Practising}
  - {level: 3, title: Expert}
skills:
  coding: {title: {en: Coding, da: Programmering}, category: craft}
  design: Design
"""


# --- the file format ------------------------------------------------------------------------


def test_fixture_reads_skills_scale_and_levels(F):
    lad = F.graph["ladder"]
    assert len(lad.skills) == 12
    assert [s.level for s in lad.scale] == [1, 2, 3, 4]
    assert lad.skills["coding"].name("da") == "Programmering"
    assert lad.skills["coding"].codes["esco"].startswith("http://data.europa.eu/esco/skill/")
    assert F.nodes["senior-engineer"]["role"].skill_levels["system-design"] == 2
    assert set(lad.tracks) == {"ic", "manager"}


def test_fixture_warns_when_a_promotion_expects_less():
    _, diags = read_ladder(FIXTURE)
    assert [(d.severity, d.line) for d in diags] == [("warning", 90)]
    assert "'coding' drops from 3 to 2" in diags[0].message


def test_list_form_of_skills_stays_valid():
    role = "  - {id: a, title: A, level: 1, skills: [coding, design]}\n"
    ladder, diags = parse_ladder(HEAD + "roles:\n" + role)
    assert diags == []
    assert ladder.roles[0].skills == ("coding", "design")
    assert dict(ladder.roles[0].skill_levels) == {}


def test_unknown_skill_is_an_error_with_its_line_and_a_suggestion():
    out = messages(HEAD + """
roles:
  - id: a
    title: A
    level: 1
    skills: {codng: 2}
""")
    assert out == ["t.yaml:15:14: error: role 'a': unknown skill 'codng' (did you mean 'coding'?)"]


def test_unknown_skill_in_the_list_form_points_at_the_item():
    out = messages(HEAD + """roles:\n  - {id: a, title: A, level: 1, skills: [coding, desing]}\n""")
    assert out == ["t.yaml:11:50: error: role 'a': unknown skill 'desing' "
                   "(did you mean 'design'?)"]


def test_level_out_of_scale_is_an_error():
    out = messages(HEAD + """roles:\n  - {id: a, title: A, level: 1, skills: {coding: 7}}\n""")
    assert out == ["t.yaml:11:50: error: role 'a': skill 'coding' has level 7, which is not on "
                   "the scale (1–3)"]


def test_level_must_be_a_whole_number():
    out = messages(HEAD + """roles:\n  - {id: a, title: A, level: 1, skills: {coding: two}}\n""")
    assert len(out) == 1
    assert "gives 'coding' a level that must be a whole number" in out[0]
    assert out[0].startswith("t.yaml:11:")


def test_move_requires_a_declared_skill():
    out = messages(HEAD + """
roles:
  - {id: a, title: A, level: 1, reports_to: [b]}
  - {id: b, title: B, level: 2}
moves:
  - {from: a, to: b, requires: [desgn]}
""")
    assert out == ["t.yaml:15:33: error: move from 'a' to 'b': requires unknown skill 'desgn' "
                   "(did you mean 'design'?)"]


def test_scale_must_go_up():
    out = messages("""
id: t
title: T
scale:
  - {level: 2, title: Two}
  - {level: 1, title: One}
roles:
  - {id: a, title: A, level: 1}
""")
    assert out == ["t.yaml:5:13: error: scale[1]: level 1 must be above the level before it (2): "
                   "write the scale lowest first"]


def test_unknown_category_is_an_error():
    out = messages("""
id: t
title: T
categories: {craft: Craft}
skills:
  coding: {title: Coding, category: crafts}
roles:
  - {id: a, title: A, level: 1, skills: [coding]}
""")
    assert out == ["t.yaml:5:37: error: skill 'coding': unknown category 'crafts' "
                   "(did you mean 'craft'?)"]


@pytest.mark.parametrize("codes, expected", [
    ('{isco08: "12"}', "code isco08 '12' is not a 4-digit ISCO-08 unit group code"),
    ('{disco08: "2512"}', "code disco08 '2512' is not a 6-digit DISCO-08 code"),
    ('{esco: "http://example.com/x"}', "is not an ESCO occupation URI"),
])
def test_role_codes_have_their_shape(codes, expected):
    out = messages(f"""
id: t
title: T
roles:
  - {{id: a, title: A, level: 1, codes: {codes}}}
""")
    assert len(out) == 1
    assert expected in out[0]
    assert out[0].startswith("t.yaml:4:")


def test_good_codes_are_accepted():
    ladder, diags = parse_ladder("""
id: t
title: T
roles:
  - id: a
    title: A
    level: 1
    codes: {isco08: 2512, disco08: "251200", esco: "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"}
""", "t.yaml")
    assert diags == []
    assert ladder.roles[0].codes["isco08"] == "2512"


# --- matrix, compare, gap, no path --------------------------------------------------------


def test_matrix_orders_roles_by_track_then_level_and_skills_by_category(F):
    m = frameworks.competency_matrix(F)
    assert m.roles == ["engineer-1", "engineer-2", "senior-engineer", "staff-engineer",
                       "engineering-manager", "director-of-engineering"]
    assert m.skills[:5] == ["coding", "testing", "system-design", "operations", "security"]
    assert m.skills[-3:] == ["planning", "stakeholder-management", "budgeting"]
    assert m.cells["staff-engineer"]["system-design"] == 4
    assert "hiring" not in m.cells["engineer-1"]


def test_matrix_filters(F):
    m = frameworks.competency_matrix(F, track="manager", category="people")
    assert m.roles == ["engineering-manager", "director-of-engineering"]
    assert m.skills == ["mentoring", "hiring", "coaching", "feedback"]
    with pytest.raises(ValueError, match="no skill category 'sales'"):
        frameworks.competency_matrix(F, category="sales")


def test_compare_adjacent_roles(F):
    c = frameworks.compare_roles(F, "engineer-2", "senior-engineer")
    assert c.level_change == 1
    assert c.track_change is False
    assert c.salary_change == 140000
    assert [(x.skill, x.after) for x in c.gained] == [
        ("system-design", 2), ("security", 2), ("mentoring", 2)]
    assert [(x.skill, x.before, x.after) for x in c.raised] == [
        ("coding", 2, 3), ("testing", 2, 3), ("operations", 1, 2)]
    assert c.responsibilities_added["en"] == ["Design services", "Mentor engineers"]
    assert c.responsibilities_dropped["da"] == ["Gennemgå kode"]
    assert c.path.roles == ["engineer-2", "senior-engineer"]


def test_gap_orders_by_steps_needing_and_names_where_skills_are_built(F):
    g = frameworks.skill_gap(F, "engineer-2", "staff-engineer", have={"security": 3})
    rows = [(x.skill, x.status, x.have, x.required, x.gap, x.steps_needing) for x in g.missing]
    assert rows[0] == ("system-design", "missing", None, 4, 4, 2)
    assert rows[1] == ("mentoring", "missing", None, 3, 3, 2)
    assert rows[2] == ("coding", "short", 2, 4, 2, 2)
    assert ("security", "short", 3, 3, 0, 2) not in rows
    assert [x.skill for x in g.missing if x.skill == "security"] == []
    planning = next(x for x in g.missing if x.skill == "planning")
    assert planning.built_by == ["staff-engineer"]
    assert planning.status == "missing"


def test_gap_with_everything_is_empty(F):
    have = dict(frameworks.expected_levels(F, "director-of-engineering"))
    assert frameworks.skill_gap(F, "engineer-1", "director-of-engineering", have=have).missing \
        == []


def test_no_path_explains_itself(F):
    why = frameworks.explain_no_path(F, "director-of-engineering", "engineer-1")
    assert why.reasons == ["below", "entry-role"]
    assert why.reverse[0] == "engineer-1"
    assert why.reverse[-1] == "director-of-engineering"
    side = frameworks.explain_no_path(F, "engineering-manager", "staff-engineer")
    assert side.reasons == ["other-track", "same-level"]
    assert side.other_tracks == ["ic"]
    assert side.nearest == ["director-of-engineering"]


def test_planner_defaults(F):
    assert frameworks.default_source(F) == "engineer-1"
    assert frameworks.default_target(F, "senior-engineer") == "staff-engineer"
    assert frameworks.default_target(F, "director-of-engineering") is None


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_compare_prints_the_changes(cli):
    out = cli("compare", "senior-engineer", "Engineering Manager")
    assert out.exit_code == 0, out.output
    assert "track: Individual contributor → Manager (track switch)" in out.output
    assert "Hiring                  gained   -                3" in out.output


def test_cli_gap_with_have(cli):
    out = cli("gap", "engineer-1", "engineer-2", "--have", "coding=2", "--have", "testing=2")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "From Engineer I to Engineer II:"
    assert [line.split()[:4] for line in lines[3:5]] == [
        ["Feedback", "short", "1", "2"], ["Operations", "missing", "-", "1"]]
    assert "Coding" not in out.output


def test_cli_gap_refuses_an_unknown_skill(cli):
    out = cli("gap", "engineer-1", "engineer-2", "--have", "codng=2")
    assert out.exit_code == 1
    assert out.output.strip() == "Error: unknown skill 'codng' (did you mean coding, coaching?)"


def test_cli_gap_refuses_a_malformed_have(cli):
    out = cli("gap", "engineer-1", "engineer-2", "--have", "coding")
    assert out.exit_code == 2
    assert "write SKILL=LEVEL" in out.output


def test_cli_explains_no_path(cli):
    out = cli("gap", "director-of-engineering", "engineer-1")
    assert "the target is below the start role" in out.output
    assert "The other way round: Engineer I → Engineer II" in out.output


def test_cli_matrix_json_in_danish(cli, F):
    out = cli("matrix", "--track", "ic", "--json", "--lang", "da")
    data = json.loads(out.output)
    assert data == serialize.matrix(F, frameworks.competency_matrix(F, track="ic"), "da")
    assert data["skills"][0]["title"] == "Programmering"


def test_cli_matrix_unknown_track(cli):
    out = cli("matrix", "--track", "sales")
    assert out.exit_code == 1
    assert "no track 'sales' (tracks: ic, manager)" in out.output


def test_cli_compare_on_the_bundled_ladder():
    out = CliRunner().invoke(main, ["compare", "account-manager", "lead-account-manager",
                                    "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["level_change"] == 1
    assert data["path"]["roles"][-1]["id"] == "lead-account-manager"


def test_cli_matrix_writes_a_spreadsheet(cli, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "matrix.xlsx"
    out = cli("matrix", "--category", "business", "-o", str(target))
    assert out.exit_code == 0, out.output
    rows = [[c.value for c in r] for r in load_workbook(target).active.iter_rows()]
    assert rows[0][4:] == ["Planning", "Stakeholder management", "Budgeting"]
    assert rows[-1][:2] == ["director-of-engineering", "Director of Engineering"]


def test_cli_matrix_refuses_an_unknown_suffix_and_writes_nothing(cli, tmp_path):
    out = cli("matrix", "-o", str(tmp_path / "matrix.txt"))
    assert out.exit_code == 2
    assert "name a file ending in .svg, .pdf, .csv, .xlsx" in out.output
    assert not (tmp_path / "matrix.txt").exists()
