"""Polls on a session's page: a form per poll type, one vote per attendee, replays, results."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from podium.enums import PollState, PollType
from podium.kit.db import Database
from podium.live.service import cast_vote, close_poll
from podium.models import Event, EventSession, Poll, Vote
from tests.factories import make_attendee
from tests.web.pages.attendee.conftest import joined, new_event, new_poll, new_session, page_url
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import Browser, BrowserFactory


async def _votes(db: Database) -> list[tuple[list[int] | None, int | None, str | None]]:
    async with db.unit_of_work() as u:
        votes = await u.session.scalars(select(Vote).order_by(Vote.id))
        return [(vote.choices, vote.rating, vote.text) for vote in votes]


async def _polls(browser: Browser, event: Event, session: EventSession) -> Element:
    return parse((await browser.get(page_url(event, session))).text).by_id("polls")


async def _vote(
    browser: Browser,
    event: Event,
    session: EventSession,
    poll: Poll,
    fields: dict[str, Any],
    *,
    nonce: str | None = None,
    htmx: bool = False,
) -> tuple[int, Element]:
    """Vote in ``poll``: its form's nonce (or ``nonce``); the polls section (or fragment)."""
    page = parse((await browser.get(page_url(event, session))).text)
    if nonce is None:
        (form,) = [f for f in page.by_tag("form") if f.attrs.get("id") == f"vote-{poll.public_id}"]
        (nonce,) = [i.attrs["value"] for i in form.with_attr("name", "nonce")]
    response = await browser.post(
        f"{page_url(event, session)}/polls/{poll.public_id}/vote",
        {"nonce": nonce, **fields},
        htmx=htmx,
    )
    if response.status_code == 303:
        return 303, parse((await browser.get(response.headers["location"])).text).by_id("polls")
    reply = parse(response.text)
    return response.status_code, reply if htmx else reply.by_id("polls")


def _poll(section: Element, poll: Poll) -> Element:
    return section.by_id(f"poll-{poll.public_id}")


async def test_polls_show_each_open_poll_with_the_form_of_its_type(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    one = await new_poll(
        db, session, "Favourite colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"]
    )
    many = await new_poll(
        db, session, "Which topics?", PollType.MULTIPLE_ANSWER, ["Tax", "Audit", "Ethics"]
    )
    rating = await new_poll(db, session, "Rate the talk", PollType.RATING, ["Poor", "Fair", "Good"])
    cloud = await new_poll(db, session, "One word for today", PollType.WORD_CLOUD)
    text = await new_poll(db, session, "Anything else?", PollType.OPEN_TEXT)
    await new_poll(db, session, "A draft", PollType.OPEN_TEXT, state=PollState.DRAFT)
    await new_poll(db, session, "Closed, hidden", PollType.OPEN_TEXT, state=PollState.CLOSED)
    browser = await joined(new_browser, event)

    section = await _polls(browser, event, session)

    def shape(poll: Poll) -> tuple[list[str], list[str], list[str]]:
        block = _poll(section, poll)
        kinds = [
            i.attrs.get("type", i.tag) for i in block.by_tag("input") + block.by_tag("textarea")
        ]
        return block.texts(tag="legend"), block.labels(), [k for k in kinds if k != "hidden"]

    assert [p.attrs["id"] for p in section.by_class("poll")] == [
        f"poll-{p.public_id}" for p in (one, many, rating, cloud, text)
    ]
    assert shape(one) == (["Favourite colour?"], ["Red", "Blue"], ["radio", "radio"])
    assert shape(many) == (
        ["Which topics?"],
        ["Tax", "Audit", "Ethics"],
        ["checkbox", "checkbox", "checkbox"],
    )
    assert shape(rating) == (["Rate the talk"], ["Poor", "Fair", "Good"], ["radio"] * 3)
    assert shape(cloud) == ([], ["One word for today"], ["text"])
    assert shape(text) == ([], ["Anything else?"], ["textarea"])
    assert section.buttons() == ["Vote"] * 5


async def test_polls_section_says_when_no_poll_is_open(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    section = await _polls(browser, event, session)

    assert section.texts(tag="p") == [
        "No poll is open right now. Polls appear here as soon as the presenter opens them."
    ]


async def test_vote_in_each_poll_type_shows_your_answer(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    one = await new_poll(db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    many = await new_poll(
        db, session, "Topics?", PollType.MULTIPLE_ANSWER, ["Tax", "Audit", "Ethics"]
    )
    scale = await new_poll(db, session, "Rate it", PollType.RATING)
    labelled = await new_poll(db, session, "How?", PollType.RATING, ["Poor", "Fair", "Good"])
    cloud = await new_poll(db, session, "A word", PollType.WORD_CLOUD)
    text = await new_poll(db, session, "Comments", PollType.OPEN_TEXT)
    browser = await joined(new_browser, event)

    answers = [
        (one, {"choice": "1"}),
        (many, {"choices": ["0", "2"]}),
        (scale, {"rating": "4"}),
        (labelled, {"rating": "3"}),
        (cloud, {"text": " Inspiring "}),
        (text, {"text": "More <b>examples</b>, please"}),
    ]
    shown = []
    for poll, fields in answers:
        status, section = await _vote(browser, event, session, poll, fields)
        assert (status, section.alerts()) == (303, ["Thank you, your answer is in."])
        shown.append(_poll(section, poll).texts(cls="your-answer"))

    assert shown == [
        ["Your answer: Blue"],
        ["Your answer: Tax, Ethics"],
        ["Your answer: 4 of 5"],
        ["Your answer: Good (3 of 3)"],
        ["Your answer: Inspiring"],
        ["Your answer: More <b>examples</b>, please"],
    ]
    assert await _votes(db) == [
        ([1], None, None),
        ([0, 2], None, None),
        (None, 4, None),
        (None, 3, None),
        (None, None, "Inspiring"),
        (None, None, "More <b>examples</b>, please"),
    ]
    assert browser.last.text.count("More &lt;b&gt;examples&lt;/b&gt;, please") == 1  # type: ignore[union-attr]


async def test_vote_a_second_time_is_refused_with_a_clear_message(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    browser = await joined(new_browser, event)
    await _vote(browser, event, session, poll, {"choice": "0"})

    status, section = await _vote(browser, event, session, poll, {"choice": "1"}, nonce="new")

    assert status == 409
    assert section.alerts() == ["You have already voted in this poll."]
    assert _poll(section, poll).texts(cls="your-answer") == ["Your answer: Red"]
    assert await _votes(db) == [([0], None, None)]


async def test_vote_replayed_with_the_same_nonce_is_accepted_once(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    browser = await joined(new_browser, event)

    first, _ = await _vote(browser, event, session, poll, {"choice": "0"}, nonce="tap-1")
    again, section = await _vote(browser, event, session, poll, {"choice": "0"}, nonce="tap-1")

    assert (first, again) == (303, 303)
    assert await _votes(db) == [([0], None, None)]
    assert _poll(section, poll).texts(cls="your-answer") == ["Your answer: Red"]


async def test_vote_without_an_answer_says_what_to_do(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    one = await new_poll(db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    many = await new_poll(db, session, "Topics?", PollType.MULTIPLE_ANSWER, ["Tax", "Audit"])
    rating = await new_poll(db, session, "Rate it", PollType.RATING)
    text = await new_poll(db, session, "A word", PollType.WORD_CLOUD)
    browser = await joined(new_browser, event)

    messages = []
    for poll, fields in ((one, {}), (many, {}), (rating, {"rating": "9"}), (text, {"text": " "})):
        status, section = await _vote(browser, event, session, poll, fields)
        messages.append((status, section.alerts()))

    assert messages == [
        (400, ["Choose an answer."]),
        (400, ["Choose at least one answer."]),
        (400, ["9 is not on the scale of 1 to 5."]),
        (400, ["Write an answer."]),
    ]
    assert await _votes(db) == []


async def test_vote_in_a_closed_poll_is_refused(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(
        db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"], state=PollState.CLOSED
    )
    browser = await joined(new_browser, event)

    status, section = await _vote(browser, event, session, poll, {"choice": "0"}, nonce="n")

    assert (status, section.alerts()) == (409, ["This poll is not open for votes."])


async def test_vote_in_another_sessions_poll_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    other = await new_session(db, event, name="Other")
    poll = await new_poll(db, other, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    browser = await joined(new_browser, event)

    status, section = await _vote(browser, event, session, poll, {"choice": "0"}, nonce="n")

    assert status == 404
    assert section.alerts() == [f'There is no poll with the id "{poll.public_id}" in this session.']


async def test_vote_with_htmx_answers_the_polls_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"])
    browser = await joined(new_browser, event)

    status, fragment = await _vote(browser, event, session, poll, {"choice": "1"}, htmx=True)

    assert status == 200
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["polls"]
    assert fragment.alerts() == ["Thank you, your answer is in."]
    assert _poll(fragment, poll).texts(cls="your-answer") == ["Your answer: Blue"]


async def _cast(db: Database, event: Event, poll: Poll, answers: list[dict[str, Any]]) -> None:
    async with db.unit_of_work() as u:
        live = await u.session.get(Poll, poll.id)
        assert live is not None
        for n, answer in enumerate(answers):
            voter = await make_attendee(u, event, email=f"voter{n}@example.com")
            await cast_vote(u, poll=live, attendee=voter, **answer)


async def test_poll_results_shown_carry_the_tally_attributes_for_live_updates(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(
        db,
        session,
        "Colour?",
        PollType.MULTIPLE_CHOICE,
        ["Red", "Blue", "Green"],
        show_results=True,
    )
    await _cast(db, event, poll, [{"choices": [1]}, {"choices": [1]}, {"choices": [0]}])
    browser = await joined(new_browser, event)

    block = _poll(await _polls(browser, event, session), poll)

    (results,) = block.with_attr("data-tally-poll", poll.public_id)
    assert [e.text for e in results.with_attr("data-tally-total")] == ["3"]
    assert [
        (e.attrs["data-tally-count"], e.text) for e in results.with_attr("data-tally-count")
    ] == [
        ("0", "1"),
        ("1", "2"),
        ("2", "0"),
    ]
    assert [e.text for e in results.with_attr("data-tally-share")] == ["33%", "67%", "0%"]
    assert [
        (e.tag, e.attrs["min"], e.attrs["max"], e.attrs["value"])
        for e in results.with_attr("data-tally-bar")
    ] == [
        ("meter", "0", "100", "33"),
        ("meter", "0", "100", "67"),
        ("meter", "0", "100", "0"),
    ]
    assert results.texts(cls="tally-label") == ["Red", "Blue", "Green"]


async def test_rating_results_count_each_point_of_the_scale(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Rate it", PollType.RATING, show_results=True)
    await _cast(db, event, poll, [{"rating": 5}, {"rating": 4}, {"rating": 5}, {"rating": 1}])
    browser = await joined(new_browser, event)

    block = _poll(await _polls(browser, event, session), poll)

    counts = [(e.attrs["data-tally-count"], e.text) for e in block.with_attr("data-tally-count")]
    assert counts == [("0", "1"), ("1", "0"), ("2", "0"), ("3", "1"), ("4", "2")]


async def test_closed_poll_with_results_shown_stays_on_the_page_with_its_results(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(
        db, session, "Colour?", PollType.MULTIPLE_CHOICE, ["Red", "Blue"], show_results=True
    )
    await _cast(db, event, poll, [{"choices": [0]}])
    async with db.unit_of_work() as u:
        live = await u.session.get(Poll, poll.id)
        assert live is not None
        await close_poll(u, poll=live)
    browser = await joined(new_browser, event)

    block = _poll(await _polls(browser, event, session), poll)

    assert block.texts(tag="h3") == ["Colour? Closed"]
    assert block.texts(tag="p") == ["You did not answer this poll.", "Votes: 1"]
    assert block.buttons() == []


async def test_word_cloud_results_count_each_word_once_whatever_its_case(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "A word", PollType.WORD_CLOUD, show_results=True)
    await _cast(db, event, poll, [{"text": "Calm"}, {"text": "calm"}, {"text": "<Bold>"}])
    browser = await joined(new_browser, event)

    block = _poll(await _polls(browser, event, session), poll)

    assert block.texts(tag="li") == ["Calm 2", "<Bold> 1"]
    assert browser.last.text.count("&lt;Bold&gt;") == 1  # type: ignore[union-attr]
