"""Queries of session evaluations, scoped by the event (directly or through its session)."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import joinedload

from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import (
    Attendee,
    Checkin,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventSession,
    Presenter,
    SessionPresenter,
)


async def next_question_position(uow: UnitOfWork, *, event: Event) -> int:
    highest = await uow.session.scalar(
        select(func.max(EvaluationQuestion.position)).where(EvaluationQuestion.event_id == event.id)
    )
    return (highest or 0) + 1


async def list_event_wide_questions(uow: UnitOfWork, *, event: Event) -> list[EvaluationQuestion]:
    """The questions of every session of ``event`` (no session's own), by position."""
    return list(
        await uow.session.scalars(
            select(EvaluationQuestion)
            .where(EvaluationQuestion.event_id == event.id, EvaluationQuestion.session_id.is_(None))
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
    )


async def list_all_questions(uow: UnitOfWork, *, event: Event) -> list[EvaluationQuestion]:
    """Every question of ``event``, event-wide and sessions' own, by position."""
    return list(
        await uow.session.scalars(
            select(EvaluationQuestion)
            .where(EvaluationQuestion.event_id == event.id)
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
    )


async def find_question(
    uow: UnitOfWork, *, event: Event, question_id: int
) -> EvaluationQuestion | None:
    return await uow.session.scalar(
        select(EvaluationQuestion).where(
            EvaluationQuestion.id == question_id, EvaluationQuestion.event_id == event.id
        )
    )


async def count_answers(uow: UnitOfWork, *, question: EvaluationQuestion) -> int:
    count = await uow.session.scalar(
        select(func.count())
        .select_from(EvaluationResponse)
        .where(EvaluationResponse.question_id == question.id)
    )
    return int(count or 0)


_FORM_QUESTIONS = (
    select(*EvaluationQuestion.__table__.c)
    .where(
        EvaluationQuestion.event_id == bindparam("event_id"),
        or_(
            EvaluationQuestion.session_id.is_(None),
            EvaluationQuestion.session_id == bindparam("session_id"),
        ),
    )
    .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
)
_SESSION_PRESENTERS = (
    select(*Presenter.__table__.c)
    .join(SessionPresenter, SessionPresenter.presenter_id == Presenter.id)
    .where(SessionPresenter.session_id == bindparam("session_id"))
    .order_by(SessionPresenter.position, Presenter.id)
)


async def list_form_questions(
    uow: UnitOfWork, *, session: EventSession
) -> list[EvaluationQuestion]:
    """The event-wide questions and ``session``'s own, by position (loaded in ``uow``)."""
    return list(
        await uow.session.scalars(
            select(EvaluationQuestion)
            .where(
                EvaluationQuestion.event_id == session.event_id,
                or_(
                    EvaluationQuestion.session_id.is_(None),
                    EvaluationQuestion.session_id == session.id,
                ),
            )
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
    )


def read_form_questions(work: Work, *, event_id: int, session_id: int) -> list[EvaluationQuestion]:
    """The event-wide questions and the session's own, by position (read with Core; the
    questions are not attached to any ORM session)."""
    rows = work.connection.execute(
        _FORM_QUESTIONS, {"event_id": event_id, "session_id": session_id}
    )
    return [EvaluationQuestion(**row._mapping) for row in rows]


def read_session_presenters(work: Work, *, session_id: int) -> list[Presenter]:
    """The session's presenters in order (read with Core, not attached to any ORM session)."""
    rows = work.connection.execute(_SESSION_PRESENTERS, {"session_id": session_id})
    return [Presenter(**row._mapping) for row in rows]


async def lock_attendee(uow: UnitOfWork, *, attendee: Attendee) -> None:
    """Hold the attendee's row until commit (PostgreSQL; SQLite writers are serialised)."""
    await uow.session.execute(
        select(Attendee.id).where(Attendee.id == attendee.id).with_for_update()
    )


async def delete_responses(uow: UnitOfWork, *, session: EventSession, attendee: Attendee) -> None:
    await uow.session.execute(
        delete(EvaluationResponse).where(
            EvaluationResponse.session_id == session.id,
            EvaluationResponse.attendee_id == attendee.id,
        )
    )


async def find_checkin(
    uow: UnitOfWork, *, session: EventSession, attendee: Attendee
) -> Checkin | None:
    return await uow.session.scalar(
        select(Checkin).where(Checkin.session_id == session.id, Checkin.attendee_id == attendee.id)
    )


async def list_event_responses(
    uow: UnitOfWork, *, event: Event
) -> list[tuple[EvaluationResponse, EventSession]]:
    """Every response in ``event`` with its session, question, attendee and presenter loaded,
    by submission time then id; one query."""
    result = await uow.session.execute(
        select(EvaluationResponse, EventSession)
        .join(EventSession, EventSession.id == EvaluationResponse.session_id)
        .where(EventSession.event_id == event.id)
        .options(
            joinedload(EvaluationResponse.question),
            joinedload(EvaluationResponse.attendee),
            joinedload(EvaluationResponse.presenter),
        )
        .order_by(EvaluationResponse.submitted_at, EvaluationResponse.id)
    )
    return [(response, session) for response, session in result]
