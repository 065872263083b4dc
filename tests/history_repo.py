"""A real git repository with a ladder and an org changed over five dated commits.

``make_repo(tmp)`` returns the repository root; the graphs folder is ``root/graphs``.

Commits (dates at 12:00 UTC):

1. 2024-01-10: the first ladder (4 roles) and org (6 people).
2. 2024-02-15: hires Hana (h1) and opens a vacancy (v1); Dan (d1) leaves.
3. 2024-03-20: reorg: Eva moves from Bo to Cy, Sales → Growth, with a dotted line to
   Bo; Finn is promoted (junior → mid) and retitled; the vacancy is filled by Vic.
4. 2024-04-25: ladder: "mid" renamed, "senior" level 3 → 4 and reports to chief, the
   junior → mid move 2 → 1.5 years, "lead" added, "head" replaced by "chief" (same
   title), a skill added, a salary band raised.
5. 2024-05-30: the org's manifest title changes (the people file does not).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

LADDER_1 = """\
id: sales
title: {en: Sales, da: Salg}
roles:
  - id: junior
    title: {en: Junior Rep, da: Junior sælger}
    level: 1
    reports_to: [senior]
    skills: [prospecting]
  - id: mid
    title: {en: Sales Rep}
    level: 2
    reports_to: [senior]
  - id: senior
    title: {en: Senior Rep}
    level: 3
    reports_to: [head]
    salary: {currency: DKK, min: 500000, max: 600000}
  - id: head
    title: {en: Head of Sales}
    level: 5
moves:
  - {from: junior, to: mid, kind: promotion, years: 2}
  - {from: mid, to: senior, kind: promotion, years: 3}
  - {from: senior, to: head, kind: promotion, years: 4}
"""

LADDER_4 = """\
id: sales
title: {en: Sales, da: Salg}
roles:
  - id: junior
    title: {en: Junior Rep, da: Junior sælger}
    level: 1
    reports_to: [senior]
    skills: [prospecting, negotiation]
  - id: mid
    title: {en: Account Rep}
    level: 2
    reports_to: [senior]
  - id: senior
    title: {en: Senior Rep}
    level: 4
    reports_to: [chief]
    salary: {currency: DKK, min: 550000, max: 650000}
  - id: lead
    title: {en: Lead Rep}
    level: 3
    reports_to: [senior]
  - id: chief
    title: {en: Head of Sales}
    level: 5
moves:
  - {from: junior, to: mid, kind: promotion, years: 1.5}
  - {from: mid, to: senior, kind: promotion, years: 3}
  - {from: senior, to: chief, kind: promotion, years: 4}
"""

HEADER = "id,name,manager_id,title,role,department,dotted_managers,vacant\n"
ORG_1 = HEADER + """\
a,Ann Boss,,Head of Sales,head,Sales,,
b,Bo Senior,a,Senior Rep,senior,Sales,,
c,Cy Senior,a,Senior Rep,senior,Sales,,
d1,Dan Gone,b,Sales Rep,mid,Sales,,
e,Eva Rep,b,Sales Rep,mid,Sales,,
f,Finn Junior,c,Junior Rep,junior,Sales,,
"""
ORG_2 = HEADER + """\
a,Ann Boss,,Head of Sales,head,Sales,,
b,Bo Senior,a,Senior Rep,senior,Sales,,
c,Cy Senior,a,Senior Rep,senior,Sales,,
e,Eva Rep,b,Sales Rep,mid,Sales,,
f,Finn Junior,c,Junior Rep,junior,Sales,,
h1,Hana <New>,c,Junior Rep,junior,Support,,
v1,,b,Sales Rep,mid,Sales,,yes
"""
ORG_3 = HEADER + """\
a,Ann Boss,,Head of Sales,head,Sales,,
b,Bo Senior,a,Senior Rep,senior,Sales,,
c,Cy Senior,a,Senior Rep,senior,Sales,,
e,Eva Rep,c,Sales Rep,mid,Growth,b,
f,Finn Junior,c,Sales Rep,mid,Sales,,
h1,Hana <New>,c,Junior Rep,junior,Support,,
v1,Vic Filled,b,Sales Rep,mid,Sales,,
"""
MANIFEST_1 = "title: Acme Sales\nladder: sales\n"
MANIFEST_5 = "title: Acme Sales & Growth\nladder: sales\n"

DATES = ("2024-01-10", "2024-02-15", "2024-03-20", "2024-04-25", "2024-05-30")


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True,
                          text=True).stdout


def make_repo(tmp: Path) -> Path:
    root = tmp / "repo"
    graphs = root / "graphs"
    graphs.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    steps = [
        ({"sales.yaml": LADDER_1, "acme.csv": ORG_1, "acme.org.yaml": MANIFEST_1},
         "First ladder and org"),
        ({"acme.csv": ORG_2}, "Hire Hana, open a position, Dan leaves"),
        ({"acme.csv": ORG_3}, "Reorg: Eva to Cy's team; promote Finn"),
        ({"sales.yaml": LADDER_4}, "Ladder: rename mid, chief replaces head"),
        ({"acme.org.yaml": MANIFEST_5}, "Rename the org"),
    ]
    for (files, message), date in zip(steps, DATES, strict=True):
        for name, text in files.items():
            (graphs / name).write_text(text, encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message, date=date)
    return root
