"""Ladder files are re-read on change; a broken edit keeps the last good version serving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orgpath.web import create_app

FILE = "account-management.yaml"
OLD = "title: {en: Account Manager, da: Kundechef}"
NEW = "title: {en: Key Account Manager, da: Nøglekundechef}"
R = "/api/v1/ladders/account-management/roles/account-manager"


def write(path: Path, text: str) -> None:
    """Write and move mtime forward, so a change within the clock's granularity is seen."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    bumped = max(before + 1_000_000_000, path.stat().st_mtime_ns)
    os.utime(path, ns=(bumped, bumped))


@pytest.fixture
def edit_app(graphs_dir):
    return create_app({"TESTING": True, "GRAPHS": str(graphs_dir)}), graphs_dir / FILE


def test_edit_is_seen_by_the_next_request(edit_app):
    app, path = edit_app
    c = app.test_client()
    first = c.get(R)
    assert first.get_json()["title"] == "Account Manager"
    write(path, path.read_text(encoding="utf-8").replace(OLD, NEW))
    second = c.get(R)
    assert second.get_json()["title"] == "Key Account Manager"
    assert second.headers["ETag"] != first.headers["ETag"]  # new version, new ETag
    assert c.get(R + "?lang=da").get_json()["title"] == "Nøglekundechef"
    page = c.get("/ladders/account-management/roles/account-manager")
    assert b"Key Account Manager" in page.data
    chart = c.get("/ladders/account-management/chart.svg")
    assert b"Key Account Manager" in chart.data


def test_broken_edit_keeps_serving_and_shows_in_healthz(edit_app):
    app, path = edit_app
    c = app.test_client()
    good = path.read_text(encoding="utf-8")
    assert c.get("/healthz").get_json()["status"] == "ok"
    write(path, good.replace(OLD, NEW) + "\nmoves: [this is: not closed\n")
    resp = c.get(R)
    assert resp.status_code == 200 and resp.get_json()["title"] == "Account Manager"
    assert c.get("/ladders/account-management").status_code == 200
    assert c.get("/api/v1/ladders").get_json()[0]["roles"] == 7
    health = c.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert health["ladders"][0]["id"] == "account-management"  # still served
    [err] = health["errors"]
    assert err["file"] == FILE and err["serving"] == "last good version"
    text = err["diagnostics"][0]["text"]
    assert f"{FILE}:" in text and err["diagnostics"][0]["line"]
    # fixed: the new version is served and the service is ok again
    write(path, good.replace(OLD, NEW))
    assert c.get(R).get_json()["title"] == "Key Account Manager"
    health = c.get("/healthz").get_json()
    assert health["status"] == "ok" and health["errors"] == []


def test_new_and_removed_files(edit_app, tmp_path):
    app, path = edit_app
    c = app.test_client()
    copy = path.with_name("copy.yaml")
    text = path.read_text(encoding="utf-8").replace("id: account-management", "id: copy-ladder")
    write(copy, text)
    assert [x["id"] for x in c.get("/api/v1/ladders").get_json()] == [
        "account-management", "copy-ladder"]
    assert c.get("/api/v1/ladders/copy-ladder/roles").status_code == 200
    copy.unlink()
    assert c.get("/api/v1/ladders/copy-ladder").status_code == 404


def test_broken_file_from_the_start(graphs_dir):
    path = graphs_dir / FILE
    write(path, "id: [\n")
    app = create_app({"TESTING": True, "GRAPHS": str(graphs_dir)})
    c = app.test_client()
    assert c.get("/").status_code == 200
    assert c.get("/api/v1/ladders").get_json() == []
    body = c.get("/api/v1/ladders/account-management").get_json()
    assert body["status"] == 404 and "/healthz" in body["detail"]
    health = c.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["errors"][0]["serving"] == "nothing"


def test_missing_folder_does_not_crash(tmp_path):
    app = create_app({"TESTING": True, "GRAPHS": str(tmp_path / "nope")})
    c = app.test_client()
    assert c.get("/").status_code == 200
    assert c.get("/healthz").get_json()["ladders"] == []


def test_files_added_at_once_after_a_scan_are_seen(edit_app):
    """The store may skip listing the folder when its mtime is old; never for a fresh one."""
    app, path = edit_app
    c = app.test_client()
    folder = path.parent
    old = folder.stat().st_mtime_ns - 10_000_000_000
    os.utime(folder, ns=(old, old))  # a settled folder: the next listing is trusted
    assert len(c.get("/api/v1/ladders").get_json()) == 1
    assert len(c.get("/api/v1/ladders").get_json()) == 1  # listing skipped here
    text = path.read_text(encoding="utf-8").replace("id: account-management", "id: second")
    (folder / "second.yaml").write_text(text, encoding="utf-8")  # no mtime games
    assert [x["id"] for x in c.get("/api/v1/ladders").get_json()] == [
        "account-management", "second"]
    (folder / "third.yaml").write_text(text.replace("id: second", "id: third"),
                                       encoding="utf-8")
    assert len(c.get("/api/v1/ladders").get_json()) == 3  # right after: listed again
    os.rename(folder / "third.yaml", folder / "fourth.yaml")
    assert len(c.get("/api/v1/ladders").get_json()) == 3
    (folder / "fourth.yaml").unlink()
    assert len(c.get("/api/v1/ladders").get_json()) == 2
