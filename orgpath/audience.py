"""Who may see what: the ``access:`` rules of ladders and orgs, and the one place they apply.

A ladder file or org manifest may hold::

    access:
      view: authenticated          # public | authenticated | group:<name>
      fields:
        email: group:hr            # the same words, plus self and manager
        photo: authenticated
        dotted: authenticated      # dotted reporting lines
        vacancies: authenticated   # vacant positions
      # ladders: fields: {salary: ...}

An :class:`Audience` is who is asking (anonymous, signed in with groups, the admin
group, or ``EVERYTHING`` for the command line). :func:`org_view` and
:func:`ladder_view` turn an ``Org`` or ``Ladder`` into what that audience may see:
``None`` when it may not see it at all; hidden people (vacancies, people who
objected) removed with their reports moved up to the nearest shown manager; hidden
fields emptied, so every answer built from the view (pages, API, charts, exports)
leaves them out. :class:`Views` caches views per (file version, :func:`audience_key`).

>>> from orgpath.org import demo_org
>>> org = demo_org().graph["org"]
>>> org_view(org, PUBLIC) is None, org_view(org, AUTHENTICATED) is not None
(True, True)
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from orgpath.model import Access, Ladder, Org, Person

PUBLIC_WORD = "public"
AUTHENTICATED_WORD = "authenticated"
SELF_WORD = "self"
MANAGER_WORD = "manager"
GROUP_PREFIX = "group:"

#: The sensitive fields of an org and of a ladder, with their default rules.
ORG_FIELDS: dict[str, str] = {"email": AUTHENTICATED_WORD, "photo": AUTHENTICATED_WORD,
                              "dotted": AUTHENTICATED_WORD, "vacancies": AUTHENTICATED_WORD}
LADDER_FIELDS: tuple[str, ...] = ("salary",)
ORG_DEFAULT_VIEW = AUTHENTICATED_WORD
LADDER_DEFAULT_VIEW = PUBLIC_WORD


def _check_word(word: Any, where: str, *, person_words: bool) -> str:
    if not isinstance(word, str):
        raise ValueError(f"{where} must be text such as 'authenticated', not {word!r}")
    w = word.strip()
    if w in (PUBLIC_WORD, AUTHENTICATED_WORD):
        return w
    if person_words and w in (SELF_WORD, MANAGER_WORD):
        return w
    if w.startswith(GROUP_PREFIX) and w[len(GROUP_PREFIX):].strip():
        return GROUP_PREFIX + w[len(GROUP_PREFIX):].strip()
    allowed = "public, authenticated, group:<name>" + (", self, manager" if person_words else "")
    raise ValueError(f"{where}: {word!r} is not one of {allowed}")


def parse_access(value: Any, kind: str) -> Access:
    """An ``access:`` mapping of a ``kind`` (``"org"`` or ``"ladder"``) file, checked.

    Raises :class:`ValueError` naming the key that is wrong.

    >>> parse_access({"view": "group:hr", "fields": {"email": "self"}}, "org").fields["email"]
    'self'
    >>> parse_access({"fields": {"salary": "x"}}, "ladder")
    Traceback (most recent call last):
    ...
    ValueError: access.fields.salary: 'x' is not one of public, authenticated, group:<name>, \
self, manager
    """
    if not isinstance(value, Mapping):
        raise ValueError("access must be a mapping with 'view' and 'fields'")
    unknown = sorted(str(k) for k in value if k not in ("view", "fields"))
    if unknown:
        raise ValueError(f"access: unknown key {unknown[0]!r} (use view, fields)")
    view = value.get("view")
    view = (_check_word(view, "access.view", person_words=False) if view is not None
            else ORG_DEFAULT_VIEW if kind == "org" else LADDER_DEFAULT_VIEW)
    known = tuple(ORG_FIELDS) if kind == "org" else LADDER_FIELDS
    raw_fields = value.get("fields") or {}
    if not isinstance(raw_fields, Mapping):
        raise ValueError("access.fields must be a mapping of field to rule")
    fields = {}
    for name, word in raw_fields.items():
        if name not in known:
            raise ValueError(f"access.fields: unknown field {name!r} (use {', '.join(known)})")
        fields[name] = _check_word(word, f"access.fields.{name}", person_words=True)
    return Access(view, fields)


def org_access(org: Org) -> Access:
    """An org's rules with the defaults filled in."""
    given = org.access
    fields = dict(ORG_FIELDS)
    if given is not None:
        fields.update(given.fields)
    return Access(given.view if given is not None else ORG_DEFAULT_VIEW, fields)


def ladder_access(ladder: Ladder) -> Access:
    """A ladder's rules with the defaults filled in (salary: as the ladder's view)."""
    given = ladder.access
    view = given.view if given is not None else LADDER_DEFAULT_VIEW
    fields = {"salary": view}
    if given is not None:
        fields.update(given.fields)
    return Access(view, fields)


@dataclass(frozen=True)
class Audience:
    """Who an answer is for: signed in or not, their groups, and who they are."""

    authenticated: bool = False
    groups: frozenset[str] = frozenset()
    user: str | None = None
    email: str | None = None
    admin: bool = False  # the admin group, or the command line: everything

    @classmethod
    def parse(cls, text: str) -> Audience:
        """``public``, ``authenticated``, ``group:<name>`` or ``all`` (the CLI's words).

        >>> Audience.parse("group:hr").groups
        frozenset({'hr'})
        """
        word = text.strip()
        if word == "all":
            return EVERYTHING
        if word == PUBLIC_WORD:
            return PUBLIC
        if word == AUTHENTICATED_WORD:
            return AUTHENTICATED
        if word.startswith(GROUP_PREFIX) and word[len(GROUP_PREFIX):].strip():
            return cls(True, frozenset({word[len(GROUP_PREFIX):].strip()}))
        raise ValueError(f"audience {text!r} is not one of public, authenticated, "
                         "group:<name>, all")

    def allows(self, word: str) -> bool:
        """Whether a rule word that does not depend on the person lets this audience see."""
        if self.admin or word == PUBLIC_WORD:
            return True
        if word == AUTHENTICATED_WORD:
            return self.authenticated
        if word.startswith(GROUP_PREFIX):
            return word[len(GROUP_PREFIX):] in self.groups
        return False  # self / manager: decided per person


PUBLIC = Audience()
AUTHENTICATED = Audience(authenticated=True)
EVERYTHING = Audience(authenticated=True, admin=True)


def _me(org: Org, audience: Audience) -> str | None:
    """The viewer's own person id in ``org``: by email (any case), else by user = id."""
    if not audience.authenticated:
        return None
    if audience.email:
        want = audience.email.casefold()
        for p in org.people:
            if p.email and p.email.casefold() == want:
                return p.id
    if audience.user:
        for p in org.people:
            if p.id == audience.user:
                return p.id
    return None


def audience_key(rules: Access, audience: Audience, me: str | None = None) -> str:
    """What of ``audience`` matters under ``rules``: equal keys get equal views.

    >>> r = Access("authenticated", {"email": "group:hr"})
    >>> audience_key(r, Audience(True, frozenset({"it"}))) == audience_key(r, AUTHENTICATED)
    True
    """
    if audience.admin:
        return "admin"
    words = sorted({rules.view, *rules.fields.values()})
    bits = "".join("1" if audience.allows(w) else "0" for w in words)
    if me is not None and ({SELF_WORD, MANAGER_WORD} & set(rules.fields.values())):
        return f"{bits}:{me}"
    return bits


def org_view(org: Org, audience: Audience) -> Org | None:
    """What ``audience`` may see of ``org``; ``None`` when it may not see the org at all."""
    rules = org_access(org)
    if not audience.allows(rules.view):
        return None
    me = _me(org, audience)
    parent = {p.id: p.manager_id for p in org.people}

    def allowed(word: str, p: Person) -> bool:
        if audience.allows(word):
            return True
        if me is None:
            return False
        if word == SELF_WORD:
            return p.id == me
        if word == MANAGER_WORD:
            seen, m = set(), parent.get(p.id)
            while m is not None and m not in seen:
                if m == me:
                    return True
                seen.add(m)
                m = parent.get(m)
        return False

    f = rules.fields
    drop = {p.id for p in org.people
            if (p.opted_out and not audience.admin)
            or (p.vacant and not allowed(f["vacancies"], p))}

    def shown_manager(pid: str | None) -> str | None:
        seen = set()
        while pid is not None and pid in drop and pid not in seen:
            seen.add(pid)
            pid = parent.get(pid)
        return pid

    dotted_rule = f["dotted"]
    dotted_hidden = not audience.allows(dotted_rule) and dotted_rule not in (SELF_WORD,
                                                                           MANAGER_WORD)
    photo_rule = f["photo"]
    photos_hidden = not audience.allows(photo_rule) and photo_rule not in (SELF_WORD,
                                                                         MANAGER_WORD)
    photo_per_person = not photos_hidden and not audience.allows(photo_rule)
    no_photo: set[str] = set()
    people = []
    changed = bool(drop) or dotted_hidden != org.dotted_hidden \
        or photos_hidden != org.photos_hidden
    for p in org.people:
        if p.id in drop:
            continue
        changes: dict[str, Any] = {}
        if p.manager_id in drop:
            changes["manager_id"] = shown_manager(p.manager_id)
        if p.email and not allowed(f["email"], p):
            changes["email"] = None
        if p.photo_consent is False or (photo_per_person and not allowed(f["photo"], p)):
            no_photo.add(p.id)
            if p.photo_url:
                changes["photo_url"] = None
        elif photos_hidden and p.photo_url:
            changes["photo_url"] = None
        if p.dotted_managers:
            keep = tuple(d for d in p.dotted_managers if d not in drop) \
                if allowed(dotted_rule, p) else ()
            if keep != p.dotted_managers:
                changes["dotted_managers"] = keep
        if changes:
            changed = True
            p = dataclasses.replace(p, **changes)
        people.append(p)
    if not changed and frozenset(no_photo) == org.photo_hidden:
        return org
    return dataclasses.replace(org, people=tuple(people), dotted_hidden=dotted_hidden,
                               photos_hidden=photos_hidden, photo_hidden=frozenset(no_photo))


def ladder_view(ladder: Ladder, audience: Audience) -> Ladder | None:
    """What ``audience`` may see of ``ladder`` (salaries by the rule); ``None``: nothing."""
    rules = ladder_access(ladder)
    if not audience.allows(rules.view):
        return None
    if audience.allows(rules.fields["salary"]) or not any(r.salary for r in ladder.roles):
        return ladder
    roles = tuple(dataclasses.replace(r, salary=None) if r.salary else r for r in ladder.roles)
    return dataclasses.replace(ladder, roles=roles)


def sees_all(value: Org | Ladder, audience: Audience) -> bool:
    """Whether ``audience`` may see every field of every person of ``value`` by its rules
    (for answers that cannot be redacted, such as history): the admin group, or every
    rule allows it and nobody in it objected."""
    if audience.admin:
        return True
    rules = org_access(value) if isinstance(value, Org) else ladder_access(value)
    if not all(audience.allows(w) for w in (rules.view, *rules.fields.values())):
        return False
    return not (isinstance(value, Org) and any(p.opted_out for p in value.people))


class Views:
    """Views of ladders and orgs kept per (kind, id, file version, audience key); LRU.

    ``build`` makes the graph of a view; a view equal to the file's value reuses
    ``graph`` (no copy for audiences that see everything).
    """

    def __init__(self, max_views: int):
        self.max_views = max_views
        self._items: OrderedDict[tuple, tuple[Any, Any, str] | None] = OrderedDict()
        self._lock = threading.Lock()
        # (kind, id, version, audience) → what the caller made of a view: the hot path
        self._made: OrderedDict[tuple, Any] = OrderedDict()

    def made(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()`` once per ``key`` (it should include the audience), then remembered.

        For callers that wrap a view (the web's store entries): a repeated request
        costs one dict lookup. Holds at most 8 × ``max_views`` keys.
        """
        try:
            hit = self._made[key]
        except KeyError:
            pass
        else:
            return hit
        out = make()
        with self._lock:
            self._made[key] = out
            while len(self._made) > 8 * self.max_views:
                self._made.popitem(last=False)
        return out

    def get(self, kind: str, ident: str, version: str, value: Any, graph: Any,
            audience: Audience, build: Callable[[Any], Any]) -> tuple[Any, Any, str] | None:
        """``(view, its graph, its version)`` for ``audience``, or ``None`` if hidden.

        The returned version is the file's version plus the audience key, so caches
        and ETags keyed by it differ between audiences that see different things.
        """
        if kind == "org":
            rules = org_access(value)
            key = audience_key(rules, audience, _me(value, audience)
                               if {SELF_WORD, MANAGER_WORD} & set(rules.fields.values())
                               else None)
        else:
            key = audience_key(ladder_access(value), audience)
        ck = (kind, ident, version, key)
        with self._lock:
            if ck in self._items:
                self._items.move_to_end(ck)
                return self._items[ck]
        view = (org_view if kind == "org" else ladder_view)(value, audience)
        if view is None:
            out = None
        else:
            out = (view, graph if view is value else build(view), f"{version}.{key}")
        with self._lock:
            self._items[ck] = out
            while len(self._items) > self.max_views:
                self._items.popitem(last=False)
        return out


__all__ = ["AUTHENTICATED", "EVERYTHING", "LADDER_FIELDS", "ORG_FIELDS", "PUBLIC", "Audience",
           "Views", "audience_key", "ladder_access", "ladder_view", "org_access", "org_view",
           "parse_access", "sees_all"]
