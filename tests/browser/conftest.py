"""What every browser test shares: Debian's Chromium, its flags, one browser per module,
and the OpenID Connect provider (``provider``) that signs ``USER`` in.

Tests mark themselves with ``pytestmark = NEEDS_CHROMIUM`` and take the ``browser``
fixture (a Playwright ``Browser``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO, free_port, stop, wait_for

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, as root, on a machine with no network: without the background-networking
#: flags Chromium's own connections are refused, many at a time.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed at /usr/bin/chromium "
                              "(make browser-deps installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


USER = {"sub": "hanne", "email": "hanne@nordlys.example", "groups": ["hr"],
        "preferred_username": "hanne"}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The OIDC provider on a free loopback port (``python -m oidc_provider_mock``)."""
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port",
             str(port), "--user-claims", json.dumps(USER)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/.well-known/openid-configuration", proc)
    except RuntimeError as exc:
        stop(proc)
        pytest.fail(f"{exc}; log: {log.read_text(errors='replace')[-2000:]}")
    yield base
    stop(proc)


def oidc_env(issuer: str, **more: str) -> dict[str, str]:
    """The settings of a server that signs people in at ``issuer`` (the ``provider``)."""
    return {"ORGPATH_AUTH": "oidc", "ORGPATH_OIDC_ISSUER": issuer,
            "ORGPATH_OIDC_CLIENT_ID": "orgpath-test", "ORGPATH_OIDC_CLIENT_SECRET": "not-secret",
            "ORGPATH_SECRET_KEY": "test-only-key-0123456789abcdef", **more}
