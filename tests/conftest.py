"""Shared fixtures: the Flask app and clients, the CLI runner, a tmp graphs folder, a live server.

Every fixture is safe under ``pytest -n 2``: folders come from ``tmp_path``,
ports from the kernel (bind to port 0), and each xdist worker starts its own
live server.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from orgpath.resources import _bundled

REPO = Path(__file__).resolve().parent.parent


#: A small org tied to the bundled ladder (roles by id, title and Danish title; a name with <>).
ACME_CSV = """id,name,manager_id,title,role,department,email
vp,Vera Præst,,VP Accounts,vp-of-account-management,Accounts,vera@example.com
pa,Per Assistent,vp,Executive Assistant,,Accounts,
dir,Dina Direktør,vp,Director of Accounts,Director of Account Management,Accounts,
lead,Lars Leder,dir,Lead Account Manager,lead-account-manager,Accounts,
am1,Anna Andersen,dir,Account Manager,Kundechef,Accounts,anna@example.com
am2,Bo Berg,dir,Account Manager,account-manager,Accounts,
ae,Eva <Exec>,dir,Account Executive,account-executive,Sales,
aam,Asger Assistent,lead,Assistant Account Manager,assistant-account-manager,Accounts,
assoc,Sofie Sørensen,lead,Associate Account Manager,associate-account-manager,Accounts,
"""
ACME_MANIFEST = "title: Acme Accounts\nladder: account-management\n"


def add_acme(folder: Path) -> Path:
    """Write the Acme org (acme.csv + acme.org.yaml) into ``folder``."""
    (folder / "acme.org.yaml").write_text(ACME_MANIFEST, encoding="utf-8")
    (folder / "acme.csv").write_text(ACME_CSV, encoding="utf-8")
    return folder


def bundled_graphs() -> Path:
    """The graphs folder shipped with orgpath (ignores $ORGPATH_GRAPHS)."""
    return _bundled("graphs")


@pytest.fixture
def graphs_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled graphs folder, for tests that edit files."""
    dest = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), dest)
    return dest


@pytest.fixture
def org_graphs_dir(graphs_dir: Path) -> Path:
    """The bundled graphs plus the small Acme org (a tmp copy)."""
    return add_acme(graphs_dir)


@pytest.fixture
def org_app(org_graphs_dir):
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(org_graphs_dir)})


@pytest.fixture
def org_client(org_app):
    return org_app.test_client()


@pytest.fixture
def app():
    from orgpath.web import create_app

    return create_app({"TESTING": True, "GRAPHS": str(bundled_graphs())})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    """A click runner for the ``orgpath`` command (``runner.invoke(main, [...])``)."""
    return CliRunner()


@pytest.fixture
def cli():
    """``cli("roles", "--json")`` runs ``orgpath --graphs <bundled> ...``."""
    from orgpath.cli import main

    r = CliRunner()

    def run(*args: str):
        return r.invoke(main, ["--graphs", str(bundled_graphs()), *args], catch_exceptions=False)

    return run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {url} within {timeout:g} s")


def start_gunicorn(folder: Path, port: int, workers: int = 2, extra_env: dict | None = None,
                   log: Path | None = None) -> subprocess.Popen:
    """The real server: ``python -m gunicorn -w N -b 127.0.0.1:PORT "orgpath.web:create_app()"``."""
    env = {**os.environ, "ORGPATH_GRAPHS": str(folder), **(extra_env or {})}
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "orgpath.web:create_app()"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextlib.contextmanager
def served(folder: Path, log: Path, *, ready: tuple[str, ...] = ("/healthz",),
           timeout: float = 30.0, extra_env: dict | None = None,
           workers: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn over ``folder`` on a free port, ready once each of ``ready`` answers 200:
    ``(base URL, process)``, stopped afterwards. A server that does not come up fails
    the test with the tail of its ``log``."""
    port = free_port()
    proc = start_gunicorn(folder, port, workers=workers, extra_env=extra_env, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for path in ready:
            wait_for(base + path, proc, timeout=timeout)
    except RuntimeError as exc:
        stop(proc)
        pytest.fail(f"{exc}; log: {log.read_text(errors='replace')[-2000:]}")
    try:
        yield base, proc
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real gunicorn (2 workers) on a free port over a private copy of the graphs + Acme.

    Yields the base URL (``http://127.0.0.1:PORT``); the server is stopped at the end.
    """
    root = tmp_path_factory.mktemp("live")
    folder = root / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    add_acme(folder)
    with served(folder, root / "gunicorn.log") as (base, _):
        yield base


def load_benchmark(name: str) -> ModuleType:
    """A script of benchmarks/ as a module (without putting that folder on sys.path)."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"orgpath_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
