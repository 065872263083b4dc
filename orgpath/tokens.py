"""API tokens: ``Authorization: Bearer <token>`` for integrators and CI.

The tokens file (setting ``tokens_file``) is JSON, written atomically with mode
0600; it keeps, per token, its name, the SHA-256 of the token (never the token),
its groups, when it was made and when it expires::

    {"tokens": [{"name": "ci", "sha256": "…", "groups": ["hr"], "created": "…",
                 "expires": null}]}

A token is 32 random bytes (``secrets.token_urlsafe``) behind the prefix ``op_``,
printed once by ``orgpath token create``. :class:`TokenBook` reads the file again
when it changes and checks a presented token with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "op_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_GROUP = re.compile(r"^[^\s,]{1,100}$")


class TokenError(ValueError):
    """A tokens file or a token command is wrong; the message says what and where."""


@dataclass(frozen=True)
class Token:
    """One stored token: its name, hash, groups and optional expiry (UTC)."""

    name: str
    sha256: str
    groups: tuple[str, ...] = ()
    created: str = ""
    expires: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires is not None and (now or datetime.now(UTC)) >= self.expires


def digest(token: str) -> str:
    """The SHA-256 of a token, as kept in the file."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _parse_time(text: str, where: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise TokenError(f"{where}: {text!r} is not a date or time (use 2026-12-31 or "
                         "2026-12-31T23:59:00+00:00)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read_tokens(path: Path) -> list[Token]:
    """The tokens of a file (none if it does not exist); :class:`TokenError` if broken."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"{path}: cannot read the tokens file: {exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TokenError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    items = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise TokenError(f"{path}: a tokens file is {{\"tokens\": [...]}}")
    out = []
    for i, item in enumerate(items):
        where = f"{path}: tokens[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not re.fullmatch(r"[0-9a-f]{64}", str(item.get("sha256", ""))):
            raise TokenError(f"{where}: needs a 'name' and a 64-hex 'sha256'")
        groups = item.get("groups") or []
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise TokenError(f"{where} ({item['name']}): 'groups' must be a list of names")
        expires = item.get("expires")
        out.append(Token(item["name"], item["sha256"], tuple(groups), str(item.get("created",
                         "")), _parse_time(expires, where) if expires else None))
    return out


def write_tokens(path: Path, tokens: list[Token]) -> None:
    """Write the tokens file atomically (a private temporary file renamed), mode 0600."""
    path = Path(path)
    data = {"tokens": [{"name": t.name, "sha256": t.sha256, "groups": list(t.groups),
                        "created": t.created,
                        "expires": t.expires.isoformat() if t.expires else None}
                       for t in tokens]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_groups(text: str) -> tuple[str, ...]:
    """``"hr, it"`` → ``("hr", "it")``; :class:`TokenError` for a bad name."""
    groups = tuple(dict.fromkeys(g.strip() for g in text.split(",") if g.strip()))
    for g in groups:
        if not _GROUP.match(g):
            raise TokenError(f"group {g!r}: no spaces or commas, at most 100 characters")
    return groups


def create_token(path: Path, name: str, groups: tuple[str, ...] = (),
                 expires: str | None = None) -> str:
    """Add a token called ``name`` and return it (the only time it is seen)."""
    if not _NAME.match(name):
        raise TokenError(f"token name {name!r}: use letters, digits, '.', '_' or '-' "
                         "(at most 64)")
    tokens = read_tokens(path)
    if any(t.name == name for t in tokens):
        raise TokenError(f"a token called {name!r} exists already in {path}; revoke it "
                         "first or choose another name")
    when = _parse_time(expires, "--expires") if expires else None
    token = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    write_tokens(path, [*tokens, Token(name, digest(token), groups, now, when)])
    return token


def revoke_token(path: Path, name: str) -> None:
    """Remove the token called ``name``; :class:`TokenError` if there is none."""
    tokens = read_tokens(path)
    kept = [t for t in tokens if t.name != name]
    if len(kept) == len(tokens):
        names = ", ".join(t.name for t in tokens) or "none"
        raise TokenError(f"no token called {name!r} in {path} (there are: {names})")
    write_tokens(path, kept)


class TokenBook:
    """The tokens of a file, read again when the file changes (one ``stat`` per check)."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._where = str(self.path) if path else ""
        self._stamp: tuple[int, int] | None = None
        self._tokens: list[Token] = []
        self._lock = threading.Lock()

    def _current(self) -> list[Token]:
        if self.path is None:
            return []
        try:
            st = os.stat(self._where)
            stamp = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp != self._stamp:
            with self._lock:
                # a broken file refuses every token rather than keeping stale ones
                try:
                    self._tokens = read_tokens(self.path) if stamp != (0, 0) else []
                except TokenError as exc:
                    log.error("%s; no API token is accepted until it is fixed", exc)
                    self._tokens = []
                self._stamp = stamp
        return self._tokens

    def check(self, token: str) -> Token | None:
        """The stored token matching ``token`` (expired ones included), or None."""
        want = digest(token)
        found = None
        for t in self._current():
            if hmac.compare_digest(t.sha256, want):
                found = t
        return found


__all__ = ["PREFIX", "Token", "TokenBook", "TokenError", "create_token", "digest",
           "parse_groups", "read_tokens", "revoke_token", "write_tokens"]
