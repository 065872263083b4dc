"""The shared helpers: the byte-bounded LRU and the one "not found" error."""

from __future__ import annotations

import threading

from orgpath.errors import NotFoundError
from orgpath.lru import ByteLRU
from orgpath.queries import RoleNotFound
from orgpath.web.errors import from_exception


def test_lru_keeps_at_most_max_bytes():
    c = ByteLRU(100, max_share=1)
    for i in range(10):
        c.put(i, b"x" * 30)
    assert c.currsize <= 100
    assert len(c) == 3
    assert c.get(0) is None
    assert c.get(9) == b"x" * 30


def test_lru_drops_the_least_recently_used():
    c = ByteLRU(60, max_share=1)
    c.put("a", b"a" * 30)
    c.put("b", b"b" * 30)
    assert c.get("a") == b"a" * 30  # "a" is now the most recently used
    c.put("c", b"c" * 30)
    assert c.get("b") is None
    assert c.get("a") == b"a" * 30


def test_lru_refuses_a_value_bigger_than_its_share():
    c = ByteLRU(100)  # one value may take at most a quarter
    c.put("big", b"x" * 26)
    c.put("small", b"x" * 25)
    assert c.get("big") is None
    assert c.get("small") == b"x" * 25


def test_lru_measures_body_and_etag_pairs_by_the_body():
    c = ByteLRU(100, max_share=1)
    c.put("k", (b"x" * 40, '"etag"'))
    assert c.currsize == 40


def test_lru_with_zero_bytes_keeps_nothing():
    c = ByteLRU(0)
    c.put("k", b"x")
    assert c.get("k") is None


def test_lru_is_safe_across_threads():
    c = ByteLRU(10_000, max_share=1)

    def work(n):
        for i in range(500):
            c.put((n, i), b"x" * 10)
            c.get((n, i - 1))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.currsize <= 10_000
    assert len(c) == 1000


def test_role_not_found_is_a_not_found_error():
    exc = RoleNotFound("Kundechf", ["account-manager"])
    assert isinstance(exc, NotFoundError)
    assert exc.what == "role"
    assert exc.ident == "Kundechf"
    assert str(exc) == "no role matches 'Kundechf' (did you mean account-manager?)"


def test_any_not_found_error_maps_to_one_problem():
    class TeamNotFound(NotFoundError):
        def __init__(self, ident):
            super().__init__("team", ident, ["blue", "green"])

    p = from_exception(TeamNotFound("gren"))
    assert p.status == 404
    assert p.slug == "team-not-found"
    assert p.title == "Team not found"
    assert p.detail == "There is no team 'gren'. Did you mean: blue, green?"
    assert p.extra == {"suggestions": ["blue", "green"], "suggestion_labels": ["blue", "green"]}
