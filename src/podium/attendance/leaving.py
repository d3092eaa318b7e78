"""Check-outs Podium makes itself: of a session whose end has passed, and of a session the
attendee left by checking in to another one that overlaps it. Group-commit jobs (plain
functions of a :class:`~podium.kit.writer.Work`), also run in units of work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from podium.credits.ledger import refresh_credits
from podium.enums import AttendanceSource, CheckinAction
from podium.kit.pubsub import session_channel
from podium.kit.writer import Work
from podium.models import Checkin, CheckinHistoryEntry, Event, EventSession
from podium.program.window import session_window

ATTENDANCE_CHANGED = {"type": "attendance.changed"}


def leave_overlapping_sessions(
    work: Work, *, event_id: int, session_id: int, attendee_id: int, at: datetime
) -> int:
    """Check the attendee out, at ``at``, of every other session of the event they are
    checked in to whose hours overlap ``session_id``'s (sessions without a date overlap
    nothing): they cannot be in two rooms at once. ``checkout_source`` is ``other_session``.
    Recomputes their credits when it checked them out of any; returns how many. One query
    when they are in no other session."""
    others = work.connection.execute(
        select(
            Checkin.id,
            EventSession.public_id,
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
        )
        .join(EventSession, EventSession.id == Checkin.session_id)
        .where(
            Checkin.attendee_id == attendee_id,
            Checkin.checked_in.is_(True),
            Checkin.session_id != session_id,
        )
    ).all()
    if not others:
        return 0
    timezone, day, start, end = work.connection.execute(
        select(Event.timezone, EventSession.date, EventSession.start_time, EventSession.end_time)
        .join(Event, Event.id == EventSession.event_id)
        .where(EventSession.id == session_id)
    ).one()
    starts, ends = session_window(day, start, end, timezone)
    if starts is None or ends is None:
        return 0
    leaving = []
    for checkin_id, public_id, other_day, other_start, other_end in others:
        other_starts, other_ends = session_window(other_day, other_start, other_end, timezone)
        if other_starts is None or other_ends is None:
            continue
        if other_starts < ends and starts < other_ends:
            leaving.append((checkin_id, public_id))
    if not leaving:
        return 0
    left = _check_out(
        work,
        checkin_ids=[checkin_id for checkin_id, _ in leaving],
        at={checkin_id: at for checkin_id, _ in leaving},
        source=AttendanceSource.OTHER_SESSION,
    )
    refresh_credits(work, event_id=event_id, attendee_ids=[attendee_id])
    for _checkin_id, public_id in leaving:
        work.publish(session_channel(public_id), ATTENDANCE_CHANGED)
    return left


def check_out_ended_sessions(work: Work, *, now: datetime, event_id: int | None = None) -> int:
    """Check every attendee still checked in to a session that has ended out at its end
    (``checkout_source`` ``session_end``; at their latest check-in if that came after the
    end), then recompute their credits. All events, or only ``event_id``. Returns how many
    were checked out. Safe to run often and from several processes: a record already checked
    out is left alone."""
    query = (
        select(
            EventSession.id,
            EventSession.event_id,
            EventSession.public_id,
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
            Event.timezone,
        )
        .join(Event, Event.id == EventSession.event_id)
        .where(
            EventSession.date.is_not(None),
            # a session dated tomorrow (UTC) may have ended already east of Greenwich
            EventSession.date <= (now + timedelta(days=1)).date(),
            select(Checkin.id)
            .where(Checkin.session_id == EventSession.id, Checkin.checked_in.is_(True))
            .exists(),
        )
    )
    if event_id is not None:
        query = query.where(EventSession.event_id == event_id)
    ended: dict[int, tuple[int, str, datetime]] = {}
    for session_id, event, public_id, day, start, end, timezone in work.connection.execute(query):
        ends = session_window(day, start, end, timezone)[1]
        if ends is not None and ends <= now:
            ended[session_id] = (event, public_id, ends)
    if not ended:
        return 0
    records = work.connection.execute(
        select(Checkin.id, Checkin.session_id, Checkin.attendee_id).where(
            Checkin.session_id.in_(sorted(ended)), Checkin.checked_in.is_(True)
        )
    ).all()
    arrived = dict(
        work.connection.execute(
            select(CheckinHistoryEntry.checkin_id, func.max(CheckinHistoryEntry.at))
            .where(
                CheckinHistoryEntry.checkin_id.in_([row.id for row in records]),
                CheckinHistoryEntry.action == str(CheckinAction.CHECKIN),
            )
            .group_by(CheckinHistoryEntry.checkin_id)
        ).all()
    )
    at = {}
    for checkin_id, session_id, _attendee in records:
        ends = ended[session_id][2]
        last = arrived.get(checkin_id)
        at[checkin_id] = max(ends, last) if last is not None else ends
    left = _check_out(
        work,
        checkin_ids=[row.id for row in records],
        at=at,
        source=AttendanceSource.SESSION_END,
    )
    attendees: dict[int, set[int]] = defaultdict(set)
    for _checkin_id, session_id, attendee_id in records:
        attendees[ended[session_id][0]].add(attendee_id)
    for event, ids in sorted(attendees.items()):
        refresh_credits(work, event_id=event, attendee_ids=ids)
    for _event, public_id, _ends in ended.values():
        work.publish(session_channel(public_id), ATTENDANCE_CHANGED)
    return left


def _check_out(
    work: Work,
    *,
    checkin_ids: Sequence[int],
    at: dict[int, datetime],
    source: AttendanceSource,
) -> int:
    """Check out those of ``checkin_ids`` still checked in, each at its ``at``: the record's
    columns and a history entry. The number checked out."""
    left = 0
    history: list[dict[str, Any]] = []
    for checkin_id in checkin_ids:
        when = at[checkin_id]
        result = work.connection.execute(
            update(Checkin)
            .where(Checkin.id == checkin_id, Checkin.checked_in.is_(True))
            .values(
                checked_in=False,
                checkout_time=when,
                checkout_time_actual=when,
                checkout_source=str(source),
            )
        )
        if result.rowcount:
            left += 1
            history.append(
                {
                    "checkin_id": checkin_id,
                    "action": str(CheckinAction.CHECKOUT),
                    "at": when,
                    "source": str(source),
                    "nonce": None,
                }
            )
    if history:
        work.connection.execute(insert(CheckinHistoryEntry), history)
    return left
