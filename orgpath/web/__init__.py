"""The web service: HTML pages, the JSON API, charts, OpenAPI and health.

``create_app(test_config=None)`` builds a Flask app over one
:class:`~orgpath.store.Store` (``app.extensions["orgpath"]``) of the graphs
folder setting ``graphs``. Run it with gunicorn::

    gunicorn -w 2 -b 127.0.0.1:8000 "orgpath.web:create_app()"

(``orgpath serve`` does that). See ``docs/web.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel

from orgpath import settings
from orgpath.audience import Views
from orgpath.resources import default_graphs_dir, package_path, templates_dir
from orgpath.store import Store
from orgpath.web.cache import make_cache


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the orgpath Flask app.

    Every setting of :mod:`orgpath.settings` is read from its ``ORGPATH_*``
    environment variable (else its default) into ``app.config`` under its
    upper-case name; ``test_config`` overrides them (and Flask settings).
    Raises :class:`~orgpath.settings.SettingError` for a bad value (including a
    ``trusted_proxies`` entry that is not an address or CIDR range).
    """
    app = Flask(
        __name__,
        template_folder=str(templates_dir()),
        static_folder=str(package_path("static")),
        static_url_path="/static",
    )
    app.config.update(settings.as_config(settings.load()))
    app.config.update(
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(package_path("translations")),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if test_config:
        app.config.update(test_config)
    folder = Path(app.config["GRAPHS"] or default_graphs_dir())
    app.config["GRAPHS"] = str(folder)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    if not app.logger.handlers or app.logger.level == logging.NOTSET:
        logging.getLogger("orgpath").setLevel(logging.INFO)

    # The store loads in a thread of its own, never on a request (see orgpath/store.py).
    values = {s.name: app.config[s.key] for s in settings.SETTINGS if s.key in app.config}
    store = Store(folder, values=values, background=True)
    # Tests (TESTING) wait for the whole first load; a server answers after startup_wait.
    store.wait_ready(None if app.testing else app.config["STARTUP_WAIT"])
    app.extensions["orgpath"] = store
    app.extensions["orgpath.views"] = Views(app.config["AUDIENCE_VIEWS"])
    url, ttl = app.config["CACHE_URL"], int(app.config["CACHE_TTL"])
    app.extensions["orgpath.api_cache"] = make_cache("api_cache", app.config["API_CACHE_BYTES"],
                                                     url, ttl)
    app.extensions["orgpath.chart_cache"] = make_cache(
        "chart_cache", app.config["CHART_CACHE_BYTES"], url, ttl)

    from orgpath.web import (
        api,
        auth,
        budget,
        charts,
        errors,
        exports,
        frameworks,
        health,
        history,
        i18n,
        observe,
        openapi,
        org_api,
        org_charts,
        org_list,
        org_pages,
        pages,
        security,
        templating,
    )

    Babel(app, locale_selector=i18n.babel_locale)
    templating.init_app(app)
    errors.init_app(app)
    budget.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    observe.init_app(app)
    exports.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(charts.bp)
    history.nest(pages.bp)  # the history pages, as pages.history.*
    app.register_blueprint(pages.bp)
    app.register_blueprint(org_pages.bp)
    app.register_blueprint(org_api.bp)
    app.register_blueprint(org_charts.bp)
    app.register_blueprint(org_list.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(frameworks.api)
    app.register_blueprint(frameworks.bp)
    app.register_blueprint(history.api_bp)
    if app.config["BENCH_BASELINE"]:
        api.register_baseline(app)
    return app


__all__ = ["create_app"]
