"""Diagrams of ladders and orgs: DOT views, the Graphviz runner and data exporters.

``render_chart(G, view, fmt, ...)`` is the one entry point the web and the CLI
call for ladder charts (``orgchart.org_chart`` for org charts); every format is
declared once in :mod:`orgpath.render.formats`, and ``MEDIA_TYPES``,
``FORMATS``, ``SUFFIXES`` and ``format_for`` are its ladder-chart views.
"""

from orgpath.render import formats
from orgpath.render.exporters import (
    FORMATS,
    MEDIA_TYPES,
    SUFFIXES,
    export_chart,
    format_for,
    render_chart,
)
from orgpath.render.graphviz import (
    ENGINES,
    RenderError,
    RenderStats,
    Runner,
    default_runner,
    runner_from_settings,
)
from orgpath.render.views import MAX_NODES, RANKDIRS, VIEWS, Chart, ViewError, build_view

__all__ = [
    "ENGINES", "FORMATS", "MAX_NODES", "MEDIA_TYPES", "RANKDIRS", "SUFFIXES", "VIEWS", "Chart",
    "RenderError", "RenderStats", "Runner", "ViewError", "build_view", "default_runner",
    "export_chart", "format_for", "formats", "render_chart", "runner_from_settings",
]
