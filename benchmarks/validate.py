"""Validation time of a ladder that is one long chain, against parsing the same YAML.

For chains of 2,000, 4,000 and 8,000 roles (each promoted to and reporting to the
next), prints:

* load: ``yaml.load`` of the text with libyaml (the baseline, measured in this run);
* validate: ``parse_ladder`` of the same text (limits checked, positions, references,
  cycles, reachability, ways up);
* the ratio validate / load, and the growth of validate from one size to the next.

Validation is linear when the ratio stays flat as the size doubles (and each
doubling costs about 2x); it used to be quadratic (8,000 roles took 40 s).
Each figure is the best of several runs.

    .venv/bin/python benchmarks/validate.py [--runs 3] [--sizes 2000 4000 8000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orgpath.ladderfile import parse_ladder  # noqa: E402
from orgpath.safeio import Limits  # noqa: E402

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def chain(n: int) -> str:
    """A valid ladder of ``n`` roles in one chain."""
    lines = ["id: chain", "title: Chain", "roles:"]
    for i in range(n):
        boss = f", reports_to: [r{i + 1}]" if i < n - 1 else ""
        lines.append(f"  - {{id: r{i}, title: Role {i}, level: {i + 1}{boss}}}")
    lines.append("moves:")
    lines += [f"  - {{from: r{i}, to: r{i + 1}, years: 1}}" for i in range(n - 1)]
    return "\n".join(lines) + "\n"


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000])
    args = parser.parse_args()
    limits = Limits.from_environment()
    print(f"{'roles':>6} {'bytes':>9} {'load s':>8} {'validate s':>11} {'ratio':>6} "
          f"{'growth':>7}")
    previous = None
    for n in args.sizes:
        text = chain(n)
        ladder, diags = parse_ladder(text, "chain.yaml", limits=limits)
        if ladder is None:
            sys.exit(f"the {n}-role chain did not validate: {diags[:3]}")
        load = best(lambda t=text: yaml.load(t, Loader=_Loader), args.runs)
        check = best(lambda t=text: parse_ladder(t, "chain.yaml", limits=limits), args.runs)
        growth = f"{check / previous:6.2f}x" if previous else "      -"
        print(f"{n:>6} {len(text):>9,} {load:>8.3f} {check:>11.3f} {check / load:>6.2f} "
              f"{growth}")
        previous = check


if __name__ == "__main__":
    main()
