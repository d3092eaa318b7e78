"""Routes of the screen page, ``/e/<event>/s/<session>/screen``: what a projector shows the room.

No moderator password: the screen shows only what the audience may see (the event's app
password, when it has one, or a moderator grant is enough). What is "current":

1. the open poll (the one opened last, if several are open), with its results when shown;
2. else the poll closed last, when its results are shown (hiding them brings the questions back);
3. else the approved, unanswered questions: pinned first, then by upvotes, then oldest (6);
4. else a welcome with the session's name.

Beside it, for each field of study, the codeword announced last; below, the session's join
address as a QR code and as a short address to type, and, when a moderator of the session
asks for it (``?show=checkin-code``, linked from the moderator page), the check-in code: an
attendee at home with the event's app password must not read it off the screen page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from markupsafe import Markup

from podium.enums import PollState
from podium.kit.db import UnitOfWork
from podium.live import service as live
from podium.live.errors import PollNotFound
from podium.live.service import PollSummary
from podium.models import Event, EventSession, Question
from podium.program.service import AnnouncedCodeword, latest_announcements, load_session
from podium.web import urls
from podium.web.auth import identity
from podium.web.deps import get_runtime, get_uow
from podium.web.pages import live_views as views
from podium.web.pages import timing
from podium.web.pages.deps import page_event, page_session
from podium.web.pages.errors import redirect
from podium.web.pages.qr import qr_svg
from podium.web.pages.routing import page_router
from podium.web.pages.templates import render

router = page_router()

PAGE = "/{event_uri}/s/{session_id}/screen"
TOP_QUESTIONS = 6
WORDS_SHOWN = 30
TEXTS_SHOWN = 8
SHOW_CHECKIN_CODE = "checkin-code"
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class Stage:
    poll: views.PollView | None
    questions: list[Question]
    codewords: list[AnnouncedCodeword]


def current_poll(polls: Sequence[PollSummary]) -> PollSummary | None:
    """The open poll opened last; else the poll closed last if its results are shown."""
    opened = [item for item in polls if item.poll.state == PollState.OPEN]
    if opened:
        return max(opened, key=lambda item: (item.poll.opened_at or _NEVER, item.poll.id))
    closed = [item for item in polls if item.poll.state == PollState.CLOSED]
    if not closed:
        return None
    last = max(closed, key=lambda item: (item.poll.closed_at or _NEVER, item.poll.id))
    return last if last.poll.show_results else None


def _is_moderator(request: Request, event: Event, session: EventSession) -> bool:
    return identity.moderator_access(request, event).for_session(request, event, session)


def _allowed(request: Request, event: Event, session: EventSession) -> bool:
    return identity.has_app_access(request, event) or _is_moderator(request, event, session)


def short_address(url: str) -> str:
    """``url`` as people type it: without the scheme (and the "/" of an address that is only a
    host), e.g. ``podium.example/e/demo/s/abcd``."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") if parts.netloc else url


@dataclass(frozen=True, kw_only=True)
class Join:
    """The footer: where the audience joins the session, and the code it checks in with."""

    url: str
    short: str
    qr: Markup
    checkin_code: str | None


def _join(request: Request, event: Event, session: EventSession, show: str | None) -> Join:
    url = get_runtime(request).settings.base_url + urls.session_url(event.uri, session.public_id)
    shows_code = show == SHOW_CHECKIN_CODE and _is_moderator(request, event, session)
    return Join(
        url=url,
        short=short_address(url),
        qr=qr_svg(url, label=f"QR code of {short_address(url)}"),
        checkin_code=session.checkin_code if shows_code else None,
    )


def _to_event_home(request: Request, event: Event, session: EventSession) -> Response:
    back = urls.screen_url(event.uri, session.public_id)
    return redirect(request, f"{urls.event_url(event.uri)}?next={quote(back)}")


async def _context(uow: UnitOfWork, event: Event, session: EventSession) -> dict[str, Any]:
    detailed = await load_session(
        uow, event=event, public_id=session.public_id, with_codewords=True
    )
    shown = current_poll(await live.session_results(uow, session=detailed, texts_kept=TEXTS_SHOWN))
    questions = [] if shown else await live.session_questions(uow, session=detailed)
    stage = Stage(
        poll=views.poll_view(shown) if shown is not None else None,
        questions=views.top_questions(questions, limit=TOP_QUESTIONS),
        codewords=latest_announcements(detailed),
    )
    base = urls.screen_url(event.uri, session.public_id)
    return {
        "event": event,
        "session": detailed,
        "stage": stage,
        "base": base,
        "answers_base": base + "/fragments/polls",
        "answers_limit": WORDS_SHOWN
        if stage.poll is not None and stage.poll.words
        else TEXTS_SHOWN,
    }


@router.get(PAGE)
async def screen_page(
    request: Request,
    show: str | None = None,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """The whole screen; ``show=checkin-code`` adds the check-in code for a moderator."""
    if not _allowed(request, event, session):
        return _to_event_home(request, event, session)
    context = await _context(uow, event, session)
    context["join"] = _join(request, event, session, show)
    context["live_window"] = timing.window(event, session)
    return render(request, "screen/page.html", context)


@router.get(PAGE + "/fragments/stage")
async def stage_fragment(
    request: Request,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    if not _allowed(request, event, session):
        return _to_event_home(request, event, session)
    return render(request, "screen/_stage.html", await _context(uow, event, session))


@router.get(PAGE + "/fragments/polls/{poll_id}/answers")
async def answers_fragment(
    request: Request,
    poll_id: str,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """The answers of a text poll, only while the audience may see them."""
    if not _allowed(request, event, session):
        return _to_event_home(request, event, session)
    poll = await live.get_poll(uow, session=session, public_id=poll_id)
    if not poll.show_results or poll.state == PollState.DRAFT:
        raise PollNotFound("This poll's answers are not shown to the audience.")
    polls = await live.session_results(uow, session=session, texts_kept=TEXTS_SHOWN)
    view = next(views.poll_view(item) for item in polls if item.poll.id == poll.id)
    context = {
        "view": view,
        "answers_base": urls.screen_url(event.uri, session.public_id) + "/fragments/polls",
        "answers_limit": WORDS_SHOWN if view.words else TEXTS_SHOWN,
    }
    return render(request, "moderator/_answers.html", context)
