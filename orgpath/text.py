"""Text helpers shared by readers, queries, the store and the CLI.

Folding for matching what people type, "did you mean" suggestions, terminal-safe
printing of user data, and the bounded input checks (size, nesting, YAML aliases)
that run on raw text before a parser sees it.

>>> fold("Kundechef Æble Ångström")
'kundechef aeble angstrom'
>>> nearest(["account-manager", "account-executive"], "acount-manager")
['account-manager']
>>> printable("Ann\\x1b[31m\\u202eevil\\r")
'Ann[31mevil'
>>> too_deep("a: [[1], {b: [2]}]", 4), too_deep("a:\\n  - [[1], {b: [2]}]", 4)
(None, 2)
>>> too_deep('{"a": "[[[[", "b": 1}', 1, yaml=False) is None
True
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterable

# C0/C1 controls (but tab), DEL, and the Unicode bidi controls (embeddings,
# overrides, isolates, marks) that can make printed text lie about its order.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: "Did you mean" hints are looked up for this many problems of a file, then dropped:
#: each costs a fuzzy match over every known name, which must not make a file of
#: thousands of bad references quadratic.
HINTED_PROBLEMS = 50


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, for matching what people type."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("ß", "ss")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def nearest(items: Iterable[str], query: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Close matches for ``query`` among ``items`` (for "did you mean" hints), best first."""
    return difflib.get_close_matches(query, list(items), n=n, cutoff=cutoff)


def did_you_mean(query: str, items: Iterable[str], *, n: int = 1, cutoff: float = 0.6,
                 style: str = " (did you mean {}?)") -> str:
    """A hint such as `` (did you mean 'level'?)`` naming close matches, or ``""``.

    >>> did_you_mean("levle", ["level", "title"])
    " (did you mean 'level'?)"
    >>> did_you_mean("zzz", ["level"])
    ''
    """
    close = nearest(items, query, n=n, cutoff=cutoff)
    return style.format(", ".join(repr(c) for c in close)) if close else ""


def printable(text: str) -> str:
    """``text`` with control characters (terminal escapes, CR/LF, bidi controls) removed.

    For user data printed to a terminal: a name cannot move the cursor, recolour
    the screen or reverse the order of what follows it.
    """
    return _UNSAFE.sub("", text)


def escape_json_controls(text: str) -> str:
    """JSON text with the characters :func:`printable` strips written as ``\\uXXXX`` escapes.

    For JSON printed to a terminal: the data is kept (a JSON reader gets the same
    strings back) but no escape sequence or bidi control reaches the screen. Raw
    newlines in JSON text are layout, never data, so they stay.

    >>> escape_json_controls('{"name": "Ann\u202e\x9b"}')
    '{"name": "Ann\\\\u202e\\\\u009b"}'
    """
    return _UNSAFE.sub(lambda m: "\n" if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)


def printable_lines(text: str) -> str:
    """As :func:`printable`, but each line kept: for multi-line messages."""
    return "\n".join(printable(line) for line in text.split("\n"))


# --- bounded input checks -----------------------------------------------------------


def input_problem(value: str, *, max_length: int) -> str | None:
    """Why a short user text (an id, a name, a search) is refused, or None when it is fine.

    One rule for every request parameter and id: at most ``max_length``
    characters (the setting ``max_query_length``) and no NUL.

    >>> input_problem("lead", max_length=200) is None
    True
    >>> input_problem("x" * 300, max_length=200)
    'is 300 characters long; the limit is 200'
    >>> input_problem("a\\x00b", max_length=200)
    'must not contain a NUL character'
    """
    if len(value) > max_length:
        return f"is {len(value)} characters long; the limit is {max_length}"
    if "\x00" in value:
        return "must not contain a NUL character"
    return None


_SIGNIFICANT = re.compile(r"[\n\[\]{}\"'#]")
_INDENT = re.compile(r"( *)((?:[-?][ \t]+ *)*)([^ \n\r#]?)")
_DOUBLE_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_END = re.compile(r"(?:[^']|'')*'(?!')")


def too_deep(text: str, limit: int, *, yaml: bool = True) -> int | None:
    """The line of ``text`` where nesting first goes deeper than ``limit``, else None.

    Counts ``[``/``{`` outside strings and comments, and for YAML (``yaml=True``)
    the block structure too: each deeper indentation and each ``- `` opening a
    line is a level, so ``a:\\n  b:\\n    c: 1`` is 3 deep. Linear in the length
    of the text and it never parses, so it is safe on any bytes: hostile files are
    refused before libyaml or json recurse into them. The count is an upper
    bound (a block scalar's text may count as one more level).
    """
    if not yaml:
        return _too_deep_json(text, limit)
    at = _too_deep_at(text, limit, yaml=yaml)
    return None if at is None else text.count("\n", 0, at) + 1


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NOT_BRACKET_OR_LINE = re.compile(r"[^\[\]{}\n]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, "\n": 0}


def _too_deep_json(text: str, limit: int) -> int | None:
    """:func:`too_deep` for JSON, at C speed: strings dropped, then only brackets counted.

    JSON strings hold no raw newlines, so lines survive dropping them. Brackets
    after a stray closer may be undercounted, but ``json`` stops at that closer.
    """
    bare = _JSON_STRING.sub("", text)
    steps = map(_STEP.__getitem__, _NOT_BRACKET.sub("", bare))
    if max(itertools.accumulate(steps), default=0) <= limit:
        return None
    marks = _NOT_BRACKET_OR_LINE.sub("", bare)  # again with the newlines, to name the line
    first = next(i for i, d in enumerate(itertools.accumulate(map(_STEP.__getitem__, marks)))
                 if d > limit)
    return marks.count("\n", 0, first) + 1


def _too_deep_at(text: str, limit: int, *, yaml: bool) -> int | None:
    """The offset where nesting first passes ``limit`` (the exact scanner)."""
    depth = 0  # flow depth: open [ and {
    indents: list[int] = []  # YAML block indentation levels open
    pos, n = 0, len(text)
    if yaml:
        pos = _line(text, 0, indents)
        if len(indents) > limit:
            return pos
    while pos < n:
        m = _SIGNIFICANT.search(text, pos)
        if m is None:
            return None
        i, c = m.start(), m.group()
        pos = i + 1
        if c == "\n":
            if yaml and depth == 0:
                pos = _line(text, pos, indents)
                if len(indents) > limit:
                    return pos
        elif c in "[{":
            depth += 1
            if depth + len(indents) > limit:
                return i
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == '"' and (not yaml or _starts_scalar(text, i)):
            end = _DOUBLE_END.match(text, pos)
            pos = end.end() if end else n
        elif c == "'" and yaml and _starts_scalar(text, i):
            end = _SINGLE_END.match(text, pos)
            pos = end.end() if end else n
        elif c == "#" and yaml and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            pos = n if end < 0 else end
    return None


def _line(text: str, pos: int, indents: list[int]) -> int:
    """Update the open YAML block levels for the line starting at ``pos``; where it goes on."""
    m = _INDENT.match(text, pos)
    if not m.group(3) and not m.group(2):  # a blank or comment-only line
        return m.end(1)
    indent = len(m.group(1))
    while indents and indents[-1] >= indent:
        indents.pop()
    indents.append(indent)
    dashes = m.group(2)
    if dashes:
        at = indent
        for piece in re.findall(r"[-?][ \t]+ *", dashes):
            at += len(piece)
            indents.append(at)
    return m.end(2)


def _starts_scalar(text: str, i: int) -> bool:
    """Whether the quote at ``i`` opens a quoted YAML scalar (not an apostrophe in text)."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in "[{,:-?\n"


__all__ = ["HINTED_PROBLEMS", "did_you_mean", "escape_json_controls", "fold", "input_problem",
           "nearest", "printable", "printable_lines", "too_deep"]


_NAME_JUNK = re.compile(r"[^\w.-]+")


def download_name(*parts: str | int | None, fmt: str) -> str:
    """A download's file name from what it shows (org or ladder, view, person, language):
    the parts that are given, each in safe characters, joined by ``-``.

    >>> download_name("agency", "org", "a12", None, "da", fmt="pdf")
    'agency-org-a12-da.pdf'
    >>> download_name("x/y", "org", 'a"b c', "en", fmt="svg")
    'x_y-org-a_b_c-en.svg'
    """
    words = [_NAME_JUNK.sub("_", str(p)).strip("_.-") for p in parts if p not in (None, "")]
    return "-".join(w for w in words if w) + f".{fmt}"
