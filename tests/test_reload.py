"""Files are re-read on change by the store's loader thread, never on a request.

A broken edit keeps the last good version serving; requests never wait for a load.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orgpath.web import create_app

FILE = "account-management.yaml"
OLD = "title: {en: Account Manager, da: Kundechef}"
NEW = "title: {en: Key Account Manager, da: Nøglekundechef}"
R = "/api/v1/ladders/account-management/roles/account-manager"
FAST = {"TESTING": True, "RELOAD_INTERVAL": 0.05, "SETTLE_TIME": 0.1}


def write(path: Path, text: str) -> None:
    """Write and move mtime forward, so a change within the clock's granularity is seen."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    bumped = max(before + 1_000_000_000, path.stat().st_mtime_ns)
    os.utime(path, ns=(bumped, bumped))


def until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``check`` until it holds (the loader runs every few hundredths of a second)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.02)


@pytest.fixture
def edit_app(graphs_dir):
    return create_app({**FAST, "GRAPHS": str(graphs_dir)}), graphs_dir / FILE


def title(c) -> str:
    return c.get(R).get_json()["title"]


def test_edit_is_seen_without_restart(edit_app):
    app, path = edit_app
    c = app.test_client()
    first = c.get(R)
    assert first.get_json()["title"] == "Account Manager"
    write(path, path.read_text(encoding="utf-8").replace(OLD, NEW))
    until(lambda: title(c) == "Key Account Manager", "the edit is served")
    second = c.get(R)
    assert second.headers["ETag"] != first.headers["ETag"]  # new version, new ETag
    assert c.get(R + "?lang=da").get_json()["title"] == "Nøglekundechef"
    page = c.get("/ladders/account-management/roles/account-manager")
    assert b"Key Account Manager" in page.data
    chart = c.get("/ladders/account-management/chart.svg")
    assert b"Key Account Manager" in chart.data


def test_a_file_being_written_is_not_taken_until_it_settles(graphs_dir):
    """Truncated in place and left half-written: the last good version stays served."""
    app = create_app({"TESTING": True, "RELOAD_INTERVAL": 0.05, "SETTLE_TIME": 1.0,
                      "GRAPHS": str(graphs_dir)})
    c = app.test_client()
    until(lambda: c.get("/healthz").get_json()["status"] == "ok", "the first load")
    path = graphs_dir / FILE
    good = path.read_text(encoding="utf-8")
    with path.open("r+", encoding="utf-8") as fh:
        fh.truncate(0)
        fh.write(good[: len(good) // 2])  # a valid YAML prefix? never served either way
        fh.flush()
        for _ in range(20):  # keep writing for longer than settle_time
            assert c.get("/api/v1/ladders").get_json()[0]["roles"] == 7
            assert title(c) == "Account Manager"
            os.utime(path)  # still being written to
            time.sleep(0.1)
        fh.seek(0)
        fh.truncate(0)
        fh.write(good.replace(OLD, NEW))
    until(lambda: title(c) == "Key Account Manager", "the finished file is served")
    assert c.get("/healthz").get_json()["status"] == "ok"


def test_broken_edit_keeps_serving_and_shows_in_healthz(edit_app):
    app, path = edit_app
    c = app.test_client()
    good = path.read_text(encoding="utf-8")
    assert c.get("/healthz").get_json()["status"] == "ok"
    write(path, good.replace(OLD, NEW) + "\nmoves: [this is: not closed\n")
    until(lambda: c.get("/healthz").get_json()["status"] == "degraded", "degraded")
    resp = c.get(R)
    assert resp.status_code == 200
    assert resp.get_json()["title"] == "Account Manager"
    assert c.get("/ladders/account-management").status_code == 200
    assert c.get("/api/v1/ladders").get_json()[0]["roles"] == 7
    health = c.get("/healthz").get_json()
    assert health["ladders"][0]["id"] == "account-management"  # still served
    [err] = health["errors"]
    assert err["file"] == FILE
    assert err["serving"] == "last good version"
    text = err["diagnostics"][0]["text"]
    assert text.startswith(f"{FILE}:")  # relative to the folder
    assert err["diagnostics"][0]["line"]
    # fixed: the new version is served and the service is ok again
    write(path, good.replace(OLD, NEW))
    until(lambda: title(c) == "Key Account Manager", "the fixed file is served")
    health = c.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["errors"] == []


def test_new_and_removed_files(edit_app):
    app, path = edit_app
    c = app.test_client()
    copy = path.with_name("copy.yaml")
    text = path.read_text(encoding="utf-8").replace("id: account-management", "id: copy-ladder")
    write(copy, text)

    def ids() -> list[str]:
        return [x["id"] for x in c.get("/api/v1/ladders").get_json()]

    until(lambda: ids() == ["account-management", "copy-ladder"], "the new file is served")
    assert c.get("/api/v1/ladders/copy-ladder/roles").status_code == 200
    copy.unlink()
    until(lambda: c.get("/api/v1/ladders/copy-ladder").status_code == 404, "removed")
    assert ids() == ["account-management"]


def test_broken_file_from_the_start(graphs_dir):
    path = graphs_dir / FILE
    write(path, "id: [\n")
    app = create_app({**FAST, "GRAPHS": str(graphs_dir)})
    c = app.test_client()
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/ladders").get_json() == []
    body = c.get("/api/v1/ladders/account-management").get_json()
    assert body["status"] == 404
    assert "/healthz" in body["detail"]
    health = c.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert health["errors"][0]["serving"] == "nothing"


def test_missing_folder_does_not_crash(tmp_path):
    app = create_app({**FAST, "GRAPHS": str(tmp_path / "nope")})
    c = app.test_client()
    assert c.get("/").status_code == 200
    assert c.get("/healthz").get_json()["ladders"] == []


def test_files_added_renamed_and_removed_at_once(edit_app):
    app, path = edit_app
    c = app.test_client()
    folder = path.parent

    def count() -> int:
        return len(c.get("/api/v1/ladders").get_json())

    text = path.read_text(encoding="utf-8").replace("id: account-management", "id: second")
    (folder / "second.yaml").write_text(text, encoding="utf-8")  # no mtime games
    (folder / "third.yaml").write_text(text.replace("id: second", "id: third"),
                                       encoding="utf-8")
    until(lambda: count() == 3, "two new files served")
    os.rename(folder / "third.yaml", folder / "fourth.yaml")
    until(lambda: "fourth.yaml" in {x["file"] for x in c.get("/healthz").get_json()["ladders"]},
          "the renamed file is listed")
    assert count() == 3
    (folder / "fourth.yaml").unlink()
    until(lambda: count() == 2, "the removed file is gone")
