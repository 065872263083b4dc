"""The store under a real gunicorn (``orgpath serve``: gthread workers).

* A ladder rewritten in place (truncated, half written, then finished) 20 times,
  and replaced atomically, while clients hit the API: no wrong answer, no 404, no 5xx.
* A server started with a ~29 MB people file answers /healthz at once (``loading``)
  and other requests while the file loads; its worker is never killed.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from .conftest import bundled_graphs
from .test_store_safety import load_benchmark

bench = load_benchmark("robustness_rewrite")

pytestmark = pytest.mark.slow


def test_in_place_rewrites_under_load_give_no_wrong_answer():
    # Each rewrite takes 0.2 s; settle_time is ten times that, so that a writer starved of
    # CPU on a loaded test machine still finishes well within it.
    out = bench.run(rewrites=20, atomic=5, clients=4, workers=2, baseline=False,
                    settings={"settle_time": "2"})
    rw = out["rewrite"]
    assert rw["requests"] > 100
    assert rw["examples"] == []  # the first wrong answers, if any
    assert rw["wrong"] == 0
    assert rw["5xx"] == 0
    assert out["server_alive"]
    # the edits were served: both titles were seen (the last write leaves the new one)
    assert rw["titles"] == ["Account Manager", "Key Account Manager"]


def test_a_big_people_file_loads_beside_requests(tmp_path):
    folder = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    make_org = load_benchmark("make_org")
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as out:
        make_org.write_csv(make_org.make_org(250_000, seed=1), out)
    assert big.stat().st_size > 28_000_000
    time.sleep(6.5)  # the bundled files settle; big.csv arrives just before the start
    os.replace(big, folder / "big.csv")
    os.utime(folder / "big.csv")  # just arrived: the loader lets it settle, then reads it
    port = bench.free_port()
    log = tmp_path / "server.log"
    # A short worker timeout: a worker that loaded on a request, or blocked, would be killed.
    # settle_time 6 s: however fast this machine, the file is still loading when the
    # server first answers, so the test sees requests answered beside the load.
    # preload_wait 0: gunicorn's master forks at once, whatever it has loaded (on a busy
    # machine it may already be reading big.csv): the worker loads it beside requests.
    proc = bench.start_server(folder, port, workers=1, log=log,
                              settings={"worker_timeout": "10", "settle_time": "6",
                                        "preload_wait": "0"})
    base = f"http://127.0.0.1:{port}"
    try:
        first = bench.wait_until_up(base, proc)
        assert first["status"] == "loading"
        assert first["loading"] == ["big.csv"]
        # while it loads, everything else is answered
        answered_while_loading = 0
        while True:
            status, body = bench.get(base + "/api/v1/ladders/account-management/roles")
            assert status == 200
            assert len(json.loads(body)) == 7
            status, body = bench.get(base + "/healthz")
            assert status == 200
            if json.loads(body)["status"] != "loading":
                break
            answered_while_loading += 1
            time.sleep(0.2)
        assert answered_while_loading > 0
        health = json.loads(bench.get(base + "/healthz")[1])
        assert health["status"] == "ok"
        assert {"id": "big", "file": "big.csv", "people": 250_000} in health["orgs"]
        status, _ = bench.get(base + "/api/v1/orgs/big")
        assert status == 200
        assert proc.poll() is None
    finally:
        bench.stop(proc)
    text = log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in text
    assert text.count("Booting worker") == 1  # never restarted
