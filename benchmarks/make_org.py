"""Write a realistic random org as a people CSV.

    python benchmarks/make_org.py --people 100000 --seed 1 -o /tmp/org100k.csv

Spans of control are 3-12; 60 % of the people in the top two levels and 35 % below manage a
team of their own, filled breadth first, so the depth grows like log(N). Every
department head has an assistant; about 1 % have a dotted-line manager and
about 1 % of positions are vacant. Same ``--seed``, same file.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import deque

FIRST = ("Anna Mette Lars Søren Jens Sofie Ida Freja Mads Emil Oliver William Noah Lucas Emma "
         "Olivia Ava Mia Jakob Karen Henrik Camilla Louise Peter Mikkel Line Rasmus Astrid "
         "Thomas Julie Frederik Maja Aksel Clara Sebastian Nanna Victor Laura Jonas Ellen").split()
LAST = ("Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
        "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Smith Brown Taylor Wilson Evans "
        "Walker Wright Hughes Clarke Møller Poulsen Johansen Knudsen Mortensen Østergaard").split()
DEPARTMENTS = ("Accounts", "Sales", "Engineering", "Finance", "People", "Operations",
               "Marketing", "Legal", "Support", "Data", "Design", "Facilities")
# (title, ladder role) by management level below the CEO
LEVELS = (
    ("VP of Account Management", "vp-of-account-management"),
    ("Director of Account Management", "director-of-account-management"),
    ("Lead Account Manager", "lead-account-manager"),
    ("Account Manager", "account-manager"),
)
ICS = (("Associate Account Manager", "associate-account-manager"),
       ("Assistant Account Manager", "assistant-account-manager"),
       ("Account Executive", "account-executive"))


def make_org(n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` people as dicts with the people-file columns (the first row is the CEO)."""
    rng = random.Random(seed)
    people: list[dict[str, str]] = []

    def person(manager: dict | None, depth: int, dept: str, manages: bool) -> dict:
        pid = f"E{len(people) + 1:06d}"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if manager is None:
            title, role = "Chief Executive Officer", ""
        elif manages:
            title, role = LEVELS[min(depth - 1, len(LEVELS) - 1)]
        else:
            title, role = rng.choice(ICS)
        vacant = manager is not None and not manages and rng.random() < 0.01
        p = {
            "id": pid,
            "name": "" if vacant else f"{first} {last}",
            "manager_id": manager["id"] if manager else "",
            "title": title,
            "role": role,
            "department": dept,
            "email": "" if vacant else f"{first}.{last}.{pid}@example.com".lower(),
            "assistant": "",
            "dotted_managers": "",
            "vacant": "yes" if vacant else "",
        }
        people.append(p)
        return p

    ceo = person(None, 0, "Executive", True)
    queue: deque[tuple[dict, int]] = deque([(ceo, 0)])
    managers = [ceo]
    while len(people) < n:
        if not queue:  # everyone so far is a leaf: promote a random one
            p = rng.choice(people)
            queue.append((p, 1))
        boss, depth = queue.popleft()
        span = rng.randint(3, 12)
        # department heads get an assistant
        if depth == 1 and len(people) < n:
            a = person(boss, depth + 1, boss["department"], False)
            a.update(assistant="yes", title="Executive Assistant", role="", vacant="")
            a["name"] = a["name"] or "Alex Assistant"
        share = 0.6 if depth < 2 else 0.35
        for _ in range(span):
            if len(people) >= n:
                break
            dept = rng.choice(DEPARTMENTS) if depth == 0 else boss["department"]
            manages = rng.random() < share
            p = person(boss, depth + 1, dept, manages)
            if manages:
                queue.append((p, depth + 1))
                managers.append(p)
            elif rng.random() < 0.01 and len(managers) > 2:
                other = rng.choice(managers)
                if other["id"] != boss["id"]:
                    p["dotted_managers"] = other["id"]
    return people


FIELDS = ("id", "name", "manager_id", "title", "role", "department", "email", "assistant",
          "dotted_managers", "vacant")


def write_csv(people: list[dict[str, str]], out) -> None:
    """Write ``people`` as CSV to the text stream ``out``."""
    w = csv.DictWriter(out, FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(people)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1000, help="how many people (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("-o", "--output", default="-", help="CSV file to write (default stdout)")
    args = ap.parse_args(argv)
    if args.people < 1:
        ap.error("--people must be at least 1")
    people = make_org(args.people, args.seed)
    if args.output == "-":
        write_csv(people, sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            write_csv(people, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
