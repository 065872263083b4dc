"""Every limit and option of orgpath, declared once: name, default, type and help.

A setting is read, in order of precedence, from ``orgpath serve --setting NAME
VALUE`` (or ``create_app(test_config)`` in tests), from the environment variable
``ORGPATH_<NAME>`` (``ORGPATH_MAX_ORG_CHART_PEOPLE=50``), else its default. Values
are checked when they are read, so a bad value stops start-up with a message
that names the setting and where the value came from.

The web app holds them in ``app.config`` under the upper-case name
(``MAX_ORG_CHART_PEOPLE``); the CLI and library code read them with :func:`get`.
``docs/web.md`` lists them all (``tests/test_settings.py`` checks it does).

>>> get("max_org_chart_people", {})
20000
>>> get("max_org_chart_people", {"ORGPATH_MAX_ORG_CHART_PEOPLE": "50"})
50
>>> parse_bytes("64MiB"), parse_bytes("2 MB"), parse_bytes("1000")
(67108864, 2000000, 1000)
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "ORGPATH_"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3,
          "gb": 1000**3, "t": 1000**4, "tb": 1000**4, "kib": 1024, "ki": 1024,
          "mib": 1024**2, "mi": 1024**2, "gib": 1024**3, "gi": 1024**3, "tib": 1024**4,
          "ti": 1024**4}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """A setting's value (or name) is not valid; the message names it and its source."""


def parse_bytes(text: str) -> int:
    """A size such as ``1000``, ``64KiB``, ``2MB`` or ``1.5GiB`` as a number of bytes."""
    m = _SIZE.match(str(text))
    unit = (m.group(2) or "").lower() if m else None
    if m is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size (use bytes, or a number with KB, MB, "
                         "GB, KiB, MiB or GiB)")
    return int(float(m.group(1)) * _UNITS[unit])


def _bool(text: str) -> bool:
    low = str(text).strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true/false (use 1, 0, true, false, yes, no, on, off)")


def _number(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return kind(str(text).strip().replace("_", ""))
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise ValueError(f"{text!r} is not {what}") from None
    return parse


#: How each type of setting is read from text.
PARSERS: dict[str, Callable[[str], Any]] = {
    "int": _number(int), "float": _number(float), "bool": _bool, "bytes": parse_bytes,
    "str": str, "path": str,
}


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, type (a key of :data:`PARSERS`) and what it does."""

    name: str
    default: Any
    type: str
    help: str
    minimum: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def env(self) -> str:
        """The environment variable that sets it: ``ORGPATH_<NAME>``."""
        return ENV_PREFIX + self.name.upper()

    @property
    def key(self) -> str:
        """Its key in a Flask app's ``config``."""
        return self.name.upper()

    def parse(self, raw: Any, source: str) -> Any:
        """``raw`` (text, or already a value) checked; :class:`SettingError` names ``source``."""
        try:
            value = PARSERS[self.type](raw) if isinstance(raw, str) else raw
            if self.type in ("int", "bytes") and (isinstance(value, bool)
                                                  or not isinstance(value, int)):
                raise ValueError(f"{raw!r} is not a whole number")
            if self.type == "float" and not isinstance(value, int | float):
                raise ValueError(f"{raw!r} is not a number")
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{value!r} is below the minimum, {self.minimum:g}")
            if self.choices is not None and value not in self.choices:
                raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}")
        except (ValueError, TypeError) as exc:
            raise SettingError(f"setting {self.name} ({source}): {exc}") from None
        return value

    def default_text(self) -> str:
        """The default as the docs show it."""
        if self.type == "bytes":
            return _size_text(self.default)
        if self.type == "bool":
            return "true" if self.default else "false"
        if self.default is None or self.default == "":
            return "(empty)"
        return str(self.default)


def _size_text(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


MiB = 1024 * 1024

#: Every setting, grouped as ``docs/web.md`` lists them.
SETTINGS: tuple[Setting, ...] = (
    # --- the folder and loading it
    Setting("graphs", "", "path",
            "The folder of ladder and org files. Empty: the bundled one."),
    Setting("dot", "dot", "str", "The Graphviz program (a name on PATH, or a path)."),
    Setting("reload_interval", 1.0, "float",
            "Seconds between looks at the folder for new or changed files.", minimum=0.05),
    Setting("settle_time", 0.5, "float",
            "Seconds a changed file must stay unchanged before it is read, so a file that "
            "is still being written is never taken.", minimum=0),
    Setting("load_timeout", 60.0, "float",
            "Seconds one file may take to load before it is given up as failed.", minimum=1),
    Setting("startup_wait", 1.0, "float",
            "Seconds a starting web worker waits for the folder's first load before it "
            "answers; files still loading then are served once loaded (/healthz says "
            "loading).", minimum=0),
    Setting("allow_outside_links", False, "bool",
            "Follow files and symlinks that resolve outside the graphs folder."),
    Setting("max_ladder_bytes", 4 * MiB, "bytes", "Largest ladder file read.", minimum=1),
    Setting("max_manifest_bytes", 256 * 1024, "bytes", "Largest org manifest read.",
            minimum=1),
    Setting("max_people_bytes", 128 * MiB, "bytes",
            "Largest people file read (for an .xlsx, also its unpacked size).", minimum=1),
    Setting("max_sheet_cells", 10_000_000, "int",
            "Most cells an .xlsx sheet may span (rows times columns, from A1 to its last "
            "cell), checked before it is read: the reader holds that grid in memory.",
            minimum=1),
    Setting("max_org_people", 250_000, "int",
            "Most people one org may hold; bounds a loaded org's memory.", minimum=1),
    Setting("max_nesting", 64, "int",
            "Deepest nesting of lists and mappings in a YAML or JSON file, checked before "
            "the text is parsed.", minimum=4),
    Setting("max_yaml_aliases", 100, "int",
            "Most YAML aliases (*name) a file may use; 0 refuses aliases.", minimum=0),
    # --- history (git)
    Setting("max_history_commits", 10_000, "int",
            "Most commits one history walk (changes list, as_of, headcount) looks at.",
            minimum=1),
    Setting("history_cache_entries", 8, "int",
            "Past versions (as_of, diffs) kept parsed in memory per worker.", minimum=0),
    # --- what a request may ask for
    Setting("max_query_length", 200, "int",
            "Longest role name, search text or id in a request.", minimum=1),
    Setting("max_k", 10, "int", "Most career paths one request may ask for.", minimum=1),
    Setting("max_depth", 10, "int",
            "Deepest next-roles or reports walk, and deepest org chart (depth=).", minimum=1),
    Setting("max_chart_roles", 400, "int",
            "Most roles one ladder chart may draw (more: 422).", minimum=1),
    Setting("max_org_chart_people", 20_000, "int",
            "Most people one org chart may draw on the web (more: 422).", minimum=1),
    Setting("max_org_pdf_pages", 2_000, "int",
            "Most pages of a paged org PDF (one per manager, more for teams too big for a "
            "page), or slides of an org's PowerPoint deck.", minimum=1),
    Setting("max_people_page", 1_000, "int", "Most people one search or list answers.",
            minimum=1),
    Setting("people_page_size", 50, "int",
            "People on one page of the org list view, the search page and the org API's "
            "people list when per_page is not given.", minimum=1),
    Setting("max_list_csv_rows", 50_000, "int",
            "Most rows of the org list view's CSV of every match (people.csv?all=1; more: "
            "422, and the page offers the CLI's export instead).", minimum=1),
    Setting("max_filter_choices", 500, "int",
            "Most choices a filter of the org list view offers as a drop-down; with more "
            "(managers of a big org) it is a text field.", minimum=1),
    Setting("max_png_dpi", 600, "int",
            "Highest resolution (dpi=, or scale= times 96) a PNG chart may be asked for; "
            "max_png_pixels bounds its size too.", minimum=72),
    # --- budgets
    Setting("graphviz_timeout", 10.0, "float",
            "Seconds one Graphviz run may take on the web (longer: 504, cached briefly).",
            minimum=0.1),
    Setting("graphviz_max_input", 64 * MiB, "bytes",
            "Largest DOT source handed to Graphviz.", minimum=1024),
    Setting("max_png_pixels", 25_000_000, "int",
            "Most pixels of a PNG chart: without dpi= or scale= a bigger org chart is scaled "
            "down to fit; with them, a chart over it answers 422 (4 bytes of memory per "
            "pixel while Graphviz draws).", minimum=10_000),
    Setting("max_photo_bytes", 8 * MiB, "bytes",
            "Largest photo file read (photos/<id>.jpg|png|webp); a bigger one is not shown.",
            minimum=1024),
    Setting("max_photo_pixels", 40_000_000, "int",
            "Most pixels of a photo decoded (decompression bombs are refused; a 40 MP JPEG "
            "is decoded at a fraction of its size).", minimum=10_000),
    Setting("max_photo_size", 384, "int",
            "Largest photo served, in pixels a side; ?size= may be 48, 96, 192 ... up to "
            "this.", minimum=48),
    Setting("request_budget", 20.0, "float",
            "Seconds of work one request may do before it is answered with 503; keep it "
            "below worker_timeout.", minimum=0.1),
    Setting("heavy_concurrency", 2, "int",
            "Charts, paged PDFs and path searches one worker draws at once; more wait "
            "heavy_queue_wait seconds, then get 503 with Retry-After.", minimum=1),
    Setting("heavy_queue_wait", 2.0, "float",
            "Seconds a heavy request waits for a free slot before 503.", minimum=0),
    Setting("failure_cache_seconds", 30.0, "float",
            "Seconds a failed render (timeout, too large) is remembered and answered "
            "again without redoing the work.", minimum=0),
    Setting("failure_cache_entries", 4096, "int",
            "Most failed renders and queries remembered per worker (oldest forgotten first).",
            minimum=1),
    # --- caches and HTTP
    Setting("chart_cache_bytes", 32 * MiB, "bytes",
            "Rendered charts kept in memory per worker.", minimum=0),
    Setting("api_cache_bytes", 8 * MiB, "bytes",
            "Serialized JSON answers kept in memory per worker.", minimum=0),
    Setting("cache_max_age", 60, "int",
            "Seconds browsers and proxies may reuse public answers (Cache-Control).",
            minimum=0),
    Setting("frame_ancestors", "'self'", "str",
            "Who may frame orgpath's pages and charts (the CSP frame-ancestors value)."),
    Setting("trusted_proxies", "", "str",
            "Comma-separated addresses or CIDR ranges of reverse proxies whose "
            "X-Forwarded-Proto and X-Forwarded-For are believed."),
    Setting("lang_cookie", "lang", "str", "Name of the cookie that keeps a page language."),
    Setting("bench_baseline", False, "bool",
            "Register GET /api/v1/ping (constant JSON), the HTTP benchmarks' baseline."),
    # --- who is asking, and what they may see (docs/privacy.md)
    Setting("auth", "", "str",
            "How people sign in: none, proxy (a trusted reverse proxy's headers) or oidc "
            "(OpenID Connect). Empty: none, and orgpath serve then refuses any address but "
            "loopback. API tokens work in every mode.",
            choices=("", "none", "proxy", "oidc")),
    Setting("proxy_user_header", "X-Forwarded-User", "str",
            "auth=proxy: the header with the signed-in user's name."),
    Setting("proxy_email_header", "X-Forwarded-Email", "str",
            "auth=proxy: the header with the user's email."),
    Setting("proxy_groups_header", "X-Forwarded-Groups", "str",
            "auth=proxy: the header with the user's groups, comma-separated."),
    Setting("oidc_issuer", "", "str",
            "auth=oidc: the issuer URL (its /.well-known/openid-configuration is read)."),
    Setting("oidc_client_id", "", "str", "auth=oidc: this service's client id."),
    Setting("oidc_client_secret", "", "str", "auth=oidc: this service's client secret."),
    Setting("oidc_groups_claim", "groups", "str",
            "auth=oidc: the ID-token or userinfo claim that lists the user's groups."),
    Setting("oidc_email_domains", "", "str",
            "auth=oidc: comma-separated email domains allowed to sign in. Empty: any."),
    Setting("tokens_file", "", "path",
            "The API tokens file (orgpath token create/list/revoke; only hashes are kept). "
            "Empty: no tokens."),
    Setting("admin_group", "", "str",
            "The group that sees everything: hidden orgs, hidden fields, people who "
            "objected, /healthz details. Empty: no such group."),
    Setting("secret_key", "", "str",
            "Signs the session cookie; required with auth=oidc and the same in every "
            "worker. Empty (other modes): a random key per process."),
    Setting("audience_views", 32, "int",
            "Redacted views of ladders and orgs (one per file and audience) kept in memory "
            "per worker.", minimum=1),
    # --- jobs, the shared cache and operations (see docs/deploy.md)
    Setting("job_budget", 5_000, "int",
            "Org charts of more people than this are exports to run as jobs "
            "(POST /api/v1/exports; the org page offers a job with a progress bar).",
            minimum=1),
    Setting("redis_url", "", "str",
            "Redis for jobs (redis://host:6379/0): exports run on `orgpath worker` "
            "processes (RQ). Empty: a thread pool inside the server."),
    Setting("job_threads", 2, "int",
            "Threads of the embedded job pool (per server process) when redis_url is empty.",
            minimum=1),
    Setting("job_timeout", 900.0, "float",
            "Seconds one export job may take (its Graphviz runs too) before it fails.",
            minimum=1),
    Setting("max_job_pages", 20_000, "int",
            "Most pages of a paged org PDF drawn as a job (max_org_pdf_pages bounds the "
            "web's own).", minimum=1),
    Setting("job_retries", 1, "int",
            "Times a job whose worker died mid-job is run again before it fails.", minimum=0),
    Setting("job_heartbeat", 20.0, "float",
            "Seconds a running job may go without a heartbeat before it counts as "
            "abandoned (its worker died): retried or failed.", minimum=1),
    Setting("job_results", "folder", "str",
            "Where finished exports are kept: folder (jobs_folder, shared by every "
            "replica and worker) or redis (redis_url).", choices=("folder", "redis")),
    Setting("jobs_folder", "", "path",
            "Folder of job states and results (folder results). Empty: a private temporary "
            "folder per server (`orgpath serve` makes one its workers share)."),
    Setting("job_result_ttl", 3600, "int",
            "Seconds a finished export (or a failure) is kept for download.", minimum=1),
    Setting("cache_url", "", "str",
            "Redis shared by every replica for rendered charts and API answers "
            "(redis://host:6379/1). Empty: each worker's own memory only."),
    Setting("cache_ttl", 3600, "int",
            "Seconds a chart or answer is kept in the shared cache.", minimum=1),
    Setting("metrics_access", "loopback", "str",
            "Who may read GET /metrics (Prometheus): loopback (127.0.0.1 and ::1 only), "
            "anyone, or off.", choices=("loopback", "anyone", "off")),
    Setting("json_logs", False, "bool",
            "Log one JSON object per line (requests included) instead of text."),
    # --- the server process (orgpath serve)
    Setting("workers", 2, "int", "gunicorn worker processes.", minimum=1),
    Setting("threads", 8, "int",
            "Threads per worker, so light requests are answered while heavy ones draw.",
            minimum=1),
    Setting("worker_timeout", 60, "int",
            "Seconds a worker may be silent before gunicorn restarts it.", minimum=5),
    Setting("preload", True, "bool",
            "Load the graphs folder once in gunicorn's master before it forks the workers, "
            "which then share its memory (gc.freeze); each worker still reloads changed "
            "files itself. Off: every worker loads its own copy."),
    Setting("preload_wait", 30.0, "float",
            "With preload: seconds gunicorn's master waits for the folder's first load "
            "before it forks the workers; what is not loaded by then each worker loads "
            "itself, answering meanwhile (/healthz says loading).", minimum=0),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The setting called ``name`` (``-`` or ``_``, any case); :class:`SettingError` if none."""
    key = name.strip().lower().replace("-", "_")
    if key.startswith(ENV_PREFIX.lower()):
        key = key[len(ENV_PREFIX):]
    if key not in BY_NAME:
        close = difflib.get_close_matches(key, list(BY_NAME), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise SettingError(f"there is no setting {name!r}{hint}; `orgpath settings` "
                           "lists them")
    return BY_NAME[key]


def load(environ: Mapping[str, str] | None = None,
         overrides: Iterable[tuple[str, Any]] = ()) -> dict[str, Any]:
    """Every setting's value: defaults, then ``ORGPATH_*`` in ``environ``, then ``overrides``.

    ``overrides`` are ``(name, value)`` pairs such as ``serve --setting`` gives.
    Raises :class:`SettingError` on the first bad value or unknown name.

    >>> load({"ORGPATH_MAX_K": "3"}, [("max-depth", "4")])["max_k"]
    3
    >>> load({"ORGPATH_MAX_K": "lots"})
    Traceback (most recent call last):
    ...
    orgpath.settings.SettingError: setting max_k (ORGPATH_MAX_K): 'lots' is not a whole number
    """
    env = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    for s in SETTINGS:
        if s.env in env:
            values[s.name] = s.parse(env[s.env], s.env)
    for name, raw in overrides:
        s = setting(name)
        values[s.name] = s.parse(raw, f"--setting {s.name}")
    return values


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting's value from ``ORGPATH_<NAME>`` (``os.environ`` by default), else its default.

    For code outside the web app (the CLI, readers); the app reads ``app.config``.
    """
    s = setting(name)
    env = os.environ if environ is None else environ
    return s.parse(env[s.env], s.env) if s.env in env else s.default


def as_config(values: Mapping[str, Any]) -> dict[str, Any]:
    """Settings as Flask config keys (upper-case names)."""
    return {BY_NAME[name].key: value for name, value in values.items()}


__all__ = ["BY_NAME", "SETTINGS", "Setting", "SettingError", "as_config", "get", "load",
           "parse_bytes", "setting"]
