"""What photos and the person page cost, against baselines measured in the same run.

* layout.json: ``serialize.org_layout`` of a generated org with the new columns (ladder
  role titles, words, the photo list from a ``photos/`` folder where 1 in 10 has a photo)
  against the same call without them (no ladder, no photos);
* a photo: ``photos.render_photo`` of a 12-megapixel JPEG to 96 px (decoded at a
  fraction of its size) against decoding it whole and resizing (Pillow's plain path);
* the person page of the top person (everyone below as a tree list, capped) against the
  page of a person without reports.

Prints wall and CPU seconds (user+sys of this process) and CPU ratios; judge by the ratios
on a busy machine.

    .venv/bin/python benchmarks/photos.py [--people 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(fn, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn()`` over ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), cpu()
        fn()
        cpus.append(cpu() - c)
        walls.append(time.perf_counter() - w)
    return statistics.median(walls), statistics.median(cpus)


def line(name: str, wall: float, cpu_s: float) -> None:
    print(f"  {name:<46} wall {wall * 1000:8.1f} ms   cpu {cpu_s * 1000:8.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from make_org import make_org, write_csv
    from PIL import Image

    from orgpath import photos, serialize
    from orgpath.graph import ladder_graph
    from orgpath.ladderfile import read_ladder
    from orgpath.org import org_graph
    from orgpath.peoplefile import read_org
    from orgpath.render.layout import tidy_layout

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = make_org(args.people, seed=1)
        csv_path = folder / "big.csv"
        with open(csv_path, "w", encoding="utf-8") as f:
            write_csv(rows, f)
        (folder / "big.org.yaml").write_text("title: Big\nladder: account-management\n")
        (folder / "account-management.yaml").write_bytes(
            (ROOT / "graphs" / "account-management.yaml").read_bytes())
        (folder / "photos").mkdir()
        rng = random.Random(1)
        small = io.BytesIO()
        Image.new("RGB", (64, 64), (120, 80, 40)).save(small, "JPEG")
        for r in rows:
            if rng.random() < 0.1:
                (folder / "photos" / f"{r['id']}.jpg").write_bytes(small.getvalue())
        LG = ladder_graph(read_ladder(folder / "account-management.yaml")[0])
        org, _ = read_org(csv_path, LG)
        G = org_graph(org)
        lay = tidy_layout(G, compact=True)

        print(f"layout.json columns, {len(G):,} people, 1 in 10 with a photo")
        bw, bc = measure(lambda: serialize.org_layout(G, lay, "v"), args.runs)
        line("baseline: no ladder titles, no photos", bw, bc)
        people = [G.nodes[v]["person"] for v in G]

        def full():
            ids = photos.photo_ids(people, folder, org)
            return serialize.org_layout(G, lay, "v", ladder_graph=LG, photos=ids,
                                        photo_url="/p/__ID__")

        fw, fc = measure(full, args.runs)
        line("with role titles, words, photo scan", fw, fc)
        sw, sc = measure(lambda: photos.photo_ids(people, folder, org), args.runs)
        line("  of which the photo scan", sw, sc)
        print(f"  cpu ratio {fc / bc if bc else float('nan'):.2f}")

        big = folder / "big.jpg"
        Image.effect_noise((4000, 3000), 60).convert("RGB").save(big, quality=90)
        print(f"\na photo: {big.stat().st_size / 1e6:.1f} MB JPEG, 4000 x 3000 -> 96 x 96")

        def plain():
            im = Image.open(big)
            im.load()
            im = im.convert("RGB").resize((96, 96))
            im.save(io.BytesIO(), "JPEG")

        pw, pc = measure(plain, args.runs)
        line("baseline: decode whole, resize", pw, pc)
        rw, rc = measure(lambda: photos.render_photo(big, 96, max_bytes=64 << 20,
                                                     max_pixels=40_000_000), args.runs)
        line("render_photo (draft decode, crop, strip)", rw, rc)
        print(f"  cpu ratio {rc / pc if pc else float('nan'):.2f}")

        from orgpath.web import create_app

        app = create_app({"TESTING": True, "GRAPHS": str(folder)})
        client = app.test_client()
        top = rows[0]["id"]
        managers = {r["manager_id"] for r in rows}
        leaf = next(r["id"] for r in reversed(rows) if r["id"] not in managers)
        client.get(f"/orgs/big/people/{top}")  # warm the caches (charts, views)
        client.get(f"/orgs/big/people/{leaf}")
        print(f"\nthe person page, {len(G):,} people (charts cached)")
        lw, lc = measure(lambda: client.get(f"/orgs/big/people/{leaf}"), args.runs)
        line("baseline: a person without reports", lw, lc)
        tw, tc = measure(lambda: client.get(f"/orgs/big/people/{top}"), args.runs)
        line("the top person (tree list of 1,000)", tw, tc)
        print(f"  cpu ratio {tc / lc if lc else float('nan'):.2f}")


if __name__ == "__main__":
    main()
