"""Maya joined on her laptop; on her phone she joins with the same email, gets the code by
mail (a real SMTP server), types it, and sees her credits. Someone else who types her email
gets nowhere without it. The code page's screenshot is docs/screenshots/attendee-code-*.png."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from podium.events.service import create_event
from podium.kit.db import Database
from tests.browser.conftest import People, Screenshots, assert_labelled, prove_email
from tests.mail_support import SmtpServer

MAYA = {"First name": "Maya", "Last name": "Lopez", "Email": "maya@example.org"}


async def _join(page: Page, person: dict[str, str]) -> None:
    await page.goto("/e/expo/credits")
    for label, value in person.items():
        await page.get_by_label(label).fill(value)
    await page.get_by_role("button", name="Join").click()


async def test_joining_on_a_second_device_asks_for_the_mailed_code(
    db: Database, people: People, screenshots: Screenshots, smtp_server: SmtpServer
) -> None:
    async with db.unit_of_work() as uow:
        await create_event(uow, uri="expo", name="Expo 2026", timezone="America/Chicago")

    # the laptop: a new email joins at once; the credits wait for the code
    laptop = await people.desktop()
    await _join(laptop, MAYA)
    await expect(laptop.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    await laptop.get_by_role("button", name="Send me a code to see my credits").click()
    await prove_email(laptop, smtp_server, MAYA["Email"])
    await expect(laptop.get_by_role("heading", name="My credits")).to_be_visible()

    # the phone: the same email asks for the code sent to it
    phone = await people.phone()
    await _join(phone, MAYA)
    await expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    await expect(
        phone.get_by_text(
            "We sent a 6-digit code to m…@example.org. "
            "Enter it to continue as Maya Lopez on this device."
        )
    ).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_labelled(phone)
    await screenshots.both(phone, "attendee-code")
    mail = await smtp_server.wait_for(MAYA["Email"], count=2)
    assert mail.message["Subject"] == f"{mail.code} is your code for Expo 2026"
    await prove_email(phone, smtp_server, MAYA["Email"], count=2)
    await expect(phone.get_by_role("heading", name="My credits")).to_be_visible()
    await expect(phone.get_by_text("Maya Lopez · Expo 2026")).to_be_visible()

    # someone else typing Maya's email: no code, not Maya
    stranger = await people.desktop()
    await _join(stranger, {**MAYA, "First name": "Eve"})
    await expect(stranger.get_by_role("heading", name="Check your email")).to_be_visible()
    await stranger.goto("/e/expo")
    await expect(stranger.get_by_role("button", name="Join")).to_be_visible()
    await expect(stranger.get_by_text("Signed in as")).to_have_count(0)

    # the link in that last mail, opened on yet another device, asks first, then signs in
    mail = await smtp_server.wait_for(MAYA["Email"], count=3)
    tablet = await people.phone()
    await tablet.goto(urlsplit(mail.link).path)
    await tablet.get_by_role("button", name="Continue as Maya Lopez").click()
    await expect(tablet.get_by_role("heading", name="My credits")).to_be_visible()


async def test_code_page_works_without_javascript(
    db: Database, people: People, smtp_server: SmtpServer
) -> None:
    async with db.unit_of_work() as uow:
        await create_event(uow, uri="expo", name="Expo 2026", timezone="America/Chicago")
    first = await people.desktop()
    await _join(first, MAYA)
    context = await people.browser.new_context(base_url=people.base_url, java_script_enabled=False)
    people.contexts.append(context)
    phone = await context.new_page()

    await _join(phone, MAYA)
    await expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    await phone.get_by_role("button", name="Send a new code").click()
    await expect(
        phone.get_by_text("We sent a new code. Only the newest one works.")
    ).to_be_visible()
    await prove_email(phone, smtp_server, MAYA["Email"], count=2)

    await expect(phone.get_by_role("heading", name="My credits")).to_be_visible()
