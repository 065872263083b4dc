"""Ready-made responses: bodies kept by key, ETags, 304s and Cache-Control.

A key is a tuple of the endpoint, the store entry's ``version`` (content hash of
the file), the normalized arguments and the language, so an edited file gets
new keys and old entries simply age out of the byte-bounded LRU
(:class:`orgpath.lru.ByteLRU`). The ETag is a hash of the key, so it changes
exactly when the answer can. ``If-None-Match`` is answered by werkzeug
(``Response.make_conditional``).

Answers that carry people data pass ``private=True``: ``Cache-Control: private``
(browsers may keep them, shared caches may not) and ``Vary`` on the headers
that can change who is asking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, current_app, request
from werkzeug.utils import get_content_type

from orgpath.lru import ByteLRU

#: ``Vary`` of public answers (the language is the only thing that picks a variant).
PUBLIC_VARY = "Accept-Language"
#: ``Vary`` of private answers: also who is asking (a session cookie, credentials).
PRIVATE_VARY = "Accept-Language, Cookie, Authorization"


class ResponseCache(ByteLRU):
    """A byte-bounded LRU of ``key → (body, etag)``; thread-safe."""

    def put(self, key: Hashable, value: Any, etag: str | None = None) -> None:  # type: ignore[override]
        """Keep ``(body, etag)`` for ``key``: ``put(key, body, etag)`` or ``put(key, pair)``."""
        super().put(key, value if etag is None else (value, etag))


def etag_for(key: tuple) -> str:
    """A strong ETag (quoted) for a cache key: a hash of the version and arguments."""
    digest = hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=10)
    return f'"{digest.hexdigest()}"'


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, as every API answer is written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_type(media: str) -> str:
    """``media`` with exactly one ``charset`` parameter where text needs one."""
    return media if "charset=" in media else get_content_type(media, "utf-8")


def cache_headers(*, private: bool = False) -> list[tuple[str, str]]:
    """``Cache-Control`` and ``Vary`` of a cacheable answer (public, or private to the asker)."""
    scope = "private" if private else "public"
    return [("Cache-Control", f"{scope}, max-age={current_app.config['CACHE_MAX_AGE']}"),
            ("Vary", PRIVATE_VARY if private else PUBLIC_VARY)]


def cached_body(cache_name: str, key: tuple, produce: Callable[[], bytes]) -> tuple[bytes, str]:
    """``(body, etag)`` from the cache named ``cache_name``, or ``produce()``d and kept."""
    cache: ResponseCache = current_app.extensions[cache_name]
    hit = cache.get(key)
    if hit is not None:
        return hit
    body = produce()
    etag = etag_for(key)
    cache.put(key, body, etag)
    return body, etag


def cached_response(
    cache_name: str,
    key: tuple,
    produce: Callable[[], bytes],
    mimetype: str,
    headers: dict[str, str] | None = None,
    *,
    private: bool = False,
) -> Response:
    """Answer from the cache (or ``produce()`` and remember), with ETag, 304 and caching.

    ``private=True`` for answers that carry people data. ``produce`` runs only on a
    miss, so expensive producers (wrapped in :func:`orgpath.web.budget.heavy`) never
    take a slot for a cached answer.
    """
    body, etag = cached_body(cache_name, key, produce)
    out = cache_headers(private=private)
    out.append(("ETag", etag))
    if headers:
        out.extend(headers.items())
    resp = Response(body, 200, out, content_type=content_type(mimetype))
    if "HTTP_IF_NONE_MATCH" in request.environ:
        resp.make_conditional(request)
        if resp.status_code == 304:
            resp.headers.pop("Content-Disposition", None)
    return resp


def json_response(key: tuple, produce: Callable[[], Any], *, private: bool = False) -> Response:
    """A cached ``application/json`` answer; ``produce`` returns the data."""
    return cached_response("orgpath.api_cache", key, lambda: dumps(produce()),
                           "application/json", private=private)


__all__ = ["PRIVATE_VARY", "PUBLIC_VARY", "ResponseCache", "cache_headers", "cached_body",
           "cached_response", "content_type", "dumps", "etag_for", "json_response"]
