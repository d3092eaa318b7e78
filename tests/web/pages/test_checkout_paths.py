"""Every way a record is checked out — the attendee's page, the kiosk, checking in to an
overlapping session, the session's end — writes it the same way (one write,
``attendance.leaving.check_out_records``), recomputes its credits, and tells the session's
channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import pytest
from sqlalchemy import func, select

from podium.attendance.service import check_out_ended_sessions
from podium.kit.clock import utcnow
from podium.kit.db import Database
from podium.models import Attendee, Checkin, CheckinHistoryEntry, CreditAward, EventSession
from tests.live.conftest import RecordingBroker
from tests.web.pages.attendee.conftest import check_in, joined, page_url
from tests.web.pages.conftest import BrowserFactory
from tests.web.pages.moderator.helpers import Setup, setup_event, sign_in

Path = Callable[[Database, BrowserFactory, Setup], Awaitable[Attendee]]


async def _attendee(db: Database) -> Attendee:
    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.scalar(select(Attendee))
        assert found is not None
        return found


async def _on_the_page(db: Database, new_browser: BrowserFactory, setup: Setup) -> Attendee:
    browser = await joined(new_browser, setup.event)
    await check_in(browser, setup.event, setup.session)
    await browser.get(page_url(setup.event, setup.session))
    response = await browser.post(
        f"{page_url(setup.event, setup.session)}/checkout", {"nonce": browser.nonces()[0]}
    )
    assert response.status_code == 303, response.text
    return await _attendee(db)


async def _at_the_kiosk(db: Database, new_browser: BrowserFactory, setup: Setup) -> Attendee:
    attendee_browser = await joined(new_browser, setup.event)
    await check_in(attendee_browser, setup.event, setup.session)
    attendee = await _attendee(db)
    kiosk = await sign_in(new_browser, setup.kiosk + "/login")
    await kiosk.get(setup.desk)
    response = await kiosk.post(
        setup.desk + "/checkout", {"attendee": str(attendee.id), "nonce": "out-1"}
    )
    assert response.status_code == 303, response.text
    return attendee


async def _elsewhere(db: Database, new_browser: BrowserFactory, setup: Setup) -> Attendee:
    browser = await joined(new_browser, setup.event)
    await check_in(browser, setup.event, setup.session)
    await check_in(browser, setup.event, setup.other)  # the same hours: leaves the keynote
    return await _attendee(db)


async def _at_the_end(db: Database, new_browser: BrowserFactory, setup: Setup) -> Attendee:
    browser = await joined(new_browser, setup.event)
    await check_in(browser, setup.event, setup.session)
    # the worker's round (worker/session_end.py): the session (June 1st) has ended
    await db.group_commit.run(partial(check_out_ended_sessions, now=utcnow()))
    return await _attendee(db)


PATHS: dict[str, tuple[Path, str]] = {
    "page": (_on_the_page, "web"),
    "kiosk": (_at_the_kiosk, "kiosk"),
    "overlapping check-in": (_elsewhere, "other_session"),
    "session end": (_at_the_end, "session_end"),
}


async def _state(db: Database, session: EventSession, attendee: Attendee) -> tuple[object, ...]:
    """The record as a check-out leaves it: whether it is in, whether its check-out times and
    its last history entry agree, the sources, the last action, its awards."""
    async with db.unit_of_work(write=False) as uow:
        record = await uow.session.scalar(
            select(Checkin).where(
                Checkin.session_id == session.id, Checkin.attendee_id == attendee.id
            )
        )
        assert record is not None
        last = await uow.session.scalar(
            select(CheckinHistoryEntry)
            .where(CheckinHistoryEntry.checkin_id == record.id)
            .order_by(CheckinHistoryEntry.id.desc())
            .limit(1)
        )
        assert last is not None
        awards = await uow.session.scalar(
            select(func.count()).select_from(CreditAward).where(CreditAward.checkin_id == record.id)
        )
    return (
        record.checked_in,
        record.checkout_time == record.checkout_time_actual == last.at,
        record.checkout_source,
        last.action,
        last.source,
        awards,
    )


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
async def test_every_check_out_path_leaves_the_record_the_same_way_with_its_credits(
    db: Database, new_browser: BrowserFactory, path: str
) -> None:
    setup = await setup_event(db)
    leave, source = PATHS[path]

    attendee = await leave(db, new_browser, setup)

    # two fields of study (Accounting, Taxes): an award each
    assert await _state(db, setup.session, attendee) == (
        False,
        True,
        source,
        "checkout",
        source,
        2,
    )


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
async def test_every_check_out_path_tells_the_sessions_channel_after_the_commit(
    db: Database, new_browser: BrowserFactory, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = await setup_event(db)
    leave, _source = PATHS[path]
    broker = RecordingBroker()
    monkeypatch.setattr(db, "broker", broker)  # the apps the browsers use keep the db's broker

    await leave(db, new_browser, setup)

    keynote = f"session:{setup.session.public_id}"
    changes = [message for channel, message in broker.published if channel == keynote]
    # the check-in, then the check-out
    assert changes == [{"type": "attendance.changed"}] * 2
