"""Errors a user can cause and fix: one line on stderr, exit code 1, never a traceback.

SIGTERM becomes :class:`Terminated` (see :func:`exit_on_sigterm`), so that an
``export`` being stopped unwinds like any error: the temporary file is removed,
a Graphviz child is killed, nothing half-written is left, and the exit code is 143.
"""

from __future__ import annotations

import signal
import sys
import threading

import click

from orgpath.diagnostics import InputError
from orgpath.render.graphviz import RenderError
from orgpath.text import printable_lines

USER_ERRORS: tuple[type[Exception], ...] = (
    LookupError, ValueError, InputError, OSError, RenderError)


def message(exc: Exception) -> str:
    """What to tell the user about ``exc``.

    >>> message(FileNotFoundError(2, "No such file or directory", "x.csv"))
    'No such file or directory: x.csv'
    """
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc)
    return printable_lines(text)


class Terminated(BaseException):
    """The process got SIGTERM. A BaseException, so that no ``except Exception`` swallows it."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def exit_on_sigterm(ctx: click.Context) -> None:
    """Turn SIGTERM into :class:`Terminated` while ``ctx`` (a CLI run) lasts.

    Only from the main thread (where Python runs signal handlers); the previous
    handler is put back when the command ends, so a program that calls the CLI
    keeps its own.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


class _Clean:
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except USER_ERRORS as exc:
            raise click.ClickException(message(exc)) from None
        except Terminated:
            click.echo("orgpath: terminated (SIGTERM)", err=True)
            sys.exit(128 + signal.SIGTERM)


class CleanGroup(_Clean, click.Group):
    """A click group whose commands' user errors become a clean message."""


class CleanCommand(_Clean, click.Command):
    """A click command whose user errors become a clean message."""
