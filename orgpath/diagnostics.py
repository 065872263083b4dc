"""One diagnostic type, formatted the way compilers do: ``file:line:col: error: ...``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orgpath.text import printable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in an input file."""

    file: str
    line: int | None
    col: int | None
    severity: str  # ERROR or WARNING
    message: str
    sheet: str | None = None  # a workbook's sheet: then line/col are its row/column

    def __str__(self) -> str:
        """``file:line:col: severity: message``, one line with no control characters.

        File names and messages hold user data (names, ids): terminal escapes,
        CR/LF and bidi controls are stripped so printing a diagnostic is safe.
        """
        where = self.file
        if self.sheet is not None:
            where += f":{self.sheet}"
            if self.line is not None:
                where += f":R{self.line}"
            if self.col is not None:
                where += f":C{self.col}"
        elif self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return printable(f"{where}: {self.severity}: {self.message}")

    def as_dict(self) -> dict:
        """The fields as a JSON-ready dict (the message as written, for machines)."""
        out = {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that reject a file."""
    return [d for d in diagnostics if d.severity == ERROR]


def warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are reported but accepted."""
    return [d for d in diagnostics if d.severity == WARNING]


class InputError(Exception):
    """An input was rejected; ``diagnostics`` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))
