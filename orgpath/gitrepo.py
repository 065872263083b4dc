"""Reading the git repository that holds a graphs folder, through libgit2 (pygit2).

Only reads: revisions, blobs by object id, the log of one path, the commit in
force on a date. Nothing is checked out and the working tree is never touched.
Revisions given by users are checked (:func:`check_rev`) before libgit2 sees
them and never reach a shell; walks are bounded by the ``max_history_commits``
setting.

>>> check_rev("HEAD~3")
'HEAD~3'
>>> check_rev("--output=/etc/passwd")
Traceback (most recent call last):
...
orgpath.gitrepo.RevisionError: revision '--output=/etc/passwd' must not start with '-'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from orgpath import settings

try:  # pygit2 is a dependency, but the rest of orgpath works without it
    import pygit2
except ImportError:  # pragma: no cover - exercised only on broken installs
    pygit2 = None

#: What a revision may be spelled with: names, ids, ``~``/``^`` suffixes, ``@{...}``.
_REV = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/~^@{}+-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RevisionError(ValueError):
    """A revision or date that is malformed, unknown, or does not hold the file."""


class NoRepository(LookupError):
    """The folder is not inside a git repository (or pygit2 is missing)."""


@dataclass(frozen=True)
class Commit:
    """One commit, as the history pages show it."""

    id: str
    short: str
    time: dt.datetime  # the committer date, timezone-aware
    author: str
    message: str  # the first line

    def as_dict(self) -> dict:
        return {"id": self.id, "short": self.short, "date": self.time.isoformat(),
                "author": self.author, "message": self.message}


@dataclass(frozen=True)
class Version:
    """A file as one commit has it: the commit and the blob's object id."""

    commit: Commit
    blob: str


def check_rev(rev: str) -> str:
    """``rev`` if it is a plausible revision; :class:`RevisionError` otherwise."""
    limit = settings.get("max_query_length")
    if not rev:
        raise RevisionError("the revision is empty")
    if len(rev) > limit:
        raise RevisionError(f"revision is {len(rev)} characters long; the limit is {limit}")
    if rev.startswith("-"):
        raise RevisionError(f"revision {rev!r} must not start with '-'")
    if ".." in rev or not _REV.match(rev):
        raise RevisionError(
            f"revision {rev[:60]!r} is not a revision (use a branch, tag, commit id, "
            "HEAD~N or a date YYYY-MM-DD)")
    return rev


def parse_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; :class:`RevisionError` naming the text otherwise.

    >>> parse_date("2024-03-01")
    datetime.date(2024, 3, 1)
    """
    if not _DATE.match(text or ""):
        raise RevisionError(f"{str(text)[:40]!r} is not a date (use YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RevisionError(f"{text!r} is not a date on the calendar") from None


def _commit(c) -> Commit:
    tz = dt.timezone(dt.timedelta(minutes=c.commit_time_offset))
    message = (c.message or "").strip().splitlines()
    return Commit(id=str(c.id), short=str(c.id)[:8],
                  time=dt.datetime.fromtimestamp(c.commit_time, tz),
                  author=c.author.name, message=message[0] if message else "")


def _locked(method):
    """Run ``method`` holding the repository's lock: one pygit2 repository object is not
    meant to be used by several threads at once (gunicorn workers run threads)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Repo:
    """The git repository around a folder; paths are given relative to that folder or the root."""

    def __init__(self, repo, folder: Path):
        self._repo = repo
        self._lock = threading.RLock()
        self.root = Path(repo.workdir).resolve() if repo.workdir else Path(repo.path)
        self.folder = folder.resolve()

    @classmethod
    def discover(cls, folder: str | Path) -> Repo:
        """The repository that holds ``folder``; :class:`NoRepository` if there is none."""
        if pygit2 is None:
            raise NoRepository("pygit2 is not installed, so history is not available")
        folder = Path(folder)
        try:
            found = pygit2.discover_repository(str(folder))
        except (pygit2.GitError, OSError):
            found = None
        if not found:
            raise NoRepository(f"{folder} is not inside a git repository")
        repo = pygit2.Repository(found)
        if repo.is_bare or repo.head_is_unborn:
            raise NoRepository(f"{folder}'s git repository has no commits")
        return cls(repo, folder)

    # --- names -----------------------------------------------------------------------

    def relpath(self, path: str | Path) -> str:
        """``path`` (absolute, or relative to the current folder) as a path in the repository."""
        p = Path(path)
        p = p.resolve() if p.is_absolute() or p.exists() else (Path.cwd() / p).resolve()
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            raise RevisionError(f"{path} is not inside the repository {self.root}") from None

    def in_folder(self, name: str) -> str:
        """The repository path of the file ``name`` of the graphs folder."""
        rel = self.folder.relative_to(self.root).as_posix()
        return name if rel == "." else f"{rel}/{name}"

    # --- commits ---------------------------------------------------------------------

    @_locked
    def resolve(self, rev: str):
        """The commit ``rev`` names (a date ``YYYY-MM-DD`` means the last commit that day)."""
        if _DATE.match(rev or ""):
            return self.commit_as_of(parse_date(rev))
        check_rev(rev)
        try:
            obj = self._repo.revparse_single(rev)
            return obj.peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            raise RevisionError(f"unknown revision {rev!r}") from None

    def commit(self, rev: str) -> Commit:
        """The :class:`Commit` of ``rev``."""
        return _commit(self.resolve(rev))

    @_locked
    def commit_as_of(self, day: dt.date):
        """The newest commit on the first-parent line of HEAD made on or before ``day``."""
        limit = settings.get("max_history_commits")
        for n, c in enumerate(self._first_parents(self._repo.head.peel(pygit2.Commit))):
            if n >= limit:
                break
            if dt.datetime.fromtimestamp(c.commit_time, dt.timezone(
                    dt.timedelta(minutes=c.commit_time_offset))).date() <= day:
                return c
        raise RevisionError(f"there is no commit on or before {day.isoformat()}")

    @staticmethod
    def _first_parents(c):
        while c is not None:
            yield c
            c = c.parents[0] if c.parents else None

    # --- files -----------------------------------------------------------------------

    @_locked
    def blob_id(self, commit, path: str) -> str | None:
        """The object id of ``path`` in ``commit``'s tree, or None when it is absent."""
        try:
            entry = commit.tree[path]
        except KeyError:
            return None
        return str(entry.id) if entry.type_str == "blob" else None

    @_locked
    def read_blob(self, oid: str, max_bytes: int) -> bytes:
        """The bytes of the blob ``oid``; :class:`RevisionError` when larger than ``max_bytes``."""
        blob = self._repo[oid]
        if blob.size > max_bytes:
            raise RevisionError(f"blob {oid[:8]} is {blob.size:,} bytes; the limit is "
                                f"{max_bytes:,}")
        return blob.data

    def file_at(self, rev: str, path: str, max_bytes: int) -> tuple[Version, bytes]:
        """``path`` as ``rev`` has it: its :class:`Version` and bytes."""
        c = self.resolve(rev)
        oid = self.blob_id(c, path)
        if oid is None:
            raise RevisionError(f"{path} does not exist at {rev} ({str(c.id)[:8]})")
        return Version(_commit(c), oid), self.read_blob(oid, max_bytes)

    @_locked
    def files_at(self, rev: str, folder: str) -> dict[str, str]:
        """Every file directly in ``folder`` (a repository path, '' for the root) at ``rev``."""
        c = self.resolve(rev)
        tree = c.tree
        if folder:
            try:
                tree = tree[folder]
            except KeyError:
                return {}
            if tree.type_str != "tree":
                return {}
            tree = self._repo[tree.id]
        return {e.name: str(e.id) for e in tree if e.type_str == "blob"}

    @_locked
    def log(self, path: str, *, limit: int | None = None, also: str | None = None) \
            -> list[Version]:
        """The commits (newest first, following first parents) that changed ``path``.

        ``also`` is a second path whose changes count too (an org's manifest).
        At most ``max_history_commits`` commits are walked.
        """
        walk_limit = settings.get("max_history_commits")
        out: list[Version] = []
        for n, c in enumerate(self._first_parents(self._repo.head.peel(pygit2.Commit))):
            if n >= walk_limit or (limit is not None and len(out) >= limit):
                break
            mine = self.blob_id(c, path)
            parent = c.parents[0] if c.parents else None
            before = self.blob_id(parent, path) if parent is not None else None
            changed = mine != before
            if not changed and also:
                changed = self.blob_id(c, also) != (
                    self.blob_id(parent, also) if parent is not None else None)
            if changed and mine is not None:
                out.append(Version(_commit(c), mine))
        return out


def discover(folder: str | Path) -> Repo | None:
    """The repository around ``folder``, or None (no git, no commits, or no pygit2)."""
    try:
        return Repo.discover(folder)
    except NoRepository:
        return None
