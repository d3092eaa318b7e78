"""The session WebSocket end to end: a real server, a real client, services publishing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from podium.attendance.checkin import perform_checkin
from podium.enums import AttendanceSource, PollType
from podium.kit.db import Database
from podium.live.service import (
    ask_question,
    cast_vote,
    create_poll,
    open_poll,
    set_poll_results_visible,
)
from podium.models import Attendee, Event, Poll
from podium.web.realtime.hub import AUDIENCE_INTERVAL_SECONDS, TALLY_INTERVAL_SECONDS
from tests.factories import make_attendee
from tests.web.realtime.conftest import WAIT_SECONDS, LiveServer, Scene, receive


async def _closed_with(websocket: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(websocket.recv(), WAIT_SECONDS)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def _ask(db: Database, scene: Scene, text: str = "Why?") -> str:
    async with db.unit_of_work() as uow:
        session = await uow.session.merge(scene.session)
        question = await ask_question(uow, session=session, attendee=None, text=text)
    return question.public_id


async def _open_poll(db: Database, scene: Scene, *, visible: bool = False) -> Poll:
    async with db.unit_of_work() as uow:
        session = await uow.session.merge(scene.session)
        poll = await create_poll(
            uow, session=session, name="Pick", type=PollType.MULTIPLE_CHOICE, choices=list("ABC")
        )
        await open_poll(uow, poll=poll)
        if visible:
            await set_poll_results_visible(uow, poll=poll, visible=True)
    return poll


async def _voters(db: Database, event: Event, count: int) -> list[Attendee]:
    async with db.unit_of_work() as uow:
        return [
            await make_attendee(uow, event, email=f"voter{number}@example.com")
            for number in range(count)
        ]


async def _vote(db: Database, poll: Poll, attendee: Attendee, choice: int) -> None:
    async with db.unit_of_work() as uow:
        await cast_vote(
            uow,
            poll=await uow.session.merge(poll),
            attendee=await uow.session.merge(attendee),
            choices=[choice],
        )


async def test_socket_receives_what_services_publish_on_its_session(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with live_server.socket(scene.event, scene.session.public_id) as websocket:
        question = await _ask(db, scene)

        assert await receive(websocket) == {
            "type": "question.asked",
            "question": question,
            "state": "approved",
        }


async def test_socket_reports_the_checked_in_count_to_moderators_only(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with (
        live_server.socket(scene.event, scene.session.public_id) as audience,
        live_server.socket(scene.event, scene.session.public_id, moderator=True) as moderator,
    ):
        async with db.unit_of_work() as uow:
            await perform_checkin(
                uow,
                session=await uow.session.merge(scene.session),
                attendee=await uow.session.merge(scene.attendee),
                source=AttendanceSource.WEB,
            )
        counted = await receive(moderator)
        question = await _ask(db, scene)

        assert counted == {"type": "attendance.count", "checked_in": 1}
        # the audience's next message is the question: no count came before it
        assert await receive(audience) == {
            "type": "question.asked",
            "question": question,
            "state": "approved",
        }


async def test_socket_of_an_unknown_session_is_closed_with_4404(
    live_server: LiveServer, scene: Scene
) -> None:
    async with live_server.socket(scene.event, "nosuch") as websocket:
        assert await _closed_with(websocket) == 4404


async def test_socket_of_a_session_id_with_a_nul_is_closed_with_4404(
    live_server: LiveServer, scene: Scene
) -> None:
    async with live_server.socket(scene.event, "abc%00def") as websocket:
        assert await _closed_with(websocket) == 4404


async def test_socket_without_the_app_password_is_closed_with_4403(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with db.unit_of_work() as uow:
        event = await uow.session.merge(scene.event)
        event.app_password = "letmein"
    scene.event.app_password = "letmein"

    async with live_server.socket(scene.event, scene.session.public_id) as refused:
        code = await _closed_with(refused)
    async with (
        live_server.socket(scene.event, scene.session.public_id, app_access=True) as attendee,
        live_server.socket(scene.event, scene.session.public_id, moderator=True) as moderator,
    ):
        question = await _ask(db, scene)

        assert code == 4403
        assert [await receive(attendee), await receive(moderator)] == [
            {"type": "question.asked", "question": question, "state": "approved"}
        ] * 2


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
async def test_socket_from_another_site_is_closed_with_4403(
    live_server: LiveServer, scene: Scene, origin: str
) -> None:
    async with live_server.socket(scene.event, scene.session.public_id, origin=origin) as socket:
        assert await _closed_with(socket) == 4403


async def test_socket_from_the_base_url_origin_is_accepted(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with live_server.socket(
        scene.event, scene.session.public_id, origin="https://podium.test"
    ) as websocket:
        question = await _ask(db, scene)

        assert (await receive(websocket))["question"] == question


async def test_hidden_results_reach_moderators_only(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with (
        live_server.socket(scene.event, scene.session.public_id) as audience,
        live_server.socket(scene.event, scene.session.public_id, moderator=True) as moderator,
    ):
        poll = await _open_poll(db, scene)
        opening = [await receive(audience) for _ in range(2)]
        assert [await receive(moderator) for _ in range(2)] == opening

        await _vote(db, poll, scene.attendee, 1)
        moderator_tally = await receive(moderator)
        # the tally went out before this question: had the audience been sent it, it would come
        # first
        question = await _ask(db, scene)

        assert [message["type"] for message in opening] == ["poll.created", "poll.opened"]
        assert moderator_tally == {
            "type": "poll.tally",
            "poll": poll.public_id,
            "votes": 1,
            "counts": [0, 1, 0],
            "visible": False,
        }
        assert await receive(audience) == {
            "type": "question.asked",
            "question": question,
            "state": "approved",
        }


async def test_visible_results_reach_the_audience(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with live_server.socket(scene.event, scene.session.public_id) as audience:
        poll = await _open_poll(db, scene, visible=True)
        for _ in range(3):  # created, opened, results
            await receive(audience)

        await _vote(db, poll, scene.attendee, 2)

        assert await receive(audience) == {
            "type": "poll.tally",
            "poll": poll.public_id,
            "votes": 1,
            "counts": [0, 0, 1],
            "visible": True,
        }


async def test_a_burst_of_votes_is_coalesced_and_the_last_tally_counts_every_vote(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    voters = await _voters(db, scene.event, 300)
    async with live_server.socket(
        scene.event, scene.session.public_id, moderator=True
    ) as moderator:
        poll = await _open_poll(db, scene)
        for _ in range(2):
            await receive(moderator)
        started = asyncio.get_running_loop().time()

        async def cast(batch: list[tuple[int, Attendee]]) -> None:
            for number, voter in batch:
                await _vote(db, poll, voter, number % 3)

        numbered = list(enumerate(voters))
        await asyncio.gather(*(cast(numbered[start::10]) for start in range(10)))
        tallies: list[dict[str, Any]] = []
        while not tallies or tallies[-1]["votes"] < 300:
            tallies.append(await receive(moderator))
        elapsed = asyncio.get_running_loop().time() - started

    assert tallies[-1] == {
        "type": "poll.tally",
        "poll": poll.public_id,
        "votes": 300,
        "counts": [100, 100, 100],
        "visible": False,
    }
    assert len(tallies) < 300 // 5
    assert len(tallies) <= elapsed / TALLY_INTERVAL_SECONDS + 2
    assert [tally["votes"] for tally in tallies] == sorted(tally["votes"] for tally in tallies)


async def _until(websocket: ClientConnection, done: Any) -> list[dict[str, Any]]:
    """Messages of ``websocket`` until one for which ``done`` is true (that one included)."""
    got: list[dict[str, Any]] = []
    while not got or not done(got[-1]):
        got.append(await receive(websocket))
    return got


async def test_a_flurry_of_questions_reaches_moderators_each_and_the_audience_combined(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    async with (
        live_server.socket(scene.event, scene.session.public_id) as audience,
        live_server.socket(scene.event, scene.session.public_id, moderator=True) as moderator,
    ):
        started = asyncio.get_running_loop().time()
        asked = [await _ask(db, scene, f"Question {n}?") for n in range(30)]
        to_moderator = [await receive(moderator) for _ in asked]
        to_audience = await _until(audience, lambda m: m.get("question") == asked[-1])
        elapsed = asyncio.get_running_loop().time() - started

    assert [m["question"] for m in to_moderator] == asked
    assert {m["type"] for m in to_audience} == {"question.asked"}
    assert len(to_audience) <= elapsed / AUDIENCE_INTERVAL_SECONDS + 2
    assert len(to_audience) < len(asked)


async def test_the_audience_gets_tallies_less_often_than_moderators_and_the_last_counts_all(
    live_server: LiveServer, db: Database, scene: Scene
) -> None:
    voters = await _voters(db, scene.event, 60)
    async with (
        live_server.socket(scene.event, scene.session.public_id) as audience,
        live_server.socket(scene.event, scene.session.public_id, moderator=True) as moderator,
    ):
        poll = await _open_poll(db, scene, visible=True)
        for _ in range(3):  # created, opened, results
            await receive(audience)
            await receive(moderator)
        started = asyncio.get_running_loop().time()
        for number, voter in enumerate(voters):  # three votes every 0.1 s, for 2 s
            await _vote(db, poll, voter, number % 3)
            if number % 3 == 2:
                await asyncio.sleep(0.1)
        to_audience = await _until(audience, lambda m: m["votes"] == 60)
        to_moderator = await _until(moderator, lambda m: m["votes"] == 60)
        elapsed = asyncio.get_running_loop().time() - started

    assert (
        to_audience[-1]
        == to_moderator[-1]
        == {
            "type": "poll.tally",
            "poll": poll.public_id,
            "votes": 60,
            "counts": [20, 20, 20],
            "visible": True,
        }
    )
    assert len(to_audience) <= elapsed / AUDIENCE_INTERVAL_SECONDS + 2
    assert len(to_audience) < len(to_moderator)
