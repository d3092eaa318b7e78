"""Routes of the moderator pages, ``/e/<event>/s/<session>/moderate``: the login and the page
that runs a session's polls, Q&A and codewords.

Every action is a POST that works without JavaScript (303 back to the page, at the section it
changed) and with htmx (the section, re-rendered, in the answer). The page needs the event's or
the session's moderator password (see ``identity.py``), given through the pages' one login
flow (``web/auth/logins.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from podium.attendance.service import count_checked_in
from podium.enums import PollType
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.live import service as live
from podium.models import Event, EventSession, Poll, Question
from podium.program.service import announce_codeword, load_session
from podium.web import urls
from podium.web.auth import identity, logins
from podium.web.deps import get_uow
from podium.web.pages import live_views as views
from podium.web.pages.deps import page_event, page_session, require_session_moderator
from podium.web.pages.routing import page_router
from podium.web.pages.templates import is_htmx, render

router = page_router()

PAGE = "/{event_uri}/s/{session_id}/moderate"
ANSWERS_LIMIT = 200
POLL_TYPES = [(poll_type.value, label) for poll_type, label in views.POLL_TYPE_LABELS.items()]
_TRUE = frozenset({"true", "1", "on", "yes"})
_CHOICES_OPTIONAL = frozenset({PollType.RATING, PollType.WORD_CLOUD, PollType.OPEN_TEXT})


# --- signing in ----------------------------------------------------------------------------


def _login(event: Event, session: EventSession) -> logins.SharedPasswordLogin:
    """The event's moderator password opens every session (and the kiosk); the session's own
    opens this one."""
    return logins.SharedPasswordLogin(
        event=event,
        words=logins.LoginWords(
            heading=f"Moderate “{session.name}”",
            subtitle=event.name,
            explanation="Enter the moderator password of this event or of this session.",
            wrong=(
                "That is not the moderator password of this event or session. "
                "Check it and try again."
            ),
            unconfigured=logins.NO_MODERATOR_PASSWORD,
            label="Moderator password",
        ),
        action=urls.moderate_url(event.uri, session.public_id) + "/login",
        home=urls.moderate_url(event.uri, session.public_id),
        passwords=(
            (identity.EVENT_SCOPE, event.moderator_password),
            (session.public_id, session.moderator_password),
        ),
    )


@router.get(PAGE + "/login")
async def login_page(
    request: Request,
    next: str | None = None,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
) -> Response:
    return await logins.show_login(request, _login(event, session), next)


@router.post(PAGE + "/login")
async def login(
    request: Request,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
) -> Response:
    """Grant the event scope for the event's password, the session's scope for its own."""
    return await logins.submit_login(request, _login(event, session))


# --- the page and its fragments ------------------------------------------------------------


@dataclass(frozen=True)
class PollForm:
    name: str = ""
    type: str = PollType.MULTIPLE_CHOICE.value
    choices: str = ""
    scale: str = ""


@dataclass(frozen=True)
class FormError:
    field: str | None
    message: str


@dataclass(frozen=True)
class Moderating:
    """A request of a moderator of ``session``: what every route below works with."""

    request: Request
    uow: UnitOfWork
    event: Event
    session: EventSession

    @property
    def base(self) -> str:
        return urls.moderate_url(self.event.uri, self.session.public_id)

    def back(self, section: str) -> Response:
        """Without JavaScript: back to the page, at ``section``."""
        return RedirectResponse(f"{self.base}#{section}", status_code=303)

    async def poll(self, poll_id: str) -> Poll:
        return await live.get_poll(self.uow, session=self.session, public_id=poll_id)

    async def question(self, question_id: str) -> Question:
        return await live.get_question(self.uow, session=self.session, public_id=question_id)


async def moderating(
    request: Request,
    event: Event = Depends(page_event),
    session: EventSession = Depends(require_session_moderator),
    uow: UnitOfWork = Depends(get_uow),
) -> Moderating:
    return Moderating(request=request, uow=uow, event=event, session=session)


def _common(event: Event, session: EventSession) -> dict[str, Any]:
    zone = views.event_zone(event)
    base = urls.moderate_url(event.uri, session.public_id)
    return {
        "event": event,
        "session": session,
        "base": base,
        "asker": views.asker,
        "local": lambda value: views.local(value, zone),
        "answers_base": base + "/fragments/polls",
        "answers_limit": ANSWERS_LIMIT,
        "poll_types": POLL_TYPES,
        "oob": False,
        "form": PollForm(),
        "form_error": None,
    }


async def _page(
    here: Moderating,
    *,
    form: PollForm | None = None,
    form_error: FormError | None = None,
    status: int = 200,
) -> Response:
    detailed = await load_session(
        here.uow, event=here.event, public_id=here.session.public_id, with_codewords=True
    )
    polls = await live.session_results(here.uow, session=detailed, texts_kept=ANSWERS_LIMIT)
    questions = await live.session_questions(here.uow, session=detailed)
    context = {
        **_common(here.event, detailed),
        "polls": views.polls_view(polls),
        "questions": views.question_groups(questions),
        "fields_of_study": detailed.fields_of_study,
        "checked_in": await count_checked_in(here.uow, session_public_id=detailed.public_id),
        "form": form or PollForm(),
        "form_error": form_error,
    }
    return render(here.request, "moderator/page.html", context, status=status)


async def _polls(here: Moderating) -> Response:
    polls = await live.session_results(here.uow, session=here.session, texts_kept=ANSWERS_LIMIT)
    context = {**_common(here.event, here.session), "polls": views.polls_view(polls)}
    return render(here.request, "moderator/_polls.html", context)


async def _questions(here: Moderating) -> Response:
    questions = await live.session_questions(here.uow, session=here.session)
    context = {
        **_common(here.event, here.session),
        "questions": views.question_groups(questions),
    }
    return render(here.request, "moderator/_questions.html", context)


async def _codewords(here: Moderating) -> Response:
    detailed = await load_session(
        here.uow, event=here.event, public_id=here.session.public_id, with_codewords=True
    )
    context = {**_common(here.event, detailed), "fields_of_study": detailed.fields_of_study}
    return render(here.request, "moderator/_codewords.html", context)


@router.get(PAGE)
async def moderate_page(here: Moderating = Depends(moderating)) -> Response:
    return await _page(here)


@router.get(PAGE + "/fragments/polls")
async def polls_fragment(here: Moderating = Depends(moderating)) -> Response:
    return await _polls(here)


@router.get(PAGE + "/fragments/polls/{poll_id}/answers")
async def answers_fragment(poll_id: str, here: Moderating = Depends(moderating)) -> Response:
    await here.poll(poll_id)
    polls = await live.session_results(here.uow, session=here.session, texts_kept=ANSWERS_LIMIT)
    view = next(views.poll_view(item) for item in polls if item.poll.public_id == poll_id)
    context = {**_common(here.event, here.session), "view": view}
    return render(here.request, "moderator/_answers.html", context)


@router.get(PAGE + "/fragments/questions")
async def questions_fragment(here: Moderating = Depends(moderating)) -> Response:
    return await _questions(here)


@router.get(PAGE + "/fragments/codewords")
async def codewords_fragment(here: Moderating = Depends(moderating)) -> Response:
    return await _codewords(here)


@router.get(PAGE + "/fragments/checkins")
async def checkins_fragment(here: Moderating = Depends(moderating)) -> Response:
    context = {
        **_common(here.event, here.session),
        "checked_in": await count_checked_in(here.uow, session_public_id=here.session.public_id),
    }
    return render(here.request, "moderator/_checkins.html", context)


# --- polls ---------------------------------------------------------------------------------


def _choices(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _scale(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(
            "scale: give the number of points as a whole number from 2 to 10", field="scale"
        ) from None


def _form_error(error: InvalidInput) -> FormError:
    """The service's "field: what to do" as a sentence for the form."""
    field, separator, text = error.message.partition(": ")
    message = text if separator and field == error.field else error.message
    message = message[:1].upper() + message[1:]
    return FormError(field=error.field, message=message if message.endswith(".") else message + ".")


@router.post(PAGE + "/polls")
async def create_poll(
    name: str = Form(""),
    type: str = Form(PollType.MULTIPLE_CHOICE.value),
    choices: str = Form(""),
    scale: str = Form(""),
    here: Moderating = Depends(moderating),
) -> Response:
    """A draft poll. A refused one comes back in the form with its values and the reason."""
    form = PollForm(name=name, type=type, choices=choices, scale=scale)
    lines = _choices(choices)
    try:
        await live.create_poll(
            here.uow,
            session=here.session,
            name=name,
            type=type,
            # empty is "none given" for the polls whose choices are optional or not taken
            choices=lines if lines or type not in _CHOICES_OPTIONAL else None,
            scale=_scale(scale),
        )
    except InvalidInput as error:
        if not is_htmx(here.request):
            return await _page(here, form=form, form_error=_form_error(error), status=400)
        context = {
            **_common(here.event, here.session),
            "form": form,
            "form_error": _form_error(error),
        }
        return render(here.request, "moderator/_poll_form.html", context, status=400)
    if not is_htmx(here.request):
        return here.back("polls")
    polls = await live.session_results(here.uow, session=here.session, texts_kept=ANSWERS_LIMIT)
    context = {
        **_common(here.event, here.session),
        "polls": views.polls_view(polls),
        "oob": True,
    }
    form_html = render(here.request, "moderator/_poll_form.html", _common(here.event, here.session))
    polls_html = render(here.request, "moderator/_polls.html", context)
    return Response(bytes(form_html.body) + bytes(polls_html.body), media_type="text/html")


async def _poll_changed(here: Moderating) -> Response:
    return await _polls(here) if is_htmx(here.request) else here.back("polls")


@router.post(PAGE + "/polls/{poll_id}/open")
async def open_poll(poll_id: str, here: Moderating = Depends(moderating)) -> Response:
    await live.open_poll(here.uow, poll=await here.poll(poll_id))
    return await _poll_changed(here)


@router.post(PAGE + "/polls/{poll_id}/close")
async def close_poll(poll_id: str, here: Moderating = Depends(moderating)) -> Response:
    await live.close_poll(here.uow, poll=await here.poll(poll_id))
    return await _poll_changed(here)


@router.post(PAGE + "/polls/{poll_id}/results")
async def poll_results(
    poll_id: str, visible: str = Form(...), here: Moderating = Depends(moderating)
) -> Response:
    poll = await here.poll(poll_id)
    await live.set_poll_results_visible(here.uow, poll=poll, visible=visible.lower() in _TRUE)
    return await _poll_changed(here)


@router.post(PAGE + "/polls/{poll_id}/move")
async def move_poll(
    poll_id: str,
    direction: Literal["up", "down"] = Form(...),
    here: Moderating = Depends(moderating),
) -> Response:
    await live.move_poll(here.uow, poll=await here.poll(poll_id), direction=direction)
    return await _poll_changed(here)


# --- questions -----------------------------------------------------------------------------


async def _questions_changed(here: Moderating) -> Response:
    return await _questions(here) if is_htmx(here.request) else here.back("questions")


@router.post(PAGE + "/questions/moderation")
async def questions_moderation(here: Moderating = Depends(moderating)) -> Response:
    """The checkbox comes after a hidden "false", so a ticked box sends both values."""
    values = (await here.request.form()).getlist("questions_moderated")
    moderated = any(isinstance(value, str) and value.lower() in _TRUE for value in values)
    await live.set_questions_moderated(here.uow, session=here.session, moderated=moderated)
    return await _questions_changed(here)


@router.post(PAGE + "/questions/{question_id}/approve")
async def approve_question(question_id: str, here: Moderating = Depends(moderating)) -> Response:
    await live.approve_question(here.uow, question=await here.question(question_id))
    return await _questions_changed(here)


@router.post(PAGE + "/questions/{question_id}/dismiss")
async def dismiss_question(question_id: str, here: Moderating = Depends(moderating)) -> Response:
    await live.dismiss_question(here.uow, question=await here.question(question_id))
    return await _questions_changed(here)


@router.post(PAGE + "/questions/{question_id}/answered")
async def answered_question(
    question_id: str, answered: str = Form(...), here: Moderating = Depends(moderating)
) -> Response:
    question = await here.question(question_id)
    await live.mark_question_answered(
        here.uow, question=question, answered=answered.lower() in _TRUE
    )
    return await _questions_changed(here)


@router.post(PAGE + "/questions/{question_id}/pin")
async def pin_question(
    question_id: str, pinned: str = Form(...), here: Moderating = Depends(moderating)
) -> Response:
    question = await here.question(question_id)
    await live.pin_question(here.uow, question=question, pinned=pinned.lower() in _TRUE)
    return await _questions_changed(here)


# --- codewords -----------------------------------------------------------------------------


@router.post(PAGE + "/codewords/announce")
async def announce(
    field_of_study: str = Form(...), word: str = Form(...), here: Moderating = Depends(moderating)
) -> Response:
    await announce_codeword(
        here.uow, session=here.session, field_of_study_name=field_of_study, word=word
    )
    return await _codewords(here) if is_htmx(here.request) else here.back("codewords")
