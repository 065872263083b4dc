"""Diagrams of ladders and orgs: DOT views, the Graphviz runner and data exporters."""

from orgpath.render.graphviz import ENGINES, RenderError, RenderStats, Runner, default_runner

__all__ = ["ENGINES", "RenderError", "RenderStats", "Runner", "default_runner"]
