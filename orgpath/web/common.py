"""What the blueprints share: the store entry of a ladder, role names, checked parameters."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import current_app, request

from orgpath import queries
from orgpath.model import LANGUAGES
from orgpath.store import Entry, Store
from orgpath.web.errors import Problem, bad_param

#: Never in a file name sent to a client: control characters, quotes, path separators.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\/]')
#: Runs of what an ASCII fallback file name may not hold.
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9._-]+")
#: Characters RFC 8187's attr-char allows unencoded (besides letters and digits).
_ATTR_CHARS = "!#$&+-.^_`|~"


def store() -> Store:
    return current_app.extensions["orgpath"]


def _check_text(name: str, value: str) -> str:
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if len(value) > limit:
        raise bad_param(name, f"{name} is {len(value)} characters long; the limit is {limit}.")
    if "\x00" in value:
        raise bad_param(name, f"{name} must not contain a NUL character.")
    return value


def ladder_entry(ladder_id: str) -> Entry:
    """The store entry of a ladder (refreshed from disk first); 404 problem if unknown."""
    _check_id("ladder", ladder_id)
    from orgpath.web.history import as_of_entry  # ?as_of=YYYY-MM-DD: the file from git

    return as_of_entry("ladder", ladder_id) or store().entry("ladder", ladder_id)


def _check_id(what: str, ident: str) -> None:
    limit = current_app.config["MAX_QUERY_LENGTH"]
    if len(ident) > limit or "\x00" in ident:
        raise Problem(404, f"{what}-not-found", f"{what.capitalize()} not found",
                      f"There is no {what} with that id (ids are short slugs).",
                      suggestions=[])


def resolve_role(G, name: str, param: str | None = None) -> str:
    """A role id from an id, a title or an alias (``param`` names the query parameter)."""
    if param is not None:
        _check_text(param, name)
    elif len(name) > current_app.config["MAX_QUERY_LENGTH"] or "\x00" in name:
        raise queries.RoleNotFound(name[:80], [])
    if name in G:
        return name
    return queries.find_role(G, name)


def raw_arg(name: str) -> str | None:
    """The first value of a query parameter, or None (no KeyError round trip in werkzeug)."""
    args = request.args
    return args[name] if name in args else None


def text_arg(name: str, required: bool = False, default: str | None = None) -> str | None:
    value = raw_arg(name)
    if value is None or value == "":
        if required:
            raise bad_param(name, f"The query parameter {name!r} is required.")
        return default
    return _check_text(name, value)


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = raw_arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_param(name, f"{name} must be a whole number, not {raw[:40]!r}.") from None
    if not low <= value <= high:
        raise bad_param(name, f"{name} must be between {low} and {high}, not {value}.")
    return value


def choice_arg(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    raw = raw_arg(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise bad_param(name, f"{name} must be one of {', '.join(choices)}, not {raw[:40]!r}.",
                        allowed=list(choices))
    return raw


def bool_arg(name: str) -> bool:
    raw = raw_arg(name)
    if raw is None or raw == "":
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise bad_param(name, f"{name} must be 1 or 0, not {raw[:40]!r}.")


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise bad_param("lang", f"lang must be one of {', '.join(LANGUAGES)}, not {lang[:40]!r}.",
                        allowed=list(LANGUAGES))
    return lang


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A ``Content-Disposition`` value for any file name (RFC 6266, RFC 8187).

    ``filename*=UTF-8''…`` carries the exact name, percent-encoded; ``filename=``
    is an ASCII fallback for old clients (accents dropped, other non-ASCII letters,
    quotes, backslashes, slashes and control characters replaced):

    >>> print(content_disposition("日本-org.svg"))
    attachment; filename="org.svg"; filename*=UTF-8''%E6%97%A5%E6%9C%AC-org.svg
    >>> print(content_disposition('a"b' + chr(13) + chr(10) + '.csv'))
    attachment; filename="a_b.csv"; filename*=UTF-8''a_b__.csv
    """
    name = _UNSAFE.sub("_", filename) or "download"
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    fallback = _ascii(stem) or "download"
    if dot:
        fallback += "." + (_ascii(ext) or "bin")
    return (f'{disposition}; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}")


def _ascii(text: str) -> str:
    """``text`` in ASCII letters, digits and ``-_.``: accents dropped, the rest ``_``."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_ASCII_WORD.sub("_", plain).strip("_-. ")
