"""One byte-bounded, thread-safe LRU for everything orgpath keeps in memory.

:class:`ByteLRU` is ``cachetools.LRUCache`` sized in bytes (``getsizeof``) behind a
lock. The web's response caches use it; the Graphviz runner can too.

>>> c = ByteLRU(10, max_share=1)
>>> c.put("a", b"12345"); c.put("b", b"67890"); c.put("c", b"x")
>>> c.get("a") is None, c.get("b"), c.get("c")
(True, b'67890', b'x')
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache


def _nbytes(value: Any) -> int:
    """Bytes of a value: a ``bytes`` body, or the first item of a tuple that starts with one."""
    if isinstance(value, tuple):
        value = value[0]
    return len(value) if isinstance(value, bytes | bytearray | str) else 1


class ByteLRU:
    """Least recently used values up to ``max_bytes`` in all; thread-safe.

    A value bigger than ``max_bytes / max_share`` is not kept (one huge chart must not
    flush everything else). ``sizeof`` measures a value (default: its ``bytes``).
    """

    def __init__(self, max_bytes: int, *, max_share: int = 4,
                 sizeof: Callable[[Any], int] = _nbytes):
        self.max_bytes = max_bytes
        self._largest = max_bytes // max_share if max_bytes > 0 else 0
        self._sizeof = sizeof
        self._items: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=sizeof)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used to make room."""
        if self.max_bytes <= 0 or self._sizeof(value) > self._largest:
            return
        with self._lock:
            self._items[key] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    @property
    def currsize(self) -> int:
        """Bytes held now."""
        with self._lock:
            return int(self._items.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


__all__ = ["ByteLRU"]
