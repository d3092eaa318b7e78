"""The hub of one process: which sockets listen to which session, and what they are sent.

Sockets of a session share one channel, ``session:<session public id>``. While a channel has
local sockets the hub holds exactly one broker subscription for it (not one per socket), and
forwards each message once to every socket's queue, encoded once. Two kinds of message are not
forwarded but coalesced, so that a burst of hundreds of votes a second costs a few broadcasts:

- ``poll.voted`` becomes ``{"type": "poll.tally", "poll", "votes", "counts", "visible"}``,
  read by one short unit of work in this process (never per socket), at most once per
  ``tally_interval`` per poll for moderator sockets and once per ``audience_interval`` for the
  others (only while the poll's results are visible). A vote that arrives while a tally is
  being read or sent causes one more tally after the interval, so the last tally counts every
  vote.
- ``attendance.changed`` becomes ``{"type": "attendance.count", "checked_in": n}`` the same way,
  for moderator sockets only (the audience's pages show no count: a keynote's check-in rush
  would otherwise send every phone four counts a second); not read while none listens.
- The question messages whose only use on the audience's pages is "fetch the list again"
  (asked, approved, dismissed, answered, pinned) reach moderators at once and the audience at
  most once per ``audience_interval`` per kind, the latest of a burst; upvotes likewise, the
  latest count of each question upvoted (the page changes that question's count in place): a
  plenary's flurry of upvotes is one frame to each phone, not one per upvote.

What the audience is sent combined goes out together: at most one frame per socket per
``audience_interval``, holding the visible tallies of the polls voted on, the latest question
message of each kind and the upvote counts that changed. A frame of one message is that
message; a frame of several is ``{"type": "batch", "messages": [...]}``, which the page takes
apart. A keynote's vote with questions coming in is then two frames a second to each phone,
not four.

Every message sent to N sockets costs N sends on this process's one event loop (about 50 µs
each): with 3,000 phones in a room, the intervals above are what keeps a vote burst and a
flurry of questions from filling the loop with sends. The sockets of a channel are woken
``WAKE_TURN`` at a time, one turn of the loop each, so that a broadcast to 3,000 sockets does
not put 3,000 sends ahead of every request waiting for its next step (measured in the keynote:
a vote's answer waited behind them at each of its steps).

Each socket has a bounded backlog: a socket that cannot keep up has it replaced by one
``{"type": "resync"}`` (the page then fetches what it shows), and never slows the others. Every
``ping_interval`` seconds each socket is sent ``{"type": "ping"}`` so that proxies keep idle
connections open and pages notice a dead one.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any

import orjson

from podium.attendance.service import count_checked_in
from podium.kit.db import Database, UnitOfWork
from podium.kit.pubsub import RESYNC, Broker, Message, session_channel
from podium.live.errors import PollNotFound
from podium.live.service import PollTally, poll_tally

log = logging.getLogger(__name__)

TALLY_INTERVAL_SECONDS = 0.25
AUDIENCE_INTERVAL_SECONDS = 0.5
# refetched by the audience's pages whatever the message says: combined for the audience
_AUDIENCE_COMBINED = frozenset(
    {"question.asked", "question.approved", "question.dismissed", "question.answered",
     "question.pinned"}
)  # fmt: skip
PING_INTERVAL_SECONDS = 25.0
SOCKET_QUEUE_SIZE = 64
# sockets woken per turn of the event loop by a broadcast (about 3 ms of sends)
WAKE_TURN = 64


class Role(enum.StrEnum):
    AUDIENCE = "audience"
    MODERATOR = "moderator"


def encode(message: Message) -> str:
    return orjson.dumps(message).decode()


def batch(texts: list[str]) -> str:
    """One frame of several encoded messages: ``{"type": "batch", "messages": [...]}``."""
    return '{"type":"batch","messages":[' + ",".join(texts) + "]}"


_RESYNC_TEXT = encode(RESYNC)
_PING_TEXT = encode({"type": "ping"})


Send = Callable[[str], Awaitable[None]]
End = Callable[[], Awaitable[None]]


class Listener:
    """What one socket is sent: a bounded backlog of encoded messages, sent in order by a task
    that exists only while there is something to send (an idle socket costs no task).

    A backlog that reaches ``queue_size`` (the client reads too slowly) is replaced by one
    resync message. Nothing is sent before :meth:`start` (the socket is not accepted yet).
    """

    def __init__(
        self, role: Role, *, send: Send, end: End, queue_size: int = SOCKET_QUEUE_SIZE
    ) -> None:
        self.role = role
        self._send = send
        self._end = end
        self._queue_size = queue_size
        self._backlog: deque[str] = deque()
        self._sender: asyncio.Task[None] | None = None
        self._started = False
        self._ending = False
        self.failed = False
        self.overflows = 0

    @property
    def pending(self) -> int:
        """Messages queued for this socket and not sent yet."""
        return len(self._backlog)

    def offer(self, text: str, *, wake: bool = True) -> None:
        """Queue ``text``; unless ``wake`` is False (the caller calls :meth:`wake` later),
        start sending."""
        if self.failed or self._ending:
            return
        if len(self._backlog) >= self._queue_size:
            self.overflows += 1
            self._backlog.clear()
            self._backlog.append(_RESYNC_TEXT)
        self._backlog.append(text)
        if wake:
            self.wake()

    def start(self) -> None:
        self._started = True
        self.wake()

    def end(self) -> None:
        """Send what is queued, then end the socket (the server is stopping)."""
        self._ending = True
        self.wake()

    def wake(self) -> None:
        """Send what is queued, in a task of its own (none while one is sending)."""
        if self._sender is None and self._started and not self.failed:
            self._sender = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._backlog:
                await self._send(self._backlog.popleft())
            if self._ending:
                await self._end()
        except Exception:  # the client went away; its socket's handler hears so too
            self.failed = True
            self._backlog.clear()
        finally:
            self._sender = None


@dataclass
class _Coalescing:
    dirty: bool = False
    task: asyncio.Task[None] | None = None


@dataclass
class _Channel:
    session: str
    listeners: set[Listener] = field(default_factory=set)
    # how many of them have each role (has() is asked several times a second: no scan of
    # thousands of sockets)
    roles: Counter[Role] = field(default_factory=Counter)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    pump: asyncio.Task[None] | None = None
    coalescing: dict[str, _Coalescing] = field(default_factory=dict)

    # the audience's next frame: the latest message of each kind combined for it, and the
    # polls voted on since its last frame (their tallies are read when it is sent)
    latest: dict[str, str] = field(default_factory=dict)
    voted: set[str] = field(default_factory=set)
    # listeners given a message and not woken yet, in order (a dict: each once)
    to_wake: dict[Listener, None] = field(default_factory=dict)
    waker: asyncio.Task[None] | None = None

    def has(self, role: Role) -> bool:
        return self.roles[role] > 0

    def add(self, listener: Listener) -> None:
        self.listeners.add(listener)
        self.roles[listener.role] += 1

    def discard(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.discard(listener)
            self.roles[listener.role] -= 1

    def send(self, text: str, *, to: Role | None = None) -> None:
        """``text`` to every socket, or to those of role ``to``: queued now, in order, and
        sent by the sockets woken ``WAKE_TURN`` at a time (:meth:`_wake_in_turns`)."""
        for listener in tuple(self.listeners):
            if to is None or listener.role is to:
                listener.offer(text, wake=False)
                self.to_wake[listener] = None
        if self.to_wake and self.waker is None:
            self.waker = asyncio.get_running_loop().create_task(self._wake_in_turns())

    async def _wake_in_turns(self) -> None:
        try:
            while self.to_wake:
                for listener in list(islice(self.to_wake, WAKE_TURN)):
                    del self.to_wake[listener]
                    listener.wake()
                await asyncio.sleep(0)  # the woken send, and whatever else waits, run now
        finally:
            self.waker = None


class Hub:
    def __init__(
        self,
        *,
        broker: Broker,
        database: Database,
        tally_interval: float = TALLY_INTERVAL_SECONDS,
        audience_interval: float = AUDIENCE_INTERVAL_SECONDS,
        ping_interval: float = PING_INTERVAL_SECONDS,
        queue_size: int = SOCKET_QUEUE_SIZE,
    ) -> None:
        self.broker = broker
        self.database = database
        self.tally_interval = tally_interval
        self.audience_interval = audience_interval
        self.ping_interval = ping_interval
        self.queue_size = queue_size
        self._channels: dict[str, _Channel] = {}
        self._pinger: asyncio.Task[None] | None = None

    @property
    def socket_count(self) -> int:
        return sum(len(channel.listeners) for channel in self._channels.values())

    @property
    def backlog(self) -> int:
        """Messages queued for this process's sockets and not sent yet."""
        return sum(
            listener.pending
            for channel in self._channels.values()
            for listener in channel.listeners
        )

    @asynccontextmanager
    async def listen(
        self, session_public_id: str, *, role: Role, send: Send, end: End
    ) -> AsyncIterator[Listener]:
        """A listener for one socket of the session, which sends with ``send`` once started
        and calls ``end`` when the hub closes; once entered, every message published on the
        session's channel reaches it."""
        name = session_channel(session_public_id)
        channel = self._channels.get(name)
        if channel is None:
            channel = self._channels[name] = _Channel(session=session_public_id)
            channel.pump = asyncio.get_running_loop().create_task(
                self._pump(name, channel), name=f"podium-hub {name}"
            )
        listener = Listener(role, send=send, end=end, queue_size=self.queue_size)
        channel.add(listener)
        self._ensure_pinger()
        try:
            await channel.ready.wait()
            yield listener
        finally:
            channel.discard(listener)
            if not channel.listeners and self._channels.get(name) is channel:
                del self._channels[name]
                self._stop(channel)

    async def close(self) -> None:
        """End every socket's stream and stop every task of the hub."""
        channels = list(self._channels.values())
        self._channels.clear()
        tasks: list[asyncio.Task[None]] = []
        for channel in channels:
            for listener in channel.listeners:
                listener.end()
            tasks.extend(self._stop(channel))
        if self._pinger is not None:
            self._pinger.cancel()
            tasks.append(self._pinger)
            self._pinger = None
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task

    def _stop(self, channel: _Channel) -> list[asyncio.Task[None]]:
        tasks = [
            task
            for task in (
                channel.pump,
                channel.waker,
                *(c.task for c in channel.coalescing.values()),
            )
            if task is not None
        ]
        for task in tasks:
            task.cancel()
        return tasks

    # --- receiving ------------------------------------------------------------------------

    async def _pump(self, name: str, channel: _Channel) -> None:
        """Hold the channel's one subscription and dispatch what arrives, until cancelled."""
        while True:
            try:
                async with self.broker.subscribe(name) as queue:
                    channel.ready.set()
                    while True:
                        self._dispatch(channel, await queue.get())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the subscription to %s failed; subscribing again", name)
                channel.ready.set()
                await asyncio.sleep(1)

    def _dispatch(self, channel: _Channel, message: Message) -> None:
        kind = message.get("type")
        if kind == "poll.voted":
            poll = message.get("poll")
            if isinstance(poll, str):
                self._coalesce(
                    channel,
                    f"poll:{poll}",
                    partial(self._send_tally, channel, poll),
                    self.tally_interval,
                )
                channel.voted.add(poll)
                self._for_the_audience(channel)
        elif kind == "attendance.changed":
            self._coalesce(
                channel, "attendance", lambda: self._send_attendance(channel), self.tally_interval
            )
        elif kind in _AUDIENCE_COMBINED or kind == "question.upvoted":
            text = encode(message)
            channel.send(text, to=Role.MODERATOR)
            # the latest of each kind (of each question's upvote count) for the audience
            which = message.get("question" if kind == "question.upvoted" else "state", "")
            channel.latest[f"{kind}:{which}"] = text
            self._for_the_audience(channel)
        else:
            channel.send(encode(message))

    # --- coalescing -----------------------------------------------------------------------

    def _coalesce(
        self,
        channel: _Channel,
        key: str,
        produce: Callable[[], Awaitable[None]],
        interval: float,
    ) -> None:
        state = channel.coalescing.get(key)
        if state is not None:
            state.dirty = True
            return
        state = channel.coalescing[key] = _Coalescing()
        state.task = asyncio.get_running_loop().create_task(
            self._coalesced(channel, key, state, produce, interval)
        )

    async def _coalesced(
        self,
        channel: _Channel,
        key: str,
        state: _Coalescing,
        produce: Callable[[], Awaitable[None]],
        interval: float,
    ) -> None:
        try:
            while True:
                state.dirty = False
                try:
                    await produce()
                except Exception:
                    log.exception("could not send %s to %s", key, channel.session)
                await asyncio.sleep(interval)
                # no await between this test and the removal below: a message that comes
                # after it finds no state and starts a new round
                if not state.dirty:
                    return
        finally:
            if channel.coalescing.get(key) is state:
                del channel.coalescing[key]

    def _for_the_audience(self, channel: _Channel) -> None:
        self._coalesce(
            channel, "audience", partial(self._send_audience, channel), self.audience_interval
        )

    async def _send_tally(self, channel: _Channel, poll: str) -> None:
        """The poll's tally to the moderators' sockets."""
        if not channel.has(Role.MODERATOR):
            return
        async with self.database.unit_of_work(write=False) as uow:
            tallies = await self._tallies(uow, channel, [poll])
        for tally in tallies:
            channel.send(encode(tally.message()), to=Role.MODERATOR)

    async def _send_audience(self, channel: _Channel) -> None:
        """The audience's frame: the visible tallies of the polls voted on since the last one
        (read now, in one unit of work), then the latest question message of each kind and
        the latest upvote count of each question upvoted."""
        polls, channel.voted = sorted(channel.voted), set()
        if not channel.has(Role.AUDIENCE):
            channel.latest.clear()
            return
        texts: list[str] = []
        if polls:
            async with self.database.unit_of_work(write=False) as uow:
                tallies = await self._tallies(uow, channel, polls)
            texts.extend(encode(tally.message()) for tally in tallies if tally.visible)
        texts.extend(channel.latest.values())  # those that came during the read as well
        channel.latest.clear()
        if texts:
            channel.send(texts[0] if len(texts) == 1 else batch(texts), to=Role.AUDIENCE)

    @staticmethod
    async def _tallies(uow: UnitOfWork, channel: _Channel, polls: list[str]) -> list[PollTally]:
        """The tallies of ``polls`` that still exist."""
        tallies = []
        for poll in polls:
            try:
                tallies.append(
                    await poll_tally(uow, session_public_id=channel.session, poll_public_id=poll)
                )
            except PollNotFound:
                continue
        return tallies

    async def _send_attendance(self, channel: _Channel) -> None:
        if not channel.has(Role.MODERATOR):
            return
        async with self.database.unit_of_work(write=False) as uow:
            count = await count_checked_in(uow, session_public_id=channel.session)
        channel.send(encode({"type": "attendance.count", "checked_in": count}), to=Role.MODERATOR)

    # --- keeping connections alive --------------------------------------------------------

    def _ensure_pinger(self) -> None:
        if self._pinger is None or self._pinger.done():
            self._pinger = asyncio.get_running_loop().create_task(
                self._ping_forever(), name="podium-hub-ping"
            )

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_interval)
            for channel in tuple(self._channels.values()):
                channel.send(_PING_TEXT)

    def stats(self) -> dict[str, Any]:
        """Counts for logs and benchmarks."""
        return {
            "channels": len(self._channels),
            "sockets": self.socket_count,
            "coalescing": sum(len(c.coalescing) for c in self._channels.values()),
        }
