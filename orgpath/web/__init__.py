"""The web service: HTML pages, the JSON API, charts, OpenAPI and health.

``create_app(test_config=None)`` builds a Flask app over one
:class:`~orgpath.store.Store` (``app.extensions["orgpath"]``) of the graphs
folder ``GRAPHS_DIR``. Run it with gunicorn::

    gunicorn -w 2 -b 127.0.0.1:8000 "orgpath.web:create_app()"

(``orgpath serve`` does that). See ``docs/web.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel

from orgpath.resources import default_graphs_dir, package_path, templates_dir
from orgpath.store import Store
from orgpath.web.cache import ResponseCache

#: Settings every app starts with; ``test_config`` (or ``ORGPATH_*`` env) overrides them.
DEFAULTS: dict[str, Any] = {
    "GRAPHS_DIR": None,  # None: resources.default_graphs_dir() ($ORGPATH_GRAPHS or bundled)
    "MAX_CHART_ROLES": 400,  # roles one chart may draw (larger → 422)
    "GRAPHVIZ_TIMEOUT": 10.0,  # seconds one Graphviz run may take (longer → 504)
    "MAX_K": 10,  # most career paths one request may ask for
    "MAX_DEPTH": 10,  # deepest next-roles / reports walk
    "MAX_QUERY_LENGTH": 200,  # characters of a role name, search text or id
    "MAX_ORG_CHART_PEOPLE": 20_000,  # people one org chart may draw (larger → 422); ~1 s
    "CHART_CACHE_BYTES": 32 * 1024 * 1024,  # rendered charts kept in memory per worker
    "API_CACHE_BYTES": 8 * 1024 * 1024,  # serialized JSON answers kept per worker
    "CACHE_MAX_AGE": 60,  # seconds, for Cache-Control on JSON and charts
    "BENCH_BASELINE": False,  # registers GET /api/v1/ping (constant JSON) for benchmarks
    "LANG_COOKIE": "lang",
    "JSON_AS_ASCII": False,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the orgpath Flask app.

    ``test_config`` overrides :data:`DEFAULTS` (and Flask settings). Environment:
    ``ORGPATH_GRAPHS`` (the folder, when ``GRAPHS_DIR`` is not given) and
    ``ORGPATH_BENCH_BASELINE=1`` (turns on the ``/api/v1/ping`` baseline route).
    """
    import os

    app = Flask(
        __name__,
        template_folder=str(templates_dir()),
        static_folder=str(package_path("static")),
        static_url_path="/static",
    )
    app.config.update(DEFAULTS)
    if os.environ.get("ORGPATH_BENCH_BASELINE") == "1":
        app.config["BENCH_BASELINE"] = True
    app.config.update(
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(package_path("translations")),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if test_config:
        app.config.update(test_config)
    folder = Path(app.config["GRAPHS_DIR"] or default_graphs_dir())
    app.config["GRAPHS_DIR"] = str(folder)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    if not app.logger.handlers or app.logger.level == logging.NOTSET:
        logging.getLogger("orgpath").setLevel(logging.INFO)

    store = Store(folder)
    store.refresh()
    app.extensions["orgpath"] = store
    app.extensions["orgpath.api_cache"] = ResponseCache(app.config["API_CACHE_BYTES"])
    app.extensions["orgpath.chart_cache"] = ResponseCache(app.config["CHART_CACHE_BYTES"])

    from orgpath.web import api, charts, errors, health, i18n, openapi, orgs, pages

    Babel(app, locale_selector=i18n.babel_locale)
    i18n.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(charts.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(orgs.bp)
    app.register_blueprint(orgs.api_bp)
    app.register_blueprint(orgs.charts_bp)
    if app.config["BENCH_BASELINE"]:
        api.register_baseline(app)
    return app


def get_store() -> Store:
    """The app's store (call it per request: every read refreshes from disk)."""
    from flask import current_app

    return current_app.extensions["orgpath"]


__all__ = ["DEFAULTS", "create_app", "get_store"]
