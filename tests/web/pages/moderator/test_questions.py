"""The moderator's Q&A: holding questions for approval, approving, dismissing, answering,
pinning."""

from __future__ import annotations

import pytest

from podium.kit.db import Database
from podium.live.service import ask_question
from podium.models import EventSession, Question
from tests.factories import make_attendee
from tests.web.pages.conftest import Browser, BrowserFactory
from tests.web.pages.moderator.helpers import Setup, moderator, questions_of, setup_event


async def _ask(
    db: Database, setup: Setup, text: str = "Why?", *, moderated: bool = False
) -> Question:
    async with db.unit_of_work() as uow:
        asker = await make_attendee(uow, setup.event, first_name="Ada", last_name="Lovelace")
        return await ask_question(
            uow, session=setup.session, attendee=asker, text=text, moderated=moderated
        )


async def _signed_in(db: Database, new_browser: BrowserFactory) -> tuple[Setup, Browser]:
    setup = await setup_event(db)
    return setup, await moderator(new_browser, setup)


async def _moderated(db: Database, session: EventSession) -> bool:
    async with db.unit_of_work(write=False) as uow:
        loaded = await uow.session.get(EventSession, session.id)
        assert loaded is not None
        return loaded.questions_moderated


async def test_hold_new_questions_for_approval_without_javascript(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    url = setup.moderate + "/questions/moderation"

    ticked = await browser.http.post(
        url,
        data={"csrf_token": browser.csrf, "questions_moderated": ["false", "true"]},
    )
    held = await _moderated(db, setup.session)
    unticked = await browser.post(url, {"questions_moderated": "false"})

    assert (ticked.status_code, unticked.status_code) == (303, 303)
    assert ticked.headers["location"] == setup.moderate + "#questions"
    assert (held, await _moderated(db, setup.session)) == (True, False)


async def test_hold_new_questions_for_approval_with_htmx(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    response = await browser.http.post(
        setup.moderate + "/questions/moderation",
        data={"csrf_token": browser.csrf, "questions_moderated": ["false", "true"]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="questions"')
    assert 'name="questions_moderated" value="true" checked>' in response.text
    assert await _moderated(db, setup.session) is True


async def test_questions_section_has_its_labelled_setting(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)

    page = await browser.get(setup.moderate)

    assert '<label class="choice" for="questions-moderated">' in page.text
    assert "Hold new questions for approval" in page.text
    assert ">Save</button>" in page.text


@pytest.mark.parametrize(
    ("moderated", "action", "form", "expected"),
    [
        (True, "approve", {}, ("approved", False, False)),
        (True, "dismiss", {}, ("dismissed", False, False)),
        (False, "dismiss", {}, ("dismissed", False, False)),
        (False, "answered", {"answered": "true"}, ("approved", True, False)),
        (False, "pin", {"pinned": "true"}, ("approved", False, True)),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
async def test_question_actions_change_the_question(
    db: Database,
    new_browser: BrowserFactory,
    moderated: bool,
    action: str,
    form: dict[str, str],
    expected: tuple[str, bool, bool],
    htmx: bool,
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    question = await _ask(db, setup, moderated=moderated)

    response = await browser.post(
        f"{setup.moderate}/questions/{question.public_id}/{action}", form, htmx=htmx
    )

    [stored] = await questions_of(db, setup.session)
    assert (stored.state, stored.answered, stored.pinned) == expected
    if htmx:
        assert response.status_code == 200
        assert response.text.lstrip().startswith('<section id="questions"')
    else:
        assert (response.status_code, response.headers["location"]) == (
            303,
            setup.moderate + "#questions",
        )


async def test_question_actions_undo(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    question = await _ask(db, setup)
    url = f"{setup.moderate}/questions/{question.public_id}"
    await browser.post(url + "/answered", {"answered": "true"})
    await browser.post(url + "/pin", {"pinned": "true"})
    await browser.get(setup.moderate)

    page = await browser.get(setup.moderate)
    await browser.post(url + "/answered", {"answered": "false"})
    await browser.post(url + "/pin", {"pinned": "false"})
    await browser.post(url + "/dismiss")
    dismissed = await browser.get(setup.moderate)
    await browser.post(url + "/approve")

    [stored] = await questions_of(db, setup.session)
    assert ">Unmark answered</button>" in page.text and ">Unpin</button>" in page.text
    assert "Dismissed (1)" in dismissed.text
    assert (stored.state, stored.answered, stored.pinned) == ("approved", False, False)


async def test_pinning_a_pending_question_says_to_approve_it_first(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    question = await _ask(db, setup, moderated=True)

    response = await browser.post(
        f"{setup.moderate}/questions/{question.public_id}/pin", {"pinned": "true"}, htmx=True
    )

    assert response.status_code == 409
    assert "Approve this question before pinning it." in response.text


async def test_moderator_page_groups_questions_with_their_buttons(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    await _ask(db, setup, "Waiting one?", moderated=True)
    await _ask(db, setup, "Shown one?")

    page = await browser.get(setup.moderate)

    pending = page.text.split('id="pending-title"')[1].split('id="approved-title"')[0]
    approved = page.text.split('id="approved-title"')[1].split("Dismissed (")[0]
    assert "Waiting for approval (1)" in page.text and "Shown to the audience (1)" in page.text
    assert "Waiting one?" in pending and ">Approve</button>" in pending
    assert ">Dismiss</button>" in pending and ">Pin</button>" not in pending
    assert "Shown one?" in approved and ">Mark answered</button>" in approved
    assert ">Pin</button>" in approved and ">Dismiss</button>" in approved
    assert "Ada Lovelace" in approved


async def test_question_text_is_escaped(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _signed_in(db, new_browser)
    await _ask(db, setup, '<img src=x onerror="alert(1)">', moderated=True)
    await _ask(db, setup, "<script>alert(2)</script>")

    page = await browser.get(setup.moderate)
    fragment = await browser.get(setup.moderate + "/fragments/questions")

    for text in (page.text, fragment.text):
        assert "<img src=x" not in text and "<script>alert(2)" not in text
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text


async def test_question_of_another_session_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    async with db.unit_of_work() as uow:
        elsewhere = await ask_question(
            uow, session=setup.other, attendee=None, text="Elsewhere?", moderated=True
        )

    response = await browser.post(f"{setup.moderate}/questions/{elsewhere.public_id}/approve")

    assert response.status_code == 404
    assert [q.state for q in await questions_of(db, setup.other)] == ["pending"]


async def test_question_actions_need_the_csrf_token(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _signed_in(db, new_browser)
    question = await _ask(db, setup, moderated=True)

    approve = await browser.http.post(f"{setup.moderate}/questions/{question.public_id}/approve")
    setting = await browser.http.post(
        setup.moderate + "/questions/moderation", data={"questions_moderated": "true"}
    )

    assert (approve.status_code, setting.status_code) == (403, 403)
    assert [q.state for q in await questions_of(db, setup.session)] == ["pending"]
    assert await _moderated(db, setup.session) is False
