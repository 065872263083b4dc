"""``orgpath people ...`` and ``orgpath export org``: exit codes and outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath.cli.people import org, people

GRAPHS = Path(__file__).resolve().parent.parent / "graphs"
DATA = Path(__file__).parent / "data"
AGENCY = str(GRAPHS / "agency.csv")


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(cmd, *args):
        return runner.invoke(cmd, list(args), catch_exceptions=False)

    return invoke


def test_validate_ok(run):
    r = run(people, "validate", AGENCY)
    assert r.exit_code == 0
    assert r.stdout.strip() == f"{AGENCY}: ok, 40 people"


def test_validate_errors_exit_1(run):
    r = run(people, "validate", str(DATA / "people-errors.csv"))
    assert r.exit_code == 1
    assert "people-errors.csv:4: error: duplicate id '2' (rows 3 and 4)" in r.stderr
    assert "rejected" in r.stderr and "Traceback" not in r.output


def test_validate_warnings_exit_0_and_json(run, tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("id,name,manager_id,role\n1,Ann,,no such role\n")
    r = run(people, "validate", str(p), "--ladder-file", str(GRAPHS / "account-management.yaml"),
            "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["ok"] and data["people"] == 1
    assert data["diagnostics"][0]["severity"] == "warning"
    assert data["diagnostics"][0]["line"] == 2


def test_validate_missing_file(run):
    r = run(people, "validate", "nope/nothing.csv")
    assert r.exit_code == 1 and "no such people file" in r.stderr


def test_chain_and_reports(run):
    r = run(people, "chain", "a12", "--people", AGENCY)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[2].split()[0] == "a12" and lines[-1].split()[0] == "a01"
    assert "Account Manager" in lines[2]  # the ladder role's title
    r = run(people, "reports", "a08", "--people", AGENCY, "--json")
    assert [p["id"] for p in json.loads(r.stdout)] == ["a11", "a12", "a13", "a14"]
    r = run(people, "reports", "a06", "--people", AGENCY, "--all", "--json")
    assert len(json.loads(r.stdout)) == 10


def test_unknown_person_is_a_clean_error(run):
    r = run(people, "chain", "zz9", "--people", AGENCY)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: no person with id 'zz9'")


def test_stats_and_find(run):
    r = run(people, "stats", "--people", AGENCY, "--json")
    s = json.loads(r.stdout)
    assert (s["people"], s["roots"], s["vacant"], s["assistants"]) == (40, 1, 1, 1)
    r = run(people, "find", "soren", "--people", AGENCY)
    assert "Søren Østergaard" in r.stdout


def test_rejected_file_for_queries(run):
    r = run(people, "stats", "--people", str(DATA / "people-errors.csv"))
    assert r.exit_code == 1 and "rejected (6 errors shown)" in r.stderr


def test_export_svg_file(run, tmp_path):
    out = tmp_path / "org.svg"
    r = run(org, "--people", AGENCY, "-o", str(out))
    assert r.exit_code == 0, r.output
    root = ET.fromstring(out.read_bytes())
    assert sum(1 for g in root.iter("{http://www.w3.org/2000/svg}g")
               if g.get("class") == "node") == 40
    assert "wrote" in r.stderr


def test_export_formats_from_suffix_and_stdout(run, tmp_path):
    r = run(org, "--people", AGENCY, "--root", "a03", "--format", "json", "-o", "-")
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)["boxes"]) == 9
    r = run(org, "--people", AGENCY, "--neighbourhood", "a12", "-o", str(tmp_path / "n.dot"))
    assert (tmp_path / "n.dot").read_text().startswith("digraph org {")
    r = run(org, "--people", AGENCY, "--pages", "per-manager", "-o", str(tmp_path / "p.pdf"))
    assert r.exit_code == 0 and (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_export_usage_errors(run, tmp_path):
    r = run(org, "--people", AGENCY, "-o", str(tmp_path / "x.gif"))
    assert r.exit_code == 2 and "cannot tell the format" in r.stderr
    r = run(org, "--people", AGENCY, "--pages", "per-manager", "-o", str(tmp_path / "x.svg"))
    assert r.exit_code == 2
    r = run(org, "--people", AGENCY, "--neighbourhood", "a12", "--depth", "1")
    assert r.exit_code == 2
    r = run(org, "--people", AGENCY, "--max-nodes", "5", "-o", str(tmp_path / "x.svg"))
    assert r.exit_code == 1 and "more than the limit of 5" in r.stderr
    assert not (tmp_path / "x.svg").exists()
