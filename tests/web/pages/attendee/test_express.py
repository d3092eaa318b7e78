"""The express lane: plain check-in and vote forms are written through the group commit, the
rest goes the full way; either way the answer is the full route's. (What each answer says is
tested with the forms themselves, in test_attendance.py and test_polls.py.)"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from podium.enums import PollType
from podium.kit.db import Database
from podium.models import (
    Attendee,
    Checkin,
    Codeword,
    Event,
    EventSession,
    FieldOfStudy,
    Question,
    Vote,
)
from podium.web.pages.attendee.page import DONE, FRAGMENTS
from tests.web.pages.attendee.conftest import (
    ALEX,
    check_in,
    joined,
    new_event,
    new_poll,
    new_session,
    page_url,
)
from tests.web.pages.attendee.html import parse
from tests.web.pages.attendee.test_session_page import _full_session, _seed
from tests.web.pages.conftest import Browser, BrowserFactory


async def _count(db: Database, model: type[Checkin] | type[Vote]) -> int:
    async with db.unit_of_work(write=False) as u:
        return int(await u.session.scalar(select(func.count()).select_from(model)) or 0)


async def _ready(browser: Browser, event: Event, session: EventSession) -> str:
    """Load the session's page (its CSRF token); the check-in form's nonce."""
    await browser.get(page_url(event, session))
    return browser.nonces()[0]


async def test_a_plain_check_in_form_is_written_by_the_group_commit(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)
    batches = db.group_commit.batches_committed

    response = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{page_url(event, session)}?done=checked-in#attendance",
    )
    assert db.group_commit.batches_committed == batches + 1
    assert await _count(db, Checkin) == 1


async def test_an_htmx_check_in_is_written_by_the_group_commit_and_answered_with_its_section(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)
    batches = db.group_commit.batches_committed

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": nonce}, htmx=True
    )

    assert (response.status_code, response.headers["hx-trigger"]) == (
        200,
        "podium-my-attendance",
    )
    section = parse(response.text)
    assert [s.attrs["id"] for s in section.by_tag("section")] == ["attendance"]
    assert section.alerts() == ["You are checked in."]
    assert db.group_commit.batches_committed == batches + 1
    assert await _count(db, Checkin) == 1


async def test_an_htmx_vote_is_answered_with_the_polls_section_showing_it(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Coffee?", PollType.MULTIPLE_CHOICE, ["Yes", "No"])
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    batches = db.group_commit.batches_committed

    response = await browser.post(
        f"{page_url(event, session)}/polls/{poll.public_id}/vote",
        {"choice": "0", "nonce": "v1"},
        htmx=True,
    )

    assert response.status_code == 200
    assert parse(response.text).by_id("polls").alerts() == ["Thank you, your answer is in."]
    assert db.group_commit.batches_committed == batches + 1


async def test_htmx_votes_sent_together_are_written_together_and_each_shows_its_own(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(
        db, session, "Coffee?", PollType.MULTIPLE_CHOICE, ["Yes", "No"], show_results=True
    )
    people = [
        await joined(new_browser, event, {**ALEX, "email": f"voter{n}@example.com"})
        for n in range(12)
    ]
    for browser in people:
        await browser.get(page_url(event, session))
    batches = db.group_commit.batches_committed

    with count_queries() as counter:
        responses = await asyncio.gather(
            *(
                browser.post(
                    f"{page_url(event, session)}/polls/{poll.public_id}/vote",
                    {"choice": str(n % 2), "nonce": f"v{n}"},
                    htmx=True,
                )
                for n, browser in enumerate(people)
            )
        )

    assert [response.status_code for response in responses] == [200] * 12
    for n, response in enumerate(responses):  # each shows its own vote, and the tally has it
        polls = parse(response.text).by_id("polls")
        assert polls.alerts() == ["Thank you, your answer is in."]
        assert f"Your answer: {('Yes', 'No')[n % 2]}" in " ".join(polls.text.split())
    assert await _count(db, Vote) == 12
    written = db.group_commit.batches_committed - batches
    inserts = sum(
        1 for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "WITH"))
    )
    # a batch's first votes: one statement (on SQLite an executemany), whatever their number
    assert inserts == written
    assert written < 12


async def test_an_htmx_vote_is_answered_as_the_page_renders_its_polls_counting_it(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    shown = {"show_results": True}
    poll = await new_poll(db, session, "Coffee?", PollType.MULTIPLE_CHOICE, ["Yes", "No"], **shown)
    await new_poll(db, session, "One word", PollType.WORD_CLOUD, **shown)
    await new_poll(db, session, "Say more", PollType.OPEN_TEXT, **shown)
    await new_poll(db, session, "Rate it", PollType.RATING, ["1", "2", "3"], **shown)
    statements = []
    for htmx in (False, True):  # two attendees alike, one voting with a plain form, one htmx
        browser = await joined(new_browser, event, {**ALEX, "email": f"{htmx}@example.com"})
        await browser.get(page_url(event, session))
        with count_queries() as counter:
            answer = await browser.post(
                f"{page_url(event, session)}/polls/{poll.public_id}/vote",
                {"choice": "1", "nonce": "v1"},
                htmx=htmx,
            )
        statements.append(counter.count)
    rendered = await browser.get(f"{page_url(event, session)}/fragments/polls?done=voted")

    assert answer.status_code == rendered.status_code == 200
    nonce = re.compile(r'name="nonce" value="[^"]+"')
    assert nonce.sub("nonce", answer.text) == nonce.sub("nonce", rendered.text)
    section = parse(answer.text).by_id("polls")
    assert section.alerts() == ["Thank you, your answer is in."]
    assert section.by_id(f"poll-{poll.public_id}").texts(cls="your-answer") == ["Your answer: No"]
    assert "<span data-tally-total>2<" in answer.text  # both: the tally is read after the commit
    assert answer.headers["cache-control"] == rendered.headers["cache-control"] == "no-store"
    # beyond the vote's own statements: the session's polls, the counts of their answers (one
    # statement for the choice and rating polls, kept by the database), words and texts, and
    # the attendee's votes
    plain, htmx = statements
    assert htmx - plain == 5


async def test_check_ins_sent_together_share_batches_and_each_is_answered_after_its_commit(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    people = [
        await joined(new_browser, event, {**ALEX, "email": f"alex{n}@example.com"})
        for n in range(12)
    ]
    nonces = [await _ready(browser, event, session) for browser in people]
    batches = db.group_commit.batches_committed

    responses = await asyncio.gather(
        *(
            browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})
            for browser, nonce in zip(people, nonces, strict=True)
        )
    )

    assert [response.status_code for response in responses] == [303] * 12
    assert 1 <= db.group_commit.batches_committed - batches < 12
    assert await _count(db, Checkin) == 12


async def test_htmx_check_ins_sent_together_are_written_together_and_each_shows_its_own(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    people = [
        await joined(new_browser, event, {**ALEX, "email": f"alex{n}@example.com"})
        for n in range(12)
    ]
    nonces = [await _ready(browser, event, session) for browser in people]
    batches = db.group_commit.batches_committed

    with count_queries() as counter:
        responses = await asyncio.gather(
            *(
                browser.post(f"{page_url(event, session)}/checkin", {"nonce": n}, htmx=True)
                for browser, n in zip(people, nonces, strict=True)
            )
        )

    assert [response.status_code for response in responses] == [200] * 12
    assert [parse(r.text).alerts() for r in responses] == [["You are checked in."]] * 12
    assert await _count(db, Checkin) == 12
    written = db.group_commit.batches_committed - batches
    heads = [statement.split()[0].upper() for statement in counter.statements]
    # a batch's first check-ins, whatever their number: one statement on PostgreSQL, two
    # INSERTs on SQLite (the records, then their history entries)
    if db.url.startswith("postgresql"):
        assert heads.count("WITH") == written < 12
    else:
        assert heads.count("INSERT") == 2 * written < 24


async def test_a_check_in_with_a_stale_app_password_is_sent_to_give_it_and_writes_nothing(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    session = await new_session(db, event)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")
    await browser.post(f"/e/{event.uri}/password", {"password": "opensesame"})
    await browser.post(f"/e/{event.uri}/join", dict(ALEX))
    nonce = await _ready(browser, event, session)
    async with db.unit_of_work() as u:
        changed = await u.session.get(Event, event.id)
        assert changed is not None
        changed.app_password = "newsecret"

    response = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/e/{event.uri}?next={page_url(event, session)}/checkin",
    )
    assert await _count(db, Checkin) == 0


async def test_a_check_in_to_a_session_of_another_event_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    other = await new_event(db, uri="other")
    theirs = await new_session(db, other)
    browser = await joined(new_browser, event)
    await _ready(browser, event, await new_session(db, event))

    # the other event's session under this event's address, with this event's cookies
    response = await browser.post(f"/e/{event.uri}/s/{theirs.public_id}/checkin", {"nonce": "n-1"})

    assert response.status_code == 404
    assert await _count(db, Checkin) == 0


async def test_a_check_in_form_larger_than_the_lane_takes_goes_the_full_way(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)
    batches = db.group_commit.batches_committed

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": nonce, "padding": "x" * 9000}
    )

    assert response.status_code == 303
    assert db.group_commit.batches_committed == batches
    assert await _count(db, Checkin) == 1


async def test_a_plain_vote_is_written_by_the_group_commit(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Coffee?", PollType.MULTIPLE_CHOICE, ["Yes", "No"])
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    batches = db.group_commit.batches_committed

    response = await browser.post(
        f"{page_url(event, session)}/polls/{poll.public_id}/vote", {"choice": "1", "nonce": "v1"}
    )

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{page_url(event, session)}?done=voted#polls",
    )
    assert db.group_commit.batches_committed == batches + 1
    async with db.unit_of_work(write=False) as u:
        assert list(await u.session.scalars(select(Vote.choices))) == [[1]]


async def test_a_vote_the_poll_refuses_goes_the_full_way_and_writes_nothing(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    poll = await new_poll(db, session, "Coffee?", PollType.MULTIPLE_CHOICE, ["Yes", "No"])
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/polls/{poll.public_id}/vote", {"choice": "7", "nonce": "v1"}
    )

    assert response.status_code == 400
    assert parse(response.text).by_id("polls").alerts() == ["There is no choice 7 in this poll."]
    assert await _count(db, Vote) == 0


# --- the two ways in answer alike ------------------------------------------------------------
# The lane and the page's route run one implementation of the check-in form's checks
# (checkin_form.admit_checkin). A form larger than the lane takes goes straight to the route,
# so each case below is answered once by each way, and both must give the same answer.

WAYS = {"lane": {}, "full route": {"padding": "x" * 9000}}


async def _answer(response: httpx.Response, db: Database) -> tuple[object, ...]:
    """Status, where it sends, whether it says when to retry, the alerts, the records made."""
    alerts = parse(response.text).alerts() if response.status_code >= 400 else []
    return (
        response.status_code,
        response.headers.get("location", ""),
        response.headers.get("retry-after") is not None,
        alerts,
        await _count(db, Checkin),
    )


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_wrong_check_in_code_is_refused_and_counted_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)
    answers = []
    for guess in range(6):
        nonce = await _ready(browser, event, session)
        response = await browser.post(
            f"{page_url(event, session)}/checkin",
            {"nonce": nonce, "code": f"guess{guess}", **WAYS[way]},
        )
        answers.append(await _answer(response, db))

    message = "That is not this session's code to check in; check it and try again."
    wrong = (400, "", False, [message], 0)
    assert answers == [wrong] * 5 + [(429, "", True, [], 0)]


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_hybrid_session_without_a_delivery_format_is_refused_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, delivery_format="hybrid")
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": nonce, **WAYS[way]}
    )

    assert await _answer(response, db) == (
        400,
        "",
        False,
        ["Choose how you attend, in person or virtually."],
        0,
    )


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_browser_that_has_not_joined_is_sent_to_join_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": "n-1", **WAYS[way]}
    )

    assert await _answer(response, db) == (
        303,
        f"/e/{event.uri}?next={page_url(event, session)}/checkin",
        False,
        [],
        0,
    )


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_check_in_without_the_forms_token_is_refused_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)

    response = await browser.http.post(
        f"{page_url(event, session)}/checkin", data={"nonce": nonce, **WAYS[way]}
    )

    assert (response.status_code, await _count(db, Checkin)) == (403, 0)


@pytest.mark.parametrize("way", list(WAYS))
async def test_an_htmx_check_in_is_answered_with_its_section_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    nonce = await _ready(browser, event, session)
    batches = db.group_commit.batches_committed

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": nonce, **WAYS[way]}, htmx=True
    )

    section = parse(response.text)
    assert (response.status_code, response.headers["hx-trigger"], section.alerts()) == (
        200,
        "podium-my-attendance",
        ["You are checked in."],
    )
    assert await _count(db, Checkin) == 1
    assert (db.group_commit.batches_committed > batches) == (way == "lane")


# --- the session's page ----------------------------------------------------------------------

# a query the lane leaves to the page's route (which ignores it)
PAGE_WAYS = {"lane": "", "full route": "from=elsewhere"}
_NONCE = re.compile(r'name="nonce" value="[^"]+"')


async def _page(browser: Browser, url: str, way: str, done: str | None = None) -> httpx.Response:
    query = "&".join(part for part in (f"done={done}" if done else "", PAGE_WAYS[way]) if part)
    return await browser.get(f"{url}?{query}" if query else url)


async def _busy_page(db: Database, new_browser: BrowserFactory) -> tuple[Browser, str]:
    """Alex's browser on a session with everything its page shows: a room, presenters, a field
    of study with codewords, polls with votes and results, questions (others' upvoted, Alex's
    own waiting), evaluation questions (one per presenter), Alex checked in with a note. The
    page's address."""
    event = await new_event(db)
    session = await _full_session(db, event)
    alex = await joined(new_browser, event)
    async with db.unit_of_work() as u:
        me = await u.session.scalar(select(Attendee).where(Attendee.email == ALEX["email"]))
        live = await u.session.get(EventSession, session.id)
        assert me is not None and live is not None
        live.questions_moderated = True
        ethics = FieldOfStudy(session_id=live.id, name="Ethics", name_key="ethics", credits=1)
        u.session.add(ethics)
        await u.session.flush()
        for position, word in enumerate(["Lotus", "Tiger"]):
            u.session.add(
                Codeword(
                    field_of_study_id=ethics.id,
                    word=word,
                    word_key=word.casefold(),
                    position=position,
                )
            )
    await _seed(db, event, session, me, 3)
    await check_in(alex, event, session)
    url = page_url(event, session)
    await alex.post(f"{url}/questions", {"text": "Mine, waiting?"})
    await alex.post(f"{url}/note", {"attendee_note": "Bring <notes>"})
    return alex, url


async def test_a_session_page_is_answered_by_the_lane_as_the_route_answers_it(
    db: Database, new_browser: BrowserFactory
) -> None:
    alex, url = await _busy_page(db, new_browser)

    for done in (None, "checked-in", "note-saved"):
        reads = db.read_transactions
        lane = await _page(alex, url, "lane", done)
        assert db.read_transactions == reads + 1  # the lane's page read
        route = await _page(alex, url, "full route", done)
        assert db.read_transactions == reads + 1  # the route reads in its unit of work
        assert (lane.status_code, route.status_code) == (200, 200)
        assert lane.headers["content-type"] == route.headers["content-type"]
        assert lane.headers["cache-control"] == route.headers["cache-control"] == "no-store"
        assert _NONCE.sub("nonce", lane.text) == _NONCE.sub("nonce", route.text)
    page = parse(lane.text)
    assert page.by_id("note").alerts() == ["Your notes are saved."]
    assert "Bring &lt;notes&gt;" in lane.text
    assert "Mine, waiting?" in lane.text
    assert "Presenter 3-2" in lane.text


@pytest.mark.parametrize("name", list(FRAGMENTS))
async def test_each_section_is_answered_by_the_lane_as_the_route_answers_it(
    db: Database, new_browser: BrowserFactory, name: str
) -> None:
    alex, url = await _busy_page(db, new_browser)
    # a sentence of this section's, of another section's, none
    own = next(done for done, (section, _text) in DONE.items() if section == name)

    for done in (own, "voted" if name != "polls" else "asked", None):
        reads = db.read_transactions
        lane = await _page(alex, f"{url}/fragments/{name}", "lane", done)
        route = await _page(alex, f"{url}/fragments/{name}", "full route", done)
        assert db.read_transactions == reads + 1
        assert (lane.status_code, route.status_code) == (200, 200)
        for header in ("content-type", "cache-control", "hx-trigger"):
            assert lane.headers.get(header) == route.headers.get(header)
        assert _NONCE.sub("nonce", lane.text) == _NONCE.sub("nonce", route.text)
        assert parse(lane.text).alerts() == ([DONE[own][1]] if done == own else [])


async def test_the_page_loads_of_one_turn_read_the_sessions_part_once(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    session = await _full_session(db, event)
    alex = await joined(new_browser, event)
    async with db.unit_of_work() as u:
        me = await u.session.scalar(select(Attendee).where(Attendee.email == ALEX["email"]))
    assert me is not None
    await _seed(db, event, session, me, 2)
    browsers = [alex] + [
        await joined(new_browser, event, {**ALEX, "email": f"p{i}@example.com"}) for i in range(3)
    ]
    url = page_url(event, session)
    for browser in browsers:
        await check_in(browser, event, session)

    async def together(count: int) -> int:
        with count_queries() as counter:
            answers = await asyncio.gather(*(b.get(url) for b in browsers[:count]))
        assert {answer.status_code for answer in answers} == {200}
        return counter.count

    one, four = await together(1), await together(4)
    reads = db.read_transactions
    await together(4)
    # the four loads arrived in the same turn of the event loop: one read transaction, the
    # session's part read once, each attendee's own part read for each
    assert db.read_transactions == reads + 1
    assert four < 4 * one
    own = (four - one) // 3
    assert four == one + 3 * own


@pytest.mark.parametrize(
    "case", ["first visit", "not joined", "app password changed", "attendee removed", "no session"]
)
async def test_a_page_the_lane_does_not_take_is_answered_by_the_route(
    db: Database, new_browser: BrowserFactory, case: str
) -> None:
    event = await new_event(db, app_password="door")
    session = await new_session(db, event)
    url = page_url(event, session)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")
    await browser.post(f"/e/{event.uri}/password", {"password": "door"})
    if case != "not joined":
        await browser.post(f"/e/{event.uri}/join", dict(ALEX))
        assert (await browser.get(url)).status_code == 200
    if case == "first visit":
        browser.http.cookies.delete("podium_csrf")
    elif case == "app password changed":
        async with db.unit_of_work() as u:
            live = await u.session.get(Event, event.id)
            assert live is not None
            live.app_password = "new door"
    elif case == "attendee removed":
        async with db.unit_of_work() as u:
            await u.session.execute(delete(Attendee).where(Attendee.event_id == event.id))
    elif case == "no session":
        url = f"/e/{event.uri}/s/nosuchsession"
    reads = db.read_transactions

    response = await browser.get(url)

    if case == "no session":
        assert response.status_code == 404
    elif case == "first visit":  # the route's page, and the browser's new CSRF cookie
        assert response.status_code == 200
        assert response.headers["set-cookie"].startswith("podium_csrf=")
    else:
        assert (response.status_code, response.headers["location"]) == (
            303,
            f"/e/{event.uri}?next={url}",
        )
    # the lane read (and passed on) only for a browser that joined and has its CSRF cookie
    assert db.read_transactions - reads == (case not in ("first visit", "not joined"))


# --- questions -------------------------------------------------------------------------------


async def _questions(db: Database) -> list[tuple[str, str]]:
    async with db.unit_of_work(write=False) as u:
        rows = await u.session.execute(select(Question.text, Question.state).order_by(Question.id))
        return [(text, state) for text, state in rows]


@pytest.mark.parametrize("moderated", [False, True])
async def test_a_plain_question_is_written_by_the_group_commit(
    db: Database, new_browser: BrowserFactory, moderated: bool
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, questions_moderated=moderated)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    batches = db.group_commit.batches_committed

    response = await browser.post(f"{page_url(event, session)}/questions", {"text": " Why? "})

    done = "asked-moderated" if moderated else "asked"
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{page_url(event, session)}?done={done}#questions",
    )
    assert db.group_commit.batches_committed == batches + 1
    assert await _questions(db) == [("Why?", "pending" if moderated else "approved")]


@pytest.mark.parametrize("way", list(WAYS))
async def test_an_htmx_question_is_answered_with_its_section_alike_both_ways(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    url = page_url(event, session)
    await browser.get(url)
    batches = db.group_commit.batches_committed

    answer = await browser.post(f"{url}/questions", {"text": "Why?", **WAYS[way]}, htmx=True)
    rendered = await browser.get(f"{url}/fragments/questions?done=asked&from=elsewhere")

    assert (answer.status_code, rendered.status_code) == (200, 200)
    assert _NONCE.sub("nonce", answer.text) == _NONCE.sub("nonce", rendered.text)
    assert parse(answer.text).by_id("questions").alerts() == ["Your question is in."]
    assert "Why?" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert (db.group_commit.batches_committed > batches) == (way == "lane")
    assert await _questions(db) == [("Why?", "approved")]


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_blank_question_is_refused_alike_both_ways_and_writes_nothing(
    db: Database, new_browser: BrowserFactory, way: str
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/questions", {"text": "   ", **WAYS[way]}, htmx=True
    )

    assert response.status_code == 400
    assert parse(response.text).by_id("questions").alerts() == ["Write a question."]
    assert await _questions(db) == []


async def test_questions_asked_together_share_a_batch_and_read_the_list_once(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    url = page_url(event, session)
    browsers = [
        await joined(new_browser, event, {**ALEX, "email": f"q{i}@example.com"}) for i in range(4)
    ]
    for browser in browsers:
        await browser.get(url)
    batches, reads = db.group_commit.batches_committed, db.read_transactions

    answers = await asyncio.gather(
        *(
            browser.post(f"{url}/questions", {"text": f"Question {i}?"}, htmx=True)
            for i, browser in enumerate(browsers)
        )
    )

    assert {answer.status_code for answer in answers} == {200}
    assert db.group_commit.batches_committed - batches < 4
    assert db.read_transactions - reads < 4
    # each answer lists every question committed before it was read
    assert all("Question 0?" in answer.text for answer in answers[1:])
    assert len(await _questions(db)) == 4
