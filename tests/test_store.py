"""The graphs folder store: reload on change, last good version kept, health."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from orgpath.store import NotFound, Store

DATA = Path(__file__).parent / "data"


def touch_later(path: Path) -> None:
    """Make sure the store sees a change even on coarse-mtime file systems."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def folder(tmp_path) -> Path:
    shutil.copy(DATA / "ladder-engineering.yaml", tmp_path / "engineering.yaml")
    return tmp_path


def test_loads_every_ladder(folder):
    store = Store(folder)
    assert store.ladder_ids() == ["engineering"]
    assert store.default_ladder_id() == "engineering"
    assert "director" in store.graph("engineering")
    assert store.health()["status"] == "ok"


def test_unknown_ladder_suggests(folder):
    with pytest.raises(NotFound, match=r"no ladder 'engneering' \(did you mean engineering\?\)"):
        Store(folder).graph("engneering")


def test_change_is_seen_without_restart(folder):
    store = Store(folder)
    assert store.graph("engineering").nodes["director"]["title"] == "Director of Engineering"
    path = folder / "engineering.yaml"
    path.write_text(path.read_text().replace("Director of Engineering", "Head of Engineering"))
    touch_later(path)
    assert store.graph("engineering").nodes["director"]["title"] == "Head of Engineering"


def test_broken_edit_keeps_last_good_version(folder):
    store = Store(folder)
    version = store.entry("ladder", "engineering").version
    path = folder / "engineering.yaml"
    good = path.read_text()
    path.write_text(good.replace("level: 5", "level: five"))
    touch_later(path)
    assert store.entry("ladder", "engineering").version == version  # still served
    health = store.health()
    assert health["status"] == "degraded"
    [problem] = health["errors"]
    assert problem["file"] == "engineering.yaml"
    assert problem["serving"] == "last good version"
    assert problem["diagnostics"][0]["line"] == 43
    assert "field 'level' must be a whole number" in problem["diagnostics"][0]["text"]
    path.write_text(good.replace("Director of Engineering", "Fixed"))
    touch_later(path)
    assert store.health()["status"] == "ok"
    assert store.graph("engineering").nodes["director"]["title"] == "Fixed"


def test_new_deleted_and_clashing_files(folder):
    store = Store(folder)
    shutil.copy(folder / "engineering.yaml", folder / "copy.yaml")
    assert store.ladder_ids() == ["engineering"]  # same id twice: the second is refused
    assert "already used by" in str(store.health()["errors"][0]["diagnostics"][0])
    (folder / "copy.yaml").unlink()
    (folder / "engineering.yaml").unlink()
    assert store.ladder_ids() == []
    assert store.health()["status"] == "ok"


def test_broken_file_never_loaded_is_reported(folder):
    (folder / "broken.yaml").write_text("id: [\n")
    store = Store(folder)
    assert store.ladder_ids() == ["engineering"]
    [problem] = store.health()["errors"]
    assert problem["serving"] == "nothing"
    with pytest.raises(NotFound, match="broken.yaml failed to load"):
        store.graph("nope")


def test_missing_folder_is_empty_not_a_crash(tmp_path):
    store = Store(tmp_path / "missing")
    assert store.ladder_ids() == []


def test_versions_agree_between_stores_and_change_with_the_file(folder):
    """Each gunicorn worker has its own store: their ETags must agree."""
    first, second = Store(folder), Store(folder)
    version = first.entry("ladder", "engineering").version
    assert second.entry("ladder", "engineering").version == version
    path = folder / "engineering.yaml"
    path.write_text(path.read_text().replace("Director of Engineering", "Head of Engineering"))
    touch_later(path)
    assert first.entry("ladder", "engineering").version != version
    assert second.entry("ladder", "engineering").version == \
        first.entry("ladder", "engineering").version


def test_entries_are_immutable_versions(folder):
    """A request holding an entry keeps one consistent version while the file changes."""
    store = Store(folder)
    held = store.entry("ladder", "engineering")
    path = folder / "engineering.yaml"
    path.write_text(path.read_text().replace("Director of Engineering", "Head of Engineering"))
    touch_later(path)
    assert store.graph("engineering").nodes["director"]["title"] == "Head of Engineering"
    assert held.graph.nodes["director"]["title"] == "Director of Engineering"
    with pytest.raises(AttributeError):
        held.version = "x"


def test_paused_loader_ends_and_runs_again_after_a_fork(folder):
    import time

    from orgpath import settings
    from orgpath import store as store_module

    values = {**settings.load(), "reload_interval": 0.05, "settle_time": 0.0}
    store = Store(folder, values=values, background=True)
    assert store.wait_ready(60)
    assert store_module.before_fork(60)  # what gunicorn's master does before forking
    assert not store._thread.is_alive()
    path = folder / "engineering.yaml"
    path.write_text(path.read_text().replace("Director of Engineering", "Head of Engineering"))
    touch_later(path)
    store_module.after_fork()  # what each worker does: its own loader again
    assert store._thread.is_alive()

    def title() -> str:
        return store.graph("engineering").nodes["director"]["title"]

    deadline = time.monotonic() + 60
    while title() != "Head of Engineering" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert title() == "Head of Engineering"
    store.close()


def test_a_fork_that_does_not_wait_leaves_the_load_to_the_worker(folder):
    import time

    from orgpath import settings
    from orgpath import store as store_module

    rows = ["id,name,manager_id"] + [f"p{i},Person {i},{'p0' if i else ''}"
                                     for i in range(50_000)]
    (folder / "many.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    values = {**settings.load(), "reload_interval": 0.05, "settle_time": 0.0}
    store = Store(folder, values=values, background=True)
    store.start()
    # the master does not wait (preload_wait 0): its loader keeps nothing more
    assert not store_module.before_fork(0)
    store_module.after_fork()  # the worker's own loader reads what is missing
    deadline = time.monotonic() + 60
    while store.org_ids() != ["many"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.org_ids() == ["many"]
    assert len(store.entry("org", "many").value.people) == 50_000
    store.close()
