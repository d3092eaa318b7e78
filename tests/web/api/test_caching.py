"""BodyCache and PartsCache: bounded by entries and by bytes, least recently used out first;
concurrent misses of one key build it once."""

from __future__ import annotations

import asyncio

from podium.web.api.caching import BodyCache, PartsCache


def test_body_cache_drops_the_least_recently_used_beyond_its_bytes() -> None:
    cache = BodyCache(max_entries=10, max_bytes=10)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"  # now b is the least recently used

    cache.put("c", b"cccc")

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"aaaa", None, b"cccc")


def test_body_cache_drops_the_least_recently_used_beyond_its_entries() -> None:
    cache = BodyCache(max_entries=2, max_bytes=100)
    for key in "abc":
        cache.put(key, key.encode())

    assert [cache.get(key) for key in "abc"] == [None, b"b", b"c"]


def test_body_cache_does_not_keep_a_body_bigger_than_its_bytes() -> None:
    cache = BodyCache(max_entries=10, max_bytes=4)
    cache.put("small", b"ok")

    cache.put("big", b"too big")

    assert (cache.get("small"), cache.get("big")) == (b"ok", None)


def test_body_cache_replacing_a_key_counts_its_bytes_once() -> None:
    cache = BodyCache(max_entries=10, max_bytes=8)
    cache.put("a", b"aaaa")
    cache.put("a", b"AAAA")

    cache.put("b", b"bbbb")

    assert (cache.get("a"), cache.get("b")) == (b"AAAA", b"bbbb")


async def test_body_cache_builds_a_key_missed_by_concurrent_requests_once() -> None:
    cache = BodyCache(max_entries=10, max_bytes=100)
    builds = 0

    async def build() -> bytes:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.01)
        return b"body"

    bodies = await asyncio.gather(*(cache.get_or_build("k", build) for _ in range(5)))

    assert (bodies, builds) == ([b"body"] * 5, 1)


async def test_body_cache_build_that_fails_is_tried_again_by_the_next_request() -> None:
    cache = BodyCache(max_entries=10, max_bytes=100)
    outcomes = iter([RuntimeError("database went away"), b"body"])

    async def build() -> bytes:
        await asyncio.sleep(0.01)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    first, second = await asyncio.gather(
        cache.get_or_build("k", build), cache.get_or_build("k", build), return_exceptions=True
    )

    assert isinstance(first, RuntimeError)
    assert second == b"body"
    assert cache.get("k") == b"body"


def test_parts_cache_drops_the_least_recently_used_beyond_its_bytes() -> None:
    per_item = PartsCache.ITEM_OVERHEAD + 4
    cache = PartsCache(max_entries=10, max_bytes=2 * per_item)
    cache.put("a", {1: (7, b"aaaa")})
    cache.put("b", {1: (7, b"bbbb")})
    assert cache.get("a") == {1: (7, b"aaaa")}  # now b is the least recently used

    cache.put("c", {1: (7, b"cccc")})

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (
        {1: (7, b"aaaa")},
        {},
        {1: (7, b"cccc")},
    )
    assert cache.size == 2 * per_item


def test_parts_cache_drops_the_least_recently_used_beyond_its_entries() -> None:
    cache = PartsCache(max_entries=2, max_bytes=10_000)
    for key in "abc":
        cache.put(key, {1: (1, key.encode())})

    assert [cache.get(key) for key in "abc"] == [{}, {1: (1, b"b")}, {1: (1, b"c")}]


def test_parts_cache_does_not_keep_parts_bigger_than_its_bytes_and_forgets_the_old_ones() -> None:
    cache = PartsCache(max_entries=10, max_bytes=PartsCache.ITEM_OVERHEAD + 4)
    cache.put("a", {1: (1, b"ok")})

    cache.put("a", {1: (2, b"too big")})

    assert cache.get("a") == {}
    assert cache.size == 0


def test_parts_cache_replacing_a_key_counts_its_bytes_once() -> None:
    cache = PartsCache(max_entries=10, max_bytes=10_000)
    cache.put("a", {1: (1, b"aaaa"), 2: (1, b"aa")})

    cache.put("a", {1: (2, b"AAAA")})

    assert cache.get("a") == {1: (2, b"AAAA")}
    assert cache.size == PartsCache.ITEM_OVERHEAD + 4
