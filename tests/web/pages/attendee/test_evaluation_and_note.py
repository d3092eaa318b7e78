"""The evaluation form (after check-out or the session's end) and the attendee's notes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from podium.credits.service import set_credit_rules
from podium.credits.types import EvaluationRule, RulesChange
from podium.evaluations.service import define_evaluation_question
from podium.kit.db import Database
from podium.models import Checkin, EvaluationResponse, Event, EventSession
from tests.conftest import Api
from tests.factories import add_presenter
from tests.web.pages.attendee.conftest import check_in, joined, new_event, new_session, page_url
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import Browser, BrowserFactory

FUTURE = dt.date(2099, 6, 1)
PAST = dt.date(2020, 6, 1)
CLOSED = "The evaluation opens when you check out, or once the session has ended."


async def _evaluated_session(db: Database, event: Event, day: dt.date) -> EventSession:
    """A session on ``day`` with a presenter, and an evaluation form of four questions."""
    session = await new_session(db, event, session_date=day)
    async with db.unit_of_work() as u:
        live = await u.session.get(EventSession, session.id)
        assert live is not None
        await add_presenter(u, live, "Jordan Lee")
        await define_evaluation_question(
            u,
            event=event,
            text="How was it?",
            kind="rating",
            choices=["1 - Poor", "2 - OK", "3 - Great"],
        )
        await define_evaluation_question(
            u, event=event, text="Format?", kind="choice", choices=["Talk", "Workshop"]
        )
        await define_evaluation_question(
            u, event=event, text="The speaker's clarity", kind="rating", per_presenter=True
        )
        await define_evaluation_question(
            u, event=event, text="Anything else?", kind="text", required=False
        )
    return session


async def _check_out(browser: Browser, event: Event, session: EventSession) -> None:
    await browser.get(page_url(event, session))
    response = await browser.post(
        f"{page_url(event, session)}/checkout", {"nonce": browser.nonces()[0]}
    )
    assert response.status_code == 303


async def _section(browser: Browser, event: Event, session: EventSession) -> Element:
    return parse((await browser.get(page_url(event, session))).text).by_id("evaluation")


def _names(section: Element) -> list[str]:
    """The form's field names, once each, in order."""
    names: list[str] = []
    for element in section.with_attr("name"):
        name = element.attrs["name"]
        if name != "csrf_token" and name not in names:
            names.append(name)
    return names


async def _responses(db: Database) -> int:
    async with db.unit_of_work() as u:
        return await u.session.scalar(select(func.count()).select_from(EvaluationResponse)) or 0


async def test_evaluation_waits_for_check_out_while_the_session_runs(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, FUTURE)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    section = await _section(browser, event, session)
    response = await browser.post(f"{page_url(event, session)}/evaluation", {})

    assert section.texts(tag="p") == [CLOSED]
    assert section.by_tag("form") == []
    assert response.status_code == 409
    assert parse(response.text).by_id("evaluation").alerts() == [CLOSED]


async def test_evaluation_opens_after_check_out_with_every_question(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, FUTURE)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)
    await _check_out(browser, event, session)

    section = await _section(browser, event, session)

    assert section.texts(tag="legend") == [
        "How was it?",
        "Format?",
        "The speaker's clarity — Jordan Lee",
    ]
    assert section.labels() == [
        "1 - Poor",
        "2 - OK",
        "3 - Great",
        "Talk",
        "Workshop",
        "1",
        "2",
        "3",
        "4",
        "5",
        "Anything else?",
    ]
    assert section.buttons() == ["Send evaluation"]


async def test_evaluation_opens_once_the_session_has_ended_without_check_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, PAST)
    browser = await joined(new_browser, event)

    section = await _section(browser, event, session)

    assert section.buttons() == ["Send evaluation"]


async def test_evaluation_submitted_is_stored_and_thanked_with_the_answers(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, FUTURE)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)
    await _check_out(browser, event, session)
    rating, kind, clarity, other = _names(await _section(browser, event, session))

    response = await browser.post(
        f"{page_url(event, session)}/evaluation",
        {rating: "3", kind: "2", clarity: "4", other: "More <examples>"},
    )

    location = f"{page_url(event, session)}?done=evaluated#evaluation"
    assert (response.status_code, response.headers["location"]) == (303, location)
    section = parse((await browser.get(location)).text).by_id("evaluation")
    assert section.alerts() == ["Thank you for your evaluation."]
    # said once, not again beside the answers
    assert section.text.casefold().count("thank you") == 1
    assert section.texts(tag="p")[-1] == "You have evaluated this session. Your answers:"
    assert section.texts(tag="dt") == [
        "How was it?",
        "Format?",
        "The speaker's clarity — Jordan Lee",
        "Anything else?",
    ]
    assert section.texts(tag="dd") == ["3 - Great", "Workshop", "4", "More <examples>"]
    async with db.unit_of_work() as u:
        rows = list(
            await u.session.scalars(select(EvaluationResponse).order_by(EvaluationResponse.id))
        )
        record = await u.session.scalar(select(Checkin))
    assert [(r.response, r.response_value) for r in rows] == [
        ("3 - Great", 3),
        ("Workshop", None),
        ("4", 4),
        ("More <examples>", None),
    ]
    assert record is not None and record.evaluation_completed_at is not None


async def test_evaluation_missing_a_required_answer_says_which_and_keeps_the_others(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, PAST)
    browser = await joined(new_browser, event)
    rating, _, clarity, other = _names(await _section(browser, event, session))

    response = await browser.post(
        f"{page_url(event, session)}/evaluation", {rating: "1", clarity: "5", other: "Hm"}
    )

    section = parse(response.text).by_id("evaluation")
    assert response.status_code == 400
    assert section.alerts() == ['"Format?" needs an answer.']
    checked = [(i.attrs["name"], i.attrs["value"]) for i in section.with_attr("checked")]
    assert checked == [(rating, "1"), (clarity, "5")]
    assert section.by_id(other).text == "Hm"
    assert await _responses(db) == 0


async def test_evaluation_with_htmx_answers_the_evaluation_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, PAST)
    browser = await joined(new_browser, event)
    rating, kind, clarity, _ = _names(await _section(browser, event, session))

    response = await browser.post(
        f"{page_url(event, session)}/evaluation", {rating: "2", kind: "1", clarity: "3"}, htmx=True
    )

    fragment = parse(response.text)
    assert response.status_code == 200
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["evaluation"]
    assert fragment.alerts() == ["Thank you for your evaluation."]
    assert fragment.text.casefold().count("thank you") == 1
    assert fragment.texts(tag="dd") == ["2 - OK", "Talk", "3"]


async def test_evaluation_section_is_hidden_when_the_event_asks_nothing(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, session_date=PAST)
    browser = await joined(new_browser, event)

    section = await _section(browser, event, session)

    assert ("hidden" in section.attrs, section.children) == (True, ["\n"])


# notes


async def test_note_box_opens_once_checked_in(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    before = parse((await browser.get(page_url(event, session))).text).by_id("note")
    refused = await browser.post(f"{page_url(event, session)}/note", {"attendee_note": "x"})
    await check_in(browser, event, session)

    after = parse((await browser.get(page_url(event, session))).text).by_id("note")

    assert before.texts(tag="p") == ["Check in to keep notes for this session."]
    assert refused.status_code == 409
    assert parse(refused.text).by_id("note").alerts() == [
        "Check in to this session to keep notes for it."
    ]
    assert (after.labels(), after.buttons()) == (["My notes"], ["Save"])


async def test_note_saved_is_shown_again_and_returned_by_the_api(
    db: Database, api: Api, new_browser: BrowserFactory
) -> None:
    session = await new_session(db, api.event)
    browser = await joined(new_browser, api.event)
    await check_in(browser, api.event, session)

    response = await browser.post(
        f"{page_url(api.event, session)}/note", {"attendee_note": "Slides: <link>\n p. 4"}
    )

    location = f"{page_url(api.event, session)}?done=note-saved#note"
    assert (response.status_code, response.headers["location"]) == (303, location)
    note = parse((await browser.get(location)).text).by_id("note")
    assert note.alerts() == ["Your notes are saved."]
    assert note.by_id("attendee-note").text == "Slides: <link> p. 4"
    (record,) = (await api.get(f"/sessions/{session.public_id}/attendance")).json()["data"]
    assert record["attendee_note"] == "Slides: <link>\n p. 4"


async def test_note_with_htmx_answers_the_note_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    response = await browser.post(
        f"{page_url(event, session)}/note", {"attendee_note": "Remember"}, htmx=True
    )

    fragment = parse(response.text)
    assert response.status_code == 200
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["note"]
    assert fragment.alerts() == ["Your notes are saved."]
    assert fragment.by_id("attendee-note").text == "Remember"


async def _evaluation_before_checkout(db: Database, event: Event) -> None:
    async with db.unit_of_work() as u:
        await set_credit_rules(
            u,
            event=await u.session.get_one(Event, event.id),
            change=RulesChange(evaluation_rule=EvaluationRule.FOR_CHECKOUT),
        )


async def test_evaluation_before_check_out_opens_while_checked_in_and_holds_the_check_out(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _evaluated_session(db, event, FUTURE)
    await _evaluation_before_checkout(db, event)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    section = await _section(browser, event, session)
    await browser.get(page_url(event, session))
    refused = await browser.post(
        f"{page_url(event, session)}/checkout", {"nonce": browser.nonces()[0]}
    )

    assert section.texts(tag="p")[0] == (
        "Send this evaluation before you check out: the session's credit depends on it."
    )
    assert section.buttons() == ["Send evaluation"]
    assert refused.status_code == 409
    assert parse(refused.text).by_id("attendance").alerts() == [
        "Submit this session's evaluation before checking out: the session's credit depends on it."
    ]
    async with db.unit_of_work() as u:
        assert await u.session.scalar(select(Checkin.checked_in)) is True
