"""History from git through the Python API and the CLI: a real repository, five dated commits.

The repository (``tests/history_repo.py``) has hires, a departure, a vacancy opened and
filled, a reorg (move, department, dotted line), a promotion, a retitle, and a ladder
whose roles are renamed (by title and by id), re-levelled and re-wired, with a changed
move, skill and salary band.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath import gitrepo
from orgpath.cli import main
from orgpath.diff import diff_people, diff_people_csv, expand_fail_on
from orgpath.history import entry_as_of, history_for
from orgpath.store import Store

_spec = importlib.util.spec_from_file_location(
    "history_repo", Path(__file__).with_name("history_repo.py"))
history_repo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(history_repo)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return history_repo.make_repo(tmp_path_factory.mktemp("history"))


@pytest.fixture
def run(repo, monkeypatch):
    """``run("diff", ...)`` in the repository's root, with --graphs graphs."""
    monkeypatch.chdir(repo)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--graphs", str(repo / "graphs"), *args])

    return invoke


def changes_of(data: dict, category: str) -> list[dict]:
    return [c for c in data["changes"] if c["category"] == category]


# --- gitrepo ---------------------------------------------------------------------------


def test_revisions_from_users_are_checked():
    for bad in ("-p", "HEAD;rm -rf /", "a..b", "$(id)", "x" * 500, ""):
        with pytest.raises(gitrepo.RevisionError):
            gitrepo.check_rev(bad)


def test_unknown_revision_is_a_clear_error(repo):
    r = gitrepo.Repo.discover(repo / "graphs")
    with pytest.raises(gitrepo.RevisionError, match="unknown revision 'nope'"):
        r.resolve("nope")


def test_no_repository(tmp_path):
    assert gitrepo.discover(tmp_path) is None


def test_log_of_a_file_counts_its_manifest(repo):
    s = Store(repo / "graphs")
    h = history_for(s)
    messages = [v.commit.message for v in h.log(s.entry("org", "acme"))]
    assert messages[0] == "Rename the org"
    assert len(messages) == 4


def test_nothing_is_checked_out(repo):
    before = (repo / "graphs" / "acme.csv").read_bytes()
    s = Store(repo / "graphs")
    entry_as_of(s, "org", "acme", "2024-01-11")
    assert (repo / "graphs" / "acme.csv").read_bytes() == before
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout
    assert status == ""


# --- as_of ------------------------------------------------------------------------------


def test_as_of_gives_the_file_of_that_day(repo):
    s = Store(repo / "graphs")
    jan = entry_as_of(s, "org", "acme", "2024-01-31")
    ids = {p.id for p in jan.value.people}
    assert "d1" in ids
    assert "h1" not in ids
    assert jan.value.title == "Acme Sales"
    ladder = entry_as_of(s, "ladder", "sales", "2024-03-01")
    assert ladder.graph.nodes["senior"]["level"] == 3


def test_as_of_is_cached_by_blob(repo):
    s = Store(repo / "graphs")
    first = entry_as_of(s, "org", "acme", "2024-02-16")
    again = entry_as_of(s, "org", "acme", "2024-03-01")  # same blob, same manifest
    assert again is first


def test_as_of_before_the_first_commit(repo):
    s = Store(repo / "graphs")
    with pytest.raises(gitrepo.RevisionError, match="no commit on or before 2023-12-31"):
        entry_as_of(s, "org", "acme", "2023-12-31")


def test_as_of_bad_date(repo):
    s = Store(repo / "graphs")
    with pytest.raises(gitrepo.RevisionError, match="not a date"):
        entry_as_of(s, "org", "acme", "2024-02-30")


# --- diffs as functions ---------------------------------------------------------------------


def test_csv_fast_path_and_model_diff_agree(repo):
    s = Store(repo / "graphs")
    a = entry_as_of(s, "org", "acme", "2024-01-10").value
    b = entry_as_of(s, "org", "acme", "2024-03-20").value
    lg = s.graph("sales")
    by_model = diff_people(a, b, ladder_graph=lg).as_dict()
    by_text = diff_people_csv(history_repo.ORG_1, history_repo.ORG_3, ladder_graph=lg).as_dict()
    assert by_model["changes"] == by_text["changes"]
    assert by_model["teams"] == by_text["teams"]


def test_quoted_csv_takes_the_csv_reader():
    old = 'id,name,manager_id\na,"Boss, Ann",\nb,Bob,a\n'
    new = 'id,name,manager_id\na,"Boss, Ann",\nb,Bob,a\nc,"Lee, Cy",a\n'
    d = diff_people_csv(old, new)
    assert [(c["category"], c["name"]) for c in d.changes] == [("joined", "Lee, Cy")]
    assert d.teams == [{"manager": "a", "name": "Boss, Ann", "before": 1, "after": 2}]


def test_duplicate_id_is_an_error_with_its_line():
    from orgpath.diagnostics import InputError

    bad = 'id,name,manager_id\na,"Ann",\na,Bob,\n'
    with pytest.raises(InputError, match=r"people \(new\):3: error: duplicate id 'a'"):
        diff_people_csv("id,name,manager_id\na,Ann,\n", bad, name="people")


def test_fail_on_words():
    assert expand_fail_on(["hires"]) == {"joined"}
    with pytest.raises(ValueError, match="unknown category 'typo'"):
        expand_fail_on(["typo"])


# --- the CLI ------------------------------------------------------------------------------


def test_cli_people_diff_json_has_every_category(run):
    r = run("diff", "HEAD~4:graphs/acme.csv", "graphs/acme.csv", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["kind"] == "org"
    assert {c["id"] for c in changes_of(data, "joined")} == {"h1", "v1"}
    assert [c["id"] for c in changes_of(data, "left")] == ["d1"]
    assert changes_of(data, "moved") == [{"id": "e", "name": "Eva Rep", "category": "moved",
                                          "from": "b", "to": "c"}]
    promoted = changes_of(data, "promoted")
    assert [(c["id"], c["from"], c["to"], c["level_from"], c["level_to"])
            for c in promoted] == [("f", "junior", "mid", 1, 2)]
    assert [(c["id"], c["to"]) for c in changes_of(data, "retitled")] == [("f", "Sales Rep")]
    assert [(c["id"], c["to"]) for c in changes_of(data, "department-changed")] == \
        [("e", "Growth")]
    assert [(c["id"], c["to"]) for c in changes_of(data, "dotted-added")] == [("e", "b")]
    assert {t["manager"]: (t["before"], t["after"]) for t in data["teams"]} == \
        {"b": (2, 1), "c": (1, 3)}
    assert data["totals"]["people_before"] == 6
    assert data["totals"]["people_after"] == 7


def test_cli_vacancy_opened_and_filled(run):
    opened = json.loads(run("diff", "HEAD~4:graphs/acme.csv", "HEAD~3:graphs/acme.csv",
                            "--json").output)
    assert [c["id"] for c in changes_of(opened, "vacancy-opened")] == ["v1"]
    filled = json.loads(run("diff", "HEAD~3:graphs/acme.csv", "HEAD~2:graphs/acme.csv",
                            "--json").output)
    assert [c["id"] for c in changes_of(filled, "vacancy-filled")] == ["v1"]
    assert changes_of(filled, "vacancy-opened") == []


def test_cli_ladder_diff_json_has_every_category(run):
    r = run("diff", "HEAD~4:graphs/sales.yaml", "graphs/sales.yaml", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    renamed = {c["id"]: (c["from"], c["to"]) for c in changes_of(data, "renamed-roles")}
    assert renamed == {"mid": ("Sales Rep", "Account Rep"), "chief": ("head", "chief")}
    assert [c["id"] for c in changes_of(data, "added-roles")] == ["lead"]
    assert changes_of(data, "removed-roles") == []
    assert [(c["id"], c["from"], c["to"]) for c in changes_of(data, "level-changed")] == \
        [("senior", 3, 4)]
    assert [(c["id"], c["to"]) for c in changes_of(data, "reporting-changed")] == \
        [("senior", ["chief"])]
    changed = changes_of(data, "moves-changed")
    assert [(c["id"], c["from"]["years"], c["to"]["years"]) for c in changed] == \
        [("junior → mid (promotion)", 2, 1.5)]
    assert [c["id"] for c in changes_of(data, "moves-added")] == ["senior → chief (promotion)"]
    assert [c["id"] for c in changes_of(data, "moves-removed")] == ["senior → head (promotion)"]
    assert [c["added"] for c in changes_of(data, "skills-changed")] == [["negotiation"]]
    assert [(c["from"]["min"], c["to"]["min"]) for c in changes_of(data, "salary-changed")] \
        == [(500000, 550000)]


def test_cli_table(run):
    r = run("diff", "HEAD~4:graphs/acme.csv", "graphs/acme.csv")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "HEAD~4:graphs/acme.csv → graphs/acme.csv"
    assert any(line.split()[:3] == ["left", "d1", "Dan"] for line in lines)
    assert any(line.split()[:2] == ["promoted", "f"] for line in lines)
    assert "people before 6 · people after 7" in r.output


def test_cli_markdown_is_a_pull_request_comment(run):
    r = run("diff", "HEAD~4:graphs/acme.csv", "graphs/acme.csv", "--format", "markdown")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("### HEAD~4:graphs/acme.csv → graphs/acme.csv\n")
    assert "| change | id | name | from | to |" in r.output
    assert "| joined | h1 | Hana \\<New\\> | — | c |" in r.output  # HTML is escaped
    assert "| Bo Senior (b) | 2 | 1 |" in r.output


def test_cli_fail_on_exit_codes(run):
    ok = run("diff", "HEAD~4:graphs/sales.yaml", "graphs/sales.yaml", "--fail-on",
             "removed-roles")
    assert ok.exit_code == 0, ok.output
    hit = run("diff", "HEAD~4:graphs/sales.yaml", "graphs/sales.yaml", "--fail-on",
              "removed-roles,level-changed")
    assert hit.exit_code == 3
    assert "failing on level-changed" in hit.output
    people = run("diff", "HEAD~4:graphs/acme.csv", "graphs/acme.csv", "--fail-on", "departures")
    assert people.exit_code == 3
    bad = run("diff", "HEAD~4:graphs/acme.csv", "graphs/acme.csv", "--fail-on", "oops")
    assert bad.exit_code == 1
    assert "unknown category 'oops'" in bad.output


def test_cli_since_diffs_every_file(run):
    r = run("diff", "--since", "HEAD~3", "--json")
    assert r.exit_code == 0, r.output
    files = {f["new"].rsplit("/", 1)[-1]: f for f in json.loads(r.output)["files"]}
    assert set(files) == {"acme.csv", "sales.yaml"}
    assert files["acme.csv"]["summary"]["promoted"] == 1
    assert files["sales.yaml"]["summary"]["renamed-roles"] == 2


def test_cli_since_a_date(run):
    r = run("diff", "--since", "2024-04-01", "--fail-on", "any")
    assert r.exit_code == 3
    assert "sales.yaml" in r.output


@pytest.mark.parametrize("args, message", [
    (("HEAD~9:graphs/acme.csv", "graphs/acme.csv"), "unknown revision 'HEAD~9'"),
    (("HEAD;ls:graphs/acme.csv", "graphs/acme.csv"), "is not a revision"),
    (("HEAD:graphs/nope.csv", "graphs/acme.csv"), "graphs/nope.csv does not exist at HEAD"),
    (("graphs/acme.csv", "graphs/sales.yaml"), "cannot compare"),
    (("graphs/acme.csv",), "give OLD and NEW"),
    (("graphs/missing.csv", "graphs/acme.csv"), "No such file"),
])
def test_cli_errors_are_one_clean_line(run, args, message):
    r = run("diff", *args)
    assert r.exit_code in (1, 2)
    assert message in r.output
    assert "Traceback" not in r.output


def test_cli_broken_version_names_file_and_line(run, repo):
    broken = repo / "broken.csv"
    broken.write_text("id,name,manager_id\na,Ann,\na,Bob,\n", encoding="utf-8")
    try:
        r = run("diff", "graphs/acme.csv", "broken.csv")
    finally:
        broken.unlink()
    assert r.exit_code == 1
    assert "broken.csv (new):3: error: duplicate id 'a'" in r.output


def test_cli_as_a_real_process(repo):
    """`python -m orgpath diff` in a subprocess: the exit code a CI job sees."""
    proc = subprocess.run(
        [sys.executable, "-m", "orgpath", "diff", "HEAD~1:graphs/sales.yaml",
         "graphs/sales.yaml", "--fail-on", "any"],
        cwd=repo, capture_output=True, text=True, env=_env())
    assert proc.returncode == 0, proc.stderr  # the last commit did not touch the ladder
    proc = subprocess.run(
        [sys.executable, "-m", "orgpath", "diff", "HEAD~2:graphs/sales.yaml",
         "graphs/sales.yaml", "--fail-on", "any"],
        cwd=repo, capture_output=True, text=True, env=_env())
    assert proc.returncode == 3, proc.stderr


def _env() -> dict:
    import os

    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_reordered_columns_are_not_changes():
    old = "id,name,manager_id,title\na,Ann,,CEO\nb,Bob,a,Analyst\n"
    new = "name,id,title,manager_id\nAnn,a,CEO,\nBob,b,Lead,a\n"
    d = diff_people_csv(old, new)
    assert [(c["category"], c["id"], c["to"]) for c in d.changes] == [("retitled", "b", "Lead")]


def test_people_json_versions_diff_through_the_reader():
    from orgpath.history import diff_blobs

    old = b'[{"id": "a", "name": "Ann", "manager_id": null}]'
    new = b'[{"id": "a", "name": "Ann", "manager_id": null}, {"id": "b", "name": "Bo", ' \
          b'"manager_id": "a"}]'
    d = diff_blobs("org", "team.people.json", old, new)
    assert [(c["category"], c["id"]) for c in d.changes] == [("joined", "b")]


def test_a_broken_people_json_version_names_its_side():
    from orgpath.diagnostics import InputError
    from orgpath.history import diff_blobs

    with pytest.raises(InputError, match=r"new:team\.people\.json"):
        diff_blobs("org", "team.people.json",
                   b'[{"id": "a", "name": "Ann", "manager_id": null}]', b"[{")


def test_short_row_falls_back_to_the_csv_reader_and_names_the_line():
    from orgpath.diagnostics import InputError

    old = "id,name,manager_id\na,Ann,\nb,Bob,a\n"
    with pytest.raises(InputError, match=r"p \(new\):3: error: row has 2 fields"):
        diff_people_csv(old, "id,name,manager_id\na,Ann,\nb,Bob\n", name="p")


def test_blank_lines_and_crlf_are_not_changes():
    old = "id,name,manager_id\na,Ann,\nb,Bob,a\n"
    new = "id,name,manager_id\r\na,Ann,\r\n\r\nb,Bob,a\r\nc,Cy,b\r\n"
    d = diff_people_csv(old, new)
    assert [(c["category"], c["id"]) for c in d.changes] == [("joined", "c")]
    assert d.teams == [{"manager": "b", "name": "Bob", "before": 0, "after": 1}]
