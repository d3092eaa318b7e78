"""Q&A on a session's page: asking (escaped everywhere), upvoting once, the order, moderation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from podium.kit.db import Database
from podium.live.audience import QUESTIONS_SHOWN_MAX
from podium.live.service import (
    QUESTIONS_SHOWN,
    approve_question,
    ask_question,
    dismiss_question,
    mark_question_answered,
    pin_question,
    questions_shown,
    upvote_question,
)
from podium.models import Event, EventSession, Question, QuestionUpvote
from tests.factories import make_attendee
from tests.web.pages.attendee.conftest import BLAKE, joined, new_event, new_session, page_url
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import Browser, BrowserFactory

T0 = dt.datetime(2026, 6, 1, 13, 30, tzinfo=dt.UTC)
HTMX = {"HX-Request": "true"}


async def _list(browser: Browser, event: Event, session: EventSession) -> Element:
    return parse((await browser.get(page_url(event, session))).text).by_id("question-list")


async def _ask(browser: Browser, event: Event, session: EventSession, text: str) -> int:
    await browser.get(page_url(event, session))
    response = await browser.post(f"{page_url(event, session)}/questions", {"text": text})
    return response.status_code


def _shown(question_list: Element) -> list[tuple[str, list[str], list[str]]]:
    """(text, badges, buttons) of each question, in order."""
    return [
        (item.texts(cls="question-text")[0], item.texts(cls="badge"), item.buttons())
        for item in question_list.by_class("question")
    ]


async def _questions(db: Database) -> list[tuple[str, str]]:
    async with db.unit_of_work() as u:
        rows = await u.session.scalars(select(Question).order_by(Question.id))
        return [(q.text, q.state) for q in rows]


async def test_ask_adds_the_question_to_the_list_and_says_so(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    section = parse(browser.last.text).by_id("questions")  # type: ignore[union-attr]
    assert (section.labels(), section.buttons()) == (["Your question"], ["Ask"])

    response = await browser.post(f"{page_url(event, session)}/questions", {"text": "Why?"})

    location = f"{page_url(event, session)}?done=asked#questions"
    assert (response.status_code, response.headers["location"]) == (303, location)
    page = parse((await browser.get(location)).text)
    assert page.by_id("questions").alerts() == ["Your question is in."]
    # one's own question: no upvote button, its count instead
    assert _shown(page.by_id("question-list")) == [("Why?", [], [])]
    assert page.by_id("question-list").texts(cls="upvote-count") == ["Upvotes: 0"]
    assert await _questions(db) == [("Why?", "approved")]


async def test_question_text_is_escaped_for_the_asker_and_everyone_else(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    alex = await joined(new_browser, event)
    blake = await joined(new_browser, event, BLAKE)

    await _ask(alex, event, session, "<script>alert(1)</script>")

    for browser in (alex, blake):
        html = (await browser.get(page_url(event, session))).text
        assert "<script>alert(1)</script>" not in html
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
        assert parse(html).by_id("question-list").texts(cls="question-text") == [
            "<script>alert(1)</script>"
        ]


async def test_ask_with_htmx_answers_the_questions_section(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/questions", {"text": "Why?"}, htmx=True
    )

    fragment = parse(response.text)
    assert response.status_code == 200
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["questions"]
    assert fragment.by_id("questions").alerts() == ["Your question is in."]
    assert fragment.by_id("question-list").texts(cls="question-text") == ["Why?"]
    assert fragment.by_id("question-text").text == ""


async def test_ask_a_blank_or_too_long_question_says_why_and_keeps_the_text(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    long = "x" * 1001

    blank = await browser.post(f"{page_url(event, session)}/questions", {"text": "  "})
    too_long = await browser.post(f"{page_url(event, session)}/questions", {"text": long})

    assert blank.status_code == 400
    assert parse(blank.text).by_id("questions").alerts() == ["Write a question."]
    assert too_long.status_code == 400
    section = parse(too_long.text).by_id("questions")
    assert section.alerts() == ["A question is at most 1000 characters."]
    assert section.by_id("question-text").text == long
    assert await _questions(db) == []


async def test_upvote_counts_once_per_attendee_and_marks_the_button(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    alex = await joined(new_browser, event)
    blake = await joined(new_browser, event, BLAKE)
    await _ask(alex, event, session, "Why?")
    async with db.unit_of_work() as u:
        question = await u.session.scalar(select(Question))
    assert question is not None
    upvote = f"{page_url(event, session)}/questions/{question.public_id}/upvote"

    first = await blake.post(upvote)
    again = await blake.post(upvote)

    assert (first.status_code, again.status_code) == (303, 303)
    assert first.headers["location"] == f"{page_url(event, session)}?done=upvoted#questions"
    async with db.unit_of_work() as u:
        upvotes = list(await u.session.scalars(select(QuestionUpvote)))
        stored = await u.session.get(Question, question.id)
    assert (len(upvotes), stored.upvote_count if stored else None) == (1, 1)
    blakes = await _list(blake, event, session)
    assert _shown(blakes) == [("Why?", [], ["Upvoted (1)"])]
    (button,) = blakes.by_tag("button")
    assert ("disabled" in button.attrs, button.attrs["aria-pressed"]) == (True, "true")
    alexs = await _list(alex, event, session)
    assert _shown(alexs) == [("Why?", [], [])]
    assert alexs.texts(cls="upvote-count") == ["Upvotes: 1"]


async def test_upvote_with_htmx_answers_the_question_list(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    alex = await joined(new_browser, event)
    browser = await joined(new_browser, event, BLAKE)
    await _ask(alex, event, session, "Why?")
    async with db.unit_of_work() as u:
        question = await u.session.scalar(select(Question))
    assert question is not None
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/questions/{question.public_id}/upvote", htmx=True
    )

    fragment = parse(response.text)
    assert response.status_code == 200
    assert [d.attrs.get("id") for d in fragment.by_tag("div")][:1] == ["question-list"]
    assert fragment.alerts() == ["Thank you, your upvote counts."]
    assert _shown(fragment) == [("Why?", [], ["Upvoted (1)"])]


async def test_questions_are_ordered_pinned_first_then_by_upvotes_then_oldest(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    async with db.unit_of_work() as u:
        live = await u.session.get(EventSession, session.id)
        assert live is not None
        people = [await make_attendee(u, event, email=f"p{n}@example.com") for n in range(3)]

        async def asked(text: str, minute: int) -> Question:
            at = T0 + dt.timedelta(minutes=minute)
            return await ask_question(u, session=live, attendee=people[0], text=text, at=at)

        old = await asked("Oldest, no votes", 0)
        newer = await asked("Newer, no votes", 1)
        popular = await asked("Two votes", 2)
        pinned = await asked("Pinned", 3)
        answered = await asked("One vote, answered", 4)
        for person in people[1:]:
            await upvote_question(u, question=popular, attendee=person)
        await upvote_question(u, question=answered, attendee=people[1])
        await pin_question(u, question=pinned)
        await mark_question_answered(u, question=answered)
        dismissed = await asked("Dismissed", 5)
        await dismiss_question(u, question=dismissed)
    del old, newer
    browser = await joined(new_browser, event)

    shown = _shown(await _list(browser, event, session))

    assert shown == [
        ("Pinned", ["Pinned"], ["Upvote (0)"]),
        ("Two votes", [], ["Upvote (2)"]),
        ("One vote, answered", ["Answered"], ["Upvote (1)"]),
        ("Oldest, no votes", [], ["Upvote (0)"]),
        ("Newer, no votes", [], ["Upvote (0)"]),
    ]


async def test_moderated_question_waits_hidden_from_others_until_approved(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, questions_moderated=True)
    alex = await joined(new_browser, event)
    blake = await joined(new_browser, event, BLAKE)
    await alex.get(page_url(event, session))

    response = await alex.post(f"{page_url(event, session)}/questions", {"text": "Is it on?"})

    page = parse((await alex.get(response.headers["location"])).text)
    assert page.by_id("questions").alerts() == [
        "Your question was sent. Everyone sees it once a moderator approves it."
    ]
    assert _shown(page.by_id("question-list")) == [("Is it on?", ["Waiting for the moderator"], [])]
    assert _shown(await _list(blake, event, session)) == []
    assert await _questions(db) == [("Is it on?", "pending")]
    async with db.unit_of_work() as u:
        question = await u.session.scalar(select(Question))
        assert question is not None
        await approve_question(u, question=question)
    assert _shown(await _list(blake, event, session)) == [("Is it on?", [], ["Upvote (0)"])]


async def test_upvote_of_a_question_waiting_for_the_moderator_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, questions_moderated=True)
    alex = await joined(new_browser, event)
    blake = await joined(new_browser, event, BLAKE)
    await _ask(alex, event, session, "Is it on?")
    async with db.unit_of_work() as u:
        question = await u.session.scalar(select(Question))
    assert question is not None
    await blake.get(page_url(event, session))

    response = await blake.post(f"{page_url(event, session)}/questions/{question.public_id}/upvote")

    assert response.status_code == 409
    assert parse(response.text).by_id("question-list").alerts() == [
        "Only a question shown to the audience can be upvoted."
    ]


async def test_upvote_of_ones_own_question_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    alex = await joined(new_browser, event)
    await _ask(alex, event, session, "Why?")
    async with db.unit_of_work() as u:
        question = await u.session.scalar(select(Question))
    assert question is not None
    upvote = f"{page_url(event, session)}/questions/{question.public_id}/upvote"
    await alex.get(page_url(event, session))

    plain = await alex.post(upvote)
    htmx = await alex.post(upvote, htmx=True)

    assert (plain.status_code, htmx.status_code) == (409, 409)
    message = ["You cannot upvote your own question; the others can."]
    assert parse(plain.text).by_id("question-list").alerts() == message
    assert parse(htmx.text).alerts() == message
    async with db.unit_of_work() as u:
        assert list(await u.session.scalars(select(QuestionUpvote))) == []


async def test_the_list_shows_the_first_questions_and_more_when_asked(
    db: Database, new_browser: BrowserFactory
) -> None:
    """A keynote's hundreds of questions: the list shows the first ``QUESTIONS_SHOWN`` and a
    "Show more questions" link (a page without JavaScript, or the list alone with htmx) that
    shows the next ones; a list shown longer stays longer when it is fetched again or upvoted
    in."""
    event = await new_event(db)
    session = await new_session(db, event)
    count = QUESTIONS_SHOWN + 10
    async with db.unit_of_work() as u:
        live = await u.session.get(EventSession, session.id)
        assert live is not None
        asker = await make_attendee(u, event, email="asker@example.com")
        for n in range(count):
            at = T0 + dt.timedelta(seconds=n)
            await ask_question(u, session=live, attendee=asker, text=f"Question {n:03}?", at=at)
    texts = [f"Question {n:03}?" for n in range(count)]
    browser = await joined(new_browser, event)
    url = page_url(event, session)

    first = await _list(browser, event, session)
    (more,) = first.by_class("more-questions")
    whole_page = parse((await browser.get(more.attrs["href"])).text).by_id("question-list")
    longer = parse((await browser.get(more.attrs["hx-get"], headers=HTMX)).text).by_id(
        "question-list"
    )
    upvote_form = longer.by_tag("form")[0]
    upvoted = parse((await browser.post(upvote_form.attrs["hx-post"], htmx=True)).text).by_id(
        "question-list"
    )

    assert [text for text, _, _ in _shown(first)] == texts[:QUESTIONS_SHOWN]
    assert (more.text, more.attrs["href"]) == (
        "Show more questions",
        f"{url}?questions={2 * QUESTIONS_SHOWN}#questions",
    )
    assert first.attrs["hx-get"] == f"{url}/fragments/question-list"
    for shown in (whole_page, longer, upvoted):
        assert [text for text, _, _ in _shown(shown)] == texts
        assert shown.by_class("more-questions") == []
        assert shown.attrs["hx-get"] == f"{url}/fragments/question-list?questions=100"
    assert upvoted.alerts() == ["Thank you, your upvote counts."]


def test_how_many_questions_a_page_shows_is_a_whole_number_of_pages_and_bounded() -> None:
    asked = [None, "", "abc", "-5", "0", "1", "50", "51", "100", "1e9", "100000"]

    shown = [questions_shown(text) for text in asked]

    assert shown == [50, 50, 50, 50, 50, 50, 50, 100, 100, 50, QUESTIONS_SHOWN_MAX]
