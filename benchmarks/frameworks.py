"""Career frameworks: how fast the matrix, compare, gap and no-path answers are.

    python benchmarks/frameworks.py [--roles 400] [--skills 120] [--repeat 20]

Builds a synthetic ladder (``--roles`` roles on two tracks, ``--skills`` skills, each
role expecting about 15 of them) and times, per call, ``competency_matrix``,
``compare_roles`` (bottom to top), ``skill_gap`` (bottom to top, with a
self-assessment) and ``explain_no_path`` (top to bottom). Baseline, measured in the
same run: ``queries.shortest_path`` between the same roles, the work every compare
and gap already includes. Prints each time and its ratio to the baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

# the repository, not benchmarks/ (whose org.py would shadow other imports), comes first
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from orgpath import frameworks, queries  # noqa: E402
from orgpath.graph import ladder_graph  # noqa: E402
from orgpath.model import Ladder, Move, Role, ScaleLevel, Skill  # noqa: E402


def make_ladder(n_roles: int, n_skills: int, seed: int = 7) -> Ladder:
    """Two tracks of ``n_roles // 2`` levels each, promotions up each track and across."""
    rnd = random.Random(seed)
    skills = {f"s{i}": Skill(f"s{i}", {"en": f"Skill {i}"}, category=f"c{i % 5}")
              for i in range(n_skills)}
    scale = tuple(ScaleLevel(i, {"en": f"L{i}"}) for i in range(1, 5))
    per = n_roles // 2
    roles, moves = [], []
    for t in ("ic", "mgr"):
        for lv in range(1, per + 1):
            chosen = rnd.sample(sorted(skills), 15)
            # levels rise with seniority so no promotion drops one
            levels = {s: min(4, 1 + lv * 4 // (per + 1)) for s in chosen}
            roles.append(Role(f"{t}-{lv}", {"en": f"{t} {lv}"}, lv, track=t,
                              skills=tuple(chosen), skill_levels=levels))
            if lv > 1:
                moves.append(Move(f"{t}-{lv - 1}", f"{t}-{lv}", years=2))
    for lv in range(1, per, 7):
        moves.append(Move(f"ic-{lv}", f"mgr-{lv + 1}", years=3))
    return Ladder("bench", {"en": "Bench"}, tuple(roles), tuple(moves),
                  tracks={"ic": {"en": "IC"}, "mgr": {"en": "Manager"}}, skills=skills,
                  scale=scale)


def per_call(fn, repeat: int) -> float:
    fn()  # warm caches (moves graph, name index)
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--roles", type=int, default=400)
    ap.add_argument("--skills", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    G = ladder_graph(make_ladder(args.roles, args.skills))
    per = args.roles // 2
    low, top = "ic-1", f"mgr-{per}"
    have = {"s1": 2, "s2": 3}
    base = per_call(lambda: queries.shortest_path(G, low, top), args.repeat)
    print(f"{args.roles} roles, {args.skills} skills; baseline shortest_path "
          f"{base * 1000:.2f} ms")
    for name, fn in (
        ("competency_matrix", lambda: frameworks.competency_matrix(G)),
        ("compare_roles", lambda: frameworks.compare_roles(G, low, top)),
        ("skill_gap", lambda: frameworks.skill_gap(G, low, top, have)),
        ("explain_no_path", lambda: frameworks.explain_no_path(G, top, low)),
    ):
        t = per_call(fn, args.repeat)
        print(f"{name:18} {t * 1000:8.2f} ms   {t / base:6.1f}x baseline")


if __name__ == "__main__":
    main()
