"""The ladder commands of the ``orgpath`` CLI, through click's runner and a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath.cli import main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str, env: dict | None = None):
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def eng_dir(tmp_path) -> Path:
    shutil.copy(DATA / "ladder-engineering.yaml", tmp_path)
    return tmp_path


def test_help_lists_the_commands(cli):
    out = cli("--help").output
    for command in ("validate", "roles", "next", "path", "chain", "serve"):
        assert command in out


def test_roles_table_and_json(cli):
    res = cli("roles")
    assert res.exit_code == 0
    assert "account-manager" in res.output
    assert "Account Manager" in res.output
    da = cli("roles", "--lang", "da")
    assert "Kundechef" in da.output
    data = json.loads(cli("roles", "--json").output)
    assert data[0]["id"] == "vp-of-account-management"
    assert {r["id"] for r in data} >= {"assistant-account-manager", "account-executive"}


def test_next_by_title_in_danish(cli):
    res = cli("next", "kundechef", "--json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["role"]["id"] == "account-manager"
    assert {n["id"] for n in data["next"]} == {
        "lead-account-manager", "director-of-account-management", "account-executive"}
    table = cli("next", "Account Manager", "--kind", "promotion").output
    assert "Lead Account Manager" in table
    assert "Account Executive" not in table


def test_next_unknown_role_is_a_clean_error(cli):
    res = cli("next", "acount manager")
    assert res.exit_code == 1
    assert res.output.strip() == (
        "Error: no role matches 'acount manager' (did you mean account-manager, "
        "lead-account-manager, associate-account-manager?)")


def test_path_assistant_to_vp(cli):
    res = cli("path", "assistant-account-manager", "VP of Account Management", "-k", "2",
              "--json")
    data = json.loads(res.output)
    assert len(data["paths"]) == 2
    best = data["paths"][0]
    assert best["roles"][0]["id"] == "assistant-account-manager"
    assert best["roles"][-1]["id"] == "vp-of-account-management"
    assert best["total_years"] == sum(s["years"] for s in best["steps"])
    text = cli("path", "assistant-account-manager", "vp-of-account-management").output
    assert text.startswith("Best path:")


def test_path_by_years_on_another_folder(cli, eng_dir):
    res = cli("--graphs", str(eng_dir), "path", "junior-engineer", "senior-engineer",
              "--by", "years", "--json")
    assert json.loads(res.output)["paths"][0]["total_years"] == 5
    env = cli("path", "junior-engineer", "director", env={"ORGPATH_GRAPHS": str(eng_dir)})
    assert env.exit_code == 0
    assert "Director of Engineering" in env.output


def test_no_path_is_a_clean_error(cli, eng_dir):
    res = cli("--graphs", str(eng_dir), "path", "director", "junior-engineer")
    assert res.exit_code == 1
    assert "no career path from 'director' to 'junior-engineer'" in res.output


def test_chain(cli):
    res = cli("chain", "assistant-account-manager", "--json")
    chain = [r["id"] for r in json.loads(res.output)["chain"]]
    assert chain == ["assistant-account-manager", "lead-account-manager",
                     "director-of-account-management", "vp-of-account-management"]
    assert "reports to" in cli("chain", "Account Manager").output


def test_unknown_ladder(cli):
    res = cli("roles", "--ladder", "acount-management")
    assert res.exit_code == 1
    assert "no ladder 'acount-management' (did you mean account-management?)" in res.output


def test_validate_ok_warning_and_error(cli, tmp_path):
    assert cli("validate").exit_code == 0
    good = DATA / "ladder-engineering.yaml"
    res = cli("validate", str(good))
    assert res.exit_code == 0
    assert res.output.strip() == f"{good}: ok"
    warn = tmp_path / "warn.yaml"
    warn.write_text("id: w\ntitle: W\nroles:\n  - {id: a, title: A, level: 1}\n"
                    "  - {id: b, title: B, level: 2}\nmoves:\n  - {from: a, to: b}\n")
    res = cli("validate", str(warn))
    assert res.exit_code == 0
    assert f"{warn}:4:5: warning: role 'a' (level 1) has no reporting line" in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: b\ntitle: B\nroles:\n  - {id: a, title: A}\n")
    res = cli("validate", str(good), str(bad))
    assert res.exit_code == 1
    assert f"{bad}:4:5: error: role 'a': missing required field 'level'" in res.output
    assert "1 of 2 files rejected" in res.output
    report = json.loads(cli("validate", "--json", str(bad)).output.split("\n1 of")[0])
    assert report[0]["ok"] is False
    assert report[0]["diagnostics"][0]["line"] == 4


def test_validate_knows_org_files_and_manifests(cli, tmp_path):
    from orgpath.resources import default_graphs_dir

    graphs = default_graphs_dir()
    yamls = sorted(str(p) for p in graphs.glob("*.yaml"))  # what `validate graphs/*.yaml` gets
    assert any(p.endswith(".org.yaml") for p in yamls)
    res = cli("validate", *yamls, str(graphs / "agency.csv"))
    assert res.exit_code == 0, res.output
    assert "agency.org.yaml: ok" in res.output
    assert "agency.csv: ok" in res.output
    bad = tmp_path / "team.org.yaml"
    bad.write_text("- not a mapping\n")
    res = cli("validate", str(bad))
    assert res.exit_code == 1
    assert "a manifest must be a mapping" in res.output


def test_python_dash_m_runs_the_cli():
    res = subprocess.run([sys.executable, "-m", "orgpath", "next", "kundechef"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "Lead Account Manager" in res.stdout


def test_traceback_never_reaches_the_user(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [\n")
    res = subprocess.run([sys.executable, "-m", "orgpath", "--graphs", str(tmp_path), "roles"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "broken.yaml failed to load" in res.stderr
