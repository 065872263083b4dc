"""`pip install .` (not editable) gives a working orgpath with its data inside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _shipped(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder)) for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("src")
    # Build from a copy so the checkout gets no build/ or egg-info litter.
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
        check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            dst = build / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(build)],
        capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return target


def run_installed(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ORGPATH_GRAPHS"}
    env["PYTHONPATH"] = str(target)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


@pytest.mark.slow
def test_wheel_ships_every_data_file(installed):
    pkg = installed / "orgpath"
    have = _shipped(pkg)
    want = {f for f in _shipped(ROOT / "orgpath") if not f.endswith(".py")}
    want |= {f"graphs/{f}" for f in _shipped(ROOT / "graphs")}
    want |= {f"templates/{f}" for f in _shipped(ROOT / "templates")}
    assert "graphs/account-management.yaml" in want
    assert want - have == set()


@pytest.mark.slow
def test_installed_cli_uses_the_bundled_ladder(installed, tmp_path):
    res = run_installed(installed, "-c", "import orgpath; print(orgpath.__file__)", cwd=tmp_path)
    assert res.stdout.startswith(str(installed)), res.stdout + res.stderr
    res = run_installed(installed, "-m", "orgpath", "next", "kundechef", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Lead Account Manager" in res.stdout


@pytest.mark.slow
def test_installed_web_app_renders_pages(installed, tmp_path):
    code = (
        "from orgpath.web import create_app\n"
        "c = create_app().test_client()\n"
        "r = c.get('/ladders/account-management/roles/account-manager?lang=da')\n"
        "print(r.status_code, 'Kundechef' in r.get_data(as_text=True))\n"
    )
    res = run_installed(installed, "-c", code, cwd=tmp_path)
    assert res.stdout.split() == ["200", "True"], res.stdout + res.stderr
