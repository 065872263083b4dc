"""Graphviz children that fail, hang or are interrupted, and the private core-plugin folder.

The misbehaving children are shell scripts that run the real ``dot`` and then
cut its output short, exit non-zero or get killed, as an interrupted Graphviz would.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orgpath.render.graphviz import (
    GraphvizTimeout,
    RenderError,
    Runner,
    core_plugin_dir,
    private_dir_problem,
)

SMALL = 'digraph { a -> b; b -> c; }'
DOT = shutil.which("dot")
PINNED = 'digraph { a [pos="0,0!" label="x"]; b [pos="200,0!"]; a -> b; }'


def script(folder: Path, body: str) -> str:
    path = folder / "fake-dot"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state  # a zombie: dead, waiting to be reaped by init


def gone_soon(pid: int, within: float = 5.0) -> bool:
    """Whether ``pid`` is gone within ``within`` seconds (a SIGKILL takes a moment to land)."""
    import time

    deadline = time.monotonic() + within
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_output_cut_short_is_an_error(tmp_path, fmt):
    r = Runner(script(tmp_path, f'{DOT} "$@" | head -c 300'), cache_bytes=0)
    with pytest.raises(RenderError, match=f"{fmt.upper()} output is incomplete"):
        r.render(SMALL, fmt)
    assert r.stats.errors == 1


def test_killed_by_a_signal_is_an_error(tmp_path):
    r = Runner(script(tmp_path, f'{DOT} "$@"; kill -9 $$'))
    with pytest.raises(RenderError, match="killed by SIGKILL"):
        r.render(SMALL, "svg")


def test_non_zero_exit_with_output_is_an_error(tmp_path):
    r = Runner(script(tmp_path, f'{DOT} "$@"; exit 3'))
    with pytest.raises(RenderError, match="exit status 3"):
        r.render(SMALL, "svg")


def test_failures_are_not_cached(tmp_path):
    r = Runner(script(tmp_path, f'{DOT} "$@" | head -c 300'))
    for _ in range(2):
        with pytest.raises(RenderError):
            r.render(SMALL, "svg")
    assert r.stats.calls == 2


def test_timeout_kills_the_whole_process_group(tmp_path):
    pidfile = tmp_path / "pid"
    r = Runner(script(tmp_path, f"sleep 60 & echo $! > {pidfile}; wait"), timeout=1.0)
    with pytest.raises(GraphvizTimeout):
        r.render(SMALL, "svg")
    assert gone_soon(int(pidfile.read_text()))


def test_an_interrupt_in_the_parent_kills_the_child(tmp_path):
    pidfile = tmp_path / "pid"
    r = Runner(script(tmp_path, f"sleep 60 & echo $! > {pidfile}; wait"), timeout=30.0)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            r.render(SMALL, "svg")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert gone_soon(int(pidfile.read_text()))


# --- the core-plugin folder -------------------------------------------------------------


def test_core_folder_is_private_to_the_user(tmp_path):
    home = tmp_path / "cache" / "orgpath"
    core = Path(core_plugin_dir(DOT, cache_home=home))
    assert core.parent == home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(core.stat().st_mode) == 0o700
    assert core.stat().st_uid == os.getuid()
    assert private_dir_problem(core) is None


def hostile(home: Path, how: str) -> None:
    if how == "symlink":
        elsewhere = home.parent / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        home.symlink_to(elsewhere)
        return
    home.mkdir(mode=0o700)
    if how == "other-owner":
        os.chown(home, 65534, 65534)
    else:
        home.chmod(0o777)  # chmod, as mkdir's mode is cut by the umask


@pytest.mark.parametrize("how", ["other-owner", "world-writable", "symlink"])
def test_a_folder_someone_else_controls_is_refused(tmp_path, how):
    home = tmp_path / "orgpath"
    hostile(home, how)
    assert private_dir_problem(home) is not None
    core = core_plugin_dir(DOT, cache_home=home)
    assert core is not None
    assert not Path(core).is_relative_to(home)
    assert not Path(core).is_relative_to(home.resolve())
    assert list(home.iterdir()) == []  # nothing made in it, nothing read from it
    assert private_dir_problem(Path(core)) is None


def test_a_planted_plugin_folder_is_not_used(tmp_path):
    """Another user's folder at the very name orgpath would use is refused."""
    name = Path(core_plugin_dir(DOT, cache_home=tmp_path / "first")).name
    home = tmp_path / "second"
    home.mkdir(mode=0o700)
    planted = home / name
    planted.mkdir()
    (planted / "libgvplugin_evil.so.6").write_bytes(b"not a plugin")
    os.chown(planted, 65534, 65534)
    core = core_plugin_dir(DOT, cache_home=home)
    assert core is not None
    assert Path(core) != planted
    assert not (Path(core) / "libgvplugin_evil.so.6").exists()


def test_pinned_charts_draw_with_a_refused_cache_folder(tmp_path, monkeypatch):
    cache = tmp_path / "xdg"
    cache.mkdir()
    hostile(cache / "orgpath", "world-writable")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    svg = Runner().render(PINNED, "svg", "neato", pinned=2)
    assert ET.fromstring(svg).tag.endswith("svg")
    assert list((cache / "orgpath").iterdir()) == []
