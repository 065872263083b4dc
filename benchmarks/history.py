"""History from git: how fast diffs, as_of views and change lists are, against `git` itself.

    python benchmarks/history.py [--people 100000] [--commits 1000]

Builds a throw-away repository in a private temporary folder: two versions of a
generated org (``benchmarks/make_org.py``) with about 1 % of the people changed,
then a small org changed by ``--commits`` commits (written with ``git fast-import``).
Baseline, measured in the same run: ``git diff --stat`` of the same two blobs.
Targets (issue #13): a 100,000-person diff at most 1 s, the first ``as_of`` view at
most 2 s and later ones from the cache, the change list of a file with 1,000
commits at most 1 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_org import make_org  # noqa: E402

from orgpath.history import diff_blobs, history_for  # noqa: E402
from orgpath.store import Store  # noqa: E402

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.com",
       "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.com",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str, date: str | None = None, stdin: bytes | None = None) -> str:
    env = dict(ENV)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, input=stdin,
                          capture_output=True).stdout.decode()


def to_csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def changed(rows: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
    """About 1 % of the people changed: departures (leaves only), hires, moves, retitles."""
    out = [dict(r) for r in rows]
    managers = {r["manager_id"] for r in out if r["manager_id"]}
    n = len(out) // 400
    leaves = [r for r in out if r["id"] not in managers and not r["assistant"]]
    gone = {r["id"] for r in rng.sample(leaves, n)}
    out = [r for r in out if r["id"] not in gone]
    ms = sorted(managers - gone)
    for r in rng.sample(out[1:], n):
        r["manager_id"] = rng.choice([m for m in rng.sample(ms, 3) if m != r["id"]] or [ms[0]])
    for r in rng.sample(out[1:], n):
        r["title"] = (r["title"] or "") + " II"
    for i in range(n):
        out.append({**out[-1], "id": f"N{i:06d}", "name": f"New Hire {i}",
                    "manager_id": rng.choice(ms), "email": f"new{i}@example.com"})
    return out


CPU: dict[str, float] = {}


def timed(fn, repeat: int = 3, label: str = "") -> tuple[float, object]:
    """Best wall time of ``repeat`` runs (and the best CPU time, kept in CPU[label])."""
    best, cpu, value = float("inf"), float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        value = fn()
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    CPU[label] = cpu
    return best, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--commits", type=int, default=1_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="orgpath-bench-history-"))
    try:
        run(tmp, args.people, args.commits)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path, people: int, commits: int) -> None:
    root = tmp / "repo"
    graphs = root / "graphs"
    graphs.mkdir(parents=True)
    shutil.copy(ROOT / "graphs" / "account-management.yaml", graphs)
    git(root, "init", "-q", "-b", "main")
    rng = random.Random(1)
    rows = make_org(people, seed=1)
    (graphs / "big.csv").write_text(to_csv(rows), encoding="utf-8")
    (graphs / "big.org.yaml").write_text("title: Big\nladder: account-management\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "big org", date="2024-01-01T12:00:00+00:00")
    (graphs / "big.csv").write_text(to_csv(changed(rows, rng)), encoding="utf-8")
    git(root, "commit", "-q", "-am", "1 % changed", date="2024-02-01T12:00:00+00:00")
    # a small org changed by many commits, written in one go
    small = make_org(60, seed=2)
    stream = io.BytesIO()
    head = git(root, "rev-parse", "HEAD").strip()
    for i in range(commits):
        small[1 + i % 59]["title"] = f"Title {i}"
        data = to_csv(small).encode()
        msg = f"edit {i}".encode()
        when = 1_706_875_200 + i * 3600
        stream.write(b"commit refs/heads/main\n")
        stream.write(f"committer Bench <b@example.com> {when} +0000\n".encode())
        stream.write(b"data %d\n%s\n" % (len(msg), msg))
        if i == 0:
            stream.write(f"from {head}\n".encode())
        stream.write(b"M 100644 inline graphs/small.csv\n")
        stream.write(b"data %d\n%s\n" % (len(data), data))
    git(root, "fast-import", "--quiet", stdin=stream.getvalue())
    git(root, "reset", "-q", "--hard", "main")

    store = Store(graphs)
    h = history_for(store)
    repo = h.require()
    big = store.entry("org", "big")
    versions = h.log(big)
    new, old = versions[0], versions[1]

    base, _ = timed(lambda: git(root, "diff", "--stat", old.blob, new.blob))
    lg = store.graph("account-management")
    t_diff, d = timed(lambda: diff_blobs(
        "org", "big.csv", repo.read_blob(old.blob, 1 << 30), repo.read_blob(new.blob, 1 << 30),
        ladder=lg), label="diff")
    print(f"baseline  git diff --stat of the two blobs ({people:,} people): {base:.3f} s")
    print(f"diff      {people:,}-person versions, blobs read by id: {t_diff:.3f} s "
          f"(x{t_diff / base:.1f} of the baseline; target 1 s) "
          f"{'OK' if t_diff <= 1 else 'SLOW'}; {sum(d.by_category().values()):,} changes; "
          f"CPU {CPU['diff']:.3f} s")
    print(f"          load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(wall times stretch when the machine is shared)")

    t, c = time.perf_counter(), time.process_time()
    h.entry_at(big, "2024-01-15")
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    later, _ = timed(lambda: h.entry_at(big, "2024-01-15"))
    print(f"as_of     first view of the {people:,}-person org: {first:.3f} s "
          f"(x{first / base:.1f}; target 2 s) {'OK' if first <= 2 else 'SLOW'}; "
          f"later views {later * 1000:.2f} ms (cached); CPU {first_cpu:.3f} s")

    small_entry = store.entry("org", "small")
    t_git_log, _ = timed(lambda: git(root, "log", "--first-parent", "--format=%H %ct %an %s",
                                     "--", "graphs/small.csv"))
    t_log, page = timed(lambda: h.changes(small_entry, limit=20))
    print(f"baseline  git log of a file with {commits:,} commits: {t_git_log:.3f} s")
    print(f"changes   list of {page[0]:,} commits (pygit2 walk) and the first page of 20 "
          f"with diff summaries: {t_log:.3f} s (x{t_log / t_git_log:.1f} of git log; "
          f"target 1 s) {'OK' if t_log <= 1 else 'SLOW'}")


if __name__ == "__main__":
    main()
