"""Queries of a session's fields of study for the attendance list (``roster.py``); an
attendee's own status is read with Core (``status.py``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from podium.kit.db import UnitOfWork
from podium.models import (
    FieldOfStudy,
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
