"""``orgpath serve`` with the ``preload`` setting (gunicorn ``--preload`` and its fork hooks).

* With preload the master loads the folder before it forks: the workers answer with
  every org loaded from their first request, and share its memory pages (their own,
  private memory is far below what they hold without preload).
* A file changed after the fork is reloaded by every worker (each runs its own loader).

The memory figures come from ``/proc/<pid>/smaps_rollup`` (``benchmarks/org_memory.py``).
"""

from __future__ import annotations

import json
import shutil
import sys
import time

import pytest

from .conftest import bundled_graphs
from .test_store_safety import load_benchmark

bench = load_benchmark("org_memory")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="reads /proc/<pid>/smaps_rollup")]

PEOPLE = 100_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preload") / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    bench.write_org(folder, PEOPLE)
    return folder


def first_health(base: str, proc) -> dict:
    """The first answer of /healthz once the server listens."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            status, body = bench.get(base + "/healthz")
        except OSError:
            time.sleep(0.1)
            continue
        assert status == 200
        return json.loads(body)
    raise AssertionError("the server never answered")


def test_preloaded_workers_share_the_org_and_reload_changes(folder, tmp_path):
    port = bench.free_port()
    proc = bench.start_server(folder, port, workers=2, preload=True, log=tmp_path / "on.log")
    base = f"http://127.0.0.1:{port}"
    try:
        health = first_health(base, proc)
        # loaded before the fork: no worker ever says "loading"
        assert health["status"] == "ok"
        assert {"id": "big", "file": "big.csv", "people": PEOPLE} in health["orgs"]
        deadline = time.monotonic() + 60
        while len(bench.children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # gunicorn forks the second worker after the first
        workers = bench.children(proc.pid)
        assert len(workers) == 2
        bench.wait_loaded(base, proc, 2)
        for pid in workers:
            mem = bench.smaps(pid)
            # most of what a worker holds (the runtime, the 100,000 people) is the master's
            assert mem["shared"] > 2 * mem["private"]

        # a ladder edited now is reloaded by each worker, in its own memory
        path = folder / "account-management.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Account Manager", "Key Account Manager"), encoding="utf-8")
        url = base + "/api/v1/ladders/account-management/roles"

        def new_titles_in_a_row() -> int:
            n = 0
            while n < 20:  # new connections: both workers answer some of them
                status, body = bench.get(url)
                assert status == 200
                if "Key Account Manager" not in body.decode():
                    return n
                n += 1
            return n

        deadline = time.monotonic() + 120
        while new_titles_in_a_row() < 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert new_titles_in_a_row() == 20
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_without_preload_each_worker_loads_its_own_copy(folder, tmp_path):
    on = bench.serve_memory(folder, workers=2, preload=True, log=tmp_path / "on.log")
    off = bench.serve_memory(folder, workers=2, preload=False, log=tmp_path / "off.log")
    shared_on = min(on["idle"][pid]["private"] for pid in on["workers"])
    own_off = min(off["idle"][pid]["private"] for pid in off["workers"])
    # each worker without preload holds the org (tens of MB) privately
    assert own_off > shared_on + 30
    total_on = sum(m["pss"] for m in on["idle"].values())
    total_off = sum(m["pss"] for m in off["idle"].values())
    assert total_on < total_off
