"""What the attendee templates show, shaped from the read models: the schedule by day and room,
polls with their tallies and the attendee's answer in words, messages and times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from podium.attendance.types import OtherSession
from podium.enums import PollState, PollType
from podium.kit.errors import PodiumError
from podium.live.service import AudiencePoll, vote_answer
from podium.live.types import CastVote
from podium.models import Event, EventSession, Poll
from podium.people.types import CUSTOM_FIELDS
from podium.program.types import PageSession
from podium.web.pages import timing
from podium.web.pages.templates import day_label

# --- messages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A sentence shown inside a section: "ok" after an action, "error" when it failed."""

    text: str
    level: str = "ok"


def error_message(exc: PodiumError) -> Message:
    """The domain error's sentence, without the field prefix ("code: …") the APIs show."""
    text = exc.message
    if exc.field and text.startswith(exc.field + ": "):
        text = text[len(exc.field) + 2 :]
    text = text[:1].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return Message(text, "error")


# --- times ---------------------------------------------------------------------------------


def time_range(session: EventSession | PageSession) -> str:
    """The session's wall-clock times as the organizer typed them: "08:30-09:15" (en dash)."""
    return times_text(session.start_time, session.end_time)


def times_text(start_time: dt.time | None, end_time: dt.time | None) -> str:
    """Wall-clock times of a session: "08:30-09:15" (en dash), "08:30", "until 09:15"."""
    start = f"{start_time:%H:%M}" if start_time else ""
    end = f"{end_time:%H:%M}" if end_time else ""
    if start and end:
        return f"{start}\N{EN DASH}{end}"
    return start or (f"until {end}" if end else "")


def sessions_text(sessions: Sequence[OtherSession]) -> str:
    """Other sessions as a notice names them: "Keynote (09:00-10:00)" (en dash), "A (…) and
    B (…)"."""
    named = [
        f"{session.name} ({times})"
        if (times := times_text(session.start_time, session.end_time))
        else session.name
        for session in sessions
    ]
    if len(named) <= 1:
        return "".join(named)
    return f"{', '.join(named[:-1])} and {named[-1]}"


def event_dates(event: Event) -> str:
    """The event's day, or its first and last day; "" when the event has no dates."""
    start, end = event.start_date, event.end_date
    if start and end and start != end:
        return f"{day_label(start)} \N{EN DASH} {day_label(end)}"
    day = start or end
    return day_label(day) if day else ""


def credits_text(value: Decimal) -> str:
    """Credits without trailing zeros: "2", "1.5"."""
    return format(value.normalize(), "f")


def local_clock(timezone: str | None) -> Clock:
    return Clock(ZoneInfo(timezone) if timezone else dt.UTC)


@dataclass(frozen=True)
class Clock:
    """Shows an instant as the event's wall-clock time of day, "10:02"."""

    zone: dt.tzinfo

    def __call__(self, instant: dt.datetime | None) -> str:
        return "" if instant is None else f"{instant.astimezone(self.zone):%H:%M}"


def custom_fields(event: Event) -> list[tuple[str, str]]:
    """(form field "field_N", label) of each custom attendee field the event labels."""
    fields = []
    for number, name in enumerate(CUSTOM_FIELDS, start=1):
        label = getattr(event, f"custom_attendee_field_{number}")
        if label and label.strip():
            fields.append((name, label.strip()))
    return fields


# --- the schedule --------------------------------------------------------------------------

NOW, NEXT = "now", "next"


@dataclass(frozen=True)
class ScheduleRow:
    """A session in the schedule: ``marker`` is "now" while it runs, "next" when it is (one
    of) the sessions that start next, else None."""

    session: EventSession
    times: str
    room: str | None
    presenters: tuple[str, ...]
    marker: str | None


@dataclass(frozen=True)
class ScheduleDay:
    date: dt.date | None
    label: str
    rows: tuple[ScheduleRow, ...]
    is_today: bool

    @property
    def anchor(self) -> str:
        """The id of the day's block, what "Jump to today" links to."""
        return f"day-{self.date.isoformat()}" if self.date is not None else "day-unscheduled"


@dataclass(frozen=True)
class Schedule:
    days: tuple[ScheduleDay, ...]

    @property
    def today(self) -> ScheduleDay | None:
        """Today's day when the schedule spans several days and today is one of them: what
        "Jump to today" leads to (with one day there is nowhere to jump)."""
        dated = [day for day in self.days if day.date is not None]
        if len(dated) < 2:
            return None
        return next((day for day in dated if day.is_today), None)


def _time_key(session: EventSession) -> tuple[object, ...]:
    room = session.room.name.casefold() if session.room is not None else ""
    return (
        session.start_time is None,
        session.start_time or dt.time.min,
        session.end_time or dt.time.max,
        room,
        session.name.casefold(),
        session.id,
    )


def schedule(sessions: Sequence[EventSession], *, event: Event, now: dt.datetime) -> Schedule:
    """The sessions by day (in date order; those without a date last, under "Date to be
    announced"), each day's by time, with the room beside each; "now" marks the sessions
    running at ``now`` and "next" the ones that start first after it, both by the sessions'
    times in the event's time zone."""
    windows = {session.id: timing.window(event, session) for session in sessions}
    upcoming = [w.starts for w in windows.values() if w.starts is not None and w.upcoming(now)]
    next_start = min(upcoming, default=None)
    today = now.astimezone(ZoneInfo(event.timezone) if event.timezone else dt.UTC).date()
    days: dict[dt.date | None, list[EventSession]] = {}
    for session in sessions:
        days.setdefault(session.date, []).append(session)

    def marker(session: EventSession) -> str | None:
        window = windows[session.id]
        if window.running(now):
            return NOW
        if next_start is not None and window.starts == next_start:
            return NEXT
        return None

    return Schedule(
        days=tuple(
            ScheduleDay(
                date=day,
                label=day_label(day) if day is not None else "Date to be announced",
                rows=tuple(
                    ScheduleRow(
                        session=session,
                        times=time_range(session),
                        room=session.room.name if session.room is not None else None,
                        presenters=tuple(presenter_names(session)),
                        marker=marker(session),
                    )
                    for session in sorted(days[day], key=_time_key)
                ),
                is_today=day == today,
            )
            for day in sorted(days, key=lambda day: (day is None, day or dt.date.min))
        )
    )


def presenter_names(session: EventSession) -> list[str]:
    return [link.presenter.name for link in session.presenter_links]


# --- polls ---------------------------------------------------------------------------------

_CHOICE_POLLS = frozenset({PollType.MULTIPLE_CHOICE, PollType.MULTIPLE_ANSWER})
_CLOUD_SIZES = 4
_SHOWN_WORDS = 40


@dataclass(frozen=True)
class ChoiceTally:
    """One choice (or rating point) of a poll's results; ``index`` is the tally's index."""

    index: int
    label: str
    count: int
    share: int


@dataclass(frozen=True)
class WordCount:
    word: str
    count: int
    size: int  # 1..4, the word cloud's font size


@dataclass(frozen=True)
class PollView:
    poll: Poll
    kind: PollType
    is_open: bool
    my_vote: CastVote | None
    my_answer: str | None
    results_visible: bool
    total: int
    tallies: tuple[ChoiceTally, ...]
    words: tuple[WordCount, ...]
    texts: tuple[str, ...]

    @property
    def can_vote(self) -> bool:
        return self.is_open and self.my_vote is None


def poll_view(shown: AudiencePoll) -> PollView:
    poll = shown.poll
    kind = PollType(poll.type)
    tallies: tuple[ChoiceTally, ...] = ()
    if kind in _CHOICE_POLLS or kind is PollType.RATING:
        tallies = tuple(
            ChoiceTally(
                index=index,
                label=label,
                count=count,
                share=round(count * 100 / shown.votes) if shown.votes else 0,
            )
            for index, (label, count) in enumerate(zip(poll.choices, shown.counts, strict=False))
        )
    highest = max((count for _, count in shown.words), default=1)
    return PollView(
        poll=poll,
        kind=kind,
        is_open=poll.state == PollState.OPEN,
        my_vote=shown.my_vote,
        my_answer=answer_text(poll, shown.my_vote) if shown.my_vote is not None else None,
        results_visible=poll.show_results,
        total=shown.votes,
        tallies=tallies,
        words=tuple(
            WordCount(
                word=word,
                count=count,
                size=1 + round((_CLOUD_SIZES - 1) * (count - 1) / max(highest - 1, 1)),
            )
            for word, count in shown.words[:_SHOWN_WORDS]
        ),
        texts=shown.texts,
    )


def answer_text(poll: Poll, vote: CastVote) -> str:
    """The attendee's vote in words: "Blue", "Blue, Green", "4 of 5", "Good (4 of 5)"."""
    answer = vote_answer(poll, vote)
    if isinstance(answer, list):
        return ", ".join(answer)
    if isinstance(answer, int):
        scale = len(poll.choices)
        label = poll.choices[answer - 1] if 1 <= answer <= scale else str(answer)
        return f"{answer} of {scale}" if label == str(answer) else f"{label} ({answer} of {scale})"
    return answer
