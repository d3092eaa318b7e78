"""A session's page as a whole: what it shows, its live wiring, its fragments, its queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from podium.enums import PollType
from podium.evaluations.service import define_evaluation_question
from podium.kit.db import Database
from podium.live.service import ask_question, cast_vote, upvote_question
from podium.models import Attendee, Event, EventSession, Poll
from tests.factories import add_presenter, make_attendee
from tests.web.pages.attendee.conftest import (
    ALEX,
    check_in,
    joined,
    new_event,
    new_poll,
    new_session,
    page_url,
    program_session,
)
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import BrowserFactory

LIVE_FRAGMENTS = ["attendance", "polls", "question-list"]


async def _full_session(db: Database, event: Event) -> EventSession:
    return await program_session(
        db,
        event,
        "Tax <update>",
        location="Room B",
        date=dt.date(2026, 6, 1),
        start_time=dt.time(10, 30),
        end_time=dt.time(11, 15),
        presenters=["Jordan Lee", "Sam Roe"],
        description="Line one\n<b>not bold</b>",
    )


async def test_session_page_shows_the_session_and_its_sections(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await joined(new_browser, event)

    response = await browser.get(page_url(event, session))

    page = parse(response.text)
    head = page.by_class("session-head")[0]
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert head.by_id("session-title").text == "Tax <update>"
    assert head.texts(cls="meta") == ["Monday, June 1, 2026 · 10:30\N{EN DASH}11:15 · Room B"]
    assert head.texts(cls="presenters") == ["Jordan Lee, Sam Roe"]
    assert head.texts(cls="description") == ["Line one <b>not bold</b>"]
    assert response.text.count("&lt;b&gt;not bold&lt;/b&gt;") == 1
    assert [s.attrs["id"] for s in page.by_class("section")] == [
        "attendance",
        "codewords",
        "polls",
        "questions",
        "evaluation",
        "note",
    ]


async def test_session_page_connects_to_the_live_socket_and_shows_its_status(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await joined(new_browser, event)

    page = parse((await browser.get(page_url(event, session))).text)

    (body,) = page.by_tag("body")
    assert body.attrs["data-live"] == f"{page_url(event, session)}/live"
    assert len(page.with_attr("data-live-status")) == 1


@pytest.mark.parametrize(
    ("when", "window"),
    [
        # 08:30-09:15 in Chicago (the event's zone) on June 1: UTC-5
        ({}, ("2026-06-01T13:30:00Z", "2026-06-01T14:15:00Z")),
        # past midnight: it ends the next day
        (
            {"start_time": dt.time(23, 0), "end_time": dt.time(1, 0)},
            ("2026-06-02T04:00:00Z", "2026-06-02T06:00:00Z"),
        ),
        # no date: it never runs, so it is never "Live"
        ({"session_date": None}, ("", "")),
    ],
)
async def test_session_page_live_status_knows_when_the_session_runs(
    db: Database,
    new_browser: BrowserFactory,
    when: dict[str, Any],
    window: tuple[str, str],
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, **when)
    browser = await joined(new_browser, event)

    page = parse((await browser.get(page_url(event, session))).text)

    (status,) = page.with_attr("data-live-status")
    assert (status.attrs["data-live-from"], status.attrs["data-live-until"]) == window


async def test_live_sections_refresh_from_their_fragment_on_resync(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await joined(new_browser, event)

    page = parse((await browser.get(page_url(event, session))).text)

    for name in LIVE_FRAGMENTS:
        element = page.by_id(name)
        assert element.attrs["hx-get"] == f"{page_url(event, session)}/fragments/{name}"
        assert element.attrs["hx-trigger"].split(", ")[-1] == "podium-resync from:body"
        assert element.attrs["hx-swap"] == "outerHTML"
    triggers = page.by_id("polls").attrs["hx-trigger"].split(", ")
    assert [t for t in triggers if t.startswith("podium-poll")] == [
        "podium-poll-opened from:body",
        "podium-poll-closed from:body",
        "podium-poll-results from:body",
        "podium-poll-reordered from:body",
    ]
    questions = page.by_id("question-list").attrs
    # refresh.js sends it "podium-refresh", spread and at most once every 5 s (a plenary's
    # phones must not fetch the list all at once); podium.js dispatches a message with a state
    # once more with the state in its name
    assert questions["hx-trigger"] == "podium-refresh, podium-resync from:body"
    assert questions["data-refresh-on"].split()[:2] == [
        "podium-question-asked-approved",
        "podium-question-approved",
    ]
    assert (questions["data-refresh-interval"], questions["data-refresh-jitter"]) == (
        "5000",
        "2000",
    )


async def test_every_fragment_is_served_alone(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await joined(new_browser, event)
    names = ["attendance", "codewords", "polls", "questions", "question-list", "evaluation", "note"]

    served = []
    for name in names:
        response = await browser.get(f"{page_url(event, session)}/fragments/{name}")
        fragment = parse(response.text)
        served.append((response.status_code, fragment.by_tag("html"), fragment.has_id(name)))

    assert served == [(200, [], True)] * len(names)


async def test_unknown_fragment_is_not_found(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await joined(new_browser, event)

    response = await browser.get(f"{page_url(event, session)}/fragments/secrets")

    assert response.status_code == 404


async def test_fragment_for_a_browser_that_left_sends_htmx_to_join(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    browser = await new_browser()

    response = await browser.get(
        f"{page_url(event, session)}/fragments/polls",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": f"https://testserver{page_url(event, session)}",
        },
    )

    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"/e/{event.uri}?next={page_url(event, session)}"


async def _seed(db: Database, event: Event, session: EventSession, alex: Attendee, n: int) -> None:
    """``n`` polls voted in by Alex, ``n`` questions upvoted by Alex, ``n`` fields of study with
    codewords, ``n`` presenters and evaluation questions."""
    async with db.unit_of_work() as u:
        live = await u.session.get(EventSession, session.id)
        me = await u.session.get(Attendee, alex.id)
        assert live is not None and me is not None
        other = await make_attendee(u, event, email=f"other{n}@example.com")
        for i in range(n):
            await add_presenter(u, live, f"Presenter {n}-{i}", position=i)
            await define_evaluation_question(
                u, event=event, text=f"Q{n}-{i}", kind="rating", per_presenter=i == 0
            )
            question = await ask_question(u, session=live, attendee=other, text=f"Why {n}-{i}?")
            await upvote_question(u, question=question, attendee=me)
    for i in range(n):
        poll = await new_poll(
            db, session, f"Poll {n}-{i}", PollType.MULTIPLE_CHOICE, ["A", "B"], show_results=True
        )
        async with db.unit_of_work() as u:
            live_poll = await u.session.get(Poll, poll.id)
            me = await u.session.get(Attendee, alex.id)
            assert live_poll is not None and me is not None
            await cast_vote(u, poll=live_poll, attendee=me, choices=[i % 2])


async def test_session_page_runs_as_many_queries_for_many_polls_and_questions_as_for_one(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    small = await program_session(db, event, "Small", date=dt.date(2020, 6, 1))
    large = await program_session(db, event, "Large", date=dt.date(2020, 6, 1))
    browser = await joined(new_browser, event)
    async with db.unit_of_work() as u:
        from sqlalchemy import select

        alex = await u.session.scalar(select(Attendee).where(Attendee.email == ALEX["email"]))
    assert alex is not None
    await _seed(db, event, small, alex, 1)
    await _seed(db, event, large, alex, 12)
    for session in (small, large):
        await check_in(browser, event, session)

    async def queries(session: EventSession) -> int:
        with count_queries() as counter:
            response = await browser.get(page_url(event, session))
        assert response.status_code == 200
        return counter.count

    assert await queries(small) == await queries(large)
