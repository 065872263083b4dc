"""The store as a boundary: links out of the folder, special files, loaders that raise,
size limits, files still loading, and what /healthz tells strangers and operators."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from orgpath import settings
from orgpath.store import NotFound, Store
from orgpath.web import create_app

from .conftest import ACME_CSV, bundled_graphs, load_benchmark

SECRET = "Prod-DB-Password-7f3a9"
OUTSIDE_CSV = f"id,name,manager_id\nx1,{SECRET},\n"
BIG = 300_000  # people in the big file
STRANGER = {"REMOTE_ADDR": "203.0.113.9"}  # not loopback


def values(**changes) -> dict:
    return settings.load({}) | {"settle_time": 0.0} | changes


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    """A graphs folder (the bundled ladder) and a folder outside it holding secrets."""
    folder = tmp_path / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.csv").write_text(OUTSIDE_CSV, encoding="utf-8")
    (outside / "secrets.yaml").write_text(f"id: {SECRET}\ndb_password: {SECRET}\n",
                                          encoding="utf-8")
    return folder, outside


def test_links_out_of_the_folder_are_refused(folders):
    folder, outside = folders
    (folder / "hr.csv").symlink_to(outside / "x.csv")
    (folder / "secrets.yaml").symlink_to(outside / "secrets.yaml")
    store = Store(folder, values=values())
    assert "hr" not in store.org_ids()
    assert store.ladder_ids() == ["account-management"]
    with pytest.raises(NotFound):
        store.entry("org", "hr")
    health = store.health()
    assert health["status"] == "degraded"
    refused = {e["file"]: e for e in health["errors"]}
    assert set(refused) == {"hr.csv", "secrets.yaml"}
    assert refused["hr.csv"]["serving"] == "nothing"
    assert "links outside the graphs folder" in refused["hr.csv"]["diagnostics"][0]["text"]
    assert SECRET not in json.dumps(health)
    assert str(outside) not in json.dumps(health)


def test_links_out_of_the_folder_are_not_served_over_http(folders):
    folder, outside = folders
    (folder / "hr.csv").symlink_to(outside / "x.csv")
    (folder / "secrets.yaml").symlink_to(outside / "secrets.yaml")
    c = create_app({"TESTING": True, "GRAPHS": str(folder), "SETTLE_TIME": 0.0}).test_client()
    assert c.get("/api/v1/orgs/hr").status_code == 404
    assert [x["id"] for x in c.get("/api/v1/ladders").get_json()] == ["account-management"]
    for environ in ({}, STRANGER):  # operator and stranger alike
        body = c.get("/healthz", environ_base=environ).get_data(as_text=True)
        assert SECRET not in body
        assert str(folder) not in body
        assert str(outside) not in body
        assert "hr.csv" in body


def test_outside_links_allowed_by_the_setting(folders):
    folder, outside = folders
    (folder / "hr.csv").symlink_to(outside / "x.csv")
    store = Store(folder, values=values(allow_outside_links=True))
    assert store.entry("org", "hr").value.people[0].name == SECRET


def test_links_inside_the_folder_are_followed(folders):
    folder, _ = folders
    (folder / "archive").mkdir()
    (folder / "archive" / "team-2024.csv").write_text(ACME_CSV, encoding="utf-8")
    (folder / "team.csv").symlink_to(Path("archive") / "team-2024.csv")
    store = Store(folder, values=values())
    assert len(store.entry("org", "team").value.people) == 9


def test_a_manifest_linking_out_makes_its_org_refused(folders):
    folder, outside = folders
    (folder / "acme.csv").write_text(ACME_CSV, encoding="utf-8")
    (folder / "acme.org.yaml").symlink_to(outside / "secrets.yaml")
    store = Store(folder, values=values())
    assert "acme" not in store.org_ids()
    [err] = store.health()["errors"]
    assert err["file"] == "acme.csv"
    assert "manifest acme.org.yaml" in err["diagnostics"][0]["text"]
    assert SECRET not in json.dumps(store.health())


def test_special_files_are_skipped_not_opened(folders):
    folder, _ = folders
    os.mkfifo(folder / "pipe.yaml")  # opening it for reading would block forever
    (folder / "dir.yaml").mkdir()
    (folder / "sock.csv").symlink_to("/dev/zero")
    store = Store(folder, values=values(allow_outside_links=True))
    done = threading.Event()

    def load() -> None:
        store.ladder_ids()
        done.set()

    threading.Thread(target=load, daemon=True).start()
    assert done.wait(60), "the store blocked on a special file"
    assert store.ladder_ids() == ["account-management"]
    reasons = {e["file"]: e["diagnostics"][0]["text"] for e in store.health()["errors"]}
    assert "not a regular file" in reasons["pipe.yaml"]
    assert "directory" in reasons["dir.yaml"]
    assert "not a regular file" in reasons["sock.csv"]


def test_a_loader_that_raises_becomes_a_diagnostic(folders):
    folder, _ = folders
    # 100,000 nested lists: json raises RecursionError unless the reader refuses it first
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    store = Store(folder, values=values())
    assert store.ladder_ids() == ["account-management"]
    [err] = store.health()["errors"]
    assert err["file"] == "deep.json"
    assert err["serving"] == "nothing"
    assert err["diagnostics"]


def test_files_over_the_size_limit_are_not_read(folders):
    folder, _ = folders
    (folder / "acme.csv").write_text(ACME_CSV, encoding="utf-8")
    store = Store(folder, values=values(max_people_bytes=1000))
    assert store.org_ids() == ["acme"]  # 702 bytes
    [err] = store.health()["errors"]
    assert err["file"] == "agency.csv"  # 3,539 bytes
    assert "the limit is 1,000 (setting max_people_bytes)" in err["diagnostics"][0]["text"]


def test_public_healthz_has_lines_not_file_text(folders):
    folder, _ = folders
    (folder / "leaky.yaml").write_text(f"id: [{SECRET}\nroles: {{\n", encoding="utf-8")
    c = create_app({"TESTING": True, "GRAPHS": str(folder), "SETTLE_TIME": 0.0}).test_client()
    public = c.get("/healthz", environ_base=STRANGER)
    assert public.status_code == 200
    body = public.get_json()
    assert body["status"] == "degraded"
    [err] = body["errors"]
    assert err["file"] == "leaky.yaml"
    [diag] = err["diagnostics"]
    assert set(diag) == {"file", "line", "text"}
    assert diag["text"] == f"leaky.yaml:{diag['line']}: error"
    assert SECRET not in public.get_data(as_text=True)
    assert str(folder) not in public.get_data(as_text=True)
    # from loopback, directly: the operator sees the message
    local = c.get("/healthz").get_json()["errors"][0]["diagnostics"][0]
    assert local["message"]
    assert str(folder) not in local["text"]
    # relayed by a proxy on the same host: a stranger again
    relayed = c.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"}).get_json()
    assert "message" not in relayed["errors"][0]["diagnostics"][0]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """300,000 people (about 35 MB): several seconds to load, even on an idle machine."""
    make_org = load_benchmark("make_org")
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        make_org.write_csv(make_org.make_org(BIG, seed=1), out)
    return path


@pytest.mark.slow
def test_reads_are_answered_while_a_big_file_loads(folders, big_csv):
    folder, _ = folders
    shutil.copy(big_csv, folder / "big.csv")
    store = Store(folder, values=values(max_org_people=BIG), background=True)
    store.start()
    # ladders load first, then orgs by name; each is served as soon as it is loaded
    while "agency" not in store.org_ids():
        time.sleep(0.001)
    health = store.health()
    assert health["status"] == "loading"
    assert health["loading"] == ["big.csv"]
    assert store.graph("account-management").number_of_nodes() == 7
    with pytest.raises(NotFound) as caught:
        store.entry("org", "big")
    assert caught.value.loading == ["big.csv"]
    assert "big.csv still loading" in str(caught.value)
    assert store.wait_ready(300)
    assert len(store.entry("org", "big").value.people) == BIG
    assert store.health()["status"] == "ok"


@pytest.mark.slow
def test_a_load_over_load_timeout_is_reported_failed(folders, big_csv):
    folder, _ = folders
    shutil.copy(big_csv, folder / "big.csv")
    store = Store(folder, values=values(load_timeout=1.0, max_org_people=BIG))
    assert "big" not in store.org_ids()
    [err] = store.health()["errors"]
    assert err["file"] == "big.csv"
    assert "took longer than 1 s (setting load_timeout)" in err["diagnostics"][0]["text"]
    assert store.ladder_ids() == ["account-management"]  # the rest is served


def test_a_forked_store_loads_in_the_child(folders):
    """gunicorn --preload forks a started store: the child runs a loader of its own."""
    folder, _ = folders
    store = Store(folder, values=values(reload_interval=0.05), background=True)
    assert store.wait_ready(60)
    text = (folder / "account-management.yaml").read_text(encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 when it sees a file added after the fork
        code = 1
        try:
            (folder / "second.yaml").write_text(
                text.replace("id: account-management", "id: second"), encoding="utf-8")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if "second" in store.ladder_ids():
                    code = 0
                    break
                time.sleep(0.02)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_file_that_never_stops_changing_is_reported_failed(folders):
    folder, _ = folders
    path = folder / "busy.yaml"
    path.write_text((folder / "account-management.yaml").read_text(encoding="utf-8")
                    .replace("id: account-management", "id: busy"), encoding="utf-8")
    stop_touching = threading.Event()

    def touch() -> None:  # a writer that never finishes
        while not stop_touching.is_set():
            os.utime(path)
            time.sleep(0.05)

    toucher = threading.Thread(target=touch, daemon=True)
    toucher.start()
    try:
        store = Store(folder, values=values(settle_time=0.5, load_timeout=1.0,
                                            reload_interval=0.1), background=True)
        deadline = time.monotonic() + 60
        while not store.health()["errors"]:
            assert time.monotonic() < deadline, "never reported"
            time.sleep(0.05)
        [err] = store.health()["errors"]
        assert err["file"] == "busy.yaml"
        assert err["serving"] == "nothing"
        assert "kept changing for 1 s" in err["diagnostics"][0]["text"]
        assert "busy" not in store.ladder_ids()
        assert store.ladder_ids() == ["account-management"]
    finally:
        stop_touching.set()
        toucher.join()
    # once it stops changing, it is read
    deadline = time.monotonic() + 60
    while "busy" not in store.ladder_ids():
        assert time.monotonic() < deadline, "never loaded after it settled"
        time.sleep(0.05)
