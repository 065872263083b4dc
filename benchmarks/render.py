"""How much orgpath adds to Graphviz when it draws the ladder view.

Prints, for the ladder view of the bundled ladder (graphs/account-management.yaml,
or a built-in copy of its shape when the file is missing):

* cold: orgpath's render with an empty cache (view → DOT → Graphviz → SVG finish);
* dot:  ``dot -Tsvg`` on the same DOT file, run the same way (a subprocess);
* the ratio cold / dot (target ≤ 1.3), and the warm (cached) render time.

Each figure is the median of several interleaved runs.

    .venv/bin/python benchmarks/render.py [--runs 21]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orgpath.graph import ladder_graph  # noqa: E402
from orgpath.model import Ladder, Move, Role  # noqa: E402
from orgpath.render import Runner, build_view, render_chart  # noqa: E402

TARGET = 1.3


def bundled_graph():
    """The bundled ladder's graph, or a model-built ladder of the same shape."""
    path = ROOT / "graphs" / "account-management.yaml"
    if path.exists():
        from orgpath.ladderfile import read_ladder

        ladder, _ = read_ladder(path)
        if ladder is not None:
            return ladder_graph(ladder), str(path.relative_to(ROOT))
    t = {"en": "x"}
    ids = ["assistant", "associate", "manager", "lead", "director", "vp"]
    roles = [Role(r, {"en": r.title()}, i + 1, track="am",
                  reports_to=(ids[i + 1],) if i + 1 < len(ids) else (), summary=t)
             for i, r in enumerate(ids)]
    roles.append(Role("executive", {"en": "Executive"}, 3, track="sales",
                      reports_to=("director",)))
    moves = [Move(a, b, years=2) for a, b in zip(ids, ids[1:], strict=False)]
    moves += [Move("manager", "director", years=5), Move("executive", "lead", years=3),
              Move("manager", "executive", "lateral", years=2)]
    return ladder_graph(Ladder("account-management", {"en": "Account Management"},
                               tuple(roles), tuple(moves))), "built-in copy (file missing)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per figure (median)")
    args = parser.parse_args()

    G, source = bundled_graph()
    dot_source = build_view(G, "ladder").dot
    cold, base, warm, view = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        dot_file = Path(tmp) / "ladder.dot"
        dot_file.write_text(dot_source, encoding="utf-8")
        Runner().render(dot_source, "svg")  # load dot and its fonts once
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(["dot", "-Tsvg", str(dot_file)], capture_output=True, check=True)
            base.append(time.perf_counter() - t0)

            runner = Runner()  # empty cache
            t0 = time.perf_counter()
            render_chart(G, "ladder", "svg", runner=runner)
            cold.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            render_chart(G, "ladder", "svg", runner=runner)
            warm.append(time.perf_counter() - t0)
            assert runner.stats.calls == 1

            t0 = time.perf_counter()
            build_view(G, "ladder")
            view.append(time.perf_counter() - t0)

    m_cold, m_base = statistics.median(cold), statistics.median(base)
    ratio = m_cold / m_base
    print(f"ladder view of {source}: {len(G)} roles, {len(dot_source):,} bytes of DOT, "
          f"{args.runs} runs, medians")
    print(f"  dot -Tsvg (same DOT file)   {m_base * 1000:8.2f} ms")
    print(f"  orgpath cold render         {m_cold * 1000:8.2f} ms")
    print(f"  ratio cold / dot            {ratio:8.2f}   (target <= {TARGET})")
    print(f"  orgpath warm render         {statistics.median(warm) * 1000:8.2f} ms  (cached)")
    print(f"  of which view -> DOT        {statistics.median(view) * 1000:8.2f} ms")
    if ratio > TARGET:
        print(f"ratio {ratio:.2f} is above the target {TARGET}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
