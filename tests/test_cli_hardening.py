"""The CLI on bad input (issue #8 item 11): special files, limits, outputs, terminals, signals.

Commands run as real processes (``python -m orgpath``) where a hang, a signal
or the process's own file access is what is tested, else through click's runner.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgpath.cli import main
from tests.conftest import REPO, bundled_graphs

LADDER = """id: tiny
title: Tiny
roles:
  - {id: junior, title: Junior, level: 1, reports_to: [senior]}
  - {id: senior, title: "Senior \\e[31m\\u202eroine", level: 2}
moves:
  - {from: junior, to: senior}
"""


def orgpath(*args: str, timeout: float = 120, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m orgpath ARGS`` in a fresh process; fails the test if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "orgpath", *args], capture_output=True, text=True,
        timeout=timeout, cwd=cwd or REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A graphs folder with one small ladder."""
    graphs = tmp_path / "graphs"
    graphs.mkdir()
    (graphs / "tiny.yaml").write_text(LADDER)
    return graphs


# --- special files -----------------------------------------------------------------------


def _one_error_line(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if needle in line]
    assert len(lines) == 1


def test_validate_refuses_a_fifo_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = orgpath("validate", str(fifo), timeout=60)
    _one_error_line(result, f"{fifo}: error: cannot read a FIFO (named pipe)")


def test_validate_refuses_dev_zero():
    result = orgpath("validate", "/dev/zero", timeout=60)
    _one_error_line(result, "/dev/zero: error: cannot read a character device")


def test_validate_refuses_a_folder(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    result = orgpath("validate", str(tmp_path / "folder.yaml"), timeout=60)
    _one_error_line(result, "error: cannot read a folder")


def test_people_validate_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "team.csv"
    os.mkfifo(fifo)
    result = orgpath("people", "validate", str(fifo), timeout=60)
    _one_error_line(result, "cannot read a FIFO (named pipe)")


def test_export_org_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "team.csv"
    os.mkfifo(fifo)
    result = orgpath("export", "org", "--people", str(fifo), "-o", str(tmp_path / "x.svg"),
                     timeout=60)
    _one_error_line(result, "cannot read a FIFO (named pipe)")
    assert not (tmp_path / "x.svg").exists()


def test_ladder_file_may_not_be_a_device(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text("id,name,manager_id\n1,Ann,\n")
    result = orgpath("people", "validate", str(team), "--ladder-file", "/dev/zero", timeout=60)
    _one_error_line(result, "/dev/zero: error: cannot read a character device")


# --- limits as on the server -------------------------------------------------------------


def test_validate_applies_the_size_setting(folder):
    result = orgpath("validate", str(folder / "tiny.yaml"),
                     env={"ORGPATH_MAX_LADDER_BYTES": "100"})
    _one_error_line(result, "limit (setting max_ladder_bytes, environment "
                            "ORGPATH_MAX_LADDER_BYTES)")


def test_people_validate_applies_the_people_setting(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text("id,name,manager_id\n1,Ann,\n2,Bob,1\n")
    result = orgpath("people", "validate", str(team), env={"ORGPATH_MAX_ORG_PEOPLE": "1"})
    _one_error_line(result, "more than 1 people: the limit is the setting max_org_people")


def test_a_bad_setting_is_one_clean_line(folder):
    result = orgpath("validate", str(folder / "tiny.yaml"), env={"ORGPATH_MAX_NESTING": "x"})
    _one_error_line(result, "setting max_nesting (ORGPATH_MAX_NESTING): 'x' is not a whole")


# --- where export writes -----------------------------------------------------------------


def test_export_org_will_not_overwrite_its_people_file(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text("id,name,manager_id\n1,Ann,\n")
    result = orgpath("export", "org", "--people", str(team), "--format", "json", "-o", str(team))
    _one_error_line(result, "is an input of this chart")
    assert team.read_text() == "id,name,manager_id\n1,Ann,\n"


def test_export_org_will_not_overwrite_its_ladder_file(tmp_path, folder):
    team = tmp_path / "team.csv"
    team.write_text("id,name,manager_id,role\n1,Ann,,junior\n")
    ladder = folder / "tiny.yaml"
    result = orgpath("--graphs", str(tmp_path), "export", "org", "--people", str(team),
                     "--ladder-file", str(ladder), "--format", "svg", "-o", str(ladder))
    _one_error_line(result, "is an input of this chart")
    assert ladder.read_text() == LADDER


def test_export_ladder_will_not_write_into_the_graphs_folder(folder):
    out = folder / "chart.svg"
    result = orgpath("--graphs", str(folder), "export", "ladder", "-o", str(out))
    _one_error_line(result, "is in the graphs folder")
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.yaml"]


def test_export_ladder_follows_symlinks_to_its_input(tmp_path, folder):
    link = tmp_path / "link.dot"
    link.symlink_to(folder / "tiny.yaml")
    result = orgpath("--graphs", str(folder), "export", "ladder", "-o", str(link))
    _one_error_line(result, "is an input of this chart")
    assert (folder / "tiny.yaml").read_text() == LADDER


def test_force_writes_into_the_graphs_folder(folder):
    out = folder / "chart.dot"
    result = orgpath("--graphs", str(folder), "export", "ladder", "--force", "-o", str(out))
    assert result.returncode == 0
    assert out.read_text().startswith("digraph")


# --- the terminal ------------------------------------------------------------------------

HOSTILE_NAMES = "id,name,manager_id,department\n1,Ann\x1b[2J\x1b[H,,Sales\u202eevil\n" \
                "2,\"Bob\rMallory\",1,Sales\n3,Cy\u2066x\u2069,1,Ops\x07\n"


def _assert_clean(text: str) -> None:
    for bad in ("\x1b", "\r", "\u202e", "\u2066", "\u2069", "\x07"):
        assert bad not in text


def test_people_tables_strip_control_characters(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text(HOSTILE_NAMES, encoding="utf-8")
    result = CliRunner().invoke(main, ["people", "reports", "1", "--people", str(team)])
    assert result.exit_code == 0
    assert "BobMallory" in result.output
    _assert_clean(result.output)


def test_people_stats_strip_control_characters(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text(HOSTILE_NAMES, encoding="utf-8")
    result = CliRunner().invoke(main, ["people", "stats", "--people", str(team)])
    assert result.exit_code == 0
    assert "Salesevil" in result.output
    _assert_clean(result.output)


def test_json_output_escapes_control_characters(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text(HOSTILE_NAMES, encoding="utf-8")
    result = CliRunner().invoke(main, ["people", "reports", "1", "--people", str(team),
                                       "--json"])
    assert result.exit_code == 0
    _assert_clean(result.output)
    names = [p["name"] for p in json.loads(result.output)["reports"]]
    assert names == ["Bob\rMallory", "Cy\u2066x\u2069"]


def test_diagnostics_strip_control_characters(tmp_path):
    team = tmp_path / "team.csv"
    team.write_text("id,name,manager_id\n1,Ann,\n2,Bob\x1b]0;pwned\x07,\u202e9\x1b[2J\n",
                    encoding="utf-8")
    result = orgpath("people", "validate", str(team))
    assert result.returncode == 1
    assert "unknown manager" in result.stderr
    _assert_clean(result.stderr)
    _assert_clean(result.stdout)


def test_ladder_titles_strip_control_characters(folder):
    result = CliRunner().invoke(main, ["--graphs", str(folder), "roles"])
    assert result.exit_code == 0
    assert "Senior [31mroine" in result.output
    _assert_clean(result.output)


# --- the graphs folder is not read when it is not needed ---------------------------------

AUDIT = """
import json, sys
folder, report, args = sys.argv[1], sys.argv[2], sys.argv[3:]
touched = []
def hook(event, info):
    if event in ("open", "os.scandir", "os.listdir") and info and isinstance(info[0], str) \\
            and info[0].startswith(folder):
        touched.append(info[0])
sys.addaudithook(hook)
from orgpath.cli import main
try:
    main(args)
except SystemExit as exc:
    code = exc.code
with open(report, "w") as fh:
    json.dump({"code": code, "touched": touched}, fh)
"""


def _audit(tmp_path: Path, folder: Path, *args: str) -> dict:
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-c", AUDIT, str(folder), str(report), "--graphs",
                    str(folder), *args], capture_output=True, timeout=120, cwd=REPO,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    return json.loads(report.read_text())


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """A graphs folder of two 5,000-role ladders."""
    from tests.test_hostile_files import chain_ladder

    graphs = tmp_path / "big"
    graphs.mkdir()
    for name in ("one", "two"):
        (graphs / f"{name}.yaml").write_text(chain_ladder(5000, name))
    return graphs


def test_help_reads_nothing_of_the_graphs_folder(tmp_path, big_folder):
    got = _audit(tmp_path, big_folder, "--help")
    assert got["code"] == 0
    assert got["touched"] == []


def test_validate_one_file_reads_only_that_file(tmp_path, big_folder, folder):
    got = _audit(tmp_path, big_folder, "validate", str(folder / "tiny.yaml"))
    assert got["code"] == 0
    assert got["touched"] == []


def test_validate_one_file_of_the_folder_reads_only_it(tmp_path, big_folder):
    got = _audit(tmp_path, big_folder, "validate", str(big_folder / "one.yaml"))
    assert got["code"] == 0
    assert set(got["touched"]) == {str(big_folder / "one.yaml")}


# --- Graphviz dies, or orgpath is told to stop, in the middle of an export ----------------


@pytest.fixture(scope="module")
def big_org(tmp_path_factory) -> Path:
    """A 12,000-person org: drawing it keeps Graphviz busy for seconds."""
    folder = tmp_path_factory.mktemp("bigorg")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_org.py"), "--people",
                    "12000", "--seed", "3", "-o", str(folder / "org.csv")], check=True,
                   timeout=300)
    return folder / "org.csv"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for_graphviz(proc: subprocess.Popen) -> int:
    """The pid of a Graphviz child of ``proc``, once one runs."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the export ended before Graphviz was seen: {proc.communicate()}")
        for child in _children(proc.pid):
            try:
                if Path(f"/proc/{child}/comm").read_text().strip() in ("dot", "neato"):
                    return child
            except OSError:
                continue
        time.sleep(0.02)
    pytest.fail("Graphviz never started")


def _start_export(org: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orgpath", "--graphs", str(bundled_graphs()), "export", "org",
         "--people", str(org), "--route", "graphviz", "-o", str(out)],  # a Graphviz child
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


@pytest.mark.slow
def test_graphviz_killed_by_a_signal_fails_the_export(tmp_path, big_org):
    outdir = tmp_path / "out"
    outdir.mkdir()
    proc = _start_export(big_org, outdir / "org.pdf")
    os.kill(_wait_for_graphviz(proc), signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "Graphviz" in err
    assert "Traceback" not in err
    assert list(outdir.iterdir()) == []


@pytest.mark.slow
def test_sigterm_during_export_leaves_nothing_behind(tmp_path, big_org):
    outdir = tmp_path / "out"
    outdir.mkdir()
    proc = _start_export(big_org, outdir / "org.pdf")
    child = _wait_for_graphviz(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "terminated" in err
    assert "Traceback" not in err
    assert list(outdir.iterdir()) == []
    assert _gone(child)


def test_write_failure_leaves_no_temp_file(tmp_path, folder):
    """An output that cannot be renamed into place (a folder is in the way) leaves nothing."""
    outdir = tmp_path / "out"
    (outdir / "chart.svg").mkdir(parents=True)
    result = orgpath("--graphs", str(folder), "export", "ladder", "-o",
                     str(outdir / "chart.svg"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [p.name for p in outdir.iterdir()] == ["chart.svg"]
