"""Ready-made responses: bodies kept by key, ETags, 304s and Cache-Control.

A key is a tuple of the endpoint, the store entry's ``version`` (content hash of
the file), the normalized arguments and the language, so an edited file gets
new keys and old entries simply age out of the byte-bounded LRU.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request


class ResponseCache:
    """A byte-bounded LRU of ``key → (body, etag)``; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[bytes, str] | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: tuple, body: bytes, etag: str) -> None:
        if self.max_bytes <= 0 or len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (body, etag)
            self._size += len(body)
            while self._size > self.max_bytes and self._items:
                _, (old, _) = self._items.popitem(last=False)
                self._size -= len(old)

    def __len__(self) -> int:
        return len(self._items)


def etag_for(key: tuple) -> str:
    """A strong ETag for a cache key: the store version plus a hash of the rest."""
    digest = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=10)
    return f'"{digest.hexdigest()}"'


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, as every API answer is written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _not_modified(etag: str) -> bool:
    header = request.environ.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags


def cached_response(
    cache_name: str,
    key: tuple,
    produce: Callable[[], bytes],
    mimetype: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Answer from the cache (or ``produce()`` and remember), with ETag, 304 and caching."""
    cache: ResponseCache = current_app.extensions[cache_name]
    hit = cache.get(key)
    if hit is None:
        body = produce()
        etag = etag_for(key)
        cache.put(key, body, etag)
    else:
        body, etag = hit
    out = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={current_app.config['CACHE_MAX_AGE']}",
        "Vary": "Accept-Language",
    }
    if headers:
        out.update(headers)
    if _not_modified(etag):
        out.pop("Content-Disposition", None)
        return Response(status=304, headers=out)
    return Response(body, 200, out, mimetype=mimetype)


def json_response(key: tuple, produce: Callable[[], Any]) -> Response:
    """A cached ``application/json`` answer; ``produce`` returns the data."""
    return cached_response("orgpath.api_cache", key, lambda: dumps(produce()),
                           "application/json")
