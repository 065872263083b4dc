"""Errors a user can cause and fix: one line on stderr, exit code 1, never a traceback."""

from __future__ import annotations

import click

from orgpath.diagnostics import InputError
from orgpath.render.graphviz import RenderError

USER_ERRORS: tuple[type[Exception], ...] = (
    LookupError, ValueError, InputError, OSError, RenderError)


def message(exc: Exception) -> str:
    """What to tell the user about ``exc``.

    >>> message(FileNotFoundError(2, "No such file or directory", "x.csv"))
    'No such file or directory: x.csv'
    """
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc)


class _Clean:
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except USER_ERRORS as exc:
            raise click.ClickException(message(exc)) from None


class CleanGroup(_Clean, click.Group):
    """A click group whose commands' user errors become a clean message."""


class CleanCommand(_Clean, click.Command):
    """A click command whose user errors become a clean message."""
