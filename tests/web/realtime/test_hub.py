"""The hub without sockets: one subscription per channel, bounded queues, pings, shutting down,
the audience's combined frames."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

import orjson

from podium.kit.db import Database
from podium.kit.pubsub import InMemoryBroker, Message
from podium.web.realtime.hub import WAKE_TURN, Hub, Listener, Role, _Channel, batch, encode
from tests.redis_support import eventually
from tests.web.realtime.conftest import WAIT_SECONDS, Scene
from tests.web.realtime.test_socket import _open_poll, _vote


class CountingBroker(InMemoryBroker):
    """An in-memory broker that counts the subscriptions open on each channel."""

    def __init__(self) -> None:
        super().__init__()
        self.open: Counter[str] = Counter()

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[Message]]:
        @asynccontextmanager
        async def counted() -> AsyncIterator[asyncio.Queue[Message]]:
            async with super(CountingBroker, self).subscribe(channel) as queue:
                self.open[channel] += 1
                try:
                    yield queue
                finally:
                    self.open[channel] -= 1

        return counted()


class Socket:
    """Stands in for a WebSocket: what the hub sends it, and None once the hub ended it."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[str | None] = asyncio.Queue()

    async def send(self, text: str) -> None:
        await self.received.put(text)

    async def end(self) -> None:
        await self.received.put(None)

    async def next(self) -> str | None:
        return await asyncio.wait_for(self.received.get(), WAIT_SECONDS)


@asynccontextmanager
async def connected(hub: Hub, session: str, role: Role = Role.AUDIENCE) -> AsyncIterator[Socket]:
    socket = Socket()
    async with hub.listen(session, role=role, send=socket.send, end=socket.end) as listener:
        listener.start()
        yield socket


async def test_hub_holds_one_subscription_per_channel_whatever_the_number_of_sockets(
    db: Database,
) -> None:
    broker = CountingBroker()
    hub = Hub(broker=broker, database=db)
    async with (
        connected(hub, "a") as first,
        connected(hub, "a", Role.MODERATOR) as second,
        connected(hub, "a") as third,
        connected(hub, "b"),
    ):
        while_listening = +broker.open
        await broker.publish("session:a", {"type": "question.asked", "question": "q"})
        received = [await first.next(), await second.next(), await third.next()]

    async def unsubscribed() -> bool:  # the cancelled subscriptions leave in their own time
        return not +broker.open

    await eventually(unsubscribed)

    assert while_listening == Counter({"session:a": 1, "session:b": 1})
    assert received == ['{"type":"question.asked","question":"q"}'] * 3
    assert hub.stats() == {"channels": 0, "sockets": 0, "coalescing": 0}
    await hub.close()


async def test_listener_replaces_a_backlog_too_long_with_one_resync() -> None:
    socket = Socket()
    listener = Listener(Role.AUDIENCE, send=socket.send, end=socket.end, queue_size=4)
    listener.start()

    for number in range(6):  # faster than anything can be sent
        listener.offer(encode({"n": number}))

    assert [await socket.next() for _ in range(3)] == ['{"type":"resync"}', '{"n":4}', '{"n":5}']
    assert (listener.overflows, socket.received.empty()) == (1, True)


async def test_listener_sends_nothing_before_it_is_started() -> None:
    socket = Socket()
    listener = Listener(Role.AUDIENCE, send=socket.send, end=socket.end)
    listener.offer("first")
    await asyncio.sleep(0)
    before = socket.received.empty()

    listener.start()

    assert (before, await socket.next()) == (True, "first")


async def test_listener_stops_sending_to_a_socket_that_failed() -> None:
    sent: list[str] = []
    tried = asyncio.Event()

    async def send(text: str) -> None:
        sent.append(text)
        tried.set()
        raise OSError("the client went away")

    async def end() -> None:
        raise AssertionError("not called for a failed socket")

    listener = Listener(Role.AUDIENCE, send=send, end=end)
    listener.start()
    listener.offer("first")
    listener.offer("second")
    await tried.wait()
    listener.offer("third")
    listener.end()
    await asyncio.sleep(0)

    assert (sent, listener.failed) == (["first"], True)


async def test_a_broadcast_wakes_its_sockets_a_turn_of_the_loop_at_a_time(db: Database) -> None:
    """3,000 phones in a room: a message to all of them must not put 3,000 sends ahead of
    every request's next step. What waits for the first send runs once ``WAKE_TURN`` sockets
    have been sent to, not all of them; every socket gets every message, in order."""
    hub = Hub(broker=InMemoryBroker(), database=db)
    sockets = 3 * WAKE_TURN
    sent: list[tuple[int, str]] = []
    first_sent = asyncio.Event()

    def recorder(number: int) -> Callable[[str], Awaitable[None]]:
        async def send(text: str) -> None:
            sent.append((number, text))
            first_sent.set()

        return send

    async def nothing() -> None:
        return None

    async with AsyncExitStack() as stack:
        for number in range(sockets):
            listener = await stack.enter_async_context(
                hub.listen("a", role=Role.AUDIENCE, send=recorder(number), end=nothing)
            )
            listener.start()
        await hub.broker.publish("session:a", {"type": "poll.opened", "poll": "p"})
        await hub.broker.publish("session:a", {"type": "poll.closed", "poll": "p"})
        await first_sent.wait()
        sent_to_when_the_first_was = len({number for number, _text in sent})

        async def all_sent() -> bool:
            return len(sent) == 2 * sockets

        await eventually(all_sent)

    by_socket: dict[int, list[str]] = {}
    for number, text in sent:
        by_socket.setdefault(number, []).append(text)
    assert sent_to_when_the_first_was <= WAKE_TURN
    assert set(by_socket) == set(range(sockets))
    assert {tuple(texts) for texts in by_socket.values()} == {
        ('{"type":"poll.opened","poll":"p"}', '{"type":"poll.closed","poll":"p"}')
    }
    await hub.close()


async def test_hub_pings_every_socket(db: Database) -> None:
    hub = Hub(broker=InMemoryBroker(), database=db, ping_interval=0.01)
    async with connected(hub, "a") as socket:
        assert await socket.next() == '{"type":"ping"}'
    await hub.close()


async def test_hub_close_ends_every_socket(db: Database) -> None:
    hub = Hub(broker=InMemoryBroker(), database=db)
    async with connected(hub, "a") as first, connected(hub, "b", Role.MODERATOR) as second:
        await hub.close()

        assert [await first.next(), await second.next()] == [None, None]


async def test_the_audience_gets_what_was_combined_for_it_in_one_frame(
    db: Database, scene: Scene
) -> None:
    """A vote's tally and a question message that come within one audience interval reach
    each phone as one frame (a batch), the tally first; moderators get each as it comes."""
    poll = await _open_poll(db, scene, visible=True)
    await _vote(db, poll, scene.attendee, 1)
    hub = Hub(broker=InMemoryBroker(), database=db, audience_interval=0.2)
    session = scene.session.public_id
    voted = {"type": "poll.voted", "poll": poll.public_id}
    asked = {"type": "question.asked", "question": "q", "state": "approved"}
    async with connected(hub, session) as phone, connected(hub, session, Role.MODERATOR) as desk:
        await hub.broker.publish(f"session:{session}", voted)
        first = await phone.next()  # the first of a burst goes at once, alone
        await hub.broker.publish(f"session:{session}", voted)
        await hub.broker.publish(f"session:{session}", asked)
        second = await phone.next()
        to_the_desk = {await desk.next() for _ in range(3)}
    await hub.close()

    tally = {"type": "poll.tally", "poll": poll.public_id, "votes": 1, "counts": [0, 1, 0],
             "visible": True}  # fmt: skip
    assert orjson.loads(first) == tally
    assert orjson.loads(second) == {"type": "batch", "messages": [tally, asked]}
    assert orjson.loads(batch([encode(tally), encode(asked)])) == orjson.loads(second)
    assert {encode(asked)} <= to_the_desk and encode(tally) in to_the_desk


async def test_the_audience_gets_no_frame_of_hidden_tallies(db: Database, scene: Scene) -> None:
    """Votes on a poll whose results are hidden send the audience nothing; a question message
    with them goes alone."""
    poll = await _open_poll(db, scene, visible=False)
    hub = Hub(broker=InMemoryBroker(), database=db, audience_interval=0.05)
    session = scene.session.public_id
    async with connected(hub, session) as phone:
        await hub.broker.publish(
            f"session:{session}", {"type": "poll.voted", "poll": poll.public_id}
        )
        await hub.broker.publish(
            f"session:{session}", {"type": "question.asked", "question": "q", "state": "approved"}
        )
        received = await phone.next()
        await asyncio.sleep(0.2)  # two more intervals: nothing else comes
        left = phone.received.qsize()
    await hub.close()

    assert orjson.loads(received) == {
        "type": "question.asked",
        "question": "q",
        "state": "approved",
    }
    assert left == 0


async def test_a_flurry_of_upvotes_reaches_the_audience_as_each_questions_latest_count(
    db: Database, scene: Scene
) -> None:
    """Hundreds of upvotes a second in a plenary: moderators get each; the audience, after the
    first, one frame with the latest count of each question upvoted since."""
    hub = Hub(broker=InMemoryBroker(), database=db, audience_interval=0.2)
    session = scene.session.public_id

    def upvoted(question: str, upvotes: int) -> Message:
        return {"type": "question.upvoted", "question": question, "upvotes": upvotes}

    flurry = [upvoted("q1", 2), upvoted("q2", 1), upvoted("q1", 3), upvoted("q2", 2)]
    async with connected(hub, session) as phone, connected(hub, session, Role.MODERATOR) as desk:
        await hub.broker.publish(f"session:{session}", upvoted("q1", 1))
        first = await phone.next()
        for message in flurry:
            await hub.broker.publish(f"session:{session}", message)
        second = await phone.next()
        to_the_desk = [await desk.next() for _ in range(5)]
        await asyncio.sleep(0.5)  # two more intervals: nothing else comes
        left = phone.received.qsize()
    await hub.close()

    assert orjson.loads(first or "") == upvoted("q1", 1)
    assert orjson.loads(second or "") == {
        "type": "batch",
        "messages": [upvoted("q1", 3), upvoted("q2", 2)],
    }
    assert to_the_desk == [encode(m) for m in [upvoted("q1", 1), *flurry]]
    assert left == 0


async def test_a_channel_knows_which_roles_listen_as_sockets_come_and_go() -> None:
    async def nothing(_text: str = "") -> None:
        return None

    channel = _Channel(session="a")
    phone, desk = (Listener(role, send=nothing, end=nothing) for role in Role)
    seen = []
    for change, listener in [("add", phone), ("add", desk), ("discard", desk), ("discard", desk)]:
        getattr(channel, change)(listener)
        seen.append((channel.has(Role.AUDIENCE), channel.has(Role.MODERATOR)))
    channel.discard(phone)

    assert seen == [(True, False), (True, True), (True, False), (True, False)]
    assert (channel.has(Role.AUDIENCE), channel.has(Role.MODERATOR)) == (False, False)
