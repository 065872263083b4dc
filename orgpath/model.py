"""Plain, immutable data for ladders and orgs. No I/O and no project imports.

A ``Text`` maps a language code (``"en"``, ``"da"``) to a string; ``localize``
picks the wanted language with an English fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Text = Mapping[str, str]
TextList = Mapping[str, tuple[str, ...]]

LANGUAGES = ("en", "da")
DEFAULT_LANGUAGE = "en"
MOVE_KINDS = ("promotion", "lateral")
ASSUMPTION = "assumption"

_EMPTY: Mapping = MappingProxyType({})


def localize(text: Mapping | None, lang: str = DEFAULT_LANGUAGE, default=""):
    """Return ``text`` in ``lang``, else English, else any language present.

    >>> localize({"en": "Account Manager", "da": "Kundechef"}, "da")
    'Kundechef'
    >>> localize({"en": "Account Manager"}, "da")
    'Account Manager'
    """
    if not text:
        return default
    if lang in text:
        return text[lang]
    if DEFAULT_LANGUAGE in text:
        return text[DEFAULT_LANGUAGE]
    return next(iter(text.values()))


@dataclass(frozen=True)
class Salary:
    """A pay band as a source states it."""

    currency: str
    min: float | None = None
    max: float | None = None
    period: str = "year"
    source: str | None = None

    @property
    def midpoint(self) -> float | None:
        """The middle of the band, or the one bound given."""
        if self.min is not None and self.max is not None:
            return (self.min + self.max) / 2
        return self.min if self.min is not None else self.max


@dataclass(frozen=True)
class Skill:
    """A skill a ladder's roles expect, declared in the ladder file's ``skills:`` section."""

    id: str
    title: Text
    description: Text = field(default_factory=lambda: _EMPTY)
    category: str | None = None
    codes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # e.g. {"esco": uri}
    line: int | None = None

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The skill's title in ``lang`` (English fallback)."""
        return localize(self.title, lang, self.id)


@dataclass(frozen=True)
class ScaleLevel:
    """One named step of a ladder's proficiency scale, e.g. 3 "expert"."""

    level: int
    title: Text
    description: Text = field(default_factory=lambda: _EMPTY)

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return localize(self.title, lang, str(self.level))


@dataclass(frozen=True)
class Role:
    """One role (job) of a ladder."""

    id: str
    title: Text
    level: int
    aliases: tuple[str, ...] = ()
    track: str | None = None
    reports_to: tuple[str, ...] = ()  # first is the primary line, others dotted
    summary: Text = field(default_factory=lambda: _EMPTY)
    responsibilities: TextList = field(default_factory=lambda: _EMPTY)
    skills: tuple[str, ...] = ()
    # expected proficiency per skill, for skills written as a mapping {skill: level}
    skill_levels: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    salary: Salary | None = None
    codes: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    source: str | None = None
    line: int | None = None  # where the role starts in its file

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The role's title in ``lang`` (English fallback)."""
        return localize(self.title, lang, self.id)


@dataclass(frozen=True)
class Move:
    """A way from one role to another: a promotion or a lateral move."""

    source_role: str
    target_role: str
    kind: str = "promotion"
    years: float | None = None  # typical years in ``source_role`` before the move
    requires: tuple[str, ...] = ()
    source: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Access:
    """Who may see a ladder or org (``view``) and each sensitive field (``fields``).

    Each value is a rule word: ``public``, ``authenticated``, ``group:<name>``, and
    for fields also ``self`` or ``manager`` (see :mod:`orgpath.audience`).
    """

    view: str
    fields: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class Ladder:
    """A job family: its roles and the moves between them."""

    id: str
    title: Text
    roles: tuple[Role, ...]
    moves: tuple[Move, ...] = ()
    description: Text = field(default_factory=lambda: _EMPTY)
    path: str | None = None  # the file it was read from
    tracks: Mapping[str, Text] = field(default_factory=lambda: _EMPTY)  # track id → title
    access: Access | None = None  # None: the defaults of orgpath.audience
    skills: Mapping[str, Skill] = field(default_factory=lambda: _EMPTY)  # skill id → Skill
    scale: tuple[ScaleLevel, ...] = ()  # the proficiency scale, lowest first
    categories: Mapping[str, Text] = field(default_factory=lambda: _EMPTY)  # id → title
    sources: Mapping[str, Text] = field(default_factory=lambda: _EMPTY)  # key → title

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return localize(self.title, lang, self.id)

    def track_name(self, track: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """A track's title in ``lang``; an undeclared track's id, made readable.

        >>> lad = Ladder("x", {"en": "X"}, (), tracks={"sales": {"en": "Sales", "da": "Salg"}})
        >>> lad.track_name("sales", "da"), lad.track_name("key-accounts")
        ('Salg', 'Key accounts')
        """
        if track in self.tracks:
            return localize(self.tracks[track], lang, track)
        return track.replace("-", " ").capitalize()

    def skill_name(self, skill: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """A skill's title in ``lang``; an undeclared skill's id, made readable.

        >>> lad = Ladder("x", {"en": "X"}, (), skills={"sql": Skill("sql", {"en": "SQL"})})
        >>> lad.skill_name("sql", "da"), lad.skill_name("customer-service")
        ('SQL', 'Customer service')
        """
        if skill in self.skills:
            return self.skills[skill].name(lang)
        return skill.replace("-", " ").capitalize()

    def category_name(self, category: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
        """A skill category's title in ``lang`` ("" for none)."""
        if category is None:
            return ""
        if category in self.categories:
            return localize(self.categories[category], lang, category)
        return category.replace("-", " ").capitalize()

    def level_name(self, level: int | None, lang: str = DEFAULT_LANGUAGE) -> str:
        """The scale's name for ``level`` ("3 · expert"), or the number alone."""
        if level is None:
            return ""
        for step in self.scale:
            if step.level == level:
                return f"{level} · {step.name(lang)}"
        return str(level)

    def source_name(self, source: str | None, lang: str = DEFAULT_LANGUAGE) -> str | None:
        """What to show for a ``source:`` value: its title from ``sources:``, else as written."""
        if source is None:
            return None
        return localize(self.sources.get(source), lang, source)


@dataclass(frozen=True, slots=True)
class Person:
    """One person (or vacant position) of an org.

    Slotted: an org holds 100,000s of these, and a ``__dict__`` each would be most of
    a loaded org's memory.
    """

    id: str
    name: str
    manager_id: str | None = None
    title: str | None = None
    role: str | None = None  # a ladder role id, resolved at load time
    department: str | None = None
    email: str | None = None
    photo_url: str | None = None
    assistant: bool = False
    dotted_managers: tuple[str, ...] = ()
    vacant: bool = False
    row: int | None = None  # 1-based line in its file (header is row 1)
    photo_consent: bool | None = None  # False: the photo is never shown (None: not stated)
    opted_out: bool = False  # the right to object: shown to the admin group only


@dataclass(frozen=True)
class Org:
    """An org chart of people, optionally tied to a ladder."""

    id: str
    title: str
    people: tuple[Person, ...]
    ladder: str | None = None
    path: str | None = None
    access: Access | None = None  # None: the defaults of orgpath.audience
    dotted_hidden: bool = False  # an audience's view without dotted lines (absent in answers)
    photos_hidden: bool = False  # an audience's view without any photo (photos/<id> files too)
    photo_hidden: frozenset[str] = frozenset()  # people whose photo is never shown
