"""``orgpath people ...`` and ``orgpath export org``: exit codes, outputs, and the API's shapes.

Every command runs as ``orgpath --graphs <folder> ...``, so no test depends on the
``$ORGPATH_GRAPHS`` of whoever runs it.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath.cli import main

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"
DATA = Path(__file__).parent / "data"
AGENCY = str(GRAPHS / "agency.csv")


def invoke(folder: Path, *args: str):
    """``orgpath --graphs FOLDER ARGS...`` (stdout and stderr apart)."""
    return CliRunner().invoke(main, ["--graphs", str(folder), *args], catch_exceptions=False)


@pytest.fixture
def run():
    """Run a command over the bundled graphs: ``run("people", "chain", ...)``."""
    return lambda *args: invoke(GRAPHS, *args)


def test_validate_ok(run):
    r = run("people", "validate", AGENCY)
    assert r.exit_code == 0
    assert r.stdout.strip() == f"{AGENCY}: ok, 40 people"


def test_validate_errors_exit_1(run):
    r = run("people", "validate", str(DATA / "people-errors.csv"))
    assert r.exit_code == 1
    assert "people-errors.csv:4: error: duplicate id '2' (rows 3 and 4)" in r.stderr
    assert "rejected" in r.stderr
    assert "Traceback" not in r.output


def test_validate_warnings_exit_0_and_json(run, tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("id,name,manager_id,role\n1,Ann,,no such role\n")
    r = run("people", "validate", str(p), "--ladder-file", str(GRAPHS / "account-management.yaml"),
            "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["ok"] is True
    assert data["people"] == 1
    assert data["diagnostics"][0]["severity"] == "warning"
    assert data["diagnostics"][0]["line"] == 2


def test_validate_missing_file(run):
    r = run("people", "validate", "nope/nothing.csv")
    assert r.exit_code == 1
    assert "no such people file" in r.stderr


def test_chain_and_reports(run):
    r = run("people", "chain", "a12", "--people", AGENCY)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[2].split()[0] == "a12"
    assert lines[-1].split()[0] == "a01"
    assert "Account Manager" in lines[2]  # the ladder role's title
    r = run("people", "reports", "a08", "--people", AGENCY, "--json")
    assert [p["id"] for p in json.loads(r.stdout)["reports"]] == ["a11", "a12", "a13", "a14"]
    r = run("people", "reports", "a06", "--people", AGENCY, "--all", "--json")
    everyone = json.loads(r.stdout)
    assert len(everyone["reports"]) == 10
    assert everyone["depth"] is None


def test_unknown_person_is_a_clean_error(run):
    r = run("people", "chain", "zz9", "--people", AGENCY)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: no person with id 'zz9'")


def test_stats_and_find(run):
    r = run("people", "stats", "--people", AGENCY, "--json")
    s = json.loads(r.stdout)
    assert (s["people"], s["roots"], s["vacant"], s["assistants"]) == (40, 1, 1, 1)
    r = run("people", "find", "soren", "--people", AGENCY)
    assert "Søren Østergaard" in r.stdout


def test_rejected_file_for_queries(run):
    r = run("people", "stats", "--people", str(DATA / "people-errors.csv"))
    assert r.exit_code == 1
    assert "rejected (6 errors shown)" in r.stderr


def test_export_svg_file(run, tmp_path):
    out = tmp_path / "org.svg"
    r = run("export", "org", "--people", AGENCY, "-o", str(out))
    assert r.exit_code == 0, r.output
    root = ET.fromstring(out.read_bytes())
    assert sum(1 for g in root.iter("{http://www.w3.org/2000/svg}g")
               if g.get("class") == "node") == 40
    assert "wrote" in r.stderr


def test_export_formats_from_suffix_and_stdout(run, tmp_path):
    r = run("export", "org", "--people", AGENCY, "--root", "a03", "--format", "json", "-o", "-")
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)["boxes"]) == 9
    r = run("export", "org", "--people", AGENCY, "--neighbourhood", "a12",
            "-o", str(tmp_path / "n.dot"))
    assert (tmp_path / "n.dot").read_text().startswith("digraph org {")
    r = run("export", "org", "--people", AGENCY, "--pages", "per-manager",
            "-o", str(tmp_path / "p.pdf"))
    assert r.exit_code == 0
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_export_usage_errors(run, tmp_path):
    r = run("export", "org", "--people", AGENCY, "-o", str(tmp_path / "x.gif"))
    assert r.exit_code == 2
    assert "cannot tell the format" in r.stderr
    r = run("export", "org", "--people", AGENCY, "--pages", "per-manager",
            "-o", str(tmp_path / "x.svg"))
    assert r.exit_code == 2
    r = run("export", "org", "--people", AGENCY, "--neighbourhood", "a12", "--depth", "1")
    assert r.exit_code == 2
    r = run("export", "org", "--people", AGENCY, "--max-nodes", "5", "-o", str(tmp_path / "x.svg"))
    assert r.exit_code == 1
    assert "more than the limit of 5" in r.stderr
    assert not (tmp_path / "x.svg").exists()


def test_find_json_is_the_people_list_shape(run):
    data = json.loads(run("people", "find", "soren", "--people", "agency", "--json").stdout)
    assert data["q"] == "soren"
    assert data["total"] == 1
    assert data["people"][0]["name"] == "Søren Østergaard"


# --- the API's shapes ----------------------------------------------------------------------


def _api(folder: Path, url: str):
    from orgpath.web import create_app

    resp = create_app({"TESTING": True, "GRAPHS": str(folder)}).test_client().get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


PARITY = [
    (["people", "chain", "{pid}"], "/people/{pid}/chain"),
    (["people", "show", "{pid}"], "/people/{pid}"),
    (["people", "show", "{pid}", "--lang", "da"], "/people/{pid}?lang=da"),
    (["people", "reports", "{pid}"], "/people/{pid}/reports"),
    (["people", "reports", "{pid}", "--depth", "3"], "/people/{pid}/reports?depth=3"),
]


@pytest.mark.parametrize("args,url", PARITY)
@pytest.mark.parametrize("org,pid", [("agency", "a06"), ("agency", "a12"), ("acme", "dir"),
                                     ("acme", "am1")])
def test_cli_json_equals_the_api(org_graphs_dir, args, url, org, pid):
    r = invoke(org_graphs_dir, *[a.format(pid=pid) for a in args], "--people", org, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == _api(org_graphs_dir, f"/api/v1/orgs/{org}" + url.format(pid=pid))


TEAM = """id,name,manager_id,title,role
boss,Bea Boss,,Head of Accounts,Director of Account Management
am1,Anna Andersen,boss,,Kundechef
x1,Xavier Ex,boss,Astronaut,astronaut
"""


@pytest.fixture
def one_ladder(tmp_path: Path) -> Path:
    """A folder with one ladder and a team.csv without a manifest."""
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(GRAPHS / "account-management.yaml", folder)
    (folder / "team.csv").write_text(TEAM, encoding="utf-8")
    return folder


def test_cli_and_web_use_the_folders_only_ladder(one_ladder):
    r = invoke(one_ladder, "people", "validate", "team")
    assert r.exit_code == 0
    assert "unknown role 'astronaut'" in r.output
    assert r.stdout.strip().endswith("ok, 3 people, 1 warning")
    r = invoke(one_ladder, "people", "show", "am1", "--people", "team", "--json")
    person = json.loads(r.stdout)
    assert person["role"]["id"] == "account-manager"
    assert person == _api(one_ladder, "/api/v1/orgs/team/people/am1")
    assert "Account Manager" in invoke(one_ladder, "people", "chain", "am1", "--people",
                                       "team").stdout  # the table shows the role's title


def test_a_people_file_outside_the_folder_gets_the_same_ladder(one_ladder, tmp_path):
    outside = tmp_path / "elsewhere" / "crew.csv"
    outside.parent.mkdir()
    outside.write_text(TEAM, encoding="utf-8")
    r = invoke(one_ladder, "people", "show", "am1", "--people", str(outside), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["role"]["id"] == "account-manager"
    r = invoke(one_ladder, "people", "validate", str(outside))
    assert "unknown role 'astronaut'" in r.output


def test_two_ladders_and_no_manifest_means_no_roles(one_ladder):
    text = (GRAPHS / "account-management.yaml").read_text(encoding="utf-8")
    (one_ladder / "other.yaml").write_text(
        text.replace("id: account-management", "id: other-ladder", 1), encoding="utf-8")
    r = invoke(one_ladder, "people", "show", "am1", "--people", "team", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["role"] is None
