"""Keeps the schedule's stamp honest: a flush hook that moves ``sessions.updated_at``.

A session's row changes ``updated_at`` when one of its columns changes. This hook also moves it
when only what hangs off the session changes (its presenter links or fields of study) and, for
every session a presenter presents, when that presenter is renamed. So every write that changes
what the schedule shows changes :func:`podium.program.repository.schedule_stamp`, whichever
code path makes it. Imported by the repository, so it is listening whenever the program is used.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.orm import Session, UOWTransaction

from podium.kit.clock import utcnow
from podium.models import EventSession, FieldOfStudy, Presenter, SessionPresenter

_TOUCHED_KEY = "podium.program.touched_sessions"
_RENAMED_KEY = "podium.program.renamed_presenters"


@sa_event.listens_for(Session, "before_flush")
def _note_schedule_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    """Remember which sessions this flush changes without changing their own row, and which
    presenters it renames; :func:`_touch_sessions` moves their ``updated_at`` after it."""
    touched: set[int] = session.info.setdefault(_TOUCHED_KEY, set())
    renamed: set[int] = session.info.setdefault(_RENAMED_KEY, set())
    for instance in session.dirty:
        if isinstance(instance, EventSession):
            # a change to its own columns moves updated_at already (onupdate)
            if not session.is_modified(instance, include_collections=False):
                touched.add(instance.id)
        elif isinstance(instance, Presenter) and session.is_modified(instance):
            renamed.add(instance.id)
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, SessionPresenter | FieldOfStudy) and instance.session_id:
            touched.add(instance.session_id)


@sa_event.listens_for(Session, "after_flush_postexec")
def _touch_sessions(session: Session, _flush: UOWTransaction) -> None:
    touched: set[int] = session.info.pop(_TOUCHED_KEY, set())
    renamed: set[int] = session.info.pop(_RENAMED_KEY, set())
    if not touched and not renamed:
        return
    linked = select(SessionPresenter.session_id).where(SessionPresenter.presenter_id.in_(renamed))
    condition = EventSession.id.in_(touched) | EventSession.id.in_(linked)
    session.connection().execute(update(EventSession).where(condition).values(updated_at=utcnow()))
