"""How the CLI prints: plain-text tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from orgpath.text import escape_json_controls, printable


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Left-aligned columns, two spaces apart, with a header line.

    Cells are user data: control characters (terminal escapes, CR, bidi
    controls) are stripped so that a name cannot rewrite the screen.

    >>> print(table(["id", "level"], [["a", 1], ["bb", 10]]))
    id  level
    --  -----
    a   1
    bb  10
    """
    cells = [[("" if c is None else printable(str(c))) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def emit_json(data: Any) -> None:
    """Print ``data`` as indented JSON (UTF-8, not ASCII-escaped, but control characters and
    bidi controls escaped so that they cannot act on a terminal)."""
    click.echo(escape_json_controls(json.dumps(data, indent=2, ensure_ascii=False,
                                               default=_default)))


def _default(value: Any) -> Any:
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def years(value: float | None) -> str:
    """``3``, ``1.5`` or ``?`` for a number of years."""
    if value is None:
        return "?"
    return f"{value:g}"
