"""What the blueprints share: the store entry of a ladder, role names, checked parameters."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from urllib.parse import quote

from flask import current_app, g, request
from flask_babel import gettext as _

from orgpath import queries
from orgpath.model import LANGUAGES
from orgpath.queries import nearest
from orgpath.store import Entry, NotFound, Store
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


def view_of(kind: str, entry: Entry) -> Entry | None:
    """What this request's audience may see of a store entry (``None``: nothing).

    The one enforcement point of the web: every ladder and org answer is built from
    the entry this returns (:mod:`orgpath.audience`), whose ``version`` includes the
    audience, so caches and ETags keyed by it never mix audiences.
    """
    from orgpath.web.auth import audience

    views = current_app.extensions["orgpath.views"]
    who = audience()
    view, depends = views.made((kind, entry.id, entry.version, entry.value is None, who),
                               lambda: _make_view(views, kind, entry, who))
    if depends:
        g.orgpath_audience_matters = True  # the answer differs by who asks: Vary on it
    return view


def _make_view(views, kind: str, entry: Entry, who) -> tuple[Entry | None, bool]:
    from orgpath.audience import PUBLIC_WORD, ladder_access, org_access
    from orgpath.graph import ladder_graph
    from orgpath.org import org_graph

    rules = (org_access if kind == "org" else ladder_access)(entry.value)
    depends = any(w != PUBLIC_WORD for w in (rules.view, *rules.fields.values())) \
        or (kind == "org" and any(p.opted_out or p.photo_consent is False
                                  for p in entry.value.people))
    got = views.get(kind, entry.id, entry.version, entry.value, entry.graph, who,
                    org_graph if kind == "org" else ladder_graph)
    if got is None:
        return None, True
    value, graph, version = got
    return dataclasses.replace(entry, value=value, graph=graph, version=version), depends


def visible_entries(kind: str) -> list[Entry]:
    """Every ladder or org this request's audience may see, by id (views of them)."""
    s = store()
    ids = s.ladder_ids() if kind == "ladder" else s.org_ids()
    return [v for i in ids if (v := view_of(kind, s.entry(kind, i))) is not None]


def visible_entry(kind: str, ident: str) -> Entry:
    """The view of one ladder or org; :class:`~orgpath.store.NotFound` (404) when unknown
    or hidden from this audience, with suggestions only among those it may see."""
    s = store()
    try:
        entry = s.entry(kind, ident)
    except NotFound as exc:
        entry, broken = None, exc.broken
    else:
        broken = []
    view = view_of(kind, entry) if entry is not None else None
    if view is None:
        from orgpath.web.health import may_see_details

        seen = {e.id: e for e in visible_entries(kind)}
        raise NotFound(kind, ident, nearest(seen, ident),
                       broken if may_see_details() else None)
    return view


def whole_entry(kind: str, ident: str) -> Entry:
    """A ladder or org for answers that cannot be redacted field by field (its history).

    Only for the admin group, or an audience that may see all of it; others get 404
    (hidden) or a 404 saying the history is not theirs to see.
    """
    from orgpath.audience import sees_all
    from orgpath.web.auth import audience

    visible_entry(kind, ident)  # unknown or hidden: 404 as anywhere else
    entry = store().entry(kind, ident)
    if sees_all(entry.value, audience()):
        return entry
    raise Problem(404, f"{kind}-not-found", f"{kind.capitalize()} history not found",
                  f"The history of this {kind} is shown only to those who may see all of it "
                  "(the admin group, or whoever its access: rules show every field and "
                  "person to).", suggestions=[])


def _past_view(kind: str, ident: str, past: Entry) -> Entry:
    """A past version's view (by that version's own rules): hidden now → 404 all the same."""
    visible_entry(kind, ident)  # hidden or unknown today: 404 before anything else
    view = view_of(kind, past)
    if view is None:
        raise NotFound(kind, ident, [])
    return view


def ladder_entry(ladder_id: str) -> Entry:
    """The audience's view of a ladder (refreshed from disk first); 404 if unknown or hidden."""
    _check_id("ladder", ladder_id)
    from orgpath.web.history import as_of_entry  # ?as_of=YYYY-MM-DD: the file from git

    past = as_of_entry("ladder", ladder_id)
    if past is not None:
        return _past_view("ladder", ladder_id, past)
    return visible_entry("ladder", ladder_id)


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
            raise bad_param(name, _("The query parameter %(name)s is required.", name=repr(name)))
        return default
    return _check_text(name, value)


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = raw_arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_param(name, _("%(name)s must be a whole number, not %(raw)s.", name=name,
                                 raw=repr(raw[:40]))) from None
    if not low <= value <= high:
        raise bad_param(name, _("%(name)s must be between %(low)s and %(high)s, not %(value)s.",
                                name=name, low=low, high=high, value=value))
    return value


def choice_arg(name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    raw = raw_arg(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise bad_param(name, _("%(name)s must be one of %(choices)s, not %(raw)s.", name=name,
                                choices=", ".join(choices), raw=repr(raw[:40])),
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
    raise bad_param(name, _("%(name)s must be 1 or 0, not %(raw)s.", name=name,
                            raw=repr(raw[:40])))


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise bad_param("lang", _("%(name)s must be one of %(choices)s, not %(raw)s.",
                                  name="lang", choices=", ".join(LANGUAGES),
                                  raw=repr(lang[:40])), allowed=list(LANGUAGES))
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
