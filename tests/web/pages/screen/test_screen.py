"""The screen: what a projector shows the room in each state of the session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from podium.enums import PollType
from podium.kit.db import Database
from podium.live.service import (
    approve_question,
    ask_question,
    cast_vote,
    close_poll,
    create_poll,
    dismiss_question,
    mark_question_answered,
    open_poll,
    pin_question,
    set_poll_results_visible,
)
from podium.models import Poll, Question
from podium.program.announcements import announce_codeword
from tests.factories import make_attendee
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import Browser, BrowserFactory
from tests.web.pages.moderator.helpers import (
    EVENT_PASSWORD,
    Setup,
    grant_app_access,
    setup_event,
    sign_in,
)
from tests.web.pages.qr_reader import decoded_qr

NINE = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
TEN = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


async def _screen(db: Database, new_browser: BrowserFactory) -> tuple[Setup, Browser]:
    setup = await setup_event(db)
    return setup, await new_browser()


async def _stage(browser: Browser, setup: Setup) -> str:
    page = await browser.get(setup.screen)
    fragment = await browser.get(setup.screen + "/fragments/stage")
    assert (page.status_code, fragment.status_code) == (200, 200)
    stage = page.text.split('<div id="stage"')[1].split('<footer class="join">')[0]
    assert fragment.text.lstrip().startswith('<div id="stage"')
    return stage


async def _poll(db: Database, setup: Setup, name: str, **kwargs: object) -> Poll:
    arguments: dict[str, object] = {"type": PollType.MULTIPLE_CHOICE, "choices": ["Audit", "Tax"]}
    arguments.update(kwargs)
    async with db.unit_of_work() as uow:
        return await create_poll(uow, session=setup.session, name=name, **arguments)  # type: ignore[arg-type]


async def _change(db: Database, poll: Poll, *steps: str, at: datetime | None = None) -> None:
    """Apply "open", "close", "show" or "hide" to the poll, in order."""
    async with db.unit_of_work() as uow:
        loaded = await uow.session.get(Poll, poll.id)
        assert loaded is not None
        for step in steps:
            if step == "open":
                await open_poll(uow, poll=loaded, at=at)
            elif step == "close":
                await close_poll(uow, poll=loaded, at=at)
            else:
                await set_poll_results_visible(uow, poll=loaded, visible=step == "show")


async def _votes(db: Database, setup: Setup, poll: Poll, choices: list[int]) -> None:
    async with db.unit_of_work() as uow:
        loaded = await uow.session.get(Poll, poll.id)
        assert loaded is not None
        for n, choice in enumerate(choices):
            voter = await make_attendee(uow, setup.event, email=f"{poll.public_id}{n}@x.org")
            await cast_vote(uow, poll=loaded, attendee=voter, choices=[choice])


async def _ask(db: Database, setup: Setup, text: str, *, moderated: bool = False) -> Question:
    async with db.unit_of_work() as uow:
        return await ask_question(
            uow, session=setup.session, attendee=None, text=text, moderated=moderated
        )


async def _question(db: Database, question: Question, action: str, count: int = 0) -> None:
    async with db.unit_of_work() as uow:
        loaded = await uow.session.get(Question, question.id)
        assert loaded is not None
        if action == "approve":
            await approve_question(uow, question=loaded)
        elif action == "dismiss":
            await dismiss_question(uow, question=loaded)
        elif action == "answer":
            await mark_question_answered(uow, question=loaded)
        elif action == "pin":
            await pin_question(uow, question=loaded)
        else:
            loaded.upvote_count = count


async def test_screen_welcomes_when_nothing_is_going_on(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)

    stage = await _stage(browser, setup)
    page = await browser.get(setup.screen)

    assert '<h1 id="stage-title">Opening Keynote</h1>' in stage
    # the session's name is the welcome's title and nowhere else on the screen
    (body,) = parse(page.text).by_tag("body")
    assert body.text.count("Opening Keynote") == 1
    assert body.texts(cls="screen-event") == ["Example Event"]
    assert f'data-live="/e/example/s/{setup.session.public_id}/live"' in page.text


async def test_screen_shows_the_open_poll_without_its_results(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    poll = await _poll(db, setup, "Which topic next?")
    await _change(db, poll, "open")
    await _votes(db, setup, poll, [0, 0, 1])

    stage = await _stage(browser, setup)

    assert '<h1 id="stage-title">Which topic next?</h1>' in stage
    assert "<li>Audit</li>" in stage and "<li>Tax</li>" in stage
    assert "data-tally" not in stage


async def test_screen_shows_the_open_poll_with_live_results_when_shown(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    poll = await _poll(db, setup, "Which topic next?")
    await _change(db, poll, "open", "show")
    await _votes(db, setup, poll, [0, 0, 1])

    stage = await _stage(browser, setup)

    assert f'data-tally-poll="{poll.public_id}"' in stage
    assert "<strong data-tally-total>3</strong>" in stage
    assert '<span class="share" data-tally-share="0">67%</span>' in stage
    assert (
        '<meter class="bar" min="0" max="100" value="33" data-tally-bar="1" '
        'aria-hidden="true"></meter>' in stage
    )


async def test_screen_shows_the_poll_opened_last(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _screen(db, new_browser)
    later = await _poll(db, setup, "Opened later")
    earlier = await _poll(db, setup, "Opened earlier")
    await _change(db, later, "open", at=TEN)
    await _change(db, earlier, "open", at=NINE)

    stage = await _stage(browser, setup)

    assert '<h1 id="stage-title">Opened later</h1>' in stage


async def test_screen_shows_the_poll_closed_last_while_its_results_are_shown(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    await _ask(db, setup, "A question?")
    older = await _poll(db, setup, "Older poll")
    newer = await _poll(db, setup, "Newer poll")
    await _change(db, older, "open", "show", at=NINE)
    await _change(db, older, "close", at=NINE)
    await _change(db, newer, "open", "show", at=TEN)
    await _change(db, newer, "close", at=TEN)

    shown = await _stage(browser, setup)
    await _change(db, newer, "hide")
    hidden = await _stage(browser, setup)

    assert '<h1 id="stage-title">Newer poll</h1>' in shown and "Poll results" in shown
    assert "Older poll" not in hidden and "Newer poll" not in hidden
    assert '<h1 id="stage-title">Questions</h1>' in hidden and "A question?" in hidden


async def test_screen_shows_no_draft_poll(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _screen(db, new_browser)
    draft = await _poll(db, setup, "Not yet")
    await _change(db, draft, "show")

    stage = await _stage(browser, setup)

    assert "Not yet" not in stage


async def test_screen_shows_top_questions_pinned_first_then_by_upvotes(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    few = await _ask(db, setup, "Few upvotes?")
    many = await _ask(db, setup, "Many upvotes?")
    pinned = await _ask(db, setup, "Pinned one?")
    answered = await _ask(db, setup, "Answered one?")
    dismissed = await _ask(db, setup, "Dismissed one?")
    await _ask(db, setup, "Pending one?", moderated=True)
    await _question(db, few, "upvotes", 1)
    await _question(db, many, "upvotes", 9)
    await _question(db, pinned, "pin")
    await _question(db, answered, "answer")
    await _question(db, dismissed, "dismiss")

    stage = await _stage(browser, setup)

    assert stage.index("Pinned one?") < stage.index("Many upvotes?") < stage.index("Few upvotes?")
    for hidden in ("Answered one?", "Dismissed one?", "Pending one?"):
        assert hidden not in stage


async def test_screen_shows_a_pending_question_only_once_approved(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    question = await _ask(db, setup, "Waiting for approval?", moderated=True)

    before = await _stage(browser, setup)
    await _question(db, question, "approve")
    after = await _stage(browser, setup)

    assert "Waiting for approval?" not in before
    assert "Waiting for approval?" in after


async def test_screen_shows_at_most_six_questions(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    for n in range(8):
        await _ask(db, setup, f"Question number {n}?")

    stage = await _stage(browser, setup)

    assert [f"Question number {n}?" in stage for n in range(8)] == [True] * 6 + [False] * 2


async def test_screen_escapes_question_text(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _screen(db, new_browser)
    await _ask(db, setup, "<script>alert(1)</script>")

    stage = await _stage(browser, setup)

    assert "<script>alert(1)" not in stage
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in stage


async def test_screen_shows_the_codeword_each_field_announced_last(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    before = await _stage(browser, setup)
    async with db.unit_of_work() as uow:
        for word, at in (("ledger", NINE), ("audit", TEN)):
            await announce_codeword(
                uow, session=setup.session, field_of_study_name="Accounting", word=word, at=at
            )

    stage = await _stage(browser, setup)

    assert "Codewords" not in before
    assert (
        '<span class="field">Accounting codeword</span> <strong class="word">audit</strong>'
        in stage
    )
    assert "ledger" not in stage and "deduction" not in stage


async def test_screen_shows_text_answers_only_while_results_are_shown(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)
    cloud = await _poll(db, setup, "One word?", type=PollType.WORD_CLOUD, choices=None)
    await _change(db, cloud, "open")
    async with db.unit_of_work() as uow:
        loaded = await uow.session.get(Poll, cloud.id)
        assert loaded is not None
        for n, word in enumerate(["<b>Bold</b>", "Tax", "<b>bold</b>"]):
            voter = await make_attendee(uow, setup.event, email=f"w{n}@x.org")
            await cast_vote(uow, poll=loaded, attendee=voter, text=word)
    answers = f"{setup.screen}/fragments/polls/{cloud.public_id}/answers"

    hidden = await _stage(browser, setup)
    hidden_answers = await browser.get(answers)
    await _change(db, cloud, "show")
    shown = await _stage(browser, setup)
    shown_answers = await browser.get(answers)

    assert "Answer on your phone." in hidden and "Tax" not in hidden
    assert hidden_answers.status_code == 404
    assert '<li class="word size-5">&lt;b&gt;Bold&lt;/b&gt;' in shown
    assert shown_answers.status_code == 200 and "Tax" in shown_answers.text


async def test_screen_needs_the_app_password_when_the_event_has_one(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db, app_password="let me in")
    stranger = await new_browser()
    attendee = await new_browser()
    grant_app_access(attendee, setup.event, "let me in")
    moderating = await sign_in(new_browser, setup.moderate + "/login", EVENT_PASSWORD)

    refused = await stranger.get(setup.screen)
    refused_fragment = await stranger.get(
        setup.screen + "/fragments/stage", headers={"HX-Request": "true"}
    )

    assert (refused.status_code, refused.headers["location"]) == (
        303,
        f"/e/example?next={quote(setup.screen)}",
    )
    assert refused_fragment.headers["hx-redirect"] == f"/e/example?next={quote(setup.screen)}"
    assert (await attendee.get(setup.screen)).status_code == 200
    assert (await moderating.get(setup.screen)).status_code == 200


async def test_screen_of_an_unknown_session_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    await setup_event(db)
    browser = await new_browser()

    response = await browser.get("/e/example/s/nope/screen")

    assert response.status_code == 404


async def _screen_queries(
    db: Database, new_browser: BrowserFactory, count_queries: Any, count: int
) -> int:
    setup = await setup_event(db, uri=f"screen-{count}")
    async with db.unit_of_work() as uow:
        for n in range(count):
            await ask_question(uow, session=setup.session, attendee=None, text=f"Q{n}?")
            await create_poll(uow, session=setup.session, name=f"P{n}", type=PollType.WORD_CLOUD)
        for word in ("ledger", "deduction"):
            field = "Accounting" if word == "ledger" else "Taxes"
            await announce_codeword(
                uow, session=setup.session, field_of_study_name=field, word=word
            )
    browser = await new_browser()
    with count_queries() as counter:
        page = await browser.get(setup.screen)
    assert page.status_code == 200
    return int(counter.count)


async def test_screen_queries_do_not_grow_with_polls_and_questions(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    one = await _screen_queries(db, new_browser, count_queries, 1)
    many = await _screen_queries(db, new_browser, count_queries, 25)

    assert (one, many) == (one, one)


async def test_screen_shows_the_join_address_short_and_as_a_qr_code(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _screen(db, new_browser)

    page = parse((await browser.get(setup.screen)).text)

    (join,) = page.by_class("join")
    address = f"podium.test/e/example/s/{setup.session.public_id}"
    assert join.texts(cls="join-url") == [address]
    (qr,) = join.by_tag("svg")
    assert (qr.attrs["role"], qr.attrs["aria-label"]) == ("img", f"QR code of {address}")
    assert decoded_qr(qr) == f"https://podium.test/e/example/s/{setup.session.public_id}"


@pytest.mark.parametrize(
    ("who", "show", "code_shown"),
    [
        ("moderator", "checkin-code", "4821"),
        ("moderator", None, None),
        ("attendee", "checkin-code", None),
    ],
)
async def test_screen_shows_the_checkin_code_to_a_moderator_who_asks(
    db: Database, new_browser: BrowserFactory, who: str, show: str | None, code_shown: str | None
) -> None:
    setup = await setup_event(db, checkin_code="4821")
    if who == "moderator":
        browser = await sign_in(new_browser, setup.moderate + "/login", EVENT_PASSWORD)
    else:
        browser = await new_browser()  # the event has no app password: anyone sees the screen
    query = f"?show={show}" if show else ""

    page = parse((await browser.get(setup.screen + query)).text)

    codes = page.texts(cls="code")
    assert codes == ([code_shown] if code_shown else [])
    assert ("Check-in code" in page.by_class("join")[0].text) == (code_shown is not None)
