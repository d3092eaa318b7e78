"""The forms of a session's page: check in and out, codewords, votes, questions and upvotes,
the evaluation and the attendee's notes. How each is answered: see ``page.py``.

Check-in codes, check-out codes and codewords are secrets people guess at: each wrong one is
counted (``throttle``), and past the limit the attendee and their address wait (429).
Check-in, check-out, codeword and vote forms carry a nonce, so a double tap or a retried
request counts once.
"""

from __future__ import annotations

from functools import partial

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException

from podium.attendance.errors import CheckinNotFound, WrongCheckinCode, WrongCheckoutCode
from podium.attendance.service import (
    attendee_session_status,
    get_checkin,
    perform_checkout,
    set_attendee_note,
    submit_codeword,
)
from podium.enums import AttendanceSource
from podium.evaluations.service import evaluation_form, submit_evaluation
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput, PodiumError
from podium.live.service import ask_question, cast_vote, get_poll, get_question, upvote_question
from podium.web.auth import throttle
from podium.web.auth.csrf import CsrfFailed
from podium.web.deps import get_runtime, get_uow
from podium.web.pages.attendee import forms
from podium.web.pages.attendee.checkin_form import (
    THROTTLE_KIND,
    CheckinForm,
    CheckinRefused,
    Refusal,
    admit_checkin,
)
from podium.web.pages.attendee.page import Visit, done_url, visit, visit_of
from podium.web.pages.attendee.views import Message
from podium.web.pages.deps import NeedsJoin
from podium.web.pages.routing import page_router
from podium.web.pages.templates import is_htmx

router = page_router()

MAX_NOTE_LENGTH = 10_000
EVALUATION_CLOSED = "The evaluation opens when you check out, or once the session has ended."
NOTE_NEEDS_CHECKIN = "Check in to this session to keep notes for it."


def _at(here: Visit) -> str:
    """The throttle's scope: wrong codes at this event count only here."""
    return throttle.event_scope(here.event.id)


@router.post("/{event_uri}/s/{session_id}/checkin")
async def checkin(
    request: Request, event_uri: str, session_id: str, uow: UnitOfWork = Depends(get_uow)
) -> Response:
    """The form the express lane did not answer: the same checks and write
    (``checkin_form.admit_checkin``), in this request's unit of work, answered the page's way."""
    form = CheckinForm.of(partial(forms.text_field, await request.form()))
    try:
        job = await admit_checkin(
            get_runtime(request),
            request,
            event_uri=event_uri,
            session_public_id=session_id,
            form=form,
        )
        await uow.run(job)
    except CheckinRefused as refused:
        raise await _refusal(request, uow, refused, event_uri, session_id) from None
    except PodiumError as exc:
        here = await visit_of(request, uow, event_uri=event_uri, session_id=session_id)
        if isinstance(exc, WrongCheckinCode) and form.guesses_a_code:
            await throttle.record_failure(
                request, THROTTLE_KIND, scope=_at(here), attendee_id=here.attendee.id
            )
        return await here.failed("attendance", exc)
    if not is_htmx(request):
        return RedirectResponse(
            done_url(event_uri, session_id, "attendance", "checked-in"), status_code=303
        )
    here = await visit_of(request, uow, event_uri=event_uri, session_id=session_id)
    return await here.done_fragment("attendance", "checked-in")


async def _refusal(
    request: Request, uow: UnitOfWork, refused: CheckinRefused, event_uri: str, session_id: str
) -> Exception:
    """What the page answers a refused check-in with (raised by the caller)."""
    if refused.refusal is Refusal.FORGED:
        return CsrfFailed()
    if refused.refusal is Refusal.THROTTLED:
        return throttle.TooManyAttempts(refused.retry_after or 1)
    # the page's own reads answer the others: the join page, or no such session (404)
    here = await visit_of(request, uow, event_uri=event_uri, session_id=session_id)
    if refused.refusal is Refusal.NOT_JOINED:
        return NeedsJoin(here.event, request.url.path)
    return HTTPException(404)


@router.post("/{event_uri}/s/{session_id}/checkout")
async def checkout(here: Visit = Depends(visit)) -> Response:
    form = await here.request.form()
    code = forms.text_field(form, "code")
    if here.session.checkout_code:
        await throttle.ensure_allowed(
            here.request, "checkout-code", scope=_at(here), attendee_id=here.attendee.id
        )
    try:
        await perform_checkout(
            here.uow,
            session=here.session,
            attendee=here.attendee,
            code=code,
            source=AttendanceSource.WEB,
            nonce=forms.text_field(form, "nonce"),
        )
    except WrongCheckoutCode as exc:
        if code and code.strip():
            await throttle.record_failure(
                here.request, "checkout-code", scope=_at(here), attendee_id=here.attendee.id
            )
        return await here.failed("attendance", exc)
    except PodiumError as exc:
        return await here.failed("attendance", exc)
    return await here.done("attendance", "checked-out")


@router.post("/{event_uri}/s/{session_id}/codewords")
async def enter_codeword(here: Visit = Depends(visit)) -> Response:
    form = await here.request.form()
    word = (forms.text_field(form, "word") or "").strip()
    await throttle.ensure_allowed(
        here.request, "codeword", scope=_at(here), attendee_id=here.attendee.id
    )
    try:
        result = await submit_codeword(
            here.uow,
            session=here.session,
            attendee=here.attendee,
            field_of_study_name=forms.text_field(form, "field_of_study") or "",
            word=word,
            nonce=forms.text_field(form, "nonce"),
        )
    except PodiumError as exc:
        return await here.failed("codewords", exc)
    if not result.accepted:
        await throttle.record_failure(
            here.request, "codeword", scope=_at(here), attendee_id=here.attendee.id
        )
        wrong = (
            f"“{word}” is not a codeword for {result.field_of_study}. "
            "Check the spelling and try again."
        )
        return await here.refused("codewords", Message(wrong, "error"), status=400)
    return await here.done(
        "codewords", "codeword-again" if result.already_submitted else "codeword"
    )


@router.post("/{event_uri}/s/{session_id}/polls/{poll_id}/vote")
async def vote(poll_id: str, here: Visit = Depends(visit)) -> Response:
    form = await here.request.form()
    try:
        poll = await get_poll(here.uow, session=here.session, public_id=poll_id)
        answer = forms.vote_fields(poll, form)
        await cast_vote(
            here.uow,
            poll=poll,
            attendee=here.attendee,
            nonce=forms.text_field(form, "nonce"),
            **answer,
        )
    except PodiumError as exc:
        return await here.failed("polls", exc)
    return await here.done("polls", "voted")


@router.post("/{event_uri}/s/{session_id}/questions")
async def ask(here: Visit = Depends(visit)) -> Response:
    form = await here.request.form()
    text = forms.text_field(form, "text") or ""
    moderated = here.session.questions_moderated
    try:
        await ask_question(
            here.uow, session=here.session, attendee=here.attendee, text=text, moderated=moderated
        )
    except PodiumError as exc:
        return await here.failed("questions", exc, extra={"draft": text})
    return await here.done("questions", "asked-moderated" if moderated else "asked")


@router.post("/{event_uri}/s/{session_id}/questions/{question_id}/upvote")
async def upvote(question_id: str, here: Visit = Depends(visit)) -> Response:
    try:
        question = await get_question(here.uow, session=here.session, public_id=question_id)
        await upvote_question(here.uow, question=question, attendee=here.attendee)
    except PodiumError as exc:
        return await here.failed("question-list", exc)
    return await here.done("question-list", "upvoted")


@router.post("/{event_uri}/s/{session_id}/evaluation")
async def evaluate(here: Visit = Depends(visit)) -> Response:
    """Store the evaluation (replacing an earlier one), once the attendee checked out or the
    session has ended."""
    form = await here.request.form()
    status = await attendee_session_status(here.uow, session=here.session, attendee=here.attendee)
    if not status.evaluation_open:
        return await here.refused("evaluation", Message(EVALUATION_CLOSED, "error"), status=409)
    items = await evaluation_form(here.uow, session=here.session)
    try:
        await submit_evaluation(
            here.uow,
            session=here.session,
            attendee=here.attendee,
            answers=forms.evaluation_answers(form, items),
        )
    except PodiumError as exc:
        given = forms.evaluation_given(form, items)
        return await here.failed("evaluation", exc, extra={"given": given})
    return await here.done("evaluation", "evaluated")


@router.post("/{event_uri}/s/{session_id}/note")
async def save_note(here: Visit = Depends(visit)) -> Response:
    form = await here.request.form()
    note = forms.text_field(form, "attendee_note") or ""
    try:
        if len(note) > MAX_NOTE_LENGTH:
            raise InvalidInput(
                f"attendee_note: your notes are {len(note)} characters long; "
                f"the limit is {MAX_NOTE_LENGTH}",
                field="attendee_note",
            )
        record = await get_checkin(here.uow, session=here.session, attendee=here.attendee)
        await set_attendee_note(here.uow, checkin=record, note=note)
    except CheckinNotFound:
        return await here.refused("note", Message(NOTE_NEEDS_CHECKIN, "error"), status=409)
    except PodiumError as exc:
        return await here.failed("note", exc, extra={"note_draft": note})
    return await here.done("note", "note-saved")
