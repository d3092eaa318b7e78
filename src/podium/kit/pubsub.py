"""Fan-out of small JSON messages to whoever listens on a channel.

Services never publish: they emit domain events on their unit of work, and after the commit the
realtime relay (``podium.web.realtime.messages``) publishes the messages they stand for, so that
a message is sent only once its transaction has committed. The in-memory broker serves one
process; the Redis
broker (same interface) joins several processes behind one address: a message published in one
reaches the subscribers of every process.

Delivery is at most once. A subscriber that falls behind loses its oldest messages, and messages
published while a process is cut off from Redis are lost; after the Redis broker reconnects it
puts ``{"type": "resync"}`` (:data:`RESYNC`) in the queue of every channel it subscribed again,
so that listeners fetch what they may have missed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

Message = dict[str, Any]

RESYNC: Message = {"type": "resync"}
DEFAULT_QUEUE_SIZE = 256

log = logging.getLogger(__name__)


def session_channel(session_public_id: str) -> str:
    """The channel of one session's live messages."""
    return f"session:{session_public_id}"


class Broker(Protocol):
    async def publish(self, channel: str, message: Message) -> None:
        """Send ``message`` to every subscriber of ``channel``; never raises for a broker that
        is unreachable (the message is lost and the failure logged)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[asyncio.Queue[Message]]:
        """An async context manager yielding an ``asyncio.Queue`` of the channel's messages.

        Messages published once the context has been entered are delivered."""
        ...

    async def close(self) -> None:
        """Let go of connections and tasks; the broker starts again when used again."""
        ...


def _put_dropping_oldest(queue: asyncio.Queue[Message], message: Message) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(message)


class InMemoryBroker:
    """Delivers to subscribers in this process; a slow subscriber loses its oldest messages."""

    def __init__(self, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscribers: defaultdict[str, set[asyncio.Queue[Message]]] = defaultdict(set)

    async def publish(self, channel: str, message: Message) -> None:
        for queue in tuple(self._subscribers.get(channel, ())):
            _put_dropping_oldest(queue, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Message]]:
        queue: asyncio.Queue[Message] = asyncio.Queue(self._queue_size)
        self._subscribers[channel].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[channel].discard(queue)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def close(self) -> None:
        return None


class RedisBroker:
    """Redis pub/sub shared by every process configured with the same Redis and prefix.

    One pub/sub connection per process, whatever the number of local subscribers: a channel is
    subscribed in Redis while it has at least one local subscriber, and a reader task hands each
    message to the channel's local queues. When the connection drops (Redis restarted, the
    connection killed, no answer to a ping), the reader reconnects with a growing, jittered
    delay, subscribes every channel again and then delivers :data:`RESYNC` on each.

    Messages travel as JSON (orjson). Channel names in Redis are prefixed with ``prefix`` so
    that several installations can share one Redis. Publishing while Redis is unreachable logs
    and drops the message: the transaction it followed has committed, and pages catch up.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "podium:",
        queue_size: int = DEFAULT_QUEUE_SIZE,
        subscribe_timeout: float = 5.0,
        idle_ping_seconds: float = 15.0,
        reconnect_delays: tuple[float, float] = (0.1, 5.0),
    ) -> None:
        self.url = url
        self.prefix = prefix
        self._queue_size = queue_size
        self._subscribe_timeout = subscribe_timeout
        self._idle_ping_seconds = idle_ping_seconds
        self._first_delay, self._max_delay = reconnect_delays
        # the pub/sub connection's name in CLIENT LIST, and a channel of its own that keeps the
        # connection subscribed while no page listens
        self.client_name = f"{prefix}broker".replace(" ", "_")
        self._control = f"{prefix}broker"
        self._subscribers: dict[str, set[asyncio.Queue[Message]]] = {}
        # channels subscribed on the current connection; those Redis confirmed; and the
        # subscribers' wait for a confirmation
        self._subscribed: set[str] = set()
        self._live: set[str] = set()
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._resync: set[str] = set()
        self._sync_lock = asyncio.Lock()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._publisher: Redis | None = None
        self._listener: Redis | None = None
        self.connected = asyncio.Event()
        self._first_attempt = asyncio.Event()

    # --- publishing -----------------------------------------------------------------------

    def _publisher_client(self) -> Redis:
        if self._publisher is None:
            self._publisher = Redis.from_url(
                self.url, socket_connect_timeout=5, socket_timeout=5, socket_keepalive=True
            )
        return self._publisher

    async def publish(self, channel: str, message: Message) -> None:
        try:
            await self._publisher_client().publish(self.prefix + channel, orjson.dumps(message))
        except (RedisError, OSError) as error:
            log.warning("could not publish on %s (message lost): %s", channel, error)

    # --- subscribing ----------------------------------------------------------------------

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Message]]:
        queue: asyncio.Queue[Message] = asyncio.Queue(self._queue_size)
        first = channel not in self._subscribers
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            if first:
                self._confirmations[channel] = asyncio.get_running_loop().create_future()
            confirmation = self._confirmations.get(channel)
            self._ensure_reader()
            if not self._first_attempt.is_set():
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._first_attempt.wait(), self._subscribe_timeout)
            with suppress(RedisError, OSError):  # the reader subscribes again when it reconnects
                await self._sync()
            if confirmation is not None and self._pubsub is not None:
                if channel in self._live:  # still subscribed: its last subscriber just left
                    self._confirmations.pop(channel, None)
                else:
                    await self._confirmed(channel, confirmation)
            yield queue
        finally:
            queues = self._subscribers.get(channel)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._subscribers[channel]
                    self._confirmations.pop(channel, None)
                    self._resync.discard(channel)
                    with suppress(RedisError, OSError):
                        await self._sync()

    async def _confirmed(self, channel: str, confirmation: asyncio.Future[None]) -> None:
        """Wait until Redis confirmed the subscription (so later publishes reach us)."""
        try:
            await asyncio.wait_for(asyncio.shield(confirmation), self._subscribe_timeout)
        except TimeoutError:
            log.warning("Redis did not confirm the subscription to %s in time", channel)

    async def _sync(self) -> None:
        """Make the connection's subscriptions those that have local subscribers."""
        async with self._sync_lock:
            pubsub = self._pubsub
            if pubsub is None:
                return
            wanted = set(self._subscribers)
            added = wanted - self._subscribed
            removed = self._subscribed - wanted
            if added:
                self._subscribed |= added
                await pubsub.subscribe(*(self.prefix + channel for channel in sorted(added)))
            if removed:
                self._subscribed -= removed
                self._live -= removed
                await pubsub.unsubscribe(*(self.prefix + channel for channel in sorted(removed)))

    # --- the reader -----------------------------------------------------------------------

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(
                self._read_forever(), name="podium-redis-broker"
            )

    def _listener_client(self) -> Redis:
        if self._listener is None:
            # no retries inside redis-py: a failure reaches _read_forever, which reconnects
            self._listener = Redis.from_url(
                self.url,
                socket_connect_timeout=5,
                socket_timeout=5,
                socket_keepalive=True,
                retry=Retry(NoBackoff(), 0),
                client_name=self.client_name,
            )
        return self._listener

    async def _read_forever(self) -> None:
        delay = self._first_delay
        reconnecting = False
        while True:
            pubsub = self._listener_client().pubsub()
            try:
                await pubsub.subscribe(self._control)
                async with self._sync_lock:
                    self._pubsub = pubsub
                    self._subscribed = set()
                    self._live = set()
                    if reconnecting:
                        self._resync = set(self._subscribers)
                await self._sync()
                self.connected.set()
                self._first_attempt.set()
                delay = self._first_delay
                if reconnecting:
                    log.info("reconnected to Redis; %d channels subscribed", len(self._subscribed))
                await self._read(pubsub)
            except (RedisError, OSError) as error:
                log.warning("Redis pub/sub connection lost (%s); reconnecting", error)
            except Exception:
                log.exception("Redis pub/sub reader failed; reconnecting")
            finally:
                self.connected.clear()
                self._pubsub = None
                self._subscribed = set()
                self._live = set()
                with suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # typed from redis 8.2
            self._first_attempt.set()
            reconnecting = True
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, self._max_delay)

    async def _read(self, pubsub: PubSub) -> None:
        awaiting_pong = False
        while True:
            item = await pubsub.get_message(timeout=self._idle_ping_seconds)
            if item is None:
                if awaiting_pong:
                    raise ConnectionError("Redis did not answer a ping")
                awaiting_pong = True
                await pubsub.ping()
                continue
            awaiting_pong = False
            kind = item["type"]
            if kind == "message":
                self._deliver(_text(item["channel"]), item["data"])
            elif kind == "subscribe":
                self._on_subscribed(_text(item["channel"]))
            elif kind == "unsubscribe":
                self._live.discard(_text(item["channel"])[len(self.prefix) :])

    def _on_subscribed(self, prefixed: str) -> None:
        channel = prefixed[len(self.prefix) :]
        if channel in self._subscribed:
            self._live.add(channel)
        confirmation = self._confirmations.pop(channel, None)
        if confirmation is not None and not confirmation.done():
            confirmation.set_result(None)
        if channel in self._resync:
            self._resync.discard(channel)
            for queue in tuple(self._subscribers.get(channel, ())):
                _put_dropping_oldest(queue, dict(RESYNC))

    def _deliver(self, prefixed: str, data: bytes) -> None:
        queues = self._subscribers.get(prefixed[len(self.prefix) :])
        if not queues:
            return
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("ignored a message on %s that is not JSON", prefixed)
            return
        if not isinstance(message, dict):
            return
        for queue in tuple(queues):
            _put_dropping_oldest(queue, message)

    # --- lifecycle ------------------------------------------------------------------------

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader
        for client in (self._publisher, self._listener):
            if client is not None:
                await client.aclose()
        self._publisher = self._listener = None
        self._first_attempt = asyncio.Event()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def create_broker(redis_url: str | None, *, prefix: str = "podium:") -> Broker:
    """A Redis broker when ``redis_url`` is given, else one for this process alone."""
    if redis_url:
        return RedisBroker(redis_url, prefix=prefix)
    return InMemoryBroker()
