"""Schemathesis against a live gunicorn: the OpenAPI document is the truth.

The real tool (``st run``, a test dependency) reads ``/api/v1/openapi.json`` from
the session's live server (bundled graphs plus the Acme org, see ``conftest.py``)
and runs every phase with every check: no server errors, status codes, content
types, headers and response schemas as declared, schema-valid requests accepted
and schema-violating ones rejected. Bounded to about a minute by a fixed number
of examples per operation and a fixed seed (reproducible), not by a clock.

Exceptions, written in the config below: the ladder chart's ``view=path``
needs ``from`` and ``to``, ``view=focus`` needs ``focus``, and ``alt`` must name an
existing path. OpenAPI cannot tie one query parameter to another's value, so a
request the schema allows may get 400 there. Likewise a PNG takes ``dpi`` or
``scale`` (not both) and answers 422 over the pixel budget, which depends on the
chart; the people list answers 400 for a page past the last (which depends on
the matches) and its CSV 422 for more matches than ``max_list_csv_rows``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import schemathesis  # noqa: F401  (a test dependency: fail loudly when it is missing)

CONFIG = """
# People operations: a person the Acme org has, so the checks reach past the 404.
[[operations]]
include-path-regex = "\\\\{pid\\\\}"
parameters = { "path.org" = "acme", "path.pid" = "am1" }

# Cross-parameter rules OpenAPI cannot state (see the module docstring).
[[operations]]
include-path = "/ladders/{ladder}/chart.{format}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404"]
# PNGs: dpi or scale, not both; a resolution whose PNG is over max_png_pixels is a 422
# (the size depends on the chart, not on the request alone).
[[operations]]
include-path-regex = "/chart\\\\.png$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "422"]
# The list: a page past the last, or a sort by a column hidden from the caller, is a 400;
# every match as CSV over max_list_csv_rows a 422.
[[operations]]
include-path-regex = "/people(\\\\.csv)?$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "404", "422"]
"""

EXAMPLES = 15


def _st() -> list[str]:
    # The `st` entry point, run by this interpreter (no PATH lookup).
    return [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; "
            "sys.argv[0] = 'st'; schemathesis()"]


def test_schemathesis_finds_nothing(live_server, tmp_path: Path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    # One worker: with two, Hypothesis's lambda-source reader fails in threads on Python
    # 3.11 ("SystemError: AST constructor recursion depth mismatch", an error of the tool).
    cmd = [*_st(), "--config-file", str(config), "run", f"{live_server}/api/v1/openapi.json",
           "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", "1",
           "--workers", "1", "--request-timeout", "30", "--no-shrink",
           "--report-dir", str(tmp_path / "report")]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", out)
    tested = re.search(r"Tested: (\d+)", out)
    assert selected is not None, out[-3000:]
    assert tested is not None, out[-3000:]
    assert int(tested.group(1)) == int(selected.group(2)), "some operations were not tested"
