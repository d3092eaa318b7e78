"""Attendees prove their email: joining as someone another browser already joined as asks for
the code mailed to that address (or its sign-in link); credits and certificates wait for it;
checking in does not."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from podium.config import Settings
from podium.kit.clock import utcnow
from podium.kit.db import Database
from podium.models import Attendee, EmailProof, Event
from tests.factories import make_attendee
from tests.web.pages.attendee.conftest import (
    ALEX,
    BLAKE,
    OTHER_IP,
    check_in,
    code_in,
    joined,
    link_in,
    mailed,
    new_event,
    new_session,
    page_url,
    prove_email,
    proven,
    text_of,
)
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import Browser, BrowserFactory

WE_SENT = (
    "We sent a 6-digit code to a…@example.com. Enter it to continue as Alex Example on this device."
)
CONFIRM = (
    "Your credits, transcript and certificates are shown only on a device that has confirmed "
    "your email address, so that nobody who types your email can see them."
)


async def _attendees(db: Database) -> list[Attendee]:
    async with db.unit_of_work(write=False) as u:
        return list(await u.session.scalars(select(Attendee).order_by(Attendee.id)))


async def _proofs(db: Database) -> list[EmailProof]:
    async with db.unit_of_work(write=False) as u:
        return list(await u.session.scalars(select(EmailProof).order_by(EmailProof.id)))


async def _claimer(new_browser: BrowserFactory, event: Event, **person: str) -> Browser:
    """A second browser joining with Alex's email (Alex joined in another browser already)."""
    await joined(new_browser, event)
    browser = await new_browser(ip=OTHER_IP)
    await browser.get(f"/e/{event.uri}")
    response = await browser.post(
        f"/e/{event.uri}/join", {**ALEX, **person, "next": f"/e/{event.uri}/credits"}
    )
    assert (response.status_code, response.headers["location"]) == (303, "/e/example/verify")
    return browser


async def _whoami(browser: Browser, event: Event) -> str:
    page = parse((await browser.get(f"/e/{event.uri}")).text)
    return page.by_id("you").by_tag("p")[0].text if page.has_id("you") else "nobody"


# joining at once


async def test_join_with_a_new_email_joins_at_once_without_a_proof(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)

    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    (alex,) = await _attendees(db)
    assert alex.joined_at is not None
    assert await mailed(db, ALEX["email"]) == []
    assert await _whoami(browser, event) == "Signed in as Alex Example (alex@example.com)"


async def test_join_as_a_preloaded_attendee_nobody_joined_as_is_at_once(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    async with db.unit_of_work() as u:
        preloaded = await make_attendee(u, event, first_name="", last_name="", email=ALEX["email"])

    browser = await joined(new_browser, event)

    (alex,) = await _attendees(db)
    assert (alex.id, alex.first_name, alex.joined_at is not None) == (preloaded.id, "Alex", True)
    assert await mailed(db, ALEX["email"]) == []
    assert await _whoami(browser, event) == "Signed in as Alex Example (alex@example.com)"


async def test_credits_of_an_attendee_who_has_not_proved_the_email_explain_and_offer_a_code(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await joined(new_browser, event)

    response = await browser.get(f"/e/{event.uri}/credits")

    page = parse(response.text)
    assert (response.status_code, response.headers["cache-control"]) == (403, "no-store")
    assert page.texts(tag="h1") == ["Confirm it is you"]
    assert page.by_id("confirm").texts(tag="p")[1:3] == [
        CONFIRM,
        "We will send a 6-digit code to a…@example.com.",
    ]
    assert page.buttons() == ["Send me a code to see my credits"]
    assert [i.attrs["value"] for i in page.with_attr("name", "next")] == ["/e/example/credits"]


async def test_certificate_download_of_an_attendee_who_has_not_proved_the_email_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    event_pdf = await browser.get(f"/e/{event.uri}/credits/certificate.pdf")
    session_pdf = await browser.get(f"{page_url(event, session)}/certificate.pdf")

    assert (event_pdf.status_code, session_pdf.status_code) == (403, 403)
    assert event_pdf.headers["content-type"].startswith("text/html")
    assert parse(session_pdf.text).texts(tag="h1") == ["Confirm it is you"]


async def test_send_me_a_code_mails_it_and_the_code_opens_the_credits(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await joined(new_browser, event)
    await browser.get(f"/e/{event.uri}/credits")

    sent = await browser.post(f"/e/{event.uri}/verify/send", {"next": "/e/example/credits"})
    (mail,) = await mailed(db, ALEX["email"])
    page = await browser.get(sent.headers["location"])
    entered = await browser.post(f"/e/{event.uri}/verify", {"code": code_in(mail)})
    credits = await browser.get(f"/e/{event.uri}/credits")

    assert (sent.status_code, sent.headers["location"]) == (303, "/e/example/verify")
    assert mail.subject == f"{code_in(mail)} is your code for Example Event"
    assert parse(page.text).by_id("verify").texts(tag="p")[0] == WE_SENT
    assert (entered.status_code, entered.headers["location"]) == (303, "/e/example/credits")
    assert credits.status_code == 200
    assert parse(credits.text).texts(tag="h1") == ["My credits"]


# joining as someone another browser joined as


async def test_join_with_an_email_another_browser_joined_as_asks_for_the_mailed_code(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)

    browser = await _claimer(new_browser, event, first_name="Eve", last_name="Mallory")
    page = await browser.get("/e/example/verify")
    session_page = await browser.get(page_url(event, session))

    (mail,) = await mailed(db, ALEX["email"])
    form = parse(page.text).by_id("verify")
    assert page.status_code == 200
    assert form.texts(tag="p")[0] == WE_SENT
    assert form.labels() == ["6-digit code"]
    assert parse(page.text).buttons() == ["Continue", "Send a new code"]
    assert mail.text_body.startswith(
        "Hello Alex,\n\nsomeone, probably you, asked to continue as Alex Example at Example "
        "Event on a device. Enter this code on that device:\n\n"
    )
    # not Alex without the code: no check-in as them, and their record is as it was
    assert session_page.status_code == 303
    assert await _whoami(browser, event) == "nobody"
    (alex,) = await _attendees(db)
    assert (alex.first_name, alex.last_name) == ("Alex", "Example")


async def test_joining_again_while_a_code_is_waiting_mails_no_other(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    await browser.get("/e/example")

    again = await browser.post("/e/example/join", ALEX)

    (mail,) = await mailed(db, ALEX["email"])
    assert (again.status_code, again.headers["location"]) == (303, "/e/example/verify")
    await browser.get("/e/example/verify")
    entered = await browser.post("/e/example/verify", {"code": code_in(mail)})
    assert entered.status_code == 303


async def test_the_right_code_makes_this_browser_the_attendee_with_the_email_proven(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    await browser.get("/e/example/verify")

    response = await browser.post(
        "/e/example/verify", {"code": f" {code_in(mail)[:3]} {code_in(mail)[3:]} "}
    )
    credits = await browser.get("/e/example/credits")

    assert (response.status_code, response.headers["location"]) == (303, "/e/example/credits")
    assert credits.status_code == 200
    assert await _whoami(browser, event) == "Signed in as Alex Example (alex@example.com)"


async def test_a_code_works_once(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    await browser.get("/e/example/verify")
    await browser.post("/e/example/verify", {"code": code_in(mail)})
    await browser.post("/e/example/leave")
    await browser.get("/e/example/")

    again = await browser.post("/e/example/verify", {"code": code_in(mail)})

    assert again.status_code == 409
    assert (
        "There is no code waiting for this device: it was used, or it expired. "
        "Join again with your email to get a new one."
    ) in text_of(again.text)
    assert await _whoami(browser, event) == "nobody"


async def test_a_wrong_code_says_so_and_keeps_the_browser_out(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    wrong = "000000" if code_in(mail) != "000000" else "111111"
    await browser.get("/e/example/verify")

    response = await browser.post("/e/example/verify", {"code": wrong})

    assert response.status_code == 400
    assert parse(response.text).by_id("verify").texts(tag="small", cls="error") == [
        "That is not the code we sent. Check the mail and try again, or ask for a new code."
    ]
    assert await _whoami(browser, event) == "nobody"


async def test_wrong_codes_are_throttled_for_the_attendee(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    wrong = "000000" if code_in(mail) != "000000" else "111111"
    await browser.get("/e/example/verify")
    statuses = [
        (await browser.post("/e/example/verify", {"code": wrong})).status_code
        for _ in range(settings.attempt_limit)
    ]

    right = await browser.post("/e/example/verify", {"code": code_in(mail)})

    assert statuses == [400] * settings.attempt_limit
    assert right.status_code == 429
    assert "Too many wrong attempts." in text_of(right.text)


async def test_a_code_works_only_on_the_device_it_was_sent_for(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    asker = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    other = await new_browser()
    await other.get("/e/example")
    await other.post("/e/example/join", ALEX)  # asks for a code of its own
    await other.get("/e/example/verify")

    response = await other.post("/e/example/verify", {"code": code_in(mail)})

    assert response.status_code == 400  # (one in a million: both codes drawn alike)
    assert (await _whoami(other, event), await _whoami(asker, event)) == ("nobody", "nobody")


async def test_codes_are_stored_only_as_keyed_hashes(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])

    (proof,) = await _proofs(db)

    token = urlsplit(link_in(mail)).path.rsplit("/", 1)[1]
    code = code_in(mail)
    assert proof.code_hash != hashlib.sha256(code.encode()).hexdigest()
    assert proof.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join((proof.code_hash, proof.token_hash, proof.device_hash))
    assert (code in stored, token in stored) == (False, False)
    assert proof.expires_at - proof.created_at == timedelta(minutes=15)


async def test_a_new_code_replaces_the_old_one(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    await browser.get("/e/example/verify")

    resent = await browser.post("/e/example/verify/resend")
    page = await browser.get(resent.headers["location"])
    old, new = await mailed(db, ALEX["email"])
    stale = await browser.post("/e/example/verify", {"code": code_in(old)})
    fresh = await browser.post("/e/example/verify", {"code": code_in(new)})

    assert resent.headers["location"] == "/e/example/verify?sent=again"
    assert parse(page.text).by_id("verify").alerts() == [
        "We sent a new code. Only the newest one works."
    ]
    assert len(await _proofs(db)) == 1
    assert stale.status_code == 400
    assert (fresh.status_code, fresh.headers["location"]) == (303, "/e/example/credits")


async def test_codes_mailed_are_limited(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)  # the first mail
    await browser.get("/e/example/verify")
    statuses = [
        (await browser.post("/e/example/verify/resend")).status_code
        for _ in range(settings.attempt_limit)
    ]

    assert statuses == [303] * (settings.attempt_limit - 1) + [429]
    assert "We have sent several codes already." in text_of(browser.last.text)  # type: ignore[union-attr]
    assert len(await mailed(db, ALEX["email"])) == settings.attempt_limit


async def test_an_expired_code_is_refused(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    async with db.unit_of_work() as u:
        await u.session.execute(
            update(EmailProof).values(expires_at=utcnow() - timedelta(seconds=1))
        )

    page = await browser.get("/e/example/verify")
    response = await browser.post("/e/example/verify", {"code": code_in(mail)})

    assert (page.status_code, page.headers["location"]) == (303, "/e/example")
    assert response.status_code == 409
    assert await _whoami(browser, event) == "nobody"


# the sign-in link


async def test_sign_in_link_asks_first_then_signs_in_and_goes_on(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    path = urlsplit(link_in(mail)).path
    reader = await new_browser()  # the phone the mail is read on

    asked = await reader.get(path)
    asked_again = await reader.get(path)  # a mail scanner's visit used nothing up
    signed_in = await reader.post(path)
    reused = await (await new_browser()).get(path)

    assert link_in(mail).startswith("https://podium.test/e/example/signin/")
    assert (asked.status_code, asked_again.status_code) == (200, 200)
    # the address holds the token: it is sent to no page, not even Podium's own
    assert asked.headers.get_list("referrer-policy") == ["no-referrer"]
    assert parse(asked.text).texts(tag="h1") == ["Continue as Alex Example?"]
    assert parse(asked.text).buttons() == ["Continue as Alex Example"]
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/e/example/credits")
    assert (await reader.get("/e/example/credits")).status_code == 200
    assert reused.status_code == 404
    assert (
        "This sign-in link has expired or was already used. Join again with your email to get "
        "a new code."
    ) in text_of(reused.text)


async def test_sign_in_link_and_code_are_used_up_together(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await _claimer(new_browser, event)
    (mail,) = await mailed(db, ALEX["email"])
    reader = await new_browser()
    await reader.get(urlsplit(link_in(mail)).path)
    await reader.post(urlsplit(link_in(mail)).path)
    await browser.get("/e/example/")

    response = await browser.post("/e/example/verify", {"code": code_in(mail)})

    assert response.status_code == 409


async def test_an_unknown_sign_in_link_is_a_404_page(
    db: Database, new_browser: BrowserFactory
) -> None:
    await new_event(db)
    browser = await new_browser()

    response = await browser.get("/e/example/signin/not-a-token")

    assert response.status_code == 404


# what a proof is worth afterwards


async def test_a_proof_ends_when_the_attendees_email_changes(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await proven(new_browser, db, event)
    async with db.unit_of_work() as u:
        await u.session.execute(
            update(Attendee).values(email="alex@new.example", email_key="alex@new.example")
        )

    response = await browser.get("/e/example/credits")

    assert response.status_code == 403


async def test_a_proven_browser_joining_again_needs_no_new_code(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await proven(new_browser, db, event)
    mails = len(await mailed(db, ALEX["email"]))
    await browser.get("/e/example")

    response = await browser.post("/e/example/join", ALEX)

    assert (response.status_code, response.headers["location"]) == (303, "/e/example")
    assert len(await mailed(db, ALEX["email"])) == mails
    assert (await browser.get("/e/example/credits")).status_code == 200


async def test_a_proof_is_for_one_attendee_only(db: Database, new_browser: BrowserFactory) -> None:
    event = await new_event(db)
    alex = await proven(new_browser, db, event)
    await alex.post("/e/example/leave")
    await alex.get("/e/example")
    await alex.post("/e/example/join", BLAKE)

    response = await alex.get("/e/example/credits")

    assert response.status_code == 403
    await prove_email(alex, db, event, BLAKE["email"])
    assert (await alex.get("/e/example/credits")).status_code == 200
