"""Queries of one attendee's status in one session (see ``status.py``). Callers pass a session
already scoped to their event and an attendee of that event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from podium.kit.db import UnitOfWork
from podium.models import (
    Checkin,
    EvaluationQuestion,
    EvaluationResponse,
    FieldOfStudy,
)


async def find_checkin_with_details(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> Checkin | None:
    """The attendee's record with its history, codeword submissions and credit adjustments
    (re-read, so that a write earlier in the transaction shows). Four queries at most."""
    return await uow.session.scalar(
        select(Checkin)
        .where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
        .options(
            selectinload(Checkin.history),
            selectinload(Checkin.codeword_submissions),
            selectinload(Checkin.credit_adjustments),
        )
        .execution_options(populate_existing=True)
    )


async def list_fields_of_study(uow: UnitOfWork, *, session_id: int) -> list[FieldOfStudy]:
    """The session's fields of study in order, with their codewords; two queries."""
    return list(
        await uow.session.scalars(
            select(FieldOfStudy)
            .where(FieldOfStudy.session_id == session_id)
            .options(selectinload(FieldOfStudy.codewords))
            .order_by(FieldOfStudy.position, FieldOfStudy.id)
            .execution_options(populate_existing=True)
        )
    )


async def list_evaluation_responses(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> list[EvaluationResponse]:
    """The attendee's evaluation answers for the session in the form's order, each with its
    question and presenter; one query."""
    return list(
        await uow.session.scalars(
            select(EvaluationResponse)
            .join(EvaluationResponse.question)
            .where(
                EvaluationResponse.session_id == session_id,
                EvaluationResponse.attendee_id == attendee_id,
            )
            .options(
                contains_eager(EvaluationResponse.question),
                joinedload(EvaluationResponse.presenter),
            )
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id, EvaluationResponse.id)
            .execution_options(populate_existing=True)
        )
    )
