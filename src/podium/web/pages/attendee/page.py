"""A session's page for its attendees, made of sections, and how its forms are answered.

The sections (attendance, codewords, polls, questions with its live question-list, evaluation,
note) are each a template that is also served alone at ``…/fragments/<name>``, so htmx can
refresh one when the session's live events arrive. A form of a section is answered two ways:

- a plain POST: success is a 303 back to the page (``?done=<what>#<section>``, the page then
  shows a sentence about it); an error is the whole page, the message in the section (4xx);
- an htmx POST: the section re-rendered with the message inside it (4xx on error).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException

from podium.attendance.service import AttendanceSection
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import PodiumError
from podium.live.service import AudiencePoll, questions_shown
from podium.models import Attendee, Event, EventSession
from podium.program.types import SessionFacts
from podium.web import urls
from podium.web.auth.csrf import csrf_token
from podium.web.deps import get_uow
from podium.web.pages import timing
from podium.web.pages.attendee import views
from podium.web.pages.attendee.forms import evaluation_field
from podium.web.pages.attendee.poll_blocks import poll_block
from podium.web.pages.attendee.reading import SECTIONS, PageRead, read_page
from podium.web.pages.attendee.views import Message
from podium.web.pages.deps import current_attendee, page_event, page_session, require_attendee
from podium.web.pages.routing import page_router
from podium.web.pages.templates import ENVIRONMENT, day_label, is_htmx
from podium.web.statuses import STATUS_BY_KIND

router = page_router()

PAGE_TEMPLATE = "attendee/session.html"
# fragment name -> template
FRAGMENTS = {
    "attendance": "attendee/_attendance.html",
    "codewords": "attendee/_codewords.html",
    "polls": "attendee/_polls.html",
    "questions": "attendee/_questions.html",
    "question-list": "attendee/_question_list.html",
    "evaluation": "attendee/_evaluation.html",
    "note": "attendee/_note.html",
}
_ANCHORS = {"question-list": "questions"}

# ?done=<key> after a plain POST: the section and the sentence it shows
DONE = {
    "checked-in": ("attendance", "You are checked in."),
    "checked-out": ("attendance", "You are checked out. Thank you for coming!"),
    "codeword": ("codewords", "Codeword accepted."),
    "codeword-again": ("codewords", "You had already entered that codeword."),
    "voted": ("polls", "Thank you, your answer is in."),
    "asked": ("questions", "Your question is in."),
    "asked-moderated": (
        "questions",
        "Your question was sent. Everyone sees it once a moderator approves it.",
    ),
    "upvoted": ("question-list", "Thank you, your upvote counts."),
    "evaluated": ("evaluation", "Thank you for your evaluation."),
    "note-saved": ("note", "Your notes are saved."),
}
# after these, the page's other sections that show the attendee's state refresh (htmx event)
MY_ATTENDANCE_CHANGED = {"HX-Trigger": "podium-my-attendance"}
_DONE_HEADERS = {"checked-in": MY_ATTENDANCE_CHANGED, "checked-out": MY_ATTENDANCE_CHANGED}
NO_STORE = {"Cache-Control": "no-store"}


def done_url(event_uri: str, session_id: str, name: str, done: str) -> str:
    """Where a plain POST of section ``name`` that succeeded goes: the page, saying ``done``."""
    anchor = _ANCHORS.get(name, name)
    return f"{urls.session_url(event_uri, session_id)}?done={done}#{anchor}"


def page_context(read: PageRead) -> dict[str, Any]:
    """What the page's templates show of ``read`` (the sections it holds), and the helpers they
    format it with; ``messages`` and the forms' drafts empty."""
    return {
        "event": read.event,
        "event_uri": read.event.uri,
        "session": read.session,
        "attendee": read.attendee,
        "status": read.status,
        "attendance": read.attendance,
        "polls": read.polls,
        "questions": read.questions,
        "evaluation_items": read.evaluation_items,
        "messages": {},
        "draft": "",
        "given": {},
        "note_draft": None,
        "clock": views.local_clock(read.event.timezone),
        "credits": views.credits_text,
        "sessions_text": views.sessions_text,
        "day_label": day_label,
        "time_range": views.time_range,
        "evaluation_field": evaluation_field,
        "poll_block": poll_block,
    }


def whole_page(
    read: PageRead, *, csrf_token: str, messages: Mapping[str, Message], **extra: Any
) -> str:
    """The session's page (every section of ``read``), showing ``messages`` in their sections:
    what :meth:`Visit.page` answers and the express lane's answer to a page GET."""
    context = page_context(read)
    context["live_window"] = timing.window(read.event, read.session)
    context.update(extra)
    context["messages"] = dict(messages)
    context["csrf_token"] = csrf_token
    return ENVIRONMENT.get_template(PAGE_TEMPLATE).render(context)


def section_fragment(
    read: PageRead, name: str, *, csrf_token: str, message: Message | None = None, **extra: Any
) -> str:
    """The section ``name`` alone (a key of ``FRAGMENTS``), showing ``message``: what
    :meth:`Visit.fragment` answers and the express lane's answer to a fragment GET."""
    context = page_context(read)
    context.update(extra)
    context["messages"] = {name: message} if message is not None else {}
    context["csrf_token"] = csrf_token
    return ENVIRONMENT.get_template(FRAGMENTS[name]).render(context)


def fragment_done(name: str, done: str | None) -> tuple[Message | None, Mapping[str, str]]:
    """The message ``?done=<done>`` shows in the fragment ``name`` and the headers it comes
    with (none, unless ``done`` is one of that section's)."""
    if done in DONE and DONE[done][0] == name:
        return Message(DONE[done][1]), _DONE_HEADERS.get(done, {})
    return None, {}


def page_messages(done: str | None) -> dict[str, Message]:
    """The sentence ``?done=<done>`` shows in its section (none for an unknown one)."""
    if done in DONE:
        name, text = DONE[done]
        return {name: Message(text)}
    return {}


@dataclass(frozen=True)
class Visit:
    """An attendee on a session's page: what every section and form of it works with."""

    request: Request
    uow: UnitOfWork
    event: Event
    session: EventSession
    attendee: Attendee

    async def read(self, sections: Collection[str]) -> PageRead:
        """What ``sections`` show, read now (after what this unit of work wrote): the page's
        read job (``reading.read_page``), a fixed number of statements."""
        read = await self.uow.run(
            partial(
                read_page,
                event_id=self.event.id,
                event_uri=self.event.uri,
                session_public_id=self.session.public_id,
                attendee_id=self.attendee.id,
                sections=sections,
                now=utcnow(),
                # "Show more questions" asks for more of them: ?questions=<how many>
                questions_shown=questions_shown(self.request.query_params.get("questions")),
            )
        )
        if read is None:  # found by this request's dependencies, in this same transaction
            raise HTTPException(404)
        return read

    async def page(
        self,
        messages: Mapping[str, Message],
        *,
        extra: Mapping[str, Any] | None = None,
        status: int = 200,
    ) -> Response:
        """The whole page, every section read by the page's read job."""
        body = whole_page(
            await self.read(SECTIONS),
            csrf_token=csrf_token(self.request),
            messages=messages,
            **(extra or {}),
        )
        return HTMLResponse(body, status_code=status, headers=NO_STORE)

    async def fragment(
        self,
        name: str,
        *,
        message: Message | None = None,
        extra: Mapping[str, Any] | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        body = section_fragment(
            await self.read({name}),
            name,
            csrf_token=csrf_token(self.request),
            message=message,
            **(extra or {}),
        )
        return HTMLResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})

    async def done(self, name: str, done: str) -> Response:
        """A form of section ``name`` succeeded: back to the page, or the section (htmx)."""
        if not is_htmx(self.request):
            url = done_url(self.event.uri, self.session.public_id, name, done)
            return RedirectResponse(url, status_code=303)
        return await self.done_fragment(name, done)

    async def done_fragment(self, name: str, done: str) -> Response:
        """Section ``name`` saying ``done`` (a key of ``DONE``), as htmx gets it after a form."""
        return await self.fragment(
            name, message=Message(DONE[done][1]), headers=_DONE_HEADERS.get(done)
        )

    async def refused(
        self,
        name: str,
        message: Message,
        *,
        status: int,
        extra: Mapping[str, Any] | None = None,
    ) -> Response:
        """A form of section ``name`` failed: the page or the section, showing ``message``."""
        if is_htmx(self.request):
            return await self.fragment(name, message=message, extra=extra, status=status)
        return await self.page({name: message}, extra=extra, status=status)

    async def failed(
        self, name: str, exc: PodiumError, *, extra: Mapping[str, Any] | None = None
    ) -> Response:
        return await self.refused(
            name, views.error_message(exc), status=STATUS_BY_KIND[exc.kind], extra=extra
        )


def attendance_answer(
    *,
    event_uri: str,
    session: SessionFacts,
    attendance: AttendanceSection,
    done: str,
    csrf_token: str,
) -> bytes:
    """The attendance section saying ``done`` (a key of ``DONE``), as :meth:`Visit.done_fragment`
    renders it, from what a check-in's job and :func:`attendance_section` found: the express
    lane's answer to an htmx check-in, with no reads of the page's own (the event, the
    attendee, the session) and none of the framework's dependency solving in between."""
    body = ENVIRONMENT.get_template(FRAGMENTS["attendance"]).render(
        {
            "csrf_token": csrf_token,
            "event_uri": event_uri,
            "session": session,
            "attendance": attendance,
            "messages": {"attendance": Message(DONE[done][1])},
            "clock": views.local_clock(attendance.timezone),
            "credits": views.credits_text,
            "sessions_text": views.sessions_text,
        }
    )
    return body.encode()


def polls_answer(
    *,
    event_uri: str,
    session_public_id: str,
    polls: Sequence[AudiencePoll],
    done: str,
    csrf_token: str,
) -> bytes:
    """The polls section saying ``done``, as :meth:`Visit.done_fragment` renders it, from the
    session's polls as :func:`read_audience_polls` found them: the express lane's answer to an
    htmx vote."""
    body = ENVIRONMENT.get_template(FRAGMENTS["polls"]).render(
        {
            "csrf_token": csrf_token,
            "event_uri": event_uri,
            "session": {"public_id": session_public_id},
            "polls": polls,
            "poll_block": poll_block,
            "messages": {"polls": Message(DONE[done][1])},
        }
    )
    return body.encode()


async def visit(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee = Depends(require_attendee),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Visit:
    return Visit(request=request, uow=uow, event=event, session=session, attendee=attendee)


async def visit_of(request: Request, uow: UnitOfWork, *, event_uri: str, session_id: str) -> Visit:
    """:func:`visit` for a handler that reads its page only after writing (the check-in form):
    the same reads and the same answers (the join page, 404)."""
    event = await page_event(event_uri, uow)
    attendee = await require_attendee(request, event, await current_attendee(request, event, uow))
    session = await page_session(session_id, event, uow)
    return Visit(request=request, uow=uow, event=event, session=session, attendee=attendee)


@router.get("/{event_uri}/s/{session_id}")
async def session_page(here: Visit = Depends(visit), done: str | None = None) -> Response:
    return await here.page(page_messages(done))


@router.get("/{event_uri}/s/{session_id}/fragments/{name}")
async def session_fragment(
    name: str, here: Visit = Depends(visit), done: str | None = None
) -> Response:
    """A section alone; with ``done``, saying what a form of it just did (the express lane
    answers htmx forms with it, once their write has committed)."""
    if name not in FRAGMENTS:
        raise HTTPException(404)
    message, headers = fragment_done(name, done)
    return await here.fragment(name, message=message, headers=headers)
