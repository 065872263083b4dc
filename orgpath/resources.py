"""Where the bundled data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

from orgpath import settings

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # In a checkout the folders sit at the top level; pyproject.toml maps them
    # into the package (orgpath/graphs, orgpath/templates) when it is built.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def default_graphs_dir() -> Path:
    """The folder of ladder and org files: the ``graphs`` setting (``$ORGPATH_GRAPHS``), else
    the bundled one."""
    folder = settings.get("graphs")
    return Path(folder) if folder else _bundled("graphs")


def templates_dir() -> Path:
    """The Jinja templates folder."""
    return _bundled("templates")


def package_path(*parts: str) -> Path:
    """A file shipped inside the ``orgpath`` package (schema, static, translations)."""
    return _PACKAGE.joinpath(*parts)
