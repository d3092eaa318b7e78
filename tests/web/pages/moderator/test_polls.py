"""The moderator's polls: create, open, close, show or hide results, reorder."""

from __future__ import annotations

import pytest

from podium.enums import PollType
from podium.kit.db import Database
from podium.live.service import cast_vote, create_poll, open_poll
from podium.models import EventSession, Poll
from podium.web.pages.moderator import routes
from tests.factories import make_attendee
from tests.web.pages.conftest import Browser, BrowserFactory
from tests.web.pages.moderator.helpers import Setup, moderator, polls_of, setup_event


async def _poll(
    db: Database, session: EventSession, name: str = "Which topic next?", **kwargs: object
) -> Poll:
    arguments: dict[str, object] = {"type": PollType.MULTIPLE_CHOICE, "choices": ["Audit", "Tax"]}
    arguments.update(kwargs)
    async with db.unit_of_work() as uow:
        return await create_poll(uow, session=session, name=name, **arguments)  # type: ignore[arg-type]


async def _open(db: Database, *polls: Poll) -> None:
    async with db.unit_of_work() as uow:
        for poll in polls:
            loaded = await uow.session.get(Poll, poll.id)
            assert loaded is not None
            await open_poll(uow, poll=loaded)
            poll.state = loaded.state


async def _signed_in(db: Database, new_browser: BrowserFactory) -> tuple[Setup, Browser]:
    setup = await setup_event(db)
    return setup, await moderator(new_browser, setup)


async def test_create_poll_without_javascript_adds_a_draft_and_goes_back(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    response = await browser.post(
        setup.moderate + "/polls",
        {"name": "Which topic next?", "type": "multiple_choice", "choices": "Audit\n\n Tax \n"},
    )

    [poll] = await polls_of(db, setup.session)
    assert (response.status_code, response.headers["location"]) == (
        303,
        setup.moderate + "#polls",
    )
    assert (poll.name, poll.type, poll.choices, poll.state) == (
        "Which topic next?",
        "multiple_choice",
        ["Audit", "Tax"],
        "draft",
    )


async def test_create_poll_with_htmx_answers_an_empty_form_and_the_poll_list(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    response = await browser.post(
        setup.moderate + "/polls",
        {"name": "Rate the talk", "type": "rating", "choices": "", "scale": "7"},
        htmx=True,
    )

    [poll] = await polls_of(db, setup.session)
    assert response.status_code == 200
    assert response.text.count('id="poll-create"') == 1
    assert '<div id="polls" class="polls" hx-swap-oob="true"' in response.text
    assert '<h3 id="poll-' + poll.public_id + '-name">Rate the talk</h3>' in response.text
    assert 'id="poll-name" name="name" type="text" value=""' in response.text
    assert (poll.type, poll.choices) == ("rating", ["1", "2", "3", "4", "5", "6", "7"])


@pytest.mark.parametrize(
    ("form", "stored"),
    [
        ({"type": "rating"}, ["1", "2", "3", "4", "5"]),
        ({"type": "rating", "choices": "Bad\nGood"}, ["Bad", "Good"]),
        ({"type": "word_cloud"}, []),
        ({"type": "open_text", "scale": ""}, []),
        ({"type": "multiple_answer", "choices": "A\nB\nC"}, ["A", "B", "C"]),
    ],
)
async def test_create_poll_takes_each_type_from_the_form(
    db: Database, new_browser: BrowserFactory, form: dict[str, str], stored: list[str]
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    response = await browser.post(setup.moderate + "/polls", {"name": "Q", **form})

    [poll] = await polls_of(db, setup.session)
    assert (response.status_code, poll.type, poll.choices) == (303, form["type"], stored)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "Q", "choices": "Only one"}, "Give between 2 and 20 choices (got 1)."),
        ({"name": " ", "choices": "A\nB"}, "A poll needs a name (the question it asks)."),
        ({"name": "Q", "type": "rating", "scale": "many"}, "Give the number of points as a"),
        ({"name": "Q", "type": "rating", "scale": "11"}, "A rating scale has 2 to 10 points."),
        ({"name": "Q", "type": "word_cloud", "choices": "A\nB"}, "A word_cloud poll takes free"),
        ({"name": "Q", "type": "quiz"}, "is not a poll type"),
    ],
)
async def test_create_poll_refused_shows_why_and_keeps_the_values(
    db: Database, new_browser: BrowserFactory, form: dict[str, str], message: str
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    page = await browser.post(setup.moderate + "/polls", form)
    fragment = await browser.post(setup.moderate + "/polls", form, htmx=True)

    assert (page.status_code, fragment.status_code) == (400, 400)
    assert message in page.text
    assert message in fragment.text
    assert fragment.text.lstrip().startswith("{#") is False
    assert 'id="poll-create"' in fragment.text and 'id="polls"' not in fragment.text
    assert f'value="{form["name"]}"' in page.text
    assert await polls_of(db, setup.session) == []


async def test_moderator_page_lists_polls_with_their_buttons(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    first = await _poll(db, setup.session, "First")
    await _poll(db, setup.session, "Second")
    await _open(db, first)

    page = await browser.get(setup.moderate)

    first_block, second_block = page.text.split('<article class="poll')[1:]
    assert ">Close</button>" in first_block and ">Open</button>" not in first_block
    assert ">Move down</button>" in first_block and ">Move up</button>" not in first_block
    assert ">Open</button>" in second_block and ">Move up</button>" in second_block
    assert ">Show results</button>" in first_block and "Results hidden" in first_block
    for label in ("Poll question", "Type", "Choices (one per line)", "Scale"):
        assert f">{label}</label>" in page.text
    assert ">Create poll</button>" in page.text


async def test_open_and_close_a_poll_without_javascript(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)
    url = f"{setup.moderate}/polls/{poll.public_id}"

    opened = await browser.post(url + "/open")
    state_after_open = (await polls_of(db, setup.session))[0].state
    closed = await browser.post(url + "/close")
    reopened = await browser.post(url + "/open")

    assert [opened.status_code, closed.status_code, reopened.status_code] == [303, 303, 303]
    assert opened.headers["location"] == setup.moderate + "#polls"
    assert (state_after_open, (await polls_of(db, setup.session))[0].state) == ("open", "open")


async def test_open_and_close_a_poll_with_htmx_answer_the_poll_list(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)
    url = f"{setup.moderate}/polls/{poll.public_id}"

    opened = await browser.post(url + "/open", htmx=True)
    closed = await browser.post(url + "/close", htmx=True)

    assert (opened.status_code, closed.status_code) == (200, 200)
    assert opened.text.lstrip().startswith('<div id="polls"')
    assert ">Close</button>" in opened.text and ">Open</button>" in closed.text
    assert (await polls_of(db, setup.session))[0].state == "closed"


async def test_opening_an_open_poll_says_why_not(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)
    url = f"{setup.moderate}/polls/{poll.public_id}"
    await browser.post(url + "/open")
    await browser.get(setup.moderate)

    page = await browser.post(url + "/open")
    alert = await browser.post(url + "/open", htmx=True)

    message = "This poll is open; it cannot be open now."
    assert (page.status_code, alert.status_code) == (409, 409)
    assert message in page.text and message in alert.text
    assert alert.headers["hx-retarget"] == "#alerts"


async def test_show_and_hide_results(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)
    url = f"{setup.moderate}/polls/{poll.public_id}/results"

    shown = await browser.post(url, {"visible": "true"}, htmx=True)
    visible_after_show = (await polls_of(db, setup.session))[0].show_results
    hidden = await browser.post(url, {"visible": "false"})

    assert (shown.status_code, hidden.status_code) == (200, 303)
    assert ">Hide results</button>" in shown.text and "Results shown" in shown.text
    assert (visible_after_show, (await polls_of(db, setup.session))[0].show_results) == (
        True,
        False,
    )


async def test_move_polls_up_and_down(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    first = await _poll(db, setup.session, "First")
    second = await _poll(db, setup.session, "Second")
    third = await _poll(db, setup.session, "Third")

    up = await browser.post(
        f"{setup.moderate}/polls/{third.public_id}/move", {"direction": "up"}, htmx=True
    )
    down = await browser.post(
        f"{setup.moderate}/polls/{first.public_id}/move", {"direction": "down"}
    )

    names = [poll.name for poll in await polls_of(db, setup.session)]
    assert (up.status_code, down.status_code) == (200, 303)
    assert up.text.index(">Third</h3>") < up.text.index(">Second</h3>")
    assert names == ["Third", "First", "Second"]
    assert second.public_id in up.text


async def test_move_poll_in_a_direction_the_form_does_not_offer_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)

    response = await browser.post(
        f"{setup.moderate}/polls/{poll.public_id}/move", {"direction": "sideways"}
    )

    assert response.status_code == 400


async def test_poll_of_another_session_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    elsewhere = await _poll(db, setup.other)

    response = await browser.post(f"{setup.moderate}/polls/{elsewhere.public_id}/open")

    assert response.status_code == 404
    assert (await polls_of(db, setup.other))[0].state == "draft"


async def test_results_show_every_vote_with_the_tally_attributes(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session, choices=["Audit", "Tax", "Law"])
    await _open(db, poll)
    async with db.unit_of_work() as uow:
        for n, choice in enumerate([0, 0, 1]):
            voter = await make_attendee(uow, setup.event, email=f"v{n}@example.org")
            await cast_vote(uow, poll=poll, attendee=voter, choices=[choice])

    page = await browser.get(setup.moderate)

    assert f'data-tally-poll="{poll.public_id}"' in page.text
    assert "<strong data-tally-total>3</strong>" in page.text
    assert '<span data-tally-count="0">2</span>' in page.text
    assert '<span class="share" data-tally-share="0">67%</span>' in page.text
    assert (
        '<meter class="bar" min="0" max="100" value="33" data-tally-bar="1" '
        'aria-hidden="true"></meter>' in page.text
    )
    assert '<span data-tally-count="2">0</span>' in page.text


async def test_results_of_rating_and_text_polls(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    rating = await _poll(db, setup.session, "Rate it", type=PollType.RATING, choices=None)
    cloud = await _poll(db, setup.session, "One word", type=PollType.WORD_CLOUD, choices=None)
    text = await _poll(db, setup.session, "Comments", type=PollType.OPEN_TEXT, choices=None)
    await _open(db, rating, cloud, text)
    async with db.unit_of_work() as uow:
        for n, (points, word) in enumerate([(5, "Great"), (4, "great"), (4, "<b>bold</b>")]):
            voter = await make_attendee(uow, setup.event, email=f"v{n}@example.org")
            await cast_vote(uow, poll=rating, attendee=voter, rating=points)
            await cast_vote(uow, poll=cloud, attendee=voter, text=word)
            await cast_vote(uow, poll=text, attendee=voter, text=f"Comment {n}")

    page = await browser.get(setup.moderate)
    answers = await browser.get(
        f"{setup.moderate}/fragments/polls/{cloud.public_id}/answers",
        headers={"HX-Request": "true"},
    )

    assert "Average: <strong>4.3</strong> of 5" in page.text
    assert '<span data-tally-count="3">2</span>' in page.text
    assert '<li class="word size-5">Great <span class="count">(2)</span></li>' in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text and "<b>bold</b>" not in page.text
    assert page.text.index("Comment 2") < page.text.index("Comment 0")
    assert f'data-refresh-poll="{cloud.public_id}"' in page.text
    assert answers.text.lstrip().startswith(f'<div id="answers-{cloud.public_id}"')


async def test_open_text_shows_the_newest_answers_and_how_many_more(
    db: Database, new_browser: BrowserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "ANSWERS_LIMIT", 3)
    setup, browser = await _signed_in(db, new_browser)
    text = await _poll(db, setup.session, "Comments", type=PollType.OPEN_TEXT, choices=None)
    await _open(db, text)
    async with db.unit_of_work() as uow:
        for n in range(5):
            voter = await make_attendee(uow, setup.event, email=f"v{n}@example.org")
            await cast_vote(uow, poll=text, attendee=voter, text=f"Comment {n}")

    answers = await browser.get(
        f"{setup.moderate}/fragments/polls/{text.public_id}/answers",
        headers={"HX-Request": "true"},
    )

    assert "Answers: <strong>5</strong>" in answers.text
    shown = [n for n in range(5) if f"Comment {n}<" in answers.text]
    assert shown == [2, 3, 4]
    assert answers.text.index("Comment 4") < answers.text.index("Comment 2")
    assert "And 2 more." in answers.text


async def test_poll_name_is_escaped(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    await _poll(db, setup.session, "<script>alert(1)</script>", choices=["<i>A</i>", "B"])

    page = await browser.get(setup.moderate)

    assert "<script>alert(1)</script>" not in page.text and "<i>A</i>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_poll_actions_need_the_csrf_token(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    poll = await _poll(db, setup.session)

    response = await browser.http.post(f"{setup.moderate}/polls/{poll.public_id}/open")
    created = await browser.http.post(
        setup.moderate + "/polls", data={"name": "Q", "choices": "A\nB"}
    )

    assert (response.status_code, created.status_code) == (403, 403)
    assert [p.state for p in await polls_of(db, setup.session)] == ["draft"]


async def test_poll_actions_need_a_moderator(db: Database, new_browser: BrowserFactory) -> None:
    setup = await setup_event(db)
    poll = await _poll(db, setup.session)
    stranger = await new_browser()
    await stranger.get(setup.moderate + "/login")

    response = await stranger.post(f"{setup.moderate}/polls/{poll.public_id}/open")
    fragment = await stranger.post(f"{setup.moderate}/polls/{poll.public_id}/open", htmx=True)

    assert response.status_code == 303
    assert response.headers["location"].startswith(setup.moderate + "/login?next=")
    assert (fragment.status_code, fragment.headers["hx-redirect"].split("?")[0]) == (
        204,
        setup.moderate + "/login",
    )
    assert (await polls_of(db, setup.session))[0].state == "draft"
