"""A real redis-server on loopback for tests: private folder, free port, no persistence."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest


def start_redis(folder: Path, port: int) -> subprocess.Popen:
    """``redis-server`` on 127.0.0.1:``port`` with its files in ``folder``; waits until it answers.

    Skips the test when Debian's redis-server is not installed (``make setup`` installs it).
    """
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make system-deps installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--protected-mode", "yes",
         "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    import redis

    conn = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 15
    while True:
        try:
            conn.ping()
            return proc
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log = (folder / "redis.log").read_text(errors="replace")[-1000:]
                raise RuntimeError(f"redis-server did not start: {log}") from None
            time.sleep(0.05)
