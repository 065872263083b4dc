"""What signing in costs: API throughput with a bearer token ÷ the same URLs without one.

Starts the real server (gunicorn ``-w 2``) over a copy of the bundled graphs whose
sample org is made ``view: public`` (so an anonymous request is answered too, without
emails), makes an API token in a private tokens file, warms the server, then drives
each URL with Debian's ``wrk``, anonymous and with ``Authorization: Bearer``, in
interleaved rounds (the median of each is kept), and prints the ratio signed ÷
unsigned per URL. Target: >= 0.9 for each. Usage::

    .venv/bin/python benchmarks/auth.py [--duration 4] [--rounds 7] [--threads 2]
                                        [--connections 16]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from orgpath.tokens import create_token  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from http_api import free_port, wrk  # noqa: E402  (one wrk driver for the HTTP benchmarks)

TARGET = 0.9
URLS = {
    "ladder next roles": "/api/v1/ladders/account-management/roles/account-manager/next",
    "org person": "/api/v1/orgs/agency/people/a02",
}


def get(url: str, headers: dict[str, str]) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        assert r.status == 200, (url, r.status)
        return r.read()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=4, help="seconds per run [4]")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds [7]")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads [2]")
    ap.add_argument("--connections", type=int, default=16, help="wrk connections [16]")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make browser-deps installs it)")
    with tempfile.TemporaryDirectory(prefix="orgpath-bench-auth-") as tmp:
        folder = Path(tmp) / "graphs"
        shutil.copytree(REPO / "graphs", folder)
        manifest = folder / "agency.org.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8")
                            + "access:\n  view: public\n", encoding="utf-8")
        tokens = Path(tmp) / "tokens.json"
        token = create_token(tokens, "bench", ("hr",))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "ORGPATH_GRAPHS": str(folder), "ORGPATH_AUTH": "proxy",
               "ORGPATH_TOKENS_FILE": str(tokens)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b",
             f"127.0.0.1:{port}", "orgpath.web:create_app()"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    get(base + "/healthz", {})
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start: "
                                         + proc.stderr.read().decode()[-2000:]) from None
                    time.sleep(0.1)
            signed = {"Authorization": f"Bearer {token}"}
            for path in URLS.values():
                for _ in range(50):
                    get(base + path, {})
                    get(base + path, signed)
            assert b"@nordlys.example" in get(base + URLS["org person"], signed)
            assert b"@nordlys.example" not in get(base + URLS["org person"], {})
            print(f"gunicorn -w {args.workers}, auth=proxy; wrk -t{args.threads} "
                  f"-c{args.connections} -d{args.duration}s x {args.rounds} interleaved "
                  f"rounds; {os.cpu_count()} CPUs")
            runs = {(n, s): [] for n in URLS for s in ("unsigned", "bearer")}
            for _ in range(args.rounds):
                for name, path in URLS.items():
                    for who, headers in (("unsigned", {}), ("bearer", signed)):
                        runs[name, who].append(wrk(base + path, args.duration, args.threads,
                                                   args.connections, headers=headers))
            ok = True
            for name in URLS:
                a = statistics.median(runs[name, "unsigned"])
                b = statistics.median(runs[name, "bearer"])
                ok &= b / a >= TARGET
                print(f"  {name:18} unsigned {a:7.0f} req/s, bearer {b:7.0f} req/s: "
                      f"ratio {b / a:4.2f} (target >= {TARGET})")
            return 0 if ok else 1
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
