"""Checking records out: the one write of a check-out (:func:`check_out_records`), and the
check-outs Podium makes itself with it — of a session whose end has passed, and of a session
the attendee left by checking in to another one that overlaps it. Group-commit jobs (plain
functions of a :class:`~podium.kit.writer.Work`), also run in units of work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import bindparam, func, insert, select, update

from podium.domain_events import CheckedOut, Departure
from podium.enums import AttendanceSource, CheckinAction
from podium.kit.sets import among
from podium.kit.writer import Work
from podium.models import Checkin, CheckinHistoryEntry, Event, EventSession
from podium.program.window import session_window


class Leaving(NamedTuple):
    """A record to check out, at ``at``; ``nonce``: the check-out's own (an attendee's)."""

    checkin_id: int
    event_id: int
    session_id: int
    session_public_id: str
    attendee_id: int
    at: datetime
    nonce: str | None = None


def check_out_records(work: Work, *, leaving: Sequence[Leaving], source: AttendanceSource) -> int:
    """Check out those of ``leaving`` still checked in, each at its ``at``: the record's
    columns (``checked_in`` False, ``checkout_time``, ``checkout_time_actual``,
    ``checkout_source``) and a ``checkout`` history entry. The one place a check-out is
    written: an attendee's own (``checkin.record_checkout``), the overlap and the session end.

    Emits one CheckedOut per conference event, naming the records it checked out (none for a
    record that was not checked in any more); its reaction recomputes their attendees'
    credits. Returns how many were checked out."""
    left: list[Leaving] = []
    history: list[dict[str, Any]] = []
    for record in leaving:
        result = work.connection.execute(
            update(Checkin)
            .where(Checkin.id == record.checkin_id, Checkin.checked_in.is_(True))
            .values(
                checked_in=False,
                checkout_time=record.at,
                checkout_time_actual=record.at,
                checkout_source=str(source),
            )
        )
        if result.rowcount:
            left.append(record)
            history.append(
                {
                    "checkin_id": record.checkin_id,
                    "action": str(CheckinAction.CHECKOUT),
                    "at": record.at,
                    "source": str(source),
                    "nonce": record.nonce,
                }
            )
    if history:
        work.connection.execute(insert(CheckinHistoryEntry), history)
    by_event: dict[int, list[Departure]] = defaultdict(list)
    for record in left:
        by_event[record.event_id].append(
            Departure(
                session_id=record.session_id,
                session_public_id=record.session_public_id,
                attendee_id=record.attendee_id,
                checkin_id=record.checkin_id,
                at=record.at,
            )
        )
    for event_id, departures in sorted(by_event.items()):
        work.emit(CheckedOut(event_id=event_id, source=source, departures=tuple(departures)))
    return len(left)


# built once: made anew for every check-in, the first (which finds nothing but for the few
# attendees in another session) cost more to build than to run
_ELSEWHERE_COLUMNS = (
    Checkin.id,
    EventSession.id,
    EventSession.public_id,
    EventSession.date,
    EventSession.start_time,
    EventSession.end_time,
)
_CHECKED_IN_ELSEWHERE = (
    select(*_ELSEWHERE_COLUMNS)
    .join(EventSession, EventSession.id == Checkin.session_id)
    .where(
        Checkin.attendee_id == bindparam("attendee_id"),
        Checkin.checked_in.is_(True),
        Checkin.session_id != bindparam("session_id"),
    )
)
_SESSION_HOURS = (
    select(Event.timezone, EventSession.date, EventSession.start_time, EventSession.end_time)
    .join(Event, Event.id == EventSession.event_id)
    .where(EventSession.id == bindparam("session_id"))
)
# every record a run of attendees is checked in to, after the attendee's id, by dialect
# (``kit.sets``)
_CHECKED_IN_ELSEWHERE_MANY = {
    dialect: select(Checkin.attendee_id, *_ELSEWHERE_COLUMNS)
    .join(EventSession, EventSession.id == Checkin.session_id)
    .where(where, Checkin.checked_in.is_(True))
    for dialect, where in among(Checkin.attendee_id, "attendee_ids").items()
}
# a record an attendee is checked in to: (record id, session id, its public id, date, start, end)
Elsewhere = tuple[int, int, str, date | None, time | None, time | None]


def leave_overlapping_sessions(
    work: Work, *, event_id: int, session_id: int, attendee_id: int, at: datetime
) -> int:
    """Check the attendee out, at ``at``, of every other session of the event they are
    checked in to whose hours overlap ``session_id``'s (sessions without a date overlap
    nothing): they cannot be in two rooms at once. ``checkout_source`` is ``other_session``
    (:func:`check_out_records`: emits CheckedOut, which recomputes their credits). Returns how
    many. One query when they are in no other session."""
    others = work.connection.execute(
        _CHECKED_IN_ELSEWHERE, {"attendee_id": attendee_id, "session_id": session_id}
    ).all()
    return leave_overlapping(
        work,
        event_id=event_id,
        session_id=session_id,
        attendee_id=attendee_id,
        at=at,
        others=cast(Sequence[Elsewhere], others),
    )


def checked_in_elsewhere(work: Work, *, attendee_ids: Sequence[int]) -> dict[int, list[Elsewhere]]:
    """For a run of check-ins: the records each of ``attendee_ids`` is checked in to
    (``Elsewhere``), by attendee; one query. Run before their new records are made, or leave
    those out."""
    found: dict[int, list[Elsewhere]] = defaultdict(list)
    rows = work.connection.execute(
        _CHECKED_IN_ELSEWHERE_MANY[work.dialect], {"attendee_ids": list(attendee_ids)}
    )
    for attendee_id, *record in rows:
        found[attendee_id].append(tuple(record))  # type: ignore[arg-type]
    return found


def leave_overlapping(
    work: Work,
    *,
    event_id: int,
    session_id: int,
    attendee_id: int,
    at: datetime,
    others: Sequence[Elsewhere],
) -> int:
    """:func:`leave_overlapping_sessions` given ``others``, the other records the attendee is
    checked in to (none: no query)."""
    if not others:
        return 0
    timezone, day, start, end = work.connection.execute(
        _SESSION_HOURS, {"session_id": session_id}
    ).one()
    window = session_window(day, start, end, timezone)
    leaving = [
        Leaving(checkin_id, event_id, other_id, public_id, attendee_id, at)
        for checkin_id, other_id, public_id, other_day, other_start, other_end in others
        if windows_overlap(window, session_window(other_day, other_start, other_end, timezone))
    ]
    if not leaving:
        return 0
    return check_out_records(work, leaving=leaving, source=AttendanceSource.OTHER_SESSION)


def windows_overlap(
    first: tuple[datetime | None, datetime | None], second: tuple[datetime | None, datetime | None]
) -> bool:
    """Whether two sessions' hours (``program.window.session_window``) overlap; a session
    without a date overlaps nothing."""
    starts, ends = first
    other_starts, other_ends = second
    if starts is None or ends is None or other_starts is None or other_ends is None:
        return False
    return other_starts < ends and starts < other_ends


def check_out_ended_sessions(work: Work, *, now: datetime, event_id: int | None = None) -> int:
    """Check every attendee still checked in to a session that has ended out at its end
    (``checkout_source`` ``session_end``; at their latest check-in if that came after the
    end) with :func:`check_out_records`, which emits CheckedOut per event (recomputing their
    credits). All events, or only ``event_id``. Returns how many were checked out. Safe to run
    often and from several processes: a record already checked out is left alone."""
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
    leaving = []
    for checkin_id, session_id, attendee_id in records:
        event, public_id, ends = ended[session_id]
        last = arrived.get(checkin_id)
        at = max(ends, last) if last is not None else ends
        leaving.append(Leaving(checkin_id, event, session_id, public_id, attendee_id, at))
    return check_out_records(work, leaving=leaving, source=AttendanceSource.SESSION_END)
