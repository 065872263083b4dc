"""Hostile files (issue #8's table, the rows about readers): each ends as a diagnostic.

Each file is read through the Python API (``read_ladder``, ``read_org``,
``read_manifest``) and then dropped into the graphs folder of a running
gunicorn, which must stay up, keep answering other requests and report the
file in ``/healthz``.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from orgpath.diagnostics import ERROR
from orgpath.ladderfile import read_ladder
from orgpath.peoplefile import read_manifest, read_org
from orgpath.safeio import Limits
from tests.conftest import bundled_graphs, served

LIMITS = Limits.from_settings({
    "max_ladder_bytes": 4 << 20, "max_manifest_bytes": 256 << 10, "max_people_bytes": 128 << 20,
    "max_org_people": 250_000, "max_nesting": 64, "max_yaml_aliases": 100,
    "load_timeout": 60.0,
})


def deep_json_ladder() -> str:
    """About 2 KB: a ladder whose roles are nested 1,000 lists deep."""
    return '{"id": "deep", "title": "Deep", "roles": ' + "[" * 1000 + "]" * 1000 + "}"


def duplicate_people_key() -> str:
    return ('{"people": [{"id": "1", "name": "Ann", "manager_id": ""}],\n'
            ' "people": [1]}\n')


def deep_manifest() -> str:
    return "title: " + "[" * 5000 + "\n"


def deep_yaml() -> str:
    """200 KB: 100,000 nested ``[``, which crashed libyaml."""
    return "[" * 100_000 + "]" * 100_000


def alias_bomb() -> str:
    """The billion laughs: nine levels of nine aliases, 9**9 strings once expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def chain_ladder(n: int, ident: str = "chain") -> str:
    """A valid ladder of ``n`` roles, each promoted to and reporting to the next."""
    lines = [f"id: {ident}", "title: Chain", "roles:"]
    for i in range(n):
        boss = f", reports_to: [r{i + 1}]" if i < n - 1 else ""
        lines.append(f"  - {{id: r{i}, title: Role {i}, level: {i + 1}{boss}}}")
    lines.append("moves:")
    lines += [f"  - {{from: r{i}, to: r{i + 1}, years: 1}}" for i in range(n - 1)]
    return "\n".join(lines) + "\n"


def errors_of(diags) -> list[str]:
    return [str(d) for d in diags if d.severity == ERROR]


# --- through the Python API -----------------------------------------------------------


def test_deep_json_ladder_is_refused_before_parsing(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(deep_json_ladder())
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert errors_of(diags) == [f"{path}:1: error: nested more than 64 levels deep "
                                "(setting max_nesting)"]


def test_duplicate_people_key_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "dup.people.json"
    path.write_text(duplicate_people_key())
    org, diags = read_org(path, limits=LIMITS)
    assert org is None
    assert errors_of(diags) == [f'{path}:2: error: duplicate key "people" (first on line 1)']


def test_duplicate_key_inside_a_person_names_its_line(tmp_path):
    path = tmp_path / "dup.people.json"
    path.write_text('[{"id": "1", "name": "Ann", "manager_id": ""},\n'
                    ' {"id": "2", "name": "Bob",\n  "name": "Bo", "manager_id": "1"}]\n')
    org, diags = read_org(path, limits=LIMITS)
    assert org is None
    assert errors_of(diags) == [f'{path}:3: error: duplicate key "name" (first on line 2)']


def test_deep_manifest_is_a_diagnostic(tmp_path):
    path = tmp_path / "team.org.yaml"
    path.write_text(deep_manifest())
    manifest, diags = read_manifest(path, limits=LIMITS)
    assert manifest == {}
    assert errors_of(diags) == [f"{path}:1: error: nested more than 64 levels deep "
                                "(setting max_nesting)"]


def test_deep_manifest_rejects_its_org(tmp_path):
    (tmp_path / "team.csv").write_text("id,name,manager_id\n1,Ann,\n")
    (tmp_path / "team.org.yaml").write_text(deep_manifest())
    org, diags = read_org(tmp_path / "team.csv", limits=LIMITS)
    assert org is None
    assert errors_of(diags) == [f"{tmp_path / 'team.org.yaml'}:1: error: nested more than 64 "
                                "levels deep (setting max_nesting)"]


def test_100000_nested_brackets_never_reach_libyaml(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(deep_yaml())
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert errors_of(diags) == [f"{path}:1: error: nested more than 64 levels deep "
                                "(setting max_nesting)"]


def test_deep_block_yaml_is_refused_too(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("".join(f"{'  ' * i}k{i}:\n" for i in range(100)))
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert errors_of(diags) == [f"{path}:65: error: nested more than 64 levels deep "
                                "(setting max_nesting)"]


def test_alias_bomb_stops_at_the_alias_budget(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert len(errors_of(diags)) == 1
    assert diags[0].message.startswith("more than 100 YAML alias uses (*name)")


def test_aliases_can_be_refused_altogether(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("id: a\ntitle: &t A\nroles: [{id: r, title: *t, level: 1}]\n")
    assert read_ladder(path, limits=LIMITS)[0] is not None
    no_aliases = Limits(**{**LIMITS.__dict__, "max_yaml_aliases": 0})
    ladder, diags = read_ladder(path, limits=no_aliases)
    assert ladder is None
    assert errors_of(diags) == [f"{path}:2: error: more than 0 YAML alias uses (*name), the "
                                "last of the value anchored on this line (setting "
                                "max_yaml_aliases)"]


def test_8000_role_chain_is_valid(tmp_path):
    path = tmp_path / "chain.yaml"
    path.write_text(chain_ladder(8000))
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert diags == []
    assert len(ladder.roles) == 8000


def test_chain_with_no_way_up_is_still_warned_about(tmp_path):
    path = tmp_path / "chain.yaml"
    # r0 -> r1 is the only move: r2 (level 3) has no way up to r3 (level 4)
    text = chain_ladder(4).split("moves:")[0] + "moves:\n  - {from: r0, to: r1}\n"
    path.write_text(text)
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is not None
    messages = [d.message for d in diags]
    assert "role 'r1' (level 2) has no way up: no move leads to a more senior role" in messages
    assert "role 'r2' cannot be reached from any entry role (r0)" not in messages


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(chain_ladder(50))
    small = Limits(**{**LIMITS.__dict__, "max_ladder_bytes": 100})
    ladder, diags = read_ladder(path, limits=small)
    assert ladder is None
    assert len(diags) == 1
    assert "larger than 100 bytes, the limit (setting max_ladder_bytes" in diags[0].message


def test_too_many_people_is_an_error(tmp_path):
    path = tmp_path / "team.csv"
    path.write_text("id,name,manager_id\n1,Ann,\n2,Bob,1\n3,Cy,1\n")
    few = Limits(**{**LIMITS.__dict__, "max_org_people": 2})
    org, diags = read_org(path, limits=few)
    assert org is None
    assert errors_of(diags) == [f"{path}:4: error: more than 2 people: the limit is the "
                                "setting max_org_people"]


def test_load_timeout_is_checked_while_reading(tmp_path):
    ladder_path, team = tmp_path / "chain.yaml", tmp_path / "team.csv"
    ladder_path.write_text(chain_ladder(300))
    team.write_text("id,name,manager_id\n" + "".join(f"{i},P{i},\n" for i in range(1000)))
    no_time = Limits(**{**LIMITS.__dict__, "load_timeout": 0.0})
    ladder, diags = read_ladder(ladder_path, limits=no_time)
    assert ladder is None
    assert errors_of(diags) == [f"{ladder_path}: error: loading took longer than 0 s (setting "
                                "load_timeout): the file is too big or complex"]
    org, diags = read_org(team, limits=no_time)
    assert org is None
    assert errors_of(diags) == [f"{team}: error: loading took longer than 0 s (setting "
                                "load_timeout): the file is too big or complex"]


def test_duplicate_key_in_a_json_ladder_names_both_lines(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"id": "x", "title": "X",\n "roles": [{"id": "a", "title": "A",\n'
                    '  "level": 1,\n  "level": 2}]}\n')
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert errors_of(diags) == [f"{path}:4:3: error: roles.0: duplicate key 'level' "
                                "(first on line 3)"]


@pytest.mark.parametrize("text", [
    "id: x\ntitle: !!python/object:os.system x\nroles: []\n",
    "id: x\ntitle: !!int abc\n",
    '{"id": 1' + "0" * 6000 + "}",
    "id: x\nroles: &r [*r]\n",
    "\x00\x01\x02",
    "a: b: c",
    "? [a, b]\n: 1\n",
])
def test_odd_yaml_ends_as_diagnostics(tmp_path, text):
    path = tmp_path / ("odd.json" if text.startswith("{") else "odd.yaml")
    path.write_text(text)
    ladder, diags = read_ladder(path, limits=LIMITS)
    assert ladder is None
    assert errors_of(diags)


# --- dropped into a running gunicorn --------------------------------------------------


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "graphs"
    shutil.copytree(bundled_graphs(), folder)
    log = root / "gunicorn.log"
    with served(folder, log) as (base, proc):
        yield base, folder, proc, log


def _health_until(base: str, done, what: str) -> dict:
    """/healthz, asked again until ``done(health)`` (the folder is re-read on requests)."""
    deadline = time.monotonic() + 120
    while True:
        status, body = _get(base + "/healthz")
        assert status == 200
        health = json.loads(body)
        if done(health):
            return health
        if time.monotonic() > deadline:
            pytest.fail(f"/healthz never showed {what}: {health}")
        time.sleep(0.2)


def _failed_files(health: dict) -> set[str]:
    return {Path(e["file"]).name for e in health["errors"]}


def _assert_still_serving(base: str, proc, log: Path) -> None:
    assert proc.poll() is None
    status, body = _get(base + "/api/v1/ladders")
    assert status == 200
    assert b"account-management" in body
    text = log.read_text(errors="replace")
    assert "SIGSEGV" not in text
    assert "Worker failed to boot" not in text
    assert "WORKER TIMEOUT" not in text


@pytest.mark.parametrize(("name", "make"), [
    ("deep.json", deep_json_ladder),
    ("dup.people.json", duplicate_people_key),
    ("deep.yaml", deep_yaml),
    ("bomb.yaml", alias_bomb),
])
def test_server_reports_hostile_file_and_stays_up(server, name, make):
    base, folder, proc, log = server
    (folder / name).write_text(make())
    health = _health_until(base, lambda h: name in _failed_files(h), f"{name} as failed")
    assert health["status"] == "degraded"
    _assert_still_serving(base, proc, log)


def test_server_reports_org_with_deep_manifest_and_stays_up(server):
    base, folder, proc, log = server
    (folder / "team.org.yaml").write_text(deep_manifest())
    (folder / "team.csv").write_text("id,name,manager_id\n1,Ann,\n")
    _health_until(base, lambda h: "team.csv" in _failed_files(h), "team.csv as failed")
    _assert_still_serving(base, proc, log)


@pytest.mark.slow
def test_server_loads_an_8000_role_chain_and_stays_up(server):
    base, folder, proc, log = server
    (folder / "chain.yaml").write_text(chain_ladder(8000))
    health = _health_until(base, lambda h: any(x["id"] == "chain" for x in h["ladders"]),
                           "the chain ladder loaded")
    assert [x["roles"] for x in health["ladders"] if x["id"] == "chain"] == [8000]
    _assert_still_serving(base, proc, log)
