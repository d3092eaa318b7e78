"""The brokers: in memory (one process) and Redis (several processes sharing one Redis).

Both give the same guarantees to a subscriber; the Redis tests add what only it does: two
brokers (two processes) hear each other, one pub/sub connection serves every channel of a
process, and a lost connection comes back by itself and says so with a resync message.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from podium.kit.pubsub import (
    RESYNC,
    Broker,
    InMemoryBroker,
    Message,
    RedisBroker,
    create_broker,
    session_channel,
)
from tests.redis_support import REDIS_URL, eventually, unique_prefix

WAIT_SECONDS = 10


async def _next(queue: asyncio.Queue[Message]) -> Message:
    return await asyncio.wait_for(queue.get(), WAIT_SECONDS)


@pytest.fixture(params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest, redis_client: Redis) -> AsyncIterator[Broker]:
    made: Broker = (
        InMemoryBroker()
        if request.param == "memory"
        else RedisBroker(REDIS_URL, prefix=unique_prefix())
    )
    try:
        yield made
    finally:
        await made.close()


@pytest.fixture
async def redis_brokers(redis_client: Redis) -> AsyncIterator[tuple[RedisBroker, RedisBroker]]:
    """Two brokers on one Redis and one prefix: two server processes."""
    prefix = unique_prefix()
    first, second = RedisBroker(REDIS_URL, prefix=prefix), RedisBroker(REDIS_URL, prefix=prefix)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


# --- both brokers --------------------------------------------------------------------------


async def test_broker_delivers_to_every_subscriber_of_the_channel_only(broker: Broker) -> None:
    async with (
        broker.subscribe("session:a") as first,
        broker.subscribe("session:a") as second,
        broker.subscribe("session:b") as other,
    ):
        await broker.publish("session:a", {"type": "poll.opened", "poll": "p1"})
        await broker.publish("session:b", {"type": "marker"})

        assert [await _next(first), await _next(second), await _next(other)] == [
            {"type": "poll.opened", "poll": "p1"},
            {"type": "poll.opened", "poll": "p1"},
            {"type": "marker"},
        ]
        assert (first.empty(), second.empty()) == (True, True)


async def test_broker_keeps_the_order_of_one_publisher(broker: Broker) -> None:
    async with broker.subscribe("session:a") as queue:
        for number in range(20):
            await broker.publish("session:a", {"type": "n", "n": number})

        assert [(await _next(queue))["n"] for _ in range(20)] == list(range(20))


async def test_broker_stops_delivering_once_the_subscriber_left(broker: Broker) -> None:
    async with broker.subscribe("session:a") as stays:
        async with broker.subscribe("session:a") as leaves:
            pass
        await broker.publish("session:a", {"type": "after"})

        assert (await _next(stays), leaves.empty()) == ({"type": "after"}, True)


async def test_broker_publish_without_subscribers_is_dropped(broker: Broker) -> None:
    await broker.publish("session:nobody", {"type": "lost"})
    async with broker.subscribe("session:nobody") as queue:
        await broker.publish("session:nobody", {"type": "heard"})

        assert await _next(queue) == {"type": "heard"}


async def test_in_memory_broker_drops_the_oldest_messages_of_a_slow_subscriber() -> None:
    broker = InMemoryBroker(queue_size=2)
    async with broker.subscribe("session:a") as queue:
        for number in range(4):
            await broker.publish("session:a", {"n": number})

        assert [queue.get_nowait(), queue.get_nowait()] == [{"n": 2}, {"n": 3}]


def test_create_broker_picks_redis_only_with_a_url() -> None:
    redis_broker = create_broker("redis://127.0.0.1:6379/0", prefix="x:")

    assert type(create_broker(None)) is InMemoryBroker
    assert type(redis_broker) is RedisBroker
    assert (redis_broker.url, redis_broker.prefix) == ("redis://127.0.0.1:6379/0", "x:")


def test_session_channel_names_the_session() -> None:
    assert session_channel("abcd") == "session:abcd"


# --- Redis ---------------------------------------------------------------------------------


async def test_redis_brokers_of_two_processes_hear_each_other(
    redis_brokers: tuple[RedisBroker, RedisBroker],
) -> None:
    first, second = redis_brokers
    async with first.subscribe("session:a") as on_first, second.subscribe("session:a") as on_second:
        await first.publish("session:a", {"type": "from-first"})
        await second.publish("session:a", {"type": "from-second"})

        assert [await _next(on_first), await _next(on_first)] == [
            {"type": "from-first"},
            {"type": "from-second"},
        ]
        assert [await _next(on_second), await _next(on_second)] == [
            {"type": "from-first"},
            {"type": "from-second"},
        ]


async def test_redis_broker_does_not_hear_another_prefix(redis_client: Redis) -> None:
    ours, theirs = (
        RedisBroker(REDIS_URL, prefix=unique_prefix()),
        RedisBroker(REDIS_URL, prefix=unique_prefix()),
    )
    try:
        async with ours.subscribe("session:a") as queue:
            await theirs.publish("session:a", {"type": "other-installation"})
            await ours.publish("session:a", {"type": "ours"})

            assert (await _next(queue), queue.empty()) == ({"type": "ours"}, True)
    finally:
        await ours.close()
        await theirs.close()


async def _pubsub_clients(redis: Redis, name: str) -> list[dict[str, str]]:
    clients = await redis.client_list(_type="pubsub")
    return [client for client in clients if client.get("name") == name]


async def test_redis_broker_uses_one_connection_for_every_channel(redis_client: Redis) -> None:
    broker = RedisBroker(REDIS_URL, prefix=unique_prefix())
    try:
        async with (
            broker.subscribe("session:a"),
            broker.subscribe("session:a"),
            broker.subscribe("session:b"),
            broker.subscribe("session:c"),
        ):
            connections = await _pubsub_clients(redis_client, broker.client_name)
            numsub = dict(
                await redis_client.pubsub_numsub(
                    *(f"{broker.prefix}session:{name}" for name in "abc")
                )
            )

            assert len(connections) == 1
            assert connections[0]["sub"] == "4"  # three channels and the broker's own
            assert sorted(numsub.values()) == [1, 1, 1]
    finally:
        await broker.close()


async def test_redis_broker_unsubscribes_a_channel_when_its_last_subscriber_leaves(
    redis_client: Redis,
) -> None:
    broker = RedisBroker(REDIS_URL, prefix=unique_prefix())
    channel = f"{broker.prefix}session:a"

    async def subscribers() -> int:
        return int(dict(await redis_client.pubsub_numsub(channel))[channel.encode()])

    async def unsubscribed() -> bool:
        return await subscribers() == 0

    try:
        async with broker.subscribe("session:a"):
            async with broker.subscribe("session:a"):
                assert await subscribers() == 1
            assert await subscribers() == 1
        await eventually(unsubscribed)
    finally:
        await broker.close()


async def test_redis_broker_reconnects_resubscribes_and_says_resync(redis_client: Redis) -> None:
    broker = RedisBroker(REDIS_URL, prefix=unique_prefix(), reconnect_delays=(0.05, 0.5))
    try:
        async with broker.subscribe("session:a") as queue:
            [connection] = await _pubsub_clients(redis_client, broker.client_name)
            killed = await redis_client.client_kill_filter(_id=connection["id"])

            resync = await _next(queue)
            await broker.publish("session:a", {"type": "after-reconnect"})

            assert (killed, resync) == (1, RESYNC)
            assert await _next(queue) == {"type": "after-reconnect"}
            [again] = await _pubsub_clients(redis_client, broker.client_name)
            assert again["id"] != connection["id"]
    finally:
        await broker.close()


async def test_redis_broker_survives_every_pubsub_connection_being_killed(
    redis_brokers: tuple[RedisBroker, RedisBroker],
    redis_client: Redis,
) -> None:
    first, second = redis_brokers
    async with first.subscribe("session:a") as on_first, second.subscribe("session:a") as on_second:
        ours = [
            client
            for client in await redis_client.client_list(_type="pubsub")
            if client.get("name") == first.client_name
        ]
        for client in ours:
            await redis_client.client_kill_filter(_id=client["id"])

        assert [await _next(on_first), await _next(on_second)] == [RESYNC, RESYNC]
        await first.publish("session:a", {"type": "back"})
        assert [await _next(on_first), await _next(on_second)] == [{"type": "back"}] * 2


async def test_redis_broker_publish_to_an_unreachable_redis_loses_the_message_quietly() -> None:
    broker = RedisBroker("redis://127.0.0.1:9/0", prefix=unique_prefix(), subscribe_timeout=2)
    try:
        await broker.publish("session:a", {"type": "lost"})
        async with broker.subscribe("session:a") as queue:
            assert (queue.empty(), broker.connected.is_set()) == (True, False)
    finally:
        await broker.close()


async def test_redis_broker_can_be_used_again_after_close(redis_client: Redis) -> None:
    broker = RedisBroker(REDIS_URL, prefix=unique_prefix())
    async with broker.subscribe("session:a") as queue:
        await broker.publish("session:a", {"type": "before"})
        assert await _next(queue) == {"type": "before"}
    await broker.close()
    try:
        async with broker.subscribe("session:a") as queue:
            await broker.publish("session:a", {"type": "after"})
            assert await _next(queue) == {"type": "after"}
    finally:
        await broker.close()


async def test_redis_broker_subscribing_while_the_last_subscriber_leaves_does_not_wait(
    redis_client: Redis,
) -> None:
    """A page reloads: its old socket leaves as the new one joins. Neither sends a command
    (the channel stays subscribed), and the new one does not wait for a confirmation."""
    broker = RedisBroker(REDIS_URL, prefix=unique_prefix(), subscribe_timeout=60)
    loop = asyncio.get_running_loop()
    try:
        leaving = broker.subscribe("session:a")
        await leaving.__aenter__()
        joining = broker.subscribe("session:a")
        async with broker._sync_lock:  # both reach their sync before either runs
            left = loop.create_task(leaving.__aexit__(None, None, None))
            joined = loop.create_task(joining.__aenter__())
            for _ in range(10):
                await asyncio.sleep(0)
        queue = await asyncio.wait_for(joined, WAIT_SECONDS)
        await left
        await broker.publish("session:a", {"type": "heard"})

        assert await _next(queue) == {"type": "heard"}
        await joining.__aexit__(None, None, None)
    finally:
        await broker.close()
