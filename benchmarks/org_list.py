"""The org list view on a big org: its cost against plain baselines measured in the same run.

    .venv/bin/python benchmarks/org_list.py                 # --people 100000 --rounds 5

Prints, for each case, the median wall and CPU seconds of ``--rounds`` warm runs and
its ratio to a baseline of the same kind: a search against ``org.find_people`` (the
org page's search before the list view), a sort against Python's ``sorted`` of the
same folded names, and a whole list page through the Flask test client (render
included) against the org's JSON person answer. Ratios are what to read on a busy
machine.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_org import make_org  # noqa: E402

from orgpath import org as orgq  # noqa: E402
from orgpath.orglist import ListQuery, list_people  # noqa: E402
from orgpath.text import fold  # noqa: E402


def measure(fn, rounds: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``rounds`` calls (after one warm-up call)."""
    fn()
    walls, cpus = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def line(name: str, got: tuple[float, float], base: tuple[float, float], base_name: str) -> None:
    ratio = got[1] / base[1] if base[1] else float("nan")
    print(f"{name:<44} wall {got[0] * 1000:8.1f} ms  cpu {got[1] * 1000:8.1f} ms  "
          f"÷ {base_name} (cpu {base[1] * 1000:.1f} ms) = {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)

    from orgpath.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "graphs"
        folder.mkdir()
        people = make_org(args.people, seed=1)
        with open(folder / "big.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(people[0]))
            w.writeheader()
            w.writerows(people)
        app = create_app({"TESTING": True, "GRAPHS": str(folder)})
        G = app.extensions["orgpath"].entry("org", "big").graph
        print(f"{len(G):,} people, {args.rounds} warm rounds each, medians")
        n = args.rounds

        find = measure(lambda: orgq.find_people(G, "jensen"), n)
        line("search q=jensen (list view, page of 50)",
             measure(lambda: list_people(G, ListQuery(q="jensen", per_page=50)), n),
             find, "find_people")
        names = [fold(d["person"].name) for d in G._node.values()]
        plain_sort = measure(lambda: sorted(names), n)
        line("sort=name, page 1 of 50",
             measure(lambda: list_people(G, ListQuery(sort="name", per_page=50)), n),
             plain_sort, "sorted(names)")
        line("sort=-headcount, page 1 of 50",
             measure(lambda: list_people(G, ListQuery(sort="-headcount", per_page=50)), n),
             plain_sort, "sorted(names)")
        dept = orgq.org_stats(G)["departments"]
        big_dept = next(iter(dept))  # the largest
        line(f"department={big_dept} ({dept[big_dept]:,}), sort=manager, page 2",
             measure(lambda: list_people(G, ListQuery(department=big_dept, sort="manager",
                                                      per_page=50, page=2)), n),
             plain_sort, "sorted(names)")
        c = app.test_client()
        root = orgq.roots(G)[0]
        person = measure(lambda: c.get(f"/api/v1/orgs/big/people/{root}?lang=da"), n)
        line("GET /orgs/big/people?sort=name (HTML)",
             measure(lambda: c.get("/orgs/big/people?sort=name&lang=da"), n),
             person, "GET person JSON")
        line("GET people.csv?sort=-headcount&page=3",
             measure(lambda: c.get("/orgs/big/people.csv?sort=-headcount&page=3"), n),
             person, "GET person JSON")
        line("GET /search?q=jensen (every org)",
             measure(lambda: c.get("/search?q=jensen&lang=da"), n),
             person, "GET person JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main())
