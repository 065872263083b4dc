"""The settings table: read from ORGPATH_* and --setting, checked, documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orgpath import settings
from orgpath.web import create_app

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_web_md():
    doc = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS
               if f"| `{s.name}` | `{s.env}` | {s.default_text()} |" not in doc]
    assert missing == []


def test_defaults_parse_as_their_own_type():
    for s in settings.SETTINGS:
        assert s.parse(s.default, "default") == s.default


def test_environment_overrides_default():
    values = settings.load({"ORGPATH_MAX_ORG_CHART_PEOPLE": "50", "ORGPATH_CHART_CACHE_BYTES":
                            "2MiB", "ORGPATH_BENCH_BASELINE": "yes"})
    assert values["max_org_chart_people"] == 50
    assert values["chart_cache_bytes"] == 2 * 1024 * 1024
    assert values["bench_baseline"] is True


def test_overrides_beat_the_environment():
    values = settings.load({"ORGPATH_MAX_K": "3"}, [("max-k", "5")])
    assert values["max_k"] == 5


@pytest.mark.parametrize("env, message", [
    ({"ORGPATH_MAX_K": "lots"}, "setting max_k (ORGPATH_MAX_K): 'lots' is not a whole number"),
    ({"ORGPATH_MAX_K": "0"}, "setting max_k (ORGPATH_MAX_K): 0 is below the minimum, 1"),
    ({"ORGPATH_CHART_CACHE_BYTES": "12 parsecs"}, "setting chart_cache_bytes"),
    ({"ORGPATH_BENCH_BASELINE": "maybe"}, "'maybe' is not true/false"),
])
def test_bad_values_name_the_setting_and_source(env, message):
    with pytest.raises(settings.SettingError) as err:
        settings.load(env)
    assert message in str(err.value)


def test_unknown_setting_name_suggests_close_ones():
    with pytest.raises(settings.SettingError) as err:
        settings.load({}, [("max_org_chart_peple", "5")])
    assert "did you mean max_org_chart_people" in str(err.value)


def test_app_config_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORGPATH_MAX_DEPTH", "4")
    app = create_app({"TESTING": True})
    assert app.config["MAX_DEPTH"] == 4
    assert app.config["MAX_K"] == 10


def test_app_refuses_a_bad_environment_value(monkeypatch):
    monkeypatch.setenv("ORGPATH_CACHE_MAX_AGE", "-1")
    with pytest.raises(settings.SettingError, match="cache_max_age"):
        create_app({"TESTING": True})


def _orgpath(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "orgpath", *args], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env={**os.environ, **(env or {})})


def test_serve_refuses_a_bad_setting_before_starting():
    proc = _orgpath("serve", "--port", "1", "--setting", "max_k", "lots")
    assert proc.returncode == 2
    assert "setting max_k (--setting max_k): 'lots' is not a whole number" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_refuses_an_unknown_setting():
    proc = _orgpath("serve", "--setting", "no_such_thing", "1")
    assert proc.returncode == 2
    assert "there is no setting 'no_such_thing'" in proc.stderr


def test_settings_command_shows_values_in_force():
    proc = _orgpath("settings", "--json", env={"ORGPATH_MAX_K": "7"})
    assert proc.returncode == 0
    import json

    rows = {r["name"]: r for r in json.loads(proc.stdout)}
    assert rows["max_k"]["value"] == 7
    assert rows["max_k"]["default"] == 10
    assert rows["max_k"]["env"] == "ORGPATH_MAX_K"
