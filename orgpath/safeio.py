"""Bounded, safe reading of one input file, and YAML/JSON parsing that cannot blow up.

Every reader (ladders, people files, org manifests) goes through here, so that
any bytes end as one clear :class:`~orgpath.diagnostics.Diagnostic`:

* :func:`read_text` refuses special files (FIFOs, devices, directories, sockets)
  without blocking on them, refuses files over the size limit (reading at most
  limit + 1 bytes), and decodes UTF-8 (with or without a byte-order mark) with
  one message for bad bytes;
* :func:`parse_yaml` and :func:`parse_json` refuse nesting deeper than
  ``max_nesting`` before the text reaches libyaml or ``json`` (so neither can
  recurse into a crash), count YAML aliases as they are expanded (so an alias
  bomb stops after ``max_yaml_aliases``), report duplicate keys with their line,
  and check the ``load_timeout`` deadline as they go.

The bounds come from :class:`Limits`, built from the settings.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from orgpath import settings
from orgpath.diagnostics import ERROR, WARNING, Diagnostic
from orgpath.text import too_deep

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Limits:
    """The bounds a reader applies; each field is the setting of the same name."""

    max_ladder_bytes: int
    max_manifest_bytes: int
    max_people_bytes: int
    max_org_people: int
    max_nesting: int
    max_yaml_aliases: int
    load_timeout: float

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> Limits:
        """The limits among ``values`` (as :func:`orgpath.settings.load` returns them)."""
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    @classmethod
    def from_environment(cls) -> Limits:
        """The limits from ``ORGPATH_*`` environment variables, else the defaults."""
        return cls(**{f.name: settings.get(f.name) for f in fields(cls)})


class Refused(Exception):
    """A file cannot be read or parsed at all; ``diagnostic`` says why."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _refuse(name: str, message: str, line: int | None = None) -> Refused:
    return Refused(Diagnostic(name, line, None, ERROR, message))


_SPECIAL = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _SPECIAL if test(mode)), "not an ordinary file")


def read_bytes(path: str | Path, *, max_bytes: int, setting: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``; else :class:`Refused`.

    A special file is refused from its ``stat`` without being opened for
    reading; the file is then opened non-blocking and checked again with
    ``fstat`` (it may have been swapped), and at most ``max_bytes + 1`` bytes
    are read, so a file that grows meanwhile is refused too.
    """
    name = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _refuse(name, f"cannot read file: {exc.strerror or exc}") from None
    what = _not_regular(st.st_mode)
    if what:
        raise _refuse(name, f"cannot read {what}: only ordinary files are read")
    too_big = (f"the file is larger than {max_bytes:,} bytes, the limit (setting {setting}, "
               f"environment ORGPATH_{setting.upper()})")
    if st.st_size > max_bytes:
        raise _refuse(name, too_big.replace("larger than", f"{st.st_size:,} bytes, larger than"))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(name, f"cannot read file: {exc.strerror or exc}") from None
    try:
        what = _not_regular(os.fstat(fd).st_mode)
        if what:
            raise _refuse(name, f"cannot read {what}: only ordinary files are read")
        chunks, got = [], 0
        while got <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise _refuse(name, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if got > max_bytes:
        raise _refuse(name, too_big)
    return b"".join(chunks)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped); :class:`Refused` names the bad byte.

    >>> decode(b"\\xef\\xbb\\xbfok", "f")
    'ok'
    >>> try:
    ...     decode(b"a\\nb\\xff", "f")
    ... except Refused as refused:
    ...     print(refused.diagnostic.line, refused.diagnostic.message[:40])
    2 the file is not UTF-8 text (invalid byte
    """
    offset = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    try:
        return raw[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start + offset
        raise _refuse(name, f"the file is not UTF-8 text (invalid byte 0x{raw[at]:02x} at byte "
                            f"offset {at}); save it as UTF-8",
                      raw.count(b"\n", 0, at) + 1) from None


def read_text(path: str | Path, *, max_bytes: int, setting: str) -> str:
    """:func:`read_bytes` then :func:`decode`."""
    return decode(read_bytes(path, max_bytes=max_bytes, setting=setting), str(path))


class Deadline:
    """Cooperative ``load_timeout``: :meth:`check` raises :class:`Refused` once it has passed."""

    def __init__(self, seconds: float, name: str):
        self.seconds, self.name = seconds, name
        self.end = time.monotonic() + seconds
        self._calls = 0

    def check(self) -> None:
        """Raise :class:`Refused` if the time is up (looks at the clock every 256 calls)."""
        self._calls += 1
        if self._calls & 255 == 0 and time.monotonic() > self.end:
            raise _refuse(self.name, f"loading took longer than {self.seconds:g} s "
                                     "(setting load_timeout): the file is too big or complex")


def check_nesting(text: str, name: str, *, limits: Limits, yaml_text: bool) -> None:
    """Refuse ``text`` nested deeper than ``limits.max_nesting``, naming the line."""
    line = too_deep(text, limits.max_nesting, yaml=yaml_text)
    if line is not None:
        raise _refuse(name, f"nested more than {limits.max_nesting} levels deep "
                            "(setting max_nesting)", line)


# --- YAML with positions ------------------------------------------------------------------


class YamlDoc:
    """The plain data of a file plus the line:col of every value in it, and diagnostics."""

    def __init__(self, filename: str, root: str = "ladder"):
        self.file = filename
        self.root = root  # what the top-level mapping is called in messages
        self.where: dict[tuple, tuple[int, int]] = {}
        self.diagnostics: list[Diagnostic] = []

    def at(self, path: tuple) -> tuple[int | None, int | None]:
        """Line and column of ``path`` (such as ``("roles", 2, "level")``) or its parent."""
        while path not in self.where and path:
            path = path[:-1]
        return self.where.get(path, (None, None))

    def error(self, path: tuple, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.file, *self.at(path), ERROR, message))

    def warning(self, path: tuple, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.file, *self.at(path), WARNING, message))

    def label(self, path: tuple) -> str:
        return self.root if not path else ".".join(str(p) for p in path if p != "<key>")


class _Plain:
    """Composed YAML nodes → plain data, recording positions and duplicate keys.

    A node met a second time is an alias use (counted each time it is expanded,
    so nested aliases count as often as they would be copied): more than
    ``max_yaml_aliases`` stops the file. Recursion is bounded by the nesting
    check done on the text before composing.
    """

    def __init__(self, doc: YamlDoc, limits: Limits, deadline: Deadline):
        self.doc, self.limits, self.deadline = doc, limits, deadline
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()
        self.aliases = 0

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR:  # the common case, without the constructor's machinery
            return node.value
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            mark = node.start_mark
            raise _refuse(self.doc.file, f"invalid value: {str(exc).splitlines()[0]}",
                          mark.line + 1) from None

    def __call__(self, node: yaml.Node, path: tuple) -> Any:
        self.deadline.check()
        doc = self.doc
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > self.limits.max_yaml_aliases:
                raise _refuse(doc.file, f"more than {self.limits.max_yaml_aliases} YAML alias "
                              "uses (*name), the last of the value anchored on this line "
                              "(setting max_yaml_aliases)", node.start_mark.line + 1)
        else:
            self.seen.add(id(node))
        doc.where[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            first: dict = {}
            for key_node, value_node in node.value:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str | int | float | bool):
                    doc.where[path + ("<key>",)] = (line, col)
                    doc.error(path + ("<key>",), f"{doc.label(path)}: keys must be text")
                    continue
                doc.where.setdefault(path + (key, "<key>"), (line, col))
                if key in first:
                    doc.where[path + (key, "<dup>")] = (line, col)
                    doc.error(path + (key, "<dup>"), f"{doc.label(path)}: duplicate key "
                              f"'{key}' (first on line {first[key]})")
                    continue
                first[key] = line
                out[key] = self(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node)


def parse_yaml(text: str, doc: YamlDoc, *, limits: Limits, deadline: Deadline | None = None,
               json_text: bool = False, what: str = "document", allow_empty: bool = False) -> Any:
    """The one YAML (or JSON) document in ``text`` as plain data, positions kept in ``doc``.

    Returns None with an error in ``doc`` for text that is not one valid
    document (None without an error for an empty one when ``allow_empty``).
    Raises :class:`Refused` when a limit is passed. ``json_text``: the text is
    JSON, checked with ``json`` first (its messages are clearer).
    """
    deadline = deadline or Deadline(limits.load_timeout, doc.file)
    check_nesting(text, doc.file, limits=limits, yaml_text=not json_text)
    if json_text:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            doc.diagnostics.append(
                Diagnostic(doc.file, exc.lineno, exc.colno, ERROR, f"invalid JSON: {exc.msg}"))
            return None
        except (ValueError, RecursionError) as exc:  # such as an int of 5,000 digits
            doc.diagnostics.append(Diagnostic(doc.file, None, None, ERROR, f"invalid JSON: {exc}"))
            return None
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(p for p in (exc.context, exc.problem) if p)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        doc.diagnostics.append(Diagnostic(doc.file, line, col, ERROR, f"invalid YAML: {msg}"))
        return None
    except yaml.YAMLError as exc:
        doc.diagnostics.append(Diagnostic(doc.file, None, None, ERROR, f"invalid YAML: {exc}"))
        return None
    if len(nodes) > 1:
        doc.diagnostics.append(Diagnostic(doc.file, 1, 1, ERROR,
                                          f"one {what} per file: found several documents"))
        return None
    if not nodes:
        if not allow_empty:
            doc.diagnostics.append(Diagnostic(doc.file, 1, 1, ERROR, "the file is empty"))
        return None
    return _Plain(doc, limits, deadline)(nodes[0], ())


def parse_json(text: str, name: str, *, limits: Limits) -> tuple[Any, list[Diagnostic]]:
    """JSON ``text`` as plain data and the duplicate keys found, each with its line.

    Raises :class:`Refused` for text nested too deep or not valid JSON.
    """
    check_nesting(text, name, limits=limits, yaml_text=False)
    dups: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                dups.append(k)
            else:
                out[k] = v  # the first value wins, as in YAML files
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise _refuse(name, f"not valid JSON: {exc.msg}", exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise _refuse(name, f"not valid JSON: {exc}") from None
    return data, _duplicate_lines(text, name, dups)


def _duplicate_lines(text: str, name: str, dups: list[str]) -> list[Diagnostic]:
    """An error per duplicate key of valid JSON ``text``, at its line (one linear scan)."""
    if not dups:
        return []
    out = []
    stack: list[dict[str, int] | None] = []  # per open object: key -> line; None for a list
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "{":
            stack.append({})
        elif c == "[":
            stack.append(None)
        elif c in "]}":
            stack.pop()
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            k = j + 1
            while k < n and text[k] in " \t\r\n":
                line += text[k] == "\n"
                k += 1
            keys = stack[-1] if stack else None
            if keys is not None and k < n and text[k] == ":":
                key = json.loads(text[i:j + 1])
                if key in keys:
                    out.append(Diagnostic(name, line, None, ERROR,
                                          f"duplicate key {text[i:j + 1]} (first on line "
                                          f"{keys[key]})"))
                else:
                    keys[key] = line
            i = k
            continue
        i += 1
    return out


__all__ = ["Deadline", "Limits", "Refused", "YamlDoc", "check_nesting", "decode", "parse_json",
           "parse_yaml", "read_bytes", "read_text"]
